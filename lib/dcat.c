#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <string.h>

#include "dcat.h"
#include "jsongen.h"
#include "meta.h"
#include "banned.h"

#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define XSD "http://www.w3.org/2001/XMLSchema#"

static const struct {
	const char *prefix, *uri;
} ns[] = {
	{ "rdf", NS_RDF },
	{ "dcat", "http://www.w3.org/ns/dcat#" },
	{ "dct", "http://purl.org/dc/terms/" },
	{ "foaf", "http://xmlns.com/foaf/0.1/" },
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

/* <name xml:lang="fr">text</name>, or with a datatype. */
static void
literal(struct w *w, const char *name, const char *text, const char *lang,
    const char *type)
{
	char dt[128];

	if (text == NULL)
		return;
	open_el(w, name);
	if (lang)
		attr(w, "xml:lang", lang);
	if (type) {
		snprintf(dt, sizeof(dt), XSD "%s", type);
		attr(w, "rdf:datatype", dt);
	}
	if (xmlTextWriterWriteString(w->x, X(text)) < 0)
		w->rc = -1;
	close_el(w);
}

static void
resource_ref(struct w *w, const char *name, const char *uri)
{
	open_el(w, name);
	attr(w, "rdf:resource", uri);
	close_el(w);
}

static const char *
str(yajl_val obj, const char *key)
{
	yajl_val v = jg_member(obj, key);

	return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

static void
agent(struct w *w, yajl_val p, int contact)
{
	const char *url = str(p, "path");

	open_el(w, "dct:publisher");
	open_el(w, "foaf:Agent");
	if (url)
		attr(w, "rdf:about", url);
	literal(w, "foaf:name", str(p, "title"), "fr", NULL);
	close_el(w);
	close_el(w);
	if (contact && str(p, "email")) {
		char mail[512];

		snprintf(mail, sizeof(mail), "mailto:%s", str(p, "email"));
		open_el(w, "dcat:contactPoint");
		open_el(w, "vcard:Organization");
		literal(w, "vcard:fn", str(p, "title"), NULL, NULL);
		resource_ref(w, "vcard:hasEmail", mail);
		close_el(w);
		close_el(w);
	}
}

static yajl_val
publisher(yajl_val d)
{
	yajl_val c = jg_member(d, "contributors");
	size_t i;

	for (i = 0; YAJL_IS_ARRAY(c) && i < c->u.array.len; i++) {
		const char *role = str(c->u.array.values[i], "role");

		if (role && strcmp(role, "publisher") == 0)
			return c->u.array.values[i];
	}
	return NULL;
}

static void
distribution(struct w *w, const struct dcat_catalog *c, const char *name,
    yajl_val r, const char *modified, const char *license)
{
	const char *path = str(r, "path"), *hash = str(r, "hash");
	const char *compression = str(r, "compression");
	yajl_val bytes = jg_member(r, "bytes"), schema = jg_member(r, "schema");
	char uri[1024];

	if (path == NULL)
		return;
	open_el(w, "dcat:distribution");
	open_el(w, "dcat:Distribution");
	snprintf(uri, sizeof(uri), "%s%s/#%s", c->base, name, path);
	attr(w, "rdf:about", uri);
	literal(w, "dct:title", path, NULL, NULL);
	snprintf(uri, sizeof(uri), "%s%s/", c->base, name);
	resource_ref(w, "dcat:accessURL", uri);
	snprintf(uri, sizeof(uri), "%s%s/%s", c->base, name, path);
	resource_ref(w, "dcat:downloadURL", uri);
	resource_ref(w, "dct:format",
	    "http://publications.europa.eu/resource/authority/file-type/CSV");
	resource_ref(w, "dcat:mediaType",
	    "http://www.iana.org/assignments/media-types/text/csv");
	if (compression && strcmp(compression, "gz") == 0)
		resource_ref(w, "dcat:compressFormat", "http://www.iana.org/"
		    "assignments/media-types/application/gzip");
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
	if (YAJL_IS_STRING(schema))
		resource_ref(w, "dct:conformsTo", schema->u.string);
	else {
		snprintf(uri, sizeof(uri), "%s%s/schema.json", c->base, name);
		resource_ref(w, "dct:conformsTo", uri);
	}
	if (license)
		resource_ref(w, "dct:license", license);
	literal(w, "dct:modified", modified, NULL, "dateTime");
	close_el(w);
	close_el(w);
}

static void
dataset(struct w *w, const struct dcat_catalog *c,
    const struct dcat_dataset *ds)
{
	yajl_val d = ds->descriptor, v, lic, p;
	const char *name = str(d, "name"), *license = NULL, *code;
	char uri[1024];
	size_t i;

	if (name == NULL)
		return;
	lic = jg_member(d, "licenses");
	if (YAJL_IS_ARRAY(lic) && lic->u.array.len)
		license = str(lic->u.array.values[0], "path");
	open_el(w, "dcat:dataset");
	open_el(w, "dcat:Dataset");
	snprintf(uri, sizeof(uri), "%s%s/", c->base, name);
	attr(w, "rdf:about", uri);
	literal(w, "dct:identifier", str(d, "id"), NULL, NULL);
	literal(w, "dct:title", str(d, "title"), "fr", NULL);
	literal(w, "dct:description", str(d, "description"), "fr", NULL);
	if ((p = publisher(d)) != NULL)
		agent(w, p, 1);
	literal(w, "dct:issued", ds->issued, NULL, "dateTime");
	literal(w, "dct:modified", ds->modified, NULL, "dateTime");
	literal(w, "dcat:version", str(d, "version"), NULL, NULL);
	code = meta_frequency_code(str(d, "frequency"));
	if (code) {
		snprintf(uri, sizeof(uri), "%s%s", META_FREQUENCY_BASE, code);
		resource_ref(w, "dct:accrualPeriodicity", uri);
	}
	v = jg_member(d, "keywords");
	for (i = 0; YAJL_IS_ARRAY(v) && i < v->u.array.len; i++)
		if (YAJL_IS_STRING(v->u.array.values[i]))
			literal(w, "dcat:keyword",
			    v->u.array.values[i]->u.string, "fr", NULL);
	v = jg_member(d, "spatial");
	if (str(v, "name")) {
		open_el(w, "dct:spatial");
		open_el(w, "dct:Location");
		if (str(v, "uri"))
			attr(w, "rdf:about", str(v, "uri"));
		literal(w, "skos:prefLabel", str(v, "name"), "fr", NULL);
		literal(w, "dct:identifier", str(v, "insee"), NULL, NULL);
		close_el(w);
		close_el(w);
	}
	v = jg_member(d, "temporal");
	if (str(v, "start") || str(v, "end")) {
		open_el(w, "dct:temporal");
		open_el(w, "dct:PeriodOfTime");
		literal(w, "dcat:startDate", str(v, "start"), NULL, "date");
		literal(w, "dcat:endDate", str(v, "end"), NULL, "date");
		close_el(w);
		close_el(w);
	}
	if (str(d, "homepage"))
		resource_ref(w, "dcat:landingPage", str(d, "homepage"));
	else {
		snprintf(uri, sizeof(uri), "%s%s/", c->base, name);
		resource_ref(w, "dcat:landingPage", uri);
	}
	v = jg_member(d, "resources");
	for (i = 0; YAJL_IS_ARRAY(v) && i < v->u.array.len; i++)
		distribution(w, c, name, v->u.array.values[i], ds->modified,
		    license);
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
	snprintf(uri, sizeof(uri), "%s", c->base);
	attr(&w, "rdf:about", uri);
	literal(&w, "dct:title", c->title, "fr", NULL);
	literal(&w, "dct:description", "Jeux de données ouverts publiés "
	    "avec muni, décrits par leur fichier datapackage.json.", "fr",
	    NULL);
	if (c->ndatasets) {
		yajl_val p = publisher(c->datasets[0].descriptor);

		if (p)
			agent(&w, p, 0);
	}
	literal(&w, "dct:modified", c->modified, NULL, "dateTime");
	resource_ref(&w, "dct:language",
	    "http://publications.europa.eu/resource/authority/language/FRA");
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
