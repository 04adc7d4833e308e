/*
 * libFuzzer target for an API's pages: the bytes are a page (pager_scan()),
 * or, after a first byte 'L', a Link header's value (http_link_next());
 * a first byte '#' reads the next URL at meta.next, 'A' dates as ArcGIS;
 * a second '#' the records at data, a third drops their member "id".
 * The records written must read back as a JSON array of as many values.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "net/http.h"
#include "source/pager.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_records(int out, unsigned long long records)
{
	off_t n = lseek(out, 0, SEEK_END);
	char *text, err[128];
	yajl_val v;

	if (n < 0 || n > (1 << 24) || (text = malloc((size_t)n + 3)) == NULL)
		return;
	text[0] = '[';
	if (pread(out, text + 1, (size_t)n, 0) == n) {
		text[n + 1] = ']';
		text[n + 2] = '\0';
		v = yajl_tree_parse(text, err, sizeof(err));
		/* the records are JSON, as many as counted */
		if (v == NULL || !YAJL_IS_ARRAY(v) || v->u.array.len != records)
			abort();
		yajl_tree_free(v);
	}
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pager_options o;
	struct muni_err e;
	unsigned long long records;
	char *next, link[64];
	int page, out;

	if (size > 0 && data[0] == 'L') {
		link[0] = '\0';
		http_link_next((const char *)data + 1, size - 1, link,
		    sizeof(link));
		if (strlen(link) >= sizeof(link))
			abort();
		return 0;
	}
	page = memfd_create("page", 0);
	out = memfd_create("out", 0);
	memset(&o, 0, sizeof(o));
	o.kind = size > 0 && data[0] == '#' ? PAGER_NEXT : size > 0 &&
	    data[0] == 'A' ? PAGER_ARCGIS : PAGER_LINKS;
	o.next = "meta.next";
	if (size > 1 && data[1] == '#')
		o.records = "data";
	if (size > 2 && data[2] == '#')
		o.drop = "id";
	if (page >= 0 && out >= 0 && write(page, data, size) == (ssize_t)size) {
		err_clear(&e);
		if (pager_scan(&o, page, out, &records, &next, &e) == 0) {
			check_records(out, records);
			free(next);
		}
	}
	if (page >= 0)
		close(page);
	if (out >= 0)
		close(out);
	return 0;
}
