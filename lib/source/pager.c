/*
 * pager.c: the pages of an API, one after the other (the next URL by each
 * kind's rule), each read by pagescan into one document; what each API
 * needs to start (an ArcGIS layer's description, a WFS's capabilities);
 * the URLs that say which API they are.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "json/json.h"
#include "schema/keyset.h"
#include "source/pagescan.h"
#include "source/pager.h"
#include "source/xmlrd.h"
#include "base/banned.h"

/* *u with name set to value (*u freed): -1 with e set on failure. */
static int
set_param(char **u, const char *name, const char *value, struct muni_err *e)
{
	char *next = *u ? http_with_param(*u, name, value, e) : NULL;

	free(*u);
	*u = next;
	return next ? 0 : -1;
}

/* The URL of the next page after s's, or NULL (the last page). */
static char *
next_url(struct scan *s, const char *url, const struct http_result *hr,
    unsigned long long *counter, struct muni_err *e)
{
	const struct pager_options *o = s->o;
	char num[32], *u;

	switch (o->kind) {
	case PAGER_NEXT:
	case PAGER_LINKS:
		if (s->next)
			return http_resolve(url, s->next, e);
		if (o->kind == PAGER_LINKS && hr->link_next[0])
			return http_resolve(url, hr->link_next, e);
		return NULL;
	case PAGER_PAGE:
		if (s->nrec == 0)
			return NULL;
		snprintf(num, sizeof(num), "%llu", ++*counter);
		return http_with_param(url, o->param, num, e);
	case PAGER_WFS:
		*counter += s->nrec;
		if (s->nrec == 0 || s->nrec < o->limit || (s->matched >= 0 &&
		    *counter - s->start >= (unsigned long long)s->matched))
			return NULL;
		snprintf(num, sizeof(num), "%llu", *counter);
		return http_with_param(url, "STARTINDEX", num, e);
	case PAGER_ARCGIS:
		if (!s->exceeded || s->nrec == 0)
			return NULL;
		*counter += s->nrec;
		snprintf(num, sizeof(num), "%llu", *counter);
		return http_with_param(url, "resultOffset", num, e);
	case PAGER_OFFSET:
		if (s->nrec == 0 || s->nrec < o->limit)
			return NULL;
		*counter += s->nrec;
		snprintf(num, sizeof(num), "%llu", *counter);
		u = http_with_param(url, o->param, num, e);
		return u;
	case PAGER_NONE:
		break;
	}
	return NULL;
}

int
pager_parse_bbox(const char *s, char out[PAGER_BBOX_MAX])
{
	double v[4];
	char *end;
	int i;

	for (i = 0; i < 4; i++) {
		errno = 0;
		v[i] = strtod(s, &end);
		if (errno || end == s || (i < 3 && *end != ',') ||
		    (i == 3 && *end != '\0') || v[i] != v[i])
			return -1;
		s = end + 1;
	}
	if (v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90 ||
	    v[0] > v[2] || v[1] > v[3])
		return -1;
	snprintf(out, PAGER_BBOX_MAX, "%.10g,%.10g,%.10g,%.10g", v[0], v[1], v[2], v[3]);
	return 0;
}

int
pager_is_ogc_items(const char *url)
{
	const char *q = strpbrk(url, "?#"), *end = q ? q : url + strlen(url);
	const char *c;

	if (end - url < 18 || strncmp(end - 6, "/items", 6) != 0)
		return 0;
	for (c = end - 7; c > url && *c != '/'; c--)
		;
	return c - url >= 12 && strncmp(c - 12, "/collections", 12) == 0;
}

int
pager_is_arcgis(const char *url)
{
	const char *q = strpbrk(url, "?#"), *end = q ? q : url + strlen(url);
	const char *p = end, *digits;

	if (end - url > 6 && strncmp(end - 6, "/query", 6) == 0)
		p = end - 6;
	digits = p;
	while (digits > url && digits[-1] >= '0' && digits[-1] <= '9')
		digits--;
	if (digits == p)
		return 0;
	return (digits - url > 15 && strncmp(digits - 15, "/FeatureServer/",
	    15) == 0) || (digits - url > 11 && strncmp(digits - 11,
	    "/MapServer/", 11) == 0);
}

/* Whether url's path (before its query) ends with suffix. */
static int
path_ends(const char *url, const char *suffix, size_t *at)
{
	const char *q = strpbrk(url, "?#"), *end = q ? q : url + strlen(url);
	size_t n = strlen(suffix);

	if ((size_t)(end - url) < n || strncmp(end - n, suffix, n) != 0)
		return 0;
	*at = (size_t)(end - url) - n;
	return 1;
}

int
pager_recognise(const char *url, struct pager_options *o, char **rewritten)
{
	const char *q = strpbrk(url, "?#");
	struct buf b;
	const char *p, *amp;
	size_t at, len;

	*rewritten = NULL;
	if (path_ends(url, "/api/3/action/datastore_search", &at)) {
		o->kind = PAGER_OFFSET;
		o->param = "offset";
		o->limit = 1000;
		o->limit_param = "limit";
		if (o->records == NULL)
			o->records = "result.records";
		o->drop = "_id";
		o->count = "result.total";
		o->ckan = 1;
		return 1;
	}
	if (!path_ends(url, "/records", &at) || strstr(url,
	    "/api/explore/v2.1/catalog/datasets/") == NULL)
		return 0;
	/* The export holds every record: no limit, no offset. */
	buf_init(&b, (size_t)1 << 20);
	buf_add(&b, url, at);
	buf_addstr(&b, "/exports/json");
	for (p = q && *q == '?' ? q + 1 : NULL; p && *p; p = amp ? amp + 1 :
	    NULL) {
		amp = strchr(p, '&');
		len = amp ? (size_t)(amp - p) : strlen(p);
		if ((len >= 6 && strncmp(p, "limit=", 6) == 0) || (len >= 7 &&
		    strncmp(p, "offset=", 7) == 0) || len == 0)
			continue;
		buf_addch(&b, strchr(b.ptr, '?') ? '&' : '?');
		buf_add(&b, p, len);
	}
	*rewritten = strndup(b.ptr, b.len);
	buf_release(&b);
	return *rewritten ? 1 : -1;
}

/*
 * An ArcGIS layer's description (url's layer, ?f=json, fetched into the
 * file page): its date fields into dates, and the URL of its first query
 * page (NULL with e set on failure).
 */
static int set_param(char **u, const char *name, const char *value,
    struct muni_err *e);

static char *
arcgis_start(const char *url, const struct http_get_options *ho, int page,
    const char *bbox, struct keyset *dates, struct muni_err *e)
{
	const char *q = strpbrk(url, "?#"), *end = q ? q : url + strlen(url);
	size_t layer_len = (size_t)(end - url);
	struct http_result hr;
	struct buf b, u;
	char err[256], num[32], *query = NULL, *next;
	yajl_val info = NULL, v, fields;
	long long max = 1000;
	size_t i;
	static const char *const defaults[][2] = {
		{ "where", "1=1" }, { "outFields", "*" },
	};

	if (layer_len > 6 && strncmp(end - 6, "/query", 6) == 0)
		layer_len -= 6;
	buf_init(&b, (size_t)4 << 20);
	buf_init(&u, (size_t)1 << 16);
	if (buf_add(&u, url, layer_len) < 0 || buf_addstr(&u, "?f=json") < 0) {
		err_nomem(e);
		goto out;
	}
	if (http_download(u.ptr, page, ho, &hr, e) < 0)
		goto out;
	if (lseek(page, 0, SEEK_SET) < 0 || fd_read_all(page, &b) < 0) {
		err_set(e, MUNI_EXIT_DATA, "'%s': the layer's description is "
		    "larger than 4 MiB, or cannot be read", u.ptr);
		goto out;
	}
	info = json_parse(b.ptr, err, sizeof(err));
	if (info == NULL || !YAJL_IS_OBJECT(info)) {
		err_set(e, MUNI_EXIT_DATA, "'%s' is not an ArcGIS layer's "
		    "description: %s", u.ptr, info ? "not an object" : err);
		goto out;
	}
	v = yajl_tree_get(info, (const char *[]){ "error", "message", NULL },
	    yajl_t_string);
	if (v) {
		err_set(e, MUNI_EXIT_IO, "'%s': the server says: %.200s", u.ptr,
		    v->u.string);
		goto out;
	}
	v = yajl_tree_get(info, (const char *[]){ "maxRecordCount", NULL },
	    yajl_t_number);
	if (v && YAJL_IS_INTEGER(v) && YAJL_GET_INTEGER(v) > 0)
		max = YAJL_GET_INTEGER(v);
	fields = yajl_tree_get(info, (const char *[]){ "fields", NULL },
	    yajl_t_array);
	for (i = 0; fields && i < fields->u.array.len; i++) {
		yajl_val f = fields->u.array.values[i];
		yajl_val name = yajl_tree_get(f, (const char *[]){ "name",
		    NULL }, yajl_t_string);
		yajl_val type = yajl_tree_get(f, (const char *[]){ "type",
		    NULL }, yajl_t_string);

		if (name && type && strcmp(type->u.string,
		    "esriFieldTypeDate") == 0 && keyset_add(dates,
		    name->u.string, strlen(name->u.string), 1) < 0) {
			err_nomem(e);
			goto out;
		}
	}
	/* The query: the user's parameters, GeoJSON, the paging's. */
	buf_reset(&u);
	buf_add(&u, url, layer_len);
	buf_addstr(&u, "/query");
	if (q && *q == '?')
		buf_addstr(&u, q);
	query = strdup(u.ptr);
	for (i = 0; query && i < 2; i++)
		if (strstr(u.ptr, defaults[i][0]) == NULL) {
			next = http_with_param(query, defaults[i][0],
			    defaults[i][1], e);
			free(query);
			query = next;
		}
	snprintf(num, sizeof(num), "%lld", max);
	if (query && (next = http_with_param(query, "f", "geojson", e))) {
		free(query);
		query = next;
	}
	if (query && (next = http_with_param(query, "resultRecordCount", num,
	    e))) {
		free(query);
		query = next;
	}
	if (query && (next = http_with_param(query, "resultOffset", "0", e))) {
		free(query);
		query = next;
	}
	if (query && bbox && (set_param(&query, "geometry", bbox, e) < 0 ||
	    set_param(&query, "geometryType", "esriGeometryEnvelope", e) < 0 ||
	    set_param(&query, "inSR", "4326", e) < 0 ||
	    set_param(&query, "spatialRel", "esriSpatialRelIntersects", e) < 0))
		query = NULL;
	if (query == NULL && e->status == MUNI_EXIT_OK)
		err_nomem(e);
out:
	yajl_tree_free(info);
	buf_release(&b);
	buf_release(&u);
	return query;
}

/* The value of parameter name (any case) in url's query, or NULL. */
static const char *
param(const char *url, const char *name, size_t *len)
{
	const char *q = strchr(url, '?'), *p, *v;
	size_t n = strlen(name);

	for (p = q; p; p = strchr(p + 1, '&'))
		if (strncasecmp(p + 1, name, n) == 0 && p[1 + n] == '=') {
			v = p + 2 + n;
			*len = strcspn(v, "&#");
			return v;
		}
	return NULL;
}

/* The number in parameter name of url's query, or def. */
static unsigned long long
param_value(const char *url, const char *name, unsigned long long def)
{
	size_t len;
	const char *v = param(url, name, &len);

	return v && *v >= '0' && *v <= '9' ? strtoull(v, NULL, 10) : def;
}

/* Whether parameter name of url's query is value, whatever their case. */
static int
param_is(const char *url, const char *name, const char *value)
{
	size_t len;
	const char *v = param(url, name, &len);

	return v && len == strlen(value) && strncasecmp(v, value, len) == 0;
}

int
pager_is_wfs(const char *url)
{
	return param_is(url, "service", "WFS") &&
	    param_is(url, "request", "GetFeature");
}

/* Whether s holds what, whatever its case. */
static int
holds(const char *s, const char *what)
{
	size_t n = strlen(what);

	for (; *s; s++)
		if (strncasecmp(s, what, n) == 0)
			return 1;
	return 0;
}

/*
 * The output format to ask a WFS for GetFeature, from its capabilities
 * (fetched into the file page): GeoJSON's (unless gml_only), else GML
 * 3.2's, else GML's, else none (NULL: the server's default, GML 3.2 for
 * WFS 2.0). *gml says whether it is GML. -1 with e set on failure.
 */
static int
wfs_format(const char *url, const struct http_get_options *ho, int page,
    int gml_only, char **fmt, int *gml, struct muni_err *e)
{
	struct xmlrd_fd c = { page, 0, NULL };
	struct http_result hr;
	struct xmlrd x;
	char *caps, *json = NULL, *gml32 = NULL, *any_gml = NULL, *attr;
	int depth_op = 0, depth_par = 0, in_value = 0, rc = -1, depth = 0;

	*fmt = NULL;
	*gml = 0;
	caps = http_with_param(url, "REQUEST", "GetCapabilities", e);
	if (caps && (attr = http_with_param(caps, "ACCEPTVERSIONS", "2.0.0",
	    e)) != NULL) {
		free(caps);
		caps = attr;
	}
	if (caps == NULL)
		return -1;
	c.file = caps;
	if (http_download(caps, page, ho, &hr, e) < 0 ||
	    xmlrd_init(&x, xmlrd_fd_read, &c, caps, NULL, e) < 0)
		goto out;
	/* ows:Operation name="GetFeature" / ows:Parameter name="outputFormat"
	 * / ows:AllowedValues / ows:Value, or the Parameter of all of them. */
	while ((rc = xmlrd_next(&x, e)) > 0) {
		int type = xmlrd_type(&x);
		const char *name = xmlrd_name(&x);

		if (type == XML_READER_TYPE_ELEMENT) {
			if (!xmlrd_empty(&x))
				depth++;
			if (strcmp(name, "Operation") == 0) {
				attr = xmlrd_attr(&x, "name");
				depth_op = attr && strcmp(attr, "GetFeature") ==
				    0 ? depth : -depth;
				xmlFree(attr);
			} else if (strcmp(name, "Parameter") == 0 &&
			    depth_op >= 0) {
				attr = xmlrd_attr(&x, "name");
				depth_par = attr && strcasecmp(attr,
				    "outputFormat") == 0 ? depth : 0;
				xmlFree(attr);
			} else if (strcmp(name, "Value") == 0 && depth_par)
				in_value = 1;
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (depth == depth_par)
				depth_par = 0;
			if (depth == depth_op || depth == -depth_op)
				depth_op = 0;
			in_value = 0;
			depth--;
		} else if (in_value && xmlrd_is_text(&x)) {
			const char *v = xmlrd_text(&x);
			char **slot = holds(v, "json") ? &json : holds(v,
			    "gml") && holds(v, "3.2") ? &gml32 : holds(v,
			    "gml") ? &any_gml : NULL;

			if (slot && *slot == NULL && (*slot = strdup(v)) ==
			    NULL) {
				err_nomem(e);
				rc = -1;
				break;
			}
		}
	}
	xmlrd_release(&x);
	if (rc < 0)
		goto out;
	rc = 0;
	if (json && !gml_only) {
		*fmt = json;
		json = NULL;
	} else {
		*gml = 1;
		*fmt = gml32 ? gml32 : any_gml;
		if (*fmt == gml32)
			gml32 = NULL;
		else
			any_gml = NULL;
	}
out:
	free(json);
	free(gml32);
	free(any_gml);
	free(caps);
	return rc;
}

/*
 * CKAN: the file of the resource of url (datastore_search's resource_id),
 * from resource_show's url, downloaded into fd; page is a scratch file.
 * 0; 1 when the resource cannot be found so (e untouched); -1 with e.
 */
static int
ckan_resource(const char *url, const struct http_get_options *ho, int page,
    int fd, struct http_result *first, struct pager_result *res,
    struct muni_err *e)
{
	static const char *const path_url[] = { "result", "url", NULL };
	static const char *const path_active[] = { "result",
	    "datastore_active", NULL };
	struct http_get_options small = *ho;
	struct http_result hr;
	struct muni_err why;
	struct buf b;
	yajl_val v = NULL, u, active;
	const char *rid;
	char err[256];
	size_t len, at;
	int rc = 1;

	if ((rid = param(url, "resource_id", &len)) == NULL || len == 0 ||
	    !path_ends(url, "datastore_search", &at))
		return 1;
	buf_init(&b, (size_t)1 << 20);
	/* resource_show?id=ID, the id as the URL has it (percent-encoded). */
	if (buf_add(&b, url, at) < 0 || buf_addstr(&b, "resource_show?id=") <
	    0 || buf_add(&b, rid, len) < 0) {
		err_nomem(e);
		rc = -1;
		goto out;
	}
	err_clear(&why);
	small.max_bytes = (unsigned long long)1 << 20;
	small.etag = small.last_modified = NULL;
	if (http_download(b.ptr, page, &small, &hr, &why) < 0)
		goto out;
	buf_reset(&b);
	if (lseek(page, 0, SEEK_SET) < 0 || fd_read_all(page, &b) < 0)
		goto out;
	v = yajl_tree_parse(b.ptr, err, sizeof(err));
	u = v ? yajl_tree_get(v, (const char **)path_url, yajl_t_string) :
	    NULL;
	active = v ? yajl_tree_get(v, (const char **)path_active,
	    yajl_t_any) : NULL;
	if (u == NULL || YAJL_GET_STRING(u) == NULL ||
	    !http_is_url(YAJL_GET_STRING(u)) || YAJL_IS_TRUE(active))
		goto out;
	if (snprintf(res->resource, sizeof(res->resource), "%s",
	    YAJL_GET_STRING(u)) >= (int)sizeof(res->resource)) {
		res->resource[0] = '\0';
		goto out;
	}
	/* The file, whole, under the run's limits and state. */
	if (http_download(res->resource, fd, ho, first, e) < 0) {
		rc = -1;
		goto out;
	}
	res->pages = 1;
	rc = 0;
out:
	if (rc == 1)
		res->resource[0] = '\0';
	yajl_tree_free(v);
	buf_release(&b);
	return rc;
}

/*
 * The first GetFeature page: GeoJSON or GML (*gml), COUNT features from
 * STARTINDEX.
 */
static char *
wfs_start(const char *url, const struct pager_options *o,
    const struct http_get_options *ho, int page, unsigned long *count,
    unsigned long long *start, int *gml, struct muni_err *e)
{
	char num[32], *fmt = NULL, *u, *next;
	const char *given;
	size_t len;

	*count = (unsigned long)param_value(url, "COUNT", o->limit ? o->limit :
	    1000);
	if (*count == 0)
		*count = 1000;
	*start = param_value(url, "STARTINDEX", 0);
	given = param(url, "OUTPUTFORMAT", &len);
	if (given) {
		char *v = strndup(given, len);

		if (v == NULL) {
			err_nomem(e);
			return NULL;
		}
		*gml = holds(v, "gml") || holds(v, "xml");
		free(v);
		if (!*gml && o->crs) {
			/* Another format's coordinates would not say their CRS. */
			err_set(e, MUNI_EXIT_USAGE, "'%s': --crs asks for GML in "
			    "that CRS, and the URL's OUTPUTFORMAT names another "
			    "format: leave OUTPUTFORMAT out", url);
			return NULL;
		}
	} else if (wfs_format(url, ho, page, o->crs != NULL, &fmt, gml,
	    e) < 0)
		return NULL;
	u = fmt ? http_with_param(url, "OUTPUTFORMAT", fmt, e) : strdup(url);
	free(fmt);
	if (u && o->crs) {
		/* EPSG:NNNN as a URN: the CRS's own axis order, said. */
		snprintf(num, sizeof(num), "%s", o->crs + 5);
		next = malloc(strlen(num) + 24);
		if (next == NULL) {
			free(u);
			err_nomem(e);
			return NULL;
		}
		snprintf(next, strlen(num) + 24, "urn:ogc:def:crs:EPSG::%s", num);
		if (set_param(&u, "SRSNAME", next, e) < 0) {
			free(next);
			return NULL;
		}
		free(next);
	}
	if (u && o->bbox) {
		char box[160];

		snprintf(box, sizeof(box), "%s,urn:ogc:def:crs:OGC:1.3:CRS84",
		    o->bbox);
		if (set_param(&u, "BBOX", box, e) < 0)
			return NULL;
	}
	/* STARTINDEX is WFS 2.0's. */
	if (u && param(u, "VERSION", &len) == NULL &&
	    (next = http_with_param(u, "VERSION", "2.0.0", e)) != NULL) {
		free(u);
		u = next;
	}
	snprintf(num, sizeof(num), "%lu", *count);
	if (u && (next = http_with_param(u, "COUNT", num, e)) != NULL) {
		free(u);
		u = next;
	}
	snprintf(num, sizeof(num), "%llu", *start);
	if (u && (next = http_with_param(u, "STARTINDEX", num, e)) != NULL) {
		free(u);
		u = next;
	}
	return u;
}

int
pager_fetch(const char *url, const struct pager_options *o,
    const struct http_get_options *ho, int fd, struct http_result *first,
    struct pager_result *res, struct muni_err *e)
{
	struct http_get_options hopt = *ho;
	struct http_result hr;
	struct scan s;
	struct keyset seen, keys, dates;
	struct buf out;
	char path[4096], limit[32], *cur = NULL, *nxt;
	unsigned long long counter = 0;
	unsigned long max = o->max_pages ? o->max_pages : PAGER_MAX_PAGES;
	unsigned long wfs_count = 0;
	unsigned long long total = 0, first_index = 0;
	struct pager_options wo;
	int page = -1, rc = -1;
	static const char head_geo[] = "{\"type\":\"FeatureCollection\","
	    "\"features\":[\n", head[] = "[\n";

	memset(res, 0, sizeof(*res));
	res->matched = -1;
	keyset_init(&seen);
	keyset_init(&keys);
	keyset_init(&dates);
	buf_init(&out, (size_t)1 << 28);
	if (pagescan_init(&s, o, &out) < 0) {
		err_nomem(e);
		goto out;
	}
	s.keys = &keys;
	/* The first page, with the paging parameters set. */
	if (o->kind == PAGER_PAGE) {
		counter = param_value(url, o->param, 1);
		snprintf(limit, sizeof(limit), "%llu", counter);
		cur = http_with_param(url, o->param, limit, e);
	} else if (o->kind == PAGER_OFFSET) {
		char *u;

		counter = param_value(url, o->param, 0);
		snprintf(limit, sizeof(limit), "%lu", o->limit);
		u = http_with_param(url, o->limit_param ? o->limit_param :
		    "limit", limit, e);
		snprintf(limit, sizeof(limit), "%llu", counter);
		cur = u ? http_with_param(u, o->param, limit, e) : NULL;
		free(u);
	} else if (o->kind != PAGER_ARCGIS && o->kind != PAGER_WFS) {
		cur = strdup(url);
		if (cur && o->bbox && set_param(&cur, "bbox", o->bbox, e) < 0)
			goto out;
	}
	page = fd_temp("muni-page", path, e);
	if (page < 0)
		goto out;
	unlink(path);
	if (o->kind == PAGER_ARCGIS) {
		cur = arcgis_start(url, &hopt, page, o->bbox, &dates, e);
		s.dates = &dates;
	} else if (o->kind == PAGER_WFS) {
		int gml = 0;
		struct gml_options go = { o->to_wgs84, o->crs };

		cur = wfs_start(url, o, &hopt, page, &wfs_count, &counter, &gml,
		    e);
		if (cur && gml && (s.gml = gml_new(&go)) == NULL) {
			free(cur);
			cur = NULL;
		}
		res->gml = s.gml != NULL;
		s.start = counter;
		wo = *o;
		wo.limit = wfs_count;
		s.o = o = &wo;
	}
	if (cur == NULL) {
		if (e->status == MUNI_EXIT_OK)
			err_nomem(e);
		goto out;
	}
	/* The records go after the document's head, written once known. */
	if (ftruncate(fd, 0) < 0 || lseek(fd, (off_t)sizeof(head_geo) - 1,
	    SEEK_SET) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write the pages");
		goto out;
	}
	for (;;) {
		if (keyset_add(&seen, cur, strlen(cur), 1) != 0) {
			err_set(e, MUNI_EXIT_DATA, "'%s': page %lu links to a "
			    "page already fetched (%s): the paging loops",
			    url, res->pages, cur);
			goto out;
		}
		if (res->pages == max) {
			err_set(e, MUNI_EXIT_DATA, "'%s': more than %lu pages "
			    "(raise the limit with --max-pages)", url, max);
			goto out;
		}
		s.page = ++res->pages;
		if (http_download(cur, page, &hopt, &hr, e) < 0) {
			if (res->pages == 1 && o->ckan && (hr.code == 404 ||
			    hr.code == 400)) {
				struct muni_err keep = *e;

				rc = ckan_resource(url, ho, page, fd, first,
				    res, e);
				if (rc == 1) {
					*e = keep;
					rc = -1;
				}
				goto out;
			}
			if (res->pages > 1) {
				size_t n = strlen(e->msg);

				snprintf(e->msg + n, sizeof(e->msg) - n, " (page "
				    "%lu: nothing is written)", res->pages);
			}
			goto out;
		}
		/* Every page within --max-download, and all of them too. */
		total += hr.bytes;
		if (total > ho->max_bytes) {
			err_set(e, MUNI_EXIT_IO, "'%s': the pages are larger "
			    "than %llu bytes in all (--max-download), at page "
			    "%lu: nothing is written", url, ho->max_bytes,
			    res->pages);
			goto out;
		}
		if (hopt.max_bytes > ho->max_bytes - total)
			hopt.max_bytes = ho->max_bytes - total;
		if (res->pages == 1) {
			*first = hr;
			if (hr.code == 304) {
				rc = 0;
				goto out;
			}
			/* Conditional on the first page only. */
			hopt.etag = hopt.last_modified = NULL;
		}
		if (pagescan_page(&s, page, cur, fd, e) < 0)
			goto out;
		if (res->pages == 1) {
			res->matched = s.estimated ? -1 : s.matched;
			res->geojson = s.geojson;
			first_index = counter;
		}
		res->records += s.nrec;
		if (o->progress)
			o->progress(o->progress_ctx, res->pages, res->records,
			    res->matched, 0);
		nxt = next_url(&s, cur, &hr, &counter, e);
		if (nxt == NULL && e->status != MUNI_EXIT_OK)
			goto out;
		free(cur);
		cur = nxt;
		if (cur == NULL)
			break;
	}
	/* From an offset (STARTINDEX, offset), the records after it. */
	if (o->kind != PAGER_WFS && o->kind != PAGER_OFFSET)
		first_index = 0;
	if (res->matched >= 0 && (first_index > (unsigned long long)
	    res->matched ? 0 : (unsigned long long)res->matched -
	    first_index) != res->records) {
		char from[48] = "";

		if (first_index)
			snprintf(from, sizeof(from), " from offset %llu",
			    first_index);
		err_set(e, MUNI_EXIT_DATA, "'%s': the server said %lld records "
		    "match (%s), %llu came in %lu pages%s", url, res->matched,
		    o->count ? o->count : "numberMatched", res->records,
		    res->pages, from);
		goto out;
	}
	if (s.gml) {
		snprintf(res->crs, sizeof(res->crs), "%s", gml_crs(s.gml) ?
		    gml_crs(s.gml) : "");
		res->projected = gml_projected(s.gml);
	}
	if (pagescan_drain(&out, fd, 1) < 0 || fd_write_full(fd, res->geojson ?
	    "]}\n" : "]\n", res->geojson ? 3 : 2) < 0 ||
	    lseek(fd, 0, SEEK_SET) < 0 ||
	    fd_write_full(fd, "                                          ",
	    sizeof(head_geo) - 1) < 0 || lseek(fd, 0, SEEK_SET) < 0 ||
	    fd_write_full(fd, res->geojson ? head_geo : head,
	    res->geojson ? sizeof(head_geo) - 1 : sizeof(head) - 1) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write the pages");
		goto out;
	}
	if (o->progress)
		o->progress(o->progress_ctx, res->pages, res->records,
		    res->matched, 1);
	rc = 0;
out:
	if (page >= 0)
		close(page);
	free(cur);
	gml_free(s.gml);
	pagescan_release(&s);
	keyset_release(&seen);
	keyset_release(&keys);
	keyset_release(&dates);
	buf_release(&out);
	return rc;
}

char **
pager_read_headers(const char *file, size_t *n, struct muni_err *e)
{
	struct stat st;
	struct buf b;
	char **v = NULL, *p, *line, *end;
	size_t count = 0, i;
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	*n = 0;
	if (fd < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot open '%s'", file);
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' is not a file", file);
		close(fd);
		return NULL;
	}
	if (st.st_mode & 077) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' holds credentials and others "
		    "can read it (mode %03o): make it the owner's alone with "
		    "chmod 600 '%s'", file, (unsigned)(st.st_mode & 0777),
		    file);
		close(fd);
		return NULL;
	}
	buf_init(&b, PAGER_MAX_HEADERS);
	if (fd_read_all(fd, &b) < 0) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' is larger than %d bytes, or "
		    "cannot be read", file, PAGER_MAX_HEADERS);
		goto fail;
	}
	/* One block: the pointers, then the lines. */
	for (i = 0; i < b.len; i++)
		count += b.ptr[i] == '\n';
	v = malloc((count + 2) * sizeof(*v) + b.len + 1);
	if (v == NULL) {
		err_nomem(e);
		goto fail;
	}
	p = (char *)(v + count + 2);
	memcpy(p, b.ptr, b.len + 1);
	for (line = p; line && *line; line = end ? end + 1 : NULL) {
		end = strchr(line, '\n');
		if (end)
			*end = '\0';
		if (end > line && end[-1] == '\r')
			end[-1] = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		if (strchr(line, ':') == NULL || strchr(line, '\r') ||
		    line[0] == ' ' || line[0] == ':') {
			err_set(e, MUNI_EXIT_USAGE, "'%s': a line is not "
			    "\"Name: value\" (the value is not shown)", file);
			goto fail;
		}
		v[(*n)++] = line;
	}
	buf_release(&b);
	close(fd);
	return v;
fail:
	free(v);
	*n = 0;
	buf_release(&b);
	close(fd);
	return NULL;
}
