#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "csvin.h"
#include "tap.h"

/*
 * Read s with the options given and render what the reader returns as
 * "row@line:[f1|f2]" lines, or "error row@line: message" at the end.
 */
static void
render(const void *s, size_t n, const struct csvin_options *opt,
    struct buf *out)
{
	struct muni_err e;
	struct record *rec;
	struct csvin *in;
	size_t i;
	int fd = memfd_create("csvin", 0), rc;

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
}

/* Every check runs twice: read in this thread, and by a reader thread. */
static void
check_opt(const void *s, size_t n, const struct csvin_options *opt,
    const char *want, const char *what)
{
	struct csvin_options o = *opt;
	struct buf out;
	int threads;

	for (threads = 0; threads <= 1; threads++) {
		o.threads = threads;
		buf_init(&out, 1 << 26);
		render(s, n, &o, &out);
		if (!ok(strncmp(out.ptr, want, strlen(want)) == 0 &&
		    (strstr(want, "error") || strlen(want) == out.len),
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
	return done_testing();
}
