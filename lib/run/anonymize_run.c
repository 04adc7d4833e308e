/*
 * anonymize_run.c is long because its actions, its two passes (rules, then
 * k-anonymity on the temporary file) and its gate share struct run.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anon/kanon.h"
#include "anon/pii.h"
#include "anon/pseudonym.h"
#include "anon/rules.h"
#include "base/atomic.h"
#include "base/digest.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "csv/csvout.h"
#include "json/json.h"
#include "run/anonymize_run.h"
#include "schema/cast.h"
#include "schema/keyset.h"
#include "transform/value_ops.h"
#include "base/banned.h"

#define RECODE_MAX_VALUES 1000000

struct colstat {
	unsigned long long changed, emptied;
	unsigned long long found[PII_NKINDS];	/* scrub: replaced */
};

struct recode {
	struct keyset values;		/* value -> index + 1 */
	unsigned long long *count;
	size_t n, cap;
};

struct run {
	const struct anonymize_run_options *o;
	struct rules *rs;
	struct pseudonym_key key;
	int have_key;
	size_t width;			/* input columns */
	const struct rule **by_col;	/* the rule of each input column */
	long *out_of;			/* input column of each output column */
	size_t nout;
	long *quasi, *sens;		/* input columns */
	size_t nquasi, nsens;
	long k, l;
	struct recode *rec;		/* per input column, recode only */
	struct colstat *st;
	struct kanon *before, *after;
	unsigned long long rows;
	unsigned long long residual[PII_NKINDS];
	struct buf vals, tmp, qkey, a, b;
	size_t *off;
	struct field *fields, *inrow, *outrow;
	struct digest din, dout;
	char tmp_in[4096], tmp_out[4096];
};

static void
note(const struct run *r, const char *text)
{
	if (r->o->note)
		r->o->note(r->o->ctx, text);
}

/* ---- the actions ---- */

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* A date as YYYY-MM-DD or DD/MM/YYYY: 0 and y, m, d. */
static int
date_of(const char *p, size_t n, int *y, int *m, int *d)
{
	char t[16];

	if (n == 10 && p[4] == '-' && p[7] == '-') {
		memcpy(t, p, 10);
		t[10] = '\0';
		return sscanf(t, "%4d-%2d-%2d", y, m, d) == 3 ? 0 : -1;
	}
	if (n == 10 && p[2] == '/' && p[5] == '/') {
		memcpy(t, p, 10);
		t[10] = '\0';
		return sscanf(t, "%2d/%2d/%4d", d, m, y) == 3 ? 0 : -1;
	}
	return -1;
}

static void
band(struct buf *out, const double *bins, size_t nbins, double v)
{
	size_t i;

	if (v < bins[0]) {
		buf_addf(out, "<%g", bins[0]);
		return;
	}
	for (i = 0; i + 1 < nbins; i++)
		if (v < bins[i + 1]) {
			buf_addf(out, "[%g;%g[", bins[i], bins[i + 1]);
			return;
		}
	buf_addf(out, ">=%g", bins[nbins - 1]);
}

static int
generalize(const struct rule *r, const char *p, size_t n, struct buf *out)
{
	char num[64], *end;
	int y, m, d, age;
	double v;

	switch (r->gen) {
	case G_YEAR: case G_MONTH: case G_AGE:
		if (date_of(p, n, &y, &m, &d) < 0)
			return -1;
		if (r->gen == G_YEAR)
			return buf_addf(out, "%04d", y);
		if (r->gen == G_MONTH)
			return buf_addf(out, "%04d-%02d", y, m);
		age = r->ref_year - y - (r->ref_month < m || (r->ref_month ==
		    m && r->ref_day < d));
		band(out, r->bins, r->nbins, age);
		return 0;
	case G_DEPARTEMENT:
		if (n != 5)
			return -1;
		if ((p[0] == '2' && (p[1] == 'A' || p[1] == 'B' ||
		    p[1] == 'a' || p[1] == 'b')))
			return buf_addf(out, "2%c", p[1] & ~0x20);
		if (!is_digit(p[0]) || !is_digit(p[1]) || !is_digit(p[2]))
			return -1;
		if (p[0] == '9' && p[1] == '7')
			return buf_add(out, p, 3);
		if (p[0] == '2' && p[1] == '0')	/* a Corsican postcode */
			return buf_addstr(out, p[2] < '2' ? "2A" : "2B");
		return buf_add(out, p, 2);
	case G_BINS: case G_ROUND:
		if (n == 0 || n >= sizeof(num))
			return -1;
		memcpy(num, p, n);
		num[n] = '\0';
		for (end = num; *end; end++)
			if (*end == ',')
				*end = '.';
		v = strtod(num, &end);
		if (*end != '\0' || !isfinite(v))
			return -1;
		if (r->gen == G_BINS) {
			band(out, r->bins, r->nbins, v);
			return 0;
		}
		if (r->digits >= 0)
			return buf_addf(out, "%.*f", (int)r->digits, v);
		v = round(v / pow(10, (double)-r->digits)) *
		    pow(10, (double)-r->digits);
		return buf_addf(out, "%.0f", v);
	}
	return -1;
}

static int
mask(const struct rule *r, const char *p, size_t n, struct buf *out)
{
	size_t total = utf8_length(p, n), i = 0, c = 0, len;

	while (i < n) {
		const unsigned char u = (unsigned char)p[i];

		len = u < 0x80 ? 1 : (u & 0xe0) == 0xc0 ? 2 : (u & 0xf0) ==
		    0xe0 ? 3 : 4;
		if (i + len > n)
			len = n - i;
		if ((long)c < r->first || (long)(total - c) <= r->last)
			buf_add(out, p + i, len);
		else
			buf_addstr(out, r->mask);
		i += len;
		c++;
	}
	return 0;
}

/* The value as pseudonymised: normalised, then its keyed pseudonym. */
static int
pseudonymize(struct run *r, const struct rule *rule, const char *p, size_t n,
    struct buf *out)
{
	static const struct value_op phone = { .kind = VALUE_PHONE, .e164 = 1 };
	static const struct value_op collapse = { .kind = VALUE_COLLAPSE };
	static const struct value_op lower = { .kind = VALUE_LOWER };
	char why[200], ps[PSEUDONYM_MAX_CHARS + 1];
	const char *v = p;
	size_t vn = n;

	switch (rule->norm) {
	case N_PHONE:
		if (value_apply(&phone, NULL, p, n, &r->a, why,
		    sizeof(why)) == 0)
			v = r->a.ptr, vn = r->a.len;
		break;
	case N_EMAIL: case N_NAME:
		if (value_apply(&collapse, NULL, p, n, &r->b, why,
		    sizeof(why)) == 0 && value_apply(&lower, NULL, r->b.ptr,
		    r->b.len, &r->a, why, sizeof(why)) == 0)
			v = r->a.ptr, vn = r->a.len;
		break;
	default:
		break;
	}
	if (pseudonym_make(&r->key, rule->domain ? rule->domain :
	    r->rs->domain, v, vn, rule->length, ps) < 0)
		return -1;
	return buf_addstr(out, ps);
}

static int
scrub(const struct rule *rule, struct colstat *st, const char *p, size_t n,
    struct buf *out)
{
	struct pii_match m[PII_MAX_MATCHES];
	unsigned num[PII_MAX_MATCHES], next[PII_NKINDS] = { 0 };
	size_t count, i, j, at = 0;
	const char *tag;

	count = pii_scan(p, n, rule->detect, m, PII_MAX_MATCHES);
	for (i = 0; i < count; i++) {
		buf_add(out, p + at, m[i].start - at);
		tag = pii_tag(m[i].kind);
		if (rule->alias) {
			/* the same datum, the same number, in this cell */
			for (j = 0; j < i; j++)
				if (m[j].kind == m[i].kind && m[j].len ==
				    m[i].len && memcmp(p + m[j].start,
				    p + m[i].start, m[i].len) == 0)
					break;
			num[i] = j < i ? num[j] : ++next[m[i].kind];
			buf_add(out, tag, strlen(tag) - 1);	/* no ']' */
			buf_addf(out, " %u]", num[i]);
		} else
			buf_addstr(out, tag);
		st->found[m[i].kind]++;
		at = m[i].start + m[i].len;
	}
	return buf_add(out, p + at, n - at);
}

/* Apply the rule of input column c to the value, into out. */
static int
apply(struct run *r, size_t c, const struct record *rec, struct buf *out,
    struct muni_err *e)
{
	const struct rule *rule = r->by_col[c];
	const char *p = c < rec->nfields ? rec->fields[c].ptr : "";
	size_t n = c < rec->nfields ? rec->fields[c].len : 0;
	unsigned long long at;
	int rc = 0;

	buf_reset(out);
	if (rule->when && !rules_when(rule->when, rec))
		return buf_add(out, p, n);
	switch (rule->action) {
	case R_KEEP:
		rc = buf_add(out, p, n);
		break;
	case R_DROP:		/* with a condition: emptied */
		break;
	case R_REDACT:
		rc = n ? buf_addstr(out, rule->text) : 0;
		break;
	case R_PSEUDONYMIZE:
		if (n && pseudonymize(r, rule, p, n, out) < 0) {
			err_set(e, MUNI_EXIT_INTERNAL, "cannot compute a "
			    "pseudonym (libcrypto)");
			return -1;
		}
		break;
	case R_MASK:
		rc = mask(rule, p, n, out);
		break;
	case R_GENERALIZE:
		if (n && generalize(rule, p, n, out) < 0) {
			/* what cannot be generalized is not published */
			buf_reset(out);
			r->st[c].emptied++;
		}
		break;
	case R_RECODE:
		at = keyset_find(&r->rec[c].values, p, n);
		if (n && (at == 0 || r->rec[c].count[at - 1] <
		    (unsigned long long)rule->min_count))
			rc = buf_addstr(out, rule->text);
		else
			rc = buf_add(out, p, n);
		break;
	case R_SCRUB:
		rc = scrub(rule, &r->st[c], p, n, out);
		break;
	}
	if (rc < 0) {
		err_set(e, MUNI_EXIT_DATA, "row %llu: a value is longer than "
		    "the limits once anonymized", rec->row);
		return -1;
	}
	if (out->len != n || memcmp(out->ptr, p, n) != 0)
		r->st[c].changed++;
	return 0;
}

/* ---- columns, key, counts ---- */

/* A comma-separated list of column names, as input columns. */
static int
columns_of(const char *list, char *const *names, size_t nnames,
    const struct record *h, long **out, size_t *n, struct muni_err *e)
{
	const char *p = list;
	size_t len, i;

	*out = calloc(h->nfields + nnames + 1, sizeof(long));
	*n = 0;
	if (*out == NULL) {
		err_nomem(e);
		return -1;
	}
	for (i = 0; list == NULL && i < nnames; i++)
		if (((*out)[(*n)++] = record_find(h, names[i])) < 0)
			goto missing;
	while (list && *p) {
		len = strcspn(p, ",");
		if (len > 0 && ((*out)[(*n)++] = record_find_n(h, p, len)) < 0) {
			err_set(e, MUNI_EXIT_USAGE, "the column '%.*s' is not "
			    "in the input", (int)len, p);
			return -1;
		}
		p += len + (p[len] == ',');
	}
	return 0;
missing:
	err_set(e, MUNI_EXIT_USAGE, "the column '%s' is not in the input",
	    names[i]);
	return -1;
}

static int
setup(struct run *r, const struct record *h, struct muni_err *e)
{
	const struct anonymize_run_options *o = r->o;
	size_t i, c;
	int need_key = 0;

	r->width = h->nfields;
	r->by_col = calloc(h->nfields + 1, sizeof(*r->by_col));
	r->out_of = calloc(h->nfields + 1, sizeof(*r->out_of));
	r->st = calloc(h->nfields + 1, sizeof(*r->st));
	r->off = calloc(h->nfields + 2, sizeof(*r->off));
	r->fields = calloc(h->nfields + 1, sizeof(*r->fields));
	r->inrow = calloc(h->nfields + 1, sizeof(*r->inrow));
	r->outrow = calloc(h->nfields + 1, sizeof(*r->outrow));
	if (!r->by_col || !r->out_of || !r->st || !r->off || !r->fields ||
	    !r->inrow || !r->outrow) {
		err_nomem(e);
		return -1;
	}
	if (r->rs) {
		if (rules_bind(r->rs, h, e) < 0)
			return -1;
		for (i = 0; i < r->rs->n; i++) {
			r->by_col[r->rs->r[i].col] = &r->rs->r[i];
			need_key |= r->rs->r[i].action == R_PSEUDONYMIZE;
		}
		for (c = 0; c < h->nfields; c++)
			if (!(r->by_col[c]->action == R_DROP &&
			    r->by_col[c]->when == NULL))
				r->out_of[r->nout++] = (long)c;
	} else {
		for (c = 0; c < h->nfields; c++)
			r->out_of[r->nout++] = (long)c;
	}
	if (columns_of(o->quasi, r->rs ? r->rs->quasi : NULL, r->rs ?
	    r->rs->nquasi : 0, h, &r->quasi, &r->nquasi, e) < 0 ||
	    columns_of(o->sensitive, r->rs ? r->rs->sensitive : NULL, r->rs ?
	    r->rs->nsensitive : 0, h, &r->sens, &r->nsens, e) < 0)
		return -1;
	for (i = 0; r->rs && i < r->nquasi + r->nsens; i++) {
		long col = i < r->nquasi ? r->quasi[i] : r->sens[i - r->nquasi];

		if (r->by_col[col]->action == R_DROP &&
		    r->by_col[col]->when == NULL) {
			err_set(e, MUNI_EXIT_USAGE, "the column '%.*s' is "
			    "checked (quasi-identifier or sensitive) but "
			    "dropped by the rules", (int)h->fields[col].len,
			    h->fields[col].ptr);
			return -1;
		}
	}
	if (r->nsens > 64) {
		err_set(e, MUNI_EXIT_USAGE, "at most 64 sensitive columns");
		return -1;
	}
	r->k = o->k ? o->k : r->rs ? r->rs->k : 5;
	r->l = o->l ? o->l : r->rs ? r->rs->l : 0;
	if (need_key && !o->audit) {
		if (o->key_file == NULL) {
			err_set(e, MUNI_EXIT_USAGE, "the rules pseudonymize: give "
			    "the secret key with --key-file (--new-key makes "
			    "one)");
			return -1;
		}
		if (pseudonym_key_load(o->key_file, &r->key, e) < 0)
			return -1;
		r->have_key = 1;
	}
	if (r->nquasi > 0) {
		r->before = kanon_new(0, e);
		r->after = r->before ? kanon_new(r->nsens, e) : NULL;
		if (r->after == NULL)
			return -1;
	}
	return 0;
}

/* The quasi-identifier key of a row, from its values v (by input col). */
static void
quasi_key(struct run *r, const struct field *v, struct buf *key)
{
	size_t i;

	buf_reset(key);
	for (i = 0; i < r->nquasi; i++) {
		if (i)
			buf_addch(key, '\x1f');
		buf_add(key, v[r->quasi[i]].ptr, v[r->quasi[i]].len);
	}
}

static int
count(struct run *r, struct kanon *k, const struct field *v, int sens,
    struct muni_err *e)
{
	const char *sp[64];
	size_t sl[64], i;

	quasi_key(r, v, &r->qkey);
	for (i = 0; sens && i < r->nsens; i++) {
		sp[i] = v[r->sens[i]].ptr;
		sl[i] = v[r->sens[i]].len;
	}
	return kanon_add(k, r->qkey.ptr, r->qkey.len, sp, sl, e);
}

static int
recode_add(struct run *r, size_t c, const char *p, size_t n,
    struct muni_err *e)
{
	struct recode *rc = &r->rec[c];
	unsigned long long at = keyset_find(&rc->values, p, n);
	unsigned long long *cnt;

	if (at > 0) {
		rc->count[at - 1]++;
		return 0;
	}
	if (rc->n >= RECODE_MAX_VALUES) {
		err_set(e, MUNI_EXIT_DATA, "the column to recode has more than "
		    "%d distinct values", RECODE_MAX_VALUES);
		return -1;
	}
	if (rc->n == rc->cap) {
		rc->cap = rc->cap ? 2 * rc->cap : 256;
		cnt = realloc(rc->count, rc->cap * sizeof(*cnt));
		if (cnt == NULL) {
			err_nomem(e);
			return -1;
		}
		rc->count = cnt;
	}
	if (keyset_add(&rc->values, p, n, rc->n + 1) < 0) {
		err_nomem(e);
		return -1;
	}
	rc->count[rc->n++] = 1;
	return 0;
}

/* Whether the output cell of column c must pass the final scan. */
static int
scanned(const struct run *r, size_t c, const struct record *rec)
{
	const struct rule *rule = r->rs ? r->by_col[c] : NULL;

	if (rule == NULL || r->o->audit)
		return 1;	/* audit: everything, as it is */
	if (rule->when && !rules_when(rule->when, rec))
		return 1;	/* the value as it was */
	return rule->action == R_KEEP || rule->action == R_SCRUB ||
	    rule->action == R_GENERALIZE || rule->action == R_RECODE;
}

static void
final_scan(struct run *r, const char *p, size_t n)
{
	struct pii_match m[PII_MAX_MATCHES];
	size_t i, count = pii_scan(p, n, PII_ALL, m, PII_MAX_MATCHES);

	for (i = 0; i < count; i++)
		r->residual[m[i].kind]++;
}

/* ---- the passes ---- */

/*
 * Apply the rules to every row of in (the header read already), writing
 * to out when not NULL; count the classes, the recodes, the residuals.
 */
static int
treat(struct run *r, struct csvin *in, struct csvout *out, int counting,
    struct muni_err *e)
{
	struct record *rec;
	size_t c, i;
	int rc;

	while ((rc = csvin_next(in, &rec, e)) > 0) {
		if (rec->nfields == 0) {
			/* a blank line holds no one: kept, not counted */
			if (out && csvout_record(out, NULL, 0) < 0)
				return -2;
			continue;
		}
		if (counting) {
			for (c = 0; c < r->width && c < rec->nfields; c++)
				if (r->by_col[c]->action == R_RECODE &&
				    recode_add(r, c, rec->fields[c].ptr,
				    rec->fields[c].len, e) < 0)
					return -1;
			if (out && csvout_record(out, rec->fields,
			    rec->nfields) < 0)
				return -2;
			continue;
		}
		r->rows++;
		buf_reset(&r->vals);
		for (c = 0; c < r->width; c++) {
			r->off[c] = r->vals.len;
			if (r->rs && !r->o->audit) {
				if (apply(r, c, rec, &r->tmp, e) < 0)
					return -1;
				if (buf_add(&r->vals, r->tmp.ptr, r->tmp.len) < 0)
					goto too_long;
			} else if (c < rec->nfields && buf_add(&r->vals,
			    rec->fields[c].ptr, rec->fields[c].len) < 0)
				goto too_long;
		}
		r->off[r->width] = r->vals.len;
		for (c = 0; c < r->width; c++) {
			r->fields[c].ptr = r->vals.ptr + r->off[c];
			r->fields[c].len = r->off[c + 1] - r->off[c];
			if (scanned(r, c, rec))
				final_scan(r, r->fields[c].ptr,
				    r->fields[c].len);
		}
		if (r->nquasi) {
			/* before: the input's own values */
			for (i = 0; i < r->nquasi; i++) {
				long col = r->quasi[i];

				r->inrow[col].ptr = (size_t)col < rec->nfields ?
				    rec->fields[col].ptr : "";
				r->inrow[col].len = (size_t)col < rec->nfields ?
				    rec->fields[col].len : 0;
			}
			if (count(r, r->before, r->inrow, 0, e) < 0 ||
			    count(r, r->after, r->fields, 1, e) < 0)
				return -1;
		}
		if (out) {
			for (i = 0; i < r->nout; i++)
				r->outrow[i] = r->fields[r->out_of[i]];
			if (csvout_record(out, r->outrow, r->nout) < 0)
				return -2;
		}
	}
	return rc;
too_long:
	err_set(e, MUNI_EXIT_DATA, "row %llu is longer than the limits once "
	    "anonymized", rec->row);
	return -1;
}

/* ---- the report ---- */

static void
key_uint(yajl_gen g, const char *k, unsigned long long v)
{
	json_key_uint(g, k, v);
}

static int
report(struct run *r, const struct kanon_result *before,
    const struct kanon_result *after, unsigned long long suppressed,
    const char *verdict, const struct buf *reasons, const char *in_sha,
    const char *out_sha, const struct record *h, struct muni_err *e)
{
	yajl_gen g = json_new();
	struct buf json;
	char name[16];
	size_t c, i;
	int rc;

	if (g == NULL) {
		err_nomem(e);
		return -1;
	}
	yajl_gen_map_open(g);
	json_key_str(g, "tool", r->o->tool);
	json_key_str(g, "mode", r->o->audit ? "audit" : "anonymize");
	json_str(g, "input");
	yajl_gen_map_open(g);
	json_key_str(g, "source", r->o->input);
	json_key_str(g, "sha256", in_sha);
	key_uint(g, "rows", r->rows);
	yajl_gen_map_close(g);
	if (out_sha) {
		json_str(g, "output");
		yajl_gen_map_open(g);
		json_key_str(g, "sha256", out_sha);
		key_uint(g, "columns", r->nout);
		yajl_gen_map_close(g);
	}
	if (r->rs) {
		json_str(g, "rules");
		yajl_gen_map_open(g);
		json_key_str(g, "source", r->rs->source);
		json_key_str(g, "sha256", r->rs->sha256);
		yajl_gen_map_close(g);
	}
	if (r->have_key)
		json_key_str(g, "key_id", r->key.id);
	if (r->rs && h) {
		json_str(g, "columns");
		yajl_gen_array_open(g);
		for (c = 0; c < r->width; c++) {
			const struct rule *rule = r->by_col[c];
			char col[256];

			snprintf(col, sizeof(col), "%.*s", (int)h->fields[c].len,
			    h->fields[c].ptr);
			yajl_gen_map_open(g);
			json_key_str(g, "name", col);
			json_key_str(g, "action",
			    rules_action_name(rule->action));
			json_key_bool(g, "conditional", rule->when != NULL);
			key_uint(g, "changed", r->st[c].changed);
			if (rule->action == R_GENERALIZE)
				key_uint(g, "emptied", r->st[c].emptied);
			if (rule->action == R_SCRUB) {
				json_str(g, "replaced");
				yajl_gen_map_open(g);
				for (i = 0; i < PII_NKINDS; i++)
					key_uint(g, pii_name((enum pii_kind)i),
					    r->st[c].found[i]);
				yajl_gen_map_close(g);
			}
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
	}
	if (r->nquasi) {
		json_str(g, "k_anonymity");
		yajl_gen_map_open(g);
		json_str(g, "quasi_identifiers");
		yajl_gen_array_open(g);
		for (i = 0; i < r->nquasi && h; i++) {
			char col[256];

			snprintf(col, sizeof(col), "%.*s",
			    (int)h->fields[r->quasi[i]].len,
			    h->fields[r->quasi[i]].ptr);
			json_str(g, col);
		}
		yajl_gen_array_close(g);
		key_uint(g, "k", (unsigned long long)r->k);
		key_uint(g, "smallest_class_before", before->smallest);
		key_uint(g, "smallest_class", after->smallest);
		key_uint(g, "classes", after->classes);
		key_uint(g, "unique_records_before", before->uniques);
		key_uint(g, "unique_records", after->uniques);
		json_str(g, "class_sizes");
		yajl_gen_map_open(g);
		for (i = 1; i <= KANON_HIST; i++) {
			snprintf(name, sizeof(name), i < KANON_HIST ? "%zu" :
			    "%zu+", i);
			key_uint(g, name, after->hist[i]);
		}
		yajl_gen_map_close(g);
		key_uint(g, "rows_below_k", after->below_k_rows);
		key_uint(g, "suppressed_rows", suppressed);
		key_uint(g, "suppressed_cells", suppressed * r->nquasi);
		json_key_bool(g, "suppressed_cells_are_wildcards",
		    r->o->wildcards);
		yajl_gen_map_close(g);
		if (r->nsens) {
			json_str(g, "l_diversity");
			yajl_gen_map_open(g);
			key_uint(g, "l", (unsigned long long)r->l);
			key_uint(g, "smallest", after->l < 0 ? 0 :
			    (unsigned long long)after->l);
			yajl_gen_map_close(g);
		}
	}
	json_str(g, "residual");
	yajl_gen_map_open(g);
	for (i = 0; i < PII_NKINDS; i++)
		key_uint(g, pii_name((enum pii_kind)i), r->residual[i]);
	yajl_gen_map_close(g);
	json_key_str(g, "verdict", verdict);
	json_str(g, "reasons");
	yajl_gen_array_open(g);
	for (i = 0; i < reasons->len; i += strlen(reasons->ptr + i) + 1)
		json_str(g, reasons->ptr + i);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	buf_init(&json, (size_t)16 << 20);
	rc = json_finish(g, &json);
	if (rc == 0)
		rc = atomic_write_user(r->o->report, json.ptr, json.len, 0644,
		    e);
	else
		err_set(e, MUNI_EXIT_IO, "cannot render the report");
	buf_release(&json);
	return rc;
}

static void
reason(struct buf *b, const char *text)
{
	buf_addstr(b, text);
	buf_addch(b, '\0');
}

/* Reading back a file of ours: canonical CSV, the input's limits. */
static void
read_back_options(const struct run *r, struct csvin_options *copt)
{
	memset(copt, 0, sizeof(*copt));
	copt->encoding = "UTF-8";
	copt->delimiter = ',';
	copt->max_field = r->o->csv.max_field;
	copt->max_record = r->o->csv.max_record;
}

/*
 * Copy the treated file to out_fd (out_name), the quasi-identifiers of the rows in
 * classes smaller than k blanked ("*"); suppressed counts those rows.
 */
static int
suppress_to(struct run *r, int out_fd, const char *out_name,
    unsigned long long *suppressed, struct muni_err *e)
{
	struct csvin_options copt;
	struct csvout out;
	struct csvin *in;
	struct record *rec;
	size_t i;
	long at;
	int fd, rc;

	fd = open(r->tmp_out, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'", r->tmp_out);
		return -1;
	}
	read_back_options(r, &copt);
	if (csvout_init(&out, out_fd) < 0) {
		close(fd);
		err_set(e, MUNI_EXIT_INTERNAL, "cannot start the writer");
		return -1;
	}
	in = csvin_new(fd, r->tmp_out, &copt, e);
	rc = in ? csvin_next(in, &rec, e) : -1;
	if (rc > 0)
		rc = csvout_record(&out, rec->fields, rec->nfields) < 0 ? -2 : 1;
	while (rc > 0 && (rc = csvin_next(in, &rec, e)) > 0) {
		if (rec->nfields == r->nout) {
			/* the quasi values, at their output positions */
			for (i = 0; i < r->nout; i++)
				r->fields[r->out_of[i]] = rec->fields[i];
			quasi_key(r, r->fields, &r->qkey);
			if (kanon_size(r->after, r->qkey.ptr, r->qkey.len) <
			    (unsigned long long)r->k) {
				(*suppressed)++;
				for (i = 0; i < r->nquasi; i++)
					for (at = 0; at < (long)r->nout; at++)
						if (r->out_of[at] == r->quasi[i]) {
							rec->fields[at].ptr = "*";
							rec->fields[at].len = 1;
						}
			}
		}
		if (csvout_record(&out, rec->fields, rec->nfields) < 0)
			rc = -2;
	}
	if (rc == -2 || csvout_flush(&out) < 0) {
		err_sys(e, MUNI_EXIT_IO, out.errnum, "cannot write '%s'",
		    out_name);
		rc = -1;
	}
	csvin_free(in);
	csvout_release(&out);
	close(fd);
	return rc < 0 ? -1 : 0;
}

/*
 * Copy a file to fd (-1: nowhere, only hashing it), hashing it; -1 with e
 * set.
 */
static int
copy_out(const char *path, int fd, struct digest *d, struct muni_err *e)
{
	char chunk[65536];
	ssize_t n;
	int in = open(path, O_RDONLY | O_CLOEXEC);

	if (in < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'", path);
		return -1;
	}
	while ((n = fd_read_full(in, chunk, sizeof(chunk))) > 0) {
		digest_update(d, chunk, (size_t)n);
		if (fd >= 0 && fd_write_full(fd, chunk, (size_t)n) < 0) {
			err_sys(e, MUNI_EXIT_IO, errno,
			    "cannot write to standard output");
			close(in);
			return -1;
		}
	}
	close(in);
	if (n < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'", path);
		return -1;
	}
	return 0;
}

static void
release(struct run *r)
{
	size_t c;

	if (r->rec) {
		for (c = 0; c < r->width; c++) {
			keyset_release(&r->rec[c].values);
			free(r->rec[c].count);
		}
		free(r->rec);
	}
	kanon_free(r->before);
	kanon_free(r->after);
	if (r->have_key)
		pseudonym_key_wipe(&r->key);
	rules_free(r->rs);
	free(r->by_col);
	free(r->out_of);
	free(r->quasi);
	free(r->sens);
	free(r->st);
	free(r->off);
	free(r->fields);
	free(r->inrow);
	free(r->outrow);
	buf_release(&r->vals);
	buf_release(&r->tmp);
	buf_release(&r->qkey);
	buf_release(&r->a);
	buf_release(&r->b);
	digest_release(&r->din);
	digest_release(&r->dout);
	if (r->tmp_in[0])
		unlink(r->tmp_in);
	if (r->tmp_out[0])
		unlink(r->tmp_out);
}

/*
 * A copy of the header record, its names in names: the reader reuses its
 * record. The fields (to free) or NULL with e.
 */
static struct field *
keep_header(const struct record *rec, struct buf *names,
    struct record *header, struct muni_err *e)
{
	struct field *hf = calloc(rec->nfields + 1, sizeof(*hf));
	size_t c, i;

	if (hf == NULL) {
		err_nomem(e);
		return NULL;
	}
	for (c = 0; c < rec->nfields; c++) {
		hf[c].len = rec->fields[c].len;
		if (buf_add(names, rec->fields[c].ptr, rec->fields[c].len) < 0) {
			free(hf);
			err_nomem(e);
			return NULL;
		}
	}
	for (c = 0, i = 0; c < rec->nfields; c++) {
		hf[c].ptr = names->ptr + i;
		i += hf[c].len;
	}
	header->fields = hf;
	header->nfields = rec->nfields;
	header->row = 1;
	return hf;
}

/*
 * The gate: what is left of personal data, and k-anonymity and l-diversity
 * counted on the output (kb before, ka after); each failure a line of
 * reasons. 1 pass, 0 fail, -1 with e.
 */
static int
gate(struct run *r, struct kanon_result *kb, struct kanon_result *ka,
    struct buf *reasons, struct muni_err *e)
{
	const struct anonymize_run_options *o = r->o;
	unsigned long long cells, k = (unsigned long long)r->k;
	char line[300];
	int pass = 1;
	size_t i;

	for (i = 0; i < PII_NKINDS; i++)
		if (r->residual[i]) {
			snprintf(line, sizeof(line), "%llu %s%s %s",
			    r->residual[i], pii_name((enum pii_kind)i),
			    r->residual[i] > 1 ? " values" : " value",
			    o->audit ? "found" : "left in the output");
			reason(reasons, line);
			pass = 0;
		}
	if (r->nquasi) {
		if (kanon_result(r->before, k, kb, e) < 0 ||
		    kanon_result(r->after, k, ka, e) < 0)
			return -1;
		if (ka->rows > 0 && ka->smallest < k) {
			cells = ka->below_k_rows;
			if (!o->suppress) {
				snprintf(line, sizeof(line), "the smallest class "
				    "holds %llu rows, fewer than k = %ld "
				    "(%llu rows in such classes; --suppress "
				    "blanks their quasi-identifiers)",
				    ka->smallest, r->k, cells);
				reason(reasons, line);
				pass = 0;
			} else if ((double)cells > o->max_suppressed *
			    (double)ka->rows) {
				snprintf(line, sizeof(line), "suppression would "
				    "blank the quasi-identifiers of %llu rows "
				    "of %llu, more than the %.0f%% allowed",
				    cells, ka->rows, o->max_suppressed * 100);
				reason(reasons, line);
				pass = 0;
			} else if (!o->wildcards && cells < k) {
				snprintf(line, sizeof(line), "the %llu rows "
				    "suppressed form a class of their own, "
				    "smaller than k = %ld (unless suppressed "
				    "cells count as wildcards: --wildcards)",
				    cells, r->k);
				reason(reasons, line);
				pass = 0;
			}
		}
		if (r->nsens && r->l > 0 && ka->l < r->l) {
			snprintf(line, sizeof(line), "a class has %ld "
			    "distinct sensitive values, fewer than l = %ld",
			    ka->l, r->l);
			reason(reasons, line);
			pass = 0;
		}
	}
	return pass;
}

/*
 * A new temporary file (its name to path): the header h[0..nh), then the
 * rows of in as treat() makes them (counting: the first reading of a
 * recode). 0, or -1 with e set.
 */
static int
treat_into(struct run *r, struct csvin *in, char path[4096],
    const struct field *h, size_t nh, int counting, struct muni_err *e)
{
	struct csvout out;
	int fd, rc;

	if ((fd = fd_temp("muni-anonymize", path, e)) < 0)
		return -1;
	csvout_init(&out, fd);
	(void)csvout_record(&out, h, nh);
	rc = treat(r, in, &out, counting, e);
	if (rc == -2 || csvout_flush(&out) < 0) {
		err_sys(e, MUNI_EXIT_IO, out.errnum, "cannot write '%s'", path);
		rc = -1;
	}
	csvout_release(&out);
	close(fd);
	return rc < 0 ? -1 : 0;
}

/*
 * Recoding needs the count of each value first: a first reading of the
 * input, the header hf and the rows as treated so far, to r->tmp_in, which
 * then replaces the input (*in, *fd, *rec its header). in_sha gets the
 * input's hash. -1 with e set.
 */
static int
count_recodes(struct run *r, struct csvin **in, int *fd, struct record **rec,
    const struct field *hf, size_t nh, char in_sha[65], struct muni_err *e)
{
	struct csvin_options copt;
	size_t c;
	int rc;

	r->rec = calloc(r->width, sizeof(*r->rec));
	if (r->rec == NULL) {
		err_nomem(e);
		return -1;
	}
	for (c = 0; c < r->width; c++)
		keyset_init(&r->rec[c].values);
	if (treat_into(r, *in, r->tmp_in, hf, nh, 1, e) < 0)
		return -1;
	if (digest_hex(&r->din, in_sha) < 0)	/* the whole input */
		in_sha[0] = '\0';
	csvin_free(*in);
	*in = NULL;
	if (*fd != STDIN_FILENO)
		close(*fd);
	*fd = fd_open_input(r->tmp_in, e);
	if (*fd < 0)
		return -1;
	read_back_options(r, &copt);
	*in = csvin_new(*fd, r->o->input, &copt, e);
	if (*in == NULL || (rc = csvin_next(*in, rec, e)) < 0)
		return -1;
	if (rc == 0) {
		err_set(e, MUNI_EXIT_IO, "'%s' lost its header", r->tmp_in);
		return -1;
	}
	return 0;
}

/*
 * The treatment proper: the header hf (the output's columns of it) and
 * each row treated, to r->tmp_out; only read and counted with --audit.
 */
static int
treat_to_file(struct run *r, struct csvin *in, const struct field *hf,
    struct muni_err *e)
{
	size_t i;

	if (r->o->audit)
		return treat(r, in, NULL, 0, e) < 0 ? -1 : 0;
	for (i = 0; i < r->nout; i++)
		r->outrow[i] = hf[r->out_of[i]];
	return treat_into(r, in, r->tmp_out, r->outrow, r->nout, 0, e);
}

/* The reasons of a refusal, told through the note callback. */
static void
note_refusal(const struct run *r, const struct buf *reasons)
{
	struct buf text;
	size_t i;

	buf_init(&text, 1 << 16);
	buf_addstr(&text, r->o->audit ? "audit failed:\n" :
	    "not anonymous enough, nothing written:\n");
	for (i = 0; i < reasons->len; i += strlen(reasons->ptr + i) + 1)
		buf_addf(&text, "  %s\n", reasons->ptr + i);
	note(r, text.ptr);
	buf_release(&text);
}

int
anonymize_run(const struct anonymize_run_options *o, struct muni_err *e)
{
	struct run r;
	struct csvin_options copt = o->csv;
	struct csvin *in = NULL;
	struct record *rec, header;
	struct kanon_result kb, ka;
	struct buf reasons, hnames;
	struct field *hf = NULL;
	struct digest sink;
	char in_sha[65] = "", out_sha[65] = "", final[4096] = "";
	unsigned long long suppressed = 0;
	int fd = -1, rc, status = MUNI_EXIT_OK, recode = 0, pass;
	size_t c;

	err_clear(e);
	memset(&r, 0, sizeof(r));
	memset(&kb, 0, sizeof(kb));
	memset(&ka, 0, sizeof(ka));
	memset(&header, 0, sizeof(header));
	r.o = o;
	buf_init(&r.vals, o->csv.max_record ? o->csv.max_record :
	    CSVIN_MAX_RECORD);
	buf_init(&r.tmp, (size_t)4 << 20);
	buf_init(&r.qkey, (size_t)4 << 20);
	buf_init(&r.a, 1 << 20);
	buf_init(&r.b, 1 << 20);
	buf_init(&reasons, 1 << 16);
	buf_init(&hnames, (size_t)16 << 20);
	if (digest_init(&r.din) < 0 || digest_init(&r.dout) < 0) {
		err_set(e, MUNI_EXIT_INTERNAL, "cannot start libcrypto");
		goto fail;
	}
	if (o->rules && (r.rs = rules_load(o->rules, e)) == NULL)
		goto fail;
	/* A report that could not be written is known before any data. */
	if (o->report && atomic_check(o->report, e) < 0)
		goto fail;
	if ((fd = fd_open_input(o->input, e)) < 0)
		goto fail;
	copt.raw_hook = digest_hook;
	copt.raw_ctx = &r.din;
	in = csvin_new(fd, o->input, &copt, e);
	if (in == NULL || (rc = csvin_next(in, &rec, e)) < 0)
		goto fail;
	if (rc == 0) {
		err_set(e, MUNI_EXIT_DATA, "'%s' is empty: a header row is "
		    "needed", o->input);
		goto fail;
	}
	/* keep the header: the reader reuses its record */
	if ((hf = keep_header(rec, &hnames, &header, e)) == NULL ||
	    setup(&r, &header, e) < 0)
		goto fail;
	for (c = 0; r.rs && !o->audit && c < r.width; c++)
		recode |= r.by_col[c]->action == R_RECODE;
	if (recode && count_recodes(&r, &in, &fd, &rec, hf, header.nfields,
	    in_sha, e) < 0)
		goto fail;
	if (treat_to_file(&r, in, hf, e) < 0)
		goto fail;
	if (!recode && digest_hex(&r.din, in_sha) < 0)
		in_sha[0] = '\0';
	/* the checks */
	if ((pass = gate(&r, &kb, &ka, &reasons, e)) < 0)
		goto fail;
	/*
	 * The bytes to write are in a file: hashed first, so that the report
	 * (which names them) is written before any of them leaves; a report
	 * that cannot be written leaves standard output empty.
	 */
	if (pass && !o->audit) {
		if (o->suppress && r.nquasi && ka.smallest <
		    (unsigned long long)r.k) {
			int ffd = fd_temp("muni-anonymize", final, e);

			if (ffd < 0)
				goto fail;
			rc = suppress_to(&r, ffd, final, &suppressed, e);
			close(ffd);
			if (rc < 0)
				goto fail;
		}
		if (copy_out(final[0] ? final : r.tmp_out, -1, &r.dout, e) < 0)
			goto fail;
		if (digest_hex(&r.dout, out_sha) < 0)
			out_sha[0] = '\0';
	}
	if (!pass)
		status = MUNI_EXIT_DATA;
	if (o->report && report(&r, &kb, &ka, suppressed, pass ? "pass" :
	    "fail", &reasons, in_sha, out_sha[0] ? out_sha : NULL, &header,
	    e) < 0)
		goto fail;
	if (pass && !o->audit) {
		if (digest_init(&sink) < 0) {
			err_set(e, MUNI_EXIT_INTERNAL, "cannot start libcrypto");
			goto fail;
		}
		rc = copy_out(final[0] ? final : r.tmp_out, o->out_fd, &sink, e);
		digest_release(&sink);
		if (rc < 0)
			goto fail;
	}
	if (!pass && o->note)
		note_refusal(&r, &reasons);
	goto end;
fail:
	status = e->status ? e->status : MUNI_EXIT_IO;
end:
	if (final[0])
		unlink(final);
	csvin_free(in);
	if (fd > STDIN_FILENO)
		close(fd);
	free(hf);
	buf_release(&hnames);
	buf_release(&reasons);
	release(&r);
	return status;
}
