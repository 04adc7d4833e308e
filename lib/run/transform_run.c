#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/atomic.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "base/outfile.h"
#include "base/text.h"
#include "csv/csvout.h"
#include "run/transform_run.h"
#include "schema/schema.h"
#include "transform/automap.h"
#include "transform/freetext.h"
#include "transform/mapping.h"
#include "transform/rowsort.h"
#include "base/banned.h"

struct counts {
	unsigned long long in, out, rejected, failed, warned, dups;
	unsigned long long *changed, *kept;	/* per output column */
	unsigned long long *filled, *off_enum;	/* per output column */
};

struct state {
	const struct transform_run_options *o;
	struct mapping *m;
	struct csvout out;
	struct outfile rej;
	int rejecting;
	struct field *fields;		/* output record */
	struct field *wide;		/* rejects record */
	size_t width;			/* input header width */
	struct buf row, a, b, src, reason;
	size_t *off, *end;		/* a value in row, or off -1: as read */
	struct counts c;
	struct schema *schema;		/* --auto: the schema mapped to */
	const struct schema_field **field;	/* per output column, or NULL */
	struct freetext *dist;		/* per output column, --explain */
	size_t ndist;
	struct rowsort *rows;		/* --sort, --dedupe-key */
	size_t *key;			/* the dedupe key's output columns */
	size_t nkey;
};

/* The value of column c's source in rec, into s->src. */
static int
source(struct state *s, const struct map_column *c, const struct record *rec)
{
	size_t i;
	long k;
	int any = 0;

	buf_reset(&s->src);
	if (c->nfrom == 0)
		return buf_addstr(&s->src, c->value);
	for (i = 0; i < c->nfrom; i++) {
		k = c->src[i];
		if (k < 0 || (size_t)k >= rec->nfields ||
		    rec->fields[k].len == 0)
			continue;
		if ((any && buf_addstr(&s->src, c->separator) < 0) ||
		    buf_add(&s->src, rec->fields[k].ptr, rec->fields[k].len) < 0)
			return -1;
		any = 1;
	}
	return 0;
}

static void
warn_value(struct state *s, const struct record *rec,
    const struct map_column *c, const char *why)
{
	const struct transform_run_options *o = s->o;
	char msg[600];

	s->c.warned++;
	if (o->quiet || s->c.warned > TRANSFORM_RUN_MAX_WARNINGS ||
	    o->warn == NULL)
		return;
	snprintf(msg, sizeof(msg), "%s:%llu: column '%s': '%.*s': %s; "
	    "written as it was", o->input, rec->row, c->name,
	    (int)text_cut(s->src.ptr, s->src.len, 200), s->src.ptr, why);
	text_fix_end(msg);
	o->warn(o->ctx, msg);
}

static int
reject(struct state *s, const struct record *rec, const char *reason,
    size_t len)
{
	struct buf cell;
	size_t i;
	int rc;

	s->c.rejected++;
	if (!s->rejecting)
		return 0;
	for (i = 0; i < s->width; i++) {
		s->wide[i].ptr = i < rec->nfields ? rec->fields[i].ptr : "";
		s->wide[i].len = i < rec->nfields ? rec->fields[i].len : 0;
	}
	/* The reason may be opened in a spreadsheet: no formula. */
	buf_init(&cell, (size_t)1 << 24);
	rc = text_cell(&cell, reason, len);
	s->wide[s->width].ptr = cell.ptr;
	s->wide[s->width].len = cell.len;
	if (rc == 0)
		rc = csvout_record(&s->rej.out, s->wide, s->width + 1);
	buf_release(&cell);
	return rc;
}

/* --auto: what each output column holds, for the schema's checks. */
static void
count_fields(struct state *s)
{
	const struct schema_field *f;
	size_t i;

	for (i = 0; i < s->m->ncols; i++) {
		if (s->fields[i].len == 0 || (f = s->field[i]) == NULL)
			continue;
		s->c.filled[i]++;
		if (f->c.nenum == 0 || f->spec.type != TYPE_STRING)
			continue;
		if (!freetext_in_enum(f, s->fields[i].ptr, s->fields[i].len))
			s->c.off_enum[i]++;
		if (s->dist)
			freetext_add(&s->dist[i], s->fields[i].ptr,
			    s->fields[i].len);
	}
}

/* Map one row; 0 written or rejected, -1 on a write error. */
static int
map_row(struct state *s, const struct record *rec, struct muni_err *e)
{
	const struct mapping *m = s->m;
	struct value_row xr = { rec };
	struct buf *cur, *next, *t;
	char why[300];
	size_t i, j;
	int rc, failed = 0;

	s->c.in++;
	if (rec->nfields == 0) {	/* a blank line stays one */
		s->c.out++;
		if (s->rows)
			return rowsort_add(s->rows, NULL, 0, rec, e) < 0 ? -2 : 0;
		return csvout_record(&s->out, NULL, 0);
	}
	if (rec->nfields > s->width && s->o->warn && !s->o->quiet &&
	    ++s->c.warned <= TRANSFORM_RUN_MAX_WARNINGS) {
		char msg[300];

		snprintf(msg, sizeof(msg), "%s:%llu: the row has %zu cells where "
		    "the header has %zu: the cells beyond are not mapped",
		    s->o->input, rec->row, rec->nfields, s->width);
		s->o->warn(s->o->ctx, msg);
	}
	for (i = 0; i < m->nfilters; i++) {
		int keep = mapping_keeps(&m->filters[i], rec);

		if (keep > 0)
			continue;
		buf_reset(&s->reason);
		if (keep < 0) {
			/* Neither kept nor left out: a failure of the row. */
			s->c.failed++;
			buf_addf(&s->reason, "the filter (%s) could not be "
			    "decided: its pattern reached PCRE2's match limit",
			    m->filters[i].what);
			if (s->o->warn) {
				char msg[400];

				snprintf(msg, sizeof(msg), "%s:%llu: %s",
				    s->o->input, rec->row, s->reason.ptr);
				text_fix_end(msg);
				s->o->warn(s->o->ctx, msg);
			}
		} else
			buf_addf(&s->reason, "filtered out (%s)",
			    m->filters[i].what);
		return reject(s, rec, s->reason.ptr, s->reason.len);
	}
	buf_reset(&s->row);
	buf_reset(&s->reason);
	for (i = 0; i < m->ncols; i++) {
		const struct map_column *c = &m->cols[i];

		if (c->nops == 0 && c->nfrom == 1) {
			/* a column taken as it is: no copy */
			s->off[i] = (size_t)-1;
			continue;
		}
		if (source(s, c, rec) < 0)
			goto too_long;
		cur = &s->src;
		next = &s->a;
		for (j = 0; j < c->nops; j++) {
			rc = value_apply(&c->ops[j], &xr, cur->ptr, cur->len,
			    next, why, sizeof(why));
			if (rc < 0)
				goto too_long;
			if (rc > 0)
				break;
			t = cur == &s->src ? &s->b : cur;
			cur = next;
			next = t;
		}
		if (j < c->nops) {
			failed++;
			s->c.kept[i]++;
			if (s->o->strict)
				buf_addf(&s->reason, "%scolumn '%s': '%.*s': %s",
				    s->reason.len ? "; " : "", c->name,
				    (int)(s->src.len > 200 ? 200 : s->src.len),
				    s->src.ptr, why);
			else
				warn_value(s, rec, c, why);
			cur = &s->src;
		} else if (cur->len != s->src.len || memcmp(cur->ptr, s->src.ptr,
		    cur->len) != 0)
			s->c.changed[i]++;
		s->off[i] = s->row.len;
		if (buf_add(&s->row, cur->ptr, cur->len) < 0)
			goto too_long;
		s->end[i] = s->row.len;
	}
	if (failed)
		s->c.failed++;
	if (failed && s->o->strict)
		return reject(s, rec, s->reason.ptr, s->reason.len);
	for (i = 0; i < m->ncols; i++) {
		long k;

		if (s->off[i] != (size_t)-1) {
			s->fields[i].ptr = s->row.ptr + s->off[i];
			s->fields[i].len = s->end[i] - s->off[i];
			continue;
		}
		k = m->cols[i].src[0];
		s->fields[i].ptr = (size_t)k < rec->nfields ?
		    rec->fields[k].ptr : "";
		s->fields[i].len = (size_t)k < rec->nfields ?
		    rec->fields[k].len : 0;
	}
	if (s->field)
		count_fields(s);
	s->c.out++;
	if (s->rows)
		return rowsort_add(s->rows, s->fields, m->ncols, rec, e) < 0 ?
		    -2 : 0;
	return csvout_record(&s->out, s->fields, m->ncols);
too_long:
	e->row = rec->row;
	err_set(e, MUNI_EXIT_DATA, "the row is longer than %zu bytes once "
	    "mapped (--max-record-size)", s->row.max);
	return -2;
}

/*
 * --auto: a required field left empty in every row, a column mapped to an
 * enum field whose values mostly are not in it. Each is a warning; the
 * number of them.
 */
static int
check_auto(struct state *s)
{
	const struct transform_run_options *o = s->o;
	const struct schema_field *f;
	char msg[600];
	size_t i, j, k;
	int n = 0;

	for (i = 0; i < s->m->ncols && s->c.out > 0; i++) {
		if ((f = s->field[i]) == NULL)
			continue;
		msg[0] = '\0';
		if (f->c.required && s->c.filled[i] == 0)
			snprintf(msg, sizeof(msg), "column '%s' is required by "
			    "the schema but empty in all %llu rows: no input "
			    "column was found for it; map it in a mapping file "
			    "(--emit-map writes this one to start from)",
			    f->name, s->c.out);
		else if (s->c.off_enum[i] * 2 > s->c.filled[i]) {
			k = (size_t)snprintf(msg, sizeof(msg), "column '%s': "
			    "%llu of its %llu values are not among the "
			    "schema's (", f->name, s->c.off_enum[i],
			    s->c.filled[i]);
			for (j = 0; j < f->c.nenum && j < 4 &&
			    k < sizeof(msg); j++)
				k += (size_t)snprintf(msg + k, sizeof(msg) - k,
				    "%s%s", j ? ", " : "", f->c.enum_text[j]);
			if (k < sizeof(msg))
				snprintf(msg + k, sizeof(msg) - k, "%s): is it "
				    "the right input column? A map operation "
				    "turns its values into the schema's (see "
				    "muni-map(5))", f->c.nenum > 4 ?
				    ", ..." : "");
		}
		if (msg[0] == '\0')
			continue;
		n++;
		if (o->warn && !o->quiet) {
			text_fix_end(msg);
			o->warn(o->ctx, msg);
		}
	}
	return n;
}

static void
summary(struct state *s)
{
	struct buf text;
	size_t i;

	buf_init(&text, 1 << 20);
	buf_addf(&text, "rows: %llu in, %llu out, %llu rejected", s->c.in,
	    s->c.out, s->c.rejected);
	if (s->o->dedupe_key)
		buf_addf(&text, " (%llu duplicates)", s->c.dups);
	buf_addch(&text, '\n');
	for (i = 0; i < s->m->ncols; i++) {
		buf_addf(&text, "  %-28s %llu changed", s->m->cols[i].name,
		    s->c.changed[i]);
		if (s->c.kept[i])
			buf_addf(&text, ", %llu not converted", s->c.kept[i]);
		buf_addch(&text, '\n');
	}
	s->o->note(s->o->ctx, text.ptr);
	buf_release(&text);
}

/*
 * The mapping: loaded, or built from the schema and the header (the
 * schema then kept in st->schema, for check_auto()).
 */
static struct mapping *
get_mapping(struct state *st, const struct record *header,
    const struct record *first, struct muni_err *e)
{
	const struct transform_run_options *o = st->o;
	struct mapping *m;
	struct schema *s;
	struct buf explain;

	if (o->map)
		return mapping_load(o->map, e);
	s = schema_load(o->schema, e);
	if (s == NULL)
		return NULL;
	buf_init(&explain, 1 << 20);
	m = automap_build(s, header, first, o->schema, o->explain ? &explain :
	    NULL, e);
	if (m && o->explain && o->note)
		o->note(o->ctx, explain.ptr);
	buf_release(&explain);
	st->schema = s;
	return m;
}

/* A random UUID changes on every run: said once a column. */
static void
warn_random_ids(const struct state *s)
{
	const struct transform_run_options *o = s->o;
	const struct map_column *c;
	char msg[400];
	size_t i, j;

	for (i = 0; i < s->m->ncols && o->warn && !o->quiet; i++) {
		c = &s->m->cols[i];
		for (j = 0; j < c->nops; j++)
			if (c->ops[j].kind == VALUE_UUID &&
			    c->ops[j].version == 4) {
				snprintf(msg, sizeof(msg), "column '%s': a "
				    "version 4 UUID is random: every run writes "
				    "other identifiers (version 5 with a "
				    "namespace keeps them)", c->name);
				o->warn(o->ctx, msg);
				break;
			}
	}
}

/* --auto: the schema field of each output column (named after it). */
static int
fields_of_schema(struct state *s, struct muni_err *e)
{
	size_t i, j, n = s->m->ncols;

	s->field = calloc(n + 1, sizeof(*s->field));
	s->c.filled = calloc(n + 1, sizeof(*s->c.filled));
	s->c.off_enum = calloc(n + 1, sizeof(*s->c.off_enum));
	if (s->field == NULL || s->c.filled == NULL || s->c.off_enum == NULL) {
		err_nomem(e);
		return -1;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < s->schema->nfields; j++)
			if (strcmp(s->m->cols[i].name,
			    s->schema->fields[j].name) == 0)
				s->field[i] = &s->schema->fields[j];
	return 0;
}

/*
 * The output columns named in list (comma-separated; with desc, each may
 * end with ":desc"), for option opt: how many, or -1 with e (status 2).
 */
static long
columns_named(const struct mapping *m, const char *opt, const char *list,
    size_t **idx, int **desc, struct muni_err *e)
{
	const char *p = list, *end, *name;
	size_t n = 0, i, len, cap = 1;

	for (i = 0; list[i]; i++)
		cap += list[i] == ',';
	*idx = calloc(cap, sizeof(**idx));
	if (desc)
		*desc = calloc(cap, sizeof(**desc));
	if (*idx == NULL || (desc && *desc == NULL)) {
		err_nomem(e);
		return -1;
	}
	for (;;) {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		name = p;
		if (desc && len > 5 && memcmp(p + len - 5, ":desc", 5) == 0) {
			(*desc)[n] = 1;
			len -= 5;
		} else if (desc && len > 4 && memcmp(p + len - 4, ":asc",
		    4) == 0)
			len -= 4;
		for (i = 0; i < m->ncols; i++)
			if (strlen(m->cols[i].name) == len &&
			    memcmp(m->cols[i].name, name, len) == 0)
				break;
		if (i == m->ncols) {
			struct buf have;

			buf_init(&have, 4096);
			for (i = 0; i < m->ncols; i++)
				buf_addf(&have, "%s%s", i ? ", " : "",
				    m->cols[i].name);
			err_set(e, MUNI_EXIT_USAGE, "%s: no column '%.*s' in the "
			    "output; its columns are: %s", opt, (int)len, name,
			    have.ptr);
			buf_release(&have);
			return -1;
		}
		(*idx)[n++] = i;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return (long)n;
}

/* --sort, --dedupe-key: the rows go through a rowsort. */
static int
start_rowsort(struct state *s, struct muni_err *e)
{
	const struct transform_run_options *o = s->o;
	struct rowsort_options ro;
	size_t *sort = NULL;
	int *desc = NULL;
	long n;

	memset(&ro, 0, sizeof(ro));
	if (o->sort) {
		if ((n = columns_named(s->m, "--sort", o->sort, &sort, &desc,
		    e)) < 0)
			goto fail;
		ro.sort = sort;
		ro.desc = desc;
		ro.nsort = (size_t)n;
	}
	if (o->dedupe_key) {
		if ((n = columns_named(s->m, "--dedupe-key", o->dedupe_key,
		    &s->key, NULL, e)) < 0)
			goto fail;
		s->nkey = (size_t)n;
		ro.key = s->key;
		ro.nkey = s->nkey;
	}
	ro.keep_last = o->keep_last;
	ro.with_input = o->rejects != NULL;
	ro.memory = o->sort_memory;
	s->rows = rowsort_new(&ro, e);
fail:
	free(sort);
	free(desc);
	return s->rows ? 0 : -1;
}

static int
write_row(void *ctx, const struct field *f, size_t n)
{
	struct state *s = ctx;

	return csvout_record(&s->out, n ? f : NULL, n);
}

/* A duplicate: a reject naming its key and the row kept. */
static int
write_dup(void *ctx, const struct record *rec, const struct field *out,
    size_t nout, unsigned long long kept)
{
	struct state *s = ctx;
	const struct field *v;
	size_t i;

	s->c.out--;
	s->c.dups++;
	buf_reset(&s->reason);
	buf_addstr(&s->reason, "duplicate: the same ");
	for (i = 0; i < s->nkey; i++) {
		v = s->key[i] < nout ? &out[s->key[i]] : NULL;
		buf_addf(&s->reason, "%s%s '%.*s'", i ? ", " : "",
		    s->m->cols[s->key[i]].name, v ? (int)text_cut(v->ptr,
		    v->len, 200) : 0, v ? v->ptr : "");
	}
	buf_addf(&s->reason, " as row %llu, which is kept (--dedupe-key, "
	    "--keep %s)", kept, s->o->keep_last ? "last" : "first");
	return reject(s, rec, s->reason.ptr, s->reason.len);
}

/*
 * --auto --explain: for each enum field written values not in its enum,
 * those values with their counts; with --emit-map, a lookup table of them
 * to fill in, beside the mapping (FILE.json -> FILE.FIELD.csv), whose
 * name goes to lookup[i] for the mapping written to read.
 */
static int
explain_lookups(struct state *s, char **lookup, struct muni_err *e)
{
	const struct transform_run_options *o = s->o;
	const struct schema_field *f;
	struct freetext_value *v;
	struct buf text, path;
	size_t i, k, stem, off, shown;
	int rc = 0, made;

	buf_init(&text, 1 << 20);
	buf_init(&path, 8192);
	for (i = 0; i < s->m->ncols && rc == 0; i++) {
		if ((f = s->field[i]) == NULL || s->c.off_enum[i] == 0)
			continue;
		buf_reset(&text);
		if (s->dist[i].over) {
			buf_addf(&text, "%s: more than %d distinct values are "
			    "not among the schema's: free text no table filled "
			    "by hand can map\n", f->name, FREETEXT_MAX);
			o->note(o->ctx, text.ptr);
			continue;
		}
		if ((v = freetext_sorted(&s->dist[i])) == NULL) {
			err_nomem(e);
			rc = -1;
			break;
		}
		for (k = off = 0; k < s->dist[i].n; k++)
			off += !freetext_in_enum(f, v[k].p, v[k].n);
		buf_addf(&text, "%s: %zu distinct values in %llu rows are not "
		    "among the schema's:", f->name, off, s->c.off_enum[i]);
		for (k = 0, shown = 0; k < s->dist[i].n && shown < 10; k++)
			if (!freetext_in_enum(f, v[k].p, v[k].n))
				buf_addf(&text, "%s '%.*s' (%llu)", shown++ ?
				    "," : "", (int)text_cut(v[k].p, v[k].n,
				    60), v[k].p, v[k].count);
		buf_addstr(&text, off > 10 ? ", ...\n" : "\n");
		if (o->emit_map == NULL)
			buf_addstr(&text, "  --emit-map FILE writes them beside "
			    "FILE, as a table to fill in\n");
		else {
			buf_reset(&path);
			stem = strlen(o->emit_map);
			if (stem > 5 && strcmp(o->emit_map + stem - 5,
			    ".json") == 0)
				stem -= 5;
			buf_add(&path, o->emit_map, stem);
			buf_addch(&path, '.');
			for (k = 0; f->name[k]; k++)
				buf_addch(&path, strchr("/\\:*?\"<>| ",
				    f->name[k]) ? '_' : f->name[k]);
			buf_addstr(&path, ".csv");
			made = freetext_table(&s->dist[i], v, f, path.ptr, e);
			if (made < 0 || (lookup[i] = strdup(strrchr(path.ptr,
			    '/') ? strrchr(path.ptr, '/') + 1 :
			    path.ptr)) == NULL) {
				if (made >= 0)
					err_nomem(e);
				rc = -1;
			} else if (made) {
				buf_addf(&text, "  fill in the column %s of %s "
				    "with one of", f->name, path.ptr);
				for (k = 0; k < f->c.nenum && k < 20; k++)
					buf_addf(&text, "%s %s", k ? "," : "",
					    f->c.enum_text[k]);
				buf_addf(&text, "%s a row (a row left empty keeps "
				    "its value), then run with -m %s\n",
				    f->c.nenum > 20 ? ", ..." : "",
				    o->emit_map);
			}
			else
				buf_addf(&text, "  %s exists: kept as it is, "
				    "and read by the mapping written\n",
				    path.ptr);
		}
		free(v);
		if (rc == 0)
			o->note(o->ctx, text.ptr);
	}
	buf_release(&text);
	buf_release(&path);
	return rc;
}

/*
 * --emit-map: the mapping, once the input has been read (so that the
 * lookup tables of --explain are known).
 */
static int
emit_map(struct state *s, struct muni_err *e)
{
	const struct transform_run_options *o = s->o;
	char **lookup = calloc(s->m->ncols + 1, sizeof(*lookup));
	struct buf json;
	size_t i;
	int rc = -1;

	if (lookup == NULL) {
		err_nomem(e);
		return -1;
	}
	buf_init(&json, (size_t)16 << 20);
	if (s->dist && o->note && explain_lookups(s, lookup, e) < 0)
		goto end;
	if (o->emit_map == NULL) {
		rc = 0;
		goto end;
	}
	if (mapping_json(s->m, (const char *const *)lookup, &json) < 0) {
		err_set(e, MUNI_EXIT_IO, "cannot write '%s'", o->emit_map);
		goto end;
	}
	rc = atomic_write_user(o->emit_map, json.ptr, json.len, 0644, e);
end:
	for (i = 0; i < s->m->ncols; i++)
		free(lookup[i]);
	free(lookup);
	buf_release(&json);
	return rc;
}

/* A copy of rec in *to, its bytes in b (which must not move after). */
static int
keep_header(struct record *to, struct buf *b, const struct record *rec)
{
	size_t i, off;

	*to = *rec;
	if ((to->fields = calloc(rec->nfields + 1, sizeof(*to->fields))) == NULL)
		return -1;
	for (i = 0; i < rec->nfields; i++)
		if (buf_add(b, rec->fields[i].ptr, rec->fields[i].len) < 0 ||
		    buf_addch(b, '\0') < 0)
			return -1;
	for (i = 0, off = 0; i < rec->nfields; i++) {
		to->fields[i].ptr = b->ptr + off;
		to->fields[i].len = rec->fields[i].len;
		off += rec->fields[i].len + 1;
	}
	return 0;
}

static int
setup(struct state *s, const struct record *header,
    const struct record *first, struct muni_err *e)
{
	const struct transform_run_options *o = s->o;
	size_t i, n;

	s->m = get_mapping(s, header, first, e);
	if (s->m == NULL || mapping_resolve(s->m, header, e) < 0)
		return -1;
	warn_random_ids(s);
	if ((o->sort || o->dedupe_key) && start_rowsort(s, e) < 0)
		return -1;
	n = s->m->ncols;
	s->width = header->nfields;
	s->fields = calloc(n + 1, sizeof(*s->fields));
	s->wide = calloc(s->width + 2, sizeof(*s->wide));
	s->off = calloc(n + 1, sizeof(*s->off));
	s->end = calloc(n + 1, sizeof(*s->end));
	s->c.changed = calloc(n + 1, sizeof(*s->c.changed));
	s->c.kept = calloc(n + 1, sizeof(*s->c.kept));
	if (s->schema && fields_of_schema(s, e) < 0)
		return -1;
	if (s->schema && o->explain &&
	    (s->dist = calloc(n + 1, sizeof(*s->dist))) == NULL) {
		err_nomem(e);
		return -1;
	}
	s->ndist = s->dist ? n : 0;
	if (!s->fields || !s->wide || !s->off || !s->end || !s->c.changed ||
	    !s->c.kept) {
		err_nomem(e);
		return -1;
	}
	for (i = 0; i < n; i++) {
		s->fields[i].ptr = s->m->cols[i].name;
		s->fields[i].len = strlen(s->m->cols[i].name);
	}
	if (csvout_record(&s->out, s->fields, n) < 0)
		return 0;	/* reported at the flush */
	if (o->rejects) {
		if (outfile_open(&s->rej, o->rejects, e) < 0)
			return -1;
		s->rejecting = 1;
		for (i = 0; i < s->width; i++)
			s->wide[i] = header->fields[i];
		s->wide[s->width].ptr = "reason";
		s->wide[s->width].len = 6;
		csvout_record(&s->rej.out, s->wide, s->width + 1);
	}
	return 0;
}

int
transform_run(const struct transform_run_options *o, struct muni_err *e)
{
	struct state s;
	struct csvin *in = NULL;
	struct record *rec;
	size_t max = o->csv.max_record ? o->csv.max_record : CSVIN_MAX_RECORD;
	struct record hdr, *header, *first = NULL;
	struct buf hbuf;
	unsigned long long ndup;
	size_t i;
	int fd = -1, rc, status = MUNI_EXIT_OK;

	err_clear(e);
	memset(&s, 0, sizeof(s));
	s.o = o;
	buf_init(&s.row, max);
	buf_init(&s.a, max);
	buf_init(&s.b, max);
	buf_init(&s.src, max);
	buf_init(&s.reason, 1 << 16);
	buf_init(&hbuf, max);
	memset(&hdr, 0, sizeof(hdr));
	if (o->emit_map && atomic_check(o->emit_map, e) < 0) {
		status = MUNI_EXIT_IO;
		goto end;
	}
	fd = fd_open_input(o->input, e);
	if (fd < 0) {
		status = MUNI_EXIT_IO;
		goto end;
	}
	if (csvout_init(&s.out, o->out_fd) < 0) {
		err_set(e, MUNI_EXIT_INTERNAL, "cannot start the writer");
		status = MUNI_EXIT_INTERNAL;
		goto end;
	}
	{
		struct csvin_options copt = o->csv;

		copt.threads = 1;	/* read and parse beside the mapping */
		in = csvin_new(fd, o->input, &copt, e);
	}
	if (in == NULL || (rc = csvin_next(in, &rec, e)) < 0) {
		status = e->status;
		goto end;
	}
	if (rc == 0) {
		err_set(e, MUNI_EXIT_DATA, "'%s' is empty: a header row is "
		    "needed", o->input);
		status = MUNI_EXIT_DATA;
		goto end;
	}
	header = rec;
	if (o->autom) {
		/* The header kept: the first row tells automap more. */
		if (keep_header(&hdr, &hbuf, rec) < 0) {
			err_nomem(e);
			status = e->status;
			goto end;
		}
		header = &hdr;
		if ((rc = csvin_next(in, &first, e)) < 0) {
			status = e->status;
			goto end;
		}
	}
	if (setup(&s, header, first, e) < 0) {
		status = e->status;
		goto end;
	}
	rc = first ? map_row(&s, first, e) : 0;
	while ((rc >= 0 && (first || !o->autom)) &&
	    (rc = csvin_next(in, &rec, e)) > 0)
		if ((rc = map_row(&s, rec, e)) < 0)
			break;
	if (rc == 0 && s.rows && (rc = rowsort_finish(s.rows, write_row,
	    write_dup, &s, &ndup, e)) < 0 && e->msg[0])
		rc = -2;
	if (rc == -2 || (rc < 0 && e->msg[0]))
		status = e->status;
	else if (rc < 0 || s.out.errnum) {
		err_sys(e, MUNI_EXIT_IO, s.out.errnum,
		    "cannot write to standard output");
		status = MUNI_EXIT_IO;
	}
	if (csvout_flush(&s.out) < 0 && status == MUNI_EXIT_OK) {
		err_sys(e, MUNI_EXIT_IO, s.out.errnum,
		    "cannot write to standard output");
		status = MUNI_EXIT_IO;
	}
	if (s.rejecting && outfile_close(&s.rej, status == MUNI_EXIT_OK,
	    e) < 0 && status == MUNI_EXIT_OK)
		status = e->status;
	s.rejecting = 0;
	if (status == MUNI_EXIT_OK) {
		if (s.c.warned > TRANSFORM_RUN_MAX_WARNINGS && !o->quiet &&
		    o->warn) {
			char msg[200];

			snprintf(msg, sizeof(msg), "%s: %llu more values could "
			    "not be converted", o->input, s.c.warned -
			    TRANSFORM_RUN_MAX_WARNINGS);
			o->warn(o->ctx, msg);
		}
		if (o->summary && o->note)
			summary(&s);
		if (s.c.failed > 0)
			status = MUNI_EXIT_DATA;
		if (s.field && check_auto(&s) > 0 && o->strict)
			status = MUNI_EXIT_DATA;
	}
	if (status <= MUNI_EXIT_DATA && (o->emit_map || s.dist) &&
	    emit_map(&s, e) < 0)
		status = e->status;
end:
	if (s.rejecting)
		outfile_close(&s.rej, 0, e);
	csvin_free(in);
	if (fd > STDIN_FILENO)
		close(fd);
	csvout_release(&s.out);
	mapping_free(s.m);
	rowsort_free(s.rows);
	for (i = 0; i < s.ndist; i++)
		freetext_release(&s.dist[i]);
	free(s.dist);
	free(s.key);
	free(s.fields);
	free(s.wide);
	free(s.off);
	free(s.end);
	free(s.c.changed);
	free(s.c.kept);
	free(s.c.filled);
	free(s.c.off_enum);
	free(s.field);
	schema_free(s.schema);
	buf_release(&s.row);
	buf_release(&s.a);
	buf_release(&s.b);
	buf_release(&s.src);
	buf_release(&s.reason);
	buf_release(&hbuf);
	free(hdr.fields);
	return status;
}
