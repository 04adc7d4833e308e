/*
 * cast: one casting function per Table Schema type and format, with
 * frictionless' rules, shared by every tool that reads typed values
 * (validate, transform, publish).
 *
 *   string    default, email, uri, binary (base64), uuid, wkt
 *   number    decimalChar, groupChar, bareNumber; NaN, INF, -INF
 *   integer   bareNumber
 *   boolean   trueValues / falseValues (a field's lists replace the defaults)
 *   date, time, datetime
 *             default (ISO 8601), "any", or a strptime pattern ("%d/%m/%Y",
 *             also written "fmt:%d/%m/%Y") matched as Python's strptime
 *             matches it
 *   year, yearmonth, duration (ISO 8601)
 *   geopoint  default "lon, lat", array [lon, lat], object {"lon", "lat"}
 *   geojson   default (GeoJSON structure), topojson
 *   object, array   JSON in the cell (yajl)
 *   any
 *
 * The empty string is never a valid value of any type: whether a cell is
 * missing is decided before casting (schema_is_missing).
 *
 * A cast value does not own memory: its text points into the cell.
 */
#ifndef MUNI_CAST_H
#define MUNI_CAST_H

#include <stddef.h>

#include "base/buf.h"

enum field_type {
	TYPE_STRING, TYPE_NUMBER, TYPE_INTEGER, TYPE_BOOLEAN, TYPE_DATE,
	TYPE_TIME, TYPE_DATETIME, TYPE_YEAR, TYPE_YEARMONTH, TYPE_DURATION,
	TYPE_GEOPOINT, TYPE_GEOJSON, TYPE_OBJECT, TYPE_ARRAY, TYPE_ANY
};

struct cast_spec {
	enum field_type type;
	char *format;		/* "default" when absent */
	int format_default;	/* set by cast_spec_set_format() */
	char decimal_char[8];	/* UTF-8, "." by default */
	char group_char[8];	/* UTF-8, "" when none */
	int bare_number;	/* 1 by default */
	char **true_values;
	size_t ntrue;
	char **false_values;
	size_t nfalse;
};

struct cast_value {
	enum field_type type;
	/*
	 * A number that orders values of the type: the number itself; days
	 * since 1970-01-01 for a date; seconds since midnight for a time,
	 * since 1970 (UTC when an offset is given) for a datetime, in a
	 * duration (a month as 30 days); year * 12 + month - 1 for a yearmonth.
	 */
	double num;
	long long integer;	/* integer and year, when it fits */
	int big;		/* an integer too large for long long */
	int boolean;
	double lon, lat;	/* geopoint */
	size_t length;		/* items of a JSON array or object */
	const char *text;	/* the cell as read */
	size_t len;
};

/* Fill spec for a type with the default options. */
void cast_spec_init(struct cast_spec *spec, enum field_type type);
void cast_spec_release(struct cast_spec *spec);
/* Set the format (a copy is kept); -1 when out of memory. */
int cast_spec_set_format(struct cast_spec *spec, const char *format);

/* The type named s ("string", "number", ...), or -1. */
int cast_type_from_name(const char *s);
const char *cast_type_name(enum field_type type);
/* Whether the format is one the type accepts (a pattern for dates). */
int cast_format_known(const struct cast_spec *spec);

/* Cast the cell p[0..n): 0 and *v filled if valid, -1 if not. */
int cast_cell(const struct cast_spec *spec, const char *p, size_t n,
    struct cast_value *v);

/*
 * Compare two values of the same type for minimum/maximum: <0, 0, >0.
 * Values of types without an order (string, boolean...) compare equal.
 */
int cast_compare(const struct cast_value *a, const struct cast_value *b);
/* Append a text that is equal for equal values (enum, unique keys). */
int cast_key(const struct cast_value *v, struct buf *out);
/* Whether the type has an order that minimum and maximum apply to. */
int cast_ordered(enum field_type type);
/*
 * The point of a WKT POINT (Z, M or ZM, their other numbers left), its
 * x and y; an EWKT "SRID=4326;" prefix is taken, another SRID is not:
 * 0, or -1 for any other text, geometry or an empty point.
 */
int cast_wkt_point(const char *p, size_t n, double *x, double *y);

/* Characters (code points) in UTF-8 text. */
size_t utf8_length(const char *p, size_t n);

#endif
