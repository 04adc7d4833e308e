#include <geos_c.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/geom.h"
#include "transform/reproject.h"
#include "base/banned.h"

struct geom {
	GEOSContextHandle_t ctx;
	GEOSWKBReader *reader;
	GEOSWKTWriter *writer;
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

int
geom_gpkg_wkt(struct geom *g, const void *blob, size_t n, struct buf *out,
    char *why, size_t whylen)
{
	const unsigned char *p = blob;
	GEOSGeometry *geo, *moved;
	char *wkt;
	int env, rc;

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
	rc = buf_addstr(out, wkt);
	GEOSFree_r(g->ctx, wkt);
	return rc < 0 ? -1 : 0;
}

void
geom_free(struct geom *g)
{
	if (g == NULL)
		return;
	if (g->reader)
		GEOSWKBReader_destroy_r(g->ctx, g->reader);
	if (g->writer)
		GEOSWKTWriter_destroy_r(g->ctx, g->writer);
	GEOS_finish_r(g->ctx);
	free(g);
}
