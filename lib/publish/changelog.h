/*
 * changelog: what a version's rows were, kept so that the next version can
 * say what changed: rows added, removed and changed, by primary key when
 * the schema has one, else by whole row (added and removed only).
 *
 * The index of a version is a file of records sorted by key: the key's
 * 64-bit hash, the row's 64-bit hash, and the key as a canonical CSV
 * record (empty without a primary key), so that the changed keys can be
 * written out. It is built with bounded memory by extsort: records are
 * sorted in runs of at most CHANGELOG_RUN bytes, written to temporary
 * files in a folder given by the caller, then merged. Two indexes are
 * compared by merging.
 *
 * Errors are MUNI_EXIT_IO (files) with the path.
 */
#ifndef MUNI_CHANGELOG_H
#define MUNI_CHANGELOG_H

#include <stddef.h>

#include "base/err.h"
#include "csv/csvin.h"

#define CHANGELOG_RUN ((size_t)16 << 20)

struct changelog;

/*
 * Start an index in folder dir; key holds the field indices of the primary
 * key (nkey 0: whole rows).
 */
struct changelog *changelog_new(const char *dir, const size_t *key, size_t nkey,
    struct muni_err *e);
int changelog_add(struct changelog *x, const struct record *rec,
    struct muni_err *e);
/* Sort and write the index to path; the struct is freed in any case. */
int changelog_finish(struct changelog *x, const char *path, struct muni_err *e);
void changelog_free(struct changelog *x);

struct changelog_diff {
	unsigned long long added, removed, changed;
};

/*
 * Compare the index old_path with new_path. With diff_fd >= 0, write a CSV
 * there: "change" (added, removed, changed) then the key's columns, named
 * by header (a canonical CSV record without its LF).
 */
int changelog_compare(const char *old_path, const char *new_path, int diff_fd,
    const char *header, struct changelog_diff *d, struct muni_err *e);

#endif
