#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yajl/yajl_tree.h>

#include "json/json.h"
#include "schema/cast.h"
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

static int
is_default(const struct cast_spec *spec)
{
	return spec->format == NULL || spec->format_default;
}

int
cast_format_known(const struct cast_spec *spec)
{
	const char *f = spec->format;

	if (is_default(spec))
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
static int
is_ws(int c)
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
static int
parse_decimal(const char *s, size_t n, double *num)
{
	char tmp[128];
	size_t i = 0, k = 0, digits = 0;

	while (i < n && is_ws((unsigned char)s[i]))
		i++;
	while (n > i && is_ws((unsigned char)s[n - 1]))
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

	while (i < n && is_ws((unsigned char)s[i]))
		i++;
	while (n > i && is_ws((unsigned char)s[n - 1]))
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
		return parse_decimal(p, n, &v->num);
	}
	buf_init(&tmp, n + 16);
	rc = prepare_number(spec, p, n, &tmp, integer);
	if (rc == 0) {
		size_t len = tmp.len < sizeof(local) - 1 ? tmp.len :
		    sizeof(local) - 1;

		memcpy(local, tmp.ptr, len);
		local[len] = '\0';
		rc = tmp.len >= sizeof(local) - 1 ? -1 : integer ?
		    parse_int(local, len, v) : parse_decimal(local, len, &v->num);
	}
	buf_release(&tmp);
	return rc;
}

/* ---- dates and times --------------------------------------------------- */

struct when {
	int year, month, day;
	int hour, minute, second;
	double fraction;
	int has_tz;
	int tz_minutes;
	int pm;			/* -1: no %p, 0: AM, 1: PM */
	int twelve;		/* hour read with %I */
	int yday;
};

static int
days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* Whether the day exists in the calendar. */
static int
date_ok(int y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian. */
static long
days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static const char *month_names[] = { "january", "february", "march",
	"april", "may", "june", "july", "august", "september", "october",
	"november", "december" };
static const char *day_names[] = { "monday", "tuesday", "wednesday",
	"thursday", "friday", "saturday", "sunday" };

/*
 * Numeric directive: the alternatives of Python's _strptime regex, tried
 * in its order (longest first), each with its own continuation so that a
 * failed match further on backtracks into a shorter alternative.
 */
static int ptime_match(const char *f, const char *s, size_t n, size_t i,
    struct when *w);

static int
set_field(struct when *w, char d, int val)
{
	switch (d) {
	case 'd': w->day = val; break;
	case 'm': w->month = val; break;
	case 'Y': w->year = val; break;
	case 'y': w->year = val < 69 ? 2000 + val : 1900 + val; break;
	case 'H': w->hour = val; w->twelve = 0; break;
	case 'I': w->hour = val; w->twelve = 1; break;
	case 'M': w->minute = val; break;
	case 'S': w->second = val; break;
	case 'j': w->yday = val; break;
	}
	return 0;
}

static int
numeric_ok(char d, const char *t, size_t len)
{
	int v = 0;
	size_t k;

	for (k = 0; k < len; k++) {
		if (!isdigit((unsigned char)t[k]))
			return -1;
		v = v * 10 + t[k] - '0';
	}
	switch (d) {
	case 'd':
		return len == 2 ? (v >= 1 && v <= 31 ? v : -1) :
		    (v >= 1 ? v : -1);
	case 'm':
		return len == 2 ? (v >= 1 && v <= 12 ? v : -1) :
		    (v >= 1 ? v : -1);
	case 'H':
		return v <= 23 ? v : -1;
	case 'I':
		return v >= 1 && v <= 12 ? v : -1;
	case 'M':
		return v <= 59 ? v : -1;
	case 'S':
		return v <= 61 ? v : -1;
	case 'y':
		return len == 2 ? v : -1;
	case 'Y':
		return len == 4 ? v : -1;
	case 'j':
		return v >= 1 && v <= 366 ? v : -1;
	}
	return -1;
}

static int
ptime_directive(char d, const char *f, const char *s, size_t n, size_t i,
    struct when *w)
{
	struct when save = *w;
	size_t len, k;
	int v;

	switch (d) {
	case 'd': case 'm': case 'H': case 'I': case 'M': case 'S':
	case 'y': case 'Y': case 'j': {
		int maxlen = d == 'Y' ? 4 : d == 'j' ? 3 : 2;

		for (len = (size_t)maxlen; len >= 1; len--) {
			if (i + len > n)
				continue;
			if ((d == 'y' && len != 2) || (d == 'Y' && len != 4))
				continue;
			/* Python writes 1..9 of %d also as " 9". */
			if (d == 'd' && len == 2 && s[i] == ' ' &&
			    s[i + 1] >= '1' && s[i + 1] <= '9')
				v = s[i + 1] - '0';
			else
				v = numeric_ok(d, s + i, len);
			if (v < 0)
				continue;
			set_field(w, d, v);
			if (ptime_match(f, s, n, i + len, w) == 0)
				return 0;
			*w = save;
		}
		return -1;
	}
	case 'f':
		for (len = 6; len >= 1; len--) {
			double frac = 0, scale = 0.1;

			if (i + len > n)
				continue;
			for (k = 0; k < len; k++)
				if (!isdigit((unsigned char)s[i + k]))
					break;
			if (k < len)
				continue;
			for (k = 0; k < len; k++, scale /= 10)
				frac += (s[i + k] - '0') * scale;
			w->fraction = frac;
			if (ptime_match(f, s, n, i + len, w) == 0)
				return 0;
			*w = save;
		}
		return -1;
	case 'b': case 'B': case 'h': case 'a': case 'A': {
		const char **names = (d == 'a' || d == 'A') ? day_names :
		    month_names;
		int count = (d == 'a' || d == 'A') ? 7 : 12, t;

		for (t = 0; t < count; t++) {
			size_t full = strlen(names[t]);
			size_t forms[2] = { full, 3 };
			int fi;

			for (fi = 0; fi < 2; fi++) {
				len = forms[fi];
				if (i + len > n ||
				    strncasecmp(s + i, names[t], len) != 0)
					continue;
				if (names == month_names)
					w->month = t + 1;
				if (ptime_match(f, s, n, i + len, w) == 0)
					return 0;
				*w = save;
			}
		}
		return -1;
	}
	case 'p':
		if (i + 2 <= n && (strncasecmp(s + i, "am", 2) == 0 ||
		    strncasecmp(s + i, "pm", 2) == 0)) {
			w->pm = tolower((unsigned char)s[i]) == 'p';
			if (ptime_match(f, s, n, i + 2, w) == 0)
				return 0;
			*w = save;
		}
		return -1;
	case 'z': {
		int sign, hh, mm;

		if (i < n && s[i] == 'Z') {
			w->has_tz = 1;
			w->tz_minutes = 0;
			return ptime_match(f, s, n, i + 1, w);
		}
		if (i + 5 > n || (s[i] != '+' && s[i] != '-'))
			return -1;
		sign = s[i] == '-' ? -1 : 1;
		k = i + 1;
		if (!isdigit((unsigned char)s[k]) ||
		    !isdigit((unsigned char)s[k + 1]))
			return -1;
		hh = (s[k] - '0') * 10 + s[k + 1] - '0';
		k += 2;
		if (k < n && s[k] == ':')
			k++;
		if (k + 2 > n || s[k] < '0' || s[k] > '5' ||
		    !isdigit((unsigned char)s[k + 1]))
			return -1;
		mm = (s[k] - '0') * 10 + s[k + 1] - '0';
		k += 2;
		w->has_tz = 1;
		w->tz_minutes = sign * (hh * 60 + mm);
		return ptime_match(f, s, n, k, w);
	}
	case '%':
		if (i < n && s[i] == '%')
			return ptime_match(f, s, n, i + 1, w);
		return -1;
	default:
		return -1;	/* a directive muni does not know */
	}
}

static int
ptime_match(const char *f, const char *s, size_t n, size_t i, struct when *w)
{
	while (*f) {
		if (*f == '%' && f[1]) {
			return ptime_directive(f[1], f + 2, s, n, i, w);
		}
		if (is_ws((unsigned char)*f)) {
			/* White space in the format matches one or more. */
			if (i >= n || !is_ws((unsigned char)s[i]))
				return -1;
			while (i < n && is_ws((unsigned char)s[i]))
				i++;
			while (is_ws((unsigned char)*f))
				f++;
			continue;
		}
		if (i >= n || tolower((unsigned char)s[i]) !=
		    tolower((unsigned char)*f))
			return -1;
		f++;
		i++;
	}
	return i == n ? 0 : -1;
}

/* Python's datetime.strptime(s, fmt): the whole text, valid calendar. */
static int
ptime(const char *fmt, const char *s, size_t n, struct when *w)
{
	memset(w, 0, sizeof(*w));
	w->year = 1900;
	w->month = 1;
	w->day = 1;
	w->pm = -1;
	if (ptime_match(fmt, s, n, 0, w) < 0)
		return -1;
	if (w->twelve && w->pm >= 0)
		w->hour = w->hour % 12 + (w->pm ? 12 : 0);
	if (w->second > 59)
		return -1;
	return date_ok(w->year, w->month, w->day) ? 0 : -1;
}

static int
digits(const char *s, size_t n, size_t i, size_t count, int *out)
{
	size_t k;
	int v = 0;

	if (i + count > n)
		return -1;
	for (k = 0; k < count; k++) {
		if (!isdigit((unsigned char)s[i + k]))
			return -1;
		v = v * 10 + s[i + k] - '0';
	}
	*out = v;
	return 0;
}

/* hh:mm:ss[.ffffff] at s[i], then an optional offset; end of text. */
static int
iso_time(const char *s, size_t n, size_t i, struct when *w, int allow_tz)
{
	if (digits(s, n, i, 2, &w->hour) < 0 || i + 2 >= n ||
	    s[i + 2] != ':' || digits(s, n, i + 3, 2, &w->minute) < 0 ||
	    i + 5 >= n || s[i + 5] != ':' ||
	    digits(s, n, i + 6, 2, &w->second) < 0)
		return -1;
	i += 8;
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		double scale = 0.1;
		size_t start = ++i;

		while (i < n && isdigit((unsigned char)s[i])) {
			w->fraction += (s[i] - '0') * scale;
			scale /= 10;
			i++;
		}
		if (i == start)
			return -1;
	}
	if (w->hour > 24 || w->minute > 59 || w->second > 59)
		return -1;
	if (i == n)
		return 0;
	if (!allow_tz)
		return -1;
	if (s[i] == 'Z' && i + 1 == n) {
		w->has_tz = 1;
		return 0;
	}
	if (s[i] == '+' || s[i] == '-') {
		int sign = s[i] == '-' ? -1 : 1, hh, mm = 0;

		i++;
		if (digits(s, n, i, 2, &hh) < 0)
			return -1;
		i += 2;
		if (i < n && s[i] == ':')
			i++;
		if (i < n) {
			if (digits(s, n, i, 2, &mm) < 0)
				return -1;
			i += 2;
		}
		if (i != n || hh > 23 || mm > 59)
			return -1;
		w->has_tz = 1;
		w->tz_minutes = sign * (hh * 60 + mm);
		return 0;
	}
	return -1;
}

static int
iso_date(const char *s, size_t n, struct when *w)
{
	if (n < 10 || digits(s, n, 0, 4, &w->year) < 0 || s[4] != '-' ||
	    digits(s, n, 5, 2, &w->month) < 0 || s[7] != '-' ||
	    digits(s, n, 8, 2, &w->day) < 0)
		return -1;
	return date_ok(w->year, w->month, w->day) ? 0 : -1;
}

/*
 * The "any" format: what dateutil's parser reads in practice, for the
 * forms found in French exports: ISO dates, d/m/y and d-m-y (day first, as
 * in France), "10th Jan 1969", "10 janvier 1969", times "3:00 am".
 */
static int
any_date(const char *s, size_t n, struct when *w)
{
	static const char *fr_months[] = { "janvier", "février", "mars",
	    "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
	    "novembre", "décembre" };
	int nums[3], nnum = 0, month = 0;
	size_t i = 0, k;

	if (iso_date(s, n, w) == 0 && n == 10)
		return 0;
	while (i < n) {
		if (isdigit((unsigned char)s[i])) {
			int v = 0;

			k = i;
			while (i < n && isdigit((unsigned char)s[i]) && i - k < 4)
				v = v * 10 + s[i++] - '0';
			if (nnum == 3)
				return -1;
			nums[nnum++] = v;
			/* Ordinal suffixes: 1st, 2nd, 3rd, 10th, 1er. */
			if (i + 2 <= n && (strncasecmp(s + i, "st", 2) == 0 ||
			    strncasecmp(s + i, "nd", 2) == 0 ||
			    strncasecmp(s + i, "rd", 2) == 0 ||
			    strncasecmp(s + i, "th", 2) == 0 ||
			    strncasecmp(s + i, "er", 2) == 0))
				i += 2;
		} else if (isalpha((unsigned char)s[i]) ||
		    (unsigned char)s[i] >= 0x80) {
			int t, found = 0;

			k = i;
			while (i < n && (isalpha((unsigned char)s[i]) ||
			    (unsigned char)s[i] >= 0x80))
				i++;
			for (t = 0; t < 12 && !found; t++) {
				size_t fl = strlen(fr_months[t]);

				if ((i - k == strlen(month_names[t]) ||
				    (i - k >= 3 && i - k < strlen(month_names[t]))) &&
				    strncasecmp(s + k, month_names[t], i - k) == 0)
					found = t + 1;
				else if (i - k == fl &&
				    strncasecmp(s + k, fr_months[t], fl) == 0)
					found = t + 1;
			}
			if (!found || month)
				return -1;
			month = found;
		} else if (strchr(" /-.,", s[i]))
			i++;
		else
			return -1;
	}
	if (month && nnum == 2) {
		w->day = nums[0] <= 31 ? nums[0] : nums[1];
		w->year = nums[0] <= 31 ? nums[1] : nums[0];
		w->month = month;
	} else if (!month && nnum == 3) {
		if (nums[0] > 31) {
			w->year = nums[0];
			w->month = nums[1];
			w->day = nums[2];
		} else {
			w->day = nums[0];
			w->month = nums[1];
			w->year = nums[2];
		}
	} else
		return -1;
	if (w->year < 100)
		w->year += w->year < 69 ? 2000 : 1900;
	return date_ok(w->year, w->month, w->day) ? 0 : -1;
}

static int
any_time(const char *s, size_t n, struct when *w)
{
	size_t i = 0;
	int h, m = 0, sec = 0;

	if (n >= 8 && iso_time(s, n, 0, w, 1) == 0)
		return 0;
	if (i < n && isdigit((unsigned char)s[i])) {
		h = s[i++] - '0';
		if (i < n && isdigit((unsigned char)s[i]))
			h = h * 10 + s[i++] - '0';
	} else
		return -1;
	if (i < n && (s[i] == ':' || s[i] == 'h')) {
		i++;
		if (digits(s, n, i, 2, &m) < 0)
			return -1;
		i += 2;
		if (i < n && s[i] == ':') {
			if (digits(s, n, i + 1, 2, &sec) < 0)
				return -1;
			i += 3;
		}
	}
	while (i < n && s[i] == ' ')
		i++;
	if (i + 2 == n && (strncasecmp(s + i, "am", 2) == 0 ||
	    strncasecmp(s + i, "pm", 2) == 0)) {
		if (h < 1 || h > 12)
			return -1;
		h = h % 12 + (tolower((unsigned char)s[i]) == 'p' ? 12 : 0);
		i = n;
	}
	if (i != n || h > 23 || m > 59 || sec > 59)
		return -1;
	w->hour = h;
	w->minute = m;
	w->second = sec;
	return 0;
}

static const char *
pattern_of(const struct cast_spec *spec)
{
	const char *f = spec->format;

	return strncmp(f, "fmt:", 4) == 0 ? f + 4 : f;
}

static int
cast_when(const struct cast_spec *spec, const char *s, size_t n,
    struct cast_value *v)
{
	struct when w;
	double secs;

	memset(&w, 0, sizeof(w));
	w.year = 1900;
	w.month = 1;
	w.day = 1;
	if (is_default(spec)) {
		if (spec->type == TYPE_DATE) {
			/*
			 * Python's strptime(s, "%Y-%m-%d"); the usual
			 * YYYY-MM-DD is read directly, the rest (2025-1-5)
			 * by the general matcher.
			 */
			if (n == 10 && iso_date(s, n, &w) == 0)
				;
			else if (ptime("%Y-%m-%d", s, n, &w) < 0)
				return -1;
		} else if (spec->type == TYPE_TIME) {
			if (ptime("%H:%M:%S", s, n, &w) < 0)
				return -1;
		} else {
			/* ISO 8601 with seconds; an offset is optional. */
			if (iso_date(s, n, &w) < 0 || n < 19 ||
			    (s[10] != 'T' && s[10] != ' ') ||
			    iso_time(s, n, 11, &w, 1) < 0)
				return -1;
		}
	} else if (strcmp(spec->format, "any") == 0) {
		if (spec->type == TYPE_DATE) {
			if (any_date(s, n, &w) < 0)
				return -1;
		} else if (spec->type == TYPE_TIME) {
			if (any_time(s, n, &w) < 0)
				return -1;
		} else {
			const char *sep = memchr(s, 'T', n);

			if (sep == NULL)
				sep = memchr(s, ' ', n);
			if (sep == NULL)
				return -1;
			if (any_date(s, (size_t)(sep - s), &w) < 0 ||
			    any_time(sep + 1, n - (size_t)(sep - s) - 1, &w) < 0)
				return -1;
		}
	} else if (ptime(pattern_of(spec), s, n, &w) < 0)
		return -1;

	secs = w.hour * 3600.0 + w.minute * 60.0 + w.second + w.fraction;
	if (spec->type == TYPE_DATE)
		v->num = (double)days_from_civil(w.year, w.month, w.day);
	else if (spec->type == TYPE_TIME)
		v->num = secs - w.tz_minutes * 60.0;
	else
		v->num = days_from_civil(w.year, w.month, w.day) * 86400.0 +
		    secs - w.tz_minutes * 60.0;
	return 0;
}

/* ISO 8601 duration PnYnMnWnDTnHnMnS; only the last part may be decimal. */
static int
cast_duration(const char *s, size_t n, struct cast_value *v)
{
	static const char date_units[] = "YMWD", time_units[] = "HMS";
	const char *units = date_units;
	size_t i = 1;
	int parts = 0, in_time = 0, last_unit = -1, frac_seen = 0;
	double total = 0;

	if (n < 2 || s[0] != 'P')
		return -1;
	while (i < n) {
		double val = 0, scale = 0.1;
		size_t start = i;
		const char *u;
		int pos, frac = 0;

		if (s[i] == 'T') {
			if (in_time)
				return -1;
			in_time = 1;
			units = time_units;
			last_unit = -1;
			i++;
			if (i == n)
				return -1;
			continue;
		}
		while (i < n && isdigit((unsigned char)s[i]))
			val = val * 10 + (s[i++] - '0');
		if (i < n && (s[i] == '.' || s[i] == ',')) {
			i++;
			frac = 1;
			while (i < n && isdigit((unsigned char)s[i])) {
				val += (s[i++] - '0') * scale;
				scale /= 10;
			}
		}
		if (i == start || i >= n || frac_seen)
			return -1;
		u = strchr(units, s[i]);
		if (u == NULL || s[i] == '\0')
			return -1;
		pos = (int)(u - units);
		if (pos <= last_unit)
			return -1;	/* out of order: P1M1Y */
		last_unit = pos;
		frac_seen = frac;
		if (!in_time)
			total += val * (double[]){ 365 * 86400.0, 30 * 86400.0,
			    7 * 86400.0, 86400.0 }[pos];
		else
			total += val * (double[]){ 3600, 60, 1 }[pos];
		parts++;
		i++;
	}
	if (parts == 0)
		return -1;
	v->num = total;
	return 0;
}

/* ---- JSON-valued types ------------------------------------------------- */

static yajl_val
parse_json(const char *p, size_t n)
{
	char local[4096], *copy = local;
	yajl_val root;

	if (n >= sizeof(local)) {
		copy = malloc(n + 1);
		if (copy == NULL)
			return NULL;
	}
	memcpy(copy, p, n);
	copy[n] = '\0';
	root = json_parse(copy, NULL, 0);
	if (copy != local)
		free(copy);
	return root;
}

static int
json_number(yajl_val x, double *out)
{
	if (x == NULL || !YAJL_IS_NUMBER(x))
		return -1;
	*out = YAJL_GET_DOUBLE(x);
	if (x->u.number.flags & YAJL_NUMBER_INT_VALID)
		*out = (double)YAJL_GET_INTEGER(x);
	return 0;
}

static int
position_ok(yajl_val pos)
{
	size_t i;

	if (!YAJL_IS_ARRAY(pos) || pos->u.array.len < 2)
		return 0;
	for (i = 0; i < pos->u.array.len; i++)
		if (!YAJL_IS_NUMBER(pos->u.array.values[i]))
			return 0;
	return 1;
}

/* Coordinates nested depth arrays deep around positions. */
static int
coordinates_ok(yajl_val c, int depth)
{
	size_t i;

	if (depth == 0)
		return position_ok(c);
	if (!YAJL_IS_ARRAY(c))
		return 0;
	for (i = 0; i < c->u.array.len; i++)
		if (!coordinates_ok(c->u.array.values[i], depth - 1))
			return 0;
	return 1;
}

static int geojson_ok(yajl_val g, int depth);

static int
geometry_ok(yajl_val g, int depth)
{
	static const struct {
		const char *type;
		int depth;
	} geometries[] = {
		{ "Point", 0 }, { "MultiPoint", 1 }, { "LineString", 1 },
		{ "MultiLineString", 2 }, { "Polygon", 2 },
		{ "MultiPolygon", 3 },
	};
	yajl_val type, sub;
	size_t i;

	if (depth > 32 || !YAJL_IS_OBJECT(g))
		return 0;
	type = json_member(g, "type");
	if (type == NULL || !YAJL_IS_STRING(type))
		return 0;
	if (strcmp(type->u.string, "GeometryCollection") == 0) {
		sub = json_member(g, "geometries");
		if (sub == NULL || !YAJL_IS_ARRAY(sub))
			return 0;
		for (i = 0; i < sub->u.array.len; i++)
			if (!geometry_ok(sub->u.array.values[i], depth + 1))
				return 0;
		return 1;
	}
	for (i = 0; i < sizeof(geometries) / sizeof(geometries[0]); i++)
		if (strcmp(type->u.string, geometries[i].type) == 0) {
			sub = json_member(g, "coordinates");
			return sub && coordinates_ok(sub, geometries[i].depth);
		}
	return 0;
}

static int
geojson_ok(yajl_val g, int depth)
{
	yajl_val type, sub;
	size_t i;

	if (depth > 32 || !YAJL_IS_OBJECT(g))
		return 0;
	type = json_member(g, "type");
	if (type == NULL || !YAJL_IS_STRING(type))
		return 0;
	if (strcmp(type->u.string, "Feature") == 0) {
		sub = json_member(g, "geometry");
		if (sub == NULL || !(YAJL_IS_NULL(sub) || geometry_ok(sub, depth + 1)))
			return 0;
		sub = json_member(g, "properties");
		return sub && (YAJL_IS_NULL(sub) || YAJL_IS_OBJECT(sub));
	}
	if (strcmp(type->u.string, "FeatureCollection") == 0) {
		sub = json_member(g, "features");
		if (sub == NULL || !YAJL_IS_ARRAY(sub))
			return 0;
		for (i = 0; i < sub->u.array.len; i++)
			if (!geojson_ok(sub->u.array.values[i], depth + 1))
				return 0;
		return 1;
	}
	return geometry_ok(g, depth);
}

static int
topojson_ok(yajl_val g)
{
	static const char *types[] = { "Topology", "GeometryCollection",
	    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
	    "MultiPolygon" };
	yajl_val type;
	size_t i;

	if (!YAJL_IS_OBJECT(g))
		return 0;
	type = json_member(g, "type");
	if (type == NULL || !YAJL_IS_STRING(type))
		return 0;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(type->u.string, types[i]) == 0)
			return 1;
	return 0;
}

static int
cast_json(const struct cast_spec *spec, const char *p, size_t n,
    struct cast_value *v)
{
	yajl_val root = parse_json(p, n);
	int ok = 0;

	if (root == NULL)
		return -1;
	switch (spec->type) {
	case TYPE_OBJECT:
		ok = YAJL_IS_OBJECT(root);
		if (ok)
			v->length = root->u.object.len;
		break;
	case TYPE_ARRAY:
		ok = YAJL_IS_ARRAY(root);
		if (ok)
			v->length = root->u.array.len;
		break;
	case TYPE_GEOJSON:
		ok = is_default(spec) ? geojson_ok(root, 0) : topojson_ok(root);
		break;
	case TYPE_GEOPOINT:
		if (strcmp(spec->format, "array") == 0 && YAJL_IS_ARRAY(root) &&
		    root->u.array.len == 2)
			ok = json_number(root->u.array.values[0], &v->lon) == 0 &&
			    json_number(root->u.array.values[1], &v->lat) == 0;
		else if (strcmp(spec->format, "object") == 0 &&
		    YAJL_IS_OBJECT(root))
			ok = json_number(json_member(root, "lon"), &v->lon) ==
				0 &&
			    json_number(json_member(root, "lat"), &v->lat) == 0;
		break;
	default:
		break;
	}
	yajl_tree_free(root);
	return ok ? 0 : -1;
}

static int
cast_geopoint(const struct cast_spec *spec, const char *p, size_t n,
    struct cast_value *v)
{
	if (!is_default(spec)) {
		if (cast_json(spec, p, n, v) < 0)
			return -1;
	} else {
		const char *comma = memchr(p, ',', n);

		if (comma == NULL ||
		    parse_decimal(p, (size_t)(comma - p), &v->lon) < 0 ||
		    parse_decimal(comma + 1, n - (size_t)(comma - p) - 1,
		    &v->lat) < 0)
			return -1;
	}
	if (!(v->lon >= -180 && v->lon <= 180 && v->lat >= -90 &&
	    v->lat <= 90))
		return -1;
	return 0;
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
		if (is_ws((unsigned char)p[i]) || (p + i != at && p[i] == '@'))
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
static int wkt_list(const char **s, const char *end, int depth);

static void
wkt_ws(const char **s, const char *end)
{
	while (*s < end && is_ws((unsigned char)**s))
		(*s)++;
}

static int
wkt_tag(const char **s, const char *end)
{
	const char *start = *s;

	while (*s < end && isalpha((unsigned char)**s))
		(*s)++;
	return *s > start;
}

static int
wkt_geometry(const char **s, const char *end, int depth)
{
	if (depth > 32 || !wkt_tag(s, end))
		return 0;
	wkt_ws(s, end);
	if (end - *s >= 2 && (strncasecmp(*s, "ZM", 2) == 0)) {
		*s += 2;
	} else if (*s < end && (**s == 'Z' || **s == 'M' || **s == 'z' ||
	    **s == 'm') && (*s + 1 == end || !isalpha((unsigned char)(*s)[1])))
		(*s)++;
	wkt_ws(s, end);
	if (end - *s >= 5 && strncasecmp(*s, "EMPTY", 5) == 0) {
		*s += 5;
		return 1;
	}
	return wkt_list(s, end, depth + 1);
}

static int
wkt_tuple(const char **s, const char *end)
{
	int count = 0;

	for (;;) {
		double d;
		const char *start = *s;

		while (*s < end && (isdigit((unsigned char)**s) || **s == '.' ||
		    **s == '-' || **s == '+' || **s == 'e' || **s == 'E'))
			(*s)++;
		if (*s == start || parse_decimal(start, (size_t)(*s - start),
		    &d) < 0)
			return 0;
		count++;
		if (*s < end && is_ws((unsigned char)**s)) {
			wkt_ws(s, end);
			if (*s < end && **s != ',' && **s != ')')
				continue;
		}
		return count >= 2;
	}
}

static int
wkt_list(const char **s, const char *end, int depth)
{
	if (depth > 32 || *s >= end || **s != '(')
		return 0;
	(*s)++;
	for (;;) {
		wkt_ws(s, end);
		if (*s >= end)
			return 0;
		if (**s == '(') {
			if (!wkt_list(s, end, depth + 1))
				return 0;
		} else if (isalpha((unsigned char)**s)) {
			if (!wkt_geometry(s, end, depth + 1))
				return 0;
		} else if (!wkt_tuple(s, end))
			return 0;
		wkt_ws(s, end);
		if (*s < end && **s == ',') {
			(*s)++;
			continue;
		}
		if (*s < end && **s == ')') {
			(*s)++;
			return 1;
		}
		return 0;
	}
}

static int
wkt_ok(const char *p, size_t n)
{
	const char *s = p, *end = p + n;

	wkt_ws(&s, end);
	if (!wkt_geometry(&s, end, 0))
		return 0;
	wkt_ws(&s, end);
	return s == end;
}

static int
cast_string(const struct cast_spec *spec, const char *p, size_t n)
{
	const char *f = spec->format;

	if (is_default(spec))
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
		return wkt_ok(p, n) ? 0 : -1;
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
