#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <string.h>

#include "json/json.h"
#include "publish/dcat.h"
#include "publish/meta.h"
#include "base/banned.h"

#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define XSD "http://www.w3.org/2001/XMLSchema#"
#define EU "http://publications.europa.eu/resource/authority/"
#define IANA "http://www.iana.org/assignments/media-types/"
#define GSP_WKT "http://www.opengis.net/ont/geosparql#wktLiteral"
/* The datatype data.gouv.fr reads a GeoJSON spatial coverage by. */
#define GEOJSON_TYPE \
	"https://www.iana.org/assignments/media-types/application/vnd.geo+json"
#define LICENCE_TYPE "http://purl.org/adms/licencetype/"
#define CATALOG_LICENSE \
	"https://www.etalab.gouv.fr/licence-ouverte-open-licence"

static const struct {
	const char *prefix, *uri;
} ns[] = {
	{ "rdf", NS_RDF },
	{ "rdfs", "http://www.w3.org/2000/01/rdf-schema#" },
	{ "dcat", "http://www.w3.org/ns/dcat#" },
	{ "dcatap", "http://data.europa.eu/r5r/" },
	{ "dct", "http://purl.org/dc/terms/" },
	{ "foaf", "http://xmlns.com/foaf/0.1/" },
	{ "locn", "http://www.w3.org/ns/locn#" },
	{ "vcard", "http://www.w3.org/2006/vcard/ns#" },
	{ "spdx", "http://spdx.org/rdf/terms#" },
	{ "skos", "http://www.w3.org/2004/02/skos/core#" },
};

struct w {
	xmlTextWriterPtr x;
	int rc;
};

static const xmlChar *
X(const char *s)
{
	return (const xmlChar *)s;
}

static void
open_el(struct w *w, const char *name)
{
	if (xmlTextWriterStartElement(w->x, X(name)) < 0)
		w->rc = -1;
}

static void
close_el(struct w *w)
{
	if (xmlTextWriterEndElement(w->x) < 0)
		w->rc = -1;
}

static void
attr(struct w *w, const char *name, const char *value)
{
	if (xmlTextWriterWriteAttribute(w->x, X(name), X(value)) < 0)
		w->rc = -1;
}

/* <name xml:lang="fr">text</name>, or with a datatype (a full IRI). */
static void
typed(struct w *w, const char *name, const char *text, const char *lang,
    const char *datatype)
{
	if (text == NULL)
		return;
	open_el(w, name);
	if (lang)
		attr(w, "xml:lang", lang);
	if (datatype)
		attr(w, "rdf:datatype", datatype);
	if (xmlTextWriterWriteString(w->x, X(text)) < 0)
		w->rc = -1;
	close_el(w);
}

/* A literal, with an XML Schema datatype ("dateTime") or a language. */
static void
literal(struct w *w, const char *name, const char *text, const char *lang,
    const char *type)
{
	char dt[128];

	if (type)
		snprintf(dt, sizeof(dt), XSD "%s", type);
	typed(w, name, text, lang, type ? dt : NULL);
}

static void
resource_ref(struct w *w, const char *name, const char *uri)
{
	open_el(w, name);
	attr(w, "rdf:resource", uri);
	close_el(w);
}

/* <property><class rdf:about="uri"/></property>: a value and its class. */
static void
typed_ref(struct w *w, const char *property, const char *class,
    const char *uri)
{
	open_el(w, property);
	open_el(w, class);
	attr(w, "rdf:about", uri);
	close_el(w);
	close_el(w);
}

/*
 * A concept of a vocabulary, with its scheme; scheme_title given, the
 * scheme is described too (a skos:ConceptScheme has a title).
 */
static void
concept(struct w *w, const char *property, const char *uri,
    const char *scheme, const char *scheme_title, const char *label)
{
	open_el(w, property);
	open_el(w, "skos:Concept");
	attr(w, "rdf:about", uri);
	if (scheme_title) {
		open_el(w, "skos:inScheme");
		open_el(w, "skos:ConceptScheme");
		attr(w, "rdf:about", scheme);
		literal(w, "dct:title", scheme_title, "en", NULL);
		close_el(w);
		close_el(w);
	} else
		resource_ref(w, "skos:inScheme", scheme);
	literal(w, "skos:prefLabel", label, "en", NULL);
	close_el(w);
	close_el(w);
}

static const char *
str(yajl_val obj, const char *key)
{
	yajl_val v = json_member(obj, key);

	return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

static void
agent(struct w *w, yajl_val p)
{
	const char *url = str(p, "path"), *type = str(p, "publisherType");
	char uri[512];

	open_el(w, "dct:publisher");
	open_el(w, "foaf:Agent");
	if (url)
		attr(w, "rdf:about", url);
	literal(w, "foaf:name", str(p, "title"), "fr", NULL);
	if (type) {
		snprintf(uri, sizeof(uri), META_PUBLISHER_TYPE_BASE "%s", type);
		concept(w, "dct:type", uri, META_PUBLISHER_TYPE_BASE "1.0",
		    "Publisher type", type);
	}
	close_el(w);
	close_el(w);
}

static void
contact(struct w *w, yajl_val p)
{
	char mail[512];

	if (str(p, "email") == NULL)
		return;
	snprintf(mail, sizeof(mail), "mailto:%s", str(p, "email"));
	open_el(w, "dcat:contactPoint");
	open_el(w, "vcard:Organization");
	literal(w, "vcard:fn", str(p, "title"), NULL, NULL);
	resource_ref(w, "vcard:hasEmail", mail);
	close_el(w);
	close_el(w);
}

static yajl_val
publisher(yajl_val d)
{
	yajl_val c = json_member(d, "contributors");
	size_t i;

	for (i = 0; YAJL_IS_ARRAY(c) && i < c->u.array.len; i++) {
		const char *role = str(c->u.array.values[i], "role");

		if (role && strcmp(role, "publisher") == 0)
			return c->u.array.values[i];
	}
	return NULL;
}

/* A licence, as a dct:LicenseDocument with its ADMS licence types. */
static void
license(struct w *w, const char *uri, const char *name)
{
	const char *types = meta_license_types(name), *p;
	char t[160], word[64];
	size_t n;

	open_el(w, "dct:license");
	open_el(w, "dct:LicenseDocument");
	attr(w, "rdf:about", uri);
	for (p = types; p && *p; p += n, p += *p == ' ') {
		n = strcspn(p, " ");
		snprintf(word, sizeof(word), "%.*s", (int)n, p);
		snprintf(t, sizeof(t), LICENCE_TYPE "%s", word);
		concept(w, "dct:type", t, LICENCE_TYPE "1.0", NULL, word);
	}
	close_el(w);
	close_el(w);
}

/* The IRI of a place: its own, or its commune's at INSEE. */
static int
place_iri(yajl_val spatial, char *out, size_t n)
{
	if (str(spatial, "uri"))
		snprintf(out, n, "%s", str(spatial, "uri"));
	else if (str(spatial, "insee"))
		snprintf(out, n, "http://id.insee.fr/geo/commune/%s",
		    str(spatial, "insee"));
	else
		return 0;
	return 1;
}

/* The place of the metadata, a dct:Location with its name. */
static void
place(struct w *w, yajl_val spatial)
{
	char iri[1024];

	if (!place_iri(spatial, iri, sizeof(iri)))
		return;
	open_el(w, "dct:spatial");
	open_el(w, "dct:Location");
	attr(w, "rdf:about", iri);
	literal(w, "skos:prefLabel", str(spatial, "name"), "fr", NULL);
	literal(w, "dct:identifier", str(spatial, "insee"), NULL, NULL);
	close_el(w);
	close_el(w);
}

/*
 * Where the rows' points are: a dct:Location with the box (WKT, as DCAT
 * asks), its centre, and the box as a GeoJSON geometry, the form
 * data.gouv.fr's harvester reads a spatial coverage in.
 */
static void
extent(struct w *w, const char *iri, yajl_val bbox)
{
	char wkt[512], point[128], json[512];
	double b[4];
	size_t i;

	if (!YAJL_IS_ARRAY(bbox) || bbox->u.array.len != 4)
		return;
	for (i = 0; i < 4; i++) {
		if (!YAJL_IS_NUMBER(bbox->u.array.values[i]))
			return;
		b[i] = YAJL_GET_DOUBLE(bbox->u.array.values[i]);
	}
	/* One point is a box of a metre or so: a polygon has an area. */
	for (i = 0; i < 2; i++)
		if (b[i + 2] - b[i] < 1e-5) {
			b[i] -= 5e-6;
			b[i + 2] += 5e-6;
		}
	snprintf(wkt, sizeof(wkt), "POLYGON((%.7f %.7f, %.7f %.7f, %.7f %.7f, "
	    "%.7f %.7f, %.7f %.7f))", b[0], b[1], b[2], b[1], b[2], b[3],
	    b[0], b[3], b[0], b[1]);
	snprintf(point, sizeof(point), "POINT(%.7f %.7f)", (b[0] + b[2]) / 2,
	    (b[1] + b[3]) / 2);
	snprintf(json, sizeof(json), "{\"type\": \"Polygon\", \"coordinates\": "
	    "[[[%.7f, %.7f], [%.7f, %.7f], [%.7f, %.7f], [%.7f, %.7f], "
	    "[%.7f, %.7f]]]}", b[0], b[1], b[2], b[1], b[2], b[3], b[0], b[3],
	    b[0], b[1]);
	open_el(w, "dct:spatial");
	open_el(w, "dct:Location");
	attr(w, "rdf:about", iri);
	literal(w, "skos:prefLabel", "Étendue des données", "fr", NULL);
	typed(w, "dcat:bbox", wkt, NULL, GSP_WKT);
	typed(w, "dcat:centroid", point, NULL, GSP_WKT);
	typed(w, "locn:geometry", json, NULL, GEOJSON_TYPE);
	close_el(w);
	close_el(w);
}

static void
distribution(struct w *w, const struct dcat_catalog *c, const char *name,
    yajl_val r, const char *modified, const char *license_uri,
    const char *license_name)
{
	const char *path = str(r, "path"), *hash = str(r, "hash");
	const char *compression = str(r, "compression");
	yajl_val bytes = json_member(r, "bytes"),
		 schema = json_member(r, "schema");
	int gz = compression && strcmp(compression, "gz") == 0;
	char uri[1024];

	if (path == NULL)
		return;
	open_el(w, "dcat:distribution");
	open_el(w, "dcat:Distribution");
	snprintf(uri, sizeof(uri), "%s%s/#%s", c->base, name, path);
	attr(w, "rdf:about", uri);
	literal(w, "dct:title", path, NULL, NULL);
	literal(w, "dct:description", gz ? "Les mêmes données au format CSV, "
	    "compressées par gzip." : "Les données au format CSV (UTF-8, "
	    "séparateur virgule, une ligne d'en-tête).", "fr", NULL);
	snprintf(uri, sizeof(uri), "%s%s/", c->base, name);
	resource_ref(w, "dcat:accessURL", uri);
	snprintf(uri, sizeof(uri), "%s%s/%s", c->base, name, path);
	resource_ref(w, "dcat:downloadURL", uri);
	resource_ref(w, "dct:format", EU "file-type/CSV");
	resource_ref(w, "dcat:mediaType", IANA "text/csv");
	if (gz)
		resource_ref(w, "dcat:compressFormat", IANA "application/gzip");
	if (YAJL_IS_INTEGER(bytes))
		literal(w, "dcat:byteSize", bytes->u.number.r, NULL,
		    "nonNegativeInteger");
	if (hash && strncmp(hash, "sha256:", 7) == 0) {
		open_el(w, "spdx:checksum");
		open_el(w, "spdx:Checksum");
		resource_ref(w, "spdx:algorithm",
		    "http://spdx.org/rdf/terms#checksumAlgorithm_sha256");
		literal(w, "spdx:checksumValue", hash + 7, NULL, "hexBinary");
		close_el(w);
		close_el(w);
	}
	/* The file is where it is as long as the dataset is published. */
	concept(w, "dcatap:availability", EU "planned-availability/STABLE",
	    EU "planned-availability", NULL, "stable");
	if (YAJL_IS_STRING(schema))
		snprintf(uri, sizeof(uri), "%s", schema->u.string);
	else
		snprintf(uri, sizeof(uri), "%s%s/schema.json", c->base, name);
	if (schema || !gz)
		typed_ref(w, "dct:conformsTo", "dct:Standard", uri);
	if (license_uri)
		license(w, license_uri, license_name);
	literal(w, "dct:modified", modified, NULL, "dateTime");
	close_el(w);
	close_el(w);
}

static void
dataset(struct w *w, const struct dcat_catalog *c,
    const struct dcat_dataset *ds)
{
	yajl_val d = ds->descriptor, v, lic, p;
	const char *name = str(d, "name"), *license_uri = NULL,
	    *license_name = NULL, *code;
	char uri[1024];
	size_t i;

	if (name == NULL)
		return;
	lic = json_member(d, "licenses");
	if (YAJL_IS_ARRAY(lic) && lic->u.array.len) {
		license_uri = str(lic->u.array.values[0], "path");
		license_name = str(lic->u.array.values[0], "name");
	}
	open_el(w, "dcat:dataset");
	open_el(w, "dcat:Dataset");
	snprintf(uri, sizeof(uri), "%s%s/", c->base, name);
	attr(w, "rdf:about", uri);
	literal(w, "dct:identifier", str(d, "id"), NULL, NULL);
	literal(w, "dct:title", str(d, "title"), "fr", NULL);
	literal(w, "dct:description", str(d, "description"), "fr", NULL);
	if ((p = publisher(d)) != NULL) {
		agent(w, p);
		contact(w, p);
	}
	literal(w, "dct:issued", ds->issued, NULL, "dateTime");
	literal(w, "dct:modified", ds->modified, NULL, "dateTime");
	literal(w, "dcat:version", str(d, "version"), NULL, NULL);
	code = meta_frequency_code(str(d, "frequency"));
	if (code) {
		snprintf(uri, sizeof(uri), "%s%s", META_FREQUENCY_BASE, code);
		resource_ref(w, "dct:accrualPeriodicity", uri);
	}
	v = json_member(d, "themes");
	for (i = 0; YAJL_IS_ARRAY(v) && i < v->u.array.len; i++) {
		yajl_val t = v->u.array.values[i];

		if (!YAJL_IS_STRING(t) || !meta_theme_label(t->u.string))
			continue;
		snprintf(uri, sizeof(uri), META_THEME_BASE "%s", t->u.string);
		resource_ref(w, "dcat:theme", uri);
	}
	v = json_member(d, "keywords");
	for (i = 0; YAJL_IS_ARRAY(v) && i < v->u.array.len; i++)
		if (YAJL_IS_STRING(v->u.array.values[i]))
			literal(w, "dcat:keyword",
			    v->u.array.values[i]->u.string, "fr", NULL);
	place(w, json_member(d, "spatial"));
	snprintf(uri, sizeof(uri), "%s%s/#etendue", c->base, name);
	extent(w, uri, json_member(d, "bbox"));
	v = json_member(d, "temporal");
	if (str(v, "start") || str(v, "end")) {
		open_el(w, "dct:temporal");
		open_el(w, "dct:PeriodOfTime");
		literal(w, "dcat:startDate", str(v, "start"), NULL, "date");
		literal(w, "dcat:endDate", str(v, "end"), NULL, "date");
		close_el(w);
		close_el(w);
	}
	if (str(d, "homepage"))
		typed_ref(w, "dcat:landingPage", "foaf:Document",
		    str(d, "homepage"));
	else {
		snprintf(uri, sizeof(uri), "%s%s/", c->base, name);
		typed_ref(w, "dcat:landingPage", "foaf:Document", uri);
	}
	v = json_member(d, "resources");
	for (i = 0; YAJL_IS_ARRAY(v) && i < v->u.array.len; i++)
		distribution(w, c, name, v->u.array.values[i], ds->modified,
		    license_uri, license_name);
	close_el(w);
	close_el(w);
}

int
dcat_render(const struct dcat_catalog *c, struct buf *out)
{
	xmlBufferPtr xb = xmlBufferCreate();
	struct w w;
	size_t i;
	char uri[1024];

	if (xb == NULL)
		return -1;
	w.rc = 0;
	w.x = xmlNewTextWriterMemory(xb, 0);
	if (w.x == NULL) {
		xmlBufferFree(xb);
		return -1;
	}
	xmlTextWriterSetIndent(w.x, 1);
	xmlTextWriterSetIndentString(w.x, X("  "));
	if (xmlTextWriterStartDocument(w.x, NULL, "UTF-8", NULL) < 0)
		w.rc = -1;
	open_el(&w, "rdf:RDF");
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		char a[32];

		snprintf(a, sizeof(a), "xmlns:%s", ns[i].prefix);
		attr(&w, a, ns[i].uri);
	}
	open_el(&w, "dcat:Catalog");
	attr(&w, "rdf:about", c->base);
	literal(&w, "dct:title", c->title, "fr", NULL);
	literal(&w, "dct:description", "Jeux de données ouverts publiés "
	    "avec muni, décrits par leur fichier datapackage.json.", "fr",
	    NULL);
	if (c->ndatasets) {
		yajl_val d = c->datasets[0].descriptor, p = publisher(d);

		if (p)
			agent(&w, p);
		/* The territory of the producer, as its first dataset says. */
		place(&w, json_member(d, "spatial"));
	}
	/* The catalogue's own page: the root's index.html. */
	snprintf(uri, sizeof(uri), "%sindex.html", c->base);
	typed_ref(&w, "foaf:homepage", "foaf:Document", uri);
	literal(&w, "dct:issued", c->issued, NULL, "dateTime");
	literal(&w, "dct:modified", c->modified, NULL, "dateTime");
	resource_ref(&w, "dct:language", EU "language/FRA");
	/* Metadata of public bodies: the Licence Ouverte. */
	license(&w, CATALOG_LICENSE, "etalab-2.0");
	resource_ref(&w, "dcat:themeTaxonomy", EU "data-theme");
	for (i = 0; i < c->ndatasets; i++)
		dataset(&w, c, &c->datasets[i]);
	close_el(&w);
	close_el(&w);
	if (xmlTextWriterEndDocument(w.x) < 0)
		w.rc = -1;
	xmlFreeTextWriter(w.x);
	if (w.rc == 0 && buf_add(out, xmlBufferContent(xb),
	    (size_t)xmlBufferLength(xb)) < 0)
		w.rc = -1;
	xmlBufferFree(xb);
	return w.rc;
}
