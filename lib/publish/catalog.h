/*
 * catalog: a publication's catalog.db (SQLite), the record of every
 * dataset under a root and of every version published: when, its digest,
 * size and row count, the digest of its schema and metadata, the verdicts
 * of validation and anonymization, the changes against the version
 * before, and the descriptor (datapackage.json) it was published with.
 * muni-publish writes it under its lock; --list and --history read it.
 *
 * Each generation of a publication (lib/publication) holds its own
 * catalog.db, a self-contained file in rollback-journal mode (no -wal or
 * -shm beside it): a copy of the file alone holds the whole history. A
 * publication copies the current generation's file into the next one
 * (catalog_snapshot), changes the copy and switches to it; the file of a
 * generation readers can reach never changes.
 *
 * The struct catalog owns the database handle; cat_version's descriptor is
 * owned by the struct and freed by cat_version_release().
 */
#ifndef MUNI_CATALOG_H
#define MUNI_CATALOG_H

#include <stddef.h>

#include "base/err.h"

struct cat_version {
	char dataset[65];
	char stamp[32];		/* 20261129T061500Z, the folder's name */
	char number[32];	/* 1.2.0 */
	char published[32];	/* 2026-11-29T06:15:00Z */
	char identifier[80];	/* the dataset's, stable across versions */
	char sha256[65];
	unsigned long long bytes, rows;
	char gz_sha256[65];	/* "" without --gzip */
	unsigned long long gz_bytes;
	char schema_sha256[65];
	char meta_sha256[65];
	char validation[32];	/* "valid", "invalid (allowed)" */
	char anonymization[32];	/* "pass", "not given" */
	/* The report that said pass, kept in the descriptor (not a column). */
	char anon_report_sha256[65];
	char anon_key_id[64];
	int compared;		/* added/removed/changed are known */
	unsigned long long added, removed, changed;
	char *descriptor;	/* datapackage.json */
	char *profile;		/* the columns' profile (JSON), or NULL */
};

struct catalog;

/*
 * CATALOG_WRITE opens (creating) a catalogue to change; CATALOG_READ a
 * generation's, read-only; CATALOG_LEGACY the catalog.db of a publication
 * made before generations (write-ahead log), read to be copied.
 */
enum catalog_mode { CATALOG_WRITE, CATALOG_READ, CATALOG_LEGACY };
struct catalog *catalog_open(const char *path, enum catalog_mode mode,
    struct muni_err *e);
/* Close, reporting a failure to finish writing; -1 with e. */
int catalog_finish(struct catalog *c, struct muni_err *e);
/* Copy the whole catalogue into a new file at path, synced to disk. */
int catalog_snapshot(struct catalog *c, const char *path, struct muni_err *e);
void catalog_close(struct catalog *c);

/* The dataset's current version: 1 found, 0 none, -1 error. */
int catalog_current(struct catalog *c, const char *dataset,
    struct cat_version *v, struct muni_err *e);
/*
 * Record v and make it the dataset's current version (the dataset's
 * identifier becoming v's), and forget the
 * versions of the dataset stamped in drop (ndrop of them), in one
 * transaction.
 */
int catalog_add(struct catalog *c, const struct cat_version *v,
    const char *const *drop, size_t ndrop, struct muni_err *e);

/*
 * Call fn for each dataset's current version (dataset NULL), in name
 * order, or for each version of one dataset, newest first. fn returns
 * non-zero to stop. v is valid during the call only.
 */
int catalog_each(struct catalog *c, const char *dataset,
    int (*fn)(void *ctx, const struct cat_version *v), void *ctx,
    struct muni_err *e);

/*
 * The publication's settings (its base URL, its title): 1 with the value
 * in out (n bytes), 0 when unset.
 */
int catalog_setting(struct catalog *c, const char *key, char *out, size_t n);
int catalog_set(struct catalog *c, const char *key, const char *value,
    struct muni_err *e);

/*
 * catalog_each() into an array (*v, malloc'd, *n of them) without the
 * descriptors; -1 with e.
 */
int catalog_versions(struct catalog *c, const char *dataset,
    struct cat_version **v, size_t *n, struct muni_err *e);

/*
 * The profiles of the first max of v (catalog_versions()' array of
 * dataset, newest first) read back, for a column's history; -1 with e.
 */
int catalog_profiles(struct catalog *c, const char *dataset,
    struct cat_version *v, size_t n, size_t max, struct muni_err *e);

void cat_version_release(struct cat_version *v);
/* SQLite's message for the last failure, without the catalogue's path. */
const char *catalog_errmsg(struct catalog *c);

#endif
