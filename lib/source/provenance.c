#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/exitcode.h"
#include "json/json.h"
#include "source/provenance.h"
#include "base/banned.h"

time_t
provenance_epoch(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = time(NULL);
	char *end;

	if (sde && *sde) {
		long long v;

		errno = 0;
		v = strtoll(sde, &end, 10);
		if (!errno && *end == '\0' && v >= 0)
			t = (time_t)v;
	}
	return t;
}

void
provenance_now(char out[32])
{
	time_t t = provenance_epoch();
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
provenance_json(const struct provenance *p, struct buf *out,
    struct muni_err *e)
{
	yajl_gen g = json_new();
	char delim[8], now[32];

	if (g == NULL) {
		err_set(e, MUNI_EXIT_IO, "cannot allocate a JSON generator");
		return -1;
	}
	if (p->delimiter)
		snprintf(delim, sizeof(delim), "%c", p->delimiter);
	else
		delim[0] = '\0';
	provenance_now(now);
	yajl_gen_map_open(g);
	json_key_str(g, "source", p->source);
	json_key_str(g, "format", p->format ? p->format : "csv");
	json_key_uint(g, "bytes", p->bytes);
	json_key_str(g, "sha256", p->sha256);
	json_key_str(g, "compression", p->compression);
	json_key_str(g, "encoding", p->encoding);
	json_key_bool(g, "bom", p->bom);
	json_key_str(g, "delimiter", delim);
	json_key_str(g, "line_ends", p->line_ends);
	json_key_uint(g, "records", p->records);
	if (p->sheet != NULL) {
		json_key_str(g, "sheet", p->sheet);
		json_key_uint(g, "skipped_rows", p->skipped);
	}
	if (p->entry != NULL)
		json_key_str(g, "entry", p->entry);
	if (p->crs != NULL)
		json_key_str(g, "crs", p->crs);
	if (p->reprojected_to != NULL)
		json_key_str(g, "reprojected_to", p->reprojected_to);
	if (p->api != NULL) {
		json_str(g, "api");
		yajl_gen_map_open(g);
		json_key_str(g, "paging", p->api);
		json_key_uint(g, "pages", p->pages);
		if (p->matched >= 0)
			json_key_uint(g, "number_matched",
			    (unsigned long long)p->matched);
		if (p->resource != NULL)
			json_key_str(g, "resource", p->resource);
		yajl_gen_map_close(g);
	}
	json_key_str(g, "fetched", now);
	json_key_str(g, "tool", p->tool);
	yajl_gen_map_close(g);
	if (json_finish(g, out) < 0) {
		err_set(e, MUNI_EXIT_IO, "cannot render the provenance record");
		return -1;
	}
	return 0;
}
