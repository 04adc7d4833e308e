/*
 * pagescan: one page of a JSON API (pager's) read once with yajl's event
 * parser: its records written again, one by one, with yajl's generator
 * (numbers keep their text, strings their characters), so that memory
 * holds one record; what the page says of the paging (a next URL, links,
 * numberMatched, exceededTransferLimit) kept. Internal to pager.
 */
#ifndef MUNI_PAGESCAN_H
#define MUNI_PAGESCAN_H

#include <yajl/yajl_gen.h>

#include "base/buf.h"
#include "schema/keyset.h"
#include "source/gml.h"
#include "source/jsonrec.h"
#include "source/pager.h"

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
	char *countp[MAX_PATH];	/* the count's path */
	size_t ncount;
	int estimated;		/* CKAN: result.total_was_estimated */
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
	struct gml *gml;	/* WFS: the pages are GML, or NULL */
	int out_fd;		/* GML: where the records are drained */
};

/* o's paths split into s (set to zero first): -1 when out of memory. */
int pagescan_init(struct scan *s, const struct pager_options *o,
    struct buf *out);
void pagescan_release(struct scan *s);
/*
 * Read page (a file) and append its records to s->out (GML's features,
 * when s->gml, as GeoJSON's): 0, or -1 with e.
 */
int pagescan_page(struct scan *s, int page, const char *url, int out_fd,
    struct muni_err *e);
/* Write out's records to fd when they pass 1 MiB, or all: -1 on failure. */
int pagescan_drain(struct buf *out, int fd, int all);

#endif
