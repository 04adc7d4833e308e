/*
 * keyset: a set of byte strings, each remembered with the row where it was
 * first seen, for unique and primary-key checks. Memory grows with the
 * number of distinct keys, and only with it: the one thing in a streaming
 * validation that may grow with the file (DESIGN.md).
 */
#ifndef MUNI_KEYSET_H
#define MUNI_KEYSET_H

#include <stddef.h>

struct keyset {
	struct keyslot *slots;
	size_t cap;		/* a power of two */
	size_t count;
	char *arena;		/* the keys' bytes, one after another */
	size_t arena_len, arena_cap;
};

void keyset_init(struct keyset *k);
void keyset_release(struct keyset *k);
/*
 * Add the key; if it was already there return the row it was first added
 * with (> 0), else remember row and return 0. -1 when out of memory.
 */
long long keyset_add(struct keyset *k, const void *key, size_t len,
    unsigned long long row);
/*
 * The 64-bit hash of the keys (FNV-1a, never 0), continued from h when
 * hashing in pieces: keyset_hash(KEYSET_HASH_INIT, p, n).
 */
#define KEYSET_HASH_INIT 0xcbf29ce484222325ULL
unsigned long long keyset_hash(unsigned long long h, const void *p, size_t n);

/* The row the key was added with, or 0 when absent. */
unsigned long long keyset_find(const struct keyset *k, const void *key,
    size_t len);

#endif
