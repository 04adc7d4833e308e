/*
 * jsonrec: records from JSON, read twice with yajl's event parser (the
 * first reading finds the records and the union of their keys, the second
 * writes them), so memory holds one record and the column names, never
 * the document:
 *
 *   - an array of objects, each a record, the columns being the union of
 *     their keys in the order first seen;
 *   - an array of arrays, the first being the header (Frictionless' inline
 *     data);
 *   - NDJSON / JSON Lines: one object after another, each a record;
 *   - an object holding the records: the array at --records PATH (keys
 *     separated by '.' or '/', e.g. "data" or "results.items"), else its
 *     first member whose value is an array; an object without one is a
 *     single record;
 *   - a GeoJSON FeatureCollection: each feature's properties are columns,
 *     its geometry a last column "geometry" holding the geometry as JSON
 *     text, or "longitude" and "latitude" for points (lonlat; "x" and
 *     "y" when the coordinates are projected, xy).
 *
 * Values: strings as they are, numbers as their text in the document
 * (never reformatted), true and false, null as an empty field, an array or
 * object as its JSON text. Nesting deeper than SRC_JSON_MAX_DEPTH is
 * refused; so is a record or value over the reader's limits.
 */
#ifndef MUNI_JSONREC_H
#define MUNI_JSONREC_H

#include <stddef.h>

#include "base/err.h"
#include "csv/csvin.h"

#define SRC_JSON_MAX_DEPTH 64

struct json_options {
	const char *records;		/* path to the records, or NULL */
	int lonlat;			/* GeoJSON points as two columns */
	int xy;				/* named x and y: projected */
	size_t max_field, max_record;	/* 0: csvin's defaults */
	muni_note_fn *warn;
	void *warn_ctx;
};

struct jsonrec;

/* Whether the first bytes look like JSON (after a BOM and spaces). */
int jsonrec_is(const unsigned char *p, size_t n);
/* Read fd (a regular file, read from its start) a first time. */
struct jsonrec *jsonrec_open(int fd, const char *file,
    const struct json_options *o, struct muni_err *e);
int jsonrec_next(struct jsonrec *s, struct record **rec,
    struct muni_err *e);
unsigned long long jsonrec_records(const struct jsonrec *s);
/* "json", "ndjson" or "geojson". */
const char *jsonrec_kind(const struct jsonrec *s);
void jsonrec_free(struct jsonrec *s);

#endif
