#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "source/ods.h"
#include "source/xmlrd.h"
#include "base/banned.h"

struct table {
	char *name;
	int hidden;
	unsigned long long cells;	/* cells holding a value */
};

struct ods {
	struct zip *z;
	const char *file;
	struct sheet_pick pick;
	struct table *tables;
	size_t ntables;
	size_t want;			/* index of the table read */
	size_t seen;			/* tables passed while rewinding */
	char **hidden_styles;
	size_t nhidden;
	struct zip_stream *zs;
	struct xmlrd x;
	int open, done;
	unsigned long long num;		/* next row number */
	struct sheet_merges merges;
	int merges_done;
	struct buf val, tmp;
};

static int
nomem(struct ods *s, struct muni_err *e)
{
	err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'", s->file);
	return -1;
}

int
ods_is(struct zip *z)
{
	struct buf b;
	long i = zip_find(z, "mimetype");
	struct muni_err e;
	int is;

	if (i < 0)
		return zip_find(z, "content.xml") >= 0 &&
		    zip_find(z, "xl/workbook.xml") < 0;
	buf_init(&b, 256);
	is = zip_read_all(z, (size_t)i, &b, &e) == 0 && strcmp(b.ptr,
	    "application/vnd.oasis.opendocument.spreadsheet") == 0;
	buf_release(&b);
	return is;
}

static int
is_hidden_style(const struct ods *s, const char *name)
{
	size_t i;

	for (i = 0; name && i < s->nhidden; i++)
		if (strcmp(s->hidden_styles[i], name) == 0)
			return 1;
	return 0;
}

/*
 * Read content.xml up to the table wanted (counting: through every table,
 * to name them and count their values).
 */
static int
scan(struct ods *s, int count, struct muni_err *e)
{
	struct table *t;
	char *v, *style = NULL, **h;
	int rc, type, in_cell = 0;
	const char *name;

	while ((rc = xmlrd_next(&s->x, e)) > 0) {
		type = xmlrd_type(&s->x);
		name = xmlrd_name(&s->x);
		if (type == XML_READER_TYPE_END_ELEMENT &&
		    strcmp(name, "table-cell") == 0)
			in_cell = 0;
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		if (!count && strcmp(name, "table") != 0 &&
		    strcmp(name, "table-cell") != 0)
			continue;
		if (strcmp(name, "style") == 0) {
			free(style);
			v = xmlrd_attr(&s->x, "name");
			style = v ? strdup(v) : NULL;
			xmlFree(v);
		} else if (strcmp(name, "table-properties") == 0 && style) {
			v = xmlrd_attr(&s->x, "display");
			if (v && strcmp(v, "false") == 0 && s->nhidden < 4096) {
				h = realloc(s->hidden_styles, (s->nhidden + 1) *
				    sizeof(*h));
				if (h == NULL) {
					xmlFree(v);
					free(style);
					return nomem(s, e);
				}
				s->hidden_styles = h;
				h[s->nhidden++] = style;
				style = NULL;
			}
			xmlFree(v);
		} else if (strcmp(name, "table") == 0 && !in_cell && !count) {
			if (s->seen++ == s->want)
				break;
		} else if (strcmp(name, "table") == 0 && !in_cell) {
			if (s->ntables >= 4096)
				continue;
			t = realloc(s->tables, (s->ntables + 1) * sizeof(*t));
			if (t == NULL) {
				free(style);
				return nomem(s, e);
			}
			s->tables = t;
			t = &s->tables[s->ntables++];
			v = xmlrd_attr(&s->x, "name");
			t->name = strdup(v ? v : "");
			xmlFree(v);
			v = xmlrd_attr(&s->x, "style-name");
			t->hidden = is_hidden_style(s, v);
			xmlFree(v);
			t->cells = 0;
			if (t->name == NULL) {
				free(style);
				return nomem(s, e);
			}
		} else if (strcmp(name, "table-cell") == 0) {
			in_cell = !xmlrd_empty(&s->x);
			if (!count || s->ntables == 0)
				continue;
			v = xmlrd_attr(&s->x, "value-type");
			if (v != NULL || in_cell)
				s->tables[s->ntables - 1].cells++;
			xmlFree(v);
		}
	}
	free(style);
	return rc < 0 ? -1 : 0;
}

static int
ods_open_content(struct ods *s, struct muni_err *e)
{
	if (xmlrd_open_zip(&s->x, s->z, s->file, "content.xml", &s->zs, e) < 0)
		return -1;
	s->open = 1;
	return 0;
}

static void
ods_close_content(struct ods *s)
{
	if (s->open)
		xmlrd_close_zip(&s->x, &s->zs);
	s->open = 0;
}

/* Stream up to the wanted table's start, naming tables on the way. */
static int
ods_rewind(void *ctx, struct muni_err *e)
{
	struct ods *s = ctx;

	ods_close_content(s);
	s->done = 0;
	s->num = 1;
	s->seen = 0;
	if (ods_open_content(s, e) < 0 || scan(s, 0, e) < 0)
		return -1;
	if (s->seen != s->want + 1) {
		err_set(e, MUNI_EXIT_DATA, "'%s' has no table %zu", s->file,
		    s->want + 1);
		return -1;
	}
	return 0;
}

/* "PT12H30M05S" as "12:30:05"; 0 when it is not that shape. */
static int
duration(const char *p, char *out, size_t n)
{
	double h = 0, m = 0, sec = 0, v;
	long long t;
	char *end;

	if (p[0] != 'P' && p[0] != '-')
		return 0;
	p = strchr(p, 'T');
	if (p == NULL)
		return 0;
	for (p++; *p; p = end + 1) {
		v = strtod(p, &end);
		if (end == p)
			return 0;
		if (*end == 'H')
			h = v;
		else if (*end == 'M')
			m = v;
		else if (*end == 'S')
			sec = v;
		else
			return 0;
	}
	t = llround(h * 3600 + m * 60 + sec);
	snprintf(out, n, "%02lld:%02lld:%02lld", t / 3600, t / 60 % 60,
	    t % 60);
	return 1;
}

/* The text of the cell the reader is on (its paragraphs), into s->val. */
static int
cell_text(struct ods *s, struct muni_err *e)
{
	int rc, type, paras = 0, skip = 0;
	const char *name;
	char *c;
	long k;

	while ((rc = xmlrd_next(&s->x, e)) > 0) {
		type = xmlrd_type(&s->x);
		name = xmlrd_name(&s->x);
		if (type == XML_READER_TYPE_END_ELEMENT) {
			if (strcmp(name, "annotation") == 0 && skip > 0)
				skip--;
			else if (strcmp(name, "table-cell") == 0 ||
			    strcmp(name, "covered-table-cell") == 0)
				return 1;
			continue;
		}
		if (skip > 0)
			continue;
		if (xmlrd_is_text(&s->x)) {
			if (buf_addstr(&s->val, xmlrd_text(&s->x)) < 0)
				goto too_long;
			continue;
		}
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		if (strcmp(name, "annotation") == 0 && !xmlrd_empty(&s->x))
			skip++;
		else if (strcmp(name, "p") == 0 || strcmp(name, "h") == 0) {
			if (paras++ > 0 && buf_addch(&s->val, '\n') < 0)
				goto too_long;
		} else if (strcmp(name, "s") == 0) {
			c = xmlrd_attr(&s->x, "c");
			k = c ? strtol(c, NULL, 10) : 1;
			xmlFree(c);
			for (; k > 0 && k <= 65536; k--)
				if (buf_addch(&s->val, ' ') < 0)
					goto too_long;
		} else if (strcmp(name, "tab") == 0) {
			if (buf_addch(&s->val, '\t') < 0)
				goto too_long;
		} else if (strcmp(name, "line-break") == 0) {
			if (buf_addch(&s->val, '\n') < 0)
				goto too_long;
		}
	}
	return rc;
too_long:
	err_set(e, MUNI_EXIT_DATA, "'%s': table '%s', row %llu: a value is "
	    "longer than %zu bytes", s->file, s->tables[s->want].name, s->num,
	    s->val.max);
	return -1;
}

static int
add_merge(struct ods *s, unsigned long long row, unsigned col,
    unsigned long rows, unsigned long cols)
{
	struct sheet_merge m;

	if (s->merges_done || (rows <= 1 && cols <= 1))
		return 0;
	m.r1 = row;
	m.r2 = row + (rows ? rows : 1) - 1;
	m.c1 = col;
	m.c2 = col + (unsigned)(cols ? cols : 1) - 1;
	return sheet_merges_add(&s->merges, &m);
}

static unsigned long
attr_count(struct xmlrd *x, const char *name)
{
	char *v = xmlrd_attr(x, name);
	unsigned long n = v ? strtoul(v, NULL, 10) : 1;

	xmlFree(v);
	return n ? n : 1;
}

/* One cell: its value into s->val, added k times at *col. */
static int
read_cell(struct ods *s, struct sheet_row *out, unsigned long long *col,
    struct muni_err *e)
{
	unsigned long k = attr_count(&s->x, "number-columns-repeated");
	unsigned long cs = attr_count(&s->x, "number-columns-spanned");
	unsigned long rs = attr_count(&s->x, "number-rows-spanned");
	char *type = xmlrd_attr(&s->x, "value-type"), *v = NULL, when[48];
	int empty = xmlrd_empty(&s->x), rc = 0;
	unsigned long i;
	const char *typed;

	/* The typed value, read on the element (its text is read next). */
	typed = type == NULL ? NULL : strcmp(type, "date") == 0 ?
	    "date-value" : strcmp(type, "time") == 0 ? "time-value" :
	    strcmp(type, "boolean") == 0 ? "boolean-value" :
	    strcmp(type, "string") == 0 ? NULL : "value";
	v = typed ? xmlrd_attr(&s->x, typed) : NULL;
	buf_reset(&s->val);
	buf_reset(&s->tmp);
	if (!empty && cell_text(s, e) < 0) {
		xmlFree(type);
		xmlFree(v);
		return -1;
	}
	if (type == NULL || strcmp(type, "string") == 0)
		;
	else if (strcmp(type, "float") == 0 || strcmp(type, "percentage") == 0 ||
	    strcmp(type, "currency") == 0) {
		if (v) {
			buf_reset(&s->val);
			sheet_plain_number(v, strlen(v), &s->val);
		}
	} else if (strcmp(type, "date") == 0) {
		if (v) {
			buf_reset(&s->val);
			buf_addstr(&s->val, v);
		}
	} else if (strcmp(type, "time") == 0) {
		if (v && duration(v, when, sizeof(when))) {
			buf_reset(&s->val);
			buf_addstr(&s->val, when);
		}
	} else if (strcmp(type, "boolean") == 0) {
		if (v) {
			buf_reset(&s->val);
			buf_addstr(&s->val, strcmp(v, "true") == 0 ? "true" :
			    "false");
		}
	}
	xmlFree(type);
	xmlFree(v);
	if (add_merge(s, s->num, (unsigned)*col, rs, cs) < 0)
		return nomem(s, e);
	if (s->val.len == 0) {
		*col += k;
		return 0;
	}
	for (i = 0; i < k && rc == 0; i++, (*col)++) {
		if (*col >= SHEET_MAX_COLS) {
			err_set(e, MUNI_EXIT_DATA, "'%s': table '%s', row "
			    "%llu: a value lies beyond column %d", s->file,
			    s->tables[s->want].name, s->num, SHEET_MAX_COLS);
			return -1;
		}
		rc = sheet_row_add(out, (unsigned)*col, s->val.ptr,
		    s->val.len);
	}
	if (rc < 0) {
		err_set(e, MUNI_EXIT_DATA, "'%s': table '%s', row %llu: the "
		    "row is longer than %zu bytes", s->file,
		    s->tables[s->want].name, s->num, out->text.max);
		return -1;
	}
	return 0;
}

static int
ods_row(void *ctx, struct sheet_row *out, struct muni_err *e)
{
	struct ods *s = ctx;
	unsigned long long col = 0;
	unsigned long rep;
	int rc, type, in_row = 0;
	const char *name;

	if (s->done)
		return 0;
	sheet_row_clear(out);
	while ((rc = xmlrd_next(&s->x, e)) > 0) {
		type = xmlrd_type(&s->x);
		name = xmlrd_name(&s->x);
		if (type == XML_READER_TYPE_END_ELEMENT) {
			if (strcmp(name, "table-row") == 0 && in_row) {
				if (out->n > 0 && s->num + out->repeat - 1 >
				    SHEET_MAX_ROWS) {
					err_set(e, MUNI_EXIT_DATA, "'%s': table "
					    "'%s', row %llu: its values are "
					    "repeated %llu times, beyond row %d, "
					    "the last of a sheet", s->file,
					    s->tables[s->want].name, s->num,
					    out->repeat, SHEET_MAX_ROWS);
					return -1;
				}
				s->num += out->repeat;
				return 1;
			}
			if (strcmp(name, "table") == 0)
				break;
			continue;
		}
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		if (strcmp(name, "table-row") == 0) {
			rep = attr_count(&s->x, "number-rows-repeated");
			if (s->num > SHEET_MAX_ROWS)
				break;		/* LibreOffice's filler rows */
			out->num = s->num;
			out->repeat = rep;
			col = 0;
			if (xmlrd_empty(&s->x)) {
				s->num += rep;
				return 1;
			}
			in_row = 1;
		} else if (in_row && (strcmp(name, "table-cell") == 0 ||
		    strcmp(name, "covered-table-cell") == 0)) {
			if (read_cell(s, out, &col, e) < 0)
				return -1;
		}
	}
	if (rc < 0)
		return -1;
	s->done = 1;
	s->merges_done = 1;
	if (out->n > 0 && s->num + out->repeat > SHEET_MAX_ROWS + 1) {
		err_set(e, MUNI_EXIT_DATA, "'%s': table '%s' has values "
		    "beyond row %d", s->file, s->tables[s->want].name,
		    SHEET_MAX_ROWS);
		return -1;
	}
	return 0;
}

static void
ods_free(void *ctx)
{
	struct ods *s = ctx;
	size_t i;

	if (s == NULL)
		return;
	ods_close_content(s);
	for (i = 0; i < s->ntables; i++)
		free(s->tables[i].name);
	free(s->tables);
	for (i = 0; i < s->nhidden; i++)
		free(s->hidden_styles[i]);
	free(s->hidden_styles);
	sheet_merges_release(&s->merges);
	buf_release(&s->val);
	buf_release(&s->tmp);
	zip_free(s->z);
	free(s);
}

static struct ods *
ods_new(struct zip *z, const char *file, struct muni_err *e)
{
	struct ods *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		zip_free(z);
		err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'", file);
		return NULL;
	}
	s->z = z;
	s->file = file;
	buf_init(&s->val, CSVIN_MAX_FIELD);
	buf_init(&s->tmp, CSVIN_MAX_FIELD);
	return s;
}

/* Name and count every table (for --list, a number, "largest"). */
static int
census(struct ods *s, struct muni_err *e)
{
	int rc;

	if (ods_open_content(s, e) < 0)
		return -1;
	rc = scan(s, 1, e);
	ods_close_content(s);
	return rc;
}

int
ods_list(struct zip *z, const char *file, struct buf *out,
    struct muni_err *e)
{
	struct ods *s = ods_new(z, file, e);
	size_t i;
	int rc;

	if (s == NULL)
		return -1;
	rc = census(s, e);
	for (i = 0; rc == 0 && i < s->ntables; i++)
		buf_addf(out, "%s%s\n", s->tables[i].name,
		    s->tables[i].hidden ? "\thidden" : "");
	ods_free(s);
	return rc;
}

struct sheet *
ods_open(struct zip *z, const char *file, const struct sheet_pick *pick,
    const struct sheet_options *o, struct muni_err *e)
{
	struct sheet_source src;
	struct ods *s = ods_new(z, file, e);
	unsigned long long most = 0;
	unsigned long k;
	long content;
	size_t i;
	char *end;

	if (s == NULL)
		return NULL;
	s->pick = *pick;
	if (o->max_record)
		s->val.max = o->max_record;
	if (census(s, e) < 0)
		goto fail;
	s->want = s->ntables;
	for (i = 0; i < s->ntables; i++) {
		if (pick->sheet == NULL && !s->tables[i].hidden) {
			s->want = i;
			break;
		}
		if (pick->sheet && strcmp(pick->sheet, s->tables[i].name) == 0) {
			s->want = i;
			break;
		}
		if (pick->sheet && strcmp(pick->sheet, "largest") == 0 &&
		    (s->want == s->ntables || s->tables[i].cells > most))
			s->want = i, most = s->tables[i].cells;
	}
	if (s->want == s->ntables && pick->sheet != NULL) {
		k = strtoul(pick->sheet, &end, 10);
		if (*end == '\0' && k >= 1 && k <= s->ntables)
			s->want = k - 1;
	}
	if (s->want == s->ntables) {
		if (pick->sheet)
			err_set(e, MUNI_EXIT_USAGE, "'%s' has no sheet '%s' "
			    "(muni-fetch --list shows its sheets)", file,
			    pick->sheet);
		else
			err_set(e, MUNI_EXIT_DATA, "'%s' has no visible table",
			    file);
		goto fail;
	}
	memset(&src, 0, sizeof(src));
	src.ctx = s;
	src.rewind = ods_rewind;
	src.row = ods_row;
	src.merges = &s->merges;
	src.free = ods_free;
	src.name = s->tables[s->want].name;
	content = zip_find(z, "content.xml");
	src.bytes = content >= 0 ? zip_size(z, (size_t)content) : 0;
	return sheet_new(&src, o, file, e);
fail:
	ods_free(s);
	return NULL;
}
