/*
 * geom: a GeoPackage's geometries (its binary header, then WKB) written as
 * WKT, in their CRS or reprojected to WGS 84 (reproject), through GEOS:
 * the one module that talks to it. GEOS never prints: its errors become
 * reasons. A value that is not a GeoPackage geometry is refused, not
 * written as something else.
 */
#ifndef MUNI_GEOM_H
#define MUNI_GEOM_H

#include <stddef.h>

#include "base/buf.h"

struct geom;
struct reproject;

/*
 * A decoder; proj, when not NULL, reprojects every coordinate (the
 * decoder does not own it). NULL when out of memory.
 */
struct geom *geom_new(struct reproject *proj);
/*
 * The GeoPackage geometry blob[0..n) appended to out as WKT (2D; an empty
 * geometry as its empty WKT): 0; 1 with why set when it is not one or a
 * point cannot be reprojected; -1 when out is full.
 */
int geom_gpkg_wkt(struct geom *g, const void *blob, size_t n,
    struct buf *out, char *why, size_t whylen);
/*
 * A GeoJSON geometry, json[0..n), as WKT, its numbers as written: by its
 * text, not through GEOS, whose 3.11 reader crashes on a hostile
 * geometry ([[], [1, 2]] as a MultiPoint's coordinates).
 */
int geom_geojson_wkt(struct geom *g, const char *json, size_t n,
    struct buf *out, char *why, size_t whylen);
/*
 * The centroid of a GeoJSON geometry, json[0..n), by GEOS (the centre of
 * the area of polygons, of the length of lines, the mean of points; of a
 * collection's parts of the highest dimension): 0 with *x, *y; 2 when the
 * geometry is empty; 1 with why set when it is not a GeoJSON geometry or
 * GEOS refuses it (a ring not closed).
 */
int geom_geojson_centroid(struct geom *g, const char *json, size_t n,
    double *x, double *y, char *why, size_t whylen);
void geom_free(struct geom *g);

#endif
