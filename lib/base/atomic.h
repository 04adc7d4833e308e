/*
 * atomic: write a whole file so that readers see the old content or the
 * new, never a part: the bytes go to a temporary file in the same
 * directory, which is fsynced and renamed over the target. On failure the
 * temporary file is removed and the target is untouched.
 *
 * A file the user names (-r, --report, --rejects, -p, --emit-map...) is
 * never replaced by something else: what is at its path is looked at
 * first (atomic_target). A regular file, or no file, is written by
 * rename; through a symlink to a regular file, the file it points to is.
 * Anything else (a character device such as /dev/null, a FIFO, a socket,
 * /dev/stdout, /dev/fd/N as a process substitution gives) is opened and
 * written into, since it cannot be replaced without harm; there, a
 * failure part-way cannot be undone.
 */
#ifndef MUNI_ATOMIC_H
#define MUNI_ATOMIC_H

#include <stddef.h>

#include "base/err.h"

int atomic_write(const char *path, const void *p, size_t n, int mode,
    struct muni_err *e);

/*
 * How the user's path is written: a descriptor open for writing into it
 * (>= 0, the caller closes it), or -2 with *target (malloc'd) the path to
 * rename onto; -1 and e when it cannot be written at all (a folder).
 */
int atomic_target(const char *path, char **target, struct muni_err *e);

/*
 * Before any data goes out: whether the user's path can be written (not a
 * folder; for a rename, a folder that can be written in), else -1 and e.
 * Nothing is opened: a FIFO's reader sees nothing.
 */
int atomic_check(const char *path, struct muni_err *e);

/* atomic_write() for a file the user names, by atomic_target()'s rule. */
int atomic_write_user(const char *path, const void *p, size_t n, int mode,
    struct muni_err *e);

#endif
