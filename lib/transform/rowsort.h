/*
 * rowsort: muni-transform's --dedupe-key and --sort, on the rows once
 * mapped, in bounded memory: the rows go through extsort (runs on disk),
 * never all held.
 *
 * Dedupe: rows with the same values (byte for byte) in the key columns are
 * one thing; the first of them in the input is kept (keep_last: the last),
 * the others are given to the duplicate callback with the row kept, for
 * the rejects file. A row whose key columns are all empty has no key and
 * is kept (the schema's check says what is wrong with it). Without a sort,
 * the rows kept come out in input order.
 *
 * Sort: by the sort columns in turn, ascending or descending each, stable
 * (rows equal on them keep their input order). A value that is a number as
 * Table Schema writes it (sign, digits, point, exponent), not a code with
 * a leading zero ("01004"), sorts by its value, before text; text sorts
 * byte by byte, UTF-8 order, which for ISO dates is the calendar's; empty
 * values sort last (first descending); blank lines after every row.
 */
#ifndef MUNI_ROWSORT_H
#define MUNI_ROWSORT_H

#include <stddef.h>

#include "base/err.h"
#include "csv/csvin.h"

#define ROWSORT_MEMORY ((size_t)64 << 20)	/* default run size */

struct rowsort_options {
	const size_t *sort;	/* output columns to sort by */
	const int *desc;	/* per sort column: descending */
	size_t nsort;
	const size_t *key;	/* output columns of the dedupe key */
	size_t nkey;
	int keep_last;
	int with_input;		/* keep each row as read, for duplicates */
	size_t memory;		/* 0: ROWSORT_MEMORY */
	const char *dir;	/* NULL: TMPDIR */
};

/* A row to write, in order; -1 stops with a write error. */
typedef int rowsort_row_fn(void *ctx, const struct field *f, size_t n);
/*
 * A duplicate left out: the row as read (rec->row its row number; no field
 * without with_input), the row mapped, and the row number of the one kept;
 * -1 stops.
 */
typedef int rowsort_dup_fn(void *ctx, const struct record *rec,
    const struct field *out, size_t nout, unsigned long long kept);

struct rowsort;

struct rowsort *rowsort_new(const struct rowsort_options *o,
    struct muni_err *e);
/*
 * A mapped row: its fields out[0..nout) (nout 0: a blank line), and the
 * row as read, in. 0, or -1 with e.
 */
int rowsort_add(struct rowsort *r, const struct field *out, size_t nout,
    const struct record *in, struct muni_err *e);
/*
 * End of input: give the duplicates to dup, then the rows to write to
 * row, in order. 0; -1 with e, or when a callback returned -1 (e then
 * untouched). The number of duplicates goes to *ndup.
 */
int rowsort_finish(struct rowsort *r, rowsort_row_fn *row,
    rowsort_dup_fn *dup, void *ctx, unsigned long long *ndup,
    struct muni_err *e);
void rowsort_free(struct rowsort *r);

#endif
