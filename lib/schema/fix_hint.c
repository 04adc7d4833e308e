#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/i18n.h"
#include "schema/fix_hint.h"
#include "base/banned.h"

/* Whether every thousands separator is followed by exactly three digits. */
static int
groups_of_three(const char *p, size_t n)
{
	size_t i = 0, run;

	while (i < n && p[i] != ',') {
		unsigned char c = (unsigned char)p[i];
		size_t sep = c == ' ' || c == '.' ? 1 : c == 0xC2 ? 2 :
		    c == 0xE2 ? 3 : 0;

		if (sep == 0) {
			i++;
			continue;
		}
		i += sep;
		for (run = 0; i < n && isdigit((unsigned char)p[i]); i++)
			run++;
		if (run != 3)
			return 0;
	}
	return 1;
}

/*
 * Digits with thousands separators (spaces, U+00A0, U+202F, dots) and a
 * decimal comma, as French spreadsheets write them: 1 (if it has a
 * comma), 2 (only separators), 0 (something else). The number as muni
 * reads it goes to fixed.
 */
static int
decimal_comma(const char *p, size_t n, char *fixed, size_t cap)
{
	size_t i = 0, k = 0, comma = 0, digits = 0, groups = 0;

	if (i < n && (p[i] == '-' || p[i] == '+'))
		fixed[k++] = p[i++];
	for (; i < n && k + 1 < cap; i++) {
		unsigned char c = (unsigned char)p[i];

		if (isdigit(c)) {
			fixed[k++] = (char)c;
			digits++;
		} else if (c == ',' && !comma) {
			fixed[k++] = '.';
			comma = 1;
		} else if (c == ' ' || (c == '.' && !comma))
			groups++;
		else if (c == 0xC2 && i + 1 < n && (unsigned char)p[i + 1] == 0xA0) {
			groups++;
			i++;
		} else if (c == 0xE2 && i + 2 < n &&
		    (unsigned char)p[i + 1] == 0x80 &&
		    (unsigned char)p[i + 2] == 0xAF) {
			groups++;
			i += 2;
		} else
			return 0;
	}
	fixed[k] = '\0';
	if (!digits || i != n || !groups_of_three(p, n))
		return 0;
	return comma ? 1 : groups ? 2 : 0;
}

static int
two_digits(const char *p)
{
	return isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]);
}

/*
 * The ISO date iso (YYYY-MM-DD) written by the pattern f (%d %e %m %Y %y
 * %%): its length, 0 when f holds another directive or out is short.
 */
static size_t
write_date(const char *f, const char *iso, char *out, size_t cap)
{
	size_t k = 0, w;
	const char *from;

	for (; *f; f++) {
		if (*f != '%') {
			from = f;
			w = 1;
		} else {
			switch (*++f) {
			case 'd': from = iso + 8; w = 2; break;
			case 'e':
				from = iso + 8 + (iso[8] == '0');
				w = 2 - (iso[8] == '0');
				break;
			case 'm': from = iso + 5; w = 2; break;
			case 'Y': from = iso; w = 4; break;
			case 'y': from = iso + 2; w = 2; break;
			case '%': from = f; w = 1; break;
			default: return 0;
			}
		}
		if (k + w + 1 > cap)
			return 0;
		memcpy(out + k, from, w);
		k += w;
	}
	out[k] = '\0';
	return k;
}

/*
 * A separator as a steward reads it: a no-break space looks like a space
 * and is not one, so it is named with its code point.
 */
static const char *
separator(const char *c, char out[32])
{
	if (strcmp(c, " ") == 0)
		return _("a space");
	if (strcmp(c, "\xc2\xa0") == 0)
		return _("a no-break space (U+00A0, not a plain space)");
	if (strcmp(c, "\xe2\x80\xaf") == 0)
		return _("a narrow no-break space (U+202F, not a plain space)");
	if (strcmp(c, ".") == 0)
		return _("a dot");
	if (strcmp(c, ",") == 0)
		return _("a comma");
	if (strcmp(c, "'") == 0)
		return _("an apostrophe");
	snprintf(out, 32, "'%s'", c);
	return out;
}

/*
 * A strptime pattern as people write dates: '%d/%m/%Y' is DD/MM/YYYY
 * (JJ/MM/AAAA in French); NULL when it holds a directive without a
 * plain reading.
 */
static const char *
readable_pattern(const char *f, char *out, size_t cap)
{
	size_t k = 0;
	const char *w;

	for (; *f; f++) {
		if (*f != '%') {
			if (k + 1 >= cap)
				return NULL;
			out[k++] = *f;
			continue;
		}
		switch (*++f) {
		case 'd': w = _("DD"); break;
		case 'e': w = _("D"); break;
		case 'm': w = _("MM"); break;
		case 'Y': w = _("YYYY"); break;
		case 'y': w = _("YY"); break;
		case 'H': w = _("hh"); break;
		case 'M': w = _("mm"); break;
		case 'S': w = _("ss"); break;
		case '%': w = "%"; break;
		default: return NULL;
		}
		if (k + strlen(w) + 1 >= cap)
			return NULL;
		memcpy(out + k, w, strlen(w));
		k += strlen(w);
	}
	out[k] = '\0';
	return out;
}

static int
contains(const char *p, size_t n, const char *c, size_t len)
{
	size_t i;

	for (i = 0; i + len <= n; i++)
		if (memcmp(p + i, c, len) == 0)
			return 1;
	return 0;
}

/* The separators a number may be written with, spaces first. */
static const char *const separators[] = { " ", "\xc2\xa0", "\xe2\x80\xaf",
    "'", ".", "," };

/*
 * A number whose separators are not this schema's: "1 570,00" with a
 * plain space where the schema asks for a no-break space, "1570.50" with
 * a dot where it asks for a comma, "1 570,5" where it has no thousands
 * separator. The hint names both and gives the value as the schema reads
 * it: a dot or a comma is tried as the decimal separator first, a space
 * or an apostrophe as the thousands one, then each is tried left out.
 */
static const char *
hint_separators(const struct cast_spec *spec, const char *p, size_t n,
    char out[FIX_HINT_MAX])
{
	struct cast_value v;
	char fixed[128], s1[32], s2[32];
	size_t i, k, s, len, o, nt;

	for (s = 0; s < sizeof(separators) / sizeof(separators[0]); s++) {
		const char *c = separators[s];
		int point = c[0] == '.' || c[0] == ',';
		const char *try[3];

		len = strlen(c);
		if (strcmp(c, spec->group_char) == 0 ||
		    strcmp(c, spec->decimal_char) == 0 ||
		    !contains(p, n, c, len))
			continue;
		nt = 0;
		if (point && spec->decimal_char[0])
			try[nt++] = spec->decimal_char;
		if (spec->group_char[0])
			try[nt++] = spec->group_char;
		try[nt++] = "";
		for (k = 0; k < nt; k++) {
			for (i = o = 0; i < n && o + 8 < sizeof(fixed); )
				if (n - i >= len && memcmp(p + i, c, len) == 0) {
					memcpy(fixed + o, try[k], strlen(try[k]));
					o += strlen(try[k]);
					i += len;
				} else
					fixed[o++] = p[i++];
			if (i < n)
				return NULL;
			fixed[o] = '\0';
			if (cast_cell(spec, fixed, o, &v) < 0)
				continue;
			if (try[k][0])
				snprintf(out, FIX_HINT_MAX, _("this schema writes %s "
				    "where the value has %s: write %s"),
				    separator(try[k], s1), separator(c, s2), fixed);
			else
				snprintf(out, FIX_HINT_MAX, _("this schema has no "
				    "place for %s in a number: write %s"),
				    separator(c, s2), fixed);
			return out;
		}
	}
	return NULL;
}

const char *
fix_hint_expected(const struct cast_spec *spec, char out[FIX_HINT_MAX])
{
	const char *f = spec->format, *what;
	int deflt = strcmp(f, "default") == 0;
	char s1[32], s2[32], human[64];

	switch (spec->type) {
	case TYPE_NUMBER:
		if (strcmp(spec->decimal_char, ".") == 0 && !spec->group_char[0])
			return _("a number (with a dot as decimal separator)");
		if (!spec->group_char[0])
			snprintf(out, FIX_HINT_MAX, _("a number (with %s as decimal "
			    "separator, such as 1570%s50)"),
			    separator(spec->decimal_char, s1), spec->decimal_char);
		else
			snprintf(out, FIX_HINT_MAX, _("a number (with %s as decimal "
			    "separator and %s between thousands, such as "
			    "1%s570%s50)"), separator(spec->decimal_char, s1),
			    separator(spec->group_char, s2), spec->group_char,
			    spec->decimal_char);
		return out;
	case TYPE_INTEGER:
		if (!spec->group_char[0])
			return _("a whole number");
		snprintf(out, FIX_HINT_MAX, _("a whole number (with %s between "
		    "thousands, such as 1%s570)"), separator(spec->group_char,
		    s1), spec->group_char);
		return out;
	case TYPE_BOOLEAN:
		snprintf(out, FIX_HINT_MAX, _("%s or %s"), spec->ntrue ?
		    spec->true_values[0] : "true", spec->nfalse ?
		    spec->false_values[0] : "false");
		return out;
	case TYPE_DATE:
	case TYPE_TIME:
	case TYPE_DATETIME:
		if (deflt)
			return spec->type == TYPE_DATE ? _("a date as YYYY-MM-DD") :
			    spec->type == TYPE_TIME ? _("a time as HH:MM:SS") :
			    _("a date and time as YYYY-MM-DDTHH:MM:SS");
		what = spec->type == TYPE_DATE ? _("a date") :
		    spec->type == TYPE_TIME ? _("a time") : _("a date and time");
		if (strcmp(f, "any") == 0)
			snprintf(out, FIX_HINT_MAX, "%s", what);
		else if (readable_pattern(f, human, sizeof(human)))
			snprintf(out, FIX_HINT_MAX, _("%s as %s ('%s')"), what, human,
			    f);
		else
			snprintf(out, FIX_HINT_MAX, _("%s as '%s'"), what, f);
		return out;
	case TYPE_YEAR:
		return _("a year");
	case TYPE_YEARMONTH:
		return _("a year and month as YYYY-MM");
	case TYPE_DURATION:
		return _("an ISO 8601 duration such as P1Y2M or PT30M");
	case TYPE_GEOPOINT:
		if (deflt)
			return _("a point as 'longitude, latitude'");
		if (strcmp(f, "array") == 0)
			return _("a point as [longitude, latitude]");
		return "a point as {\"lon\": ..., \"lat\": ...}";
	case TYPE_GEOJSON:
		return deflt ? _("a GeoJSON object") : _("a TopoJSON object");
	case TYPE_OBJECT:
		return _("a JSON object");
	case TYPE_ARRAY:
		return _("a JSON array");
	case TYPE_STRING:
		if (strcmp(f, "email") == 0)
			return _("an e-mail address");
		if (strcmp(f, "uri") == 0)
			return _("a URI such as https://...");
		if (strcmp(f, "binary") == 0)
			return _("base64 data");
		if (strcmp(f, "uuid") == 0)
			return _("a UUID");
		if (strcmp(f, "wkt") == 0)
			return _("a WKT geometry");
		return _("a text");
	default:
		return _("a value");
	}
}

const char *
fix_hint_type(const struct schema_field *f, const char *p, size_t n,
    char out[FIX_HINT_MAX])
{
	const struct cast_spec *spec = &f->spec;
	char fixed[64];
	size_t i;

	switch (spec->type) {
	case TYPE_NUMBER:
	case TYPE_INTEGER:
		switch (spec->decimal_char[0] == '.' ?
		    decimal_comma(p, n, fixed, sizeof(fixed)) : 0) {
		case 1:
			snprintf(out, FIX_HINT_MAX, _("write %s, or let "
			    "muni-transform convert decimal commas"), fixed);
			return out;
		case 2:
			snprintf(out, FIX_HINT_MAX, _("write %s, without thousands "
			    "separators"), fixed);
			return out;
		}
		if (spec->group_char[0] || strcmp(spec->decimal_char, "."))
			return hint_separators(spec, p, n, out);
		if (n >= 2 && p[n - 1] == '%') {
			snprintf(out, FIX_HINT_MAX, _("write the number without '%%'"
			    " (a ratio: 80%% is 0.8)"));
			return out;
		}
		return NULL;
	case TYPE_DATE:
		/* dd/mm/yyyy or dd-mm-yyyy where ISO is expected. */
		if (spec->format_default && n == 10 && two_digits(p) &&
		    (p[2] == '/' || p[2] == '-' || p[2] == '.') &&
		    two_digits(p + 3) && p[5] == p[2] && two_digits(p + 6) &&
		    two_digits(p + 8)) {
			snprintf(out, FIX_HINT_MAX, _("write %.4s-%.2s-%.2s, or let "
			    "muni-transform convert French dates"), p + 6,
			    p + 3, p);
			return out;
		}
		/* YYYY-MM-DD where the schema has its own pattern */
		if (!spec->format_default && n == 10 && two_digits(p) &&
		    two_digits(p + 2) && p[4] == '-' && two_digits(p + 5) &&
		    p[7] == '-' && two_digits(p + 8)) {
			struct cast_value v;
			char date[64];
			size_t k = write_date(spec->format, p, date,
			    sizeof(date));

			if (k > 0 && cast_cell(spec, date, k, &v) == 0) {
				snprintf(out, FIX_HINT_MAX, _("write %s, in the "
				    "schema's format"), date);
				return out;
			}
		}
		return NULL;
	case TYPE_BOOLEAN: {
		static const char *yes[] = { "yes", "oui", "o", "y", "vrai",
		    "true", "1" };
		static const char *no[] = { "no", "non", "n", "faux", "false",
		    "0" };
		const char *t = spec->ntrue ? spec->true_values[0] : "true";
		const char *fl = spec->nfalse ? spec->false_values[0] : "false";

		for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
			if (strlen(yes[i]) == n && strncasecmp(yes[i], p, n) == 0) {
				snprintf(out, FIX_HINT_MAX, _("write '%s' for yes"), t);
				return out;
			}
		for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
			if (strlen(no[i]) == n && strncasecmp(no[i], p, n) == 0) {
				snprintf(out, FIX_HINT_MAX, _("write '%s' for no"), fl);
				return out;
			}
		return NULL;
	}
	default:
		return NULL;
	}
}

const char *
fix_hint_maximum(const struct schema_field *f, const char *p, size_t n,
    char out[FIX_HINT_MAX])
{
	const struct constraint_set *c = &f->c;
	struct cast_value v;

	if (!c->has_maximum || c->maximum.num != 1 ||
	    (f->spec.type != TYPE_NUMBER && f->spec.type != TYPE_INTEGER) ||
	    cast_cell(&f->spec, p, n, &v) < 0 || v.num <= 1 || v.num > 100)
		return NULL;
	snprintf(out, FIX_HINT_MAX, _("a ratio between 0 and 1 is expected: a "
	    "percentage of %g is %g"), v.num, v.num / 100);
	return out;
}

const char *
fix_hint_siret(const char *p, size_t n, char out[FIX_HINT_MAX])
{
	size_t i, digits = 0;

	for (i = 0; i < n; i++)
		digits += isdigit((unsigned char)p[i]) != 0;
	if (n > 2 && memcmp(p + n - 2, ".0", 2) == 0 && digits == n - 1) {
		snprintf(out, FIX_HINT_MAX, _("a spreadsheet wrote the number as a "
		    "float: remove the final '.0' (%.*s), and store the column "
		    "as text"), (int)(n - 2), p);
		return out;
	}
	if (memchr(p, 'E', n) || memchr(p, 'e', n)) {
		snprintf(out, FIX_HINT_MAX, _("a spreadsheet wrote the number in "
		    "scientific notation and its last digits are lost: take "
		    "the number from the source again, and store the column "
		    "as text"));
		return out;
	}
	if (digits == 9 && digits == n) {
		snprintf(out, FIX_HINT_MAX, _("this is a SIREN (9 digits): a SIRET "
		    "adds the 5 digits of the establishment"));
		return out;
	}
	return NULL;
}
