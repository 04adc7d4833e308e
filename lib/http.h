/*
 * http: fetch a small document (a schema, a configuration) over http or
 * https with libcurl, the one module that talks to it: redirects followed
 * (five at most, http and https only), a connect timeout, an abort when the
 * transfer stalls, a size cap, a User-Agent that names muni. An HTTP status
 * of 400 or more is an error that names it.
 */
#ifndef MUNI_HTTP_H
#define MUNI_HTTP_H

#include "buf.h"
#include "err.h"

/* Whether s is an http:// or https:// URL. */
int http_is_url(const char *s);
/* Append the body of url to out (at most out->max bytes). */
int http_get(const char *url, struct buf *out, int status_on_error,
    struct muni_err *e);

#endif
