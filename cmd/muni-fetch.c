/*
 * muni-fetch: turn a raw export into canonical CSV on standard output.
 */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "base/version.h"
#include "fe/msg.h"
#include "fe/opt.h"
#include "net/http.h"
#include "run/fetch_run.h"
#include "base/banned.h"

static const char usage_text[] =
    "usage: muni-fetch [-hV] [--api kind] [--bbox box] [-d delimiter]\n"
    "                  [-e encoding] [-f format] [--crs crs] [--entry name]\n"
    "                  [--fill-merged]\n"
    "                  [--geometry geojson | lonlat | wkt | centroid]\n"
    "                  [--header-file file] [--list] [--max-download size]\n"
    "                  [--max-field-size size] [--max-input-size size]\n"
    "                  [--max-pages n] [--max-record-size size] "
    "[--max-rows n]\n"
    "                  [--next path] [--offset-param name --limit n\n"
    "                  [--limit-param name]] [-p file] [--page-param name]\n"
    "                  [--paged] [--query sql] [--records path] "
    "[--retries n]\n"
    "                  [--sheet name] [--skip-rows n] [--state file] "
    "[--table name]\n"
    "                  [--timeout seconds] [--to-wgs84] [file | url | -]\n";

static const char help_text[] =
    "Turn an export into canonical CSV on standard output: CSV or TSV in\n"
    "any encoding, delimiter and line ends, a sheet of an XLSX or ODS\n"
    "spreadsheet, a table of a SQLite database or GeoPackage, a dBASE\n"
    "table (a shapefile's .dbf), JSON, JSON Lines, GeoJSON or XML\n"
    "records, gzip or not, or the file a ZIP holds; from a file, standard\n"
    "input or an http(s) URL.\n"
    "\n"
    "      --api KIND           URL: an API's pages: 'arcgis' (a layer of an\n"
    "                           ArcGIS REST server), 'ogcapi' (OGC API -\n"
    "                           Features), 'wfs' (WFS 2.0 GetFeature);\n"
    "                           'none': one request (default: recognised\n"
    "                           from the URL)\n"
    "      --bbox BOX           an API's features in BOX only:\n"
    "                           minlon,minlat,maxlon,maxlat in WGS 84\n"
    "  -d, --delimiter C        field delimiter: one character or 'tab'\n"
    "                           (default: guessed among , ; tab |)\n"
    "  -e, --encoding ENC       input encoding, e.g. utf-8, windows-1252,\n"
    "                           iso-8859-15, utf-16le (default: guessed)\n"
    "      --crs CRS            shapefile: the CRS of the coordinates\n"
    "                           (EPSG:NNNN), when the .prj is missing;\n"
    "                           WFS: the CRS asked of the server (GML)\n"
    "      --entry NAME         ZIP: the file of the archive to read\n"
    "  -f, --format FMT         input format: csv, xlsx, ods, json, xml,\n"
    "                           sqlite, dbf, shp or zip (default:\n"
    "                           recognised from the bytes)\n"
    "      --fill-merged        spreadsheets: give every cell of a merged\n"
    "                           range the value of its first cell\n"
    "      --geometry FORM      GeoJSON: the geometry as 'geojson' text\n"
    "                           (default) or 'wkt' in a geometry column,\n"
    "                           or as longitude and latitude columns, a\n"
    "                           point's ('lonlat') or the 'centroid';\n"
    "                           shapefile: 'wkt' (default), 'lonlat'\n"
    "                           (points), 'centroid'\n"
    "  -h, --help               print this help and exit\n"
    "      --list               list the tables, sheets or archive entries\n"
    "                           and exit\n"
    "      --header-file FILE   URL: request headers, \"Name: value\" a line\n"
    "                           (a token: the file must be mode 600)\n"
    "      --limit N            --offset-param: records asked per page\n"
    "      --limit-param NAME   --offset-param: the parameter of --limit\n"
    "                           (default: limit)\n"
    "      --max-download N     URL: largest download accepted (default 1G)\n"
    "      --max-pages N        pages of an API read at most (default 10000)\n"
    OPT_READER_LIMITS_HELP
    "      --max-rows N         SQLite: most rows a query or view may yield\n"
    "                           (default 10000000)\n"
    "      --next PATH          URL: a JSON API's pages, each giving the next\n"
    "                           page's URL at PATH (next, links.next)\n"
    "      --offset-param NAME  URL: a JSON API's pages, by an offset in the\n"
    "                           query parameter NAME, --limit at a time\n"
    "  -p, --provenance FILE    write a JSON provenance record to FILE\n"
    "      --page-param NAME    URL: a JSON API's pages, numbered by the query\n"
    "                           parameter NAME, up to an empty page\n"
    "      --paged              URL: a JSON API's pages, by their rel=next\n"
    "                           links (OGC API - Features' links, or a Link\n"
    "                           header); the default for .../items URLs\n"
    "      --query SQL          SQLite: the rows of this read-only query\n"
    "      --records PATH       JSON: the array of records, by its keys from\n"
    "                           the root (data, results.items); XML: the\n"
    "                           record elements (/marches/marche, marche)\n"
    "      --retries N          URL: retries after a timeout or a server\n"
    "                           busy or failing (default 3)\n"
    "      --sheet NAME         spreadsheets: the sheet to read, by name, by\n"
    "                           number from 1, or 'largest' (default: the\n"
    "                           first visible sheet)\n"
    "      --skip-rows N        spreadsheets: the header follows the first N\n"
    "                           rows (default: title rows are skipped)\n"
    "      --state FILE         URL: remember what was fetched in FILE\n"
    "                           (SQLite) and exit 5, writing nothing, when\n"
    "                           the source has not changed since\n"
    "      --table NAME         SQLite: the rows of this table or view\n"
    "                           (default: the only table)\n"
    "      --timeout SECONDS    URL: longest time a download may take, all\n"
    "                           retries included (default 1800)\n"
    "      --to-wgs84           shapefile, WFS: coordinates reprojected to\n"
    "                           WGS 84 longitude and latitude (PROJ)\n"
    "  -V, --version            print the version and exit\n";

enum {
	OPT_LIST = 256, OPT_QUERY, OPT_TABLE, OPT_ENTRY,
	OPT_FILL_MERGED, OPT_SHEET, OPT_SKIP_ROWS, OPT_GEOMETRY, OPT_RECORDS,
	OPT_MAX_DOWNLOAD, OPT_MAX_ROWS, OPT_RETRIES, OPT_STATE, OPT_TIMEOUT,
	OPT_CRS, OPT_TO_WGS84, OPT_HEADER_FILE, OPT_LIMIT, OPT_LIMIT_PARAM,
	OPT_MAX_PAGES, OPT_NEXT, OPT_OFFSET_PARAM, OPT_PAGE_PARAM, OPT_PAGED,
	OPT_API, OPT_BBOX
};


static const struct option longopts[] = {
	OPT_CSVIN_LONGOPTS,
	{ "api", required_argument, NULL, OPT_API },
	{ "bbox", required_argument, NULL, OPT_BBOX },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ "fill-merged", no_argument, NULL, OPT_FILL_MERGED },
	{ "crs", required_argument, NULL, OPT_CRS },
	{ "format", required_argument, NULL, 'f' },
	{ "geometry", required_argument, NULL, OPT_GEOMETRY },
	{ "help", no_argument, NULL, 'h' },
	{ "header-file", required_argument, NULL, OPT_HEADER_FILE },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "limit-param", required_argument, NULL, OPT_LIMIT_PARAM },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "max-pages", required_argument, NULL, OPT_MAX_PAGES },
	{ "next", required_argument, NULL, OPT_NEXT },
	{ "offset-param", required_argument, NULL, OPT_OFFSET_PARAM },
	{ "page-param", required_argument, NULL, OPT_PAGE_PARAM },
	{ "paged", no_argument, NULL, OPT_PAGED },
	{ "max-download", required_argument, NULL, OPT_MAX_DOWNLOAD },
	{ "max-rows", required_argument, NULL, OPT_MAX_ROWS },
	{ "provenance", required_argument, NULL, 'p' },
	{ "query", required_argument, NULL, OPT_QUERY },
	{ "records", required_argument, NULL, OPT_RECORDS },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "sheet", required_argument, NULL, OPT_SHEET },
	{ "skip-rows", required_argument, NULL, OPT_SKIP_ROWS },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "table", required_argument, NULL, OPT_TABLE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "to-wgs84", no_argument, NULL, OPT_TO_WGS84 },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

int
main(int argc, char **argv)
{
	struct fetch_run_options o;
	struct muni_err e;
	char tool[64];
	size_t skip, count;
	int c, status, idx = 0;
	const char *header_file = NULL;
	int api_none = 0;
	char **headers = NULL, *rewritten = NULL, bbox[PAGER_BBOX_MAX];

	msg_init(argv[0], stderr);
	memset(&o, 0, sizeof(o));
	o.retries = 3;
	err_clear(&e);
	while ((c = getopt_long(argc, argv, "d:e:f:hp:V", longopts, &idx)) !=
	    -1)
		switch (c) {
		case 'f':
			if ((o.format = fetch_run_format(optarg)) ==
			    FETCH_RUN_AUTO) {
				msg_error("'%s' is not an input format: csv, "
				    "xlsx, ods, json, xml, sqlite, dbf, shp "
				    "or zip",
				    optarg);
				return msg_usage(usage_text);
			}
			break;
		case OPT_ENTRY:
			o.entry = optarg;
			break;
		case OPT_GEOMETRY:
			if (strcmp(optarg, "lonlat") != 0 &&
			    strcmp(optarg, "geojson") != 0 &&
			    strcmp(optarg, "wkt") != 0 &&
			    strcmp(optarg, "centroid") != 0) {
				msg_error("--geometry is 'geojson', 'lonlat', "
				    "'wkt' or 'centroid', not '%s'", optarg);
				return msg_usage(usage_text);
			}
			o.lonlat = strcmp(optarg, "lonlat") == 0;
			o.geometry = optarg;
			break;
		case OPT_CRS:
			o.crs = optarg;
			break;
		case OPT_TO_WGS84:
			o.to_wgs84 = 1;
			break;
		case OPT_RECORDS:
			o.records = optarg;
			break;
		case OPT_MAX_DOWNLOAD:
			if (opt_size(optarg, 1, (size_t)1 << 40, &skip, &e) < 0)
				goto bad_value;
			o.max_download = skip;
			break;
		case OPT_RETRIES:
			if (opt_size(optarg, 0, 10, &skip, &e) < 0)
				goto bad_value;
			o.retries = (int)skip;
			break;
		case OPT_STATE:
			o.state = optarg;
			break;
		case OPT_FILL_MERGED:
			o.grid.fill_merged = 1;
			break;
		case OPT_SHEET:
			o.pick.sheet = optarg;
			break;
		case OPT_SKIP_ROWS:
			if (opt_size(optarg, 0, SHEET_MAX_ROWS, &skip, &e) < 0)
				goto bad_value;
			o.grid.skip_rows = skip;
			o.grid.skip_set = 1;
			break;
		case 'h':
			return msg_help(usage_text, help_text);
		case OPT_LIST:
			o.list = 1;
			break;
		case 'd':
		case 'e':
		case OPT_CSVIN_LIMIT:
			if (opt_csvin(c, longopts, idx, optarg, &o.csv, &e) < 0)
				goto bad_value;
			break;
		case OPT_MAX_ROWS:
			if (opt_count(optarg, 1, (size_t)1 << 40, &skip,
			    &e) < 0)
				goto bad_value;
			o.max_rows = skip;
			break;
		case OPT_TIMEOUT:
			if (opt_count(optarg, 1, 7 * 24 * 3600, &skip, &e) < 0)
				goto bad_value;
			o.timeout = (long)skip;
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
		case OPT_BBOX:
			if (pager_parse_bbox(optarg, bbox) < 0) {
				msg_error("--bbox is minlon,minlat,maxlon,maxlat "
				    "in WGS 84 degrees, min before max, not '%s'",
				    optarg);
				return msg_usage(usage_text);
			}
			o.pager.bbox = bbox;
			break;
		case OPT_HEADER_FILE:
			header_file = optarg;
			break;
		case OPT_LIMIT:
			if (opt_count(optarg, 1, 1000000000, &count, &e) < 0)
				goto bad_value;
			o.pager.limit = (unsigned long)count;
			break;
		case OPT_LIMIT_PARAM:
			o.pager.limit_param = optarg;
			break;
		case OPT_MAX_PAGES:
			if (opt_count(optarg, 1, 100000000, &count, &e) < 0)
				goto bad_value;
			o.pager.max_pages = (unsigned long)count;
			break;
		case OPT_API:
			if (strcmp(optarg, "none") == 0) {
				api_none = 1;
				break;
			}
			if (strcmp(optarg, "arcgis") != 0 &&
			    strcmp(optarg, "ogcapi") != 0 &&
			    strcmp(optarg, "wfs") != 0) {
				msg_error("--api is 'arcgis', 'ogcapi', 'wfs' "
				    "or 'none', not '%s'", optarg);
				return msg_usage(usage_text);
			}
			/* FALLTHROUGH */
		case OPT_NEXT:
		case OPT_OFFSET_PARAM:
		case OPT_PAGE_PARAM:
		case OPT_PAGED:
			if (o.pager.kind != PAGER_NONE || api_none) {
				msg_error("--api, --next, --offset-param, "
				    "--page-param and --paged exclude each other");
				return msg_usage(usage_text);
			}
			o.pager.kind = c == OPT_NEXT ? PAGER_NEXT :
			    c == OPT_OFFSET_PARAM ? PAGER_OFFSET :
			    c == OPT_PAGE_PARAM ? PAGER_PAGE :
			    c == OPT_API && optarg[0] == 'a' ? PAGER_ARCGIS :
			    c == OPT_API && optarg[0] == 'w' ? PAGER_WFS :
			    PAGER_LINKS;
			o.pager.next = c == OPT_NEXT ? optarg : NULL;
			o.pager.param = c == OPT_PAGED || c == OPT_API ? NULL :
			    optarg;
			if (c != OPT_PAGED && *optarg == '\0') {
				msg_error("--%s needs a name", longopts[idx].name);
				return msg_usage(usage_text);
			}
			break;
		case 'V':
			return msg_version("muni-fetch");
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
	if (o.table && o.query) {
		msg_error("--table and --query exclude each other");
		return msg_usage(usage_text);
	}
	snprintf(tool, sizeof(tool), "muni-fetch %s", muni_version());
	o.tool = tool;
	o.input = argc == 1 ? argv[0] : "-";
	o.out_fd = STDOUT_FILENO;
	o.pick.warn = msg_warn_cb;
	o.csv.warn = msg_warn_cb;
	if (o.state && !http_is_url(o.input)) {
		msg_error("--state is for a URL");
		return msg_usage(usage_text);
	}
	if ((o.pager.limit != 0) != (o.pager.kind == PAGER_OFFSET) ||
	    (o.pager.limit_param && o.pager.kind != PAGER_OFFSET)) {
		msg_error("--offset-param and --limit go together (and "
		    "--limit-param with them)");
		return msg_usage(usage_text);
	}
	/*
	 * Recognised from the URL: OGC API - Features' .../items pages by
	 * its links, an ArcGIS layer by its offsets.
	 */
	if (o.pager.kind == PAGER_NONE && !api_none && http_is_url(o.input))
		o.pager.kind = pager_is_ogc_items(o.input) ? PAGER_LINKS :
		    pager_is_arcgis(o.input) ? PAGER_ARCGIS :
		    pager_is_wfs(o.input) ? PAGER_WFS : PAGER_NONE;
	/* CKAN's datastore_search by offsets, Opendatasoft's export. */
	if (o.pager.kind == PAGER_NONE && !api_none && http_is_url(o.input) &&
	    pager_recognise(o.input, &o.pager, &rewritten) < 0) {
		msg_error("out of memory");
		return MUNI_EXIT_IO;
	}
	if (rewritten)
		o.input = rewritten;
	if ((o.pager.kind != PAGER_NONE || header_file) &&
	    !http_is_url(o.input)) {
		msg_error("an API's pages and --header-file are for a URL");
		return msg_usage(usage_text);
	}
	if (o.pager.kind != PAGER_NONE && o.format != FETCH_RUN_AUTO &&
	    o.format != FETCH_RUN_JSON) {
		msg_error("an API's pages are JSON");
		return msg_usage(usage_text);
	}
	if (o.pager.bbox && o.pager.kind != PAGER_LINKS &&
	    o.pager.kind != PAGER_WFS && o.pager.kind != PAGER_ARCGIS) {
		msg_error("--bbox is for an OGC API, a WFS or an ArcGIS layer");
		return msg_usage(usage_text);
	}
	if (o.pager.kind == PAGER_WFS) {
		if (o.crs && (strncmp(o.crs, "EPSG:", 5) != 0 || o.crs[5] ==
		    '\0' || strspn(o.crs + 5, "0123456789") != strlen(o.crs +
		    5) || strlen(o.crs) > 12)) {
			msg_error("--crs is written EPSG:NNNN (EPSG:2154 for "
			    "Lambert-93), not '%s'", o.crs);
			return msg_usage(usage_text);
		}
		o.pager.crs = o.crs;
		o.pager.to_wgs84 = o.to_wgs84;
	}
	if (o.pager.kind != PAGER_NONE) {
		o.format = FETCH_RUN_JSON;
		o.pager.progress = msg_progress_pages;
	}
	if (header_file) {
		headers = pager_read_headers(header_file, &o.nheaders, &e);
		if (headers == NULL) {
			msg_err(&e);
			return e.status;
		}
		o.headers = (const char *const *)headers;
	}
	status = fetch_run(&o, &e);
	free(headers);
	free(rewritten);
	if (status != MUNI_EXIT_OK && status != MUNI_EXIT_NOT_MODIFIED)
		msg_err(&e);
	return status;

bad_value:
	msg_err(&e);
	return msg_usage(usage_text);
}
