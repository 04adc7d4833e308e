#include <string.h>
#include <strings.h>

#include "pii.h"
#include "banned.h"

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

static int
phone_context(const char *p, size_t at)
{
	static const char *const words[] = { "tel", "t\xc3\xa9l", "phone",
	    "portable", "mobile", "fixe", "joindre", "appeler", "contact",
	    "gsm", "fax", NULL };
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

/* A French phone number at p[i]: its length, or 0. */
static size_t
phone_at(const char *p, size_t n, size_t i)
{
	size_t j = i, s, digits = 0, seps = 0;
	int intl = 0;

	if (!left_edge(p, i) && p[i] != '+')
		return 0;
	if (p[j] == '+' && j + 3 <= n && strncmp(p + j, "+33", 3) == 0) {
		j += 3;
		intl = 1;
	} else if (j + 4 <= n && strncmp(p + j, "0033", 4) == 0) {
		j += 4;
		intl = 1;
	}
	if (intl) {
		while ((s = sep_at(p, n, j)) > 0)
			j += s;
		if (j + 3 <= n && strncmp(p + j, "(0)", 3) == 0)
			j += 3;
		while ((s = sep_at(p, n, j)) > 0)
			j += s;
		if (j >= n || !is_digit((unsigned char)p[j]) || p[j] == '0')
			return 0;
		digits = 1;	/* the national 0 */
	} else if (j + 1 >= n || p[j] != '0' || p[j + 1] < '1' ||
	    p[j + 1] > '9')
		return 0;
	/* then digits, by pairs or not, separators between */
	while (j < n && digits < 10) {
		if (is_digit((unsigned char)p[j])) {
			digits++;
			j++;
			continue;
		}
		s = sep_at(p, n, j);
		if (s == 0 || digits % 2 != 0 || j + s >= n ||
		    !is_digit((unsigned char)p[j + s]))
			break;
		seps++;
		j += s;
	}
	if (digits != 10 || !right_edge(p, n, j) || (j < n && p[j] == '.' &&
	    j + 1 < n && is_digit((unsigned char)p[j + 1])))
		return 0;
	/* ten bare digits are a phone only where a word says so */
	if (!intl && seps == 0 && !phone_context(p, i))
		return 0;
	return j - i;
}

/* ---- e-mail ---- */

static int
local_char(int c)
{
	return is_alnum(c) || strchr("._%+-'", c) != NULL;
}

static size_t
email_at(const char *p, size_t n, size_t at, size_t *start)
{
	size_t l = at, r = at + 1, dot = 0;

	while (l > 0 && local_char((unsigned char)p[l - 1]) &&
	    (unsigned char)p[l - 1] < 0x80)
		l--;
	while (l < at && (p[l] == '.' || p[l] == '-'))
		l++;
	if (l == at)
		return 0;
	while (r < n && (is_alnum((unsigned char)p[r]) || p[r] == '.' ||
	    p[r] == '-') && (unsigned char)p[r] < 0x80) {
		if (p[r] == '.')
			dot = r;
		r++;
	}
	while (r > at + 1 && (p[r - 1] == '.' || p[r - 1] == '-'))
		r--;
	if (dot == 0 || dot >= r - 2 || dot <= at + 1)
		return 0;
	for (size_t k = dot + 1; k < r; k++)
		if (!is_alpha((unsigned char)p[k]))
			return 0;
	*start = l;
	return r - l;
}

/* ---- NIR ---- */

/* The digits of a number written with optional spaces, as text. */
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
		if (s == 0 || p[j] == '.' || k == 0 || j + s >= n)
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

	if (!left_edge(p, i) || !strchr("12378", p[i]))
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

static size_t
iban_at(const char *p, size_t n, size_t i)
{
	char c[40];
	size_t j = i, k = 0, s;
	unsigned rem = 0;
	int m;

	if (!left_edge(p, i) || i + 4 > n || !(p[i] >= 'A' && p[i] <= 'Z') ||
	    !(p[i + 1] >= 'A' && p[i + 1] <= 'Z') ||
	    !is_digit((unsigned char)p[i + 2]) ||
	    !is_digit((unsigned char)p[i + 3]))
		return 0;
	while (j < n && k < 34) {
		if (is_digit((unsigned char)p[j]) || (p[j] >= 'A' &&
		    p[j] <= 'Z')) {
			c[k++] = p[j++];
			continue;
		}
		s = p[j] == ' ' ? 1 : 0;
		if (s == 0 || k % 4 != 0 || j + 1 >= n ||
		    !is_alnum((unsigned char)p[j + 1]))
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
	return c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'U';
}

static size_t
plate_at(const char *p, size_t n, size_t i)
{
	char sep;

	if (!left_edge(p, i) || i + 9 > n || !plate_letter(p[i]) ||
	    !plate_letter(p[i + 1]))
		return 0;
	sep = p[i + 2];
	if ((sep != '-' && sep != ' ') || !is_digit((unsigned char)p[i + 3]) ||
	    !is_digit((unsigned char)p[i + 4]) ||
	    !is_digit((unsigned char)p[i + 5]) || p[i + 6] != sep ||
	    !plate_letter(p[i + 7]) || !plate_letter(p[i + 8]) ||
	    !right_edge(p, n, i + 9))
		return 0;
	if (strncmp(p + i + 3, "000", 3) == 0)
		return 0;
	return 9;
}

/* ---- births ---- */

static const char *const month_names[] = { "janvier", "f\xc3\xa9vrier",
    "fevrier", "mars", "avril", "mai", "juin", "juillet", "ao\xc3\xbbt",
    "aout", "septembre", "octobre", "novembre", "d\xc3\xa9" "cembre",
    "decembre", NULL };

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
	if (j < n && (p[j] == '/' || p[j] == '-' || p[j] == '.') &&
	    j + 8 <= n && is_digit((unsigned char)p[j + 1]) &&
	    is_digit((unsigned char)p[j + 2]) && p[j + 3] == p[j] &&
	    is_digit((unsigned char)p[j + 4]))
		return j + 4 - i + (j + 8 <= n &&
		    is_digit((unsigned char)p[j + 7]) ? 4 : 2);
	if (j + 2 < n && strncmp(p + j, "er", 2) == 0)
		j += 2;
	if (j >= n || p[j] != ' ')
		return 0;
	j++;
	for (d = 0; month_names[d]; d++) {
		k = strlen(month_names[d]);
		if (j + k < n && strncasecmp(p + j, month_names[d], k) == 0 &&
		    p[j + k] == ' ' && j + k + 5 <= n &&
		    is_digit((unsigned char)p[j + k + 1]))
			return j + k + 5 - i;
	}
	return 0;
}

static size_t
birth_at(const char *p, size_t n, size_t i, size_t *start)
{
	static const char *const intro[] = { "n\xc3\xa9(e) le ",
	    "n\xc3\xa9" "e le ", "n\xc3\xa9 le ", "N\xc3\xa9(e) le ",
	    "N\xc3\xa9" "e le ", "N\xc3\xa9 le ", "ne le ", "nee le ", NULL };
	size_t k, len;
	int j;

	if (!left_edge(p, i))
		return 0;
	for (j = 0; intro[j]; j++) {
		k = strlen(intro[j]);
		if (i + k <= n && strncmp(p + i, intro[j], k) == 0 &&
		    (len = date_at(p, n, i + k)) > 0) {
			*start = i + k;
			return len;
		}
	}
	return 0;
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

static size_t
person_at(const char *p, size_t n, size_t i, size_t *start)
{
	static const char *const civ[] = { "Monsieur ", "Madame ",
	    "Mademoiselle ", "M. ", "Mme ", "Mme. ", "Mlle ", "Mlle. ",
	    "Me ", "Ma\xc3\xaetre ", "Dr ", "Dr. ", "Docteur ", "Pr ",
	    "Pr. ", "Professeur ", "MM. ", "Mmes ", NULL };
	size_t k, j, len, words = 0, end = 0;
	int c;

	if (!left_edge(p, i))
		return 0;
	for (c = 0; civ[c]; c++) {
		k = strlen(civ[c]);
		if (i + k <= n && strncmp(p + i, civ[c], k) == 0)
			break;
	}
	if (civ[c] == NULL)
		return 0;
	j = i + k;
	while (words < 3 && (len = name_at(p, n, j)) > 0) {
		words++;
		end = j + len;
		j = end;
		if (j < n && p[j] == ' ')
			j++;
		else
			break;
	}
	if (words == 0)
		return 0;
	*start = i + k;
	return end - (i + k);
}

size_t
pii_scan(const char *p, size_t n, unsigned mask, struct pii_match *m,
    size_t max)
{
	size_t i = 0, count = 0, len, start;
	enum pii_kind kind;

	while (i < n && count < max) {
		unsigned char c = (unsigned char)p[i];
		int edge;

		/* most bytes start nothing: a cheap test first */
		if (c != '@' && !(c >= '0' && c <= '9') && c != '+' &&
		    !(c >= 'A' && c <= 'Z') && c != 'n') {
			i++;
			continue;
		}
		edge = left_edge(p, i);
		len = 0;
		start = i;
		kind = PII_NKINDS;
		if (c == '@') {
			if ((mask & 1u << PII_EMAIL) &&
			    (len = email_at(p, n, i, &start)) > 0 &&
			    (count == 0 || start >= m[count - 1].start +
			    m[count - 1].len))
				kind = PII_EMAIL;
		} else if (!edge && c != '+') {
			i++;
			continue;
		} else if ((c == 'M' || c == 'D' || c == 'P') &&
		    (mask & 1u << PII_PERSON) &&
		    (len = person_at(p, n, i, &start)) > 0)
			kind = PII_PERSON;
		else if ((c == 'n' || c == 'N') && (mask & 1u << PII_BIRTH) &&
		    (len = birth_at(p, n, i, &start)) > 0)
			kind = PII_BIRTH;
		else if (c >= 'A' && c <= 'Z' && (mask & 1u << PII_IBAN) &&
		    (len = iban_at(p, n, i)) > 0)
			kind = PII_IBAN;
		else if (c >= 'A' && c <= 'Z' && (mask & 1u << PII_PLATE) &&
		    (len = plate_at(p, n, i)) > 0)
			kind = PII_PLATE;
		else if ((mask & 1u << PII_NIR) && (len = nir_at(p, n, i)) > 0)
			kind = PII_NIR;
		else if ((c == '0' || c == '+') && (mask & 1u << PII_PHONE) &&
		    (len = phone_at(p, n, i)) > 0)
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
