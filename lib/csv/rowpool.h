/*
 * rowpool: records read by one csvin, worked on in several threads, and
 * handed back in their order.
 *
 * The caller's thread reads records (csvin_next()) and copies them into
 * batches of at most ROWPOOL_ROWS rows or ROWPOOL_BYTES bytes (a longer
 * row alone); each batch is handed to the first idle worker, which calls
 * work() on it; the caller's thread then calls commit() on the batches in
 * the order they were read, whatever order the workers finished in. A
 * ring of 2 batches per worker bounds the memory: reading waits for the
 * oldest batch to be committed.
 *
 * Each slot of the ring has a state of the caller's (state_new()), which
 * work() and commit() of the batch in that slot share: work() writes its
 * results there, commit() reads them. A slot's batches pass through it in
 * the order they are read.
 */
#ifndef MUNI_ROWPOOL_H
#define MUNI_ROWPOOL_H

#include "csv/csvin.h"

#define ROWPOOL_ROWS 512
#define ROWPOOL_BYTES ((size_t)128 << 10)
#define ROWPOOL_MAX_THREADS 64

struct rowbatch {
	struct record *recs;	/* valid until the batch is committed */
	size_t nrecs;
	void *state;		/* the slot's, from state_new() */
};

struct rowpool_ops {
	void *(*state_new)(void *ctx);		/* NULL: out of memory */
	void (*state_free)(void *ctx, void *state);
	/* In a worker thread: must only read what other threads share. */
	void (*work)(void *ctx, struct rowbatch *b);
	/*
	 * In the caller's thread, batches in order: 0 to go on, 1 to stop
	 * reading (rows past that batch are never committed), -1 to stop at
	 * an error (in e).
	 */
	int (*commit)(void *ctx, struct rowbatch *b, struct muni_err *e);
};

/*
 * Read in from its next record to the end, with threads workers
 * (1 ≤ threads ≤ ROWPOOL_MAX_THREADS), first (when not NULL) the first
 * record; at most max_rows records (0: all). 0 at the end of the input,
 * when max_rows are read or commit() said 1; -1 with e set when reading
 * failed (every record read before is committed) or commit() did; e says
 * which by its status.
 */
int rowpool_run(struct csvin *in, const struct record *first,
    unsigned long long max_rows, int threads, const struct rowpool_ops *ops,
    void *ctx, struct muni_err *e);

/* The threads to use by default: the processors online, at least 1. */
int rowpool_default_threads(void);
/* The environment variable name, when it is a number from 1 to max; or 0. */
int rowpool_env(const char *name, int max);

#endif
