/*
 * datapackage: a publication's datapackage.json (Data Package v2, with the v1
 * members a v1 reader looks for: "profile", contributor "role"), built
 * from the metadata (lib/meta), the facts of the version, the schema
 * (inline, or its URL) and the provenance record of muni-fetch.
 *
 * Beyond Data Package: "bbox", the box [west, south, east, north] in WGS 84
 * of the rows' points, and "themes", the EU data themes, which the
 * catalogue (lib/dcat) reads back.
 *
 * With stable set, the members that change at every publication (version,
 * created, the changes note) are left out: the digest of that rendering
 * tells whether the metadata changed since the last version.
 */
#ifndef MUNI_DATAPACKAGE_H
#define MUNI_DATAPACKAGE_H

#include "base/buf.h"
#include "json/json.h"
#include "publish/catalog.h"
#include "publish/extent.h"
#include "publish/meta.h"

struct datapackage_input {
	const struct meta *meta;
	const struct cat_version *v;	/* facts of the version */
	yajl_val schema;		/* inline schema, or NULL */
	const char *schema_url;		/* or its URL */
	yajl_val provenance;		/* muni-fetch's record, or NULL */
	const char *previous;		/* the number before, or NULL */
	int allow_invalid;
	int stable;
	const struct extent *extent;	/* the points of the rows, or NULL */
	const char *const *themes;	/* EU data-theme codes, NULL-ended */
};

int datapackage_render(const struct datapackage_input *in, struct buf *out);

#endif
