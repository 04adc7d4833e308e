#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "base/extsort.h"
#include "base/fdio.h"
#include "base/banned.h"

#define IOBUF ((size_t)1 << 20)

struct item {
	size_t off, len;	/* in recs */
};

/* A run being read back: one record at a time, through a buffer. */
struct reader {
	int fd;
	struct buf in;
	size_t pos;
	int eof;
	const char *cur;	/* the record read, in in */
	size_t curlen;
};

struct extsort {
	char dir[4096];
	size_t run_bytes;
	extsort_cmp_fn *cmp;
	struct buf recs;	/* the records held, one after another */
	struct item *items, *tmp;
	size_t nitems, capitems;
	int *runs;		/* unlinked files, in the order written */
	size_t nruns;
	size_t spilled;		/* runs written by spill() */
	int ended;		/* extsort_next() was called */
	size_t next;		/* all in memory: the item to give next */
	struct reader *rd;	/* the runs, while merging */
	size_t nrd;
	struct buf out;
};

struct extsort *
extsort_new(const char *dir, size_t run_bytes, extsort_cmp_fn *cmp,
    struct muni_err *e)
{
	struct extsort *x = calloc(1, sizeof(*x));
	const char *t = getenv("TMPDIR");

	if (x == NULL) {
		err_nomem(e);
		return NULL;
	}
	if (dir == NULL)
		dir = t && *t ? t : "/tmp";
	snprintf(x->dir, sizeof(x->dir), "%s", dir);
	x->run_bytes = run_bytes;
	x->cmp = cmp;
	buf_init(&x->recs, run_bytes + EXTSORT_MAX_RECORD);
	buf_init(&x->out, IOBUF + EXTSORT_MAX_RECORD + 4);
	return x;
}

static void
reader_release(struct reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	buf_release(&r->in);
}

void
extsort_free(struct extsort *x)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < x->nrd; i++)
		reader_release(&x->rd[i]);
	free(x->rd);
	for (i = 0; i < x->nruns; i++)
		close(x->runs[i]);
	free(x->runs);
	free(x->items);
	free(x->tmp);
	buf_release(&x->recs);
	buf_release(&x->out);
	free(x);
}

size_t
extsort_runs(const struct extsort *x)
{
	return x->spilled;
}

static int
item_cmp(const struct extsort *x, const struct item *a, const struct item *b)
{
	return x->cmp(x->recs.ptr + a->off, a->len, x->recs.ptr + b->off,
	    b->len);
}

/* Sort the items held, stable: a bottom-up merge sort through tmp. */
static void
sort_items(struct extsort *x)
{
	struct item *a = x->items, *b = x->tmp, *t;
	size_t n = x->nitems, w, i, l, r, lend, rend, k;

	for (w = 1; w < n; w *= 2) {
		for (i = 0; i < n; i += 2 * w) {
			l = i;
			lend = i + w < n ? i + w : n;
			r = lend;
			rend = i + 2 * w < n ? i + 2 * w : n;
			k = i;
			while (l < lend && r < rend)
				b[k++] = item_cmp(x, &a[l], &a[r]) <= 0 ?
				    a[l++] : a[r++];
			while (l < lend)
				b[k++] = a[l++];
			while (r < rend)
				b[k++] = a[r++];
		}
		t = a;
		a = b;
		b = t;
	}
	if (a != x->items)
		memcpy(x->items, a, n * sizeof(*a));
}

/* Write a record (its length, then its bytes) through x->out. */
static int
put(struct extsort *x, int fd, const char *p, size_t n)
{
	if (x->out.len + 4 + n > IOBUF) {
		if (fd_write_full(fd, x->out.ptr, x->out.len) < 0)
			return -1;
		buf_reset(&x->out);
	}
	if (buf_add_u32(&x->out, n) < 0 || buf_add(&x->out, p, n) < 0)
		return -1;
	return 0;
}

static int
flush(struct extsort *x, int fd)
{
	int rc = fd_write_full(fd, x->out.ptr, x->out.len);

	buf_reset(&x->out);
	return rc;
}

/* A new run file, already unlinked: its descriptor, or -1 with e. */
static int
new_run(struct extsort *x, struct muni_err *e)
{
	char path[4200];
	int *runs, fd;

	runs = realloc(x->runs, (x->nruns + 1) * sizeof(*runs));
	if (runs == NULL) {
		err_nomem(e);
		return -1;
	}
	x->runs = runs;
	snprintf(path, sizeof(path), "%s/muni-sort.XXXXXX", x->dir);
	fd = mkstemp(path);
	if (fd < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot create a temporary "
		    "file in '%s' to sort in", x->dir);
		return -1;
	}
	unlink(path);
	x->runs[x->nruns++] = fd;
	return fd;
}

static int
write_error(struct extsort *x, struct muni_err *e)
{
	err_sys(e, MUNI_EXIT_IO, errno, "cannot write a temporary file in "
	    "'%s' to sort in (is the disk full? TMPDIR chooses another "
	    "folder)", x->dir);
	return -1;
}

/* Sort the records held and write them to a new run. */
static int
spill(struct extsort *x, struct muni_err *e)
{
	size_t i;
	int fd;

	sort_items(x);
	if ((fd = new_run(x, e)) < 0)
		return -1;
	for (i = 0; i < x->nitems; i++)
		if (put(x, fd, x->recs.ptr + x->items[i].off,
		    x->items[i].len) < 0)
			return write_error(x, e);
	if (flush(x, fd) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return write_error(x, e);
	buf_reset(&x->recs);
	x->nitems = 0;
	x->spilled++;
	return 0;
}

int
extsort_add(struct extsort *x, const void *p, size_t n, struct muni_err *e)
{
	size_t held = x->recs.len + 2 * x->nitems * sizeof(struct item);

	if (x->ended || n > EXTSORT_MAX_RECORD) {
		err_set(e, MUNI_EXIT_INTERNAL, x->ended ? "extsort_add after "
		    "extsort_next" : "a record of %zu bytes is too long to "
		    "sort", n);
		return -1;
	}
	if (x->nitems && held + n > x->run_bytes && spill(x, e) < 0)
		return -1;
	if (x->nitems == x->capitems) {
		size_t cap = x->capitems ? x->capitems * 2 : 1024;
		struct item *a = realloc(x->items, cap * sizeof(*a));
		struct item *b = a ? realloc(x->tmp, cap * sizeof(*b)) : NULL;

		if (a)
			x->items = a;
		if (b == NULL) {
			err_nomem(e);
			return -1;
		}
		x->tmp = b;
		x->capitems = cap;
	}
	x->items[x->nitems].off = x->recs.len;
	x->items[x->nitems].len = n;
	if (buf_add(&x->recs, p, n) < 0) {
		err_nomem(e);
		return -1;
	}
	x->nitems++;
	return 0;
}

/* The next record of a run into r->cur: 1, 0 at its end, -1 (errno). */
static int
reader_next(struct reader *r)
{
	uint32_t len;
	ssize_t got;

	for (;;) {
		if (r->in.len - r->pos >= 4) {
			memcpy(&len, r->in.ptr + r->pos, 4);
			if (len > EXTSORT_MAX_RECORD) {
				errno = EINVAL;
				return -1;
			}
			if (r->in.len - r->pos - 4 >= len) {
				r->cur = r->in.ptr + r->pos + 4;
				r->curlen = len;
				r->pos += 4 + (size_t)len;
				return 1;
			}
		}
		if (r->eof) {
			if (r->in.len != r->pos) {
				errno = EINVAL;
				return -1;
			}
			return 0;
		}
		memmove(r->in.ptr, r->in.ptr + r->pos, r->in.len - r->pos);
		buf_setlen(&r->in, r->in.len - r->pos);
		r->pos = 0;
		if (buf_grow(&r->in, IOBUF) < 0)
			return -1;
		got = fd_read_full(r->fd, r->in.ptr + r->in.len, IOBUF);
		if (got < 0)
			return -1;
		r->in.len += (size_t)got;
		r->in.ptr[r->in.len] = '\0';
		if (got == 0)
			r->eof = 1;
	}
}

/* Open readers on the first n runs, each at its first record. */
static int
open_readers(struct extsort *x, size_t n, struct muni_err *e)
{
	size_t i;
	int rc;

	x->rd = calloc(n, sizeof(*x->rd));
	if (x->rd == NULL) {
		err_nomem(e);
		return -1;
	}
	x->nrd = n;
	for (i = 0; i < n; i++) {
		x->rd[i].fd = x->runs[i];
		x->runs[i] = -1;
		buf_init(&x->rd[i].in, IOBUF + EXTSORT_MAX_RECORD + 4);
	}
	for (i = 0; i < n; i++)
		if ((rc = reader_next(&x->rd[i])) <= 0) {
			if (rc < 0)
				goto bad;
			reader_release(&x->rd[i]);
		}
	return 0;
bad:
	err_sys(e, MUNI_EXIT_IO, errno, "cannot read a temporary file in '%s' "
	    "back", x->dir);
	return -1;
}

/*
 * The reader holding the smallest record (the first run on a tie, so that
 * the merge is stable), or nrd when all are done.
 */
static size_t
smallest(const struct extsort *x)
{
	size_t i, best = x->nrd;

	for (i = 0; i < x->nrd; i++)
		if (x->rd[i].fd >= 0 && (best == x->nrd ||
		    x->cmp(x->rd[i].cur, x->rd[i].curlen, x->rd[best].cur,
		    x->rd[best].curlen) < 0))
			best = i;
	return best;
}

static int
advance(struct extsort *x, size_t i, struct muni_err *e)
{
	int rc = reader_next(&x->rd[i]);

	if (rc < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read a temporary file "
		    "in '%s' back", x->dir);
		return -1;
	}
	if (rc == 0)
		reader_release(&x->rd[i]);
	return 0;
}

static void
close_readers(struct extsort *x)
{
	size_t i;

	for (i = 0; i < x->nrd; i++)
		reader_release(&x->rd[i]);
	free(x->rd);
	x->rd = NULL;
	x->nrd = 0;
}

/*
 * Merge the first EXTSORT_FANIN runs into one, which takes their place at
 * the head of the list: runs stay in the order their records were added.
 */
static int
merge_pass(struct extsort *x, struct muni_err *e)
{
	size_t i, rest;
	int fd;

	if (open_readers(x, EXTSORT_FANIN, e) < 0 || (fd = new_run(x,
	    e)) < 0)
		return -1;
	while ((i = smallest(x)) < x->nrd)
		if (put(x, fd, x->rd[i].cur, x->rd[i].curlen) < 0)
			return write_error(x, e);
		else if (advance(x, i, e) < 0)
			return -1;
	if (flush(x, fd) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return write_error(x, e);
	close_readers(x);
	rest = x->nruns - 1 - EXTSORT_FANIN;
	memmove(x->runs + 1, x->runs + EXTSORT_FANIN, rest * sizeof(*x->runs));
	x->runs[0] = fd;
	x->nruns = 1 + rest;
	return 0;
}

/* End of input: sort what is held, or spill it and prepare the merge. */
static int
end_input(struct extsort *x, struct muni_err *e)
{
	x->ended = 1;
	if (x->nruns == 0) {
		sort_items(x);
		return 0;
	}
	if (x->nitems && spill(x, e) < 0)
		return -1;
	free(x->items);
	free(x->tmp);
	x->items = x->tmp = NULL;
	x->capitems = 0;
	buf_release(&x->recs);
	while (x->nruns > EXTSORT_FANIN)
		if (merge_pass(x, e) < 0)
			return -1;
	if (open_readers(x, x->nruns, e) < 0)
		return -1;
	x->nruns = 0;
	x->next = (size_t)-1;	/* nothing given yet */
	return 0;
}

int
extsort_next(struct extsort *x, const char **p, size_t *n, struct muni_err *e)
{
	size_t i;

	if (!x->ended && end_input(x, e) < 0)
		return -1;
	if (x->nrd == 0 && x->items) {
		if (x->next == x->nitems)
			return 0;
		*p = x->recs.ptr + x->items[x->next].off;
		*n = x->items[x->next++].len;
		return 1;
	}
	/* The record given last is kept until now: its reader moves on. */
	if (x->next != (size_t)-1 && x->next < x->nrd &&
	    advance(x, x->next, e) < 0)
		return -1;
	if ((i = smallest(x)) == x->nrd)
		return 0;
	*p = x->rd[i].cur;
	*n = x->rd[i].curlen;
	x->next = i;
	return 1;
}
