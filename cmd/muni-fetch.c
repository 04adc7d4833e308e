/*
 * muni-fetch: turn a raw export into canonical CSV on standard output.
 */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "frun.h"
#include "msg.h"
#include "opt.h"
#include "version.h"
#include "banned.h"

static const char usage_text[] =
    "usage: muni-fetch [-hV] [-d delimiter] [-e encoding] [-f format] "
    "[--list]\n"
    "                  [--max-field-size size] [--max-record-size size]\n"
    "                  [-p file] [--query sql] [--table name] [file | -]\n";

static const char help_text[] =
    "Turn an export into canonical CSV on standard output: CSV or TSV in\n"
    "any encoding, delimiter and line ends, gzip or not, a table of a\n"
    "SQLite database or GeoPackage, or a dBASE table (a shapefile's .dbf).\n"
    "\n"
    "  -d, --delimiter C        field delimiter: one character or 'tab'\n"
    "                           (default: guessed among , ; tab |)\n"
    "  -e, --encoding ENC       input encoding, e.g. utf-8, windows-1252,\n"
    "                           iso-8859-15, utf-16le (default: guessed)\n"
    "  -f, --format FMT         input format: csv, sqlite or dbf (default:\n"
    "                           recognised from the first bytes)\n"
    "  -h, --help               print this help and exit\n"
    "      --list               SQLite: list the tables and exit\n"
    "      --max-field-size N   longest field accepted (default 1M)\n"
    "      --max-record-size N  longest record accepted (default 8M)\n"
    "  -p, --provenance FILE    write a JSON provenance record to FILE\n"
    "      --query SQL          SQLite: the rows of this read-only query\n"
    "      --table NAME         SQLite: the rows of this table (default: the\n"
    "                           only one)\n"
    "  -V, --version            print the version and exit\n";

enum { OPT_MAX_FIELD = 256, OPT_MAX_RECORD, OPT_LIST, OPT_QUERY, OPT_TABLE };

static const struct option longopts[] = {
	{ "delimiter", required_argument, NULL, 'd' },
	{ "encoding", required_argument, NULL, 'e' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "max-field-size", required_argument, NULL, OPT_MAX_FIELD },
	{ "max-record-size", required_argument, NULL, OPT_MAX_RECORD },
	{ "provenance", required_argument, NULL, 'p' },
	{ "query", required_argument, NULL, OPT_QUERY },
	{ "table", required_argument, NULL, OPT_TABLE },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

int
main(int argc, char **argv)
{
	struct frun_options o;
	struct muni_err e;
	char tool[64];
	int c, status;

	msg_init(argv[0], stderr);
	memset(&o, 0, sizeof(o));
	err_clear(&e);
	while ((c = getopt_long(argc, argv, "d:e:f:hp:V", longopts, NULL)) != -1)
		switch (c) {
		case 'd':
			if (opt_delimiter(optarg, &o.csv.delimiter, &e) < 0)
				goto bad_value;
			break;
		case 'e':
			o.csv.encoding = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "csv") == 0)
				o.format = FRUN_CSV;
			else if (strcmp(optarg, "sqlite") == 0)
				o.format = FRUN_SQLITE;
			else if (strcmp(optarg, "dbf") == 0)
				o.format = FRUN_DBF;
			else {
				msg_error("'%s' is not an input format: csv, "
				    "sqlite or dbf", optarg);
				return msg_usage(usage_text);
			}
			break;
		case 'h':
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return fclose(stdout) == 0 ? 0 : MUNI_EXIT_IO;
		case OPT_LIST:
			o.list = 1;
			break;
		case OPT_MAX_FIELD:
			if (opt_size(optarg, 1, (size_t)1 << 30,
			    &o.csv.max_field, &e) < 0)
				goto bad_value;
			break;
		case OPT_MAX_RECORD:
			if (opt_size(optarg, 1, (size_t)1 << 30,
			    &o.csv.max_record, &e) < 0)
				goto bad_value;
			break;
		case 'p':
			o.provenance = optarg;
			break;
		case OPT_QUERY:
			o.query = optarg;
			break;
		case OPT_TABLE:
			o.table = optarg;
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
	if (o.table && o.query) {
		msg_error("--table and --query exclude each other");
		return msg_usage(usage_text);
	}
	snprintf(tool, sizeof(tool), "muni-fetch %s", muni_version());
	o.tool = tool;
	o.input = argc == 1 ? argv[0] : "-";
	o.out_fd = STDOUT_FILENO;
	status = frun(&o, &e);
	if (status != MUNI_EXIT_OK)
		msg_err(&e);
	return status;

bad_value:
	msg_err(&e);
	return msg_usage(usage_text);
}
