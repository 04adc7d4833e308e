/*
 * value_ops.c holds one function per operation of muni-map(5), dispatched
 * by kind; they share the date and number readers below.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/frdate.h"
#include "schema/cast.h"
#include "schema/siret.h"
#include "transform/decimal.h"
#include "transform/reproject.h"
#include "transform/value_calc.h"
#include "transform/value_ops.h"
#include "base/banned.h"

int
value_cannot(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
	return 1;
}

/* ---- spaces and case ---- */

/* Length of a white space at p (ASCII, no-break, narrow no-break), or 0. */
static size_t
space_at(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;

	if (n >= 1 && (u[0] == ' ' || u[0] == '\t' || u[0] == '\r' ||
	    u[0] == '\n'))
		return 1;
	if (n >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (n >= 3 && u[0] == 0xe2 && u[1] == 0x80 && u[2] == 0xaf)
		return 3;
	return 0;
}

static void
trim(const char **p, size_t *n)
{
	size_t k;

	while (*n > 0 && (k = space_at(*p, *n)) > 0)
		*p += k, *n -= k;
	for (;;) {
		if (*n >= 1 && space_at(*p + *n - 1, 1))
			*n -= 1;
		else if (*n >= 2 && space_at(*p + *n - 2, 2) == 2)
			*n -= 2;
		else if (*n >= 3 && space_at(*p + *n - 3, 3) == 3)
			*n -= 3;
		else
			break;
	}
}

static int
collapse(const char *p, size_t n, struct buf *out)
{
	size_t i = 0, k;
	int space = 0;

	trim(&p, &n);
	while (i < n) {
		if ((k = space_at(p + i, n - i)) > 0) {
			space = 1;
			i += k;
			continue;
		}
		if (space && buf_addch(out, ' ') < 0)
			return -1;
		space = 0;
		if (buf_addch(out, p[i++]) < 0)
			return -1;
	}
	return 0;
}

/*
 * Change the case of one character at p (ASCII and the Latin letters of
 * French: U+00C0-U+00FE, oe, y diaeresis); returns its length.
 */
static size_t
recase(const char *p, size_t n, int upper, struct buf *out)
{
	const unsigned char *u = (const unsigned char *)p;
	unsigned char c[2];

	if (u[0] < 0x80) {
		buf_addch(out, upper ? (u[0] >= 'a' && u[0] <= 'z' ? u[0] - 32 :
		    u[0]) : (u[0] >= 'A' && u[0] <= 'Z' ? u[0] + 32 : u[0]));
		return 1;
	}
	if (n >= 2 && u[0] == 0xc3 && u[1] != 0x97 && u[1] != 0xb7 &&
	    u[1] != 0x9f) {
		c[0] = 0xc3;
		if (upper && u[1] >= 0xa0 && u[1] <= 0xbe)
			c[1] = u[1] - 0x20;
		else if (!upper && u[1] >= 0x80 && u[1] <= 0x9e)
			c[1] = u[1] + 0x20;
		else if (upper && u[1] == 0xbf) {	/* ÿ -> Ÿ */
			buf_add(out, "\xc5\xb8", 2);
			return 2;
		} else
			c[1] = u[1];
		buf_add(out, c, 2);
		return 2;
	}
	if (n >= 2 && u[0] == 0xc5 && (u[1] == 0x92 || u[1] == 0x93)) {
		c[0] = 0xc5;
		c[1] = upper ? 0x92 : 0x93;
		buf_add(out, c, 2);
		return 2;
	}
	if (n >= 2 && u[0] == 0xc5 && u[1] == 0xb8 && !upper) {
		buf_add(out, "\xc3\xbf", 2);
		return 2;
	}
	/* any other character, whole */
	n = (u[0] & 0xe0) == 0xc0 ? 2 : (u[0] & 0xf0) == 0xe0 ? 3 :
	    (u[0] & 0xf8) == 0xf0 ? 4 : 1;
	buf_add(out, p, n);
	return n;
}

static int
change_case(const char *p, size_t n, int how, struct buf *out)
{
	size_t i = 0;
	int start = 1;

	while (i < n) {
		int up = how == 1 || (how == 2 && start);
		char ch = p[i];

		i += recase(p + i, n - i, up, out);
		start = ch == ' ' || ch == '-' || ch == '\'' || ch == '\t' ||
		    ch == '(' || ch == '/';
	}
	return out->len > out->max ? -1 : 0;
}

/* ---- replace, extract, split, pad ---- */

static int
replace_literal(const struct value_op *op, const char *p, size_t n,
    struct buf *out)
{
	size_t k = strlen(op->text), i = 0;

	if (k == 0)
		return buf_add(out, p, n);
	while (i < n) {
		if (i + k <= n && memcmp(p + i, op->text, k) == 0) {
			if (buf_addstr(out, op->with) < 0)
				return -1;
			i += k;
		} else if (buf_addch(out, p[i++]) < 0)
			return -1;
	}
	return 0;
}

static int
replace_regex(const struct value_op *op, const char *p, size_t n,
    struct buf *out, char *why, size_t whylen)
{
	PCRE2_SIZE len;
	int rc;

	len = out->max - out->len;
	if (buf_grow(out, n + 64) < 0)
		return -1;
	len = out->cap - out->len - 1;
	rc = pcre2_substitute(op->re, (PCRE2_SPTR)p, n, 0,
	    PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH,
	    op->md, NULL, (PCRE2_SPTR)op->with, PCRE2_ZERO_TERMINATED,
	    (PCRE2_UCHAR *)out->ptr + out->len, &len);
	if (rc == PCRE2_ERROR_NOMEMORY) {
		if (buf_grow(out, len + 1) < 0)
			return -1;
		len = out->cap - out->len - 1;
		rc = pcre2_substitute(op->re, (PCRE2_SPTR)p, n, 0,
		    PCRE2_SUBSTITUTE_GLOBAL, op->md, NULL,
		    (PCRE2_SPTR)op->with, PCRE2_ZERO_TERMINATED,
		    (PCRE2_UCHAR *)out->ptr + out->len, &len);
	}
	if (rc < 0)
		return value_cannot(why, whylen, "%s", "the replacement failed (bad "
		    "UTF-8, or a match limit)");
	out->len += len;
	out->ptr[out->len] = '\0';
	return 0;
}

static int
extract(const struct value_op *op, const char *p, size_t n, struct buf *out,
    char *why, size_t whylen)
{
	PCRE2_SIZE *ov;
	int rc = pcre2_match(op->re, (PCRE2_SPTR)p, n, 0, 0, op->md, NULL);

	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
		return value_cannot(why, whylen, "%s", "the pattern could not be "
		    "decided (PCRE2's match limit)");
	if (rc < 0 || rc <= op->number)
		return value_cannot(why, whylen, "%s", "the pattern does not match");
	ov = pcre2_get_ovector_pointer(op->md);
	if (ov[2 * op->number] == PCRE2_UNSET)
		return value_cannot(why, whylen, "%s", "the group is not in the match");
	return buf_add(out, p + ov[2 * op->number], ov[2 * op->number + 1] -
	    ov[2 * op->number]);
}

static int
split(const struct value_op *op, const char *p, size_t n, struct buf *out,
    char *why, size_t whylen)
{
	size_t k = strlen(op->text), i, start = 0, count = 0, parts = 1;
	long want = op->number;

	for (i = 0; k > 0 && i + k <= n; i++)
		if (memcmp(p + i, op->text, k) == 0)
			parts++, i += k - 1;
	if (want < 0)
		want += (long)parts;
	if (want < 0 || (size_t)want >= parts)
		return value_cannot(why, whylen, "%s", "it has no such part");
	for (i = 0; i <= n; i++) {
		if (i == n || (k > 0 && i + k <= n && memcmp(p + i, op->text,
		    k) == 0)) {
			if (count++ == (size_t)want)
				return buf_add(out, p + start, i - start);
			start = i + k;
			i += k ? k - 1 : 0;
		}
	}
	return value_cannot(why, whylen, "%s", "it has no such part");
}

/* ---- numbers ---- */

static int
number(const struct value_op *op, const char *p, size_t n, struct buf *out,
    char *why, size_t whylen)
{
	char digits[128];
	size_t i = 0, k = 0, ncomma = 0, ndot = 0, sp, frac = 0;
	int neg = 0, percent = 0, seen_point = 0, any = 0;
	char dec = op->decimal;
	const unsigned char *u;

	trim(&p, &n);
	if (n >= 2 && p[0] == '(' && p[n - 1] == ')') {
		neg = 1;	/* accounting: (12) is -12 */
		p++;
		n -= 2;
	}
	u = (const unsigned char *)p;
	for (i = 0; i < n; i++) {
		if (p[i] == ',')
			ncomma++;
		else if (p[i] == '.')
			ndot++;
	}
	if (dec == 0) {
		/* the last of both is the decimal mark; a lone comma is
		 * one; dots alone are one unless they group thousands */
		if (ncomma && ndot) {
			const char *lc = memchr(p, ',', n), *ld = p;
			size_t j;

			for (j = 0; j < n; j++) {
				if (p[j] == ',')
					lc = p + j;
				if (p[j] == '.')
					ld = p + j;
			}
			dec = lc > ld ? ',' : '.';
		} else if (ncomma)
			dec = ncomma == 1 ? ',' : '.';
		else
			dec = ndot == 1 ? '.' : ',';
	}
	for (i = 0; i < n;) {
		if ((sp = space_at(p + i, n - i)) > 0) {
			i += sp;
			continue;
		}
		if (p[i] >= '0' && p[i] <= '9') {
			if (k + 2 >= sizeof(digits))
				return value_cannot(why, whylen, "%s", "it has too "
				    "many digits");
			digits[k++] = p[i++];
			any = 1;
			if (seen_point)
				frac++;
			continue;
		}
		if (p[i] == dec && !seen_point) {
			digits[k++] = '.';
			seen_point = 1;
			i++;
			continue;
		}
		if ((p[i] == '.' || p[i] == ',' || p[i] == '\'') && p[i] != dec &&
		    !seen_point) {
			i++;	/* a thousands separator */
			continue;
		}
		if (n - i >= 3 && u[i] == 0xe2 && u[i + 1] == 0x80 &&
		    u[i + 2] == 0x99 && !seen_point) {
			i += 3;	/* ’ as a thousands separator */
			continue;
		}
		if (p[i] == '-' && !any && !neg && !seen_point) {
			neg = 1;
			i++;
			continue;
		}
		if (p[i] == '+' && !any) {
			i++;
			continue;
		}
		if (p[i] == '%') {
			percent = 1;
			i++;
			continue;
		}
		if (n - i >= 3 && u[i] == 0xe2 && u[i + 1] == 0x82 &&
		    u[i + 2] == 0xac) {
			i += 3;	/* € */
			continue;
		}
		if (p[i] == '$' || (n - i >= 2 && u[i] == 0xc2 &&
		    u[i + 1] == 0xa3)) {
			i += p[i] == '$' ? 1 : 2;	/* $, £ */
			continue;
		}
		if (n - i >= 3 && strncasecmp(p + i, "EUR", 3) == 0) {
			i += 3;
			if (n - i >= 2 && strncasecmp(p + i, "OS", 2) == 0)
				i += 2;		/* euros */
			continue;
		}
		if (p[i] == '-' && any && i + 1 == n && !neg) {
			neg = 1;	/* a trailing minus */
			i++;
			continue;
		}
		return value_cannot(why, whylen, "%s", "it is not a number");
	}
	if (!any)
		return value_cannot(why, whylen, "%s", "it has no digits");
	digits[k] = '\0';
	if (seen_point && frac == 0)
		digits[--k] = '\0';	/* "12," */
	if (neg && buf_addch(out, '-') < 0)
		return -1;
	if (percent && op->ratio) {
		/* move the point two places left, in the text */
		char *pt = strchr(digits, '.');
		size_t ip = pt ? (size_t)(pt - digits) : k, j;
		char tmp[160];
		size_t t = 0;

		if (pt)
			memmove(pt, pt + 1, strlen(pt));
		k = strlen(digits);
		if (ip <= 2) {
			tmp[t++] = '0';
			tmp[t++] = '.';
			for (j = ip; j < 2; j++)
				tmp[t++] = '0';
			memcpy(tmp + t, digits, k);
			t += k;
		} else {
			memcpy(tmp, digits, ip - 2);
			t = ip - 2;
			tmp[t++] = '.';
			memcpy(tmp + t, digits + ip - 2, k - (ip - 2));
			t += k - (ip - 2);
		}
		tmp[t] = '\0';
		/* no trailing zeros after the point, no point alone */
		while (t > 0 && strchr(tmp, '.') && tmp[t - 1] == '0')
			tmp[--t] = '\0';
		if (t > 0 && tmp[t - 1] == '.')
			tmp[--t] = '\0';
		/* one leading zero at most */
		for (j = 0; j + 1 < t && tmp[j] == '0' && tmp[j + 1] != '.'; j++)
			;
		return buf_addstr(out, tmp + j);
	}
	return buf_addstr(out, digits);
}

/* ---- dates ---- */

static const char *const months[12][5] = {
	{ "janvier", "janv", "january", "jan", NULL },
	{ "février", "fevrier", "févr", "fevr", "february" },
	{ "mars", "march", "mar", NULL, NULL },
	{ "avril", "avr", "april", "apr", NULL },
	{ "mai", "may", NULL, NULL, NULL },
	{ "juin", "june", "jun", NULL, NULL },
	{ "juillet", "juil", "july", "jul", NULL },
	{ "août", "aout", "august", "aug", NULL },
	{ "septembre", "sept", "september", "sep", NULL },
	{ "octobre", "oct", "october", NULL, NULL },
	{ "novembre", "nov", "november", NULL, NULL },
	{ "décembre", "decembre", "déc", "dec", "december" },
};

/* A month name at p (longest first, case ignored): its length, *m. */
static size_t
month_at(const char *p, size_t n, int *m)
{
	size_t best = 0, k;
	int i, j;

	for (i = 0; i < 12; i++)
		for (j = 0; j < 5 && months[i][j]; j++) {
			k = strlen(months[i][j]);
			if (k <= n && k > best &&
			    strncasecmp(p, months[i][j], k) == 0) {
				/* not a prefix of a longer word */
				if (k < n && ((p[k] | 0x20) >= 'a' &&
				    (p[k] | 0x20) <= 'z'))
					continue;
				best = k;
				*m = i + 1;
			}
		}
	/* "fevr." "janv." */
	if (best && best < n && p[best] == '.')
		best++;
	/* "FÉVRIER", "DÉCEMBRE" in capitals: É is C3 89 */
	if (!best && n >= 7 && (strncmp(p, "F\xc3\x89VRIER", 8) == 0 ||
	    strncmp(p, "f\xc3\x89vrier", 8) == 0))
		best = 8, *m = 2;
	if (!best && n >= 8 && strncmp(p, "D\xc3\x89" "CEMBRE", 9) == 0)
		best = 9, *m = 12;
	if (!best && n >= 5 && strncmp(p, "AO\xc3\x9bT", 5) == 0)
		best = 5, *m = 8;
	return best;
}

static int
digits_at(const char *p, size_t n, size_t *i, int min, int max, int *v)
{
	int k = 0;

	*v = 0;
	while (*i < n && k < max && p[*i] >= '0' && p[*i] <= '9') {
		*v = *v * 10 + (p[*i] - '0');
		(*i)++;
		k++;
	}
	return k >= min ? 0 : -1;
}

int
value_strptime(const char *fmt, const char *p, size_t n, long pivot,
    struct value_when *w)
{
	size_t i = 0, k;
	int v;

	memset(w, 0, sizeof(*w));
	w->year = -1;
	w->month = w->day = 1;
	for (; *fmt; fmt++) {
		if (*fmt == ' ') {
			while (i < n && (k = space_at(p + i, n - i)) > 0)
				i += k;
			continue;
		}
		if (*fmt != '%') {
			if (i >= n || (p[i] | 0x20) != (*fmt | 0x20))
				return -1;
			i++;
			continue;
		}
		switch (*++fmt) {
		case 'd': case 'e':
			while (*fmt == 'e' && i < n && p[i] == ' ')
				i++;
			if (digits_at(p, n, &i, 1, 2, &w->day) < 0)
				return -1;
			if (i + 1 < n && (strncmp(p + i, "er", 2) == 0))
				i += 2;		/* 1er janvier */
			break;
		case 'm':
			if (digits_at(p, n, &i, 1, 2, &w->month) < 0)
				return -1;
			break;
		case 'Y':
			if (digits_at(p, n, &i, 4, 4, &w->year) < 0)
				return -1;
			break;
		case 'y':
			if (digits_at(p, n, &i, 2, 2, &v) < 0)
				return -1;
			w->year = v + (v < pivot % 100 ? 2000 : 1900);
			break;
		case 'B': case 'b':
			if ((k = month_at(p + i, n - i, &w->month)) == 0)
				return -1;
			i += k;
			break;
		case 'H':
			if (digits_at(p, n, &i, 1, 2, &w->hour) < 0 ||
			    w->hour > 23)
				return -1;
			break;
		case 'M':
			if (digits_at(p, n, &i, 1, 2, &w->minute) < 0 ||
			    w->minute > 59)
				return -1;
			break;
		case 'S':
			if (digits_at(p, n, &i, 1, 2, &w->second) < 0 ||
			    w->second > 60)
				return -1;
			break;
		case '%':
			if (i >= n || p[i] != '%')
				return -1;
			i++;
			break;
		default:
			return -1;
		}
	}
	if (i != n || w->year < 0 || w->month < 1 || w->month > 12 ||
	    w->day < 1)
		return -1;
	return w->day <= frdate_days_in_month(w->year, w->month) ? 0 : -1;
}

static void
two(char *p, int v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

static int
date(const struct value_op *op, const char *p, size_t n, struct buf *out,
    char *why, size_t whylen)
{
	struct value_when w;
	size_t i;

	trim(&p, &n);
	for (i = 0; i < op->nformats; i++)
		if (value_strptime(op->formats[i], p, n, op->number, &w) == 0) {
			char t[20];

			/* by hand: printf is the cost of this operation */
			t[0] = (char)('0' + w.year / 1000 % 10);
			t[1] = (char)('0' + w.year / 100 % 10);
			t[2] = (char)('0' + w.year / 10 % 10);
			t[3] = (char)('0' + w.year % 10);
			t[4] = '-';
			two(t + 5, w.month);
			t[7] = '-';
			two(t + 8, w.day);
			if (op->kind == VALUE_DATE)
				return buf_add(out, t, 10);
			t[10] = 'T';
			two(t + 11, w.hour);
			t[13] = ':';
			two(t + 14, w.minute);
			t[16] = ':';
			two(t + 17, w.second);
			return buf_add(out, t, 19);
		}
	return value_cannot(why, whylen, "it is not a date as %s", op->formats[0]);
}

/* ---- booleans, tables ---- */

static int
boolean(const struct value_op *op, const char *p, size_t n, struct buf *out,
    char *why, size_t whylen)
{
	static const char *const yes[] = { "oui", "o", "yes", "y", "vrai",
	    "v", "true", "t", "1", "x", NULL };
	static const char *const no[] = { "non", "n", "no", "faux", "f",
	    "false", "0", NULL };
	size_t i;

	trim(&p, &n);
	for (i = 0; yes[i]; i++)
		if (strlen(yes[i]) == n && strncasecmp(p, yes[i], n) == 0)
			return buf_addstr(out, op->text);
	for (i = 0; no[i]; i++)
		if (strlen(no[i]) == n && strncasecmp(p, no[i], n) == 0)
			return buf_addstr(out, op->with);
	return value_cannot(why, whylen, "%s", "it is not a yes or no (oui, non, "
	    "vrai, faux, 1, 0...)");
}

void
value_table_init(struct value_table *t)
{
	keyset_init(&t->keys);
	buf_init(&t->values, (size_t)256 << 20);
	t->off = NULL;
	t->n = t->cap = 0;
}

int
value_table_add(struct value_table *t, const char *k, size_t kn, const char *v,
    size_t vn)
{
	size_t *off;

	if (keyset_find(&t->keys, k, kn) > 0)
		return 0;	/* the first entry wins */
	if (t->n + 2 > t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		off = realloc(t->off, t->cap * sizeof(*off));
		if (off == NULL)
			return -1;
		t->off = off;
	}
	if (keyset_add(&t->keys, k, kn, t->n + 1) < 0 ||
	    buf_add(&t->values, v, vn) < 0)
		return -1;
	t->off[0] = 0;
	t->off[++t->n] = t->values.len;
	return 0;
}

void
value_table_free(struct value_table *t)
{
	if (t == NULL)
		return;
	keyset_release(&t->keys);
	buf_release(&t->values);
	free(t->off);
	free(t);
}

static int
map(const struct value_op *op, const char *p, size_t n, struct buf *out,
    char *why, size_t whylen)
{
	unsigned long long at = keyset_find(&op->table->keys, p, n);

	if (at > 0)
		return buf_add(out, op->table->values.ptr + op->table->off[at - 1],
		    op->table->off[at] - op->table->off[at - 1]);
	/* an empty value stays empty unless the table maps "" */
	if (n == 0)
		return 0;
	if (op->has_default)
		return buf_addstr(out, op->text);
	return value_cannot(why, whylen, "%s", "it is not in the table");
}

/* ---- identifiers, phones ---- */

static int
company(const struct value_op *op, const char *p, size_t n, struct buf *out,
    char *why, size_t whylen)
{
	size_t want = op->kind == VALUE_SIRET ? 14 : 9, i, k = 0;
	char d[32];

	trim(&p, &n);
	for (i = 0; i < n; i++)
		if (p[i] == 'E' || p[i] == 'e')
			return value_cannot(why, whylen, "%s", "it is in scientific "
			    "notation: its last digits are lost; export the "
			    "column as text");
	/* "32402138500000.0": a spreadsheet's float */
	for (i = n; i > 0 && p[i - 1] == '0'; i--)
		;
	if (i > 0 && i < n && (p[i - 1] == '.' || p[i - 1] == ','))
		n = i - 1;
	else if (i > 0 && i == n && (p[i - 1] == '.' || p[i - 1] == ','))
		n = i - 1;
	for (i = 0; i < n; i++) {
		if (p[i] == ' ' || p[i] == '.' || p[i] == '-' || p[i] == '\t')
			continue;
		if (n - i >= 2 && (unsigned char)p[i] == 0xc2 &&
		    (unsigned char)p[i + 1] == 0xa0) {
			i++;
			continue;
		}
		if (p[i] < '0' || p[i] > '9' || k + 1 >= sizeof(d))
			return value_cannot(why, whylen,
			    "it is not a %s made of "
			    "digits",
			    op->kind == VALUE_SIRET ? "SIRET" : "SIREN");
		d[k++] = p[i];
	}
	/* a lost leading zero, when the key says so */
	if (k == want - 1) {
		memmove(d + 1, d, k);
		d[0] = '0';
		if ((op->kind == VALUE_SIRET ? siret_valid(d, want) :
		    siren_valid(d, want)))
			k = want;
		else
			memmove(d, d + 1, k);
	}
	if (k != want)
		return value_cannot(why, whylen, "it does not have the digits of a %s",
		    op->kind == VALUE_SIRET ? "SIRET (14)" : "SIREN (9)");
	return buf_add(out, d, k);
}

static int
phone(const struct value_op *op, const char *p, size_t n, struct buf *out,
    char *why, size_t whylen)
{
	static const struct { const char *pfx, *cc; } dom[] = {
		{ "0262", "262" }, { "0263", "262" }, { "0692", "262" },
		{ "0693", "262" }, { "0269", "262" }, { "0639", "262" },
		{ "0590", "590" }, { "0690", "590" }, { "0691", "590" },
		{ "0594", "594" }, { "0694", "594" }, { "0596", "596" },
		{ "0696", "596" }, { "0697", "596" }, { "0508", "508" },
	};
	char d[32];
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9') {
			if (k + 1 >= sizeof(d))
				return value_cannot(why, whylen, "%s", "it has too "
				    "many digits for a phone number");
			d[k++] = p[i];
		} else if (p[i] == '+' && k == 0) {
			d[k++] = '+';
		} else if (!strchr(" .-/()\t", p[i]) && !((unsigned char)p[i] ==
		    0xc2 || (unsigned char)p[i] == 0xa0))
			return value_cannot(why, whylen, "%s", "it is not a phone "
			    "number");
	}
	d[k] = '\0';
	/* +33 6..., 0033 6..., +33 (0)6... */
	if (strncmp(d, "+33", 3) == 0 || strncmp(d, "0033", 4) == 0) {
		size_t skip = d[0] == '+' ? 3 : 4;

		if (d[skip] == '0')
			skip++;
		memmove(d + 1, d + skip, k - skip + 1);
		d[0] = '0';
		k = strlen(d);
	}
	if (k != 10 || d[0] != '0' || d[1] == '0')
		return value_cannot(why, whylen, "%s", "it is not a French phone "
		    "number of 10 digits");
	if (!op->e164)
		return buf_addf(out, "%.2s %.2s %.2s %.2s %.2s", d, d + 2, d + 4,
		    d + 6, d + 8);
	for (i = 0; i < sizeof(dom) / sizeof(*dom); i++)
		if (strncmp(d, dom[i].pfx, 4) == 0)
			return buf_addf(out, "+%s%s", dom[i].cc, d + 1);
	return buf_addf(out, "+33%s", d + 1);
}

static int
concat(const struct value_op *op, const struct value_row *row, const char *p,
    size_t n, struct buf *out)
{
	const struct field *f;
	size_t i;
	int any = n > 0;

	if (buf_add(out, p, n) < 0)
		return -1;
	for (i = 0; i < op->ncolumns; i++) {
		if (op->cols[i] < 0 || row == NULL || row->rec == NULL ||
		    (size_t)op->cols[i] >= row->rec->nfields)
			continue;
		f = &row->rec->fields[op->cols[i]];
		if (f->len == 0)
			continue;
		if ((any && buf_addstr(out, op->text) < 0) ||
		    buf_add(out, f->ptr, f->len) < 0)
			return -1;
		any = 1;
	}
	return 0;
}

int
value_apply(const struct value_op *op, const struct value_row *row,
    const char *p, size_t n, struct buf *out, char *why, size_t whylen)
{
	size_t k;
	int rc;

	buf_reset(out);
	switch (op->kind) {
	case VALUE_TRIM:
		trim(&p, &n);
		rc = buf_add(out, p, n);
		break;
	case VALUE_COLLAPSE:
		rc = collapse(p, n, out);
		break;
	case VALUE_UPPER: case VALUE_LOWER: case VALUE_TITLE:
		rc = change_case(p, n, op->kind == VALUE_UPPER ? 1 :
		    op->kind == VALUE_TITLE ? 2 : 0, out);
		break;
	case VALUE_REPLACE:
		rc = op->re ? replace_regex(op, p, n, out, why, whylen) :
		    replace_literal(op, p, n, out);
		break;
	case VALUE_EXTRACT:
		rc = extract(op, p, n, out, why, whylen);
		break;
	case VALUE_SPLIT:
		rc = split(op, p, n, out, why, whylen);
		break;
	case VALUE_PAD:
		k = utf8_length(p, n);
		rc = 0;
		while (n > 0 && rc == 0 && k++ < (size_t)op->number)
			rc = buf_addstr(out, op->pad);
		if (rc == 0)
			rc = buf_add(out, p, n);
		break;
	case VALUE_NUMBER:
		rc = n ? number(op, p, n, out, why, whylen) : 0;
		break;
	case VALUE_DATE: case VALUE_DATETIME:
		rc = n ? date(op, p, n, out, why, whylen) : 0;
		break;
	case VALUE_BOOLEAN:
		rc = n ? boolean(op, p, n, out, why, whylen) : 0;
		break;
	case VALUE_MAP:
		rc = map(op, p, n, out, why, whylen);
		break;
	case VALUE_SIRET: case VALUE_SIREN:
		rc = n ? company(op, p, n, out, why, whylen) : 0;
		break;
	case VALUE_PHONE:
		rc = n ? phone(op, p, n, out, why, whylen) : 0;
		break;
	case VALUE_DEFAULT:
		rc = buf_add(out, n ? p : op->text, n ? n : strlen(op->text));
		break;
	case VALUE_CONCAT:
		rc = concat(op, row, p, n, out);
		break;
	case VALUE_COALESCE:
		rc = value_coalesce(op, row, p, n, out);
		break;
	case VALUE_ADD: case VALUE_MULTIPLY: case VALUE_DIVIDE:
	case VALUE_ROUND:
		rc = value_arith(op, row, p, n, out, why, whylen);
		break;
	case VALUE_UUID:
		rc = value_uuid(op, p, n, out, why, whylen);
		break;
	case VALUE_REPROJECT:
		rc = value_reproject(op, p, n, out, why, whylen);
		break;
	default:
		rc = buf_add(out, p, n);
	}
	return rc;
}

void
value_op_release(struct value_op *op)
{
	size_t i;

	free(op->text);
	free(op->with);
	if (op->md)
		pcre2_match_data_free(op->md);
	if (op->re)
		pcre2_code_free(op->re);
	for (i = 0; i < op->nformats; i++)
		free(op->formats[i]);
	free(op->formats);
	value_table_free(op->table);
	for (i = 0; i < op->ncolumns; i++)
		free(op->columns[i]);
	free(op->columns);
	free(op->cols);
	free(op->operand);
	free(op->regex);
	reproject_free(op->proj);
	memset(op, 0, sizeof(*op));
}
