#include <ctype.h>
#include <string.h>

#include "base/text.h"
#include "schema/siret.h"
#include "base/banned.h"

/* stdnum's compact(): spaces and dots removed, then the ends stripped. */
static size_t
compact(const char *p, size_t n, char *out, size_t cap)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == ' ' || p[i] == '.')
			continue;
		if (k + 1 >= cap)
			return cap;	/* too long to be valid */
		out[k++] = p[i];
	}
	/* strip(): other white space at the ends. */
	while (k > 0 && isspace((unsigned char)out[k - 1]))
		k--;
	i = 0;
	while (i < k && isspace((unsigned char)out[i]))
		i++;
	memmove(out, out + i, k - i);
	return k - i;
}

int
luhn_ok(const char *p, size_t n)
{
	size_t i;
	int sum = 0;

	for (i = 0; i < n; i++) {
		int d = p[n - 1 - i] - '0';

		if (i % 2 == 1) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return sum % 10 == 0;
}

int
siren_valid(const char *p, size_t n)
{
	char c[32];
	size_t k = compact(p, n, c, sizeof(c));

	return k == 9 && text_all_digits(c, k) && luhn_ok(c, k);
}

int
siret_valid(const char *p, size_t n)
{
	char c[32];
	size_t k = compact(p, n, c, sizeof(c)), i;
	int sum = 0;

	if (k != 14 || !text_all_digits(c, k))
		return 0;
	/* La Poste: one SIREN for every office; the key is a sum mod 5. */
	if (memcmp(c, "356000000", 9) == 0 && memcmp(c, "35600000000048", 14)) {
		for (i = 0; i < 14; i++)
			sum += c[i] - '0';
		if (sum % 5 != 0)
			return 0;
	} else if (!luhn_ok(c, 14))
		return 0;
	return luhn_ok(c, 9);
}

