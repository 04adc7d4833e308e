/*
 * gml: the features of a WFS GetFeature answer in GML (3.2, and 3.1.1
 * and 2 as far as simple features go), read node by node with xmlrd and
 * written one by one as GeoJSON Features, so that a WFS that offers no
 * GeoJSON is read as one that does (pager). Memory holds one feature.
 *
 * The answer is a FeatureCollection (WFS 2.0's or GML's) of members
 * (wfs:member, gml:featureMember, gml:featureMembers; a FeatureCollection
 * in a member is read as its features); its numberMatched is kept. A
 * feature's child elements are its properties, each a string (xsi:nil:
 * null; a property repeated in a feature: an array of its values), but
 * gml:boundedBy; the geometry is the property of the name of the first
 * one that held a geometry (in any feature of any page), any other is a
 * property holding a GeoJSON geometry.
 * A property holding other elements (a complex feature, as INSPIRE's) is
 * refused, as is an answer cut short (wfs:truncatedResponse) or an
 * exception report (its text is the message).
 *
 * Geometries: Point, LineString, Curve of LineStringSegments, Polygon
 * (LinearRing boundaries), Surface of PolygonPatches, MultiPoint,
 * MultiCurve, MultiLineString, MultiSurface, MultiPolygon and
 * MultiGeometry, their positions in pos, posList (srsDimension: 2 to 4,
 * the first two kept) or GML 2's coordinates. Arcs, splines, solids and
 * the other curved or composite geometries are refused, never
 * approximated.
 *
 * Coordinates: the CRS is the geometry's srsName, else its enclosing
 * geometry's, else the collection's boundedBy envelope's, else the
 * options' crs. An srsName written as a URN or an http URI
 * (urn:ogc:def:crs:EPSG::4326, http://www.opengis.net/def/crs/EPSG/0/4326)
 * gives the coordinates in the CRS's own axis order (latitude first for
 * EPSG:4326: PROJ tells), EPSG:NNNN and .../epsg.xml#NNNN easting first,
 * as does CRS84. Coordinates are written easting (longitude) first, in
 * the CRS they came in, or reprojected to WGS 84 (to_wgs84); features in
 * two CRSs are refused unless reprojected. Numbers are written as the
 * shortest text that reads back as the same double (degrees reprojected:
 * 7 decimals).
 */
#ifndef MUNI_GML_H
#define MUNI_GML_H

#include <stddef.h>

#include "base/err.h"

/* The bytes a feature may hold (its text, its coordinates). */
#define GML_MAX_FEATURE ((size_t)64 << 20)

struct gml_options {
	int to_wgs84;		/* coordinates reprojected to WGS 84 */
	const char *crs;	/* "EPSG:NNNN" where no srsName says, or NULL */
};

/* A feature, as GeoJSON text: 0, or -1 to stop (e set by the caller). */
typedef int gml_feature_fn(void *ctx, const unsigned char *json, size_t n);
/* A property's name, of each feature in order: 0, or -1 to stop. */
typedef int gml_key_fn(void *ctx, const char *name, size_t n);

struct gml_page {
	unsigned long long features;
	long long matched;	/* numberMatched, or -1 when not a number */
};

struct gml;

struct gml *gml_new(const struct gml_options *o);
/*
 * Read the answer in fd (a file, from its start; label names it in
 * messages): each feature to feature(), its property names to key()
 * first. The CRS must be the one of the pages read before. 0, or -1 with
 * e set.
 */
int gml_page(struct gml *g, int fd, const char *label, gml_key_fn *key,
    gml_feature_fn *feature, void *ctx, struct gml_page *res,
    struct muni_err *e);
/*
 * The CRS of the coordinates written ("EPSG:2154", "EPSG:4326"), or NULL
 * when none was said; whether they are easting and northing (projected).
 */
const char *gml_crs(const struct gml *g);
int gml_projected(const struct gml *g);
void gml_free(struct gml *g);

#endif
