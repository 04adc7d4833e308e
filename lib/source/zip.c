#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/exitcode.h"
#include "schema/keyset.h"
#include "source/zip.h"
#include "base/banned.h"

struct zentry {
	char *name;
	unsigned long long csize, usize, offset;
	uint32_t crc;
	int method;
};

struct zip {
	int fd;
	const char *file;
	unsigned long long fsize, max_total;
	struct zentry *ent;
	size_t n;
};

struct zip_stream {
	struct zip *z;
	const struct zentry *ent;
	unsigned long long pos;		/* next compressed byte to read */
	unsigned long long cleft;	/* compressed bytes still to read */
	unsigned long long out;		/* bytes inflated so far */
	uint32_t crc;
	int inflating, ended, done;
	z_stream zs;
	unsigned char in[65536];
};

static unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static unsigned long long
get64(const unsigned char *p)
{
	return (unsigned long long)get32(p) |
	    (unsigned long long)get32(p + 4) << 32;
}

int
zip_is(const unsigned char *p, size_t n)
{
	return n >= 4 && p[0] == 'P' && p[1] == 'K' &&
	    ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6));
}

static int
read_at(struct zip *z, void *p, size_t n, unsigned long long off,
    struct muni_err *e)
{
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = pread(z->fd, (char *)p + done, n - done,
		    (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'",
			    z->file);
			return -1;
		}
		if (r == 0) {
			err_set(e, MUNI_EXIT_DATA, "'%s' is a truncated ZIP "
			    "archive", z->file);
			return -1;
		}
		done += (size_t)r;
	}
	return 0;
}

static int
bad(struct zip *z, struct muni_err *e, const char *why)
{
	err_set(e, MUNI_EXIT_DATA, "'%s' is not a readable ZIP archive: %s",
	    z->file, why);
	return -1;
}

/* Find the end of central directory record; fill count, size, offset. */
static int
find_directory(struct zip *z, unsigned long long *count,
    unsigned long long *size, unsigned long long *offset, struct muni_err *e)
{
	unsigned char tail[65557], loc[20], rec[56];
	size_t n = z->fsize < sizeof(tail) ? (size_t)z->fsize : sizeof(tail);
	size_t i;
	unsigned long long at;

	if (n < 22)
		return bad(z, e, "too short");
	if (read_at(z, tail, n, z->fsize - n, e) < 0)
		return -1;
	for (i = n - 22;; i--) {
		if (get32(tail + i) == 0x06054b50 &&
		    i + 22 + get16(tail + i + 20) == n)
			break;
		if (i == 0)
			return bad(z, e, "no end of central directory");
	}
	*count = get16(tail + i + 10);
	*size = get32(tail + i + 12);
	*offset = get32(tail + i + 16);
	if (*count != 0xffff && *size != 0xffffffff && *offset != 0xffffffff)
		return 0;
	/* ZIP64: a locator just before, pointing to the ZIP64 record. */
	at = z->fsize - n + i;
	if (at < 20 || read_at(z, loc, 20, at - 20, e) < 0 ||
	    get32(loc) != 0x07064b50)
		return bad(z, e, "a ZIP64 record is missing");
	at = get64(loc + 8);
	if (at > z->fsize - 56 || read_at(z, rec, 56, at, e) < 0 ||
	    get32(rec) != 0x06064b50)
		return bad(z, e, "the ZIP64 record is damaged");
	*count = get64(rec + 32);
	*size = get64(rec + 40);
	*offset = get64(rec + 48);
	return 0;
}

/* Apply the ZIP64 extra field of a central directory header. */
static int
zip64_extra(const unsigned char *x, size_t n, struct zentry *en,
    uint32_t usize, uint32_t csize, uint32_t off)
{
	size_t i = 0, k, len;

	while (i + 4 <= n) {
		len = get16(x + i + 2);
		if (i + 4 + len > n)
			return -1;
		if (get16(x + i) == 1) {
			k = i + 4;
			if (usize == 0xffffffff) {
				if (k + 8 > i + 4 + len)
					return -1;
				en->usize = get64(x + k), k += 8;
			}
			if (csize == 0xffffffff) {
				if (k + 8 > i + 4 + len)
					return -1;
				en->csize = get64(x + k), k += 8;
			}
			if (off == 0xffffffff) {
				if (k + 8 > i + 4 + len)
					return -1;
				en->offset = get64(x + k);
			}
			return 0;
		}
		i += 4 + len;
	}
	return usize == 0xffffffff || csize == 0xffffffff ||
	    off == 0xffffffff ? -1 : 0;
}

static int
read_directory(struct zip *z, struct muni_err *e)
{
	unsigned long long count, size, offset, total = 0;
	unsigned char *cd, *p;
	size_t i, k, left, nlen, xlen, clen;
	struct zentry *en;
	struct keyset names;
	char *folded;
	uint32_t us, cs, off;
	long long dup;

	if (find_directory(z, &count, &size, &offset, e) < 0)
		return -1;
	if (count > ZIP_MAX_ENTRIES) {
		err_set(e, MUNI_EXIT_DATA, "'%s' holds %llu entries, more "
		    "than the %d accepted", z->file, count, ZIP_MAX_ENTRIES);
		return -1;
	}
	if (offset > z->fsize || size > z->fsize - offset ||
	    size > (unsigned long long)count * (46 + 3 * 65535))
		return bad(z, e, "the central directory lies outside the file");
	cd = malloc(size ? (size_t)size : 1);
	z->ent = calloc(count ? (size_t)count : 1, sizeof(*z->ent));
	if (cd == NULL || z->ent == NULL) {
		free(cd);
		err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'", z->file);
		return -1;
	}
	if (read_at(z, cd, (size_t)size, offset, e) < 0) {
		free(cd);
		return -1;
	}
	p = cd;
	left = (size_t)size;
	keyset_init(&names);
	for (i = 0; i < count; i++) {
		if (left < 46 || get32(p) != 0x02014b50)
			goto damaged;
		nlen = get16(p + 28);
		xlen = get16(p + 30);
		clen = get16(p + 32);
		if (46 + nlen + xlen + clen > left)
			goto damaged;
		en = &z->ent[z->n];
		if (get16(p + 8) & 1) {
			err_set(e, MUNI_EXIT_DATA, "'%s' is encrypted: muni "
			    "reads only archives without a password", z->file);
			goto refused;
		}
		en->method = (int)get16(p + 10);
		en->crc = get32(p + 16);
		cs = get32(p + 20);
		us = get32(p + 24);
		off = get32(p + 42);
		en->csize = cs;
		en->usize = us;
		en->offset = off;
		if (zip64_extra(p + 46 + nlen, xlen, en, us, cs, off) < 0)
			goto damaged;
		if (memchr(p + 46, '\0', nlen) != NULL)
			goto damaged;
		en->name = strndup((const char *)p + 46, nlen);
		folded = strndup((const char *)p + 46, nlen);
		if (en->name == NULL || folded == NULL) {
			free(folded);
			free(en->name);
			en->name = NULL;
			goto nomem;
		}
		z->n++;
		/*
		 * Names as zip_find() compares them: a name twice is refused,
		 * since readers differ in which copy they take.
		 */
		for (k = 0; folded[k]; k++)
			if (folded[k] >= 'A' && folded[k] <= 'Z')
				folded[k] = (char)(folded[k] | 0x20);
		k = strspn(folded, "/");
		dup = keyset_add(&names, folded + k, strlen(folded + k), i + 1);
		free(folded);
		if (dup < 0)
			goto nomem;
		if (dup > 0) {
			err_set(e, MUNI_EXIT_DATA, "'%s' holds the entry '%s' "
			    "twice (entries %lld and %zu): programs differ in "
			    "which copy they read, so muni reads neither",
			    z->file, en->name, dup, i + 1);
			goto refused;
		}
		if (en->offset >= z->fsize || en->csize > z->fsize)
			goto damaged;
		if (en->usize > ZIP_MAX_ENTRY) {
			err_set(e, MUNI_EXIT_DATA, "'%s': entry '%s' inflates "
			    "to %llu bytes, more than the %llu accepted",
			    z->file, en->name, en->usize, ZIP_MAX_ENTRY);
			goto refused;
		}
		if (en->usize > ((unsigned long long)1 << 20) &&
		    en->usize / (en->csize ? en->csize : 1) >= ZIP_MAX_RATIO) {
			err_set(e, MUNI_EXIT_DATA, "'%s': entry '%s' inflates "
			    "%llu times (%llu bytes to %llu), a zip bomb: "
			    "refused", z->file, en->name,
			    en->usize / (en->csize ? en->csize : 1),
			    en->csize, en->usize);
			goto refused;
		}
		total += en->usize;
		if (total > z->max_total) {
			err_set(e, MUNI_EXIT_DATA, "'%s' inflates to more "
			    "than %llu bytes (raise the limit with "
			    "--max-input-size)", z->file, z->max_total);
			goto refused;
		}
		p += 46 + nlen + xlen + clen;
		left -= 46 + nlen + xlen + clen;
	}
	free(cd);
	keyset_release(&names);
	return 0;
nomem:
	err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'", z->file);
	goto refused;
damaged:
	bad(z, e, "the central directory is damaged");
refused:
	free(cd);
	keyset_release(&names);
	return -1;
}

struct zip *
zip_open(int fd, const char *file, unsigned long long max_total,
    struct muni_err *e)
{
	struct stat st;
	struct zip *z;

	if (fstat(fd, &st) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'", file);
		return NULL;
	}
	z = calloc(1, sizeof(*z));
	if (z == NULL) {
		err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'", file);
		return NULL;
	}
	z->fd = fd;
	z->file = file;
	z->fsize = (unsigned long long)st.st_size;
	z->max_total = max_total ? max_total : ZIP_MAX_TOTAL;
	if (read_directory(z, e) < 0) {
		zip_free(z);
		return NULL;
	}
	return z;
}

void
zip_free(struct zip *z)
{
	size_t i;

	if (z == NULL)
		return;
	for (i = 0; i < z->n; i++)
		free(z->ent[i].name);
	free(z->ent);
	free(z);
}

size_t
zip_count(const struct zip *z)
{
	return z->n;
}

const char *
zip_name(const struct zip *z, size_t i)
{
	return z->ent[i].name;
}

unsigned long long
zip_size(const struct zip *z, size_t i)
{
	return z->ent[i].usize;
}

long
zip_find(const struct zip *z, const char *name)
{
	size_t i;

	while (*name == '/')
		name++;
	for (i = 0; i < z->n; i++)
		if (strcasecmp(z->ent[i].name, name) == 0)
			return (long)i;
	return -1;
}

struct zip_stream *
zip_stream_open(struct zip *z, size_t i, struct muni_err *e)
{
	const struct zentry *en = &z->ent[i];
	unsigned char h[30];
	struct zip_stream *s;

	if (en->method != 0 && en->method != 8) {
		err_set(e, MUNI_EXIT_DATA, "'%s': entry '%s' is compressed "
		    "with method %d; muni reads stored and deflated entries",
		    z->file, en->name, en->method);
		return NULL;
	}
	if (read_at(z, h, sizeof(h), en->offset, e) < 0)
		return NULL;
	if (get32(h) != 0x04034b50) {
		bad(z, e, "a local header is damaged");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'", z->file);
		return NULL;
	}
	s->z = z;
	s->ent = en;
	s->pos = en->offset + 30 + get16(h + 26) + get16(h + 28);
	s->cleft = en->csize;
	if (s->pos > z->fsize || s->cleft > z->fsize - s->pos) {
		free(s);
		bad(z, e, "an entry lies outside the file");
		return NULL;
	}
	s->crc = (uint32_t)crc32(0L, Z_NULL, 0);
	if (en->method == 8) {
		if (inflateInit2(&s->zs, -15) != Z_OK) {
			free(s);
			err_set(e, MUNI_EXIT_INTERNAL, "cannot start zlib");
			return NULL;
		}
		s->inflating = 1;
	}
	return s;
}

static ssize_t
stream_fail(struct zip_stream *s, struct muni_err *e, const char *why)
{
	err_set(e, MUNI_EXIT_DATA, "'%s': entry '%s' %s", s->z->file,
	    s->ent->name, why);
	return -1;
}

static ssize_t
stream_end(struct zip_stream *s, struct muni_err *e)
{
	if (s->out != s->ent->usize)
		return stream_fail(s, e, "is shorter than its declared size");
	if (s->crc != s->ent->crc)
		return stream_fail(s, e, "is damaged (CRC mismatch)");
	s->done = 1;
	return 0;
}

ssize_t
zip_stream_read(struct zip_stream *s, void *p, size_t n,
    struct muni_err *e)
{
	size_t want, got;
	int rc;

	if (s->done || n == 0)
		return 0;
	if (!s->inflating) {
		want = n < s->cleft ? n : (size_t)s->cleft;
		if (want == 0)
			return stream_end(s, e);
		if (read_at(s->z, p, want, s->pos, e) < 0)
			return -1;
		s->pos += want;
		s->cleft -= want;
		got = want;
	} else {
		if (s->ended)
			return stream_end(s, e);
		s->zs.next_out = p;
		s->zs.avail_out = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
		do {
			if (s->zs.avail_in == 0 && s->cleft > 0) {
				want = s->cleft < sizeof(s->in) ?
				    (size_t)s->cleft : sizeof(s->in);
				if (read_at(s->z, s->in, want, s->pos, e) < 0)
					return -1;
				s->pos += want;
				s->cleft -= want;
				s->zs.next_in = s->in;
				s->zs.avail_in = (uInt)want;
			}
			rc = inflate(&s->zs, Z_NO_FLUSH);
			got = (size_t)((unsigned char *)s->zs.next_out -
			    (unsigned char *)p);
			if (rc == Z_STREAM_END)
				s->ended = 1;
			else if (rc == Z_BUF_ERROR && s->zs.avail_in == 0 &&
			    s->cleft == 0)
				return stream_fail(s, e, "is truncated");
			else if (rc != Z_OK && rc != Z_BUF_ERROR)
				return stream_fail(s, e, "is damaged (bad "
				    "deflate data)");
		} while (got == 0 && !s->ended);
		if (got == 0)
			return stream_end(s, e);
	}
	if (got > s->ent->usize - s->out)
		return stream_fail(s, e, "inflates to more than its declared "
		    "size: refused");
	s->out += got;
	s->crc = (uint32_t)crc32(s->crc, p, (uInt)got);
	return (ssize_t)got;
}

void
zip_stream_close(struct zip_stream *s)
{
	if (s == NULL)
		return;
	if (s->inflating)
		inflateEnd(&s->zs);
	free(s);
}

int
zip_read_all(struct zip *z, size_t i, struct buf *out, struct muni_err *e)
{
	struct zip_stream *s;
	char chunk[65536];
	ssize_t r;

	if (z->ent[i].usize > out->max - out->len) {
		err_set(e, MUNI_EXIT_DATA, "'%s': entry '%s' is larger than "
		    "the %zu bytes accepted", z->file, z->ent[i].name,
		    out->max);
		return -1;
	}
	s = zip_stream_open(z, i, e);
	if (s == NULL)
		return -1;
	while ((r = zip_stream_read(s, chunk, sizeof(chunk), e)) > 0)
		if (buf_add(out, chunk, (size_t)r) < 0) {
			err_set(e, MUNI_EXIT_DATA, "'%s': entry '%s' is too "
			    "large", z->file, z->ent[i].name);
			r = -1;
			break;
		}
	zip_stream_close(s);
	return r < 0 ? -1 : 0;
}
