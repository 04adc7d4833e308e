/*
 * version: muni's version and the versions of the libraries it runs with
 * (as the libraries report them at run time where they can).
 */
#ifndef MUNI_VERSION_H
#define MUNI_VERSION_H

#include "base/buf.h"

const char *muni_version(void);
/* Append one "name version" line per library to b; -1 if b is full. */
int muni_library_versions(struct buf *b);

#endif
