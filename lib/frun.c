#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "atomic.h"
#include "buf.h"
#include "csvout.h"
#include "digest.h"
#include "exitcode.h"
#include "fdio.h"
#include "frun.h"
#include "provenance.h"
#include "src_dbf.h"
#include "src_sqlite.h"
#include "banned.h"

/*
 * Copy prefix and the rest of fd into a new temporary file whose name goes
 * to path; hash and count the bytes on the way.
 */
static int
spool(int fd, const void *prefix, size_t n, struct digest *d,
    unsigned long long *bytes, char path[4096], struct muni_err *e)
{
	const char *dir = getenv("TMPDIR");
	char chunk[65536];
	ssize_t r;
	int out;

	snprintf(path, 4096, "%s/muni-fetch.XXXXXX", dir && *dir ? dir : "/tmp");
	out = mkstemp(path);
	if (out < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot create a temporary file");
		return -1;
	}
	*bytes = n;
	digest_update(d, prefix, n);
	if (fd_write_full(out, prefix, n) < 0)
		goto fail;
	while ((r = fd_read_full(fd, chunk, sizeof(chunk))) > 0) {
		digest_update(d, chunk, (size_t)r);
		*bytes += (unsigned long long)r;
		if (fd_write_full(out, chunk, (size_t)r) < 0)
			goto fail;
	}
	if (r < 0 || close(out) < 0) {
		out = -1;
		goto fail;
	}
	return 0;
fail:
	err_sys(e, MUNI_EXIT_IO, errno, "cannot copy the input to '%s'", path);
	if (out >= 0)
		close(out);
	unlink(path);
	return -1;
}

static int
write_provenance(const struct frun_options *o, struct provenance *p,
    struct digest *d, struct muni_err *e)
{
	struct buf json;
	char hex[65];
	int rc;

	if (digest_hex(d, hex) < 0) {
		err_set(e, MUNI_EXIT_INTERNAL, "cannot compute SHA-256 of '%s'",
		    o->input);
		return -1;
	}
	p->source = o->input;
	p->sha256 = hex;
	p->tool = o->tool;
	buf_init(&json, 1 << 20);
	rc = provenance_json(p, &json, e);
	if (rc == 0)
		rc = atomic_write(o->provenance, json.ptr, json.len, 0644, e);
	buf_release(&json);
	return rc;
}

/*
 * Every reader yields records the same way; one loop copies them to the
 * canonical writer. Returns the exit status, e saying why when not 0.
 */
typedef int (*next_fn)(void *reader, struct record **rec, struct muni_err *e);

static int
next_csv(void *reader, struct record **rec, struct muni_err *e)
{
	return csvin_next(reader, rec, e);
}

static int
next_sqlite(void *reader, struct record **rec, struct muni_err *e)
{
	return src_sqlite_next(reader, rec, e);
}

static int
next_dbf(void *reader, struct record **rec, struct muni_err *e)
{
	return src_dbf_next(reader, rec, e);
}

static int
copy_records(void *reader, next_fn next, struct csvout *out,
    struct muni_err *e)
{
	struct record *rec;
	int rc, status = MUNI_EXIT_OK;

	while ((rc = next(reader, &rec, e)) > 0)
		if (csvout_record(out, rec->fields, rec->nfields) < 0)
			break;
	if (rc < 0)
		status = e->status;
	if (csvout_flush(out) < 0) {
		err_sys(e, MUNI_EXIT_IO, out->errnum,
		    "cannot write to standard output");
		status = MUNI_EXIT_IO;
	}
	return status;
}

static int
copy_csv(const struct frun_options *o, int fd, const void *prefix, size_t n,
    struct digest *d, struct csvout *out, struct muni_err *e)
{
	struct csvin_options copt = o->csv;
	struct provenance p;
	struct csvin *in;
	int status;

	copt.prefix = prefix;
	copt.nprefix = n;
	if (o->provenance) {
		copt.raw_hook = digest_hook;
		copt.raw_ctx = d;
	}
	in = csvin_new(fd, o->input, &copt, e);
	if (in == NULL)
		return e->status;
	status = copy_records(in, next_csv, out, e);
	if (status == MUNI_EXIT_OK && o->provenance) {
		memset(&p, 0, sizeof(p));
		p.format = "csv";
		p.bytes = csvin_raw_bytes(in);
		p.compression = csvin_compression(in);
		p.encoding = csvin_encoding(in);
		p.bom = csvin_bom(in);
		p.delimiter = csvin_delimiter(in);
		p.line_ends = csvin_line_ends(in);
		p.records = csvin_rows(in);
		if (write_provenance(o, &p, d, e) < 0)
			status = e->status;
	}
	csvin_free(in);
	return status;
}

static int
copy_sqlite(const struct frun_options *o, const char *path,
    unsigned long long bytes, struct digest *d, struct csvout *out,
    struct muni_err *e)
{
	struct sqlite_src *s;
	struct provenance p;
	struct buf list;
	int rc, status = MUNI_EXIT_OK;

	if (o->list) {
		buf_init(&list, 1 << 20);
		rc = src_sqlite_list(path, &list, e);
		if (rc == 0 && csvout_write(out, list.ptr, list.len) < 0)
			rc = -1;
		buf_release(&list);
		if (rc < 0)
			return e->status ? e->status : MUNI_EXIT_IO;
	} else {
		s = src_sqlite_open(path, o->table, o->query, e);
		if (s == NULL)
			return e->status;
		status = copy_records(s, next_sqlite, out, e);
		memset(&p, 0, sizeof(p));
		p.records = src_sqlite_rows(s) + 1;
		src_sqlite_free(s);
		if (status == MUNI_EXIT_OK && o->provenance) {
			p.format = "sqlite";
			p.bytes = bytes;
			p.compression = "none";
			p.encoding = "UTF-8";
			p.delimiter = 0;
			p.line_ends = "none";
			if (write_provenance(o, &p, d, e) < 0)
				return e->status;
		}
	}
	if (o->list && csvout_flush(out) < 0) {
		err_sys(e, MUNI_EXIT_IO, out->errnum,
		    "cannot write to standard output");
		return MUNI_EXIT_IO;
	}
	return status;
}

/* The encoding a .cpg file beside path.dbf names, or NULL. */
static const char *
cpg_encoding(const char *path, char out[64])
{
	size_t n = strlen(path), k;
	char cpg[4096];
	FILE *f;

	if (n < 4 || n >= sizeof(cpg) || strcasecmp(path + n - 4, ".dbf"))
		return NULL;
	memcpy(cpg, path, n - 4);
	memcpy(cpg + n - 4, path[n - 1] == 'F' ? ".CPG" : ".cpg", 5);
	f = fopen(cpg, "r");
	if (f == NULL)
		return NULL;
	if (fgets(out, 64, f) == NULL)
		out[0] = '\0';
	fclose(f);
	k = strcspn(out, "\r\n");
	out[k] = '\0';
	if (strcasecmp(out, "UTF-8") == 0 || strcasecmp(out, "UTF8") == 0)
		return "UTF-8";
	if (strcmp(out, "1252") == 0 || strcasecmp(out, "ANSI 1252") == 0)
		return "WINDOWS-1252";
	if (strcmp(out, "88591") == 0)
		return "ISO-8859-1";
	return out[0] ? out : NULL;
}

static int
copy_dbf(const struct frun_options *o, int fd, const void *prefix, size_t n,
    struct digest *d, struct csvout *out, struct muni_err *e)
{
	char cpg[64];
	const char *enc = o->csv.encoding;
	struct provenance p;
	struct dbf_src *s;
	int status;

	if (enc == NULL && strcmp(o->input, "-") != 0)
		enc = cpg_encoding(o->input, cpg);
	s = src_dbf_open(fd, o->input, prefix, n, enc,
	    o->provenance ? digest_hook : NULL, d, e);
	if (s == NULL)
		return e->status;
	status = copy_records(s, next_dbf, out, e);
	if (status == MUNI_EXIT_OK && o->provenance) {
		memset(&p, 0, sizeof(p));
		p.format = "dbf";
		p.bytes = src_dbf_bytes(s);
		p.compression = "none";
		p.encoding = src_dbf_encoding(s);
		p.line_ends = "none";
		p.records = src_dbf_records(s);
		if (write_provenance(o, &p, d, e) < 0)
			status = e->status;
	}
	src_dbf_free(s);
	return status;
}

/* Hash a whole file (a SQLite database read from a path). */
static int
hash_file(const char *path, struct digest *d, unsigned long long *bytes,
    struct muni_err *e)
{
	char chunk[65536];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot open '%s'", path);
		return -1;
	}
	*bytes = 0;
	while ((r = fd_read_full(fd, chunk, sizeof(chunk))) > 0) {
		digest_update(d, chunk, (size_t)r);
		*bytes += (unsigned long long)r;
	}
	close(fd);
	if (r < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'", path);
		return -1;
	}
	return 0;
}

int
frun(const struct frun_options *o, struct muni_err *e)
{
	unsigned char prefix[32];
	char tmp[4096] = "";
	unsigned long long bytes = 0;
	enum frun_format format = o->format;
	struct csvout out;
	struct digest d;
	ssize_t n;
	int fd, status;

	err_clear(e);
	fd = strcmp(o->input, "-") == 0 ? STDIN_FILENO :
	    open(o->input, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot open '%s'", o->input);
		return MUNI_EXIT_IO;
	}
	if (digest_init(&d) < 0 || csvout_init(&out, o->out_fd) < 0) {
		err_set(e, MUNI_EXIT_INTERNAL, "cannot initialise the reader");
		status = MUNI_EXIT_INTERNAL;
		goto end;
	}
	n = fd_read_full(fd, prefix, sizeof(prefix));
	if (n < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'", o->input);
		status = MUNI_EXIT_IO;
		goto end;
	}
	if (format == FRUN_AUTO)
		format = src_sqlite_is(prefix, (size_t)n) ? FRUN_SQLITE :
		    src_dbf_is(prefix, (size_t)n) ? FRUN_DBF : FRUN_CSV;
	if (format != FRUN_SQLITE && (o->table || o->query || o->list)) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' is not a SQLite database: "
		    "--table, --query and --list are for one", o->input);
		status = MUNI_EXIT_USAGE;
		goto end;
	}
	if (format == FRUN_CSV) {
		status = copy_csv(o, fd, prefix, (size_t)n, &d, &out, e);
		goto end;
	}
	if (format == FRUN_DBF) {
		status = copy_dbf(o, fd, prefix, (size_t)n, &d, &out, e);
		goto end;
	}
	if (fd == STDIN_FILENO) {
		if (spool(fd, prefix, (size_t)n, &d, &bytes, tmp, e) < 0) {
			status = e->status;
			goto end;
		}
	} else if (o->provenance && hash_file(o->input, &d, &bytes, e) < 0) {
		status = e->status;
		goto end;
	}
	status = copy_sqlite(o, tmp[0] ? tmp : o->input, bytes, &d, &out, e);
end:
	if (tmp[0])
		unlink(tmp);
	if (fd != STDIN_FILENO)
		close(fd);
	digest_release(&d);
	csvout_release(&out);
	return status;
}
