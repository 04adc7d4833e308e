#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvout.h"
#include "banned.h"

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

static int
put_field(struct csvout *out, const struct field *f)
{
	const unsigned char *s = (const unsigned char *)f->ptr;
	size_t i, n = f->len;
	char *d;

	for (i = 0; i < n; i++)
		if (needs_quote[s[i]])
			break;
	if (i == n) {
		if (reserve(out, n + 1) < 0)
			return -1;
		memcpy(out->buf + out->len, s, n);
		out->len += n;
		return 0;
	}
	/* Worst case: every byte a quote, doubled, plus the two quotes. */
	if (reserve(out, 2 * n + 3) < 0)
		return -1;
	d = out->buf + out->len;
	*d++ = '"';
	memcpy(d, s, i);
	d += i;
	for (; i < n; i++) {
		if (s[i] == '"')
			*d++ = '"';
		*d++ = (char)s[i];
	}
	*d++ = '"';
	out->len = (size_t)(d - out->buf);
	return 0;
}

int
csvout_record(struct csvout *out, const struct field *f, size_t n)
{
	size_t i;

	if (out->errnum) {
		errno = out->errnum;
		return -1;
	}
	if (n == 1 && f[0].len == 0) {
		out->records++;
		return csvout_write(out, "\"\"\n", 3);
	}
	for (i = 0; i < n; i++) {
		if (i > 0 && csvout_write(out, ",", 1) < 0)
			return -1;
		if (put_field(out, &f[i]) < 0)
			return -1;
	}
	out->records++;
	return csvout_write(out, "\n", 1);
}

int
csvout_flush(struct csvout *out)
{
	return drain(out);
}
