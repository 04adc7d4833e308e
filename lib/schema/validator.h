/*
 * validator: checks a table, record by record, against a Table Schema (or,
 * without one, its structure only), and adds what it finds to a report,
 * in the order frictionless reports it: the header's errors, then each
 * row's (blank row; per field: missing cell, type, constraints, unique;
 * extra cells; primary key; foreign keys).
 *
 * Memory is flat but for unique, primary-key and foreign-key checks, whose
 * key sets grow with the number of distinct keys.
 *
 * Ownership: the validator borrows the schema and the report (both must
 * outlive it) and owns its key sets and the errors of the current row.
 */
#ifndef MUNI_VALIDATOR_H
#define MUNI_VALIDATOR_H

#include "csv/csvin.h"
#include "schema/keyset.h"
#include "schema/report.h"
#include "schema/schema.h"

struct validator_options {
	int schema_sync;	/* match columns to fields by name */
	/*
	 * Values of a field whose pattern PCRE2 could not decide (its match
	 * or depth limit reached, some 40 ms each) before the field's other
	 * values are left unchecked against it, said once; 0: the default.
	 */
	size_t regex_work;
};

#define VALIDATE_REGEX_WORK 20

struct validator;

struct validator *validator_new(const struct schema *s, struct report *r,
    const struct validator_options *opt, struct muni_err *e);
void validator_free(struct validator *v);

/* The header record; -1 with e set when out of memory. */
int validator_header(struct validator *v, const struct record *rec,
    struct muni_err *e);
/* A data record; -1 with e set when out of memory. */
int validator_row(struct validator *v, const struct record *rec,
    struct muni_err *e);
/* Whether the report's error limit has been reached. */
int validator_done(const struct validator *v);
/* The errors the last row had (all of them, whatever the report's limit). */
const struct verror *validator_row_errors(const struct validator *v,
    size_t *n);

/*
 * Keys that a foreign key may point to: the values of fields ref_fields
 * (by name) in the table read from in. Used for --resource NAME=FILE.
 */
int validator_add_reference(struct validator *v, const char *resource,
    struct csvin *in, struct muni_err *e);

#endif
