/*
 * muni-transform: shape a raw export into the columns, order and value
 * formats of a target schema, by a mapping file or automatically.
 */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "fe/msg.h"
#include "fe/opt.h"
#include "run/transform_run.h"
#include "base/banned.h"

static const char usage_text[] =
    "usage: muni-transform [-hqV] [-d delimiter] [-e encoding] [-m map] "
    "[-s schema]\n"
    "                      [--auto] [--dedupe-key columns] [--emit-map file]\n"
    "                      [--explain] [--keep first | last]\n"
    "                      [--max-field-size size] [--max-input-size size]\n"
    "                      [--max-record-size size] [--rejects file]\n"
    "                      [--sort columns] [--sort-memory size] [--strict]\n"
    "                      [--summary] [file | -]\n";

static const char help_text[] =
    "Map the columns of a CSV export to those of a target, converting\n"
    "values on the way: by a mapping file (muni-map(5)), or, with --auto,\n"
    "from a Table Schema. Canonical CSV on standard output.\n"
    "\n"
    "      --auto               build the mapping from the schema (-s) and\n"
    "                           the input's header\n"
    "  -d, --delimiter C        input delimiter: one character or 'tab'\n"
    "      --dedupe-key COLS    one row per value of these output columns\n"
    "                           (comma-separated); the other rows with the\n"
    "                           same values go to the rejects\n"
    "  -e, --encoding ENC       input encoding (default: guessed)\n"
    "      --emit-map FILE      with --auto, write the mapping built to FILE,\n"
    "                           to keep and edit\n"
    "      --explain            print the mapping chosen, a line per column\n"
    "  -h, --help               print this help and exit\n"
    "      --keep WHICH         with --dedupe-key, the row kept of those\n"
    "                           with the same key: 'first' (default) or\n"
    "                           'last'\n"
    "  -m, --map FILE           the mapping file\n"
    OPT_READER_LIMITS_HELP
    "  -q, --quiet              no warning for each value not converted\n"
    "      --rejects FILE       write the rows left out, with the reason, to\n"
    "                           FILE\n"
    "  -s, --schema FILE        the Table Schema the output is for (--auto)\n"
    "      --sort COLS          sort the rows by these output columns, each\n"
    "                           ascending or with :desc descending\n"
    "      --sort-memory SIZE   memory for --sort and --dedupe-key before\n"
    "                           sorting on disk, in TMPDIR (default 64M)\n"
    "      --strict             reject a row holding a value an operation\n"
    "                           cannot convert, instead of keeping the value\n"
    "      --summary            print rows in, out and rejected, and the\n"
    "                           values changed in each column\n"
    "  -V, --version            print the version and exit\n";

enum {
	OPT_AUTO = 256, OPT_DEDUPE_KEY, OPT_EMIT_MAP, OPT_EXPLAIN, OPT_KEEP,
	OPT_REJECTS, OPT_SORT, OPT_SORT_MEMORY, OPT_STRICT, OPT_SUMMARY
};

static const struct option longopts[] = {
	OPT_CSVIN_LONGOPTS,
	{ "auto", no_argument, NULL, OPT_AUTO },
	{ "dedupe-key", required_argument, NULL, OPT_DEDUPE_KEY },
	{ "emit-map", required_argument, NULL, OPT_EMIT_MAP },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "help", no_argument, NULL, 'h' },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "map", required_argument, NULL, 'm' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "schema", required_argument, NULL, 's' },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "sort-memory", required_argument, NULL, OPT_SORT_MEMORY },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};


static void
note(void *ctx, const char *text)
{
	(void)ctx;
	fputs(text, stderr);
}

int
main(int argc, char **argv)
{
	struct transform_run_options o;
	struct muni_err e;
	int c, status, idx = 0, keep = 0;

	msg_init(argv[0], stderr);
	memset(&o, 0, sizeof(o));
	err_clear(&e);
	while ((c = getopt_long(argc, argv, "d:e:hm:qs:V", longopts,
	    &idx)) != -1)
		switch (c) {
		case 'h':
			return msg_help(usage_text, help_text);
		case 'm':
			o.map = optarg;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 's':
			o.schema = optarg;
			break;
		case 'V':
			return msg_version("muni-transform");
		case OPT_AUTO:
			o.autom = 1;
			break;
		case OPT_EMIT_MAP:
			o.emit_map = optarg;
			break;
		case OPT_EXPLAIN:
			o.explain = 1;
			break;
		case 'd':
		case 'e':
		case OPT_CSVIN_LIMIT:
			if (opt_csvin(c, longopts, idx, optarg, &o.csv, &e) < 0)
				goto bad_value;
			break;
		case OPT_REJECTS:
			o.rejects = optarg;
			break;
		case OPT_DEDUPE_KEY:
			o.dedupe_key = optarg;
			break;
		case OPT_KEEP:
			if (strcmp(optarg, "first") != 0 &&
			    strcmp(optarg, "last") != 0) {
				msg_error("--keep: 'first' or 'last', not '%s'",
				    optarg);
				return msg_usage(usage_text);
			}
			o.keep_last = strcmp(optarg, "last") == 0;
			keep = 1;
			break;
		case OPT_SORT:
			o.sort = optarg;
			break;
		case OPT_SORT_MEMORY:
			if (opt_size(optarg, 1024, (size_t)1 << 40,
			    &o.sort_memory, &e) < 0)
				goto bad_value;
			break;
		case OPT_STRICT:
			o.strict = 1;
			break;
		case OPT_SUMMARY:
			o.summary = 1;
			break;
		default:
			return msg_usage(usage_text);
		}
	msg_progress_init(&o.csv, o.quiet);
	argc -= optind;
	argv += optind;
	if (argc > 1) {
		msg_error("one input at most, %d given", argc);
		return msg_usage(usage_text);
	}
	if ((o.map != NULL) == (o.autom != 0)) {
		msg_error("give a mapping with -m, or -s and --auto");
		return msg_usage(usage_text);
	}
	if (o.autom && o.schema == NULL) {
		msg_error("--auto needs the schema: -s FILE");
		return msg_usage(usage_text);
	}
	if (keep && o.dedupe_key == NULL) {
		msg_error("--keep is for --dedupe-key");
		return msg_usage(usage_text);
	}
	if ((o.explain || o.emit_map) && !o.autom) {
		msg_error("--explain and --emit-map are for --auto");
		return msg_usage(usage_text);
	}
	o.input = argc == 1 ? argv[0] : "-";
	o.out_fd = STDOUT_FILENO;
	o.warn = msg_warn_cb;
	o.csv.warn = msg_warn_cb;
	o.note = note;
	status = transform_run(&o, &e);
	if (status != MUNI_EXIT_OK && e.msg[0])
		msg_err(&e);
	return status;

bad_value:
	msg_err(&e);
	return msg_usage(usage_text);
}
