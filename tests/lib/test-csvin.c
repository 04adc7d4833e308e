#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "base/buf.h"
#include "csv/csvin.h"
#include "tap.h"

static void
collect(void *ctx, const char *msg)
{
	buf_addf(ctx, "W %s\n", msg);
}

/*
 * Read s with the options given and render what the reader returns as
 * "row@line:[f1|f2]" lines, or "error row@line: message" at the end; the
 * warnings follow, "W message" a line.
 */
static void
render(const void *s, size_t n, const struct csvin_options *opt0,
    struct buf *out)
{
	struct csvin_options o = *opt0, *opt = &o;
	struct muni_err e;
	struct record *rec;
	struct csvin *in;
	struct buf warns;
	size_t i;
	int fd = memfd_create("csvin", 0), rc;

	buf_init(&warns, 1 << 20);
	o.warn = collect;
	o.warn_ctx = &warns;

	if (fd < 0 || write(fd, s, n) != (ssize_t)n || lseek(fd, 0, SEEK_SET)) {
		buf_addstr(out, "memfd failed");
		return;
	}
	err_clear(&e);
	in = csvin_new(fd, "t.csv", opt, &e);
	if (in == NULL) {
		buf_addf(out, "error: %s", e.msg);
		close(fd);
		return;
	}
	while ((rc = csvin_next(in, &rec, &e)) > 0) {
		buf_addf(out, "%llu@%llu:[", rec->row, rec->line);
		for (i = 0; i < rec->nfields; i++) {
			if (i)
				buf_addch(out, '|');
			buf_add(out, rec->fields[i].ptr, rec->fields[i].len);
		}
		buf_addstr(out, "]\n");
	}
	if (rc < 0)
		buf_addf(out, "error %llu@%llu: %s", e.row, e.line, e.msg);
	csvin_free(in);
	close(fd);
	buf_add(out, warns.ptr, warns.len);
	buf_release(&warns);
}

/* Every check runs twice: read in this thread, and by a reader thread. */
static void
check_opt(const void *s, size_t n, const struct csvin_options *opt,
    const char *want, const char *what)
{
	struct csvin_options o = *opt;
	struct buf out;
	int threads;

	size_t wlen = strlen(want);
	/* An error, or a want ending in "...", is a prefix of the output. */
	int prefix = strstr(want, "error") != NULL ||
	    (wlen >= 3 && strcmp(want + wlen - 3, "...") == 0);

	if (wlen >= 3 && strcmp(want + wlen - 3, "...") == 0)
		wlen -= 3;
	for (threads = 0; threads <= 1; threads++) {
		o.threads = threads;
		buf_init(&out, 1 << 26);
		render(s, n, &o, &out);
		if (!ok(strncmp(out.ptr, want, wlen) == 0 &&
		    (prefix || wlen == out.len),
		    "%s%s", what, threads ? " (reader thread)" : ""))
			diag("got:\n%s\nwant:\n%s", out.ptr, want);
		buf_release(&out);
	}
}

static void
check(const char *s, const char *want, const char *what)
{
	struct csvin_options opt;

	memset(&opt, 0, sizeof(opt));
	check_opt(s, strlen(s), &opt, want, what);
}

/* A record that crosses the reader's 64 KiB chunks. */
static void
check_long_records(void)
{
	struct csvin_options opt;
	struct buf in, want;
	size_t i;

	memset(&opt, 0, sizeof(opt));
	buf_init(&in, 1 << 26);
	buf_init(&want, 1 << 26);
	buf_addstr(&in, "id,texte\n");
	buf_addstr(&want, "1@1:[id|texte]\n");
	for (i = 0; i < 2000; i++) {
		buf_addf(&in, "%zu,\"é%0200zu\r\nsuite\"\n", i, i);
		buf_addf(&want, "%zu@%zu:[%zu|é%0200zu\r\nsuite]\n", i + 2,
		    2 * i + 2, i, i);
	}
	check_opt(in.ptr, in.len, &opt, want.ptr,
	    "quoted newlines and multibyte letters across chunk boundaries");
	buf_release(&in);
	buf_release(&want);
}

/* Malformed quoting, read as Python's csv module reads it (muni(7)). */
static void
check_quotes(void)
{
	struct csvin_options opt;
	struct buf in, want;
	size_t i;

	check("nom,montant\n\"Association A\" ,100\n\"Association B\",200\n"
	    "\"Association C\",300\n",
	    "1@1:[nom|montant]\n2@2:[Association A |100]\n"
	    "3@3:[Association B|200]\n4@4:[Association C|300]\n"
	    "W t.csv:2: column 1: text after the closing quote is kept in the "
	    "field, as spreadsheets read it; quote the whole field and double "
	    "the quotes inside it\n",
	    "a space after a closing quote: appended, rows kept, a warning");
	check("a,b,c\n1\"2,3\n", "1@1:[a|b|c]\n2@2:[1\"2|3]\n",
	    "a quote inside an unquoted field is a character, no warning");
	check("a,b\n\"x\\\"y\",2\n", "1@1:[a|b]\n2@2:[x\\y\"|2]\n"
	    "W t.csv:2: column 1: text after...",
	    "a backslash escapes nothing: \"x\\\"y\" is x\\y\"");
	check("a,b,c\n1,\"Hey, I missed \" it\",3\n",
	    "1@1:[a|b|c]\n2@2:[1|Hey, I missed  it\"|3]\nW t.csv:2: column 2: ...",
	    "text after a closing quote, then a quote: one field, unquoted");
	check("a\n\"x\"y\n\"z\"\n", "1@1:[a]\n2@2:[xy]\n3@3:[z]\nW t.csv:2: ...",
	    "text after the closing quote up to the line end");
	check("a,b\n\"x\"\"y\",\"\"\n", "1@1:[a|b]\n2@2:[x\"y|]\n",
	    "doubled quotes and an empty quoted field: no warning");
	check("a,b\n\"x\" ,\"y\"z\n", "1@1:[a|b]\n2@2:[x |yz]\n"
	    "W t.csv:2: column 1: text after the closing quote is kept in the "
	    "field, as spreadsheets read it; quote the whole field and double "
	    "the quotes inside it\nW t.csv:2: column 2: ...",
	    "one warning a field");
	/* A closing quote at the end of a chunk: the text after it follows. */
	memset(&opt, 0, sizeof(opt));
	buf_init(&in, 1 << 26);
	buf_init(&want, 1 << 26);
	buf_addstr(&in, "a,b\n");
	buf_addstr(&want, "1@1:[a|b]\n");
	for (i = 0; i < 30000; i++) {
		buf_addf(&in, "\"%zu\"x,%zu\n", i, i);
		buf_addf(&want, "%zu@%zu:[%zux|%zu]\n", i + 2, i + 2, i, i);
	}
	for (i = 0; i < CSVIN_MAX_WARNINGS; i++)
		buf_addf(&want, "W t.csv:%zu: column 1: text after the closing "
		    "quote is kept in the field, as spreadsheets read it; "
		    "quote the whole field and double the quotes inside it\n",
		    i + 2);
	buf_addf(&want, "W t.csv: %zu more warnings like these were not "
	    "shown\n", (size_t)30000 - CSVIN_MAX_WARNINGS);
	check_opt(in.ptr, in.len, &opt, want.ptr,
	    "text after closing quotes across chunks; warnings capped");
	buf_release(&in);
	buf_release(&want);

	check("sep=;\na;b\n1,5;2\n", "1@2:[a|b]\n2@3:[1,5|2]\n",
	    "sep=; gives the delimiter and is no row");
	check("sep=,\r\na,b\r\n", "1@2:[a|b]\n", "sep=, with CRLF");
	check("sep=\t\na\tb\n", "1@2:[a|b]\n", "sep=TAB");
	check("sep=;x,y\n", "1@1:[sep=;x|y]\n", "sep= with more text is a header");
	memset(&opt, 0, sizeof(opt));
	opt.delimiter = '|';
	check_opt("sep=;\na|b\n", 10, &opt, "1@2:[a|b]\n",
	    "--delimiter wins over sep=, whose line is still no row");
}

/* What is not text is refused, naming what it is. */
static void
check_not_text(void)
{
	static const unsigned char dbf[] = { 0x03, 0x7c, 0x0b, 0x01, 0x05, 0,
		0, 0, 0x61, 0, 0x1f, 0, 0, 0, 0, 0, 'N', 'O', 'M' };
	unsigned char gz[512], inner[256];
	struct csvin_options opt;
	z_stream z;
	size_t ninner, i;

	memset(&opt, 0, sizeof(opt));
	check("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
	    "error: this is not a text table but a PDF document", "a PDF");
	check_opt(dbf, sizeof(dbf), &opt, "error: this is not a text table "
	    "but binary data: byte 0x03 at byte offset 0", "a damaged DBF");
	check("PK\x03\x04\x14\x00", "error: this is not a text table but a ZIP",
	    "a ZIP archive");
	check("a,b\n1,\x01\x02\x03\n", "error: this is not a text table but "
	    "binary data: byte 0x01 at byte offset 6", "control codes");
	check("a,b\n1,\x1b[1m\n2,3\n4,5\n6,7\n8,9\n10,11\n12,13\n14,15\n16,17\n"
	    "18,19\n20,21\n22,23\n24,25\n26,27\n28,29\n30,31\n32,33\n34,35\n"
	    "36,37\n38,39\n40,41\n42,43\n44,45\n46,47\n48,49\n50,51\n52,53\n"
	    "54,55\n", "1@1:[a|b]\n2@2:[1|\x1b[1m]\n...",
	    "one stray control code in a text is text");
	{
		static const char nul[] = "a,b\n1,x\0y\n2,3\n3,4\n4,5\n5,6\n"
		    "6,7\n7,8\n8,9\n9,10\n10,11\n11,12\n12,13\n13,14\n"
		    "14,15\n15,16\n16,17\n17,18\n18,19\n19,20\n";
		struct buf out;

		buf_init(&out, 1 << 20);
		render(nul, sizeof(nul) - 1, &opt, &out);
		ok(memmem(out.ptr, out.len, "2@2:[1|x\0y]\n", 12) != NULL &&
		    strstr(out.ptr, "error") == NULL,
		    "one NUL in a text is text: the value keeps it");
		buf_release(&out);
	}
	check("a\tb\x0b\x0c\n1\t2\n\x1a", "1@1:[a|b\x0b\x0c]\n2@2:[1|2]\n3@3:[\x1a]\n",
	    "TAB, VT, FF and a final Ctrl-Z are text");
	/* gzip inside gzip. */
	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (unsigned char *)"a,b\n1,2\n";
	z.avail_in = 8;
	z.next_out = inner;
	z.avail_out = sizeof(inner);
	deflate(&z, Z_FINISH);
	ninner = sizeof(inner) - z.avail_out;
	deflateEnd(&z);
	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	z.next_in = inner;
	z.avail_in = (uInt)ninner;
	z.next_out = gz;
	z.avail_out = sizeof(gz);
	deflate(&z, Z_FINISH);
	deflateEnd(&z);
	check_opt(gz, sizeof(gz) - z.avail_out, &opt, "error: this is not a "
	    "text table but gzip data inside gzip data", "gzip inside gzip");
	/* UTF-16 is text, its NULs are not control codes. */
	check_opt("a\0,\0b\0\n\0" "1\0,\0" "2\0\n\0", 16, &opt,
	    "1@1:[a|b]\n2@2:[1|2]\n", "UTF-16LE without BOM is text");
	check_opt("\xFF\xFE" "a\0,\0\x01\0\x02\0\n\0", 12, &opt,
	    "error: this is not a text table but binary data: byte 0x01",
	    "UTF-16 holding control codes is not text");
	/* A UTF-8 file with one damaged byte: read as Windows-1252, said. */
	check("nom\nJos\xc3\xa9\nRen\xe9\n", "1@1:[nom]\n2@2:[JosÃ©]\n"
	    "3@3:[René]\nW t.csv: read as WINDOWS-1252: byte 0xE9 at byte "
	    "offset 13 is not UTF-8, yet the sample holds 1 UTF-8 multibyte "
	    "sequence; if the file is UTF-8 with a damaged byte, give "
	    "--encoding utf-8 to have it named with its row\n",
	    "the byte that made the guess is named");
	check("nom\nRen\xe9\n", "1@1:[nom]\n2@2:[René]\n",
	    "a Windows-1252 file: no warning");
	(void)i;
}

static void
check_gzip(void)
{
	const char *csv = "a,b\n1,2\n";
	unsigned char gz[256];
	struct csvin_options opt;
	z_stream z;

	memset(&z, 0, sizeof(z));
	memset(&opt, 0, sizeof(opt));
	deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (unsigned char *)csv;
	z.avail_in = (uInt)strlen(csv);
	z.next_out = gz;
	z.avail_out = sizeof(gz);
	deflate(&z, Z_FINISH);
	deflateEnd(&z);
	check_opt(gz, sizeof(gz) - z.avail_out, &opt,
	    "1@1:[a|b]\n2@2:[1|2]\n", "gzip input is inflated");
	check_opt(gz, sizeof(gz) - z.avail_out - 6, &opt,
	    "error", "truncated gzip is an error");
	gz[12] ^= 0x55;
	check_opt(gz, sizeof(gz) - z.avail_out, &opt,
	    "error", "corrupt gzip is an error");
}

int
main(void)
{
	struct csvin_options opt;

	check("a,b\n1,2\n", "1@1:[a|b]\n2@2:[1|2]\n", "LF");
	check("a,b\r\n1,2\r\n", "1@1:[a|b]\n2@2:[1|2]\n", "CRLF");
	check("a,b\r1,2\r", "1@1:[a|b]\n2@2:[1|2]\n", "CR alone ends lines");
	check("a,b\r1,2\n3,4\n", "1@1:[a|b]\n2@1:[1|2]\n3@2:[3|4]\n",
	    "a lone CR in an LF file ends a record within the line");
	check("a,b\r\n1,2\n3,4\r\n", "1@1:[a|b]\n2@2:[1|2]\n3@3:[3|4]\n",
	    "mixed line ends");
	check("a,b\n1,2", "1@1:[a|b]\n2@2:[1|2]\n", "no final newline");
	check("a,b\n\n1,2\n", "1@1:[a|b]\n2@2:[]\n3@3:[1|2]\n",
	    "an empty line is a blank row");
	check("a,b\r\n\r\n1,2\r\n", "1@1:[a|b]\n2@2:[]\n3@3:[1|2]\n",
	    "an empty CRLF line is a blank row");
	check("a,b\n,\n", "1@1:[a|b]\n2@2:[|]\n", "empty fields");
	check("a,b\n\"x\ny\",\"q\"\"q\"\n3,4\n",
	    "1@1:[a|b]\n2@2:[x\ny|q\"q]\n3@4:[3|4]\n",
	    "embedded newline and doubled quote; lines counted");
	check("a,b\n x , y \n", "1@1:[a|b]\n2@2:[ x | y ]\n",
	    "spaces are kept");
	check("a;b\n1,5;2\n", "1@1:[a|b]\n2@2:[1,5|2]\n",
	    "semicolon delimiter guessed");
	check("\xEF\xBB\xBF" "a,b\n", "1@1:[a|b]\n", "UTF-8 BOM is stripped");
	check("a,b\n\xE9t\xE9,2\n", "1@1:[a|b]\n2@2:[été|2]\n",
	    "Windows-1252 guessed and transcoded");
	check_opt("\xFF\xFE" "a\0,\0b\0\n\0\xE9\0,\0" "1\0\n\0", 18,
	    &(struct csvin_options){ 0 }, "1@1:[a|b]\n2@2:[é|1]\n",
	    "UTF-16LE with BOM");
	check("a,b\n1,\"2\n3,4\n", "1@1:[a|b]\nerror 2@2: the input ends inside "
	    "a quoted field that starts on line 2", "unterminated quote");
	check("a,b\n1,2\n", "1@1:[a|b]\n2@2:[1|2]\n", "plain again");

	memset(&opt, 0, sizeof(opt));
	opt.encoding = "utf-8";
	check_opt("a,b\n1,2\n\xE9,3\n", 12, &opt,
	    "1@1:[a|b]\n2@2:[1|2]\nerror 3@3: invalid UTF-8 byte 0xE9 at "
	    "byte offset 8", "invalid byte named with row and offset");
	opt.encoding = "no-such-encoding";
	check_opt("a\n", 2, &opt, "error: unknown encoding", "unknown encoding");
	memset(&opt, 0, sizeof(opt));
	opt.max_field = 4;
	check_opt("a,b\n12345,2\n", 12, &opt,
	    "1@1:[a|b]\nerror 2@2: field 1 is longer than 4 bytes",
	    "field over the limit");
	memset(&opt, 0, sizeof(opt));
	opt.max_record = 6;
	check_opt("a,b\n1234,1234\n", 14, &opt,
	    "1@1:[a|b]\nerror 2@2: record is longer than 6 bytes",
	    "record over the limit");
	memset(&opt, 0, sizeof(opt));
	opt.delimiter = '|';
	check_opt("a,b|c\n", 6, &opt, "1@1:[a,b|c]\n", "delimiter forced");
	check_long_records();
	check_gzip();
	check_quotes();
	check_not_text();
	return done_testing();
}
