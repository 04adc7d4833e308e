/*
 * libFuzzer target for GML (gml_page()): the bytes are a WFS answer, but
 * a first byte 'W' (reproject to WGS 84) or 'C' (EPSG:2154 where no
 * srsName says), then left out. Every feature given must be a JSON
 * object whose type is "Feature", with properties and a geometry (null or
 * an object).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "source/gml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
feature(void *ctx, const unsigned char *json, size_t n)
{
	static const char *type[] = { "type", NULL };
	static const char *props[] = { "properties", NULL };
	static const char *geom[] = { "geometry", NULL };
	char *text = malloc(n + 1), err[128];
	const char *s;
	yajl_val v, t, g;

	(void)ctx;
	if (text == NULL)
		return -1;
	memcpy(text, json, n);
	text[n] = '\0';
	v = yajl_tree_parse(text, err, sizeof(err));
	if (v == NULL || !YAJL_IS_OBJECT(v) ||
	    (t = yajl_tree_get(v, type, yajl_t_string)) == NULL ||
	    (s = YAJL_GET_STRING(t)) == NULL || strcmp(s, "Feature") != 0 ||
	    yajl_tree_get(v, props, yajl_t_object) == NULL ||
	    (g = yajl_tree_get(v, geom, yajl_t_any)) == NULL ||
	    !(YAJL_IS_NULL(g) || YAJL_IS_OBJECT(g)))
		abort();
	yajl_tree_free(v);
	free(text);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gml_options o;
	struct gml_page res;
	struct muni_err e;
	struct gml *g;
	int page;

	memset(&o, 0, sizeof(o));
	o.to_wgs84 = size > 0 && data[0] == 'W';
	o.crs = size > 0 && data[0] == 'C' ? "EPSG:2154" : NULL;
	if (o.to_wgs84 || o.crs) {
		data++;
		size--;
	}
	page = memfd_create("page", 0);
	g = gml_new(&o);
	if (page >= 0 && g && write(page, data, size) == (ssize_t)size) {
		err_clear(&e);
		/* Twice: the second page in the CRS of the first. */
		if (gml_page(g, page, "page", NULL, feature, NULL, &res,
		    &e) == 0)
			(void)gml_page(g, page, "page", NULL, feature, NULL,
			    &res, &e);
	}
	gml_free(g);
	if (page >= 0)
		close(page);
	return 0;
}
