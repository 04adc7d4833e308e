/*
 * sheet: a spreadsheet's grid turned into records, the same for XLSX and
 * ODS. A source (xlsx, ods) reads the rows of one sheet in order,
 * only the cells that hold a value; sheet reads them twice:
 *
 *   1. to measure: the first and last columns and the last row that hold
 *      a value (empty columns before and after, empty rows after, are
 *      trimmed), and the fill of the first rows, to find the header;
 *   2. to write: every row from the header to the last row, each as wide
 *      as the widest, empty rows in between kept (as empty records of
 *      that width), merged ranges filled with their top-left value when
 *      asked.
 *
 * The header: with skip_rows set, the row that follows the first
 * skip_rows rows. Otherwise rows above the header that look like titles
 * are skipped: among the first SHEET_SCAN_ROWS rows holding a value, the
 * header is the first that holds at least half as many values as the
 * fullest of them, and at least two (one when no row holds more).
 *
 * Memory: one row, and the merged ranges (SHEET_MAX_MERGES at most).
 */
#ifndef MUNI_SHEET_H
#define MUNI_SHEET_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "csv/csvin.h"

#define SHEET_MAX_COLS 16384		/* XFD, Excel's last column */
#define SHEET_MAX_ROWS 1048576
#define SHEET_MAX_MERGES 65536
#define SHEET_SCAN_ROWS 32
/*
 * Output in proportion to input: a sheet of more than SHEET_FREE_CELLS
 * cells (rows from the header to the last value, by columns from the
 * first to the last) is refused when it has more than
 * SHEET_CELLS_PER_BYTE cells a byte of the sheet's XML, naming the cell
 * that stretches it: a stray cell at XFD1048576 would write 17 billion.
 */
#define SHEET_FREE_CELLS 10000000ULL
#define SHEET_CELLS_PER_BYTE 100ULL

/* One row as a source reads it: the cells that hold a value. */
struct sheet_row {
	unsigned long long num;		/* 1-based row number in the sheet */
	unsigned long long repeat;	/* the row stands for this many, >= 1 */
	struct buf text;		/* the values, end to end */
	size_t *off;			/* value i is text[off[i]..off[i+1]) */
	unsigned *col;			/* its 0-based column, ascending */
	size_t n, cap;
};

/* A merged range, 1-based rows and 0-based columns, inclusive. */
struct sheet_merge {
	unsigned long long r1, r2;
	unsigned c1, c2;
};

/* The merged ranges a source collects on its first reading. */
struct sheet_merges {
	struct sheet_merge *v;
	size_t n, cap;
};

/*
 * Add a range; past SHEET_MAX_MERGES + 1 they are counted no more (sheet
 * refuses the sheet). -1 when out of memory.
 */
int sheet_merges_add(struct sheet_merges *ms, const struct sheet_merge *m);
void sheet_merges_release(struct sheet_merges *ms);

struct sheet_source {
	void *ctx;
	/* Start (again) at the first row. */
	int (*rewind)(void *ctx, struct muni_err *e);
	/* 1: row holds the next row; 0: no more rows; -1: error in e. */
	int (*row)(void *ctx, struct sheet_row *row, struct muni_err *e);
	/* The merged ranges, whole after a first reading; or NULL. */
	const struct sheet_merges *merges;
	/* Release ctx (called by sheet_free). */
	void (*free)(void *ctx);
	const char *name;		/* the sheet's name */
	unsigned long long bytes;	/* of the XML the sheet is read from */
};

/* Which sheet a source reads, and where its warnings go. */
struct sheet_pick {
	/* NULL: the first visible sheet; "largest"; a name; a number from 1 */
	const char *sheet;
	/* Called with a warning (an error cell, a date out of range). */
	muni_note_fn *warn;
	void *warn_ctx;
};

struct sheet_options {
	unsigned long long skip_rows;
	int skip_set;			/* skip_rows was given */
	int fill_merged;
	size_t max_record;		/* 0: CSVIN_MAX_RECORD */
};

struct sheet;

/* A cell's name as spreadsheets write it: column 27 (0-based), row 12: AB12. */
void sheet_cell_name(unsigned col, unsigned long long row, char *out,
    size_t n);

/* Empty a row (a source calls it before filling), add one value. */
void sheet_row_clear(struct sheet_row *r);
int sheet_row_add(struct sheet_row *r, unsigned col, const char *p,
    size_t len);
void sheet_row_release(struct sheet_row *r);
/*
 * Append the number p[0..n) to out with its exponent expanded, so that
 * large integers (a SIRET stored as 3.2402138500000E+13) keep their digits
 * and small ones read plainly ("1.5E-3" -> "0.0015"); text without an
 * exponent is appended as it is.
 */
int sheet_plain_number(const char *p, size_t n, struct buf *out);

/*
 * Read the sheet once to measure it (see above). The sheet owns src from
 * then on, even when this fails.
 */
struct sheet *sheet_new(const struct sheet_source *src,
    const struct sheet_options *o, const char *file, struct muni_err *e);
/* 1: *rec is the next record; 0: end; -1: error in e. */
int sheet_next(struct sheet *sh, struct record **rec, struct muni_err *e);
/* Rows above the header that were skipped; records written. */
unsigned long long sheet_skipped(const struct sheet *sh);
unsigned long long sheet_records(const struct sheet *sh);
const char *sheet_name(const struct sheet *sh);
void sheet_free(struct sheet *sh);

#endif
