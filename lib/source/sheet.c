#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "source/sheet.h"
#include "base/banned.h"

struct active {
	const struct sheet_merge *m;
	char *value;			/* the top-left value, once read */
	size_t len;
};

struct sheet {
	struct sheet_source src[1];
	struct sheet_options o;
	const char *file;
	unsigned width;			/* columns up to the last written */
	unsigned first;			/* the first column holding a value */
	unsigned long long header;	/* row number of the header */
	unsigned long long last;	/* last row holding a value */
	unsigned long long next;	/* row number to write next */
	unsigned long long records;
	struct sheet_row row;
	int have_row, eof;
	struct sheet_merge *merges;	/* sorted by first row */
	size_t nmerges, next_merge;
	struct active *act;
	size_t nact;
	struct field *fields;
	struct record rec;
};

void
sheet_cell_name(unsigned col, unsigned long long row, char *out, size_t n)
{
	char tmp[8];
	size_t k = 0;
	unsigned long c = (unsigned long)col + 1;

	while (c > 0 && k < sizeof(tmp)) {
		tmp[k++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	while (k > 0 && n > 1) {
		*out++ = tmp[--k];
		n--;
	}
	snprintf(out, n, "%llu", row);
}

void
sheet_row_clear(struct sheet_row *r)
{
	if (r->text.max == 0)
		buf_init(&r->text, CSVIN_MAX_RECORD);
	buf_reset(&r->text);
	r->n = 0;
	r->num = 0;
	r->repeat = 1;
}

int
sheet_row_add(struct sheet_row *r, unsigned col, const char *p, size_t len)
{
	size_t cap;
	void *a, *b;

	if (len == 0)
		return 0;
	if (r->n + 1 >= r->cap) {
		cap = r->cap ? 2 * r->cap : 64;
		if (cap > SHEET_MAX_COLS + 2)
			cap = SHEET_MAX_COLS + 2;
		if (r->n + 1 >= cap) {
			errno = EFBIG;
			return -1;
		}
		a = realloc(r->off, cap * sizeof(*r->off));
		if (a == NULL)
			return -1;
		r->off = a;
		b = realloc(r->col, cap * sizeof(*r->col));
		if (b == NULL)
			return -1;
		r->col = b;
		r->cap = cap;
	}
	if (r->n > 0 && col <= r->col[r->n - 1]) {
		errno = EINVAL;		/* out of order: the source's bug */
		return -1;
	}
	r->off[r->n] = r->text.len;
	if (buf_add(&r->text, p, len) < 0)
		return -1;
	r->col[r->n] = col;
	r->n++;
	r->off[r->n] = r->text.len;
	return 0;
}

void
sheet_row_release(struct sheet_row *r)
{
	buf_release(&r->text);
	free(r->off);
	free(r->col);
	memset(r, 0, sizeof(*r));
}

/*
 * A number as a spreadsheet wrote it, with an exponent expanded:
 * "3.2402138500000E+13" -> "32402138500000", "1.5E-3" -> "0.0015".
 */
int
sheet_plain_number(const char *p, size_t n, struct buf *out)
{
	char digits[64];
	size_t nd = 0, i = 0, k;
	long point = 0, exp = 0;
	int neg = 0, seen_point = 0;
	const char *x = memchr(p, 'E', n);

	if (x == NULL)
		x = memchr(p, 'e', n);
	if (x == NULL)
		return buf_add(out, p, n);
	if (i < n && (p[i] == '-' || p[i] == '+'))
		neg = p[i++] == '-';
	for (; p + i < x; i++) {
		if (p[i] == '.' && !seen_point)
			seen_point = 1;
		else if (p[i] >= '0' && p[i] <= '9' && nd < sizeof(digits)) {
			if (nd == 0 && p[i] == '0') {
				if (seen_point)
					point--;
				continue;
			}
			digits[nd++] = p[i];
			if (!seen_point)
				point++;
		} else
			return buf_add(out, p, n);
	}
	exp = strtol(x + 1, NULL, 10);
	if (exp > 400 || exp < -400 || nd == 0)
		return nd == 0 ? buf_addch(out, '0') : buf_add(out, p, n);
	while (nd > 0 && digits[nd - 1] == '0' && (long)nd > point + exp)
		nd--;
	point += exp;
	if (neg)
		buf_addch(out, '-');
	if (point <= 0) {
		buf_addstr(out, "0.");
		for (k = 0; k < (size_t)-point; k++)
			buf_addch(out, '0');
		return buf_add(out, digits, nd);
	}
	for (k = 0; k < (size_t)point; k++)
		buf_addch(out, k < nd ? digits[k] : '0');
	if ((size_t)point < nd) {
		buf_addch(out, '.');
		buf_add(out, digits + point, nd - (size_t)point);
	}
	return 0;
}

int
sheet_merges_add(struct sheet_merges *ms, const struct sheet_merge *m)
{
	struct sheet_merge *a;

	if (ms->n > SHEET_MAX_MERGES)
		return 0;
	if (ms->n == ms->cap) {
		ms->cap = ms->cap ? 2 * ms->cap : 64;
		a = realloc(ms->v, ms->cap * sizeof(*a));
		if (a == NULL)
			return -1;
		ms->v = a;
	}
	ms->v[ms->n++] = *m;
	return 0;
}

void
sheet_merges_release(struct sheet_merges *ms)
{
	free(ms->v);
	memset(ms, 0, sizeof(*ms));
}

static int
by_first_row(const void *a, const void *b)
{
	const struct sheet_merge *x = a, *y = b;

	if (x->r1 != y->r1)
		return x->r1 < y->r1 ? -1 : 1;
	return x->c1 < y->c1 ? -1 : x->c1 > y->c1;
}

/*
 * The grid to write, rows from the header to the last, columns from the
 * first to the last, against what the sheet's XML can honestly hold.
 */
static int
bounded(struct sheet *sh, unsigned wide_col, unsigned long long wide_row,
    unsigned low_col, unsigned long long low_row, struct muni_err *e)
{
	unsigned long long rows, cols, cells;
	char wide[32], low[32], which[128];

	if (sh->width == 0 || sh->last < sh->header)
		return 0;
	rows = sh->last - sh->header + 1;
	cols = sh->width - (sh->first < sh->width ? sh->first : 0);
	cells = rows * cols;
	if (cells <= SHEET_FREE_CELLS ||
	    cells / SHEET_CELLS_PER_BYTE <= sh->src->bytes)
		return 0;
	sheet_cell_name(wide_col, wide_row, wide, sizeof(wide));
	sheet_cell_name(low_col, low_row, low, sizeof(low));
	if (strcmp(wide, low) == 0)
		snprintf(which, sizeof(which), "cell %s", wide);
	else
		snprintf(which, sizeof(which), "cells %s (the last column) "
		    "and %s (the last row)", wide, low);
	err_set(e, MUNI_EXIT_DATA, "'%s': sheet '%s': %s would make it %llu "
	    "columns by %llu rows, %llu cells written from %llu bytes, more "
	    "than %llu a byte past %llu cells: a cell far from the others is "
	    "often a stray to delete", sh->file, sh->src->name, which, cols,
	    rows, cells, sh->src->bytes, SHEET_CELLS_PER_BYTE,
	    SHEET_FREE_CELLS);
	return -1;
}

/* The first reading: width, last row, header. */
static int
measure(struct sheet *sh, struct muni_err *e)
{
	unsigned long long num[SHEET_SCAN_ROWS];
	size_t fill[SHEET_SCAN_ROWS], nscan = 0, most = 0, i, need;
	const struct sheet_merge *m;
	size_t nm;
	int rc;
	/* The cells that set the last column and the last row. */
	unsigned wide_col = 0, low_col = 0;
	unsigned long long wide_row = 0, low_row = 0;

	if (sh->src->rewind(sh->src->ctx, e) < 0)
		return -1;
	sh->first = SHEET_MAX_COLS;
	while ((rc = sh->src->row(sh->src->ctx, &sh->row, e)) > 0) {
		if (sh->row.n == 0)
			continue;
		if (sh->row.col[sh->row.n - 1] + 1 > sh->width) {
			sh->width = sh->row.col[sh->row.n - 1] + 1;
			wide_col = sh->row.col[sh->row.n - 1];
			wide_row = sh->row.num;
		}
		if (sh->row.col[0] < sh->first)
			sh->first = sh->row.col[0];
		sh->last = sh->row.num + sh->row.repeat - 1;
		low_col = sh->row.col[sh->row.n - 1];
		low_row = sh->last;
		if (nscan < SHEET_SCAN_ROWS) {
			num[nscan] = sh->row.num;
			fill[nscan] = sh->row.n;
			if (fill[nscan] > most)
				most = fill[nscan];
			nscan++;
		}
	}
	if (rc < 0)
		return -1;
	if (sh->src->merges != NULL) {
		m = sh->src->merges->v;
		nm = sh->src->merges->n;
		if (nm > SHEET_MAX_MERGES) {
			err_set(e, MUNI_EXIT_DATA, "'%s' has %zu merged "
			    "ranges, more than the %d accepted", sh->file, nm,
			    SHEET_MAX_MERGES);
			return -1;
		}
		if (sh->o.fill_merged && nm > 0) {
			sh->merges = malloc(nm * sizeof(*m));
			sh->act = calloc(nm, sizeof(*sh->act));
			if (sh->merges == NULL || sh->act == NULL) {
				err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'",
				    sh->file);
				return -1;
			}
			memcpy(sh->merges, m, nm * sizeof(*m));
			qsort(sh->merges, nm, sizeof(*m), by_first_row);
			sh->nmerges = nm;
			for (i = 0; i < nm; i++)
				if (m[i].r1 <= sh->last &&
				    m[i].c1 < sh->width && m[i].c2 >= sh->width)
					sh->width = m[i].c2 + 1 >
					    SHEET_MAX_COLS ? SHEET_MAX_COLS :
					    m[i].c2 + 1;
		}
	}
	if (sh->first > sh->width)
		sh->first = 0;
	if (sh->o.skip_set)
		sh->header = sh->o.skip_rows + 1;
	else if (nscan == 0)
		sh->header = 1;
	else {
		need = most < 2 ? 1 : most / 2 + most % 2;
		if (need < 2 && most >= 2)
			need = 2;
		for (i = 0; i < nscan && fill[i] < need; i++)
			;
		sh->header = num[i < nscan ? i : 0];
	}
	return bounded(sh, wide_col, wide_row, low_col, low_row, e);
}

struct sheet *
sheet_new(const struct sheet_source *src, const struct sheet_options *o,
    const char *file, struct muni_err *e)
{
	struct sheet *sh = calloc(1, sizeof(*sh));

	if (sh == NULL) {
		if (src->free != NULL)
			src->free(src->ctx);
		err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'", file);
		return NULL;
	}
	*sh->src = *src;
	sh->o = *o;
	sh->file = file;
	sheet_row_clear(&sh->row);
	if (o->max_record)
		sh->row.text.max = o->max_record;
	if (measure(sh, e) < 0 || sh->src->rewind(sh->src->ctx, e) < 0) {
		sheet_free(sh);
		return NULL;
	}
	sh->fields = calloc(sh->width ? sh->width : 1, sizeof(*sh->fields));
	if (sh->fields == NULL) {
		err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'", file);
		sheet_free(sh);
		return NULL;
	}
	sh->next = sh->header;
	return sh;
}

/* Fill the merged ranges over row num into the fields. */
static int
fill_merges(struct sheet *sh, unsigned long long num, struct muni_err *e)
{
	struct active *a;
	size_t i, k;
	unsigned c;

	while (sh->next_merge < sh->nmerges &&
	    sh->merges[sh->next_merge].r1 <= num) {
		sh->act[sh->nact].m = &sh->merges[sh->next_merge++];
		sh->act[sh->nact].value = NULL;
		sh->nact++;
	}
	for (i = k = 0; i < sh->nact; i++) {
		a = &sh->act[i];
		if (a->m->r2 < num) {
			free(a->value);
			continue;
		}
		if (a->value == NULL && a->m->c1 < sh->width) {
			a->len = sh->fields[a->m->c1].len;
			a->value = malloc(a->len + 1);
			if (a->value == NULL) {
				err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'",
				    sh->file);
				return -1;
			}
			memcpy(a->value, sh->fields[a->m->c1].ptr, a->len);
		}
		for (c = a->m->c1; a->value && c <= a->m->c2 && c < sh->width;
		    c++) {
			sh->fields[c].ptr = a->value;
			sh->fields[c].len = a->len;
		}
		sh->act[k++] = *a;
	}
	sh->nact = k;
	return 0;
}

int
sheet_next(struct sheet *sh, struct record **rec, struct muni_err *e)
{
	unsigned long long end;
	size_t i;
	unsigned c;
	int rc;

	for (;;) {
		if (sh->next > sh->last || sh->width == 0)
			return 0;
		if (!sh->have_row && !sh->eof) {
			rc = sh->src->row(sh->src->ctx, &sh->row, e);
			if (rc < 0)
				return -1;
			if (rc == 0)
				sh->eof = 1;
			else
				sh->have_row = 1;
		}
		if (sh->eof)
			return 0;
		end = sh->row.num + sh->row.repeat - 1;
		if (end < sh->next) {
			sh->have_row = 0;
			continue;
		}
		break;
	}
	for (c = 0; c < sh->width; c++) {
		sh->fields[c].ptr = "";
		sh->fields[c].len = 0;
	}
	if (sh->row.num <= sh->next)
		for (i = 0; i < sh->row.n && sh->row.col[i] < sh->width; i++) {
			sh->fields[sh->row.col[i]].ptr = sh->row.text.ptr +
			    sh->row.off[i];
			sh->fields[sh->row.col[i]].len = sh->row.off[i + 1] -
			    sh->row.off[i];
		}
	if (sh->nmerges > 0 && fill_merges(sh, sh->next, e) < 0)
		return -1;
	sh->rec.fields = sh->fields + sh->first;
	sh->rec.nfields = sh->width - sh->first;
	sh->rec.row = sh->next;
	sh->rec.line = sh->next;
	if (sh->row.num <= sh->next && sh->next == end)
		sh->have_row = 0;
	sh->next++;
	sh->records++;
	*rec = &sh->rec;
	return 1;
}

unsigned long long
sheet_skipped(const struct sheet *sh)
{
	return sh->header - 1;
}

unsigned long long
sheet_records(const struct sheet *sh)
{
	return sh->records;
}

const char *
sheet_name(const struct sheet *sh)
{
	return sh->src->name;
}

void
sheet_free(struct sheet *sh)
{
	size_t i;

	if (sh == NULL)
		return;
	for (i = 0; i < sh->nact; i++)
		free(sh->act[i].value);
	free(sh->act);
	free(sh->merges);
	free(sh->fields);
	sheet_row_release(&sh->row);
	if (sh->src->free != NULL)
		sh->src->free(sh->src->ctx);
	free(sh);
}
