/*
 * libFuzzer target for a publication's metadata: any bytes are a metadata
 * file (muni-meta(5)); what loads is rendered as muni-publish renders it
 * (datapackage.json, read back for the DCAT-AP catalogue and the pages),
 * so every string of the file goes through every writer and escaper.
 */
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "publish/catalog.h"
#include "publish/datapackage.h"
#include "publish/dcat.h"
#include "publish/meta.h"
#include "publish/page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cat_version v;
	struct datapackage_input in;
	struct dcat_dataset ds;
	struct dcat_catalog cat;
	struct page_dataset pd;
	struct page_entry pe;
	struct muni_err e;
	struct buf out;
	struct meta *m;
	yajl_val desc;

	err_clear(&e);
	m = meta_parse((const char *)data, size, "fuzz", &e);
	if (m == NULL)
		return 0;
	memset(&v, 0, sizeof(v));
	memcpy(v.number, "1.0.0", 6);
	memcpy(v.published, "2026-01-01T00:00:00Z", 21);
	memcpy(v.stamp, "20260101T000000Z", 17);
	memcpy(v.sha256, "00", 3);
	memcpy(v.gz_sha256, "11", 3);
	memcpy(v.validation, "valid", 6);
	memcpy(v.anonymization, "pass", 5);
	v.rows = 3;
	memset(&in, 0, sizeof(in));
	in.meta = m;
	in.v = &v;
	in.schema_url = m->schema_url ? m->schema_url : "schema.json";
	buf_init(&out, (size_t)64 << 20);
	if (datapackage_render(&in, &out) == 0 &&
	    (desc = yajl_tree_parse(out.ptr, NULL, 0)) != NULL) {
		memset(&ds, 0, sizeof(ds));
		ds.descriptor = desc;
		ds.modified = v.published;
		memset(&cat, 0, sizeof(cat));
		cat.title = m->title;
		cat.base = "https://example.fr/";
		cat.datasets = &ds;
		cat.ndatasets = 1;
		buf_reset(&out);
		dcat_render(&cat, &out);
		memset(&pd, 0, sizeof(pd));
		pd.descriptor = desc;
		pd.v = &v;
		pd.history = &v;
		pd.nhistory = 1;
		buf_reset(&out);
		page_dataset(&pd, &out);
		memset(&pe, 0, sizeof(pe));
		pe.descriptor = desc;
		pe.v = &v;
		pe.has_prev = 1;
		pe.prev_rows = 7;
		buf_reset(&out);
		/* A fixed now: the frequency's lateness, reproducibly. */
		page_root(m->title, &pe, 1, (time_t)1767225600, &out);
		yajl_tree_free(desc);
	}
	buf_release(&out);
	meta_free(m);
	return 0;
}
