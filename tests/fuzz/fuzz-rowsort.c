/*
 * libFuzzer target for rowsort (muni-transform --sort, --dedupe-key): any
 * bytes are rows (lines) of fields (split at commas), sorted by the first
 * field ascending and the second descending, deduplicated on the third,
 * in 1 KiB of memory so that runs go to disk. Checked: every row comes
 * out once, as kept or as a duplicate, and no two rows kept share a key.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transform/rowsort.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	size_t out, dups;
	struct field keys[4096];
	char *copies[4096];
	size_t nkeys;
};

static int
row(void *ctx, const struct field *f, size_t n)
{
	struct seen *s = ctx;
	size_t i;

	s->out++;
	if (n < 3 || f[2].len == 0 || s->nkeys == 4096)
		return 0;
	for (i = 0; i < s->nkeys; i++)
		if (s->keys[i].len == f[2].len &&
		    memcmp(s->keys[i].ptr, f[2].ptr, f[2].len) == 0)
			abort();	/* a key kept twice */
	s->copies[s->nkeys] = malloc(f[2].len + 1);
	memcpy(s->copies[s->nkeys], f[2].ptr, f[2].len);
	s->keys[s->nkeys].ptr = s->copies[s->nkeys];
	s->keys[s->nkeys++].len = f[2].len;
	return 0;
}

static int
dup(void *ctx, const struct record *rec, const struct field *out,
    size_t nout, unsigned long long kept)
{
	struct seen *s = ctx;

	(void)out;
	(void)nout;
	if (kept == rec->row)
		abort();
	s->dups++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sort[] = { 0, 1 }, key[] = { 2 };
	static const int desc[] = { 0, 1 };
	struct rowsort_options o = { sort, desc, 2, key, 1, 0, 1, 1024, NULL };
	struct field f[16];
	struct record rec;
	struct rowsort *r;
	struct muni_err e;
	struct seen *s = calloc(1, sizeof(*s));
	unsigned long long ndup, rows = 0;
	size_t i = 0, start, n;

	o.keep_last = size > 0 && data[0] & 1;
	r = rowsort_new(&o, &e);
	while (r && i < size) {
		n = 0;
		start = i;
		for (; i <= size; i++)
			if (i == size || data[i] == '\n' || data[i] == ',') {
				if (n < 16) {
					f[n].ptr = (const char *)data + start;
					f[n++].len = i - start;
				}
				start = i + 1;
				if (i == size || data[i] == '\n')
					break;
			}
		i++;
		rec.fields = f;
		rec.nfields = n;
		rec.row = rec.line = ++rows + 1;
		if (rowsort_add(r, f, n, &rec, &e) < 0)
			abort();
	}
	if (r && (rowsort_finish(r, row, dup, s, &ndup, &e) < 0 ||
	    s->out + s->dups != rows || ndup != s->dups))
		abort();
	rowsort_free(r);
	for (i = 0; i < s->nkeys; i++)
		free(s->copies[i]);
	free(s);
	return 0;
}
