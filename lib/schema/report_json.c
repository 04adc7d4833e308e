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

/*
 * The errors, a million of them in a large report, are written beside the
 * generator rather than through it (yajl prints each level of indentation
 * and each comma by a call of its own): in its layout byte for byte, which
 * tests/lib/test-report checks against yajl's. A failure to grow out is
 * remembered in rc.
 */
struct jw {
	struct buf *out;
	int depth;		/* of the members being written */
	int first;		/* no member written yet at this depth */
	int rc;
};

static void
jw_indent(struct jw *w, int depth)
{
	static const char spaces[] = "                                ";

	while (depth > 0) {
		int n = depth > 16 ? 16 : depth;

		w->rc |= buf_add(w->out, spaces, (size_t)n * 2);
		depth -= n;
	}
}

/*
 * The next member or element at w->depth: its comma and indentation (an
 * opening bracket ends its line, as yajl's does).
 */
static void
jw_next(struct jw *w)
{
	if (!w->first)
		w->rc |= buf_add(w->out, ",\n", 2);
	w->first = 0;
	jw_indent(w, w->depth);
}

static void
jw_key(struct jw *w, const char *key)
{
	jw_next(w);
	w->rc |= json_put_str(w->out, key, strlen(key));
	w->rc |= buf_add(w->out, ": ", 2);
}

static void
jw_strn(struct jw *w, const char *s, size_t n)
{
	w->rc |= json_put_str(w->out, s ? s : "", s ? n : 0);
}

static void
jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s, s ? strlen(s) : 0);
}

static void
jw_key_str(struct jw *w, const char *key, const char *value)
{
	jw_key(w, key);
	jw_str(w, value);
}

static void
jw_key_uint(struct jw *w, const char *key, unsigned long long v)
{
	char num[24], *p = num + sizeof(num);

	jw_key(w, key);
	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	w->rc |= buf_add(w->out, p, (size_t)(num + sizeof(num) - p));
}

/* "[" or "{": its members one level deeper. */
static void
jw_open(struct jw *w, char c)
{
	w->rc |= buf_addch(w->out, c);
	w->rc |= buf_addch(w->out, '\n');
	w->depth++;
	w->first = 1;
}

static void
jw_close(struct jw *w, char c)
{
	w->depth--;
	w->rc |= buf_addch(w->out, '\n');
	jw_indent(w, w->depth);
	w->rc |= buf_addch(w->out, c);
	w->first = 0;
}

/*
 * One error, the element after n others of an array whose elements are
 * indented depth levels, opened by the generator; place names the file of
 * a package's error (else NULL). -1 when out cannot grow.
 */
static int
put_error(struct buf *out, int depth, unsigned long long n,
    const struct report *r, const struct verror *err, const char *place)
{
	struct jw w = { out, depth, n == 0, 0 };
	const char *tag;
	size_t i;

	jw_next(&w);
	jw_open(&w, '{');
	jw_key_str(&w, "type", error_code_name(err->code));
	jw_key_str(&w, "title", error_code_title(err->code));
	jw_key_str(&w, "description", error_code_description(err->code));
	jw_key_str(&w, "message", err->message);
	if (place)
		jw_key_str(&w, "place", place);
	jw_key(&w, "tags");
	jw_open(&w, '[');
	for (i = 0; (tag = error_code_tag(err->code, i)) != NULL; i++) {
		jw_next(&w);
		jw_str(&w, tag);
	}
	jw_close(&w, ']');
	jw_key_str(&w, "note", err->note);
	if (err->hint)
		jw_key_str(&w, "hint", err->hint);
	if (error_code_has_tag(err->code, "#header")) {
		jw_key(&w, "labels");
		jw_open(&w, '[');
		for (i = 0; i < r->nlabels; i++) {
			jw_next(&w);
			jw_str(&w, r->labels[i]);
		}
		jw_close(&w, ']');
		jw_key(&w, "rowNumbers");
		jw_open(&w, '[');
		jw_next(&w);
		w.rc |= buf_addch(out, '1');
		jw_close(&w, ']');
		jw_key(&w, "label");
		jw_strn(&w, err->cell, err->cell_len);
	} else if (err->row) {
		jw_key_uint(&w, "rowNumber", err->row);
		if (error_code_has_tag(err->code, "#cell")) {
			jw_key(&w, "cell");
			jw_strn(&w, err->cell, err->cell_len);
		}
	}
	if (err->field) {
		jw_key_str(&w, "fieldName", err->field_name);
		jw_key_uint(&w, "fieldNumber", err->field);
	}
	jw_close(&w, '}');
	return w.rc < 0 ? -1 : 0;
}

static int
gen_task(yajl_gen g, struct buf *out, const struct report *r)
{
	struct report_iter it;
	const struct verror *err;
	const char *name;
	unsigned long long n;
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
	rc = 0;
	for (n = 0; rc == 0 && (err = report_next(&it)) != NULL; n++)
		rc = put_error(out, 4, n, r, err, NULL) | report_drain(r, out);
	rc |= it.failed ? -1 : 0;
	report_iter_end(&it);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return rc;
}

int
report_set_json(const struct report_set *s, struct buf *out)
{
	struct json_out o = { out, 0 };
	yajl_gen g = json_new_out(&o);
	unsigned long long errors = 0, warnings = 0, n = 0;
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

			while (rc == 0 && (err = report_next(&it)) != NULL)
				rc = put_error(out, 2, n++, s->r[i], err,
				    s->r[i]->file) | report_drain(s->r[i], out);
			rc |= it.failed ? -1 : 0;
			report_iter_end(&it);
		}
	yajl_gen_array_close(g);
	json_str(g, "tasks");
	yajl_gen_array_open(g);
	for (i = 0; i < s->n; i++)
		if (!s->r[i]->package)
			rc |= gen_task(g, out, s->r[i]);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	yajl_gen_free(g);
	if (rc < 0 || o.failed ||
	    (s->n == 1 && s->r[0]->sink && s->r[0]->sink->failed))
		return -1;
	return 0;
}

int
report_json(const struct report *r, struct buf *out)
{
	struct report_set s;

	s.r = &r;
	s.n = 1;
	return report_set_json(&s, out);
}
