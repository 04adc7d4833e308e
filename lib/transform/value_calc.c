/* memmem */
#define _GNU_SOURCE
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "base/digest.h"
#include "transform/decimal.h"
#include "transform/reproject.h"
#include "transform/value_calc.h"
#include "base/banned.h"

/* ---- coalesce ---- */

int
value_coalesce(const struct value_op *op, const struct value_row *row,
    const char *p, size_t n, struct buf *out)
{
	const struct field *f;
	size_t i;

	if (n > 0)
		return buf_add(out, p, n);
	for (i = 0; i < op->ncolumns; i++) {
		if (op->cols[i] < 0 || row == NULL || row->rec == NULL ||
		    (size_t)op->cols[i] >= row->rec->nfields)
			continue;
		f = &row->rec->fields[op->cols[i]];
		if (f->len > 0)
			return buf_add(out, f->ptr, f->len);
	}
	return 0;
}

/* ---- arithmetic ---- */

/* The operand of op for this row: 0, or 1 with why set. */
static int
operand(const struct value_op *op, const struct value_row *row,
    struct decimal *b, char *why, size_t whylen)
{
	const struct field *f;

	if (op->operand) {
		*b = *op->operand;
		return 0;
	}
	if (op->ncolumns == 0 || op->cols[0] < 0 || row == NULL ||
	    row->rec == NULL || (size_t)op->cols[0] >= row->rec->nfields ||
	    row->rec->fields[op->cols[0]].len == 0)
		return value_cannot(why, whylen, "the column '%s' that holds "
		    "the other number is empty in this row",
		    op->ncolumns ? op->columns[0] : "?");
	f = &row->rec->fields[op->cols[0]];
	if (decimal_parse(f->ptr, f->len, b) < 0)
		return value_cannot(why, whylen, "the column '%s' holds "
		    "'%.*s', not a number", op->columns[0],
		    (int)(f->len > 60 ? 60 : f->len), f->ptr);
	return 0;
}

int
value_arith(const struct value_op *op, const struct value_row *row,
    const char *p, size_t n, struct buf *out, char *why, size_t whylen)
{
	struct decimal a, b, r;
	int rc = 0;

	if (n == 0)
		return 0;		/* nothing to compute: stays empty */
	if (decimal_parse(p, n, &a) < 0)
		return value_cannot(why, whylen, "it is not a number written "
		    "with a dot (convert it first with \"number\")");
	if (op->kind == VALUE_ROUND) {
		r = a;
		decimal_round(&r, (int)op->number);
		return decimal_format(&r, out);
	}
	if (operand(op, row, &b, why, whylen) != 0)
		return 1;
	switch (op->kind) {
	case VALUE_ADD:
		rc = decimal_add(&a, &b, &r);
		break;
	case VALUE_MULTIPLY:
		rc = decimal_mul(&a, &b, &r);
		break;
	default:
		if (b.n == 0)
			return value_cannot(why, whylen, "it cannot be divided "
			    "by zero");
		rc = decimal_div(&a, &b, op->number >= 0 ? (int)op->number :
		    10, &r);
		break;
	}
	if (rc < 0)
		return value_cannot(why, whylen, "the result has more than %d "
		    "digits", DECIMAL_DIGITS);
	if (op->number >= 0)
		decimal_round(&r, (int)op->number);
	return decimal_format(&r, out);
}

/* ---- uuid ---- */

static int
hex_digit(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int
value_uuid_namespace(const char *text, unsigned char ns[16])
{
	/* RFC 9562, section 6.6: 6ba7b810-..., 6ba7b811-... */
	static const struct { const char *name; unsigned char last; } known[] = {
		{ "dns", 0x10 }, { "url", 0x11 }, { "oid", 0x12 },
		{ "x500", 0x14 },
	};
	static const unsigned char base[16] = { 0x6b, 0xa7, 0xb8, 0x10, 0x9d,
	    0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8 };
	size_t i, k = 0;
	int hi, lo;

	for (i = 0; i < sizeof(known) / sizeof(*known); i++)
		if (strcmp(text, known[i].name) == 0) {
			memcpy(ns, base, 16);
			ns[3] = known[i].last;
			return 0;
		}
	if (strlen(text) != 36)
		return -1;
	for (i = 0; i < 36;) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (text[i++] != '-')
				return -1;
			continue;
		}
		hi = hex_digit((unsigned char)text[i]);
		lo = hex_digit((unsigned char)text[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		ns[k++] = (unsigned char)(hi << 4 | lo);
		i += 2;
	}
	return 0;
}

static int
write_uuid(unsigned char u[16], int version, struct buf *out)
{
	u[6] = (unsigned char)((u[6] & 0x0f) | version << 4);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);	/* RFC 9562 variant */
	return buf_addf(out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
	    u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

int
value_uuid(const struct value_op *op, const char *p, size_t n,
    struct buf *out, char *why, size_t whylen)
{
	struct digest d;
	unsigned char u[16];
	char hex[65];
	size_t i;

	if (op->version == 4) {
		if (getrandom(u, sizeof(u), 0) != (ssize_t)sizeof(u))
			return value_cannot(why, whylen, "no random bytes "
			    "(getrandom failed)");
		return write_uuid(u, 4, out);
	}
	if (n == 0)
		return 0;		/* no name, no identifier */
	if (digest_init_named(&d, "SHA1") < 0)
		return value_cannot(why, whylen, "SHA-1 is not available");
	digest_update(&d, op->ns, sizeof(op->ns));
	digest_update(&d, p, n);
	if (digest_hex(&d, hex) < 0) {
		digest_release(&d);
		return value_cannot(why, whylen, "SHA-1 failed");
	}
	digest_release(&d);
	for (i = 0; i < 16; i++)
		u[i] = (unsigned char)(hex_digit(hex[2 * i]) << 4 |
		    hex_digit(hex[2 * i + 1]));
	return write_uuid(u, 5, out);
}

/* ---- reproject ---- */

/* A coordinate: a plain decimal number, with a comma for the point when
 * comma is set. */
static int
coordinate(const char *p, size_t n, int comma, double *v)
{
	char s[64], *end;
	size_t i;

	while (n > 0 && isspace((unsigned char)*p))
		p++, n--;
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	if (n == 0 || n >= sizeof(s))
		return -1;
	for (i = 0; i < n; i++) {
		s[i] = comma && p[i] == ',' ? '.' : p[i];
		if (!strchr("0123456789.-+eE", s[i]))
			return -1;
	}
	s[n] = '\0';
	*v = strtod(s, &end);
	return *end == '\0' && isfinite(*v) ? 0 : -1;
}

/* Two coordinates separated by sep (first occurrence): 0, or -1. */
static int
pair(const char *p, size_t n, char sep, int comma, double *x, double *y)
{
	const char *s = memchr(p, sep, n);

	if (s == NULL)
		return -1;
	return coordinate(p, (size_t)(s - p), comma, x) == 0 &&
	    coordinate(s + 1, n - (size_t)(s - p) - 1, comma, y) == 0 ? 0 : -1;
}

/* The first two of the spaced numbers of p[0..n) (a third, z, ignored). */
static int
spaced(const char *p, size_t n, int comma, double *x, double *y)
{
	const char *e = p + n, *t[3];
	size_t len[3], k = 0;

	while (p < e && k < 3) {
		while (p < e && isspace((unsigned char)*p))
			p++;
		if (p == e)
			break;
		t[k] = p;
		while (p < e && !isspace((unsigned char)*p))
			p++;
		len[k] = (size_t)(p - t[k]);
		k++;
	}
	while (p < e && isspace((unsigned char)*p))
		p++;
	if (k < 2 || p != e)
		return -1;
	/* "x, y": the comma is the separator */
	if (len[0] > 1 && t[0][len[0] - 1] == ',')
		len[0]--;
	return coordinate(t[0], len[0], comma, x) == 0 &&
	    coordinate(t[1], len[1], comma, y) == 0 ? 0 : -1;
}

/*
 * A point: "x y", "x,y", "x;y" (spaced or semicolon-separated numbers may
 * use a decimal comma), POINT (x y) or a GeoJSON Point.
 */
static int
parse_point(const char *p, size_t n, double *x, double *y)
{
	const char *o, *c;
	size_t commas = 0, i;

	while (n > 0 && isspace((unsigned char)*p))
		p++, n--;
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	if (n > 5 && strncasecmp(p, "POINT", 5) == 0) {
		o = memchr(p, '(', n);
		c = o ? memchr(o, ')', n - (size_t)(o - p)) : NULL;
		if (c == NULL || c != p + n - 1)
			return -1;
		for (i = 5; p + i < o; i++)	/* POINT Z ( */
			if (!isspace((unsigned char)p[i]) && !strchr("ZMzm",
			    p[i]))
				return -1;
		return spaced(o + 1, (size_t)(c - o - 1), 0, x, y);
	}
	if (n > 0 && p[0] == '{') {
		o = memmem(p, n, "\"coordinates\"", 13);
		if (o == NULL || memmem(p, n, "\"Point\"", 7) == NULL)
			return -1;
		o = memchr(o, '[', n - (size_t)(o - p));
		c = o ? memchr(o, ']', n - (size_t)(o - p)) : NULL;
		if (c == NULL)
			return -1;
		/* [x, y] or [x, y, z] */
		o++;
		i = (size_t)(c - o);
		c = memchr(o, ',', i);
		if (c == NULL)
			return -1;
		c = memchr(c + 1, ',', i - (size_t)(c + 1 - o));
		return pair(o, c ? (size_t)(c - o) : i, ',', 0, x, y);
	}
	if (memchr(p, ';', n))
		return pair(p, n, ';', 1, x, y);
	for (i = 0; i < n; i++)
		if (isspace((unsigned char)p[i]))
			return spaced(p, n, 1, x, y);
	for (i = 0; i < n; i++)
		commas += p[i] == ',';
	return commas == 1 ? pair(p, n, ',', 0, x, y) : -1;
}

/* v as reproject_degrees() writes it, appended to out. */
static int
degrees(double v, long places, struct buf *out)
{
	char s[64];

	reproject_degrees(v, (int)places, s);
	return buf_addstr(out, s);
}

int
value_reproject(const struct value_op *op, const char *p, size_t n,
    struct buf *out, char *why, size_t whylen)
{
	double x, y, lon, lat;
	long places = op->number >= 0 ? op->number : 7;
	int rc = 0;

	if (n == 0)
		return 0;
	if (parse_point(p, n, &x, &y) < 0)
		return value_cannot(why, whylen, "it is not a point: write "
		    "\"x y\", \"x,y\", POINT (x y) or a GeoJSON Point");
	if (reproject_point(op->proj, x, y, &lon, &lat, why, whylen) < 0)
		return 1;
	switch (op->point) {
	case POINT_LON:
		return degrees(lon, places, out);
	case POINT_LAT:
		return degrees(lat, places, out);
	case POINT_LATLON:
		return degrees(lat, places, out) || buf_addch(out, ',') ||
		    degrees(lon, places, out) ? -1 : 0;
	case POINT_WKT:
		rc = buf_addstr(out, "POINT (") || degrees(lon, places, out) ||
		    buf_addch(out, ' ') || degrees(lat, places, out) ||
		    buf_addch(out, ')');
		break;
	case POINT_GEOJSON:
		rc = buf_addstr(out, "{\"type\": \"Point\", \"coordinates\": "
		    "[") || degrees(lon, places, out) || buf_addstr(out, ", ") ||
		    degrees(lat, places, out) || buf_addstr(out, "]}");
		break;
	default:
		rc = degrees(lon, places, out) || buf_addstr(out, ", ") ||
		    degrees(lat, places, out);
	}
	return rc ? -1 : 0;
}
