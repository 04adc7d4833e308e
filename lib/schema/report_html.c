/*
 * report_html: a report as a page for the people who fix the data:
 * what is wrong, where, and how to fix it, in their language.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/html.h"
#include "base/i18n.h"
#include "schema/report.h"
#include "base/banned.h"

/* What to do about each kind of error, for the HTML page. */
static const char *const advice[ERR_NCODES] = {
	[ERR_BLANK_LABEL] = N_("Give every column a name in the first row."),
	[ERR_DUPLICATE_LABEL] = N_("Rename or remove the repeated column."),
	[ERR_MISSING_LABEL] = N_("Add the column the schema asks for (it may "
	    "stay empty if it is optional), or check its spelling."),
	[ERR_EXTRA_LABEL] = N_("Remove the column, or rename it to a field of "
	    "the schema."),
	[ERR_INCORRECT_LABEL] = N_("Rename the column as the schema names it, "
	    "or put the columns in the schema's order."),
	[ERR_BLANK_ROW] = N_("Delete the empty row."),
	[ERR_MISSING_CELL] = N_("The row has fewer values than the header: "
	    "look for a missing separator or a line cut in two."),
	[ERR_EXTRA_CELL] = N_("The row has more values than the header: look "
	    "for a separator inside a value that should have been quoted."),
	[ERR_TYPE] = N_("Write the value in the format the schema asks for "
	    "(dates as YYYY-MM-DD, numbers with a dot as decimal separator)."),
	[ERR_CONSTRAINT] = N_("Correct the value so that it meets the "
	    "constraint (required, allowed values, bounds, pattern)."),
	[ERR_UNIQUE] = N_("Each value of this column must appear once: remove "
	    "the duplicate row or correct the value."),
	[ERR_PRIMARY_KEY] = N_("Each row must have its own key: remove the "
	    "duplicate row or correct its key."),
	[ERR_FOREIGN_KEY] = N_("Use a value that exists in the reference table."),
	[ERR_ENCODING] = N_("Save the file as UTF-8, or give its encoding with "
	    "--encoding."),
	[ERR_SOURCE] = N_("The file cannot be read as CSV here: check quotes "
	    "and the end of the file."),
	[ERR_CHECK] = N_("The schema asks for a check muni cannot run: report "
	    "it."),
	[ERR_FRENCH_SIRET] = N_("Write the 14 digits of the SIRET, without "
	    "spaces; check them against the Sirene directory."),
	[ERR_FRENCH_SIREN] = N_("Write the 9 digits of the SIREN; check them "
	    "against the Sirene directory."),
	[ERR_ONE_OF_REQUIRED] = N_("Fill at least one of the two columns."),
	[ERR_COHESIVE] = N_("Fill all these columns, or none of them."),
	[ERR_COMPARE] = N_("Check the two values: one must not exceed the other."),
	[ERR_SUM] = N_("The total must equal the sum of its parts."),
	[ERR_YEAR_INTERVAL] = N_("Write two years as YYYY/YYYY, the first "
	    "before the second."),
	[ERR_NOMENCLATURE] = N_("Start with a matter of the Actes nomenclature, "
	    "then '/' without spaces."),
	[ERR_GPS] = N_("Check the coordinates: longitude first, then latitude, "
	    "in decimal degrees."),
	[ERR_REVERSED_GPS] = N_("Swap longitude and latitude."),
	[ERR_PHONE] = N_("Write the number as 01 23 45 67 89 or +33 1 23 45 67 "
	    "89."),
	[ERR_OPENING_HOURS] = N_("Write the hours as Mo-Fr 08:00-12:00; "
	    "see the OpenStreetMap opening_hours documentation."),
	[ERR_BYTE_COUNT] = N_("The file is not the one the descriptor "
	    "describes: publish it again, or correct \"bytes\"."),
	[ERR_HASH_COUNT] = N_("The file is not the one the descriptor "
	    "describes: publish it again, or correct \"hash\"."),
	[ERR_SCHEME] = N_("Give a path inside the package's folder; remote "
	    "files are read with --allow-remote."),
	[ERR_PACKAGE] = N_("Complete or correct the descriptor (metadata): "
	    "see muni-meta(5)."),
	[ERR_CATALOG] = N_("Publish the dataset again with muni-publish: it "
	    "writes the files, the descriptor and the catalogue together."),
};

/*
 * The advice on type errors: what this schema asks for in each column
 * that has some, in its own formats ("montant: a number with a comma as
 * decimal separator..."), rather than the defaults of Table Schema.
 */
/* Distinct names, in the order first seen. */
struct names {
	char **v;
	size_t n;
};

/* Add name unless there: 1 added, 0 there, -1 out of memory. */
static int
names_add(struct names *s, const char *name)
{
	char **v;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], name) == 0)
			return 0;
	if ((v = realloc(s->v, (s->n + 1) * sizeof(*v))) == NULL)
		return -1;
	s->v = v;
	if ((s->v[s->n] = strdup(name)) == NULL)
		return -1;
	s->n++;
	return 1;
}

static void
names_release(struct names *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

static int
html_type_advice(const struct report *r, struct buf *out)
{
	struct report_iter it = report_iter(r);
	const struct verror *e;
	struct names seen = { NULL, 0 };
	const char *what;
	int rc = 0, added;

	rc |= html_text(out, _("Write each value as the schema asks for it:"));
	rc |= buf_addstr(out, "<ul>");
	while ((e = report_next(&it)) != NULL) {
		if (e->code != ERR_TYPE || e->field_name == NULL ||
		    (what = report_expected(r, e->field_name)) == NULL)
			continue;
		if ((added = names_add(&seen, e->field_name)) <= 0) {
			rc |= added;
			continue;
		}
		rc |= buf_addstr(out, "<li><b>");
		rc |= html_text(out, e->field_name);
		rc |= buf_addstr(out, "</b>: ");
		rc |= html_text(out, what);
		rc |= buf_addstr(out, "</li>");
	}
	rc |= it.failed ? -1 : 0;
	report_iter_end(&it);
	names_release(&seen);
	rc |= buf_addstr(out, "</ul>");
	return rc;
}

/*
 * The advice on primary keys: an empty key is not a duplicate, and
 * deleting the row would lose it.
 */
static int
html_key_advice(const struct report *r, struct buf *out)
{
	struct report_iter it;
	const struct verror *e;
	size_t empty = 0, same = 0;
	int rc = 0;

	it = report_iter(r);
	while ((e = report_next(&it)) != NULL)
		if (e->code == ERR_PRIMARY_KEY) {
			if (e->note && strncmp(e->note, "cells composing",
			    15) == 0)
				empty++;
			else
				same++;
		}
	rc |= it.failed ? -1 : 0;
	report_iter_end(&it);
	if (empty)
		rc |= html_text(out, _("In some rows the key is empty: fill in "
		    "the columns of the primary key (these rows are not "
		    "duplicates)."));
	if (empty && same)
		rc |= buf_addstr(out, " ");
	if (same || !empty)
		rc |= html_text(out, _(advice[ERR_PRIMARY_KEY]));
	return rc;
}

/*
 * Readable on a phone too: tables scroll inside the page, long values
 * and headings wrap rather than widen it.
 */
static const char html_style[] =
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1b1b;"
    "background:#fff;max-width:80rem}"
    "h1,h2,h3,p{overflow-wrap:anywhere}"
    "h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}"
    "table{border-collapse:collapse;margin:.5rem 0;display:block;"
    "overflow-x:auto;max-width:100%}"
    "@media (max-width:40rem){body{margin:1rem}}"
    "th,td{border:1px solid #8a8a8a;padding:.25rem .5rem;text-align:left;"
    "vertical-align:top}"
    "th{background:#e8e8e8}"
    ".valid{color:#0b5d1e}.invalid{color:#a4000f}"
    "td.bad{background:#ffd7d7;outline:2px solid #a4000f}"
    ".advice{font-style:italic}"
    "@media print{body{margin:0}td.bad{outline:none;font-weight:bold}}";

/*
 * What a page says of one report, under headings of the given level: the
 * verdict, the counts by type, the errors by column, the rows kept. In a
 * set, the elements have no id (ids are the page's, once).
 */
static int
html_body(const struct report *r, struct buf *out, int level, int set)
{
	struct report_iter it;
	const struct verror *e;
	struct names cols = { NULL, 0 };
	size_t i, k, c;
	int rc = 0;

	if (set)
		rc |= buf_addf(out, "<p class=\"%s\">%s ",
		    report_valid(r) ? "valid" : "invalid",
		    report_valid(r) ? _("Valid:") : _("Invalid:"));
	else
		rc |= buf_addf(out, "<p id=\"verdict\" class=\"%s\">%s ",
		    report_valid(r) ? "valid" : "invalid",
		    report_valid(r) ? _("Valid:") : _("Invalid:"));
	if (r->dropped)
		rc |= buf_addstr(out, _("at least "));
	rc |= buf_addf(out, set ? "%llu" : "<span id=\"total\">%llu</span>",
	    r->total);
	rc |= buf_addf(out, _(" %s in %llu %s."), dngettext("muni", "error",
	    "errors", (unsigned long)r->total), r->rows, dngettext("muni",
	    "row", "rows", (unsigned long)r->rows));
	if (r->dropped)
		rc |= buf_addstr(out, _(" Reporting stopped at --limit-errors: "
		    "there are more errors, not shown."));
	rc |= buf_addstr(out, "</p>\n");
	for (i = 0; i < r->nwarnings; i++) {
		rc |= buf_addf(out, "<p class=\"warning\">%s", _("Warning: "));
		rc |= html_text(out, r->warnings[i]);
		rc |= buf_addstr(out, "</p>\n");
	}
	if (!report_valid(r)) {
		rc |= buf_addf(out, "<h%d>%s</h%d>\n<table%s>\n"
		    "<tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th></tr>\n", level,
		    _("Errors by type"), level, set ? "" : " id=\"counts\"",
		    _("Type"), _("Count"), _("How to fix"));
		for (k = 0; k < ERR_NCODES; k++) {
			if (!r->counts[k])
				continue;
			rc |= buf_addf(out, "<tr><td>%s</td><td "
			    "data-type=\"%s\">%llu</td><td class=\"advice\">",
			    error_code_name(k), error_code_name(k), r->counts[k]);
			if (k == ERR_TYPE && r->nexpects)
				rc |= html_type_advice(r, out);
			else if (k == ERR_PRIMARY_KEY)
				rc |= html_key_advice(r, out);
			else
				rc |= html_text(out, _(advice[k]));
			rc |= buf_addstr(out, "</td></tr>\n");
		}
		rc |= buf_addf(out, "</table>\n<h%d>%s</h%d>\n", level,
		    _("Errors by column"), level);
	}
	/* One table per column, in the order columns first appear. */
	it = report_iter(r);
	while ((e = report_next(&it)) != NULL)
		if (names_add(&cols, e->field_name ? e->field_name : "") < 0)
			rc = -1;
	rc |= it.failed ? -1 : 0;
	report_iter_end(&it);
	for (i = 0; i < cols.n && rc == 0; i++) {
		const char *name = cols.v[i];

		rc |= buf_addf(out, "<h%d>", level + 1);
		rc |= name[0] ? html_text(out, name) :
		    buf_addstr(out, _("(whole row or file)"));
		rc |= buf_addf(out, "</h%d>\n<table class=\"errors\">\n",
		    level + 1);
		rc |= buf_addf(out, "<tr>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "</tr>\n", _("Row"), _("Value"), _("Type"), _("Problem"));
		it = report_iter(r);
		while (rc == 0 && (e = report_next(&it)) != NULL) {
			if (strcmp(e->field_name ? e->field_name : "", name))
				continue;
			if (e->row)
				rc |= buf_addf(out, "<tr><td>%llu</td><td>",
				    e->row);
			else
				rc |= buf_addf(out, "<tr><td>%s</td><td>",
				    _("header"));
			rc |= html_textn(out, e->cell, e->cell_len);
			rc |= buf_addf(out, "</td><td>%s</td><td>",
			    error_code_name(e->code));
			rc |= html_text(out, e->message);
			rc |= buf_addstr(out, "</td></tr>\n");
			rc |= report_drain(r, out);
		}
		rc |= it.failed ? -1 : 0;
		report_iter_end(&it);
		rc |= buf_addstr(out, "</table>\n");
	}
	names_release(&cols);
	if (r->nsample) {
		rc |= buf_addf(out, "<h%d>", level);
		rc |= buf_addf(out, _("Rows with errors (the first %zu)"),
		    r->nsample);
		rc |= buf_addf(out, "</h%d>\n<table%s>\n<tr><th "
		    "scope=\"col\">%s</th>", level, set ? "" : " id=\"rows\"",
		    _("Row"));
		for (c = 0; c < r->nlabels; c++) {
			rc |= buf_addstr(out, "<th scope=\"col\">");
			rc |= html_text(out, r->labels[c]);
			rc |= buf_addstr(out, "</th>");
		}
		rc |= buf_addstr(out, "</tr>\n");
		for (i = 0; i < r->nsample; i++) {
			const struct report_row *row = &r->sample[i];

			rc |= buf_addf(out, "<tr><th scope=\"row\">%llu</th>",
			    row->row);
			for (c = 0; c < row->ncells; c++) {
				const char *title = NULL;

				/* the rows kept are the first: held */
				for (k = 0; k < r->nheld; k++)
					if (r->errors[k].row == row->row &&
					    r->errors[k].field == c + 1) {
						title = r->errors[k].message;
						break;
					}
				if (title) {
					rc |= buf_addstr(out, "<td class=\"bad\" "
					    "title=\"");
					rc |= html_text(out, title);
					rc |= buf_addstr(out, "\">");
				} else
					rc |= buf_addstr(out, "<td>");
				rc |= html_textn(out, row->cells[c],
				    row->lens[c]);
				rc |= buf_addstr(out, "</td>");
			}
			rc |= buf_addstr(out, "</tr>\n");
		}
		rc |= buf_addstr(out, "</table>\n");
	}
	return rc ? -1 : 0;
}

int
report_html(const struct report *r, struct buf *out)
{
	const char *file = r->file ? r->file : "-";
	int rc = 0;

	rc |= buf_addstr(out, "<!DOCTYPE html>\n<html lang=\"");
	rc |= buf_addstr(out, _("en"));
	rc |= buf_addf(out, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<title>%s", _("Validation report: "));
	rc |= html_text(out, file);
	rc |= buf_addf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n"
	    "<h1>%s", html_style, _("Validation report: "));
	rc |= html_text(out, file);
	rc |= buf_addstr(out, "</h1>\n");
	rc |= html_body(r, out, 2, 0);
	rc |= buf_addstr(out, "</body>\n</html>\n");
	return rc ? -1 : 0;
}

int
report_set_html(const struct report_set *s, const char *title,
    struct buf *out)
{
	unsigned long long errors = 0, dropped = 0;
	size_t i;
	int rc = 0;

	for (i = 0; i < s->n; i++) {
		errors += s->r[i]->total;
		dropped += s->r[i]->dropped;
	}
	rc |= buf_addstr(out, "<!DOCTYPE html>\n<html lang=\"");
	rc |= buf_addstr(out, _("en"));
	rc |= buf_addf(out, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<title>%s", _("Validation report: "));
	rc |= html_text(out, title);
	rc |= buf_addf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n"
	    "<h1>%s", html_style, _("Validation report: "));
	rc |= html_text(out, title);
	rc |= buf_addf(out, "</h1>\n<p id=\"verdict\" class=\"%s\">%s ",
	    report_set_valid(s) ? "valid" : "invalid",
	    report_set_valid(s) ? _("Valid:") : _("Invalid:"));
	if (dropped)
		rc |= buf_addstr(out, _("at least "));
	rc |= buf_addf(out, "<span id=\"total\">%llu</span> %s.</p>\n",
	    errors, dngettext("muni", "error", "errors",
	    (unsigned long)errors));
	rc |= buf_addf(out, "<table id=\"resources\">\n<tr><th scope=\"col\">"
	    "%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">%s</th></tr>\n", _("File"), _("Verdict"),
	    _("Errors"), _("Rows"));
	for (i = 0; i < s->n; i++) {
		const struct report *r = s->r[i];

		rc |= buf_addf(out, "<tr><th scope=\"row\"><a href=\"#r%zu\">",
		    i + 1);
		rc |= html_text(out, r->file ? r->file : "-");
		rc |= buf_addf(out, "</a></th><td class=\"%s\">%s</td><td>%llu"
		    "</td><td>", report_valid(r) ? "valid" : "invalid",
		    report_valid(r) ? _("valid") : _("invalid"), r->total);
		if (!r->package)
			rc |= buf_addf(out, "%llu", r->rows);
		rc |= buf_addstr(out, "</td></tr>\n");
	}
	rc |= buf_addstr(out, "</table>\n");
	for (i = 0; i < s->n; i++) {
		rc |= buf_addf(out, "<section>\n<h2 id=\"r%zu\">", i + 1);
		rc |= html_text(out, s->r[i]->file ? s->r[i]->file : "-");
		rc |= buf_addstr(out, "</h2>\n");
		rc |= html_body(s->r[i], out, 3, 1);
		rc |= buf_addstr(out, "</section>\n");
	}
	rc |= buf_addstr(out, "</body>\n</html>\n");
	return rc ? -1 : 0;
}
