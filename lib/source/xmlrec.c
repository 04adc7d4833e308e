#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "schema/keyset.h"
#include "source/columns.h"
#include "source/xmlrd.h"
#include "source/xmlrec.h"
#include "base/banned.h"

/* One value of the record being read: a column and its text. */
struct xval {
	long col;			/* in the columns, -1 before pass 2 */
	size_t name, nlen;		/* in names */
	size_t val, vlen;		/* in vals */
};

struct xmlrec {
	struct xmlrd_fd in;		/* the file, its read offset */
	const char *file;
	struct xml_options o;
	struct xmlrd x;
	int open, pass;
	char path[XMLRD_MAX_DEPTH][COLUMNS_STEP_MAX];
	int npath, absolute;
	/* the element path from the root, by local names */
	struct buf where;
	size_t where_at[XMLRD_MAX_DEPTH + 2];
	char parent[XMLRD_MAX_DEPTH + 2];	/* has child elements */
	int depth;
	/* the record being read */
	int rec_depth;
	struct buf names, vals, text;
	struct xval *v;
	size_t nv, vcap;
	struct keyset index;		/* names to v, past XML_INDEX_AT values */
	struct columns cols;
	unsigned long long nrec;
	int header_sent;
	struct field *fields;
	struct buf out;
	struct record rec;
};

int
xmlrec_is(const unsigned char *p, size_t n)
{
	size_t i = 0;

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	if (n - i >= 5 && memcmp(p + i, "<?xml", 5) == 0)
		return 1;
	return n - i >= 2 && p[i] == '<' && ((p[i + 1] | 0x20) >= 'a' &&
	    (p[i + 1] | 0x20) <= 'z');
}

static int
start(struct xmlrec *s, int pass, struct muni_err *e)
{
	if (s->open)
		xmlrd_release(&s->x);
	s->open = 0;
	s->in.at = 0;
	s->pass = pass;
	s->depth = 0;
	s->rec_depth = -1;
	s->nrec = 0;
	buf_reset(&s->where);
	if (xmlrd_init(&s->x, xmlrd_fd_read, &s->in, s->file, NULL, e) < 0)
		return -1;
	s->open = 1;
	return 0;
}

/* Whether the element just opened at s->depth is a record. */
static int
is_record(struct xmlrec *s)
{
	const char *p = s->where.ptr;
	int k, from;

	if (s->npath == 0)
		return s->depth == 2;
	if (s->absolute && s->depth != s->npath)
		return 0;
	if (s->depth < s->npath)
		return 0;
	from = s->depth - s->npath;
	for (k = 0; k < s->npath; k++) {
		size_t a = s->where_at[from + k + 1],
		    b = from + k + 2 <= s->depth ? s->where_at[from + k + 2] :
		    s->where.len;

		/* each name is stored followed by '/' */
		if (b - a - 1 != strlen(s->path[k]) ||
		    memcmp(p + a, s->path[k], b - a - 1) != 0)
			return 0;
	}
	return 1;
}

static int
too_big(struct xmlrec *s, struct muni_err *e)
{
	err_set(e, MUNI_EXIT_DATA, "'%s': record %llu is larger than the "
	    "limits (--max-field-size, --max-record-size)", s->file,
	    s->nrec + 1);
	return -1;
}

/*
 * The value named name in the record, or s->nv. A record's few values are
 * searched one by one; past XML_INDEX_AT, through a hash of the names (a
 * record of 20,000 attributes would otherwise take 200 million compares).
 */
#define XML_INDEX_AT 32

static size_t
find_value(struct xmlrec *s, const char *name, size_t nlen)
{
	unsigned long long at;
	size_t i;

	if (s->nv <= XML_INDEX_AT) {
		for (i = 0; i < s->nv; i++)
			if (s->v[i].nlen == nlen && memcmp(s->names.ptr +
			    s->v[i].name, name, nlen) == 0)
				return i;
		return s->nv;
	}
	at = keyset_find(&s->index, name, nlen);
	return at ? (size_t)at - 1 : s->nv;
}

/* Index the value i by its name, once the record has many. */
static int
index_value(struct xmlrec *s, size_t i)
{
	size_t k;

	if (s->nv <= XML_INDEX_AT)
		return 0;
	/* The first time past the threshold: the values before too. */
	for (k = s->nv == XML_INDEX_AT + 1 ? 0 : i; k <= i; k++)
		if (keyset_add(&s->index, s->names.ptr + s->v[k].name,
		    s->v[k].nlen, k + 1) < 0)
			return -1;
	return 0;
}

/* A value as the other tools will read it: within the field limit. */
static int
field_limit(struct xmlrec *s, const struct xval *v, struct muni_err *e)
{
	size_t max = s->o.max_field ? s->o.max_field : CSVIN_MAX_FIELD;

	if (v->vlen <= max)
		return 0;
	err_set(e, MUNI_EXIT_DATA, "'%s': record %llu: the value of '%.*s' is "
	    "longer than %zu bytes (raise the limit with --max-field-size)",
	    s->file, s->nrec + 1, (int)(v->nlen > 100 ? 100 : v->nlen),
	    s->names.ptr + v->name, max);
	return -1;
}

/* Add text to the value named name (joined with "; " when repeated). */
static int
put(struct xmlrec *s, const char *name, size_t nlen, const char *p,
    size_t n, int join, struct muni_err *e)
{
	struct xval *v;
	size_t i = find_value(s, name, nlen);

	if (i < s->nv) {
		/* values are appended in order: only the last can grow */
		v = &s->v[i];
		if (v->val + v->vlen != s->vals.len) {
			/* move it to the end */
			size_t at = s->vals.len;

			/* room first: the copy reads the buffer it grows */
			if (buf_grow(&s->vals, v->vlen) < 0 ||
			    buf_add(&s->vals, s->vals.ptr + v->val,
			    v->vlen) < 0)
				return too_big(s, e);
			v->val = at;
		}
		if ((join && v->vlen > 0 && buf_add(&s->vals, "; ", 2) < 0) ||
		    buf_add(&s->vals, p, n) < 0)
			return too_big(s, e);
		v->vlen = s->vals.len - v->val;
		return field_limit(s, v, e);
	}
	if (s->nv == s->vcap) {
		if (s->vcap >= CSVIN_MAX_FIELDS) {
			err_set(e, MUNI_EXIT_DATA, "'%s': record %llu has more "
			    "than %d values", s->file, s->nrec + 1,
			    CSVIN_MAX_FIELDS);
			return -1;
		}
		s->vcap = s->vcap ? 2 * s->vcap : 64;
		v = realloc(s->v, s->vcap * sizeof(*v));
		if (v == NULL) {
			err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'", s->file);
			return -1;
		}
		s->v = v;
	}
	v = &s->v[s->nv++];
	v->col = -1;
	v->name = s->names.len;
	v->nlen = nlen;
	if (buf_add(&s->names, name, nlen) < 0)
		return too_big(s, e);
	v->val = s->vals.len;
	if (buf_add(&s->vals, p, n) < 0)
		return too_big(s, e);
	v->vlen = n;
	if (index_value(s, s->nv - 1) < 0) {
		err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'", s->file);
		return -1;
	}
	return field_limit(s, v, e);
}

/* The path of the current element below the record, into s->text. */
static void
rel_path(struct xmlrec *s, struct buf *b)
{
	size_t from = s->where_at[s->rec_depth + 1];

	buf_reset(b);
	if (s->depth == s->rec_depth)
		buf_add(b, s->where.ptr + s->where_at[s->depth],
		    s->where.len - s->where_at[s->depth] - 1);
	else
		buf_add(b, s->where.ptr + from, s->where.len - from - 1);
}

static int
attributes(struct xmlrec *s, struct buf *name, struct muni_err *e)
{
	size_t base = name->len, i, n = xmlrd_nattrs(&s->x);
	const char *a, *v;

	for (i = 0; i < n; i++) {
		a = xmlrd_attr_name(&s->x, i);
		v = xmlrd_attr_value(&s->x, i);
		buf_setlen(name, base);
		if (s->depth > s->rec_depth)
			buf_addstr(name, "/@");
		else
			buf_setlen(name, 0);
		buf_addstr(name, a ? a : "");
		if (put(s, name->ptr, name->len, v ? v : "", v ? strlen(v) : 0,
		    1, e) < 0)
			return -1;
	}
	buf_setlen(name, base);
	return 0;
}

/* Read the next record into s->v; 1, 0 at the end, -1 on error. */
static int
read_record(struct xmlrec *s, struct muni_err *e)
{
	struct buf name;
	int rc, type, empty;
	const char *local;

	buf_init(&name, 1 << 16);
	while ((rc = xmlrd_next(&s->x, e)) > 0) {
		type = xmlrd_type(&s->x);
		if (type == XML_READER_TYPE_ELEMENT) {
			local = xmlrd_name(&s->x);
			empty = xmlrd_empty(&s->x);
			s->depth++;
			s->where_at[s->depth] = s->where.len;
			buf_addstr(&s->where, local);
			buf_addch(&s->where, '/');
			if (s->rec_depth < 0 && is_record(s)) {
				s->rec_depth = s->depth;
				if (s->nv > XML_INDEX_AT)
					keyset_release(&s->index);
				s->nv = 0;
				buf_reset(&s->names);
				buf_reset(&s->vals);
			}
			s->parent[s->depth - 1] = 1;
			s->parent[s->depth] = 0;
			if (s->rec_depth >= 0) {
				rel_path(s, &name);
				if (attributes(s, &name, e) < 0) {
					rc = -1;
					break;
				}
			}
			if (!empty)
				continue;
			type = XML_READER_TYPE_END_ELEMENT;
		}
		if (type == XML_READER_TYPE_END_ELEMENT) {
			/* a leaf element: its column, even when empty */
			if (s->rec_depth >= 0 && s->depth > s->rec_depth &&
			    !s->parent[s->depth]) {
				rel_path(s, &name);
				if (put(s, name.ptr, name.len, "", 0, 0, e) < 0) {
					rc = -1;
					break;
				}
			}
			buf_setlen(&s->where, s->where_at[s->depth]);
			if (s->rec_depth == s->depth--) {
				s->rec_depth = -1;
				s->nrec++;
				buf_release(&name);
				return 1;
			}
			continue;
		}
		if (s->rec_depth >= 0 && xmlrd_is_text(&s->x)) {
			const char *t = xmlrd_text(&s->x);
			size_t n = strlen(t), k = 0;

			while (k < n && strchr(" \t\r\n", t[k]))
				k++;
			if (k == n)
				continue;	/* indentation */
			rel_path(s, &name);
			if (put(s, name.ptr, name.len, t, n, 1, e) < 0) {
				rc = -1;
				break;
			}
		}
	}
	buf_release(&name);
	return rc;
}

static int
set_path(struct xmlrec *s, const char *path, struct muni_err *e)
{
	long n;

	s->absolute = *path == '/' && path[1] != '/';
	n = columns_records_path(path, "/", "/", s->path, XMLRD_MAX_DEPTH, e);
	if (n < 0)
		return -1;
	s->npath = (int)n;
	return 0;
}

struct xmlrec *
xmlrec_open(int fd, const char *file, const struct xml_options *o,
    struct muni_err *e)
{
	struct xmlrec *s = calloc(1, sizeof(*s));
	size_t max = o->max_record ? o->max_record : CSVIN_MAX_RECORD;
	size_t i;
	int rc;

	if (s == NULL) {
		err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'", file);
		return NULL;
	}
	s->in.fd = fd;
	s->in.file = file;
	s->file = file;
	s->o = *o;
	buf_init(&s->where, (size_t)1 << 20);
	buf_init(&s->names, max);
	buf_init(&s->vals, max);
	buf_init(&s->out, max);
	columns_init(&s->cols);
	keyset_init(&s->index);
	if (o->records && set_path(s, o->records, e) < 0)
		goto fail;
	if (start(s, 1, e) < 0)
		goto fail;
	while ((rc = read_record(s, e)) > 0)
		for (i = 0; i < s->nv; i++)
			if (columns_add(&s->cols, s->names.ptr + s->v[i].name,
			    s->v[i].nlen) < 0) {
				err_set(e, MUNI_EXIT_DATA, "'%s': the records "
				    "have more than %d distinct names", file,
				    CSVIN_MAX_FIELDS);
				goto fail;
			}
	if (rc < 0)
		goto fail;
	if (s->nrec == 0 && o->records) {
		err_set(e, MUNI_EXIT_DATA, "'%s' has no element at '%s'", file,
		    o->records);
		goto fail;
	}
	s->fields = calloc(s->cols.n ? s->cols.n : 1, sizeof(*s->fields));
	if (s->fields == NULL) {
		err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'", file);
		goto fail;
	}
	if (start(s, 2, e) < 0)
		goto fail;
	return s;
fail:
	xmlrec_free(s);
	return NULL;
}

int
xmlrec_next(struct xmlrec *s, struct record **rec, struct muni_err *e)
{
	size_t c, i;
	long col;
	int rc;

	if (s->cols.n == 0)
		return 0;
	if (!s->header_sent) {
		for (c = 0; c < s->cols.n; c++)
			s->fields[c].ptr = columns_name(&s->cols, c,
			    &s->fields[c].len);
		s->header_sent = 1;
		s->rec.row = 0;
	} else {
		rc = read_record(s, e);
		if (rc <= 0)
			return rc;
		for (c = 0; c < s->cols.n; c++) {
			s->fields[c].ptr = "";
			s->fields[c].len = 0;
		}
		for (i = 0; i < s->nv; i++) {
			col = columns_find(&s->cols, s->names.ptr +
			    s->v[i].name, s->v[i].nlen);
			if (col < 0) {
				err_set(e, MUNI_EXIT_DATA, "'%s' changed while "
				    "it was read", s->file);
				return -1;
			}
			s->fields[col].ptr = s->vals.ptr + s->v[i].val;
			s->fields[col].len = s->v[i].vlen;
		}
	}
	s->rec.row++;
	s->rec.line = s->rec.row;
	s->rec.fields = s->fields;
	s->rec.nfields = s->cols.n;
	*rec = &s->rec;
	return 1;
}

unsigned long long
xmlrec_records(const struct xmlrec *s)
{
	return s->rec.row;
}

void
xmlrec_free(struct xmlrec *s)
{
	if (s == NULL)
		return;
	if (s->open)
		xmlrd_release(&s->x);
	buf_release(&s->where);
	buf_release(&s->names);
	buf_release(&s->vals);
	buf_release(&s->text);
	buf_release(&s->out);
	columns_release(&s->cols);
	keyset_release(&s->index);
	free(s->v);
	free(s->fields);
	free(s);
}
