/*
 * mapping: muni-transform's mapping file (muni-map(5)), loaded into plain
 * structs: one entry per output column, in output order, with its source
 * (a column, several joined, or a constant) and its operations (value_ops);
 * then the row filters. Anything that is not a valid mapping (an unknown
 * key or operation, a missing argument, a bad pattern, an unreadable
 * lookup file) is refused with MUNI_EXIT_USAGE and the JSON path of the
 * problem: "columns[2].ops[0].regex: ...".
 */
#ifndef MUNI_MAPPING_H
#define MUNI_MAPPING_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "csv/csvin.h"
#include "transform/value_ops.h"

struct map_column {
	char *name;
	char **from;			/* source columns; none: a constant */
	size_t nfrom;
	long *src;			/* their indices, once resolved */
	char *separator;		/* between several sources */
	char *value;			/* the constant */
	struct value_op *ops;
	size_t nops;
};

enum map_test { MAP_EQUALS, MAP_IN, MAP_MATCHES, MAP_EMPTY };

struct map_filter {
	int keep;			/* keep matching rows, else drop them */
	char *column;
	long col;
	enum map_test test;
	char **values;			/* equals (one), in */
	size_t nvalues;
	void *re, *md;			/* matches */
	int empty;			/* empty: true or false */
	char *what;			/* "drop: statut = annulé", for reasons */
};

struct mapping {
	char *source;
	struct map_column *cols;
	size_t ncols;
	struct map_filter *filters;
	size_t nfilters;
};

/* Load from a file ("-": standard input); lookup files are relative to it. */
struct mapping *mapping_load(const char *path, struct muni_err *e);
/* Parse JSON held in memory; dir is where lookup files are looked for. */
struct mapping *mapping_parse(const char *json, size_t len, const char *source,
    const char *dir, struct muni_err *e);
void mapping_free(struct mapping *m);
/*
 * Find every column the mapping reads in the input's header; a missing
 * one is MUNI_EXIT_USAGE naming it and the columns there are.
 */
int mapping_resolve(struct mapping *m, const struct record *header,
    struct muni_err *e);
/* Compile the pattern re into op (replace, extract): 0, or -1. */
int mapping_compile_op(struct value_op *op, const char *re);
/*
 * The mapping as a mapping file (what --emit-map writes). lookup, when not
 * NULL, holds for each column a lookup file (or NULL): the column's
 * operations then end with a map by that file, from its column "value" to
 * its column named after the output column.
 */
int mapping_json(const struct mapping *m, const char *const *lookup,
    struct buf *out);

/*
 * Whether filter f keeps the row: 1 or 0; -1 when its pattern could not be
 * decided (PCRE2's match or depth limit).
 */
int mapping_keeps(const struct map_filter *f, const struct record *rec);

#endif
