#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
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
	char dir[4096];
	size_t *key;
	size_t nkey;
	struct buf recs;	/* records of the current run */
	size_t *offs;		/* where each starts in recs */
	size_t nrecs, caprecs;
	struct buf keytext;
	char **runs;
	size_t nruns;
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
	snprintf(x->dir, sizeof(x->dir), "%s", dir);
	if (nkey)
		memcpy(x->key, key, nkey * sizeof(*key));
	x->nkey = nkey;
	buf_init(&x->recs, CHANGELOG_RUN + MAX_KEY + HEAD);
	buf_init(&x->keytext, MAX_KEY);
	return x;
}

void
changelog_free(struct changelog *x)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < x->nruns; i++) {
		unlink(x->runs[i]);
		free(x->runs[i]);
	}
	free(x->runs);
	free(x->key);
	free(x->offs);
	buf_release(&x->recs);
	buf_release(&x->keytext);
	free(x);
}

static const char *sort_base;

static int
offs_cmp(const void *a, const void *b)
{
	struct rec ra, rb;

	decode(sort_base + *(const size_t *)a, &ra);
	decode(sort_base + *(const size_t *)b, &rb);
	return rec_cmp(&ra, &rb);
}

/* Sort the records held and write them to fd. */
static int
write_sorted(struct changelog *x, int fd)
{
	struct buf out;
	size_t i;
	int rc = 0;

	sort_base = x->recs.ptr;
	qsort(x->offs, x->nrecs, sizeof(*x->offs), offs_cmp);
	buf_init(&out, (size_t)1 << 20);
	for (i = 0; i < x->nrecs && rc == 0; i++) {
		struct rec r;

		decode(x->recs.ptr + x->offs[i], &r);
		if (out.len + HEAD + r.klen > ((size_t)1 << 20) - 1) {
			rc = fd_write_full(fd, out.ptr, out.len);
			buf_reset(&out);
		}
		if (rc == 0 && HEAD + r.klen > ((size_t)1 << 20) - 1)
			rc = fd_write_full(fd, x->recs.ptr + x->offs[i],
			    HEAD + r.klen);
		else if (rc == 0)
			buf_add(&out, x->recs.ptr + x->offs[i], HEAD + r.klen);
	}
	if (rc == 0)
		rc = fd_write_full(fd, out.ptr, out.len);
	buf_release(&out);
	return rc;
}

static int
spill(struct changelog *x, struct muni_err *e)
{
	char path[4200], **runs;
	int fd;

	snprintf(path, sizeof(path), "%s/run.%zu", x->dir, x->nruns);
	runs = realloc(x->runs, (x->nruns + 1) * sizeof(*runs));
	if (runs == NULL) {
		err_nomem(e);
		return -1;
	}
	x->runs = runs;
	if ((x->runs[x->nruns] = strdup(path)) == NULL) {
		err_nomem(e);
		return -1;
	}
	x->nruns++;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write_sorted(x, fd) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	buf_reset(&x->recs);
	x->nrecs = 0;
	return 0;
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
	if (x->recs.len + HEAD + klen > CHANGELOG_RUN && spill(x, e) < 0)
		return -1;
	if (x->nrecs == x->caprecs) {
		size_t cap = x->caprecs ? x->caprecs * 2 : 4096;
		size_t *o = realloc(x->offs, cap * sizeof(*o));

		if (o == NULL) {
			err_nomem(e);
			return -1;
		}
		x->offs = o;
		x->caprecs = cap;
	}
	x->offs[x->nrecs++] = x->recs.len;
	if (buf_add(&x->recs, &kh, 8) < 0 || buf_add(&x->recs, &rh, 8) < 0 ||
	    buf_add(&x->recs, &klen, 4) < 0 ||
	    buf_add(&x->recs, x->keytext.ptr, klen) < 0) {
		err_nomem(e);
		return -1;
	}
	return 0;
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

/*
 * A record read is valid until the next reader_next() on the same reader,
 * which may move the buffer: the merge copies what it writes first.
 */
static int
merge_runs(struct changelog *x, int fd, struct muni_err *e)
{
	struct reader *rd = calloc(x->nruns, sizeof(*rd));
	struct buf out;
	size_t i, best;
	int rc = 0;

	if (rd == NULL) {
		err_nomem(e);
		return -1;
	}
	buf_init(&out, (size_t)4 << 20);
	for (i = 0; i < x->nruns; i++)
		if (reader_open(&rd[i], x->runs[i]) < 0 ||
		    reader_next(&rd[i]) < 0)
			rc = -1;
	while (rc == 0) {
		best = x->nruns;
		for (i = 0; i < x->nruns; i++)
			if (!rd[i].done && (best == x->nruns ||
			    rec_cmp(&rd[i].cur, &rd[best].cur) < 0))
				best = i;
		if (best == x->nruns)
			break;
		if (out.len + HEAD + rd[best].cur.klen >= out.max &&
		    (rc = fd_write_full(fd, out.ptr, out.len)) == 0)
			buf_reset(&out);
		if (rc == 0 && (buf_add(&out, &rd[best].cur.kh, 8) < 0 ||
		    buf_add(&out, &rd[best].cur.rh, 8) < 0 ||
		    buf_add(&out, &rd[best].cur.klen, 4) < 0 ||
		    buf_add(&out, rd[best].cur.key, rd[best].cur.klen) < 0))
			rc = -1;
		if (rc == 0 && reader_next(&rd[best]) < 0)
			rc = -1;
	}
	if (rc == 0)
		rc = fd_write_full(fd, out.ptr, out.len);
	if (rc < 0)
		err_sys(e, MUNI_EXIT_IO, errno, "cannot merge the row index "
		    "in '%s'", x->dir);
	for (i = 0; i < x->nruns; i++)
		reader_close(&rd[i]);
	free(rd);
	buf_release(&out);
	return rc;
}

int
changelog_finish(struct changelog *x, const char *path, struct muni_err *e)
{
	int fd, rc = -1;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot create '%s'", path);
		changelog_free(x);
		return -1;
	}
	if (x->nruns == 0) {
		if (write_sorted(x, fd) < 0)
			err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'",
			    path);
		else
			rc = 0;
	} else if (x->nrecs == 0 || spill(x, e) == 0)
		rc = merge_runs(x, fd, e);
	if (rc == 0 && fsync(fd) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", path);
		rc = -1;
	}
	if (close(fd) < 0 && rc == 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", path);
		rc = -1;
	}
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
