#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/banned.h"

struct arena_block {
	struct arena_block *next;
	size_t size, used;
	char data[];
};

static struct arena_block *
block_new(size_t size, struct arena_block *next)
{
	struct arena_block *b = malloc(sizeof(*b) + size);

	if (b) {
		b->next = next;
		b->size = size;
		b->used = 0;
	}
	return b;
}

char *
arena_dup(struct arena *a, const char *p, size_t n)
{
	struct arena_block *b = a->head;
	char *s;

	if (n >= (size_t)-1 - sizeof(*b) - 1)
		return NULL;
	if (b == NULL || b->size - b->used < n + 1) {
		if (n + 1 > ARENA_BLOCK / 4) {
			/* A long string: a block of its own, behind head. */
			b = block_new(n + 1, b ? b->next : NULL);
			if (b == NULL)
				return NULL;
			if (a->head)
				a->head->next = b;
			else
				a->head = b;
		} else {
			b = block_new(ARENA_BLOCK, a->head);
			if (b == NULL)
				return NULL;
			a->head = b;
		}
	}
	s = b->data + b->used;
	memcpy(s, p, n);
	s[n] = '\0';
	b->used += n + 1;
	return s;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_dup(a, s, strlen(s));
}

void
arena_reset(struct arena *a)
{
	struct arena_block *b, *next, *keep = NULL;

	for (b = a->head; b; b = next) {
		next = b->next;
		if (keep == NULL && b->size == ARENA_BLOCK) {
			keep = b;
			continue;
		}
		free(b);
	}
	if (keep) {
		keep->next = NULL;
		keep->used = 0;
	}
	a->head = keep;
}

void
arena_release(struct arena *a)
{
	arena_reset(a);
	free(a->head);
	a->head = NULL;
}
