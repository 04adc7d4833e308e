/*
 * digest: SHA-256 over a stream of bytes, through OpenSSL's libcrypto (the
 * one module that talks to it for hashing). The context is owned by the
 * struct; digest_release() frees it whether or not digest_hex() was called.
 */
#ifndef MUNI_DIGEST_H
#define MUNI_DIGEST_H

#include <stddef.h>

struct digest {
	void *ctx;	/* EVP_MD_CTX */
	int failed;
};

int digest_init(struct digest *d);
/* Another algorithm by its OpenSSL name ("SHA1", "MD5"), for checksums others computed. */
int digest_init_named(struct digest *d, const char *name);
void digest_update(struct digest *d, const void *p, size_t n);
/* Write the lower-case hex digits and a NUL to hex; -1 on failure. */
int digest_hex(struct digest *d, char hex[65]);
void digest_release(struct digest *d);

/* The SHA-256 of n bytes at p, in one call; -1 on failure. */
int digest_of(const void *p, size_t n, char hex[65]);

/* A raw_hook for csvin_options: ctx is a struct digest. */
void digest_hook(void *ctx, const void *p, size_t n);

#endif
