/*
 * cast_time: the date, time, datetime, year, yearmonth and duration types
 * of Table Schema, as frictionless-py casts them: ISO 8601 by default,
 * Python's strptime for a pattern, "any" for what dateutil reads.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/frdate.h"
#include "schema/cast.h"
#include "schema/cast_parts.h"
#include "base/banned.h"

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

/* Whether the day exists in the calendar. */
static int
date_ok(int y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= frdate_days_in_month(y, m);
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
		if (cast_is_ws((unsigned char)*f)) {
			/* White space in the format matches one or more. */
			if (i >= n || !cast_is_ws((unsigned char)s[i]))
				return -1;
			while (i < n && cast_is_ws((unsigned char)s[i]))
				i++;
			while (cast_is_ws((unsigned char)*f))
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
				size_t fl = strlen(frdate_months[t]);

				if ((i - k == strlen(month_names[t]) ||
				    (i - k >= 3 && i - k < strlen(month_names[t]))) &&
				    strncasecmp(s + k, month_names[t], i - k) == 0)
					found = t + 1;
				else if (i - k == fl &&
				    strncasecmp(s + k, frdate_months[t], fl) == 0)
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

int
cast_when(const struct cast_spec *spec, const char *s, size_t n,
    struct cast_value *v)
{
	struct when w;
	double secs;

	memset(&w, 0, sizeof(w));
	w.year = 1900;
	w.month = 1;
	w.day = 1;
	if (cast_is_default(spec)) {
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
int
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

