#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/text.h"
#include "schema/cast.h"
#include "schema/custom_checks.h"
#include "schema/opening_hours.h"
#include "schema/phone.h"
#include "schema/siret.h"
#include "base/banned.h"

enum kind {
	K_SIRET, K_SIREN, K_ONE_OF, K_COHESIVE, K_COMPARE, K_SUM,
	K_YEAR_INTERVAL, K_NOMENCLATURE, K_GPS, K_PHONE, K_OPENING_HOURS
};

static const struct {
	const char *name;
	enum kind kind;
} kinds[] = {
	{ "french-siret-value", K_SIRET },
	{ "french-siren-value", K_SIREN },
	{ "one-of-required", K_ONE_OF },
	{ "cohesive-columns-value", K_COHESIVE },
	{ "compare-columns-value", K_COMPARE },
	{ "sum-columns-value", K_SUM },
	{ "year-interval-value", K_YEAR_INTERVAL },
	{ "nomenclature-actes-value", K_NOMENCLATURE },
	{ "french-gps-coordinates", K_GPS },
	{ "phone-number-value", K_PHONE },
	{ "opening-hours-value", K_OPENING_HOURS },
};

static void add(struct custom_check_finding *f, size_t *n, enum error_code code,
    long column, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
add(struct custom_check_finding *f, size_t *n, enum error_code code,
    long column, const char *fmt, ...)
{
	va_list ap;

	if (*n >= CUSTOM_CHECK_MAX_FINDINGS)
		return;
	f[*n].code = code;
	f[*n].column = column;
	va_start(ap, fmt);
	vsnprintf(f[*n].message, sizeof(f[*n].message), _(fmt), ap);
	va_end(ap);
	text_fix_end(f[*n].message);
	(*n)++;
}

/* ---- SIREN and SIRET, as python-stdnum checks them ----------------------- */

/* ---- helpers -------------------------------------------------------------- */

static long
find_label(char **labels, size_t nlabels, const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < nlabels; i++)
		if (strcmp(labels[i], name) == 0)
			return (long)i;
	return -1;
}

/* The cell of column col, and whether it is empty (a missing value). */
static int
cell(const struct custom_check_binding *b, const struct record *rec, long col,
    const char **p, size_t *n)
{
	long field;

	*p = "";
	*n = 0;
	if (col < 0 || (size_t)col >= rec->nfields)
		return 0;
	*p = rec->fields[col].ptr;
	*n = rec->fields[col].len;
	field = b->fields[col];
	if (field >= 0 && b->schema)
		return !schema_is_missing(&b->schema->fields[field], *p, *n);
	return *n > 0;
}

/* Lower-case ASCII with the accents of Latin letters removed (NFD). */
static size_t
fold(const char *p, size_t n, char *out, size_t cap)
{
	size_t i = 0, k = 0;

	while (i < n && k + 4 < cap) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x80) {
			out[k++] = (char)tolower(c);
			i++;
		} else if ((c == 0xC3) && i + 1 < n) {
			int base = text_latin1_base((unsigned char)p[i + 1]);

			if (base)
				out[k++] = (char)tolower(base);
			else {
				out[k++] = p[i];
				out[k++] = p[i + 1];
			}
			i += 2;
		} else
			out[k++] = p[i++];
	}
	out[k] = '\0';
	return k;
}

/* Python's float() for compare-columns-value. */
static int
is_number(const char *p, size_t n, double *out)
{
	struct cast_spec spec;
	struct cast_value v;

	cast_spec_init(&spec, TYPE_NUMBER);
	if (cast_cell(&spec, p, n, &v) < 0)
		return 0;
	*out = v.num;
	return 1;
}

static int
whole(const char *p, size_t n, long long *out)
{
	struct cast_spec spec;
	struct cast_value v;

	cast_spec_init(&spec, TYPE_INTEGER);
	if (cast_cell(&spec, p, n, &v) < 0 || v.big)
		return 0;
	*out = v.integer;
	return 1;
}

/* ---- binding -------------------------------------------------------------- */

int
custom_check_bind(struct custom_check_binding *b,
    const struct custom_check *def, const struct schema *s, char **labels,
    size_t nlabels, const long *field_of_column, struct custom_check_finding *f,
    size_t *n)
{
	size_t i, present = 0;

	memset(b, 0, sizeof(*b));
	b->def = def;
	b->schema = s;
	b->fields = (long *)field_of_column;
	b->kind = -1;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(def->name, kinds[i].name) == 0)
			b->kind = (int)kinds[i].kind;
	if (b->kind == K_PHONE)
		phone_init();	/* the library's tables, before any thread */
	if (b->kind < 0) {
		add(f, n, ERR_CHECK, -1, "the custom check '%s' is not known "
		    "to muni: not checked", def->name);
		return 0;
	}
	b->column = find_label(labels, nlabels, def->column);
	b->column2 = find_label(labels, nlabels, def->column2);
	if (def->ncolumns) {
		b->columns = calloc(def->ncolumns, sizeof(long));
		if (b->columns == NULL)
			return -1;
		b->ncolumns = def->ncolumns;
		for (i = 0; i < def->ncolumns; i++) {
			b->columns[i] = find_label(labels, nlabels,
			    def->columns[i]);
			present += b->columns[i] >= 0;
		}
	}
	if (def->column == NULL) {
		add(f, n, ERR_CHECK, -1, "the custom check '%s' has no "
		    "column parameter: not checked", def->name);
		b->kind = -1;
		return 0;
	}
	switch (b->kind) {
	case K_ONE_OF:
		if (def->column2 == NULL) {
			add(f, n, ERR_CHECK, -1, "the custom check '%s' needs "
			    "column1 and column2: not checked", def->name);
			b->kind = -1;
		} else if (b->column < 0 && b->column2 < 0) {
			add(f, n, ERR_ONE_OF_REQUIRED, -1, "one of the columns "
			    "'%s' and '%s' is required; both are missing",
			    def->column, def->column2);
			b->kind = -1;
		}
		break;
	case K_COHESIVE:
		present += b->column >= 0;
		if (present == 0)
			b->kind = -1;	/* all absent: nothing to check */
		else if (present < b->ncolumns + 1) {
			add(f, n, ERR_COHESIVE, -1, "the columns '%s' and its "
			    "%zu companions must be all present or all absent",
			    def->column, b->ncolumns);
			b->kind = -1;
		}
		break;
	case K_COMPARE: {
		static const char *ops[] = { "<", "<=", "==", ">=", ">" };
		int ok = 0;

		for (i = 0; def->op && i < 5; i++)
			ok |= strcmp(def->op, ops[i]) == 0;
		if (!ok || def->column2 == NULL) {
			add(f, n, ERR_CHECK, -1, "the custom check '%s': the "
			    "operator '%s' is not one of < <= == >= >",
			    def->name, def->op ? def->op : "");
			b->kind = -1;
		}
		break;
	}
	case K_SUM:
		if (b->ncolumns < 2) {
			add(f, n, ERR_CHECK, -1, "the custom check '%s' needs "
			    "at least two columns to add up", def->name);
			b->kind = -1;
		} else if (b->column < 0 && present == 0)
			b->kind = -1;
		else if (b->column < 0 || present < b->ncolumns) {
			add(f, n, ERR_CHECK, -1, "the custom check '%s': a "
			    "column it adds up is not in the file", def->name);
			b->kind = -1;
		}
		break;
	default:
		break;
	}
	return 0;
}

void
custom_check_release(struct custom_check_binding *b)
{
	free(b->columns);
	b->columns = NULL;
}

/* ---- the checks on a row -------------------------------------------------- */

static const char *nomenclature[] = {
	"commande publique", "urbanisme", "domaine et patrimoine",
	"fonction publique", "institutions et vie politique",
	"libertes publiques et pouvoirs de police", "finances locales",
	"domaines de competences par themes",
	"autres domaines de competences",
};

static void
check_nomenclature(const char *p, size_t n, long col,
    struct custom_check_finding *f, size_t *nf)
{
	const char *slash = memchr(p, '/', n);
	char folded[256];
	size_t i, k;

	if (slash == NULL) {
		add(f, nf, ERR_NOMENCLATURE, col, "'%.*s' has no '/' between "
		    "the matter and its detail", (int)text_cut(p, n, 100), p);
		return;
	}
	if (slash > p && slash[-1] == ' ') {
		add(f, nf, ERR_NOMENCLATURE, col, "the '/' must not be "
		    "preceded or followed by a space");
		return;
	}
	if (slash + 1 < p + n && slash[1] == ' ') {
		add(f, nf, ERR_NOMENCLATURE, col, "the '/' must not be "
		    "preceded or followed by a space");
		return;
	}
	k = fold(p, (size_t)(slash - p), folded, sizeof(folded));
	for (i = 0; i < sizeof(nomenclature) / sizeof(nomenclature[0]); i++)
		if (strlen(nomenclature[i]) == k &&
		    memcmp(nomenclature[i], folded, k) == 0)
			return;
	add(f, nf, ERR_NOMENCLATURE, col, "'%.*s' is not a matter of the "
	    "Actes nomenclature (Commande publique, Urbanisme, ...)",
	    (int)text_cut(p, (size_t)(slash - p), 100), p);
}

static void
check_year_interval(const char *p, size_t n, int year_only, long col,
    struct custom_check_finding *f, size_t *nf)
{
	int y1, y2;

	if (n == 4 && text_all_digits(p, 4)) {
		if (!year_only)
			add(f, nf, ERR_YEAR_INTERVAL, col, "'%.*s' is a year, "
			    "where an interval YYYY/YYYY is expected", (int)n, p);
		return;
	}
	if (n != 9 || p[4] != '/' || !text_all_digits(p, 4) ||
	    !text_all_digits(p + 5, 4)) {
		add(f, nf, ERR_YEAR_INTERVAL, col, "'%.*s' is not an interval "
		    "of years YYYY/YYYY", (int)text_cut(p, n, 100), p);
		return;
	}
	y1 = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 +
	    p[3] - '0';
	y2 = (p[5] - '0') * 1000 + (p[6] - '0') * 100 + (p[7] - '0') * 10 +
	    p[8] - '0';
	if (y1 == y2)
		add(f, nf, ERR_YEAR_INTERVAL, col, "the two years of '%.*s' "
		    "must differ", (int)n, p);
	else if (y1 > y2)
		add(f, nf, ERR_YEAR_INTERVAL, col, "the second year of '%.*s' "
		    "must come after the first", (int)n, p);
}

/* The six boxes of Validata's french-gps-coordinates, strict bounds. */
static int
in_france(double lon, double lat)
{
	static const double box[6][4] = {
		{ -61.809839, -61.001959, 15.832041, 16.514488 },
		{ -61.229033, -60.809655, 14.388646, 14.878723 },
		{ -54.60239, -51.619041, 2.111055, 5.748138 },
		{ 55.216526, 55.836654, -21.389631, -20.8718 },
		{ 45.01833, 45.299985, -13.005254, -12.63659 },
		{ -5.141277, 9.560091, 41.333571, 51.088989 },
	};
	size_t i;

	for (i = 0; i < 6; i++)
		if (lon > box[i][0] && lon < box[i][1] && lat > box[i][2] &&
		    lat < box[i][3])
			return 1;
	return 0;
}

static void
check_gps(const struct custom_check_binding *b, const char *p, size_t n,
    long col, struct custom_check_finding *f, size_t *nf)
{
	struct cast_spec plain;
	const struct cast_spec *spec = &plain;
	struct cast_value v;
	long field = b->fields[col];

	cast_spec_init(&plain, TYPE_GEOPOINT);
	if (field >= 0 && b->schema &&
	    b->schema->fields[field].spec.type == TYPE_GEOPOINT)
		spec = &b->schema->fields[field].spec;
	if (cast_cell(spec, p, n, &v) < 0)
		return;		/* the type check reports it */
	if (in_france(v.lon, v.lat))
		return;
	if (in_france(v.lat, v.lon))
		add(f, nf, ERR_REVERSED_GPS, col, "'%.*s' is in France only "
		    "with longitude and latitude swapped",
		    (int)text_cut(p, n, 100), p);
	else
		add(f, nf, ERR_GPS, col, "'%.*s' is not in France (metropolitan "
		    "France, Corsica or an overseas département)",
		    (int)text_cut(p, n, 100), p);
}

static void
check_compare(const struct custom_check_binding *b, const char *p1, size_t n1,
    const char *p2, size_t n2, struct custom_check_finding *f, size_t *nf)
{
	const char *op = b->def->op;
	double a, c;
	int cmp, ok;

	if (is_number(p1, n1, &a) && is_number(p2, n2, &c))
		cmp = (a > c) - (a < c);
	else {
		size_t m = n1 < n2 ? n1 : n2;

		cmp = memcmp(p1, p2, m);
		if (cmp == 0)
			cmp = (n1 > n2) - (n1 < n2);
		cmp = (cmp > 0) - (cmp < 0);
	}
	if (strcmp(op, "<") == 0)
		ok = cmp < 0;
	else if (strcmp(op, "<=") == 0)
		ok = cmp <= 0;
	else if (strcmp(op, "==") == 0)
		ok = cmp == 0;
	else if (strcmp(op, ">=") == 0)
		ok = cmp >= 0;
	else
		ok = cmp > 0;
	if (!ok)
		add(f, nf, ERR_COMPARE, b->column, "'%.*s' in column '%s' "
		    "should be %s '%.*s' in column '%s'",
		    (int)text_cut(p1, n1, 100), p1, b->def->column,
		    strcmp(op, "<") == 0 ? _("less than") :
		    strcmp(op, "<=") == 0 ? _("less than or equal to") :
		    strcmp(op, "==") == 0 ? _("equal to") :
		    strcmp(op, ">=") == 0 ? _("greater than or equal to") :
		    _("greater than"), (int)text_cut(p2, n2, 100), p2,
		    b->def->column2);
}

void
custom_check_row(const struct custom_check_binding *b, const struct record *rec,
    struct custom_check_finding *f, size_t *nf)
{
	const char *p, *p2;
	size_t n, n2, i, filled, total;
	long long sum, part, target;

	switch (b->kind) {
	case K_SIRET:
		if (cell(b, rec, b->column, &p, &n) && !siret_valid(p, n))
			add(f, nf, ERR_FRENCH_SIRET, b->column, "'%.*s' is not "
			    "a valid SIRET number (14 digits with a valid key)",
			    (int)text_cut(p, n, 100), p);
		break;
	case K_SIREN:
		if (cell(b, rec, b->column, &p, &n) && !siren_valid(p, n))
			add(f, nf, ERR_FRENCH_SIREN, b->column, "'%.*s' is not "
			    "a valid SIREN number (9 digits with a valid key)",
			    (int)text_cut(p, n, 100), p);
		break;
	case K_ONE_OF:
		if (!cell(b, rec, b->column, &p, &n) &&
		    !cell(b, rec, b->column2, &p2, &n2))
			add(f, nf, ERR_ONE_OF_REQUIRED, -1, "one of '%s' and "
			    "'%s' must be filled", b->def->column,
			    b->def->column2);
		break;
	case K_COHESIVE:
		total = b->ncolumns + 1;
		filled = cell(b, rec, b->column, &p, &n) ? 1 : 0;
		for (i = 0; i < b->ncolumns; i++)
			filled += cell(b, rec, b->columns[i], &p, &n) ? 1 : 0;
		if (filled > 0 && filled < total)
			add(f, nf, ERR_COHESIVE, -1, "'%s' and its %zu companion "
			    "columns must be all filled or all empty (%zu of "
			    "%zu are)", b->def->column, b->ncolumns, filled,
			    total);
		break;
	case K_COMPARE:
		if (cell(b, rec, b->column, &p, &n) &&
		    cell(b, rec, b->column2, &p2, &n2))
			check_compare(b, p, n, p2, n2, f, nf);
		break;
	case K_SUM:
		if (!cell(b, rec, b->column, &p, &n))
			break;
		for (i = 0; i < b->ncolumns; i++)
			if (!cell(b, rec, b->columns[i], &p2, &n2))
				return;
		if (!whole(p, n, &target)) {
			add(f, nf, ERR_SUM, b->column, "'%.*s' is not a whole "
			    "number to compare with a sum",
			    (int)text_cut(p, n, 100), p);
			break;
		}
		sum = 0;
		for (i = 0; i < b->ncolumns; i++) {
			cell(b, rec, b->columns[i], &p2, &n2);
			if (!whole(p2, n2, &part)) {
				add(f, nf, ERR_SUM, b->columns[i], "'%.*s' is "
				    "not a whole number to add up",
				    (int)text_cut(p2, n2, 100), p2);
				return;
			}
			sum += part;
		}
		if (sum != target)
			add(f, nf, ERR_SUM, b->column, "'%lld' in column '%s' "
			    "should be the sum of its %zu columns, %lld",
			    target, b->def->column, b->ncolumns, sum);
		break;
	case K_YEAR_INTERVAL:
		if (cell(b, rec, b->column, &p, &n))
			check_year_interval(p, n, b->def->allow_year_only,
			    b->column, f, nf);
		break;
	case K_NOMENCLATURE:
		if (cell(b, rec, b->column, &p, &n))
			check_nomenclature(p, n, b->column, f, nf);
		break;
	case K_GPS:
		if (cell(b, rec, b->column, &p, &n))
			check_gps(b, p, n, b->column, f, nf);
		break;
	case K_OPENING_HOURS:
		if (cell(b, rec, b->column, &p, &n) &&
		    !opening_hours_valid(p, n))
			add(f, nf, ERR_OPENING_HOURS, b->column, "'%.*s' is not "
			    "opening hours in the OpenStreetMap syntax (for "
			    "example Mo-Fr 08:00-12:00,14:00-18:00; Sa "
			    "09:00-12:00)", (int)text_cut(p, n, 100), p);
		break;
	case K_PHONE:
		if (cell(b, rec, b->column, &p, &n) && !phone_valid(p, n))
			add(f, nf, ERR_PHONE, b->column, "'%.*s' is not a valid "
			    "phone number (10 digits in France such as 01 99 00 "
			    "27 37, +33 1 99 00 27 37, or a short number such "
			    "as 3949)", (int)text_cut(p, n, 100), p);
		break;
	default:
		break;
	}
}
