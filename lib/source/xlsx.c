/*
 * xlsx.c is long because a workbook's parts (relationships, shared
 * strings, styles, the sheet) are read by one streaming state that the
 * rows need together.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/exitcode.h"
#include "source/xlsx.h"
#include "source/xmlrd.h"
#include "base/banned.h"

enum kind { K_NUMBER, K_DATE, K_TIME, K_DATETIME, K_ELAPSED };

struct wsheet {
	char *name, *rid, *path;
	int hidden;
};

struct xlsx {
	struct zip *z;
	const char *file;
	const struct sheet_pick *pick;
	struct sheet_pick pickv;
	struct wsheet *sheets;
	size_t nsheets;
	const struct wsheet *ws;
	int date1904;
	char *wb_path, *sst_path, *styles_path;
	unsigned char *value_kind;		/* kind of each cellXfs entry */
	size_t nxf;
	struct buf sst;			/* shared strings, end to end */
	size_t *sst_off, nsst, sst_cap;
	/* the sheet being read */
	struct zip_stream *zs;
	struct xmlrd x;
	int open, in_data, done, pass;
	unsigned long long prev_row;
	struct sheet_merges merges;
	int merges_done;
	struct buf val, tmp;
};

static void warn(struct xlsx *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
warn(struct xlsx *s, const char *fmt, ...)
{
	char msg[512];
	int n;
	va_list ap;

	if (s->pick->warn == NULL || s->pass < 2)
		return;	/* the first pass measures; the second warns */
	n = snprintf(msg, sizeof(msg), "'%s': sheet '%s', ", s->file,
	    s->ws->name);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	s->pick->warn(s->pick->warn_ctx, msg);
}

static int
nomem(struct xlsx *s, struct muni_err *e)
{
	err_sys(e, MUNI_EXIT_IO, errno ? errno : ENOMEM, "'%s'", s->file);
	return -1;
}

static int
part_open(struct xlsx *s, const char *path, struct zip_stream **zs,
    struct xmlrd *x, struct muni_err *e)
{
	return xmlrd_open_zip(x, s->z, s->file, path, zs, e);
}

static void
part_close(struct zip_stream **zs, struct xmlrd *x)
{
	xmlrd_close_zip(x, zs);
}

/* A relationship target, resolved against the folder of its source. */
static char *
resolve(const char *base, const char *target)
{
	const char *slash = strrchr(base, '/');
	size_t n = slash ? (size_t)(slash - base) + 1 : 0;
	char *out, *p, *q;

	if (target[0] == '/')
		return strdup(target + 1);
	out = malloc(n + strlen(target) + 1);
	if (out == NULL)
		return NULL;
	memcpy(out, base, n);
	memcpy(out + n, target, strlen(target) + 1);
	/* fold "dir/../" */
	while ((p = strstr(out, "/../")) != NULL) {
		for (q = p; q > out && q[-1] != '/'; q--)
			;
		memmove(q, p + 4, strlen(p + 4) + 1);
	}
	return out;
}

static int
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n >= k && strcmp(s + n - k, tail) == 0;
}

/*
 * Read a .rels part: for each relationship, call found() with its id,
 * type and resolved target.
 */
static int
read_rels(struct xlsx *s, const char *source, const char *rels,
    int (*found)(struct xlsx *, const char *, const char *, char *),
    struct muni_err *e)
{
	struct zip_stream *zs;
	struct xmlrd x;
	char *id, *type, *target, *path;
	int rc;

	if (part_open(s, rels, &zs, &x, e) < 0)
		return -1;
	while ((rc = xmlrd_next(&x, e)) > 0) {
		if (xmlrd_type(&x) != XML_READER_TYPE_ELEMENT ||
		    strcmp(xmlrd_name(&x), "Relationship") != 0)
			continue;
		id = xmlrd_attr(&x, "Id");
		type = xmlrd_attr(&x, "Type");
		target = xmlrd_attr(&x, "Target");
		path = id && type && target ? resolve(source, target) : NULL;
		rc = path ? found(s, id, type, path) : 0;
		xmlFree(id);
		xmlFree(type);
		xmlFree(target);
		if (rc < 0)
			break;
	}
	part_close(&zs, &x);
	return rc < 0 ? (e->status ? -1 : nomem(s, e)) : 0;
}

static int
found_document(struct xlsx *s, const char *id, const char *type, char *path)
{
	(void)id;
	if (ends_with(type, "/officeDocument") && s->wb_path == NULL)
		s->wb_path = path;
	else
		free(path);
	return 0;
}

static int
found_part(struct xlsx *s, const char *id, const char *type, char *path)
{
	size_t i;

	if (ends_with(type, "/sharedStrings") && s->sst_path == NULL) {
		s->sst_path = path;
		return 0;
	}
	if (ends_with(type, "/styles") && s->styles_path == NULL) {
		s->styles_path = path;
		return 0;
	}
	for (i = 0; i < s->nsheets; i++)
		if (s->sheets[i].rid && strcmp(s->sheets[i].rid, id) == 0 &&
		    s->sheets[i].path == NULL) {
			s->sheets[i].path = path;
			return 0;
		}
	free(path);
	return 0;
}

static int
read_workbook(struct xlsx *s, struct muni_err *e)
{
	struct zip_stream *zs;
	struct xmlrd x;
	struct wsheet *w;
	char *v;
	int rc;

	if (part_open(s, s->wb_path, &zs, &x, e) < 0)
		return -1;
	while ((rc = xmlrd_next(&x, e)) > 0) {
		if (xmlrd_type(&x) != XML_READER_TYPE_ELEMENT)
			continue;
		if (strcmp(xmlrd_name(&x), "workbookPr") == 0) {
			v = xmlrd_attr(&x, "date1904");
			s->date1904 = v && (strcmp(v, "1") == 0 ||
			    strcmp(v, "true") == 0);
			xmlFree(v);
		} else if (strcmp(xmlrd_name(&x), "sheet") == 0) {
			if (s->nsheets % 16 == 0) {
				w = realloc(s->sheets, (s->nsheets + 16) *
				    sizeof(*w));
				if (w == NULL) {
					rc = nomem(s, e);
					break;
				}
				s->sheets = w;
			}
			w = &s->sheets[s->nsheets++];
			memset(w, 0, sizeof(*w));
			v = xmlrd_attr(&x, "name");
			w->name = strdup(v ? v : "");
			xmlFree(v);
			v = xmlrd_attr(&x, "id");
			w->rid = v ? strdup(v) : NULL;
			xmlFree(v);
			v = xmlrd_attr(&x, "state");
			w->hidden = v && strcmp(v, "visible") != 0;
			xmlFree(v);
			if (w->name == NULL) {
				rc = nomem(s, e);
				break;
			}
		}
	}
	part_close(&zs, &x);
	return rc < 0 ? -1 : 0;
}

/* What a number format shows: a number, a date, a time, both. */
static enum kind
builtin_kind(unsigned long id)
{
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) ||
	    (id >= 34 && id <= 36) || (id >= 50 && id <= 58) ||
	    (id >= 71 && id <= 74) || id == 81)
		return K_DATE;
	if (id == 22 || id == 77)
		return K_DATETIME;
	if (id == 46 || id == 79)
		return K_ELAPSED;
	if ((id >= 18 && id <= 21) || id == 32 || id == 33 || id == 45 ||
	    id == 47 || (id >= 75 && id <= 80))
		return K_TIME;
	return K_NUMBER;
}

static enum kind
format_kind(const char *f)
{
	int date = 0, time = 0, elapsed = 0, month = 0;

	for (; *f && *f != ';'; f++)
		switch (*f) {
		case '"':
			while (f[1] && f[1] != '"')
				f++;
			if (f[1])
				f++;
			break;
		case '[':
			if (f[1] == 'h' || f[1] == 'H' || f[1] == 'm' ||
			    f[1] == 'M' || f[1] == 's' || f[1] == 'S')
				elapsed = 1;
			while (f[1] && f[1] != ']')
				f++;
			if (f[1])
				f++;
			break;
		case '\\': case '_': case '*':
			if (f[1])
				f++;
			break;
		case 'G': case 'g':
			if (strncasecmp(f, "General", 7) == 0)
				f += 6;
			break;
		case 'A': case 'a':
			if (strncasecmp(f, "AM/PM", 5) == 0)
				f += 4, time = 1;
			else if (strncasecmp(f, "A/P", 3) == 0)
				f += 2, time = 1;
			break;
		case 'd': case 'D': case 'y': case 'Y': case 'e': case 'b':
		case 'B':
			date = 1;
			break;
		case 'h': case 'H': case 's': case 'S':
			time = 1;
			break;
		case 'm': case 'M':
			month = 1;
			break;
		}
	if (elapsed)
		return K_ELAPSED;
	if (month && !time)
		date = 1;
	if (date && time)
		return K_DATETIME;
	return date ? K_DATE : time ? K_TIME : K_NUMBER;
}

struct numfmt {
	unsigned long id;
	enum kind kind;
};

static int
read_styles(struct xlsx *s, struct muni_err *e)
{
	struct zip_stream *zs;
	struct xmlrd x;
	struct numfmt *fmts = NULL;
	size_t nfmts = 0, i;
	int rc, in_xfs = 0;
	unsigned long id;
	unsigned char *k;
	char *v, *code;
	enum kind kind;

	if (s->styles_path == NULL || zip_find(s->z, s->styles_path) < 0)
		return 0;
	if (part_open(s, s->styles_path, &zs, &x, e) < 0)
		return -1;
	while ((rc = xmlrd_next(&x, e)) > 0) {
		if (xmlrd_type(&x) == XML_READER_TYPE_END_ELEMENT &&
		    strcmp(xmlrd_name(&x), "cellXfs") == 0)
			in_xfs = 0;
		if (xmlrd_type(&x) != XML_READER_TYPE_ELEMENT)
			continue;
		if (strcmp(xmlrd_name(&x), "numFmt") == 0) {
			v = xmlrd_attr(&x, "numFmtId");
			code = xmlrd_attr(&x, "formatCode");
			if (v && code && nfmts < 4096) {
				if (nfmts % 64 == 0) {
					struct numfmt *f = realloc(fmts,
					    (nfmts + 64) * sizeof(*f));
					if (f == NULL) {
						xmlFree(v);
						xmlFree(code);
						rc = nomem(s, e);
						break;
					}
					fmts = f;
				}
				fmts[nfmts].id = strtoul(v, NULL, 10);
				fmts[nfmts].kind = format_kind(code);
				nfmts++;
			}
			xmlFree(v);
			xmlFree(code);
		} else if (strcmp(xmlrd_name(&x), "cellXfs") == 0) {
			in_xfs = !xmlrd_empty(&x);
		} else if (in_xfs && strcmp(xmlrd_name(&x), "xf") == 0) {
			if (s->nxf >= 65536)
				continue;
			v = xmlrd_attr(&x, "numFmtId");
			id = v ? strtoul(v, NULL, 10) : 0;
			xmlFree(v);
			kind = builtin_kind(id);
			for (i = 0; i < nfmts; i++)
				if (fmts[i].id == id)
					kind = fmts[i].kind;
			if (s->nxf % 256 == 0) {
				k = realloc(s->value_kind, s->nxf + 256);
				if (k == NULL) {
					rc = nomem(s, e);
					break;
				}
				s->value_kind = k;
			}
			s->value_kind[s->nxf++] = (unsigned char)kind;
		}
	}
	free(fmts);
	part_close(&zs, &x);
	return rc < 0 ? -1 : 0;
}

/* Decode _xHHHH_ escapes of OOXML strings in place. */
static size_t
unescape(char *p, size_t n)
{
	size_t i, o = 0;
	unsigned long c;
	char hex[5];

	if (memchr(p, '_', n) == NULL)
		return n;
	for (i = 0; i < n; i++) {
		if (p[i] == '_' && i + 6 < n + 0 && p[i + 1] == 'x' &&
		    p[i + 6] == '_' && strspn(p + i + 2,
		    "0123456789abcdefABCDEF") >= 4) {
			memcpy(hex, p + i + 2, 4);
			hex[4] = '\0';
			c = strtoul(hex, NULL, 16);
			if (c >= 0xd800 && c <= 0xdfff)
				c = 0xfffd;
			if (c < 0x80)
				p[o++] = (char)c;
			else if (c < 0x800) {
				p[o++] = (char)(0xc0 | c >> 6);
				p[o++] = (char)(0x80 | (c & 0x3f));
			} else {
				p[o++] = (char)(0xe0 | c >> 12);
				p[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
				p[o++] = (char)(0x80 | (c & 0x3f));
			}
			i += 6;
		} else
			p[o++] = p[i];
	}
	return o;
}

static int
sst_add(struct xlsx *s, const char *p, size_t n)
{
	size_t *off;

	if (s->nsst + 2 > s->sst_cap) {
		s->sst_cap = s->sst_cap ? 2 * s->sst_cap : 1024;
		off = realloc(s->sst_off, s->sst_cap * sizeof(*off));
		if (off == NULL)
			return -1;
		s->sst_off = off;
	}
	if (s->nsst == 0)
		s->sst_off[0] = 0;
	if (buf_add(&s->sst, p, n) < 0)
		return -1;
	s->sst_off[++s->nsst] = s->sst.len;
	return 0;
}

/*
 * Text under <t> elements, the phonetic runs (<rPh>) left out, of the
 * element x is on (<si>, <is>), appended to out.
 */
static int
read_text(struct xmlrd *x, struct buf *out, struct muni_err *e)
{
	int rc, in_t = 0, in_ph = 0, type;
	const char *name;

	if (xmlrd_empty(x))
		return 0;
	name = xmlrd_name(x);
	if (strcmp(name, "si") != 0 && strcmp(name, "is") != 0)
		return 0;
	while ((rc = xmlrd_next(x, e)) > 0) {
		type = xmlrd_type(x);
		if (type == XML_READER_TYPE_ELEMENT) {
			name = xmlrd_name(x);
			if (strcmp(name, "rPh") == 0 && !xmlrd_empty(x))
				in_ph = 1;
			else if (strcmp(name, "t") == 0 && !xmlrd_empty(x))
				in_t = 1;
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			name = xmlrd_name(x);
			if (strcmp(name, "t") == 0)
				in_t = 0;
			else if (strcmp(name, "rPh") == 0)
				in_ph = 0;
			else if (strcmp(name, "si") == 0 ||
			    strcmp(name, "is") == 0)
				return 1;
		} else if (in_t && !in_ph && xmlrd_is_text(x)) {
			if (buf_addstr(out, xmlrd_text(x)) < 0) {
				err_set(e, MUNI_EXIT_DATA, "'%s': a string is "
				    "longer than %zu bytes", x->file,
				    out->max);
				return -1;
			}
		}
	}
	return rc;
}

static int
read_shared(struct xlsx *s, struct muni_err *e)
{
	struct zip_stream *zs;
	struct xmlrd x;
	int rc;

	if (s->sst_path == NULL || zip_find(s->z, s->sst_path) < 0)
		return 0;
	if (part_open(s, s->sst_path, &zs, &x, e) < 0)
		return -1;
	while ((rc = xmlrd_next(&x, e)) > 0) {
		if (xmlrd_type(&x) != XML_READER_TYPE_ELEMENT ||
		    strcmp(xmlrd_name(&x), "si") != 0)
			continue;
		buf_reset(&s->tmp);
		if (read_text(&x, &s->tmp, e) < 0) {
			rc = -1;
			break;
		}
		s->tmp.len = unescape(s->tmp.ptr, s->tmp.len);
		if (sst_add(s, s->tmp.ptr, s->tmp.len) < 0) {
			err_set(e, MUNI_EXIT_DATA, "'%s': the shared strings "
			    "take more than %zu bytes", s->file, s->sst.max);
			rc = -1;
			break;
		}
	}
	part_close(&zs, &x);
	return rc < 0 ? -1 : 0;
}

/* "AB12" to column 27 (0-based) and row 12; 0 when it is not a reference. */
static int
cell_ref(const char *r, unsigned *col, unsigned long long *row)
{
	unsigned long c = 0;
	unsigned long long n = 0;
	const char *p = r;

	for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'); p++) {
		c = c * 26 + (unsigned long)((*p | 0x20) - 'a' + 1);
		if (c > SHEET_MAX_COLS)
			return 0;
	}
	if (p == r)
		return 0;
	for (; *p >= '0' && *p <= '9'; p++)
		if ((n = n * 10 + (unsigned)(*p - '0')) > SHEET_MAX_ROWS)
			return 0;
	*col = (unsigned)c - 1;
	*row = n;
	return *p == '\0' && (row == NULL || n > 0);
}

/* A row's number "12" as 12; 0 when it is not one of a sheet. */
static unsigned long long
row_number(const char *v)
{
	unsigned long long n = 0;
	const char *p;

	for (p = v; *p >= '0' && *p <= '9'; p++)
		if ((n = n * 10 + (unsigned)(*p - '0')) > SHEET_MAX_ROWS)
			return 0;
	return p > v && *p == '\0' ? n : 0;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void
civil(long long days, int *y, unsigned *m, unsigned *d)
{
	long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* A date serial as ISO 8601 text in out; 0 when it cannot be one. */
static int
serial_text(const struct xlsx *s, double v, enum kind kind, char *out,
    size_t n)
{
	double whole = floor(v);
	long long days = (long long)whole, secs;
	unsigned m, d;
	int y;

	secs = llround((v - whole) * 86400.0);
	if (kind == K_ELAPSED) {
		secs = llround(v * 86400.0);
		snprintf(out, n, "%02lld:%02lld:%02lld", secs / 3600,
		    secs / 60 % 60, secs % 60);
		return 1;
	}
	if (secs >= 86400)
		days++, secs -= 86400;
	if (kind == K_TIME) {
		snprintf(out, n, "%02lld:%02lld:%02lld", secs / 3600,
		    secs / 60 % 60, secs % 60);
		return 1;
	}
	if (!s->date1904 && days == 60)
		return 0;
	if (s->date1904)
		days += -24107;
	else
		days += days < 60 ? -25568 : -25569;
	civil(days, &y, &m, &d);
	if (kind == K_DATE)
		snprintf(out, n, "%04d-%02u-%02u", y, m, d);
	else
		snprintf(out, n, "%04d-%02u-%02uT%02lld:%02lld:%02lld", y, m, d,
		    secs / 3600, secs / 60 % 60, secs % 60);
	return 1;
}

static int
put(struct xlsx *s, struct sheet_row *out, unsigned col, const char *p,
    size_t n, struct muni_err *e)
{
	if (sheet_row_add(out, col, p, n) == 0)
		return 0;
	err_set(e, MUNI_EXIT_DATA, "'%s': sheet '%s', row %llu: the row is "
	    "longer than %zu bytes", s->file, s->ws->name, out->num,
	    out->text.max);
	return -1;
}

/* The text of the cell just read into s->val, by its type and style. */
static int
cell_value(struct xlsx *s, const char *t, unsigned long style, unsigned col,
    unsigned long long row, struct sheet_row *out, struct muni_err *e)
{
	char ref[32], when[48];
	unsigned long i;
	enum kind kind;
	char *end;
	double v;

	buf_reset(&s->tmp);
	if (t[0] == 's' && t[1] == '\0') {
		i = strtoul(s->val.ptr, &end, 10);
		if (end == s->val.ptr || *end != '\0' || i >= s->nsst) {
			sheet_cell_name(col, row, ref, sizeof(ref));
			err_set(e, MUNI_EXIT_DATA, "'%s': sheet '%s', cell %s: "
			    "shared string %s does not exist", s->file,
			    s->ws->name, ref, s->val.ptr);
			return -1;
		}
		return put(s, out, col, s->sst.ptr + s->sst_off[i],
		    s->sst_off[i + 1] - s->sst_off[i], e);
	}
	if (strcmp(t, "b") == 0)
		return put(s, out, col, s->val.ptr[0] == '1' ?
		    "true" : "false", s->val.ptr[0] == '1' ? 4 : 5, e);
	if (strcmp(t, "e") == 0) {
		sheet_cell_name(col, row, ref, sizeof(ref));
		warn(s, "cell %s holds the error %s: written empty", ref,
		    s->val.ptr);
		return 0;
	}
	if (strcmp(t, "str") == 0 || strcmp(t, "inlineStr") == 0) {
		s->val.len = unescape(s->val.ptr, s->val.len);
		return put(s, out, col, s->val.ptr, s->val.len, e);
	}
	if (strcmp(t, "n") != 0 && t[0] != '\0')	/* "d": ISO already */
		return put(s, out, col, s->val.ptr, s->val.len, e);
	kind = style < s->nxf ? (enum kind)s->value_kind[style] : K_NUMBER;
	if (kind != K_NUMBER && s->val.len > 0) {
		v = strtod(s->val.ptr, &end);
		if (end != s->val.ptr && *end == '\0' && v >= 0 &&
		    v < 2958466.0 && serial_text(s, v, kind, when,
		    sizeof(when)))
			return put(s, out, col, when, strlen(when), e);
		sheet_cell_name(col, row, ref, sizeof(ref));
		if (!s->date1904 && v >= 60 && v < 61)
			warn(s, "cell %s: %s is 29 February 1900, a day that "
			    "Excel counts but that never was: written as the "
			    "number", ref, s->val.ptr);
		else
			warn(s, "cell %s: %s is not a date Excel can show: "
			    "written as the number", ref, s->val.ptr);
	}
	if (sheet_plain_number(s->val.ptr, s->val.len, &s->tmp) < 0)
		return -1;
	return put(s, out, col, s->tmp.ptr, s->tmp.len, e);
}

static int
add_merge(struct xlsx *s, const char *ref)
{
	struct sheet_merge m;
	char first[32];
	const char *colon = strchr(ref, ':');
	size_t n = colon ? (size_t)(colon - ref) : 0;

	if (colon == NULL || n >= sizeof(first))
		return 0;
	memcpy(first, ref, n);
	first[n] = '\0';
	if (!cell_ref(first, &m.c1, &m.r1) || !cell_ref(colon + 1, &m.c2,
	    &m.r2) || m.r2 < m.r1 || m.c2 < m.c1)
		return 0;
	return sheet_merges_add(&s->merges, &m);
}

static int
xlsx_rewind(void *ctx, struct muni_err *e)
{
	struct xlsx *s = ctx;

	if (s->open)
		part_close(&s->zs, &s->x);
	s->open = 0;
	s->done = 0;
	s->pass++;
	s->in_data = 0;
	s->prev_row = 0;
	if (part_open(s, s->ws->path, &s->zs, &s->x, e) < 0)
		return -1;
	s->open = 1;
	return 0;
}

/* The attributes r, t and s of a <c> element, without allocating. */
static void
cell_attrs(struct xlsx *s, char *r, size_t nr, char *t, size_t nt,
    unsigned long *style)
{
	const char *name, *v;
	size_t i, len, n = xmlrd_nattrs(&s->x);

	r[0] = t[0] = '\0';
	*style = 0;
	for (i = 0; i < n; i++) {
		name = xmlrd_attr_name(&s->x, i);
		v = xmlrd_attr_value(&s->x, i);
		if (name[0] == '\0' || name[1] != '\0')
			continue;
		len = strlen(v);
		if (name[0] == 'r' && len < nr)
			memcpy(r, v, len + 1);
		else if (name[0] == 'r')
			/* Too long to be a reference: said as such, cut. */
			snprintf(r, nr, "%.*s\xe2\x80\xa6", (int)nr - 4, v);
		else if (name[0] == 't' && len < nt)
			memcpy(t, v, len + 1);
		else if (name[0] == 't') {
			memcpy(t, v, nt - 1);	/* no type: said as unknown */
			t[nt - 1] = '\0';
		}
		else if (name[0] == 's')
			*style = strtoul(v, NULL, 10);
	}
}

static int
xlsx_row(void *ctx, struct sheet_row *out, struct muni_err *e)
{
	struct xlsx *s = ctx;
	char r[32], t[16], *v;
	unsigned long style = 0;
	unsigned col = 0;
	long long next_col = 0;
	unsigned long long rnum;
	int rc, type, in_v = 0, in_row = 0;
	const char *name;

	if (s->done)
		return 0;
	sheet_row_clear(out);
	while ((rc = xmlrd_next(&s->x, e)) > 0) {
		type = xmlrd_type(&s->x);
		if (in_v && xmlrd_is_text(&s->x)) {
			if (buf_addstr(&s->val, xmlrd_text(&s->x)) < 0)
				goto too_long;
			continue;
		}
		if (type == XML_READER_TYPE_END_ELEMENT) {
			name = xmlrd_name(&s->x);
			if (strcmp(name, "v") == 0)
				in_v = 0;
			else if (strcmp(name, "c") == 0) {
				if (s->val.len > 0 && cell_value(s, t, style,
				    col, out->num, out, e) < 0)
					return -1;
			} else if (strcmp(name, "row") == 0 && in_row)
				return 1;
			else if (strcmp(name, "sheetData") == 0) {
				s->in_data = 0;
				if (s->merges_done)
					break;
			}
			continue;
		}
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		name = xmlrd_name(&s->x);
		if (strcmp(name, "row") == 0) {
			v = xmlrd_attr(&s->x, "r");
			rnum = v ? row_number(v) : 0;
			if (v && rnum == 0) {
				err_set(e, MUNI_EXIT_DATA, "'%s': sheet '%s', "
				    "after row %llu: the row number '%.40s' is "
				    "not one of a sheet (1 to %d)", s->file,
				    s->ws->name, s->prev_row, v, SHEET_MAX_ROWS);
				xmlFree(v);
				return -1;
			}
			xmlFree(v);
			/* A row out of order follows the one before. */
			if (rnum <= s->prev_row)
				rnum = s->prev_row + 1;
			if (rnum > SHEET_MAX_ROWS) {
				err_set(e, MUNI_EXIT_DATA, "'%s': sheet '%s' "
				    "has more than %d rows", s->file,
				    s->ws->name, SHEET_MAX_ROWS);
				return -1;
			}
			s->prev_row = out->num = rnum;
			next_col = 0;
			if (xmlrd_empty(&s->x))
				return 1;
			in_row = 1;
		} else if (strcmp(name, "c") == 0 && in_row) {
			cell_attrs(s, r, sizeof(r), t, sizeof(t), &style);
			/*
			 * Without a reference a cell follows the one before;
			 * with one that names no cell of a sheet, the cell
			 * cannot be placed: said, never guessed.
			 */
			if (r[0] != '\0' && !cell_ref(r, &col, &rnum)) {
				err_set(e, MUNI_EXIT_DATA, "'%s': sheet '%s', "
				    "row %llu: the cell reference '%s' is not "
				    "one of a sheet (columns A to XFD, rows 1 "
				    "to %d)", s->file, s->ws->name, out->num, r,
				    SHEET_MAX_ROWS);
				return -1;
			}
			if (r[0] == '\0' || (long long)col < next_col)
				col = (unsigned)next_col;
			if (col >= SHEET_MAX_COLS) {
				err_set(e, MUNI_EXIT_DATA, "'%s': sheet '%s', "
				    "row %llu: a cell lies beyond column "
				    "XFD", s->file, s->ws->name, out->num);
				return -1;
			}
			next_col = (long long)col + 1;
			buf_reset(&s->val);
		} else if (strcmp(name, "v") == 0 && !xmlrd_empty(&s->x))
			in_v = 1;
		else if (strcmp(name, "is") == 0) {
			if (read_text(&s->x, &s->val, e) < 0)
				return -1;
		} else if (strcmp(name, "mergeCell") == 0 && !s->merges_done) {
			v = xmlrd_attr(&s->x, "ref");
			rc = v ? add_merge(s, v) : 0;
			xmlFree(v);
			if (rc < 0) {
				err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'",
				    s->file);
				return -1;
			}
		} else if (strcmp(name, "sheetData") == 0)
			s->in_data = 1;
	}
	if (rc < 0)
		return -1;
	s->done = 1;
	s->merges_done = 1;
	if (in_row)
		return 1;
	return 0;
too_long:
	err_set(e, MUNI_EXIT_DATA, "'%s': sheet '%s', row %llu: a value is "
	    "longer than %zu bytes", s->file, s->ws->name, out->num,
	    s->val.max);
	return -1;
}

static void
xlsx_free(void *ctx)
{
	struct xlsx *s = ctx;
	size_t i;

	if (s == NULL)
		return;
	if (s->open)
		part_close(&s->zs, &s->x);
	for (i = 0; i < s->nsheets; i++) {
		free(s->sheets[i].name);
		free(s->sheets[i].rid);
		free(s->sheets[i].path);
	}
	free(s->sheets);
	free(s->wb_path);
	free(s->sst_path);
	free(s->styles_path);
	free(s->value_kind);
	free(s->sst_off);
	sheet_merges_release(&s->merges);
	buf_release(&s->sst);
	buf_release(&s->val);
	buf_release(&s->tmp);
	zip_free(s->z);
	free(s);
}

int
xlsx_is(const struct zip *z)
{
	return zip_find(z, "xl/workbook.xml") >= 0 ||
	    (zip_find(z, "_rels/.rels") >= 0 &&
	    zip_find(z, "[Content_Types].xml") >= 0 &&
	    zip_find(z, "content.xml") < 0);
}

/* The package: workbook, sheets and their parts. */
static struct xlsx *
load(struct zip *z, const char *file, struct muni_err *e)
{
	struct xlsx *s = calloc(1, sizeof(*s));
	const char *slash;
	char rels[4096];
	size_t n;

	if (s == NULL) {
		zip_free(z);
		err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'", file);
		return NULL;
	}
	s->z = z;
	s->file = file;
	s->pick = &s->pickv;
	buf_init(&s->sst, (size_t)1 << 30);
	buf_init(&s->val, CSVIN_MAX_FIELD);
	buf_init(&s->tmp, CSVIN_MAX_FIELD);
	if (zip_find(z, "_rels/.rels") >= 0 &&
	    read_rels(s, "", "_rels/.rels", found_document, e) < 0)
		goto fail;
	if (s->wb_path == NULL && (s->wb_path = strdup("xl/workbook.xml")) ==
	    NULL)
		goto nomem;
	if (read_workbook(s, e) < 0)
		goto fail;
	slash = strrchr(s->wb_path, '/');
	n = slash ? (size_t)(slash - s->wb_path) + 1 : 0;
	snprintf(rels, sizeof(rels), "%.*s_rels/%s.rels", (int)n, s->wb_path,
	    s->wb_path + n);
	if (zip_find(z, rels) >= 0 &&
	    read_rels(s, s->wb_path, rels, found_part, e) < 0)
		goto fail;
	return s;
nomem:
	err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'", file);
fail:
	xlsx_free(s);
	return NULL;
}

int
xlsx_list(struct zip *z, const char *file, struct buf *out,
    struct muni_err *e)
{
	struct xlsx *s = load(z, file, e);
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < s->nsheets; i++)
		buf_addf(out, "%s%s\n", s->sheets[i].name,
		    s->sheets[i].hidden ? "\thidden" : "");
	xlsx_free(s);
	return 0;
}

/* The sheet --sheet names (see sheet_pick), or NULL with e set. */
static const struct wsheet *
choose(struct xlsx *s, const char *want, struct muni_err *e)
{
	const struct wsheet *best = NULL;
	unsigned long long size, most = 0;
	unsigned long k;
	size_t i;
	char *end;
	long at;

	for (i = 0; i < s->nsheets; i++) {
		if (s->sheets[i].path == NULL ||
		    (at = zip_find(s->z, s->sheets[i].path)) < 0)
			continue;
		if (want == NULL && !s->sheets[i].hidden)
			return &s->sheets[i];
		if (want != NULL && strcmp(want, s->sheets[i].name) == 0)
			return &s->sheets[i];
		size = zip_size(s->z, (size_t)at);
		if (want != NULL && strcmp(want, "largest") == 0 &&
		    (best == NULL || size > most))
			best = &s->sheets[i], most = size;
	}
	if (best != NULL)
		return best;
	if (want != NULL) {
		k = strtoul(want, &end, 10);
		if (*end == '\0' && k >= 1 && k <= s->nsheets &&
		    s->sheets[k - 1].path != NULL)
			return &s->sheets[k - 1];
		err_set(e, MUNI_EXIT_USAGE, "'%s' has no sheet '%s' (muni-fetch "
		    "--list shows its sheets)", s->file, want);
	} else
		err_set(e, MUNI_EXIT_DATA, "'%s' has no visible worksheet",
		    s->file);
	return NULL;
}

struct sheet *
xlsx_open(struct zip *z, const char *file, const struct sheet_pick *pick,
    const struct sheet_options *o, struct muni_err *e)
{
	struct sheet_source src;
	struct xlsx *s = load(z, file, e);
	long i;

	if (s == NULL)
		return NULL;
	s->pickv = *pick;
	s->val.max = o->max_record ? o->max_record : CSVIN_MAX_FIELD;
	s->ws = choose(s, pick->sheet, e);
	if (s->ws == NULL || read_styles(s, e) < 0 || read_shared(s, e) < 0) {
		xlsx_free(s);
		return NULL;
	}
	memset(&src, 0, sizeof(src));
	src.ctx = s;
	src.rewind = xlsx_rewind;
	src.row = xlsx_row;
	src.merges = &s->merges;
	src.free = xlsx_free;
	src.name = s->ws->name;
	i = zip_find(z, s->ws->path);
	src.bytes = i >= 0 ? zip_size(z, (size_t)i) : 0;
	return sheet_new(&src, o, file, e);
}
