/*
 * http: fetch a small document (a schema, a configuration) over http or
 * https with libcurl, the one module that talks to it: redirects followed
 * (five at most, http and https only), a connect timeout, an abort when the
 * transfer stalls, a size cap, a User-Agent that names muni. An HTTP status
 * of 400 or more is an error that names it. http_download() adds retries
 * with backoff and conditional requests, for muni-fetch.
 */
#ifndef MUNI_HTTP_H
#define MUNI_HTTP_H

#include "base/buf.h"
#include "base/err.h"

/* What a download sends and gets back besides the body. */
/* A download's deadline by default, every attempt and wait included. */
#define HTTP_TIMEOUT 1800
/* A document's (a schema, a report, an API's answer). */
#define HTTP_DOCUMENT_TIMEOUT 120

struct http_get_options {
	unsigned long long max_bytes;	/* a larger body is an error */
	int retries;			/* after timeouts and 408/429/5xx */
	unsigned max_wait;		/* seconds of waiting in all */
	long timeout;			/* seconds for everything; 0: 1800 */
	const char *etag;		/* If-None-Match, or NULL */
	const char *last_modified;	/* If-Modified-Since, or NULL */
	const char *const *headers;	/* more request headers, "Name: value" */
	size_t nheaders;
};

struct http_result {
	long code;			/* 200, 304... */
	char etag[256];
	char last_modified[64];
	char content_type[128];
	char link_next[2048];		/* RFC 8288 Link: <...>; rel="next" */
	unsigned long long bytes;
	int attempts;
};

/* Whether s is an http:// or https:// URL. */
int http_is_url(const char *s);
/* Append the body of url to out (at most out->max bytes). */
int http_get(const char *url, struct buf *out, int status_on_error,
    struct muni_err *e);

/* A request to an API (data.gouv.fr's): method, key, body. */
struct http_request {
	const char *method;		/* "GET", "POST", "PUT" */
	const char *api_key;		/* sent as X-API-KEY, or NULL */
	const char *json;		/* a JSON body, or NULL */
	const char *file;		/* a file sent as multipart "file" */
	const char *file_name;		/* the name it is sent with */
};

/*
 * Send the request to url; the answer's body goes to out and its status
 * to *code (any status: the caller judges). -1 only when no answer came.
 */
int http_request(const char *url, const struct http_request *rq,
    struct buf *out, long *code, struct muni_err *e);

/*
 * Download url into fd (a regular file, emptied before each attempt),
 * retrying as http_get_options says; r->code 304 is success with no body.
 * Failure after the retries, or an answer of 400 and more, is
 * MUNI_EXIT_IO with the reason.
 */
int http_download(const char *url, int fd, const struct http_get_options *o,
    struct http_result *r, struct muni_err *e);

/*
 * URLs for paging: ref (absolute, or relative as a page's link may be)
 * resolved against base; url with the query parameter name set to value
 * (replaced where it is, whatever the case of its name, else appended). A malloc'd string, or NULL with e
 * set (MUNI_EXIT_DATA: not a URL muni fetches).
 */
char *http_resolve(const char *base, const char *ref, struct muni_err *e);
char *http_with_param(const char *url, const char *name, const char *value,
    struct muni_err *e);
/*
 * The target of rel="next" in the n bytes of a Link header's value (RFC
 * 8288), copied to out when found (and shorter than max); else out as it
 * was.
 */
void http_link_next(const char *p, size_t n, char *out, size_t max);
/* url without its user and password, for what is written down. */
char *http_public(const char *url);

#endif
