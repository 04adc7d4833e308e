/*
 * HMAC-SHA256 against the test vectors of RFC 4231 (cases 1 to 4, 6 and
 * 7), and the pseudonyms: stable for one key and domain, different across
 * domains and keys, of the length asked, in base32.
 */
#include <stdio.h>
#include <string.h>

#include "anon/pseudonym.h"
#include "tap.h"

static void
hex(const unsigned char *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

int
main(void)
{
	static unsigned char k20[20], kaa[131], kc[25], d50[50], dcd[50];
	unsigned char mac[32];
	char got[65], a[53], b[53], c[53], d[53];
	struct pseudonym_key k1, k2;
	struct {
		const unsigned char *key;
		size_t klen;
		const void *data;
		size_t dlen;
		const char *want;
	} v[6];
	size_t i;

	memset(k20, 0x0b, 20);
	memset(kaa, 0xaa, sizeof(kaa));
	for (i = 0; i < 25; i++)
		kc[i] = (unsigned char)(i + 1);
	memset(d50, 0xdd, sizeof(d50));
	memset(dcd, 0xcd, sizeof(dcd));
	v[0].key = k20, v[0].klen = 20, v[0].data = "Hi There", v[0].dlen = 8;
	v[0].want = "b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7";
	v[1].key = (const unsigned char *)"Jefe", v[1].klen = 4;
	v[1].data = "what do ya want for nothing?", v[1].dlen = 28;
	v[1].want = "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843";
	v[2].key = kaa, v[2].klen = 20, v[2].data = d50, v[2].dlen = 50;
	v[2].want = "773ea91e36800e46854db8ebd09181a7"
	    "2959098b3ef8c122d9635514ced565fe";
	v[3].key = kc, v[3].klen = 25, v[3].data = dcd, v[3].dlen = 50;
	v[3].want = "82558a389a443c0ea4cc819899f2083a"
	    "85f0faa3e578f8077a2e3ff46729665b";
	v[4].key = kaa, v[4].klen = 131;
	v[4].data = "Test Using Larger Than Block-Size Key - Hash Key First";
	v[4].dlen = 54;
	v[4].want = "60e431591ee0b67f0d8a26aacbf5b77f"
	    "8e0bc6213728c5140546040f0ee37f54";
	v[5].key = kaa, v[5].klen = 131;
	v[5].data = "This is a test using a larger than block-size key and a "
	    "larger than block-size data. The key needs to be hashed before "
	    "being used by the HMAC algorithm.";
	v[5].dlen = 152;
	v[5].want = "9b09ffa71b942fcb27635fbcd5b0e944"
	    "bfdc63644f0713938a7f51535c3a35e2";
	for (i = 0; i < 6; i++) {
		ok(pseudonym_hmac_sha256(v[i].key, v[i].klen, v[i].data,
		       v[i].dlen, mac) == 0,
		    "RFC 4231 vector %zu computed", i + 1);
		hex(mac, 32, got);
		if (!ok(strcmp(got, v[i].want) == 0, "RFC 4231 vector %zu", i + 1))
			diag("got %s", got);
	}

	memset(&k1, 0, sizeof(k1));
	memset(&k2, 0, sizeof(k2));
	memset(k1.k, 1, sizeof(k1.k));
	memset(k2.k, 2, sizeof(k2.k));
	ok(pseudonym_make(&k1, "personnes", "+33612345678", 12, 16, a) == 0 &&
	    pseudonym_make(&k1, "personnes", "+33612345678", 12, 16, b) == 0 &&
	    strcmp(a, b) == 0, "the same key and domain give the same pseudonym");
	ok(strlen(a) == 16 && strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") ==
	    16, "16 base32 characters: %s", a);
	ok(pseudonym_make(&k1, "telephones", "+33612345678", 12, 16, c) == 0 &&
	    strcmp(a, c) != 0, "another domain, another pseudonym");
	ok(pseudonym_make(&k2, "personnes", "+33612345678", 12, 16, d) == 0 &&
	    strcmp(a, d) != 0, "another key, another pseudonym");
	ok(pseudonym_make(&k1, "personnes", "+33612345678", 12, 52, d) == 0 &&
	    strlen(d) == 52 && strncmp(a, d, 16) == 0,
	    "a longer pseudonym extends the shorter");
	ok(pseudonym_make(&k1, "personnes", "+33612345678", 12, 53, d) < 0,
	    "more than 52 characters is refused");
	/* the domain is separated from the value */
	ok(pseudonym_make(&k1, "ab", "c", 1, 16, a) == 0 &&
	    pseudonym_make(&k1, "a", "bc", 2, 16, b) == 0 && strcmp(a, b) != 0,
	    "domain 'ab' with 'c' differs from domain 'a' with 'bc'");
	pseudonym_key_wipe(&k1);
	pseudonym_key_wipe(&k2);
	return done_testing();
}
