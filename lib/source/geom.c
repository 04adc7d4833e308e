#include <errno.h>
#include <geos_c.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "source/geom.h"
#include "transform/reproject.h"
#include "base/banned.h"

struct geom {
	GEOSContextHandle_t ctx;
	GEOSWKBReader *reader;
	GEOSWKTWriter *writer;
	GEOSWKTReader *wkt_reader;	/* made when first needed */
	struct reproject *proj;
	char error[256];		/* GEOS's last message */
	char why[300];			/* reproject's, in a callback */
};

static void
on_error(const char *fmt, void *userdata)
{
	struct geom *g = userdata;

	snprintf(g->error, sizeof(g->error), "%s", fmt);
}

static void
on_notice(const char *fmt, void *userdata)
{
	(void)fmt;
	(void)userdata;
}

struct geom *
geom_new(struct reproject *proj)
{
	struct geom *g = calloc(1, sizeof(*g));

	if (g == NULL || (g->ctx = GEOS_init_r()) == NULL) {
		free(g);
		return NULL;
	}
	GEOSContext_setErrorMessageHandler_r(g->ctx, on_error, g);
	GEOSContext_setNoticeMessageHandler_r(g->ctx, on_notice, g);
	g->reader = GEOSWKBReader_create_r(g->ctx);
	g->writer = GEOSWKTWriter_create_r(g->ctx);
	if (g->reader == NULL || g->writer == NULL) {
		geom_free(g);
		return NULL;
	}
	/*
	 * GEOS 3.11 writes a trimmed number into 28 bytes: with at most 9
	 * decimals (7 for degrees) and the coordinates bounded (coordinate()),
	 * every number fits.
	 */
	GEOSWKTWriter_setTrim_r(g->ctx, g->writer, 1);
	GEOSWKTWriter_setOutputDimension_r(g->ctx, g->writer, 2);
	GEOSWKTWriter_setRoundingPrecision_r(g->ctx, g->writer, proj ? 7 : 9);
	g->proj = proj;
	return g;
}

/*
 * GEOSGeom_transformXY_r's callback, for every coordinate: finite and of
 * a plausible size (a thousand times the Earth's circumference in
 * metres), since GEOS 3.11's WKT writer overflows a buffer on a number of
 * more than 28 characters, which a hostile blob holds easily; then to
 * WGS 84 when asked. 1, or 0 with g->why set.
 */
static int
coordinate(double *x, double *y, void *userdata)
{
	struct geom *g = userdata;

	if (!(fabs(*x) < 4e10 && fabs(*y) < 4e10)) {
		snprintf(g->why, sizeof(g->why), "its coordinates are not "
		    "finite numbers of a plausible size");
		return 0;
	}
	return g->proj == NULL || reproject_point(g->proj, *x, *y, x, y,
	    g->why, sizeof(g->why)) == 0;
}

/* The size of the header's envelope for its flags, or -1 (invalid). */
static int
envelope_size(unsigned flags)
{
	static const int sizes[] = { 0, 32, 48, 48, 64 };
	unsigned k = (flags >> 1) & 7;

	return k < sizeof(sizes) / sizeof(*sizes) ? sizes[k] : -1;
}

/*
 * wkt into out, each point of a MULTIPOINT in parentheses as the
 * standard (Simple Features 1.2.1) and GDAL write it: GEOS 3.11 writes
 * MULTIPOINT (1 2, 3 4). -1 when out is full.
 */
static int
standard_wkt(const char *wkt, struct buf *out)
{
	const char *p = wkt, *m;
	int rc = 0;

	while (rc == 0 && (m = strstr(p, "MULTIPOINT (")) != NULL) {
		m += 12;
		rc = buf_add(out, p, (size_t)(m - p));
		if (*m == '(') {	/* already standard */
			p = m;
			continue;
		}
		rc = rc ? rc : buf_addch(out, '(');
		for (; rc == 0 && *m && *m != ')'; m++) {
			if (*m != ',') {
				rc = buf_addch(out, *m);
				continue;
			}
			rc = buf_addstr(out, "), (");
			while (m[1] == ' ')
				m++;
		}
		rc = rc ? rc : buf_addch(out, ')');
		p = m;
	}
	return rc ? rc : buf_addstr(out, p);
}

/*
 * geo (freed here) as WKT into out: every coordinate checked and
 * reprojected when asked. 0, 1 with why, -1 when out is full.
 */
static int
write_wkt(struct geom *g, GEOSGeometry *geo, struct buf *out, char *why,
    size_t whylen)
{
	GEOSGeometry *moved;
	char *wkt;
	int rc;

	if (!GEOSisEmpty_r(g->ctx, geo)) {
		g->why[0] = '\0';
		moved = GEOSGeom_transformXY_r(g->ctx, geo, coordinate, g);
		GEOSGeom_destroy_r(g->ctx, geo);
		if (moved == NULL) {
			snprintf(why, whylen, "%s", g->why[0] ? g->why :
			    "its coordinates cannot be read");
			return 1;
		}
		geo = moved;
	}
	wkt = GEOSWKTWriter_write_r(g->ctx, g->writer, geo);
	GEOSGeom_destroy_r(g->ctx, geo);
	if (wkt == NULL) {
		snprintf(why, whylen, "it cannot be written as WKT: %s",
		    g->error[0] ? g->error : "GEOS failed");
		return 1;
	}
	rc = standard_wkt(wkt, out);
	GEOSFree_r(g->ctx, wkt);
	return rc < 0 ? -1 : 0;
}

int
geom_gpkg_wkt(struct geom *g, const void *blob, size_t n, struct buf *out,
    char *why, size_t whylen)
{
	const unsigned char *p = blob;
	GEOSGeometry *geo;
	int env;

	env = n >= 8 ? envelope_size(p[3]) : -1;
	if (n < 8 || p[0] != 'G' || p[1] != 'P' || p[2] != 0 || env < 0 ||
	    n < (size_t)(8 + env) + 5) {
		snprintf(why, whylen, "it is not a GeoPackage geometry (its "
		    "header is not 'GP', version 0, a valid envelope)");
		return 1;
	}
	g->error[0] = '\0';
	geo = GEOSWKBReader_read_r(g->ctx, g->reader, p + 8 + env,
	    n - 8 - (size_t)env);
	if (geo == NULL) {
		snprintf(why, whylen, "its WKB cannot be read: %s",
		    g->error[0] ? g->error : "GEOS refused it");
		return 1;
	}
	return write_wkt(g, geo, out, why, whylen);
}

/* ---- GeoJSON, by its text ---- */

/* A position [x, y(, z)]: "x y", the numbers as written; -1 if not one. */
static int
gj_position(yajl_val v, struct buf *out)
{
	double x, y;

	if (!YAJL_IS_ARRAY(v) || v->u.array.len < 2 ||
	    !YAJL_IS_NUMBER(v->u.array.values[0]) ||
	    !YAJL_IS_NUMBER(v->u.array.values[1]))
		return -1;
	x = strtod(v->u.array.values[0]->u.number.r, NULL);
	y = strtod(v->u.array.values[1]->u.number.r, NULL);
	if (!isfinite(x) || !isfinite(y))
		return -1;
	buf_addstr(out, v->u.array.values[0]->u.number.r);
	buf_addch(out, ' ');
	buf_addstr(out, v->u.array.values[1]->u.number.r);
	return 0;
}

/* "(p, p, ...)" of an array of at least min positions (each in
 * parentheses too when wrap is set: a MULTIPOINT's). */
static int
gj_positions(yajl_val v, size_t min, int wrap, struct buf *out)
{
	size_t i;

	if (!YAJL_IS_ARRAY(v) || v->u.array.len < min)
		return -1;
	buf_addch(out, '(');
	for (i = 0; i < v->u.array.len; i++) {
		buf_addstr(out, i ? (wrap ? ", (" : ", ") : wrap ? "(" : "");
		if (gj_position(v->u.array.values[i], out) < 0)
			return -1;
		if (wrap)
			buf_addch(out, ')');
	}
	buf_addch(out, ')');
	return 0;
}

/* "(part, part, ...)" of an array of parts written by each(). */
static int
gj_parts(yajl_val v, size_t min, int (*each)(yajl_val, size_t, struct buf *),
    size_t each_min, struct buf *out)
{
	size_t i;

	if (!YAJL_IS_ARRAY(v) || v->u.array.len < min)
		return -1;
	buf_addch(out, '(');
	for (i = 0; i < v->u.array.len; i++) {
		if (i)
			buf_addstr(out, ", ");
		if (each(v->u.array.values[i], each_min, out) < 0)
			return -1;
	}
	buf_addch(out, ')');
	return 0;
}

static int
gj_line(yajl_val v, size_t min, struct buf *out)
{
	return gj_positions(v, min, 0, out);
}

static int
gj_polygon(yajl_val v, size_t min, struct buf *out)
{
	return gj_parts(v, min, gj_line, 4, out);
}

/* A geometry object as WKT: 0, or -1 when it is not a GeoJSON geometry. */
static int
gj_geometry(yajl_val g, struct buf *out)
{
	static const char *const types[] = { "Point", "MultiPoint",
	    "LineString", "MultiLineString", "Polygon", "MultiPolygon",
	    "GeometryCollection" };
	static const char *const wkt[] = { "POINT", "MULTIPOINT", "LINESTRING",
	    "MULTILINESTRING", "POLYGON", "MULTIPOLYGON",
	    "GEOMETRYCOLLECTION" };
	yajl_val t = json_member(g, "type"), c;
	size_t k, i;

	for (k = 0; YAJL_IS_STRING(t) && k < sizeof(types) / sizeof(*types);
	    k++)
		if (strcmp(t->u.string, types[k]) == 0)
			break;
	if (!YAJL_IS_STRING(t) || k == sizeof(types) / sizeof(*types))
		return -1;
	c = json_member(g, k == 6 ? "geometries" : "coordinates");
	if (!YAJL_IS_ARRAY(c))
		return -1;
	buf_addstr(out, wkt[k]);
	if (c->u.array.len == 0) {
		buf_addstr(out, " EMPTY");
		return 0;
	}
	buf_addch(out, ' ');
	switch (k) {
	case 0:
		buf_addch(out, '(');
		if (gj_position(c, out) < 0)
			return -1;
		buf_addch(out, ')');
		return 0;
	case 1:
		return gj_positions(c, 1, 1, out);
	case 2:
		return gj_positions(c, 2, 0, out);
	case 3:
		return gj_parts(c, 1, gj_line, 2, out);
	case 4:
		return gj_polygon(c, 1, out);
	case 5:
		return gj_parts(c, 1, gj_polygon, 1, out);
	default:
		buf_addch(out, '(');
		for (i = 0; i < c->u.array.len; i++) {
			if (i)
				buf_addstr(out, ", ");
			if (gj_geometry(c->u.array.values[i], out) < 0)
				return -1;
		}
		buf_addch(out, ')');
		return 0;
	}
}

int
geom_geojson_wkt(struct geom *g, const char *json, size_t n,
    struct buf *out, char *why, size_t whylen)
{
	char err[200], *text = malloc(n + 1);
	yajl_val v;
	size_t start = out->len;
	int rc;

	(void)g;
	if (text == NULL)
		return -1;
	memcpy(text, json, n);
	text[n] = '\0';
	v = json_parse(text, err, sizeof(err));
	free(text);
	if (v == NULL) {
		snprintf(why, whylen, "it is not JSON: %s", err);
		return 1;
	}
	errno = 0;
	rc = gj_geometry(v, out);
	yajl_tree_free(v);
	if (rc < 0) {
		buf_setlen(out, start);
		snprintf(why, whylen, "it is not a GeoJSON geometry (a type "
		    "and its coordinates, as RFC 7946 says)");
		return 1;
	}
	return errno == EFBIG ? -1 : 0;
}

int
geom_geojson_centroid(struct geom *g, const char *json, size_t n, double *x,
    double *y, char *why, size_t whylen)
{
	GEOSGeometry *geo, *c;
	struct buf wkt;
	int rc;

	buf_init(&wkt, n * 2 + 64);	/* WKT is shorter than its GeoJSON */
	if ((rc = geom_geojson_wkt(g, json, n, &wkt, why, whylen)) != 0) {
		buf_release(&wkt);
		return rc < 0 ? -1 : 1;
	}
	if (g->wkt_reader == NULL &&
	    (g->wkt_reader = GEOSWKTReader_create_r(g->ctx)) == NULL) {
		buf_release(&wkt);
		return -1;
	}
	g->error[0] = '\0';
	geo = GEOSWKTReader_read_r(g->ctx, g->wkt_reader, wkt.ptr);
	buf_release(&wkt);
	if (geo == NULL) {
		snprintf(why, whylen, "GEOS refuses it: %s", g->error);
		return 1;
	}
	c = GEOSGetCentroid_r(g->ctx, geo);
	GEOSGeom_destroy_r(g->ctx, geo);
	if (c == NULL) {
		snprintf(why, whylen, "GEOS cannot find its centroid: %s",
		    g->error);
		return 1;
	}
	rc = GEOSisEmpty_r(g->ctx, c) == 1 ? 2 :
	    GEOSGeomGetX_r(g->ctx, c, x) == 1 &&
	    GEOSGeomGetY_r(g->ctx, c, y) == 1 && isfinite(*x) && isfinite(*y) ?
	    0 : 1;
	GEOSGeom_destroy_r(g->ctx, c);
	if (rc == 1)
		snprintf(why, whylen, "its centroid is not a finite point (its "
		    "coordinates are too large)");
	return rc;
}

void
geom_free(struct geom *g)
{
	if (g == NULL)
		return;
	if (g->wkt_reader)
		GEOSWKTReader_destroy_r(g->ctx, g->wkt_reader);
	if (g->reader)
		GEOSWKBReader_destroy_r(g->ctx, g->reader);
	if (g->writer)
		GEOSWKTWriter_destroy_r(g->ctx, g->writer);
	GEOS_finish_r(g->ctx);
	free(g);
}
