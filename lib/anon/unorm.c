#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "anon/unorm.h"
#include "base/banned.h"

#define SEG_MAX 64	/* UTF-16 units of one segment, and of its result */

void
unorm_init(struct unorm *u)
{
	memset(u, 0, sizeof(*u));
	buf_init(&u->out, (size_t)1 << 28);
}

void
unorm_release(struct unorm *u)
{
	buf_release(&u->out);
	free(u->from);
	free(u->to);
	memset(u, 0, sizeof(*u));
}

/* Append bytes of the result that come from the input's [from, to). */
static int
emit(struct unorm *u, const char *p, size_t len, size_t from, size_t to)
{
	size_t k, at = u->out.len;

	if (at + len > u->cap) {
		size_t cap = u->cap ? u->cap : 256;
		size_t *f, *t;

		while (cap < at + len)
			cap *= 2;
		f = realloc(u->from, cap * sizeof(*f));
		if (f == NULL)
			return -1;
		u->from = f;
		t = realloc(u->to, cap * sizeof(*t));
		if (t == NULL)
			return -1;
		u->to = t;
		u->cap = cap;
	}
	if (buf_add(&u->out, p, len) < 0)
		return -1;
	for (k = 0; k < len; k++) {
		u->from[at + k] = from;
		u->to[at + k] = to;
	}
	return 0;
}

/* NFKC of the segment p[s..e) into u; -1 on failure. */
static int
segment(struct unorm *u, const UNormalizer2 *nfkc, const char *p, size_t s,
    size_t e)
{
	UChar in[SEG_MAX], out[SEG_MAX];
	char utf8[SEG_MAX * 3];
	UErrorCode st = U_ZERO_ERROR;
	int32_t nin, nout, n8;

	u_strFromUTF8WithSub(in, SEG_MAX, &nin, p + s, (int32_t)(e - s),
	    0xfffd, NULL, &st);
	if (U_FAILURE(st))
		return emit(u, p + s, e - s, s, e);	/* too long: as it is */
	nout = unorm2_normalize(nfkc, in, nin, out, SEG_MAX, &st);
	if (U_FAILURE(st))
		return emit(u, p + s, e - s, s, e);
	u_strToUTF8(utf8, (int32_t)sizeof(utf8), &n8, out, nout, &st);
	if (U_FAILURE(st))
		return emit(u, p + s, e - s, s, e);
	return emit(u, utf8, (size_t)n8, s, e);
}

/*
 * What NFKC does with a code point, asked of ICU once for each of the
 * BMP's: whether it has a boundary before it (a new segment starts), and
 * whether alone it is its own NFKC (é, ç: a copy will do).
 */
#define KNOWN 1
#define BOUNDARY 2
#define SAME 4

static unsigned
info(const UNormalizer2 *nfkc, UChar32 c)
{
	static unsigned char cache[0x10000];
	UChar in[2], out[SEG_MAX];
	UErrorCode st = U_ZERO_ERROR;
	int32_t nin = 0, nout;
	unsigned v;

	if (c >= 0 && c < 0x10000 && (cache[c] & KNOWN))
		return cache[c];
	v = KNOWN;
	if (c < 0)
		return v | BOUNDARY;
	if (unorm2_hasBoundaryBefore(nfkc, c))
		v |= BOUNDARY;
	U16_APPEND_UNSAFE(in, nin, c);
	nout = unorm2_normalize(nfkc, in, nin, out, SEG_MAX, &st);
	if (U_SUCCESS(st) && nout == nin && memcmp(in, out, (size_t)nin *
	    sizeof(UChar)) == 0)
		v |= SAME;
	if (c < 0x10000)
		cache[c] = (unsigned char)v;
	return v;
}

/*
 * Walk p[0..n) segment by segment: whether NFKC changes a segment (1, 0),
 * writing the result into u when write is set; -1 on failure.
 */
static int
walk(struct unorm *u, const UNormalizer2 *nfkc, const char *p, size_t n,
    int write)
{
	const unsigned char *b = (const unsigned char *)p;
	size_t s, e, i;
	int32_t at;
	UChar32 c, d;
	int changed = 0;

	for (s = 0; s < n; s = e) {
		/* a run of ASCII that no combining mark follows: unchanged */
		if (!write) {
			while (s + 1 < n && b[s] < 0x80 && b[s + 1] < 0x80)
				s++;
			if (s + 1 == n && b[s] < 0x80)
				break;
		}
		at = (int32_t)s;
		U8_NEXT(b, at, (int32_t)n, c);
		e = (size_t)at;
		/* what follows: a character that starts a segment, or the end */
		d = -1;
		if (e < n) {
			at = (int32_t)e;
			U8_NEXT(b, at, (int32_t)n, d);
		}
		if ((e == n || b[e] < 0x80 || (info(nfkc, d) & BOUNDARY)) &&
		    (c < 0x80 || (info(nfkc, c) & SAME))) {
			/* alone in its segment and its own NFKC: copied */
			for (i = s; write && i < e; i++)
				if (emit(u, p + i, 1, s, e) < 0)
					return -1;
			continue;
		}
		/* the segment: up to the next character with a boundary */
		while (e < n) {
			at = (int32_t)e;
			U8_NEXT(b, at, (int32_t)n, d);
			if (d < 0 || (info(nfkc, d) & BOUNDARY) ||
			    e - s > SEG_MAX / 2)
				break;
			e = (size_t)at;
		}
		changed = 1;
		if (write && segment(u, nfkc, p, s, e) < 0)
			return -1;
	}
	return changed;
}

int
unorm_nfkc(struct unorm *u, const char *p, size_t n)
{
	const UNormalizer2 *nfkc;
	UErrorCode st = U_ZERO_ERROR;
	size_t i = 0;
	int rc;

	/* ASCII, eight bytes at a time: NFKC changes nothing there */
	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		if (w & 0x8080808080808080ULL)
			break;
	}
	while (i < n && (unsigned char)p[i] < 0x80)
		i++;
	if (i == n)
		return 0;
	nfkc = unorm2_getNFKCInstance(&st);
	if (U_FAILURE(st))
		return -1;
	/* A first walk only looks; the second writes, when there is a need. */
	if ((rc = walk(u, nfkc, p, n, 0)) <= 0)
		return rc;
	buf_reset(&u->out);
	if (walk(u, nfkc, p, n, 1) < 0)
		return -1;
	if (u->out.len == n && memcmp(u->out.ptr, p, n) == 0)
		return 0;	/* composed back to what it was */
	return 1;
}
