/*
 * atomic: write a whole file so that readers see the old content or the
 * new, never a part: the bytes go to a temporary file in the same
 * directory, which is fsynced and renamed over the target. On failure the
 * temporary file is removed and the target is untouched.
 */
#ifndef MUNI_ATOMIC_H
#define MUNI_ATOMIC_H

#include <stddef.h>

#include "err.h"

int atomic_write(const char *path, const void *p, size_t n, int mode,
    struct muni_err *e);

#endif
