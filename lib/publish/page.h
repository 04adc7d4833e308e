/*
 * page: the HTML pages of a publication, for the citizens and reusers
 * who open it in a browser: a dataset's landing page (title, description,
 * licence, producer, last update, downloads with size and SHA-256, the
 * schema as a table of fields, the profile of its columns as charts, a
 * preview of the first rows, the version history) and the root's list of
 * datasets. Pages are in French (lang="fr"), whole without script (the
 * dashboard's sorting and Leaflet's map only add to them) and without
 * anything from outside the publication (but OpenStreetMap's tiles, when
 * the browser is online), with headings and table headers for screen
 * readers; every datum is escaped.
 */
#ifndef MUNI_PAGE_H
#define MUNI_PAGE_H

#include <stddef.h>
#include <time.h>

#include "base/buf.h"
#include "csv/csvin.h"
#include "json/json.h"
#include "publish/catalog.h"

struct extent;
struct mappoints;

#define PAGE_PREVIEW_ROWS 10
#define PAGE_PREVIEW_CELL 200	/* bytes shown of a cell */

/* The header and first rows of the data, copied as they are read. */
struct page_preview {
	size_t ncols, nrows;	/* nrows counts the header */
	char **cells;		/* nrows * ncols, NUL-terminated */
};

void page_preview_init(struct page_preview *p);
int page_preview_add(struct page_preview *p, const struct record *rec);
void page_preview_release(struct page_preview *p);

struct page_dataset {
	yajl_val descriptor;
	yajl_val schema;			/* the Table Schema */
	yajl_val profile;			/* profile's JSON, or NULL */
	const struct extent *extent;		/* the rows' points, or NULL */
	const struct mappoints *map;
	int leaflet;				/* leaflet.js beside the page */
	const struct cat_version *v;
	const struct page_preview *preview;
	const struct cat_version *history;	/* newest first */
	size_t nhistory;
};

int page_dataset(const struct page_dataset *d, struct buf *out);
/* The versions a column's history is drawn from, oldest first. */
#define TREND_VERSIONS 24
struct trend {
	yajl_val prof[TREND_VERSIONS];		/* their profiles, or NULL */
	const char *number[TREND_VERSIONS];	/* "1.2.0" */
	size_t n;
};

/*
 * The profile of the columns (profile_json()'s array) as a section of the
 * dataset's page: for each column its filled cells and distinct values,
 * a histogram of numbers and times, the most frequent texts, the split of
 * booleans, in inline SVG with the numbers in text; with t, also each
 * column's filled share and mean over the versions; in the cards of the
 * coordinates' columns (x), the points and those outside France (m)
 * (page_profile.c).
 */
int page_profile(struct buf *out, yajl_val profile, const struct trend *t,
    const struct extent *x, const struct mappoints *m);
/* The index of column name in profile (its card is "col-N"), or -1. */
size_t page_profile_column(yajl_val profile, const char *name);
/*
 * The history of n versions (newest first) as charts: the rows of each,
 * and the rows added, changed and removed (page_profile.c).
 */
int page_history_chart(struct buf *out, const struct cat_version *h,
    size_t n);
/*
 * The map of the rows' points: their box's outline and a circle each (a
 * class "out" outside France), in SVG, with the counts and the box in
 * words. With leaflet (the library copied beside the page, leaflet.h),
 * also the points and their rows as JSON and a script that shows them on
 * an interactive map instead, over OpenStreetMap's tiles when the browser
 * is online (page_map.c).
 */
int page_map(struct buf *out, const struct extent *x,
    const struct mappoints *m, int leaflet);
/*
 * A number in French ("12 345,5": the thousands apart by a narrow no-break
 * space, a decimal comma; text that is not a plain number as it is), and
 * a count so written (page_profile.c).
 */
int page_number(struct buf *out, const char *s);
int page_count(struct buf *out, unsigned long long n);
/* A field's type, and its format (or NULL), in French words. */
int page_type_words(struct buf *out, const char *type, const char *format);

struct page_entry {
	yajl_val descriptor;
	const struct cat_version *v;
	int has_prev;			/* a version before v */
	unsigned long long prev_rows;	/* its rows */
};

/*
 * The root's page, a dashboard: each dataset with its freshness against
 * its declared frequency as of now, its validity, rows and their change
 * since the version before, licence, personal data; a script sorts and
 * filters the table and counts the freshness again on the day it is read
 * (the table is whole without it).
 */
int page_root(const char *title, const struct page_entry *e, size_t n,
    time_t now, struct buf *out);

#endif
