/*
 * validator.c is long because header, rows, cells, keys and custom checks
 * share the validator's state (positions, the header's mapping, the key
 * sets) row by row; split, that state would be spread over files.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "base/i18n.h"
#include "base/text.h"
#include "schema/custom_checks.h"
#include "schema/fix_hint.h"
#include "schema/validator.h"
#include "base/banned.h"

/* Longest cell text quoted in a message; the report keeps it whole. */
#define SHOW 60
/* Its bytes at most: a character made visible is "\u0001" or "\xFF\xFF...". */
#define SHOWN_MAX (SHOW * 16 + 8)

struct reference {
	char *resource;
	struct keyset keys;
};

struct validator {
	const struct schema *schema;
	struct report *report;
	int schema_sync;
	int by_name;		/* columns matched by name (see by_name()) */
	/* The columns of the file, and for each field the column it reads. */
	char **labels;
	size_t nlabels;
	long *column;		/* per field; -1: absent */
	size_t nfields;
	int *column_used;	/* per column: 1 + the field reading it, or 0 */
	struct keyset *unique;	/* per field, for unique constraints */
	struct keyset pk;
	struct reference *refs;
	size_t nrefs;
	struct custom_check_binding *checks;	/* the schema's custom checks */
	size_t nchecks;
	long *field_of_column;
	struct verror *errors;	/* the current row's */
	size_t nerrors, cap;
	struct buf msg, key, note;
	unsigned long long line;	/* physical line of the current row */
	const char *hint;		/* for the next add_error, then cleared */
	int done;
	int failed;
	size_t regex_work;
	size_t *undecided;		/* per field: patterns not decided */
};

static const char *
field_name(const struct validator *v, size_t j)
{
	if (v->schema)
		return v->schema->fields[j].name;
	return j < v->nlabels ? v->labels[j] : "";
}

/*
 * Record an error of the current row (or of the header); it goes to the
 * report when the report wants its code.
 */
static void
add_error(struct validator *v, enum error_code code,
    unsigned long long row, size_t field, const char *name,
    const char *cell, size_t cell_len, const char *note, const char *fmt, ...)
	__attribute__((format(printf, 9, 10)));

static void
add_error(struct validator *v, enum error_code code,
    unsigned long long row, size_t field, const char *name,
    const char *cell, size_t cell_len, const char *note, const char *fmt, ...)
{
	struct verror *err;
	va_list ap;
	int rc;

	if (v->failed || !report_wants(v->report, code)) {
		v->hint = NULL;
		return;
	}
	if (v->nerrors == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		struct verror *e = realloc(v->errors, cap * sizeof(*e));

		if (e == NULL) {
			v->failed = 1;
			return;
		}
		v->errors = e;
		v->cap = cap;
	}
	err = &v->errors[v->nerrors++];
	memset(err, 0, sizeof(*err));
	err->code = code;
	err->row = row;
	err->line = row ? v->line : 1;
	err->field = field;
	err->field_name = name ? strdup(name) : NULL;
	if (cell) {
		err->cell = malloc(cell_len + 1);
		if (err->cell) {
			memcpy(err->cell, cell, cell_len);
			err->cell[cell_len] = '\0';
		}
		err->cell_len = cell_len;
	}
	err->note = strdup(note ? note : "");
	buf_reset(&v->msg);
	va_start(ap, fmt);
	(void)buf_vaddf(&v->msg, _(fmt), ap);
	va_end(ap);
	if (v->hint) {
		buf_addf(&v->msg, "; %s", v->hint);
		err->hint = strdup(v->hint);
		v->hint = NULL;
	}
	err->message = strndup(v->msg.ptr, v->msg.len);
	/* past the limit, the report counts what it no longer keeps */
	rc = report_add(v->report, err);
	if (rc < 0)
		v->failed = 1;
	else if (rc > 0)
		v->done = 1;
}

static void
clear_row_errors(struct validator *v)
{
	size_t i;

	for (i = 0; i < v->nerrors; i++)
		verror_release(&v->errors[i]);
	v->nerrors = 0;
}

struct validator *
validator_new(const struct schema *s, struct report *r,
    const struct validator_options *opt, struct muni_err *e)
{
	struct validator *v = calloc(1, sizeof(*v));
	size_t i;

	if (v == NULL) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot allocate a validator");
		return NULL;
	}
	v->schema = s;
	v->report = r;
	v->schema_sync = opt ? opt->schema_sync : 0;
	v->regex_work = opt && opt->regex_work ? opt->regex_work :
	    VALIDATE_REGEX_WORK;
	buf_init(&v->msg, 1 << 16);
	buf_init(&v->key, (size_t)1 << 28);
	buf_init(&v->note, 1 << 16);
	keyset_init(&v->pk);
	if (s) {
		v->unique = calloc(s->nfields + 1, sizeof(*v->unique));
		if (v->unique == NULL) {
			err_nomem(e);
			validator_free(v);
			return NULL;
		}
		for (i = 0; i < s->nfields; i++)
			keyset_init(&v->unique[i]);
		v->undecided = calloc(s->nfields + 1, sizeof(*v->undecided));
		if (v->undecided == NULL) {
			err_nomem(e);
			validator_free(v);
			return NULL;
		}
		v->refs = calloc(s->nfk + 1, sizeof(*v->refs));
		if (v->refs == NULL) {
			err_nomem(e);
			validator_free(v);
			return NULL;
		}
		for (i = 0; i < s->nfk; i++)
			keyset_init(&v->refs[i].keys);
		v->nrefs = s->nfk;
	}
	return v;
}

void
validator_free(struct validator *v)
{
	size_t i;

	if (v == NULL)
		return;
	clear_row_errors(v);
	free(v->errors);
	for (i = 0; i < v->nlabels; i++)
		free(v->labels[i]);
	free(v->labels);
	free(v->column);
	free(v->column_used);
	for (i = 0; i < v->nchecks; i++)
		custom_check_release(&v->checks[i]);
	free(v->checks);
	free(v->field_of_column);
	free(v->undecided);
	if (v->unique) {
		for (i = 0; v->schema && i < v->schema->nfields; i++)
			keyset_release(&v->unique[i]);
		free(v->unique);
	}
	for (i = 0; i < v->nrefs; i++)
		keyset_release(&v->refs[i].keys);
	free(v->refs);
	keyset_release(&v->pk);
	buf_release(&v->msg);
	buf_release(&v->key);
	buf_release(&v->note);
	free(v);
}

int
validator_done(const struct validator *v)
{
	return v->done;
}

const struct verror *
validator_row_errors(const struct validator *v, size_t *n)
{
	*n = v->nerrors;
	return v->errors;
}

/*
 * A cell as quoted in a message: its first SHOW characters, cut between
 * two characters and followed by an ellipsis when longer, on one line,
 * control codes made visible (text_visible).
 */
static const char *
show(const char *p, size_t n, char out[SHOWN_MAX])
{
	size_t i = 0, chars = 0;
	struct buf b;

	while (i < n && chars < SHOW) {
		i++;
		while (i < n && ((unsigned char)p[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	buf_init(&b, SHOWN_MAX - 1);
	if (text_visible(&b, p, i, 1) < 0 || (i < n &&
	    buf_addstr(&b, TEXT_ELLIPSIS) < 0))
		buf_setlen(&b, text_cut(b.ptr, b.len, SHOWN_MAX - 8));
	memcpy(out, b.ptr, b.len + 1);
	buf_release(&b);
	return out;
}

/* Turn a custom check's findings into errors of the row (0: the header). */
static void
emit_findings(struct validator *v, unsigned long long row,
    const struct record *rec, const struct custom_check_finding *f, size_t n)
{
	size_t i;

	char hint[FIX_HINT_MAX];

	for (i = 0; i < n; i++) {
		long col = f[i].column;
		const char *name = col >= 0 && (size_t)col < v->nlabels ?
		    v->labels[col] : NULL;
		const char *p = NULL;
		size_t len = 0;

		if (rec && col >= 0 && (size_t)col < rec->nfields) {
			p = rec->fields[col].ptr;
			len = rec->fields[col].len;
		}
		if (f[i].code == ERR_FRENCH_SIRET && p)
			v->hint = fix_hint_siret(p, len, hint);
		else if (f[i].code == ERR_REVERSED_GPS)
			v->hint = _("swap longitude and latitude");
		add_error(v, f[i].code, row, col >= 0 ? (size_t)col + 1 : 0,
		    name, p, len, "", "%s", f[i].message);
	}
}

/* Bind the schema's custom checks to the columns of the header. */
static int
bind_checks(struct validator *v)
{
	const struct schema *s = v->schema;
	struct custom_check_finding f[CUSTOM_CHECK_MAX_FINDINGS];
	size_t i, n;

	if (s == NULL || s->nchecks == 0)
		return 0;
	v->field_of_column = calloc(v->nlabels + 1, sizeof(long));
	v->checks = calloc(s->nchecks, sizeof(*v->checks));
	if (v->field_of_column == NULL || v->checks == NULL)
		return -1;
	for (i = 0; i < v->nlabels; i++)
		v->field_of_column[i] = (long)v->column_used[i] - 1;
	for (i = 0; i < s->nchecks; i++) {
		n = 0;
		if (custom_check_bind(&v->checks[i], &s->checks[i], s,
			v->labels, v->nlabels, v->field_of_column, f, &n) < 0)
			return -1;
		v->nchecks++;
		emit_findings(v, 0, NULL, f, n);
	}
	return 0;
}

/* Whether a and b are the same name but for case, '_', '-' and spaces. */
static int
same_name(const char *a, const char *b)
{
	for (;;) {
		while (*a == '_' || *a == '-' || *a == ' ')
			a++;
		while (*b == '_' || *b == '-' || *b == ' ')
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++;
		b++;
	}
}

/* The field without a column that label names but for its spelling. */
static const char *
missing_like(const struct validator *v, const char *label)
{
	size_t j;

	for (j = 0; j < v->schema->nfields; j++)
		if (v->column[j] < 0 && same_name(label,
		    v->schema->fields[j].name))
			return v->schema->fields[j].name;
	return NULL;
}

/*
 * When the header names the schema's fields but not in their places (a
 * column missing in the middle, one added), matching by position would
 * report every later column and every cell of every row. When names
 * explain more columns than positions do, bind by name, as --schema-sync
 * does, and report what differs once: each field without a column, each
 * column without a field, each column out of the schema's order. 1 when
 * bound so.
 */
static int
by_name(struct validator *v, const struct keyset *names)
{
	const struct schema *s = v->schema;
	size_t i, j, at_place = 0, by_names = 0;
	long last = -1;
	unsigned long long first;
	char shown[SHOWN_MAX];

	for (j = 0; j < s->nfields; j++) {
		if (j < v->nlabels && strcmp(v->labels[j], s->fields[j].name) == 0)
			at_place++;
		if (keyset_find(names, s->fields[j].name,
		    strlen(s->fields[j].name)))
			by_names++;
	}
	if (by_names <= at_place)
		return 0;
	for (j = 0; j < s->nfields; j++) {
		v->column[j] = -1;
		first = keyset_find(names, s->fields[j].name,
		    strlen(s->fields[j].name));
		if (first && !v->column_used[first - 1]) {
			v->column[j] = (long)first - 1;
			v->column_used[first - 1] = (int)j + 1;
		} else
			add_error(v, ERR_MISSING_LABEL, 0, j + 1,
			    s->fields[j].name, "", 0, "", "the schema's field "
			    "'%s' has no column in the file (field %zu of the "
			    "schema; the other columns are matched by name)",
			    s->fields[j].name, j + 1);
	}
	for (i = 0; i < v->nlabels; i++) {
		if (!v->labels[i][0])
			continue;
		if (!v->column_used[i]) {
			const char *like = missing_like(v, v->labels[i]);

			if (like)
				add_error(v, ERR_EXTRA_LABEL, 0, i + 1,
				    v->labels[i], v->labels[i],
				    strlen(v->labels[i]), "", "column %zu '%s' "
				    "is not in the schema: is it '%s'? (rename "
				    "it so)", i + 1, show(v->labels[i],
				    strlen(v->labels[i]), shown), like);
			else
				add_error(v, ERR_EXTRA_LABEL, 0, i + 1,
				    v->labels[i], v->labels[i],
				    strlen(v->labels[i]), "", "column %zu '%s' "
				    "is not in the schema", i + 1,
				    show(v->labels[i], strlen(v->labels[i]),
				    shown));
			continue;
		}
		/* the fields present, in the schema's order */
		j = (size_t)v->column_used[i] - 1;
		if ((long)j < last)
			add_error(v, ERR_INCORRECT_LABEL, 0, i + 1,
			    s->fields[j].name, v->labels[i],
			    strlen(v->labels[i]), "", "column %zu '%s' is out "
			    "of the schema's order: the schema puts it before "
			    "'%s' (reorder the columns, or use --schema-sync)",
			    i + 1, show(v->labels[i], strlen(v->labels[i]),
			    shown), s->fields[last].name);
		else
			last = (long)j;
	}
	return 1;
}

int
validator_header(struct validator *v, const struct record *rec,
    struct muni_err *e)
{
	const struct schema *s = v->schema;
	struct keyset names;	/* label to its first column, 1-based */
	unsigned long long first;
	long long had;
	size_t i, j;

	keyset_init(&names);
	v->nlabels = rec->nfields;
	v->labels = calloc(rec->nfields + 1, sizeof(char *));
	v->column_used = calloc(rec->nfields + 1, sizeof(int));
	if (v->labels == NULL || v->column_used == NULL)
		goto nomem;
	for (i = 0; i < rec->nfields; i++) {
		v->labels[i] = strndup(rec->fields[i].ptr, rec->fields[i].len);
		if (v->labels[i] == NULL)
			goto nomem;
	}
	if (report_set_labels(v->report, v->labels, v->nlabels) < 0)
		goto nomem;
	for (i = 0; s && v->report->nexpects < s->nfields && i < s->nfields;
	    i++) {
		char what[FIX_HINT_MAX];

		if (report_expect(v->report, s->fields[i].name,
		    fix_hint_expected(&s->fields[i].spec, what)) < 0)
			goto nomem;
	}
	v->nfields = s ? s->nfields : v->nlabels;
	v->report->nfields = v->nfields;
	v->column = calloc(v->nfields + 1, sizeof(long));
	if (v->column == NULL)
		goto nomem;

	for (i = 0; i < v->nlabels; i++) {
		char shown[SHOWN_MAX];

		if (v->labels[i][0] == '\0') {
			add_error(v, ERR_BLANK_LABEL, 0, i + 1,
			    s && i < s->nfields ? s->fields[i].name : "",
			    "", 0, "", "column %zu has no name in the header "
			    "row", i + 1);
			continue;
		}
		/* By a hash of the names: 65,536 columns are no 2 billion
		 * compares. */
		had = keyset_add(&names, v->labels[i], strlen(v->labels[i]),
		    i + 1);
		if (had < 0)
			goto nomem;
		if (had > 0)
			add_error(v, ERR_DUPLICATE_LABEL, 0, i + 1,
			    v->labels[i], v->labels[i], strlen(v->labels[i]),
			    "", "column name '%s' is used twice (first at "
			    "column %lld): give each column its own name",
			    show(v->labels[i], strlen(v->labels[i]), shown),
			    had);
	}
	if (s == NULL) {
		for (j = 0; j < v->nfields; j++) {
			v->column[j] = (long)j;
			v->column_used[j] = (int)j + 1;
		}
		keyset_release(&names);
		return v->failed ? -1 : 0;
	}
	if (v->schema_sync) {
		for (j = 0; j < s->nfields; j++) {
			/* The column first named so, if no field took it. */
			v->column[j] = -1;
			first = keyset_find(&names, s->fields[j].name,
			    strlen(s->fields[j].name));
			if (first && !v->column_used[first - 1]) {
				v->column[j] = (long)first - 1;
				v->column_used[first - 1] = (int)j + 1;
			}
			if (v->column[j] < 0)
				add_error(v, ERR_MISSING_LABEL, 0, j + 1,
				    s->fields[j].name, "", 0, "",
				    "the schema's field '%s' has no column in "
				    "the file", s->fields[j].name);
		}
		for (i = 0; i < v->nlabels; i++)
			if (!v->column_used[i] && v->labels[i][0])
				report_warn(v->report, _("column '%s' is not "
				    "in the schema: not checked"), v->labels[i]);
		goto bind;
	}
	if ((v->by_name = by_name(v, &names)) != 0)
		goto bind;
	for (j = 0; j < s->nfields; j++) {
		v->column[j] = (long)j;
		if (j >= v->nlabels) {
			add_error(v, ERR_MISSING_LABEL, 0, j + 1,
			    s->fields[j].name, "", 0, "",
			    "the schema's field '%s' has no column in the "
			    "file (column %zu)", s->fields[j].name, j + 1);
			continue;
		}
		v->column_used[j] = (int)j + 1;
		if (v->labels[j][0] && strcmp(v->labels[j],
		    s->fields[j].name) != 0) {
			char shown[SHOWN_MAX];

			add_error(v, ERR_INCORRECT_LABEL, 0, j + 1,
			    s->fields[j].name, v->labels[j],
			    strlen(v->labels[j]), "",
			    "column %zu is named '%s' where the schema "
			    "expects '%s' (rename the column, reorder the "
			    "columns, or use --schema-sync)", j + 1,
			    show(v->labels[j], strlen(v->labels[j]), shown),
			    s->fields[j].name);
		}
	}
	for (i = s->nfields; i < v->nlabels; i++) {
		char shown[SHOWN_MAX];

		add_error(v, ERR_EXTRA_LABEL, 0, i + 1, v->labels[i],
		    v->labels[i], strlen(v->labels[i]), "",
		    "column %zu '%s' is not in the schema", i + 1,
		    show(v->labels[i], strlen(v->labels[i]), shown));
	}
bind:
	keyset_release(&names);
	if (bind_checks(v) < 0)
		goto nomem;
	return v->failed ? -1 : 0;
nomem:
	keyset_release(&names);
	err_sys(e, MUNI_EXIT_IO, ENOMEM, "cannot store the header");
	return -1;
}

/*
 * 1 when the value matches, 0 when it does not, -1 when PCRE2 could not
 * decide (a match or depth limit: why says which).
 */
static int
pattern_matches(const struct constraint_set *c, const char *p, size_t n,
    char why[120])
{
	int rc = pcre2_match(c->pattern_code, (PCRE2_SPTR)p, n, 0, 0,
	    c->pattern_match, NULL);

	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	pcre2_get_error_message(rc, (PCRE2_UCHAR *)why, 120);
	return -1;
}

/* Check one cell of a field; the cell is present in the row. */
static void
check_cell(struct validator *v, const struct record *rec, size_t j,
    const char *p, size_t n)
{
	const struct schema_field *f = &v->schema->fields[j];
	const struct constraint_set *c = &f->c;
	char shown[SHOWN_MAX], what[FIX_HINT_MAX], note[512], hint[FIX_HINT_MAX],
	    why[120];
	unsigned long long row = rec->row;
	int matched;
	struct cast_value val;
	size_t k;

	if (schema_is_missing(f, p, n)) {
		if (c->required)
			add_error(v, ERR_CONSTRAINT, row, j + 1, f->name, p, n,
			    "constraint \"required\" is \"True\"",
			    "a value is required");
		return;
	}
	if (cast_cell(&f->spec, p, n, &val) < 0) {
		snprintf(note, sizeof(note), "type is \"%s/%s\"",
		    cast_type_name(f->spec.type), f->spec.format);
		v->hint = fix_hint_type(f, p, n, hint);
		add_error(v, ERR_TYPE, row, j + 1, f->name, p, n, note,
		    "'%s' is not %s", show(p, n, shown),
		    fix_hint_expected(&f->spec, what));
		return;
	}
	if ((c->has_min_length || c->has_max_length) &&
	    (f->spec.type == TYPE_STRING || f->spec.type == TYPE_ARRAY ||
	    f->spec.type == TYPE_OBJECT || f->spec.type == TYPE_ANY)) {
		int text = f->spec.type == TYPE_STRING ||
		    f->spec.type == TYPE_ANY;

		if (text)
			val.length = utf8_length(p, n);
		const char *unit = text ? _("characters") : _("items");
		const char *unit1 = text ? _("character") : _("item");

		if (c->has_min_length && val.length < c->min_length) {
			snprintf(note, sizeof(note),
			    "constraint \"minLength\" is \"%zu\"",
			    c->min_length);
			add_error(v, ERR_CONSTRAINT, row, j + 1, f->name, p, n,
			    note, "'%s' has %zu %s, fewer than the minimum "
			    "%zu", show(p, n, shown), val.length,
			    val.length == 1 ? unit1 : unit, c->min_length);
		}
		if (c->has_max_length && val.length > c->max_length) {
			snprintf(note, sizeof(note),
			    "constraint \"maxLength\" is \"%zu\"",
			    c->max_length);
			add_error(v, ERR_CONSTRAINT, row, j + 1, f->name, p, n,
			    note, "'%s' has %zu %s, more than the maximum "
			    "%zu", show(p, n, shown), val.length, unit,
			    c->max_length);
		}
	}
	if (c->has_minimum && cast_compare(&val, &c->minimum) < 0) {
		snprintf(note, sizeof(note), "constraint \"minimum\" is \"%s\"",
		    c->minimum_text);
		add_error(v, ERR_CONSTRAINT, row, j + 1, f->name, p, n, note,
		    "'%s' is less than the minimum %s", show(p, n, shown),
		    c->minimum_text);
	}
	if (c->has_maximum && cast_compare(&val, &c->maximum) > 0) {
		snprintf(note, sizeof(note), "constraint \"maximum\" is \"%s\"",
		    c->maximum_text);
		v->hint = fix_hint_maximum(f, p, n, hint);
		add_error(v, ERR_CONSTRAINT, row, j + 1, f->name, p, n, note,
		    "'%s' is more than the maximum %s", show(p, n, shown),
		    c->maximum_text);
	}
	if (c->pattern_code && (f->spec.type == TYPE_STRING) &&
	    v->undecided[j] <= v->regex_work &&
	    (matched = pattern_matches(c, p, n, why)) <= 0) {
		snprintf(note, sizeof(note), "constraint \"pattern\" is \"%s\"",
		    c->pattern);
		if (matched < 0 && ++v->undecided[j] > v->regex_work)
			/*
			 * The budget of the field spent: its other values
			 * are not checked against the pattern, said once.
			 */
			add_error(v, ERR_CONSTRAINT, row, j + 1, f->name, p, n,
			    note, "'%s' could not be checked against the "
			    "pattern %s either: after %zu values PCRE2 could "
			    "not decide, the pattern is no longer checked in "
			    "this column from this row on (raise the budget "
			    "with --max-regex-work)", show(p, n, shown),
			    c->pattern, v->regex_work);
		else if (matched < 0)
			/* Undecided is not "does not match": said as such. */
			add_error(v, ERR_CONSTRAINT, row, j + 1, f->name, p, n,
			    note, "'%s' could not be checked against the "
			    "pattern %s: %s", show(p, n, shown), c->pattern,
			    why);
		else {
			if (strstr(c->pattern, "14}"))
				v->hint = fix_hint_siret(p, n, hint);
			add_error(v, ERR_CONSTRAINT, row, j + 1, f->name, p, n,
			    note, "'%s' does not match the pattern %s",
			    show(p, n, shown), c->pattern);
		}
	}
	if (c->nenum) {
		buf_reset(&v->key);
		cast_key(&val, &v->key);
		for (k = 0; k < c->nenum; k++) {
			size_t at = v->key.len;
			int same;

			cast_key(&c->enum_values[k], &v->key);
			same = v->key.len - at == at &&
			    memcmp(v->key.ptr, v->key.ptr + at, at) == 0;
			buf_setlen(&v->key, at);
			if (same)
				break;
		}
		if (k == c->nenum) {
			buf_reset(&v->note);
			for (k = 0; k < c->nenum; k++)
				buf_addf(&v->note, "%s%s", k ? ", " : "",
				    c->enum_text[k]);
			snprintf(note, sizeof(note),
			    "constraint \"enum\" is \"[%s]\"", v->note.ptr);
			add_error(v, ERR_CONSTRAINT, row, j + 1, f->name, p, n,
			    note, "'%s' is not one of the allowed values: %s",
			    show(p, n, shown), v->note.ptr);
		}
	}
	if (c->unique) {
		long long first;

		buf_reset(&v->key);
		cast_key(&val, &v->key);
		first = keyset_add(&v->unique[j], v->key.ptr, v->key.len, row);
		if (first < 0)
			v->failed = 1;
		else if (first > 0) {
			snprintf(note, sizeof(note), "the same as in the row "
			    "at position %lld", first);
			add_error(v, ERR_UNIQUE, row, j + 1, f->name, p, n, note,
			    "'%s' is already in row %lld: each value must "
			    "be unique", show(p, n, shown), first);
		}
	}
}

/* The key of fields idx[0..count) in a row, as text; 0 if all missing. */
static int
row_key(struct validator *v, const struct record *rec, const size_t *idx,
    size_t count, int typed)
{
	const struct schema *s = v->schema;
	size_t k;
	int present = 0;

	buf_reset(&v->key);
	for (k = 0; k < count; k++) {
		const struct schema_field *f = &s->fields[idx[k]];
		long col = v->column[idx[k]];
		struct cast_value val;
		const char *p = "";
		size_t n = 0;

		if (col >= 0 && (size_t)col < rec->nfields) {
			p = rec->fields[col].ptr;
			n = rec->fields[col].len;
		}
		if (k)
			buf_addch(&v->key, '\x1f');
		if (schema_is_missing(f, p, n) ||
		    (col < 0 || (size_t)col >= rec->nfields)) {
			buf_addch(&v->key, '\x1e');
			continue;
		}
		present = 1;
		if (typed && cast_cell(&f->spec, p, n, &val) == 0)
			cast_key(&val, &v->key);
		else
			buf_add(&v->key, p, n);
	}
	return present;
}

static void
check_keys(struct validator *v, const struct record *rec)
{
	const struct schema *s = v->schema;
	size_t k;

	if (s->npk) {
		buf_reset(&v->note);
		for (k = 0; k < s->npk; k++)
			buf_addf(&v->note, "%s%s", k ? ", " : "",
			    s->fields[s->primary_key[k]].name);
		if (!row_key(v, rec, s->primary_key, s->npk, 1))
			add_error(v, ERR_PRIMARY_KEY, rec->row, 0, NULL, NULL,
			    0, "cells composing the primary keys are all "
			    "\"None\"", "the primary key (%s) is empty",
			    v->note.ptr);
		else {
			long long first = keyset_add(&v->pk, v->key.ptr,
			    v->key.len, rec->row);
			char note[128];

			if (first < 0)
				v->failed = 1;
			else if (first > 0) {
				snprintf(note, sizeof(note), "the same as in "
				    "the row at position %lld", first);
				add_error(v, ERR_PRIMARY_KEY, rec->row, 0, NULL,
				    NULL, 0, note, "the primary key (%s) is "
				    "the same as in row %lld", v->note.ptr,
				    first);
			}
		}
	}
	for (k = 0; k < s->nfk; k++) {
		const struct foreign_key *fk = &s->fks[k];

		if (!row_key(v, rec, fk->fields, fk->nfields, 0))
			continue;
		if (keyset_find(&v->refs[k].keys, v->key.ptr, v->key.len))
			continue;
		buf_reset(&v->note);
		{
			size_t i;

			for (i = 0; i < fk->nfields; i++)
				buf_addf(&v->note, "%s%s", i ? ", " : "",
				    s->fields[fk->fields[i]].name);
		}
		add_error(v, ERR_FOREIGN_KEY, rec->row, 0, NULL, NULL, 0,
		    "values in the foreign key fields should exist in the "
		    "reference table", "the value of (%s) is not in the "
		    "reference table%s%s", v->note.ptr,
		    fk->resource[0] ? " " : "", fk->resource);
	}
}

int
validator_row(struct validator *v, const struct record *rec,
    struct muni_err *e)
{
	const struct schema *s = v->schema;
	size_t i, j, width = v->nfields;
	int blank = 1;

	clear_row_errors(v);
	v->report->rows++;
	v->line = rec->line;
	/* A row is blank when no cell holds a value. */
	for (i = 0; i < rec->nfields && blank; i++) {
		const struct field *c = &rec->fields[i];

		if (c->len == 0)
			continue;
		blank = 0;
		if (s && i < v->nlabels && v->column_used[i])
			blank = schema_is_missing(
			    &s->fields[v->column_used[i] - 1], c->ptr, c->len);
	}
	if (blank) {
		add_error(v, ERR_BLANK_ROW, rec->row, 0, NULL, NULL, 0, "",
		    "the row is empty: remove it");
		if (s)
			check_keys(v, rec);
		goto out;
	}
	for (j = 0; j < width; j++) {
		long col = v->column[j];

		if (col < 0)
			continue;	/* reported once as missing-label */
		if ((size_t)col >= rec->nfields && (size_t)col < v->nlabels) {
			add_error(v, ERR_MISSING_CELL, rec->row, j + 1,
			    field_name(v, j), "", 0, "",
			    "the row has %zu cells where the header has %zu: "
			    "no value for this column", rec->nfields,
			    v->nlabels);
			continue;
		}
		if ((size_t)col >= rec->nfields) {
			add_error(v, ERR_MISSING_CELL, rec->row, j + 1,
			    field_name(v, j), "", 0, "",
			    "the row has %zu cells where the schema has %zu "
			    "fields: no value for this field", rec->nfields,
			    width);
			continue;
		}
		if (s)
			check_cell(v, rec, j, rec->fields[col].ptr,
			    rec->fields[col].len);
	}
	/*
	 * Cells past the fields: by position, every cell the schema has no
	 * field for; matched by name, the columns are the header's, and only
	 * cells past it are extra.
	 */
	for (i = s && (v->schema_sync || v->by_name) ? v->nlabels : width;
	    i < rec->nfields; i++) {
		char shown[SHOWN_MAX];

		if (i < v->nlabels)
			add_error(v, ERR_EXTRA_CELL, rec->row, i + 1,
			    v->labels[i], rec->fields[i].ptr,
			    rec->fields[i].len, "", "'%s' is an extra cell: "
			    "column %zu is past the schema's last field "
			    "(%zu)", show(rec->fields[i].ptr,
			    rec->fields[i].len, shown), i + 1, width);
		else
			add_error(v, ERR_EXTRA_CELL, rec->row, i + 1, "",
			    rec->fields[i].ptr, rec->fields[i].len, "",
			    "'%s' is an extra cell: the row has %zu cells "
			    "where the header has %zu",
			    show(rec->fields[i].ptr, rec->fields[i].len,
			    shown), rec->nfields, v->nlabels);
	}
	for (i = 0; i < v->nchecks; i++) {
		struct custom_check_finding f[CUSTOM_CHECK_MAX_FINDINGS];
		size_t n = 0;

		custom_check_row(&v->checks[i], rec, f, &n);
		emit_findings(v, rec->row, rec, f, n);
	}
	if (s)
		check_keys(v, rec);
out:
	if (v->failed) {
		if (v->report->spool_failed)
			err_sys(e, MUNI_EXIT_IO, errno, "cannot keep the "
			    "report's errors: its spool, a temporary file in "
			    "TMPDIR, cannot be written");
		else
			err_nomem(e);
		return -1;
	}
	return 0;
}

int
validator_add_reference(struct validator *v, const char *resource,
    struct csvin *in, struct muni_err *e)
{
	const struct schema *s = v->schema;
	struct record *rec;
	size_t k, i;
	long **cols;
	int rc;

	if (s == NULL || s->nfk == 0)
		return 0;
	cols = calloc(s->nfk, sizeof(*cols));
	if (cols == NULL) {
		err_sys(e, MUNI_EXIT_IO, ENOMEM, "cannot store reference keys");
		return -1;
	}
	rc = csvin_next(in, &rec, e);
	if (rc <= 0) {
		free(cols);
		return rc;
	}
	/* Which columns of the reference table each foreign key reads. */
	for (k = 0; k < s->nfk; k++) {
		const struct foreign_key *fk = &s->fks[k];

		if (strcmp(fk->resource, resource) != 0)
			continue;
		cols[k] = calloc(fk->nref + 1, sizeof(long));
		if (cols[k] == NULL)
			goto nomem;
		for (i = 0; i < fk->nref; i++) {
			size_t c;

			cols[k][i] = -1;
			for (c = 0; c < rec->nfields; c++)
				if (rec->fields[c].len == strlen(fk->ref_fields[i])
				    && memcmp(rec->fields[c].ptr,
				    fk->ref_fields[i], rec->fields[c].len) == 0)
					cols[k][i] = (long)c;
			if (cols[k][i] < 0) {
				err_set(e, MUNI_EXIT_USAGE, "the reference "
				    "table '%s' has no column '%s'",
				    resource[0] ? resource : "(this file)",
				    fk->ref_fields[i]);
				goto fail;
			}
		}
	}
	while ((rc = csvin_next(in, &rec, e)) > 0) {
		for (k = 0; k < s->nfk; k++) {
			if (cols[k] == NULL)
				continue;
			buf_reset(&v->key);
			for (i = 0; i < s->fks[k].nref; i++) {
				long c = cols[k][i];

				if (i)
					buf_addch(&v->key, '\x1f');
				if ((size_t)c < rec->nfields)
					buf_add(&v->key, rec->fields[c].ptr,
					    rec->fields[c].len);
			}
			if (keyset_add(&v->refs[k].keys, v->key.ptr,
			    v->key.len, rec->row) < 0)
				goto nomem;
		}
	}
	for (k = 0; k < s->nfk; k++)
		free(cols[k]);
	free(cols);
	return rc;
nomem:
	err_sys(e, MUNI_EXIT_IO, ENOMEM, "cannot store reference keys");
fail:
	for (k = 0; k < s->nfk; k++)
		free(cols[k]);
	free(cols);
	return -1;
}
