/*
 * libFuzzer target for the geometry decoders: any bytes are a GeoPackage
 * geometry blob (a 'GP' header, then WKB read by GEOS), written as WKT as
 * read and reprojected from Lambert-93, and a GeoJSON geometry, written
 * as WKT and as its centroid (GEOS reading the WKT written).
 */
#include <stdint.h>
#include <stdlib.h>

#include "source/geom.h"
#include "transform/reproject.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct geom *plain, *moved;
	static struct reproject *proj;
	static struct buf out;
	char why[400];
	double x, y;

	if (plain == NULL) {
		proj = reproject_new("EPSG:2154", why, sizeof(why));
		plain = geom_new(NULL);
		moved = geom_new(proj);
		if (proj == NULL || plain == NULL || moved == NULL)
			abort();
		buf_init(&out, 1 << 20);
	}
	buf_reset(&out);
	geom_gpkg_wkt(plain, data, size, &out, why, sizeof(why));
	buf_reset(&out);
	geom_gpkg_wkt(moved, data, size, &out, why, sizeof(why));
	buf_reset(&out);
	geom_geojson_wkt(plain, (const char *)data, size, &out, why,
	    sizeof(why));
	geom_geojson_centroid(plain, (const char *)data, size, &x, &y, why,
	    sizeof(why));
	return 0;
}
