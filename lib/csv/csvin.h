/*
 * csvin: the record reader every muni tool uses.
 *
 * It reads a file descriptor in bounded chunks (never the whole file),
 * inflates gzip transparently (zlib), guesses the encoding and the dialect
 * on a bounded sample (sniff), transcodes to UTF-8 (iconv) and splits
 * records with libcsv: quoted fields with embedded newlines, CRLF, LF, CR
 * and mixed line ends, a missing final newline (a plain line, its fields
 * unquoted or quoted whole on the line, LF or CRLF, is split without
 * libcsv's byte-by-byte walk, into the same fields). Nothing is trimmed: a
 * field's bytes are what stood between its delimiters (quotes removed,
 * doubled quotes undoubled).
 *
 * Malformed quoting is read as Python's csv module and spreadsheets read
 * it (muni(7), "Reading CSV"), and never changes the number of records:
 *   - a quote inside an unquoted field is a character of it: 1"2 is 1"2;
 *   - text after a closing quote is appended to the field, which goes on
 *     unquoted to the next delimiter or line end: "A" ,1 is "A " and "1",
 *     "x"y" is x\y" (a backslash escapes nothing); each such field is a
 *     warning naming its row and column;
 *   - a quoted field still open at the end of the input is an error.
 * A first line "sep=X" (Excel's hint) gives the delimiter and is no row.
 * Input that is not text (NUL bytes and control codes in more than 1 % of
 * the sample, the
 * signature of a PDF, an image, an archive, a compressed stream inside
 * gzip) is refused before any record is returned.
 *
 * Rows are counted as frictionless counts them: the header is row 1 and
 * an empty line is a row with no fields (a "blank row"), not skipped.
 * Every record also knows the physical line where it starts.
 *
 * Ownership: the reader owns the record returned by csvin_next() and the
 * bytes its fields point to; they stay valid until the next call to
 * csvin_next() or csvin_free(). Field bytes are followed by no NUL: use the
 * lengths.
 *
 * Errors: csvin_new() and csvin_next() fill a struct muni_err. Input that
 * cannot be read is MUNI_EXIT_IO; bytes invalid in the encoding, a field or
 * a record over its limit, an unterminated quote at end of input, corrupt
 * gzip data are MUNI_EXIT_DATA, with the row and line where they occur.
 * After an error, csvin_next() keeps returning it.
 */
#ifndef MUNI_CSVIN_H
#define MUNI_CSVIN_H

#include <stddef.h>

#include "base/err.h"

#define CSVIN_MAX_FIELD ((size_t)1 << 20)	/* default: 1 MiB */
#define CSVIN_MAX_RECORD ((size_t)8 << 20)	/* default: 8 MiB */
#define CSVIN_MAX_FIELDS 65536			/* fields in one record */
/* Bytes gzip (or a ZIP entry) may inflate to: a zip bomb stops there. */
#define CSVIN_MAX_INPUT ((unsigned long long)8 << 30)	/* 8 GiB */
#define CSVIN_SAMPLE ((size_t)64 << 10)		/* bytes read to sniff */
#define CSVIN_PREFIX_MAX 4096

struct field {
	const char *ptr;
	size_t len;
};

struct record {
	struct field *fields;
	size_t nfields;			/* 0 for a blank line */
	unsigned long long row;		/* header = 1 */
	unsigned long long line;	/* physical line where it starts */
};

/* The index of the first field equal to name (a header's column), or -1. */
long record_find(const struct record *r, const char *name);
long record_find_n(const struct record *r, const char *name, size_t len);

struct csvin_options {
	const char *encoding;	/* NULL: guess */
	int delimiter;		/* 0: guess */
	size_t max_field;	/* 0: CSVIN_MAX_FIELD */
	size_t max_record;	/* 0: CSVIN_MAX_RECORD */
	unsigned long long max_input;	/* inflated; 0: CSVIN_MAX_INPUT */
	/*
	 * Read and parse in a thread of the reader's own, so that the
	 * caller's work runs beside it; the raw hook is then called from
	 * that thread, and the accessors below (encoding, line ends, counts)
	 * are exact once csvin_next() has returned 0 or -1.
	 */
	int threads;
	/*
	 * The first bytes of the input, already read from fd by the caller
	 * (to recognise a format): at most CSVIN_PREFIX_MAX, read first.
	 */
	const void *prefix;
	size_t nprefix;
	/* Called with every byte read from the descriptor, before inflating. */
	void (*raw_hook)(void *ctx, const void *p, size_t n);
	void *raw_ctx;
	/*
	 * Called, always in the caller's thread, with a warning that names
	 * the input and its position ("t.csv:3: column 2: ..."): at most
	 * CSVIN_MAX_WARNINGS of them, then one that counts the rest.
	 */
	muni_note_fn *warn;
	void *warn_ctx;
	/*
	 * Called in the caller's thread every CSVIN_PROGRESS_EVERY records
	 * and once at the end (done 1): the bytes read from the descriptor,
	 * its size when it is a regular file (else 0), the records so far.
	 */
	void (*progress)(void *ctx, unsigned long long bytes,
	    unsigned long long total, unsigned long long rows, int done);
	void *progress_ctx;
};

#define CSVIN_PROGRESS_EVERY 1024

#define CSVIN_MAX_WARNINGS 20

struct csvin;

/*
 * Start reading fd (not closed by the reader); name is the input as the
 * user sees it, used in errors and kept by pointer. Reads the sample.
 */
struct csvin *csvin_new(int fd, const char *name,
    const struct csvin_options *opt, struct muni_err *e);
/* 1: *rec is the next record; 0: end of input; -1: error in e. */
int csvin_next(struct csvin *in, struct record **rec, struct muni_err *e);
void csvin_free(struct csvin *in);

const char *csvin_encoding(const struct csvin *in);	/* iconv name */
int csvin_delimiter(const struct csvin *in);
int csvin_bom(const struct csvin *in);			/* a BOM was read */
/* "lf", "crlf", "cr", "mixed" or "none", over what has been read. */
const char *csvin_line_ends(const struct csvin *in);
const char *csvin_compression(const struct csvin *in);	/* "gzip", "none" */
unsigned long long csvin_raw_bytes(const struct csvin *in);
unsigned long long csvin_rows(const struct csvin *in);

#endif
