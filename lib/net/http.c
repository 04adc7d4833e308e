#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "base/fdio.h"
#include "base/version.h"
#include "net/http.h"
#include "base/banned.h"

int
http_is_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 ||
	    strncasecmp(s, "https://", 8) == 0;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct buf *out = arg;

	if (buf_add(out, p, size * n) < 0)
		return 0;	/* over the cap: curl stops with an error */
	return size * n;
}

static int
http_init(struct muni_err *e)
{
	static int initialised;

	if (!initialised) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
			err_set(e, MUNI_EXIT_IO, "cannot initialise libcurl");
			return -1;
		}
		initialised = 1;
	}
	return 0;
}

/* What every request of muni sets. */
static void
setup(CURL *c, const char *url, const char *agent, char *why)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_USERAGENT, agent);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS,
	    CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, why);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
}

/* A handle set up as every request of muni is, or NULL with e set. */
static CURL *
easy(const char *url, char *why, struct muni_err *e)
{
	char agent[64];
	CURL *c;

	if (http_init(e) < 0)
		return NULL;
	c = curl_easy_init();
	if (c == NULL) {
		err_set(e, MUNI_EXIT_IO, "cannot initialise libcurl");
		return NULL;
	}
	/* libcurl copies the strings it is given. */
	snprintf(agent, sizeof(agent), "muni/%s", muni_version());
	setup(c, url, agent, why);
	return c;
}

int
http_get(const char *url, struct buf *out, int status_on_error,
    struct muni_err *e)
{
	char why[CURL_ERROR_SIZE] = "";
	long code = 0;
	CURLcode rc;
	CURL *c;

	if ((c = easy(url, why, e)) == NULL)
		return -1;
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)out->max);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)HTTP_DOCUMENT_TIMEOUT);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		err_set(e, status_on_error, "cannot fetch '%s': %s", url,
		    why[0] ? why : curl_easy_strerror(rc));
		return -1;
	}
	if (code >= 400) {
		err_set(e, status_on_error, "cannot fetch '%s': the server "
		    "answered HTTP %ld", url, code);
		return -1;
	}
	return 0;
}

int
http_request(const char *url, const struct http_request *rq,
    struct buf *out, long *code, struct muni_err *e)
{
	char why[CURL_ERROR_SIZE] = "", key[600];
	struct curl_slist *headers = NULL;
	curl_mime *mime = NULL;
	CURLcode rc;
	CURL *c;

	*code = 0;
	if ((c = easy(url, why, e)) == NULL)
		return -1;
	/* A long upload is slow, not stalled: only a stall aborts it. */
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	headers = curl_slist_append(headers, "Accept: application/json");
	if (rq->api_key) {
		snprintf(key, sizeof(key), "X-API-KEY: %s", rq->api_key);
		headers = curl_slist_append(headers, key);
	}
	if (rq->json) {
		headers = curl_slist_append(headers,
		    "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->json);
	} else if (rq->file) {
		curl_mimepart *part;

		mime = curl_mime_init(c);
		part = curl_mime_addpart(mime);
		curl_mime_name(part, "file");
		curl_mime_filedata(part, rq->file);
		curl_mime_filename(part, rq->file_name);
		curl_mime_type(part, "text/csv");
		curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	/* Keep the method on redirects of a POST or PUT. */
	curl_easy_setopt(c, CURLOPT_POSTREDIR, CURL_REDIR_POST_ALL);
	/* An upload of a whole file: the deadline of a download. */
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)HTTP_TIMEOUT);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
	curl_easy_cleanup(c);
	curl_mime_free(mime);
	curl_slist_free_all(headers);
	if (rc != CURLE_OK) {
		err_set(e, MUNI_EXIT_IO, "cannot %s '%s': %s", rq->method, url,
		    why[0] ? why : curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

struct sink {
	int fd;
	unsigned long long bytes, max;
	int over, failed, errnum;
	struct http_result *r;
	long retry_after;		/* seconds, -1: none */
};

static size_t
on_file_body(char *p, size_t size, size_t n, void *arg)
{
	struct sink *k = arg;
	size_t len = size * n;

	if (k->bytes + len > k->max) {
		k->over = 1;
		return 0;
	}
	if (fd_write_full(k->fd, p, len) < 0) {
		k->failed = 1;
		k->errnum = errno;
		return 0;
	}
	k->bytes += len;
	return len;
}

/* Copy a header's value (trimmed) when its name matches. */
static int
header_is(const char *line, size_t n, const char *name, char *out,
    size_t max)
{
	size_t k = strlen(name), v;

	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return 0;
	line += k + 1;
	n -= k + 1;
	while (n > 0 && (*line == ' ' || *line == '\t'))
		line++, n--;
	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n' ||
	    line[n - 1] == ' '))
		n--;
	v = n < max - 1 ? n : max - 1;
	memcpy(out, line, v);
	out[v] = '\0';
	return 1;
}

/*
 * The target of rel="next" in a Link header's value (RFC 8288): entries
 * "<uri>; param; rel=next" separated by commas; rel may list several
 * relations. Kept in out when found.
 */
void
http_link_next(const char *p, size_t n, char *out, size_t max)
{
	const char *end = p + n, *lt, *gt, *q;

	for (;;) {
		lt = memchr(p, '<', (size_t)(end - p));
		if (lt == NULL)
			return;
		gt = memchr(lt, '>', (size_t)(end - lt));
		if (gt == NULL)
			return;
		/* The parameters: up to the next entry's '<' (or the end). */
		q = memchr(gt, '<', (size_t)(end - gt));
		if (q == NULL)
			q = end;
		for (p = gt + 1; p + 3 < q; p++) {
			const char *v;
			size_t k;

			if (strncasecmp(p, "rel", 3) != 0 || (p[-1] != ';' &&
			    p[-1] != ' ' && p[-1] != '\t'))
				continue;
			v = p + 3;
			while (v < q && (*v == ' ' || *v == '='))
				v++;
			if (v < q && *v == '"')
				v++;
			/* One of the space-separated relation types. */
			while (v < q && *v != '"' && *v != ';' && *v != ',') {
				for (k = 0; v + k < q && v[k] != ' ' &&
				    v[k] != '"' && v[k] != ';' && v[k] != ',';
				    k++)
					;
				if (k == 4 && strncasecmp(v, "next", 4) == 0 &&
				    (size_t)(gt - lt - 1) < max) {
					memcpy(out, lt + 1, (size_t)(gt - lt - 1));
					out[gt - lt - 1] = '\0';
					return;
				}
				v += k;
				while (v < q && *v == ' ')
					v++;
			}
		}
		p = q;
	}
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct sink *k = arg;
	size_t len = size * n;
	char ra[64];
	time_t when;

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		/* a new response (after a redirect): forget the last one */
		k->r->etag[0] = k->r->last_modified[0] = '\0';
		k->r->content_type[0] = '\0';
		k->r->link_next[0] = '\0';
		k->retry_after = -1;
		return len;
	}
	if (len > 5 && strncasecmp(p, "Link:", 5) == 0)
		http_link_next(p + 5, len - 5, k->r->link_next,
		    sizeof(k->r->link_next));
	header_is(p, len, "ETag", k->r->etag, sizeof(k->r->etag));
	header_is(p, len, "Last-Modified", k->r->last_modified,
	    sizeof(k->r->last_modified));
	header_is(p, len, "Content-Type", k->r->content_type,
	    sizeof(k->r->content_type));
	if (header_is(p, len, "Retry-After", ra, sizeof(ra))) {
		if (ra[0] >= '0' && ra[0] <= '9')
			k->retry_after = strtol(ra, NULL, 10);
		else if ((when = curl_getdate(ra, NULL)) > 0)
			k->retry_after = (long)(when - time(NULL));
		if (k->retry_after < 0)
			k->retry_after = 0;
	}
	return len;
}

static int
retryable(CURLcode rc, long code)
{
	if (rc == CURLE_OK)
		return code == 408 || code == 429 || code == 500 ||
		    code == 502 || code == 503 || code == 504;
	return rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_COULDNT_CONNECT ||
	    rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
	    rc == CURLE_PARTIAL_FILE || rc == CURLE_GOT_NOTHING;
}

int
http_download(const char *url, int fd, const struct http_get_options *o,
    struct http_result *r, struct muni_err *e)
{
	char agent[64], why[CURL_ERROR_SIZE], hdr[400];
	struct curl_slist *headers = NULL;
	unsigned waited = 0, wait;
	struct sink k;
	CURLcode rc;
	CURL *c;
	int attempt;
	size_t i;
	long timeout = o->timeout > 0 ? o->timeout : HTTP_TIMEOUT;
	time_t deadline = time(NULL) + timeout, left;

	if (http_init(e) < 0)
		return -1;
	memset(r, 0, sizeof(*r));
	if (o->etag && *o->etag) {
		snprintf(hdr, sizeof(hdr), "If-None-Match: %s", o->etag);
		headers = curl_slist_append(headers, hdr);
	}
	if (o->last_modified && *o->last_modified) {
		snprintf(hdr, sizeof(hdr), "If-Modified-Since: %s",
		    o->last_modified);
		headers = curl_slist_append(headers, hdr);
	}
	for (i = 0; i < o->nheaders; i++)
		headers = curl_slist_append(headers, o->headers[i]);
	snprintf(agent, sizeof(agent), "muni/%s", muni_version());
	for (attempt = 0;; attempt++) {
		c = curl_easy_init();
		if (c == NULL) {
			curl_slist_free_all(headers);
			err_set(e, MUNI_EXIT_IO, "cannot initialise libcurl");
			return -1;
		}
		if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
			curl_easy_cleanup(c);
			curl_slist_free_all(headers);
			err_sys(e, MUNI_EXIT_IO, errno, "cannot write the "
			    "download of '%s'", url);
			return -1;
		}
		memset(&k, 0, sizeof(k));
		k.fd = fd;
		k.max = o->max_bytes;
		k.r = r;
		k.retry_after = -1;
		why[0] = '\0';
		setup(c, url, agent, why);
		curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
		    (curl_off_t)o->max_bytes);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_file_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &k);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, &k);
		/*
		 * A server that trickles its body stays above the low speed
		 * limit: the deadline covers every attempt and every wait.
		 */
		left = deadline - time(NULL);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)(left > 1 ? left : 1));
		if (headers)
			curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
		rc = curl_easy_perform(c);
		r->code = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->code);
		curl_easy_cleanup(c);
		r->attempts = attempt + 1;
		r->bytes = k.bytes;
		if (k.over || rc == CURLE_FILESIZE_EXCEEDED) {
			err_set(e, MUNI_EXIT_IO, "cannot fetch '%s': it is "
			    "larger than %llu bytes (--max-download)", url,
			    o->max_bytes);
			break;
		}
		if (k.failed) {
			err_sys(e, MUNI_EXIT_IO, k.errnum, "cannot write the "
			    "download of '%s'", url);
			break;
		}
		if (rc == CURLE_OK && r->code < 400) {
			curl_slist_free_all(headers);
			return 0;
		}
		if (rc == CURLE_OPERATION_TIMEDOUT && time(NULL) >= deadline) {
			err_set(e, MUNI_EXIT_IO, "cannot fetch '%s': not done "
			    "after %ld seconds (raise the limit with --timeout)",
			    url, timeout);
			break;
		}
		if (rc != CURLE_OK)
			err_set(e, MUNI_EXIT_IO, "cannot fetch '%s': %s", url,
			    why[0] ? why : curl_easy_strerror(rc));
		else
			err_set(e, MUNI_EXIT_IO, "cannot fetch '%s': the "
			    "server answered HTTP %ld", url, r->code);
		if (!retryable(rc, r->code) || attempt >= o->retries)
			break;
		wait = 1u << (attempt < 8 ? attempt : 8);
		wait += (unsigned)(rand() % (int)(wait * 250 + 1)) / 1000;
		if (k.retry_after > (long)wait)
			wait = (unsigned)k.retry_after;
		if (waited + wait > o->max_wait ||
		    time(NULL) + (time_t)wait >= deadline)
			break;
		waited += wait;
		sleep(wait);
	}
	if (attempt > 0) {
		size_t n = strlen(e->msg);

		snprintf(e->msg + n, sizeof(e->msg) - n, " (after %d attempts)",
		    attempt + 1);
	}
	curl_slist_free_all(headers);
	return -1;
}

char *
http_resolve(const char *base, const char *ref, struct muni_err *e)
{
	CURLU *u = curl_url();
	char *got = NULL, *copy = NULL;

	if (u == NULL) {
		err_nomem(e);
		return NULL;
	}
	if (curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_URL, ref, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &got, 0) != CURLUE_OK ||
	    !http_is_url(got))
		err_set(e, MUNI_EXIT_DATA, "'%s' is not the URL of a page (from "
		    "'%s')", ref, base);
	else if ((copy = strdup(got)) == NULL)
		err_nomem(e);
	curl_free(got);
	curl_url_cleanup(u);
	return copy;
}

char *
http_with_param(const char *url, const char *name, const char *value,
    struct muni_err *e)
{
	CURLU *u = curl_url();
	char *query = NULL, *got = NULL, *copy = NULL, *esc;
	struct buf q;
	const char *p, *amp;
	size_t n = strlen(name);

	if (u == NULL) {
		err_nomem(e);
		return NULL;
	}
	buf_init(&q, (size_t)1 << 20);
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' is not a URL", url);
		goto out;
	}
	(void)curl_url_get(u, CURLUPART_QUERY, &query, 0);
	/* Every other parameter as it is, in its place; name's replaced. */
	for (p = query; p && *p; p = amp ? amp + 1 : p + strlen(p)) {
		amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);

		/* Names as WFS reads them: whatever their case. */
		if ((len == n || (len > n && p[n] == '=')) &&
		    strncasecmp(p, name, n) == 0)
			continue;
		if (q.len)
			buf_addch(&q, '&');
		buf_add(&q, p, len);
		if (amp == NULL)
			break;
	}
	if (q.len)
		buf_addch(&q, '&');
	/* The value percent-encoded: a WFS format is "a/b; subtype=c". */
	esc = curl_easy_escape(NULL, value, 0);
	if (esc == NULL) {
		err_nomem(e);
		goto out;
	}
	buf_addf(&q, "%s=%s", name, esc);
	curl_free(esc);
	if (curl_url_set(u, CURLUPART_QUERY, q.ptr, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &got, 0) != CURLUE_OK)
		err_set(e, MUNI_EXIT_USAGE, "cannot set '%s' in '%s'", name,
		    url);
	else if ((copy = strdup(got)) == NULL)
		err_nomem(e);
out:
	curl_free(query);
	curl_free(got);
	curl_url_cleanup(u);
	buf_release(&q);
	return copy;
}

char *
http_public(const char *url)
{
	CURLU *u = curl_url();
	char *got = NULL, *copy;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_USER, NULL, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &got, 0) == CURLUE_OK)
		copy = strdup(got);
	else
		copy = strdup(url);
	curl_free(got);
	curl_url_cleanup(u);
	return copy;
}
