/*
 * dcat: a publication's catalog.rdf, the DCAT-AP 3 catalogue that portals
 * (data.gouv.fr among them) harvest, written as RDF/XML with libxml2's
 * writer. Each dataset is described from the datapackage.json of its
 * current version, so the catalogue says what the files say: title,
 * description, publisher (with its ADMS type) and contact point, keywords,
 * themes (EU data themes), licence, frequency (EU vocabulary), spatial
 * coverage (the commune's INSEE IRI, and the box of the rows' points with
 * its centroid and a GeoJSON geometry, which data.gouv.fr harvests),
 * temporal coverage, landing page, and a distribution per file with its
 * download URL, description, format and media type (EU and IANA
 * vocabularies), size, SHA-256 checksum (SPDX), availability, licence and
 * the schema it conforms to.
 *
 * What the DCAT-AP 3.0.1 shapes ask of each value's class is stated where
 * the value is used: a licence is a dct:LicenseDocument with its ADMS
 * licence type, a schema a dct:Standard, a landing page a foaf:Document;
 * the concepts of vocabularies the EU does not publish with the shapes
 * (ADMS publisher and licence types, planned availability) are given with
 * their scheme.
 *
 * Every IRI is built on base ("https://data.example.fr/opendata/"), which
 * must be an absolute URL: harvesters read the document with no base.
 */
#ifndef MUNI_DCAT_H
#define MUNI_DCAT_H

#include "base/buf.h"
#include "json/json.h"

struct dcat_dataset {
	yajl_val descriptor;		/* its datapackage.json */
	const char *modified;		/* xsd:dateTime of the version */
	const char *issued;		/* of the first version, or NULL */
};

struct dcat_catalog {
	const char *title;
	const char *base;		/* ends with '/' */
	const char *modified;
	const char *issued;		/* the first publication, or NULL */
	const struct dcat_dataset *datasets;
	size_t ndatasets;
};

int dcat_render(const struct dcat_catalog *c, struct buf *out);

#endif
