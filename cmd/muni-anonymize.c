/*
 * muni-anonymize: remove personal data before publication, check that
 * none is left and that no one can be singled out, and refuse to let the
 * data through otherwise.
 */
#include <errno.h>
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anon/pseudonym.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "base/version.h"
#include "fe/msg.h"
#include "fe/opt.h"
#include "run/anonymize_run.h"
#include "base/banned.h"

static const char usage_text[] =
    "usage: muni-anonymize [-hV] [-d delimiter] [-e encoding] [--audit] "
    "[--k n]\n"
    "                      [--key-file file] [--l n] [--max-field-size "
    "size]\n"
    "                      [--max-input-size size] [--max-record-size size]\n"
    "                      [--max-suppressed percent] [--new-key file]\n"
    "                      [--quasi columns] [--report file]\n"
    "                      [--rules file] [--scan] [--sensitive columns]\n"
    "                      [--suppress] [--wildcards] [file | -]\n";

static const char help_text[] =
    "Remove personal data from a CSV file by its rules (muni-rules(5)),\n"
    "then check the result: no personal datum left, and with\n"
    "quasi-identifiers, k rows at least in every class. The data is\n"
    "written to standard output only when the checks pass.\n"
    "\n"
    "      --audit              check the file as it is, write nothing\n"
    "  -d, --delimiter C        input delimiter: one character or 'tab'\n"
    "  -e, --encoding ENC       input encoding (default: guessed)\n"
    "  -h, --help               print this help and exit\n"
    "      --k N                the smallest class allowed (default: the\n"
    "                           rules', else 5)\n"
    "      --key-file FILE      the secret key of pseudonyms\n"
    "      --l N                distinct sensitive values in every class\n"
    OPT_READER_LIMITS_HELP
    "      --max-suppressed P   --suppress may blank the quasi-identifiers\n"
    "                           of P% of the rows at most (default 5)\n"
    "      --new-key FILE       create a secret key in FILE (mode 0600) and\n"
    "                           exit\n"
    "      --quasi COLUMNS      the quasi-identifiers, separated by commas\n"
    "                           (default: the rules')\n"
    "      --report FILE        write the report (JSON) to FILE\n"
    "      --rules FILE         the rules file\n"
    "      --scan               print a rules file proposed for the input\n"
    "                           and exit\n"
    "      --sensitive COLUMNS  the sensitive columns, for l-diversity\n"
    "      --suppress           blank the quasi-identifiers of the rows of\n"
    "                           classes smaller than k\n"
    "  -V, --version            print the version and exit\n"
    "      --wildcards          count suppressed cells as matching any value\n";

enum {
	OPT_AUDIT = 256, OPT_K, OPT_KEY_FILE, OPT_L, OPT_MAX_SUPPRESSED,
	OPT_NEW_KEY, OPT_QUASI, OPT_REPORT, OPT_RULES, OPT_SCAN,
	OPT_SENSITIVE, OPT_SUPPRESS, OPT_WILDCARDS
};

static const struct option longopts[] = {
	OPT_CSVIN_LONGOPTS,
	{ "audit", no_argument, NULL, OPT_AUDIT },
	{ "help", no_argument, NULL, 'h' },
	{ "k", required_argument, NULL, OPT_K },
	{ "key-file", required_argument, NULL, OPT_KEY_FILE },
	{ "l", required_argument, NULL, OPT_L },
	{ "max-suppressed", required_argument, NULL, OPT_MAX_SUPPRESSED },
	{ "new-key", required_argument, NULL, OPT_NEW_KEY },
	{ "quasi", required_argument, NULL, OPT_QUASI },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "scan", no_argument, NULL, OPT_SCAN },
	{ "sensitive", required_argument, NULL, OPT_SENSITIVE },
	{ "suppress", no_argument, NULL, OPT_SUPPRESS },
	{ "version", no_argument, NULL, 'V' },
	{ "wildcards", no_argument, NULL, OPT_WILDCARDS },
	{ NULL, 0, NULL, 0 },
};

int
main(int argc, char **argv)
{
	struct anonymize_run_options o;
	struct muni_err e;
	const char *new_key = NULL;
	struct buf rules;
	char tool[64];
	size_t n;
	int c, scan = 0, status, idx = 0;

	msg_init(argv[0], stderr);
	memset(&o, 0, sizeof(o));
	err_clear(&e);
	o.max_suppressed = 0.05;
	while ((c = getopt_long(argc, argv, "d:e:hV", longopts, &idx)) != -1)
		switch (c) {
		case 'd':
		case 'e':
		case OPT_CSVIN_LIMIT:
			if (opt_csvin(c, longopts, idx, optarg, &o.csv, &e) < 0)
				goto bad_value;
			break;
		case 'h':
			return msg_help(usage_text, help_text);
		case 'V':
			return msg_version("muni-anonymize");
		case OPT_AUDIT:
			o.audit = 1;
			break;
		case OPT_K:
			if (opt_count(optarg, 1, 1000000, &n, &e) < 0)
				goto bad_value;
			o.k = (long)n;
			break;
		case OPT_KEY_FILE:
			o.key_file = optarg;
			break;
		case OPT_L:
			if (opt_count(optarg, 1, 1000000, &n, &e) < 0)
				goto bad_value;
			o.l = (long)n;
			break;
		case OPT_MAX_SUPPRESSED:
			if (opt_count(optarg, 0, 100, &n, &e) < 0)
				goto bad_value;
			o.max_suppressed = (double)n / 100;
			break;
		case OPT_NEW_KEY:
			new_key = optarg;
			break;
		case OPT_QUASI:
			o.quasi = optarg;
			break;
		case OPT_REPORT:
			o.report = optarg;
			break;
		case OPT_RULES:
			o.rules = optarg;
			break;
		case OPT_SCAN:
			scan = 1;
			break;
		case OPT_SENSITIVE:
			o.sensitive = optarg;
			break;
		case OPT_SUPPRESS:
			o.suppress = 1;
			break;
		case OPT_WILDCARDS:
			o.wildcards = 1;
			break;
		default:
			return msg_usage(usage_text);
		}
	msg_progress_init(&o.csv, 0);
	argc -= optind;
	argv += optind;
	if (argc > 1) {
		msg_error("one input at most, %d given", argc);
		return msg_usage(usage_text);
	}
	if (new_key) {
		if (pseudonym_key_new(new_key, &e) < 0) {
			msg_err(&e);
			return e.status;
		}
		return MUNI_EXIT_OK;
	}
	o.input = argc == 1 ? argv[0] : "-";
	if (scan) {
		buf_init(&rules, (size_t)16 << 20);
		status = anonymize_run_scan(&o, &rules, &e) < 0 ? e.status : 0;
		if (status == 0 && fd_write_full(STDOUT_FILENO, rules.ptr,
		    rules.len) < 0) {
			err_sys(&e, MUNI_EXIT_IO, errno, "cannot write the "
			    "rules proposed to standard output");
			status = MUNI_EXIT_IO;
		}
		buf_release(&rules);
		if (status != 0 && e.msg[0])
			msg_err(&e);
		return status;
	}
	if (!o.audit && o.rules == NULL) {
		msg_error("give the rules with --rules (--scan proposes some), "
		    "or check a file with --audit");
		return msg_usage(usage_text);
	}
	snprintf(tool, sizeof(tool), "muni-anonymize %s", muni_version());
	o.tool = tool;
	o.out_fd = STDOUT_FILENO;
	o.note = msg_note;
	o.csv.warn = msg_warn_cb;
	status = anonymize_run(&o, &e);
	if (status != MUNI_EXIT_OK && e.msg[0])
		msg_err(&e);
	return status;

bad_value:
	msg_err(&e);
	return msg_usage(usage_text);
}
