/*
 * custom_checks: Validata's custom checks, run as the schemas of
 * schema.data.gouv.fr declare them in "custom_checks", with Validata's
 * semantics and error codes (../shared/corpus/README.md, section b):
 *
 *   french-siret-value, french-siren-value      (python-stdnum's rules)
 *   one-of-required, cohesive-columns-value, compare-columns-value,
 *   sum-columns-value, year-interval-value, nomenclature-actes-value,
 *   french-gps-coordinates (and its reversed-french-gps-coordinates),
 *   phone-number-value                          (libphonenumber, lib/phone)
 *   opening-hours-value                         (lib/schema/opening_hours)
 *
 * A single-column check skips empty cells and absent columns; multi-column
 * checks follow each check's own rule. A check muni does not know, or
 * whose parameters are wrong, is one check-error, never silently skipped.
 *
 * The module is pure: it reads cells and fills findings; lib/validate
 * turns them into report errors.
 */
#ifndef MUNI_CUSTOM_CHECKS_H
#define MUNI_CUSTOM_CHECKS_H

#include <stddef.h>

#include "csv/csvin.h"
#include "schema/report.h"
#include "schema/schema.h"

#define CUSTOM_CHECK_MAX_FINDINGS 4

struct custom_check_finding {
	enum error_code code;
	long column;		/* the column the finding is about, or -1 */
	char message[400];
};

/* A check bound to the columns of one file's header. */
struct custom_check_binding {
	const struct custom_check *def;
	int kind;		/* -1: not run (its check-error was given) */
	long column, column2;	/* -1: absent */
	long *columns;
	size_t ncolumns;
	long *fields;		/* per column of the file: its field, or -1 */
	const struct schema *schema;
};

/*
 * Bind def to the header; header-level findings (check-error, both
 * columns of one-of-required absent...) are added to f[*n].
 * -1 when out of memory.
 */
int custom_check_bind(struct custom_check_binding *b,
    const struct custom_check *def, const struct schema *s, char **labels,
    size_t nlabels, const long *field_of_column, struct custom_check_finding *f,
    size_t *n);
void custom_check_release(struct custom_check_binding *b);

/* Run a bound check on a row; findings added to f[*n]. */
void custom_check_row(const struct custom_check_binding *b,
    const struct record *rec, struct custom_check_finding *f, size_t *n);

/* The validators themselves, for tests and for muni-transform. */

#endif
