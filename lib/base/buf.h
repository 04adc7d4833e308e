/*
 * buf: the one growable byte buffer of muni.
 *
 * Invariants, whatever happened before:
 *   - ptr is never NULL after buf_init(); it points to len bytes followed
 *     by a NUL byte, so ptr can always be used as a C string (when the
 *     content holds no NUL of its own);
 *   - len < cap <= max + 1: the buffer never holds more than max bytes.
 *
 * Growing past max is not an abort: buf_grow() and the buf_add*() functions
 * return -1 with errno set to EFBIG (ENOMEM when the allocation fails) and
 * leave the content unchanged, so the caller can report the location.
 * A buffer owns its memory; buf_release() frees it and leaves the buffer
 * initialised and empty.
 */
#ifndef MUNI_BUF_H
#define MUNI_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char *ptr;
	size_t len;
	size_t cap;
	size_t max;
};

/* A buffer with no memory yet; max is the most bytes it may hold. */
void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);

/* Make room for n more bytes (plus the terminating NUL). */
int buf_grow(struct buf *b, size_t n);

int buf_add_grow(struct buf *b, const void *p, size_t n);

/* Append n bytes; inline because readers call it for every field. */
static inline int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->cap - b->len > n) {
		memcpy(b->ptr + b->len, p, n);
		b->len += n;
		b->ptr[b->len] = '\0';
		return 0;
	}
	return buf_add_grow(b, p, n);
}
int buf_addstr(struct buf *b, const char *s);
int buf_addch(struct buf *b, int c);
/*
 * Append v as 4 bytes in this machine's order: for the files a process
 * writes and reads back itself (spools, sort runs), never for exchange.
 */
int buf_add_u32(struct buf *b, size_t v);
int buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Empty the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* Cut the content to len bytes (len <= b->len). */
void buf_setlen(struct buf *b, size_t len);

#endif
