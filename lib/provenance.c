#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_gen.h>

#include "exitcode.h"
#include "provenance.h"
#include "banned.h"

void
provenance_now(char out[32])
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = time(NULL);
	struct tm tm;
	char *end;

	if (sde && *sde) {
		long long v;

		errno = 0;
		v = strtoll(sde, &end, 10);
		if (!errno && *end == '\0' && v >= 0)
			t = (time_t)v;
	}
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void
gen_key_str(yajl_gen g, const char *k, const char *v)
{
	gen_str(g, k);
	gen_str(g, v);
}

static void
gen_key_int(yajl_gen g, const char *k, unsigned long long v)
{
	char num[32];

	gen_str(g, k);
	snprintf(num, sizeof(num), "%llu", v);
	yajl_gen_number(g, num, strlen(num));
}

int
provenance_json(const struct provenance *p, struct buf *out,
    struct muni_err *e)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *json;
	char delim[8], now[32];
	size_t len;
	int rc = 0;

	if (g == NULL) {
		err_set(e, MUNI_EXIT_IO, "cannot allocate a JSON generator");
		return -1;
	}
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	if (p->delimiter == '\t')
		snprintf(delim, sizeof(delim), "\t");
	else
		snprintf(delim, sizeof(delim), "%c", p->delimiter);
	provenance_now(now);
	yajl_gen_map_open(g);
	gen_key_str(g, "source", p->source);
	gen_key_int(g, "bytes", p->bytes);
	gen_key_str(g, "sha256", p->sha256);
	gen_key_str(g, "compression", p->compression);
	gen_key_str(g, "encoding", p->encoding);
	gen_str(g, "bom");
	yajl_gen_bool(g, p->bom);
	gen_key_str(g, "delimiter", delim);
	gen_key_str(g, "line_ends", p->line_ends);
	gen_key_int(g, "records", p->records);
	gen_key_str(g, "fetched", now);
	gen_key_str(g, "tool", p->tool);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &json, &len) != yajl_gen_status_ok ||
	    buf_add(out, json, len) < 0) {
		err_set(e, MUNI_EXIT_IO, "cannot render the provenance record");
		rc = -1;
	}
	yajl_gen_free(g);
	return rc;
}
