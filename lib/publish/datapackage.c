#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "json/json.h"
#include "publish/datapackage.h"
#include "base/banned.h"

static void
key_hash(yajl_gen g, const char *sha)
{
	char h[80];

	snprintf(h, sizeof(h), "sha256:%s", sha);
	json_key_str(g, "hash", h);
}

static void
dialect(yajl_gen g)
{
	json_str(g, "dialect");
	yajl_gen_map_open(g);
	json_key_str(g, "delimiter", ",");
	json_key_str(g, "lineTerminator", "\n");
	json_key_str(g, "quoteChar", "\"");
	json_key_bool(g, "doubleQuote", 1);
	json_key_bool(g, "header", 1);
	yajl_gen_map_close(g);
}

/* The CSV, a tabular data resource with its dialect and schema. */
static void
resource(yajl_gen g, const struct datapackage_input *in)
{
	const struct cat_version *v = in->v;
	char path[96];

	snprintf(path, sizeof(path), "%s.csv", in->meta->name);
	yajl_gen_map_open(g);
	json_key_str(g, "name", in->meta->name);
	json_key_str(g, "path", path);
	json_key_str(g, "type", "table");
	json_key_str(g, "profile", "tabular-data-resource");
	json_key_str(g, "scheme", "file");
	json_key_str(g, "format", "csv");
	json_key_str(g, "mediatype", "text/csv");
	json_key_str(g, "encoding", "utf-8");
	json_key_uint(g, "bytes", v->bytes);
	key_hash(g, v->sha256);
	dialect(g);
	json_str(g, "schema");
	if (in->schema_url)
		json_str(g, in->schema_url);
	else
		json_tree(g, in->schema);
	yajl_gen_map_close(g);
}

/*
 * The .csv.gz: the same rows compressed, declared as a plain data resource
 * (a file with its media type, no "format"), which v1 readers fetch as
 * bytes rather than parse as CSV ("csv" would make it a table to them),
 * and v2 readers (frictionless) read as compressed CSV by its path and
 * "compression"; "description" says what it is a copy of.
 */
static void
resource_gz(yajl_gen g, const struct datapackage_input *in)
{
	const struct cat_version *v = in->v;
	char name[96], path[96], what[160];

	snprintf(name, sizeof(name), "%s-gz", in->meta->name);
	snprintf(path, sizeof(path), "%s.csv.gz", in->meta->name);
	snprintf(what, sizeof(what), "%s.csv compressed by gzip", in->meta->name);
	yajl_gen_map_open(g);
	json_key_str(g, "name", name);
	json_key_str(g, "path", path);
	json_key_str(g, "description", what);
	json_key_str(g, "profile", "data-resource");
	json_key_str(g, "scheme", "file");
	json_key_str(g, "compression", "gz");
	json_key_str(g, "mediatype", "application/gzip");
	json_key_uint(g, "bytes", v->gz_bytes);
	key_hash(g, v->gz_sha256);
	yajl_gen_map_close(g);
}

static void
party(yajl_gen g, const struct meta_party *p, const char *role)
{
	yajl_gen_map_open(g);
	json_key_str(g, "title", p->name);
	if (p->url)
		json_key_str(g, "path", p->url);
	if (p->email)
		json_key_str(g, "email", p->email);
	json_key_str(g, "role", role);
	json_str(g, "roles");
	yajl_gen_array_open(g);
	json_str(g, role);
	yajl_gen_array_close(g);
	if (p->siret)
		json_key_str(g, "siret", p->siret);
	if (p->type)
		json_key_str(g, "publisherType", p->type);
	yajl_gen_map_close(g);
}

/*
 * What may be published of a source: a URL without its user, password and
 * fragment, and without its query (which may hold a token) unless
 * keep_query; a local file by its name alone, without the folders of the
 * machine it was read on.
 */
static void
source_shown(const char *src, int keep_query, char *out, size_t n)
{
	const char *rest, *at, *end, *slash;
	size_t scheme, len;

	if (strncasecmp(src, "http://", 7) == 0 ||
	    strncasecmp(src, "https://", 8) == 0) {
		scheme = strchr(src, ':') - src + 3;
		rest = src + scheme;
		/* The authority ends at the first / ? or #; userinfo before @. */
		end = rest + strcspn(rest, "/?#");
		at = memchr(rest, '@', (size_t)(end - rest));
		while (at && memchr(at + 1, '@', (size_t)(end - at - 1)))
			at = memchr(at + 1, '@', (size_t)(end - at - 1));
		if (at)
			rest = at + 1;
		len = keep_query ? strcspn(rest, "#") : strcspn(rest, "?#");
		snprintf(out, n, "%.*s%.*s", (int)scheme, src, (int)len, rest);
		return;
	}
	slash = strrchr(src, '/');
	if (strrchr(src, '\\') > slash)
		slash = strrchr(src, '\\');
	snprintf(out, n, "%s", slash ? slash + 1 : src);
}

/* With stable, what changes at every fetch (its time) is left out. */
static void
sources(yajl_gen g, yajl_val prov, int stable, int keep_query)
{
	static const char *const keep[] = { "format", "sha256", "bytes",
	    "encoding", "sheet", "entry", "fetched", "tool" };
	yajl_val src = json_member(prov, "source");
	char shown[4096];
	size_t i;

	if (!YAJL_IS_STRING(src))
		return;
	source_shown(src->u.string, keep_query, shown, sizeof(shown));
	json_str(g, "sources");
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	json_key_str(g, "title", shown);
	if (strncasecmp(shown, "http://", 7) == 0 ||
	    strncasecmp(shown, "https://", 8) == 0)
		json_key_str(g, "path", shown);
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		yajl_val x = json_member(prov, keep[i]);

		if (stable && (strcmp(keep[i], "fetched") == 0 ||
		    strcmp(keep[i], "tool") == 0))
			continue;
		if (x && (YAJL_IS_STRING(x) || YAJL_IS_NUMBER(x))) {
			json_str(g, keep[i]);
			json_tree(g, x);
		}
	}
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
}

int
datapackage_render(const struct datapackage_input *in, struct buf *out)
{
	const struct meta *m = in->meta;
	const struct cat_version *v = in->v;
	yajl_gen g = json_new();
	size_t i;

	if (g == NULL)
		return -1;
	yajl_gen_map_open(g);
	json_key_str(g, "$schema",
	    "https://datapackage.org/profiles/2.0/datapackage.json");
	/* Not "tabular-data-package": the .csv.gz is not a table to v1. */
	json_key_str(g, "profile", "data-package");
	json_key_str(g, "name", m->name);
	json_key_str(g, "id", v->identifier);
	json_key_str(g, "title", m->title);
	json_key_str(g, "description", m->description);
	if (m->homepage)
		json_key_str(g, "homepage", m->homepage);
	if (!in->stable) {
		json_key_str(g, "version", v->number);
		json_key_str(g, "created", v->published);
	}
	json_str(g, "licenses");
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	json_key_str(g, "name", m->license);
	if (m->license_url)
		json_key_str(g, "path", m->license_url);
	json_key_str(g, "title", m->license_title);
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
	if (in->provenance)
		sources(g, in->provenance, in->stable,
		    m->keep_source_query);
	json_str(g, "contributors");
	yajl_gen_array_open(g);
	party(g, &m->producer, "publisher");
	for (i = 0; i < m->ncontributors; i++)
		party(g, &m->contributors[i], m->contributors[i].role ?
		    m->contributors[i].role : "contributor");
	yajl_gen_array_close(g);
	if (m->nkeywords) {
		json_str(g, "keywords");
		yajl_gen_array_open(g);
		for (i = 0; i < m->nkeywords; i++)
			json_str(g, m->keywords[i]);
		yajl_gen_array_close(g);
	}
	if (m->spatial) {
		json_str(g, "spatial");
		yajl_gen_map_open(g);
		json_key_str(g, "name", m->spatial);
		if (m->spatial_code)
			json_key_str(g, "insee", m->spatial_code);
		if (m->spatial_uri)
			json_key_str(g, "uri", m->spatial_uri);
		yajl_gen_map_close(g);
	}
	if (m->temporal_start || m->temporal_end) {
		json_str(g, "temporal");
		yajl_gen_map_open(g);
		if (m->temporal_start)
			json_key_str(g, "start", m->temporal_start);
		if (m->temporal_end)
			json_key_str(g, "end", m->temporal_end);
		yajl_gen_map_close(g);
	}
	if (m->frequency)
		json_key_str(g, "frequency", m->frequency);
	if (in->themes && in->themes[0]) {
		json_str(g, "themes");
		yajl_gen_array_open(g);
		for (i = 0; in->themes[i]; i++)
			json_str(g, in->themes[i]);
		yajl_gen_array_close(g);
	}
	if (in->extent && in->extent->points) {
		const double box[4] = { in->extent->west, in->extent->south,
		    in->extent->east, in->extent->north };
		char num[32];
		int k, len;

		json_str(g, "bbox");
		yajl_gen_array_open(g);
		for (k = 0; k < 4; k++) {
			/* Seven decimals: a centimetre, as GPS gives. */
			len = snprintf(num, sizeof(num), "%.7f", box[k]);
			yajl_gen_number(g, num, (size_t)len);
		}
		yajl_gen_array_close(g);
	}
	json_str(g, "personalData");
	yajl_gen_map_open(g);
	json_key_bool(g, "contains", m->personal_data);
	if (m->legal_basis)
		json_key_str(g, "legalBasis", m->legal_basis);
	json_key_str(g, "anonymization", v->anonymization);
	if (v->anon_report_sha256[0]) {
		/* What the verdict was read from, and under which key. */
		json_str(g, "anonymizationReport");
		yajl_gen_map_open(g);
		json_key_str(g, "sha256", v->anon_report_sha256);
		if (v->anon_key_id[0])
			json_key_str(g, "keyId", v->anon_key_id);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	json_key_str(g, "validation", v->validation);
	if (!in->stable) {
		char note[256];

		json_str(g, "changes");
		yajl_gen_map_open(g);
		if (in->previous && v->compared) {
			json_key_str(g, "previous", in->previous);
			json_key_uint(g, "added", v->added);
			json_key_uint(g, "removed", v->removed);
			json_key_uint(g, "changed", v->changed);
			snprintf(note, sizeof(note), "%llu rows: %llu added, "
			    "%llu removed, %llu changed since version %s",
			    v->rows, v->added, v->removed, v->changed,
			    in->previous);
		} else if (in->previous)
			snprintf(note, sizeof(note), "%llu rows; the rows of "
			    "version %s are not compared (its key differs)",
			    v->rows, in->previous);
		else
			snprintf(note, sizeof(note), "%llu rows: first "
			    "version", v->rows);
		json_key_uint(g, "rows", v->rows);
		json_key_str(g, "note", note);
		yajl_gen_map_close(g);
	}
	json_str(g, "resources");
	yajl_gen_array_open(g);
	resource(g, in);
	if (v->gz_sha256[0])
		resource_gz(g, in);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return json_finish(g, out);
}
