#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "csv/rowpool.h"
#include "base/banned.h"

enum slot_state { SLOT_FREE, SLOT_FILLED, SLOT_CHECKED };

struct slot {
	struct rowbatch b;
	size_t rcap;
	struct field *fields;
	size_t nfields, fcap;
	char *data;
	size_t len, dcap;
	enum slot_state state;
};

struct rowpool {
	pthread_mutex_t mu;
	pthread_cond_t work_cv;		/* a batch filled, or stop */
	pthread_cond_t done_cv;		/* a batch worked on */
	struct slot *slots;
	size_t nslots;
	unsigned long long filled;	/* batches handed to the workers */
	unsigned long long taken;	/* batches a worker took */
	int stop;
	const struct rowpool_ops *ops;
	void *ctx;
};

int
rowpool_env(const char *name, int max)
{
	const char *s = getenv(name);
	char *end;
	long n;

	if (s == NULL || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || *end || n < 1 || n > max)
		return 0;
	return (int)n;
}

int
rowpool_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > ROWPOOL_MAX_THREADS ? ROWPOOL_MAX_THREADS : (int)n;
}

static void *
worker(void *arg)
{
	struct rowpool *p = arg;
	struct slot *s;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->taken == p->filled)
			pthread_cond_wait(&p->work_cv, &p->mu);
		if (p->taken == p->filled)
			break;		/* stopped, nothing left */
		s = &p->slots[p->taken++ % p->nslots];
		pthread_mutex_unlock(&p->mu);
		p->ops->work(p->ctx, &s->b);
		pthread_mutex_lock(&p->mu);
		s->state = SLOT_CHECKED;
		pthread_cond_broadcast(&p->done_cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Grow *ptr (of *cap elements of size) to hold need: -1 out of memory. */
static int
grow(void **ptr, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*ptr, n * size);
	if (q == NULL)
		return -1;
	*ptr = q;
	*cap = n;
	return 0;
}

/* Copy rec into the slot's batch: -1 out of memory. */
static int
add_record(struct slot *s, const struct record *rec)
{
	struct record *r;
	size_t i, bytes = 0;

	for (i = 0; i < rec->nfields; i++)
		bytes += rec->fields[i].len;
	if (grow((void **)&s->b.recs, &s->rcap, s->b.nrecs + 1,
	    sizeof(*s->b.recs)) < 0 || grow((void **)&s->fields, &s->fcap,
	    s->nfields + rec->nfields, sizeof(*s->fields)) < 0 ||
	    grow((void **)&s->data, &s->dcap, s->len + bytes + 1, 1) < 0)
		return -1;
	r = &s->b.recs[s->b.nrecs++];
	*r = *rec;
	/* Offsets, made pointers once the batch is whole (data may move). */
	r->fields = (struct field *)(uintptr_t)s->nfields;
	for (i = 0; i < rec->nfields; i++) {
		struct field *f = &s->fields[s->nfields++];

		memcpy(s->data + s->len, rec->fields[i].ptr,
		    rec->fields[i].len);
		f->ptr = (const char *)(uintptr_t)s->len;
		f->len = rec->fields[i].len;
		s->len += rec->fields[i].len;
	}
	return 0;
}

static void
resolve(struct slot *s)
{
	size_t i;

	for (i = 0; i < s->nfields; i++)
		s->fields[i].ptr = s->data + (uintptr_t)s->fields[i].ptr;
	for (i = 0; i < s->b.nrecs; i++)
		s->b.recs[i].fields = s->fields +
		    (uintptr_t)s->b.recs[i].fields;
}

static void
wait_checked(struct rowpool *p, struct slot *s)
{
	pthread_mutex_lock(&p->mu);
	while (s->state != SLOT_CHECKED)
		pthread_cond_wait(&p->done_cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

/* The oldest batch committed and its slot emptied: commit()'s result. */
static int
commit_slot(struct rowpool *p, struct slot *s, struct muni_err *e)
{
	int rc;

	wait_checked(p, s);
	rc = p->ops->commit(p->ctx, &s->b, e);
	s->b.nrecs = 0;
	s->nfields = 0;
	s->len = 0;
	s->state = SLOT_FREE;
	return rc;
}

static int
run(struct rowpool *p, struct csvin *in, const struct record *first,
    unsigned long long max_rows, struct muni_err *e)
{
	unsigned long long read = 0, seq = 0, committed = 0;
	struct record *rec;
	int rc = 1, stop = 0;
	int test = rowpool_env("MUNI_TEST_BATCH_ROWS", ROWPOOL_ROWS);
	size_t rows = test ? (size_t)test : ROWPOOL_ROWS;

	while (!stop && rc > 0) {
		struct slot *s = &p->slots[seq % p->nslots];

		if (s->state != SLOT_FREE) {
			stop = commit_slot(p, s, e);
			committed++;
			if (stop)
				break;
		}
		while (s->b.nrecs < rows && s->len < ROWPOOL_BYTES &&
		    (max_rows == 0 || read < max_rows)) {
			if (first) {
				rec = (struct record *)first;
				first = NULL;
			} else if ((rc = csvin_next(in, &rec, e)) <= 0)
				break;
			if (add_record(s, rec) < 0) {
				err_sys(e, MUNI_EXIT_IO, ENOMEM, "cannot "
				    "allocate a batch of rows");
				stop = -1;
				break;
			}
			read++;
		}
		if (max_rows && read >= max_rows)
			rc = 0;
		if (s->b.nrecs == 0 || stop)
			break;
		resolve(s);
		pthread_mutex_lock(&p->mu);
		s->state = SLOT_FILLED;
		p->filled = ++seq;
		pthread_cond_signal(&p->work_cv);
		pthread_mutex_unlock(&p->mu);
	}
	/* The batches still out, committed in order (or only waited for). */
	for (; committed < seq; committed++) {
		struct slot *s = &p->slots[committed % p->nslots];

		if (stop) {
			wait_checked(p, s);
			s->state = SLOT_FREE;
			continue;
		}
		stop = commit_slot(p, s, e);
	}
	if (stop < 0)
		return -1;
	return stop ? 0 : rc;
}

int
rowpool_run(struct csvin *in, const struct record *first,
    unsigned long long max_rows, int threads, const struct rowpool_ops *ops,
    void *ctx, struct muni_err *e)
{
	struct rowpool p;
	pthread_t tid[ROWPOOL_MAX_THREADS];
	int started = 0, rc = -1, i;

	memset(&p, 0, sizeof(p));
	if (threads < 1)
		threads = 1;
	if (threads > ROWPOOL_MAX_THREADS)
		threads = ROWPOOL_MAX_THREADS;
	p.ops = ops;
	p.ctx = ctx;
	p.nslots = 2 * (size_t)threads + 1;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.work_cv, NULL);
	pthread_cond_init(&p.done_cv, NULL);
	p.slots = calloc(p.nslots, sizeof(*p.slots));
	if (p.slots == NULL)
		goto nomem;
	for (i = 0; i < (int)p.nslots; i++)
		if ((p.slots[i].b.state = ops->state_new(ctx)) == NULL)
			goto nomem;
	for (started = 0; started < threads; started++) {
		int err = pthread_create(&tid[started], NULL, worker, &p);

		if (err) {
			err_sys(e, MUNI_EXIT_IO, err, "cannot start a thread");
			break;
		}
	}
	if (started == threads)
		rc = run(&p, in, first, max_rows, e);
	pthread_mutex_lock(&p.mu);
	p.stop = 1;
	pthread_cond_broadcast(&p.work_cv);
	pthread_mutex_unlock(&p.mu);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	goto out;
nomem:
	err_sys(e, MUNI_EXIT_IO, ENOMEM, "cannot allocate a batch of rows");
out:
	for (i = 0; p.slots && i < (int)p.nslots; i++) {
		if (p.slots[i].b.state)
			ops->state_free(ctx, p.slots[i].b.state);
		free(p.slots[i].b.recs);
		free(p.slots[i].fields);
		free(p.slots[i].data);
	}
	free(p.slots);
	pthread_cond_destroy(&p.work_cv);
	pthread_cond_destroy(&p.done_cv);
	pthread_mutex_destroy(&p.mu);
	return rc;
}
