/*
 * muni-publish: turn a validated CSV file, its schema and its metadata
 * into a versioned open-data publication (files, Data Package, DCAT-AP
 * catalogue, pages), switched in atomically; or push it to data.gouv.fr.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "fe/msg.h"
#include "fe/opt.h"
#include "publish/meta.h"
#include "run/publish_run.h"
#include "base/banned.h"

static const char usage_text[] =
    "usage: muni-publish [-hV] [-b url] [-d delimiter] [-e encoding] "
    "[-m file]\n"
    "                    [-p file] [-s schema] [-t target] "
    "[--allow-invalid]\n"
    "                    [--anonymization-report file] [--api-key-file "
    "file]\n"
    "                    [--api-url url] [--catalog-title text] "
    "[--diff file]\n"
    "                    [--gzip] [--keep n] [--max-field-size size]\n"
    "                    [--max-input-size size] [--max-record-size size]\n"
    "                    [--private] [--schema-url url]\n"
    "                    [--summary] [--wait] [file | -]\n"
    "       muni-publish -t root --list\n"
    "       muni-publish -t root --history name\n";

static const char help_text[] =
    "Publish a CSV file as an open dataset: validated against its schema,\n"
    "with its datapackage.json, landing page and DCAT-AP catalogue, as a\n"
    "new version switched in atomically; identical data is not published\n"
    "again.\n"
    "\n"
    "      --allow-invalid      publish data that does not validate, and say\n"
    "                           so in the metadata\n"
    "      --anonymization-report FILE\n"
    "                           refuse unless muni-anonymize's report in FILE\n"
    "                           passes\n"
    "      --api-key-file FILE  data.gouv.fr: the API key\n"
    "      --api-url URL        data.gouv.fr: the API (default\n"
    "                           https://www.data.gouv.fr/api/1)\n"
    "  -b, --base-url URL       where the root is served, for the catalogue\n"
    "                           (needed once, then remembered)\n"
    "      --catalog-title TEXT the title of the catalogue and root page\n"
    "  -d, --delimiter C        input delimiter: one character or 'tab'\n"
    "      --diff FILE          write the keys of the rows added, removed\n"
    "                           and changed to FILE (CSV)\n"
    "  -e, --encoding ENC       input encoding (default: guessed)\n"
    "      --gzip               publish a .csv.gz beside the CSV\n"
    "  -h, --help               print this help and exit\n"
    "      --history NAME       print the versions of a dataset and exit\n"
    "      --keep N             keep the N newest versions (default: all)\n"
    "      --list               print the datasets published and exit\n"
    OPT_READER_LIMITS_HELP
    "  -m, --meta FILE          the metadata (muni-meta(5))\n"
    "      --private            data.gouv.fr: keep the dataset private\n"
    "  -p, --provenance FILE    muni-fetch's provenance, for the sources\n"
    "  -s, --schema FILE        the Table Schema (file or URL)\n"
    "      --schema-url URL     the schema's URL, written in the metadata\n"
    "      --summary            print what was published\n"
    "  -t, --to TARGET          the publication folder, or datagouv:ID\n"
    "  -V, --version            print the version and exit\n"
    "      --wait               wait for another publication to the same\n"
    "                           folder instead of failing\n";

enum {
	OPT_ALLOW_INVALID = 256, OPT_ANON, OPT_API_KEY_FILE, OPT_API_URL,
	OPT_CATALOG_TITLE, OPT_DIFF, OPT_GZIP, OPT_HISTORY, OPT_KEEP,
	OPT_LIST, OPT_PRIVATE, OPT_SCHEMA_URL, OPT_SUMMARY, OPT_WAIT
};

static const struct option longopts[] = {
	OPT_CSVIN_LONGOPTS,
	{ "allow-invalid", no_argument, NULL, OPT_ALLOW_INVALID },
	{ "anonymization-report", required_argument, NULL, OPT_ANON },
	{ "api-key-file", required_argument, NULL, OPT_API_KEY_FILE },
	{ "api-url", required_argument, NULL, OPT_API_URL },
	{ "base-url", required_argument, NULL, 'b' },
	{ "catalog-title", required_argument, NULL, OPT_CATALOG_TITLE },
	{ "diff", required_argument, NULL, OPT_DIFF },
	{ "gzip", no_argument, NULL, OPT_GZIP },
	{ "help", no_argument, NULL, 'h' },
	{ "history", required_argument, NULL, OPT_HISTORY },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "meta", required_argument, NULL, 'm' },
	{ "private", no_argument, NULL, OPT_PRIVATE },
	{ "provenance", required_argument, NULL, 'p' },
	{ "schema", required_argument, NULL, 's' },
	{ "schema-url", required_argument, NULL, OPT_SCHEMA_URL },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "to", required_argument, NULL, 't' },
	{ "version", no_argument, NULL, 'V' },
	{ "wait", no_argument, NULL, OPT_WAIT },
	{ NULL, 0, NULL, 0 },
};

int
main(int argc, char **argv)
{
	struct publish_run_options o;
	struct muni_err e;
	struct buf out;
	const char *to = NULL, *history = NULL;
	int c, list = 0, status, idx = 0;
	size_t n;

	msg_init(argv[0], stderr);
	memset(&o, 0, sizeof(o));
	err_clear(&e);
	o.api_url = "https://www.data.gouv.fr/api/1";
	while ((c = getopt_long(argc, argv, "b:d:e:hm:p:s:t:V", longopts,
	    &idx)) != -1)
		switch (c) {
		case 'b':
			if (!meta_url_ok(optarg)) {
				err_set(&e, MUNI_EXIT_USAGE, "--base-url '%s' is "
				    "not an absolute http:// or https:// URL",
				    optarg);
				goto bad_value;
			}
			o.base_url = optarg;
			break;
		case 'h':
			return msg_help(usage_text, help_text);
		case 'm':
			o.meta = optarg;
			break;
		case 'p':
			o.provenance = optarg;
			break;
		case 's':
			o.schema = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'V':
			return msg_version("muni-publish");
		case OPT_ALLOW_INVALID:
			o.allow_invalid = 1;
			break;
		case OPT_ANON:
			o.anonymization_report = optarg;
			break;
		case OPT_API_KEY_FILE:
			o.api_key_file = optarg;
			break;
		case OPT_API_URL:
			o.api_url = optarg;
			break;
		case OPT_CATALOG_TITLE:
			o.catalog_title = optarg;
			break;
		case OPT_DIFF:
			o.diff = optarg;
			break;
		case OPT_GZIP:
			o.gzip = 1;
			break;
		case OPT_HISTORY:
			history = optarg;
			break;
		case OPT_KEEP:
			if (opt_count(optarg, 1, 1000000, &n, &e) < 0)
				goto bad_value;
			o.keep = n;
			break;
		case OPT_LIST:
			list = 1;
			break;
		case 'd':
		case 'e':
		case OPT_CSVIN_LIMIT:
			if (opt_csvin(c, longopts, idx, optarg, &o.csv, &e) < 0)
				goto bad_value;
			break;
		case OPT_PRIVATE:
			o.private_dataset = 1;
			break;
		case OPT_SCHEMA_URL:
			if (!meta_url_ok(optarg)) {
				err_set(&e, MUNI_EXIT_USAGE, "--schema-url '%s' "
				    "is not an absolute http:// or https:// URL",
				    optarg);
				goto bad_value;
			}
			o.schema_url = optarg;
			break;
		case OPT_SUMMARY:
			o.summary = 1;
			break;
		case OPT_WAIT:
			o.wait = 1;
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
	if (to == NULL) {
		msg_error("give the publication folder with --to");
		return msg_usage(usage_text);
	}
	if (publish_run_target(&o, to, list || history, &e) < 0)
		goto bad_value;
	o.prog = msg_progname();
	o.note = msg_note;
	o.diag = msg_write;
	if (list || history) {
		buf_init(&out, (size_t)1 << 30);
		status = list ? publish_run_list(&o, &out, &e) :
		    publish_run_history(&o, history, &out, &e);
		if (status == 0 && fd_write_full(STDOUT_FILENO, out.ptr,
		    out.len) < 0)
			err_sys(&e, status = MUNI_EXIT_IO, errno,
			    "cannot write to standard output");
		buf_release(&out);
	} else {
		if (o.meta == NULL || o.schema == NULL) {
			msg_error("give the metadata with --meta and the "
			    "schema with --schema");
			return msg_usage(usage_text);
		}
		o.input = argc == 1 ? argv[0] : "-";
		status = publish_run(&o, &e);
	}
	if (status != MUNI_EXIT_OK && e.msg[0])
		msg_err(&e);
	return status;

bad_value:
	msg_err(&e);
	return msg_usage(usage_text);
}
