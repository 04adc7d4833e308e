/*
 * fetch_run_geo.c: the geodata of a run: a shapefile's records with its
 * shapes, GeoJSON's geometry as WKT or centroids; the options that say
 * how.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "run/fetch_run_impl.h"
#include "source/dbf.h"
#include "source/geom.h"
#include "source/shp.h"
#include "base/banned.h"

int
fetch_run_geometry_options(struct run *r, enum fetch_run_format format,
    struct muni_err *e)
{
	const char *g = r->o->geometry;

	if (format == FETCH_RUN_SHP && g && strcmp(g, "geojson") == 0) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' is a shapefile: --geometry is "
		    "wkt, lonlat or centroid", r->o->input);
		return -1;
	}
	if (format == FETCH_RUN_SHP || format == FETCH_RUN_ZIP)
		return 0;	/* an archive: known once its entry is */
	if (format == FETCH_RUN_SQLITE && r->o->crs) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' is a SQLite database: --crs is "
		    "for shapefiles (a GeoPackage names its CRS)", r->o->input);
		return -1;
	}
	if (format == FETCH_RUN_SQLITE && g && strcmp(g, "wkt") != 0) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' is a SQLite database: a "
		    "GeoPackage's geometry is written as WKT (--geometry %s is "
		    "for shapefiles)", r->o->input, g);
		return -1;
	}
	if (format == FETCH_RUN_SQLITE || r->o->pager.kind == PAGER_WFS)
		return 0;
	if (r->o->to_wgs84 || r->o->crs) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' is not a shapefile, a "
		    "GeoPackage or a WFS: --to-wgs84 and --crs are for them",
		    r->o->input);
		return -1;
	}
	return 0;
}

/* A shapefile's records: its .dbf's attributes, then the shape's columns. */
struct shp_reader {
	struct dbf *attr;
	struct shp *geo;
	struct field *fields;
	struct record rec;
	struct buf text;
};

static int
next_shp(void *reader, struct record **rec, struct muni_err *e)
{
	struct shp_reader *t = reader;
	struct record *a;
	size_t n, k, off[3];
	int rc;

	rc = dbf_next(t->attr, &a, e);
	if (rc <= 0)
		return rc;
	n = shp_ncolumns(t->geo);
	memcpy(t->fields, a->fields, a->nfields * sizeof(*t->fields));
	buf_reset(&t->text);
	if (a->row == 1) {		/* the header */
		for (k = 0; k < n; k++) {
			t->fields[a->nfields + k].ptr = shp_column(t->geo, k);
			t->fields[a->nfields + k].len =
			    strlen(shp_column(t->geo, k));
		}
	} else {
		if (shp_shape(t->geo, dbf_index(t->attr), a->row, &t->text,
		    off, e) < 0)
			return -1;
		for (k = 0; k < n; k++) {
			t->fields[a->nfields + k].ptr = t->text.ptr + off[k];
			t->fields[a->nfields + k].len = off[k + 1] - off[k];
		}
	}
	t->rec = *a;
	t->rec.fields = t->fields;
	t->rec.nfields = a->nfields + n;
	*rec = &t->rec;
	return 1;
}

/* path with its extension (of 3 letters) replaced by ext, in the case of
 * the last letter of path: 0, or -1 when it is not of that form. */
static int
sibling(const char *path, const char *ext, char out[4096])
{
	size_t n = strlen(path), i;

	if (n < 4 || n >= 4096 || path[n - 4] != '.')
		return -1;
	memcpy(out, path, n + 1);
	for (i = 0; i < 3; i++)
		out[n - 3 + i] = path[n - 1] >= 'A' && path[n - 1] <= 'Z' ?
		    (char)(ext[i] - 'a' + 'A') : ext[i];
	return 0;
}

int
fetch_run_shp(struct run *r, const char *path, struct muni_err *e)
{
	struct shp_options so;
	struct shp_reader t;
	char dbf[4096], cpg[64];
	const char *enc = r->o->csv.encoding;
	int fd, status;

	if (strcmp(path, "-") == 0 || sibling(path, "dbf", dbf) < 0) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' is a shapefile: it is read "
		    "from its files, the .shp with its .shx and .dbf beside "
		    "it (or all of them in one ZIP archive); give the path of "
		    "the .shp", r->o->input);
		return e->status;
	}
	memset(&t, 0, sizeof(t));
	memset(&so, 0, sizeof(so));
	so.form = r->o->geometry && strcmp(r->o->geometry, "lonlat") == 0 ?
	    SHP_LONLAT : r->o->geometry && strcmp(r->o->geometry,
	    "centroid") == 0 ? SHP_CENTROID : SHP_WKT;
	so.to_wgs84 = r->o->to_wgs84;
	so.crs = r->o->crs;
	fd = open(dbf, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_sys(e, MUNI_EXIT_DATA, errno, "'%s': its attribute table "
		    "'%s' cannot be opened", r->o->input, dbf);
		return e->status;
	}
	if (enc == NULL)
		enc = fetch_run_cpg(dbf, cpg);
	status = MUNI_EXIT_OK;
	t.attr = dbf_open(fd, dbf, NULL, 0, enc, NULL, NULL, e);
	t.geo = t.attr ? shp_open(path, r->o->input, &so, e) : NULL;
	t.fields = t.geo ? calloc(CSVIN_MAX_FIELDS + 3,
	    sizeof(*t.fields)) : NULL;
	buf_init(&t.text, r->o->csv.max_field ? r->o->csv.max_field :
	    CSVIN_MAX_FIELD);
	if (t.geo && t.fields == NULL)
		err_nomem(e);
	if (t.fields)
		status = fetch_run_copy(r, &t, next_shp, e);
	else
		status = e->status;
	r->p.format = "shapefile";
	if (t.geo)
		fetch_run_note_crs(r, shp_crs(t.geo));
	if (t.attr) {
		r->p.encoding = dbf_encoding(t.attr);
		r->p.records = dbf_records(t.attr);
	}
	dbf_free(t.attr);
	shp_free(t.geo);
	free(t.fields);
	buf_release(&t.text);
	close(fd);
	return status;
}

/*
 * GeoJSON with --geometry wkt: the "geometry" column made WKT; with
 * --geometry centroid, made two, "longitude" and "latitude", its
 * centroid's.
 */
struct json_wkt {
	struct jsonrec *s;
	const char *name;		/* the input, in messages */
	struct geom *geom;
	int centroid;
	int xy;				/* projected: "x" and "y" */
	long col;			/* the geometry column, or -1 */
	struct record rec;
	struct field *fields;
	size_t cap;
	struct buf text;
};

/* rec with its geometry column col made two, a and b, into t->rec. */
static void
json_two_columns(struct json_wkt *t, const struct record *a, const char *pa,
    size_t la, const char *pb, size_t lb)
{
	size_t c = (size_t)t->col;

	memcpy(t->fields, a->fields, c * sizeof(*t->fields));
	t->fields[c].ptr = pa;
	t->fields[c].len = la;
	t->fields[c + 1].ptr = pb;
	t->fields[c + 1].len = lb;
	memcpy(t->fields + c + 2, a->fields + c + 1, (a->nfields - c - 1) *
	    sizeof(*t->fields));
	t->rec = *a;
	t->rec.fields = t->fields;
	t->rec.nfields = a->nfields + 1;
}

/* The centroid of the geometry in rec's column t->col, two columns. */
static int
json_centroid(struct json_wkt *t, const struct record *a, struct muni_err *e)
{
	char why[400], lon[64], lat[64];
	double x, y;
	size_t n;
	int rc;

	rc = a->fields[t->col].len == 0 ? 2 : geom_geojson_centroid(t->geom,
	    a->fields[t->col].ptr, a->fields[t->col].len, &x, &y, why,
	    sizeof(why));
	if (rc == 1 || rc < 0) {
		err_set(e, MUNI_EXIT_DATA, "'%s': feature %llu (row %llu): its "
		    "geometry: %s", t->name, a->row - 1, a->row, rc > 0 ? why :
		    "out of memory");
		e->row = a->row;
		return -1;
	}
	buf_reset(&t->text);
	if (rc == 0) {
		snprintf(lon, sizeof(lon), "%.15g", x);
		snprintf(lat, sizeof(lat), "%.15g", y);
		buf_addstr(&t->text, lon);
		buf_addstr(&t->text, lat);
	}
	n = rc == 0 ? strlen(lon) : 0;
	json_two_columns(t, a, t->text.ptr, n, t->text.ptr + n,
	    t->text.len - n);
	return 0;
}

static int
next_json_wkt(void *reader, struct record **rec, struct muni_err *e)
{
	struct json_wkt *t = reader;
	struct record *a;
	char why[400];
	size_t i;
	int rc = jsonrec_next(t->s, &a, e);

	if (rc <= 0)
		return rc;
	if (a->nfields + 1 > t->cap) {
		free(t->fields);
		t->fields = calloc(a->nfields + 1, sizeof(*t->fields));
		t->cap = t->fields ? a->nfields + 1 : 0;
		if (t->fields == NULL) {
			err_nomem(e);
			return -1;
		}
	}
	if (a->row == 1) {
		for (i = 0; i < a->nfields; i++)
			if (a->fields[i].len == 8 &&
			    memcmp(a->fields[i].ptr, "geometry", 8) == 0)
				t->col = (long)i;
		*rec = a;
		if (t->centroid && t->col >= 0) {
			if (t->xy)
				json_two_columns(t, a, "x", 1, "y", 1);
			else
				json_two_columns(t, a, "longitude", 9,
				    "latitude", 8);
			*rec = &t->rec;
		}
		return 1;
	}
	if (t->col < 0 || (size_t)t->col >= a->nfields) {
		*rec = a;
		return 1;
	}
	if (t->centroid) {
		if (json_centroid(t, a, e) < 0)
			return -1;
		*rec = &t->rec;
		return 1;
	}
	if (a->fields[t->col].len == 0) {
		*rec = a;
		return 1;
	}
	memcpy(t->fields, a->fields, a->nfields * sizeof(*t->fields));
	buf_reset(&t->text);
	rc = geom_geojson_wkt(t->geom, a->fields[t->col].ptr,
	    a->fields[t->col].len, &t->text, why, sizeof(why));
	if (rc != 0) {
		err_set(e, MUNI_EXIT_DATA, "'%s': feature %llu (row %llu): its "
		    "geometry: %s", t->name, a->row - 1, a->row, rc > 0 ? why :
		    "its WKT is longer than the field size allows "
		    "(--max-field-size)");
		e->row = a->row;
		return -1;
	}
	t->fields[t->col].ptr = t->text.ptr;
	t->fields[t->col].len = t->text.len;
	t->rec = *a;
	t->rec.fields = t->fields;
	*rec = &t->rec;
	return 1;
}

int
fetch_run_json_geometry(struct run *r, struct jsonrec *s, struct muni_err *e)
{
	struct json_wkt t;
	int status;

	memset(&t, 0, sizeof(t));
	t.s = s;
	t.name = r->o->input;
	t.col = -1;
	t.centroid = strcmp(r->o->geometry, "centroid") == 0;
	t.xy = r->pages.gml && r->pages.projected;
	buf_init(&t.text, r->o->csv.max_field ? r->o->csv.max_field :
	    CSVIN_MAX_FIELD);
	t.geom = geom_new(NULL);
	if (t.geom == NULL) {
		err_nomem(e);
		status = e->status;
	} else
		status = fetch_run_copy(r, &t, next_json_wkt, e);
	geom_free(t.geom);
	free(t.fields);
	buf_release(&t.text);
	return status;
}
