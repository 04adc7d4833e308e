/*
 * outfile: a CSV file a tool writes beside its output (rejects), under a
 * temporary name in the same folder, renamed over the path only when
 * complete and synced: a reader never sees half of one, and a run that
 * fails leaves none. A path that is not a regular file (a device, a FIFO,
 * /dev/stdout) is written into instead (atomic_target), never replaced.
 */
#ifndef MUNI_OUTFILE_H
#define MUNI_OUTFILE_H

#include "base/err.h"
#include "csv/csvout.h"

struct outfile {
	char *tmp;		/* NULL: not open */
	char *target;		/* what tmp is renamed onto */
	const char *path;
	int fd;
	int direct;		/* written into, not renamed */
	struct csvout out;
};

int outfile_open(struct outfile *f, const char *path, struct muni_err *e);
/* Keep (rename into place) or discard what was written. */
int outfile_close(struct outfile *f, int keep, struct muni_err *e);

#endif
