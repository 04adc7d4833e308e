/*
 * cast_geo: the JSON-valued types of Table Schema (object, array,
 * geojson, topojson), geopoint, and the WKT of string format "wkt".
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yajl/yajl_tree.h>

#include "json/json.h"
#include "schema/cast.h"
#include "schema/cast_parts.h"
#include "base/banned.h"

/* ---- JSON-valued types ------------------------------------------------- */

static yajl_val
parse_json(const char *p, size_t n)
{
	char local[4096], *copy = local;
	yajl_val root;

	if (n >= sizeof(local)) {
		copy = malloc(n + 1);
		if (copy == NULL)
			return NULL;
	}
	memcpy(copy, p, n);
	copy[n] = '\0';
	root = json_parse(copy, NULL, 0);
	if (copy != local)
		free(copy);
	return root;
}

static int
json_number(yajl_val x, double *out)
{
	if (x == NULL || !YAJL_IS_NUMBER(x))
		return -1;
	*out = YAJL_GET_DOUBLE(x);
	if (x->u.number.flags & YAJL_NUMBER_INT_VALID)
		*out = (double)YAJL_GET_INTEGER(x);
	return 0;
}

static int
position_ok(yajl_val pos)
{
	size_t i;

	if (!YAJL_IS_ARRAY(pos) || pos->u.array.len < 2)
		return 0;
	for (i = 0; i < pos->u.array.len; i++)
		if (!YAJL_IS_NUMBER(pos->u.array.values[i]))
			return 0;
	return 1;
}

/* Coordinates nested depth arrays deep around positions. */
static int
coordinates_ok(yajl_val c, int depth)
{
	size_t i;

	if (depth == 0)
		return position_ok(c);
	if (!YAJL_IS_ARRAY(c))
		return 0;
	for (i = 0; i < c->u.array.len; i++)
		if (!coordinates_ok(c->u.array.values[i], depth - 1))
			return 0;
	return 1;
}

static int geojson_ok(yajl_val g, int depth);

static int
geometry_ok(yajl_val g, int depth)
{
	static const struct {
		const char *type;
		int depth;
	} geometries[] = {
		{ "Point", 0 }, { "MultiPoint", 1 }, { "LineString", 1 },
		{ "MultiLineString", 2 }, { "Polygon", 2 },
		{ "MultiPolygon", 3 },
	};
	yajl_val type, sub;
	size_t i;

	if (depth > 32 || !YAJL_IS_OBJECT(g))
		return 0;
	type = json_member(g, "type");
	if (type == NULL || !YAJL_IS_STRING(type))
		return 0;
	if (strcmp(type->u.string, "GeometryCollection") == 0) {
		sub = json_member(g, "geometries");
		if (sub == NULL || !YAJL_IS_ARRAY(sub))
			return 0;
		for (i = 0; i < sub->u.array.len; i++)
			if (!geometry_ok(sub->u.array.values[i], depth + 1))
				return 0;
		return 1;
	}
	for (i = 0; i < sizeof(geometries) / sizeof(geometries[0]); i++)
		if (strcmp(type->u.string, geometries[i].type) == 0) {
			sub = json_member(g, "coordinates");
			return sub && coordinates_ok(sub, geometries[i].depth);
		}
	return 0;
}

static int
geojson_ok(yajl_val g, int depth)
{
	yajl_val type, sub;
	size_t i;

	if (depth > 32 || !YAJL_IS_OBJECT(g))
		return 0;
	type = json_member(g, "type");
	if (type == NULL || !YAJL_IS_STRING(type))
		return 0;
	if (strcmp(type->u.string, "Feature") == 0) {
		sub = json_member(g, "geometry");
		if (sub == NULL || !(YAJL_IS_NULL(sub) || geometry_ok(sub, depth + 1)))
			return 0;
		sub = json_member(g, "properties");
		return sub && (YAJL_IS_NULL(sub) || YAJL_IS_OBJECT(sub));
	}
	if (strcmp(type->u.string, "FeatureCollection") == 0) {
		sub = json_member(g, "features");
		if (sub == NULL || !YAJL_IS_ARRAY(sub))
			return 0;
		for (i = 0; i < sub->u.array.len; i++)
			if (!geojson_ok(sub->u.array.values[i], depth + 1))
				return 0;
		return 1;
	}
	return geometry_ok(g, depth);
}

static int
topojson_ok(yajl_val g)
{
	static const char *types[] = { "Topology", "GeometryCollection",
	    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
	    "MultiPolygon" };
	yajl_val type;
	size_t i;

	if (!YAJL_IS_OBJECT(g))
		return 0;
	type = json_member(g, "type");
	if (type == NULL || !YAJL_IS_STRING(type))
		return 0;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(type->u.string, types[i]) == 0)
			return 1;
	return 0;
}

int
cast_json(const struct cast_spec *spec, const char *p, size_t n,
    struct cast_value *v)
{
	yajl_val root = parse_json(p, n);
	int ok = 0;

	if (root == NULL)
		return -1;
	switch (spec->type) {
	case TYPE_OBJECT:
		ok = YAJL_IS_OBJECT(root);
		if (ok)
			v->length = root->u.object.len;
		break;
	case TYPE_ARRAY:
		ok = YAJL_IS_ARRAY(root);
		if (ok)
			v->length = root->u.array.len;
		break;
	case TYPE_GEOJSON:
		ok = cast_is_default(spec) ? geojson_ok(root, 0) : topojson_ok(root);
		break;
	case TYPE_GEOPOINT:
		if (strcmp(spec->format, "array") == 0 && YAJL_IS_ARRAY(root) &&
		    root->u.array.len == 2)
			ok = json_number(root->u.array.values[0], &v->lon) == 0 &&
			    json_number(root->u.array.values[1], &v->lat) == 0;
		else if (strcmp(spec->format, "object") == 0 &&
		    YAJL_IS_OBJECT(root))
			ok = json_number(json_member(root, "lon"), &v->lon) ==
				0 &&
			    json_number(json_member(root, "lat"), &v->lat) == 0;
		break;
	default:
		break;
	}
	yajl_tree_free(root);
	return ok ? 0 : -1;
}

int
cast_geopoint(const struct cast_spec *spec, const char *p, size_t n,
    struct cast_value *v)
{
	if (!cast_is_default(spec)) {
		if (cast_json(spec, p, n, v) < 0)
			return -1;
	} else {
		const char *comma = memchr(p, ',', n);

		if (comma == NULL ||
		    cast_parse_decimal(p, (size_t)(comma - p), &v->lon) < 0 ||
		    cast_parse_decimal(comma + 1, n - (size_t)(comma - p) - 1,
		    &v->lat) < 0)
			return -1;
	}
	if (!(v->lon >= -180 && v->lon <= 180 && v->lat >= -90 &&
	    v->lat <= 90))
		return -1;
	return 0;
}

/* ---- WKT ---------------------------------------------------------------- */

static int wkt_list(const char **s, const char *end, int depth);

static void
wkt_ws(const char **s, const char *end)
{
	while (*s < end && cast_is_ws((unsigned char)**s))
		(*s)++;
}

static int
wkt_tag(const char **s, const char *end)
{
	const char *start = *s;

	while (*s < end && isalpha((unsigned char)**s))
		(*s)++;
	return *s > start;
}

static int
wkt_geometry(const char **s, const char *end, int depth)
{
	if (depth > 32 || !wkt_tag(s, end))
		return 0;
	wkt_ws(s, end);
	if (end - *s >= 2 && (strncasecmp(*s, "ZM", 2) == 0)) {
		*s += 2;
	} else if (*s < end && (**s == 'Z' || **s == 'M' || **s == 'z' ||
	    **s == 'm') && (*s + 1 == end || !isalpha((unsigned char)(*s)[1])))
		(*s)++;
	wkt_ws(s, end);
	if (end - *s >= 5 && strncasecmp(*s, "EMPTY", 5) == 0) {
		*s += 5;
		return 1;
	}
	return wkt_list(s, end, depth + 1);
}

static int
wkt_tuple(const char **s, const char *end)
{
	int count = 0;

	for (;;) {
		double d;
		const char *start = *s;

		while (*s < end && (isdigit((unsigned char)**s) || **s == '.' ||
		    **s == '-' || **s == '+' || **s == 'e' || **s == 'E'))
			(*s)++;
		if (*s == start || cast_parse_decimal(start, (size_t)(*s - start),
		    &d) < 0)
			return 0;
		count++;
		if (*s < end && cast_is_ws((unsigned char)**s)) {
			wkt_ws(s, end);
			if (*s < end && **s != ',' && **s != ')')
				continue;
		}
		return count >= 2;
	}
}

static int
wkt_list(const char **s, const char *end, int depth)
{
	if (depth > 32 || *s >= end || **s != '(')
		return 0;
	(*s)++;
	for (;;) {
		wkt_ws(s, end);
		if (*s >= end)
			return 0;
		if (**s == '(') {
			if (!wkt_list(s, end, depth + 1))
				return 0;
		} else if (isalpha((unsigned char)**s)) {
			if (!wkt_geometry(s, end, depth + 1))
				return 0;
		} else if (!wkt_tuple(s, end))
			return 0;
		wkt_ws(s, end);
		if (*s < end && **s == ',') {
			(*s)++;
			continue;
		}
		if (*s < end && **s == ')') {
			(*s)++;
			return 1;
		}
		return 0;
	}
}

int
cast_wkt_point(const char *p, size_t n, double *x, double *y)
{
	const char *s = p, *end = p + n, *tag, *start;
	double v[2];
	size_t len;
	int k;

	wkt_ws(&s, end);
	if (end - s >= 5 && strncasecmp(s, "SRID=", 5) == 0) {
		if (end - s < 10 || memcmp(s + 5, "4326;", 5) != 0)
			return -1;
		s += 10;
	}
	if (!cast_wkt_ok(s, (size_t)(end - s)))
		return -1;
	tag = s;
	wkt_tag(&s, end);
	len = (size_t)(s - tag);
	if (len < 5 || strncasecmp(tag, "POINT", 5) != 0 || (len > 5 &&
	    strncasecmp(tag + 5, "Z", len - 5) != 0 &&
	    strncasecmp(tag + 5, "M", len - 5) != 0 &&
	    strncasecmp(tag + 5, "ZM", len - 5) != 0))
		return -1;
	/* Valid WKT: its first "(" opens the point's numbers, if any. */
	while (s < end && *s != '(')
		s++;
	if (s == end)
		return -1;
	s++;
	for (k = 0; k < 2; k++) {
		wkt_ws(&s, end);
		start = s;
		while (s < end && (isdigit((unsigned char)*s) || *s == '.' ||
		    *s == '-' || *s == '+' || *s == 'e' || *s == 'E'))
			s++;
		if (cast_parse_decimal(start, (size_t)(s - start), &v[k]) < 0)
			return -1;
	}
	*x = v[0];
	*y = v[1];
	return 0;
}

int
cast_wkt_ok(const char *p, size_t n)
{
	const char *s = p, *end = p + n;

	wkt_ws(&s, end);
	if (!wkt_geometry(&s, end, 0))
		return 0;
	wkt_ws(&s, end);
	return s == end;
}

