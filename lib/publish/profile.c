/* profile.c: see profile.h. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "publish/profile.h"
#include "schema/keyset.h"
#include "base/banned.h"

#define HLL_BITS 12
#define HLL_M (1u << HLL_BITS)

enum kind { K_TEXT, K_NUMBER, K_TIME, K_BOOLEAN, K_OTHER };

/* A counter of Space-Saving: a value, its count and its possible excess. */
struct slot {
	uint64_t hash;
	unsigned long long count, over;
	size_t heap;			/* where it is in the heap */
	unsigned short len;
	unsigned char cut;
	char text[PROFILE_VALUE_MAX];
};

struct counters {
	struct slot *slots;		/* PROFILE_COUNTERS */
	size_t *heap;			/* slot indices, the smallest count first */
	int *table;			/* 2 * PROFILE_COUNTERS: slot, or -1 */
	size_t n;
	int evicted;			/* a value was let go: estimates */
};

struct column {
	const struct schema_field *f;
	long col;			/* in the header, -1: absent */
	enum kind kind;
	unsigned long long filled, invalid;
	struct counters top;
	unsigned char hll[HLL_M];
	unsigned long long n;		/* values read (numbers, times) */
	double min, max, sum;
	int integral;			/* every value a whole number */
	double *sample;
	size_t nsample;
	uint64_t rng;
	unsigned long long yes, no;
};

struct profile {
	const struct schema *s;
	struct column *c;
	size_t nc;
	unsigned long long rows;
};

static uint64_t
mix(uint64_t h)
{
	/* splitmix64's finalizer: FNV's low bits alone are poor for HLL. */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

static enum kind
kind_of(enum field_type t)
{
	switch (t) {
	case TYPE_NUMBER:
	case TYPE_INTEGER:
	case TYPE_YEAR:
		return K_NUMBER;
	case TYPE_DATE:
	case TYPE_DATETIME:
	case TYPE_YEARMONTH:
	case TYPE_TIME:
		return K_TIME;
	case TYPE_BOOLEAN:
		return K_BOOLEAN;
	case TYPE_STRING:
	case TYPE_ANY:
	case TYPE_DURATION:
		return K_TEXT;
	default:
		return K_OTHER;
	}
}

struct profile *
profile_new(const struct schema *s)
{
	struct profile *p = calloc(1, sizeof(*p));
	size_t i;

	if (p == NULL || (p->c = calloc(s->nfields ? s->nfields : 1,
	    sizeof(*p->c))) == NULL) {
		free(p);
		return NULL;
	}
	p->s = s;
	p->nc = s->nfields;
	for (i = 0; i < p->nc; i++) {
		struct column *c = &p->c[i];

		c->f = &s->fields[i];
		c->col = -1;
		c->kind = kind_of(c->f->spec.type);
		c->integral = 1;
		c->rng = 0x9e3779b97f4a7c15ULL + i;
		c->top.slots = malloc(PROFILE_COUNTERS * sizeof(*c->top.slots));
		c->top.heap = malloc(PROFILE_COUNTERS * sizeof(*c->top.heap));
		c->top.table = malloc(2 * PROFILE_COUNTERS *
		    sizeof(*c->top.table));
		if (c->top.slots == NULL || c->top.heap == NULL ||
		    c->top.table == NULL) {
			profile_free(p);
			return NULL;
		}
		memset(c->top.table, 0xff, 2 * PROFILE_COUNTERS *
		    sizeof(*c->top.table));
	}
	return p;
}

void
profile_free(struct profile *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nc; i++) {
		free(p->c[i].top.slots);
		free(p->c[i].top.heap);
		free(p->c[i].top.table);
		free(p->c[i].sample);
	}
	free(p->c);
	free(p);
}

void
profile_header(struct profile *p, const struct record *rec)
{
	size_t i;
	long k;

	for (i = 0; i < rec->nfields; i++) {
		k = schema_field_index(p->s, rec->fields[i].ptr,
		    rec->fields[i].len);
		if (k >= 0 && p->c[k].col < 0)
			p->c[k].col = (long)i;
	}
}

/* The heap of counters: the smallest count at the top. */
static void
heap_swap(struct counters *t, size_t a, size_t b)
{
	size_t x = t->heap[a];

	t->heap[a] = t->heap[b];
	t->heap[b] = x;
	t->slots[t->heap[a]].heap = a;
	t->slots[t->heap[b]].heap = b;
}

static void
heap_down(struct counters *t, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < t->n && t->slots[t->heap[l]].count <
		    t->slots[t->heap[m]].count)
			m = l;
		if (r < t->n && t->slots[t->heap[r]].count <
		    t->slots[t->heap[m]].count)
			m = r;
		if (m == i)
			return;
		heap_swap(t, i, m);
		i = m;
	}
}

static void
heap_up(struct counters *t, size_t i)
{
	while (i > 0 && t->slots[t->heap[(i - 1) / 2]].count >
	    t->slots[t->heap[i]].count) {
		heap_swap(t, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

#define TABLE_MASK (2 * PROFILE_COUNTERS - 1)

/* Where hash is in the table, or the free place it would take. */
static size_t
table_find(const struct counters *t, uint64_t hash)
{
	size_t i = (size_t)hash & TABLE_MASK;

	while (t->table[i] >= 0 && t->slots[t->table[i]].hash != hash)
		i = (i + 1) & TABLE_MASK;
	return i;
}

/* Take the entry at i out of the table (linear probing: shift back). */
static void
table_remove(struct counters *t, size_t i)
{
	size_t j = i, home;

	for (;;) {
		j = (j + 1) & TABLE_MASK;
		if (t->table[j] < 0)
			break;
		home = (size_t)t->slots[t->table[j]].hash & TABLE_MASK;
		/* The entry at j may move to i if its home is not in (i, j]. */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && home <= i && home > j)) {
			t->table[i] = t->table[j];
			i = j;
		}
	}
	t->table[i] = -1;
}

static void
counters_add(struct counters *t, uint64_t hash, const char *p, size_t n)
{
	size_t at = table_find(t, hash), k;
	struct slot *s;

	if (t->table[at] >= 0) {
		s = &t->slots[t->table[at]];
		s->count++;
		heap_down(t, s->heap);
		return;
	}
	if (t->n < PROFILE_COUNTERS) {
		k = t->n++;
		s = &t->slots[k];
		s->count = s->over = 0;
		s->heap = k;
		t->heap[k] = k;
	} else {
		/* The least counted value makes way, its count inherited. */
		k = t->heap[0];
		s = &t->slots[k];
		table_remove(t, table_find(t, s->hash));
		s->over = s->count;
		t->evicted = 1;
		at = table_find(t, hash);
	}
	s->hash = hash;
	s->count++;
	s->cut = n > PROFILE_VALUE_MAX;
	s->len = (unsigned short)(s->cut ? PROFILE_VALUE_MAX : n);
	/* Not inside a UTF-8 sequence. */
	while (s->cut && s->len > 0 && ((unsigned char)p[s->len] & 0xc0) ==
	    0x80)
		s->len--;
	memcpy(s->text, p, s->len);
	t->table[at] = (int)k;
	if (s->over == 0)
		heap_up(t, s->heap);
	else
		heap_down(t, s->heap);
}

static void
hll_add(unsigned char *reg, uint64_t h)
{
	size_t j = (size_t)(h >> (64 - HLL_BITS));
	uint64_t w = (h << HLL_BITS) | ((uint64_t)1 << (HLL_BITS - 1));
	unsigned char rho = 1;

	while (!(w & ((uint64_t)1 << 63))) {
		rho++;
		w <<= 1;
	}
	if (rho > reg[j])
		reg[j] = rho;
}

static double
hll_count(const unsigned char *reg)
{
	double sum = 0, m = HLL_M, e;
	size_t j, zeros = 0;

	for (j = 0; j < HLL_M; j++) {
		sum += ldexp(1.0, -(int)reg[j]);
		zeros += reg[j] == 0;
	}
	e = 0.7213 / (1 + 1.079 / m) * m * m / sum;
	if (e <= 2.5 * m && zeros > 0)
		e = m * log(m / (double)zeros);
	return e;
}

static uint64_t
next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A number or a time, as its order (cast_value.num). */
static int
add_value(struct column *c, double v)
{
	if (c->n == 0 || v < c->min)
		c->min = v;
	if (c->n == 0 || v > c->max)
		c->max = v;
	c->sum += v;
	if (c->integral && v != floor(v))
		c->integral = 0;
	c->n++;
	if (c->sample == NULL && (c->sample = malloc(PROFILE_SAMPLE *
	    sizeof(*c->sample))) == NULL)
		return -1;
	if (c->nsample < PROFILE_SAMPLE)
		c->sample[c->nsample++] = v;
	else {
		/* Reservoir: the n-th value stays with chance SAMPLE / n. */
		uint64_t j = next_random(&c->rng) % c->n;

		if (j < PROFILE_SAMPLE)
			c->sample[j] = v;
	}
	return 0;
}

int
profile_add(struct profile *p, const struct record *rec)
{
	size_t i;

	p->rows++;
	for (i = 0; i < p->nc; i++) {
		struct column *c = &p->c[i];
		const struct field *f;
		struct cast_value v;
		uint64_t h;

		if (c->col < 0 || (size_t)c->col >= rec->nfields)
			continue;
		f = &rec->fields[c->col];
		if (schema_is_missing(c->f, f->ptr, f->len))
			continue;
		c->filled++;
		h = mix(keyset_hash(KEYSET_HASH_INIT, f->ptr, f->len));
		counters_add(&c->top, h, f->ptr, f->len);
		hll_add(c->hll, h);
		if (c->kind == K_TEXT || c->kind == K_OTHER)
			continue;
		if (cast_cell(&c->f->spec, f->ptr, f->len, &v) < 0) {
			c->invalid++;
			continue;
		}
		if (c->kind == K_BOOLEAN) {
			if (v.boolean)
				c->yes++;
			else
				c->no++;
		} else if (!isfinite(v.num)) {
			c->invalid++;
		} else if (add_value(c, v.num) < 0)
			return -1;
	}
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* A value of the column as text: a number, or a time as its type writes. */
static void
value_text(const struct column *c, double v, char out[64])
{
	struct tm tm;
	time_t t;
	long long k;

	if (c->kind == K_NUMBER || fabs(v) > 1e11) {
		snprintf(out, 64, "%.15g", v);
		return;
	}
	switch (c->f->spec.type) {
	case TYPE_YEARMONTH:
		k = (long long)floor(v);
		snprintf(out, 64, "%04lld-%02lld", k / 12, k % 12 + 1);
		return;
	case TYPE_TIME:
		k = (long long)floor(v);
		snprintf(out, 64, "%02lld:%02lld:%02lld", k / 3600 % 24,
		    k / 60 % 60, k % 60);
		return;
	case TYPE_DATE:
		t = (time_t)floor(v) * 86400;
		break;
	default:
		t = (time_t)floor(v);
		break;
	}
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 < 1 ||
	    tm.tm_year + 1900 > 9999) {
		snprintf(out, 64, "%.15g", v);
		return;
	}
	if (c->f->spec.type == TYPE_DATE)
		strftime(out, 64, "%Y-%m-%d", &tm);
	else
		strftime(out, 64, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
gen_str(yajl_gen g, const char *s)
{
	return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) !=
	    yajl_gen_status_ok;
}

static int
gen_num(yajl_gen g, unsigned long long n)
{
	char t[32];

	snprintf(t, sizeof(t), "%llu", n);
	return yajl_gen_number(g, t, strlen(t)) != yajl_gen_status_ok;
}

/* A value: a number as JSON's, a time as a string. */
static int
gen_value(yajl_gen g, const struct column *c, double v)
{
	char t[64];

	value_text(c, v, t);
	if (c->kind == K_NUMBER)
		return yajl_gen_number(g, t, strlen(t)) != yajl_gen_status_ok;
	return gen_str(g, t);
}

static int
by_count(const void *a, const void *b)
{
	const struct slot *x = *(const struct slot *const *)a;
	const struct slot *y = *(const struct slot *const *)b;
	size_t n = x->len < y->len ? x->len : y->len;
	int k;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if ((k = memcmp(x->text, y->text, n)) != 0)
		return k;
	return (x->len > y->len) - (x->len < y->len);
}

static int
gen_top(yajl_gen g, const struct column *c)
{
	const struct slot **order;
	size_t i, n = c->top.n < PROFILE_TOP ? c->top.n : PROFILE_TOP;
	unsigned long long floor = 0;
	int rc = 0;

	order = malloc((c->top.n ? c->top.n : 1) * sizeof(*order));
	if (order == NULL)
		return -1;
	for (i = 0; i < c->top.n; i++)
		order[i] = &c->top.slots[i];
	qsort(order, c->top.n, sizeof(*order), by_count);
	/*
	 * Past the counters, a value not kept may have been seen as often as
	 * the smallest count kept: a value is surely among the most frequent
	 * only when it was seen more often for sure (its count less what it
	 * inherited). Values close to uniform give none, rather than
	 * survivors of the eviction shown as frequent.
	 */
	if (c->top.evicted && c->top.n)
		floor = order[c->top.n - 1]->count;
	rc |= gen_str(g, "top");
	rc |= yajl_gen_array_open(g) != yajl_gen_status_ok;
	for (i = 0; i < n; i++) {
		char text[PROFILE_VALUE_MAX + 4];

		if (c->top.evicted && order[i]->count - order[i]->over <= floor)
			break;
		memcpy(text, order[i]->text, order[i]->len);
		memcpy(text + order[i]->len, order[i]->cut ? "…" : "",
		    order[i]->cut ? 4 : 1);
		rc |= yajl_gen_map_open(g) != yajl_gen_status_ok;
		rc |= gen_str(g, "value") | gen_str(g, text);
		rc |= gen_str(g, "count") | gen_num(g, order[i]->count);
		if (c->top.evicted)
			rc |= gen_str(g, "at_least") | gen_num(g,
			    order[i]->count - order[i]->over);
		rc |= yajl_gen_map_close(g) != yajl_gen_status_ok;
	}
	rc |= yajl_gen_array_close(g) != yajl_gen_status_ok;
	rc |= gen_str(g, "top_exact") | (yajl_gen_bool(g, !c->top.evicted) !=
	    yajl_gen_status_ok);
	free(order);
	return rc ? -1 : 0;
}

/* Median, histogram: from the values kept, sorted. */
static int
gen_spread(yajl_gen g, struct column *c)
{
	unsigned long long counts[PROFILE_BINS];
	size_t i, nbins = PROFILE_BINS, b;
	double width, from, mid;
	int exact = c->n == c->nsample, rc = 0;
	char t[64];

	qsort(c->sample, c->nsample, sizeof(*c->sample), cmp_double);
	mid = c->nsample % 2 ? c->sample[c->nsample / 2] :
	    (c->sample[c->nsample / 2 - 1] + c->sample[c->nsample / 2]) / 2;
	rc |= gen_str(g, "min") | gen_value(g, c, c->min);
	rc |= gen_str(g, "max") | gen_value(g, c, c->max);
	if (c->kind == K_NUMBER) {
		snprintf(t, sizeof(t), "%.15g", c->sum / (double)c->n);
		rc |= gen_str(g, "mean");
		rc |= yajl_gen_number(g, t, strlen(t)) != yajl_gen_status_ok;
	}
	rc |= gen_str(g, "median") | gen_value(g, c, mid);
	rc |= gen_str(g, "exact") | (yajl_gen_bool(g, exact) !=
	    yajl_gen_status_ok);
	/* Whole numbers over a short range: a bin for each. */
	if (c->integral && c->max - c->min + 1 <= PROFILE_BINS) {
		nbins = (size_t)(c->max - c->min + 1);
		width = 1;
	} else
		width = (c->max - c->min) / PROFILE_BINS;
	if (width <= 0) {
		nbins = 1;
		width = 1;
	}
	memset(counts, 0, sizeof(counts));
	for (i = 0; i < c->nsample; i++) {
		b = (size_t)((c->sample[i] - c->min) / width);
		counts[b < nbins ? b : nbins - 1]++;
	}
	rc |= gen_str(g, "histogram") | (yajl_gen_array_open(g) !=
	    yajl_gen_status_ok);
	for (b = 0; b < nbins; b++) {
		unsigned long long n = counts[b];

		if (!exact)
			n = (unsigned long long)llround((double)n *
			    (double)c->n / (double)c->nsample);
		from = c->min + (double)b * width;
		rc |= yajl_gen_map_open(g) != yajl_gen_status_ok;
		rc |= gen_str(g, "from") | gen_value(g, c, from);
		rc |= gen_str(g, "count") | gen_num(g, n);
		rc |= yajl_gen_map_close(g) != yajl_gen_status_ok;
	}
	rc |= yajl_gen_array_close(g) != yajl_gen_status_ok;
	return rc ? -1 : 0;
}

int
profile_json(struct profile *p, yajl_gen g)
{
	static const char *const kinds[] = { "text", "number", "time",
	    "boolean", "other" };
	size_t i;
	int rc = 0;

	rc |= yajl_gen_array_open(g) != yajl_gen_status_ok;
	for (i = 0; i < p->nc && rc == 0; i++) {
		struct column *c = &p->c[i];
		unsigned long long distinct = c->top.evicted ?
		    (unsigned long long)llround(hll_count(c->hll)) : c->top.n;

		/*
		 * An estimate is never below what is known for sure, nor above
		 * the cells counted.
		 */
		if (c->top.evicted && distinct < PROFILE_COUNTERS)
			distinct = PROFILE_COUNTERS;
		if (distinct > c->filled)
			distinct = c->filled;
		rc |= yajl_gen_map_open(g) != yajl_gen_status_ok;
		rc |= gen_str(g, "name") | gen_str(g, c->f->name);
		rc |= gen_str(g, "type") | gen_str(g,
		    cast_type_name(c->f->spec.type));
		rc |= gen_str(g, "kind") | gen_str(g, kinds[c->kind]);
		rc |= gen_str(g, "rows") | gen_num(g, p->rows);
		rc |= gen_str(g, "filled") | gen_num(g, c->filled);
		rc |= gen_str(g, "invalid") | gen_num(g, c->invalid);
		rc |= gen_str(g, "distinct") | gen_num(g, distinct);
		rc |= gen_str(g, "distinct_exact") | (yajl_gen_bool(g,
		    !c->top.evicted) != yajl_gen_status_ok);
		if (c->kind == K_TEXT)
			rc |= gen_top(g, c);
		else if ((c->kind == K_NUMBER || c->kind == K_TIME) && c->n)
			rc |= gen_spread(g, c);
		else if (c->kind == K_BOOLEAN) {
			rc |= gen_str(g, "true") | gen_num(g, c->yes);
			rc |= gen_str(g, "false") | gen_num(g, c->no);
		}
		rc |= yajl_gen_map_close(g) != yajl_gen_status_ok;
	}
	rc |= yajl_gen_array_close(g) != yajl_gen_status_ok;
	return rc ? -1 : 0;
}
