/*
 * frun: one muni-fetch run from end to end: open the input, recognise its
 * format from its first bytes (a SQLite database by its magic string,
 * otherwise CSV in any of the encodings and dialects csvin reads; --format
 * a dBASE table by its header, otherwise CSV in any of the encodings and
 * dialects csvin reads; --format overrides), write canonical CSV to
 * out_fd, and on success the provenance record. A .dbf's encoding comes
 * from --encoding, else the .cpg file beside it, else its header.
 *
 * A SQLite database read from standard input is first copied to a
 * temporary file (SQLite needs a file), removed afterwards.
 *
 * frun() returns the exit status; when it is not 0, e says why, for the
 * tool to print.
 */
#ifndef MUNI_FRUN_H
#define MUNI_FRUN_H

#include "csvin.h"
#include "err.h"

enum frun_format { FRUN_AUTO, FRUN_CSV, FRUN_SQLITE, FRUN_DBF };

struct frun_options {
	struct csvin_options csv;
	const char *input;		/* a path, or "-" */
	const char *provenance;		/* NULL: none */
	enum frun_format format;
	const char *table;		/* SQLite */
	const char *query;		/* SQLite */
	int list;			/* SQLite: list the tables instead */
	int out_fd;
	const char *tool;		/* "muni-fetch 0.1.0", for provenance */
};

int frun(const struct frun_options *o, struct muni_err *e);

#endif
