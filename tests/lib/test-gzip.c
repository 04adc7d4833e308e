#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/gzip.h"
#include "tap.h"

/* `printf 'a,b\n1,2\n' | gzip -9n`: a member gzip(1) wrote. */
static const unsigned char by_gzip[] = {
	0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x4b,
	0xd4, 0x49, 0xe2, 0x32, 0xd4, 0x31, 0xe2, 0x02, 0x00, 0x7b, 0x07,
	0x97, 0x0a, 0x08, 0x00, 0x00, 0x00
};

struct sink {
	unsigned char p[1 << 16];
	size_t n;
};

static int
collect(void *ctx, const void *p, size_t n)
{
	struct sink *s = ctx;

	if (s->n + n > sizeof(s->p)) {
		errno = ENOSPC;
		return -1;
	}
	memcpy(s->p + s->n, p, n);
	s->n += n;
	return 0;
}

static int
failing(void *ctx, const void *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
	errno = ENOSPC;
	return -1;
}

/*
 * Inflate p[0..n) fed step bytes at a time into out (cap bytes at most):
 * the last status, *made the bytes out, *complete gunzip_complete().
 */
static int
gunzip_all(const unsigned char *p, size_t n, size_t step,
    unsigned long long max, unsigned char *out, size_t cap, size_t *made,
    int *complete)
{
	struct gunzip *g = gunzip_new(max);
	size_t at = 0, used, got;
	int rc = GUNZIP_OK;

	*made = 0;
	while (g && at < n && rc == GUNZIP_OK) {
		rc = gunzip_step(g, p + at, n - at < step ? n - at : step, &used,
		    out + *made, cap - *made > 7 ? 7 : cap - *made, &got);
		at += used;
		*made += got;
	}
	*complete = g ? gunzip_complete(g) : 0;
	gunzip_free(g);
	return rc;
}

int
main(void)
{
	static unsigned char two[256], out[1 << 16];
	struct sink s;
	struct gzip *z;
	size_t made, i;
	int complete;

	memset(&s, 0, sizeof(s));
	ok(gunzip_all(by_gzip, sizeof(by_gzip), 3, 1000, out, sizeof(out),
	    &made, &complete) == GUNZIP_OK && complete && made == 8 &&
	    memcmp(out, "a,b\n1,2\n", 8) == 0,
	    "a member gzip(1) wrote, fed 3 bytes at a time");
	memcpy(two, by_gzip, sizeof(by_gzip));
	memcpy(two + sizeof(by_gzip), by_gzip, sizeof(by_gzip));
	ok(gunzip_all(two, 2 * sizeof(by_gzip), 5, 1000, out, sizeof(out),
	    &made, &complete) == GUNZIP_OK && complete && made == 16 &&
	    memcmp(out + 8, "a,b\n1,2\n", 8) == 0,
	    "two members (gzip -c a b) are one stream");
	ok(gunzip_all(by_gzip, sizeof(by_gzip) - 4, 64, 1000, out,
	    sizeof(out), &made, &complete) == GUNZIP_OK && !complete,
	    "a member cut short is not complete");
	memcpy(two + sizeof(by_gzip), "junk", 4);
	ok(gunzip_all(two, sizeof(by_gzip) + 4, 64, 1000, out, sizeof(out),
	    &made, &complete) == GUNZIP_TRAILING, "bytes after the last member");
	memcpy(two, by_gzip, sizeof(by_gzip));
	two[sizeof(by_gzip) - 6] ^= 0xff;	/* the CRC */
	ok(gunzip_all(two, sizeof(by_gzip), 64, 1000, out, sizeof(out),
	    &made, &complete) == GUNZIP_CORRUPT, "a wrong CRC is corrupt data");
	ok(gunzip_all(by_gzip, sizeof(by_gzip), 64, 5, out, sizeof(out),
	    &made, &complete) == GUNZIP_TOO_LARGE,
	    "inflating past the bound stops");

	/* The writer, read back by the reader: 50,000 bytes, two writes. */
	for (i = 0; i < sizeof(out); i++)
		out[i] = (unsigned char)("muni,"[i % 5]);
	z = gzip_new();
	ok(z && gzip_write(z, out, 30000, 0, collect, &s) == 0 &&
	    gzip_write(z, out + 30000, 20000, 1, collect, &s) == 0 &&
	    s.n > 18 && s.n < 1000 && s.p[0] == 0x1f && s.p[1] == 0x8b,
	    "the writer makes one small gzip member");
	gzip_free(z);
	{
		static unsigned char back[60000];

		ok(gunzip_all(s.p, s.n, 100, 50000, back, sizeof(back), &made,
		    &complete) == GUNZIP_OK && complete && made == 50000 &&
		    memcmp(back, out, 50000) == 0,
		    "what it writes reads back whole");
	}
	z = gzip_new();
	errno = 0;
	ok(z && gzip_write(z, out, 1000, 1, failing, NULL) == -1 &&
	    errno == ENOSPC, "a failing sink fails the write, errno kept");
	gzip_free(z);
	gunzip_free(NULL);
	gzip_free(NULL);
	return done_testing();
}
