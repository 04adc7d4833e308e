/*
 * page: the HTML pages of a publication, for the citizens and reusers
 * who open it in a browser: a dataset's landing page (title, description,
 * licence, producer, last update, downloads with size and SHA-256, the
 * schema as a table of fields, a preview of the first rows, the version
 * history) and the root's list of datasets. Pages are in French
 * (lang="fr"), self-contained (no script, no outside resource), with
 * headings and table headers for screen readers; every datum is escaped.
 */
#ifndef MUNI_PAGE_H
#define MUNI_PAGE_H

#include <stddef.h>

#include "base/buf.h"
#include "csv/csvin.h"
#include "json/json.h"
#include "publish/catalog.h"

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
	const struct cat_version *v;
	const struct page_preview *preview;
	const struct cat_version *history;	/* newest first */
	size_t nhistory;
};

int page_dataset(const struct page_dataset *d, struct buf *out);

struct page_entry {
	yajl_val descriptor;
	const struct cat_version *v;
};

int page_root(const char *title, const struct page_entry *e, size_t n,
    struct buf *out);

#endif
