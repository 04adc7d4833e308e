#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exitcode.h"
#include "jsongen.h"
#include "provenance.h"
#include "banned.h"

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
	yajl_gen g = jg_new();
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
	jg_key_str(g, "source", p->source);
	jg_key_str(g, "format", p->format ? p->format : "csv");
	jg_key_uint(g, "bytes", p->bytes);
	jg_key_str(g, "sha256", p->sha256);
	jg_key_str(g, "compression", p->compression);
	jg_key_str(g, "encoding", p->encoding);
	jg_key_bool(g, "bom", p->bom);
	jg_key_str(g, "delimiter", delim);
	jg_key_str(g, "line_ends", p->line_ends);
	jg_key_uint(g, "records", p->records);
	if (p->sheet != NULL) {
		jg_key_str(g, "sheet", p->sheet);
		jg_key_uint(g, "skipped_rows", p->skipped);
	}
	if (p->entry != NULL)
		jg_key_str(g, "entry", p->entry);
	jg_key_str(g, "fetched", now);
	jg_key_str(g, "tool", p->tool);
	yajl_gen_map_close(g);
	if (jg_finish(g, out) < 0) {
		err_set(e, MUNI_EXIT_IO, "cannot render the provenance record");
		return -1;
	}
	return 0;
}
