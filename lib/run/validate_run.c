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

/* The rejects file: the row as read, then its errors in one more column. */
static int
write_reject(struct outfile *rej, const struct record *rec,
    const struct verror *errs, size_t nerr, struct buf *tmp,
    struct field *fields, size_t width)
{
	size_t i, n = rec->nfields < width ? rec->nfields : width;
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
	for (i = 0; i < n; i++)
		fields[i] = rec->fields[i];
	for (; i < width; i++) {
		fields[i].ptr = "";
		fields[i].len = 0;
	}
	if (rec->nfields > width)
		return -2;	/* caller writes the wide row itself */
	fields[width].ptr = tmp->ptr;
	fields[width].len = tmp->len;
	return csvout_record(&rej->out, fields, width + 1);
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

static int
emit_report(const struct validate_run_options *o, struct report *r,
    const char *rows_line, struct muni_err *e)
{
	struct buf out;
	size_t i;
	int rc = 0;

	buf_init(&out, (size_t)1 << 30);
	if (o->format != VALIDATE_RUN_TEXT) {
		int rendered =
		    o->format == VALIDATE_RUN_JSON ? report_json(r, &out) :
		    o->format == VALIDATE_RUN_CSV ? report_csv(r, &out) :
		    o->format == VALIDATE_RUN_JUNIT ? report_junit(r, &out) :
		    o->format == VALIDATE_RUN_HTML ? report_html(r, &out) :
		    report_github(r, &out);

		if (rendered < 0) {
			err_set(e, MUNI_EXIT_IO, "cannot render the report");
			rc = -1;
			goto done;
		}
		if (o->report)
			rc = atomic_write_user(o->report, out.ptr, out.len, 0644, e);
		else if (o->quiet_data) {
			if (fd_write_full(o->out_fd, out.ptr, out.len) < 0) {
				err_sys(e, MUNI_EXIT_IO, errno,
				    "cannot write the report");
				rc = -1;
			}
		} else
			rc = validate_run_diag(o, &out, e);
		goto done;
	}
	/* Text: one line a warning and an error, and a summary. */
	for (i = 0; i < r->nerrors; i++) {
		if (!o->report)
			buf_addf(&out, "%s: ", o->prog);
		report_text_line(r, &r->errors[i], &out);
	}
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
	if (o->report)
		rc = atomic_write_user(o->report, out.ptr, out.len, 0644, e);
	else if (out.len)
		rc = validate_run_diag(o, &out, e);
done:
	buf_release(&out);
	return rc;
}

/* A warning of the reader (csvin) goes into the report. */
static void
warn_report(void *ctx, const char *msg)
{
	(void)report_warn(ctx, "%s", msg);
}

/*
 * The validation of one table into the report r (initialised by the
 * caller): everything validate_run() does but writing the report. Returns the
 * exit status; written and rejected count the rows passed on.
 */
static int
run_table(const struct validate_run_options *o, struct report *rp,
    unsigned long long *written_out, unsigned long long *rejected_out,
    struct muni_err *e)
{
	struct validator_options vopt;
	struct outfile rej;
	struct csvout out;
	struct report *const r = rp;
	struct record hdr, *pending = NULL;
	struct schema *s = NULL;
	struct validator *v = NULL;
	struct csvin *in = NULL;
	struct record *rec;
	struct field *wide = NULL;
	struct buf tmp;
	struct timespec t0, t1;
	unsigned long long written = 0, rejected = 0;
	size_t width = 0, i;
	int fd = -1, rc, status = MUNI_EXIT_OK, out_ok = 1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&rej, 0, sizeof(rej));
	memset(&hdr, 0, sizeof(hdr));
	buf_init(&tmp, (size_t)1 << 24);
	if (csvout_init(&out, o->out_fd) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot allocate the output");
		status = MUNI_EXIT_IO;
		goto end;
	}
	if (o->schema_text) {
		s = schema_parse(o->schema_text, o->schema_len, o->schema ?
		    o->schema : "schema", e);
		if (s == NULL) {
			status = e->status;
			goto end;
		}
	} else if (o->schema) {
		s = schema_load(o->schema, e);
		if (s == NULL) {
			status = e->status;
			goto end;
		}
	}
	memset(&vopt, 0, sizeof(vopt));
	vopt.schema_sync = o->schema_sync;
	vopt.regex_work = o->regex_work;
	v = validator_new(s, r, &vopt, e);
	if (v == NULL) {
		status = e->status;
		goto end;
	}
	if (s && load_references(o, s, v, e) < 0) {
		status = e->status;
		goto end;
	}
	/* A report that could not be written is known before any data. */
	if (o->report && atomic_check(o->report, e) < 0) {
		status = MUNI_EXIT_IO;
		goto end;
	}
	fd = open_input(o->input, e);
	if (fd < 0) {
		status = MUNI_EXIT_IO;
		goto end;
	}
	if (o->rejects && outfile_open(&rej, o->rejects, e) < 0) {
		status = MUNI_EXIT_IO;
		goto end;
	}
	{
		struct csvin_options copt = o->csv;

		copt.threads = 1;
		copt.warn = warn_report;
		copt.warn_ctx = r;
		in = csvin_new(fd, o->input, &copt, e);
	}
	if (in == NULL) {
		if (e->status != MUNI_EXIT_DATA) {
			status = e->status;
			goto end;
		}
		rc = -1;
		goto read_error;
	}
	rc = csvin_next(in, &rec, e);
	if (rc == 0) {
		struct verror err;

		memset(&err, 0, sizeof(err));
		err.code = ERR_SOURCE;
		err.message = (char *)_("the file is empty: a header row is "
		    "needed");
		err.note = (char *)"";
		if (report_wants(r, ERR_SOURCE))
			report_add(r, &err);
		goto finish;
	}
	if (rc > 0 && o->no_header && s) {
		/* The schema's names as the header; the record read is data. */
		hdr.fields = calloc(s->nfields + 1, sizeof(*hdr.fields));
		if (hdr.fields == NULL) {
			err_nomem(e);
			status = MUNI_EXIT_IO;
			goto end;
		}
		for (i = 0; i < s->nfields; i++) {
			hdr.fields[i].ptr = s->fields[i].name;
			hdr.fields[i].len = strlen(s->fields[i].name);
		}
		hdr.nfields = s->nfields;
		hdr.row = 0;
		hdr.line = 0;
		pending = rec;
		rec = &hdr;
	}
	if (rc > 0) {
		if (validator_header(v, rec, e) < 0) {
			status = e->status;
			goto end;
		}
		width = rec->nfields;
		wide = calloc(width + 2, sizeof(*wide));
		if (wide == NULL) {
			err_nomem(e);
			status = MUNI_EXIT_IO;
			goto end;
		}
		if (!o->quiet_data && csvout_record(&out, rec->fields,
		    rec->nfields) < 0)
			out_ok = 0;
		if (o->on_record && o->on_record(o->record_ctx, rec, e) < 0) {
			status = e->status;
			goto end;
		}
		if (o->rejects) {
			for (i = 0; i < width; i++)
				wide[i] = rec->fields[i];
			wide[width].ptr = "errors";
			wide[width].len = 6;
			csvout_record(&rej.out, wide, width + 1);
		}
		while (out_ok && (o->limit_rows == 0 || r->rows < o->limit_rows) &&
		    (pending ? (rec = pending, pending = NULL, rc = 1) :
		    (rc = csvin_next(in, &rec, e))) > 0) {
			const struct verror *errs;
			size_t nerr;

			if (validator_row(v, rec, e) < 0) {
				status = e->status;
				goto end;
			}
			errs = validator_row_errors(v, &nerr);
			if (nerr && report_keep_row(r, rec) < 0) {
				err_nomem(e);
				status = MUNI_EXIT_IO;
				goto end;
			}
			if (nerr && o->rejects) {
				int w = write_reject(&rej, rec, errs, nerr, &tmp,
				    wide, width);

				if (w == -2) {
					/* A row wider than the header. */
					struct field *f = malloc((rec->nfields + 1) *
					    sizeof(*f));

					if (f) {
						memcpy(f, rec->fields, rec->nfields *
						    sizeof(*f));
						f[rec->nfields].ptr = tmp.ptr;
						f[rec->nfields].len = tmp.len;
						csvout_record(&rej.out, f,
						    rec->nfields + 1);
						free(f);
					}
				}
				rejected++;
			}
			if (!o->quiet_data && (!o->valid_rows || nerr == 0)) {
				if (csvout_record(&out, rec->fields,
				    rec->nfields) < 0)
					out_ok = 0;
				written++;
				if (o->on_record && o->on_record(o->record_ctx,
				    rec, e) < 0) {
					status = e->status;
					goto end;
				}
			}
		}
		if (o->limit_rows && r->rows >= o->limit_rows)
			rc = 0;
	}
read_error:
	if (rc < 0) {
		struct verror err;

		if (e->status != MUNI_EXIT_DATA) {
			status = e->status;
			goto end;
		}
		memset(&err, 0, sizeof(err));
		err.code = e->code && strcmp(e->code, "encoding-error") == 0 ?
		    ERR_ENCODING : ERR_SOURCE;
		err.row = e->row;
		err.message = e->msg;
		err.note = e->msg;
		if (report_wants(r, err.code))
			report_add(r, &err);
		err_clear(e);
	}
finish:
	if (r->dropped)
		report_warn(r, _("reporting stopped at --limit-errors %llu: "
		    "there are more errors, not reported"),
		    (unsigned long long)o->limit_errors);
	if (csvout_flush(&out) < 0 || !out_ok) {
		err_sys(e, MUNI_EXIT_IO, out.errnum ? out.errnum : errno,
		    "cannot write to standard output");
		status = MUNI_EXIT_IO;
		goto end;
	}
	if (o->rejects && outfile_close(&rej, 1, e) < 0) {
		status = MUNI_EXIT_IO;
		goto end;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->seconds = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (getenv("MUNI_TEST_SECONDS"))
		r->seconds = 0;
	*written_out = written;
	*rejected_out = rejected;
	status = report_valid(r) ? MUNI_EXIT_OK : MUNI_EXIT_DATA;
end:
	if (rej.tmp)
		outfile_close(&rej, 0, e);
	csvin_free(in);
	if (fd > STDIN_FILENO)
		close(fd);
	validator_free(v);
	schema_free(s);
	free(hdr.fields);
	csvout_release(&out);
	buf_release(&tmp);
	free(wide);
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
