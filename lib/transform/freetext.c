#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/atomic.h"
#include "csv/csvout.h"
#include "transform/freetext.h"
#include "base/banned.h"

int
freetext_in_enum(const struct schema_field *f, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < f->c.nenum; i++)
		if (strlen(f->c.enum_text[i]) == n &&
		    memcmp(f->c.enum_text[i], p, n) == 0)
			return 1;
	return 0;
}

void
freetext_add(struct freetext *d, const char *p, size_t n)
{
	unsigned long long at;

	if (d->over)
		return;
	if (d->n == 0 && d->off == NULL) {
		keyset_init(&d->set);
		buf_init(&d->text, FREETEXT_BYTES);
		d->off = calloc(FREETEXT_MAX + 1, sizeof(*d->off));
		d->count = calloc(FREETEXT_MAX, sizeof(*d->count));
		if (d->off == NULL || d->count == NULL) {
			d->over = 1;
			return;
		}
	}
	at = keyset_find(&d->set, p, n);
	if (at > 0) {
		d->count[at - 1]++;
		return;
	}
	if (d->n == FREETEXT_MAX || buf_add(&d->text, p, n) < 0 ||
	    keyset_add(&d->set, p, n, d->n + 1) < 0) {
		d->over = 1;
		return;
	}
	d->count[d->n++] = 1;
	d->off[d->n] = d->text.len;
}

void
freetext_release(struct freetext *d)
{
	if (d->off)
		keyset_release(&d->set);
	buf_release(&d->text);
	free(d->off);
	free(d->count);
}

/* The most frequent first, then byte order. */
static int
by_count(const void *pa, const void *pb)
{
	const struct freetext_value *a = pa, *b = pb;
	int c;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	c = memcmp(a->p, b->p, a->n < b->n ? a->n : b->n);
	return c ? c : (a->n > b->n) - (a->n < b->n);
}

struct freetext_value *
freetext_sorted(const struct freetext *d)
{
	struct freetext_value *v = calloc(d->n + 1, sizeof(*v));
	size_t i;

	for (i = 0; v && i < d->n; i++) {
		v[i].p = d->text.ptr + d->off[i];
		v[i].n = d->off[i + 1] - d->off[i];
		v[i].count = d->count[i];
	}
	if (v)
		qsort(v, d->n, sizeof(*v), by_count);
	return v;
}

int
freetext_table(const struct freetext *d, const struct freetext_value *v,
    const struct schema_field *f, const char *path, struct muni_err *e)
{
	struct field c[3];
	struct buf csv;
	char count[32];
	size_t k;
	int rc;

	if (access(path, F_OK) == 0)
		return 0;
	buf_init(&csv, FREETEXT_BYTES * 2 + (size_t)FREETEXT_MAX * 32);
	c[0].ptr = "value";
	c[0].len = 5;
	c[1].ptr = "count";
	c[1].len = 5;
	c[2].ptr = f->name;
	c[2].len = strlen(f->name);
	rc = csvout_render(&csv, c, 3);
	for (k = 0; k < d->n && rc == 0; k++) {
		c[0].ptr = v[k].p;
		c[0].len = v[k].n;
		c[1].len = (size_t)snprintf(count, sizeof(count), "%llu",
		    v[k].count);
		c[1].ptr = count;
		c[2] = freetext_in_enum(f, v[k].p, v[k].n) ? c[0] : c[1];
		c[2].len = c[2].ptr == count ? 0 : c[2].len;
		rc = csvout_render(&csv, c, 3);
	}
	for (k = 0; k < f->c.nenum && rc == 0; k++) {
		c[0].ptr = f->c.enum_text[k];
		c[0].len = strlen(c[0].ptr);
		if (d->off && keyset_find(&d->set, c[0].ptr, c[0].len) > 0)
			continue;
		c[1].ptr = "0";
		c[1].len = 1;
		c[2] = c[0];
		rc = csvout_render(&csv, c, 3);
	}
	if (rc < 0)
		err_nomem(e);
	else
		rc = atomic_write_user(path, csv.ptr, csv.len, 0644, e);
	buf_release(&csv);
	return rc < 0 ? -1 : 1;
}
