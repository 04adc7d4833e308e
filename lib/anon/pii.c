/*
 * pii.c is long because its detectors (phones, e-mails, NIR, IBAN, number
 * plates, birth dates, persons' names) share one scanning loop and the
 * rules on overlapping matches; each is a short section.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "anon/names.h"
#include "anon/pii.h"
#include "anon/unorm.h"
#include "base/frdate.h"
#include "schema/phone.h"
#include "schema/siret.h"
#include "base/banned.h"

static const char *const names[PII_NKINDS] = {
	"phone", "email", "nir", "iban", "plate", "birth", "person",
};

static const char *const tags[PII_NKINDS] = {
	"[T\xc3\x89L\xc3\x89PHONE]", "[COURRIEL]", "[NIR]", "[IBAN]",
	"[IMMATRICULATION]", "[DATE DE NAISSANCE]", "[PERSONNE]",
};

const char *
pii_name(enum pii_kind k)
{
	return names[k];
}

const char *
pii_tag(enum pii_kind k)
{
	return tags[k];
}

int
pii_kind_of(const char *name)
{
	int i;

	for (i = 0; i < PII_NKINDS; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static int
is_alnum(int c)
{
	return is_digit(c) || is_alpha(c);
}

/* Whether p[at] begins a token: nothing of a word or number before it. */
static int
left_edge(const char *p, size_t at)
{
	return at == 0 || !is_alnum((unsigned char)p[at - 1]);
}

static int
right_edge(const char *p, size_t n, size_t at)
{
	return at >= n || !is_alnum((unsigned char)p[at]);
}

/* A separator inside a number: space, dot, dash, no-break space. */
static size_t
sep_at(const char *p, size_t n, size_t i)
{
	if (i < n && (p[i] == ' ' || p[i] == '.' || p[i] == '-'))
		return 1;
	if (i + 1 < n && (unsigned char)p[i] == 0xc2 &&
	    (unsigned char)p[i + 1] == 0xa0)
		return 2;
	return 0;
}

/* ---- phones ---- */

/*
 * The text only finds candidates; libphonenumber decides (phone_is_number).
 * A candidate is digits (ASCII or fullwidth) with separators between them
 * (space, no-break and thin spaces, a zero-width space, . - / _), after an
 * optional + or 00 and country code, "(+33)" and "(0)" as people write
 * them. Ten national digits are a phone only when grouped as numbers are
 * written (all ten, 2-2-2-2-2, 4-3-3, 4-2-2-2, one separator throughout),
 * so that a date followed by a count is not one; SIRETs (14 digits) and
 * SIRENs (9) are never ten digits.
 */

/*
 * Whether ten national digits are an allocated French number, asked of
 * libphonenumber once for each first six digits: its French patterns never
 * look further (the deepest, premium 0836 0X, is six digits), and asking
 * for every cell of a column of phones would halve the throughput.
 */
static int
french_valid(const char *d)
{
	static unsigned char known[1000000];	/* 0 unknown, 1 no, 2 yes */
	size_t k = 0, i;

	for (i = 0; i < 6; i++)
		k = k * 10 + (size_t)(d[i] - '0');
	if (known[k] == 0)
		known[k] = phone_is_number(d, 1) ? 2 : 1;
	return known[k] == 2;
}

/* Whether a word that announces a phone stands just before p[at]. */
static int
phone_context(const char *p, size_t at)
{
	static const char *const words[] = { "tel", "t\xc3\xa9l", "phone",
	    "portable", "mobile", "fixe", "joindre", "joignable", "appeler",
	    "contact", "gsm", "fax", "num\xc3\xa9ro", NULL };
	size_t from = at > 40 ? at - 40 : 0, i, k;
	int j;

	for (i = from; i < at; i++)
		for (j = 0; words[j]; j++) {
			k = strlen(words[j]);
			if (i + k <= at && strncasecmp(p + i, words[j], k) == 0)
				return 1;
		}
	return 0;
}

/* A digit at p[i]: its value in *v and its length, or 0. */
static size_t
digit_at(const char *p, size_t n, size_t i, char *v)
{
	const unsigned char *u = (const unsigned char *)p;

	if (i < n && is_digit(u[i])) {
		*v = (char)u[i];
		return 1;
	}
	/* U+FF10-U+FF19, the fullwidth digits: EF BC 90-99 */
	if (i + 2 < n && u[i] == 0xef && u[i + 1] == 0xbc && u[i + 2] >= 0x90 &&
	    u[i + 2] <= 0x99) {
		*v = (char)('0' + u[i + 2] - 0x90);
		return 3;
	}
	return 0;
}

/*
 * What is invisible inside a number at p[i] (zero-width space, joiners,
 * word joiner, soft hyphen): its length, or 0. It is no separator.
 */
static size_t
invisible_at(const char *p, size_t n, size_t i)
{
	const unsigned char *u = (const unsigned char *)p;

	if (i + 1 < n && u[i] == 0xc2 && u[i + 1] == 0xad)
		return 2;
	if (i + 2 < n && u[i] == 0xe2 && u[i + 1] == 0x80 &&
	    u[i + 2] >= 0x8b && u[i + 2] <= 0x8d)
		return 3;
	if (i + 2 < n && u[i] == 0xe2 && u[i + 1] == 0x81 && u[i + 2] == 0xa0)
		return 3;
	return 0;
}

/*
 * A separator between a number's digits at p[i]: its length, or 0, and in
 * *cls what kind it is (every space, no-break or thin, is a space).
 */
static size_t
phone_sep_at(const char *p, size_t n, size_t i, char *cls)
{
	const unsigned char *u = (const unsigned char *)p;

	*cls = ' ';
	if (i < n && p[i] != '\0' && strchr(" .-/_", p[i])) {
		*cls = p[i];
		return 1;
	}
	if (i + 1 < n && u[i] == 0xc2 && u[i + 1] == 0xa0)
		return 2;	/* no-break space */
	if (i + 2 < n && u[i] == 0xe2 && u[i + 1] == 0x80 &&
	    (u[i + 2] == 0xaf || u[i + 2] == 0x89))
		return 3;	/* narrow no-break space, thin space */
	return 0;
}

/* Whether national digits in these groups are written as numbers are. */
static int
national_grouping(const size_t *g, size_t ng, int one_sep)
{
	static const size_t forms[][6] = { { 10 }, { 2, 2, 2, 2, 2 },
	    { 4, 3, 3 }, { 4, 2, 2, 2 } };
	size_t f, k;

	if (!one_sep)
		return 0;
	for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		for (k = 0; k < ng && k < 6 && forms[f][k] == g[k]; k++)
			;
		if (k == ng && (k == 6 || forms[f][k] == 0))
			return 1;
	}
	return 0;
}

/* A phone number at p[i]: its length, or 0. */
static size_t
phone_at(const char *p, size_t n, size_t i)
{
	char d[20], v, sep = 0, cls;
	size_t j = i, last = i, nd = 0, g[12], ng = 0, cur = 0, k, sl;
	int plus = 0, paren = 0, one_sep = 1;

	if (j < n && p[j] == '(' && j + 1 < n && p[j + 1] == '+') {
		paren = 1;
		j++;
	}
	if (j < n && p[j] == '+') {
		plus = 1;
		j++;
	}
	for (;;) {
		if ((k = digit_at(p, n, j, &v)) > 0) {
			if (nd == sizeof(d) - 1)
				return 0;	/* too long for a phone */
			d[nd++] = v;
			cur++;
			j += k;
			last = j;
			continue;
		}
		if (nd > 0 && (k = invisible_at(p, n, j)) > 0 &&
		    digit_at(p, n, j + k, &v) > 0) {
			j += k;
			continue;
		}
		if (nd == 0 || ng == sizeof(g) / sizeof(g[0]) - 1)
			return 0;
		if (paren && j < n && p[j] == ')') {
			paren = 0;
			j++;
			g[ng++] = cur;
			cur = 0;
			while ((sl = phone_sep_at(p, n, j, &cls)) > 0)
				j += sl;
			continue;
		}
		/* the national 0 written anyway: +33 (0)5 ... */
		sl = phone_sep_at(p, n, j, &cls);
		if ((plus || (nd >= 2 && d[0] == '0' && d[1] == '0')) &&
		    j + sl + 3 <= n && strncmp(p + j + sl, "(0)", 3) == 0) {
			j += sl + 3;
			g[ng++] = cur;
			cur = 0;
			while ((sl = phone_sep_at(p, n, j, &cls)) > 0)
				j += sl;
			continue;
		}
		if (sl == 0 || digit_at(p, n, j + sl, &v) == 0)
			break;
		if (sep == 0)
			sep = cls;
		else if (sep != cls)
			one_sep = 0;
		g[ng++] = cur;
		cur = 0;
		j += sl;
	}
	if (cur)
		g[ng++] = cur;
	d[nd] = '\0';
	/* the end of a word or number, not a decimal part */
	if (!right_edge(p, n, last) || (last + 1 < n && (p[last] == ',' ||
	    p[last] == '.') && is_digit((unsigned char)p[last + 1])))
		return 0;
	if (plus || (nd > 2 && d[0] == '0' && d[1] == '0')) {
		static const char *const french[] = { "33", "262", "269",
		    "508", "590", "594", "596", "681", "687", "689" };
		char intl[22];
		size_t f;

		if (nd < (plus ? 8u : 10u))
			return 0;
		/*
		 * 00 and digits with no separator may be a SIRET or another
		 * identifier: only a French country code, and no valid SIRET.
		 */
		if (!plus && ng == 1) {
			for (f = 0; f < sizeof(french) / sizeof(french[0]); f++)
				if (strncmp(d + 2, french[f],
				    strlen(french[f])) == 0)
					break;
			if (f == sizeof(french) / sizeof(french[0]) ||
			    (nd == 14 && siret_valid(d, 14)))
				return 0;
		}
		snprintf(intl, sizeof(intl), "+%s", plus ? d : d + 2);
		/* +33 and nine digits is possible: the common case, not asked */
		if (strncmp(intl, "+33", 3) == 0 && strlen(intl) == 12 &&
		    intl[3] != '0')
			return last - i;
		return phone_is_number(intl, 0) ? last - i : 0;
	}
	if (nd != 10 || d[0] != '0' || d[1] == '0' ||
	    !national_grouping(g, ng, one_sep))
		return 0;
	/*
	 * Written as a phone (grouped, or announced by a word): ten national
	 * digits are a possible French number, no need to ask. Ten bare
	 * digits alone only if allocated (french_valid).
	 */
	if (ng > 1 || phone_context(p, i))
		return last - i;
	return french_valid(d) ? last - i : 0;
}

/* ---- e-mail ---- */

/*
 * A letter of a name written in UTF-8 at p[i], for internationalised
 * addresses (jean@exémple.fr, élodie@...): its length, or 0. Letters are
 * U+00C0 and above but for the signs, punctuation and symbols around the
 * text (× ÷, U+2000-U+2BFF, U+3000-U+303F, the fullwidth forms' signs).
 */
static size_t
utf8_letter(const char *p, size_t n, size_t i)
{
	const unsigned char *u = (const unsigned char *)p + i;
	unsigned cp;
	size_t len;

	if (i >= n || u[0] < 0xc3)
		return 0;
	if (u[0] >= 0xf0)
		return 0;
	len = u[0] < 0xe0 ? 2 : 3;
	cp = len == 2 ? (u[0] & 0x1fu) << 6 : (u[0] & 0x0fu) << 12;
	if (i + len > n || (u[1] & 0xc0) != 0x80 ||
	    (len == 3 && (u[2] & 0xc0) != 0x80))
		return 0;
	cp |= len == 2 ? (u[1] & 0x3fu) : ((u[1] & 0x3fu) << 6 | (u[2] & 0x3fu));
	if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7 ||
	    (cp >= 0x2000 && cp <= 0x2bff) || (cp >= 0x3000 && cp <= 0x303f) ||
	    (cp >= 0xfe00 && cp <= 0xfe6f) || (cp >= 0xff00 && cp <= 0xff20) ||
	    (cp >= 0xff3b && cp <= 0xff40) || cp >= 0xff5b)
		return 0;
	return len;
}

static int
local_char(int c)
{
	return (c < 0x80 && is_alnum(c)) || (c != 0 && strchr("._%+-'", c));
}

/* The length of the first of words (any case) that stands at p[i], or 0. */
static size_t
spelled_at(const char *p, size_t n, size_t i, const char *const *words)
{
	size_t k;

	for (; *words; words++) {
		k = strlen(*words);
		if (i + k <= n && strncasecmp(p + i, *words, k) == 0)
			return k;
	}
	return 0;
}

/* The separator of an address at p[i] ("@" and the ways people write it). */
static size_t
at_sign(const char *p, size_t n, size_t i)
{
	static const char *const spelled[] = { " (at) ", " [at] ", " {at} ",
	    "(at)", "[at]", "{at}", " (arobase) ", " [arobase] ", "(arobase)",
	    "[arobase]", " arobase ", " at ", NULL };

	if (p[i] == '@')
		return 1;
	if (i + 2 < n && (unsigned char)p[i] == 0xef &&
	    (unsigned char)p[i + 1] == 0xbc && (unsigned char)p[i + 2] == 0xa0)
		return 3;	/* U+FF20, the fullwidth @ */
	if (p[i] != ' ' && p[i] != '(' && p[i] != '[' && p[i] != '{')
		return 0;
	/* " a..." begins many words: only " at " and " arobase " are ours */
	if (p[i] == ' ' && i + 2 < n && (p[i + 1] | 0x20) == 'a' &&
	    (p[i + 2] | 0x20) != 't' && (p[i + 2] | 0x20) != 'r')
		return 0;
	return spelled_at(p, n, i, spelled);
}

/* A dot of the domain at p[j]: "." or its spellings; its length. */
static size_t
dot_at(const char *p, size_t n, size_t j)
{
	static const char *const spelled[] = { " (dot) ", " [dot] ", "(dot)",
	    "[dot]", " (point) ", " [point] ", "(point)", "[point]",
	    " point ", " dot ", NULL };
	if (p[j] == '.')
		return 1;
	return spelled_at(p, n, j, spelled);
}

/*
 * An address around the separator of length sl at p[at]: its length, and
 * its start in *start. The local part may be quoted ("jean dupont"@...);
 * local part and domain may hold letters of any script; the domain ends
 * with a top-level name of letters after a dot.
 */
static size_t
email_at(const char *p, size_t n, size_t at, size_t sl, size_t *start)
{
	size_t l = at, r = at + sl, tld = 0, k;
	int spelled = sl > 1 && p[at] != (char)0xef;

	if (l > 0 && p[l - 1] == '"' && !spelled) {
		/* a quoted local part: back to its opening quote */
		for (k = l - 1; k > 0 && p[k - 1] != '"' && at - k < 64; k--)
			;
		if (k == 0 || p[k - 1] != '"' || k == l - 1)
			return 0;
		l = k - 1;
	} else {
		for (;;) {
			if (l > 0 && local_char((unsigned char)p[l - 1])) {
				l--;
				continue;
			}
			/* back over a UTF-8 letter: its lead byte is >= 0xc3 */
			for (k = 2; k <= 3 && k <= l; k++)
				if (utf8_letter(p, n, l - k) == k)
					break;
			if (k <= 3 && k <= l) {
				l -= k;
				continue;
			}
			break;
		}
		while (l < at && (p[l] == '.' || p[l] == '-'))
			l++;
		if (l == at)
			return 0;
	}
	/* the domain: labels of letters, digits and dashes, and dots */
	for (;;) {
		size_t d;

		if (r < n && (((unsigned char)p[r] < 0x80 &&
		    is_alnum((unsigned char)p[r])) || p[r] == '-')) {
			r++;
			continue;
		}
		if ((k = utf8_letter(p, n, r)) > 0) {
			r += k;
			continue;
		}
		if (r < n && (d = dot_at(p, n, r)) > 0 && r > at + sl &&
		    r + d < n && (is_alnum((unsigned char)p[r + d]) ||
		    utf8_letter(p, n, r + d))) {
			tld = r + d;
			r += d;
			continue;
		}
		break;
	}
	if (tld == 0 || r - tld < 2)
		return 0;
	for (k = tld; k < r; k++)
		if (!is_alpha((unsigned char)p[k]))
			return 0;
	/* "at" written out needs the local part to look like an address's */
	if (spelled && p[at] == ' ' && strncasecmp(p + at, " at ", 4) == 0 &&
	    memchr(p + l, '.', at - l) == NULL)
		return 0;
	*start = l;
	return r - l;
}

/* ---- NIR ---- */

/*
 * The digits of a number written with optional separators (spaces, dots,
 * dashes: the key that follows is what tells a NIR), as text.
 */
static size_t
grouped(const char *p, size_t n, size_t i, char *d, size_t want,
    int corsica)
{
	size_t j = i, k = 0, s;

	while (j < n && k < want) {
		if (is_digit((unsigned char)p[j]) || (corsica && k == 6 &&
		    (p[j] == 'A' || p[j] == 'B' || p[j] == 'a' ||
		    p[j] == 'b'))) {
			d[k++] = p[j++];
			continue;
		}
		s = sep_at(p, n, j);
		if (s == 0 || k == 0 || j + s >= n)
			break;
		j += s;
	}
	d[k] = '\0';
	return k == want && right_edge(p, n, j) ? j - i : 0;
}

static size_t
nir_at(const char *p, size_t n, size_t i)
{
	char d[16];
	size_t len;
	unsigned long long v = 0;
	int key, k;

	if (!(p[i] == '1' || p[i] == '2' || p[i] == '3' || p[i] == '7' ||
	    p[i] == '8') || !left_edge(p, i))
		return 0;
	len = grouped(p, n, i, d, 15, 1);
	if (len == 0)
		return 0;
	/* Corsica: department 2A counts as 19, 2B as 18 */
	if (d[6] == 'A' || d[6] == 'a' || d[6] == 'B' || d[6] == 'b') {
		if (d[5] != '2')
			return 0;
		d[5] = '1';
		d[6] = d[6] == 'A' || d[6] == 'a' ? '9' : '8';
	}
	for (k = 0; k < 13; k++)
		v = v * 10 + (unsigned)(d[k] - '0');
	key = (d[13] - '0') * 10 + (d[14] - '0');
	if (key < 1 || key > 97 || (int)(97 - v % 97) != key)
		return 0;
	/* the month: 01-12, or 20 and more for unknown ones */
	k = (d[3] - '0') * 10 + (d[4] - '0');
	if (k == 0 || (k > 12 && k < 20))
		return 0;
	return len;
}

/* ---- IBAN ---- */

static int
ascii_letter(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static size_t
iban_at(const char *p, size_t n, size_t i)
{
	char c[40];
	size_t j = i, k = 0, s;
	unsigned rem = 0;
	int m;

	if (!left_edge(p, i) || i + 4 > n || !ascii_letter(p[i]) ||
	    !ascii_letter(p[i + 1]) || !is_digit((unsigned char)p[i + 2]) ||
	    !is_digit((unsigned char)p[i + 3]))
		return 0;
	/* any case; by fours, between them a space, dash or no-break space */
	while (j < n && k < 34) {
		if (is_digit((unsigned char)p[j]) || ascii_letter(p[j])) {
			c[k++] = (char)(p[j] >= 'a' ? p[j] - 'a' + 'A' : p[j]);
			j++;
			continue;
		}
		s = p[j] == '.' ? 0 : sep_at(p, n, j);
		if (s == 0 || k % 4 != 0 || j + s >= n ||
		    !is_alnum((unsigned char)p[j + s]))
			break;
		j += s;
	}
	if (k < 15 || !right_edge(p, n, j))
		return 0;
	if (strncmp(c, "FR", 2) == 0 && k != 27)
		return 0;
	/* move the first four to the end, letters as 10..35, mod 97 */
	for (m = 0; m < (int)k; m++) {
		char ch = c[(m + 4) % k];

		if (is_digit((unsigned char)ch))
			rem = (rem * 10 + (unsigned)(ch - '0')) % 97;
		else
			rem = (rem * 100 + (unsigned)(ch - 'A' + 10)) % 97;
	}
	return rem == 1 ? j - i : 0;
}

/* ---- plates ---- */

static int
plate_letter(int c)
{
	if (c >= 'a' && c <= 'z')
		c -= 'a' - 'A';
	return c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'U';
}

/*
 * AB-123-CD in any case, with dashes, spaces or nothing between the parts
 * (the same on both sides); 000 is never issued.
 */
static size_t
plate_at(const char *p, size_t n, size_t i)
{
	size_t w;
	char sep;

	if (!left_edge(p, i) || i + 7 > n || !plate_letter(p[i]) ||
	    !plate_letter(p[i + 1]))
		return 0;
	sep = p[i + 2];
	w = sep == '-' || sep == ' ' ? 1 : 0;
	if (i + 7 + 2 * w > n || !is_digit((unsigned char)p[i + 2 + w]) ||
	    !is_digit((unsigned char)p[i + 3 + w]) ||
	    !is_digit((unsigned char)p[i + 4 + w]) ||
	    (w && p[i + 5 + w] != sep) || !plate_letter(p[i + 5 + 2 * w]) ||
	    !plate_letter(p[i + 6 + 2 * w]) ||
	    !right_edge(p, n, i + 7 + 2 * w))
		return 0;
	if (strncmp(p + i + 2 + w, "000", 3) == 0)
		return 0;
	return 7 + 2 * w;
}

/* ---- births ---- */


/* A date at p[i]: 12/03/1980, 12-03-1980, 1980-03-12, 12 mars 1980. */
static size_t
date_at(const char *p, size_t n, size_t i)
{
	size_t j = i, k;
	int d;

	for (d = 0; j < n && is_digit((unsigned char)p[j]) && d < 4; j++)
		d++;
	if (d == 4 && j + 6 <= n && p[j] == '-' && is_digit((unsigned char)p[j + 1]))
		return j + 6 <= n ? 10 : 0;
	if (d < 1 || d > 2)
		return 0;
	/* d/m/yyyy to dd/mm/yyyy, or with yy; with / - or . */
	if (j < n && (p[j] == '/' || p[j] == '-' || p[j] == '.') &&
	    j + 1 < n && is_digit((unsigned char)p[j + 1])) {
		size_t m = j + 1, y;

		while (m < n && m < j + 3 && is_digit((unsigned char)p[m]))
			m++;
		if (m < n && p[m] == p[j]) {
			for (y = m + 1; y < n && y < m + 5 &&
			    is_digit((unsigned char)p[y]); y++)
				;
			if ((y == m + 3 || y == m + 5) && right_edge(p, n, y))
				return y - i;
		}
		return 0;
	}
	if (j + 2 < n && strncmp(p + j, "er", 2) == 0)
		j += 2;
	if (j >= n || p[j] != ' ')
		return 0;
	j++;
	for (d = 0; frdate_month_words[d]; d++) {
		k = strlen(frdate_month_words[d]);
		if (j + k < n && strncasecmp(p + j, frdate_month_words[d], k) == 0 &&
		    p[j + k] == ' ' && j + k + 5 <= n &&
		    is_digit((unsigned char)p[j + k + 1]))
			return j + k + 5 - i;
	}
	return 0;
}

static size_t name_at(const char *p, size_t n, size_t i);

/*
 * How many bytes of p[i..n) match the lower-case pattern pat, letters
 * compared without case (ASCII, and the accented capitals of Latin-1 as
 * their small letters: É as é); 0 when they do not.
 */
static size_t
match_fold(const char *p, size_t n, size_t i, const char *pat)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t j = i, k = 0;

	while (pat[k]) {
		unsigned char c;

		if (j >= n)
			return 0;
		c = u[j];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if (c == 0xc3 && j + 1 < n && (unsigned char)pat[k] == 0xc3 &&
		    pat[k + 1]) {
			unsigned char d = u[j + 1];

			if (d >= 0x80 && d <= 0x9e && d != 0x97)
				d = (unsigned char)(d + 0x20);
			if (d != (unsigned char)pat[k + 1])
				return 0;
			j += 2;
			k += 2;
			continue;
		}
		if (c != (unsigned char)pat[k])
			return 0;
		j++;
		k++;
	}
	return j - i;
}

/* Spaces at p[j]: how many. */
static size_t
spaces_at(const char *p, size_t n, size_t j)
{
	size_t k = 0;

	while (j + k < n && p[j + k] == ' ')
		k++;
	return k;
}

/* A month and a year (août 1956, après "né en"): its length, or 0. */
static size_t
month_year_at(const char *p, size_t n, size_t i)
{
	size_t k, d;
	int m;

	for (m = 0; frdate_month_words[m]; m++)
		if ((k = match_fold(p, n, i, frdate_month_words[m])) > 0 &&
		    i + k + 5 <= n && p[i + k] == ' ') {
			for (d = 0; d < 4 && is_digit((unsigned char)p[i + k +
			    1 + d]); d++)
				;
			if (d == 4 && right_edge(p, n, i + k + 5))
				return k + 5;
		}
	return 0;
}

/*
 * What introduces a birth date at p[i], up to the date: "né le", "née
 * le", "né(e) le", "NÉE LE" (any case), "né à Lyon le", "né en", "date de
 * naissance :", "naissance :". Its length, and in *year_ok whether a
 * month and year or a year alone may follow (after "en").
 */
static size_t
birth_intro(const char *p, size_t n, size_t i, int *year_ok)
{
	static const char *const born[] = { "n\xc3\xa9(e)", "n\xc3\xa9" "e",
	    "n\xc3\xa9", "nee", "ne", NULL };
	size_t j, k, w;
	int b;

	*year_ok = 0;
	if ((k = match_fold(p, n, i, "date de naissance")) > 0 ||
	    (k = match_fold(p, n, i, "naissance")) > 0) {
		j = i + k;
		j += spaces_at(p, n, j);
		if (j < n && p[j] == ':') {
			j++;
			j += spaces_at(p, n, j);
		} else if ((k = match_fold(p, n, j, "le ")) > 0)
			j += k;
		else if (j == i + k)
			return 0;
		return j - i;
	}
	for (b = 0; born[b]; b++)
		if ((k = match_fold(p, n, i, born[b])) > 0 && i + k < n &&
		    p[i + k] == ' ')
			break;
	if (born[b] == NULL)
		return 0;
	j = i + k + 1;
	if ((k = match_fold(p, n, j, "le ")) > 0)
		return j + k - i;
	if ((k = match_fold(p, n, j, "en ")) > 0) {
		*year_ok = 1;
		return j + k - i;
	}
	/* né à Lyon le, née à Saint-Jean-d'Angély, le */
	if ((k = match_fold(p, n, j, "\xc3\xa0 ")) == 0 &&
	    (k = match_fold(p, n, j, "a ")) == 0)
		return 0;
	j += k;
	for (w = 0; w < 6 && j < n && (w == 0 || p[j] != 'l'); w++) {
		if ((k = name_at(p, n, j)) == 0 && (k = match_fold(p, n, j,
		    "la ")) == 0 && (k = match_fold(p, n, j, "le ")) == 0)
			break;
		j += k;
		if (j < n && p[j] == ',')
			j++;
		j += spaces_at(p, n, j);
		if ((k = match_fold(p, n, j, "le ")) > 0 && j + k < n &&
		    is_digit((unsigned char)p[j + k]))
			return j + k - i;
	}
	return 0;
}

static size_t
birth_at(const char *p, size_t n, size_t i, size_t *start)
{
	size_t k, len;
	int year_ok;

	if (!left_edge(p, i) || (k = birth_intro(p, n, i, &year_ok)) == 0)
		return 0;
	if ((len = date_at(p, n, i + k)) == 0 && year_ok &&
	    (len = month_year_at(p, n, i + k)) == 0) {
		size_t d;

		for (d = 0; d < 4 && i + k + d < n &&
		    is_digit((unsigned char)p[i + k + d]); d++)
			;
		len = d == 4 && right_edge(p, n, i + k + 4) ? 4 : 0;
	}
	if (len == 0)
		return 0;
	*start = i + k;
	return len;
}

/* ---- persons ---- */

/* An upper-case letter at p (ASCII or Latin-1 accented): its length. */
static size_t
upper_at(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;

	if (n >= 1 && u[0] >= 'A' && u[0] <= 'Z')
		return 1;
	if (n >= 2 && u[0] == 0xc3 && u[1] >= 0x80 && u[1] <= 0x9e &&
	    u[1] != 0x97)
		return 2;
	return 0;
}

/* A capitalised name at p[i]: Dupont, DUPONT, Jean-Pierre, O'Neil. */
static size_t
name_at(const char *p, size_t n, size_t i)
{
	size_t j = i, k;

	if ((k = upper_at(p + j, n - j)) == 0)
		return 0;
	j += k;
	while (j < n && (is_alpha((unsigned char)p[j]) || p[j] == '-' ||
	    p[j] == '\''))
		j++;
	return j - i >= 2 ? j - i : 0;
}

/*
 * Whether the word at p[i] may be a civility or "famille" (may_civ), or
 * the introducer of a birth (may_birth), by its first three letters in any
 * case: the other words cost nothing more.
 */
/* The first three letters at p[i] in lower case (a UTF-8 lead byte kept). */
static void
first3(const char *p, size_t n, size_t i, unsigned *a, unsigned *b,
    unsigned *c)
{
	*a = (unsigned char)p[i] | 0x20;
	*b = i + 1 < n ? (unsigned char)p[i + 1] : 0;
	*c = i + 2 < n ? (unsigned char)p[i + 2] | 0x20 : 0;
	if (*b < 0x80)
		*b |= 0x20;
}

static int
may_civ(const char *p, size_t n, size_t i)
{
	unsigned a, b, c;

	first3(p, n, i, &a, &b, &c);
	switch (a) {
	case 'm':	/* M. M Mme Mlle MM. Me Mr Mrs monsieur madame maître */
		return (unsigned char)p[i] == 'M' || (b == 'o' && c == 'n') ||
		    (b == 'a' && (c == 'd' || c == 0xc3 || c == 'i'));
	case 'd':	/* Dr docteur */
		return b == 'r' || (b == 'o' && c == 'c');
	case 'p':	/* Pr professeur */
		return b == 'r';
	case 'f':	/* famille */
		return b == 'a' && c == 'm';
	default:
		return 0;
	}
}

static int
may_birth(const char *p, size_t n, size_t i)
{
	unsigned a, b, c;

	first3(p, n, i, &a, &b, &c);
	if (a == 'n')	/* né née ne nee né(e) naissance */
		return b == 0xc3 || (b == 'e' && (c == ' ' || c == 'e')) ||
		    (b == 'a' && c == 'i');
	return a == 'd' && b == 'a' && c == 't';	/* date de naissance */
}

/* Whether p[i..i+n) is all capitals (DUPONT), two letters at least. */
static int
all_caps(const char *p, size_t i, size_t n)
{
	const unsigned char *u = (const unsigned char *)p + i;
	size_t k, letters = 0;

	for (k = 0; k < n; k++) {
		if (u[k] >= 'a' && u[k] <= 'z')
			return 0;
		if (u[k] == 0xc3 && k + 1 < n && u[k + 1] >= 0xa0)
			return 0;	/* a small accented letter */
		letters += (u[k] >= 'A' && u[k] <= 'Z') || u[k] == 0xc3;
	}
	return letters >= 2;
}

/*
 * A public place or thing named after a person stands before p[i] (rue
 * Victor Hugo, salle Jean Moulin, collège Jean Jaurès, prix Goncourt):
 * the word before, or the one before "du", "de", "de la", "des".
 */
static int
public_before(const char *p, size_t i)
{
	static const char *const places[] = { "rue", "avenue", "boulevard",
	    "bd", "place", "all\xc3\xa9" "e", "impasse", "quai", "square",
	    "parc", "\xc3\xa9" "cole", "coll\xc3\xa8ge", "lyc\xc3\xa9" "e",
	    "scolaire", "salle", "stade", "gymnase", "piscine",
	    "m\xc3\xa9" "diath\xc3\xa8que", "biblioth\xc3\xa8que", "centre",
	    "espace", "maison", "r\xc3\xa9sidence", "h\xc3\xb4pital",
	    "fondation", "prix", "chemin", "route", "cours", "pont", "lotissement",
	    "cit\xc3\xa9", "foyer", "institut", "lyc\xc3\xa9" "es", "rond-point",
	    NULL };
	static const char *const titles[] = { "du", "de", "des", "la", "docteur",
	    "dr", "g\xc3\xa9n\xc3\xa9ral", "general", "mar\xc3\xa9" "chal",
	    "pr\xc3\xa9sident", "professeur", "abb\xc3\xa9", "commandant",
	    "colonel", "capitaine", "lieutenant", "amiral", "pasteur", "p\xc3\xa8re",
	    "fr\xc3\xa8re", "s\xc5\x93ur", "soeur", "cardinal", "chanoine",
	    "monseigneur", "saint", "sainte", "l", NULL };
	size_t end = i, start, k;
	int tries, j;

	for (tries = 0; tries < 4; tries++) {
		while (end > 0 && p[end - 1] == ' ')
			end--;
		start = end;
		while (start > 0 && (is_alpha((unsigned char)p[start - 1]) ||
		    p[start - 1] == '-'))
			start--;
		if (start == end)
			return 0;
		for (j = 0; places[j]; j++) {
			k = strlen(places[j]);
			if (end - start == k && match_fold(p, end, start,
			    places[j]) == k)
				return 1;
		}
		/*
		 * past a "du", "de", "de la", "des", and a title (avenue du
		 * Docteur Yves Bourde, place du Général Leclerc)
		 */
		for (j = 0; titles[j]; j++) {
			k = strlen(titles[j]);
			if (end - start == k && match_fold(p, end, start,
			    titles[j]) == k)
				break;
		}
		if (titles[j] == NULL)
			return 0;
		end = start;
	}
	return 0;
}

/*
 * Given names that are common words when capitalised (France, Saint...),
 * alone or as the first part of a compound (Saint-Aubin is a place).
 */
static int
common_word(const char *p, size_t n)
{
	static const char *const words[] = { "france", "avril", "mai",
	    "saint", "sainte", "paris", "maire", "mars", "no\xc3\xabl", "noel",
	    "chance", "prince", "constant", "esp\xc3\xa9rance", "fleur", "rose",
	    "olive", "ange", "aime", "aim\xc3\xa9", "vendredi", "dimanche",
	    "honor\xc3\xa9", "clair", "claire", "bon", "gentil", "le", "la",
	    "les", "de", "du", "des", "un", "une", "en", "au", "aux", "et",
	    "ou", "par", "pour", "sur", NULL };
	const char *dash = memchr(p, '-', n);
	size_t first = dash ? (size_t)(dash - p) : n;
	int j;

	for (j = 0; words[j]; j++)
		if ((match_fold(p, n, 0, words[j]) == n && n > 0) ||
		    (first < n && match_fold(p, first, 0, words[j]) == first &&
		    first > 0))
			return 1;
	return 0;
}

/*
 * Up to three capitalised names from p[j], one space between: the end of
 * the last, or 0 when there is none.
 */
static size_t
names_from(const char *p, size_t n, size_t j, int most)
{
	size_t len, end = 0;
	int words = 0;

	while (words < most && (len = name_at(p, n, j)) > 0) {
		words++;
		end = j + len;
		j = end;
		if (j < n && p[j] == ' ')
			j++;
		else
			break;
	}
	return end;
}

/*
 * A person at p[i]: after a civility (M. Dupont, monsieur Dupont, Mr Smith,
 * M Jean Dupont), after "famille" (la famille Benali), or a capitalised
 * word pair of which one is a known given name: Jean Dupont, Jean DUPONT,
 * Marie-Claire Lefèvre, DUPONT Jean (the surname first, in capitals, as
 * French administration writes). Not after the name of a public place.
 */
static size_t
person_at(const char *p, size_t n, size_t i, size_t *start)
{
	static const char *const civ[] = { "M. ", "Mme ", "Mme. ", "Mlle ",
	    "Mlle. ", "Me ", "Dr ", "Dr. ", "Pr ", "Pr. ", "MM. ", "Mmes ",
	    "Mr ", "Mr. ", "Mrs ", "M ", NULL };
	static const char *const civ_words[] = { "monsieur ", "madame ",
	    "mademoiselle ", "ma\xc3\xaetre ", "docteur ", "professeur ",
	    "famille ", NULL };
	size_t k = 0, j, end, w1, w2;
	int c, found = 0, bare_m = 0;

	/* not the inside of a compound: the Aubin of Saint-Aubin */
	if (!left_edge(p, i) || (i > 0 && (p[i - 1] == '-' ||
	    p[i - 1] == '\'')))
		return 0;
	if (!may_civ(p, n, i))
		found = -1;
	for (c = 0; civ[c] && !found; c++) {
		k = strlen(civ[c]);
		if (i + k <= n && strncmp(p + i, civ[c], k) == 0) {
			found = 1;
			bare_m = strcmp(civ[c], "M ") == 0;
		}
	}
	for (c = 0; civ_words[c] && !found; c++)
		if ((k = match_fold(p, n, i, civ_words[c])) > 0)
			found = 1;
	if (found > 0) {
		end = names_from(p, n, i + k, 3);
		/* "M " alone needs two names: M Jean Dupont, not M 12 */
		if (end == 0 || (bare_m && names_from(p, n, i + k, 1) == end) ||
		    public_before(p, i))
			return 0;
		*start = i + k;
		return end - (i + k);
	}
	/* two capitalised words */
	if ((w1 = name_at(p, n, i)) == 0 || i + w1 + 1 >= n ||
	    p[i + w1] != ' ' || (w2 = name_at(p, n, i + w1 + 1)) == 0)
		return 0;
	j = i + w1 + 1;
	if (names_is_given(p + i, w1) && !common_word(p + i, w1) &&
	    !all_caps(p, i, w1)) {
		/* Jean Dupont, Jean DUPONT, Jean Paul Dupont */
		end = names_from(p, n, j, 2);
	} else if (all_caps(p, i, w1) && !all_caps(p, j, w2) &&
	    names_is_given(p + j, w2) && !common_word(p + j, w2))
		end = j + w2;		/* DUPONT Jean */
	else
		return 0;
	if (public_before(p, i))
		return 0;
	*start = i;
	return end - i;
}

static size_t
scan_text(const char *p, size_t n, unsigned mask, struct pii_match *m,
    size_t max)
{
	size_t i = 0, count = 0, len, start, k;
	enum pii_kind kind;

	while (i < n && count < max) {
		unsigned char c = (unsigned char)p[i];
		int edge;

		/*
		 * Inside a word or number nothing starts (an address is found
		 * from its @, after the word): step over the rest of it.
		 */
		if (c < 0x80 && is_alnum(c) && !left_edge(p, i)) {
			while (i < n && (unsigned char)p[i] < 0x80 &&
			    is_alnum((unsigned char)p[i]))
				i++;
			continue;
		}
		/*
		 * A word in lower case starts an IBAN or a plate only with a
		 * digit third (fr76..., ab123cd, ab-123-cd), a birth with n or
		 * d (né le, date de naissance).
		 */
		if (c >= 'a' && c <= 'z' && !may_civ(p, n, i) &&
		    !may_birth(p, n, i) &&
		    !(i + 3 < n &&
		    (is_digit((unsigned char)p[i + 2]) || ((p[i + 2] == '-' ||
		    p[i + 2] == ' ') && is_digit((unsigned char)p[i + 3]))))) {
			while (i < n && (unsigned char)p[i] < 0x80 &&
			    is_alnum((unsigned char)p[i]))
				i++;
			continue;
		}
		/* a space starts an address's "(at)" or "at" only */
		if (c == ' ' && (!(mask & 1u << PII_EMAIL) || i + 1 >= n ||
		    (p[i + 1] != '(' && p[i + 1] != '[' && p[i + 1] != '{' &&
		    p[i + 1] != 'a' && p[i + 1] != 'A'))) {
			i++;
			continue;
		}
		/* most bytes start nothing: a cheap test first */
		if (c != '@' && c != ' ' && !(c >= '0' && c <= '9') && c != '+' &&
		    !ascii_letter(c) && c != '(' && c != '[' && c != '{' &&
		    c != 0xef && c != 0xc3 && c != '"') {
			i++;
			continue;
		}
		edge = left_edge(p, i);
		len = 0;
		start = i;
		kind = PII_NKINDS;
		if ((mask & 1u << PII_EMAIL) && (k = at_sign(p, n, i)) > 0) {
			if ((len = email_at(p, n, i, k, &start)) > 0 &&
			    (count == 0 || start >= m[count - 1].start +
			    m[count - 1].len))
				kind = PII_EMAIL;
			else {
				i++;
				continue;
			}
		} else if (!edge && c != '+') {
			i++;
			continue;
		} else if ((upper_at(p + i, n - i) || c == 'm' || c == 'f' ||
		    c == 'F') && (mask & 1u << PII_PERSON) &&
		    (len = person_at(p, n, i, &start)) > 0)
			kind = PII_PERSON;
		else if ((c == 'n' || c == 'N' || c == 'd' || c == 'D') &&
		    (mask & 1u << PII_BIRTH) && may_birth(p, n, i) &&
		    (len = birth_at(p, n, i, &start)) > 0)
			kind = PII_BIRTH;
		else if (ascii_letter(c) && (mask & 1u << PII_IBAN) &&
		    (len = iban_at(p, n, i)) > 0)
			kind = PII_IBAN;
		else if (ascii_letter(c) && (mask & 1u << PII_PLATE) &&
		    (len = plate_at(p, n, i)) > 0)
			kind = PII_PLATE;
		else if (c >= '1' && c <= '8' && (mask & 1u << PII_NIR) &&
		    (len = nir_at(p, n, i)) > 0)
			kind = PII_NIR;
		else if ((c == '0' || c == '+' || c == '(' || c == 0xef) &&
		    (mask & 1u << PII_PHONE) && (len = phone_at(p, n, i)) > 0)
			kind = PII_PHONE;
		if (kind == PII_NKINDS) {
			i++;
			continue;
		}
		if (count > 0 && start < m[count - 1].start + m[count - 1].len) {
			i++;
			continue;
		}
		m[count].start = start;
		m[count].len = len;
		m[count].kind = kind;
		count++;
		i = start + len;
	}
	return count;
}

/*
 * The text in NFKC (lib/unorm: fullwidth forms folded, no-break spaces as
 * spaces, decomposed accents composed) is what the detectors read; what
 * they find is mapped back to the input's bytes.
 */
size_t
pii_scan(const char *p, size_t n, unsigned mask, struct pii_match *m,
    size_t max)
{
	struct unorm u;
	size_t count, i, k, s, e;

	unorm_init(&u);
	if (unorm_nfkc(&u, p, n) <= 0) {
		/* unchanged, or ICU failed: the text as it is */
		unorm_release(&u);
		return scan_text(p, n, mask, m, max);
	}
	count = scan_text(u.out.ptr, u.out.len, mask, m, max);
	for (i = k = 0; i < count; i++) {
		s = u.from[m[i].start];
		e = u.to[m[i].start + m[i].len - 1];
		if (k > 0 && s < m[k - 1].start + m[k - 1].len) {
			/* two matches in one segment: one */
			if (e > m[k - 1].start + m[k - 1].len)
				m[k - 1].len = e - m[k - 1].start;
			continue;
		}
		m[k] = m[i];
		m[k].start = s;
		m[k].len = e - s;
		k++;
	}
	unorm_release(&u);
	return k;
}
