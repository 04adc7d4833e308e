/*
 * rules: muni-anonymize's rules file (muni-rules(5)), loaded into plain
 * structs: a decision for every column (an input column without one is
 * refused by rules_bind(), so nothing passes by oversight), the default
 * pseudonym domain and length, and the dataset checks (quasi-identifiers,
 * k, sensitive columns, l). Errors are MUNI_EXIT_USAGE with the JSON
 * path, as for mappings.
 */
#ifndef MUNI_RULES_H
#define MUNI_RULES_H

#include <stddef.h>

#include "anon/pii.h"
#include "base/err.h"
#include "csv/csvin.h"

enum rule_action {
	R_KEEP, R_DROP, R_REDACT, R_PSEUDONYMIZE, R_MASK, R_GENERALIZE,
	R_RECODE, R_SCRUB
};

enum rule_norm { N_NONE, N_PHONE, N_EMAIL, N_NAME };
enum rule_gen { G_YEAR, G_MONTH, G_AGE, G_BINS, G_DEPARTEMENT, G_ROUND };

/* A condition on the row: a column empty, equal to a text; all, any. */
struct rule_cond {
	enum { C_EMPTY, C_EQUALS, C_ALL, C_ANY } kind;
	char *column;
	long col;
	int empty;
	char *text;
	struct rule_cond *sub;
	size_t nsub;
};

struct rule {
	char *column;
	long col;			/* in the input, once bound */
	enum rule_action action;
	char *text;			/* redact: the text; recode: the other */
	enum rule_norm norm;		/* pseudonymize */
	char *domain;			/* NULL: the file's */
	size_t length;			/* pseudonym characters */
	long first, last;		/* mask */
	char mask[8];
	enum rule_gen gen;
	double *bins;			/* generalize: bins */
	size_t nbins;
	long digits;			/* round */
	int ref_year, ref_month, ref_day;	/* age: reference date */
	long min_count;			/* recode */
	unsigned detect;		/* scrub: pii kinds */
	int alias;			/* scrub: numbered tags */
	struct rule_cond *when;
};

struct rules {
	char *source;
	char sha256[65];
	char *domain;
	size_t length;
	struct rule *r;
	size_t n;
	char **quasi, **sensitive;
	size_t nquasi, nsensitive;
	long k, l;
};

struct rules *rules_load(const char *path, struct muni_err *e);
struct rules *rules_parse(const char *json, size_t len, const char *source,
    struct muni_err *e);
void rules_free(struct rules *r);
/*
 * Match the rules to the input's header: each column must have exactly
 * one rule, each rule a column, and the columns the conditions and the
 * checks name must exist.
 */
int rules_bind(struct rules *r, const struct record *header,
    struct muni_err *e);
/* Whether the rule applies to the row (its condition holds). */
int rules_when(const struct rule_cond *c, const struct record *rec);
/* The action named s, or -1. */
int rules_action(const char *s);
const char *rules_action_name(enum rule_action a);

#endif
