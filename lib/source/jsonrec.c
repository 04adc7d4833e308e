/*
 * jsonrec.c is long because yajl's event callbacks for its two passes
 * (the columns, then the records) share one state.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_parse.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "source/columns.h"
#include "source/jsonrec.h"
#include "base/banned.h"

#define CHUNK 16384
#define MAX_COLS CSVIN_MAX_FIELDS
#define MAXD (SRC_JSON_MAX_DEPTH + 2)

enum mode { M_TOP, M_PATH };
enum pass { P_SCAN, P_COLS, P_EMIT };
/* What a value of a record is to it. */
enum slot { S_MEMBER, S_PROP, S_GEOM };

struct item {
	enum slot slot;
	size_t index;			/* position in its record */
	size_t name, nlen;		/* in names */
	int in_pvals;			/* value in pvals, not vals */
	size_t val, vlen;
};

struct nest {
	int is_map, count, after_key;
};

struct qitem {
	size_t col, val, len;
};

struct jsonrec {
	int fd;
	const char *file;
	struct json_options o;
	yajl_handle h;
	enum pass pass;
	enum mode mode;
	struct muni_err *e;
	int failed, stop;
	unsigned long long offset;	/* bytes parsed before this chunk */
	/* where the parser is */
	int depth;
	char is_map[MAXD];
	size_t key_at[MAXD];
	struct buf keys;
	unsigned long long top;
	int root_map;
	/* the records' container */
	char path[SRC_JSON_MAX_DEPTH][COLUMNS_STEP_MAX];
	int npath, in_container, found;
	int cand_state;			/* scan: 0 none, 1 pending, 2 found */
	char cand[256];
	/* the record being read */
	int in_rec, rec_depth, rec_is_map, feature, any_feature;
	unsigned long long nrec;
	struct buf names, vals, pvals, esc;
	struct item *items;
	size_t nitems, items_cap, pos;
	/* a member being written as JSON text */
	int nd;				/* its levels open; 0: none */
	struct nest nest[MAXD];
	struct item cur;
	int cur_part;			/* 1: properties, 2: geometry */
	int props_depth, prop_nd;	/* a property that is a container */
	struct item prop;
	int geom_depth, geom_point, ncoord;
	char coord[2][64];
	int warned_geom;
	/*
	 * UTF-16 surrogates escaped alone (\ud800 with no low half after
	 * it, a low half alone), which yajl would turn into bytes that are
	 * not UTF-8: made \ufffd in the text before yajl reads it. The bytes
	 * of an escape cut by the end of a chunk wait in held.
	 */
	int in_str;
	unsigned char held[16];
	size_t nheld;
	/*
	 * The length of the token being read (a string, escapes counted as
	 * one byte, or a number): yajl reads a token cut by a chunk's end
	 * again from its start at each chunk, so a long one is refused here,
	 * in linear time, past the field limit.
	 */
	size_t tok, max_field;
	unsigned long long surrogates;
	int warned_sur;
	/* columns */
	struct columns cols;
	/* records read, waiting to be returned */
	struct buf qvals;
	struct qitem *q;
	size_t nq, qcap, *qrec, nqrec, qreccap, qnext;
	int header_sent, eof;
	struct field *fields;
	struct record rec;
};

static int fail(struct jsonrec *s, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct jsonrec *s, int status, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (!s->failed) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		err_set(s->e, status, "'%s': %s", s->file, msg);
		s->failed = 1;
	}
	return 0;	/* stops yajl */
}

static int
too_big(struct jsonrec *s)
{
	return fail(s, MUNI_EXIT_DATA, "record %llu is larger than the limits "
	    "(--max-field-size, --max-record-size)", s->nrec + 1);
}

static int
nomem(struct jsonrec *s)
{
	return fail(s, MUNI_EXIT_IO, "out of memory");
}

/* ---- JSON text of nested values ---- */

static int
put_string(struct buf *b, const char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	int rc = buf_addch(b, '"');

	for (i = 0; i < n && rc == 0; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '"' || c == '\\')
			rc = buf_addch(b, '\\') | buf_addch(b, c);
		else if (c < 0x20)
			rc = buf_addstr(b, "\\u00") | buf_addch(b, hex[c >> 4]) |
			    buf_addch(b, hex[c & 15]);
		else
			rc = buf_addch(b, c);
	}
	return rc | buf_addch(b, '"');
}

/* The comma a value needs inside the JSON text being written. */
static int
nest_comma(struct jsonrec *s)
{
	struct nest *n = &s->nest[s->nd];

	if (n->after_key) {
		n->after_key = 0;
		return 0;
	}
	return n->count++ > 0 ? buf_addch(&s->vals, ',') : 0;
}

/* ---- records ---- */

/* Add the item, its name being already in names at it->name. */
static int
add_item_named(struct jsonrec *s, const struct item *it)
{
	struct item *a;

	if (s->nitems == s->items_cap) {
		if (s->items_cap >= MAX_COLS)
			return fail(s, MUNI_EXIT_DATA, "record %llu has more "
			    "than %d values", s->nrec + 1, MAX_COLS);
		s->items_cap = s->items_cap ? 2 * s->items_cap : 64;
		a = realloc(s->items, s->items_cap * sizeof(*a));
		if (a == NULL)
			return nomem(s);
		s->items = a;
	}
	s->items[s->nitems++] = *it;
	return 1;
}

static int
add_item(struct jsonrec *s, const struct item *it, const char *name)
{
	struct item a = *it;

	a.name = s->names.len;
	if (buf_add(&s->names, name, it->nlen) < 0)
		return too_big(s);
	return add_item_named(s, &a);
}

static int
column(struct jsonrec *s, const char *name, size_t n, size_t *col)
{
	long at = columns_find(&s->cols, name, n);

	if (at < 0 && s->pass != P_COLS)
		return fail(s, MUNI_EXIT_DATA, "the file changed while it "
		    "was read");
	if (at < 0 && (at = columns_add(&s->cols, name, n)) < 0)
		return fail(s, MUNI_EXIT_DATA, "the records have more than "
		    "%d distinct keys", MAX_COLS);
	*col = (size_t)at;
	return 1;
}

static int
queue_value(struct jsonrec *s, size_t col, const char *p, size_t n)
{
	struct qitem *q;

	if (s->nq == s->qcap) {
		s->qcap = s->qcap ? 2 * s->qcap : 256;
		q = realloc(s->q, s->qcap * sizeof(*q));
		if (q == NULL)
			return nomem(s);
		s->q = q;
	}
	q = &s->q[s->nq++];
	q->col = col;
	q->val = s->qvals.len;
	q->len = n;
	if (buf_add(&s->qvals, p, n) < 0)
		return too_big(s);
	return 1;
}

static int
queue_end(struct jsonrec *s)
{
	size_t *r;

	if (s->nqrec + 2 > s->qreccap) {
		s->qreccap = s->qreccap ? 2 * s->qreccap : 64;
		r = realloc(s->qrec, s->qreccap * sizeof(*r));
		if (r == NULL)
			return nomem(s);
		s->qrec = r;
	}
	s->qrec[0] = 0;
	s->qrec[++s->nqrec] = s->nq;
	return 1;
}

static void
warn_geometry(struct jsonrec *s)
{
	char msg[300];

	if (s->warned_geom || s->o.warn == NULL)
		return;
	snprintf(msg, sizeof(msg), "'%s': feature %llu is not a point: its "
	    "longitude and latitude are left empty (and those of any other "
	    "such feature)", s->file, s->nrec);
	s->o.warn(s->o.warn_ctx, msg);
	s->warned_geom = 1;
}

static int
record_end(struct jsonrec *s)
{
	static const char *const lls[2][2] = { { "longitude", "latitude" },
	    { "x", "y" } };
	const char *const *ll = lls[s->o.xy != 0];
	int feature = s->feature && s->rec_is_map, positional = !s->rec_is_map;
	const char *name, *v;
	struct item *it;
	size_t i, col;
	char fname[32];
	int k;

	s->nrec++;
	s->in_rec = 0;
	for (i = 0; i < s->nitems; i++) {
		it = &s->items[i];
		if (feature ? it->slot == S_MEMBER : it->slot == S_PROP)
			continue;
		if (feature && it->slot == S_GEOM)
			continue;	/* last, below */
		name = s->names.ptr + it->name;
		v = (it->in_pvals ? s->pvals.ptr : s->vals.ptr) + it->val;
		/* A field as the other tools will read it: within the limit. */
		if (it->vlen > s->max_field && positional)
			return fail(s, MUNI_EXIT_DATA, "record %llu: field %zu "
			    "is longer than %zu bytes (raise the limit with "
			    "--max-field-size)", s->nrec, it->index + 1,
			    s->max_field);
		if (it->vlen > s->max_field)
			return fail(s, MUNI_EXIT_DATA, "record %llu: the value "
			    "of '%.*s' is longer than %zu bytes (raise the "
			    "limit with --max-field-size)", s->nrec,
			    (int)(it->nlen > 100 ? 100 : it->nlen), name,
			    s->max_field);
		if (positional) {
			if (s->pass == P_COLS && s->nrec == 1) {
				if (!column(s, v, it->vlen, &col))
					return 0;
				continue;
			}
			if (it->index >= s->cols.n) {
				if (s->pass != P_COLS)
					return fail(s, MUNI_EXIT_DATA, "the "
					    "file changed while it was read");
				snprintf(fname, sizeof(fname), "field%zu",
				    it->index + 1);
				while (s->cols.n <= it->index)
					if (!column(s, fname, strlen(fname),
					    &col))
						return 0;
			}
			col = it->index;
		} else if (!column(s, name, it->nlen, &col))
			return 0;
		if (s->pass == P_EMIT && !queue_value(s, col, v, it->vlen))
			return 0;
	}
	if (feature) {
		s->any_feature = 1;
		for (i = 0; i < s->nitems && !s->o.lonlat; i++)
			if (s->items[i].slot == S_GEOM && s->pass == P_EMIT &&
			    (!column(s, "geometry", 8, &col) || !queue_value(s,
			    col, s->vals.ptr + s->items[i].val,
			    s->items[i].vlen)))
				return 0;
		for (k = 0; k < 2 && s->o.lonlat && s->pass == P_EMIT; k++) {
			if (!column(s, ll[k], strlen(ll[k]), &col))
				return 0;
			if (s->geom_point && s->ncoord == 2 && !queue_value(s, col,
			    s->coord[k], strlen(s->coord[k])))
				return 0;
		}
		if (s->o.lonlat && s->pass == P_EMIT && s->geom_depth != -1 &&
		    !(s->geom_point && s->ncoord == 2))
			warn_geometry(s);
	}
	if (s->pass == P_EMIT) {
		if (positional && s->nrec == 1)
			s->nq = 0, buf_reset(&s->qvals);	/* the header */
		else if (!queue_end(s))
			return 0;
	}
	return 1;
}

static void
record_begin(struct jsonrec *s, int is_map)
{
	s->in_rec = 1;
	s->rec_depth = s->depth;	/* the record opens level depth + 1 */
	s->rec_is_map = is_map;
	s->feature = 0;
	s->nitems = 0;
	s->pos = 0;
	s->geom_point = 0;
	s->geom_depth = -1;
	s->props_depth = -1;
	s->prop_nd = 0;
	buf_reset(&s->names);
	buf_reset(&s->vals);
	buf_reset(&s->pvals);
}

/* The key of the member now beginning at level d (1-based). */
static const char *
key_of(struct jsonrec *s, int d, size_t *n)
{
	size_t end = d < s->depth ? s->key_at[d + 1] : s->keys.len;

	*n = end - s->key_at[d];
	return s->keys.ptr + s->key_at[d];
}

static int
path_matches(struct jsonrec *s)
{
	const char *key;
	size_t klen;
	int l;

	for (l = 1; l <= s->npath; l++) {
		key = key_of(s, l, &klen);
		if (!s->is_map[l] || strlen(s->path[l - 1]) != klen ||
		    memcmp(s->path[l - 1], key, klen) != 0)
			return 0;
	}
	return 1;
}

/*
 * A value begins at the current depth: a scalar (json/jn its JSON text,
 * out/n its field text), or a container about to open (json NULL).
 */
static int
on_value(struct jsonrec *s, int is_map, const char *json, size_t jn,
    const char *out, size_t n)
{
	int d = s->depth, container = json == NULL;
	struct item it;
	const char *key;
	size_t klen;

	if (d == 0) {
		s->top++;
		if (s->pass == P_SCAN) {
			if (s->top == 1)
				s->root_map = container && is_map;
			if (s->top == 2) {
				s->stop = 1;	/* JSON Lines */
				return 0;
			}
		} else if (s->mode == M_PATH && s->top == 2)
			return fail(s, MUNI_EXIT_DATA, "several JSON documents "
			    "follow each other: JSON Lines hold one object a "
			    "line");
	}
	if (s->pass == P_SCAN) {
		if (s->cand_state == 1 && d == 2)
			s->cand_state = container ? 2 : 0;
		else if (d == 1 && s->root_map && container && !is_map &&
		    s->cand_state == 0) {
			key = key_of(s, 1, &klen);
			snprintf(s->cand, sizeof(s->cand), "%.*s", (int)klen,
			    key);
			s->cand_state = klen < sizeof(s->cand) ? 1 : 0;
		}
		return 1;
	}
	if (!s->in_rec) {
		if (s->mode == M_TOP ? d == 0 : s->in_container &&
		    d == s->npath + 1) {
			if (!container)
				return fail(s, MUNI_EXIT_DATA, "record %llu is "
				    "a single value (%.*s), not an object or "
				    "an array", s->nrec + 1, (int)(jn > 40 ?
				    40 : jn), json);
			record_begin(s, is_map);
		} else if (s->mode == M_PATH && container && !is_map &&
		    d == s->npath && !s->in_container && path_matches(s))
			s->in_container = s->found = 1;
		return 1;
	}
	/* inside a member written as JSON text */
	if (s->nd > 0) {
		if (nest_comma(s) < 0 || (!container &&
		    buf_add(&s->vals, json, jn) < 0))
			return too_big(s);
		/* a property of a feature */
		if (s->cur_part == 1 && d == s->props_depth &&
		    s->prop_nd == 0) {
			key = key_of(s, d, &klen);
			memset(&it, 0, sizeof(it));
			it.slot = S_PROP;
			it.nlen = klen;
			if (container) {
				it.val = s->vals.len;	/* text follows */
				s->prop = it;
				s->prop_nd = 1;
				if (buf_add(&s->names, key, klen) < 0)
					return too_big(s);
				s->prop.name = s->names.len - klen;
			} else {
				it.in_pvals = 1;
				it.val = s->pvals.len;
				it.vlen = n;
				if (buf_add(&s->pvals, out, n) < 0 ||
				    !add_item(s, &it, key))
					return too_big(s);
			}
		} else if (container && s->prop_nd > 0)
			s->prop_nd++;
		/* the geometry's type and a point's coordinates */
		if (s->cur_part == 2 && !container) {
			key = key_of(s, d, &klen);
			if (d == s->geom_depth && klen == 4 &&
			    memcmp(key, "type", 4) == 0)
				s->geom_point = n == 5 &&
				    memcmp(out, "Point", 5) == 0;
			else if (d == s->geom_depth + 1 && s->ncoord < 2 &&
			    s->is_map[d] == 0 && jn < 64 && out == json)
				snprintf(s->coord[s->ncoord++], 64, "%.*s",
				    (int)jn, json);
		}
		return 1;
	}
	if (d != s->rec_depth + 1)
		return 1;
	/* a member of the record */
	memset(&it, 0, sizeof(it));
	it.slot = S_MEMBER;
	it.index = s->pos++;
	if (s->rec_is_map)
		key = key_of(s, d, &klen);
	else
		key = "", klen = 0;
	it.nlen = klen;
	if (!container) {
		if (klen == 4 && memcmp(key, "type", 4) == 0 && n == 7 &&
		    memcmp(out, "Feature", 7) == 0)
			s->feature = 1;
		it.val = s->vals.len;
		it.vlen = n;
		if (buf_add(&s->vals, out, n) < 0)
			return too_big(s);
		return add_item(s, &it, key);
	}
	s->cur_part = 0;
	if (klen == 10 && memcmp(key, "properties", 10) == 0 && is_map) {
		s->props_depth = d + 1;		/* the level it opens */
		s->cur_part = 1;
	} else if (klen == 8 && memcmp(key, "geometry", 8) == 0) {
		s->cur_part = 2;
		it.slot = S_GEOM;
		s->geom_depth = d + 1;
		s->ncoord = 0;
	}
	it.val = s->vals.len;
	s->cur = it;
	s->cur.name = s->names.len;
	if (buf_add(&s->names, key, klen) < 0)
		return too_big(s);
	s->cur.nlen = klen;
	return 1;
}

/* ---- yajl callbacks ---- */

static int
scalar(void *ctx, const char *json, size_t jn, const char *out, size_t n)
{
	return on_value(ctx, 0, json, jn, out, n);
}

static int
cb_null(void *ctx)
{
	return scalar(ctx, "null", 4, "", 0);
}

static int
cb_boolean(void *ctx, int v)
{
	return scalar(ctx, v ? "true" : "false", v ? 4 : 5, v ? "true" :
	    "false", v ? 4 : 5);
}

static int
cb_number(void *ctx, const char *p, size_t n)
{
	return scalar(ctx, p, n, p, n);
}

static int
cb_string(void *ctx, const unsigned char *p, size_t n)
{
	struct jsonrec *s = ctx;

	if (s->nd == 0)
		return scalar(ctx, "\"\"", 2, (const char *)p, n);
	/* inside JSON text: the string escaped again */
	buf_reset(&s->esc);
	if (put_string(&s->esc, (const char *)p, n) < 0)
		return too_big(s);
	return scalar(ctx, s->esc.ptr, s->esc.len, (const char *)p, n);
}

static int
open_level(struct jsonrec *s, int is_map)
{
	if (!on_value(s, is_map, NULL, 0, NULL, 0))
		return 0;
	if (s->depth >= SRC_JSON_MAX_DEPTH)
		return fail(s, MUNI_EXIT_DATA, "values nest deeper than %d "
		    "levels", SRC_JSON_MAX_DEPTH);
	s->depth++;
	s->is_map[s->depth] = (char)is_map;
	s->key_at[s->depth] = s->keys.len;
	if (s->in_rec && (s->nd > 0 || s->depth == s->rec_depth + 2)) {
		if (buf_addch(&s->vals, is_map ? '{' : '[') < 0)
			return too_big(s);
		s->nd++;
		s->nest[s->nd].is_map = is_map;
		s->nest[s->nd].count = 0;
		s->nest[s->nd].after_key = 0;
	}
	return 1;
}

static int
cb_start_map(void *ctx)
{
	return open_level(ctx, 1);
}

static int
cb_start_array(void *ctx)
{
	return open_level(ctx, 0);
}

static int
cb_map_key(void *ctx, const unsigned char *p, size_t n)
{
	struct jsonrec *s = ctx;

	buf_setlen(&s->keys, s->key_at[s->depth]);
	if (buf_add(&s->keys, p, n) < 0)
		return too_big(s);
	if (s->nd > 0) {
		if (nest_comma(s) < 0 || put_string(&s->vals, (const char *)p,
		    n) < 0 || buf_addch(&s->vals, ':') < 0)
			return too_big(s);
		s->nest[s->nd].after_key = 1;
	}
	return 1;
}

static int
close_level(struct jsonrec *s)
{
	int is_map = s->is_map[s->depth];

	if (s->nd > 0) {
		if (buf_addch(&s->vals, is_map ? '}' : ']') < 0)
			return too_big(s);
		if (s->prop_nd > 0 && --s->prop_nd == 0) {
			s->prop.vlen = s->vals.len - s->prop.val;
			if (!add_item_named(s, &s->prop))
				return 0;
		}
		if (--s->nd == 0) {
			s->cur.vlen = s->vals.len - s->cur.val;
			if (!add_item_named(s, &s->cur))
				return 0;
		}
	}
	if (s->pass == P_SCAN && s->cand_state == 1 && s->depth == 2)
		s->cand_state = 0;	/* an empty array */
	buf_setlen(&s->keys, s->key_at[s->depth]);
	s->depth--;
	if (s->in_rec && s->depth == s->rec_depth)
		return record_end(s);
	if (s->in_container && s->depth == s->npath)
		s->in_container = 0;
	return 1;
}

static int
cb_end(void *ctx)
{
	return close_level(ctx);
}

static const yajl_callbacks callbacks = {
	cb_null, cb_boolean, NULL, NULL, cb_number, cb_string,
	cb_start_map, cb_map_key, cb_end, cb_start_array, cb_end,
};

/* ---- passes ---- */

static void
reset(struct jsonrec *s, enum pass pass)
{
	s->pass = pass;
	s->stop = 0;
	s->depth = 0;
	buf_reset(&s->keys);
	s->key_at[0] = 0;
	s->top = 0;
	s->in_container = 0;
	s->in_rec = 0;
	s->nd = 0;
	s->nrec = 0;
}

static int
start(struct jsonrec *s, enum pass pass, struct muni_err *e)
{
	unsigned char bom[3];
	ssize_t n;

	reset(s, pass);
	if (s->h != NULL)
		yajl_free(s->h);
	s->h = yajl_alloc(&callbacks, NULL, s);
	if (s->h == NULL) {
		err_set(e, MUNI_EXIT_IO, "cannot start the JSON parser");
		return -1;
	}
	yajl_config(s->h, yajl_allow_multiple_values, 1);
	if (lseek(s->fd, 0, SEEK_SET) < 0 ||
	    (n = fd_read_full(s->fd, bom, 3)) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'", s->file);
		return -1;
	}
	if (!(n == 3 && bom[0] == 0xef && bom[1] == 0xbb && bom[2] == 0xbf) &&
	    lseek(s->fd, 0, SEEK_SET) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'", s->file);
		return -1;
	}
	s->eof = 0;
	s->offset = 0;
	s->in_str = 0;
	s->nheld = 0;
	s->surrogates = 0;
	s->tok = 0;
	return 0;
}

static int
hex4(const unsigned char *p, unsigned *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		unsigned c = p[i];

		if (c >= '0' && c <= '9')
			*v = *v * 16 + (c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			*v = *v * 16 + ((c | 0x20) - 'a' + 10);
		else
			return 0;
	}
	return 1;
}

/*
 * Make every unpaired surrogate escape of p[0..n) \ufffd, in place, and
 * return how many bytes may go to yajl: the rest (an escape that the end
 * of the chunk cuts, or a high half whose next escape is not there yet)
 * waits for the next chunk unless at_eof.
 */
static size_t
fix_surrogates(struct jsonrec *s, unsigned char *p, size_t n, int at_eof)
{
	size_t i = 0;
	unsigned v, w;

	while (i < n) {
		unsigned char c = p[i];

		if (!s->in_str) {
			s->in_str = c == '"';
			/* A number's digits, signs, point and exponent. */
			s->tok = s->in_str || !((c >= '0' && c <= '9') ||
			    c == '-' || c == '+' || c == '.' || c == 'e' ||
			    c == 'E') ? 0 : s->tok + 1;
			if (s->tok > s->max_field)
				return (size_t)-1;
			i++;
			continue;
		}
		if (c == '"') {
			s->in_str = 0;
			i++;
			continue;
		}
		if (++s->tok > s->max_field)
			return (size_t)-1;
		if (c != '\\') {
			i++;
			continue;
		}
		if (i + 1 >= n)
			return at_eof ? n : i;
		if (p[i + 1] != 'u') {
			i += 2;
			continue;
		}
		if (i + 6 > n)
			return at_eof ? n : i;
		if (!hex4(p + i + 2, &v)) {
			i += 2;		/* yajl's to refuse */
			continue;
		}
		if (v >= 0xD800 && v <= 0xDBFF) {
			if (i + 12 > n && !at_eof)
				return i;
			if (i + 12 <= n && p[i + 6] == '\\' && p[i + 7] == 'u' &&
			    hex4(p + i + 8, &w) && w >= 0xDC00 && w <= 0xDFFF) {
				i += 12;	/* a pair: one character */
				continue;
			}
		} else if (!(v >= 0xDC00 && v <= 0xDFFF)) {
			i += 6;
			continue;
		}
		/* A half alone: the replacement character, said once. */
		if (s->surrogates++ == 0 && !s->warned_sur && s->o.warn) {
			char msg[300];

			snprintf(msg, sizeof(msg), "%s: the escape \\u%.4s near "
			    "byte %llu is half of a UTF-16 pair, not a "
			    "character: read as U+FFFD (every such escape is)",
			    s->file, (const char *)p + i + 2,
			    s->offset + (unsigned long long)i);
			s->o.warn(s->o.warn_ctx, msg);
			s->warned_sur = 1;	/* once, not at each pass */
		}
		memcpy(p + i + 2, "fffd", 4);
		i += 6;
	}
	return n;
}

/* Parse the next chunk: 1 more to come, 0 at the end, -1 on error. */
static int
feed(struct jsonrec *s, struct muni_err *e)
{
	unsigned char chunk[CHUNK + sizeof(s->held)], *msg;
	yajl_status st;
	ssize_t n;
	size_t have, ok;

	s->e = e;
	/* What waited from the last chunk comes first. */
	memcpy(chunk, s->held, s->nheld);
	n = fd_read_full(s->fd, chunk + s->nheld, CHUNK);
	if (n < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'", s->file);
		return -1;
	}
	have = s->nheld + (size_t)n;
	/* Held bytes start at a backslash inside a string. */
	if (s->nheld)
		s->in_str = 1;
	s->nheld = 0;
	ok = fix_surrogates(s, chunk, have, n == 0);
	if (ok == (size_t)-1) {
		err_set(e, MUNI_EXIT_DATA, "'%s': near byte %llu, a string or "
		    "a number is longer than %zu bytes (raise the limit with "
		    "--max-field-size)", s->file, s->offset + have,
		    s->max_field);
		return -1;
	}
	if (ok < have) {
		s->nheld = have - ok;
		memcpy(s->held, chunk + ok, s->nheld);
	}
	st = ok > 0 ? yajl_parse(s->h, chunk, ok) : n > 0 ? yajl_status_ok :
	    yajl_complete_parse(s->h);
	n = (ssize_t)ok;
	if (st == yajl_status_ok) {
		s->offset += (unsigned long long)n;
		return n > 0 || s->nheld > 0;
	}
	if (s->stop)
		return 0;
	if (s->failed)
		return -1;
	msg = yajl_get_error(s->h, 0, chunk, n > 0 ? (size_t)n : 0);
	if (msg != NULL)
		msg[strcspn((char *)msg, "\n")] = '\0';
	err_set(e, MUNI_EXIT_DATA, "'%s' is not valid JSON (near byte "
	    "%llu): %s", s->file, s->offset + (unsigned long long)
	    yajl_get_bytes_consumed(s->h), msg ? (char *)msg : "parse error");
	if (msg)
		yajl_free_error(s->h, msg);
	return -1;
}

static int
whole_pass(struct jsonrec *s, enum pass pass, struct muni_err *e)
{
	int rc;

	if (start(s, pass, e) < 0)
		return -1;
	while ((rc = feed(s, e)) > 0)
		;
	return rc;
}

int
jsonrec_is(const unsigned char *p, size_t n)
{
	size_t i = 0;

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < n && strchr(" \t\r\n", p[i]) != NULL && p[i] != '\0')
		i++;
	if (i >= n || (p[i] != '{' && p[i] != '['))
		return 0;
	for (i++; i < n && strchr(" \t\r\n", p[i]) != NULL && p[i]; i++)
		;
	if (i >= n)
		return 1;
	return p[i - 1] == '{' || strchr(" \t\r\n{", p[i - 1]) ?
	    strchr("\"}{[]-0123456789tfn", p[i]) != NULL && p[i] :
	    strchr("\"{[]-0123456789tfn", p[i]) != NULL && p[i];
}

static int
set_path(struct jsonrec *s, const char *path, struct muni_err *e)
{
	long n = columns_records_path(path, "/.$", "/.", s->path,
	    SRC_JSON_MAX_DEPTH, e);

	if (n < 0)
		return -1;
	s->npath = (int)n;
	s->mode = M_PATH;
	return 0;
}

struct jsonrec *
jsonrec_open(int fd, const char *file, const struct json_options *o,
    struct muni_err *e)
{
	struct jsonrec *s = calloc(1, sizeof(*s));
	unsigned char head[4096];
	size_t col;
	ssize_t n;
	int root_array;

	if (s == NULL) {
		err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'", file);
		return NULL;
	}
	s->fd = fd;
	s->file = file;
	s->o = *o;
	s->e = e;
	buf_init(&s->keys, (size_t)1 << 20);
	buf_init(&s->names, o->max_record ? o->max_record : CSVIN_MAX_RECORD);
	buf_init(&s->vals, o->max_record ? o->max_record : CSVIN_MAX_RECORD);
	buf_init(&s->pvals, o->max_record ? o->max_record : CSVIN_MAX_RECORD);
	buf_init(&s->esc, o->max_field ? 2 * o->max_field : 2 * CSVIN_MAX_FIELD);
	s->max_field = o->max_field ? o->max_field : CSVIN_MAX_FIELD;
	buf_init(&s->qvals, (size_t)1 << 30);
	columns_init(&s->cols);
	if (o->records != NULL) {
		if (set_path(s, o->records, e) < 0)
			goto fail;
	} else {
		n = pread(fd, head, sizeof(head), 0);
		if (n < 0) {
			err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'",
			    file);
			goto fail;
		}
		root_array = 0;
		for (col = 0; col < (size_t)n; col++)
			if (head[col] == '[' || head[col] == '{') {
				root_array = head[col] == '[';
				break;
			}
		s->mode = root_array ? M_PATH : M_TOP;	/* npath 0 */
		if (!root_array) {
			if (whole_pass(s, P_SCAN, e) < 0)
				goto fail;
			if (s->top < 2 && s->cand_state == 2 &&
			    set_path(s, s->cand, e) < 0)
				goto fail;
		}
	}
	if (whole_pass(s, P_COLS, e) < 0)
		goto fail;
	if (o->records != NULL && !s->found) {
		err_set(e, MUNI_EXIT_DATA, "'%s' has no array of records at "
		    "'%s'", file, o->records);
		goto fail;
	}
	if (s->any_feature) {
		if (o->lonlat ? !column(s, o->xy ? "x" : "longitude",
		    o->xy ? 1 : 9, &col) || !column(s, o->xy ? "y" :
		    "latitude", o->xy ? 1 : 8, &col) :
		    !column(s, "geometry", 8, &col)) {
			*e = *s->e;
			goto fail;
		}
	}
	s->fields = calloc(s->cols.n ? s->cols.n : 1, sizeof(*s->fields));
	if (s->fields == NULL) {
		err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'", file);
		goto fail;
	}
	if (start(s, P_EMIT, e) < 0)
		goto fail;
	return s;
fail:
	jsonrec_free(s);
	return NULL;
}

int
jsonrec_next(struct jsonrec *s, struct record **rec, struct muni_err *e)
{
	size_t i, c;
	int rc;

	if (s->cols.n == 0)
		return 0;
	if (!s->header_sent) {
		for (c = 0; c < s->cols.n; c++) {
			s->fields[c].ptr = columns_name(&s->cols, c,
			    &s->fields[c].len);
		}
		s->header_sent = 1;
		s->rec.row = s->rec.line = 1;
		goto give;
	}
	while (s->qnext >= s->nqrec) {
		s->nq = s->nqrec = s->qnext = 0;
		buf_reset(&s->qvals);
		if (s->eof)
			return 0;
		rc = feed(s, e);
		if (rc < 0)
			return -1;
		if (rc == 0)
			s->eof = 1;
	}
	for (c = 0; c < s->cols.n; c++) {
		s->fields[c].ptr = "";
		s->fields[c].len = 0;
	}
	for (i = s->qrec[s->qnext]; i < s->qrec[s->qnext + 1]; i++) {
		s->fields[s->q[i].col].ptr = s->qvals.ptr + s->q[i].val;
		s->fields[s->q[i].col].len = s->q[i].len;
	}
	s->qnext++;
	s->rec.row++;
	s->rec.line = s->rec.row;
give:
	s->rec.fields = s->fields;
	s->rec.nfields = s->cols.n;
	*rec = &s->rec;
	return 1;
}

unsigned long long
jsonrec_records(const struct jsonrec *s)
{
	return s->rec.row;
}

const char *
jsonrec_kind(const struct jsonrec *s)
{
	if (s->any_feature)
		return "geojson";
	return s->mode == M_TOP && s->top > 1 ? "ndjson" : "json";
}

void
jsonrec_free(struct jsonrec *s)
{
	if (s == NULL)
		return;
	if (s->h != NULL)
		yajl_free(s->h);
	buf_release(&s->keys);
	buf_release(&s->names);
	buf_release(&s->vals);
	buf_release(&s->pvals);
	buf_release(&s->esc);
	buf_release(&s->qvals);
	columns_release(&s->cols);
	free(s->items);
	free(s->q);
	free(s->qrec);
	free(s->fields);
	free(s);
}
