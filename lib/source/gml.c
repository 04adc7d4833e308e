/* gml.c: see gml.h. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yajl/yajl_gen.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "schema/keyset.h"
#include "source/gml.h"
#include "source/xmlrd.h"
#include "transform/reproject.h"
#include "base/banned.h"

#define CACHE 8

/* What an open element is. */
enum role {
	R_SKIP,		/* its content is not read */
	R_COLLECTION,	/* a FeatureCollection */
	R_MEMBER,	/* a member of one: its child is a feature */
	R_BOUNDS,	/* the collection's boundedBy: its envelope's srsName */
	R_FEATURE,
	R_PROP,		/* a property: its text */
	R_GEOMPROP,	/* a property holding a geometry */
	R_GEOM,		/* a geometry: nodes[node] */
	R_WRAP,		/* exterior, pointMember...: nothing of its own */
	R_POS,		/* pos, posList, coordinates: their text */
	R_EXCEPTION	/* an exception report: its text is the message */
};

/* Geometry nodes. */
enum kind { G_POINT, G_LINE, G_RING, G_POLYGON, G_SURFACE, G_MPOINT,
    G_MLINE, G_MPOLYGON, G_COLLECTION };

struct level {
	enum role role;
	int node;		/* R_GEOM: its node; R_POS: the node fed */
	int srs;		/* index in the cache + 1, 0: none said */
	int dims;		/* srsDimension, 0: none said */
	int segment;		/* a Curve's segment, before its first position */
};

struct gnode {
	enum kind kind;
	int first, last, next;	/* children, in order; -1: none */
	size_t pos, npos;	/* positions: pos[2 * pos ...] */
	int srs;
};

struct prop {
	size_t name, nlen;	/* in the arena */
	size_t val, vlen;	/* in the arena */
	int kind;		/* 's' string, 'n' null, 'g' geometry */
	int node;		/* 'g': the geometry's root */
	int first;		/* the first property of that name */
	int next_same, last_same;	/* the others, -1: none */
};

struct crs_entry {
	int code;		/* EPSG code; 0: CRS84 */
	int swap;		/* coordinates latitude (northing) first */
	struct reproject *r;
};

struct gml {
	struct gml_options o;
	struct crs_entry cache[CACHE];
	int ncache;
	int out_srs;		/* the CRS written: cache index + 1, 0 none */
	char geom_name[256];	/* the geometry's property, once seen */
	char crs[32];
	/* The page. */
	struct xmlrd x;
	struct xmlrd_fd in;
	const char *label;
	struct level st[XMLRD_MAX_DEPTH + 2];
	int depth;
	int page_srs;
	struct buf ex;		/* an exception's text */
	/* The feature. */
	struct buf arena;
	struct buf text;	/* coordinates being read */
	struct prop *props;
	size_t nprops, capprops;
	struct gnode *nodes;
	size_t nnodes, capnodes;
	double *pos;
	size_t npos, cappos;	/* positions (pairs of doubles) */
	struct keyset names;
	yajl_gen gen;
	struct muni_err *e;
};

struct gml *
gml_new(const struct gml_options *o)
{
	struct gml *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	g->o = *o;
	buf_init(&g->arena, GML_MAX_FEATURE);
	buf_init(&g->text, XMLRD_MAX_TEXT + 1);
	buf_init(&g->ex, 4096);
	keyset_init(&g->names);
	return g;
}

void
gml_free(struct gml *g)
{
	int i;

	if (g == NULL)
		return;
	for (i = 0; i < g->ncache; i++)
		reproject_free(g->cache[i].r);
	buf_release(&g->arena);
	buf_release(&g->text);
	buf_release(&g->ex);
	keyset_release(&g->names);
	free(g->props);
	free(g->nodes);
	free(g->pos);
	free(g);
}

const char *
gml_crs(const struct gml *g)
{
	return g->crs[0] ? g->crs : NULL;
}

int
gml_projected(const struct gml *g)
{
	return !g->o.to_wgs84 && g->out_srs && g->cache[g->out_srs - 1].r &&
	    !reproject_geographic(g->cache[g->out_srs - 1].r);
}

static int fail(struct gml *g, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An error at the reader's line: -1. */
static int
fail(struct gml *g, int status, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	err_set(g->e, status, "'%s', line %d: %s", g->label,
	    xmlrd_line(&g->x), what);
	return -1;
}

static int
nomem(struct gml *g)
{
	err_nomem(g->e);
	return -1;
}

/* The feature within GML_MAX_FEATURE. */
static int
too_large(struct gml *g)
{
	if (g->arena.len + g->npos * 2 * sizeof(double) + g->nnodes *
	    sizeof(struct gnode) + g->nprops * sizeof(struct prop) <=
	    GML_MAX_FEATURE)
		return 0;
	err_set(g->e, MUNI_EXIT_DATA, "'%s', line %d: a feature is larger "
	    "than %zu MiB", g->label, xmlrd_line(&g->x), GML_MAX_FEATURE >> 20);
	return 1;
}

/*
 * An srsName: its EPSG code (CRS84: 0) and whether its coordinates come
 * in the CRS's own axis order; -1 when it is none of the forms known.
 */
static int
parse_srs(const char *s, int *code, int *authority)
{
	static const char *const own[] = { "urn:ogc:def:crs:EPSG:",
	    "urn:x-ogc:def:crs:EPSG:", "http://www.opengis.net/def/crs/EPSG/",
	    "https://www.opengis.net/def/crs/EPSG/" };
	static const char *const xy[] = { "EPSG:",
	    "http://www.opengis.net/gml/srs/epsg.xml#" };
	const char *p = NULL, *digits;
	char *end;
	long v;
	size_t i;

	if (strstr(s, "CRS84") && (strncmp(s, "urn:ogc:def:crs:OGC:", 20) ==
	    0 || strstr(s, "opengis.net/def/crs/OGC/") || strcmp(s, "CRS84") ==
	    0)) {
		*code = 0;
		*authority = 0;
		return 0;
	}
	for (i = 0; p == NULL && i < sizeof(own) / sizeof(*own); i++)
		if (strncasecmp(s, own[i], strlen(own[i])) == 0) {
			p = s + strlen(own[i]);
			*authority = 1;
		}
	for (i = 0; p == NULL && i < sizeof(xy) / sizeof(*xy); i++)
		if (strncasecmp(s, xy[i], strlen(xy[i])) == 0) {
			p = s + strlen(xy[i]);
			*authority = 0;
		}
	if (p == NULL)
		return -1;
	/* The code is the last part: EPSG::4326, EPSG:6.6:4326, EPSG/0/4326. */
	digits = p + strlen(p);
	while (digits > p && digits[-1] >= '0' && digits[-1] <= '9')
		digits--;
	if (*digits == '\0' || digits - p > 16)
		return -1;
	errno = 0;
	v = strtol(digits, &end, 10);
	if (errno || *end || v <= 0 || v > 999999)
		return -1;
	*code = (int)v;
	return 0;
}

/* The CRS of an srsName, as an index in the cache + 1: 0 and e set. */
static int
crs_of(struct gml *g, const char *name)
{
	char def[32], why[512];
	int code, authority, i;
	struct crs_entry *c;

	if (parse_srs(name, &code, &authority) < 0) {
		fail(g, MUNI_EXIT_DATA, "the srsName '%s' is not an EPSG code "
		    "(urn:ogc:def:crs:EPSG::2154, EPSG:2154) or CRS84", name);
		return 0;
	}
	for (i = 0; i < g->ncache; i++)
		if (g->cache[i].code == code && (code == 0 ||
		    g->cache[i].swap == (authority &&
		    reproject_north_first(g->cache[i].r))))
			return i + 1;
	if (g->ncache == CACHE) {
		fail(g, MUNI_EXIT_DATA, "more than 8 CRSs in one answer (%s)",
		    name);
		return 0;
	}
	c = &g->cache[g->ncache];
	memset(c, 0, sizeof(*c));
	c->code = code;
	snprintf(def, sizeof(def), "EPSG:%d", code ? code : 4326);
	c->r = reproject_new(def, why, sizeof(why));
	if (c->r == NULL) {
		fail(g, MUNI_EXIT_DATA, "%s", why);
		return 0;
	}
	c->swap = code != 0 && authority && reproject_north_first(c->r);
	return ++g->ncache;
}

/* The element's srsName and srsDimension, else its parent's. */
static int
inherit(struct gml *g, struct level *l, const struct level *up)
{
	char *v;

	l->srs = up ? up->srs : 0;
	l->dims = up ? up->dims : 0;
	if ((v = xmlrd_attr(&g->x, "srsName")) != NULL) {
		l->srs = crs_of(g, v);
		xmlFree(v);
		if (l->srs == 0)
			return -1;
	}
	if ((v = xmlrd_attr(&g->x, "srsDimension")) != NULL) {
		l->dims = v[0] >= '2' && v[0] <= '4' && v[1] == '\0' ?
		    v[0] - '0' : -1;
		xmlFree(v);
		if (l->dims < 0)
			return fail(g, MUNI_EXIT_DATA, "srsDimension is not 2, "
			    "3 or 4");
	}
	return 0;
}

static int
new_node(struct gml *g, enum kind kind, int parent, int srs)
{
	struct gnode *n;

	if (g->nnodes == g->capnodes) {
		size_t cap = g->capnodes ? 2 * g->capnodes : 16;
		struct gnode *p = realloc(g->nodes, cap * sizeof(*p));

		if (p == NULL)
			return nomem(g);
		g->nodes = p;
		g->capnodes = cap;
	}
	n = &g->nodes[g->nnodes];
	n->kind = kind;
	n->first = n->last = n->next = -1;
	n->pos = g->npos;
	n->npos = 0;
	n->srs = srs;
	if (parent >= 0) {
		struct gnode *up = &g->nodes[parent];

		if (up->last >= 0)
			g->nodes[up->last].next = (int)g->nnodes;
		else
			up->first = (int)g->nnodes;
		up->last = (int)g->nnodes;
	}
	if (too_large(g))
		return -1;
	return (int)g->nnodes++;
}

/* A geometry element's kind, by its local name: -1 when not one. */
static int
geometry_kind(const char *name)
{
	static const struct {
		const char *name;
		enum kind kind;
	} k[] = {
		{ "Point", G_POINT }, { "LineString", G_LINE },
		{ "Curve", G_LINE }, { "LinearRing", G_RING },
		{ "Polygon", G_POLYGON }, { "PolygonPatch", G_POLYGON },
		{ "Surface", G_SURFACE }, { "MultiPoint", G_MPOINT },
		{ "MultiCurve", G_MLINE }, { "MultiLineString", G_MLINE },
		{ "MultiSurface", G_MPOLYGON }, { "MultiPolygon", G_MPOLYGON },
		{ "MultiGeometry", G_COLLECTION },
	};
	size_t i;

	for (i = 0; i < sizeof(k) / sizeof(*k); i++)
		if (strcmp(name, k[i].name) == 0)
			return (int)k[i].kind;
	return -1;
}

/* Whether a node of kind child may be in one of kind parent. */
static int
fits(enum kind parent, enum kind child)
{
	switch (parent) {
	case G_POLYGON:
		return child == G_RING;
	case G_SURFACE:
		return child == G_POLYGON;
	case G_MPOINT:
		return child == G_POINT;
	case G_MLINE:
		return child == G_LINE;
	case G_MPOLYGON:
		return child == G_POLYGON || child == G_SURFACE;
	case G_COLLECTION:
		return child != G_RING;
	default:
		return 0;
	}
}

/* Elements in a geometry that only hold others. */
static int
is_wrapper(const char *name)
{
	static const char *const w[] = { "exterior", "interior",
	    "outerBoundaryIs", "innerBoundaryIs", "pointMember",
	    "pointMembers", "curveMember", "curveMembers", "lineStringMember",
	    "surfaceMember", "surfaceMembers", "polygonMember",
	    "geometryMember", "geometryMembers", "patches", "segments" };
	size_t i;

	for (i = 0; i < sizeof(w) / sizeof(*w); i++)
		if (strcmp(name, w[i]) == 0)
			return 1;
	return 0;
}

/* A number of a position: 0, or -1 when it is not a finite one. */
static int
number(const char *t, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(t, &end);
	return *t == '\0' || *end || errno == ERANGE || !isfinite(*v) ? -1 : 0;
}

/*
 * The coordinates read (g->text) appended to the node's positions; up is
 * the element that holds them.
 */
static int
positions(struct gml *g, const struct level *l, struct level *up, int gml2)
{
	struct gnode *n = &g->nodes[l->node];
	const struct crs_entry *c = l->srs ? &g->cache[l->srs - 1] : NULL;
	int dims = l->dims ? l->dims : 2, k = 0, srs = l->srs;
	double tuple[4];
	char *p = g->text.ptr, *tok, *save = NULL;
	const char *sep = gml2 ? ", \t\r\n" : " \t\r\n";

	if (g->text.len == 0)
		return 0;
	if (gml2)
		dims = 2;
	if (c == NULL && g->o.to_wgs84)
		return fail(g, MUNI_EXIT_DATA, "coordinates without srsName "
		    "cannot be reprojected: name their CRS with --crs");
	if (g->out_srs == 0 && c) {
		g->out_srs = srs;
		snprintf(g->crs, sizeof(g->crs), "EPSG:%d", c->code ? c->code :
		    4326);
	} else if (!g->o.to_wgs84 && g->out_srs && srs != g->out_srs &&
	    (c == NULL || c->code != g->cache[g->out_srs - 1].code))
		return fail(g, MUNI_EXIT_DATA, "features in two CRSs (%s and "
		    "another): reproject them with --to-wgs84", g->crs);
	for (tok = strtok_r(p, sep, &save); tok; tok = strtok_r(NULL, sep,
	    &save)) {
		if (number(tok, &tuple[k]) < 0)
			return fail(g, MUNI_EXIT_DATA, "'%.40s' is not a "
			    "coordinate", tok);
		if (++k < dims)
			continue;
		k = 0;
		if (g->npos == g->cappos) {
			size_t cap = g->cappos ? 2 * g->cappos : 256;
			double *q = realloc(g->pos, cap * 2 * sizeof(*q));

			if (q == NULL)
				return nomem(g);
			g->pos = q;
			g->cappos = cap;
		}
		{
			double x = c && c->swap ? tuple[1] : tuple[0];
			double y = c && c->swap ? tuple[0] : tuple[1];
			char why[512];

			if (g->o.to_wgs84 && c->code != 0 && c->code != 4326 &&
			    reproject_point(c->r, x, y, &x, &y, why,
			    sizeof(why)) < 0)
				return fail(g, MUNI_EXIT_DATA, "%s", why);
			/* A Curve's segments join: their common point once. */
			if (up->segment && n->npos > 0 &&
			    g->pos[2 * (g->npos - 1)] == x &&
			    g->pos[2 * g->npos - 1] == y) {
				up->segment = 0;
				continue;
			}
			up->segment = 0;
			g->pos[2 * g->npos] = x;
			g->pos[2 * g->npos + 1] = y;
			g->npos++;
			n->npos++;
		}
		if (too_large(g))
			return -1;
	}
	if (k != 0)
		return fail(g, MUNI_EXIT_DATA, "a position has fewer than "
		    "srsDimension (%d) numbers", dims);
	if (n->kind == G_POINT && n->npos > 1)
		return fail(g, MUNI_EXIT_DATA, "a Point has more than one "
		    "position");
	return 0;
}

/* Write one coordinate. */
static int
coord(struct gml *g, double v)
{
	char t[64];
	int p;

	if (g->o.to_wgs84)
		reproject_degrees(v, 7, t);
	else
		for (p = 15; p <= 17; p++) {
			snprintf(t, sizeof(t), "%.*g", p, v);
			if (strtod(t, NULL) == v)
				break;
		}
	return yajl_gen_number(g->gen, t, strlen(t)) == yajl_gen_status_ok ?
	    0 : -1;
}

static int
position(struct gml *g, size_t i)
{
	return yajl_gen_array_open(g->gen) != yajl_gen_status_ok ||
	    coord(g, g->pos[2 * i]) < 0 || coord(g, g->pos[2 * i + 1]) < 0 ||
	    yajl_gen_array_close(g->gen) != yajl_gen_status_ok ? -1 : 0;
}

/* A node's coordinates, as GeoJSON's. */
static int
coordinates(struct gml *g, int k)
{
	const struct gnode *n = &g->nodes[k];
	size_t i;
	int c;

	if (n->kind == G_POINT)
		return n->npos ? position(g, n->pos) : yajl_gen_array_open(
		    g->gen) || yajl_gen_array_close(g->gen) ? -1 : 0;
	if (yajl_gen_array_open(g->gen) != yajl_gen_status_ok)
		return -1;
	if (n->kind == G_LINE || n->kind == G_RING)
		for (i = 0; i < n->npos; i++) {
			if (position(g, n->pos + i) < 0)
				return -1;
		}
	else if (n->kind == G_SURFACE && n->first >= 0 &&
	    g->nodes[n->first].next < 0) {
		/* A Surface of one patch is a Polygon. */
		for (c = g->nodes[n->first].first; c >= 0; c = g->nodes[c].next)
			if (coordinates(g, c) < 0)
				return -1;
	} else
		for (c = n->first; c >= 0; c = g->nodes[c].next) {
			if (g->nodes[c].kind == G_SURFACE &&
			    n->kind == G_MPOLYGON) {
				int p;

				/* Its patches, each a polygon. */
				for (p = g->nodes[c].first; p >= 0;
				    p = g->nodes[p].next)
					if (coordinates(g, p) < 0)
						return -1;
			} else if (coordinates(g, c) < 0)
				return -1;
		}
	return yajl_gen_array_close(g->gen) == yajl_gen_status_ok ? 0 : -1;
}

static int
geometry(struct gml *g, int k)
{
	static const char *const names[] = { "Point", "LineString",
	    "LineString", "Polygon", "MultiPolygon", "MultiPoint",
	    "MultiLineString", "MultiPolygon", "GeometryCollection" };
	const struct gnode *n = &g->nodes[k];
	const char *type = names[n->kind];
	int c;

	if (n->kind == G_SURFACE && n->first >= 0 && g->nodes[n->first].next <
	    0)
		type = "Polygon";
	if (yajl_gen_map_open(g->gen) != yajl_gen_status_ok ||
	    yajl_gen_string(g->gen, (const unsigned char *)"type", 4) ||
	    yajl_gen_string(g->gen, (const unsigned char *)type, strlen(type)))
		return -1;
	if (n->kind == G_COLLECTION) {
		if (yajl_gen_string(g->gen, (const unsigned char *)"geometries",
		    10) || yajl_gen_array_open(g->gen))
			return -1;
		for (c = n->first; c >= 0; c = g->nodes[c].next)
			if (geometry(g, c) < 0)
				return -1;
		if (yajl_gen_array_close(g->gen))
			return -1;
	} else if (yajl_gen_string(g->gen, (const unsigned char *)
	    "coordinates", 11) || coordinates(g, k) < 0)
		return -1;
	return yajl_gen_map_close(g->gen) == yajl_gen_status_ok ? 0 : -1;
}

/* A property's value. */
static int
value(struct gml *g, const struct prop *p)
{
	if (p->kind == 'n')
		return yajl_gen_null(g->gen) == yajl_gen_status_ok ? 0 : -1;
	if (p->kind == 'g')
		return geometry(g, p->node);
	return yajl_gen_string(g->gen, (const unsigned char *)g->arena.ptr +
	    p->val, p->vlen) == yajl_gen_status_ok ? 0 : -1;
}

static void
feature_reset(struct gml *g)
{
	g->nprops = g->nnodes = g->npos = 0;
	buf_reset(&g->arena);
	if (g->names.count) {
		keyset_release(&g->names);
		keyset_init(&g->names);
	}
}

/* The feature read, written: 0, or -1 with e set. */
static int
feature_end(struct gml *g, gml_key_fn *key, gml_feature_fn *feature,
    void *ctx)
{
	const unsigned char *json;
	size_t i, n;
	int geom = -1, j;

	/* The geometry: the property of the name the first one had. */
	for (i = 0; i < g->nprops; i++) {
		const struct prop *p = &g->props[i];

		if (p->kind != 'g' || p->first != (int)i || p->next_same >= 0)
			continue;
		if (g->geom_name[0] == '\0' && p->nlen < sizeof(g->geom_name))
			memcpy(g->geom_name, g->arena.ptr + p->name, p->nlen);
		if (strlen(g->geom_name) == p->nlen && memcmp(g->geom_name,
		    g->arena.ptr + p->name, p->nlen) == 0) {
			geom = (int)i;
			break;
		}
	}
	yajl_gen_reset(g->gen, NULL);
	yajl_gen_clear(g->gen);
	if (yajl_gen_map_open(g->gen) || yajl_gen_string(g->gen,
	    (const unsigned char *)"type", 4) || yajl_gen_string(g->gen,
	    (const unsigned char *)"Feature", 7) || yajl_gen_string(g->gen,
	    (const unsigned char *)"properties", 10) ||
	    yajl_gen_map_open(g->gen))
		return nomem(g);
	for (i = 0; i < g->nprops; i++) {
		const struct prop *p = &g->props[i];

		if ((int)i == geom || p->first != (int)i)
			continue;
		if (key && key(ctx, g->arena.ptr + p->name, p->nlen) < 0)
			return -1;
		if (yajl_gen_string(g->gen, (const unsigned char *)g->arena.ptr +
		    p->name, p->nlen))
			return nomem(g);
		if (p->next_same < 0) {
			if (value(g, p) < 0)
				return nomem(g);
			continue;
		}
		if (yajl_gen_array_open(g->gen))
			return nomem(g);
		for (j = (int)i; j >= 0; j = g->props[j].next_same)
			if (value(g, &g->props[j]) < 0)
				return nomem(g);
		if (yajl_gen_array_close(g->gen))
			return nomem(g);
	}
	if (yajl_gen_map_close(g->gen) || yajl_gen_string(g->gen,
	    (const unsigned char *)"geometry", 8) || (geom >= 0 ?
	    geometry(g, g->props[geom].node) < 0 : yajl_gen_null(g->gen) !=
	    yajl_gen_status_ok) || yajl_gen_map_close(g->gen))
		return nomem(g);
	yajl_gen_get_buf(g->gen, &json, &n);
	return feature(ctx, json, n);
}

/* A property begins: its name in the arena, linked to its namesakes. */
static int
prop_start(struct gml *g, const char *name)
{
	struct prop *p;
	size_t n = strlen(name);
	long long had;
	char *nil;

	if (g->nprops == g->capprops) {
		size_t cap = g->capprops ? 2 * g->capprops : 32;
		struct prop *q = realloc(g->props, cap * sizeof(*q));

		if (q == NULL)
			return nomem(g);
		g->props = q;
		g->capprops = cap;
	}
	p = &g->props[g->nprops];
	memset(p, 0, sizeof(*p));
	p->name = g->arena.len;
	p->nlen = n;
	if (buf_add(&g->arena, name, n) < 0)
		return too_large(g) ? -1 : nomem(g);
	p->val = g->arena.len;
	nil = xmlrd_attr(&g->x, "nil");
	p->kind = nil && strcmp(nil, "true") == 0 ? 'n' : 's';
	xmlFree(nil);
	p->next_same = p->last_same = -1;
	had = keyset_add(&g->names, name, n, g->nprops + 1);
	if (had < 0)
		return nomem(g);
	p->first = had ? (int)had - 1 : (int)g->nprops;
	if (had) {
		struct prop *f = &g->props[p->first];

		if (f->last_same >= 0)
			g->props[f->last_same].next_same = (int)g->nprops;
		else
			f->next_same = (int)g->nprops;
		f->last_same = (int)g->nprops;
	}
	g->nprops++;
	return too_large(g) ? -1 : 0;
}

/* Whether the text s[0..n) is blanks only. */
static int
blank(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return n == 0;
}

/* An element opens in the geometry of level up. */
static int
geometry_element(struct gml *g, struct level *l, const struct level *up,
    const char *name)
{
	char *cs, *ts, *dec;

	int kind = geometry_kind(name), parent = up->node;

	if (inherit(g, l, up) < 0)
		return -1;
	if (kind >= 0) {
		if (parent >= 0 && !fits(g->nodes[parent].kind, (enum kind)kind))
			return fail(g, MUNI_EXIT_DATA, "a %s where the geometry "
			    "does not have one", name);
		l->role = R_GEOM;
		l->node = new_node(g, (enum kind)kind, parent, l->srs);
		return l->node < 0 ? -1 : 0;
	}
	l->node = parent;
	if (is_wrapper(name)) {
		l->role = R_WRAP;
		return 0;
	}
	if (strcmp(name, "LineStringSegment") == 0 && parent >= 0 &&
	    g->nodes[parent].kind == G_LINE) {
		/* A Curve's segment: its positions are the Curve's. */
		l->role = R_WRAP;
		l->segment = 1;
		return 0;
	}
	if ((strcmp(name, "pos") == 0 || strcmp(name, "posList") == 0 ||
	    strcmp(name, "coordinates") == 0) && parent >= 0) {
		enum kind k = g->nodes[parent].kind;

		if (k != G_POINT && k != G_LINE && k != G_RING)
			return fail(g, MUNI_EXIT_DATA, "a %s where the geometry "
			    "has no positions", name);
		l->role = R_POS;
		buf_reset(&g->text);
		if (strcmp(name, "coordinates") != 0)
			return 0;
		/* GML 2's separators: the defaults only. */
		cs = xmlrd_attr(&g->x, "cs");
		ts = xmlrd_attr(&g->x, "ts");
		dec = xmlrd_attr(&g->x, "decimal");
		l->dims = (cs && strcmp(cs, ",") != 0) || (ts && !blank(ts,
		    strlen(ts))) || (dec && strcmp(dec, ".") != 0) ? -1 : 2;
		xmlFree(cs);
		xmlFree(ts);
		xmlFree(dec);
		if (l->dims < 0)
			return fail(g, MUNI_EXIT_DATA, "coordinates with "
			    "separators other than ',' and ' ' (cs, ts, "
			    "decimal) are not read");
		return 0;
	}
	if (strcmp(name, "name") == 0 || strcmp(name, "description") == 0 ||
	    strcmp(name, "identifier") == 0 ||
	    strcmp(name, "metaDataProperty") == 0) {
		l->role = R_SKIP;
		return 0;
	}
	return fail(g, MUNI_EXIT_DATA, "the GML element %s is not read (curved "
	    "and composite geometries, solids: ask the server for another "
	    "output, or simplify the geometry)", name);
}

/* An element opens: its role, from its name and its parent's. */
static int
element(struct gml *g, struct level *l, struct level *up, const char *name,
    struct gml_page *res)
{
	char *v;

	l->node = -1;
	l->srs = up ? up->srs : g->page_srs;
	l->dims = 0;
	l->segment = 0;
	l->role = R_SKIP;
	if (up == NULL) {
		if (strcmp(name, "ExceptionReport") == 0 ||
		    strcmp(name, "ServiceExceptionReport") == 0) {
			l->role = R_EXCEPTION;
			return 0;
		}
		if (strcmp(name, "FeatureCollection") != 0)
			return fail(g, MUNI_EXIT_DATA, "the answer is a %s, not "
			    "a WFS FeatureCollection", name);
		l->role = R_COLLECTION;
		if ((v = xmlrd_attr(&g->x, "numberMatched")) != NULL) {
			char *end;
			long long m;

			errno = 0;
			m = strtoll(v, &end, 10);
			if (!errno && *v && !*end && m >= 0)
				res->matched = m;
			xmlFree(v);
		}
		return 0;
	}
	switch (up->role) {
	case R_EXCEPTION:
		l->role = R_EXCEPTION;
		return 0;
	case R_COLLECTION:
		if (strcmp(name, "member") == 0 ||
		    strcmp(name, "featureMember") == 0 ||
		    strcmp(name, "featureMembers") == 0)
			l->role = R_MEMBER;
		else if (strcmp(name, "boundedBy") == 0)
			l->role = R_BOUNDS;
		else if (strcmp(name, "truncatedResponse") == 0)
			return fail(g, MUNI_EXIT_DATA, "the server cut its answer "
			    "short (%s): ask for fewer features a page",
			    "wfs:truncatedResponse");
		return 0;
	case R_BOUNDS:
		if (strcmp(name, "Envelope") == 0 &&
		    (v = xmlrd_attr(&g->x, "srsName")) != NULL) {
			g->page_srs = crs_of(g, v);
			xmlFree(v);
			if (g->page_srs == 0)
				return -1;
		}
		return 0;
	case R_MEMBER:
		if (strcmp(name, "FeatureCollection") == 0)
			l->role = R_COLLECTION;
		else if (strcmp(name, "Tuple") == 0 ||
		    strcmp(name, "SimpleFeatureCollection") == 0)
			return fail(g, MUNI_EXIT_DATA, "the answer holds %ss "
			    "(a join): ask for one type of features", name);
		else {
			l->role = R_FEATURE;
			l->srs = g->page_srs;
			feature_reset(g);
		}
		return 0;
	case R_FEATURE:
		if (strcmp(name, "boundedBy") == 0)
			return 0;
		l->role = R_PROP;
		return prop_start(g, name);
	case R_PROP: {
		struct prop *p = &g->props[g->nprops - 1];

		if (geometry_kind(name) < 0 || !blank(g->arena.ptr + p->val,
		    g->arena.len - p->val))
			return fail(g, MUNI_EXIT_DATA, "the property %s holds "
			    "elements that are not a geometry (a complex "
			    "feature): ask the server for simple features",
			    g->arena.ptr + p->name);
		g->arena.len = p->val;
		p->kind = 'g';
		up->role = R_GEOMPROP;
		up->node = -1;
		if (geometry_element(g, l, up, name) < 0)
			return -1;
		p->node = l->node;
		return 0;
	}
	case R_GEOMPROP:
		return fail(g, MUNI_EXIT_DATA, "a property holds two geometries "
		    "(the second a %s)", name);
	case R_GEOM:
	case R_WRAP:
		return geometry_element(g, l, up, name);
	case R_POS:
		return fail(g, MUNI_EXIT_DATA, "an element (%s) in coordinates",
		    name);
	default:
		return 0;
	}
}

/* Text in the element of level l. */
static int
text(struct gml *g, struct level *l)
{
	const char *t = xmlrd_text(&g->x);
	size_t n = strlen(t);

	switch (l->role) {
	case R_PROP:
		if (g->props[g->nprops - 1].kind == 'n')
			return 0;
		if (buf_add(&g->arena, t, n) < 0)
			return too_large(g) ? -1 : nomem(g);
		return too_large(g) ? -1 : 0;
	case R_POS:
		if (buf_add(&g->text, t, n) < 0)
			return fail(g, MUNI_EXIT_DATA, "coordinates longer than "
			    "%d bytes", XMLRD_MAX_TEXT);
		return 0;
	case R_EXCEPTION:
		if (g->ex.len < 1000 && !blank(t, n))
			buf_addf(&g->ex, "%s%.*s", g->ex.len ? " " : "",
			    (int)(n < 1000 ? n : 1000), t);
		return 0;
	case R_GEOM:
	case R_WRAP:
	case R_GEOMPROP:
		if (!blank(t, n))
			return fail(g, MUNI_EXIT_DATA, "text ('%.40s') in a "
			    "geometry", t);
		return 0;
	default:
		return 0;
	}
}

/* The element of level l, in up, closes. */
static int
element_end(struct gml *g, struct level *l, struct level *up,
    const char *name, gml_key_fn *key, gml_feature_fn *feature, void *ctx,
    struct gml_page *res)
{
	if (l->role == R_POS) {
		if (buf_addch(&g->text, '\0') < 0)
			return nomem(g);
		g->text.len--;
		return positions(g, l, up, strcmp(name, "coordinates") == 0);
	}
	if (l->role == R_PROP) {
		struct prop *p = &g->props[g->nprops - 1];

		p->vlen = g->arena.len - p->val;
		return 0;
	}
	if (l->role == R_FEATURE) {
		res->features++;
		return feature_end(g, key, feature, ctx);
	}
	return 0;
}

int
gml_page(struct gml *g, int fd, const char *label, gml_key_fn *key,
    gml_feature_fn *feature, void *ctx, struct gml_page *res,
    struct muni_err *e)
{
	int rc = -1, r;

	res->features = 0;
	res->matched = -1;
	g->e = e;
	g->label = label;
	g->depth = 0;
	g->st[0].role = R_SKIP;
	g->page_srs = 0;
	buf_reset(&g->ex);
	g->in.fd = fd;
	g->in.at = 0;
	g->in.file = label;
	g->gen = yajl_gen_alloc(NULL);
	if (g->gen == NULL)
		return nomem(g);
	yajl_gen_config(g->gen, yajl_gen_validate_utf8, 0);
	if (xmlrd_init(&g->x, xmlrd_fd_read, &g->in, label, NULL, e) < 0) {
		yajl_gen_free(g->gen);
		g->gen = NULL;
		return -1;
	}
	if (g->o.crs && (g->page_srs = crs_of(g, g->o.crs)) == 0) {
		e->status = MUNI_EXIT_USAGE;
		goto out;
	}
	while ((r = xmlrd_next(&g->x, e)) > 0) {
		int type = xmlrd_type(&g->x);
		const char *name = xmlrd_name(&g->x);
		struct level *l;

		if (type == XML_READER_TYPE_ELEMENT) {
			if (g->depth > XMLRD_MAX_DEPTH) {
				/* xmlrd refuses it first; never read past it. */
				fail(g, MUNI_EXIT_DATA, "elements nest deeper than "
				    "%d levels", XMLRD_MAX_DEPTH);
				goto out;
			}
			l = &g->st[g->depth];
			if (element(g, l, g->depth ? &g->st[g->depth - 1] :
			    NULL, name, res) < 0)
				goto out;
			if (!xmlrd_empty(&g->x))
				g->depth++;
			else if (element_end(g, l, g->depth ?
			    &g->st[g->depth - 1] : NULL, name, key, feature,
			    ctx, res) < 0)
				goto out;
		} else if (type == XML_READER_TYPE_END_ELEMENT && g->depth > 0) {
			l = &g->st[--g->depth];
			if (element_end(g, l, g->depth ? &g->st[g->depth - 1] :
			    NULL, name, key, feature, ctx, res) < 0)
				goto out;
		} else if (g->depth > 0 && xmlrd_is_text(&g->x) &&
		    text(g, &g->st[g->depth - 1]) < 0)
			goto out;
	}
	if (r < 0)
		goto out;
	if (g->st[0].role == R_EXCEPTION) {
		err_set(e, MUNI_EXIT_IO, "'%s': the server answered with an "
		    "exception: %s", label, g->ex.len ? g->ex.ptr :
		    "(no text)");
		goto out;
	}
	rc = 0;
out:
	xmlrd_release(&g->x);
	yajl_gen_free(g->gen);
	g->gen = NULL;
	return rc;
}
