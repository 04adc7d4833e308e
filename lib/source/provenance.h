/*
 * provenance: the JSON record muni-fetch writes with --provenance, read
 * back later by muni-publish to fill a Data Package's "sources":
 *
 *   {"source": "export.csv", "format": "csv", "bytes": 1234, "sha256": "...",
 *    "compression": "none", "encoding": "WINDOWS-1252", "bom": false,
 *    "delimiter": ";", "line_ends": "crlf", "records": 42,
 *    "fetched": "2026-11-29T10:00:00Z", "tool": "muni-fetch 0.1.0"}
 *
 * "bytes" and "sha256" are those of the raw input as read (before gzip
 * inflating); "records" counts every record, the header included.
 * A spreadsheet adds "sheet" (the one read) and "skipped_rows" (title rows
 * above the header); a file read from a ZIP archive adds "entry"; a
 * shapefile or a GeoPackage whose CRS is known adds "crs" ("EPSG:2154",
 * else the CRS's name) and, when its coordinates were reprojected,
 * "reprojected_to" ("EPSG:4326").
 * "fetched" is the current UTC time, or SOURCE_DATE_EPOCH when set.
 */
#ifndef MUNI_PROVENANCE_H
#define MUNI_PROVENANCE_H

#include <time.h>

#include "base/buf.h"
#include "base/err.h"

struct provenance {
	const char *source;
	const char *format;		/* "csv", "xlsx", "json", ... */
	unsigned long long bytes;
	const char *sha256;
	const char *compression;
	const char *encoding;
	int bom;
	int delimiter;
	const char *line_ends;
	unsigned long long records;
	const char *sheet;		/* spreadsheets, else NULL */
	unsigned long long skipped;
	const char *entry;		/* inside a ZIP archive, else NULL */
	const char *crs;		/* geodata, else NULL */
	const char *reprojected_to;	/* --to-wgs84, else NULL */
	const char *api;		/* an API's pages: their kind, else NULL */
	unsigned long pages;
	long long matched;		/* numberMatched, or -1 */
	const char *resource;		/* CKAN: the file read, or NULL */
	const char *tool;
};

/* Render p as JSON (one object and a newline) into out. */
int provenance_json(const struct provenance *p, struct buf *out,
    struct muni_err *e);
/* The time to record, as ISO 8601 UTC; honours SOURCE_DATE_EPOCH. */
void provenance_now(char out[32]);
/* The same as seconds since the epoch. */
time_t provenance_epoch(void);

#endif
