/*
 * extsort: sort more records than memory holds. Records (byte strings)
 * are added in any order; at most run_bytes of them are held, then sorted
 * and written to a temporary file, a run, unlinked as soon as it is
 * created so that nothing is left behind whatever happens. extsort_next()
 * gives the records back in order, merging the runs, at most
 * EXTSORT_FANIN files at once (more runs are merged in passes first).
 *
 * The sort is stable: records that compare equal come back in the order
 * they were added. Memory: run_bytes plus the largest record, and a
 * buffer a run while merging.
 */
#ifndef MUNI_EXTSORT_H
#define MUNI_EXTSORT_H

#include <stddef.h>

#include "base/err.h"

#define EXTSORT_FANIN 32
#define EXTSORT_MAX_RECORD ((size_t)1 << 30)

/* <0, 0, >0 as a sorts before, with or after b. */
typedef int extsort_cmp_fn(const char *a, size_t alen, const char *b,
    size_t blen);

struct extsort;

/*
 * A sorter whose runs go to dir (NULL: TMPDIR, else /tmp). NULL with e
 * when out of memory.
 */
struct extsort *extsort_new(const char *dir, size_t run_bytes,
    extsort_cmp_fn *cmp, struct muni_err *e);
/* Add a copy of p[0..n): 0, or -1 with e (a run cannot be written). */
int extsort_add(struct extsort *x, const void *p, size_t n,
    struct muni_err *e);
/*
 * The next record in order, valid until the next call: 1, 0 after the
 * last, -1 with e. The first call ends the input.
 */
int extsort_next(struct extsort *x, const char **p, size_t *n,
    struct muni_err *e);
/* The number of runs written to disk so far (0: all in memory). */
size_t extsort_runs(const struct extsort *x);
void extsort_free(struct extsort *x);

#endif
