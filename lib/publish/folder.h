/*
 * folder: the folders muni-publish makes and removes under a publication:
 * paths bounded in length (a longer one is an error, never a cut path),
 * folders made, synced to disk, and removed with what they hold without
 * following a symbolic link out of them.
 */
#ifndef MUNI_FOLDER_H
#define MUNI_FOLDER_H

#include "base/err.h"

#define FOLDER_PATH_MAX 4096

/* A path into out (FOLDER_PATH_MAX bytes); -1 with e when longer. */
int folder_path(char *out, struct muni_err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* mkdir 0755, an existing folder being fine; -1 with e (status 3). */
int folder_make(const char *path, struct muni_err *e);
/* fsync a file or a folder by its path; -1 with errno. */
int folder_sync(const char *path);
/* Remove a file, a link or a folder with what it holds; -1 with errno. */
int folder_remove(const char *path);
/*
 * Write a whole new file in a folder being built, synced (no rename: the
 * folder is not yet reachable); -1 with e set.
 */
int folder_write(const char *path, const void *p, size_t n,
    struct muni_err *e);

/*
 * Fault injection for the test suite: with MUNI_TEST_CRASH_AT set to
 * step, the process kills itself (SIGKILL) here, so that each state a
 * crash can leave is tested, not only those a timer happens to hit.
 * Only in a build configured with --enable-fault-injection; elsewhere
 * it does nothing.
 */
void folder_test_crash(const char *step);

#endif
