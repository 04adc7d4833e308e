/* pagescan.c: see pagescan.h. */
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
#include "schema/keyset.h"
#include "source/jsonrec.h"
#include "source/pagescan.h"
#include "base/banned.h"

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
	if (kind == 't' && s->depth == 2 && s->st[1].is_map &&
	    s->st[2].is_map && strcmp(s->st[1].key, "result") == 0 &&
	    strcmp(s->st[2].key, "total_was_estimated") == 0)
		s->estimated = 1;
	if (kind == '0' && (root_key(s, "numberMatched") || (s->ncount &&
	    at_path(s, s->countp, s->ncount)))) {
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

int
pagescan_drain(struct buf *out, int fd, int all)
{
	if (out->len < ((size_t)1 << 20) && !all)
		return 0;
	if (fd_write_full(fd, out->ptr, out->len) < 0)
		return -1;
	buf_reset(out);
	return 0;
}

static int
gml_key(void *ctx, const char *name, size_t n)
{
	struct scan *s = ctx;

	note_key(s, (const unsigned char *)name, n);
	return s->failed ? -1 : 0;
}

static int
gml_feature(void *ctx, const unsigned char *json, size_t n)
{
	struct scan *s = ctx;

	if ((!s->first_record && buf_addch(s->out, ',') < 0) ||
	    buf_add(s->out, json, n) < 0 || buf_addch(s->out, '\n') < 0) {
		s->failed = 1;
		return -1;
	}
	s->first_record = 0;
	s->nrec++;
	if (pagescan_drain(s->out, s->out_fd, 0) < 0) {
		s->failed = 3;
		return -1;
	}
	return 0;
}

/* A page of GML features. */
static int
gml_page_scan(struct scan *s, int page, const char *url, int out_fd,
    struct muni_err *e)
{
	struct gml_page res;
	int rc;

	s->out_fd = out_fd;
	s->geojson = 1;
	rc = gml_page(s->gml, page, url, gml_key, gml_feature, s, &res, e);
	s->matched = res.matched;
	if (s->failed == 3)
		err_sys(e, MUNI_EXIT_IO, errno, "cannot keep the records of "
		    "'%s'", url);
	else if (s->failed)
		err_nomem(e);
	return rc < 0 || s->failed ? -1 : 0;
}

int
pagescan_page(struct scan *s, int page, const char *url, int out_fd,
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
	s->estimated = 0;
	s->exceeded = 0;
	free(s->next);
	s->next = NULL;
	if (s->gml)
		return gml_page_scan(s, page, url, out_fd, e);
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
		if (pagescan_drain(s->out, out_fd, 0) < 0)
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
pagescan_init(struct scan *s, const struct pager_options *o, struct buf *out)
{
	memset(s, 0, sizeof(*s));
	s->o = o;
	s->first_record = 1;
	s->out = out;
	s->page = 1;
	return split_path(o->records, s->want, &s->nwant) < 0 ||
	    split_path(o->kind == PAGER_NEXT ? o->next : NULL, s->nextp,
	    &s->nnext) < 0 || split_path(o->count, s->countp, &s->ncount) <
	    0 ? -1 : 0;
}

void
pagescan_release(struct scan *s)
{
	free(s->next);
	s->next = NULL;
	free_path(s->want, s->nwant);
	free_path(s->nextp, s->nnext);
	free_path(s->countp, s->ncount);
	s->nwant = s->nnext = s->ncount = 0;
}

int
pager_scan(const struct pager_options *o, int page, int out_fd,
    unsigned long long *records, char **next, struct muni_err *e)
{
	struct scan s;
	struct buf out;
	struct keyset dates;
	int rc = -1;

	keyset_init(&dates);
	/* ArcGIS: a field "date" is a date field. */
	if (o->kind == PAGER_ARCGIS && keyset_add(&dates, "date", 4, 1) == 0)
		s.dates = &dates;
	*records = 0;
	*next = NULL;
	buf_init(&out, (size_t)1 << 28);
	if (pagescan_init(&s, o, &out) < 0)
		err_nomem(e);
	else if ((o->kind != PAGER_ARCGIS || (keyset_add(&dates, "date", 4,
	    1) == 0 && (s.dates = &dates))) &&
	    pagescan_page(&s, page, "page", out_fd, e) == 0) {
		if (pagescan_drain(&out, out_fd, 1) < 0)
			err_sys(e, MUNI_EXIT_IO, errno, "cannot write");
		else {
			*records = s.nrec;
			*next = s.next;
			s.next = NULL;
			rc = 0;
		}
	}
	pagescan_release(&s);
	keyset_release(&dates);
	buf_release(&out);
	return rc;
}

