/*
 * muni-validate: check a CSV file against a Table Schema, report what is
 * wrong and where, and pass the data on.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "csv/csvin.h"
#include "fe/msg.h"
#include "fe/opt.h"
#include "run/package_check.h"
#include "csv/rowpool.h"
#include "run/validate_run.h"
#include "schema/report.h"
#include "base/banned.h"

static const char usage_text[] =
    "usage: muni-validate [-hqV] [-d delimiter] [-e encoding] "
    "[-f format] [-r file]\n"
    "                     [-s schema] [--html-rows n] [--lang lang]\n"
    "                     [--limit-errors n] [--limit-rows n] "
    "[--max-field-size size]\n"
    "                     [--max-input-size size] [--max-record-size size]\n"
    "                     [--max-regex-work n] [--pick-errors list]\n"
    "                     [--rejects file] [--resource name=file] "
    "[--schema-sync]\n"
    "                     [--skip-errors list] [--summary] [--threads n]\n"
    "                     [--valid-rows] [file | -]\n"
    "       muni-validate [-f format] [-r file] [--allow-remote] "
    "[--package]\n"
    "                     [--strict] [--summary] datapackage.json | "
    "folder\n";

static const char help_text[] =
    "Check a CSV file against a Table Schema and report every error with\n"
    "its row and field; the data is passed on to standard output. Given a\n"
    "datapackage.json or a folder of muni-publish, check every resource,\n"
    "the metadata, the checksums and the catalogue.\n"
    "\n"
    "      --allow-remote       a package: fetch the resources given by URL\n"
    "  -d, --delimiter C        input delimiter: one character or 'tab'\n"
    "  -e, --encoding ENC       input encoding (default: guessed)\n"
    "  -f, --format FMT         report format: text (default), json, csv,\n"
    "                           junit, github or html\n"
    "  -h, --help               print this help and exit\n"
    "      --html-rows N        rows with errors shown in full by the HTML\n"
    "                           report (default 50)\n"
    "      --lang LANG          language of the messages: fr or en (default:\n"
    "                           from LANGUAGE, LC_ALL, LC_MESSAGES, LANG)\n"
    "      --limit-errors N     stop reporting after N errors (default 1000,\n"
    "                           0 for no limit)\n"
    "      --limit-rows N       read at most N data rows\n"
    OPT_READER_LIMITS_HELP
    "      --max-regex-work N   values of a field whose pattern check may run\n"
    "                           to PCRE2's limit before the field's other\n"
    "                           values are left undecided (default 20)\n"
    "      --pick-errors LIST   report only these codes or tags (#header,\n"
    "                           #row, #cell, #structure)\n"
    "      --package            read the input as a Data Package descriptor\n"
    "  -q, --quiet-data         do not write the data to standard output\n"
    "  -r, --report FILE        write the report to FILE\n"
    "      --rejects FILE       write invalid rows, with their errors, to FILE\n"
    "      --resource NAME=FILE the table a foreign key names\n"
    "  -s, --schema FILE        the Table Schema (without one: structure only)\n"
    "      --schema-sync        match columns to fields by name, not position\n"
    "      --skip-errors LIST   do not report these codes or tags\n"
    "      --strict             a package: the metadata rules are errors\n"
    "      --summary            print the counts, even when the data is valid\n"
    "      --threads N          threads that check rows (default: the\n"
    "                           processors, 1 for a file under 4 MiB); the\n"
    "                           report and the data are the same for any N\n"
    "      --valid-rows         write only valid rows (needs --rejects)\n"
    "  -V, --version            print the version and exit\n";

enum {
	OPT_LIMIT_ERRORS = 256, OPT_LIMIT_ROWS, OPT_PICK, OPT_REJECTS,
	OPT_RESOURCE, OPT_SYNC, OPT_SKIP, OPT_SUMMARY, OPT_VALID_ROWS,
	OPT_HTML_ROWS, OPT_LANG, OPT_ALLOW_REMOTE, OPT_PACKAGE, OPT_STRICT,
	OPT_REGEX_WORK, OPT_THREADS
};

static const struct option longopts[] = {
	OPT_CSVIN_LONGOPTS,
	{ "allow-remote", no_argument, NULL, OPT_ALLOW_REMOTE },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "html-rows", required_argument, NULL, OPT_HTML_ROWS },
	{ "lang", required_argument, NULL, OPT_LANG },
	{ "limit-errors", required_argument, NULL, OPT_LIMIT_ERRORS },
	{ "limit-rows", required_argument, NULL, OPT_LIMIT_ROWS },
	{ "max-regex-work", required_argument, NULL, OPT_REGEX_WORK },
	{ "pick-errors", required_argument, NULL, OPT_PICK },
	{ "package", no_argument, NULL, OPT_PACKAGE },
	{ "quiet-data", no_argument, NULL, 'q' },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "report", required_argument, NULL, 'r' },
	{ "resource", required_argument, NULL, OPT_RESOURCE },
	{ "schema", required_argument, NULL, 's' },
	{ "schema-sync", no_argument, NULL, OPT_SYNC },
	{ "skip-errors", required_argument, NULL, OPT_SKIP },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "valid-rows", no_argument, NULL, OPT_VALID_ROWS },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

int
main(int argc, char **argv)
{
	struct validate_run_options o;
	struct muni_err e;
	struct package_check_options po;
	int c, package = 0, idx = 0;
	size_t threads;

	msg_init(argv[0], stderr);
	msg_lang(NULL);
	validate_run_options_init(&o);
	memset(&po, 0, sizeof(po));
	err_clear(&e);
	while ((c = getopt_long(argc, argv, "d:e:f:hqr:s:V", longopts,
	    &idx)) != -1)
		switch (c) {
		case 'f':
			if (validate_run_format_parse(optarg, &o.format) < 0) {
				msg_error("'%s' is not a report format: text, "
				    "json, csv, junit, github or html", optarg);
				return msg_usage(usage_text);
			}
			break;
		case 'h':
			return msg_help(usage_text, help_text);
		case OPT_LANG:
			if (msg_lang_option(optarg, &e) < 0)
				goto bad_value;
			break;
		case OPT_HTML_ROWS:
			if (opt_size(optarg, 0, 100000, &o.html_rows, &e) < 0)
				goto bad_value;
			break;
		case OPT_LIMIT_ERRORS:
			if (opt_size(optarg, 0, (size_t)-1 / 2, &o.limit_errors,
			    &e) < 0)
				goto bad_value;
			break;
		case OPT_LIMIT_ROWS:
			if (opt_size(optarg, 0, (size_t)-1 / 2, &o.limit_rows,
			    &e) < 0)
				goto bad_value;
			break;
		case 'd':
		case 'e':
		case OPT_CSVIN_LIMIT:
			if (opt_csvin(c, longopts, idx, optarg, &o.csv, &e) < 0)
				goto bad_value;
			break;
		case OPT_REGEX_WORK:
			if (opt_count(optarg, 0, 1000000, &o.regex_work,
			    &e) < 0)
				goto bad_value;
			break;
		case OPT_PICK:
			if (report_parse_filter(optarg, &o.pick, &e) < 0)
				goto bad_value;
			break;
		case 'q':
			o.quiet_data = 1;
			break;
		case OPT_REJECTS:
			o.rejects = optarg;
			break;
		case 'r':
			o.report = optarg;
			break;
		case OPT_RESOURCE:
			if (validate_run_add_resource(&o, optarg, &e) < 0)
				goto bad_value;
			break;
		case 's':
			o.schema = optarg;
			break;
		case OPT_SYNC:
			o.schema_sync = 1;
			break;
		case OPT_SKIP:
			if (report_parse_filter(optarg, &o.skip, &e) < 0)
				goto bad_value;
			break;
		case OPT_SUMMARY:
			o.summary = 1;
			break;
		case OPT_VALID_ROWS:
			o.valid_rows = 1;
			break;
		case OPT_THREADS:
			if (opt_count(optarg, 1, ROWPOOL_MAX_THREADS, &threads,
			    &e) < 0)
				goto bad_value;
			o.threads = (int)threads;
			break;
		case OPT_ALLOW_REMOTE:
			po.allow_remote = 1;
			break;
		case OPT_PACKAGE:
			package = 1;
			break;
		case OPT_STRICT:
			po.strict = 1;
			break;
		case 'V':
			return msg_version("muni-validate");
		default:
			return msg_usage(usage_text);
		}
	msg_lang_done();
	msg_progress_init(&o.csv, 0);
	argc -= optind;
	argv += optind;
	if (argc > 1) {
		msg_error("one input at most, %d given", argc);
		return msg_usage(usage_text);
	}
	if (o.valid_rows && o.rejects == NULL) {
		msg_error("--valid-rows needs --rejects FILE, so that no row "
		    "is lost");
		return msg_usage(usage_text);
	}
	o.input = argc == 1 ? argv[0] : "-";
	o.prog = msg_progname();
	o.diag = msg_write;
	po.v = o;
	c = package_check_if_package(&po, package, &e);
	if (c == -2) {
		msg_err(&e);
		return msg_usage(usage_text);
	}
	if (c >= 0) {
		if (e.msg[0] && c != MUNI_EXIT_OK && c != MUNI_EXIT_DATA)
			msg_err(&e);
		return c;
	}
	c = validate_run(&o, &e);
	if (e.msg[0])
		msg_err(&e);
	return c;

bad_value:
	msg_err(&e);
	return msg_usage(usage_text);
}
