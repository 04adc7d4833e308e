#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hint.h"
#include "i18n.h"
#include "banned.h"

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

const char *
hint_type(const struct schema_field *f, const char *p, size_t n,
    char out[HINT_MAX])
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
			snprintf(out, HINT_MAX, _("write %s, or let "
			    "muni-transform convert decimal commas"), fixed);
			return out;
		case 2:
			snprintf(out, HINT_MAX, _("write %s, without thousands "
			    "separators"), fixed);
			return out;
		}
		if (n >= 2 && p[n - 1] == '%') {
			snprintf(out, HINT_MAX, _("write the number without '%%'"
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
			snprintf(out, HINT_MAX, _("write %.4s-%.2s-%.2s, or let "
			    "muni-transform convert French dates"), p + 6,
			    p + 3, p);
			return out;
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
				snprintf(out, HINT_MAX, _("write '%s' for yes"), t);
				return out;
			}
		for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
			if (strlen(no[i]) == n && strncasecmp(no[i], p, n) == 0) {
				snprintf(out, HINT_MAX, _("write '%s' for no"), fl);
				return out;
			}
		return NULL;
	}
	default:
		return NULL;
	}
}

const char *
hint_maximum(const struct schema_field *f, const char *p, size_t n,
    char out[HINT_MAX])
{
	const struct constraint_set *c = &f->c;
	struct cast_value v;

	if (!c->has_maximum || c->maximum.num != 1 ||
	    (f->spec.type != TYPE_NUMBER && f->spec.type != TYPE_INTEGER) ||
	    cast_cell(&f->spec, p, n, &v) < 0 || v.num <= 1 || v.num > 100)
		return NULL;
	snprintf(out, HINT_MAX, _("a ratio between 0 and 1 is expected: a "
	    "percentage of %g is %g"), v.num, v.num / 100);
	return out;
}

const char *
hint_siret(const char *p, size_t n, char out[HINT_MAX])
{
	size_t i, digits = 0;

	for (i = 0; i < n; i++)
		digits += isdigit((unsigned char)p[i]) != 0;
	if (n > 2 && memcmp(p + n - 2, ".0", 2) == 0 && digits == n - 1) {
		snprintf(out, HINT_MAX, _("a spreadsheet wrote the number as a "
		    "float: remove the final '.0' (%.*s), and store the column "
		    "as text"), (int)(n - 2), p);
		return out;
	}
	if (memchr(p, 'E', n) || memchr(p, 'e', n)) {
		snprintf(out, HINT_MAX, _("a spreadsheet wrote the number in "
		    "scientific notation and its last digits are lost: take "
		    "the number from the source again, and store the column "
		    "as text"));
		return out;
	}
	if (digits == 9 && digits == n) {
		snprintf(out, HINT_MAX, _("this is a SIREN (9 digits): a SIRET "
		    "adds the 5 digits of the establishment"));
		return out;
	}
	return NULL;
}
