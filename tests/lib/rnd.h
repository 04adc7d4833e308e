/*
 * rnd.h: the unit tests' random numbers (xorshift64): seeded, so that
 * every run draws the same ones.
 */
#ifndef MUNI_TEST_RND_H
#define MUNI_TEST_RND_H

static unsigned long long rnd_state = 88172645463325252ULL;

/* A number below n. */
static unsigned
rnd(unsigned n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (unsigned)(rnd_state % n);
}

#endif
