#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "csv/sniff.h"
#include "base/banned.h"

size_t
text_cut(const char *p, size_t n, size_t max)
{
	size_t k;

	if (n <= max)
		return n;
	k = max;
	/* Back over continuation bytes to the start of a character. */
	while (k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80)
		k--;
	return k;
}

void
text_fix_end(char *s)
{
	size_t n = strlen(s), ok;
	int partial;

	ok = utf8_valid_prefix((const unsigned char *)s, n, &partial);
	if (ok < n && partial)
		s[ok] = '\0';
}

int
text_visible(struct buf *out, const char *p, size_t n, int oneline)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, run, ok;
	int partial, rc = 0;

	while (i < n) {
		/* The plain part: valid UTF-8 with no code to escape. */
		ok = utf8_valid_prefix(s + i, n - i, &partial);
		for (run = 0; run < ok; run++) {
			unsigned c = s[i + run];

			if (c < 0x20 || c == 0x7f)
				break;
			if (c == 0xEF && s[i + run + 1] == 0xBF &&
			    (s[i + run + 2] == 0xBE || s[i + run + 2] == 0xBF))
				break;
		}
		rc |= buf_add(out, p + i, run);
		i += run;
		if (i == n)
			break;
		if (run < ok) {
			unsigned c = s[i];

			if (c == 0xEF) {
				rc |= buf_addf(out, "\\u%04X",
				    0xFF00u | (s[i + 2] & 0x3F) | 0xC0);
				i += 3;
			} else if (c == '\t' || c == '\n' || c == '\r') {
				rc |= buf_addch(out, oneline ? ' ' : (int)c);
				i++;
			} else {
				rc |= buf_addf(out, "\\u%04X", c);
				i++;
			}
			continue;
		}
		/* A byte that is not UTF-8 (or a sequence cut at the end). */
		rc |= buf_addf(out, "\\x%02X", s[i]);
		i++;
	}
	return rc ? -1 : 0;
}

int
text_is_formula(const char *p, size_t n)
{
	return n > 0 && (p[0] == '=' || p[0] == '+' || p[0] == '-' ||
	    p[0] == '@' || p[0] == '\t' || p[0] == '\r');
}

int
text_cell(struct buf *out, const char *p, size_t n)
{
	if (text_is_formula(p, n) && buf_addch(out, '\'') < 0)
		return -1;
	return text_visible(out, p, n, 0);
}

int
text_latin1_base(unsigned char second)
{
	/* U+00C0..U+00FF; '\0' where NFD leaves the letter whole. */
	static const char base[64] =
	    "AAAAAA\0CEEEEIIII\0NOOOOO\0\0UUUUY\0\0"
	    "aaaaaa\0ceeeeiiii\0nooooo\0\0uuuuy\0y";

	if (second < 0x80 || second > 0xbf)
		return 0;
	return (unsigned char)base[second - 0x80];
}

int
text_all_digits(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return n > 0;
}
