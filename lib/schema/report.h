/*
 * report: the errors a validation finds, with frictionless' codes, tags
 * and positions, and their renderings: one text line an error for people,
 * a JSON report shaped as frictionless' (valid, stats, warnings, tasks with
 * errors) for programs. report.c keeps the errors and writes the text;
 * each other rendering has its file: report_json.c, report_csv.c,
 * report_junit.c, report_github.c, report_html.c.
 *
 * Positions: rowNumber counts records with the header as row 1 (0 for an
 * error of the header itself); fieldNumber is 1-based (0: the whole row).
 *
 * The report keeps at most `limit` errors (and counts them all by type);
 * report_add() says when the limit is reached so the caller can stop.
 * Errors may be picked or skipped by code or tag (#header, #row, #cell,
 * #structure, #table); a filtered-out error is neither kept nor counted.
 *
 * Ownership: the report owns copies of everything added to it.
 */
#ifndef MUNI_REPORT_H
#define MUNI_REPORT_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "csv/csvin.h"

enum error_code {
	ERR_BLANK_LABEL, ERR_DUPLICATE_LABEL, ERR_MISSING_LABEL,
	ERR_EXTRA_LABEL, ERR_INCORRECT_LABEL, ERR_BLANK_ROW, ERR_MISSING_CELL,
	ERR_EXTRA_CELL, ERR_TYPE, ERR_CONSTRAINT, ERR_UNIQUE, ERR_PRIMARY_KEY,
	ERR_FOREIGN_KEY, ERR_ENCODING, ERR_SOURCE, ERR_CHECK,
	/* Validata's custom checks. */
	ERR_FRENCH_SIRET, ERR_FRENCH_SIREN, ERR_ONE_OF_REQUIRED, ERR_COHESIVE,
	ERR_COMPARE, ERR_SUM, ERR_YEAR_INTERVAL, ERR_NOMENCLATURE, ERR_GPS,
	ERR_REVERSED_GPS, ERR_PHONE, ERR_OPENING_HOURS,
	/* A package's files and descriptor, a publication's catalogue. */
	ERR_BYTE_COUNT, ERR_HASH_COUNT, ERR_SCHEME, ERR_PACKAGE, ERR_CATALOG,
	ERR_NCODES
};

struct verror {
	enum error_code code;
	unsigned long long row;
	unsigned long long line;	/* physical line of the row, 1 for the header */
	size_t field;
	char *field_name;
	char *cell;		/* the cell's bytes, NULs included */
	size_t cell_len;	/* 0 with a cell: strlen(cell) */
	char *note;		/* frictionless' note */
	char *message;		/* in the steward's terms, hint included */
	char *hint;		/* the likely fix, or NULL */
};

/*
 * Where a rendering may write as it goes: when a report has a sink, the
 * renderers hand it what they have written each time it passes
 * REPORT_DRAIN bytes, and the caller writes what is left; without one
 * the rendering is built whole (a package's set of reports). write
 * returns -1 on failure, which is kept in failed.
 */
#define REPORT_DRAIN ((size_t)1 << 20)

struct report_sink {
	int (*write)(void *ctx, const void *p, size_t n);
	void *ctx;
	int failed;
};

/*
 * At most REPORT_HELD errors are held in memory; those after go to a
 * spool, a temporary file deleted as soon as it is made, so that a file
 * with an error in every row is reported in flat memory. Errors are read
 * back in order with report_iter, as many times and by as many iterators
 * at once as a rendering needs.
 */
#define REPORT_HELD 4096

struct report {
	char *file;			/* the input as named */
	struct verror *errors;		/* the first nheld errors kept */
	size_t nheld, cap;
	size_t nerrors;			/* every error kept, held or spooled */
	int spool;			/* the spool's descriptor, when open */
	int spool_open;
	unsigned long long spooled;	/* bytes written to it */
	struct buf spool_buf;		/* bytes not written to it yet */
	int spool_failed;
	struct report_sink *sink;	/* NULL: renderings built whole */
	unsigned long long counts[ERR_NCODES];
	unsigned long long total;
	size_t limit;			/* 0: no limit */
	int limit_reached;
	unsigned long long dropped;	/* errors past the limit, not kept */
	unsigned long pick;		/* bit per code; 0: all */
	unsigned long skip;
	char **warnings;
	size_t nwarnings;
	char **labels;
	size_t nlabels;
	/*
	 * What each field of the schema asks for, by name (pairs: name,
	 * text), for the HTML page's advice on type errors.
	 */
	char **expects;
	size_t nexpects;
	unsigned long long rows;	/* data rows read */
	size_t nfields;
	double seconds;
	/*
	 * Set for what is not a table: a package's descriptor, a
	 * publication's catalogue. In a set of reports, its errors and
	 * warnings are the package's, not a task's.
	 */
	int package;
	/* Rows with errors kept whole for the HTML page, at most sample_max. */
	struct report_row *sample;
	size_t nsample, sample_max;
};

struct report_row {
	unsigned long long row;
	char **cells;
	size_t *lens;		/* each cell's length, NULs included */
	size_t ncells;
};

void report_init(struct report *r, const char *file, size_t limit);
/* What the field named name asks for ("a date as DD/MM/YYYY ..."). */
int report_expect(struct report *r, const char *name, const char *text);
/* What report_expect() said the field asks for, or NULL. */
const char *report_expected(const struct report *r, const char *name);
void report_release(struct report *r);

/*
 * Parse a comma-separated list of codes and tags into a mask; -1 and a
 * message naming the unknown item in e.
 */
int report_parse_filter(const char *list, unsigned long *mask,
    struct muni_err *e);
/* Whether an error of this code passes the pick and skip filters. */
int report_wants(const struct report *r, enum error_code code);

/*
 * Keep a copy of the error; 1 when the limit is now reached (an error
 * past it is counted in dropped, not kept), -1 no memory.
 */
int report_add(struct report *r, const struct verror *err);
int report_warn(struct report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int report_set_labels(struct report *r, char **labels, size_t n);

int report_valid(const struct report *r);
/* The code's frictionless name ("type-error"), title and description. */
const char *error_code_name(enum error_code code);
const char *error_code_title(enum error_code code);
const char *error_code_description(enum error_code code);
/* The i-th of its frictionless tags ("#row"), NULL after the last. */
const char *error_code_tag(enum error_code code, size_t i);
int error_code_has_tag(enum error_code code, const char *tag);

/* "FILE:ROW: field 'F': message [code]", without the tool's name. */
int report_text_line(const struct report *r, const struct verror *err,
    struct buf *out);
/* "FILE: invalid: N errors in M rows (type-error 3, ...)" */
int report_text_summary(const struct report *r, struct buf *out);
/* Keep a copy of a row that has errors, for report_html (up to sample_max). */
int report_keep_row(struct report *r, const struct record *rec);
/*
 * One self-contained HTML page (no script, no network): the verdict, the
 * counts by error type, the errors grouped by column with how to fix each
 * kind, and the rows kept with their erroneous cells highlighted. Every
 * value from the data is escaped.
 */
int report_html(const struct report *r, struct buf *out);
/* One error a line: row,field,type,fieldName,cell,message. */
int report_csv(const struct report *r, struct buf *out);
/* JUnit XML: a testcase for each error type found (one passing testcase
 * when the file is valid), failures carrying rows and fields. */
int report_junit(const struct report *r, struct buf *out);
/* GitHub Actions annotations: "::error file=F,line=L,title=CODE::message". */
int report_github(const struct report *r, struct buf *out);
/* The whole report as frictionless-shaped JSON. */
int report_json(const struct report *r, struct buf *out);

/*
 * Several reports rendered as one, for a package or a publication: a task
 * (testsuite, section) for each table, the package reports' errors at the
 * top. With one table report, each renders as its single-report form.
 */
struct report_set {
	const struct report *const *r;
	size_t n;
};
int report_set_valid(const struct report_set *s);
int report_set_json(const struct report_set *s, struct buf *out);
int report_set_junit(const struct report_set *s, struct buf *out);
int report_set_html(const struct report_set *s, const char *title,
    struct buf *out);
int report_set_github(const struct report_set *s, struct buf *out);
/* As report_csv, with a first column "resource" naming the report. */
int report_set_csv(const struct report_set *s, struct buf *out);
/* Add an error of a package or a file, without row or field. */
int report_add_simple(struct report *r, enum error_code code,
    const char *message);

void verror_release(struct verror *err);

/*
 * The errors kept, in order: it = report_iter(r); while ((err =
 * report_next(&it)) != NULL) ...; report_iter_end(&it). An error given is
 * valid until the next call. it.failed is set when the spool cannot be
 * read back (the rendering must then fail).
 */
struct report_iter {
	const struct report *r;
	size_t i;			/* errors given */
	unsigned long long base;	/* spool offset of in's first byte */
	struct buf in;
	size_t pos;
	struct buf text;		/* cur's strings, NUL-terminated */
	struct verror cur;
	int failed;
};
struct report_iter report_iter(const struct report *r);
/* Hand out to r's sink when it holds REPORT_DRAIN bytes: 0, or -1. */
int report_drain(const struct report *r, struct buf *out);
const struct verror *report_next(struct report_iter *it);
void report_iter_end(struct report_iter *it);

#endif
