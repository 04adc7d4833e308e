#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema/cast.h"
#include "schema/cast_parts.h"
#include "base/banned.h"

static const char *type_names[] = {
	"string", "number", "integer", "boolean", "date", "time", "datetime",
	"year", "yearmonth", "duration", "geopoint", "geojson", "object",
	"array", "any",
};

static const char *const default_true[] = { "true", "True", "TRUE", "1" };
static const char *const default_false[] = { "false", "False", "FALSE",
    "0" };

int
cast_type_from_name(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(s, type_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
cast_type_name(enum field_type type)
{
	return type_names[type];
}

void
cast_spec_init(struct cast_spec *spec, enum field_type type)
{
	memset(spec, 0, sizeof(*spec));
	spec->type = type;
	spec->decimal_char[0] = '.';
	spec->bare_number = 1;
}

void
cast_spec_release(struct cast_spec *spec)
{
	size_t i;

	free(spec->format);
	for (i = 0; i < spec->ntrue; i++)
		free(spec->true_values[i]);
	free(spec->true_values);
	for (i = 0; i < spec->nfalse; i++)
		free(spec->false_values[i]);
	free(spec->false_values);
	memset(spec, 0, sizeof(*spec));
}

int
cast_spec_set_format(struct cast_spec *spec, const char *format)
{
	size_t n = strlen(format) + 1;
	char *copy = malloc(n);

	if (copy == NULL)
		return -1;
	memcpy(copy, format, n);
	free(spec->format);
	spec->format = copy;
	spec->format_default = strcmp(format, "default") == 0;
	return 0;
}

int
cast_is_default(const struct cast_spec *spec)
{
	return spec->format == NULL || spec->format_default;
}

int
cast_format_known(const struct cast_spec *spec)
{
	const char *f = spec->format;

	if (cast_is_default(spec))
		return 1;
	switch (spec->type) {
	case TYPE_STRING:
		return strcmp(f, "email") == 0 || strcmp(f, "uri") == 0 ||
		    strcmp(f, "binary") == 0 || strcmp(f, "uuid") == 0 ||
		    strcmp(f, "wkt") == 0;
	case TYPE_DATE:
	case TYPE_TIME:
	case TYPE_DATETIME:
		return 1;	/* "any" or a pattern; a bad one fails to match */
	case TYPE_GEOPOINT:
		return strcmp(f, "array") == 0 || strcmp(f, "object") == 0;
	case TYPE_GEOJSON:
		return strcmp(f, "topojson") == 0;
	default:
		return 0;
	}
}

size_t
utf8_length(const char *p, size_t n)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		count += ((unsigned char)p[i] & 0xC0) != 0x80;
	return count;
}

/* Python's str.isspace() for the ASCII range, which is what matters here. */
int
cast_is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/* ---- numbers ----------------------------------------------------------- */

/*
 * Whether s is a number as Python's Decimal() reads it: surrounding white
 * space, a sign, digits with single underscores between them, a point, an
 * exponent; or Infinity, Inf, NaN in any case. Sets *num.
 */
int
cast_parse_decimal(const char *s, size_t n, double *num)
{
	char tmp[128];
	size_t i = 0, k = 0, digits = 0;

	while (i < n && cast_is_ws((unsigned char)s[i]))
		i++;
	while (n > i && cast_is_ws((unsigned char)s[n - 1]))
		n--;
	if (i == n)
		return -1;
	if (s[i] == '+' || s[i] == '-')
		tmp[k++] = s[i++];
	{
		static const char *words[] = { "infinity", "inf", "nan" };
		size_t w;

		for (w = 0; w < 3; w++)
			if (n - i == strlen(words[w]) &&
			    strncasecmp(s + i, words[w], n - i) == 0) {
				if (w == 2)
					*num = NAN;
				else
					*num = k && tmp[0] == '-' ? -INFINITY :
					    INFINITY;
				return 0;
			}
	}
#define TAKE_DIGITS()							\
	do {								\
		size_t start_ = i;					\
		while (i < n && (isdigit((unsigned char)s[i]) ||	\
		    (s[i] == '_' && i > start_ && i + 1 < n &&		\
		    isdigit((unsigned char)s[i - 1]) &&			\
		    isdigit((unsigned char)s[i + 1])))) {		\
			if (s[i] != '_') {				\
				if (k >= sizeof(tmp) - 8)		\
					return -1;			\
				tmp[k++] = s[i];			\
				digits++;				\
			}						\
			i++;						\
		}							\
	} while (0)
	TAKE_DIGITS();
	if (i < n && s[i] == '.') {
		tmp[k++] = s[i++];
		TAKE_DIGITS();
	}
	if (digits == 0)
		return -1;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t before = digits;

		tmp[k++] = s[i++];
		if (i < n && (s[i] == '+' || s[i] == '-'))
			tmp[k++] = s[i++];
		TAKE_DIGITS();
		if (digits == before)
			return -1;
	}
#undef TAKE_DIGITS
	if (i != n)
		return -1;
	tmp[k] = '\0';
	*num = strtod(tmp, NULL);
	return 0;
}

/* Python's int(): white space, a sign, digits with single underscores. */
static int
parse_int(const char *s, size_t n, struct cast_value *v)
{
	char tmp[128];
	size_t i = 0, k = 0;
	int underscore_ok = 0;

	while (i < n && cast_is_ws((unsigned char)s[i]))
		i++;
	while (n > i && cast_is_ws((unsigned char)s[n - 1]))
		n--;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		tmp[k++] = s[i++];
	if (i == n)
		return -1;
	for (; i < n; i++) {
		if (isdigit((unsigned char)s[i])) {
			if (k >= sizeof(tmp) - 1)
				return -1;
			tmp[k++] = s[i];
			underscore_ok = 1;
		} else if (s[i] == '_' && underscore_ok && i + 1 < n &&
		    isdigit((unsigned char)s[i + 1]))
			underscore_ok = 0;
		else
			return -1;
	}
	tmp[k] = '\0';
	errno = 0;
	v->integer = strtoll(tmp, NULL, 10);
	v->big = errno == ERANGE;
	v->num = v->big ? strtod(tmp, NULL) : (double)v->integer;
	return 0;
}

/*
 * Frictionless' preparation of a number's text: the group character
 * removed, the decimal character made a point (a point that is not the
 * decimal character makes the text invalid), and without bareNumber the
 * text around the number (currency, percent, words) dropped.
 */
static int
prepare_number(const struct cast_spec *spec, const char *p, size_t n,
    struct buf *out, int integer)
{
	size_t gl = strlen(spec->group_char), dl = strlen(spec->decimal_char);
	size_t i = 0, start, end;
	int point_is_decimal = strcmp(spec->decimal_char, ".") == 0;

	while (i < n) {
		if (gl && n - i >= gl && memcmp(p + i, spec->group_char, gl) == 0) {
			i += gl;
			continue;
		}
		if (!integer && dl && n - i >= dl &&
		    memcmp(p + i, spec->decimal_char, dl) == 0) {
			if (buf_addch(out, '.') < 0)
				return -1;
			i += dl;
			continue;
		}
		if (p[i] == '.' && !point_is_decimal && spec->bare_number)
			return -1;
		if (p[i] == '.' && !point_is_decimal) {
			/* Kept as a marker: only trailing text may drop it. */
			if (buf_addch(out, '\x01') < 0)
				return -1;
			i++;
			continue;
		}
		if (buf_addch(out, p[i]) < 0)
			return -1;
		i++;
	}
	if (!spec->bare_number) {
		char *s = out->ptr;
		size_t len = out->len;

		start = 0;
		while (start < len && !isdigit((unsigned char)s[start]) &&
		    s[start] != '-' && s[start] != '+' &&
		    !(s[start] == '.' && start + 1 < len &&
		    isdigit((unsigned char)s[start + 1])))
			start++;
		end = len;
		while (end > start && !isdigit((unsigned char)s[end - 1]))
			end--;
		memmove(s, s + start, end - start);
		buf_setlen(out, end - start);
	}
	if (memchr(out->ptr, '\x01', out->len))
		return -1;
	return 0;
}

static int
cast_number(const struct cast_spec *spec, const char *p, size_t n,
    struct cast_value *v, int integer)
{
	char local[256];
	struct buf tmp;
	int rc;

	/* The common case needs no preparation: a plain decimal text. */
	if (spec->bare_number && spec->group_char[0] == '\0' &&
	    spec->decimal_char[0] == '.' && spec->decimal_char[1] == '\0') {
		if (integer)
			return parse_int(p, n, v);
		return cast_parse_decimal(p, n, &v->num);
	}
	buf_init(&tmp, n + 16);
	rc = prepare_number(spec, p, n, &tmp, integer);
	if (rc == 0) {
		size_t len = tmp.len < sizeof(local) - 1 ? tmp.len :
		    sizeof(local) - 1;

		memcpy(local, tmp.ptr, len);
		local[len] = '\0';
		rc = tmp.len >= sizeof(local) - 1 ? -1 : integer ?
		    parse_int(local, len, v) : cast_parse_decimal(local, len, &v->num);
	}
	buf_release(&tmp);
	return rc;
}

/* ---- string formats ---------------------------------------------------- */

static int
email_ok(const char *p, size_t n)
{
	const char *at = memchr(p, '@', n), *dot;
	size_t i;

	if (at == NULL || at == p || at == p + n - 1)
		return 0;
	for (i = 0; i < n; i++)
		if (cast_is_ws((unsigned char)p[i]) || (p + i != at && p[i] == '@'))
			return 0;
	dot = memchr(at + 1, '.', n - (size_t)(at - p) - 1);
	return dot && dot != at + 1 && dot != p + n - 1;
}

static int
uri_ok(const char *p, size_t n)
{
	size_t i = 0;

	if (n == 0 || !isalpha((unsigned char)p[0]))
		return 0;
	while (i < n && (isalnum((unsigned char)p[i]) || p[i] == '+' ||
	    p[i] == '-' || p[i] == '.'))
		i++;
	if (i == n || p[i] != ':' || i + 1 == n)
		return 0;
	for (; i < n; i++)
		if ((unsigned char)p[i] <= ' ')
			return 0;
	return 1;
}

static int
base64_ok(const char *p, size_t n)
{
	size_t i, pad = 0, len = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '=') {
			pad++;
			len++;
		} else if (isalnum(c) || c == '+' || c == '/') {
			if (pad)
				return 0;
			len++;
		} else
			return 0;
	}
	return len % 4 == 0 && pad <= 2;
}

/* Python's uuid.UUID(): braces, "urn:uuid:" and hyphens are ignored. */
static int
uuid_ok(const char *p, size_t n)
{
	size_t i, hex = 0;

	if (n >= 9 && strncasecmp(p, "urn:uuid:", 9) == 0) {
		p += 9;
		n -= 9;
	}
	if (n >= 2 && p[0] == '{' && p[n - 1] == '}') {
		p++;
		n -= 2;
	}
	for (i = 0; i < n; i++) {
		if (isxdigit((unsigned char)p[i]))
			hex++;
		else if (p[i] != '-')
			return 0;
	}
	return hex == 32;
}

/*
 * Well-known text: a tag, optionally Z, M or ZM, then EMPTY or a
 * parenthesised list whose items are coordinate tuples, nested lists or
 * tagged geometries (collections, compound curves).
 */
static int
cast_string(const struct cast_spec *spec, const char *p, size_t n)
{
	const char *f = spec->format;

	if (cast_is_default(spec))
		return 0;
	if (strcmp(f, "email") == 0)
		return email_ok(p, n) ? 0 : -1;
	if (strcmp(f, "uri") == 0)
		return uri_ok(p, n) ? 0 : -1;
	if (strcmp(f, "binary") == 0)
		return base64_ok(p, n) ? 0 : -1;
	if (strcmp(f, "uuid") == 0)
		return uuid_ok(p, n) ? 0 : -1;
	if (strcmp(f, "wkt") == 0)
		return cast_wkt_ok(p, n) ? 0 : -1;
	return 0;
}

static int
in_list(const char *const *list, size_t count, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (list[i][0] == p[0] && strlen(list[i]) == n &&
		    memcmp(list[i], p, n) == 0)
			return 1;
	return 0;
}

int
cast_cell(const struct cast_spec *spec, const char *p, size_t n,
    struct cast_value *v)
{
	memset(v, 0, sizeof(*v));
	v->type = spec->type;
	v->text = p;
	v->len = n;
	if (n == 0)
		return -1;
	switch (spec->type) {
	case TYPE_STRING:
		return cast_string(spec, p, n);
	case TYPE_ANY:
		return 0;
	case TYPE_NUMBER:
		return cast_number(spec, p, n, v, 0);
	case TYPE_INTEGER:
		return cast_number(spec, p, n, v, 1);
	case TYPE_BOOLEAN:
		if (spec->ntrue ? in_list((const char *const *)spec->true_values,
		    spec->ntrue, p, n) :
		    in_list(default_true, 4, p, n)) {
			v->boolean = 1;
			return 0;
		}
		if (spec->nfalse ? in_list((const char *const *)spec->false_values,
		    spec->nfalse, p, n) : in_list(default_false, 4, p, n)) {
			v->boolean = 0;
			return 0;
		}
		return -1;
	case TYPE_DATE:
	case TYPE_TIME:
	case TYPE_DATETIME:
		return cast_when(spec, p, n, v);
	case TYPE_YEAR:
		if (n > 8 || parse_int(p, n, v) < 0 || v->integer < 0)
			return -1;
		{
			size_t i;

			for (i = 0; i < n; i++)
				if (!isdigit((unsigned char)p[i]))
					return -1;
		}
		return 0;
	case TYPE_YEARMONTH: {
		const char *dash = memchr(p, '-', n);
		struct cast_value y, m;
		size_t i;

		if (dash == NULL)
			return -1;
		for (i = 0; i < n; i++)
			if (!isdigit((unsigned char)p[i]) && p + i != dash)
				return -1;
		if (parse_int(p, (size_t)(dash - p), &y) < 0 ||
		    parse_int(dash + 1, n - (size_t)(dash - p) - 1, &m) < 0 ||
		    y.big || m.big || m.integer < 1 || m.integer > 12)
			return -1;
		v->num = (double)y.integer * 12 + (double)(m.integer - 1);
		return 0;
	}
	case TYPE_DURATION:
		return cast_duration(p, n, v);
	case TYPE_GEOPOINT:
		return cast_geopoint(spec, p, n, v);
	case TYPE_GEOJSON:
	case TYPE_OBJECT:
	case TYPE_ARRAY:
		return cast_json(spec, p, n, v);
	}
	return -1;
}

int
cast_ordered(enum field_type type)
{
	switch (type) {
	case TYPE_NUMBER: case TYPE_INTEGER: case TYPE_DATE: case TYPE_TIME:
	case TYPE_DATETIME: case TYPE_YEAR: case TYPE_YEARMONTH:
	case TYPE_DURATION:
		return 1;
	default:
		return 0;
	}
}

int
cast_compare(const struct cast_value *a, const struct cast_value *b)
{
	if (a->type == TYPE_INTEGER && !a->big && !b->big &&
	    b->type == TYPE_INTEGER)
		return (a->integer > b->integer) - (a->integer < b->integer);
	if (!cast_ordered(a->type))
		return 0;
	return (a->num > b->num) - (a->num < b->num);
}

int
cast_key(const struct cast_value *v, struct buf *out)
{
	switch (v->type) {
	case TYPE_INTEGER:
	case TYPE_YEAR:
		if (!v->big)
			return buf_addf(out, "%lld", v->integer);
		return buf_addf(out, "%.17g", v->num);
	case TYPE_NUMBER: case TYPE_DATE: case TYPE_TIME: case TYPE_DATETIME:
	case TYPE_YEARMONTH: case TYPE_DURATION:
		if (isnan(v->num))
			return buf_addstr(out, "nan");
		return buf_addf(out, "%.17g", v->num == 0 ? 0.0 : v->num);
	case TYPE_BOOLEAN:
		return buf_addstr(out, v->boolean ? "true" : "false");
	case TYPE_GEOPOINT:
		return buf_addf(out, "%.17g,%.17g", v->lon, v->lat);
	default:
		return buf_add(out, v->text, v->len);
	}
}
