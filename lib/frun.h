/*
 * frun: one muni-fetch run from end to end: open the input, recognise its
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
 * frun() returns the exit status; when it is not 0, e says why, for the
 * tool to print (MUNI_EXIT_NOT_MODIFIED leaves e empty).
 */
#ifndef MUNI_FRUN_H
#define MUNI_FRUN_H

#include "csvin.h"
#include "err.h"
#include "sheet.h"

enum frun_format {
	FRUN_AUTO, FRUN_CSV, FRUN_SQLITE, FRUN_DBF, FRUN_XLSX, FRUN_ODS,
	FRUN_ZIP, FRUN_JSON, FRUN_XML
};

struct frun_options {
	struct csvin_options csv;
	const char *input;		/* a path, or "-" */
	const char *provenance;		/* NULL: none */
	enum frun_format format;
	const char *table;		/* SQLite */
	const char *query;		/* SQLite */
	unsigned long long max_rows;	/* SQLite: of a query or view */
	int list;			/* list tables, sheets or entries */
	const char *entry;		/* ZIP: the member to read */
	struct sheet_pick pick;		/* spreadsheets: sheet, warnings */
	struct sheet_options grid;	/* spreadsheets: rows to skip... */
	const char *records;		/* JSON: the path to the records */
	int lonlat;			/* GeoJSON: points as two columns */
	/* URLs */
	const char *state;		/* --state FILE, or NULL */
	int retries;
	unsigned long long max_download;
	long timeout;			/* seconds, all tries; 0: 1800 */
	int out_fd;
	const char *tool;		/* "muni-fetch 0.1.0", for provenance */
};

int frun(const struct frun_options *o, struct muni_err *e);
/* The format named name ("csv", "xlsx"...), or FRUN_AUTO if none. */
enum frun_format frun_format(const char *name);

#endif
