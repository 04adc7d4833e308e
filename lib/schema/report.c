#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/xmlwriter.h>

#include "base/exitcode.h"
#include "base/html.h"
#include "base/i18n.h"
#include "base/text.h"
#include "csv/csvout.h"
#include "json/json.h"
#include "schema/report.h"
#include "base/banned.h"

enum {
	TAG_TABLE = 1, TAG_HEADER = 2, TAG_LABEL = 4, TAG_ROW = 8,
	TAG_CELL = 16, TAG_STRUCTURE = 32, TAG_FILE = 64
};

static const struct {
	const char *name;
	const char *title;
	const char *description;
	int tags;
} codes[ERR_NCODES] = {
	[ERR_BLANK_LABEL] = { "blank-label", "Blank Label",
	    "A label in the header row is missing a value. Label should be "
	    "provided and not be blank.",
	    TAG_TABLE | TAG_HEADER | TAG_LABEL | TAG_STRUCTURE },
	[ERR_DUPLICATE_LABEL] = { "duplicate-label", "Duplicate Label",
	    "Two columns in the header row have the same value. Column names "
	    "should be unique.",
	    TAG_TABLE | TAG_HEADER | TAG_LABEL | TAG_STRUCTURE },
	[ERR_MISSING_LABEL] = { "missing-label", "Missing Label",
	    "Based on the schema there should be a label that is missing in "
	    "the data's header.",
	    TAG_TABLE | TAG_HEADER | TAG_LABEL | TAG_STRUCTURE },
	[ERR_EXTRA_LABEL] = { "extra-label", "Extra Label",
	    "The header of the data source contains label that does not "
	    "exist in the provided schema.",
	    TAG_TABLE | TAG_HEADER | TAG_LABEL | TAG_STRUCTURE },
	[ERR_INCORRECT_LABEL] = { "incorrect-label", "Incorrect Label",
	    "One of the data source header does not match the field name "
	    "defined in the schema.",
	    TAG_TABLE | TAG_HEADER | TAG_LABEL | TAG_STRUCTURE },
	[ERR_BLANK_ROW] = { "blank-row", "Blank Row",
	    "This row is empty. A row should contain at least one value.",
	    TAG_TABLE | TAG_ROW | TAG_STRUCTURE },
	[ERR_MISSING_CELL] = { "missing-cell", "Missing Cell",
	    "This row has less values compared to the header row (the first "
	    "row in the data source). A key concept is that all the rows in "
	    "tabular data must have the same number of columns.",
	    TAG_TABLE | TAG_ROW | TAG_CELL | TAG_STRUCTURE },
	[ERR_EXTRA_CELL] = { "extra-cell", "Extra Cell",
	    "This row has more values compared to the header row (the first "
	    "row in the data source). A key concept is that all the rows in "
	    "tabular data must have the same number of columns.",
	    TAG_TABLE | TAG_ROW | TAG_CELL | TAG_STRUCTURE },
	[ERR_TYPE] = { "type-error", "Type Error",
	    "The value does not match the schema type and format for this "
	    "field.",
	    TAG_TABLE | TAG_ROW | TAG_CELL },
	[ERR_CONSTRAINT] = { "constraint-error", "Constraint Error",
	    "A field value does not conform to a constraint.",
	    TAG_TABLE | TAG_ROW | TAG_CELL },
	[ERR_UNIQUE] = { "unique-error", "Unique Error",
	    "This field is a unique field but it contains a value that has "
	    "been used in another row.",
	    TAG_TABLE | TAG_ROW | TAG_CELL },
	[ERR_PRIMARY_KEY] = { "primary-key", "Primary Key Error",
	    "Values in the primary key fields should be unique for every "
	    "row", TAG_TABLE | TAG_ROW },
	[ERR_FOREIGN_KEY] = { "foreign-key", "ForeignKey Error",
	    "Values in the foreign key fields should exist in the reference "
	    "table", TAG_TABLE | TAG_ROW },
	[ERR_ENCODING] = { "encoding-error", "Encoding Error",
	    "Data reading error because of incorrect encoding.", TAG_FILE },
	[ERR_SOURCE] = { "source-error", "Source Error",
	    "Data reading error because of not supported or inconsistent "
	    "contents.", TAG_FILE },
	[ERR_CHECK] = { "check-error", "Check Error",
	    "This custom check cannot be run.", TAG_TABLE },
	[ERR_FRENCH_SIRET] = { "french-siret-value", "Numéro SIRET invalide",
	    "The value is not a valid SIRET number.",
	    TAG_TABLE | TAG_ROW | TAG_CELL },
	[ERR_FRENCH_SIREN] = { "french-siren-value", "Numéro SIREN invalide",
	    "The value is not a valid SIREN number.",
	    TAG_TABLE | TAG_ROW | TAG_CELL },
	[ERR_ONE_OF_REQUIRED] = { "one-of-required", "Une des deux colonnes "
	    "requise", "One of the two columns must be filled.",
	    TAG_TABLE | TAG_ROW },
	[ERR_COHESIVE] = { "cohesive-columns-value", "Colonnes non solidaires",
	    "The columns must be all filled or all empty.",
	    TAG_TABLE | TAG_ROW },
	[ERR_COMPARE] = { "compare-columns-value", "Comparaison de colonnes",
	    "The values of two columns do not compare as they should.",
	    TAG_TABLE | TAG_ROW | TAG_CELL },
	[ERR_SUM] = { "sum-columns-value", "Somme de colonnes",
	    "A column is not the sum of the columns it should add up.",
	    TAG_TABLE | TAG_ROW | TAG_CELL },
	[ERR_YEAR_INTERVAL] = { "year-interval-value", "Intervalle d'années",
	    "The value is not an interval of years YYYY/YYYY.",
	    TAG_TABLE | TAG_ROW | TAG_CELL },
	[ERR_NOMENCLATURE] = { "nomenclature-actes", "Nomenclature Actes",
	    "The value does not start with a matter of the Actes "
	    "nomenclature followed by '/'.", TAG_TABLE | TAG_ROW | TAG_CELL },
	[ERR_GPS] = { "french-gps-coordinates", "Coordonnées GPS non "
	    "françaises", "The point is not in France.",
	    TAG_TABLE | TAG_ROW | TAG_CELL },
	[ERR_REVERSED_GPS] = { "reversed-french-gps-coordinates",
	    "Coordonnées GPS inversées", "The point is in France with its "
	    "longitude and latitude swapped.", TAG_TABLE | TAG_ROW | TAG_CELL },
	[ERR_PHONE] = { "phone-number-value", "Numéro de téléphone invalide",
	    "The value is not a valid phone number.",
	    TAG_TABLE | TAG_ROW | TAG_CELL },
	[ERR_OPENING_HOURS] = { "opening-hours-value", "Horaires "
	    "d'ouverture invalides", "The value does not follow the "
	    "OpenStreetMap opening_hours syntax.",
	    TAG_TABLE | TAG_ROW | TAG_CELL },
	[ERR_BYTE_COUNT] = { "byte-count", "Byte Count Error",
	    "This error can happen if the data is corrupted.", TAG_FILE },
	[ERR_HASH_COUNT] = { "hash-count", "Hash Count Error",
	    "This error can happen if the data is corrupted.", TAG_FILE },
	[ERR_SCHEME] = { "scheme-error", "Scheme Error",
	    "Data reading error because of incorrect scheme.", TAG_FILE },
	[ERR_PACKAGE] = { "package-error", "Package Error",
	    "A validation cannot be processed.", 0 },
	[ERR_CATALOG] = { "catalog-error", "Catalogue Error",
	    "The publication's catalogue does not agree with its files.", 0 },
};

static const struct {
	const char *name;
	int tag;
} tag_names[] = {
	{ "#table", TAG_TABLE }, { "#header", TAG_HEADER },
	{ "#label", TAG_LABEL }, { "#row", TAG_ROW }, { "#cell", TAG_CELL },
	{ "#structure", TAG_STRUCTURE }, { "#file", TAG_FILE },
};

static char *
strdup_opt(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A copy of text for a report: one line, what XML forbids made visible. */
static char *
visible_opt(const char *s)
{
	struct buf b;
	char *copy;

	if (s == NULL)
		return NULL;
	buf_init(&b, (size_t)1 << 24);
	if (text_visible(&b, s, strlen(s), 1) < 0) {
		buf_release(&b);
		return NULL;
	}
	copy = strndup(b.ptr, b.len);
	buf_release(&b);
	return copy;
}

static char *
memdup0(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

const char *
error_code_name(enum error_code code)
{
	return codes[code].name;
}

void
report_init(struct report *r, const char *file, size_t limit)
{
	memset(r, 0, sizeof(*r));
	r->file = visible_opt(file);
	r->limit = limit;
}

void
verror_release(struct verror *err)
{
	free(err->field_name);
	free(err->cell);
	free(err->note);
	free(err->message);
	free(err->hint);
	memset(err, 0, sizeof(*err));
}

void
report_release(struct report *r)
{
	size_t i;

	for (i = 0; i < r->nerrors; i++)
		verror_release(&r->errors[i]);
	free(r->errors);
	for (i = 0; i < r->nwarnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	for (i = 0; i < r->nlabels; i++)
		free(r->labels[i]);
	free(r->labels);
	for (i = 0; i < 2 * r->nexpects; i++)
		free(r->expects[i]);
	free(r->expects);
	for (i = 0; i < r->nsample; i++) {
		size_t k;

		for (k = 0; k < r->sample[i].ncells; k++)
			free(r->sample[i].cells[k]);
		free(r->sample[i].cells);
		free(r->sample[i].lens);
	}
	free(r->sample);
	free(r->file);
	memset(r, 0, sizeof(*r));
}

int
report_parse_filter(const char *list, unsigned long *mask, struct muni_err *e)
{
	const char *p = list;

	*mask = 0;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p), i;
		int found = 0;

		for (i = 0; i < ERR_NCODES; i++)
			if (strlen(codes[i].name) == n &&
			    memcmp(codes[i].name, p, n) == 0) {
				*mask |= 1UL << i;
				found = 1;
			}
		for (i = 0; i < sizeof(tag_names) / sizeof(tag_names[0]); i++)
			if (strlen(tag_names[i].name) == n &&
			    memcmp(tag_names[i].name, p, n) == 0) {
				size_t k;

				for (k = 0; k < ERR_NCODES; k++)
					if (codes[k].tags & tag_names[i].tag)
						*mask |= 1UL << k;
				found = 1;
			}
		if (!found) {
			err_set(e, MUNI_EXIT_USAGE, "'%.*s' is not an error "
			    "code or tag (e.g. type-error, #row, #header)",
			    (int)n, p);
			return -1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

int
report_wants(const struct report *r, enum error_code code)
{
	if (r->pick && !(r->pick & (1UL << code)))
		return 0;
	if (r->skip & (1UL << code))
		return 0;
	return 1;
}

int
report_add(struct report *r, const struct verror *err)
{
	struct verror *copy;

	if (r->limit_reached) {
		r->dropped++;
		return 1;
	}
	r->counts[err->code]++;
	r->total++;
	if (r->nerrors == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct verror *e = realloc(r->errors, cap * sizeof(*e));

		if (e == NULL)
			return -1;
		r->errors = e;
		r->cap = cap;
	}
	copy = &r->errors[r->nerrors++];
	copy->code = err->code;
	copy->row = err->row;
	copy->line = err->line;
	copy->field = err->field;
	copy->field_name = visible_opt(err->field_name);
	copy->cell_len = err->cell && err->cell_len == 0 ? strlen(err->cell) :
	    err->cell_len;
	copy->cell = err->cell ? memdup0(err->cell, copy->cell_len) : NULL;
	copy->note = visible_opt(err->note ? err->note : "");
	copy->message = visible_opt(err->message);
	copy->hint = visible_opt(err->hint);
	if (r->limit && r->total >= r->limit) {
		r->limit_reached = 1;
		return 1;
	}
	return 0;
}

int
report_add_simple(struct report *r, enum error_code code, const char *message)
{
	struct verror err;

	memset(&err, 0, sizeof(err));
	err.code = code;
	err.message = (char *)message;
	err.note = (char *)message;
	if (!report_wants(r, code))
		return 0;
	return report_add(r, &err) < 0 ? -1 : 0;
}

int
report_warn(struct report *r, const char *fmt, ...)
{
	struct buf msg;
	char **w;
	va_list ap;
	int rc;

	buf_init(&msg, (size_t)1 << 24);
	va_start(ap, fmt);
	rc = buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	w = rc < 0 ? NULL : realloc(r->warnings, (r->nwarnings + 1) *
	    sizeof(*w));
	if (w == NULL) {
		buf_release(&msg);
		return -1;
	}
	r->warnings = w;
	w[r->nwarnings] = visible_opt(msg.ptr);
	buf_release(&msg);
	if (w[r->nwarnings] == NULL)
		return -1;
	r->nwarnings++;
	return 0;
}

int
report_expect(struct report *r, const char *name, const char *text)
{
	char **e = realloc(r->expects, (2 * r->nexpects + 2) *
	    sizeof(char *));

	if (e == NULL)
		return -1;
	r->expects = e;
	e[2 * r->nexpects] = strdup(name);
	e[2 * r->nexpects + 1] = strdup(text);
	r->nexpects++;
	return e[2 * r->nexpects - 2] && e[2 * r->nexpects - 1] ? 0 : -1;
}

/* What the field asks for, or NULL. */
static const char *
expects(const struct report *r, const char *name)
{
	size_t i;

	for (i = 0; name && i < r->nexpects; i++)
		if (strcmp(r->expects[2 * i], name) == 0)
			return r->expects[2 * i + 1];
	return NULL;
}

int
report_set_labels(struct report *r, char **labels, size_t n)
{
	size_t i;

	r->labels = calloc(n + 1, sizeof(char *));
	if (r->labels == NULL)
		return -1;
	for (i = 0; i < n; i++)
		r->labels[i] = strdup_opt(labels[i]);
	r->nlabels = n;
	return 0;
}

int
report_valid(const struct report *r)
{
	return r->total == 0;
}

int
report_text_line(const struct report *r, const struct verror *err,
    struct buf *out)
{
	int rc = 0;

	rc |= buf_addstr(out, r->file ? r->file : "-");
	if (err->row)
		rc |= buf_addf(out, ":%llu", err->row);
	rc |= buf_addstr(out, ": ");
	if (err->field_name && err->field_name[0])
		rc |= buf_addf(out, _("field '%s': "), err->field_name);
	else if (err->field)
		rc |= buf_addf(out, _("field %zu: "), err->field);
	rc |= buf_addf(out, "%s [%s]\n", err->message ? err->message : "",
	    codes[err->code].name);
	return rc ? -1 : 0;
}

int
report_text_summary(const struct report *r, struct buf *out)
{
	size_t i;
	int first = 1, rc = 0;

	if (r->dropped)
		rc |= buf_addf(out, _("%s: %s: at least %llu %s (reporting "
		    "stopped at --limit-errors) in %llu %s"),
		    r->file ? r->file : "-", _("invalid"), r->total,
		    dngettext("muni", "error", "errors", (unsigned long)r->total),
		    r->rows, dngettext("muni", "row", "rows",
		    (unsigned long)r->rows));
	else
		rc |= buf_addf(out, _("%s: %s: %llu %s in %llu %s"),
		    r->file ? r->file : "-", report_valid(r) ? _("valid") :
		    _("invalid"), r->total, dngettext("muni", "error", "errors",
		    (unsigned long)r->total), r->rows, dngettext("muni", "row",
		    "rows", (unsigned long)r->rows));
	for (i = 0; i < ERR_NCODES; i++) {
		if (!r->counts[i])
			continue;
		rc |= buf_addf(out, "%s%s %llu", first ? " (" : ", ",
		    codes[i].name, r->counts[i]);
		first = 0;
	}
	rc |= buf_addstr(out, first ? "\n" : ")\n");
	return rc ? -1 : 0;
}

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
	size_t i;

	yajl_gen_map_open(g);
	json_str(g, "type");
	json_str(g, codes[err->code].name);
	json_str(g, "title");
	json_str(g, codes[err->code].title);
	json_str(g, "description");
	json_str(g, codes[err->code].description);
	json_str(g, "message");
	json_str(g, err->message);
	if (place)
		json_key_str(g, "place", place);
	json_str(g, "tags");
	yajl_gen_array_open(g);
	for (i = 0; i < sizeof(tag_names) / sizeof(tag_names[0]); i++)
		if (codes[err->code].tags & tag_names[i].tag)
			json_str(g, tag_names[i].name);
	yajl_gen_array_close(g);
	json_str(g, "note");
	json_str(g, err->note);
	if (err->hint)
		json_key_str(g, "hint", err->hint);
	if (codes[err->code].tags & TAG_HEADER) {
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
		if (codes[err->code].tags & TAG_CELL) {
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

int
report_keep_row(struct report *r, const struct record *rec)
{
	struct report_row *row;
	size_t k;

	if (r->nsample >= r->sample_max)
		return 0;
	if (r->sample == NULL) {
		r->sample = calloc(r->sample_max, sizeof(*r->sample));
		if (r->sample == NULL)
			return -1;
	}
	row = &r->sample[r->nsample];
	row->cells = calloc(rec->nfields + 1, sizeof(char *));
	row->lens = calloc(rec->nfields + 1, sizeof(size_t));
	if (row->cells == NULL || row->lens == NULL)
		return -1;
	row->row = rec->row;
	for (k = 0; k < rec->nfields; k++) {
		row->cells[k] = memdup0(rec->fields[k].ptr, rec->fields[k].len);
		row->lens[k] = rec->fields[k].len;
		if (row->cells[k] == NULL)
			return -1;
		row->ncells++;
	}
	r->nsample++;
	return 0;
}

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
static int
html_type_advice(const struct report *r, struct buf *out)
{
	size_t i, j;
	int rc = 0;

	rc |= html_text(out, _("Write each value as the schema asks for it:"));
	rc |= buf_addstr(out, "<ul>");
	for (i = 0; i < r->nerrors; i++) {
		const struct verror *e = &r->errors[i];
		const char *what = expects(r, e->field_name);

		if (e->code != ERR_TYPE || what == NULL)
			continue;
		for (j = 0; j < i; j++)
			if (r->errors[j].code == ERR_TYPE &&
			    r->errors[j].field_name &&
			    strcmp(r->errors[j].field_name, e->field_name) == 0)
				break;
		if (j < i)
			continue;
		rc |= buf_addstr(out, "<li><b>");
		rc |= html_text(out, e->field_name);
		rc |= buf_addstr(out, "</b>: ");
		rc |= html_text(out, what);
		rc |= buf_addstr(out, "</li>");
	}
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
	size_t i, empty = 0, same = 0;
	int rc = 0;

	for (i = 0; i < r->nerrors; i++)
		if (r->errors[i].code == ERR_PRIMARY_KEY) {
			if (r->errors[i].note && strncmp(r->errors[i].note,
			    "cells composing", 15) == 0)
				empty++;
			else
				same++;
		}
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
			    codes[k].name, codes[k].name, r->counts[k]);
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
	for (i = 0; i < r->nerrors; i++) {
		const char *name = r->errors[i].field_name ?
		    r->errors[i].field_name : "";
		size_t j;

		for (j = 0; j < i; j++)
			if (strcmp(r->errors[j].field_name ?
			    r->errors[j].field_name : "", name) == 0)
				break;
		if (j < i)
			continue;
		rc |= buf_addf(out, "<h%d>", level + 1);
		rc |= name[0] ? html_text(out, name) :
		    buf_addstr(out, _("(whole row or file)"));
		rc |= buf_addf(out, "</h%d>\n<table class=\"errors\">\n",
		    level + 1);
		rc |= buf_addf(out, "<tr>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "</tr>\n", _("Row"), _("Value"), _("Type"), _("Problem"));
		for (j = i; j < r->nerrors; j++) {
			const struct verror *e = &r->errors[j];

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
			    codes[e->code].name);
			rc |= html_text(out, e->message);
			rc |= buf_addstr(out, "</td></tr>\n");
		}
		rc |= buf_addstr(out, "</table>\n");
	}
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

				for (k = 0; k < r->nerrors; k++)
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

/* The rows of one report, after a first column when resource is given. */
static int
csv_rows(const struct report *r, const char *resource, struct buf *out)
{
	struct field f[7], *g = resource ? f + 1 : f;
	struct buf cells[4];
	char row[32], num[32];
	size_t i, k, n = resource ? 7 : 6;
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
	for (i = 0; i < r->nerrors && rc == 0; i++) {
		const struct verror *err = &r->errors[i];
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
		g[2].ptr = codes[err->code].name;
		for (k = 0; k < 3; k++)
			g[k].len = strlen(g[k].ptr);
		for (k = 0; k < 3; k++) {
			g[3 + k].ptr = cells[k].ptr;
			g[3 + k].len = cells[k].len;
		}
		rc |= csvout_render(out, f, n);
	}
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

/* GitHub's escaping of annotation data (and, with props, of properties). */
static int
gh_escape(struct buf *out, const char *s, int props)
{
	int rc = 0;

	for (; s && *s; s++) {
		if (*s == '%')
			rc |= buf_addstr(out, "%25");
		else if (*s == '\r')
			rc |= buf_addstr(out, "%0D");
		else if (*s == '\n')
			rc |= buf_addstr(out, "%0A");
		else if (props && *s == ':')
			rc |= buf_addstr(out, "%3A");
		else if (props && *s == ',')
			rc |= buf_addstr(out, "%2C");
		else
			rc |= buf_addch(out, *s);
	}
	return rc;
}

int
report_set_github(const struct report_set *s, struct buf *out)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (report_github(s->r[i], out) < 0)
			return -1;
	return 0;
}

/*
 * file lexically absolute, without "." or ".." parts, into out (a path
 * through links stays one: it is the path the user knows); -1 when too
 * long or the working folder is unknown.
 */
static int
absolute(const char *file, char out[4096])
{
	char joined[8200];
	char *parts[1024], *tok, *save;
	size_t n = 0, i, len = 0;
	int k;

	if (file[0] != '/') {
		if (getcwd(joined, 4096) == NULL)
			return -1;
		len = strlen(joined);
		snprintf(joined + len, sizeof(joined) - len, "/%s", file);
	} else
		snprintf(joined, sizeof(joined), "%s", file);
	for (tok = strtok_r(joined, "/", &save); tok && n < 1024;
	    tok = strtok_r(NULL, "/", &save))
		if (strcmp(tok, "..") == 0)
			n -= n > 0;
		else if (strcmp(tok, ".") != 0)
			parts[n++] = tok;
	snprintf(out, 4096, "/");
	for (i = 0, len = 0; i < n; i++) {
		k = snprintf(out + len, 4096 - len, "/%s", parts[i]);
		if (k < 0 || (size_t)k >= 4096 - len)
			return -1;
		len += (size_t)k;
	}
	return 0;
}

/*
 * GitHub attaches an annotation to a file of the repository by its path
 * from the workspace: file (from the working folder) as a path from
 * GITHUB_WORKSPACE when set, else from the working folder; absolute when
 * outside it, as given when it cannot be worked out.
 */
static const char *
workspace_path(const char *file, char out[4096])
{
	const char *ws = getenv("GITHUB_WORKSPACE");
	char base[4096], full[4096], *real;
	size_t n;

	/* getcwd() is physical, so the workspace is taken physical too. */
	real = ws && ws[0] ? realpath(ws, NULL) : NULL;
	if (real && strlen(real) < sizeof(base))
		snprintf(base, sizeof(base), "%s", real);
	else if (absolute(ws && ws[0] ? ws : ".", base) < 0) {
		free(real);
		return file;
	}
	free(real);
	if (absolute(file, full) < 0)
		return file;
	n = strcmp(base, "/") == 0 ? 0 : strlen(base);
	snprintf(out, 4096, "%s", strncmp(full, base, n) == 0 &&
	    full[n] == '/' ? full + n + 1 : full);
	return out;
}

int
report_github(const struct report *r, struct buf *out)
{
	char where[4096];
	const char *file = r->file && strcmp(r->file, "-") ?
	    workspace_path(r->file, where) : "-";
	size_t i;
	int rc = 0;

	for (i = 0; i < r->nerrors; i++) {
		const struct verror *err = &r->errors[i];

		rc |= buf_addstr(out, "::error file=");
		rc |= gh_escape(out, file, 1);
		rc |= buf_addf(out, ",line=%llu,title=", err->line ?
		    err->line : 1);
		rc |= gh_escape(out, codes[err->code].name, 1);
		rc |= buf_addstr(out, "::");
		if (err->row)
			rc |= buf_addf(out, "row %llu: ", err->row);
		if (err->field_name && err->field_name[0]) {
			rc |= buf_addstr(out, "field '");
			rc |= gh_escape(out, err->field_name, 0);
			rc |= buf_addstr(out, "': ");
		}
		rc |= gh_escape(out, err->message, 0);
		rc |= buf_addch(out, '\n');
	}
	for (i = 0; i < r->nwarnings; i++) {
		rc |= buf_addstr(out, "::warning file=");
		rc |= gh_escape(out, file, 1);
		rc |= buf_addstr(out, "::");
		rc |= gh_escape(out, r->warnings[i], 0);
		rc |= buf_addch(out, '\n');
	}
	return rc ? -1 : 0;
}

/* The testsuite of one report: a testcase for each type of error. */
static int
junit_suite(xmlTextWriterPtr w, const struct report *r)
{
	const char *file = r->file ? r->file : "-";
	char num[32];
	size_t i, k, types = 0;
	int rc = 0;

	for (k = 0; k < ERR_NCODES; k++)
		types += r->counts[k] > 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "testsuite") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST file) < 0;
	snprintf(num, sizeof(num), "%zu", types ? types : 1);
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "tests", BAD_CAST num) < 0;
	snprintf(num, sizeof(num), "%zu", types);
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "failures",
	    BAD_CAST num) < 0;
	snprintf(num, sizeof(num), "%.3f", r->seconds);
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "time", BAD_CAST num) < 0;
	if (types == 0) {
		rc |= xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "classname",
		    BAD_CAST file) < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "name",
		    BAD_CAST "valid") < 0;
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	for (k = 0; k < ERR_NCODES; k++) {
		struct buf text;

		if (!r->counts[k])
			continue;
		rc |= xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "classname",
		    BAD_CAST file) < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "name",
		    BAD_CAST codes[k].name) < 0;
		rc |= xmlTextWriterStartElement(w, BAD_CAST "failure") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "type",
		    BAD_CAST codes[k].name) < 0;
		snprintf(num, sizeof(num), "%llu", r->counts[k]);
		buf_init(&text, (size_t)1 << 30);
		buf_addf(&text, "%s%s %s: %s", r->dropped ? "at least " : "",
		    num, r->counts[k] == 1 && !r->dropped ? "error" : "errors",
		    codes[k].title);
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "message",
		    BAD_CAST text.ptr) < 0;
		buf_reset(&text);
		for (i = 0; i < r->nerrors; i++) {
			const struct verror *err = &r->errors[i];

			if (err->code != (enum error_code)k)
				continue;
			if (err->row)
				buf_addf(&text, "row %llu", err->row);
			else if (r->package)
				buf_addstr(&text, "package");
			else
				buf_addstr(&text, "header");
			if (err->field_name && err->field_name[0])
				buf_addf(&text, ", field '%s'", err->field_name);
			else if (err->field)
				buf_addf(&text, ", field %zu", err->field);
			buf_addf(&text, ": %s\n", err->message);
		}
		rc |= xmlTextWriterWriteString(w, BAD_CAST text.ptr) < 0;
		buf_release(&text);
		rc |= xmlTextWriterEndElement(w) < 0;
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	rc |= xmlTextWriterEndElement(w) < 0;
	return rc;
}

int
report_set_junit(const struct report_set *s, struct buf *out)
{
	xmlTextWriterPtr w;
	xmlBufferPtr xb = xmlBufferCreate();
	char num[32];
	size_t i, k, tests = 0, failures = 0;
	int rc = 0;

	if (xb == NULL || (w = xmlNewTextWriterMemory(xb, 0)) == NULL) {
		if (xb)
			xmlBufferFree(xb);
		return -1;
	}
	for (i = 0; i < s->n; i++) {
		size_t types = 0;

		for (k = 0; k < ERR_NCODES; k++)
			types += s->r[i]->counts[k] > 0;
		tests += types ? types : 1;
		failures += types;
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	rc |= xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "testsuites") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "name",
	    BAD_CAST "muni-validate") < 0;
	snprintf(num, sizeof(num), "%zu", tests);
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "tests", BAD_CAST num) < 0;
	snprintf(num, sizeof(num), "%zu", failures);
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "failures",
	    BAD_CAST num) < 0;
	for (i = 0; i < s->n; i++)
		rc |= junit_suite(w, s->r[i]);
	rc |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	if (!rc && buf_add(out, xmlBufferContent(xb),
	    (size_t)xmlBufferLength(xb)) < 0)
		rc = 1;
	xmlBufferFree(xb);
	return rc ? -1 : 0;
}

int
report_junit(const struct report *r, struct buf *out)
{
	struct report_set s;

	s.r = &r;
	s.n = 1;
	return report_set_junit(&s, out);
}

static void
gen_task(yajl_gen g, const struct report *r)
{
	const char *name;
	size_t i;

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
	for (i = 0; i < r->nerrors; i++)
		gen_error(g, r, &r->errors[i], NULL);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

int
report_set_valid(const struct report_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!report_valid(s->r[i]))
			return 0;
	return 1;
}

int
report_set_json(const struct report_set *s, struct buf *out)
{
	yajl_gen g = json_new();
	unsigned long long errors = 0, warnings = 0;
	double seconds = 0;
	size_t i, k, tasks = 0;

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
		for (k = 0; s->r[i]->package && k < s->r[i]->nerrors; k++) {
			const struct verror *err = &s->r[i]->errors[k];

			gen_error(g, s->r[i], err, s->r[i]->file);
		}
	yajl_gen_array_close(g);
	json_str(g, "tasks");
	yajl_gen_array_open(g);
	for (i = 0; i < s->n; i++)
		if (!s->r[i]->package)
			gen_task(g, s->r[i]);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
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
