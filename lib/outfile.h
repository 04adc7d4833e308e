/*
 * outfile: a CSV file a tool writes beside its output (rejects), under a
 * temporary name in the same folder, renamed over the path only when
 * complete and synced: a reader never sees half of one, and a run that
 * fails leaves none.
 */
#ifndef MUNI_OUTFILE_H
#define MUNI_OUTFILE_H

#include "csvout.h"
#include "err.h"

struct outfile {
	char *tmp;
	const char *path;
	int fd;
	struct csvout out;
};

int outfile_open(struct outfile *f, const char *path, struct muni_err *e);
/* Keep (rename into place) or discard what was written. */
int outfile_close(struct outfile *f, int keep, struct muni_err *e);

#endif
