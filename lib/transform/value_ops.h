/*
 * value_ops: the operations of a muni-transform mapping, each turning one
 * value into another (documented with examples in muni-map(5)):
 *
 *   trim, collapse, upper, lower, title       spaces and case (UTF-8 aware
 *                                             for French letters)
 *   replace (literal or PCRE2 regex, $1...), extract, split, pad
 *   number     decimal comma, thousands separators (spaces, no-break
 *              spaces, dots, apostrophes), currency signs, percent to ratio
 *   date, datetime   explicit strptime-like patterns, French and English
 *              month names, %y with a pivot year; to ISO 8601
 *   boolean    oui/non, o/n, yes/no, vrai/faux, 1/0... to the target's words
 *   map        a table, inline or from a CSV lookup file
 *   siret, siren     separators removed, float text repaired, a lost
 *              leading zero restored when the check digit says so;
 *              scientific notation refused (its digits are lost)
 *   phone      French numbers to "0X XX XX XX XX" or E.164
 *   default, concat, coalesce
 *   add, multiply, divide, round   exact decimal arithmetic (decimal.h)
 *   uuid       a UUID v5 named by the value (the same on every run), or v4
 *   reproject  a point from EPSG:NNNN to WGS 84 (reproject.h, PROJ)
 *
 * An operation that cannot convert a value says why; it never empties it.
 */
#ifndef MUNI_VALUE_OPS_H
#define MUNI_VALUE_OPS_H

#include <stddef.h>

#include "base/buf.h"
#include "csv/csvin.h"
#include "schema/keyset.h"

enum value_kind {
	VALUE_TRIM,
	VALUE_COLLAPSE,
	VALUE_UPPER,
	VALUE_LOWER,
	VALUE_TITLE,
	VALUE_REPLACE,
	VALUE_EXTRACT,
	VALUE_SPLIT,
	VALUE_PAD,
	VALUE_NUMBER,
	VALUE_DATE,
	VALUE_DATETIME,
	VALUE_BOOLEAN,
	VALUE_MAP,
	VALUE_SIRET,
	VALUE_SIREN,
	VALUE_PHONE,
	VALUE_DEFAULT,
	VALUE_CONCAT,
	VALUE_COALESCE,
	VALUE_ADD,
	VALUE_MULTIPLY,
	VALUE_DIVIDE,
	VALUE_ROUND,
	VALUE_UUID,
	VALUE_REPROJECT
};

/* What reproject writes. */
enum value_point {
	POINT_GEOPOINT,		/* "lon, lat" (Table Schema's default) */
	POINT_LON,
	POINT_LAT,
	POINT_LATLON,		/* "lat,lon" (Opendatasoft's geo_point_2d) */
	POINT_WKT,		/* POINT (lon lat) */
	POINT_GEOJSON
};

/* A lookup table: keys to values. */
struct value_table {
	struct keyset keys;		/* key -> index + 1 */
	struct buf values;
	size_t *off, n, cap;
};

struct decimal;
struct reproject;

struct value_op {
	enum value_kind kind;
	char *text;		/* find, value (default), true word, separator */
	char *with;		/* replacement, false word */
	void *re, *md;		/* PCRE2 code and match data */
	char *regex;		/* the pattern as written */
	long number;		/* group, index, width, pivot; places (arithmetic,
				 * reproject; -1: as computed) */
	char pad[8];		/* pad character (UTF-8) */
	char decimal;		/* number: ',' or '.', 0: guess */
	int ratio;		/* number: percent to ratio */
	int e164;		/* phone */
	char **formats;		/* date, datetime */
	size_t nformats;
	struct value_table *table;	/* map */
	int has_default;	/* map: text is the default */
	char **columns;		/* concat, coalesce: their names; arithmetic:
				 * the column holding the operand */
	long *cols;		/* their indices in the input */
	size_t ncolumns;
	struct decimal *operand;	/* arithmetic: the number given */
	unsigned char ns[16];	/* uuid: the namespace */
	int version;		/* uuid: 5 or 4 */
	struct reproject *proj;	/* reproject */
	enum value_point point;	/* reproject: what to write */
};

/* The row an operation may read other columns of (concat). */
struct value_row {
	const struct record *rec;
};

/*
 * Apply op to p[0..n), the result replacing out's content. 0: done;
 * 1: the value cannot be converted, why says so (out undefined); -1: the
 * result is larger than out allows.
 */
int value_apply(const struct value_op *op, const struct value_row *row,
    const char *p, size_t n, struct buf *out, char *why, size_t whylen);

void value_op_release(struct value_op *op);
/*
 * A uuid namespace: "url", "dns", "oid", "x500" (RFC 9562's) or a UUID
 * written 8-4-4-4-12, into ns: 0, or -1.
 */
int value_uuid_namespace(const char *text, unsigned char ns[16]);
void value_table_init(struct value_table *t);
int value_table_add(struct value_table *t, const char *k, size_t kn,
    const char *v, size_t vn);
void value_table_free(struct value_table *t);

/*
 * Parse p as fmt (%d %e %m %Y %y %B %b %H %M %S %%; a space matches any
 * run of spaces; month names in French or English, accents optional):
 * 0 and the fields set, or -1.
 */
struct value_when {
	int year, month, day, hour, minute, second;
};
int value_strptime(const char *fmt, const char *p, size_t n, long pivot,
    struct value_when *w);

#endif
