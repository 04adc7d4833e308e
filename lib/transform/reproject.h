/*
 * reproject: coordinates from a coordinate reference system given as
 * EPSG:NNNN (Lambert-93 EPSG:2154, the CC zones EPSG:3942 to 3950, UTM,
 * NTF Lambert II étendu EPSG:27572...) to WGS 84 longitude and latitude,
 * through PROJ: the one module that talks to it. PROJ never reaches the
 * network (no grid is downloaded) and never prints: its errors become
 * messages. A point outside the source CRS's area of use is refused: it
 * is a swapped pair or another CRS far more often than a real place.
 */
#ifndef MUNI_REPROJECT_H
#define MUNI_REPROJECT_H

#include <stddef.h>

struct reproject;

/*
 * A transformation from crs ("EPSG:2154") to WGS 84: NULL with why set
 * when crs is not an EPSG code PROJ knows.
 */
struct reproject *reproject_new(const char *crs, char *why, size_t whylen);
/*
 * The same from the WKT a shapefile's .prj holds (ESRI's or OGC's), or an
 * EPSG code; name says where it came from in messages.
 */
struct reproject *reproject_new_wkt(const char *wkt, const char *name,
    char *why, size_t whylen);
/* Whether the source CRS is geographic (degrees), not projected. */
int reproject_geographic(const struct reproject *r);
/*
 * Whether the CRS's own axis order (its authority's: EPSG 4326 is
 * latitude then longitude) puts northing or latitude first; GML and WFS
 * 2.0 write coordinates in that order, reproject_point() takes them
 * easting (longitude) first whatever it is.
 */
int reproject_north_first(const struct reproject *r);
/*
 * (x, y) in the source CRS (easting and northing, or longitude and
 * latitude for a geographic one) to *lon, *lat: 0, or -1 with why set.
 */
int reproject_point(struct reproject *r, double x, double y, double *lon,
    double *lat, char *why, size_t whylen);
/*
 * v, a coordinate in degrees, with at most places decimals, trailing
 * zeros and a "-0" dropped ("2.5", "-1.5536105", "3"), into out.
 */
void reproject_degrees(double v, int places, char out[64]);
/* The source CRS as given, and the name of its area of use. */
const char *reproject_crs(const struct reproject *r);
/*
 * The source CRS as a provenance record says it: EPSG:NNNN when given so
 * or when PROJ identifies it for sure (90 % and more), else its name.
 */
const char *reproject_identity(const struct reproject *r);
void reproject_free(struct reproject *r);

#endif
