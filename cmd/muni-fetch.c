/*
 * muni-fetch: turn a raw export into canonical CSV on standard output.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "buf.h"
#include "csvin.h"
#include "csvout.h"
#include "digest.h"
#include "exitcode.h"
#include "msg.h"
#include "opt.h"
#include "provenance.h"
#include "version.h"
#include "banned.h"

static const char usage_text[] =
    "usage: muni-fetch [-hV] [-d delimiter] [-e encoding] "
    "[--max-field-size size]\n"
    "                  [--max-record-size size] [-p file] [file | -]\n";

static const char help_text[] =
    "Turn a CSV or TSV export (any encoding, delimiter and line ends,\n"
    "gzip or not) into canonical CSV on standard output.\n"
    "\n"
    "  -d, --delimiter C        field delimiter: one character or 'tab'\n"
    "                           (default: guessed among , ; tab |)\n"
    "  -e, --encoding ENC       input encoding, e.g. utf-8, windows-1252,\n"
    "                           iso-8859-15, utf-16le (default: guessed)\n"
    "  -h, --help               print this help and exit\n"
    "      --max-field-size N   longest field accepted (default 1M)\n"
    "      --max-record-size N  longest record accepted (default 8M)\n"
    "  -p, --provenance FILE    write a JSON provenance record to FILE\n"
    "  -V, --version            print the version and exit\n";

enum { OPT_MAX_FIELD = 256, OPT_MAX_RECORD };

static const struct option longopts[] = {
	{ "delimiter", required_argument, NULL, 'd' },
	{ "encoding", required_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ "max-field-size", required_argument, NULL, OPT_MAX_FIELD },
	{ "max-record-size", required_argument, NULL, OPT_MAX_RECORD },
	{ "provenance", required_argument, NULL, 'p' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int
write_provenance(const char *path, const char *source, struct csvin *in,
    struct digest *d)
{
	struct provenance p;
	struct muni_err e;
	struct buf json;
	char hex[65], tool[64];
	int rc;

	err_clear(&e);
	if (digest_hex(d, hex) < 0) {
		msg_error("cannot compute SHA-256 of '%s'", source);
		return MUNI_EXIT_INTERNAL;
	}
	snprintf(tool, sizeof(tool), "muni-fetch %s", muni_version());
	memset(&p, 0, sizeof(p));
	p.source = source;
	p.bytes = csvin_raw_bytes(in);
	p.sha256 = hex;
	p.compression = csvin_compression(in);
	p.encoding = csvin_encoding(in);
	p.bom = csvin_bom(in);
	p.delimiter = csvin_delimiter(in);
	p.line_ends = csvin_line_ends(in);
	p.records = csvin_rows(in);
	p.tool = tool;
	buf_init(&json, 1 << 20);
	rc = provenance_json(&p, &json, &e);
	if (rc == 0)
		rc = atomic_write(path, json.ptr, json.len, 0644, &e);
	buf_release(&json);
	if (rc < 0) {
		msg_err(&e);
		return e.status;
	}
	return MUNI_EXIT_OK;
}

static int
fetch(int fd, const char *name, const struct csvin_options *opt,
    const char *provenance)
{
	struct csvin_options o = *opt;
	struct muni_err e;
	struct digest d;
	struct csvout out;
	struct csvin *in;
	struct record *rec;
	int rc, status = MUNI_EXIT_OK;

	err_clear(&e);
	if (provenance) {
		if (digest_init(&d) < 0) {
			msg_error("cannot initialise SHA-256");
			return MUNI_EXIT_INTERNAL;
		}
		o.raw_hook = digest_hook;
		o.raw_ctx = &d;
	}
	if (csvout_init(&out, STDOUT_FILENO) < 0) {
		msg_error("cannot allocate the output buffer");
		return MUNI_EXIT_IO;
	}
	in = csvin_new(fd, name, &o, &e);
	if (in == NULL) {
		msg_err(&e);
		status = e.status;
		goto out;
	}
	while ((rc = csvin_next(in, &rec, &e)) > 0)
		if (csvout_record(&out, rec->fields, rec->nfields) < 0)
			break;
	if (rc < 0) {
		msg_err(&e);
		status = e.status;
	}
	if (csvout_flush(&out) < 0) {
		msg_error("cannot write to standard output: %s",
		    strerror(errno));
		status = MUNI_EXIT_IO;
	} else if (status == MUNI_EXIT_OK && provenance)
		status = write_provenance(provenance, name, in, &d);
out:
	csvin_free(in);
	csvout_release(&out);
	if (provenance)
		digest_release(&d);
	return status;
}

int
main(int argc, char **argv)
{
	struct csvin_options opt;
	struct muni_err e;
	const char *provenance = NULL, *name;
	int c, fd, status;

	msg_init(argv[0], stderr);
	memset(&opt, 0, sizeof(opt));
	err_clear(&e);
	while ((c = getopt_long(argc, argv, "d:e:hp:V", longopts, NULL)) != -1)
		switch (c) {
		case 'd':
			if (opt_delimiter(optarg, &opt.delimiter, &e) < 0)
				goto bad_value;
			break;
		case 'e':
			opt.encoding = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return fclose(stdout) == 0 ? 0 : MUNI_EXIT_IO;
		case OPT_MAX_FIELD:
			if (opt_size(optarg, 1, (size_t)1 << 30,
			    &opt.max_field, &e) < 0)
				goto bad_value;
			break;
		case OPT_MAX_RECORD:
			if (opt_size(optarg, 1, (size_t)1 << 30,
			    &opt.max_record, &e) < 0)
				goto bad_value;
			break;
		case 'p':
			provenance = optarg;
			break;
		case 'V':
			printf("muni-fetch %s\n", muni_version());
			return fclose(stdout) == 0 ? 0 : MUNI_EXIT_IO;
		default:
			return msg_usage(usage_text);
		}
	argc -= optind;
	argv += optind;
	if (argc > 1) {
		msg_error("one input at most, %d given", argc);
		return msg_usage(usage_text);
	}
	if (argc == 0 || strcmp(argv[0], "-") == 0) {
		fd = STDIN_FILENO;
		name = "-";
	} else {
		name = argv[0];
		fd = open(name, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			msg_error("cannot open '%s': %s", name,
			    strerror(errno));
			return MUNI_EXIT_IO;
		}
	}
	status = fetch(fd, name, &opt, provenance);
	if (fd != STDIN_FILENO)
		close(fd);
	return status;

bad_value:
	msg_err(&e);
	return msg_usage(usage_text);
}
