/*
 * shp: the geometry of a shapefile's records (the .shp and its .shx),
 * through shapelib, the one module that talks to it. Each shape becomes
 * one column of WKT or two of coordinates (a point's, or any shape's
 * centroid), in the CRS of the .prj beside it or reprojected to WGS 84
 * (reproject). Z and M values are left out: the output is 2D. One shape is
 * read at a time; shapelib's errors become messages, nothing is printed.
 */
#ifndef MUNI_SHP_H
#define MUNI_SHP_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

enum shp_form {
	SHP_WKT,		/* one column "geometry" */
	SHP_LONLAT,		/* a point's two coordinates */
	SHP_CENTROID		/* any shape's centroid, two coordinates */
};

struct shp_options {
	enum shp_form form;
	int to_wgs84;		/* reproject from the CRS to WGS 84 */
	const char *crs;	/* the CRS, when the .prj is missing or wrong */
};

struct shp;

/* Whether the first bytes are a .shp header (file code 9994). */
int shp_is(const unsigned char *p, size_t n);
/*
 * Open path (a .shp; the .shx and .prj beside it), name for messages: NULL
 * with e set (status 1 for a damaged file, 2 for options that cannot
 * apply, such as --to-wgs84 with no CRS known).
 */
struct shp *shp_open(const char *path, const char *name,
    const struct shp_options *o, struct muni_err *e);
/* The geometry columns: their number and names. */
size_t shp_ncolumns(const struct shp *s);
const char *shp_column(const struct shp *s, size_t i);
/* The number of shapes. */
unsigned long long shp_count(const struct shp *s);
/*
 * The geometry of shape i (no shape: empty) appended to out, column c
 * from off[c] to off[c + 1] (off holds 3): 0, or -1 with e set (row is the
 * row of the output, for messages).
 */
int shp_shape(struct shp *s, unsigned long long i, unsigned long long row,
    struct buf *out, size_t *off, struct muni_err *e);
/* The shapes' CRS (reproject_identity()), or NULL when unknown. */
const char *shp_crs(const struct shp *s);
void shp_free(struct shp *s);

#endif
