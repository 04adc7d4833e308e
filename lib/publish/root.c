#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "json/json.h"
#include "publish/catalog.h"
#include "publish/dcat.h"
#include "publish/folder.h"
#include "publish/page.h"
#include "publish/publication.h"
#include "publish/root.h"
#include "source/provenance.h"
#include "base/banned.h"

/*
 * The root's catalog.rdf and index.html for a generation, rendered from
 * its catalogue into dir (the publication's render hook).
 */
static int
render(void *ctx, struct catalog *c, const char *dir, struct muni_err *e)
{
	const struct root_defaults *o = ctx;
	struct cat_version *v = NULL;
	struct dcat_dataset *ds = NULL;
	struct page_entry *pe = NULL;
	struct dcat_catalog cat;
	yajl_val *d = NULL;
	struct buf out;
	char path[FOLDER_PATH_MAX], modified[32] = "", base[2048], given[2048],
	    title[512], key[128], first[32] = "", (*issued)[32] = NULL;
	size_t n = 0, i;
	int rc = -1;

	buf_init(&out, (size_t)256 << 20);
	if (catalog_versions(c, NULL, &v, &n, e) < 0)
		goto done;
	ds = calloc(n + 1, sizeof(*ds));
	pe = calloc(n + 1, sizeof(*pe));
	d = calloc(n + 1, sizeof(*d));
	issued = calloc(n + 1, sizeof(*issued));
	if (ds == NULL || pe == NULL || d == NULL || issued == NULL) {
		err_nomem(e);
		goto done;
	}
	for (i = 0; i < n; i++) {
		struct cat_version full;

		/* catalog_versions() leaves the descriptors out. */
		if (catalog_current(c, v[i].dataset, &full, e) < 0)
			goto done;
		d[i] = json_parse(full.descriptor ? full.descriptor : "", NULL,
		    0);
		cat_version_release(&full);
		if (d[i] == NULL) {
			err_set(e, MUNI_EXIT_IO, "the descriptor of '%s' in the "
			    "catalogue is not JSON", v[i].dataset);
			goto done;
		}
		ds[i].descriptor = pe[i].descriptor = d[i];
		ds[i].modified = v[i].published;
		snprintf(key, sizeof(key), "issued/%s", v[i].dataset);
		if (catalog_setting(c, key, issued[i], sizeof(issued[i])))
			ds[i].issued = issued[i];
		if (ds[i].issued && (first[0] == '\0' ||
		    strcmp(ds[i].issued, first) < 0))
			snprintf(first, sizeof(first), "%s", ds[i].issued);
		pe[i].v = &v[i];
		/* The version before, for the rows' trend. */
		{
			struct cat_version *all = NULL;
			size_t nall = 0;

			if (catalog_versions(c, v[i].dataset, &all, &nall,
			    e) < 0)
				goto done;
			if (nall > 1) {
				pe[i].has_prev = 1;
				pe[i].prev_rows = all[1].rows;
			}
			free(all);
		}
		if (strcmp(v[i].published, modified) > 0)
			snprintf(modified, sizeof(modified), "%s",
			    v[i].published);
	}
	/*
	 * What the publication was given (a folder of an older muni may
	 * have neither); URLs are built as BASE + name, one slash between.
	 */
	if (!catalog_setting(c, "base_url", given, sizeof(given)))
		snprintf(given, sizeof(given), "%s", o->base_url ?
		    o->base_url : "");
	if (!catalog_setting(c, "catalog_title", title, sizeof(title)))
		snprintf(title, sizeof(title), "%s", o->catalog_title ?
		    o->catalog_title : DEFAULT_TITLE);
	snprintf(base, sizeof(base), "%s%s", given, given[0] &&
	    given[strlen(given) - 1] != '/' ? "/" : "");
	memset(&cat, 0, sizeof(cat));
	cat.title = title;
	cat.base = base;
	cat.modified = modified[0] ? modified : NULL;
	if (!catalog_setting(c, "issued", given, sizeof(given)))
		snprintf(given, sizeof(given), "%s", first);
	cat.issued = given[0] ? given : NULL;
	cat.datasets = ds;
	cat.ndatasets = n;
	if (dcat_render(&cat, &out) < 0) {
		err_set(e, MUNI_EXIT_IO, "cannot render catalog.rdf");
		goto done;
	}
	if (folder_path(path, e, "%s/catalog.rdf", dir) < 0 ||
	    folder_write(path, out.ptr, out.len, e) < 0)
		goto done;
	buf_reset(&out);
	if (page_root(title, pe, n, provenance_epoch(), &out) < 0) {
		err_set(e, MUNI_EXIT_IO, "cannot render index.html");
		goto done;
	}
	if (folder_path(path, e, "%s/index.html", dir) < 0 ||
	    folder_write(path, out.ptr, out.len, e) < 0)
		goto done;
	rc = 0;
done:
	for (i = 0; d && i < n; i++)
		yajl_tree_free(d[i]);
	free(d);
	free(v);
	free(ds);
	free(pe);
	free(issued);
	buf_release(&out);
	return rc;
}

int
root_open(struct publication *p, const char *root,
    const struct root_defaults *d, int create, int wait, struct muni_err *e)
{
	memset(p, 0, sizeof(*p));
	p->lockfd = p->peekfd = -1;
	p->render = render;
	p->render_ctx = (void *)(uintptr_t)d;
	return publication_open(p, root, create, wait, e);
}
