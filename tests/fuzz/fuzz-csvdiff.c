/*
 * Differential libFuzzer target for the record reader: the input, mapped
 * onto the alphabet , ; " CR LF space a e-acute, is split into records by
 * csvin and by a small reference automaton written here from the rules of
 * muni(7) ("Reading CSV": RFC 4180 read as Python's csv module reads it,
 * a quoted field open at the end an error). Any difference aborts, so the
 * fuzzer reports it with the input. The first byte picks the delimiter
 * (',' or ';') and whether the reader has a thread of its own.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/buf.h"
#include "csv/csvin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The reference's records: each a count, then each field's length and bytes. */
struct ref {
	struct buf out;
	struct buf field;
	size_t nfields;
	struct buf fields;	/* the fields of the record being read */
};

static void
save_field(struct ref *r)
{
	size_t n = r->field.len;

	buf_add(&r->fields, &n, sizeof(n));
	buf_add(&r->fields, r->field.ptr, r->field.len);
	buf_reset(&r->field);
	r->nfields++;
}

static void
save_record(struct ref *r)
{
	buf_add(&r->out, &r->nfields, sizeof(r->nfields));
	buf_add(&r->out, r->fields.ptr, r->fields.len);
	buf_reset(&r->fields);
	r->nfields = 0;
}

enum state { START_RECORD, START_FIELD, IN_FIELD, IN_QUOTED,
	QUOTE_IN_QUOTED };

/* A line end c closes the field and the record. */
static enum state
end_record(struct ref *r, char c, int *after_cr)
{
	save_field(r);
	save_record(r);
	*after_cr = c == '\r';
	return START_RECORD;
}

/* Split t[0..n); 1 when the input ends inside a quoted field. */
static int
reference(const char *t, size_t n, int delim, struct ref *r)
{
	enum state st = START_RECORD;
	int after_cr = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = t[i];
		int nl = c == '\r' || c == '\n';

		/* The LF of a CRLF ends nothing more. */
		if (after_cr && c == '\n' && st == START_RECORD) {
			after_cr = 0;
			continue;
		}
		after_cr = 0;
		switch (st) {
		case START_RECORD:
			if (nl) {
				save_record(r);		/* a blank row */
				after_cr = c == '\r';
				continue;
			}
			/* FALLTHROUGH */
		case START_FIELD:
			if (c == '"')
				st = IN_QUOTED;
			else if (c == delim) {
				save_field(r);
				st = START_FIELD;
			} else if (nl) {
				st = end_record(r, c, &after_cr);
			} else {
				buf_addch(&r->field, c);
				st = IN_FIELD;
			}
			break;
		case IN_FIELD:
			if (c == delim) {
				save_field(r);
				st = START_FIELD;
			} else if (nl) {
				st = end_record(r, c, &after_cr);
			} else
				buf_addch(&r->field, c);
			break;
		case IN_QUOTED:
			if (c == '"')
				st = QUOTE_IN_QUOTED;
			else
				buf_addch(&r->field, c);
			break;
		case QUOTE_IN_QUOTED:
			if (c == '"') {
				buf_addch(&r->field, c);
				st = IN_QUOTED;
			} else if (c == delim) {
				save_field(r);
				st = START_FIELD;
			} else if (nl) {
				st = end_record(r, c, &after_cr);
			} else {
				/* Text after the closing quote: appended. */
				buf_addch(&r->field, c);
				st = IN_FIELD;
			}
			break;
		}
	}
	if (st == IN_QUOTED)
		return 1;
	if (st != START_RECORD) {
		save_field(r);
		save_record(r);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const alphabet[] = { ",", ";", "\"", "\r", "\n",
	    " ", "a", "\xc3\xa9" };
	struct csvin_options opt;
	struct muni_err e;
	struct record *rec;
	struct csvin *in;
	struct ref r;
	struct buf text;
	size_t i, at = 0, k;
	int fd, rc, open_quote;

	if (size < 1)
		return 0;
	buf_init(&text, (size_t)1 << 24);
	buf_init(&r.out, (size_t)1 << 26);
	buf_init(&r.field, (size_t)1 << 24);
	buf_init(&r.fields, (size_t)1 << 26);
	r.nfields = 0;
	for (i = 1; i < size; i++)
		buf_addstr(&text, alphabet[data[i] & 7]);
	memset(&opt, 0, sizeof(opt));
	opt.encoding = "utf-8";
	opt.delimiter = data[0] & 1 ? ';' : ',';
	opt.threads = (data[0] & 2) != 0;
	open_quote = reference(text.ptr, text.len, opt.delimiter, &r);

	fd = memfd_create("fuzz", 0);
	if (fd < 0 || write(fd, text.ptr, text.len) != (ssize_t)text.len ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	in = csvin_new(fd, "fuzz", &opt, &e);
	if (in == NULL)
		abort();
	while ((rc = csvin_next(in, &rec, &e)) > 0) {
		size_t nf;

		if (at + sizeof(nf) > r.out.len) {
			fprintf(stderr, "csvin has a record more: row %llu\n",
			    rec->row);
			abort();
		}
		memcpy(&nf, r.out.ptr + at, sizeof(nf));
		at += sizeof(nf);
		if (nf != rec->nfields) {
			fprintf(stderr, "row %llu: %zu fields, the reference "
			    "%zu\n", rec->row, rec->nfields, nf);
			abort();
		}
		for (k = 0; k < nf; k++) {
			size_t len;

			memcpy(&len, r.out.ptr + at, sizeof(len));
			at += sizeof(len);
			if (len != rec->fields[k].len || memcmp(r.out.ptr + at,
			    rec->fields[k].ptr, len) != 0) {
				fprintf(stderr, "row %llu, field %zu: '%.*s', "
				    "the reference '%.*s'\n", rec->row, k + 1,
				    (int)rec->fields[k].len, rec->fields[k].ptr,
				    (int)len, r.out.ptr + at);
				abort();
			}
			at += len;
		}
	}
	if (open_quote ? rc >= 0 || strstr(e.msg, "inside a quoted field") ==
	    NULL : rc < 0 || at != r.out.len) {
		fprintf(stderr, "end: csvin %d (%s), the reference %s, %zu of "
		    "%zu bytes of records compared\n", rc, rc < 0 ? e.msg : "",
		    open_quote ? "inside quotes" : "complete", at, r.out.len);
		abort();
	}
	csvin_free(in);
	close(fd);
	buf_release(&text);
	buf_release(&r.out);
	buf_release(&r.field);
	buf_release(&r.fields);
	return 0;
}
