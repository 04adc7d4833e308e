#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anon/rules.h"
#include "base/digest.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "json/conf.h"
#include "json/json.h"
#include "base/banned.h"

#define RULES_MAX_BYTES ((size_t)4 << 20)

static const char *const actions[] = {
	"keep", "drop", "redact", "pseudonymize", "mask", "generalize",
	"recode", "scrub",
};

/* The members each action takes, besides "action" and "when". */
static const char *const action_keys[] = {
	"", "", "text", "normalize domain length", "first last char",
	"to bins round reference", "min to", "detect alias",
};

int
rules_action(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(actions) / sizeof(*actions); i++)
		if (strcmp(s, actions[i]) == 0)
			return (int)i;
	return -1;
}

const char *
rules_action_name(enum rule_action a)
{
	return actions[a];
}

static int
load_cond(struct conf *l, struct rule_cond *c, yajl_val v)
{
	yajl_val x;
	size_t i, n;

	if (!YAJL_IS_OBJECT(v))
		return conf_fail(l, "a condition is an object");
	if ((x = json_member(v, "all")) != NULL ||
	    (x = json_member(v, "any"))) {
		c->kind = json_member(v, "all") ? C_ALL : C_ANY;
		if (conf_known_keys(l, v, "all any") < 0)
			return -1;
		if (!YAJL_IS_ARRAY(x) || x->u.array.len == 0)
			return conf_fail(l,
			    "\"all\" and \"any\" hold a non-empty "
			    "array of conditions");
		c->sub = calloc(x->u.array.len, sizeof(*c->sub));
		if (c->sub == NULL)
			return conf_fail(l, "out of memory");
		for (i = 0; i < x->u.array.len; i++) {
			n = conf_enter(l, ".%s[%zu]", c->kind == C_ALL ? "all" :
			    "any", i);
			c->nsub++;
			if (load_cond(l, &c->sub[i], x->u.array.values[i]) < 0)
				return -1;
			conf_leave(l, n);
		}
		return 0;
	}
	if (conf_known_keys(l, v, "column empty equals") < 0 ||
	    conf_string(l, v, "column", &c->column, NULL) < 0 ||
	    conf_string(l, v, "equals", &c->text, NULL) < 0)
		return -1;
	if (c->column == NULL)
		return conf_fail(l, "a condition needs \"column\"");
	x = json_member(v, "empty");
	if ((x == NULL) == (c->text == NULL))
		return conf_fail(l, "a condition has one test: \"empty\" or "
		    "\"equals\"");
	if (x && !YAJL_IS_TRUE(x) && !YAJL_IS_FALSE(x))
		return conf_fail(l, "\"empty\" is true or false");
	c->kind = x ? C_EMPTY : C_EQUALS;
	c->empty = x && YAJL_IS_TRUE(x);
	return 0;
}

static int
load_generalize(struct conf *l, struct rule *r, yajl_val v)
{
	yajl_val x;
	char *to = NULL, *ref = NULL;
	size_t i;
	int rc = 0;

	if (conf_string(l, v, "to", &to, NULL) < 0 ||
	    conf_string(l, v, "reference", &ref, NULL) < 0 ||
	    conf_integer(l, v, "round", &r->digits, -1, -6, 12) < 0)
		goto bad;
	x = json_member(v, "bins");
	if (to && strcmp(to, "year") == 0)
		r->gen = G_YEAR;
	else if (to && strcmp(to, "month") == 0)
		r->gen = G_MONTH;
	else if (to && strcmp(to, "departement") == 0)
		r->gen = G_DEPARTEMENT;
	else if (to && strcmp(to, "age") == 0)
		r->gen = G_AGE;
	else if (to) {
		rc = conf_fail(l, "\"to\" is year, month, age or departement");
		goto done;
	} else if (x)
		r->gen = G_BINS;
	else if (r->digits != -1)
		r->gen = G_ROUND;
	else {
		rc = conf_fail(l,
		    "\"generalize\" needs \"to\" (year, month, age, "
		    "departement), \"bins\" or \"round\"");
		goto done;
	}
	if (r->gen == G_AGE || r->gen == G_BINS) {
		if (x == NULL || !YAJL_IS_ARRAY(x) || x->u.array.len < 1) {
			rc = conf_fail(l, "\"bins\" is a non-empty array of "
			    "ascending numbers");
			goto done;
		}
		r->bins = calloc(x->u.array.len, sizeof(double));
		if (r->bins == NULL) {
			rc = conf_fail(l, "out of memory");
			goto done;
		}
		for (i = 0; i < x->u.array.len; i++) {
			if (!YAJL_IS_NUMBER(x->u.array.values[i]) ||
			    (i > 0 && YAJL_GET_DOUBLE(x->u.array.values[i]) <=
			    r->bins[i - 1])) {
				rc = conf_fail(l,
				    "\"bins\" is a non-empty array "
				    "of ascending numbers");
				goto done;
			}
			r->bins[i] = YAJL_GET_DOUBLE(x->u.array.values[i]);
			r->nbins++;
		}
	}
	if (r->gen == G_AGE) {
		if (ref == NULL || sscanf(ref, "%4d-%2d-%2d", &r->ref_year,
		    &r->ref_month, &r->ref_day) != 3) {
			rc = conf_fail(l,
			    "an age needs \"reference\": the date "
			    "ages are counted at, YYYY-MM-DD");
			goto done;
		}
	}
	goto done;
bad:
	rc = -1;
done:
	free(to);
	free(ref);
	return rc;
}

static int
load_rule(struct conf *l, struct rules *rs, struct rule *r, const char *col,
    yajl_val v)
{
	char allowed[128], *s = NULL;
	yajl_val x;
	size_t i, n;
	int a;

	r->col = -1;
	r->length = rs->length;
	if ((r->column = strdup(col)) == NULL)
		return conf_fail(l, "out of memory");
	if (YAJL_IS_STRING(v)) {
		if ((a = rules_action(v->u.string)) < 0)
			return conf_fail(l, "unknown action \"%s\"",
			    v->u.string);
		r->action = (enum rule_action)a;
		if (r->action != R_KEEP && r->action != R_DROP &&
		    r->action != R_SCRUB && r->action != R_PSEUDONYMIZE &&
		    r->action != R_REDACT)
			return conf_fail(l,
			    "\"%s\" needs arguments: write it as "
			    "an object {\"action\": \"%s\", ...}",
			    v->u.string, v->u.string);
	} else if (YAJL_IS_OBJECT(v) && (x = json_member(v, "action")) &&
	    YAJL_IS_STRING(x)) {
		if ((a = rules_action(x->u.string)) < 0)
			return conf_fail(l, "unknown action \"%s\"",
			    x->u.string);
		r->action = (enum rule_action)a;
		snprintf(allowed, sizeof(allowed), "action when %s",
		    action_keys[a]);
		if (conf_known_keys(l, v, allowed) < 0)
			return -1;
	} else
		return conf_fail(l,
		    "a rule is an action (\"keep\") or an object "
		    "with \"action\"");
	if (!YAJL_IS_OBJECT(v))
		v = NULL;
	if (v && (x = json_member(v, "when")) != NULL) {
		n = conf_enter(l, ".when");
		r->when = calloc(1, sizeof(*r->when));
		if (r->when == NULL)
			return conf_fail(l, "out of memory");
		if (load_cond(l, r->when, x) < 0)
			return -1;
		conf_leave(l, n);
	}
	switch (r->action) {
	case R_REDACT:
		if (v && conf_string(l, v, "text", &r->text, NULL) < 0)
			return -1;
		if (r->text == NULL && (r->text = strdup("[SUPPRIM\xc3\x89]")) ==
		    NULL)
			return conf_fail(l, "out of memory");
		break;
	case R_PSEUDONYMIZE:
		{
			long len = (long)rs->length;

			if (v && (conf_string(l, v, "normalize", &s,
			    NULL) < 0 || conf_string(l, v, "domain",
			    &r->domain, NULL) < 0 || conf_integer(l, v,
			    "length", &len, len, 8, 52) < 0)) {
				free(s);
				return -1;
			}
			r->length = (size_t)len;
		}
		r->norm = s == NULL ? N_NONE : strcmp(s, "phone") == 0 ? N_PHONE :
		    strcmp(s, "email") == 0 ? N_EMAIL : strcmp(s, "name") == 0 ?
		    N_NAME : strcmp(s, "none") == 0 ? N_NONE : (enum rule_norm)-1;
		free(s);
		if ((int)r->norm < 0)
			return conf_fail(l,
			    "\"normalize\" is phone, email, name "
			    "or none");
		break;
	case R_MASK:
		if (conf_integer(l, v, "first", &r->first, 0, 0, 1000) < 0 ||
		    conf_integer(l, v, "last", &r->last, 0, 0, 1000) < 0 ||
		    conf_string(l, v, "char", &s, "*") < 0)
			return -1;
		if (strlen(s) == 0 || strlen(s) >= sizeof(r->mask)) {
			free(s);
			return conf_fail(l, "\"char\" is one character");
		}
		memcpy(r->mask, s, strlen(s) + 1);
		free(s);
		break;
	case R_GENERALIZE:
		return load_generalize(l, r, v);
	case R_RECODE:
		if (conf_integer(l, v, "min", &r->min_count, 5, 1,
		    1000000) < 0 ||
		    conf_string(l, v, "to", &r->text, "Autre") < 0)
			return -1;
		break;
	case R_SCRUB:
		r->detect = PII_ALL;
		if (v && (x = json_member(v, "detect")) != NULL) {
			char **kinds = NULL;
			size_t nk = 0;

			n = conf_enter(l, ".detect");
			if (conf_strings(l, x, &kinds, &nk) < 0)
				return -1;
			r->detect = 0;
			for (i = 0; i < nk; i++) {
				a = pii_kind_of(kinds[i]);
				if (a < 0) {
					conf_fail(l, "unknown detector \"%s\" "
					    "(phone, email, nir, iban, plate, "
					    "birth, person)", kinds[i]);
					a = -2;
				} else
					r->detect |= 1u << a;
			}
			for (i = 0; i < nk; i++)
				free(kinds[i]);
			free(kinds);
			if (a == -2)
				return -1;
			conf_leave(l, n);
		}
		if (v && (x = json_member(v, "alias")) != NULL) {
			if (!YAJL_IS_TRUE(x) && !YAJL_IS_FALSE(x))
				return conf_fail(l,
				    "\"alias\" is true or false");
			r->alias = YAJL_IS_TRUE(x);
		}
		break;
	default:
		break;
	}
	return 0;
}

struct rules *
rules_parse(const char *json, size_t len, const char *source,
    struct muni_err *e)
{
	struct rules *rs = calloc(1, sizeof(*rs));
	struct conf l;
	yajl_val root, x;
	size_t i, n;
	long v;

	if (rs == NULL || (rs->source = strdup(source)) == NULL) {
		rules_free(rs);
		err_set(e, MUNI_EXIT_IO, "out of memory reading rules");
		return NULL;
	}
	if (digest_of(json, len, rs->sha256) < 0)
		rs->sha256[0] = '\0';
	memset(&l, 0, sizeof(l));
	l.kind = "rules";
	l.source = rs->source;
	l.e = e;
	root = conf_parse(&l, json, len);
	if (root == NULL) {
		rules_free(rs);
		return NULL;
	}
	if (!YAJL_IS_OBJECT(root)) {
		conf_fail(&l, "rules are a JSON object with \"columns\"");
		goto bad;
	}
	if (conf_known_keys(&l, root,
		"domain length columns quasi k sensitive "
		"l") < 0 ||
	    conf_string(&l, root, "domain", &rs->domain, "muni") < 0 ||
	    conf_integer(&l, root, "length", &v, 16, 8, 52) < 0 ||
	    conf_integer(&l, root, "k", &rs->k, 5, 1, 1000000) < 0 ||
	    conf_integer(&l, root, "l", &rs->l, 0, 0, 1000000) < 0)
		goto bad;
	rs->length = (size_t)v;
	if ((x = json_member(root, "quasi")) != NULL) {
		n = conf_enter(&l, "quasi");
		if (conf_strings(&l, x, &rs->quasi, &rs->nquasi) < 0)
			goto bad;
		conf_leave(&l, n);
	}
	if ((x = json_member(root, "sensitive")) != NULL) {
		n = conf_enter(&l, "sensitive");
		if (conf_strings(&l, x, &rs->sensitive, &rs->nsensitive) < 0)
			goto bad;
		conf_leave(&l, n);
	}
	x = json_member(root, "columns");
	if (x == NULL || !YAJL_IS_OBJECT(x) || x->u.object.len == 0) {
		conf_fail(&l, "rules need \"columns\": an object giving each "
		    "column its action");
		goto bad;
	}
	rs->r = calloc(x->u.object.len, sizeof(*rs->r));
	if (rs->r == NULL) {
		conf_fail(&l, "out of memory");
		goto bad;
	}
	for (i = 0; i < x->u.object.len; i++) {
		n = conf_enter(&l, "columns.%s", x->u.object.keys[i]);
		rs->n++;
		if (load_rule(&l, rs, &rs->r[i], x->u.object.keys[i],
		    x->u.object.values[i]) < 0)
			goto bad;
		conf_leave(&l, n);
	}
	yajl_tree_free(root);
	return rs;
bad:
	yajl_tree_free(root);
	rules_free(rs);
	return NULL;
}

/* rules_load()'s parser for conf_load(). */
static void *
parse_text(const char *json, size_t len, const char *path, void *ctx,
    struct muni_err *e)
{
	(void)ctx;
	return rules_parse(json, len, path, e);
}

struct rules *
rules_load(const char *path, struct muni_err *e)
{
	return conf_load(path, "rules", RULES_MAX_BYTES, parse_text, NULL, e);
}

static void
cond_release(struct rule_cond *c)
{
	size_t i;

	free(c->column);
	free(c->text);
	for (i = 0; i < c->nsub; i++)
		cond_release(&c->sub[i]);
	free(c->sub);
}

static void
strings_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
rules_free(struct rules *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++) {
		struct rule *r = &rs->r[i];

		free(r->column);
		free(r->text);
		free(r->domain);
		free(r->bins);
		if (r->when) {
			cond_release(r->when);
			free(r->when);
		}
	}
	free(rs->r);
	strings_free(rs->quasi, rs->nquasi);
	strings_free(rs->sensitive, rs->nsensitive);
	free(rs->domain);
	free(rs->source);
	free(rs);
}

static int
bind_cond(struct rules *rs, struct rule_cond *c, const struct record *h,
    struct muni_err *e)
{
	size_t i;

	if (c->kind == C_ALL || c->kind == C_ANY) {
		for (i = 0; i < c->nsub; i++)
			if (bind_cond(rs, &c->sub[i], h, e) < 0)
				return -1;
		return 0;
	}
	if ((c->col = record_find(h, c->column)) < 0) {
		err_set(e, MUNI_EXIT_USAGE, "rules '%s': a condition reads the "
		    "column '%s', which the input does not have", rs->source,
		    c->column);
		return -1;
	}
	return 0;
}

int
rules_bind(struct rules *rs, const struct record *header,
    struct muni_err *e)
{
	struct buf missing;
	size_t i, j, nmissing = 0;
	int found;

	for (i = 0; i < rs->n; i++) {
		rs->r[i].col = record_find(header, rs->r[i].column);
		if (rs->r[i].col < 0) {
			err_set(e, MUNI_EXIT_USAGE, "rules '%s': a rule is given "
			    "for the column '%s', which the input does not "
			    "have", rs->source, rs->r[i].column);
			return -1;
		}
		if (rs->r[i].when && bind_cond(rs, rs->r[i].when, header, e) < 0)
			return -1;
	}
	buf_init(&missing, 4096);
	for (j = 0; j < header->nfields; j++) {
		for (i = 0, found = 0; i < rs->n && !found; i++)
			found = rs->r[i].col == (long)j;
		if (!found && nmissing++ < 20)
			buf_addf(&missing, "%s'%.*s'", nmissing > 1 ? ", " : "",
			    (int)header->fields[j].len, header->fields[j].ptr);
	}
	if (nmissing > 0) {
		err_set(e, MUNI_EXIT_USAGE, "rules '%s': no decision for %zu "
		    "column%s of the input: %s%s (give each one an action, "
		    "\"keep\" included; --scan proposes rules)", rs->source,
		    nmissing, nmissing > 1 ? "s" : "", missing.ptr,
		    nmissing > 20 ? ", ..." : "");
		buf_release(&missing);
		return -1;
	}
	buf_release(&missing);
	for (i = 0; i < rs->nquasi + rs->nsensitive; i++) {
		const char *c = i < rs->nquasi ? rs->quasi[i] :
		    rs->sensitive[i - rs->nquasi];

		if (record_find(header, c) < 0) {
			err_set(e, MUNI_EXIT_USAGE, "rules '%s': the %s column "
			    "'%s' is not in the input", rs->source, i <
			    rs->nquasi ? "quasi-identifier" : "sensitive", c);
			return -1;
		}
	}
	return 0;
}

int
rules_when(const struct rule_cond *c, const struct record *rec)
{
	size_t i, n;
	const char *p;

	switch (c->kind) {
	case C_ALL:
		for (i = 0; i < c->nsub; i++)
			if (!rules_when(&c->sub[i], rec))
				return 0;
		return 1;
	case C_ANY:
		for (i = 0; i < c->nsub; i++)
			if (rules_when(&c->sub[i], rec))
				return 1;
		return 0;
	default:
		break;
	}
	p = (size_t)c->col < rec->nfields ? rec->fields[c->col].ptr : "";
	n = (size_t)c->col < rec->nfields ? rec->fields[c->col].len : 0;
	if (c->kind == C_EMPTY)
		return (n == 0) == (c->empty != 0);
	return strlen(c->text) == n && memcmp(c->text, p, n) == 0;
}
