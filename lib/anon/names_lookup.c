#include <stdlib.h>
#include <string.h>

#include "anon/names.h"
#include "base/banned.h"

static int
cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* The upper-case ASCII of a Latin-1 letter in UTF-8 at p: its length. */
static size_t
fold(const unsigned char *p, size_t n, char *out)
{
	/* U+00C0-U+00FF as their base letters, 0 for the non-letters */
	static const char base[] = "AAAAAAACEEEEIIII" "DNOOOOO\0OUUUUYTS"
	    "AAAAAAACEEEEIIII" "DNOOOOO\0OUUUUYTY";

	if (p[0] < 0x80) {
		*out = (char)(p[0] >= 'a' && p[0] <= 'z' ? p[0] - 32 : p[0]);
		return 1;
	}
	if (n >= 2 && p[0] == 0xc3 && p[1] >= 0x80 && p[1] <= 0xbf &&
	    base[p[1] - 0x80] != '\0') {
		*out = base[p[1] - 0x80];
		return 2;
	}
	if (n >= 2 && p[0] == 0xc5 && (p[1] == 0x92 || p[1] == 0x93)) {
		*out = 'O';	/* Œ œ: the list writes OE, close enough */
		return 2;
	}
	return 0;
}

/* One part of a name, folded, looked up. */
static int
known(const char *p, size_t n)
{
	char word[64];
	size_t i = 0, k = 0, len;

	while (i < n) {
		if (k + 1 >= sizeof(word))
			return 0;
		len = fold((const unsigned char *)p + i, n - i, &word[k]);
		if (len == 0)
			return 0;
		i += len;
		k++;
	}
	word[k] = '\0';
	return k >= 2 && bsearch(word, names_given, names_ngiven,
	    sizeof(names_given[0]), cmp) != NULL;
}

int
names_is_given(const char *p, size_t n)
{
	const char *dash = memchr(p, '-', n);

	if (known(p, n))
		return 1;
	/* Marie-Claire, Jean-Baptiste: each part a given name */
	return dash != NULL && dash > p && known(p, (size_t)(dash - p)) &&
	    names_is_given(dash + 1, n - (size_t)(dash - p) - 1);
}
