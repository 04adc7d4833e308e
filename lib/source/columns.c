#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "csv/csvin.h"
#include "source/columns.h"
#include "base/banned.h"

void
columns_init(struct columns *c)
{
	keyset_init(&c->index);
	buf_init(&c->names, (size_t)64 << 20);
	c->off = NULL;
	c->n = c->cap = 0;
}

void
columns_release(struct columns *c)
{
	keyset_release(&c->index);
	buf_release(&c->names);
	free(c->off);
	c->off = NULL;
	c->n = c->cap = 0;
}

long
columns_find(const struct columns *c, const char *name, size_t len)
{
	unsigned long long at = keyset_find(&c->index, name, len);

	return at > 0 ? (long)at - 1 : -1;
}

long
columns_add(struct columns *c, const char *name, size_t len)
{
	long at = columns_find(c, name, len);
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
columns_name(const struct columns *c, size_t i, size_t *len)
{
	*len = c->off[i + 1] - c->off[i];
	return c->names.ptr + c->off[i];
}

long
columns_records_path(const char *path, const char *lead, const char *seps,
    char (*steps)[COLUMNS_STEP_MAX], size_t max, struct muni_err *e)
{
	const char *p = path;
	size_t n, k;

	while (*p && strchr(lead, *p))
		p++;
	for (k = 0; *p; k++) {
		n = strcspn(p, seps);
		if (k == max || n >= COLUMNS_STEP_MAX) {
			err_set(e, MUNI_EXIT_USAGE, "--records '%s' is too "
			    "long", path);
			return -1;
		}
		memcpy(steps[k], p, n);
		steps[k][n] = '\0';
		p += n;
		while (*p && strchr(seps, *p))
			p++;
	}
	return (long)k;
}
