/*
 * catalog: a publication's catalog.db (SQLite, WAL), the record of every
 * dataset under a root and of every version published: when, its digest,
 * size and row count, the digest of its schema and metadata, the verdicts
 * of validation and anonymization, the changes against the version
 * before, and the descriptor (datapackage.json) it was published with.
 * muni-publish writes it under its lock; --list and --history read it.
 *
 * A version row is written before the publication is switched to it
 * (lib/prun): "current" in the datasets table is what the publication is,
 * or is about to be once a killed run is completed.
 *
 * The struct catalog owns the database handle; cat_version's descriptor is
 * owned by the struct and freed by cat_version_release().
 */
#ifndef MUNI_CATALOG_H
#define MUNI_CATALOG_H

#include "err.h"

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
};

struct catalog;

/* Open (creating) ROOT/catalog.db. */
struct catalog *catalog_open(const char *path, struct muni_err *e);
void catalog_close(struct catalog *c);

/* The dataset's current version: 1 found, 0 none, -1 error. */
int catalog_current(struct catalog *c, const char *dataset,
    struct cat_version *v, struct muni_err *e);
/* Record v and make it the dataset's current version, in one transaction. */
int catalog_add(struct catalog *c, const struct cat_version *v,
    struct muni_err *e);
/* Make an existing version current (completing a killed run). */
int catalog_set_current(struct catalog *c, const char *dataset,
    const char *stamp, struct muni_err *e);
int catalog_delete(struct catalog *c, const char *dataset, const char *stamp,
    struct muni_err *e);

/*
 * Call fn for each dataset's current version (dataset NULL), in name
 * order, or for each version of one dataset, newest first. fn returns
 * non-zero to stop. v is valid during the call only.
 */
int catalog_each(struct catalog *c, const char *dataset,
    int (*fn)(void *ctx, const struct cat_version *v), void *ctx,
    struct muni_err *e);

void cat_version_release(struct cat_version *v);

#endif
