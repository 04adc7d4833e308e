#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv/csvout.h"
#include "base/banned.h"

#define OUT_CHUNK ((size_t)64 << 10)

/* Bytes that force a field to be quoted. */
static const unsigned char needs_quote[256] = {
	['\n'] = 1, ['\r'] = 1, ['"'] = 1, [','] = 1,
};

int
csvout_init(struct csvout *out, int fd)
{
	memset(out, 0, sizeof(*out));
	out->fd = fd;
	out->cap = OUT_CHUNK;
	out->buf = malloc(out->cap);
	if (out->buf == NULL)
		return -1;
	return 0;
}

void
csvout_release(struct csvout *out)
{
	free(out->buf);
	out->buf = NULL;
	out->cap = out->len = 0;
}

static int
drain(struct csvout *out)
{
	size_t done = 0;
	ssize_t n;

	if (out->errnum) {
		errno = out->errnum;
		return -1;
	}
	while (done < out->len) {
		n = write(out->fd, out->buf + done, out->len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			out->errnum = errno;
			return -1;
		}
		done += (size_t)n;
		out->bytes += (unsigned long long)n;
	}
	out->len = 0;
	return 0;
}

/* Room for n more bytes in the buffer. */
static int
reserve(struct csvout *out, size_t n)
{
	char *p;
	size_t cap;

	if (out->len + n <= out->cap)
		return 0;
	if (drain(out) < 0)
		return -1;
	if (n <= out->cap)
		return 0;
	cap = n;
	p = realloc(out->buf, cap);
	if (p == NULL)
		return -1;
	out->buf = p;
	out->cap = cap;
	return 0;
}

int
csvout_write(struct csvout *out, const void *p, size_t n)
{
	if (out->errnum) {
		errno = out->errnum;
		return -1;
	}
	if (reserve(out, n) < 0)
		return -1;
	memcpy(out->buf + out->len, p, n);
	out->len += n;
	return 0;
}

/*
 * Whether p[0..n) holds a byte that forces quoting. Fields are short and
 * rarely need quotes, so eight bytes are tested at once: a byte of x is
 * zero exactly where p equals the byte searched for.
 */
static int
needs_quoting(const unsigned char *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t high = 0x8080808080808080ULL;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w, a, b, c, d;

		memcpy(&w, p + i, 8);
		a = w ^ (ones * ',');
		b = w ^ (ones * '"');
		c = w ^ (ones * '\n');
		d = w ^ (ones * '\r');
		if ((((a - ones) & ~a) | ((b - ones) & ~b) |
		    ((c - ones) & ~c) | ((d - ones) & ~d)) & high)
			return 1;
	}
	for (; i < n; i++)
		if (needs_quote[p[i]])
			return 1;
	return 0;
}

/* Write one field; the caller reserved 2 * len + 3 bytes. */
static char *
put_field(char *d, const struct field *f)
{
	const unsigned char *s = (const unsigned char *)f->ptr;
	size_t i, n = f->len;

	if (!needs_quoting(s, n)) {
		memcpy(d, s, n);
		return d + n;
	}
	/* Copy the spans between quotes whole, doubling each quote. */
	*d++ = '"';
	while (n > 0) {
		const unsigned char *q = memchr(s, '"', n);

		i = q ? (size_t)(q - s) + 1 : n;
		memcpy(d, s, i);
		d += i;
		if (q)
			*d++ = '"';
		s += i;
		n -= i;
	}
	*d++ = '"';
	return d;
}

int
csvout_record(struct csvout *out, const struct field *f, size_t n)
{
	size_t i, need = 1;
	char *d;

	if (out->errnum) {
		errno = out->errnum;
		return -1;
	}
	if (n == 1 && f[0].len == 0) {
		out->records++;
		return csvout_write(out, "\"\"\n", 3);
	}
	/* Worst case: every byte a quote, doubled, two quotes and a comma. */
	for (i = 0; i < n; i++)
		need += 2 * f[i].len + 3;
	if (reserve(out, need) < 0)
		return -1;
	d = out->buf + out->len;
	for (i = 0; i < n; i++) {
		if (i > 0)
			*d++ = ',';
		d = put_field(d, &f[i]);
	}
	*d++ = '\n';
	out->len = (size_t)(d - out->buf);
	out->records++;
	return 0;
}

int
csvout_render(struct buf *out, const struct field *f, size_t n)
{
	size_t i, need = 4;
	char *d;

	for (i = 0; i < n; i++)
		need += 2 * f[i].len + 3;
	if (buf_grow(out, need) < 0)
		return -1;
	d = out->ptr + out->len;
	if (n == 1 && f[0].len == 0) {
		memcpy(d, "\"\"", 2);
		d += 2;
	}
	for (i = 0; i < n; i++) {
		if (i > 0)
			*d++ = ',';
		d = put_field(d, &f[i]);
	}
	*d++ = '\n';
	buf_setlen(out, (size_t)(d - out->ptr));
	return 0;
}

int
csvout_flush(struct csvout *out)
{
	return drain(out);
}
