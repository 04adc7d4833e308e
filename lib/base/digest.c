#include <openssl/evp.h>

#include "base/digest.h"
#include "base/banned.h"

static int
init_md(struct digest *d, const EVP_MD *md)
{
	d->failed = 0;
	d->ctx = EVP_MD_CTX_new();
	if (md == NULL || d->ctx == NULL ||
	    !EVP_DigestInit_ex(d->ctx, md, NULL)) {
		d->failed = 1;
		return -1;
	}
	return 0;
}

int
digest_init(struct digest *d)
{
	return init_md(d, EVP_sha256());
}

int
digest_init_named(struct digest *d, const char *name)
{
	return init_md(d, EVP_get_digestbyname(name));
}

void
digest_update(struct digest *d, const void *p, size_t n)
{
	if (!d->failed && !EVP_DigestUpdate(d->ctx, p, n))
		d->failed = 1;
}

int
digest_hex(struct digest *d, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	if (d->failed || !EVP_DigestFinal_ex(d->ctx, md, &len) || len > 32)
		return -1;
	for (i = 0; i < len; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * len] = '\0';
	return 0;
}

void
digest_release(struct digest *d)
{
	EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
}

void
digest_hook(void *ctx, const void *p, size_t n)
{
	digest_update(ctx, p, n);
}

int
digest_of(const void *p, size_t n, char hex[65])
{
	struct digest d;
	int rc;

	if (digest_init(&d) < 0)
		return -1;
	digest_update(&d, p, n);
	rc = digest_hex(&d, hex);
	digest_release(&d);
	return rc;
}
