/*
 * anonymize_scan: muni-anonymize --scan, a first rules file from what the
 * columns hold: their names, and the personal data the detectors find in
 * a sample of their values (anonymize_run.h has the contract).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anon/pii.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "json/json.h"
#include "run/anonymize_run.h"
#include "schema/siret.h"
#include "base/banned.h"


/*
 * Whether a word of the column name is one of words: the name is cut into
 * words at what is not a letter and where a capital follows a small letter
 * (nomAttribuant is nom and attribuant: its "rib" is no bank detail).
 */
static int
name_has(const char *name, size_t n, const char *const *words)
{
	char low[256];
	size_t i = 0, k, start;
	const char *const *w;

	while (i < n) {
		while (i < n && !((unsigned char)name[i] >= 0x80 ||
		    (name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z')))
			i++;
		start = i;
		k = 0;
		while (i < n && ((unsigned char)name[i] >= 0x80 ||
		    (name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z')) && k + 1 < sizeof(low)) {
			if (i > start && name[i] >= 'A' && name[i] <= 'Z' &&
			    name[i - 1] >= 'a' && name[i - 1] <= 'z')
				break;
			low[k++] = (char)(name[i] >= 'A' && name[i] <= 'Z' ?
			    name[i] + 32 : name[i]);
			i++;
		}
		low[k] = '\0';
		for (w = words; k && *w; w++)
			if (strcmp(low, *w) == 0)
				return 1;
	}
	return 0;
}

/*
 * Whether a value names an organisation (a beneficiary of a subsidy, an
 * attributing body), not a person: a word of the kinds of bodies, a digit,
 * or more words than a person's name has (four).
 */
static int
organisation(const char *p, size_t n)
{
	static const char *const words[] = { "association", "asso", "club",
	    "comit\xc3\xa9", "comite", "commune", "ville", "mairie", "sarl",
	    "sas", "sa", "eurl", "scop", "gie", "ccas", "syndicat",
	    "f\xc3\xa9" "d\xc3\xa9ration", "federation", "soci\xc3\xa9t\xc3\xa9",
	    "societe", "ligue", "union", "office", "amicale", "centre",
	    "d\xc3\xa9partement", "departement", "r\xc3\xa9gion", "region",
	    "communaut\xc3\xa9", "communaute", "\xc3\xa9" "cole", "ecole",
	    "coll\xc3\xa8ge", "college", "lyc\xc3\xa9" "e", "lycee", "fondation",
	    "institut", "groupement", "conseil", "cr\xc3\xa8" "che", "creche",
	    "us", "as", "fc", "cse", "cea", "mjc", "secours", "entreprise",
	    "cabinet", "ehpad", "sdis", "epci", "sivu", "sivom", "smictom", NULL };
	char word[64];
	size_t i = 0, k, nwords = 0;
	const char *const *w;

	while (i < n) {
		k = 0;
		while (i < n && (p[i] == ' ' || p[i] == '-' || p[i] == '\'' ||
		    p[i] == ',' || p[i] == '.' || p[i] == '(' || p[i] == ')'))
			i++;
		while (i < n && !(p[i] == ' ' || p[i] == '-' || p[i] == '\'' ||
		    p[i] == ',' || p[i] == '.' || p[i] == '(' || p[i] == ')')) {
			if (k + 1 < sizeof(word))
				word[k++] = (char)(p[i] >= 'A' && p[i] <= 'Z' ?
				    p[i] + 32 : p[i]);
			i++;
		}
		word[k] = '\0';
		if (k == 0)
			continue;
		/* four words and more, or a digit: no person's name */
		if (++nwords >= 4 || strpbrk(word, "0123456789"))
			return 1;
		/* É, È as é, è: capitals of Latin-1 in UTF-8 */
		for (k = 0; word[k]; k++)
			if ((unsigned char)word[k] == 0xc3 && word[k + 1] &&
			    (unsigned char)word[k + 1] >= 0x80 &&
			    (unsigned char)word[k + 1] <= 0x9e)
				word[k + 1] = (char)(word[k + 1] + 0x20);
		for (w = words; word[0] && *w; w++)
			if (strcmp(word, *w) == 0)
				return 1;
	}
	return 0;
}

int
anonymize_run_scan(const struct anonymize_run_options *o, struct buf *out,
    struct muni_err *e)
{
	static const char *const names[] = { "nom", "prenom", "pr\xc3\xa9nom",
	    "name", "beneficiaire", "b\xc3\xa9n\xc3\xa9" "ficiaire",
	    "demandeur", "titulaire", "agent", NULL };
	static const char *const phones[] = { "tel", "t\xc3\xa9l", "phone",
	    "portable", "mobile", NULL };
	static const char *const mails[] = { "mail", "courriel", NULL };
	static const char *const births[] = { "naissance", "birth", NULL };
	static const char *const drops[] = { "adresse", "address", "rue",
	    "iban", "rib", "nir", "secu", "s\xc3\xa9" "cu", NULL };
	static const char *const ids[] = { "siret", "siren", "rna", "insee",
	    NULL };
	/* roles that only public or legal bodies hold */
	static const char *const bodies[] = { "attribuant", "collectivite",
	    "collectivit\xc3\xa9", "commune", "organisme", "producteur",
	    "emetteur", "\xc3\xa9metteur", "acheteur", "etablissement",
	    "\xc3\xa9tablissement", "structure", "operateur",
	    "op\xc3\xa9rateur", "gestionnaire", "amenageur",
	    "am\xc3\xa9nageur", "exploitant", "publicateur", "editeur",
	    "\xc3\xa9" "diteur", "service", NULL };
	struct csvin *in;
	struct record *rec;
	struct pii_match m[PII_MAX_MATCHES];
	unsigned long long (*hits)[PII_NKINDS] = NULL, *filled = NULL;
	unsigned long long *ident = NULL, *orgs = NULL;
	struct buf names_buf;
	size_t *noff = NULL, width = 0, c, k, cnt;
	yajl_gen g;
	int fd, rc;

	if ((fd = fd_open_input(o->input, e)) < 0)
		return -1;
	in = csvin_new(fd, o->input, &o->csv, e);
	rc = in ? csvin_next(in, &rec, e) : -1;
	if (rc <= 0) {
		if (rc == 0)
			err_set(e, MUNI_EXIT_DATA, "'%s' is empty", o->input);
		csvin_free(in);
		if (fd != STDIN_FILENO)
			close(fd);
		return -1;
	}
	width = rec->nfields;
	buf_init(&names_buf, (size_t)16 << 20);
	hits = calloc(width + 1, sizeof(*hits));
	filled = calloc(width + 1, sizeof(*filled));
	noff = calloc(width + 2, sizeof(*noff));
	ident = calloc(width + 1, sizeof(*ident));
	orgs = calloc(width + 1, sizeof(*orgs));
	if (hits == NULL || filled == NULL || noff == NULL || ident == NULL ||
	    orgs == NULL) {
		err_nomem(e);
		rc = -1;
		goto done;
	}
	for (c = 0; c < width; c++) {
		noff[c] = names_buf.len;
		buf_add(&names_buf, rec->fields[c].ptr, rec->fields[c].len);
	}
	noff[width] = names_buf.len;
	while ((rc = csvin_next(in, &rec, e)) > 0)
		for (c = 0; c < width && c < rec->nfields; c++) {
			if (rec->fields[c].len == 0)
				continue;
			filled[c]++;
			/* identifiers of bodies, names of organisations */
			if (siret_valid(rec->fields[c].ptr, rec->fields[c].len) ||
			    siren_valid(rec->fields[c].ptr, rec->fields[c].len))
				ident[c]++;
			else if (organisation(rec->fields[c].ptr,
			    rec->fields[c].len))
				orgs[c]++;
			cnt = pii_scan(rec->fields[c].ptr, rec->fields[c].len,
			    PII_ALL, m, PII_MAX_MATCHES);
			for (k = 0; k < cnt; k++)
				hits[c][m[k].kind]++;
		}
	if (rc < 0)
		goto done;
	g = json_new();
	yajl_gen_map_open(g);
	json_key_str(g, "domain", "muni");
	json_str(g, "columns");
	yajl_gen_map_open(g);
	for (c = 0; c < width; c++) {
		const char *nm = names_buf.ptr + noff[c];
		size_t nl = noff[c + 1] - noff[c];
		unsigned long long most = 0, any = 0;
		int kind = -1;
		char key[256];

		for (k = 0; k < PII_NKINDS; k++) {
			any += hits[c][k];
			if (hits[c][k] > most)
				most = hits[c][k], kind = (int)k;
		}
		snprintf(key, sizeof(key), "%.*s", (int)nl, nm);
		json_str(g, key);
		/*
		 * Public columns stay: identifiers (SIRET, SIREN: of bodies,
		 * not persons), roles only bodies hold, and a column of names
		 * most of which are organisations'.
		 */
		if (name_has(nm, nl, ids) || name_has(nm, nl, bodies) ||
		    (filled[c] && ident[c] * 2 > filled[c]) ||
		    (name_has(nm, nl, names) && filled[c] && orgs[c] * 2 >
		    filled[c] && hits[c][PII_PERSON] * 10 < filled[c]))
			json_str(g, "keep");
		else if (name_has(nm, nl, phones) || (kind == PII_PHONE &&
		    most * 2 > filled[c])) {
			yajl_gen_map_open(g);
			json_key_str(g, "action", "pseudonymize");
			json_key_str(g, "normalize", "phone");
			yajl_gen_map_close(g);
		} else if (name_has(nm, nl, mails) || (kind == PII_EMAIL &&
		    most * 2 > filled[c])) {
			yajl_gen_map_open(g);
			json_key_str(g, "action", "pseudonymize");
			json_key_str(g, "normalize", "email");
			yajl_gen_map_close(g);
		} else if (name_has(nm, nl, births)) {
			yajl_gen_map_open(g);
			json_key_str(g, "action", "generalize");
			json_key_str(g, "to", "year");
			yajl_gen_map_close(g);
		} else if (name_has(nm, nl, drops) || kind == PII_NIR ||
		    kind == PII_IBAN)
			json_str(g, "drop");
		else if (name_has(nm, nl, names)) {
			yajl_gen_map_open(g);
			json_key_str(g, "action", "pseudonymize");
			json_key_str(g, "normalize", "name");
			yajl_gen_map_close(g);
		} else if (any > 0)
			json_str(g, "scrub");
		else
			json_str(g, "keep");
	}
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	rc = json_finish(g, out);
	if (rc < 0)
		err_set(e, MUNI_EXIT_IO, "cannot render the rules");
done:
	free(hits);
	free(filled);
	free(noff);
	free(ident);
	free(orgs);
	buf_release(&names_buf);
	csvin_free(in);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc < 0 ? -1 : 0;
}
