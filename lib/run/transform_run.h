/*
 * transform_run: one muni-transform run end to end: read the input with csvin,
 * get the mapping (a mapping file, or built from a schema with automap), write
 * the mapped rows as canonical CSV to out_fd.
 *
 * Rows the filters leave out, and with strict the rows holding a value an
 * operation cannot convert, go to the rejects file (the row as read, then
 * the reason); without strict such a value is written as it was read and
 * a warning names its row, column and value. Rows in = rows out + rows
 * rejected. With dedupe_key, the rows mapped whose key repeats one seen
 * are rejects too ("duplicate"); with sort or dedupe_key the rows are
 * written at the end, through rowsort (bounded memory, runs in TMPDIR).
 * transform_run prints nothing: warnings go to warn(), the lines of
 * --explain and --summary to note(), for the tool to print.
 *
 * transform_run() returns the exit status: 0, or 1 when a value could not be
 * converted; e says why when it is 2 or more.
 */
#ifndef MUNI_TRANSFORM_RUN_H
#define MUNI_TRANSFORM_RUN_H

#include "base/err.h"
#include "csv/csvin.h"

#define TRANSFORM_RUN_MAX_WARNINGS 20	/* warnings printed, the rest counted */

struct transform_run_options {
	struct csvin_options csv;
	const char *input;		/* a path, or "-" */
	const char *map;		/* --map FILE */
	const char *schema;		/* --schema FILE, with auto */
	int autom;			/* --auto */
	int explain;
	const char *emit_map;		/* --emit-map FILE */
	int strict;
	const char *rejects;
	int summary;
	int quiet;			/* no warning per value */
	const char *sort;		/* --sort COL[:desc],... */
	const char *dedupe_key;		/* --dedupe-key COL,... */
	int keep_last;			/* --keep last */
	size_t sort_memory;		/* --sort-memory, 0: default */
	int out_fd;
	muni_note_fn *warn;	/* a value not converted */
	muni_note_fn *note;	/* explain, summary */
	void *ctx;
};

int transform_run(const struct transform_run_options *o, struct muni_err *e);

#endif
