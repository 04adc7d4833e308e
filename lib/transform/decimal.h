/*
 * decimal: exact arithmetic on numbers written in decimal, for the
 * operations of muni-map(5) that compute (multiply, divide, add, round):
 * 0.1 * 3 is 0.3, not 0.30000000000000004. A number is read from its
 * text (a sign, digits, a dot, an exponent: what Table Schema writes) and
 * written back the shortest way (no trailing zeros after the point, no
 * "-0"). Bounded: DECIMAL_DIGITS significant digits at most, a result
 * that needs more is refused rather than rounded silently.
 */
#ifndef MUNI_DECIMAL_H
#define MUNI_DECIMAL_H

#include <stddef.h>

#include "base/buf.h"

#define DECIMAL_DIGITS 120
#define DECIMAL_MAX_PLACES 40

struct decimal {
	unsigned char d[DECIMAL_DIGITS];	/* least significant first */
	size_t n;				/* digits used (0: zero) */
	int scale;				/* value = d * 10^-scale */
	int neg;
};

/* Read p[0..n): 0, or -1 when it is not a decimal number or too long. */
int decimal_parse(const char *p, size_t n, struct decimal *x);
/* r = a + b, a * b: 0, or -1 when the result needs too many digits. */
int decimal_add(const struct decimal *a, const struct decimal *b,
    struct decimal *r);
int decimal_mul(const struct decimal *a, const struct decimal *b,
    struct decimal *r);
/*
 * r = a / b rounded to places decimals (half away from zero): 0; -1 when
 * b is zero or the result needs too many digits.
 */
int decimal_div(const struct decimal *a, const struct decimal *b, int places,
    struct decimal *r);
/* x rounded to places decimals (0 to DECIMAL_MAX_PLACES), half away from 0. */
void decimal_round(struct decimal *x, int places);
/* Append x, written the shortest way; -1 when out is full. */
int decimal_format(const struct decimal *x, struct buf *out);

#endif
