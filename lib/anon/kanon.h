/*
 * kanon: k-anonymity and l-diversity counted with bounded memory: the
 * classes (rows sharing their quasi-identifier values) are counted in a
 * temporary SQLite database on disk, with a small page cache, so memory
 * does not grow with the number of rows or classes.
 */
#ifndef MUNI_KANON_H
#define MUNI_KANON_H

#include <stddef.h>

#include "base/err.h"

#define KANON_HIST 10	/* class sizes 1..9 counted one by one, then 10+ */

struct kanon_result {
	unsigned long long rows, classes, uniques;	/* uniques: size 1 */
	unsigned long long smallest;			/* 0 when no rows */
	unsigned long long hist[KANON_HIST + 1];	/* [s]: classes of size s */
	unsigned long long below_k_rows;		/* rows in classes < k */
	long l;						/* -1: no sensitive */
};

struct kanon;

/* nsens: how many sensitive columns each row brings (0 for none). */
struct kanon *kanon_new(size_t nsens, struct muni_err *e);
/*
 * Count one row: key is its quasi-identifier values, joined; sens[i] its
 * sensitive values.
 */
int kanon_add(struct kanon *k, const char *key, size_t len,
    const char *const *sens, const size_t *slen, struct muni_err *e);
int kanon_result(struct kanon *k, unsigned long long kmin,
    struct kanon_result *r, struct muni_err *e);
/* The size of the class of key (after every row was added). */
unsigned long long kanon_size(struct kanon *k, const char *key, size_t len);
void kanon_free(struct kanon *k);

#endif
