#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <shapefil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "base/fdio.h"
#include "source/shp.h"
#include "transform/reproject.h"
#include "base/banned.h"

#define PRJ_MAX 65536

struct shp {
	SHPHandle h;
	const char *name;
	struct shp_options o;
	struct reproject *proj;		/* to WGS 84, when asked */
	int degrees;			/* coordinates written are degrees */
	int count, type;
	int *outer;			/* a polygon's rings: their outer ring */
	size_t nouter;
	int full;			/* out reached its maximum */
};

/* shapelib's last error: it reports through a hook, never to us. */
static char shp_error[256];

static void
on_error(const char *message)
{
	snprintf(shp_error, sizeof(shp_error), "%s", message);
}

int
shp_is(const unsigned char *p, size_t n)
{
	return n >= 100 && p[0] == 0 && p[1] == 0 && p[2] == 0x27 &&
	    p[3] == 0x0a;
}

/* The .prj beside path (x.shp), read into buf (NUL-terminated): 1, 0 if
 * there is none, -1 when it cannot be read or is too large. */
static int
read_prj(const char *path, char *buf, size_t max)
{
	char prj[4096];
	size_t n = strlen(path);
	ssize_t got;
	int fd, upper;

	if (n < 4 || n >= sizeof(prj))
		return 0;
	upper = path[n - 1] == 'P';
	memcpy(prj, path, n - 4);
	memcpy(prj + n - 4, upper ? ".PRJ" : ".prj", 5);
	fd = open(prj, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	got = fd_read_full(fd, buf, max);
	close(fd);
	if (got < 0 || (size_t)got == max)
		return -1;
	buf[got] = '\0';
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r' ||
	    buf[got - 1] == ' '))
		buf[--got] = '\0';
	return 1;
}

/* The CRS (from --crs or the .prj) and whether to reproject: 0, or -1. */
static int
setup_crs(struct shp *s, const char *path, struct muni_err *e)
{
	char *prj, why[400];
	int rc;

	if (s->o.crs) {
		s->proj = reproject_new(s->o.crs, why, sizeof(why));
		if (s->proj == NULL) {
			err_set(e, MUNI_EXIT_USAGE, "--crs: %s", why);
			return -1;
		}
	} else {
		prj = malloc(PRJ_MAX);
		if (prj == NULL) {
			err_nomem(e);
			return -1;
		}
		rc = read_prj(path, prj, PRJ_MAX);
		if (rc < 0) {
			free(prj);
			err_set(e, MUNI_EXIT_DATA, "'%s': its .prj cannot be read "
			    "(or is larger than 64 KiB)", s->name);
			return -1;
		}
		if (rc > 0)
			s->proj = reproject_new_wkt(prj, "its .prj", why,
			    sizeof(why));
		free(prj);
		if (s->proj == NULL && s->o.to_wgs84) {
			err_set(e, MUNI_EXIT_USAGE, "'%s': %s; give the CRS of "
			    "its coordinates with --crs EPSG:NNNN (EPSG:2154 "
			    "for Lambert-93)", s->name, rc > 0 ? why :
			    "it has no .prj");
			return -1;
		}
	}
	s->degrees = s->o.to_wgs84 || (s->proj && reproject_geographic(s->proj));
	return 0;
}

struct shp *
shp_open(const char *path, const char *name, const struct shp_options *o,
    struct muni_err *e)
{
	struct shp *s;
	SAHooks hooks;
	double min[4], max[4];

	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		err_nomem(e);
		return NULL;
	}
	s->name = name;
	s->o = *o;
	SASetupDefaultHooks(&hooks);
	hooks.Error = on_error;
	shp_error[0] = '\0';
	s->h = SHPOpenLL(path, "rb", &hooks);
	if (s->h == NULL) {
		err_set(e, MUNI_EXIT_DATA, "'%s' cannot be read as a shapefile "
		    "(its .shx must be beside it)%s%s", name,
		    shp_error[0] ? ": " : "", shp_error);
		goto fail;
	}
	SHPGetInfo(s->h, &s->count, &s->type, min, max);
	if (s->type == SHPT_MULTIPATCH) {
		err_set(e, MUNI_EXIT_DATA, "'%s' holds multipatches (3D "
		    "surfaces): they have no 2D geometry", name);
		goto fail;
	}
	if (setup_crs(s, path, e) < 0)
		goto fail;
	return s;
fail:
	shp_free(s);
	return NULL;
}

size_t
shp_ncolumns(const struct shp *s)
{
	return s->o.form == SHP_WKT ? 1 : 2;
}

const char *
shp_column(const struct shp *s, size_t i)
{
	static const char *const names[2][2] = { { "x", "y" },
	    { "longitude", "latitude" } };

	if (s->o.form == SHP_WKT)
		return "geometry";
	return names[s->degrees][i];
}

unsigned long long
shp_count(const struct shp *s)
{
	return (unsigned long long)s->count;
}

/* Append to out; when it is full, say so in s->full. */
static void
put(struct shp *s, struct buf *out, const char *text)
{
	if (buf_addstr(out, text) < 0)
		s->full = 1;
}

/* One coordinate: degrees to 7 decimals (about 1 cm), else as stored. */
static void
number(struct shp *s, double v, struct buf *out)
{
	char t[64];

	if (s->degrees)
		reproject_degrees(v, 7, t);
	else
		snprintf(t, sizeof(t), "%.15g", v);
	put(s, out, t);
}

/* (x, y) reprojected when asked: 0, or -1 with e set. */
static int
project(struct shp *s, double *x, double *y, unsigned long long row,
    struct muni_err *e)
{
	char why[400];

	if (s->o.to_wgs84 && reproject_point(s->proj, *x, *y, x, y, why,
	    sizeof(why)) < 0) {
		err_set(e, MUNI_EXIT_DATA, "'%s': row %llu: %s", s->name, row,
		    why);
		e->row = row;
		return -1;
	}
	return 0;
}

/* "(x y, x y, ...)" of vertices [from, to). */
static int
path(struct shp *s, const SHPObject *g, int from, int to,
    unsigned long long row, struct buf *out, struct muni_err *e)
{
	double x, y;
	int i;

	put(s, out, "(");
	for (i = from; i < to; i++) {
		if (i > from)
			put(s, out, ", ");
		x = g->padfX[i];
		y = g->padfY[i];
		if (project(s, &x, &y, row, e) < 0)
			return -1;
		number(s, x, out);
		put(s, out, " ");
		number(s, y, out);
	}
	put(s, out, ")");
	return 0;
}

static int
part_end(const SHPObject *g, int k)
{
	return k + 1 < g->nParts ? g->panPartStart[k + 1] : g->nVertices;
}

/* Twice the signed area of ring k (positive: counterclockwise). */
static double
ring_area(const SHPObject *g, int k)
{
	int i, from = g->panPartStart[k], to = part_end(g, k);
	double a = 0, x0 = g->padfX[from], y0 = g->padfY[from];

	for (i = from; i + 1 < to; i++)
		a += (g->padfX[i] - x0) * (g->padfY[i + 1] - y0) -
		    (g->padfX[i + 1] - x0) * (g->padfY[i] - y0);
	return a;
}

/* Whether (x, y) is inside ring k (even-odd rule). */
static int
in_ring(const SHPObject *g, int k, double x, double y)
{
	int i, j, from = g->panPartStart[k], to = part_end(g, k), in = 0;

	for (i = from, j = to - 1; i < to; j = i++)
		if ((g->padfY[i] > y) != (g->padfY[j] > y) &&
		    x < (g->padfX[j] - g->padfX[i]) * (y - g->padfY[i]) /
		    (g->padfY[j] - g->padfY[i]) + g->padfX[i])
			in = !in;
	return in;
}

/*
 * The rings of a polygon shape grouped into polygons: outer rings are
 * clockwise (the shapefile's rule), a counterclockwise ring is a hole of
 * the outer ring that holds it (or an outer ring when none does).
 * s->outer[k] is the outer ring of ring k; the number of polygons.
 */
static size_t
group_rings(struct shp *s, const SHPObject *g)
{
	size_t n = 0;
	int k, j;

	for (k = 0; k < g->nParts; k++)
		s->outer[k] = ring_area(g, k) <= 0 ? k : -1;
	for (k = 0; k < g->nParts; k++) {
		if (s->outer[k] >= 0)
			continue;
		for (j = 0; j < g->nParts; j++)
			if (s->outer[j] == j && in_ring(g, j,
			    g->padfX[g->panPartStart[k]],
			    g->padfY[g->panPartStart[k]]))
				break;
		s->outer[k] = j < g->nParts ? j : k;
	}
	for (k = 0; k < g->nParts; k++)
		n += s->outer[k] == k;
	return n;
}

static int
polygon_wkt(struct shp *s, const SHPObject *g, unsigned long long row,
    struct buf *out, struct muni_err *e)
{
	size_t npoly = group_rings(s, g), done = 0;
	int k, j;

	put(s, out, npoly > 1 ? "MULTIPOLYGON (" : "POLYGON ");
	for (k = 0; k < g->nParts; k++) {
		if (s->outer[k] != k)
			continue;
		if (npoly > 1)
			put(s, out, done++ ? ", (" : "(");
		else
			put(s, out, "(");
		if (path(s, g, g->panPartStart[k], part_end(g, k), row, out,
		    e) < 0)
			return -1;
		for (j = 0; j < g->nParts; j++) {
			if (j == k || s->outer[j] != k)
				continue;
			put(s, out, ", ");
			if (path(s, g, g->panPartStart[j], part_end(g, j), row,
			    out, e) < 0)
				return -1;
		}
		put(s, out, ")");
	}
	if (npoly > 1)
		put(s, out, ")");
	return 0;
}

static int
wkt(struct shp *s, const SHPObject *g, unsigned long long row,
    struct buf *out, struct muni_err *e)
{
	int k;

	switch (g->nSHPType) {
	case SHPT_POINT: case SHPT_POINTZ: case SHPT_POINTM:
		put(s, out, "POINT ");
		return path(s, g, 0, 1, row, out, e);
	case SHPT_MULTIPOINT: case SHPT_MULTIPOINTZ: case SHPT_MULTIPOINTM:
		put(s, out, "MULTIPOINT (");
		for (k = 0; k < g->nVertices; k++) {
			if (k)
				put(s, out, ", ");
			if (path(s, g, k, k + 1, row, out, e) < 0)
				return -1;
		}
		put(s, out, ")");
		return 0;
	case SHPT_ARC: case SHPT_ARCZ: case SHPT_ARCM:
		if (g->nParts <= 1) {
			put(s, out, "LINESTRING ");
			return path(s, g, 0, g->nVertices, row, out, e);
		}
		put(s, out, "MULTILINESTRING (");
		for (k = 0; k < g->nParts; k++) {
			if (k)
				put(s, out, ", ");
			if (path(s, g, g->panPartStart[k], part_end(g, k), row,
			    out, e) < 0)
				return -1;
		}
		put(s, out, ")");
		return 0;
	default:
		return polygon_wkt(s, g, row, out, e);
	}
}

/* The centroid of g, in its own coordinates. */
static void
centroid(const SHPObject *g, double *cx, double *cy)
{
	double x0 = g->padfX[0], y0 = g->padfY[0], sx = 0, sy = 0, w = 0;
	double a, dx, dy, len;
	int k, i, from, to;

	switch (g->nSHPType) {
	case SHPT_ARC: case SHPT_ARCZ: case SHPT_ARCM:
		/* the midpoints of the segments, weighted by their lengths */
		for (k = 0; k < g->nParts; k++) {
			from = g->panPartStart[k];
			to = part_end(g, k);
			for (i = from; i + 1 < to; i++) {
				dx = g->padfX[i + 1] - g->padfX[i];
				dy = g->padfY[i + 1] - g->padfY[i];
				len = sqrt(dx * dx + dy * dy);
				sx += len * ((g->padfX[i] + g->padfX[i + 1]) / 2 -
				    x0);
				sy += len * ((g->padfY[i] + g->padfY[i + 1]) / 2 -
				    y0);
				w += len;
			}
		}
		break;
	case SHPT_POLYGON: case SHPT_POLYGONZ: case SHPT_POLYGONM:
		/* holes turn the other way: their areas subtract */
		for (k = 0; k < g->nParts; k++) {
			from = g->panPartStart[k];
			to = part_end(g, k);
			for (i = from; i + 1 < to; i++) {
				double xa = g->padfX[i] - x0, ya = g->padfY[i] - y0;
				double xb = g->padfX[i + 1] - x0;
				double yb = g->padfY[i + 1] - y0;

				a = xa * yb - xb * ya;
				sx += (xa + xb) * a;
				sy += (ya + yb) * a;
				w += 3 * a;
			}
		}
		break;
	default:
		break;
	}
	if (fabs(w) < 1e-12) {		/* points, or nothing to weigh */
		sx = sy = 0;
		for (i = 0; i < g->nVertices; i++) {
			sx += g->padfX[i] - x0;
			sy += g->padfY[i] - y0;
		}
		w = g->nVertices;
	}
	*cx = x0 + sx / w;
	*cy = y0 + sy / w;
}

int
shp_shape(struct shp *s, unsigned long long i, unsigned long long row,
    struct buf *out, size_t *off, struct muni_err *e)
{
	SHPObject *g = NULL;
	double x, y;
	int rc = 0;

	off[0] = off[1] = off[2] = out->len;
	s->full = 0;
	shp_error[0] = '\0';
	if (i < (unsigned long long)s->count &&
	    (g = SHPReadObject(s->h, (int)i)) == NULL) {
		err_set(e, MUNI_EXIT_DATA, "'%s': row %llu: its shape cannot be "
		    "read%s%s", s->name, row, shp_error[0] ? ": " : "",
		    shp_error);
		e->row = row;
		return -1;
	}
	if (g == NULL || g->nSHPType == SHPT_NULL || g->nVertices == 0) {
		/* no shape: empty columns */
	} else if (s->o.form == SHP_WKT) {
		if (g->nParts > 0 && (size_t)g->nParts > s->nouter) {
			free(s->outer);
			s->outer = calloc((size_t)g->nParts, sizeof(int));
			s->nouter = s->outer ? (size_t)g->nParts : 0;
		}
		if (g->nParts > 0 && s->outer == NULL) {
			err_nomem(e);
			rc = -1;
		} else
			rc = wkt(s, g, row, out, e);
		off[1] = off[2] = out->len;
	} else if (s->o.form == SHP_LONLAT && g->nVertices > 1) {
		err_set(e, MUNI_EXIT_DATA, "'%s': row %llu: the shape has %d "
		    "points, not one: use --geometry centroid or wkt",
		    s->name, row, g->nVertices);
		e->row = row;
		rc = -1;
	} else {
		/* two columns: [off[0], off[1]) and [off[1], off[2]) */
		centroid(g, &x, &y);
		rc = project(s, &x, &y, row, e);
		if (rc == 0) {
			number(s, x, out);
			off[1] = out->len;
			number(s, y, out);
			off[2] = out->len;
		}
	}
	if (g)
		SHPDestroyObject(g);
	if (rc == 0 && s->full) {
		err_set(e, MUNI_EXIT_DATA, "'%s': row %llu: its geometry is "
		    "larger than the field size allows (--max-field-size)",
		    s->name, row);
		e->row = row;
		rc = -1;
	}
	return rc;
}

const char *
shp_crs(const struct shp *s)
{
	return s->proj ? reproject_identity(s->proj) : NULL;
}

void
shp_free(struct shp *s)
{
	if (s == NULL)
		return;
	if (s->h)
		SHPClose(s->h);
	reproject_free(s->proj);
	free(s->outer);
	free(s);
}
