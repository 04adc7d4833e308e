#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "schema/report.h"
#include "rnd.h"
#include "tap.h"

/*
 * The JSON report writes its errors beside yajl's generator, not through
 * it: its bytes must be yajl's. The reference is yajl itself: each string
 * against yajl_gen_string, each report against what yajl writes back
 * when it reads the report (yajl_tree) and generates it again.
 */

/* Up to max bytes of text: ASCII, accents, controls, quotes, '/', DEL. */
static void
text(char *s, size_t max, int nul)
{
	static const char *pieces[] = {
		"a", "Z", " ", "é", "œ", "€", "日本", "\"", "\\", "/", "\x7f",
		"\t", "\n", "\r", "\b", "\f", "\x01", "\x1f", "\x0b", "'", "<",
		"&", "date", "2022-02-24", "\xf0\x9f\x98\x80"
	};
	size_t n = 0, want = rnd((unsigned)max / 4);

	while (n < want) {
		const char *p = pieces[rnd(sizeof(pieces) / sizeof(*pieces))];
		size_t k = strlen(p);

		if (nul && rnd(20) == 0)
			p = "", k = 1;	/* a NUL byte */
		if (n + k >= max)
			break;
		memcpy(s + n, p, k);
		n += k;
	}
	s[n] = '\0';
}

static int
str_matches_yajl(const char *s, size_t n)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *want;
	size_t wlen;
	struct buf got;
	int same;

	buf_init(&got, 1 << 20);
	yajl_gen_string(g, (const unsigned char *)s, n);
	yajl_gen_get_buf(g, &want, &wlen);
	json_put_str(&got, s, n);
	same = got.len == wlen && memcmp(got.ptr, want, wlen) == 0;
	if (!same)
		diag("got %s, want %.*s", got.ptr, (int)wlen, want);
	yajl_gen_free(g);
	buf_release(&got);
	return same;
}

static int
sink_write(void *ctx, const void *p, size_t n)
{
	return buf_add(ctx, p, n);
}

/* Parse json, generate it again with yajl: the same bytes? */
static int
yajl_layout(const char *json)
{
	char err[256];
	yajl_val v = yajl_tree_parse(json, err, sizeof(err));
	yajl_gen g;
	struct buf again;
	int same;

	if (v == NULL) {
		diag("yajl cannot read the report: %s", err);
		return 0;
	}
	buf_init(&again, (size_t)1 << 30);
	g = json_new();
	json_tree(g, v);
	json_finish(g, &again);
	same = strcmp(again.ptr, json) == 0;
	if (!same) {
		size_t i = 0;

		while (again.ptr[i] == json[i])
			i++;
		diag("differs at byte %zu: got '%.40s', yajl '%.40s'", i,
		    json + i, again.ptr + i);
	}
	yajl_tree_free(v);
	buf_release(&again);
	return same;
}

static void
fill(struct report *r, size_t n)
{
	static char l1[] = "nom", l2[] = "date", l3[] = "é\"t\\é";
	char *labels[] = { l1, l2, l3 };
	size_t i;

	report_set_labels(r, labels, 3);
	for (i = 0; i < n; i++) {
		char msg[200], note[80], hint[80], cell[80], name[40];
		struct verror e;

		memset(&e, 0, sizeof(e));
		e.code = (enum error_code)rnd(ERR_NCODES);
		text(msg, sizeof(msg), 0);
		text(note, sizeof(note), 0);
		text(hint, sizeof(hint), 0);
		text(cell, sizeof(cell), 0);
		text(name, sizeof(name), 0);
		e.message = msg;
		e.note = note;
		e.hint = rnd(2) ? hint : NULL;
		e.cell = cell;
		e.cell_len = strlen(cell);
		e.row = rnd(3) ? 1 + rnd(1000000) : 0;
		e.field = rnd(4);
		e.field_name = e.field ? name : NULL;
		report_add(r, &e);
	}
	r->rows = 1000;
	r->nfields = 3;
}

int
main(void)
{
	struct report r, pkg;
	const struct report *both[2];
	struct report_set set;
	struct report_sink sink;
	struct buf whole, streamed;
	char s[400];
	int c, i, bad;

	bad = 0;
	for (c = 0; c < 256; c++) {
		char b = (char)c;

		bad += !str_matches_yajl(&b, 1);
	}
	ok(bad == 0, "each byte alone is written as yajl writes it");
	bad = 0;
	for (i = 0; i < 2000; i++) {
		text(s, sizeof(s), 1);
		bad += !str_matches_yajl(s, strlen(s) + rnd(3));
	}
	ok(bad == 0, "2000 random strings (NULs too) as yajl writes them");

	/* 6000 errors: past the 4096 held, the rest from the spool. */
	report_init(&r, "dir/f.csv", 0);
	fill(&r, 6000);
	buf_init(&whole, (size_t)1 << 30);
	ok(report_json(&r, &whole) == 0, "a report of 6000 errors renders");
	ok(yajl_layout(whole.ptr), "in yajl's layout, byte for byte");

	buf_init(&streamed, (size_t)1 << 30);
	sink.write = sink_write;
	sink.ctx = &streamed;
	sink.failed = 0;
	r.sink = &sink;
	{
		struct buf rest;

		buf_init(&rest, (size_t)1 << 30);
		ok(report_json(&r, &rest) == 0 &&
		    buf_add(&streamed, rest.ptr, rest.len) == 0,
		    "streamed to a sink");
		buf_release(&rest);
	}
	ok(streamed.len == whole.len &&
	    memcmp(streamed.ptr, whole.ptr, whole.len) == 0,
	    "streamed, the same bytes as built whole");
	r.sink = NULL;

	/* A package's errors (another depth) beside a table's. */
	report_init(&pkg, "datapackage.json", 0);
	pkg.package = 1;
	fill(&pkg, 50);
	both[0] = &pkg;
	both[1] = &r;
	set.r = both;
	set.n = 2;
	buf_reset(&whole);
	ok(report_set_json(&set, &whole) == 0 && yajl_layout(whole.ptr),
	    "a package's report and a table's, in yajl's layout");

	/* No error at all: the empty arrays as yajl writes them. */
	report_release(&r);
	report_init(&r, "-", 0);
	buf_reset(&whole);
	ok(report_json(&r, &whole) == 0 && yajl_layout(whole.ptr),
	    "a report without errors, in yajl's layout");

	report_release(&r);
	report_release(&pkg);
	buf_release(&whole);
	buf_release(&streamed);
	return done_testing();
}
