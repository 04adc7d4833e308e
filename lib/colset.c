#include <stdlib.h>

#include "colset.h"
#include "csvin.h"
#include "banned.h"

void
colset_init(struct colset *c)
{
	keyset_init(&c->index);
	buf_init(&c->names, (size_t)64 << 20);
	c->off = NULL;
	c->n = c->cap = 0;
}

void
colset_release(struct colset *c)
{
	keyset_release(&c->index);
	buf_release(&c->names);
	free(c->off);
	c->off = NULL;
	c->n = c->cap = 0;
}

long
colset_find(const struct colset *c, const char *name, size_t len)
{
	unsigned long long at = keyset_find(&c->index, name, len);

	return at > 0 ? (long)at - 1 : -1;
}

long
colset_add(struct colset *c, const char *name, size_t len)
{
	long at = colset_find(c, name, len);
	size_t *off;

	if (at >= 0)
		return at;
	if (c->n >= CSVIN_MAX_FIELDS)
		return -1;
	if (c->n + 2 > c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		off = realloc(c->off, c->cap * sizeof(*off));
		if (off == NULL)
			return -1;
		c->off = off;
	}
	if (buf_add(&c->names, name, len) < 0 ||
	    keyset_add(&c->index, name, len, c->n + 1) < 0)
		return -1;
	c->off[0] = 0;
	c->off[++c->n] = c->names.len;
	return (long)c->n - 1;
}

const char *
colset_name(const struct colset *c, size_t i, size_t *len)
{
	*len = c->off[i + 1] - c->off[i];
	return c->names.ptr + c->off[i];
}
