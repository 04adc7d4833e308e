#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transform/reproject.h"
#include "base/banned.h"

struct reproject {
	PJ_CONTEXT *ctx;
	PJ *pj;
	int geographic;
	int north_first;	/* the CRS's first axis is north or south */
	char crs[64];
	char identity[96];	/* EPSG:NNNN when PROJ can tell, else its name */
	char area[160];
	double west, south, east, north;	/* degrees; -1000: unknown */
};

/* EPSG: and 4 or 5 digits. */
static int
epsg_code(const char *crs)
{
	size_t i, n;

	if (strncmp(crs, "EPSG:", 5) != 0)
		return 0;
	n = strlen(crs + 5);
	if (n < 4 || n > 5)
		return 0;
	for (i = 0; i < n; i++)
		if (crs[5 + i] < '0' || crs[5 + i] > '9')
			return 0;
	return 1;
}

/*
 * What src is, for a provenance record: its EPSG code when it was given
 * as one or PROJ matches it to one for sure (an ESRI .prj names no
 * authority), else its name.
 */
static void
identify(struct reproject *r, PJ *src, const char *name)
{
	PJ_OBJ_LIST *list;
	int *confidence = NULL;
	const char *code;
	PJ *best;

	if (epsg_code(name)) {
		snprintf(r->identity, sizeof(r->identity), "%s", name);
		return;
	}
	code = proj_get_id_code(src, 0);
	if (code && proj_get_id_auth_name(src, 0) &&
	    strcmp(proj_get_id_auth_name(src, 0), "EPSG") == 0) {
		snprintf(r->identity, sizeof(r->identity), "EPSG:%s", code);
		return;
	}
	list = proj_identify(r->ctx, src, "EPSG", NULL, &confidence);
	best = list && proj_list_get_count(list) > 0 && confidence &&
	    confidence[0] >= 90 ? proj_list_get(r->ctx, list, 0) : NULL;
	code = best ? proj_get_id_code(best, 0) : NULL;
	if (code)
		snprintf(r->identity, sizeof(r->identity), "EPSG:%s", code);
	else
		snprintf(r->identity, sizeof(r->identity), "%s",
		    proj_get_name(src) ? proj_get_name(src) : name);
	if (best)
		proj_destroy(best);
	proj_int_list_destroy(confidence);
	proj_list_destroy(list);
}

/* A transformation from def (shown as name) to WGS 84. */
/* Whether crs's first axis points north or south (latitude first). */
static int
north_first(PJ_CONTEXT *ctx, const PJ *crs)
{
	PJ *cs = proj_crs_get_coordinate_system(ctx, crs);
	const char *dir = NULL;
	int yes;

	if (cs == NULL)
		return 0;
	yes = proj_cs_get_axis_info(ctx, cs, 0, NULL, NULL, &dir, NULL, NULL,
	    NULL, NULL) && dir && (strcmp(dir, "north") == 0 ||
	    strcmp(dir, "south") == 0);
	proj_destroy(cs);
	return yes;
}

static struct reproject *
make(const char *def, const char *name, char *why, size_t whylen)
{
	struct reproject *r;
	const char *area = NULL;
	PJ_TYPE type;
	PJ *src, *dst, *pj;

	r = calloc(1, sizeof(*r));
	if (r == NULL || (r->ctx = proj_context_create()) == NULL) {
		free(r);
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	proj_log_level(r->ctx, PJ_LOG_NONE);
	proj_context_set_enable_network(r->ctx, 0);
	snprintf(r->crs, sizeof(r->crs), "%s", name);
	src = proj_create(r->ctx, def);
	type = src ? proj_get_type(src) : PJ_TYPE_UNKNOWN;
	if (src == NULL || !(type == PJ_TYPE_PROJECTED_CRS ||
	    type == PJ_TYPE_GEOGRAPHIC_2D_CRS ||
	    type == PJ_TYPE_GEOGRAPHIC_3D_CRS || type == PJ_TYPE_COMPOUND_CRS ||
	    type == PJ_TYPE_BOUND_CRS)) {
		snprintf(why, whylen, "PROJ does not know the CRS %s", name);
		if (src)
			proj_destroy(src);
		goto fail;
	}
	r->geographic = type == PJ_TYPE_GEOGRAPHIC_2D_CRS ||
	    type == PJ_TYPE_GEOGRAPHIC_3D_CRS;
	r->north_first = north_first(r->ctx, src);
	identify(r, src, name);
	r->west = -1000;
	if (!proj_get_area_of_use(r->ctx, src, &r->west, &r->south, &r->east,
	    &r->north, &area) || r->west <= -1000)
		r->west = -1000;
	snprintf(r->area, sizeof(r->area), "%s", area ? area : "");
	while (r->area[0] && r->area[strlen(r->area) - 1] == '.')
		r->area[strlen(r->area) - 1] = '\0';
	dst = proj_create(r->ctx, "EPSG:4326");
	pj = dst ? proj_create_crs_to_crs_from_pj(r->ctx, src, dst, NULL,
	    NULL) : NULL;
	proj_destroy(src);
	if (dst)
		proj_destroy(dst);
	if (pj == NULL) {
		snprintf(why, whylen, "PROJ cannot transform %s to WGS 84 "
		    "(EPSG:4326)", name);
		goto fail;
	}
	/* Easting then northing in, longitude then latitude out. */
	r->pj = proj_normalize_for_visualization(r->ctx, pj);
	proj_destroy(pj);
	if (r->pj == NULL) {
		snprintf(why, whylen, "PROJ cannot order the axes of %s", name);
		goto fail;
	}
	return r;
fail:
	reproject_free(r);
	return NULL;
}

struct reproject *
reproject_new(const char *crs, char *why, size_t whylen)
{
	if (!epsg_code(crs)) {
		snprintf(why, whylen, "'%s' is not a CRS written EPSG:NNNN "
		    "(EPSG:2154 for Lambert-93)", crs);
		return NULL;
	}
	return make(crs, crs, why, whylen);
}

struct reproject *
reproject_new_wkt(const char *wkt, const char *name, char *why,
    size_t whylen)
{
	static const char *const kinds[] = { "PROJCS[", "GEOGCS[",
	    "PROJCRS[", "GEOGCRS[", "COMPD_CS[", "COMPOUNDCRS[", "BOUNDCRS[" };
	size_t i;

	if (epsg_code(wkt))
		return make(wkt, wkt, why, whylen);
	for (i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (strncmp(wkt, kinds[i], strlen(kinds[i])) == 0)
			return make(wkt, name, why, whylen);
	snprintf(why, whylen, "%s does not hold a CRS in WKT", name);
	return NULL;
}

int
reproject_geographic(const struct reproject *r)
{
	return r->geographic;
}

int
reproject_north_first(const struct reproject *r)
{
	return r->north_first;
}

/* Whether lon, lat falls in the area of use (which may cross 180°). */
static int
in_area(const struct reproject *r, double lon, double lat)
{
	if (r->west <= -1000)
		return 1;
	if (lat < r->south || lat > r->north)
		return 0;
	if (r->west <= r->east)
		return lon >= r->west && lon <= r->east;
	return lon >= r->west || lon <= r->east;
}

int
reproject_point(struct reproject *r, double x, double y, double *lon,
    double *lat, char *why, size_t whylen)
{
	PJ_COORD c;

	if (!isfinite(x) || !isfinite(y)) {
		snprintf(why, whylen, "its coordinates are not finite numbers");
		return -1;
	}
	c = proj_coord(x, y, 0, 0);
	proj_errno_reset(r->pj);
	c = proj_trans(r->pj, PJ_FWD, c);
	if (proj_errno(r->pj) != 0 || !isfinite(c.lp.lam) ||
	    !isfinite(c.lp.phi) || fabs(c.lp.phi) > 90 ||
	    fabs(c.lp.lam) > 180) {
		snprintf(why, whylen, "(%.10g, %.10g) is not a point of %s: "
		    "PROJ cannot transform it", x, y, r->crs);
		return -1;
	}
	if (!in_area(r, c.lp.lam, c.lp.phi)) {
		snprintf(why, whylen, "(%.10g, %.10g) in %s falls at longitude "
		    "%.5f, latitude %.5f, outside the area of use of %s (%s): "
		    "are the columns swapped, or is it another CRS?", x, y,
		    r->crs, c.lp.lam, c.lp.phi, r->crs, r->area);
		return -1;
	}
	*lon = c.lp.lam;
	*lat = c.lp.phi;
	return 0;
}

void
reproject_degrees(double v, int places, char out[64])
{
	size_t k;

	snprintf(out, 64, "%.*f", places, v);
	k = strlen(out);
	if (strchr(out, '.')) {
		while (k > 0 && out[k - 1] == '0')
			k--;
		if (k > 0 && out[k - 1] == '.')
			k--;
	}
	out[k] = '\0';
	if (strcmp(out, "-0") == 0)
		snprintf(out, 64, "0");
}

const char *
reproject_crs(const struct reproject *r)
{
	return r->crs;
}

const char *
reproject_identity(const struct reproject *r)
{
	return r->identity;
}

void
reproject_free(struct reproject *r)
{
	if (r == NULL)
		return;
	if (r->pj)
		proj_destroy(r->pj);
	if (r->ctx)
		proj_context_destroy(r->ctx);
	free(r);
}
