/*
 * The detectors of personal data: what each must find (and exactly where),
 * and the negatives muni-anonymize must leave alone: SIRETs, amounts, the
 * dates of deliberations, reference numbers that look like phones but have
 * no context, postcodes, article numbers.
 */
#include <stdio.h>
#include <string.h>

#include "anon/pii.h"
#include "tap.h"

static const struct {
	const char *text, *want;	/* want: the match, or NULL */
	enum pii_kind kind;
} found[] = {
	{ "Appeler le 06 12 34 56 78 avant midi", "06 12 34 56 78", PII_PHONE },
	{ "tel: 06.12.34.56.78", "06.12.34.56.78", PII_PHONE },
	{ "fixe 05-49-00-00-00", "05-49-00-00-00", PII_PHONE },
	{ "joindre au +33 6 12 34 56 78.", "+33 6 12 34 56 78", PII_PHONE },
	{ "+33 (0)5 49 00 00 00", "+33 (0)5 49 00 00 00", PII_PHONE },
	{ "0033612345678", "0033612345678", PII_PHONE },
	{ "portable : 0612345678", "0612345678", PII_PHONE },
	/* as people write them, decided by libphonenumber (issue 15) */
	{ "joignable au 0612345679 le soir", "0612345679", PII_PHONE },
	{ "R\xc3\xa9" "f. 0612345678", "0612345678", PII_PHONE },
	{ "06/12/34/56/78", "06/12/34/56/78", PII_PHONE },
	{ "06_12_34_56_78", "06_12_34_56_78", PII_PHONE },
	{ "(+33) 6 12 34 56 78", "(+33) 6 12 34 56 78", PII_PHONE },
	{ "(+33) 612345678", "(+33) 612345678", PII_PHONE },
	{ "0612 345 678", "0612 345 678", PII_PHONE },
	{ "+262 692 12 34 56", "+262 692 12 34 56", PII_PHONE },
	{ "+590 690 12 34 56", "+590 690 12 34 56", PII_PHONE },
	{ "+596 696 12 34 56", "+596 696 12 34 56", PII_PHONE },
	{ "+594 694 12 34 56", "+594 694 12 34 56", PII_PHONE },
	{ "+269 333 12 34", "+269 333 12 34", PII_PHONE },
	{ "+687 75 12 34", "+687 75 12 34", PII_PHONE },
	{ "+689 87 12 34 56", "+689 87 12 34 56", PII_PHONE },
	{ "t\xc3\xa9l \xef\xbc\x90\xef\xbc\x96\xef\xbc\x91\xef\xbc\x92"
	    "\xef\xbc\x93\xef\xbc\x94\xef\xbc\x95\xef\xbc\x96\xef\xbc\x97"
	    "\xef\xbc\x98 merci", "\xef\xbc\x90\xef\xbc\x96\xef\xbc\x91"
	    "\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94\xef\xbc\x95\xef\xbc\x96"
	    "\xef\xbc\x97\xef\xbc\x98", PII_PHONE },
	{ "au 06\xe2\x80\x8b" "12 34 56 78.", "06\xe2\x80\x8b" "12 34 56 78",
	    PII_PHONE },
	{ "au 06\xc2\xa0" "12\xc2\xa0" "34 56 78", "06\xc2\xa0" "12\xc2\xa0"
	    "34 56 78", PII_PHONE },
	{ "\xc3\xa9" "crire \xc3\xa0 jean.dupont@example.fr ou", "jean.dupont@example.fr",
	    PII_EMAIL },
	{ "<marie-claire.o'neil+asso@mairie-poitiers.gouv.fr>",
	    "marie-claire.o'neil+asso@mairie-poitiers.gouv.fr", PII_EMAIL },
	{ "jean@ex\xc3\xa9mple.fr", "jean@ex\xc3\xa9mple.fr", PII_EMAIL },
	{ "\xc3\xa9lodie.durand@mairie.fr", "\xc3\xa9lodie.durand@mairie.fr",
	    PII_EMAIL },
	{ "\"jean dupont\"@example.fr", "\"jean dupont\"@example.fr", PII_EMAIL },
	{ "jean\xef\xbc\xa0" "example.fr", "jean\xef\xbc\xa0" "example.fr",
	    PII_EMAIL },
	{ "jean.dupont (at) orange.fr", "jean.dupont (at) orange.fr", PII_EMAIL },
	{ "jean [arobase] free.fr", "jean [arobase] free.fr", PII_EMAIL },
	{ "mail : jean.dupont at orange.fr", "jean.dupont at orange.fr",
	    PII_EMAIL },
	{ "jean (at) free (dot) fr", "jean (at) free (dot) fr", PII_EMAIL },
	{ "NIR 1.85.05.78.006.084.91", "1.85.05.78.006.084.91", PII_NIR },
	{ "NIR 1-85-05-78-006-084-91", "1-85-05-78-006-084-91", PII_NIR },
	{ "fr76 3000 6000 0112 3456 7890 189", "fr76 3000 6000 0112 3456 7890 189",
	    PII_IBAN },
	{ "FR76-3000-6000-0112-3456-7890-189", "FR76-3000-6000-0112-3456-7890-189",
	    PII_IBAN },
	{ "FR76\xc2\xa0" "3000\xc2\xa0" "6000\xc2\xa0" "0112\xc2\xa0" "3456"
	    "\xc2\xa0" "7890\xc2\xa0" "189", "FR76\xc2\xa0" "3000\xc2\xa0" "6000"
	    "\xc2\xa0" "0112\xc2\xa0" "3456\xc2\xa0" "7890\xc2\xa0" "189", PII_IBAN },
	{ "plaque ab-123-cd", "ab-123-cd", PII_PLATE },
	{ "plaque AB123CD", "AB123CD", PII_PLATE },
	{ "NIR 1 85 05 78 006 084 91 connu", "1 85 05 78 006 084 91", PII_NIR },
	{ "269029934173285", "269029934173285", PII_NIR },
	{ "n\xc2\xb0 1 72 03 2A 123 456 56", "1 72 03 2A 123 456 56", PII_NIR },
	{ "IBAN FR76 3000 6000 0112 3456 7890 189", "FR76 3000 6000 0112 3456 7890 189",
	    PII_IBAN },
	{ "FR1420041010050500013M02606", "FR1420041010050500013M02606", PII_IBAN },
	{ "v\xc3\xa9hicule AB-123-CD gar\xc3\xa9", "AB-123-CD", PII_PLATE },
	{ "plaque GH 456 KL", "GH 456 KL", PII_PLATE },
	{ "Jean, n\xc3\xa9 le 12/03/1980 \xc3\xa0 Poitiers", "12/03/1980", PII_BIRTH },
	{ "n\xc3\xa9" "e le 3 mars 1975", "3 mars 1975", PII_BIRTH },
	{ "n\xc3\xa9(e) le 1980-03-12", "1980-03-12", PII_BIRTH },
	{ "N\xc3\x89" "E LE 12/03/1980", "12/03/1980", PII_BIRTH },
	{ "date de naissance : 03/07/1989", "03/07/1989", PII_BIRTH },
	{ "Naissance : 1980-03-12", "1980-03-12", PII_BIRTH },
	{ "n\xc3\xa9" "e en ao\xc3\xbbt 1956", "ao\xc3\xbbt 1956", PII_BIRTH },
	{ "n\xc3\xa9 en 1956 \xc3\xa0 Niort", "1956", PII_BIRTH },
	{ "n\xc3\xa9 \xc3\xa0 Lyon le 3 mars 1975", "3 mars 1975", PII_BIRTH },
	{ "n\xc3\xa9" "e \xc3\xa0 Saint-Jean-d'Ang\xc3\xa9ly, le 1er mai 1960",
	    "1er mai 1960", PII_BIRTH },
	{ "n\xc3\xa9 \xc3\xa0 La Rochelle le 12.03.1980", "12.03.1980",
	    PII_BIRTH },
	{ "n\xc3\xa9(e) le 03/07/89", "03/07/89", PII_BIRTH },
	{ "n\xc3\xa9 le 3/7/1989 \xc3\xa0 Niort", "3/7/1989", PII_BIRTH },
	{ "re\xc3\xa7u M. Jean DUPONT hier", "Jean DUPONT", PII_PERSON },
	{ "Mme \xc3\x89lodie Martin-Lef\xc3\xa8vre a sign\xc3\xa9",
	    "\xc3\x89lodie Martin-Lef\xc3\xa8vre", PII_PERSON },
	{ "Madame Dupont", "Dupont", PII_PERSON },
	{ "Dr O'Neil", "O'Neil", PII_PERSON },
	/* without a civility: a known given name, or the surname first */
	{ "re\xc3\xa7u Jean Dupont hier", "Jean Dupont", PII_PERSON },
	{ "DUPONT Jean a \xc3\xa9" "crit", "DUPONT Jean", PII_PERSON },
	{ "sign\xc3\xa9 Jean DUPONT", "Jean DUPONT", PII_PERSON },
	{ "Marie-Claire Lef\xc3\xa8vre est venue", "Marie-Claire Lef\xc3\xa8vre",
	    PII_PERSON },
	{ "\xc3\x89lodie Martin a demand\xc3\xa9", "\xc3\x89lodie Martin",
	    PII_PERSON },
	{ "la famille Benali", "Benali", PII_PERSON },
	{ "monsieur Dupont", "Dupont", PII_PERSON },
	{ "M Jean Dupont", "Jean Dupont", PII_PERSON },
	{ "Mr Smith", "Smith", PII_PERSON },
	{ "Le Maire Jean Dupont", "Jean Dupont", PII_PERSON },
	/* read in NFKC (ICU), cut out of the original bytes */
	{ "re\xc3\xa7u E\xcc\x81lodie Martin hier", "E\xcc\x81lodie Martin",
	    PII_PERSON },
	{ "jean@exe\xcc\x81mple.fr ou", "jean@exe\xcc\x81mple.fr", PII_EMAIL },
	{ "plaque \xef\xbc\xa1\xef\xbc\xa2-123-\xef\xbc\xa3\xef\xbc\xa4",
	    "\xef\xbc\xa1\xef\xbc\xa2-123-\xef\xbc\xa3\xef\xbc\xa4", PII_PLATE },
	{ "tel 06\xe2\x80\x89" "12\xe2\x80\x89" "34 56 78", "06\xe2\x80\x89" "12"
	    "\xe2\x80\x89" "34 56 78", PII_PHONE },
	{ "\xef\xac\x81n 06 12 34 56 78", "06 12 34 56 78", PII_PHONE },
	{ "n\xc3\xa9" "e le 1\xef\xbc\x92/03/1980", "1\xef\xbc\x92/03/1980",
	    PII_BIRTH },
	{ NULL, NULL, 0 },
};

static const char *const negatives[] = {
	"SIRET 21860194600013",
	"SIRET 00919954834942",
	"00919954834942",
	"siret : 218 601 946 00013",
	"montant 12 345,67 \xe2\x82\xac",
	"1 234 567,00",
	"d\xc3\xa9lib\xc3\xa9ration du 12/03/2024, s\xc3\xa9" "ance du 5 mars 2024",
	"le 01/02/2023 12 dossiers",
	"01 02 2023 12",
	"0612345678,5",
	"appeler le 115 ou le 3949",
	"code postal 86000, INSEE 86194",
	"article L312-1-2 du CRPA",
	"1 85 05 78 006 084 92",
	"FR76 3000 6000 0112 3456 7890 188",
	"AB-000-CD",
	"le Maire a sign\xc3\xa9",
	"M. le Maire",
	"version 06.12.34",
	"12.34.56.78.90.12",
	"tel 061234567",
	"@mention sans domaine",
	"rendez-vous at home.fr",
	"rue Victor Hugo",
	"salle Jean Moulin",
	"coll\xc3\xa8ge Jean Jaur\xc3\xa8s",
	"groupe scolaire Jean Moulin",
	"avenue du G\xc3\xa9n\xc3\xa9ral Leclerc",
	"place de la Libert\xc3\xa9",
	"France Travail",
	"Commune de Saint-Aubin-sur-Loire",
	"US Saint-Aubin Football",
	"Conseil Municipal",
	"Paris Centre",
	"M 12",
	"Me voici",
	"la date de la d\xc3\xa9lib\xc3\xa9ration : 12/03/2024",
	"n\xc3\xa9" "e Martin, n\xc3\xa9 \xc3\xa0 Lyon",
	"date de naissance inconnue",
	"il est at the office",
	"la salle A 12",
	"version 1.2, montant 12.5",
	"a@b",
	"2024-03-12",
	"num\xc3\xa9ro 100000000000000",
	NULL,
};

int
main(void)
{
	struct pii_match m[16];
	size_t i, n, k;
	int hit;

	for (i = 0; found[i].text; i++) {
		n = pii_scan(found[i].text, strlen(found[i].text), PII_ALL, m,
		    16);
		hit = 0;
		for (k = 0; k < n; k++)
			if (m[k].kind == found[i].kind &&
			    m[k].len == strlen(found[i].want) &&
			    memcmp(found[i].text + m[k].start, found[i].want,
			    m[k].len) == 0)
				hit = 1;
		if (!ok(hit, "%s found in '%s'", pii_name(found[i].kind),
		    found[i].text))
			for (k = 0; k < n; k++)
				diag("found %s '%.*s'", pii_name(m[k].kind),
				    (int)m[k].len, found[i].text + m[k].start);
	}
	for (i = 0; negatives[i]; i++) {
		n = pii_scan(negatives[i], strlen(negatives[i]), PII_ALL, m, 16);
		if (!ok(n == 0, "nothing in '%s'", negatives[i]))
			for (k = 0; k < n; k++)
				diag("found %s '%.*s'", pii_name(m[k].kind),
				    (int)m[k].len, negatives[i] + m[k].start);
	}
	return done_testing();
}
