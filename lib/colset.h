/*
 * colset: the columns of a source whose records name their values (JSON
 * objects, XML elements): the union of the names, in the order first seen,
 * each with its index. Bounded: CSVIN_MAX_FIELDS names, 64 MiB of them.
 */
#ifndef MUNI_COLSET_H
#define MUNI_COLSET_H

#include <stddef.h>

#include "buf.h"
#include "keyset.h"

struct colset {
	struct keyset index;
	struct buf names;
	size_t *off, n, cap;
};

void colset_init(struct colset *c);
void colset_release(struct colset *c);
/* The index of name, or -1 when absent. */
long colset_find(const struct colset *c, const char *name, size_t len);
/* The index of name, added when absent; -1 when over the limits. */
long colset_add(struct colset *c, const char *name, size_t len);
const char *colset_name(const struct colset *c, size_t i, size_t *len);

#endif
