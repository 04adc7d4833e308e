/*
 * The reader is a chain of stages, each filling the next one's buffer on
 * demand, so that at most a few chunks are in memory at any time:
 *
 *   fd --read--> raw --inflate (gzip)--> dec --iconv or UTF-8 check--> txt
 *      --one line at a time--> libcsv --callbacks--> queued records
 *
 * libcsv pushes fields and records through callbacks; csvin_next() pulls.
 * Text is fed to libcsv one physical line at a time so that each record
 * knows the line where it starts, and completed records wait in a small
 * queue (one line can complete several records when lone CRs end them).
 */
/* pthread_timedjoin_np */
#define _GNU_SOURCE
#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "base/gzip.h"
#include "base/text.h"
#include "csv/csvin.h"
#include "csv/sniff.h"
#include "base/banned.h"

#define RAW_CHUNK ((size_t)64 << 10)

/* libcsv's parser states (private to libcsv.c, stable since 3.0). */
#define LIBCSV_ROW_NOT_BEGUN 0
#define LIBCSV_FIELD_BEGUN 2
#define LIBCSV_FIELD_MIGHT_HAVE_ENDED 3

struct slot {
	size_t off;
	size_t len;
};

struct queued {
	size_t first;		/* index of its first slot */
	size_t nfields;
	unsigned long long row;
	unsigned long long line;
};

#define NBATCH 4
#define BATCH_BYTES ((size_t)128 << 10)
#define BATCH_RECORDS 2048

/* Records handed from the reader thread to the caller. */
struct batch {
	int full;		/* filled by the reader, not yet read */
	unsigned long long raw_bytes;	/* read when it was filled */
	int end;		/* 1: end of input after these; -1: error */
	struct muni_err err;
	struct buf warns;	/* warnings, each ended by a NUL */
	struct buf bytes;
	struct slot *slots;
	size_t nslots, slots_cap;
	struct queued *recs;
	size_t nrecs, recs_cap;
};

struct csvin {
	int fd;
	const char *name;
	size_t max_field;
	size_t max_record;
	unsigned long long max_input;
	void (*raw_hook)(void *, const void *, size_t);
	void *raw_ctx;
	muni_note_fn *warn;
	void *warn_ctx;
	void (*progress)(void *, unsigned long long, unsigned long long,
	    unsigned long long, int);
	void *progress_ctx;
	/*
	 * For progress: the size of a regular file, and the bytes read as
	 * the caller's thread may know them (a batch carries the count).
	 */
	unsigned long long total, seen;
	/* Warnings not yet delivered, each ended by a NUL; their count. */
	struct buf warns;
	unsigned long long nwarn;

	/* Raw bytes from the descriptor. */
	unsigned char *raw;
	size_t raw_len, raw_pos;
	int raw_eof;
	unsigned long long raw_bytes;

	/* gzip. */
	int gzip;
	struct gunzip *gz;

	/* Decoded (inflated) bytes, not yet transcoded. */
	struct buf dec;
	size_t dec_pos;
	unsigned long long dec_off;	/* stream offset of dec.ptr[0] */
	int dec_eof;

	/* UTF-8 text, not yet parsed. */
	const char *encoding;
	int bom;
	int utf8;
	iconv_t cd;
	/*
	 * For a single-byte encoding whose ASCII half is ASCII (Windows-1252,
	 * the ISO-8859 family), iconv's answer for each of the 256 byte values
	 * is asked once and kept here: the hot loop is then a table look-up.
	 * A length of 0 marks a byte that is invalid in the encoding.
	 */
	int single_byte;
	unsigned char sb_len[256];
	char sb_utf8[256][4];
	struct buf txt;
	size_t txt_pos;
	/* A transcoding error found ahead of the parser, raised when reached. */
	int txt_err;
	char txt_msg[256];

	/* Parser. */
	struct csv_parser parser;
	int parser_open;
	int delimiter;
	int term;		/* the line terminator counted: '\n' or '\r' */
	int at_line_start;
	int last_term;
	unsigned long long line;	/* physical line being fed */
	unsigned long long rec_line;	/* line where the current record starts */
	unsigned long long rows;
	unsigned long long n_lf, n_crlf, n_cr;	/* record ends seen */

	/* Records being built and waiting. */
	struct buf bytes;
	struct slot *slots;
	size_t nslots, slots_cap;
	size_t cur_first;	/* first slot of the record being built */
	size_t cur_off;		/* its first byte in bytes */
	struct queued *queue;
	size_t qlen, qhead, qcap;

	struct record rec;
	struct field *out;
	size_t out_cap;

	int failed;
	int done;
	struct muni_err err;

	/*
	 * With a reader thread, the parsing above runs in it and complete
	 * records travel to the caller in batches through a small ring:
	 * reading, transcoding and libcsv on one core, the caller's work
	 * (validation, writing) on the other.
	 */
	int threaded;
	pthread_t thread;
	int thread_started, thread_joined;
	int stop;		/* the consumer stops early: the thread too */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct batch batches[NBATCH];
	size_t produce, consume;	/* ring indices */
	struct batch *cur;		/* batch being read by the caller */
	size_t cur_pos;
};

static int
never_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void
fail(struct csvin *in, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
fail(struct csvin *in, int status, const char *fmt, ...)
{
	va_list ap;

	if (in->failed)
		return;
	in->failed = 1;
	in->err.status = status;
	in->err.code = status == MUNI_EXIT_DATA ? "source-error" : NULL;
	in->err.file = in->name;
	in->err.row = in->rows + 1;
	in->err.line = in->line;
	va_start(ap, fmt);
	vsnprintf(in->err.msg, sizeof(in->err.msg), fmt, ap);
	va_end(ap);
	text_fix_end(in->err.msg);
}

static void
fail_sys(struct csvin *in, const char *what)
{
	int saved = errno;

	fail(in, MUNI_EXIT_IO, "%s: %s", what, strerror(saved));
	in->err.errnum = saved;
	in->err.row = 0;
}

static void
warn(struct csvin *in, unsigned long long row, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Queue a warning about row (0: the input as a whole). */
static void
warn(struct csvin *in, unsigned long long row, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	int n;

	if (in->warn == NULL || ++in->nwarn > CSVIN_MAX_WARNINGS)
		return;
	if (row)
		n = snprintf(msg, sizeof(msg), "%s:%llu: ", in->name, row);
	else
		n = snprintf(msg, sizeof(msg), "%s: ", in->name);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	/* Out of memory, a warning is lost: never the data. */
	(void)buf_add(&in->warns, msg, strlen(msg) + 1);
}

/* Hand the queued warnings to the caller's callback, in order. */
static void
deliver(struct csvin *in, struct buf *w)
{
	size_t i = 0;

	while (i < w->len) {
		const char *m = w->ptr + i;

		in->warn(in->warn_ctx, m);
		i += strlen(m) + 1;
	}
	buf_reset(w);
}

/*
 * Read up to RAW_CHUNK bytes into p: the count, 0 at end of file, -1 on
 * error. Every byte read passes through the raw hook.
 */
static int
read_fd(struct csvin *in, unsigned char *p)
{
	ssize_t n;

	if (in->raw_eof)
		return 0;
	for (;;) {
		n = read(in->fd, p, RAW_CHUNK);
		if (n >= 0)
			break;
		if (errno != EINTR) {
			fail_sys(in, "cannot read");
			return -1;
		}
	}
	if (n == 0) {
		in->raw_eof = 1;
		return 0;
	}
	in->raw_bytes += (unsigned long long)n;
	if (in->raw_hook)
		in->raw_hook(in->raw_ctx, p, (size_t)n);
	return (int)n;
}

/* Read the next raw chunk; 1 if bytes came, 0 at end of file, -1 error. */
static int
read_raw(struct csvin *in)
{
	int n = read_fd(in, in->raw);

	if (n <= 0)
		return n;
	in->raw_len = (size_t)n;
	in->raw_pos = 0;
	return 1;
}

/* Drop the bytes of dec already transcoded. */
static void
dec_compact(struct csvin *in)
{
	size_t left = in->dec.len - in->dec_pos;

	if (in->dec_pos == 0)
		return;
	memmove(in->dec.ptr, in->dec.ptr + in->dec_pos, left);
	in->dec_off += in->dec_pos;
	in->dec_pos = 0;
	buf_setlen(&in->dec, left);
}

static int
inflate_some(struct csvin *in)
{
	size_t before = in->dec.len, used, made;
	int rc;

	while (in->dec.len == before) {
		if (in->raw_pos == in->raw_len) {
			rc = read_raw(in);
			if (rc < 0)
				return -1;
			if (rc == 0) {
				if (!gunzip_complete(in->gz)) {
					fail(in, MUNI_EXIT_DATA,
					    "gzip data is truncated after "
					    "%llu bytes", in->raw_bytes);
					in->err.row = 0;
					return -1;
				}
				in->dec_eof = 1;
				return 0;
			}
		}
		if (buf_grow(&in->dec, RAW_CHUNK) < 0) {
			fail_sys(in, "cannot inflate");
			return -1;
		}
		rc = gunzip_step(in->gz, in->raw + in->raw_pos, in->raw_len -
		    in->raw_pos, &used, in->dec.ptr + in->dec.len, RAW_CHUNK,
		    &made);
		in->raw_pos += used;
		buf_setlen(&in->dec, in->dec.len + made);
		if (rc == GUNZIP_OK)
			continue;
		if (rc == GUNZIP_TRAILING)
			fail(in, MUNI_EXIT_DATA,
			    "trailing bytes after the gzip data");
		else if (rc == GUNZIP_TOO_LARGE)
			fail(in, MUNI_EXIT_DATA, "the gzip data inflates to "
			    "more than %llu bytes (raise the limit with "
			    "--max-input-size)", in->max_input);
		else
			fail(in, MUNI_EXIT_DATA, "corrupt gzip data near "
			    "byte %llu: %s", in->raw_bytes - (in->raw_len -
			    in->raw_pos), gunzip_why(in->gz));
		in->err.row = 0;
		return -1;
	}
	return 1;
}

/* Append decoded bytes to dec; 1 if some came, 0 at end, -1 error. */
static int
fill_dec(struct csvin *in)
{
	int rc;

	if (in->dec_eof)
		return 0;
	dec_compact(in);
	if (in->gzip)
		return inflate_some(in);
	if (in->raw_pos < in->raw_len) {
		/* The first chunk, read to look for the gzip magic. */
		if (buf_add(&in->dec, in->raw + in->raw_pos,
		    in->raw_len - in->raw_pos) < 0) {
			fail_sys(in, "cannot buffer input");
			return -1;
		}
		in->raw_pos = in->raw_len;
		return 1;
	}
	/* Otherwise read straight into dec: one copy less. */
	if (buf_grow(&in->dec, RAW_CHUNK) < 0) {
		fail_sys(in, "cannot buffer input");
		return -1;
	}
	rc = read_fd(in, (unsigned char *)in->dec.ptr + in->dec.len);
	if (rc <= 0) {
		if (rc == 0)
			in->dec_eof = 1;
		return rc;
	}
	buf_setlen(&in->dec, in->dec.len + (size_t)rc);
	return 1;
}

static void
bad_byte(struct csvin *in, size_t pos)
{
	unsigned char c = (unsigned char)in->dec.ptr[pos];
	unsigned long long off = in->dec_off + pos;

	in->txt_err = 1;
	if (in->utf8)
		snprintf(in->txt_msg, sizeof(in->txt_msg),
		    "invalid UTF-8 byte 0x%02X at byte offset %llu; if the "
		    "file is not UTF-8, name its encoding with --encoding "
		    "(for example windows-1252)", c, off);
	else
		snprintf(in->txt_msg, sizeof(in->txt_msg),
		    "byte 0x%02X at byte offset %llu is not valid %s; name "
		    "the file's encoding with --encoding", c, off,
		    in->encoding);
}

static int
transcode_single_byte(struct csvin *in)
{
	const unsigned char *src = (unsigned char *)in->dec.ptr;
	size_t i = in->dec_pos, n = in->dec.len;
	char *d;

	if (buf_grow(&in->txt, 3 * (n - i)) < 0) {
		fail_sys(in, "cannot buffer input");
		return -1;
	}
	d = in->txt.ptr + in->txt.len;
	while (i < n) {
		unsigned c;

		while (i + 8 <= n) {
			uint64_t w;

			memcpy(&w, src + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			memcpy(d, &w, 8);
			d += 8;
			i += 8;
		}
		if (i == n)
			break;
		c = src[i];
		if (c < 0x80) {
			*d++ = (char)c;
			i++;
			continue;
		}
		if (in->sb_len[c] == 0)
			break;
		memcpy(d, in->sb_utf8[c], in->sb_len[c]);
		d += in->sb_len[c];
		i++;
	}
	in->dec_pos = i;
	buf_setlen(&in->txt, (size_t)(d - in->txt.ptr));
	if (i < n)
		bad_byte(in, i);
	return 0;
}

/* Ask iconv once for each byte value; 0 if the encoding is not single-byte. */
static int
single_byte_table(struct csvin *in)
{
	unsigned b;

	for (b = 0; b < 256; b++) {
		char inb[1], outb[8], *ip = inb, *op = outb;
		size_t il = 1, ol = sizeof(outb);

		inb[0] = (char)b;
		iconv(in->cd, NULL, NULL, NULL, NULL);
		if (iconv(in->cd, &ip, &il, &op, &ol) == (size_t)-1) {
			if (errno != EILSEQ)
				return 0;	/* multibyte or stateful */
			in->sb_len[b] = 0;
			continue;
		}
		if (il != 0 || ol == sizeof(outb) || sizeof(outb) - ol > 4)
			return 0;
		if (b < 0x80 && (sizeof(outb) - ol != 1 || outb[0] != (char)b))
			return 0;
		in->sb_len[b] = (unsigned char)(sizeof(outb) - ol);
		memcpy(in->sb_utf8[b], outb, sizeof(outb) - ol);
	}
	iconv(in->cd, NULL, NULL, NULL, NULL);
	return 1;
}

/*
 * Transcode what dec holds into txt. A sequence cut by the end of dec is
 * left there until more bytes come; an invalid one stops transcoding and
 * is raised when the parser reaches it.
 */
static int
transcode(struct csvin *in)
{
	size_t avail = in->dec.len - in->dec_pos;

	if (in->txt_err || avail == 0)
		return 0;
	if (in->single_byte)
		return transcode_single_byte(in);
	if (in->utf8) {
		int partial;
		size_t ok = utf8_valid_prefix((unsigned char *)in->dec.ptr +
		    in->dec_pos, avail, &partial);

		if (buf_add(&in->txt, in->dec.ptr + in->dec_pos, ok) < 0) {
			fail_sys(in, "cannot buffer input");
			return -1;
		}
		in->dec_pos += ok;
		if (ok < avail && (!partial || in->dec_eof))
			bad_byte(in, in->dec_pos);
		return 0;
	}
	for (;;) {
		char *src = in->dec.ptr + in->dec_pos, *dst;
		size_t srcleft = in->dec.len - in->dec_pos, dstleft, r;

		if (srcleft == 0)
			return 0;
		if (buf_grow(&in->txt, srcleft * 2 + 16) < 0) {
			fail_sys(in, "cannot buffer input");
			return -1;
		}
		dst = in->txt.ptr + in->txt.len;
		dstleft = in->txt.cap - in->txt.len - 1;
		r = iconv(in->cd, &src, &srcleft, &dst, &dstleft);
		in->dec_pos = (size_t)(src - in->dec.ptr);
		buf_setlen(&in->txt, (size_t)(dst - in->txt.ptr));
		if (r != (size_t)-1)
			return 0;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL && !in->dec_eof)
			return 0;
		if (errno == EINVAL) {
			in->txt_err = 1;
			snprintf(in->txt_msg, sizeof(in->txt_msg),
			    "the input ends inside a %s character",
			    in->encoding);
			return 0;
		}
		bad_byte(in, in->dec_pos);
		return 0;
	}
}

/* Make sure txt holds unparsed text: 1 if so, 0 at end, -1 error. */
static int
fill_txt(struct csvin *in)
{
	int rc;

	if (in->txt_pos == in->txt.len) {
		buf_reset(&in->txt);
		in->txt_pos = 0;
	}
	while (in->txt_pos == in->txt.len) {
		if (in->txt_err)
			return 0;
		rc = fill_dec(in);
		if (rc < 0)
			return -1;
		if (transcode(in) < 0)
			return -1;
		if (rc == 0 && in->txt_pos == in->txt.len) {
			if (in->dec_pos < in->dec.len && !in->txt_err)
				bad_byte(in, in->dec_pos);
			return 0;
		}
	}
	return 1;
}

static void
on_field(void *s, size_t len, void *data)
{
	struct csvin *in = data;
	size_t nf = in->nslots - in->cur_first;

	if (in->failed)
		return;
	if (len > in->max_field) {
		fail(in, MUNI_EXIT_DATA, "field %zu is longer than %zu bytes "
		    "(raise the limit with --max-field-size)", nf + 1,
		    in->max_field);
		return;
	}
	if (nf >= CSVIN_MAX_FIELDS) {
		fail(in, MUNI_EXIT_DATA, "record has more than %d fields",
		    CSVIN_MAX_FIELDS);
		return;
	}
	if (in->bytes.len - in->cur_off + len > in->max_record) {
		fail(in, MUNI_EXIT_DATA, "record is longer than %zu bytes "
		    "(raise the limit with --max-record-size)",
		    in->max_record);
		return;
	}
	if (in->nslots == in->slots_cap) {
		size_t cap = in->slots_cap ? in->slots_cap * 2 : 256;
		struct slot *s2 = realloc(in->slots, cap * sizeof(*s2));

		if (s2 == NULL) {
			fail_sys(in, "cannot store a record");
			return;
		}
		in->slots = s2;
		in->slots_cap = cap;
	}
	in->slots[in->nslots].off = in->bytes.len;
	in->slots[in->nslots].len = len;
	if (buf_add(&in->bytes, s, len) < 0) {
		fail_sys(in, "cannot store a record");
		return;
	}
	in->nslots++;
}

static void
on_record(int c, void *data)
{
	struct csvin *in = data;
	size_t nf = in->nslots - in->cur_first;
	struct queued *q;

	if (in->failed)
		return;
	/* libcsv reports every newline: the LF of a CRLF is not a row. */
	if (nf == 0 && c == '\n' && in->last_term == '\r') {
		in->last_term = c;
		in->n_cr--;
		in->n_crlf++;
		return;
	}
	in->last_term = c;
	if (c == '\n')
		in->n_lf++;
	else if (c == '\r')
		in->n_cr++;
	if (in->qlen == in->qcap) {
		size_t cap = in->qcap ? in->qcap * 2 : 16;

		q = realloc(in->queue, cap * sizeof(*q));
		if (q == NULL) {
			fail_sys(in, "cannot store a record");
			return;
		}
		in->queue = q;
		in->qcap = cap;
	}
	q = &in->queue[in->qlen++];
	q->first = in->cur_first;
	q->nfields = nf;
	q->row = ++in->rows;
	q->line = in->rec_line;
	in->cur_first = in->nslots;
	in->cur_off = in->bytes.len;
	/* A record ended by a lone CR may be followed on the same line. */
	in->rec_line = in->line;
}

/*
 * libcsv has just read a quote that may close a quoted field, and c comes
 * next. A quote (a doubled quote), the delimiter or a line end are libcsv's
 * to read. Anything else is text after the closing quote: libcsv would
 * take the quote for a character and read on as quoted, up to the next
 * quote of the file, merging rows. Python's csv module and spreadsheets
 * append the text to the field and read it on unquoted; so does this: the
 * closing quote, already in libcsv's entry buffer, is taken back.
 */
static void
after_quote(struct csvin *in, unsigned char c)
{
	struct csv_parser *p = &in->parser;

	if (c == '"' || c == (unsigned char)in->delimiter || c == '\r' ||
	    c == '\n')
		return;
	p->entry_pos--;
	p->quoted = 0;
	p->spaces = 0;
	p->pstate = LIBCSV_FIELD_BEGUN;
	warn(in, in->rows + 1, "column %zu: text after the closing quote "
	    "is kept in the field, as spreadsheets read it; quote the whole "
	    "field and double the quotes inside it",
	    in->nslots - in->cur_first + 1);
}

/*
 * A whole line of n bytes (its LF aside), between records, read without
 * libcsv's byte-by-byte walk when it is plain: each field unquoted without
 * a quote, or quoted from its first byte to a closing quote right before
 * a delimiter or the line's end (quotes inside doubled), and no CR but
 * one ending the line (CRLF). Its fields and line end are then what libcsv
 * would hand over; 0 (nothing read) for any other line, which libcsv reads.
 */
#define FAST_FIELDS 256

static int
fast_line(struct csvin *in, char *p, size_t n)
{
	struct {
		char *p;
		size_t len;
		int doubled;
	} f[FAST_FIELDS];
	int crlf = n > 0 && p[n - 1] == '\r';
	char *end, *s = p, *q;
	size_t nf = 0, i;

	n -= (size_t)crlf;
	end = p + n;
	if (memchr(p, '\r', n) != NULL)
		return 0;
	while (n > 0) {
		if (nf == FAST_FIELDS)
			return 0;
		f[nf].doubled = 0;
		if (s < end && *s == '"') {
			f[nf].p = s + 1;
			for (q = s + 1;; q += 2) {
				q = memchr(q, '"', (size_t)(end - q));
				if (q == NULL)
					return 0;	/* goes on the next line */
				if (q + 1 == end || q[1] != '"')
					break;
				f[nf].doubled = 1;
			}
			f[nf].len = (size_t)(q - f[nf].p);
			nf++;
			if (q + 1 == end)
				break;
			if (q[1] != in->delimiter)
				return 0;	/* text after the closing quote */
			s = q + 2;
		} else {
			q = memchr(s, in->delimiter, (size_t)(end - s));
			f[nf].p = s;
			f[nf].len = (size_t)((q ? q : end) - s);
			if (memchr(s, '"', f[nf].len) != NULL)
				return 0;	/* a quote inside: libcsv's */
			nf++;
			if (q == NULL)
				break;
			s = q + 1;
		}
	}
	for (i = 0; i < nf && !in->failed; i++) {
		if (f[i].doubled) {
			/* Undoubled in place: the line is read. */
			char *r = f[i].p, *w = f[i].p, *e = r + f[i].len;

			while (r < e) {
				*w++ = *r;
				r += *r == '"' ? 2 : 1;
			}
			f[i].len = (size_t)(w - f[i].p);
		}
		on_field(f[i].p, f[i].len, in);
	}
	if (crlf)
		on_record('\r', in);	/* then an empty '\n': a CRLF */
	on_record('\n', in);
	return 1;
}

/* Feed libcsv one line of txt, or what is left of a line. */
static void
feed(struct csvin *in)
{
	const char *p = in->txt.ptr + in->txt_pos, *s, *end, *q;
	size_t n = in->txt.len - in->txt_pos, len, seg;
	const char *nl = memchr(p, in->term, n);

	len = nl ? (size_t)(nl - p) + 1 : n;
	if (in->at_line_start && in->parser.pstate == LIBCSV_ROW_NOT_BEGUN) {
		in->rec_line = in->line;
		if (nl && in->term == '\n' &&
		    fast_line(in, in->txt.ptr + in->txt_pos, len - 1)) {
			in->txt_pos += len;
			in->line++;
			return;
		}
	}
	/*
	 * libcsv grows a field by a fixed step: the step made half the field
	 * so far, the growth is geometric (a field of 500 MB is not copied
	 * a hundred thousand times), and never past the limit by much.
	 */
	if (in->parser.entry_size / 2 > in->parser.blk_size &&
	    in->parser.entry_size < in->max_field)
		csv_set_blk_size(&in->parser, in->parser.entry_size / 2);
	/* Up to each quote, so that what follows a closing one is seen. */
	for (s = p, end = p + len; s < end; s += seg) {
		if (in->parser.pstate == LIBCSV_FIELD_MIGHT_HAVE_ENDED)
			after_quote(in, (unsigned char)*s);
		q = memchr(s, '"', (size_t)(end - s));
		seg = q ? (size_t)(q - s) + 1 : (size_t)(end - s);
		csv_parse(&in->parser, s, seg, on_field, on_record, in);
	}
	if (csv_error(&in->parser) != CSV_SUCCESS && !in->failed)
		fail(in, MUNI_EXIT_IO, "cannot parse: %s",
		    csv_strerror(csv_error(&in->parser)));
	if (in->parser.entry_pos > in->max_field)
		fail(in, MUNI_EXIT_DATA, "field %zu is longer than %zu bytes "
		    "(raise the limit with --max-field-size)",
		    in->nslots - in->cur_first + 1, in->max_field);
	in->txt_pos += len;
	if (nl)
		in->line++;
	in->at_line_start = nl != NULL;
}

/* At end of input: the last record without a final newline. */
static void
finish(struct csvin *in)
{
	if (in->parser.pstate == LIBCSV_FIELD_BEGUN && in->parser.quoted) {
		fail(in, MUNI_EXIT_DATA, "the input ends inside a quoted "
		    "field that starts on line %llu (a quote is missing)",
		    in->rec_line);
		in->err.line = in->rec_line;
		return;
	}
	if (in->at_line_start && in->parser.pstate == LIBCSV_ROW_NOT_BEGUN)
		in->rec_line = in->line;
	csv_fini(&in->parser, on_field, on_record, in);
	in->done = 1;
	if (in->warn && in->nwarn > CSVIN_MAX_WARNINGS) {
		unsigned long long more = in->nwarn - CSVIN_MAX_WARNINGS;

		in->nwarn = CSVIN_MAX_WARNINGS - 1;	/* let this one through */
		warn(in, 0, "%llu more warnings like these were not shown",
		    more);
	}
}

/* Move the record being built to the start of the buffers. */
static void
compact(struct csvin *in)
{
	size_t i, nf = in->nslots - in->cur_first;
	size_t nb = in->bytes.len - in->cur_off;

	if (in->cur_first == 0 && in->cur_off == 0)
		goto out;
	memmove(in->bytes.ptr, in->bytes.ptr + in->cur_off, nb);
	buf_setlen(&in->bytes, nb);
	for (i = 0; i < nf; i++) {
		in->slots[i].off = in->slots[in->cur_first + i].off -
		    in->cur_off;
		in->slots[i].len = in->slots[in->cur_first + i].len;
	}
	in->nslots = nf;
	in->cur_first = 0;
	in->cur_off = 0;
out:
	in->qlen = 0;
	in->qhead = 0;
}

static const char *
encoding_name(const char *given, const unsigned char *p, size_t n,
    size_t *bom)
{
	static const struct {
		const char *alias;
		const char *name;
	} names[] = {
		{ "utf-8", "UTF-8" }, { "utf8", "UTF-8" },
		{ "utf-16le", "UTF-16LE" }, { "utf-16be", "UTF-16BE" },
		{ "windows-1252", "WINDOWS-1252" }, { "cp1252", "WINDOWS-1252" },
		{ "win1252", "WINDOWS-1252" },
		{ "iso-8859-15", "ISO-8859-15" }, { "latin9", "ISO-8859-15" },
		{ "latin-9", "ISO-8859-15" },
		{ "iso-8859-1", "ISO-8859-1" }, { "latin1", "ISO-8859-1" },
		{ "latin-1", "ISO-8859-1" },
	};
	const char *name = given;
	size_t i;

	*bom = 0;
	if (strcasecmp(given, "utf-16") == 0 || strcasecmp(given, "utf16") == 0)
		name = n >= 2 && p[0] == 0xFE && p[1] == 0xFF ? "UTF-16BE" :
		    "UTF-16LE";
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(given, names[i].alias) == 0)
			name = names[i].name;
	/* A BOM that agrees with the encoding named is still not data. */
	if (strcmp(name, "UTF-8") == 0 && n >= 3 && p[0] == 0xEF &&
	    p[1] == 0xBB && p[2] == 0xBF)
		*bom = 3;
	else if (strcmp(name, "UTF-16LE") == 0 && n >= 2 && p[0] == 0xFF &&
	    p[1] == 0xFE)
		*bom = 2;
	else if (strcmp(name, "UTF-16BE") == 0 && n >= 2 && p[0] == 0xFE &&
	    p[1] == 0xFF)
		*bom = 2;
	return name;
}

/* Refuse a sample that is not text (sniff_not_text). */
static int
refuse_binary(struct csvin *in, const unsigned char *p, size_t n, int magic)
{
	size_t off;
	const char *what = sniff_not_text(p, n, magic, &off);

	if (what == NULL)
		return 0;
	if (off || strcmp(what, "binary data") == 0)
		fail(in, MUNI_EXIT_DATA, "this is not a text table but %s: byte "
		    "0x%02X at byte offset %zu is a control code no text file "
		    "holds (a spreadsheet, a database or an archive is read "
		    "by muni-fetch)", what, p[off], off);
	else
		fail(in, MUNI_EXIT_DATA, "this is not a text table but %s",
		    what);
	in->err.row = 0;
	in->err.code = "source-error";
	return -1;
}

/*
 * Excel's hint: a first line "sep=X" names the delimiter and is no row.
 * Returns X, having stepped over the line, or 0.
 */
static int
sep_hint(struct csvin *in)
{
	const char *t = in->txt.ptr;
	size_t n = in->txt.len, k = 5;
	int c;

	if (n < 5 || memcmp(t, "sep=", 4) != 0)
		return 0;
	c = (unsigned char)t[4];
	if (!(c == '\t' || (c > ' ' && c < 0x7f && c != '"')))
		return 0;
	if (k < n && t[k] == '\r')
		k++;
	if (k < n && t[k] == '\n')
		k++;
	if (k == 5 && n > 5)
		return 0;		/* more text on the line: a header */
	in->txt_pos = k;
	in->line = 2;
	in->rec_line = 2;
	return c;
}

static int
setup(struct csvin *in, const struct csvin_options *opt)
{
	size_t bom;
	int rc, hint;

	/* The first chunk says whether this is gzip. */
	if (opt->nprefix > CSVIN_PREFIX_MAX) {
		fail(in, MUNI_EXIT_INTERNAL, "prefix of %zu bytes", opt->nprefix);
		return -1;
	}
	if (opt->nprefix) {
		/* Bytes the caller already read from fd to look at them. */
		memcpy(in->raw, opt->prefix, opt->nprefix);
		in->raw_len = opt->nprefix;
		in->raw_pos = 0;
		in->raw_bytes = opt->nprefix;
		if (in->raw_hook)
			in->raw_hook(in->raw_ctx, in->raw, in->raw_len);
		rc = 1;
	} else
		rc = read_raw(in);
	if (rc < 0)
		return -1;
	if (rc > 0 && in->raw_len >= 2 && in->raw[0] == 0x1f &&
	    in->raw[1] == 0x8b) {
		in->gzip = 1;
		if ((in->gz = gunzip_new(in->max_input)) == NULL) {
			fail(in, MUNI_EXIT_INTERNAL, "zlib init failed");
			return -1;
		}
	}
	while (in->dec.len < CSVIN_SAMPLE && !in->dec_eof)
		if (fill_dec(in) < 0)
			return -1;

	if (opt->encoding)
		in->encoding = encoding_name(opt->encoding,
		    (unsigned char *)in->dec.ptr, in->dec.len, &bom);
	else
		in->encoding = sniff_encoding((unsigned char *)in->dec.ptr,
		    in->dec.len, in->dec_eof, &bom);
	in->bom = bom > 0;
	in->dec_pos = bom;
	in->utf8 = strcmp(in->encoding, "UTF-8") == 0;
	if (strncmp(in->encoding, "UTF-16", 6) != 0 && refuse_binary(in,
	    (unsigned char *)in->dec.ptr + bom, in->dec.len - bom, 1) < 0)
		return -1;
	if (opt->encoding == NULL && !in->utf8 &&
	    strncmp(in->encoding, "UTF-16", 6) != 0) {
		size_t bad, seqs = sniff_utf8_evidence((unsigned char *)
		    in->dec.ptr, in->dec.len, &bad);

		if (seqs > 0 && bad < in->dec.len)
			warn(in, 0, "read as %s: byte 0x%02X at byte offset "
			    "%zu is not UTF-8, yet the sample holds %zu UTF-8 "
			    "multibyte sequence%s; if the file is UTF-8 with a "
			    "damaged byte, give --encoding utf-8 to have it "
			    "named with its row", in->encoding,
			    (unsigned char)in->dec.ptr[bad], bad, seqs,
			    seqs > 1 ? "s" : "");
	}
	if (!in->utf8) {
		in->cd = iconv_open("UTF-8", in->encoding);
		if (in->cd == (iconv_t)-1) {
			fail(in, MUNI_EXIT_USAGE, "unknown encoding '%s'",
			    opt->encoding ? opt->encoding : in->encoding);
			in->err.row = 0;
			return -1;
		}
		in->single_byte = single_byte_table(in);
	}
	if (transcode(in) < 0)
		return -1;
	if (strncmp(in->encoding, "UTF-16", 6) == 0 && refuse_binary(in,
	    (unsigned char *)in->txt.ptr, in->txt.len, 0) < 0)
		return -1;

	hint = sep_hint(in);
	in->delimiter = opt->delimiter ? opt->delimiter : hint ? hint :
	    sniff_delimiter(in->txt.ptr + in->txt_pos,
	    in->txt.len - in->txt_pos, in->dec_eof);
	/* Old Mac files end lines with CR alone. */
	in->term = '\n';
	if (!memchr(in->txt.ptr + in->txt_pos, '\n', in->txt.len - in->txt_pos) &&
	    memchr(in->txt.ptr, '\r', in->txt.len))
		in->term = '\r';

	if (csv_init(&in->parser, CSV_REPALL_NL) != 0) {
		fail(in, MUNI_EXIT_INTERNAL, "libcsv init failed");
		return -1;
	}
	in->parser_open = 1;
	csv_set_delim(&in->parser, (unsigned char)in->delimiter);
	csv_set_space_func(&in->parser, never_space);
	csv_set_blk_size(&in->parser, 4096);
	return 0;
}

static void *reader_thread(void *arg);

struct csvin *
csvin_new(int fd, const char *name, const struct csvin_options *opt,
    struct muni_err *e)
{
	struct csvin *in = calloc(1, sizeof(*in));

	if (in == NULL) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot allocate a reader");
		return NULL;
	}
	in->fd = fd;
	in->name = name;
	in->max_field = opt->max_field ? opt->max_field : CSVIN_MAX_FIELD;
	in->max_input = opt->max_input ? opt->max_input : CSVIN_MAX_INPUT;
	in->max_record = opt->max_record ? opt->max_record : CSVIN_MAX_RECORD;
	in->raw_hook = opt->raw_hook;
	in->raw_ctx = opt->raw_ctx;
	in->warn = opt->warn;
	in->warn_ctx = opt->warn_ctx;
	in->progress = opt->progress;
	in->progress_ctx = opt->progress_ctx;
	if (opt->progress) {
		struct stat st;

		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
			in->total = (unsigned long long)st.st_size;
	}
	buf_init(&in->warns, (size_t)1 << 20);
	in->cd = (iconv_t)-1;
	in->line = 1;
	in->rec_line = 1;
	in->at_line_start = 1;
	in->last_term = -1;
	buf_init(&in->dec, CSVIN_SAMPLE + 2 * RAW_CHUNK);
	buf_init(&in->txt, (size_t)-1 / 2);
	buf_init(&in->bytes, (size_t)-1 / 2);
	in->raw = malloc(RAW_CHUNK);
	if (in->raw == NULL) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot allocate a reader");
		csvin_free(in);
		return NULL;
	}
	if (setup(in, opt) < 0) {
		*e = in->err;
		csvin_free(in);
		return NULL;
	}
	if (opt->threads) {
		size_t i;

		for (i = 0; i < NBATCH; i++) {
			buf_init(&in->batches[i].bytes, (size_t)-1 / 2);
			buf_init(&in->batches[i].warns, (size_t)1 << 20);
		}
		if (pthread_mutex_init(&in->lock, NULL) != 0 ||
		    pthread_cond_init(&in->cond, NULL) != 0) {
			err_set(e, MUNI_EXIT_IO, "cannot start the reader");
			csvin_free(in);
			return NULL;
		}
		in->threaded = 1;
		if (pthread_create(&in->thread, NULL, reader_thread, in) != 0) {
			/* Read in this thread, then. */
			in->threaded = 0;
			pthread_mutex_destroy(&in->lock);
			pthread_cond_destroy(&in->cond);
		} else
			in->thread_started = 1;
	}
	return in;
}

/*
 * Parse until a record is complete: 1 and *q (its slots and bytes in
 * in->slots and in->bytes, valid until the next call), 0 at the end, -1
 * and in->err on error.
 */
static int
parse_next(struct csvin *in, struct queued **q)
{
	int rc;

	for (;;) {
		if (in->qhead < in->qlen)
			break;
		if (in->failed)
			return -1;
		if (in->done)
			return 0;
		compact(in);
		rc = fill_txt(in);
		if (rc < 0)
			continue;
		if (rc == 0) {
			if (in->txt_err) {
				fail(in, MUNI_EXIT_DATA, "%s", in->txt_msg);
				in->err.code = "encoding-error";
				continue;
			}
			finish(in);
			continue;
		}
		feed(in);
	}
	*q = &in->queue[in->qhead++];
	return 1;
}

/* Point in->rec at the record q whose slots and bytes are given. */
static int
make_record(struct csvin *in, const struct queued *q, const struct slot *slots,
    const char *bytes, struct muni_err *e)
{
	size_t i;

	if (q->nfields > in->out_cap) {
		size_t cap = q->nfields < 64 ? 64 : q->nfields;
		struct field *f = realloc(in->out, cap * sizeof(*f));

		if (f == NULL) {
			err_sys(e, MUNI_EXIT_IO, errno, "cannot store a record");
			return -1;
		}
		in->out = f;
		in->out_cap = cap;
	}
	for (i = 0; i < q->nfields; i++) {
		in->out[i].ptr = bytes + slots[q->first + i].off;
		in->out[i].len = slots[q->first + i].len;
	}
	in->rec.fields = in->out;
	in->rec.nfields = q->nfields;
	in->rec.row = q->row;
	in->rec.line = q->line;
	return 0;
}

static void
batch_release(struct batch *b)
{
	buf_release(&b->bytes);
	buf_release(&b->warns);
	free(b->slots);
	free(b->recs);
}

/* Copy a parsed record into a batch; -1 when out of memory. */
static int
batch_add(struct batch *b, const struct csvin *in, const struct queued *q)
{
	size_t i, base = b->bytes.len;
	struct queued *r;

	if (b->nslots + q->nfields > b->slots_cap) {
		size_t cap = b->slots_cap ? b->slots_cap : 4096;
		struct slot *s;

		while (cap < b->nslots + q->nfields)
			cap *= 2;
		s = realloc(b->slots, cap * sizeof(*s));
		if (s == NULL)
			return -1;
		b->slots = s;
		b->slots_cap = cap;
	}
	if (b->nrecs == b->recs_cap) {
		size_t cap = b->recs_cap ? b->recs_cap * 2 : 256;

		r = realloc(b->recs, cap * sizeof(*r));
		if (r == NULL)
			return -1;
		b->recs = r;
		b->recs_cap = cap;
	}
	if (q->nfields) {
		size_t from = in->slots[q->first].off;
		size_t to = in->slots[q->first + q->nfields - 1].off +
		    in->slots[q->first + q->nfields - 1].len;

		if (buf_add(&b->bytes, in->bytes.ptr + from, to - from) < 0)
			return -1;
		for (i = 0; i < q->nfields; i++) {
			b->slots[b->nslots + i].off = base +
			    in->slots[q->first + i].off - from;
			b->slots[b->nslots + i].len = in->slots[q->first + i].len;
		}
	}
	r = &b->recs[b->nrecs++];
	*r = *q;
	r->first = b->nslots;
	b->nslots += q->nfields;
	return 0;
}

static void
unlock_mutex(void *arg)
{
	pthread_mutex_unlock(arg);
}

/* The reader thread: fill batches until the end of the input. */
static void *
reader_thread(void *arg)
{
	struct csvin *in = arg;
	struct batch *b;
	struct queued *q;
	int rc, stop;

	for (;;) {
		pthread_mutex_lock(&in->lock);
		pthread_cleanup_push(unlock_mutex, &in->lock);
		b = &in->batches[in->produce];
		while (b->full && !in->stop)
			pthread_cond_wait(&in->cond, &in->lock);
		stop = in->stop;
		pthread_cleanup_pop(1);
		if (stop)
			return NULL;
		buf_reset(&b->bytes);
		buf_reset(&b->warns);
		b->nslots = b->nrecs = 0;
		b->end = 0;
		while (b->bytes.len < BATCH_BYTES && b->nrecs < BATCH_RECORDS) {
			rc = parse_next(in, &q);
			if (rc > 0 && batch_add(b, in, q) < 0) {
				err_sys(&b->err, MUNI_EXIT_IO, ENOMEM,
				    "cannot store a record");
				b->end = -1;
				break;
			}
			if (rc == 0)
				b->end = 1;
			if (rc < 0) {
				b->err = in->err;
				b->end = -1;
			}
			if (rc <= 0)
				break;
		}
		/* The warnings travel with the records they came with. */
		if (in->warns.len && buf_add(&b->warns, in->warns.ptr,
		    in->warns.len) == 0)
			buf_reset(&in->warns);
		b->raw_bytes = in->raw_bytes;
		pthread_mutex_lock(&in->lock);
		b->full = 1;
		in->produce = (in->produce + 1) % NBATCH;
		pthread_cond_broadcast(&in->cond);
		pthread_mutex_unlock(&in->lock);
		if (b->end)
			return NULL;
	}
}

/*
 * The consumer stops before the end: the thread stops at its next batch.
 * Only a thread still blocked reading after a second (a pipe nobody
 * writes to) is cancelled: cancellation is the last resort, since
 * AddressSanitizer reports the unwinding it does as a use after scope
 * (google/sanitizers#1399).
 */
static void
stop_thread(struct csvin *in)
{
	struct timespec until;

	if (!in->thread_started || in->thread_joined)
		return;
	pthread_mutex_lock(&in->lock);
	in->stop = 1;
	pthread_cond_broadcast(&in->cond);
	pthread_mutex_unlock(&in->lock);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 1;
	if (pthread_timedjoin_np(in->thread, NULL, &until) != 0) {
		pthread_cancel(in->thread);
		pthread_join(in->thread, NULL);
	}
	in->thread_joined = 1;
}

/* Tell the progress hook, every so many records and at the end; rc. */
static int
progress(struct csvin *in, int rc)
{
	if (in->progress && (rc <= 0 || in->rec.row % CSVIN_PROGRESS_EVERY == 0))
		in->progress(in->progress_ctx, in->seen, in->total,
		    in->rec.row > 0 ? in->rec.row - 1 : 0, rc <= 0);
	return rc;
}

int
csvin_next(struct csvin *in, struct record **rec, struct muni_err *e)
{
	struct queued *q;
	int rc;

	if (!in->threaded) {
		rc = parse_next(in, &q);
		if (in->warns.len)
			deliver(in, &in->warns);
		in->seen = in->raw_bytes;
		if (rc < 0)
			*e = in->err;
		if (rc <= 0)
			return progress(in, rc);
		if (make_record(in, q, in->slots, in->bytes.ptr, e) < 0)
			return -1;
		*rec = &in->rec;
		return progress(in, 1);
	}
	for (;;) {
		struct batch *b = in->cur;

		if (b && in->cur_pos < b->nrecs) {
			q = &b->recs[in->cur_pos++];
			if (make_record(in, q, b->slots, b->bytes.ptr, e) < 0)
				return -1;
			*rec = &in->rec;
			return progress(in, 1);
		}
		if (b && b->end) {
			/* The reader has returned: its counters may be read. */
			if (!in->thread_joined) {
				pthread_join(in->thread, NULL);
				in->thread_joined = 1;
			}
			if (b->end < 0) {
				*e = b->err;
				return progress(in, -1);
			}
			return progress(in, 0);
		}
		pthread_mutex_lock(&in->lock);
		if (b) {
			b->full = 0;
			in->consume = (in->consume + 1) % NBATCH;
			pthread_cond_broadcast(&in->cond);
		}
		b = &in->batches[in->consume];
		while (!b->full)
			pthread_cond_wait(&in->cond, &in->lock);
		pthread_mutex_unlock(&in->lock);
		in->cur = b;
		in->cur_pos = 0;
		in->seen = b->raw_bytes;
		if (b->warns.len)
			deliver(in, &b->warns);
	}
}

void
csvin_free(struct csvin *in)
{
	size_t i;

	if (in == NULL)
		return;
	stop_thread(in);
	if (in->threaded) {
		pthread_mutex_destroy(&in->lock);
		pthread_cond_destroy(&in->cond);
	}
	for (i = 0; i < NBATCH; i++)
		batch_release(&in->batches[i]);
	if (in->parser_open)
		csv_free(&in->parser);
	gunzip_free(in->gz);
	if (in->cd != (iconv_t)-1)
		iconv_close(in->cd);
	buf_release(&in->dec);
	buf_release(&in->txt);
	buf_release(&in->warns);
	buf_release(&in->bytes);
	free(in->raw);
	free(in->slots);
	free(in->queue);
	free(in->out);
	free(in);
}

const char *
csvin_encoding(const struct csvin *in)
{
	return in->encoding;
}

int
csvin_delimiter(const struct csvin *in)
{
	return in->delimiter;
}

int
csvin_bom(const struct csvin *in)
{
	return in->bom;
}

const char *
csvin_line_ends(const struct csvin *in)
{
	int kinds = (in->n_lf > 0) + (in->n_crlf > 0) + (in->n_cr > 0);

	if (kinds > 1)
		return "mixed";
	if (in->n_crlf)
		return "crlf";
	if (in->n_lf)
		return "lf";
	if (in->n_cr)
		return "cr";
	return "none";
}

const char *
csvin_compression(const struct csvin *in)
{
	return in->gzip ? "gzip" : "none";
}

unsigned long long
csvin_raw_bytes(const struct csvin *in)
{
	return in->raw_bytes;
}

unsigned long long
csvin_rows(const struct csvin *in)
{
	return in->rows;
}

long
record_find(const struct record *r, const char *name)
{
	return record_find_n(r, name, strlen(name));
}

long
record_find_n(const struct record *r, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (r->fields[i].len == len && memcmp(r->fields[i].ptr, name,
		    len) == 0)
			return (long)i;
	return -1;
}
