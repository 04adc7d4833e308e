/*
 * fetch_run: one muni-fetch run from end to end: open the input, recognise its
 * format from its first bytes (--format overrides), write canonical CSV to
 * out_fd, and on success the provenance record.
 *
 * Recognition, in this order: gzip is looked through (the format is that
 * of the inflated bytes); a SQLite database by its magic string; a ZIP
 * archive (an XLSX workbook by its parts, an ODS spreadsheet by its
 * mimetype, else an archive holding one data file, read as if it had been
 * given); a dBASE table by its header; JSON by its first character ('{' or
 * '[' followed by what JSON allows there); XML by its declaration or
 * first element; an HTML page is refused (an
 * error page or a login wall served where data was expected); anything
 * else is CSV in any of the encodings and dialects csvin reads.
 *
 * CSV (gzip or not) and dBASE tables are read as a stream. The others need
 * a file: a pipe is first copied to a temporary file, gzip inflated into
 * one; a ZIP member is extracted to one; all are removed afterwards.
 *
 * An http(s) URL is downloaded first (http_download: retries, size cap)
 * into a temporary file; with a state file, a source that has not changed
 * (304, or the same bytes from a server without validators) ends the run
 * with MUNI_EXIT_NOT_MODIFIED before anything is written.
 *
 * fetch_run() returns the exit status; when it is not 0, e says why, for the
 * tool to print (MUNI_EXIT_NOT_MODIFIED leaves e empty).
 */
#ifndef MUNI_FETCH_RUN_H
#define MUNI_FETCH_RUN_H

#include "base/err.h"
#include "csv/csvin.h"
#include "source/pager.h"
#include "source/sheet.h"

enum fetch_run_format {
	FETCH_RUN_AUTO,
	FETCH_RUN_CSV,
	FETCH_RUN_SQLITE,
	FETCH_RUN_DBF,
	FETCH_RUN_XLSX,
	FETCH_RUN_ODS,
	FETCH_RUN_ZIP,
	FETCH_RUN_JSON,
	FETCH_RUN_XML,
	FETCH_RUN_SHP
};

struct fetch_run_options {
	struct csvin_options csv;
	const char *input;		/* a path, or "-" */
	const char *provenance;		/* NULL: none */
	enum fetch_run_format format;
	const char *table;		/* SQLite */
	const char *query;		/* SQLite */
	unsigned long long max_rows;	/* SQLite: of a query or view */
	int list;			/* list tables, sheets or entries */
	const char *entry;		/* ZIP: the member to read */
	struct sheet_pick pick;		/* spreadsheets: sheet, warnings */
	struct sheet_options grid;	/* spreadsheets: rows to skip... */
	const char *records;		/* JSON: the path to the records */
	int lonlat;			/* GeoJSON: points as two columns */
	const char *geometry;		/* --geometry as given, or NULL */
	int to_wgs84;			/* shapefiles: reproject */
	const char *crs;		/* shapefiles: the CRS, or NULL */
	/* URLs */
	const char *state;		/* --state FILE, or NULL */
	int retries;
	unsigned long long max_download;
	long timeout;			/* seconds, all tries; 0: 1800 */
	struct pager_options pager;	/* an API's pages (kind PAGER_NONE) */
	const char *const *headers;	/* request headers (--header-file) */
	size_t nheaders;
	int out_fd;
	const char *tool;		/* "muni-fetch 0.1.0", for provenance */
};

int fetch_run(const struct fetch_run_options *o, struct muni_err *e);
/* The format named name ("csv", "xlsx"...), or FETCH_RUN_AUTO if none. */
enum fetch_run_format fetch_run_format(const char *name);

#endif
