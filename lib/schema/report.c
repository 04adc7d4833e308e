#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "base/fdio.h"
#include "base/i18n.h"
#include "base/text.h"
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

const char *
error_code_title(enum error_code code)
{
	return codes[code].title;
}

const char *
error_code_description(enum error_code code)
{
	return codes[code].description;
}

const char *
error_code_tag(enum error_code code, size_t i)
{
	size_t k;

	for (k = 0; k < sizeof(tag_names) / sizeof(tag_names[0]); k++)
		if ((codes[code].tags & tag_names[k].tag) && i-- == 0)
			return tag_names[k].name;
	return NULL;
}

int
error_code_has_tag(enum error_code code, const char *tag)
{
	const char *t;
	size_t i;

	for (i = 0; (t = error_code_tag(code, i)) != NULL; i++)
		if (strcmp(t, tag) == 0)
			return 1;
	return 0;
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

	for (i = 0; i < r->nheld; i++)
		verror_release(&r->errors[i]);
	free(r->errors);
	if (r->spool_open)
		close(r->spool);
	buf_release(&r->spool_buf);
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

/* ---- the spool: errors past REPORT_HELD, on disk ---- */

#define SPOOL_CHUNK ((size_t)1 << 20)

/* A string: its length + 1 (0 for NULL), then its bytes. */
static int
put_str(struct buf *b, const char *p, size_t n)
{
	if (buf_add_u32(b, p ? n + 1 : 0) < 0)
		return -1;
	return p ? buf_add(b, p, n) : 0;
}

/* s as visible_opt() copies it: put_str() of the visible text. */
static int
put_visible(struct buf *b, const char *s)
{
	size_t at = b->len;
	uint32_t n;

	if (s == NULL)
		return buf_add_u32(b, 0);
	if (buf_add_u32(b, 0) < 0 || text_visible(b, s, strlen(s), 1) < 0)
		return -1;
	n = (uint32_t)(b->len - at - 4 + 1);
	memcpy(b->ptr + at, &n, 4);
	return 0;
}

/*
 * Write err, as report_add() would have copied it, to the spool: its
 * length, code, row, line, field and strings. -1 when it cannot be
 * written.
 */
static int
spool(struct report *r, const struct verror *err)
{
	unsigned long long v[3] = { err->row, err->line, err->field };
	struct buf *b = &r->spool_buf;
	size_t start, n;
	uint32_t len;
	char path[4096];
	int rc;

	if (b->max == 0)
		buf_init(b, SPOOL_CHUNK * 64);
	start = b->len;
	rc = r->spool_failed ? -1 : buf_add_u32(b, 0) |
	    buf_add_u32(b, err->code) | buf_add(b, v, sizeof(v)) |
	    put_visible(b, err->field_name) |
	    put_str(b, err->cell, err->cell && err->cell_len == 0 ?
	    strlen(err->cell) : err->cell_len) |
	    put_visible(b, err->note ? err->note : "") |
	    put_visible(b, err->message) | put_visible(b, err->hint);
	if (rc < 0) {
		r->spool_failed = 1;
		return -1;
	}
	len = (uint32_t)(b->len - start);
	memcpy(b->ptr + start, &len, 4);
	if (b->len < SPOOL_CHUNK)
		return 0;
	if (!r->spool_open && (r->spool = fd_temp("muni-report", path,
	    NULL)) >= 0) {
		unlink(path);
		r->spool_open = 1;
	}
	n = b->len;
	if (!r->spool_open || fd_write_full(r->spool, b->ptr, n) < 0) {
		r->spool_failed = 1;
		return -1;
	}
	r->spooled += n;
	buf_reset(b);
	return 0;
}

struct report_iter
report_iter(const struct report *r)
{
	struct report_iter it;

	memset(&it, 0, sizeof(it));
	it.r = r;
	buf_init(&it.in, (size_t)1 << 30);
	buf_init(&it.text, (size_t)1 << 30);
	return it;
}

int
report_drain(const struct report *r, struct buf *out)
{
	if (r->sink == NULL || out->len < REPORT_DRAIN)
		return 0;
	if (r->sink->failed || r->sink->write(r->sink->ctx, out->ptr,
	    out->len) < 0) {
		r->sink->failed = 1;
		return -1;
	}
	buf_reset(out);
	return 0;
}

void
report_iter_end(struct report_iter *it)
{
	buf_release(&it->in);
	buf_release(&it->text);
}

/* Make n bytes of the spool available in it->in from it->pos: 0, or -1. */
static int
spool_fill(struct report_iter *it, size_t n)
{
	const struct report *r = it->r;
	unsigned long long at;
	size_t want, got;
	ssize_t k;

	while (it->in.len - it->pos < n) {
		if (it->pos) {
			memmove(it->in.ptr, it->in.ptr + it->pos,
			    it->in.len - it->pos);
			it->base += it->pos;
			buf_setlen(&it->in, it->in.len - it->pos);
			it->pos = 0;
		}
		at = it->base + it->in.len;
		want = n > SPOOL_CHUNK ? n : SPOOL_CHUNK;
		if (buf_grow(&it->in, want) < 0)
			return -1;
		if (at < r->spooled) {
			if (want > r->spooled - at)
				want = (size_t)(r->spooled - at);
			k = pread(r->spool, it->in.ptr + it->in.len, want,
			    (off_t)at);
			if (k <= 0)
				return -1;
			got = (size_t)k;
		} else {
			if (at - r->spooled >= r->spool_buf.len)
				return -1;
			got = r->spool_buf.len - (size_t)(at - r->spooled);
			if (got > want)
				got = want;
			memcpy(it->in.ptr + it->in.len, r->spool_buf.ptr +
			    (at - r->spooled), got);
		}
		buf_setlen(&it->in, it->in.len + got);
	}
	return 0;
}

static const char *
get_str(const char **p, size_t *len)
{
	uint32_t n;
	const char *s;

	memcpy(&n, *p, 4);
	*p += 4;
	if (n == 0) {
		*len = 0;
		return NULL;
	}
	s = *p;
	*len = n - 1;
	*p += n - 1;
	return s;
}

const struct verror *
report_next(struct report_iter *it)
{
	const struct report *r = it->r;
	struct verror *e = &it->cur;
	unsigned long long v[3];
	const char *p, *s[5];
	size_t len[5], off[5], k;
	uint32_t n, code;

	if (it->failed || it->i >= r->nerrors)
		return NULL;
	if (it->i < r->nheld)
		return &r->errors[it->i++];
	if (spool_fill(it, 4) < 0)
		goto bad;
	memcpy(&n, it->in.ptr + it->pos, 4);
	if (n < 4 + 4 + sizeof(v) + 5 * 4 || spool_fill(it, n) < 0)
		goto bad;
	p = it->in.ptr + it->pos + 4;
	memcpy(&code, p, 4);
	memcpy(v, p + 4, sizeof(v));
	p += 4 + sizeof(v);
	buf_reset(&it->text);
	for (k = 0; k < 5; k++) {
		s[k] = get_str(&p, &len[k]);
		off[k] = it->text.len;
		if (s[k] && (buf_add(&it->text, s[k], len[k]) < 0 ||
		    buf_add(&it->text, "", 1) < 0))
			goto bad;
	}
	memset(e, 0, sizeof(*e));
	e->code = (enum error_code)code;
	e->row = v[0];
	e->line = v[1];
	e->field = (size_t)v[2];
	e->field_name = s[0] ? it->text.ptr + off[0] : NULL;
	e->cell = s[1] ? it->text.ptr + off[1] : NULL;
	e->cell_len = len[1];
	e->note = s[2] ? it->text.ptr + off[2] : NULL;
	e->message = s[3] ? it->text.ptr + off[3] : NULL;
	e->hint = s[4] ? it->text.ptr + off[4] : NULL;
	it->pos += n;
	it->i++;
	return e;
bad:
	it->failed = 1;
	return NULL;
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
	if (r->nheld == REPORT_HELD) {
		if (spool(r, err) < 0)
			return -1;
		goto kept;
	}
	if (r->nheld == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct verror *e = realloc(r->errors, cap * sizeof(*e));

		if (e == NULL)
			return -1;
		r->errors = e;
		r->cap = cap;
	}
	copy = &r->errors[r->nheld];
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
	r->nheld++;
kept:
	r->nerrors++;
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

const char *
report_expected(const struct report *r, const char *name)
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

int
report_set_valid(const struct report_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!report_valid(s->r[i]))
			return 0;
	return 1;
}
