/*
 * dcat: a publication's catalog.rdf, the DCAT-AP 3 catalogue that portals
 * (data.gouv.fr among them) harvest, written as RDF/XML with libxml2's
 * writer. Each dataset is described from the datapackage.json of its
 * current version, so the catalogue says what the files say: title,
 * description, publisher, keywords, licence, frequency (EU vocabulary),
 * spatial and temporal coverage, and a distribution per file with its
 * download URL, format and media type (EU and IANA vocabularies), size,
 * SHA-256 checksum (SPDX) and the schema it conforms to.
 *
 * URLs are built on base ("https://data.example.fr/opendata/"); with no
 * base they are relative, and resolve against where catalog.rdf is served.
 */
#ifndef MUNI_DCAT_H
#define MUNI_DCAT_H

#include <yajl/yajl_tree.h>

#include "buf.h"

struct dcat_dataset {
	yajl_val descriptor;		/* its datapackage.json */
	const char *modified;		/* xsd:dateTime of the version */
	const char *issued;		/* of the first version, or NULL */
};

struct dcat_catalog {
	const char *title;
	const char *base;		/* "" for relative URLs */
	const char *modified;
	const struct dcat_dataset *datasets;
	size_t ndatasets;
};

int dcat_render(const struct dcat_catalog *c, struct buf *out);

#endif
