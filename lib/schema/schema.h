/*
 * schema: a Table Schema (Frictionless Data, v1) loaded into plain structs.
 *
 * Schemas are read as schema.data.gouv.fr publishes them: numeric bounds
 * written as strings ("-90"), a bare-string primaryKey, unknown keys
 * (examples, custom_checks, ...) are accepted. What is not a valid Table
 * Schema (an unknown type, a field without a name, a bad pattern, a bound
 * that is not of the field's type) is refused with the JSON path of the
 * problem: "fields[3].constraints.pattern: ...".
 *
 * Validata's custom_checks are kept by name and parameters; lib/check runs
 * those it knows.
 *
 * Ownership: schema_load() returns a heap object that owns every string,
 * compiled pattern and cast bound in it; schema_free() releases it all.
 */
#ifndef MUNI_SCHEMA_H
#define MUNI_SCHEMA_H

#include <stddef.h>

#include "base/err.h"
#include "schema/cast.h"

struct constraint_set {
	int required;
	int unique;
	int has_min_length, has_max_length;
	size_t min_length, max_length;
	int has_minimum, has_maximum;
	struct cast_value minimum, maximum;
	char *minimum_text, *maximum_text;	/* as written, for messages */
	char *pattern;				/* as written */
	void *pattern_code;			/* pcre2_code, anchored */
	void *pattern_match;			/* pcre2_match_data */
	char **enum_text;			/* as written */
	struct cast_value *enum_values;		/* cast once at load */
	size_t nenum;
};

struct schema_field {
	char *name;
	char *title;
	struct cast_spec spec;		/* type, format and casting options */
	char **missing;			/* field missingValues, or the schema's */
	size_t nmissing;
	struct constraint_set c;
};

/*
 * A Validata custom check as the schema declares it. Parameters are kept
 * by meaning: "column" (or "column1"), "column2", the list "othercolumns"
 * or "columns", "op", "allow-year-only".
 */
struct custom_check {
	char *name;
	char *column;			/* NULL when not given */
	char *column2;
	char **columns;
	size_t ncolumns;
	char *op;
	int allow_year_only;
};

struct foreign_key {
	size_t *fields;			/* indices of the local fields */
	size_t nfields;
	char *resource;			/* "" for the same resource */
	char **ref_fields;
	size_t nref;
};

struct schema {
	char *source;			/* file name or URL as given */
	struct schema_field *fields;
	size_t nfields;
	char **missing;			/* schema-level missingValues */
	size_t nmissing;
	size_t *primary_key;		/* field indices */
	size_t npk;
	struct foreign_key *fks;
	size_t nfk;
	struct custom_check *checks;
	size_t nchecks;
};

/* Load from a file path, an http(s) URL, or "-" for standard input. */
struct schema *schema_load(const char *path, struct muni_err *e);
/* Parse a schema held in memory; source names it in messages. */
struct schema *schema_parse(const char *json, size_t len, const char *source,
    struct muni_err *e);
void schema_free(struct schema *s);

/* Index of the field named name, or -1. */
long schema_field_index(const struct schema *s, const char *name, size_t len);

/*
 * Whether the cell text is a missing value of field f (by default the
 * empty string, per missingValues).
 */
int schema_is_missing(const struct schema_field *f, const char *p, size_t n);

#endif
