#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/extsort.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "csv/csvout.h"
#include "publish/changelog.h"
#include "schema/keyset.h"
#include "base/banned.h"

/* A record on disk: key hash, row hash, key length, key bytes. */
#define HEAD (8 + 8 + 4)
#define MAX_KEY ((size_t)1 << 20)

struct changelog {
	size_t *key;
	size_t nkey;
	struct extsort *sort;
	struct buf rec;		/* the record being added */
	struct buf keytext;
};

struct rec {
	uint64_t kh, rh;
	uint32_t klen;
	const char *key;
};

static void
decode(const char *p, struct rec *r)
{
	memcpy(&r->kh, p, 8);
	memcpy(&r->rh, p + 8, 8);
	memcpy(&r->klen, p + 16, 4);
	r->key = p + HEAD;
}

static int
rec_cmp(const struct rec *a, const struct rec *b)
{
	size_t n;
	int c;

	if (a->kh != b->kh)
		return a->kh < b->kh ? -1 : 1;
	n = a->klen < b->klen ? a->klen : b->klen;
	if ((c = memcmp(a->key, b->key, n)) != 0)
		return c;
	if (a->klen != b->klen)
		return a->klen < b->klen ? -1 : 1;
	return 0;
}

/* The sort of records in an index: by key hash, then key. */
static int
index_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	struct rec ra, rb;

	(void)alen;
	(void)blen;
	decode(a, &ra);
	decode(b, &rb);
	return rec_cmp(&ra, &rb);
}

struct changelog *
changelog_new(const char *dir, const size_t *key, size_t nkey,
    struct muni_err *e)
{
	struct changelog *x = calloc(1, sizeof(*x));

	if (x == NULL || (nkey && (x->key = malloc(nkey *
	    sizeof(*key))) == NULL)) {
		free(x);
		err_nomem(e);
		return NULL;
	}
	if (nkey)
		memcpy(x->key, key, nkey * sizeof(*key));
	x->nkey = nkey;
	if ((x->sort = extsort_new(dir, CHANGELOG_RUN, index_cmp,
	    e)) == NULL) {
		changelog_free(x);
		return NULL;
	}
	buf_init(&x->rec, MAX_KEY + HEAD);
	buf_init(&x->keytext, MAX_KEY);
	return x;
}

void
changelog_free(struct changelog *x)
{
	if (x == NULL)
		return;
	extsort_free(x->sort);
	free(x->key);
	buf_release(&x->rec);
	buf_release(&x->keytext);
	free(x);
}

int
changelog_add(struct changelog *x, const struct record *rec, struct muni_err *e)
{
	uint64_t kh, rh = KEYSET_HASH_INIT;
	uint32_t klen;
	size_t i;

	/* The row: each field with its length, so "a,bc" != "ab,c". */
	for (i = 0; i < rec->nfields; i++) {
		uint64_t n = rec->fields[i].len;

		rh = keyset_hash(rh, &n, sizeof(n));
		rh = keyset_hash(rh, rec->fields[i].ptr, rec->fields[i].len);
	}
	buf_reset(&x->keytext);
	if (x->nkey) {
		struct field f[64];
		size_t n = x->nkey < 64 ? x->nkey : 64;

		for (i = 0; i < n; i++) {
			if (x->key[i] < rec->nfields)
				f[i] = rec->fields[x->key[i]];
			else {
				f[i].ptr = "";
				f[i].len = 0;
			}
		}
		if (csvout_render(&x->keytext, f, n) < 0) {
			err_set(e, MUNI_EXIT_DATA, "the key of row %llu is "
			    "larger than %zu bytes", rec->row, MAX_KEY);
			return -1;
		}
		buf_setlen(&x->keytext, x->keytext.len - 1);	/* the LF */
		kh = keyset_hash(KEYSET_HASH_INIT, x->keytext.ptr,
		    x->keytext.len);
	} else
		kh = rh;
	klen = (uint32_t)x->keytext.len;
	buf_reset(&x->rec);
	if (buf_add(&x->rec, &kh, 8) < 0 || buf_add(&x->rec, &rh, 8) < 0 ||
	    buf_add(&x->rec, &klen, 4) < 0 ||
	    buf_add(&x->rec, x->keytext.ptr, klen) < 0) {
		err_nomem(e);
		return -1;
	}
	return extsort_add(x->sort, x->rec.ptr, x->rec.len, e);
}

/* A buffered reader of an index file, one record at a time. */
struct reader {
	int fd;
	char *buf;
	size_t pos, len, cap;
	int eof, done;
	struct rec cur;
};

static int
reader_open(struct reader *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	r->cap = (size_t)1 << 16;
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	r->buf = malloc(r->cap);
	return r->fd < 0 || r->buf == NULL ? -1 : 0;
}

static void
reader_close(struct reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	free(r->buf);
}

/* The next record into r->cur; 1, 0 at the end, -1 on error. */
static int
reader_next(struct reader *r)
{
	uint32_t klen;
	ssize_t n;

	for (;;) {
		if (r->len - r->pos >= HEAD) {
			memcpy(&klen, r->buf + r->pos + 16, 4);
			if (klen > MAX_KEY) {
				errno = EINVAL;
				return -1;
			}
			if (r->len - r->pos >= HEAD + klen) {
				decode(r->buf + r->pos, &r->cur);
				r->pos += HEAD + klen;
				return 1;
			}
			if (HEAD + klen > r->cap) {
				char *b = realloc(r->buf, HEAD + klen);

				if (b == NULL)
					return -1;
				r->buf = b;
				r->cap = HEAD + klen;
			}
		}
		if (r->eof) {
			if (r->len != r->pos) {
				errno = EINVAL;
				return -1;
			}
			r->done = 1;
			return 0;
		}
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
		n = fd_read_full(r->fd, r->buf + r->len, r->cap - r->len);
		if (n < 0)
			return -1;
		if (n == 0)
			r->eof = 1;
		r->len += (size_t)n;
	}
}

int
changelog_finish(struct changelog *x, const char *path, struct muni_err *e)
{
	struct buf out;
	const char *p;
	size_t n;
	int fd, rc;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot create '%s'", path);
		changelog_free(x);
		return -1;
	}
	buf_init(&out, (size_t)4 << 20);
	while ((rc = extsort_next(x->sort, &p, &n, e)) > 0) {
		if (out.len + n >= out.max) {
			if (fd_write_full(fd, out.ptr, out.len) < 0)
				break;
			buf_reset(&out);
		}
		buf_add(&out, p, n);
	}
	if (rc > 0 || (rc == 0 && (fd_write_full(fd, out.ptr, out.len) < 0 ||
	    fsync(fd) < 0))) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", path);
		rc = -1;
	}
	if (close(fd) < 0 && rc == 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", path);
		rc = -1;
	}
	buf_release(&out);
	changelog_free(x);
	return rc;
}

static int
diff_line(struct buf *out, int fd, const char *change, const struct rec *r)
{
	if (fd < 0)
		return 0;
	if (buf_addstr(out, change) < 0 || buf_addch(out, ',') < 0 ||
	    buf_add(out, r->key, r->klen) < 0 || buf_addch(out, '\n') < 0)
		return -1;
	if (out->len > ((size_t)1 << 20)) {
		if (fd_write_full(fd, out->ptr, out->len) < 0)
			return -1;
		buf_reset(out);
	}
	return 0;
}

int
changelog_compare(const char *old_path, const char *new_path, int diff_fd,
    const char *header, struct changelog_diff *d, struct muni_err *e)
{
	struct reader a, b;
	struct buf out;
	int ra, rb, rc = 0;

	memset(d, 0, sizeof(*d));
	buf_init(&out, (size_t)4 << 20);
	ra = reader_open(&a, old_path);
	rb = ra < 0 ? -1 : reader_open(&b, new_path);
	if (ra < 0 || rb < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read the row index "
		    "'%s'", ra < 0 ? old_path : new_path);
		reader_close(&a);
		if (ra == 0)
			reader_close(&b);
		buf_release(&out);
		return -1;
	}
	if (diff_fd >= 0)
		rc = buf_addf(&out, "change,%s\n", header);
	ra = reader_next(&a);
	rb = reader_next(&b);
	/*
	 * The current record of each side must outlive the other side's
	 * reads; each reader owns its own buffer, so it does.
	 */
	while (rc == 0 && ra >= 0 && rb >= 0 && (ra > 0 || rb > 0)) {
		int c = ra == 0 ? 1 : rb == 0 ? -1 : rec_cmp(&a.cur, &b.cur);

		if (c < 0) {
			d->removed++;
			rc = diff_line(&out, diff_fd, "removed", &a.cur);
			ra = reader_next(&a);
		} else if (c > 0) {
			d->added++;
			rc = diff_line(&out, diff_fd, "added", &b.cur);
			rb = reader_next(&b);
		} else {
			if (a.cur.rh != b.cur.rh) {
				d->changed++;
				rc = diff_line(&out, diff_fd, "changed",
				    &b.cur);
			}
			ra = reader_next(&a);
			rb = reader_next(&b);
		}
	}
	if (rc == 0 && diff_fd >= 0)
		rc = fd_write_full(diff_fd, out.ptr, out.len);
	if (ra < 0 || rb < 0 || rc < 0) {
		err_sys(e, MUNI_EXIT_IO, errno ? errno : EINVAL, "cannot "
		    "compare the row indexes '%s' and '%s'", old_path,
		    new_path);
		rc = -1;
	}
	reader_close(&a);
	reader_close(&b);
	buf_release(&out);
	return rc;
}
