/*
 * report_json: a report as frictionless-py writes it (JSON), for CI jobs.
 */

#include <stdio.h>
#include <string.h>

#include "json/json.h"
#include "schema/report.h"
#include "base/banned.h"

static void
gen_seconds(yajl_gen g, double s)
{
	char num[32];

	json_str(g, "seconds");
	snprintf(num, sizeof(num), "%.3f", s);
	yajl_gen_number(g, num, strlen(num));
}

/* One error; place names the file of a package's error (else NULL). */
static void
gen_error(yajl_gen g, const struct report *r, const struct verror *err,
    const char *place)
{
	const char *tag;
	size_t i;

	yajl_gen_map_open(g);
	json_str(g, "type");
	json_str(g, error_code_name(err->code));
	json_str(g, "title");
	json_str(g, error_code_title(err->code));
	json_str(g, "description");
	json_str(g, error_code_description(err->code));
	json_str(g, "message");
	json_str(g, err->message);
	if (place)
		json_key_str(g, "place", place);
	json_str(g, "tags");
	yajl_gen_array_open(g);
	for (i = 0; (tag = error_code_tag(err->code, i)) != NULL; i++)
		json_str(g, tag);
	yajl_gen_array_close(g);
	json_str(g, "note");
	json_str(g, err->note);
	if (err->hint)
		json_key_str(g, "hint", err->hint);
	if (error_code_has_tag(err->code, "#header")) {
		json_str(g, "labels");
		yajl_gen_array_open(g);
		for (i = 0; i < r->nlabels; i++)
			json_str(g, r->labels[i]);
		yajl_gen_array_close(g);
		json_str(g, "rowNumbers");
		yajl_gen_array_open(g);
		yajl_gen_integer(g, 1);
		yajl_gen_array_close(g);
		json_str(g, "label");
		json_strn(g, err->cell, err->cell_len);
	} else if (err->row) {
		json_key_uint(g, "rowNumber", err->row);
		if (error_code_has_tag(err->code, "#cell")) {
			json_str(g, "cell");
			json_strn(g, err->cell, err->cell_len);
		}
	}
	if (err->field) {
		json_str(g, "fieldName");
		json_str(g, err->field_name);
		json_key_uint(g, "fieldNumber", err->field);
	}
	yajl_gen_map_close(g);
}

/* Hand yajl's buffer to r's sink once large: the report streamed. */
static int
drain(yajl_gen g, const struct report *r)
{
	const unsigned char *p;
	size_t n;

	if (r->sink == NULL)
		return 0;
	if (yajl_gen_get_buf(g, &p, &n) != yajl_gen_status_ok)
		return -1;
	if (n < REPORT_DRAIN)
		return 0;
	if (r->sink->failed || r->sink->write(r->sink->ctx, p, n) < 0) {
		r->sink->failed = 1;
		return -1;
	}
	yajl_gen_clear(g);
	return 0;
}

static int
gen_task(yajl_gen g, const struct report *r)
{
	struct report_iter it;
	const struct verror *err;
	const char *name;
	size_t i;
	int rc;

	name = r->file ? strrchr(r->file, '/') : NULL;
	name = name ? name + 1 : r->file ? r->file : "stdin";
	yajl_gen_map_open(g);
	json_str(g, "name");
	json_str(g, name);
	json_str(g, "type");
	json_str(g, "table");
	json_str(g, "valid");
	yajl_gen_bool(g, report_valid(r));
	json_str(g, "place");
	json_str(g, r->file ? r->file : "-");
	json_str(g, "labels");
	yajl_gen_array_open(g);
	for (i = 0; i < r->nlabels; i++)
		json_str(g, r->labels[i]);
	yajl_gen_array_close(g);
	json_str(g, "stats");
	yajl_gen_map_open(g);
	json_key_uint(g, "errors", r->total);
	json_key_uint(g, "warnings", r->nwarnings);
	gen_seconds(g, r->seconds);
	json_key_uint(g, "fields", r->nfields);
	json_key_uint(g, "rows", r->rows);
	if (r->dropped) {
		/* errors is then a lower bound: more were found, not kept */
		json_str(g, "limitReached");
		yajl_gen_bool(g, 1);
	}
	yajl_gen_map_close(g);
	json_str(g, "warnings");
	yajl_gen_array_open(g);
	for (i = 0; i < r->nwarnings; i++)
		json_str(g, r->warnings[i]);
	yajl_gen_array_close(g);
	json_str(g, "errors");
	yajl_gen_array_open(g);
	it = report_iter(r);
	while ((err = report_next(&it)) != NULL) {
		gen_error(g, r, err, NULL);
		if (drain(g, r) < 0)
			break;
	}
	rc = it.failed ? -1 : 0;
	report_iter_end(&it);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return rc;
}

int
report_set_json(const struct report_set *s, struct buf *out)
{
	yajl_gen g = json_new();
	unsigned long long errors = 0, warnings = 0;
	double seconds = 0;
	size_t i, k, tasks = 0;
	int rc = 0;

	if (g == NULL)
		return -1;
	for (i = 0; i < s->n; i++) {
		errors += s->r[i]->total;
		warnings += s->r[i]->nwarnings;
		seconds += s->r[i]->seconds;
		tasks += !s->r[i]->package;
	}
	yajl_gen_map_open(g);
	json_str(g, "valid");
	yajl_gen_bool(g, report_set_valid(s));
	json_str(g, "stats");
	yajl_gen_map_open(g);
	json_key_uint(g, "tasks", tasks);
	json_key_uint(g, "errors", errors);
	json_key_uint(g, "warnings", warnings);
	gen_seconds(g, seconds);
	yajl_gen_map_close(g);
	/* What is not of one table: the packages' and catalogues'. */
	json_str(g, "warnings");
	yajl_gen_array_open(g);
	for (i = 0; i < s->n; i++)
		for (k = 0; s->r[i]->package && k < s->r[i]->nwarnings; k++)
			json_str(g, s->r[i]->warnings[k]);
	yajl_gen_array_close(g);
	json_str(g, "errors");
	yajl_gen_array_open(g);
	for (i = 0; i < s->n; i++)
		if (s->r[i]->package) {
			struct report_iter it = report_iter(s->r[i]);
			const struct verror *err;

			while ((err = report_next(&it)) != NULL)
				gen_error(g, s->r[i], err, s->r[i]->file);
			rc |= it.failed ? -1 : 0;
			report_iter_end(&it);
		}
	yajl_gen_array_close(g);
	json_str(g, "tasks");
	yajl_gen_array_open(g);
	for (i = 0; i < s->n; i++)
		if (!s->r[i]->package)
			rc |= gen_task(g, s->r[i]);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	if (rc < 0 || (s->n == 1 && s->r[0]->sink && s->r[0]->sink->failed)) {
		yajl_gen_free(g);
		return -1;
	}
	return json_finish(g, out);
}

int
report_json(const struct report *r, struct buf *out)
{
	struct report_set s;

	s.r = &r;
	s.n = 1;
	return report_set_json(&s, out);
}
