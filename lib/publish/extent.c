#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "publish/extent.h"
#include "schema/cast.h"
#include "base/banned.h"

/*
 * Whether a field's name holds one of the words (lower case), its words
 * cut at '_', '-', spaces, digits and lower-to-upper case changes:
 * EQUIP_LAT, lat_coor1, Ylat and Xlong hold "lat" and "long", VEH_LONG
 * holds "long" too (which is why a pair is needed).
 */
static int
name_has(const char *name, const char *const *words)
{
	char word[64];
	size_t i, n = 0, k;

	for (i = 0;; i++) {
		unsigned char c = (unsigned char)name[i];
		int cut = c == '\0' || c == '_' || c == '-' || c == ' ' ||
		    c == '.' || isdigit(c) || (n && isupper(c) && i &&
		    islower((unsigned char)name[i - 1]));

		if (cut && n) {
			word[n] = '\0';
			for (k = 0; words[k]; k++)
				if (strcmp(word, words[k]) == 0)
					return 1;
			n = 0;
		}
		if (c == '\0')
			return 0;
		if (!(c == '_' || c == '-' || c == ' ' || c == '.' ||
		    isdigit(c)) && n < sizeof(word) - 1)
			word[n++] = (char)tolower(c);
	}
}

int
extent_init(struct extent *x, const struct schema *s)
{
	static const char *const lat[] = { "lat", "latitude", "ylat", NULL };
	static const char *const lon[] = { "lon", "lng", "long", "longitude",
		"xlong", "xlon", NULL };
	static const char *const shape[] = { "geometry", "geom", "wkt",
		"geometrie", NULL };
	size_t i;

	memset(x, 0, sizeof(*x));
	x->schema = s;
	x->geo = x->lat = x->lon = x->shape = -1;
	x->col_geo = x->col_lat = x->col_lon = x->col_shape = -1;
	for (i = 0; s && i < s->nfields; i++) {
		const struct schema_field *f = &s->fields[i];

		if (f->spec.type == TYPE_GEOPOINT && x->geo < 0)
			x->geo = (long)i;
		else if (x->shape < 0 && (f->spec.type == TYPE_GEOJSON ||
		    (f->spec.type == TYPE_STRING && name_has(f->name, shape))))
			x->shape = (long)i;
		else if (f->spec.type != TYPE_NUMBER)
			continue;
		else if (x->lat < 0 && name_has(f->name, lat))
			x->lat = (long)i;
		else if (x->lon < 0 && name_has(f->name, lon))
			x->lon = (long)i;
	}
	if (x->geo >= 0 || x->lat < 0 || x->lon < 0)
		x->lat = x->lon = -1;
	if (x->geo >= 0 || x->lat >= 0)
		x->shape = -1;
	return x->geo >= 0 || x->lat >= 0 || x->shape >= 0;
}

static long
column(const struct record *rec, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < rec->nfields; i++)
		if (rec->fields[i].len == n &&
		    memcmp(rec->fields[i].ptr, name, n) == 0)
			return (long)i;
	return -1;
}

void
extent_header(struct extent *x, const struct record *rec)
{
	const struct schema *s = x->schema;

	if (x->geo >= 0)
		x->col_geo = column(rec, s->fields[x->geo].name);
	if (x->lat >= 0) {
		x->col_lat = column(rec, s->fields[x->lat].name);
		x->col_lon = column(rec, s->fields[x->lon].name);
	}
	if (x->shape >= 0)
		x->col_shape = column(rec, s->fields[x->shape].name);
}

/* A GeoJSON Point: 0 and its point, else -1. */
static int
geojson_point(const char *p, size_t len, double *lon, double *lat)
{
	char *text = malloc(len + 1);
	yajl_val v, t, c;
	int rc = -1;

	if (text == NULL)
		return -1;
	memcpy(text, p, len);
	text[len] = '\0';
	v = json_parse(text, NULL, 0);
	free(text);
	t = json_member(v, "type");
	c = json_member(v, "coordinates");
	if (YAJL_IS_STRING(t) && strcmp(t->u.string, "Point") == 0 &&
	    YAJL_IS_ARRAY(c) && c->u.array.len >= 2 &&
	    YAJL_IS_NUMBER(c->u.array.values[0]) &&
	    YAJL_IS_NUMBER(c->u.array.values[1])) {
		*lon = YAJL_GET_DOUBLE(c->u.array.values[0]);
		*lat = YAJL_GET_DOUBLE(c->u.array.values[1]);
		rc = 0;
	}
	yajl_tree_free(v);
	return rc;
}

/* The cell of column col cast as field f, 0 when valid. */
static int
cell(const struct extent *x, const struct record *rec, long col, long f,
    struct cast_value *v)
{
	const struct schema_field *sf = &x->schema->fields[f];
	const struct field *c;

	if (col < 0 || (size_t)col >= rec->nfields)
		return -1;
	c = &rec->fields[col];
	if (schema_is_missing(sf, c->ptr, c->len))
		return -1;
	return cast_cell(&sf->spec, c->ptr, c->len, v);
}

int
extent_add(struct extent *x, const struct record *rec, double *plon,
    double *plat)
{
	struct cast_value a, b;
	double lon, lat;

	if (x->col_geo >= 0) {
		if (cell(x, rec, x->col_geo, x->geo, &a) < 0)
			return 0;
		lon = a.lon;
		lat = a.lat;
	} else if (x->col_lat >= 0 && x->col_lon >= 0) {
		if (cell(x, rec, x->col_lat, x->lat, &a) < 0 ||
		    cell(x, rec, x->col_lon, x->lon, &b) < 0)
			return 0;
		lat = a.num;
		lon = b.num;
	} else if (x->col_shape >= 0 && (size_t)x->col_shape < rec->nfields) {
		const struct schema_field *sf = &x->schema->fields[x->shape];
		const struct field *c = &rec->fields[x->col_shape];

		if (schema_is_missing(sf, c->ptr, c->len) ||
		    (sf->spec.type == TYPE_GEOJSON ? geojson_point(c->ptr,
		    c->len, &lon, &lat) : cast_wkt_point(c->ptr, c->len, &lon,
		    &lat)) < 0)
			return 0;
	} else
		return 0;
	/* NaN fails every comparison, so it is no point either. */
	if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90))
		return 0;
	*plon = lon;
	*plat = lat;
	if (x->points == 0) {
		x->west = x->east = lon;
		x->south = x->north = lat;
	} else {
		if (lon < x->west)
			x->west = lon;
		if (lon > x->east)
			x->east = lon;
		if (lat < x->south)
			x->south = lat;
		if (lat > x->north)
			x->north = lat;
	}
	x->points++;
	return 1;
}
