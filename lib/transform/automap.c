#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/exitcode.h"
#include "base/text.h"
#include "transform/automap.h"
#include "transform/reproject.h"
#include "base/banned.h"

#define NAME_MAX_LEN 256

static const char *const abbrev[][2] = {
	{ "num", "numero" }, { "no", "numero" }, { "n", "numero" },
	{ "nb", "nombre" }, { "nbre", "nombre" }, { "cp", "codepostal" },
	{ "tel", "telephone" }, { "adr", "adresse" }, { "lib", "libelle" },
	{ "dt", "date" }, { "mt", "montant" }, { "mnt", "montant" },
	{ "benef", "beneficiaire" }, { "id", "identifiant" },
	{ "ident", "identifiant" }, { "ref", "reference" },
	{ "coord", "coordonnees" }, { "lat", "latitude" },
	{ "lon", "longitude" }, { "lng", "longitude" }, { "com", "commune" },
	{ "dept", "departement" }, { "dep", "departement" },
};

/*
 * The ASCII letters a Latin letter of UTF-8 at p stands for, its length:
 * its letter without accent (text_latin1_base), and for the letters NFD
 * leaves whole a spelling in ASCII, as a header writer would type it.
 */
static size_t
fold(const unsigned char *p, size_t n, char out[3])
{
	/* U+00C6, U+00D0, U+00D7, U+00D8, U+00DE, U+00DF and the small ones. */
	static const struct {
		unsigned char second;
		char ascii[3];
	} whole[] = {
		{ 0x86, "ae" }, { 0x90, "D" }, { 0x97, "*" }, { 0x98, "O" },
		{ 0x9e, "T" }, { 0x9f, "s" }, { 0xa6, "ae" }, { 0xb0, "d" },
		{ 0xb7, "/" }, { 0xb8, "o" }, { 0xbe, "t" },
	};
	size_t i;

	out[1] = out[2] = '\0';
	if (p[0] < 0x80) {
		out[0] = (char)p[0];
		return 1;
	}
	if (n >= 2 && p[0] == 0xc3 && p[1] >= 0x80 && p[1] <= 0xbf) {
		out[0] = (char)text_latin1_base(p[1]);
		for (i = 0; out[0] == '\0' && i < sizeof(whole) /
		    sizeof(*whole); i++)
			if (whole[i].second == p[1])
				memcpy(out, whole[i].ascii, 3);
		return 2;
	}
	if (n >= 2 && p[0] == 0xc5 && (p[1] == 0x92 || p[1] == 0x93)) {
		out[0] = 'o', out[1] = 'e';
		return 2;
	}
	out[0] = ' ';
	return (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3 : 4;
}

static void
add_token(char *tok, size_t tn, char *out, size_t *k, size_t cap)
{
	size_t i;

	tok[tn] = '\0';
	for (i = 0; i < sizeof(abbrev) / sizeof(*abbrev); i++)
		if (strcmp(tok, abbrev[i][0]) == 0) {
			tok = (char *)abbrev[i][1];
			tn = strlen(tok);
			break;
		}
	for (i = 0; i < tn && *k + 1 < cap; i++)
		out[(*k)++] = tok[i];
	out[*k] = '\0';
}

/*
 * A name as compared: words split at separators and camelCase, folded to
 * lower-case ASCII, abbreviations expanded, joined.
 */
static void
normalise(const char *name, size_t n, char *out, size_t cap)
{
	char tok[NAME_MAX_LEN], f[3];
	size_t i = 0, tn = 0, k = 0, len, j;
	int prev_lower = 0;

	out[0] = '\0';
	while (i < n) {
		len = fold((const unsigned char *)name + i, n - i, f);
		i += len;
		for (j = 0; j < 3 && f[j]; j++) {
			char c = f[j];
			int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' &&
			    c <= 'Z') || (c >= '0' && c <= '9');
			int upper = c >= 'A' && c <= 'Z';

			if (!alnum || (upper && prev_lower)) {
				if (tn > 0)
					add_token(tok, tn, out, &k, cap);
				tn = 0;
			}
			prev_lower = (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9');
			if (alnum && tn + 1 < sizeof(tok))
				tok[tn++] = (char)(upper ? c + 32 : c);
		}
	}
	if (tn > 0)
		add_token(tok, tn, out, &k, cap);
}

static int
has_check(const struct schema *s, const char *field, const char *name)
{
	size_t i, j;

	for (i = 0; i < s->nchecks; i++) {
		const struct custom_check *c = &s->checks[i];

		if (strcmp(c->name, name) != 0)
			continue;
		if (c->column && strcmp(c->column, field) == 0)
			return 1;
		for (j = 0; j < c->ncolumns; j++)
			if (strcmp(c->columns[j], field) == 0)
				return 1;
	}
	return 0;
}

static const char *const yes_words[] = { "oui", "o", "yes", "y", "vrai",
    "true", "1", NULL };
static const char *const no_words[] = { "non", "n", "no", "faux", "false",
    "0", NULL };

static int
in_words(const char *s, const char *const *w)
{
	for (; *w; w++)
		if (strcasecmp(s, *w) == 0)
			return 1;
	return 0;
}

static struct value_op *
push(struct map_column *c, enum value_kind kind)
{
	struct value_op *ops = realloc(c->ops, (c->nops + 1) * sizeof(*ops));

	if (ops == NULL)
		return NULL;
	c->ops = ops;
	memset(&ops[c->nops], 0, sizeof(*ops));
	ops[c->nops].kind = kind;
	return &ops[c->nops++];
}

static int
set_formats(struct value_op *op, const char *const *f)
{
	size_t n = 0;

	while (f[n])
		n++;
	op->formats = calloc(n, sizeof(char *));
	if (op->formats == NULL)
		return -1;
	for (op->nformats = 0; op->nformats < n; op->nformats++)
		if ((op->formats[op->nformats] = strdup(f[op->nformats])) ==
		    NULL)
			return -1;
	op->number = 69;
	return 0;
}

/* The conversions towards field f's type; what was chosen into why. */
static int
choose_ops(const struct schema *s, const struct schema_field *f,
    struct map_column *c, struct buf *why)
{
	static const char *const dates[] = { "%Y-%m-%d", "%d/%m/%Y",
	    "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%d-%m-%y", "%e %B %Y",
	    "%Y/%m/%d", NULL };
	static const char *const datetimes[] = { "%Y-%m-%dT%H:%M:%S",
	    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S",
	    "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d", NULL };
	const struct cast_spec *sp = &f->spec;
	struct value_op *op;
	const char *lname = f->name;
	char *lower;
	int dflt = sp->format == NULL || sp->format_default;

	if (push(c, VALUE_TRIM) == NULL)
		return -1;
	lower = strdup(lname);
	if (lower == NULL)
		return -1;
	for (char *p = lower; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	if ((sp->type == TYPE_DATE || sp->type == TYPE_DATETIME) && dflt) {
		op = push(c,
		    sp->type == TYPE_DATE ? VALUE_DATE : VALUE_DATETIME);
		if (op == NULL || set_formats(op, sp->type == TYPE_DATE ?
		    dates : datetimes) < 0)
			goto nomem;
		buf_addstr(why, sp->type == TYPE_DATE ? ", French dates to "
		    "ISO 8601" : ", French date-times to ISO 8601");
	} else if ((sp->type == TYPE_NUMBER || sp->type == TYPE_INTEGER) &&
	    strcmp(sp->decimal_char, ".") == 0 && sp->group_char[0] == '\0') {
		if (push(c, VALUE_NUMBER) == NULL)
			goto nomem;
		buf_addstr(why, ", decimal commas and separators to a plain "
		    "number");
	} else if (sp->type == TYPE_BOOLEAN) {
		op = push(c, VALUE_BOOLEAN);
		if (op == NULL || (op->text = strdup(sp->ntrue ?
		    sp->true_values[0] : "true")) == NULL ||
		    (op->with = strdup(sp->nfalse ? sp->false_values[0] :
		    "false")) == NULL)
			goto nomem;
		buf_addf(why, ", yes and no words to %s and %s", op->text,
		    op->with);
	} else if (sp->type == TYPE_STRING && f->c.nenum == 2 &&
	    ((in_words(f->c.enum_text[0], yes_words) &&
	    in_words(f->c.enum_text[1], no_words)) ||
	    (in_words(f->c.enum_text[1], yes_words) &&
	    in_words(f->c.enum_text[0], no_words)))) {
		int y = in_words(f->c.enum_text[0], yes_words) ? 0 : 1;

		op = push(c, VALUE_BOOLEAN);
		if (op == NULL || (op->text = strdup(f->c.enum_text[y])) ==
		    NULL || (op->with = strdup(f->c.enum_text[1 - y])) == NULL)
			goto nomem;
		buf_addf(why, ", yes and no words to %s and %s", op->text,
		    op->with);
	} else if (has_check(s, f->name, "french-siret-value") ||
	    (f->c.pattern && strcmp(f->c.pattern, "^\\d{14}$") == 0) ||
	    strstr(lower, "siret")) {
		if (push(c, VALUE_SIRET) == NULL)
			goto nomem;
		buf_addstr(why, ", SIRET repaired");
	} else if (has_check(s, f->name, "french-siren-value") ||
	    (f->c.pattern && strcmp(f->c.pattern, "^\\d{9}$") == 0) ||
	    strstr(lower, "siren")) {
		if (push(c, VALUE_SIREN) == NULL)
			goto nomem;
		buf_addstr(why, ", SIREN repaired");
	} else if (has_check(s, f->name, "phone-number-value")) {
		if (push(c, VALUE_PHONE) == NULL)
			goto nomem;
		buf_addstr(why, ", phone numbers to 0X XX XX XX XX");
	}
	free(lower);
	return 0;
nomem:
	free(lower);
	return -1;
}

/*
 * Whether a name is a latitude ('a') or a longitude ('o'), by its words
 * (split at what is not a letter and at camelCase): lat, latitude, ylat;
 * lon, lng, long, longitude, xlong; or a projected easting ('x': x, xl,
 * coordx, east, easting, abscisse) or northing ('y': y, yl, coordy,
 * north, northing, ordonnee). 0 otherwise ("longueur" is not).
 */
static int
coord_kind(const char *p, size_t n)
{
	static const char *const lat[] = { "lat", "latitude", "ylat" };
	static const char *const lon[] = { "lon", "lng", "long", "longitude",
	    "xlong" };
	static const char *const east[] = { "x", "xl", "coordx", "east",
	    "easting", "abscisse" };
	static const char *const north[] = { "y", "yl", "coordy", "north",
	    "northing", "ordonnee" };
	char w[16];
	size_t i, k = 0, j;
	int kind = 0, lower = 0;

	for (i = 0; i <= n; i++) {
		int c = i < n ? (unsigned char)p[i] : 0;
		int upper = c >= 'A' && c <= 'Z';
		int letter = upper || (c >= 'a' && c <= 'z');

		if (letter && !(upper && lower)) {
			if (k + 1 < sizeof(w))
				w[k++] = (char)(upper ? c + 32 : c);
			lower = !upper;
			continue;
		}
		lower = 0;
		w[k] = '\0';
		for (j = 0; k && j < sizeof(lat) / sizeof(*lat); j++)
			if (strcmp(w, lat[j]) == 0)
				kind = 'a';
		for (j = 0; k && j < sizeof(lon) / sizeof(*lon); j++)
			if (strcmp(w, lon[j]) == 0)
				kind = 'o';
		for (j = 0; k && !kind && j < sizeof(east) / sizeof(*east); j++)
			if (strcmp(w, east[j]) == 0)
				kind = 'x';
		for (j = 0; k && !kind && j < sizeof(north) / sizeof(*north);
		    j++)
			if (strcmp(w, north[j]) == 0)
				kind = 'y';
		k = 0;
		if (letter)	/* an upper-case letter after a lower-case one */
			w[k++] = (char)(c + 32);
	}
	return kind;
}

/* Set c's single source to input column j. */
static int
source_of(struct map_column *c, const struct record *header, size_t j)
{
	c->from = calloc(1, sizeof(char *));
	c->src = calloc(1, sizeof(long));
	if (c->from == NULL || c->src == NULL ||
	    (c->from[0] = strndup(header->fields[j].ptr,
	    header->fields[j].len)) == NULL)
		return -1;
	c->nfrom = 1;
	return 0;
}

/*
 * The first columns of kinds a and b (coord_kind()) among those not used
 * (used 1; a pair used 2 may serve again when again is set): 0 with *ia,
 * *ib; -1 when either is missing.
 */
static int
find_pair(const struct record *header, const char *used, int again, int a,
    int b, long *ia, long *ib)
{
	size_t j;
	int k;

	*ia = *ib = -1;
	for (j = 0; j < header->nfields; j++) {
		k = (again ? used[j] == 1 : used[j] != 0) ? 0 :
		    coord_kind(header->fields[j].ptr, header->fields[j].len);
		if (k == a && *ia < 0)
			*ia = (long)j;
		if (k == b && *ib < 0)
			*ib = (long)j;
	}
	return *ia < 0 || *ib < 0 ? -1 : 0;
}

/*
 * Set c's two sources to input columns a and b, joined by sep, their
 * decimal commas then made points: 0, or -1 out of memory.
 */
static int
two_sources(struct map_column *c, const struct record *header, long a,
    long b, const char *sep)
{
	struct value_op *op;

	c->from = calloc(2, sizeof(char *));
	c->src = calloc(2, sizeof(long));
	free(c->separator);
	if (c->from == NULL || c->src == NULL ||
	    (c->from[0] = strndup(header->fields[a].ptr,
	    header->fields[a].len)) == NULL ||
	    (c->from[1] = strndup(header->fields[b].ptr,
	    header->fields[b].len)) == NULL ||
	    (c->separator = strdup(sep)) == NULL)
		return -1;
	c->nfrom = 2;
	if ((op = push(c, VALUE_REPLACE)) == NULL ||
	    (op->text = strdup(",")) == NULL || (op->with = strdup(".")) == NULL)
		return -1;
	return 0;
}

/*
 * A coordinate field no column names: from Opendatasoft's geo_point_2d
 * ("lat, lon"), its part. 1 when mapped (how in explain), 0, -1 no memory.
 */
static int
from_geopoint(const struct schema_field *f, struct map_column *c,
    const struct record *header, char (*cols)[NAME_MAX_LEN], char *used,
    struct buf *explain)
{
	int kind = coord_kind(f->name, strlen(f->name));
	struct value_op *op;
	char ods[NAME_MAX_LEN];
	size_t j;

	if (kind == 0 || (f->spec.type != TYPE_NUMBER &&
	    f->spec.type != TYPE_STRING))
		return 0;
	normalise("geo_point_2d", 12, ods, sizeof(ods));
	for (j = 0; j < header->nfields; j++)
		if (strcmp(cols[j], ods) == 0)
			break;
	if (j == header->nfields)
		return 0;
	if (source_of(c, header, j) < 0 || (op = push(c, VALUE_SPLIT)) == NULL)
		return -1;
	op->number = kind == 'a' ? 0 : 1;
	if ((op->text = strdup(",")) == NULL || push(c, VALUE_TRIM) == NULL)
		return -1;
	used[j] = 1;
	if (explain)
		buf_addf(explain, "%s <- '%s' (Opendatasoft's geo_point_2d, "
		    "\"lat, lon\"): its %s, trimmed\n", f->name, c->from[0],
		    kind == 'a' ? "first part, the latitude" :
		    "second part, the longitude");
	return 1;
}

/*
 * A geopoint field no column names, from two columns holding the
 * latitude and the longitude, in the field's format: "lon, lat" (default),
 * [lon, lat] (array), {"lon": .., "lat": ..} (object). The two are joined
 * by "|", their decimal commas made dots, then put in the format. 1 when
 * mapped, 0, -1 no memory.
 */
static int
from_coordinates(const struct schema_field *f, struct map_column *c,
    const struct record *header, char *used, struct buf *explain)
{
	long lat = -1, lon = -1;
	static const char *const with[] = { "$1, $2", "[$1, $2]",
	    "{\"lon\": $1, \"lat\": $2}" };
	struct value_op *op;
	const char *fmt = f->spec.format ? f->spec.format : "default";
	int form = strcmp(fmt, "array") == 0 ? 1 : strcmp(fmt, "object") == 0 ?
	    2 : 0;

	if (f->spec.type != TYPE_GEOPOINT ||
	    find_pair(header, used, 0, 'a', 'o', &lat, &lon) < 0)
		return 0;
	used[lat] = used[lon] = 1;
	if (two_sources(c, header, lon, lat, "|") < 0 ||
	    (op = push(c, VALUE_REPLACE)) == NULL ||
	    (op->with = strdup(with[form])) == NULL ||
	    mapping_compile_op(op, "^\\s*([^|]*?)\\s*\\|\\s*(.*?)\\s*$") < 0)
		return -1;
	if (explain)
		buf_addf(explain, "%s <- '%s' and '%s' (longitude and latitude), "
		    "as a geopoint (%s)\n", f->name, c->from[0], c->from[1],
		    fmt);
	return 1;
}

/*
 * The projected system French coordinates in metres are plainly in, by
 * ranges no other French system shares: Lambert-93 (x 50 to 1300 km, y
 * 6000 to 7200 km), a conic CC zone (x 1350 to 2100 km, y within 150 km
 * of the zone's origin at (zone - 41) 1000 km + 200 km). Not NTF Lambert
 * II étendu, whose ranges the overseas UTM zones overlap (Guadeloupe's y
 * is Provence's). The EPSG code into crs and its name, or 0 when none is
 * plain.
 */
static int
guess_crs(double x, double y, char crs[16], char name[32])
{
	double zone;

	if (x >= 50e3 && x <= 1300e3 && y >= 6000e3 && y <= 7200e3) {
		snprintf(name, 32, "Lambert-93");
		return snprintf(crs, 16, "EPSG:2154");
	}
	if (x >= 1350e3 && x <= 2100e3) {
		zone = floor((y - 200e3) / 1e6 + 0.5);
		if (zone >= 1 && zone <= 9 &&
		    fabs(y - (zone * 1e6 + 200e3)) <= 150e3) {
			snprintf(name, 32, "the conic zone CC%d",
			    41 + (int)zone);
			return snprintf(crs, 16, "EPSG:%d", 3941 + (int)zone);
		}
	}
	return 0;
}

/* A number written with a point or a comma, spaces around: 0, or -1. */
static int
read_metres(const struct field *f, double *v)
{
	char tmp[64], *end;
	size_t i, k = 0;

	for (i = 0; i < f->len && k + 1 < sizeof(tmp); i++)
		if (f->ptr[i] != ' ')
			tmp[k++] = f->ptr[i] == ',' ? '.' : f->ptr[i];
	tmp[k] = '\0';
	if (k == 0 || i < f->len)
		return -1;
	*v = strtod(tmp, &end);
	return *end == '\0' && isfinite(*v) ? 0 : -1;
}

/*
 * A longitude, latitude or geopoint (default format) field no column
 * names, from an easting and a northing column in metres whose system the
 * first row's values tell (guess_crs): reprojected to WGS 84. The two
 * columns may serve both coordinates (used 2). 1 when mapped, 0, -1 no
 * memory.
 */
static int
from_projected(const struct schema_field *f, struct map_column *c,
    const struct record *header, const struct record *first, char *used,
    struct buf *explain)
{
	int kind = coord_kind(f->name, strlen(f->name));
	long x = -1, y = -1;
	double vx, vy, lon, lat;
	struct value_op *op;
	struct reproject *r;
	char crs[16], name[32], why[300];

	if (f->spec.type == TYPE_GEOPOINT ? f->spec.format != NULL &&
	    strcmp(f->spec.format, "default") != 0 : (kind != 'a' &&
	    kind != 'o') || (f->spec.type != TYPE_NUMBER &&
	    f->spec.type != TYPE_STRING))
		return 0;
	if (find_pair(header, used, 1, 'x', 'y', &x, &y) < 0)
		return 0;
	r = NULL;
	if (first && (size_t)x < first->nfields && (size_t)y < first->nfields &&
	    read_metres(&first->fields[x], &vx) == 0 &&
	    read_metres(&first->fields[y], &vy) == 0 &&
	    guess_crs(vx, vy, crs, name) > 0 &&
	    (r = reproject_new(crs, why, sizeof(why))) != NULL &&
	    reproject_point(r, vx, vy, &lon, &lat, why, sizeof(why)) < 0) {
		/* The first point must fall where the system is used. */
		reproject_free(r);
		r = NULL;
	}
	if (r == NULL) {
		if (explain)
			buf_addf(explain, "(%s: '%.*s' and '%.*s' look like "
			    "coordinates in metres, but the first row's values "
			    "do not tell their system: map them with a "
			    "reproject operation and its crs, see muni-map(5))"
			    "\n", f->name, (int)header->fields[x].len,
			    header->fields[x].ptr, (int)header->fields[y].len,
			    header->fields[y].ptr);
		return 0;
	}
	used[x] = used[y] = 2;
	if (two_sources(c, header, x, y, " ") < 0 ||
	    (op = push(c, VALUE_REPROJECT)) == NULL) {
		reproject_free(r);
		return -1;
	}
	op->proj = r;
	op->number = 7;
	op->point = f->spec.type == TYPE_GEOPOINT ? POINT_GEOPOINT :
	    kind == 'o' ? POINT_LON : POINT_LAT;
	if (explain)
		buf_addf(explain, "%s <- '%s' and '%s' (metres in %s, %s, told "
		    "by the first row's %.10g, %.10g), reprojected to WGS 84: "
		    "the %s\n", f->name, c->from[0], c->from[1], name, crs, vx,
		    vy,
		    f->spec.type == TYPE_GEOPOINT ? "point" : kind == 'o' ?
		    "longitude" : "latitude");
	return 1;
}

struct mapping *
automap_build(const struct schema *s, const struct record *header,
    const struct record *first, const char *source, struct buf *explain,
    struct muni_err *e)
{
	struct mapping *m = calloc(1, sizeof(*m));
	char (*cols)[NAME_MAX_LEN] = calloc(header->nfields + 1,
	    sizeof(*cols));
	char fname[NAME_MAX_LEN], ftitle[NAME_MAX_LEN];
	char *used = calloc(header->nfields + 1, 1);
	struct buf why;
	size_t i, j;
	long pick;
	const char *how;

	buf_init(&why, 4096);
	if (m == NULL || cols == NULL || used == NULL ||
	    (m->source = strdup(source)) == NULL ||
	    (m->cols = calloc(s->nfields + 1, sizeof(*m->cols))) == NULL)
		goto nomem;
	for (j = 0; j < header->nfields; j++)
		normalise(header->fields[j].ptr, header->fields[j].len, cols[j],
		    NAME_MAX_LEN);
	for (i = 0; i < s->nfields; i++) {
		const struct schema_field *f = &s->fields[i];
		struct map_column *c = &m->cols[m->ncols++];

		normalise(f->name, strlen(f->name), fname, sizeof(fname));
		normalise(f->title ? f->title : "", f->title ?
		    strlen(f->title) : 0, ftitle, sizeof(ftitle));
		pick = -1;
		how = NULL;
		/* the same name, exactly; then once normalised; the title */
		for (j = 0; j < header->nfields && pick < 0; j++)
			if (!used[j] && header->fields[j].len == strlen(f->name) &&
			    memcmp(header->fields[j].ptr, f->name,
			    header->fields[j].len) == 0)
				pick = (long)j, how = "same name";
		for (j = 0; j < header->nfields && pick < 0; j++)
			if (!used[j] && fname[0] && strcmp(cols[j], fname) == 0)
				pick = (long)j, how = "same name once case, "
				    "accents, separators and abbreviations are "
				    "ignored";
		for (j = 0; j < header->nfields && pick < 0; j++)
			if (!used[j] && ftitle[0] && strcmp(cols[j], ftitle) == 0)
				pick = (long)j, how = "the field's title";
		if ((c->name = strdup(f->name)) == NULL ||
		    (c->separator = strdup(" ")) == NULL)
			goto nomem;
		buf_reset(&why);
		if (pick < 0) {
			int rc = from_geopoint(f, c, header, cols, used,
			    explain);

			if (rc == 0)
				rc = from_coordinates(f, c, header, used,
				    explain);
			if (rc == 0)
				rc = from_projected(f, c, header, first, used,
				    explain);
			if (rc < 0)
				goto nomem;
			if (rc > 0 && f->spec.type == TYPE_NUMBER &&
			    choose_ops(s, f, c, &why) < 0)
				goto nomem;
			if (rc > 0)
				continue;
			if ((c->value = strdup("")) == NULL)
				goto nomem;
			if (explain)
				buf_addf(explain, "%s <- nothing: no column "
				    "matches, written empty%s\n", f->name,
				    f->c.required ? " (the field is required)" :
				    "");
			continue;
		}
		used[pick] = 1;
		if (source_of(c, header, (size_t)pick) < 0)
			goto nomem;
		if (choose_ops(s, f, c, &why) < 0)
			goto nomem;
		if (explain)
			buf_addf(explain, "%s <- '%s' (%s): trimmed%s\n",
			    f->name, c->from[0], how, why.ptr);
	}
	if (explain)
		for (j = 0; j < header->nfields; j++)
			if (!used[j])
				buf_addf(explain, "(column '%.*s' left out: no "
				    "field of the schema matches it)\n",
				    (int)header->fields[j].len,
				    header->fields[j].ptr);
	free(cols);
	free(used);
	buf_release(&why);
	return m;
nomem:
	err_nomem(e);
	free(cols);
	free(used);
	buf_release(&why);
	mapping_free(m);
	return NULL;
}
