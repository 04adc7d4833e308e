#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/extsort.h"
#include "tap.h"

/*
 * A record: a 2-byte key, then the index it was added with (the check of
 * stability), then filler of some length.
 */
struct ref {
	unsigned key, idx;
	size_t len;
};

static int
by_key(const char *a, size_t alen, const char *b, size_t blen)
{
	(void)alen;
	(void)blen;
	return memcmp(a, b, 2);
}

/* The reference: sorted by key, then by index (a stable sort). */
static int
ref_cmp(const void *pa, const void *pb)
{
	const struct ref *a = pa, *b = pb;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int
dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	if (d)
		closedir(d);
	return d && n == 0;
}

/* Sort n records in run_bytes; compare with the reference. */
static void
check(const char *dir, size_t n, size_t run_bytes, size_t maxlen,
    size_t want_runs_min)
{
	struct ref *r = calloc(n + 1, sizeof(*r));
	struct extsort *x;
	struct muni_err e;
	char rec[70000];
	const char *p;
	size_t i, len, got = 0;
	int rc, good = 1, tidy = 1;

	x = extsort_new(dir, run_bytes, by_key, &e);
	for (i = 0; i < n && x; i++) {
		r[i].key = (unsigned)(rand() % 97);
		r[i].idx = (unsigned)i;
		r[i].len = 8 + (size_t)rand() % maxlen;
		rec[0] = (char)(r[i].key >> 8);
		rec[1] = (char)(r[i].key & 0xff);
		memcpy(rec + 2, &r[i].idx, 4);
		memset(rec + 6, 'a' + (int)(i % 26), r[i].len - 6);
		if (extsort_add(x, rec, r[i].len, &e) < 0) {
			good = 0;
			break;
		}
		if (!dir_empty(dir))
			tidy = 0;
	}
	qsort(r, n, sizeof(*r), ref_cmp);
	while (good && x && (rc = extsort_next(x, &p, &len, &e)) > 0) {
		unsigned idx;

		memcpy(&idx, p + 2, 4);
		if (got >= n || idx != r[got].idx || len != r[got].len ||
		    p[len - 1] != 'a' + (int)(idx % 26))
			good = 0;
		got++;
	}
	ok(x && good && got == n, "%zu records in runs of %zu bytes come back "
	    "sorted, stable, whole", n, run_bytes);
	ok(x && extsort_runs(x) >= want_runs_min, "%zu runs written (at "
	    "least %zu expected)", x ? extsort_runs(x) : 0, want_runs_min);
	ok(tidy && dir_empty(dir), "no file left in the folder");
	extsort_free(x);
	free(r);
}

int
main(void)
{
	char dir[] = "/tmp/test-extsort.XXXXXX";
	struct extsort *x;
	struct muni_err e;
	const char *p;
	size_t len;
	char big[5000];

	srand(7);
	if (mkdtemp(dir) == NULL)
		return 1;
	check(dir, 0, 1 << 20, 10, 0);
	check(dir, 1, 1 << 20, 10, 0);
	check(dir, 5000, (size_t)64 << 20, 100, 0);	/* in memory */
	check(dir, 5000, 16384, 100, 10);		/* one merge */
	check(dir, 20000, 2048, 60, 2 * EXTSORT_FANIN);	/* merge passes */
	check(dir, 300, 4096, 60000, 100);		/* records > a run */

	/* A record larger than a run, alone in memory. */
	x = extsort_new(dir, 100, by_key, &e);
	memset(big, 'z', sizeof(big));
	ok(x && extsort_add(x, big, sizeof(big), &e) == 0 &&
	    extsort_next(x, &p, &len, &e) == 1 && len == sizeof(big) &&
	    extsort_next(x, &p, &len, &e) == 0, "a record larger than a run");
	ok(x && extsort_add(x, big, 1, &e) < 0, "no record after the first "
	    "extsort_next");
	extsort_free(x);

	/* A folder that cannot be written: the error, not a crash. */
	x = extsort_new("/nonexistent/folder", 10, by_key, &e);
	ok(x && extsort_add(x, big, 20, &e) == 0 &&
	    extsort_add(x, big, 20, &e) < 0 && e.status == 3 &&
	    strstr(e.msg, "/nonexistent/folder") != NULL,
	    "a run that cannot be created: status 3, the folder named (%s)",
	    x ? e.msg : "");
	extsort_free(x);
	rmdir(dir);
	return done_testing();
}
