#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/gzip.h"
#include "base/banned.h"

struct gunzip {
	z_stream z;
	int open;			/* inside a member */
	unsigned long long out, max;
};

struct gunzip *
gunzip_new(unsigned long long max)
{
	struct gunzip *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	if (inflateInit2(&g->z, 15 + 16) != Z_OK) {
		free(g);
		return NULL;
	}
	g->open = 1;
	g->max = max;
	return g;
}

int
gunzip_step(struct gunzip *g, const void *in, size_t n, size_t *used,
    void *out, size_t cap, size_t *made)
{
	const unsigned char *p = in;
	int rc;

	*used = *made = 0;
	if (n == 0)
		return GUNZIP_OK;
	if (!g->open) {
		/* A new member: only another gzip member may follow. */
		if (p[0] != 0x1f)
			return GUNZIP_TRAILING;
		if (inflateReset(&g->z) != Z_OK)
			return GUNZIP_CORRUPT;
		g->open = 1;
	}
	g->z.next_in = (unsigned char *)(uintptr_t)p;
	g->z.avail_in = n > UINT_MAX ? UINT_MAX : (uInt)n;
	g->z.next_out = out;
	g->z.avail_out = cap > UINT_MAX ? UINT_MAX : (uInt)cap;
	rc = inflate(&g->z, Z_NO_FLUSH);
	*used = (n > UINT_MAX ? UINT_MAX : n) - g->z.avail_in;
	*made = (cap > UINT_MAX ? UINT_MAX : cap) - g->z.avail_out;
	g->out += *made;
	if (g->out > g->max)
		return GUNZIP_TOO_LARGE;
	if (rc == Z_STREAM_END)
		g->open = 0;
	else if (rc == Z_BUF_ERROR && *used == 0 && *made == 0)
		return GUNZIP_CORRUPT;	/* no progress possible */
	else if (rc != Z_OK && rc != Z_BUF_ERROR)
		return GUNZIP_CORRUPT;
	return GUNZIP_OK;
}

int
gunzip_complete(const struct gunzip *g)
{
	return !g->open;
}

const char *
gunzip_why(const struct gunzip *g)
{
	return g->z.msg ? g->z.msg : "inflate failed";
}

void
gunzip_free(struct gunzip *g)
{
	if (g == NULL)
		return;
	inflateEnd(&g->z);
	free(g);
}

struct gzip {
	z_stream z;
};

struct gzip *
gzip_new(void)
{
	struct gzip *z = calloc(1, sizeof(*z));

	if (z == NULL)
		return NULL;
	if (deflateInit2(&z->z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		free(z);
		return NULL;
	}
	return z;
}

int
gzip_write(struct gzip *z, const void *p, size_t n, int finish,
    int (*emit)(void *ctx, const void *p, size_t n), void *ctx)
{
	unsigned char out[1 << 16];
	int flush = finish ? Z_FINISH : Z_NO_FLUSH, rc;
	size_t got;

	z->z.next_in = (unsigned char *)(uintptr_t)p;
	z->z.avail_in = (uInt)n;
	do {
		z->z.next_out = out;
		z->z.avail_out = sizeof(out);
		rc = deflate(&z->z, flush);
		if (rc == Z_STREAM_ERROR) {
			errno = EIO;
			return -1;
		}
		got = sizeof(out) - z->z.avail_out;
		if (got && emit(ctx, out, got) < 0)
			return -1;
	} while (z->z.avail_out == 0 || (finish && rc != Z_STREAM_END));
	return 0;
}

void
gzip_free(struct gzip *z)
{
	if (z == NULL)
		return;
	deflateEnd(&z->z);
	free(z);
}
