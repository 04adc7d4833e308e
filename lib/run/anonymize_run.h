/*
 * anonymize_run: one muni-anonymize run end to end.
 *
 * With rules: every input column gets its rule's action; the output is
 * written to a temporary file, and copied to out_fd only when the checks
 * pass (the gate): the final scan of the output with every detector
 * finds no personal datum left in a column the rules kept, scrubbed,
 * generalized or recoded, and, with quasi-identifiers, every class holds
 * k rows (after --suppress, if asked, and within its cap) and every class
 * l sensitive values. A rule that needs counts (recode) makes the input
 * be read twice, from a spooled copy.
 *
 * With audit: the same checks on the input as it is, nothing written.
 *
 * anonymize_run() returns the exit status: 0 pass, 1 a check failed (the report
 * says which), 2 usage or rules, 3 I/O. The report (JSON) is written when
 * asked, whatever the verdict; it never holds a personal value.
 */
#ifndef MUNI_ANONYMIZE_RUN_H
#define MUNI_ANONYMIZE_RUN_H

#include "base/buf.h"
#include "base/err.h"
#include "csv/csvin.h"

struct anonymize_run_options {
	struct csvin_options csv;
	const char *input;		/* a path, or "-" */
	const char *rules;		/* --rules FILE, or NULL with audit */
	const char *key_file;
	const char *report;		/* --report FILE, or NULL */
	int audit;
	const char *quasi;		/* --quasi A,B,C: over the rules' */
	long k;				/* 0: the rules', else 5 */
	long l;				/* 0: the rules' */
	const char *sensitive;		/* --sensitive A,B */
	int suppress;
	double max_suppressed;		/* share of quasi cells, 0..1 */
	int wildcards;			/* suppressed cells match any value */
	int out_fd;
	const char *tool;
	muni_note_fn *note;	/* the verdict, why */
	void *ctx;
};

int anonymize_run(const struct anonymize_run_options *o, struct muni_err *e);

/* Propose a rules file for the input (--scan), into out. */
int anonymize_run_scan(const struct anonymize_run_options *o, struct buf *out,
    struct muni_err *e);

#endif
