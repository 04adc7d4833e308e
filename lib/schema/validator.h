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
/*
 * The errors the last row had (all of them, whatever the report's limit),
 * valid until the next row, or until the work its items were in is reset.
 */
const struct verror *validator_row_errors(const struct validator *v,
    size_t *n);

/*
 * Checking rows in several threads. validator_check() runs the checks of
 * a row that depend on no other row (blank row, cells, types, constraints,
 * extra cells, custom checks) and appends what it finds to w, the
 * thread's own: it only reads the validator, and may run in any thread
 * once the header is checked. validator_commit() then settles, in the
 * rows' order and in the validator's thread, the items [from, to) a row
 * left in w: what depends on the rows before it (unique values, primary
 * and foreign keys, a pattern's budget of undecided values), and adds the
 * row's errors to the report in the order validator_row() adds them, of
 * which validator_row() is the two in turn: the report is the same
 * whatever the threads. Once the rows' errors are read, validator_work_reset()
 * empties w.
 */
struct vwork;

struct vwork *validator_work_new(const struct validator *v);
void validator_work_free(struct vwork *w);
/* -1 when out of memory (validator_commit() then says so). */
int validator_check(const struct validator *v, struct vwork *w,
    const struct record *rec);
/* The items in w: a row's are those appended by its validator_check(). */
size_t validator_work_items(const struct vwork *w);
void validator_work_reset(struct vwork *w);
int validator_commit(struct validator *v, struct vwork *w, size_t from,
    size_t to, const struct record *rec, struct muni_err *e);

/*
 * Keys that a foreign key may point to: the values of fields ref_fields
 * (by name) in the table read from in. Used for --resource NAME=FILE.
 */
int validator_add_reference(struct validator *v, const char *resource,
    struct csvin *in, struct muni_err *e);

#endif
