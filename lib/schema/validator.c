/*
 * validator.c is long because header, rows, cells, keys and custom checks
 * share the validator's state (positions, the header's mapping, the key
 * sets) row by row; split, that state would be spread over files.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "base/arena.h"
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

/*
 * What a row's checks leave for the in-order commit: an error, or a check
 * that depends on the rows before it (unique values, keys, a pattern's
 * budget), settled when the row is committed.
 */
enum item_kind {
	ITEM_ERROR,
	ITEM_PATTERN,		/* a value that does not match the pattern */
	ITEM_UNDECIDED,		/* one PCRE2 could not decide */
	ITEM_UNIQUE,		/* a unique field's value, its key in key */
	ITEM_KEYS		/* the row's primary and foreign keys */
};

struct item {
	struct verror err;
	enum item_kind kind;
	char *key;
	size_t key_len;
};

/* Translations of message formats looked up once, by the format's address. */
#define TR_SLOTS 64

/* What a thread checking rows owns: see validator.h. */
struct vwork {
	struct item *items;
	size_t nitems, cap;
	struct arena strings;		/* the items' */
	struct buf msg, key, note;
	unsigned long long line;	/* physical line of the current row */
	const char *hint;		/* for the next item, then cleared */
	size_t *undecided;		/* per field: values not decided here */
	void **match;			/* per field: its pcre2_match_data */
	size_t nfields;
	int failed;
	const char *tr_from[TR_SLOTS], *tr_to[TR_SLOTS];
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
	struct verror *errors;	/* the committed row's */
	size_t nerrors, cap;
	struct vwork own;	/* validator_row()'s and the header's checks */
	struct vwork cw;	/* the commit's: keys and unique values */
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

/* fmt translated, looked up in the catalog once per thread. */
static const char *tr(struct vwork *w, const char *fmt)
    __attribute__((format_arg(2)));

static const char *
tr(struct vwork *w, const char *fmt)
{
	size_t h = ((uintptr_t)fmt >> 3) % TR_SLOTS;

	if (w->tr_from[h] != fmt) {
		w->tr_to[h] = _(fmt);
		w->tr_from[h] = fmt;
	}
	return w->tr_to[h];
}

/* Set err's note and message (the pending hint appended): -1 out of memory. */
static int vset_message(struct vwork *w, struct verror *err, const char *note,
    const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

static int
vset_message(struct vwork *w, struct verror *err, const char *note,
    const char *fmt, va_list ap)
{
	err->note = arena_strdup(&w->strings, note ? note : "");
	buf_reset(&w->msg);
	(void)buf_vaddf(&w->msg, tr(w, fmt), ap);
	if (w->hint) {
		buf_addf(&w->msg, "; %s", w->hint);
		err->hint = arena_strdup(&w->strings, w->hint);
		w->hint = NULL;
		if (err->hint == NULL)
			w->failed = 1;
	}
	err->message = arena_dup(&w->strings, w->msg.ptr, w->msg.len);
	if (err->note == NULL || err->message == NULL)
		w->failed = 1;
	return w->failed ? -1 : 0;
}

static int
set_message(struct vwork *w, struct verror *err, const char *note,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
set_message(struct vwork *w, struct verror *err, const char *note,
    const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vset_message(w, err, note, fmt, ap);
	va_end(ap);
	return rc;
}

/*
 * A new item of the current row, or NULL (and the hint dropped) when the
 * report does not want code or memory is short.
 */
static struct item *
new_item(const struct validator *v, struct vwork *w, enum item_kind kind,
    enum error_code code, unsigned long long row, size_t field,
    const char *name, const char *cell, size_t cell_len)
{
	struct item *it;

	if (w->failed || (kind != ITEM_KEYS && !report_wants(v->report,
	    code))) {
		w->hint = NULL;
		return NULL;
	}
	if (w->nitems == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		struct item *p = realloc(w->items, cap * sizeof(*p));

		if (p == NULL) {
			w->failed = 1;
			w->hint = NULL;
			return NULL;
		}
		w->items = p;
		w->cap = cap;
	}
	it = &w->items[w->nitems++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->err.code = code;
	it->err.row = row;
	it->err.line = row ? w->line : 1;
	it->err.field = field;
	if (name && (it->err.field_name = arena_strdup(&w->strings,
	    name)) == NULL)
		w->failed = 1;
	if (cell) {
		it->err.cell = arena_dup(&w->strings, cell, cell_len);
		if (it->err.cell == NULL)
			w->failed = 1;
		it->err.cell_len = cell_len;
	}
	return it;
}

/* Record an error of the current row (or of the header), as an item. */
static void
add_item(const struct validator *v, struct vwork *w, enum item_kind kind,
    enum error_code code, unsigned long long row, size_t field,
    const char *name, const char *cell, size_t cell_len, const char *note,
    const char *fmt, ...) __attribute__((format(printf, 11, 12)));

static void
add_item(const struct validator *v, struct vwork *w, enum item_kind kind,
    enum error_code code, unsigned long long row, size_t field,
    const char *name, const char *cell, size_t cell_len, const char *note,
    const char *fmt, ...)
{
	struct item *it = new_item(v, w, kind, code, row, field, name, cell,
	    cell_len);
	va_list ap;

	if (it == NULL)
		return;
	va_start(ap, fmt);
	(void)vset_message(w, &it->err, note, fmt, ap);
	va_end(ap);
}

#define add_error(v, w, ...) add_item(v, w, ITEM_ERROR, __VA_ARGS__)

static int
work_init(struct vwork *w, const struct schema *s)
{
	memset(w, 0, sizeof(*w));
	buf_init(&w->msg, 1 << 16);
	buf_init(&w->key, (size_t)1 << 28);
	buf_init(&w->note, 1 << 16);
	if (s == NULL)
		return 0;
	w->nfields = s->nfields;
	w->undecided = calloc(s->nfields + 1, sizeof(*w->undecided));
	w->match = calloc(s->nfields + 1, sizeof(*w->match));
	return w->undecided && w->match ? 0 : -1;
}

static void
work_release(struct vwork *w)
{
	size_t j;

	arena_release(&w->strings);
	free(w->items);
	for (j = 0; w->match && j < w->nfields; j++)
		if (w->match[j])
			pcre2_match_data_free(w->match[j]);
	free(w->match);
	free(w->undecided);
	buf_release(&w->msg);
	buf_release(&w->key);
	buf_release(&w->note);
	memset(w, 0, sizeof(*w));
}

struct vwork *
validator_work_new(const struct validator *v)
{
	struct vwork *w = malloc(sizeof(*w));

	if (w && work_init(w, v->schema) < 0) {
		work_release(w);
		free(w);
		w = NULL;
	}
	return w;
}

void
validator_work_free(struct vwork *w)
{
	if (w) {
		work_release(w);
		free(w);
	}
}

size_t
validator_work_items(const struct vwork *w)
{
	return w->nitems;
}

void
validator_work_reset(struct vwork *w)
{
	arena_reset(&w->strings);
	w->nitems = 0;
	w->failed = 0;
}

/*
 * The error of item it kept as the committed row's (its strings stay in
 * the arena of the work that made them) and added to the report; -1 out
 * of memory.
 */
static int
keep(struct validator *v, struct item *it)
{
	int rc;

	if (v->nerrors == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		struct verror *e = realloc(v->errors, cap * sizeof(*e));

		if (e == NULL)
			return -1;
		v->errors = e;
		v->cap = cap;
	}
	v->errors[v->nerrors++] = it->err;
	/* past the limit, the report counts what it no longer keeps */
	rc = report_add(v->report, &v->errors[v->nerrors - 1]);
	if (rc > 0)
		v->done = 1;
	return rc < 0 ? -1 : 0;
}

static int commit_header(struct validator *v, struct muni_err *e);

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
	keyset_init(&v->pk);
	if (work_init(&v->own, s) < 0 || work_init(&v->cw, s) < 0) {
		err_nomem(e);
		validator_free(v);
		return NULL;
	}
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
	work_release(&v->own);
	work_release(&v->cw);
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
emit_findings(const struct validator *v, struct vwork *w,
    unsigned long long row, const struct record *rec,
    const struct custom_check_finding *f, size_t n)
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
			w->hint = fix_hint_siret(p, len, hint);
		else if (f[i].code == ERR_REVERSED_GPS)
			w->hint = _("swap longitude and latitude");
		add_error(v, w, f[i].code, row, col >= 0 ? (size_t)col + 1 : 0,
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
		emit_findings(v, &v->own, 0, NULL, f, n);
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
			add_error(v, &v->own, ERR_MISSING_LABEL, 0, j + 1,
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
				add_error(v, &v->own, ERR_EXTRA_LABEL, 0, i + 1,
				    v->labels[i], v->labels[i],
				    strlen(v->labels[i]), "", "column %zu '%s' "
				    "is not in the schema: is it '%s'? (rename "
				    "it so)", i + 1, show(v->labels[i],
				    strlen(v->labels[i]), shown), like);
			else
				add_error(v, &v->own, ERR_EXTRA_LABEL, 0, i + 1,
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
			add_error(v, &v->own, ERR_INCORRECT_LABEL, 0, i + 1,
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
			add_error(v, &v->own, ERR_BLANK_LABEL, 0, i + 1,
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
			add_error(v, &v->own, ERR_DUPLICATE_LABEL, 0, i + 1,
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
		return commit_header(v, e);
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
				add_error(v, &v->own, ERR_MISSING_LABEL, 0,
				    j + 1, s->fields[j].name, "", 0, "",
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
			add_error(v, &v->own, ERR_MISSING_LABEL, 0, j + 1,
			    s->fields[j].name, "", 0, "",
			    "the schema's field '%s' has no column in the "
			    "file (column %zu)", s->fields[j].name, j + 1);
			continue;
		}
		v->column_used[j] = (int)j + 1;
		if (v->labels[j][0] && strcmp(v->labels[j],
		    s->fields[j].name) != 0) {
			char shown[SHOWN_MAX];

			add_error(v, &v->own, ERR_INCORRECT_LABEL, 0, j + 1,
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

		add_error(v, &v->own, ERR_EXTRA_LABEL, 0, i + 1, v->labels[i],
		    v->labels[i], strlen(v->labels[i]), "",
		    "column %zu '%s' is not in the schema", i + 1,
		    show(v->labels[i], strlen(v->labels[i]), shown));
	}
bind:
	keyset_release(&names);
	if (bind_checks(v) < 0)
		goto nomem;
	return commit_header(v, e);
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
pattern_matches(struct vwork *w, size_t j, const struct constraint_set *c,
    const char *p, size_t n, char why[120])
{
	int rc;

	if (w->match[j] == NULL && (w->match[j] =
	    pcre2_match_data_create_from_pattern(c->pattern_code, NULL)) ==
	    NULL) {
		w->failed = 1;
		return 1;
	}
	rc = pcre2_match(c->pattern_code, (PCRE2_SPTR)p, n, 0, 0, w->match[j],
	    NULL);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	pcre2_get_error_message(rc, (PCRE2_UCHAR *)why, 120);
	return -1;
}

/* Check one cell of a field; the cell is present in the row. */
static void
check_cell(const struct validator *v, struct vwork *w,
    const struct record *rec, size_t j, const char *p, size_t n)
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
			add_error(v, w, ERR_CONSTRAINT, row, j + 1, f->name, p,
			    n, "constraint \"required\" is \"True\"",
			    "a value is required");
		return;
	}
	if (cast_cell(&f->spec, p, n, &val) < 0) {
		snprintf(note, sizeof(note), "type is \"%s/%s\"",
		    cast_type_name(f->spec.type), f->spec.format);
		w->hint = fix_hint_type(f, p, n, hint);
		add_error(v, w, ERR_TYPE, row, j + 1, f->name, p, n, note,
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
		const char *unit = text ? tr(w, "characters") :
		    tr(w, "items");
		const char *unit1 = text ? tr(w, "character") : tr(w, "item");

		if (c->has_min_length && val.length < c->min_length) {
			snprintf(note, sizeof(note),
			    "constraint \"minLength\" is \"%zu\"",
			    c->min_length);
			add_error(v, w, ERR_CONSTRAINT, row, j + 1, f->name, p,
			    n, note, "'%s' has %zu %s, fewer than the minimum "
			    "%zu", show(p, n, shown), val.length,
			    val.length == 1 ? unit1 : unit, c->min_length);
		}
		if (c->has_max_length && val.length > c->max_length) {
			snprintf(note, sizeof(note),
			    "constraint \"maxLength\" is \"%zu\"",
			    c->max_length);
			add_error(v, w, ERR_CONSTRAINT, row, j + 1, f->name, p,
			    n, note, "'%s' has %zu %s, more than the maximum "
			    "%zu", show(p, n, shown), val.length, unit,
			    c->max_length);
		}
	}
	if (c->has_minimum && cast_compare(&val, &c->minimum) < 0) {
		snprintf(note, sizeof(note), "constraint \"minimum\" is \"%s\"",
		    c->minimum_text);
		add_error(v, w, ERR_CONSTRAINT, row, j + 1, f->name, p, n, note,
		    "'%s' is less than the minimum %s", show(p, n, shown),
		    c->minimum_text);
	}
	if (c->has_maximum && cast_compare(&val, &c->maximum) > 0) {
		snprintf(note, sizeof(note), "constraint \"maximum\" is \"%s\"",
		    c->maximum_text);
		w->hint = fix_hint_maximum(f, p, n, hint);
		add_error(v, w, ERR_CONSTRAINT, row, j + 1, f->name, p, n, note,
		    "'%s' is more than the maximum %s", show(p, n, shown),
		    c->maximum_text);
	}
	/*
	 * Past the field's budget of undecided values (counted here, which
	 * is never more than counted in the rows' order: commit_row()
	 * decides), the pattern is no longer tried.
	 */
	if (c->pattern_code && (f->spec.type == TYPE_STRING) &&
	    w->undecided[j] <= v->regex_work &&
	    (matched = pattern_matches(w, j, c, p, n, why)) <= 0) {
		snprintf(note, sizeof(note), "constraint \"pattern\" is \"%s\"",
		    c->pattern);
		if (matched < 0) {
			/* Undecided is not "does not match": said as such. */
			w->undecided[j]++;
			add_item(v, w, ITEM_UNDECIDED, ERR_CONSTRAINT, row,
			    j + 1, f->name, p, n, note, "'%s' could not be "
			    "checked against the pattern %s: %s",
			    show(p, n, shown), c->pattern, why);
		} else {
			if (strstr(c->pattern, "14}"))
				w->hint = fix_hint_siret(p, n, hint);
			add_item(v, w, ITEM_PATTERN, ERR_CONSTRAINT, row,
			    j + 1, f->name, p, n, note, "'%s' does not match "
			    "the pattern %s", show(p, n, shown), c->pattern);
		}
	}
	if (c->nenum) {
		buf_reset(&w->key);
		cast_key(&val, &w->key);
		for (k = 0; k < c->nenum; k++) {
			size_t at = w->key.len;
			int same;

			cast_key(&c->enum_values[k], &w->key);
			same = w->key.len - at == at &&
			    memcmp(w->key.ptr, w->key.ptr + at, at) == 0;
			buf_setlen(&w->key, at);
			if (same)
				break;
		}
		if (k == c->nenum) {
			buf_reset(&w->note);
			for (k = 0; k < c->nenum; k++)
				buf_addf(&w->note, "%s%s", k ? ", " : "",
				    c->enum_text[k]);
			snprintf(note, sizeof(note),
			    "constraint \"enum\" is \"[%s]\"", w->note.ptr);
			add_error(v, w, ERR_CONSTRAINT, row, j + 1, f->name, p,
			    n, note, "'%s' is not one of the allowed values: "
			    "%s", show(p, n, shown), w->note.ptr);
		}
	}
	if (c->unique) {
		struct item *it = new_item(v, w, ITEM_UNIQUE, ERR_UNIQUE, row,
		    j + 1, f->name, p, n);

		if (it) {
			buf_reset(&w->key);
			cast_key(&val, &w->key);
			it->key = arena_dup(&w->strings, w->key.ptr,
			    w->key.len);
			if (it->key == NULL)
				w->failed = 1;
			it->key_len = w->key.len;
		}
	}
}

/* The key of fields idx[0..count) in a row, as text; 0 if all missing. */
static int
row_key(const struct validator *v, struct vwork *w, const struct record *rec,
    const size_t *idx, size_t count, int typed)
{
	const struct schema *s = v->schema;
	size_t k;
	int present = 0;

	buf_reset(&w->key);
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
			buf_addch(&w->key, '\x1f');
		if (schema_is_missing(f, p, n) ||
		    (col < 0 || (size_t)col >= rec->nfields)) {
			buf_addch(&w->key, '\x1e');
			continue;
		}
		present = 1;
		if (typed && cast_cell(&f->spec, p, n, &val) == 0)
			cast_key(&val, &w->key);
		else
			buf_add(&w->key, p, n);
	}
	return present;
}

/* The row's primary and foreign keys, in the rows' order, into v->cw. */
static void
check_keys(struct validator *v, const struct record *rec)
{
	const struct schema *s = v->schema;
	struct vwork *w = &v->cw;
	size_t k;

	if (s->npk) {
		buf_reset(&w->note);
		for (k = 0; k < s->npk; k++)
			buf_addf(&w->note, "%s%s", k ? ", " : "",
			    s->fields[s->primary_key[k]].name);
		if (!row_key(v, w, rec, s->primary_key, s->npk, 1))
			add_error(v, w, ERR_PRIMARY_KEY, rec->row, 0, NULL,
			    NULL, 0, "cells composing the primary keys are "
			    "all \"None\"", "the primary key (%s) is empty",
			    w->note.ptr);
		else {
			long long first = keyset_add(&v->pk, w->key.ptr,
			    w->key.len, rec->row);
			char note[128];

			if (first < 0)
				w->failed = 1;
			else if (first > 0) {
				snprintf(note, sizeof(note), "the same as in "
				    "the row at position %lld", first);
				add_error(v, w, ERR_PRIMARY_KEY, rec->row, 0,
				    NULL, NULL, 0, note, "the primary key "
				    "(%s) is the same as in row %lld",
				    w->note.ptr, first);
			}
		}
	}
	for (k = 0; k < s->nfk; k++) {
		const struct foreign_key *fk = &s->fks[k];
		size_t i;

		if (!row_key(v, w, rec, fk->fields, fk->nfields, 0))
			continue;
		if (keyset_find(&v->refs[k].keys, w->key.ptr, w->key.len))
			continue;
		buf_reset(&w->note);
		for (i = 0; i < fk->nfields; i++)
			buf_addf(&w->note, "%s%s", i ? ", " : "",
			    s->fields[fk->fields[i]].name);
		add_error(v, w, ERR_FOREIGN_KEY, rec->row, 0, NULL, NULL, 0,
		    "values in the foreign key fields should exist in the "
		    "reference table", "the value of (%s) is not in the "
		    "reference table%s%s", w->note.ptr,
		    fk->resource[0] ? " " : "", fk->resource);
	}
}

int
validator_check(const struct validator *v, struct vwork *w,
    const struct record *rec)
{
	const struct schema *s = v->schema;
	size_t i, j, width = v->nfields;
	int blank = 1;

	w->line = rec->line;
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
		add_error(v, w, ERR_BLANK_ROW, rec->row, 0, NULL, NULL, 0, "",
		    "the row is empty: remove it");
		goto keys;
	}
	for (j = 0; j < width; j++) {
		long col = v->column[j];

		if (col < 0)
			continue;	/* reported once as missing-label */
		if ((size_t)col >= rec->nfields && (size_t)col < v->nlabels) {
			add_error(v, w, ERR_MISSING_CELL, rec->row, j + 1,
			    field_name(v, j), "", 0, "",
			    "the row has %zu cells where the header has %zu: "
			    "no value for this column", rec->nfields,
			    v->nlabels);
			continue;
		}
		if ((size_t)col >= rec->nfields) {
			add_error(v, w, ERR_MISSING_CELL, rec->row, j + 1,
			    field_name(v, j), "", 0, "",
			    "the row has %zu cells where the schema has %zu "
			    "fields: no value for this field", rec->nfields,
			    width);
			continue;
		}
		if (s)
			check_cell(v, w, rec, j, rec->fields[col].ptr,
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
			add_error(v, w, ERR_EXTRA_CELL, rec->row, i + 1,
			    v->labels[i], rec->fields[i].ptr,
			    rec->fields[i].len, "", "'%s' is an extra cell: "
			    "column %zu is past the schema's last field "
			    "(%zu)", show(rec->fields[i].ptr,
			    rec->fields[i].len, shown), i + 1, width);
		else
			add_error(v, w, ERR_EXTRA_CELL, rec->row, i + 1, "",
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
		emit_findings(v, w, rec->row, rec, f, n);
	}
keys:
	if (s && (s->npk || s->nfk))
		(void)new_item(v, w, ITEM_KEYS, ERR_PRIMARY_KEY, rec->row, 0,
		    NULL, NULL, 0);
	return w->failed ? -1 : 0;
}

/* An item settled in the rows' order: kept, or released. */
static int
commit_item(struct validator *v, struct item *it, const struct record *rec)
{
	const struct schema *s = v->schema;
	size_t j = it->err.field - 1, k;
	char shown[SHOWN_MAX], note[128];
	long long first;

	switch (it->kind) {
	case ITEM_ERROR:
		break;
	case ITEM_PATTERN:
	case ITEM_UNDECIDED:
		if (v->undecided[j] > v->regex_work)
			return 0;	/* the pattern no longer checked */
		if (it->kind == ITEM_PATTERN || ++v->undecided[j] <=
		    v->regex_work)
			break;
		/*
		 * The budget of the field spent: its other values are not
		 * checked against the pattern, said once.
		 */
		if (set_message(&v->cw, &it->err, it->err.note, "'%s' could "
		    "not be checked against the pattern %s either: after %zu "
		    "values PCRE2 could not decide, the pattern is no longer "
		    "checked in this column from this row on (raise the "
		    "budget with --max-regex-work)", show(it->err.cell,
		    it->err.cell_len, shown), s->fields[j].c.pattern,
		    v->regex_work) < 0)
			return -1;
		break;
	case ITEM_UNIQUE:
		first = keyset_add(&v->unique[j], it->key, it->key_len,
		    it->err.row);
		if (first < 0)
			return -1;
		if (first == 0)
			return 0;
		snprintf(note, sizeof(note), "the same as in the row at "
		    "position %lld", first);
		if (set_message(&v->cw, &it->err, note, "'%s' is already in "
		    "row %lld: each value must be unique", show(it->err.cell,
		    it->err.cell_len, shown), first) < 0)
			return -1;
		break;
	case ITEM_KEYS:
		v->cw.line = rec->line;
		check_keys(v, rec);
		for (k = 0; k < v->cw.nitems && !v->cw.failed; k++)
			if (keep(v, &v->cw.items[k]) < 0)
				return -1;
		v->cw.nitems = 0;	/* their strings kept to the next row */
		return v->cw.failed ? -1 : 0;
	}
	return keep(v, it);
}

/*
 * Commit the items [from, to) of w, rec's (NULL: the header's): into the
 * report, and the committed row's errors.
 */
static int
commit(struct validator *v, struct vwork *w, size_t from, size_t to,
    const struct record *rec)
{
	size_t i;

	/* The last row's errors, and the strings the commit made for them. */
	v->nerrors = 0;
	validator_work_reset(&v->cw);
	for (i = from; i < to; i++)
		if (commit_item(v, &w->items[i], rec) < 0) {
			v->failed = 1;
			break;
		}
	return v->failed ? -1 : 0;
}

static int
fail_commit(struct validator *v, struct muni_err *e)
{
	if (v->report->spool_failed)
		err_sys(e, MUNI_EXIT_IO, errno, "cannot keep the report's "
		    "errors: its spool, a temporary file in TMPDIR, cannot "
		    "be written");
	else
		err_nomem(e);
	return -1;
}

static int
commit_header(struct validator *v, struct muni_err *e)
{
	struct vwork *w = &v->own;

	if (w->failed || commit(v, w, 0, w->nitems, NULL) < 0)
		return fail_commit(v, e);
	v->nerrors = 0;		/* their strings are gone with the items' */
	validator_work_reset(w);
	return 0;
}

int
validator_commit(struct validator *v, struct vwork *w, size_t from,
    size_t to, const struct record *rec, struct muni_err *e)
{
	v->report->rows++;
	if (w->failed || commit(v, w, from, to, rec) < 0)
		return fail_commit(v, e);
	return 0;
}

int
validator_row(struct validator *v, const struct record *rec,
    struct muni_err *e)
{
	struct vwork *w = &v->own;

	/* The last row's items and errors, read until now, are done with. */
	validator_work_reset(w);
	(void)validator_check(v, w, rec);
	return validator_commit(v, w, 0, w->nitems, rec, e);
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
			buf_reset(&v->cw.key);
			for (i = 0; i < s->fks[k].nref; i++) {
				long c = cols[k][i];

				if (i)
					buf_addch(&v->cw.key, '\x1f');
				if ((size_t)c < rec->nfields)
					buf_add(&v->cw.key, rec->fields[c].ptr,
					    rec->fields[c].len);
			}
			if (keyset_add(&v->refs[k].keys, v->cw.key.ptr,
			    v->cw.key.len, rec->row) < 0)
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
