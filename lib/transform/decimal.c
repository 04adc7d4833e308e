#include <string.h>

#include "transform/decimal.h"
#include "base/banned.h"

/* Drop leading zeros (the most significant digits) of x. */
static void
trim_high(struct decimal *x)
{
	while (x->n > 0 && x->d[x->n - 1] == 0)
		x->n--;
	if (x->n == 0)
		x->neg = 0;
}

/* Drop trailing zeros after the point. */
static void
trim_low(struct decimal *x)
{
	size_t k = 0;

	while (k < x->n && x->scale - (int)k > 0 && x->d[k] == 0)
		k++;
	if (k) {
		memmove(x->d, x->d + k, x->n - k);
		x->n -= k;
		x->scale -= (int)k;
	}
	trim_high(x);
	if (x->n == 0)
		x->scale = 0;
}

/* Multiply x by 10^k (k digits of 0 at the low end): -1 if too long. */
static int
shift_up(struct decimal *x, int k)
{
	if (k <= 0 || x->n == 0)
		return 0;
	if (x->n + (size_t)k > DECIMAL_DIGITS)
		return -1;
	memmove(x->d + k, x->d, x->n);
	memset(x->d, 0, (size_t)k);
	x->n += (size_t)k;
	return 0;
}

/* Give x the scale s >= x->scale, its value unchanged: -1 if too long. */
static int
rescale(struct decimal *x, int s)
{
	if (shift_up(x, s - x->scale) < 0)
		return -1;
	x->scale = s;
	return 0;
}

int
decimal_parse(const char *p, size_t n, struct decimal *x)
{
	unsigned char tmp[DECIMAL_DIGITS];
	size_t i = 0, k = 0, j, digits = 0;
	long exp = 0;
	int point = 0, eneg = 0, edigits = 0;

	memset(x, 0, sizeof(*x));
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i < n && (p[i] == '-' || p[i] == '+'))
		x->neg = p[i++] == '-';
	for (; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9') {
			digits++;
			if (k == 0 && p[i] == '0') {	/* a leading zero */
				if (point)
					x->scale++;
				continue;
			}
			if (k == DECIMAL_DIGITS)
				return -1;
			tmp[k++] = (unsigned char)(p[i] - '0');
			if (point)
				x->scale++;
		} else if (p[i] == '.' && !point)
			point = 1;
		else
			break;
	}
	if (digits == 0)
		return -1;
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < n && (p[i] == '-' || p[i] == '+'))
			eneg = p[i++] == '-';
		for (; i < n && p[i] >= '0' && p[i] <= '9'; i++, edigits++)
			if (exp < 100000)
				exp = exp * 10 + (p[i] - '0');
		if (edigits == 0)
			return -1;
	}
	if (i != n)
		return -1;
	for (j = 0; j < k; j++)
		x->d[j] = tmp[k - 1 - j];
	x->n = k;
	if (k == 0) {
		memset(x, 0, sizeof(*x));
		return 0;
	}
	exp = eneg ? -exp : exp;
	if ((long)x->scale - exp > DECIMAL_DIGITS ||
	    (long)x->scale - exp < -DECIMAL_DIGITS)
		return -1;
	x->scale -= (int)exp;
	if (x->scale < 0) {
		if (shift_up(x, -x->scale) < 0)
			return -1;
		x->scale = 0;
	}
	trim_low(x);
	return 0;
}

/* Compare the magnitudes of a and b, of the same scale: -1, 0 or 1. */
static int
cmp_mag(const struct decimal *a, const struct decimal *b)
{
	size_t i;

	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (i = a->n; i-- > 0;)
		if (a->d[i] != b->d[i])
			return a->d[i] < b->d[i] ? -1 : 1;
	return 0;
}

/* r = |a| + |b| or |a| - |b| (|a| >= |b|), same scale: -1 if too long. */
static int
add_mag(const struct decimal *a, const struct decimal *b, int sub,
    struct decimal *r)
{
	size_t i, n = a->n > b->n ? a->n : b->n;
	int carry = 0, s;

	for (i = 0; i < n; i++) {
		s = (i < a->n ? a->d[i] : 0) + (sub ? -1 : 1) *
		    (i < b->n ? b->d[i] : 0) + carry;
		carry = s < 0 ? -1 : s > 9 ? 1 : 0;
		r->d[i] = (unsigned char)(s - 10 * carry);
	}
	if (carry > 0) {
		if (n == DECIMAL_DIGITS)
			return -1;
		r->d[n++] = 1;
	}
	r->n = n;
	return 0;
}

int
decimal_add(const struct decimal *a, const struct decimal *b,
    struct decimal *r)
{
	struct decimal x = *a, y = *b;
	int s = x.scale > y.scale ? x.scale : y.scale, c;

	if (rescale(&x, s) < 0 || rescale(&y, s) < 0)
		return -1;
	memset(r, 0, sizeof(*r));
	r->scale = s;
	c = cmp_mag(&x, &y);
	if (x.neg == y.neg) {
		r->neg = x.neg;
		if (add_mag(&x, &y, 0, r) < 0)
			return -1;
	} else if (c >= 0) {
		r->neg = x.neg;
		add_mag(&x, &y, 1, r);
	} else {
		r->neg = y.neg;
		add_mag(&y, &x, 1, r);
	}
	trim_low(r);
	return 0;
}

int
decimal_mul(const struct decimal *a, const struct decimal *b,
    struct decimal *r)
{
	unsigned int acc[2 * DECIMAL_DIGITS];
	size_t i, j, n = a->n + b->n;

	memset(r, 0, sizeof(*r));
	if (a->n == 0 || b->n == 0)
		return 0;
	memset(acc, 0, sizeof(acc));
	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++)
			acc[i + j] += (unsigned int)a->d[i] * b->d[j];
	for (i = 0; i + 1 < n; i++) {
		acc[i + 1] += acc[i] / 10;
		acc[i] %= 10;
	}
	while (n > 0 && acc[n - 1] == 0)
		n--;
	/* Digits below the point beyond what any input had are exact. */
	if (n > DECIMAL_DIGITS)
		return -1;
	for (i = 0; i < n; i++)
		r->d[i] = (unsigned char)acc[i];
	r->n = n;
	r->scale = a->scale + b->scale;
	r->neg = a->neg != b->neg;
	trim_low(r);
	return 0;
}

/* x -= y (magnitudes, x >= y, y->n <= x->n), in place. */
static void
sub_in_place(struct decimal *x, const struct decimal *y)
{
	size_t i;
	int borrow = 0, s;

	for (i = 0; i < x->n; i++) {
		s = x->d[i] - (i < y->n ? y->d[i] : 0) - borrow;
		borrow = s < 0;
		x->d[i] = (unsigned char)(s + 10 * borrow);
	}
	while (x->n > 0 && x->d[x->n - 1] == 0)
		x->n--;
}

int
decimal_div(const struct decimal *a, const struct decimal *b, int places,
    struct decimal *r)
{
	struct decimal num = *a, den = *b, rem, q;
	size_t i, k;
	int shift;

	memset(r, 0, sizeof(*r));
	if (b->n == 0)
		return -1;
	if (a->n == 0)
		return 0;
	/*
	 * |a| / |b| * 10^(places + 1), as integers: num * 10^shift / den,
	 * the last digit for rounding.
	 */
	num.neg = den.neg = 0;
	shift = places + 1 + b->scale - a->scale;
	num.scale = den.scale = 0;
	if (shift >= 0) {
		if (shift_up(&num, shift) < 0)
			return -1;
	} else if (shift_up(&den, -shift) < 0)
		return -1;
	/* Long division, the most significant digit of num first. */
	memset(&rem, 0, sizeof(rem));
	memset(&q, 0, sizeof(q));
	for (i = num.n; i-- > 0;) {
		if (rem.n > 0 || num.d[i] != 0) {	/* rem = rem * 10 + d */
			if (rem.n == DECIMAL_DIGITS)
				return -1;
			memmove(rem.d + 1, rem.d, rem.n);
			rem.d[0] = num.d[i];
			rem.n++;
			while (rem.n > 0 && rem.d[rem.n - 1] == 0)
				rem.n--;
		}
		for (k = 0; cmp_mag(&rem, &den) >= 0; k++)
			sub_in_place(&rem, &den);
		q.d[i] = (unsigned char)k;
	}
	q.n = num.n;
	while (q.n > 0 && q.d[q.n - 1] == 0)
		q.n--;
	q.scale = places + 1;
	q.neg = a->neg != b->neg;
	decimal_round(&q, places);
	*r = q;
	trim_low(r);
	return 0;
}

void
decimal_round(struct decimal *x, int places)
{
	int drop = x->scale - places, carry;
	size_t i;

	if (drop <= 0)
		return;
	if ((size_t)drop > x->n) {
		memset(x->d, 0, sizeof(x->d));
		x->n = 0;
		x->scale = 0;
		x->neg = 0;
		return;
	}
	carry = x->d[drop - 1] >= 5;	/* half away from zero */
	memmove(x->d, x->d + drop, x->n - (size_t)drop);
	x->n -= (size_t)drop;
	x->scale = places;
	for (i = 0; carry && i < x->n; i++) {
		if (x->d[i] == 9)
			x->d[i] = 0;
		else {
			x->d[i]++;
			carry = 0;
		}
	}
	if (carry) {
		if (x->n < DECIMAL_DIGITS)
			x->d[x->n++] = 1;
	}
	trim_low(x);
}

int
decimal_format(const struct decimal *x, struct buf *out)
{
	char s[DECIMAL_DIGITS + 4];
	size_t k = 0, i, n = x->n;
	int scale = x->scale;

	if (n == 0)
		return buf_addstr(out, "0");
	if (x->neg)
		s[k++] = '-';
	if ((int)n <= scale) {		/* 0.00ddd */
		s[k++] = '0';
		s[k++] = '.';
		if (buf_add(out, s, k) < 0)
			return -1;
		for (i = 0; i < (size_t)scale - n; i++)
			if (buf_addch(out, '0') < 0)
				return -1;
		k = 0;
		for (i = n; i-- > 0;)
			s[k++] = (char)('0' + x->d[i]);
		return buf_add(out, s, k);
	}
	for (i = n; i-- > 0;) {
		s[k++] = (char)('0' + x->d[i]);
		if (scale > 0 && i == (size_t)scale)
			s[k++] = '.';
	}
	return buf_add(out, s, k);
}
