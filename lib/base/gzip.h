/*
 * gzip: gzip streams through zlib, the one module that inflates or
 * deflates them (a ZIP entry's raw deflate is zip's).
 *
 * The reader takes concatenated members (what `gzip -c a b` writes),
 * refuses bytes after the last member that do not start another, and
 * stops at a bound on what the stream inflates to: a gzip bomb is a data
 * error, not a full disk. The caller reads and writes; the module only
 * turns bytes into bytes, and says why it stopped.
 */
#ifndef MUNI_GZIP_H
#define MUNI_GZIP_H

#include <stddef.h>

enum gunzip_status {
	GUNZIP_OK = 0,
	GUNZIP_CORRUPT = -1,	/* not gzip data: gunzip_why() says what */
	GUNZIP_TRAILING = -2,	/* bytes after the last member */
	GUNZIP_TOO_LARGE = -3	/* more than max bytes out */
};

struct gunzip;

/* A reader of a stream inflating to max bytes at most; NULL: no memory. */
struct gunzip *gunzip_new(unsigned long long max);
/*
 * Inflate from in[0..n) into out[0..cap), cap > 0: *used bytes of in
 * consumed, *made bytes of out produced (both 0 when n is). GUNZIP_OK
 * or why the stream is refused; after a refusal the reader is done.
 */
int gunzip_step(struct gunzip *g, const void *in, size_t n, size_t *used,
    void *out, size_t cap, size_t *made);
/* At the end of the input: 1 when the last member was whole, 0 if cut. */
int gunzip_complete(const struct gunzip *g);
/* zlib's reason for the last GUNZIP_CORRUPT. */
const char *gunzip_why(const struct gunzip *g);
void gunzip_free(struct gunzip *g);

struct gzip;

/* A writer of one gzip member at zlib's level 6; NULL: no memory. */
struct gzip *gzip_new(void);
/*
 * Deflate p[0..n), and end the member when finish is set, handing each
 * piece of output to emit (which returns -1 on failure, errno set): 0, or
 * -1 when emit failed (errno kept) or zlib did (errno EIO).
 */
int gzip_write(struct gzip *z, const void *p, size_t n, int finish,
    int (*emit)(void *ctx, const void *p, size_t n), void *ctx);
void gzip_free(struct gzip *z);

#endif
