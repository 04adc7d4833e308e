/*
 * validate_run: one validation run from end to end, as muni-validate does it
 * and as muni-publish will: load the schema, read the reference tables of the
 * foreign keys, stream the input through the validator, pass the data on (all
 * rows, or the valid ones with the others set aside in a rejects file), and
 * write the report.
 *
 * Where things go: the data to out_fd; the report to the file named by
 * report (written whole, by rename), else for JSON to out_fd when the data
 * is not written, else to the tool's callback diag (standard error), where
 * text lines are prefixed with prog as every muni message is; a report
 * that cannot be written is status 3. Failures of set-up (schema,
 * options, files) are returned in e for the tool to print.
 *
 * validate_run() returns the exit status: 0 valid, 1 invalid, 2 usage or schema
 * error, 3 I/O error.
 */
#ifndef MUNI_VALIDATE_RUN_H
#define MUNI_VALIDATE_RUN_H

#include <stdio.h>

#include "base/err.h"
#include "csv/csvin.h"

enum validate_run_format {
	VALIDATE_RUN_TEXT,
	VALIDATE_RUN_JSON,
	VALIDATE_RUN_CSV,
	VALIDATE_RUN_JUNIT,
	VALIDATE_RUN_GITHUB,
	VALIDATE_RUN_HTML
};

/* The report format named name ("text", "json"...); -1 if none. */
int validate_run_format_parse(const char *name,
    enum validate_run_format *format);

#define VALIDATE_RUN_MAX_RESOURCES 32

struct validate_run_resource {
	char name[128];
	const char *path;
};

struct validate_run_options {
	struct csvin_options csv;
	const char *input;		/* path or "-" */
	const char *schema;		/* NULL: structure only */
	const char *schema_text;	/* a schema in memory, named schema */
	size_t schema_len;
	const char *report;
	const char *rejects;
	enum validate_run_format format;
	int quiet_data, valid_rows, schema_sync, summary;
	/*
	 * The file has no header row (a dialect's "header": false): the
	 * schema's field names stand for it, and the first row is data.
	 */
	int no_header;
	size_t limit_errors;			/* default 1000; 0: none */
	size_t limit_rows;			/* 0: all */
	size_t regex_work;			/* 0: VALIDATE_REGEX_WORK */
	/*
	 * Threads that check rows (beside the one that reads and the one
	 * that writes, in order); 0: validate_run_threads()'s choice. The
	 * report and the output are the same whatever the number.
	 */
	int threads;
	size_t html_rows;			/* rows shown by HTML, 50 */
	unsigned long pick, skip;
	struct validate_run_resource resources[VALIDATE_RUN_MAX_RESOURCES];
	size_t nresources;
	int out_fd;
	/*
	 * Called with every record written to out_fd, the header first
	 * (muni-publish counts, previews and indexes them); a failure stops
	 * the run with its error.
	 */
	int (*on_record)(void *ctx, const struct record *rec,
	    struct muni_err *e);
	void *record_ctx;
	/*
	 * The report meant for standard error, whole: -1 when it could not
	 * be written. NULL: it is not written.
	 */
	int (*diag)(void *ctx, const char *text, size_t len);
	void *diag_ctx;
	const char *prog;
};

void validate_run_options_init(struct validate_run_options *o);
struct buf;
/* out to the diag callback; -1 and status 3 in e when it is lost. */
int validate_run_diag(const struct validate_run_options *o,
    const struct buf *out, struct muni_err *e);
/* NAME=FILE from --resource. */
int validate_run_add_resource(struct validate_run_options *o, const char *arg,
    struct muni_err *e);
int validate_run(const struct validate_run_options *o, struct muni_err *e);

/*
 * One table validated into r without writing the report, for a package of
 * several (lib/run/package_check): validate_run_report_init() sets r up as
 * validate_run() would, named name (NULL: the input); the caller releases it.
 */
struct report;
void validate_run_report_init(const struct validate_run_options *o,
    struct report *r, const char *name);
int validate_run_table(const struct validate_run_options *o, struct report *r,
    struct muni_err *e);

/* Below this size, a regular file is checked in one thread. */
#define VALIDATE_RUN_SMALL ((long long)4 << 20)

/* The threads o's rows are checked in: o->threads, or the default. */
int validate_run_threads(const struct validate_run_options *o);

#endif
