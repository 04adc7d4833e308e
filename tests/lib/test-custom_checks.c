/*
 * Validata's custom checks against the verdicts of the libraries Validata
 * calls (../shared/corpus/oracles: python-stdnum for SIRET and SIREN), and
 * the test vectors of ../shared/corpus/README.md section (b). Without the
 * corpus the oracle part is skipped, not passed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv/csvin.h"
#include "schema/custom_checks.h"
#include "schema/phone.h"
#include "schema/siret.h"
#include "tap.h"

typedef int (*validator_fn)(const char *, size_t);

/* Every value,verdict line of an oracle file must agree. */
static void
oracle(const char *corpus, const char *file, validator_fn fn)
{
	struct csvin_options opt;
	struct muni_err e;
	struct record *rec;
	struct csvin *in;
	char path[4096];
	size_t total = 0, agree = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/oracles/%s", corpus, file);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("ok %d - %s # SKIP corpus absent\n", ++tap_n, file);
		return;
	}
	memset(&opt, 0, sizeof(opt));
	opt.delimiter = ',';
	in = csvin_new(fd, path, &opt, &e);
	if (in == NULL || csvin_next(in, &rec, &e) <= 0) {
		ok(0, "%s reads", file);
		return;
	}
	while (csvin_next(in, &rec, &e) > 0) {
		int want, got;

		if (rec->nfields != 2)
			continue;
		want = rec->fields[1].len == 5 &&
		    memcmp(rec->fields[1].ptr, "valid", 5) == 0;
		got = fn(rec->fields[0].ptr, rec->fields[0].len) != 0;
		total++;
		if (got == want)
			agree++;
		else
			diag("%s: '%.*s': muni says %s, the oracle %s", file,
			    (int)rec->fields[0].len, rec->fields[0].ptr,
			    got ? "valid" : "invalid", want ? "valid" : "invalid");
	}
	csvin_free(in);
	close(fd);
	ok(total > 0 && agree == total, "%s: %zu of %zu verdicts agree", file,
	    agree, total);
}

static void
vector(validator_fn fn, const char *value, int want, const char *what)
{
	ok((fn(value, strlen(value)) != 0) == want, "%s '%s' is %s", what,
	    value, want ? "valid" : "invalid");
}

int
main(void)
{
	const char *corpus = getenv("MUNI_CORPUS");

	if (corpus == NULL)
		corpus = "../shared/corpus";
	/* README (b): Validata's and stdnum's own vectors. */
	vector(siret_valid, "73282932000074", 1, "SIRET");
	vector(siret_valid, "73282932000079", 0, "SIRET");
	vector(siret_valid, "83014132100026", 1, "SIRET");
	vector(siret_valid, "529173188", 0, "SIRET");
	vector(siret_valid, "35600000049837", 1, "SIRET (La Poste)");
	vector(siret_valid, "356 000 000 09075", 1, "SIRET (La Poste)");
	vector(siret_valid, "35600000049838", 0, "SIRET (La Poste)");
	vector(siret_valid, "35600000000048", 1, "SIRET (La Poste head office)");
	vector(siret_valid, "218 601 946 00013", 1, "SIRET with spaces");
	vector(siret_valid, "32402138500000.0", 0, "SIRET as a float");
	vector(siret_valid, "2,10104E+13", 0, "SIRET in scientific notation");
	vector(siren_valid, "732829320", 1, "SIREN");
	vector(siren_valid, "732829321", 0, "SIREN");
	vector(siren_valid, "356000000", 1, "SIREN (La Poste)");
	oracle(corpus, "french-siret-value.csv", siret_valid);
	oracle(corpus, "french-siren-value.csv", siren_valid);
	vector(phone_valid, "01 99 00 27 37", 1, "phone");
	vector(phone_valid, "+33 1 99 00 27 37", 1, "phone");
	vector(phone_valid, "3949", 1, "phone (short number)");
	vector(phone_valid, "115", 1, "phone (short number)");
	oracle(corpus, "phone-number-value.csv", phone_valid);
	return done_testing();
}
