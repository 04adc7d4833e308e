/*
 * pii: detectors of personal data in French text, for muni-anonymize's
 * scrub rule and its final scan. Each looks for a shape and, where the
 * shape has one, checks it, so that what is found is personal data with
 * high confidence (a SIRET, an amount, the date of a deliberation or a
 * reference number are left alone). They read the text in NFKC (lib/unorm,
 * through ICU: fullwidth forms folded, no-break and thin spaces as spaces,
 * decomposed accents composed); what they find is given as byte ranges of
 * the text as it was.
 *
 *   phone     numbers as written (grouped national digits, +33, 0033,
 *             (+33), (0), any country after +, fullwidth digits, invisible
 *             and no-break spaces): candidates found in the text, decided
 *             by libphonenumber (phone_is_number); ten bare digits after a
 *             word that announces a phone, or allocated French numbers
 *   email     local@domain.tld, letters of any script in both parts, a
 *             quoted local part, the fullwidth @, and the spellings that
 *             fool robots: (at), [at], [arobase], " at ", (dot), point
 *   nir       the social security number (spaces, dots or dashes between
 *             its parts): 13 digits and the key, 97 minus
 *             the number modulo 97 (2A and 2B as Corsica's 19 and 18)
 *   iban      two letters, two check digits, the account; modulo 97 is 1;
 *             any case, by fours with spaces, dashes or no-break spaces
 *   plate     SIV registration plates, AB-123-CD in any case, with dashes,
 *             spaces or nothing between the parts
 *   birth     a date after "né le", "née le", "né(e) le" in any case, "né à
 *             Lyon le", "date de naissance :", "naissance :"; a month
 *             and a year or a year alone after "né en"
 *   person    one to three capitalised names after a civility (M., Mme,
 *             Mlle, Monsieur, Madame, Mademoiselle, Me, Maître, Dr, Pr)
 */
#ifndef MUNI_PII_H
#define MUNI_PII_H

#include <stddef.h>

enum pii_kind {
	PII_PHONE, PII_EMAIL, PII_NIR, PII_IBAN, PII_PLATE, PII_BIRTH,
	PII_PERSON, PII_NKINDS
};

#define PII_ALL ((1u << PII_NKINDS) - 1)

struct pii_match {
	size_t start, len;
	enum pii_kind kind;
};

/* What a caller's buffer of matches holds for one value, in muni. */
#define PII_MAX_MATCHES 256

/*
 * Find the personal data of the kinds in mask (bits 1 << kind) in p[0..n):
 * at most max matches, in order, not overlapping. Returns how many.
 */
size_t pii_scan(const char *p, size_t n, unsigned mask, struct pii_match *m,
    size_t max);
/* "phone", "email", ... and the kind of a name (-1 when unknown). */
const char *pii_name(enum pii_kind k);
int pii_kind_of(const char *name);
/* The tag that replaces it: "[TÉLÉPHONE]", "[COURRIEL]", ... */
const char *pii_tag(enum pii_kind k);

#endif
