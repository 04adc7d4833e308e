#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/banned.h"

/* Where an empty buffer points, so ptr is a valid empty string. */
static char buf_empty[1];

void
buf_init(struct buf *b, size_t max)
{
	b->ptr = buf_empty;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
buf_release(struct buf *b)
{
	if (b->cap)
		free(b->ptr);
	buf_init(b, b->max);
}

int
buf_grow(struct buf *b, size_t n)
{
	size_t want, cap;
	char *p;

	if (n > b->max || b->len > b->max - n) {
		errno = EFBIG;
		return -1;
	}
	want = b->len + n + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap = cap > ((size_t)-1) / 2 ? want : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->cap ? b->ptr : NULL, cap);
	if (p == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (!b->cap)
		p[0] = '\0';
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int
buf_add_grow(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return 0;
}

int
buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addch(struct buf *b, int c)
{
	if (buf_grow(b, 1) < 0)
		return -1;
	b->ptr[b->len++] = (char)c;
	b->ptr[b->len] = '\0';
	return 0;
}

int
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return -1;
	if (buf_grow(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

void
buf_reset(struct buf *b)
{
	buf_setlen(b, 0);
}

void
buf_setlen(struct buf *b, size_t len)
{
	if (!b->cap)
		return;
	b->len = len;
	b->ptr[len] = '\0';
}

int
buf_add_u32(struct buf *b, size_t v)
{
	uint32_t x = (uint32_t)v;

	return buf_add(b, &x, 4);
}
