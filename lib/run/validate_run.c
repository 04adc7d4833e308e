#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/atomic.h"
#include "base/buf.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "base/i18n.h"
#include "base/outfile.h"
#include "base/text.h"
#include "csv/csvout.h"
#include "csv/rowpool.h"
#include "run/validate_run.h"
#include "schema/report.h"
#include "schema/schema.h"
#include "schema/validator.h"
#include "base/banned.h"

int
validate_run_format_parse(const char *name, enum validate_run_format *format)
{
	static const char *const names[] = {
		[VALIDATE_RUN_TEXT] = "text", [VALIDATE_RUN_JSON] = "json",
		[VALIDATE_RUN_CSV] = "csv", [VALIDATE_RUN_JUNIT] = "junit",
		[VALIDATE_RUN_GITHUB] = "github", [VALIDATE_RUN_HTML] = "html",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0) {
			*format = (enum validate_run_format)i;
			return 0;
		}
	return -1;
}

void
validate_run_options_init(struct validate_run_options *o)
{
	memset(o, 0, sizeof(*o));
	o->limit_errors = 1000;
	o->html_rows = 50;
	o->out_fd = STDOUT_FILENO;
	o->prog = "muni-validate";
	o->input = "-";
}

int
validate_run_add_resource(struct validate_run_options *o, const char *arg,
    struct muni_err *e)
{
	const char *eq = strchr(arg, '=');
	struct validate_run_resource *r;

	if (eq == NULL || eq == arg || eq[1] == '\0' ||
	    (size_t)(eq - arg) >= sizeof(r->name)) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' is not NAME=FILE", arg);
		return -1;
	}
	if (o->nresources == VALIDATE_RUN_MAX_RESOURCES) {
		err_set(e, MUNI_EXIT_USAGE, "more than %d resources",
		    VALIDATE_RUN_MAX_RESOURCES);
		return -1;
	}
	r = &o->resources[o->nresources++];
	snprintf(r->name, sizeof(r->name), "%.*s", (int)(eq - arg), arg);
	r->path = eq + 1;
	return 0;
}


static int
open_input(const char *path, struct muni_err *e)
{
	int fd;

	if (strcmp(path, "-") == 0)
		return STDIN_FILENO;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		err_sys(e, MUNI_EXIT_IO, errno, "cannot open '%s'", path);
	return fd;
}

/* Read the tables the schema's foreign keys point to. */
static int
load_references(const struct validate_run_options *o, const struct schema *s,
    struct validator *v, struct muni_err *e)
{
	size_t k, r;

	for (k = 0; k < s->nfk; k++) {
		const char *res = s->fks[k].resource, *path = NULL;
		struct csvin_options copt = o->csv;
		struct csvin *in;
		size_t j;
		int fd, rc;

		/* Each resource is read once, for all its foreign keys. */
		for (j = 0; j < k; j++)
			if (strcmp(s->fks[j].resource, res) == 0)
				break;
		if (j < k)
			continue;
		if (res[0] == '\0') {
			if (strcmp(o->input, "-") == 0) {
				err_set(e, MUNI_EXIT_USAGE, "a foreign key to "
				    "the same table needs the input as a file, "
				    "not standard input");
				return -1;
			}
			path = o->input;
		}
		for (r = 0; r < o->nresources && path == NULL; r++)
			if (strcmp(o->resources[r].name, res) == 0)
				path = o->resources[r].path;
		if (path == NULL) {
			err_set(e, MUNI_EXIT_USAGE, "a foreign key points to "
			    "the resource '%s': give its file with "
			    "--resource %s=FILE", res, res);
			return -1;
		}
		fd = open_input(path, e);
		if (fd < 0)
			return -1;
		copt.raw_hook = NULL;
		in = csvin_new(fd, path, &copt, e);
		rc = in ? validator_add_reference(v, res, in, e) : -1;
		csvin_free(in);
		close(fd);
		if (rc < 0) {
			if (e->status == MUNI_EXIT_DATA)
				e->status = MUNI_EXIT_USAGE;
			return -1;
		}
	}
	return 0;
}

/*
 * The rejects file: the row as read, then its errors in one more column
 * (after the header's width, or after the row's own fields when it is
 * wider). -1 when out of memory; a failed write is the file's, reported
 * when it is closed.
 */
static int
write_reject(struct outfile *rej, const struct record *rec,
    const struct verror *errs, size_t nerr, struct buf *tmp,
    struct field *fields, size_t width)
{
	size_t i, n = rec->nfields < width ? rec->nfields : width;
	struct field *wide;
	struct buf raw;
	int rc;

	/* The message of each error, after its code and field. */
	buf_init(&raw, tmp->max);
	for (i = 0; i < nerr; i++) {
		if (i)
			buf_addstr(&raw, "; ");
		if (errs[i].field_name && errs[i].field_name[0])
			buf_addf(&raw, "%s: ", errs[i].field_name);
		buf_addf(&raw, "%s [%s]", errs[i].message,
		    error_code_name(errs[i].code));
	}
	/* The reason may be opened in a spreadsheet: no formula. */
	buf_reset(tmp);
	rc = text_cell(tmp, raw.ptr, raw.len);
	buf_release(&raw);
	if (rc < 0)
		return -1;
	if (rec->nfields > width) {
		wide = malloc((rec->nfields + 1) * sizeof(*wide));
		if (wide == NULL)
			return -1;
		memcpy(wide, rec->fields, rec->nfields * sizeof(*wide));
		wide[rec->nfields].ptr = tmp->ptr;
		wide[rec->nfields].len = tmp->len;
		(void)csvout_record(&rej->out, wide, rec->nfields + 1);
		free(wide);
		return 0;
	}
	for (i = 0; i < n; i++)
		fields[i] = rec->fields[i];
	for (; i < width; i++) {
		fields[i].ptr = "";
		fields[i].len = 0;
	}
	fields[width].ptr = tmp->ptr;
	fields[width].len = tmp->len;
	(void)csvout_record(&rej->out, fields, width + 1);
	return 0;
}

/* The report to the tool's standard error; -1 and e when it is lost. */
int
validate_run_diag(const struct validate_run_options *o, const struct buf *out,
    struct muni_err *e)
{
	if (o->diag == NULL || o->diag(o->diag_ctx, out->ptr, out->len) == 0)
		return 0;
	err_sys(e, MUNI_EXIT_IO, errno, "cannot write the report to standard "
	    "error");
	return -1;
}

/* Where the report goes: --report's file, standard output or error. */
struct report_dest {
	const struct validate_run_options *o;
	struct outfile file;
	int to_file;
	int errnum;
};

static int
dest_write(void *ctx, const void *p, size_t n)
{
	struct report_dest *d = ctx;
	const struct validate_run_options *o = d->o;
	int rc = 0;

	if (d->to_file)
		rc = fd_write_full(d->file.fd, p, n);
	else if (o->quiet_data && o->format != VALIDATE_RUN_TEXT)
		rc = fd_write_full(o->out_fd, p, n);
	else if (o->diag)
		rc = o->diag(o->diag_ctx, p, n) == 0 ? 0 : -1;
	if (rc < 0)
		d->errnum = errno;
	return rc;
}

/*
 * The report, written as it is rendered (the errors come back from the
 * report's spool): memory stays flat however many errors there are.
 */
static int
emit_report(const struct validate_run_options *o, struct report *r,
    const char *rows_line, struct muni_err *e)
{
	struct report_dest d;
	struct report_sink sink = { dest_write, NULL, 0 };
	struct report_iter it;
	const struct verror *err;
	struct buf out;
	size_t i;
	int rc = 0;

	memset(&d, 0, sizeof(d));
	d.o = o;
	sink.ctx = &d;
	if (o->report) {
		if (outfile_open(&d.file, o->report, e) < 0)
			return -1;
		d.to_file = 1;
	}
	r->sink = &sink;
	buf_init(&out, (size_t)1 << 30);
	if (o->format != VALIDATE_RUN_TEXT) {
		rc = o->format == VALIDATE_RUN_JSON ? report_json(r, &out) :
		    o->format == VALIDATE_RUN_CSV ? report_csv(r, &out) :
		    o->format == VALIDATE_RUN_JUNIT ? report_junit(r, &out) :
		    o->format == VALIDATE_RUN_HTML ? report_html(r, &out) :
		    report_github(r, &out);
	} else {
		/* One line a warning and an error, and a summary. */
		it = report_iter(r);
		while ((err = report_next(&it)) != NULL && !sink.failed) {
			if (!o->report)
				buf_addf(&out, "%s: ", o->prog);
			report_text_line(r, err, &out);
			report_drain(r, &out);
		}
		rc = it.failed ? -1 : 0;
		report_iter_end(&it);
		for (i = 0; i < r->nwarnings; i++) {
			if (!o->report)
				buf_addf(&out, "%s: ", o->prog);
			buf_addf(&out, _("warning: %s\n"), r->warnings[i]);
		}
		if (!report_valid(r) || o->summary) {
			if (!o->report)
				buf_addf(&out, "%s: ", o->prog);
			report_text_summary(r, &out);
		}
		if (o->summary) {
			if (!o->report)
				buf_addf(&out, "%s: ", o->prog);
			buf_addstr(&out, rows_line);
		}
	}
	if (!sink.failed && rc == 0 && out.len && dest_write(&d, out.ptr,
	    out.len) < 0)
		sink.failed = 1;
	r->sink = NULL;
	if (sink.failed) {
		if (o->report)
			err_sys(e, MUNI_EXIT_IO, d.errnum, "cannot write '%s'",
			    o->report);
		else
			err_sys(e, MUNI_EXIT_IO, d.errnum, "cannot write the "
			    "report to standard %s", o->quiet_data &&
			    o->format != VALIDATE_RUN_TEXT ? "output" : "error");
		rc = -1;
	} else if (rc < 0)
		err_set(e, MUNI_EXIT_IO, "cannot render the report (its "
		    "spool in TMPDIR cannot be written or read back)");
	if (d.to_file && outfile_close(&d.file, rc == 0, e) < 0)
		rc = -1;
	buf_release(&out);
	return rc;
}

/* A warning of the reader (csvin) goes into the report. */
static void
warn_report(void *ctx, const char *msg)
{
	(void)report_warn(ctx, "%s", msg);
}

/* One table's validation: what run_table() opens, reads and writes. */
struct table {
	const struct validate_run_options *o;
	struct report *r;
	struct schema *s;
	struct validator *v;
	int fd;
	struct csvin *in;		/* NULL: the input cannot be read */
	struct csvout out;		/* the data passed on */
	int out_ok;
	struct outfile rej;		/* the rejects file, if any */
	struct field *wide;		/* a rejected row and its errors */
	size_t width;			/* the header's */
	struct buf tmp;
	struct record hdr;		/* --no-header: the schema's names */
	unsigned long long written, rejected;
};

/*
 * Load the schema and references, check the report can be written, open
 * the input and the rejects file: the exit status. t->in stays NULL, with
 * the data error in e, when the input is not CSV the reader can read.
 */
static int
table_open(struct table *t, struct muni_err *e)
{
	const struct validate_run_options *o = t->o;
	struct validator_options vopt;
	struct csvin_options copt = o->csv;

	if (csvout_init(&t->out, o->out_fd) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot allocate the output");
		return MUNI_EXIT_IO;
	}
	if (o->schema_text)
		t->s = schema_parse(o->schema_text, o->schema_len, o->schema ?
		    o->schema : "schema", e);
	else if (o->schema)
		t->s = schema_load(o->schema, e);
	if ((o->schema_text || o->schema) && t->s == NULL)
		return e->status;
	memset(&vopt, 0, sizeof(vopt));
	vopt.schema_sync = o->schema_sync;
	vopt.regex_work = o->regex_work;
	t->v = validator_new(t->s, t->r, &vopt, e);
	if (t->v == NULL)
		return e->status;
	if (t->s && load_references(o, t->s, t->v, e) < 0)
		return e->status;
	/* A report that could not be written is known before any data. */
	if (o->report && atomic_check(o->report, e) < 0)
		return MUNI_EXIT_IO;
	t->fd = open_input(o->input, e);
	if (t->fd < 0)
		return MUNI_EXIT_IO;
	if (o->rejects && outfile_open(&t->rej, o->rejects, e) < 0)
		return MUNI_EXIT_IO;
	copt.threads = 1;
	copt.warn = warn_report;
	copt.warn_ctx = t->r;
	t->in = csvin_new(t->fd, o->input, &copt, e);
	if (t->in == NULL && e->status != MUNI_EXIT_DATA)
		return e->status;
	return MUNI_EXIT_OK;
}

/* --no-header: the schema's field names as the header row. */
static int
schema_header(struct table *t, struct muni_err *e)
{
	size_t i;

	t->hdr.fields = calloc(t->s->nfields + 1, sizeof(*t->hdr.fields));
	if (t->hdr.fields == NULL) {
		err_nomem(e);
		return MUNI_EXIT_IO;
	}
	for (i = 0; i < t->s->nfields; i++) {
		t->hdr.fields[i].ptr = t->s->fields[i].name;
		t->hdr.fields[i].len = strlen(t->s->fields[i].name);
	}
	t->hdr.nfields = t->s->nfields;
	return MUNI_EXIT_OK;
}

/* The header: checked, passed on, and the rejects file's: the status. */
static int
table_header(struct table *t, const struct record *rec, struct muni_err *e)
{
	const struct validate_run_options *o = t->o;
	size_t i;

	if (validator_header(t->v, rec, e) < 0)
		return e->status;
	t->width = rec->nfields;
	t->wide = calloc(t->width + 2, sizeof(*t->wide));
	if (t->wide == NULL) {
		err_nomem(e);
		return MUNI_EXIT_IO;
	}
	if (!o->quiet_data && csvout_record(&t->out, rec->fields,
	    rec->nfields) < 0)
		t->out_ok = 0;
	if (o->on_record && o->on_record(o->record_ctx, rec, e) < 0)
		return e->status;
	if (o->rejects) {
		for (i = 0; i < t->width; i++)
			t->wide[i] = rec->fields[i];
		t->wide[t->width].ptr = "errors";
		t->wide[t->width].len = 6;
		(void)csvout_record(&t->rej.out, t->wide, t->width + 1);
	}
	return MUNI_EXIT_OK;
}

/* A data row checked: passed on or rejected; the status. */
static int
table_pass(struct table *t, const struct record *rec, struct muni_err *e)
{
	const struct validate_run_options *o = t->o;
	const struct verror *errs;
	size_t nerr;

	errs = validator_row_errors(t->v, &nerr);
	if (nerr && report_keep_row(t->r, rec) < 0) {
		err_nomem(e);
		return MUNI_EXIT_IO;
	}
	if (nerr && o->rejects) {
		if (write_reject(&t->rej, rec, errs, nerr, &t->tmp, t->wide,
		    t->width) < 0) {
			err_set(e, MUNI_EXIT_IO, "row %llu: its errors are too "
			    "large for the rejects file", rec->row);
			return MUNI_EXIT_IO;
		}
		t->rejected++;
	}
	if (o->quiet_data || (o->valid_rows && nerr))
		return MUNI_EXIT_OK;
	if (csvout_record(&t->out, rec->fields, rec->nfields) < 0)
		t->out_ok = 0;
	t->written++;
	if (o->on_record && o->on_record(o->record_ctx, rec, e) < 0)
		return e->status;
	return MUNI_EXIT_OK;
}

/* ---- rows checked in threads (rowpool), committed in order ---- */

/* A batch's checks: the items of its rows, row i's from mark[i]. */
struct checked {
	struct vwork *w;
	size_t *mark;
	size_t cap;
};

static void *
checked_new(void *ctx)
{
	struct table *t = ctx;
	struct checked *c = calloc(1, sizeof(*c));

	if (c && (c->w = validator_work_new(t->v)) == NULL) {
		free(c);
		c = NULL;
	}
	return c;
}

static void
checked_free(void *ctx, void *state)
{
	struct checked *c = state;

	(void)ctx;
	validator_work_free(c->w);
	free(c->mark);
	free(c);
}

static void
check_batch(void *ctx, struct rowbatch *b)
{
	struct table *t = ctx;
	struct checked *c = b->state;
	size_t i;

	if (c->cap < b->nrecs + 1) {
		free(c->mark);
		c->cap = 0;
		c->mark = malloc((b->nrecs + 1) * sizeof(*c->mark));
		if (c->mark == NULL)
			return;		/* commit_batch() says so */
		c->cap = b->nrecs + 1;
	}
	for (i = 0; i < b->nrecs; i++) {
		c->mark[i] = validator_work_items(c->w);
		(void)validator_check(t->v, c->w, &b->recs[i]);
	}
	c->mark[i] = validator_work_items(c->w);
}

static int
commit_batch(void *ctx, struct rowbatch *b, struct muni_err *e)
{
	struct table *t = ctx;
	struct checked *c = b->state;
	size_t i;
	int status = MUNI_EXIT_OK;

	if (c->cap < b->nrecs + 1) {
		err_nomem(e);
		return -1;
	}
	for (i = 0; i < b->nrecs && status == MUNI_EXIT_OK; i++) {
		if (validator_commit(t->v, c->w, c->mark[i], c->mark[i + 1],
		    &b->recs[i], e) < 0)
			status = e->status;
		else
			status = table_pass(t, &b->recs[i], e);
	}
	validator_work_reset(c->w);
	if (status != MUNI_EXIT_OK)
		return -1;
	return t->out_ok ? 0 : 1;
}

static const struct rowpool_ops check_ops = {
	checked_new, checked_free, check_batch, commit_batch
};

/* A data row: checked, then passed on or rejected; the status. */
static int
table_row(struct table *t, const struct record *rec, struct muni_err *e)
{
	if (validator_row(t->v, rec, e) < 0)
		return e->status;
	return table_pass(t, rec, e);
}

int
validate_run_threads(const struct validate_run_options *o)
{
	struct stat st;
	int env = rowpool_env("MUNI_THREADS", ROWPOOL_MAX_THREADS);

	if (o->threads > 0)
		return o->threads;
	if (env)
		return env;
	/* A small file is read before threads would have started. */
	if (o->input && strcmp(o->input, "-") != 0 && stat(o->input,
	    &st) == 0 && S_ISREG(st.st_mode) && st.st_size <
	    VALIDATE_RUN_SMALL)
		return 1;
	return rowpool_default_threads();
}

/* An input that has no row at all, not even a header: a source error. */
static void
note_empty(struct report *r)
{
	struct verror err;

	memset(&err, 0, sizeof(err));
	err.code = ERR_SOURCE;
	err.message = (char *)_("the file is empty: a header row is needed");
	err.note = (char *)"";
	if (report_wants(r, ERR_SOURCE))
		report_add(r, &err);
}

/*
 * The reader stopped at an error: a data error (bad encoding, a quote
 * never closed...) goes into the report and clears e (0); any other is
 * the run's (its status).
 */
static int
note_read_error(struct report *r, struct muni_err *e)
{
	struct verror err;

	if (e->status != MUNI_EXIT_DATA)
		return e->status;
	memset(&err, 0, sizeof(err));
	err.code = e->code && strcmp(e->code, "encoding-error") == 0 ?
	    ERR_ENCODING : ERR_SOURCE;
	err.row = e->row;
	err.message = e->msg;
	err.note = e->msg;
	if (report_wants(r, err.code))
		report_add(r, &err);
	err_clear(e);
	return MUNI_EXIT_OK;
}

/* Flush what was written and close the rejects file: the status. */
static int
table_finish(struct table *t, struct muni_err *e)
{
	if (csvout_flush(&t->out) < 0 || !t->out_ok) {
		err_sys(e, MUNI_EXIT_IO, t->out.errnum ? t->out.errnum : errno,
		    "cannot write to standard output");
		return MUNI_EXIT_IO;
	}
	if (t->o->rejects && outfile_close(&t->rej, 1, e) < 0)
		return MUNI_EXIT_IO;
	return MUNI_EXIT_OK;
}

static void
table_release(struct table *t, struct muni_err *e)
{
	if (t->rej.tmp)
		outfile_close(&t->rej, 0, e);
	csvin_free(t->in);
	if (t->fd > STDIN_FILENO)
		close(t->fd);
	validator_free(t->v);
	schema_free(t->s);
	free(t->hdr.fields);
	csvout_release(&t->out);
	buf_release(&t->tmp);
	free(t->wide);
}

/*
 * The validation of one table into the report r (initialised by the
 * caller): everything validate_run() does but writing the report. Returns the
 * exit status; written and rejected count the rows passed on.
 */
static int
run_table(const struct validate_run_options *o, struct report *r,
    unsigned long long *written_out, unsigned long long *rejected_out,
    struct muni_err *e)
{
	struct table t;
	struct record *rec, *pending = NULL;
	struct timespec t0, t1;
	int rc, status, threads = validate_run_threads(o);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&t, 0, sizeof(t));
	t.o = o;
	t.r = r;
	t.fd = -1;
	t.out_ok = 1;
	buf_init(&t.tmp, (size_t)1 << 24);
	if ((status = table_open(&t, e)) != MUNI_EXIT_OK)
		goto end;
	rc = t.in ? csvin_next(t.in, &rec, e) : -1;
	if (rc == 0)
		note_empty(r);
	if (rc > 0 && o->no_header && t.s) {
		/* The record read is data. */
		if ((status = schema_header(&t, e)) != MUNI_EXIT_OK)
			goto end;
		pending = rec;
		rec = &t.hdr;
	}
	if (rc > 0) {
		if ((status = table_header(&t, rec, e)) != MUNI_EXIT_OK)
			goto end;
		if (threads > 1) {
			rc = rowpool_run(t.in, pending, o->limit_rows,
			    threads, &check_ops, &t, e);
			if (rc < 0 && e->status != MUNI_EXIT_DATA) {
				status = e->status;
				goto end;
			}
		} else {
			while (t.out_ok && (o->limit_rows == 0 ||
			    r->rows < o->limit_rows) && (pending ? (rec =
			    pending, pending = NULL, rc = 1) :
			    (rc = csvin_next(t.in, &rec, e))) > 0)
				if ((status = table_row(&t, rec, e)) !=
				    MUNI_EXIT_OK)
					goto end;
			if (o->limit_rows && r->rows >= o->limit_rows)
				rc = 0;
		}
	}
	if (rc < 0 && (status = note_read_error(r, e)) != MUNI_EXIT_OK)
		goto end;
	if (r->dropped)
		report_warn(r, _("reporting stopped at --limit-errors %llu: "
		    "there are more errors, not reported"),
		    (unsigned long long)o->limit_errors);
	if ((status = table_finish(&t, e)) != MUNI_EXIT_OK)
		goto end;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->seconds = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (getenv("MUNI_TEST_SECONDS"))
		r->seconds = 0;
	*written_out = t.written;
	*rejected_out = t.rejected;
	status = report_valid(r) ? MUNI_EXIT_OK : MUNI_EXIT_DATA;
end:
	table_release(&t, e);
	return status;
}

void
validate_run_report_init(const struct validate_run_options *o, struct report *r,
    const char *name)
{
	report_init(r, name ? name : o->input, o->limit_errors);
	r->pick = o->pick;
	r->skip = o->skip;
	r->sample_max = o->format == VALIDATE_RUN_HTML ? o->html_rows : 0;
}

int
validate_run_table(const struct validate_run_options *o, struct report *r,
    struct muni_err *e)
{
	unsigned long long written = 0, rejected = 0;

	return run_table(o, r, &written, &rejected, e);
}

int
validate_run(const struct validate_run_options *o, struct muni_err *e)
{
	unsigned long long written = 0, rejected = 0;
	struct report r;
	int status;

	validate_run_report_init(o, &r, NULL);
	status = run_table(o, &r, &written, &rejected, e);
	if (status == MUNI_EXIT_OK || status == MUNI_EXIT_DATA) {
		char rows_line[160];

		snprintf(rows_line, sizeof(rows_line), _("rows: %llu read, %llu "
		    "written, %llu rejected\n"), r.rows, written, rejected);
		if (emit_report(o, &r, rows_line, e) < 0)
			status = MUNI_EXIT_IO;
	}
	report_release(&r);
	return status;
}
