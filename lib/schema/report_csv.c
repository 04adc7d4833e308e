/*
 * report_csv: a report as CSV, one row an error (a spreadsheet's view).
 */

#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "csv/csvout.h"
#include "schema/report.h"
#include "base/banned.h"

/* The rows of one report, after a first column when resource is given. */
static int
csv_rows(const struct report *r, const char *resource, struct buf *out)
{
	struct field f[7], *g = resource ? f + 1 : f;
	struct report_iter it;
	const struct verror *err;
	struct buf cells[4];
	char row[32], num[32];
	size_t k, n = resource ? 7 : 6;
	int rc = 0;

	/*
	 * The columns muni writes may be opened in a spreadsheet: a formula
	 * is neutralised (a leading "'"), control codes are made visible.
	 */
	for (k = 0; k < 4; k++)
		buf_init(&cells[k], (size_t)1 << 26);
	if (resource) {
		rc |= text_cell(&cells[3], resource, strlen(resource));
		f[0].ptr = cells[3].ptr;
		f[0].len = cells[3].len;
	}
	it = report_iter(r);
	while (rc == 0 && (err = report_next(&it)) != NULL) {
		const char *name = err->field_name ? err->field_name : "";
		const char *msg = err->message ? err->message : "";

		for (k = 0; k < 3; k++)
			buf_reset(&cells[k]);
		rc |= text_cell(&cells[0], name, strlen(name));
		rc |= text_cell(&cells[1], err->cell ? err->cell : "",
		    err->cell_len);
		rc |= text_cell(&cells[2], msg, strlen(msg));
		snprintf(row, sizeof(row), "%llu", err->row);
		snprintf(num, sizeof(num), "%zu", err->field);
		g[0].ptr = err->row ? row : "";
		g[1].ptr = err->field ? num : "";
		g[2].ptr = error_code_name(err->code);
		for (k = 0; k < 3; k++)
			g[k].len = strlen(g[k].ptr);
		for (k = 0; k < 3; k++) {
			g[3 + k].ptr = cells[k].ptr;
			g[3 + k].len = cells[k].len;
		}
		rc |= csvout_render(out, f, n);
		rc |= report_drain(r, out);
	}
	rc |= it.failed ? -1 : 0;
	report_iter_end(&it);
	if (r->dropped && rc == 0) {
		/* the last line says the list is cut, in the message column */
		static const char cut[] = "reporting stopped at --limit-errors: "
		    "there are more errors, not listed";

		for (k = 0; k < 6; k++)
			g[k].ptr = "", g[k].len = 0;
		g[2].ptr = "limit-errors";
		g[2].len = strlen(g[2].ptr);
		g[5].ptr = cut;
		g[5].len = strlen(cut);
		rc |= csvout_render(out, f, n);
	}
	for (k = 0; k < 4; k++)
		buf_release(&cells[k]);
	return rc ? -1 : 0;
}

static int
csv_header(struct buf *out, int resource)
{
	static const char *const names[] = { "resource", "row", "field",
	    "type", "fieldName", "cell", "message" };
	struct field f[7];
	size_t i;

	for (i = 0; i < 7; i++) {
		f[i].ptr = names[i + !resource];
		f[i].len = strlen(f[i].ptr);
		if (!resource && i == 5)
			break;
	}
	return csvout_render(out, f, resource ? 7 : 6);
}

int
report_csv(const struct report *r, struct buf *out)
{
	if (csv_header(out, 0) < 0)
		return -1;
	return csv_rows(r, NULL, out);
}

int
report_set_csv(const struct report_set *s, struct buf *out)
{
	size_t i;

	if (csv_header(out, 1) < 0)
		return -1;
	for (i = 0; i < s->n; i++)
		if (csv_rows(s->r[i], s->r[i]->file ? s->r[i]->file : "-",
		    out) < 0)
			return -1;
	return 0;
}
