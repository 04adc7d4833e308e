/*
 * pseudonym: keyed pseudonyms for muni-anonymize, through OpenSSL's libcrypto:
 * HMAC-SHA256 under a 256-bit secret key, domain-separated (the message
 * is the domain, a NUL byte, then the normalised value), written as a
 * fixed-length prefix of its base32 (RFC 4648, upper case, no padding).
 *
 * A key file holds the key as 64 hexadecimal digits and a line feed. It is
 * refused when group or others may read it; pseudonym_key_new() creates one,
 * mode 0600, from the system's random source (getrandom), never over an
 * existing file. A key is named in reports by its id: the first 16 hex
 * digits of the SHA-256 of "muni key id" and the key, which says which
 * key was used without helping to find it.
 */
#ifndef MUNI_PSEUDONYM_H
#define MUNI_PSEUDONYM_H

#include <stddef.h>

#include "base/err.h"

#define PSEUDONYM_KEY_BYTES 32
#define PSEUDONYM_MAX_CHARS 52	/* base32 of 256 bits */

struct pseudonym_key {
	unsigned char k[PSEUDONYM_KEY_BYTES];
	char id[17];
	void *ctx;			/* EVP_MAC_CTX, made on first use */
};

int pseudonym_key_load(const char *path, struct pseudonym_key *key,
    struct muni_err *e);
int pseudonym_key_new(const char *path, struct muni_err *e);
/* Forget the key (and free what pseudonym_make made). */
void pseudonym_key_wipe(struct pseudonym_key *key);

/* HMAC-SHA256 of msg under key; -1 when libcrypto fails. */
int pseudonym_hmac_sha256(const void *key, size_t klen, const void *msg,
    size_t n, unsigned char out[32]);
/*
 * The pseudonym of value in domain: chars (1 to PSEUDONYM_MAX_CHARS) base32
 * characters and a NUL into out.
 */
int pseudonym_make(const struct pseudonym_key *key, const char *domain,
    const char *value, size_t n, size_t chars, char *out);

#endif
