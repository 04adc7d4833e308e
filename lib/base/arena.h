/*
 * arena: strings allocated one after the other in large blocks and freed
 * all at once (arena_reset()), for the many short strings of a batch of
 * work (a validator's errors) that die together. Not shared between
 * threads: each thread its own.
 */
#ifndef MUNI_ARENA_H
#define MUNI_ARENA_H

#include <stddef.h>

#define ARENA_BLOCK ((size_t)64 << 10)

struct arena_block;

struct arena {
	struct arena_block *head;	/* the block being filled */
};

/* A NUL-terminated copy of p[0..n) in a, or NULL when out of memory. */
char *arena_dup(struct arena *a, const char *p, size_t n);
/* arena_dup() of a string. */
char *arena_strdup(struct arena *a, const char *s);
/* Free every string of a; one block is kept for the next. */
void arena_reset(struct arena *a);
void arena_release(struct arena *a);

#endif
