#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "schema/keyset.h"
#include "base/banned.h"

struct keyslot {
	uint64_t hash;		/* 0: empty */
	size_t off;
	size_t len;
	unsigned long long row;
};

/* FNV-1a, 64 bits; never 0, which marks an empty slot. */
unsigned long long
keyset_hash(unsigned long long h, const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= c[i];
		h *= 0x100000001b3ULL;
	}
	return h ? h : 1;
}

/*
 * The table's own hash: FNV-1a from a basis drawn at random once a
 * process, then mixed (splitmix64's finalizer), so that keys crafted to
 * collide (thousands of names or values sent to the same slot, which would
 * make every look-up walk them all) cannot be made without the basis.
 */
static uint64_t basis = KEYSET_HASH_INIT;
static pthread_once_t basis_once = PTHREAD_ONCE_INIT;

static void
draw_basis(void)
{
	uint64_t r = 0;

	if (getrandom(&r, sizeof(r), 0) == (ssize_t)sizeof(r))
		basis ^= r;
	else
		basis ^= (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL ^
		    (uint64_t)getpid();
}

static uint64_t
hash_key(const unsigned char *p, size_t n)
{
	uint64_t h;

	pthread_once(&basis_once, draw_basis);
	h = keyset_hash(basis, p, n);
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h ? h : 1;
}

void
keyset_init(struct keyset *k)
{
	memset(k, 0, sizeof(*k));
}

void
keyset_release(struct keyset *k)
{
	free(k->slots);
	free(k->arena);
	keyset_init(k);
}

static struct keyslot *
lookup(const struct keyset *k, uint64_t h, const void *key, size_t len)
{
	size_t i = (size_t)h & (k->cap - 1);

	for (;;) {
		struct keyslot *s = &k->slots[i];

		if (s->hash == 0)
			return s;
		/* An empty key may be stored before the arena exists. */
		if (s->hash == h && s->len == len &&
		    (len == 0 || memcmp(k->arena + s->off, key, len) == 0))
			return s;
		i = (i + 1) & (k->cap - 1);
	}
}

static int
grow(struct keyset *k)
{
	size_t cap = k->cap ? k->cap * 2 : 1024, i;
	struct keyslot *old = k->slots;
	size_t oldcap = k->cap;

	k->slots = calloc(cap, sizeof(*k->slots));
	if (k->slots == NULL) {
		k->slots = old;
		return -1;
	}
	k->cap = cap;
	for (i = 0; i < oldcap; i++)
		if (old[i].hash) {
			size_t j = (size_t)old[i].hash & (cap - 1);

			while (k->slots[j].hash)
				j = (j + 1) & (cap - 1);
			k->slots[j] = old[i];
		}
	free(old);
	return 0;
}

long long
keyset_add(struct keyset *k, const void *key, size_t len,
    unsigned long long row)
{
	uint64_t h = hash_key(key, len);
	struct keyslot *s;

	if ((k->count + 1) * 4 > k->cap * 3 && grow(k) < 0)
		return -1;
	s = lookup(k, h, key, len);
	if (s->hash)
		return (long long)s->row;
	if (k->arena_len + len > k->arena_cap) {
		size_t cap = k->arena_cap ? k->arena_cap : 65536;
		char *a;

		while (cap < k->arena_len + len)
			cap *= 2;
		a = realloc(k->arena, cap);
		if (a == NULL)
			return -1;
		k->arena = a;
		k->arena_cap = cap;
	}
	if (len)
		memcpy(k->arena + k->arena_len, key, len);
	s->hash = h;
	s->off = k->arena_len;
	s->len = len;
	s->row = row;
	k->arena_len += len;
	k->count++;
	return 0;
}

unsigned long long
keyset_find(const struct keyset *k, const void *key, size_t len)
{
	struct keyslot *s;

	if (k->cap == 0)
		return 0;
	s = lookup(k, hash_key(key, len), key, len);
	return s->hash ? s->row : 0;
}
