#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "base/extsort.h"
#include "transform/decimal.h"
#include "transform/rowsort.h"
#include "base/banned.h"

/*
 * A row in a sorter: the length of its sort key, the key (ending with the
 * row's sequence number, big-endian, so that memcmp on keys sorts), the
 * row number, then the fields mapped and the fields read, each count and
 * each field preceded by a 32-bit length.
 *
 * Keys are "memcomparable": each value is encoded so that comparing the
 * encodings byte by byte gives the order wanted, and no encoding is the
 * prefix of another, so a key of several values compares value by value.
 */
enum {
	TAG_NEGATIVE = 0x10, TAG_ZERO = 0x11, TAG_POSITIVE = 0x12,
	TAG_TEXT = 0x20, TAG_EMPTY = 0x30
};

struct rowsort {
	struct rowsort_options o;
	size_t *sort, *key;
	int *desc;
	struct extsort *by_key;	/* dedupe: by key, then input order */
	struct extsort *out;	/* the rows to write, in order */
	struct buf rec, tmp;
	unsigned long long seq;
	struct field *f;	/* fields decoded */
	size_t capf;
};

static int
key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	uint32_t ka, kb;
	int c;

	(void)alen;
	(void)blen;
	memcpy(&ka, a, 4);
	memcpy(&kb, b, 4);
	if ((c = memcmp(a + 4, b + 4, ka < kb ? ka : kb)) != 0)
		return c;
	return ka < kb ? -1 : ka > kb;
}

/* Text byte for byte: NUL escaped as 00 FF, the end marked by 00 01. */
static int
enc_text(struct buf *b, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((p[i] == '\0' ? buf_add(b, "\0\377", 2) :
		    buf_addch(b, (unsigned char)p[i])) < 0)
			return -1;
	return buf_add(b, "\0\1", 2);
}

/*
 * A number by its value: sign, then the place of its first digit, then
 * its digits (all inverted for a negative number, larger when smaller).
 * 1 when p[0..n) is not a number to sort by value.
 */
static int
enc_number(struct buf *b, const char *p, size_t n)
{
	struct decimal d;
	size_t lo, i;
	long place;
	unsigned char c, inv;

	if (n == 0 || p[0] == ' ' || p[n - 1] == ' ' || p[0] == '\t' ||
	    p[n - 1] == '\t')
		return 1;
	i = p[0] == '-' || p[0] == '+';
	if (n > i + 1 && p[i] == '0' && p[i + 1] >= '0' && p[i + 1] <= '9')
		return 1;	/* a code: "01004" */
	if (decimal_parse(p, n, &d) < 0)
		return 1;
	if (d.n == 0)
		return buf_addch(b, TAG_ZERO);
	for (lo = 0; d.d[lo] == 0; lo++)
		;
	place = (long)d.n - d.scale + 0x8000;
	inv = d.neg ? 0xff : 0;
	if (buf_addch(b, d.neg ? TAG_NEGATIVE : TAG_POSITIVE) < 0 ||
	    buf_addch(b, (unsigned char)((place >> 8) ^ inv)) < 0 ||
	    buf_addch(b, (unsigned char)((place & 0xff) ^ inv)) < 0)
		return -1;
	for (i = d.n; i-- > lo;) {
		c = (unsigned char)(('0' + d.d[i]) ^ inv);
		if (buf_addch(b, c) < 0)
			return -1;
	}
	return buf_addch(b, d.neg ? 0xff : 0);
}

/* The sort key of a value; every byte inverted when descending. */
static int
enc_sort(struct buf *b, const char *p, size_t n, int desc)
{
	size_t start = b->len, i;
	int rc;

	if (n == 0)
		rc = buf_addch(b, TAG_EMPTY);
	else if ((rc = enc_number(b, p, n)) > 0)
		rc = buf_addch(b, TAG_TEXT) < 0 ? -1 : enc_text(b, p, n);
	if (rc < 0)
		return -1;
	for (i = start; desc && i < b->len; i++)
		b->ptr[i] = (char)~b->ptr[i];
	return 0;
}

static int
add_seq(struct buf *b, unsigned long long seq)
{
	unsigned char s[8];
	int i;

	for (i = 7; i >= 0; i--, seq >>= 8)
		s[i] = (unsigned char)seq;
	return buf_add(b, s, 8);
}

static const struct field empty = { "", 0 };

static const struct field *
nth(const struct field *f, size_t n, size_t i)
{
	return i < n ? &f[i] : &empty;
}

/*
 * The sort key of a row to write: the sort columns, then seq. A blank line
 * (n 0) sorts after every row, above any value's first byte even inverted.
 */
static int
out_key(struct rowsort *r, struct buf *b, const struct field *f, size_t n,
    unsigned long long seq)
{
	const struct field *v;
	size_t i;

	if (n == 0 && r->o.nsort > 0 && buf_addch(b, 0xff) < 0)
		return -1;
	for (i = 0; i < r->o.nsort && n > 0; i++) {
		v = nth(f, n, r->sort[i]);
		if (enc_sort(b, v->ptr, v->len, r->desc[i]) < 0)
			return -1;
	}
	return add_seq(b, seq);
}

static int
add_fields(struct buf *b, const struct field *f, size_t n)
{
	size_t i;

	if (buf_add_u32(b, n) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (buf_add_u32(b, f[i].len) < 0 || buf_add(b, f[i].ptr,
		    f[i].len) < 0)
			return -1;
	return 0;
}

/*
 * Make a record in r->rec: the key is made by the caller into r->tmp, and
 * copied in front.
 */
static int
make_record(struct rowsort *r, unsigned long long row, const struct field *out,
    size_t nout, const struct field *in, size_t nin)
{
	buf_reset(&r->rec);
	if (buf_add_u32(&r->rec, r->tmp.len) < 0 ||
	    buf_add(&r->rec, r->tmp.ptr, r->tmp.len) < 0 ||
	    buf_add(&r->rec, &row, sizeof(row)) < 0 ||
	    add_fields(&r->rec, out, nout) < 0 ||
	    add_fields(&r->rec, in, nin) < 0)
		return -1;
	return 0;
}

static int
too_long(struct muni_err *e, unsigned long long row)
{
	e->row = row;
	err_set(e, MUNI_EXIT_DATA, "row %llu is too long to sort", row);
	return -1;
}

/* Whether the key columns of a row are all empty: no key to dedupe on. */
static int
no_key(const struct rowsort *r, const struct field *f, size_t n)
{
	size_t i;

	for (i = 0; i < r->o.nkey; i++)
		if (nth(f, n, r->key[i])->len > 0)
			return 0;
	return 1;
}

int
rowsort_add(struct rowsort *r, const struct field *out, size_t nout,
    const struct record *in, struct muni_err *e)
{
	const struct field *v;
	unsigned long long seq = r->seq++;
	size_t i;

	buf_reset(&r->tmp);
	if (r->by_key == NULL || nout == 0 || no_key(r, out, nout)) {
		if (out_key(r, &r->tmp, out, nout, seq) < 0 ||
		    make_record(r, in->row, out, nout, NULL, 0) < 0)
			return too_long(e, in->row);
		return extsort_add(r->out, r->rec.ptr, r->rec.len, e);
	}
	for (i = 0; i < r->o.nkey; i++) {
		v = nth(out, nout, r->key[i]);
		if (enc_text(&r->tmp, v->ptr, v->len) < 0)
			return too_long(e, in->row);
	}
	if (add_seq(&r->tmp, r->o.keep_last ? ~seq : seq) < 0 ||
	    make_record(r, in->row, out, nout, r->o.with_input ? in->fields :
	    NULL, r->o.with_input ? in->nfields : 0) < 0)
		return too_long(e, in->row);
	return extsort_add(r->by_key, r->rec.ptr, r->rec.len, e);
}

/* A record taken apart; its fields in r->f (out first, then in). */
struct row {
	const char *key;
	uint32_t klen;
	unsigned long long row;
	size_t nout, nin;
};

static uint32_t
get_u32(const char **p)
{
	uint32_t v;

	memcpy(&v, *p, 4);
	*p += 4;
	return v;
}

/* The next n fields from *p into r->f, from k on; -1 out of memory. */
static int
get_fields(struct rowsort *r, const char **p, size_t k, size_t n)
{
	size_t i;

	if (k + n > r->capf) {
		struct field *f = realloc(r->f, (k + n) * sizeof(*f));

		if (f == NULL)
			return -1;
		r->f = f;
		r->capf = k + n;
	}
	for (i = k; i < k + n; i++) {
		r->f[i].len = get_u32(p);
		r->f[i].ptr = *p;
		*p += r->f[i].len;
	}
	return 0;
}

static int
decode(struct rowsort *r, const char *p, struct row *w)
{
	w->klen = get_u32(&p);
	w->key = p;
	p += w->klen;
	memcpy(&w->row, p, sizeof(w->row));
	p += sizeof(w->row);
	w->nout = get_u32(&p);
	if (get_fields(r, &p, 0, w->nout) < 0)
		return -1;
	w->nin = get_u32(&p);
	return get_fields(r, &p, w->nout, w->nin);
}

/* Dedupe: the first row of each key goes on, the others are duplicates. */
static int
dedupe(struct rowsort *r, rowsort_dup_fn *dup, void *ctx,
    unsigned long long *ndup, struct muni_err *e)
{
	struct buf group;
	unsigned long long kept = 0, seq;
	const char *p;
	struct row w;
	struct record rec;
	size_t n, i;
	int rc;

	buf_init(&group, EXTSORT_MAX_RECORD);
	while ((rc = extsort_next(r->by_key, &p, &n, e)) > 0) {
		if (decode(r, p, &w) < 0) {
			err_nomem(e);
			rc = -1;
			break;
		}
		if (group.len == w.klen - 8 && memcmp(group.ptr, w.key,
		    group.len) == 0) {
			rec.fields = r->f + w.nout;
			rec.nfields = w.nin;
			rec.row = rec.line = w.row;
			(*ndup)++;
			if (dup && dup(ctx, &rec, r->f, w.nout, kept) < 0) {
				rc = -2;
				break;
			}
			continue;
		}
		buf_reset(&group);
		if (buf_add(&group, w.key, w.klen - 8) < 0) {
			rc = too_long(e, w.row);
			break;
		}
		kept = w.row;
		for (seq = 0, i = 0; i < 8; i++)
			seq = seq << 8 | (unsigned char)w.key[w.klen - 8 + i];
		if (r->o.keep_last)
			seq = ~seq;
		buf_reset(&r->tmp);
		if (out_key(r, &r->tmp, r->f, w.nout, seq) < 0 ||
		    make_record(r, w.row, r->f, w.nout, NULL, 0) < 0) {
			rc = too_long(e, w.row);
			break;
		}
		if ((rc = extsort_add(r->out, r->rec.ptr, r->rec.len, e)) < 0)
			break;
	}
	buf_release(&group);
	return rc == 0 ? 0 : rc == -2 ? -2 : -1;
}

int
rowsort_finish(struct rowsort *r, rowsort_row_fn *row, rowsort_dup_fn *dup,
    void *ctx, unsigned long long *ndup, struct muni_err *e)
{
	const char *p;
	struct row w;
	size_t n;
	int rc;

	*ndup = 0;
	if (r->by_key && (rc = dedupe(r, dup, ctx, ndup, e)) < 0)
		return -1;
	while ((rc = extsort_next(r->out, &p, &n, e)) > 0) {
		if (decode(r, p, &w) < 0) {
			err_nomem(e);
			return -1;
		}
		if (row(ctx, r->f, w.nout) < 0)
			return -1;
	}
	return rc;
}

struct rowsort *
rowsort_new(const struct rowsort_options *o, struct muni_err *e)
{
	struct rowsort *r = calloc(1, sizeof(*r));
	size_t mem = o->memory ? o->memory : ROWSORT_MEMORY;

	if (r == NULL)
		goto nomem;
	r->o = *o;
	r->sort = calloc(o->nsort + 1, sizeof(*r->sort));
	r->desc = calloc(o->nsort + 1, sizeof(*r->desc));
	r->key = calloc(o->nkey + 1, sizeof(*r->key));
	if (r->sort == NULL || r->desc == NULL || r->key == NULL)
		goto nomem;
	if (o->nsort) {
		memcpy(r->sort, o->sort, o->nsort * sizeof(*r->sort));
		memcpy(r->desc, o->desc, o->nsort * sizeof(*r->desc));
	}
	if (o->nkey)
		memcpy(r->key, o->key, o->nkey * sizeof(*r->key));
	r->o.sort = r->sort;
	r->o.desc = r->desc;
	r->o.key = r->key;
	if (o->nkey) {
		mem /= 2;
		if ((r->by_key = extsort_new(o->dir, mem, key_cmp, e)) == NULL)
			goto fail;
	}
	if ((r->out = extsort_new(o->dir, mem, key_cmp, e)) == NULL)
		goto fail;
	buf_init(&r->rec, EXTSORT_MAX_RECORD);
	buf_init(&r->tmp, EXTSORT_MAX_RECORD);
	return r;
nomem:
	err_nomem(e);
fail:
	rowsort_free(r);
	return NULL;
}

void
rowsort_free(struct rowsort *r)
{
	if (r == NULL)
		return;
	extsort_free(r->by_key);
	extsort_free(r->out);
	buf_release(&r->rec);
	buf_release(&r->tmp);
	free(r->sort);
	free(r->desc);
	free(r->key);
	free(r->f);
	free(r);
}
