/*
 * datafile: a version's data file written while it is validated. A
 * thread takes the canonical CSV from a pipe and writes it to the file,
 * hashing it (SHA-256) and, when asked, compressing it to a .gz beside
 * (gzip -6, mtime 0) and hashing that too; both are synced before
 * datafile_finish() returns. The caller writes into the pipe (wfd) from
 * its own thread; after a failure the thread drains the pipe, so the
 * writer ends.
 */
#ifndef MUNI_DATAFILE_H
#define MUNI_DATAFILE_H

#include <pthread.h>

#include "base/digest.h"
#include "base/err.h"
#include "base/gzip.h"

struct datafile {
	int rfd, fd, gzfd;
	struct digest d, gzd;
	struct gzip *gz;
	unsigned long long bytes, gzbytes;
	int errnum;
	char sha[65], gzsha[65];
	pthread_t thread;
};

/*
 * Create csv (and gz, unless NULL; neither may exist) and start the
 * thread; *wfd is where the CSV is to be written. On failure,
 * datafile_finish(d, -1, ...) releases what was made.
 */
int datafile_start(struct datafile *d, const char *csv, const char *gz,
    int *wfd, struct muni_err *e);
/*
 * Close wfd (unless -1), wait for the thread, close the files; -1 with e
 * set when a write failed. d->sha, d->gzsha, d->bytes and d->gzbytes
 * then say what was written.
 */
int datafile_finish(struct datafile *d, int wfd, const char *csv,
    struct muni_err *e);

#endif
