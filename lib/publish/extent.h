/*
 * extent: the geographic extent of a table, for the catalogue's spatial
 * coverage (dcat:bbox) and the pages: its coordinate columns, found from
 * the schema (the first geopoint field, else a pair of number fields
 * named as a latitude and a longitude: lat, latitude, Ylat, EQUIP_LAT...
 * and lon, lng, long, longitude, Xlong..., else the first geojson field,
 * else a string field named as a geometry: geometry, geom, the_geom, wkt,
 * geometrie, holding WKT), and the smallest box, in WGS 84 longitude and
 * latitude, that holds every valid point of the rows. Of GeoJSON and WKT
 * only points are points ("POINT (x y)", a Z or M kept out, an EWKT SRID
 * of 4326 only); other geometries are not.
 *
 * Cells are read as the schema casts them (decimalChar, geopoint
 * formats); a missing, invalid or out-of-range value is no point. The
 * struct owns nothing; the schema must outlive it.
 */
#ifndef MUNI_EXTENT_H
#define MUNI_EXTENT_H

#include "csv/csvin.h"
#include "schema/schema.h"

struct extent {
	const struct schema *schema;
	long geo, lat, lon, shape;	/* schema fields, -1 when none */
	long col_geo, col_lat, col_lon, col_shape; /* their columns */
	double west, south, east, north;
	unsigned long long points;
};

/* 1 when the schema has coordinates, 0 when not (nothing to add). */
int extent_init(struct extent *x, const struct schema *s);
/* The header record: where the coordinate columns are. */
void extent_header(struct extent *x, const struct record *rec);
/* A data record: its point, if valid, grows the box: 1 and it, else 0. */
int extent_add(struct extent *x, const struct record *rec, double *lon,
    double *lat);

#endif
