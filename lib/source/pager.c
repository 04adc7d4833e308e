/*
 * pager.c: each page is read once with yajl's event parser; the records
 * are written again, one by one, with yajl's generator (numbers keep their
 * text, strings their characters), so memory holds one record.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "json/json.h"
#include "schema/keyset.h"
#include "source/jsonrec.h"
#include "source/pager.h"
#include "source/xmlrd.h"
#include "base/banned.h"

#define MAX_PATH 16
#define LINK_MAX 4096

struct frame {
	int is_map;
	char key[256];		/* the current member's key, cut */
	int key_cut;		/* longer than key holds: matches nothing */
};

struct scan {
	const struct pager_options *o;
	char *want[MAX_PATH];	/* the records' path */
	size_t nwant;
	char *nextp[MAX_PATH];	/* the next URL's path */
	size_t nnext;
	struct frame st[SRC_JSON_MAX_DEPTH + 2];
	int depth;		/* containers open */
	int rec_depth;		/* the records array's depth; 0: none yet */
	int rec_done;		/* the records array read */
	int in_rec;		/* a record being written */
	int skipping;		/* in a member dropped (o->drop) */
	int skip_depth;		/* the depth of its record */
	yajl_gen g;
	struct buf *out;	/* records of every page, comma-separated */
	unsigned long long nrec;	/* this page's */
	int first_record;	/* no record written yet, any page */
	char *next;		/* from the page, or NULL */
	char link_rel[32], link_href[LINK_MAX];
	long long matched;
	int geojson;
	struct keyset *keys;
	struct keyset *dates;	/* ArcGIS: the date fields' names */
	int exceeded;		/* ArcGIS: exceededTransferLimit */
	unsigned long long start;	/* WFS: the first STARTINDEX */
	unsigned long page;
	int failed;		/* out of memory, or a record too deep */
};

static int
split_path(const char *p, char **out, size_t *n)
{
	char *copy, *tok, *save;

	*n = 0;
	if (p == NULL || *p == '\0')
		return 0;
	copy = strdup(p);
	if (copy == NULL)
		return -1;
	for (tok = strtok_r(copy, "./", &save); tok && *n < MAX_PATH;
	    tok = strtok_r(NULL, "./", &save))
		if ((out[(*n)++] = strdup(tok)) == NULL) {
			free(copy);
			return -1;
		}
	free(copy);
	return 0;
}

static void
free_path(char **p, size_t n)
{
	while (n > 0)
		free(p[--n]);
}

/* Whether the value starting now is at path p (the keys of every level). */
static int
at_path(const struct scan *s, char *const *p, size_t n)
{
	size_t d;

	if (n == 0 || (size_t)s->depth != n)
		return 0;
	for (d = 1; d <= n; d++)
		if (!s->st[d].is_map || s->st[d].key_cut ||
		    strcmp(s->st[d].key, p[d - 1]) != 0)
			return 0;
	return 1;
}

/* The key of the member starting now at depth 1 is name. */
static int
root_key(const struct scan *s, const char *name)
{
	return s->depth == 1 && s->st[1].is_map && !s->st[1].key_cut &&
	    strcmp(s->st[1].key, name) == 0;
}

/* A column name (a record's key) not seen on page 1: said once. */
static void
note_key(struct scan *s, const unsigned char *k, size_t n)
{
	long long had;
	char msg[512];

	if (s->keys == NULL)
		return;
	had = keyset_add(s->keys, k, n, s->page);
	if (had < 0)
		s->failed = 1;
	else if (had == 0 && s->page > 1 && s->o->warn) {
		snprintf(msg, sizeof(msg), "column '%.*s' first appears in page "
		    "%lu: it is empty in the rows before", (int)(n < 200 ? n :
		    200), (const char *)k, s->page);
		s->o->warn(s->o->warn_ctx, msg);
	}
}

static int
gen_ok(struct scan *s, yajl_gen_status st)
{
	if (st != yajl_gen_status_ok)
		s->failed = 1;
	return !s->failed;
}

/* An ArcGIS record's value now is a date field's (in its properties). */
static int
is_date_field(const struct scan *s)
{
	const struct frame *f = &s->st[s->depth];
	int d = s->depth - s->rec_depth;

	if (!f->is_map || f->key_cut || d < 1 || d > 2 || (d == 2 &&
	    strcmp(s->st[s->rec_depth + 1].key, "properties") != 0 &&
	    strcmp(s->st[s->rec_depth + 1].key, "attributes") != 0))
		return 0;
	return keyset_find(s->dates, f->key, strlen(f->key)) != 0;
}

/* Milliseconds since 1970 written as an ISO 8601 date and time, UTC. */
static int
iso_date(struct scan *s, const char *p, size_t n)
{
	char num[40], out[48], *end;
	double ms;
	long long sec, frac;
	struct tm tm;
	time_t t;
	size_t k;

	snprintf(num, sizeof(num), "%.*s", (int)(n < 39 ? n : 39), p);
	errno = 0;
	ms = strtod(num, &end);
	/* Years 1 to 9999: anything else is left as the server wrote it. */
	if (errno || *end || ms < -62135596800000.0 || ms > 253402300799999.0)
		return gen_ok(s, yajl_gen_number(s->g, p, n));
	sec = (long long)(ms / 1000);
	frac = (long long)ms - sec * 1000;
	if (frac < 0) {
		sec--;
		frac += 1000;
	}
	t = (time_t)sec;
	if (gmtime_r(&t, &tm) == NULL)
		return gen_ok(s, yajl_gen_number(s->g, p, n));
	k = strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%S", &tm);
	if (frac)
		k += (size_t)snprintf(out + k, sizeof(out) - k, ".%03lld",
		    frac);
	out[k++] = 'Z';
	return gen_ok(s, yajl_gen_string(s->g, (const unsigned char *)out,
	    k));
}

/* A scalar value: in a record, written; else looked at. */
static int
scalar(struct scan *s, int kind, const char *p, size_t n)
{
	if (s->skipping) {
		if (s->depth == s->skip_depth)
			s->skipping = 0;
		return 1;
	}
	if (s->in_rec) {
		switch (kind) {
		case 'n':
			return gen_ok(s, yajl_gen_null(s->g));
		case 't':
		case 'f':
			return gen_ok(s, yajl_gen_bool(s->g, kind == 't'));
		case '0':
			if (s->dates && is_date_field(s))
				return iso_date(s, p, n);
			return gen_ok(s, yajl_gen_number(s->g, p, n));
		default:
			return gen_ok(s, yajl_gen_string(s->g,
			    (const unsigned char *)p, n));
		}
	}
	if (s->rec_depth && s->depth == s->rec_depth && !s->rec_done &&
	    s->nrec == 0) {
		/* An array of scalars holds no records: not this one. */
		s->rec_depth = 0;
		return 1;
	}
	if (s->nnext && at_path(s, s->nextp, s->nnext) && kind == 's' &&
	    n > 0 && s->next == NULL) {
		s->next = strndup(p, n);
		if (s->next == NULL)
			s->failed = 1;
	}
	if (root_key(s, "numberMatched") && kind == '0') {
		char num[32];

		snprintf(num, sizeof(num), "%.*s", (int)(n < 31 ? n : 31), p);
		s->matched = strtoll(num, NULL, 10);
	}
	if (kind == 't' && (root_key(s, "exceededTransferLimit") ||
	    (s->depth == 2 && s->st[1].is_map && !s->st[1].key_cut &&
	    strcmp(s->st[1].key, "properties") == 0 && s->st[2].is_map &&
	    strcmp(s->st[2].key, "exceededTransferLimit") == 0)))
		s->exceeded = 1;
	if (root_key(s, "type") && kind == 's' && n == 17 &&
	    memcmp(p, "FeatureCollection", 17) == 0)
		s->geojson = 1;
	/* OGC API: {"links": [{"rel": "next", "href": ...}]} */
	if (s->depth == 3 && s->st[1].is_map && !s->st[1].key_cut &&
	    strcmp(s->st[1].key, "links") == 0 && !s->st[2].is_map &&
	    s->st[3].is_map && kind == 's') {
		if (strcmp(s->st[3].key, "rel") == 0)
			snprintf(s->link_rel, sizeof(s->link_rel), "%.*s",
			    (int)(n < 31 ? n : 31), p);
		else if (strcmp(s->st[3].key, "href") == 0 && n < LINK_MAX) {
			memcpy(s->link_href, p, n);
			s->link_href[n] = '\0';
		}
	}
	return 1;
}

static int
cb_null(void *ctx)
{
	return scalar(ctx, 'n', NULL, 0);
}

static int
cb_boolean(void *ctx, int v)
{
	return scalar(ctx, v ? 't' : 'f', NULL, 0);
}

static int
cb_number(void *ctx, const char *p, size_t n)
{
	return scalar(ctx, '0', p, n);
}

static int
cb_string(void *ctx, const unsigned char *p, size_t n)
{
	return scalar(ctx, 's', (const char *)p, n);
}

/* A level more: 0 (and s->failed 2) past SRC_JSON_MAX_DEPTH. */
static int
push(struct scan *s, int is_map)
{
	if (s->depth > SRC_JSON_MAX_DEPTH) {
		s->failed = 2;
		return 0;
	}
	s->depth++;
	s->st[s->depth].is_map = is_map;
	s->st[s->depth].key[0] = '\0';
	s->st[s->depth].key_cut = 0;
	return 1;
}

static int
open_level(struct scan *s, int is_map)
{
	if (s->skipping)
		return push(s, is_map);
	if (s->in_rec && !gen_ok(s, is_map ? yajl_gen_map_open(s->g) :
	    yajl_gen_array_open(s->g)))
		return 0;
	if (!s->in_rec && s->rec_depth && !s->rec_done &&
	    s->depth == s->rec_depth) {
		/* A record begins. */
		s->in_rec = 1;
		yajl_gen_reset(s->g, NULL);
		yajl_gen_clear(s->g);
		if (!gen_ok(s, is_map ? yajl_gen_map_open(s->g) :
		    yajl_gen_array_open(s->g)))
			return 0;
	} else if (!s->in_rec && !s->rec_depth && !s->rec_done && !is_map &&
	    (s->nwant ? at_path(s, s->want, s->nwant) : s->depth == 0 ||
	    (s->depth == 1 && s->st[1].is_map && !root_key(s, "links")))) {
		s->rec_depth = s->depth + 1;
	}
	if (!push(s, is_map))
		return 0;
	if (s->depth == 3 && s->st[1].is_map && strcmp(s->st[1].key,
	    "links") == 0)
		s->link_rel[0] = s->link_href[0] = '\0';
	return 1;
}

static int
cb_start_map(void *ctx)
{
	return open_level(ctx, 1);
}

static int
cb_start_array(void *ctx)
{
	return open_level(ctx, 0);
}

static int
cb_map_key(void *ctx, const unsigned char *p, size_t n)
{
	struct scan *s = ctx;
	struct frame *f = &s->st[s->depth];

	f->key_cut = n >= sizeof(f->key);
	if (!f->key_cut) {
		memcpy(f->key, p, n);
		f->key[n] = '\0';
	}
	if (s->skipping)
		return 1;
	if (s->in_rec && s->depth == s->rec_depth + 1 && s->o->drop &&
	    strlen(s->o->drop) == n && memcmp(s->o->drop, p, n) == 0) {
		s->skipping = 1;
		s->skip_depth = s->depth;
		return 1;
	}
	if (s->in_rec) {
		if (s->depth == s->rec_depth + 1)
			note_key(s, p, n);
		else if (s->depth == s->rec_depth + 2 &&
		    strcmp(s->st[s->rec_depth + 1].key, "properties") == 0)
			note_key(s, p, n);
		return gen_ok(s, yajl_gen_string(s->g, p, n));
	}
	return 1;
}

static int
close_level(struct scan *s)
{
	const unsigned char *p;
	size_t n;

	if (s->skipping) {
		if (--s->depth == s->skip_depth)
			s->skipping = 0;
		return 1;
	}
	if (s->in_rec && !gen_ok(s, s->st[s->depth].is_map ?
	    yajl_gen_map_close(s->g) : yajl_gen_array_close(s->g)))
		return 0;
	if (s->depth == 3 && s->st[1].is_map && strcmp(s->st[1].key,
	    "links") == 0 && strcmp(s->link_rel, "next") == 0 &&
	    s->link_href[0] && s->next == NULL && s->o->kind == PAGER_LINKS &&
	    (s->next = strdup(s->link_href)) == NULL)
		s->failed = 1;
	s->depth--;
	if (s->in_rec && s->depth == s->rec_depth) {
		/* A record ends: written after the others. */
		s->in_rec = 0;
		yajl_gen_get_buf(s->g, &p, &n);
		if ((!s->first_record && buf_addch(s->out, ',') < 0) ||
		    buf_add(s->out, p, n) < 0 || buf_addch(s->out, '\n') < 0)
			s->failed = 1;
		s->first_record = 0;
		s->nrec++;
	} else if (s->rec_depth && s->depth == s->rec_depth - 1)
		s->rec_done = 1;
	return !s->failed;
}

static int
cb_end(void *ctx)
{
	return close_level(ctx);
}

static const yajl_callbacks callbacks = {
	cb_null, cb_boolean, NULL, NULL, cb_number, cb_string,
	cb_start_map, cb_map_key, cb_end, cb_start_array, cb_end
};

/* Write out's records so far to fd: -1 when it cannot. */
static int
drain(struct buf *out, int fd, int all)
{
	if (out->len < ((size_t)1 << 20) && !all)
		return 0;
	if (fd_write_full(fd, out->ptr, out->len) < 0)
		return -1;
	buf_reset(out);
	return 0;
}

/* Read page (a file) and append its records to out: 0, or -1 with e set. */
static int
scan_page(struct scan *s, int page, const char *url, int out_fd,
    struct muni_err *e)
{
	unsigned char chunk[65536];
	yajl_handle h;
	yajl_status st = yajl_status_ok;
	ssize_t n;
	int rc = 0;

	s->depth = 0;
	s->rec_depth = 0;
	s->rec_done = 0;
	s->in_rec = 0;
	s->skipping = 0;
	s->nrec = 0;
	s->matched = -1;
	s->exceeded = 0;
	free(s->next);
	s->next = NULL;
	s->g = yajl_gen_alloc(NULL);
	h = yajl_alloc(&callbacks, NULL, s);
	if (s->g == NULL || h == NULL) {
		if (s->g)
			yajl_gen_free(s->g);
		if (h)
			yajl_free(h);
		err_nomem(e);
		return -1;
	}
	yajl_gen_config(s->g, yajl_gen_validate_utf8, 0);
	if (lseek(page, 0, SEEK_SET) < 0)
		rc = -1;
	while (rc == 0 && (n = read(page, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		st = yajl_parse(h, chunk, (size_t)n);
		if (st != yajl_status_ok)
			break;
		if (drain(s->out, out_fd, 0) < 0)
			rc = -2;
	}
	if (rc == 0 && st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (rc == -1 || rc == -2)
		err_sys(e, MUNI_EXIT_IO, errno, rc == -1 ? "cannot read the "
		    "page of '%s'" : "cannot keep the records of '%s'", url);
	else if (s->failed == 2)
		err_set(e, MUNI_EXIT_DATA, "'%s': the page nests deeper than %d "
		    "levels", url, SRC_JSON_MAX_DEPTH);
	else if (s->failed)
		err_nomem(e);
	else if (st != yajl_status_ok) {
		unsigned char *why = yajl_get_error(h, 0, NULL, 0);

		err_set(e, MUNI_EXIT_DATA, "'%s': page %d is not JSON: %s", url,
		    (int)s->page, why ? (const char *)why : "a syntax error");
		yajl_free_error(h, why);
	}
	if (rc == 0 && (s->failed || st != yajl_status_ok))
		rc = -1;
	yajl_free(h);
	yajl_gen_free(s->g);
	s->g = NULL;
	return rc < 0 ? -1 : 0;
}

int
pager_scan(const struct pager_options *o, int page, int out_fd,
    unsigned long long *records, char **next, struct muni_err *e)
{
	struct scan s;
	struct buf out;
	struct keyset dates;
	int rc = -1;

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.first_record = 1;
	s.out = &out;
	s.page = 1;
	keyset_init(&dates);
	/* ArcGIS: a field "date" is a date field. */
	if (o->kind == PAGER_ARCGIS && keyset_add(&dates, "date", 4, 1) == 0)
		s.dates = &dates;
	*records = 0;
	*next = NULL;
	buf_init(&out, (size_t)1 << 28);
	if (split_path(o->records, s.want, &s.nwant) < 0 ||
	    split_path(o->kind == PAGER_NEXT ? o->next : NULL, s.nextp,
	    &s.nnext) < 0)
		err_nomem(e);
	else if (scan_page(&s, page, "page", out_fd, e) == 0) {
		if (drain(&out, out_fd, 1) < 0)
			err_sys(e, MUNI_EXIT_IO, errno, "cannot write");
		else {
			*records = s.nrec;
			*next = s.next;
			s.next = NULL;
			rc = 0;
		}
	}
	free(s.next);
	free_path(s.want, s.nwant);
	free_path(s.nextp, s.nnext);
	keyset_release(&dates);
	buf_release(&out);
	return rc;
}

/* *u with name set to value (*u freed): -1 with e set on failure. */
static int
set_param(char **u, const char *name, const char *value, struct muni_err *e)
{
	char *next = *u ? http_with_param(*u, name, value, e) : NULL;

	free(*u);
	*u = next;
	return next ? 0 : -1;
}

/* The URL of the next page after s's, or NULL (the last page). */
static char *
next_url(struct scan *s, const char *url, const struct http_result *hr,
    unsigned long long *counter, struct muni_err *e)
{
	const struct pager_options *o = s->o;
	char num[32], *u;

	switch (o->kind) {
	case PAGER_NEXT:
	case PAGER_LINKS:
		if (s->next)
			return http_resolve(url, s->next, e);
		if (o->kind == PAGER_LINKS && hr->link_next[0])
			return http_resolve(url, hr->link_next, e);
		return NULL;
	case PAGER_PAGE:
		if (s->nrec == 0)
			return NULL;
		snprintf(num, sizeof(num), "%llu", ++*counter);
		return http_with_param(url, o->param, num, e);
	case PAGER_WFS:
		*counter += s->nrec;
		if (s->nrec == 0 || s->nrec < o->limit || (s->matched >= 0 &&
		    *counter - s->start >= (unsigned long long)s->matched))
			return NULL;
		snprintf(num, sizeof(num), "%llu", *counter);
		return http_with_param(url, "STARTINDEX", num, e);
	case PAGER_ARCGIS:
		if (!s->exceeded || s->nrec == 0)
			return NULL;
		*counter += s->nrec;
		snprintf(num, sizeof(num), "%llu", *counter);
		return http_with_param(url, "resultOffset", num, e);
	case PAGER_OFFSET:
		if (s->nrec == 0 || s->nrec < o->limit)
			return NULL;
		*counter += s->nrec;
		snprintf(num, sizeof(num), "%llu", *counter);
		u = http_with_param(url, o->param, num, e);
		return u;
	case PAGER_NONE:
		break;
	}
	return NULL;
}

int
pager_is_arcgis(const char *url)
{
	const char *q = strpbrk(url, "?#"), *end = q ? q : url + strlen(url);
	const char *p = end, *digits;

	if (end - url > 6 && strncmp(end - 6, "/query", 6) == 0)
		p = end - 6;
	digits = p;
	while (digits > url && digits[-1] >= '0' && digits[-1] <= '9')
		digits--;
	if (digits == p)
		return 0;
	return (digits - url > 15 && strncmp(digits - 15, "/FeatureServer/",
	    15) == 0) || (digits - url > 11 && strncmp(digits - 11,
	    "/MapServer/", 11) == 0);
}

/* Whether url's path (before its query) ends with suffix. */
static int
path_ends(const char *url, const char *suffix, size_t *at)
{
	const char *q = strpbrk(url, "?#"), *end = q ? q : url + strlen(url);
	size_t n = strlen(suffix);

	if ((size_t)(end - url) < n || strncmp(end - n, suffix, n) != 0)
		return 0;
	*at = (size_t)(end - url) - n;
	return 1;
}

int
pager_recognise(const char *url, struct pager_options *o, char **rewritten)
{
	const char *q = strpbrk(url, "?#");
	struct buf b;
	const char *p, *amp;
	size_t at, len;

	*rewritten = NULL;
	if (path_ends(url, "/api/3/action/datastore_search", &at)) {
		o->kind = PAGER_OFFSET;
		o->param = "offset";
		o->limit = 1000;
		o->limit_param = "limit";
		if (o->records == NULL)
			o->records = "result.records";
		o->drop = "_id";
		return 1;
	}
	if (!path_ends(url, "/records", &at) || strstr(url,
	    "/api/explore/v2.1/catalog/datasets/") == NULL)
		return 0;
	/* The export holds every record: no limit, no offset. */
	buf_init(&b, (size_t)1 << 20);
	buf_add(&b, url, at);
	buf_addstr(&b, "/exports/json");
	for (p = q && *q == '?' ? q + 1 : NULL; p && *p; p = amp ? amp + 1 :
	    NULL) {
		amp = strchr(p, '&');
		len = amp ? (size_t)(amp - p) : strlen(p);
		if ((len >= 6 && strncmp(p, "limit=", 6) == 0) || (len >= 7 &&
		    strncmp(p, "offset=", 7) == 0) || len == 0)
			continue;
		buf_addch(&b, strchr(b.ptr, '?') ? '&' : '?');
		buf_add(&b, p, len);
	}
	*rewritten = strndup(b.ptr, b.len);
	buf_release(&b);
	return *rewritten ? 1 : -1;
}

/*
 * An ArcGIS layer's description (url's layer, ?f=json, fetched into the
 * file page): its date fields into dates, and the URL of its first query
 * page (NULL with e set on failure).
 */
static int set_param(char **u, const char *name, const char *value,
    struct muni_err *e);

static char *
arcgis_start(const char *url, const struct http_get_options *ho, int page,
    const char *bbox, struct keyset *dates, struct muni_err *e)
{
	const char *q = strpbrk(url, "?#"), *end = q ? q : url + strlen(url);
	size_t layer_len = (size_t)(end - url);
	struct http_result hr;
	struct buf b, u;
	char err[256], num[32], *query = NULL, *next;
	yajl_val info = NULL, v, fields;
	long long max = 1000;
	size_t i;
	static const char *const defaults[][2] = {
		{ "where", "1=1" }, { "outFields", "*" },
	};

	if (layer_len > 6 && strncmp(end - 6, "/query", 6) == 0)
		layer_len -= 6;
	buf_init(&b, (size_t)4 << 20);
	buf_init(&u, (size_t)1 << 16);
	if (buf_add(&u, url, layer_len) < 0 || buf_addstr(&u, "?f=json") < 0) {
		err_nomem(e);
		goto out;
	}
	if (http_download(u.ptr, page, ho, &hr, e) < 0)
		goto out;
	if (lseek(page, 0, SEEK_SET) < 0 || fd_read_all(page, &b) < 0) {
		err_set(e, MUNI_EXIT_DATA, "'%s': the layer's description is "
		    "larger than 4 MiB, or cannot be read", u.ptr);
		goto out;
	}
	info = json_parse(b.ptr, err, sizeof(err));
	if (info == NULL || !YAJL_IS_OBJECT(info)) {
		err_set(e, MUNI_EXIT_DATA, "'%s' is not an ArcGIS layer's "
		    "description: %s", u.ptr, info ? "not an object" : err);
		goto out;
	}
	v = yajl_tree_get(info, (const char *[]){ "error", "message", NULL },
	    yajl_t_string);
	if (v) {
		err_set(e, MUNI_EXIT_IO, "'%s': the server says: %.200s", u.ptr,
		    v->u.string);
		goto out;
	}
	v = yajl_tree_get(info, (const char *[]){ "maxRecordCount", NULL },
	    yajl_t_number);
	if (v && YAJL_IS_INTEGER(v) && YAJL_GET_INTEGER(v) > 0)
		max = YAJL_GET_INTEGER(v);
	fields = yajl_tree_get(info, (const char *[]){ "fields", NULL },
	    yajl_t_array);
	for (i = 0; fields && i < fields->u.array.len; i++) {
		yajl_val f = fields->u.array.values[i];
		yajl_val name = yajl_tree_get(f, (const char *[]){ "name",
		    NULL }, yajl_t_string);
		yajl_val type = yajl_tree_get(f, (const char *[]){ "type",
		    NULL }, yajl_t_string);

		if (name && type && strcmp(type->u.string,
		    "esriFieldTypeDate") == 0 && keyset_add(dates,
		    name->u.string, strlen(name->u.string), 1) < 0) {
			err_nomem(e);
			goto out;
		}
	}
	/* The query: the user's parameters, GeoJSON, the paging's. */
	buf_reset(&u);
	buf_add(&u, url, layer_len);
	buf_addstr(&u, "/query");
	if (q && *q == '?')
		buf_addstr(&u, q);
	query = strdup(u.ptr);
	for (i = 0; query && i < 2; i++)
		if (strstr(u.ptr, defaults[i][0]) == NULL) {
			next = http_with_param(query, defaults[i][0],
			    defaults[i][1], e);
			free(query);
			query = next;
		}
	snprintf(num, sizeof(num), "%lld", max);
	if (query && (next = http_with_param(query, "f", "geojson", e))) {
		free(query);
		query = next;
	}
	if (query && (next = http_with_param(query, "resultRecordCount", num,
	    e))) {
		free(query);
		query = next;
	}
	if (query && (next = http_with_param(query, "resultOffset", "0", e))) {
		free(query);
		query = next;
	}
	if (query && bbox && (set_param(&query, "geometry", bbox, e) < 0 ||
	    set_param(&query, "geometryType", "esriGeometryEnvelope", e) < 0 ||
	    set_param(&query, "inSR", "4326", e) < 0 ||
	    set_param(&query, "spatialRel", "esriSpatialRelIntersects", e) < 0))
		query = NULL;
	if (query == NULL && e->status == MUNI_EXIT_OK)
		err_nomem(e);
out:
	yajl_tree_free(info);
	buf_release(&b);
	buf_release(&u);
	return query;
}

/* The value of parameter name (any case) in url's query, or NULL. */
static const char *
param(const char *url, const char *name, size_t *len)
{
	const char *q = strchr(url, '?'), *p, *v;
	size_t n = strlen(name);

	for (p = q; p; p = strchr(p + 1, '&'))
		if (strncasecmp(p + 1, name, n) == 0 && p[1 + n] == '=') {
			v = p + 2 + n;
			*len = strcspn(v, "&#");
			return v;
		}
	return NULL;
}

/* The number in parameter name of url's query, or def. */
static unsigned long long
param_value(const char *url, const char *name, unsigned long long def)
{
	size_t len;
	const char *v = param(url, name, &len);

	return v && *v >= '0' && *v <= '9' ? strtoull(v, NULL, 10) : def;
}

/* Whether parameter name of url's query is value, whatever their case. */
static int
param_is(const char *url, const char *name, const char *value)
{
	size_t len;
	const char *v = param(url, name, &len);

	return v && len == strlen(value) && strncasecmp(v, value, len) == 0;
}

int
pager_is_wfs(const char *url)
{
	return param_is(url, "service", "WFS") &&
	    param_is(url, "request", "GetFeature");
}

/* Whether s holds "json", whatever its case. */
static int
holds_json(const char *s)
{
	for (; *s; s++)
		if (strncasecmp(s, "json", 4) == 0)
			return 1;
	return 0;
}

struct wfs_caps {
	int page;
	off_t at;
	const char *url;
};

static ssize_t
caps_read(void *ctx, void *p, size_t n, struct muni_err *e)
{
	struct wfs_caps *c = ctx;
	ssize_t r;

	do
		r = pread(c->page, p, n, c->at);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'", c->url);
		return -1;
	}
	c->at += r;
	return r;
}

/*
 * The GeoJSON output format a WFS offers for GetFeature, from its
 * capabilities (fetched into the file page): a malloc'd name, or NULL
 * with e set.
 */
static char *
wfs_json_format(const char *url, const struct http_get_options *ho,
    int page, struct muni_err *e)
{
	struct wfs_caps c = { page, 0, NULL };
	struct http_result hr;
	struct xmlrd x;
	struct buf seen;
	char *caps, *found = NULL, *attr;
	int depth_op = 0, depth_par = 0, in_value = 0, rc, depth = 0;

	caps = http_with_param(url, "REQUEST", "GetCapabilities", e);
	if (caps && (found = http_with_param(caps, "ACCEPTVERSIONS", "2.0.0",
	    e)) != NULL) {
		free(caps);
		caps = found;
		found = NULL;
	}
	if (caps == NULL)
		return NULL;
	c.url = caps;
	buf_init(&seen, 4096);
	if (http_download(caps, page, ho, &hr, e) < 0 ||
	    xmlrd_init(&x, caps_read, &c, caps, NULL, e) < 0)
		goto out;
	/* ows:Operation name="GetFeature" / ows:Parameter name="outputFormat"
	 * / ows:AllowedValues / ows:Value, or the Parameter of all of them. */
	while (found == NULL && (rc = xmlrd_next(&x, e)) > 0) {
		int type = xmlrd_type(&x);
		const char *name = xmlrd_name(&x);

		if (type == XML_READER_TYPE_ELEMENT) {
			if (!xmlrd_empty(&x))
				depth++;
			if (strcmp(name, "Operation") == 0) {
				attr = xmlrd_attr(&x, "name");
				depth_op = attr && strcmp(attr, "GetFeature") ==
				    0 ? depth : -depth;
				xmlFree(attr);
			} else if (strcmp(name, "Parameter") == 0 &&
			    depth_op >= 0) {
				attr = xmlrd_attr(&x, "name");
				depth_par = attr && strcasecmp(attr,
				    "outputFormat") == 0 ? depth : 0;
				xmlFree(attr);
			} else if (strcmp(name, "Value") == 0 && depth_par)
				in_value = 1;
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (depth == depth_par)
				depth_par = 0;
			if (depth == depth_op || depth == -depth_op)
				depth_op = 0;
			in_value = 0;
			depth--;
		} else if (in_value && xmlrd_is_text(&x)) {
			const char *v = xmlrd_text(&x);

			if (seen.len < 300)
				buf_addf(&seen, "%s%s", seen.len ? ", " : "", v);
			if (holds_json(v))
				found = strdup(v);
		}
	}
	xmlrd_release(&x);
	if (rc < 0)
		goto out;
	if (found == NULL)
		err_set(e, MUNI_EXIT_DATA, "'%s': the server offers no GeoJSON "
		    "output for GetFeature (it offers %s): name one with "
		    "OUTPUTFORMAT in the URL (GML is not read)", url,
		    seen.len ? seen.ptr : "none");
out:
	buf_release(&seen);
	free(caps);
	return found;
}

/* The first GetFeature page: GeoJSON, COUNT features from STARTINDEX. */
static char *
wfs_start(const char *url, const struct pager_options *o,
    const struct http_get_options *ho, int page, unsigned long *count,
    unsigned long long *start, struct muni_err *e)
{
	char num[32], *fmt = NULL, *u, *next;
	size_t len;

	*count = (unsigned long)param_value(url, "COUNT", o->limit ? o->limit :
	    1000);
	if (*count == 0)
		*count = 1000;
	*start = param_value(url, "STARTINDEX", 0);
	if (param(url, "OUTPUTFORMAT", &len) == NULL &&
	    (fmt = wfs_json_format(url, ho, page, e)) == NULL)
		return NULL;
	u = fmt ? http_with_param(url, "OUTPUTFORMAT", fmt, e) : strdup(url);
	free(fmt);
	if (u && o->bbox) {
		char box[160];

		snprintf(box, sizeof(box), "%s,urn:ogc:def:crs:OGC:1.3:CRS84",
		    o->bbox);
		if (set_param(&u, "BBOX", box, e) < 0)
			return NULL;
	}
	/* STARTINDEX is WFS 2.0's. */
	if (u && param(u, "VERSION", &len) == NULL &&
	    (next = http_with_param(u, "VERSION", "2.0.0", e)) != NULL) {
		free(u);
		u = next;
	}
	snprintf(num, sizeof(num), "%lu", *count);
	if (u && (next = http_with_param(u, "COUNT", num, e)) != NULL) {
		free(u);
		u = next;
	}
	snprintf(num, sizeof(num), "%llu", *start);
	if (u && (next = http_with_param(u, "STARTINDEX", num, e)) != NULL) {
		free(u);
		u = next;
	}
	return u;
}

int
pager_fetch(const char *url, const struct pager_options *o,
    const struct http_get_options *ho, int fd, struct http_result *first,
    struct pager_result *res, struct muni_err *e)
{
	struct http_get_options hopt = *ho;
	struct http_result hr;
	struct scan s;
	struct keyset seen, keys, dates;
	struct buf out;
	char path[4096], limit[32], *cur = NULL, *nxt;
	unsigned long long counter = 0;
	unsigned long max = o->max_pages ? o->max_pages : PAGER_MAX_PAGES;
	unsigned long wfs_count = 0;
	unsigned long long total = 0;
	struct pager_options wo;
	int page = -1, rc = -1;
	static const char head_geo[] = "{\"type\":\"FeatureCollection\","
	    "\"features\":[\n", head[] = "[\n";

	memset(&s, 0, sizeof(s));
	memset(res, 0, sizeof(*res));
	res->matched = -1;
	s.o = o;
	s.first_record = 1;
	s.keys = &keys;
	s.out = &out;
	keyset_init(&seen);
	keyset_init(&keys);
	keyset_init(&dates);
	buf_init(&out, (size_t)1 << 28);
	if (split_path(o->records, s.want, &s.nwant) < 0 ||
	    split_path(o->kind == PAGER_NEXT ? o->next : NULL, s.nextp,
	    &s.nnext) < 0) {
		err_nomem(e);
		goto out;
	}
	/* The first page, with the paging parameters set. */
	if (o->kind == PAGER_PAGE) {
		counter = param_value(url, o->param, 1);
		snprintf(limit, sizeof(limit), "%llu", counter);
		cur = http_with_param(url, o->param, limit, e);
	} else if (o->kind == PAGER_OFFSET) {
		char *u;

		counter = param_value(url, o->param, 0);
		snprintf(limit, sizeof(limit), "%lu", o->limit);
		u = http_with_param(url, o->limit_param ? o->limit_param :
		    "limit", limit, e);
		snprintf(limit, sizeof(limit), "%llu", counter);
		cur = u ? http_with_param(u, o->param, limit, e) : NULL;
		free(u);
	} else if (o->kind != PAGER_ARCGIS && o->kind != PAGER_WFS) {
		cur = strdup(url);
		if (cur && o->bbox && set_param(&cur, "bbox", o->bbox, e) < 0)
			goto out;
	}
	page = fd_temp("muni-page", path, e);
	if (page < 0)
		goto out;
	unlink(path);
	if (o->kind == PAGER_ARCGIS) {
		cur = arcgis_start(url, &hopt, page, o->bbox, &dates, e);
		s.dates = &dates;
	} else if (o->kind == PAGER_WFS) {
		cur = wfs_start(url, o, &hopt, page, &wfs_count, &counter, e);
		s.start = counter;
		wo = *o;
		wo.limit = wfs_count;
		s.o = o = &wo;
	}
	if (cur == NULL) {
		if (e->status == MUNI_EXIT_OK)
			err_nomem(e);
		goto out;
	}
	/* The records go after the document's head, written once known. */
	if (ftruncate(fd, 0) < 0 || lseek(fd, (off_t)sizeof(head_geo) - 1,
	    SEEK_SET) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write the pages");
		goto out;
	}
	for (;;) {
		if (keyset_add(&seen, cur, strlen(cur), 1) != 0) {
			err_set(e, MUNI_EXIT_DATA, "'%s': page %lu links to a "
			    "page already fetched (%s): the paging loops",
			    url, res->pages, cur);
			goto out;
		}
		if (res->pages == max) {
			err_set(e, MUNI_EXIT_DATA, "'%s': more than %lu pages "
			    "(raise the limit with --max-pages)", url, max);
			goto out;
		}
		s.page = ++res->pages;
		if (http_download(cur, page, &hopt, &hr, e) < 0) {
			if (res->pages > 1) {
				size_t n = strlen(e->msg);

				snprintf(e->msg + n, sizeof(e->msg) - n, " (page "
				    "%lu: nothing is written)", res->pages);
			}
			goto out;
		}
		/* Every page within --max-download, and all of them too. */
		total += hr.bytes;
		if (total > ho->max_bytes) {
			err_set(e, MUNI_EXIT_IO, "'%s': the pages are larger "
			    "than %llu bytes in all (--max-download), at page "
			    "%lu: nothing is written", url, ho->max_bytes,
			    res->pages);
			goto out;
		}
		if (hopt.max_bytes > ho->max_bytes - total)
			hopt.max_bytes = ho->max_bytes - total;
		if (res->pages == 1) {
			*first = hr;
			if (hr.code == 304) {
				rc = 0;
				goto out;
			}
			/* Conditional on the first page only. */
			hopt.etag = hopt.last_modified = NULL;
		}
		if (scan_page(&s, page, cur, fd, e) < 0)
			goto out;
		if (res->pages == 1) {
			res->matched = s.matched;
			res->geojson = s.geojson;
		}
		res->records += s.nrec;
		nxt = next_url(&s, cur, &hr, &counter, e);
		if (nxt == NULL && e->status != MUNI_EXIT_OK)
			goto out;
		free(cur);
		cur = nxt;
		if (cur == NULL)
			break;
	}
	if (res->matched >= 0 && (unsigned long long)res->matched !=
	    res->records) {
		err_set(e, MUNI_EXIT_DATA, "'%s': the server said %lld records "
		    "match (numberMatched), %llu came in %lu pages", url,
		    res->matched, res->records, res->pages);
		goto out;
	}
	if (drain(&out, fd, 1) < 0 || fd_write_full(fd, res->geojson ?
	    "]}\n" : "]\n", res->geojson ? 3 : 2) < 0 ||
	    lseek(fd, 0, SEEK_SET) < 0 ||
	    fd_write_full(fd, "                                          ",
	    sizeof(head_geo) - 1) < 0 || lseek(fd, 0, SEEK_SET) < 0 ||
	    fd_write_full(fd, res->geojson ? head_geo : head,
	    res->geojson ? sizeof(head_geo) - 1 : sizeof(head) - 1) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write the pages");
		goto out;
	}
	rc = 0;
out:
	if (page >= 0)
		close(page);
	free(cur);
	free(s.next);
	free_path(s.want, s.nwant);
	free_path(s.nextp, s.nnext);
	keyset_release(&seen);
	keyset_release(&keys);
	keyset_release(&dates);
	buf_release(&out);
	return rc;
}

char **
pager_read_headers(const char *file, size_t *n, struct muni_err *e)
{
	struct stat st;
	struct buf b;
	char **v = NULL, *p, *line, *end;
	size_t count = 0, i;
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	*n = 0;
	if (fd < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot open '%s'", file);
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' is not a file", file);
		close(fd);
		return NULL;
	}
	if (st.st_mode & 077) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' holds credentials and others "
		    "can read it (mode %03o): make it the owner's alone with "
		    "chmod 600 '%s'", file, (unsigned)(st.st_mode & 0777),
		    file);
		close(fd);
		return NULL;
	}
	buf_init(&b, PAGER_MAX_HEADERS);
	if (fd_read_all(fd, &b) < 0) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' is larger than %d bytes, or "
		    "cannot be read", file, PAGER_MAX_HEADERS);
		goto fail;
	}
	/* One block: the pointers, then the lines. */
	for (i = 0; i < b.len; i++)
		count += b.ptr[i] == '\n';
	v = malloc((count + 2) * sizeof(*v) + b.len + 1);
	if (v == NULL) {
		err_nomem(e);
		goto fail;
	}
	p = (char *)(v + count + 2);
	memcpy(p, b.ptr, b.len + 1);
	for (line = p; line && *line; line = end ? end + 1 : NULL) {
		end = strchr(line, '\n');
		if (end)
			*end = '\0';
		if (end > line && end[-1] == '\r')
			end[-1] = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		if (strchr(line, ':') == NULL || strchr(line, '\r') ||
		    line[0] == ' ' || line[0] == ':') {
			err_set(e, MUNI_EXIT_USAGE, "'%s': a line is not "
			    "\"Name: value\" (the value is not shown)", file);
			goto fail;
		}
		v[(*n)++] = line;
	}
	buf_release(&b);
	close(fd);
	return v;
fail:
	free(v);
	*n = 0;
	buf_release(&b);
	close(fd);
	return NULL;
}
