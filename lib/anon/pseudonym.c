#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anon/pseudonym.h"
#include "base/digest.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "base/banned.h"

int
pseudonym_hmac_sha256(const void *key, size_t klen, const void *msg, size_t n,
    unsigned char out[32])
{
	unsigned int len = 32;

	return HMAC(EVP_sha256(), key, (int)klen, msg, n, out, &len) ==
	    NULL || len != 32 ? -1 : 0;
}

static void
key_id(struct pseudonym_key *key)
{
	struct digest d;
	char hex[65];

	if (digest_init(&d) < 0) {
		snprintf(key->id, sizeof(key->id), "unknown");
		return;
	}
	digest_update(&d, "muni key id", 11);
	digest_update(&d, key->k, sizeof(key->k));
	if (digest_hex(&d, hex) < 0)
		snprintf(key->id, sizeof(key->id), "unknown");
	else
		snprintf(key->id, sizeof(key->id), "%.16s", hex);
	digest_release(&d);
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int
pseudonym_key_load(const char *path, struct pseudonym_key *key,
    struct muni_err *e)
{
	char text[130];
	ssize_t n;
	int fd, i, hi, lo;

	memset(key, 0, sizeof(*key));
	fd = fd_open_secret(path, "the key file", e);
	if (fd < 0) {
		if (e->errnum == ENOENT) {
			size_t k = strlen(e->msg);

			snprintf(e->msg + k, sizeof(e->msg) - k, " (create one "
			    "with --new-key)");
		}
		return -1;
	}
	n = fd_read_full(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read the key file "
		    "'%s'", path);
		return -1;
	}
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		n--;
	if (n != 2 * PSEUDONYM_KEY_BYTES)
		goto bad;
	for (i = 0; i < PSEUDONYM_KEY_BYTES; i++) {
		hi = hexval(text[2 * i]);
		lo = hexval(text[2 * i + 1]);
		if (hi < 0 || lo < 0)
			goto bad;
		key->k[i] = (unsigned char)(hi << 4 | lo);
	}
	memset(text, 0, sizeof(text));
	key_id(key);
	return 0;
bad:
	memset(text, 0, sizeof(text));
	pseudonym_key_wipe(key);
	err_set(e, MUNI_EXIT_USAGE, "the key file '%s' does not hold a key: "
	    "64 hexadecimal digits (256 bits) are expected", path);
	return -1;
}

int
pseudonym_key_new(const char *path, struct muni_err *e)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char k[PSEUDONYM_KEY_BYTES];
	char text[2 * PSEUDONYM_KEY_BYTES + 1];
	size_t got = 0;
	ssize_t r;
	int fd, i, rc;

	while (got < sizeof(k)) {
		r = getrandom(k + got, sizeof(k) - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err_sys(e, MUNI_EXIT_IO, errno, "cannot read the "
			    "system's random source");
			return -1;
		}
		got += (size_t)r;
	}
	for (i = 0; i < PSEUDONYM_KEY_BYTES; i++) {
		text[2 * i] = hex[k[i] >> 4];
		text[2 * i + 1] = hex[k[i] & 15];
	}
	text[2 * PSEUDONYM_KEY_BYTES] = '\n';
	memset(k, 0, sizeof(k));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0) {
		memset(text, 0, sizeof(text));
		err_sys(e, errno == EEXIST ? MUNI_EXIT_USAGE : MUNI_EXIT_IO,
		    errno, "cannot create the key file '%s'%s", path,
		    errno == EEXIST ? " (a key is never overwritten)" : "");
		return -1;
	}
	rc = fchmod(fd, 0600) < 0 || fd_write_full(fd, text, sizeof(text)) < 0 ||
	    fsync(fd) < 0 ? -1 : 0;
	memset(text, 0, sizeof(text));
	if (close(fd) < 0 || rc < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write the key file '%s'",
		    path);
		unlink(path);
		return -1;
	}
	return 0;
}

void
pseudonym_key_wipe(struct pseudonym_key *key)
{
	volatile unsigned char *p = key->k;
	size_t i;

	for (i = 0; i < sizeof(key->k); i++)
		p[i] = 0;
	EVP_MAC_CTX_free(key->ctx);
	key->ctx = NULL;
}

/* A MAC context with key set, made on first use and reused. */
static EVP_MAC_CTX *
mac_ctx(const struct pseudonym_key *key)
{
	struct pseudonym_key *k = (struct pseudonym_key *)key;
	OSSL_PARAM params[2];
	EVP_MAC *mac;

	if (k->ctx != NULL)
		return EVP_MAC_init(k->ctx, NULL, 0, NULL) ? k->ctx : NULL;
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (mac == NULL)
		return NULL;
	k->ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (k->ctx == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256",
	    0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(k->ctx, k->k, sizeof(k->k), params))
		return NULL;
	return k->ctx;
}

int
pseudonym_make(const struct pseudonym_key *key, const char *domain,
    const char *value, size_t n, size_t chars, char *out)
{
	static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	unsigned char mac[32];
	unsigned int bits = 0, acc = 0;
	size_t i = 0, k = 0, len = 0;
	EVP_MAC_CTX *ctx;

	if (chars == 0 || chars > PSEUDONYM_MAX_CHARS)
		return -1;
	ctx = mac_ctx(key);
	if (ctx == NULL || !EVP_MAC_update(ctx, (const unsigned char *)domain,
	    strlen(domain)) || !EVP_MAC_update(ctx, (const unsigned char *)"",
	    1) || !EVP_MAC_update(ctx, (const unsigned char *)value, n) ||
	    !EVP_MAC_final(ctx, mac, &len, sizeof(mac)) || len != 32)
		return -1;
	while (k < chars) {
		if (bits < 5) {
			acc = acc << 8 | (i < 32 ? mac[i] : 0);
			i++;
			bits += 8;
		}
		out[k++] = b32[(acc >> (bits - 5)) & 31];
		bits -= 5;
	}
	out[k] = '\0';
	return 0;
}
