#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "json/json.h"
#include "net/http.h"
#include "schema/schema.h"
#include "base/banned.h"

#define SCHEMA_MAX_BYTES ((size_t)16 << 20)

/* The loader's state: where in the JSON it is, for messages. */
struct loader {
	struct schema *s;
	struct muni_err *e;
	char path[256];
};

static int
fail(struct loader *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
fail(struct loader *l, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_set(l->e, MUNI_EXIT_USAGE, "schema '%s': %s%s%s", l->s->source,
	    l->path, l->path[0] ? ": " : "", msg);
	return -1;
}

/* A list of strings: ["", "NA"]. */
static int
string_list(struct loader *l, yajl_val v, char ***out, size_t *count)
{
	size_t i;

	if (!YAJL_IS_ARRAY(v))
		return fail(l, "expected an array of strings");
	*out = calloc(v->u.array.len + 1, sizeof(char *));
	if (*out == NULL)
		return fail(l, "out of memory");
	*count = 0;
	for (i = 0; i < v->u.array.len; i++) {
		yajl_val item = v->u.array.values[i];

		if (!YAJL_IS_STRING(item))
			return fail(l, "item %zu is not a string", i);
		(*out)[i] = strdup(item->u.string);
		if ((*out)[i] == NULL)
			return fail(l, "out of memory");
		(*count)++;
	}
	return 0;
}

static void
free_list(char **list, size_t count)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; i < count; i++)
		free(list[i]);
	free(list);
}

/* A count: a non-negative integer, or a string holding one. */
static int
count_value(struct loader *l, yajl_val v, size_t *out)
{
	const char *text = NULL;
	char num[64];
	char *end;
	long long x;

	if (YAJL_IS_INTEGER(v)) {
		x = YAJL_GET_INTEGER(v);
	} else if (YAJL_IS_STRING(v) || YAJL_IS_NUMBER(v)) {
		text = YAJL_IS_STRING(v) ? v->u.string : v->u.number.r;
		errno = 0;
		x = strtoll(text, &end, 10);
		if (errno || *end || end == text)
			return fail(l, "'%s' is not a whole number", text);
	} else
		return fail(l, "expected a whole number");
	if (x < 0) {
		snprintf(num, sizeof(num), "%lld", x);
		return fail(l, "'%s' is negative", num);
	}
	*out = (size_t)x;
	return 0;
}

/* The text of a scalar bound, cast with the field's own rules. */
static int
bound_value(struct loader *l, struct schema_field *f, yajl_val v,
    char **text, struct cast_value *out)
{
	char num[64];
	const char *t;

	if (YAJL_IS_STRING(v))
		t = v->u.string;
	else if (YAJL_IS_NUMBER(v))
		t = v->u.number.r;
	else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
		t = YAJL_IS_TRUE(v) ? "true" : "false";
	else
		return fail(l, "expected a value of type %s",
		    cast_type_name(f->spec.type));
	free(*text);	/* a key given twice: the last one holds */
	*text = strdup(t);
	if (*text == NULL)
		return fail(l, "out of memory");
	if (!cast_ordered(f->spec.type) && f->spec.type != TYPE_STRING &&
	    f->spec.type != TYPE_BOOLEAN && f->spec.type != TYPE_ANY &&
	    f->spec.type != TYPE_GEOPOINT && f->spec.type != TYPE_OBJECT &&
	    f->spec.type != TYPE_ARRAY && f->spec.type != TYPE_GEOJSON)
		return fail(l, "the type %s has no such constraint",
		    cast_type_name(f->spec.type));
	/*
	 * Bounds and enum items written in JSON as numbers are numbers,
	 * whatever the field's decimal character says.
	 */
	if (YAJL_IS_NUMBER(v) && (f->spec.type == TYPE_NUMBER ||
	    f->spec.type == TYPE_INTEGER)) {
		struct cast_spec plain;

		cast_spec_init(&plain, f->spec.type);
		if (cast_cell(&plain, *text, strlen(*text), out) == 0)
			return 0;
	}
	if (cast_cell(&f->spec, *text, strlen(*text), out) < 0) {
		snprintf(num, sizeof(num), "%s", *text);
		return fail(l, "'%s' is not a valid %s", num,
		    cast_type_name(f->spec.type));
	}
	/* The cast value points into *text, which the schema owns. */
	return 0;
}

static int
compile_pattern(struct loader *l, struct constraint_set *c, const char *re)
{
	struct buf anchored;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE offset;
	int code;

	/* A key given twice: the last one holds. */
	free(c->pattern);
	if (c->pattern_match)
		pcre2_match_data_free(c->pattern_match);
	if (c->pattern_code)
		pcre2_code_free(c->pattern_code);
	c->pattern_match = c->pattern_code = NULL;
	c->pattern = strdup(re);
	if (c->pattern == NULL)
		return fail(l, "out of memory");
	/*
	 * The whole value must match, as the Table Schema specification
	 * says: the pattern is wrapped in a group, so a top-level
	 * alternation "oui|non" does not accept "ouix" (frictionless-py
	 * builds "^" + pattern + "$" without a group, and does).
	 */
	buf_init(&anchored, strlen(re) + 16);
	if (buf_addf(&anchored, "(?:%s)\\z", re) < 0)
		return fail(l, "out of memory");
	c->pattern_code = pcre2_compile((PCRE2_SPTR)anchored.ptr,
	    anchored.len, PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ALT_BSUX |
	    PCRE2_MATCH_INVALID_UTF, &code, &offset, NULL);
	buf_release(&anchored);
	if (c->pattern_code == NULL) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		return fail(l, "'%s' is not a valid regular expression: %s",
		    re, (char *)msg);
	}
	pcre2_jit_compile(c->pattern_code, PCRE2_JIT_COMPLETE);
	c->pattern_match = pcre2_match_data_create_from_pattern(
	    c->pattern_code, NULL);
	if (c->pattern_match == NULL)
		return fail(l, "out of memory");
	return 0;
}

static int
load_constraints(struct loader *l, struct schema_field *f, yajl_val c,
    size_t base)
{
	struct constraint_set *cs = &f->c;
	size_t i;

	if (!YAJL_IS_OBJECT(c))
		return fail(l, "expected an object");
	for (i = 0; i < c->u.object.len; i++) {
		const char *key = c->u.object.keys[i];
		yajl_val v = c->u.object.values[i];

		snprintf(l->path + base, sizeof(l->path) - base, ".%s", key);
		if (strcmp(key, "required") == 0 || strcmp(key, "unique") == 0) {
			int on;

			if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
				on = YAJL_IS_TRUE(v);
			else if (YAJL_IS_STRING(v) &&
			    (strcmp(v->u.string, "true") == 0 ||
			    strcmp(v->u.string, "false") == 0))
				on = v->u.string[0] == 't';
			else
				return fail(l, "expected true or false");
			if (key[0] == 'r')
				cs->required = on;
			else
				cs->unique = on;
		} else if (strcmp(key, "minLength") == 0) {
			if (count_value(l, v, &cs->min_length) < 0)
				return -1;
			cs->has_min_length = 1;
		} else if (strcmp(key, "maxLength") == 0) {
			if (count_value(l, v, &cs->max_length) < 0)
				return -1;
			cs->has_max_length = 1;
		} else if (strcmp(key, "minimum") == 0) {
			if (bound_value(l, f, v, &cs->minimum_text,
			    &cs->minimum) < 0)
				return -1;
			cs->has_minimum = cast_ordered(f->spec.type);
		} else if (strcmp(key, "maximum") == 0) {
			if (bound_value(l, f, v, &cs->maximum_text,
			    &cs->maximum) < 0)
				return -1;
			cs->has_maximum = cast_ordered(f->spec.type);
		} else if (strcmp(key, "pattern") == 0) {
			if (!YAJL_IS_STRING(v))
				return fail(l, "expected a string");
			if (compile_pattern(l, cs, v->u.string) < 0)
				return -1;
		} else if (strcmp(key, "enum") == 0) {
			size_t k;

			if (!YAJL_IS_ARRAY(v))
				return fail(l, "expected an array");
			free_list(cs->enum_text, cs->nenum);
			free(cs->enum_values);
			cs->nenum = v->u.array.len;
			cs->enum_text = calloc(cs->nenum + 1, sizeof(char *));
			cs->enum_values = calloc(cs->nenum + 1,
			    sizeof(*cs->enum_values));
			if (!cs->enum_text || !cs->enum_values)
				return fail(l, "out of memory");
			for (k = 0; k < cs->nenum; k++) {
				size_t at = strlen(l->path);

				snprintf(l->path + at, sizeof(l->path) - at,
				    "[%zu]", k);
				if (bound_value(l, f, v->u.array.values[k],
				    &cs->enum_text[k], &cs->enum_values[k]) < 0)
					return -1;
				l->path[at] = '\0';
			}
		}
		/* Other keys (exclusiveMinimum, jsonSchema...) are ignored. */
	}
	l->path[base] = '\0';
	return 0;
}

/* One decimalChar or groupChar: a short UTF-8 string. */
static int
char_option(struct loader *l, yajl_val v, char out[8])
{
	if (!YAJL_IS_STRING(v) || strlen(v->u.string) >= 8)
		return fail(l, "expected a short string");
	snprintf(out, 8, "%s", v->u.string);
	return 0;
}

static int
load_field(struct loader *l, struct schema_field *f, yajl_val v, size_t idx)
{
	yajl_val x;
	size_t base;
	int type = TYPE_STRING;

	snprintf(l->path, sizeof(l->path), "fields[%zu]", idx);
	base = strlen(l->path);
	if (!YAJL_IS_OBJECT(v))
		return fail(l, "a field must be an object");
	x = json_member(v, "name");
	if (x == NULL || !YAJL_IS_STRING(x))
		return fail(l, "a field needs a name (a string)");
	f->name = strdup(x->u.string);
	x = json_member(v, "title");
	if (x && YAJL_IS_STRING(x))
		f->title = strdup(x->u.string);
	x = json_member(v, "type");
	if (x) {
		snprintf(l->path + base, sizeof(l->path) - base, ".type");
		if (!YAJL_IS_STRING(x) ||
		    (type = cast_type_from_name(x->u.string)) < 0)
			return fail(l, "'%s' is not a Table Schema type "
			    "(string, number, integer, boolean, date, time, "
			    "datetime, year, yearmonth, duration, geopoint, "
			    "geojson, object, array, any)",
			    YAJL_IS_STRING(x) ? x->u.string : "?");
	}
	cast_spec_init(&f->spec, (enum field_type)type);
	x = json_member(v, "format");
	if (x) {
		snprintf(l->path + base, sizeof(l->path) - base, ".format");
		if (!YAJL_IS_STRING(x))
			return fail(l, "expected a string");
		if (cast_spec_set_format(&f->spec, x->u.string) < 0)
			return fail(l, "out of memory");
		if (!cast_format_known(&f->spec))
			return fail(l, "'%s' is not a format of type %s",
			    x->u.string, cast_type_name(f->spec.type));
	}
	if (f->spec.format == NULL &&
	    cast_spec_set_format(&f->spec, "default") < 0)
		return fail(l, "out of memory");
	if ((x = json_member(v, "decimalChar"))) {
		snprintf(l->path + base, sizeof(l->path) - base, ".decimalChar");
		if (char_option(l, x, f->spec.decimal_char) < 0)
			return -1;
	}
	if ((x = json_member(v, "groupChar"))) {
		snprintf(l->path + base, sizeof(l->path) - base, ".groupChar");
		if (char_option(l, x, f->spec.group_char) < 0)
			return -1;
	}
	if ((x = json_member(v, "bareNumber"))) {
		snprintf(l->path + base, sizeof(l->path) - base, ".bareNumber");
		if (!YAJL_IS_TRUE(x) && !YAJL_IS_FALSE(x))
			return fail(l, "expected true or false");
		f->spec.bare_number = YAJL_IS_TRUE(x);
	}
	if ((x = json_member(v, "trueValues"))) {
		snprintf(l->path + base, sizeof(l->path) - base, ".trueValues");
		if (string_list(l, x, &f->spec.true_values, &f->spec.ntrue) < 0)
			return -1;
	}
	if ((x = json_member(v, "falseValues"))) {
		snprintf(l->path + base, sizeof(l->path) - base, ".falseValues");
		if (string_list(l, x, &f->spec.false_values,
		    &f->spec.nfalse) < 0)
			return -1;
	}
	if ((x = json_member(v, "missingValues"))) {
		snprintf(l->path + base, sizeof(l->path) - base,
		    ".missingValues");
		if (string_list(l, x, &f->missing, &f->nmissing) < 0)
			return -1;
	}
	if ((x = json_member(v, "constraints"))) {
		snprintf(l->path + base, sizeof(l->path) - base, ".constraints");
		if (load_constraints(l, f, x, strlen(l->path)) < 0)
			return -1;
	}
	l->path[0] = '\0';
	return 0;
}

/* A list of field names (an array, or one bare string) as indices. */
static int
name_list(struct loader *l, yajl_val v, size_t **out, size_t *count,
    int resolve)
{
	size_t n = YAJL_IS_STRING(v) ? 1 : YAJL_IS_ARRAY(v) ? v->u.array.len : 0;
	size_t i;

	if (n == 0)
		return fail(l, "expected a field name or an array of names");
	*out = calloc(n, sizeof(size_t));
	if (*out == NULL)
		return fail(l, "out of memory");
	for (i = 0; i < n; i++) {
		yajl_val item = YAJL_IS_STRING(v) ? v : v->u.array.values[i];
		long k;

		if (!YAJL_IS_STRING(item))
			return fail(l, "item %zu is not a field name", i);
		if (resolve) {
			k = schema_field_index(l->s, item->u.string,
			    strlen(item->u.string));
			if (k < 0)
				return fail(l, "'%s' is not a field of the "
				    "schema", item->u.string);
			(*out)[i] = (size_t)k;
		}
	}
	*count = n;
	return 0;
}

static int
load_foreign_keys(struct loader *l, yajl_val v)
{
	size_t i;

	if (!YAJL_IS_ARRAY(v))
		return fail(l, "expected an array");
	l->s->fks = calloc(v->u.array.len + 1, sizeof(*l->s->fks));
	if (l->s->fks == NULL)
		return fail(l, "out of memory");
	for (i = 0; i < v->u.array.len; i++) {
		struct foreign_key *fk = &l->s->fks[i];
		yajl_val item = v->u.array.values[i], fields, ref, res, rf;
		size_t k, dummy;

		l->s->nfk++;
		snprintf(l->path, sizeof(l->path), "foreignKeys[%zu]", i);
		fields = json_member(item, "fields");
		ref = json_member(item, "reference");
		if (fields == NULL || ref == NULL || !YAJL_IS_OBJECT(ref))
			return fail(l, "a foreign key needs fields and a "
			    "reference");
		if (name_list(l, fields, &fk->fields, &fk->nfields, 1) < 0)
			return -1;
		res = json_member(ref, "resource");
		fk->resource = strdup(res && YAJL_IS_STRING(res) ?
		    res->u.string : "");
		rf = json_member(ref, "fields");
		if (rf == NULL)
			return fail(l, "the reference needs fields");
		{
			size_t *unused = NULL;

			if (name_list(l, rf, &unused, &dummy, 0) < 0) {
				free(unused);
				return -1;
			}
			free(unused);
		}
		if (dummy != fk->nfields)
			return fail(l, "fields and reference fields differ in "
			    "number");
		fk->ref_fields = calloc(dummy + 1, sizeof(char *));
		if (fk->ref_fields == NULL)
			return fail(l, "out of memory");
		for (k = 0; k < dummy; k++) {
			yajl_val name = YAJL_IS_STRING(rf) ? rf :
			    rf->u.array.values[k];

			fk->ref_fields[k] = strdup(name->u.string);
			fk->nref++;
		}
	}
	l->path[0] = '\0';
	return 0;
}

static int
load_checks(struct loader *l, yajl_val v)
{
	size_t i;

	if (!YAJL_IS_ARRAY(v))
		return fail(l, "expected an array");
	l->s->checks = calloc(v->u.array.len + 1, sizeof(*l->s->checks));
	if (l->s->checks == NULL)
		return fail(l, "out of memory");
	for (i = 0; i < v->u.array.len; i++) {
		struct custom_check *c = &l->s->checks[i];
		yajl_val item = v->u.array.values[i], name, params, col;


		snprintf(l->path, sizeof(l->path), "custom_checks[%zu]", i);
		name = json_member(item, "name");
		if (name == NULL || !YAJL_IS_STRING(name))
			return fail(l, "a custom check needs a name");
		c->name = strdup(name->u.string);
		l->s->nchecks++;
		params = json_member(item, "params");
		if (params == NULL)
			continue;
		if (!YAJL_IS_OBJECT(params))
			return fail(l, "params must be an object");
		col = json_member(params, "column");
		if (col == NULL)
			col = json_member(params, "column1");
		if (col && YAJL_IS_STRING(col))
			c->column = strdup(col->u.string);
		col = json_member(params, "column2");
		if (col && YAJL_IS_STRING(col))
			c->column2 = strdup(col->u.string);
		col = json_member(params, "othercolumns");
		if (col == NULL)
			col = json_member(params, "columns");
		if (col) {
			snprintf(l->path, sizeof(l->path),
			    "custom_checks[%zu].params", i);
			if (string_list(l, col, &c->columns, &c->ncolumns) < 0)
				return -1;
		}
		col = json_member(params, "op");
		if (col && YAJL_IS_STRING(col))
			c->op = strdup(col->u.string);
		col = json_member(params, "allow-year-only");
		if (col && (YAJL_IS_TRUE(col) || (YAJL_IS_STRING(col) &&
		    (strcmp(col->u.string, "true") == 0 ||
		    strcmp(col->u.string, "yes") == 0))))
			c->allow_year_only = 1;
	}
	l->path[0] = '\0';
	return 0;
}

struct schema *
schema_parse(const char *json, size_t len, const char *source,
    struct muni_err *e)
{
	struct loader l;
	struct schema *s;
	yajl_val root, fields, x;
	char errbuf[512], *copy;
	size_t i;

	s = calloc(1, sizeof(*s));
	copy = malloc(len + 1);
	if (s == NULL || copy == NULL) {
		free(s);
		free(copy);
		err_set(e, MUNI_EXIT_IO, "out of memory reading a schema");
		return NULL;
	}
	memcpy(copy, json, len);
	copy[len] = '\0';
	s->source = strdup(source);
	l.s = s;
	l.e = e;
	l.path[0] = '\0';
	errbuf[0] = '\0';
	root = json_parse(copy, errbuf, sizeof(errbuf));
	free(copy);
	if (root == NULL) {
		char *nl = strchr(errbuf, '\n');

		/* yajl's first line says what; the rest draws where. */
		if (nl)
			*nl = '\0';
		fail(&l, "not valid JSON: %s", errbuf);
		schema_free(s);
		return NULL;
	}
	if (!YAJL_IS_OBJECT(root)) {
		fail(&l, "a Table Schema is a JSON object");
		goto bad;
	}
	fields = json_member(root, "fields");
	if (fields == NULL || !YAJL_IS_ARRAY(fields)) {
		fail(&l, "a Table Schema needs \"fields\", an array");
		goto bad;
	}
	s->fields = calloc(fields->u.array.len + 1, sizeof(*s->fields));
	if (s->fields == NULL) {
		fail(&l, "out of memory");
		goto bad;
	}
	for (i = 0; i < fields->u.array.len; i++) {
		s->nfields++;
		if (load_field(&l, &s->fields[i], fields->u.array.values[i],
		    i) < 0)
			goto bad;
	}
	if ((x = json_member(root, "missingValues"))) {
		snprintf(l.path, sizeof(l.path), "missingValues");
		if (string_list(&l, x, &s->missing, &s->nmissing) < 0)
			goto bad;
		l.path[0] = '\0';
	} else {
		s->missing = calloc(2, sizeof(char *));
		if (s->missing == NULL || (s->missing[0] = strdup("")) == NULL) {
			fail(&l, "out of memory");
			goto bad;
		}
		s->nmissing = 1;
	}
	for (i = 0; i < s->nfields; i++)
		if (s->fields[i].missing == NULL) {
			s->fields[i].missing = s->missing;
			s->fields[i].nmissing = s->nmissing;
		}
	if ((x = json_member(root, "primaryKey"))) {
		snprintf(l.path, sizeof(l.path), "primaryKey");
		if (name_list(&l, x, &s->primary_key, &s->npk, 1) < 0)
			goto bad;
		l.path[0] = '\0';
	}
	if ((x = json_member(root, "foreignKeys")) &&
	    load_foreign_keys(&l, x) < 0)
		goto bad;
	if ((x = json_member(root, "custom_checks")) && load_checks(&l, x) < 0)
		goto bad;
	yajl_tree_free(root);
	return s;
bad:
	yajl_tree_free(root);
	schema_free(s);
	return NULL;
}

struct schema *
schema_load(const char *path, struct muni_err *e)
{
	struct schema *s;
	struct buf text;
	int fd;

	if (http_is_url(path)) {
		buf_init(&text, SCHEMA_MAX_BYTES);
		if (http_get(path, &text, MUNI_EXIT_USAGE, e) < 0) {
			buf_release(&text);
			return NULL;
		}
		s = schema_parse(text.ptr, text.len, path, e);
		buf_release(&text);
		return s;
	}
	fd = fd_open_input(path, NULL);
	if (fd < 0) {
		err_sys(e, MUNI_EXIT_USAGE, errno, "cannot open schema '%s'",
		    path);
		return NULL;
	}
	buf_init(&text, SCHEMA_MAX_BYTES);
	if (fd_read_all(fd, &text) < 0) {
		if (errno == EFBIG)
			err_set(e, MUNI_EXIT_USAGE, "schema '%s' is larger "
			    "than %zu bytes", path, SCHEMA_MAX_BYTES);
		else
			err_sys(e, MUNI_EXIT_USAGE, errno,
			    "cannot read schema '%s'", path);
		goto fail;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	s = schema_parse(text.ptr, text.len, path, e);
	buf_release(&text);
	return s;
fail:
	if (fd != STDIN_FILENO)
		close(fd);
	buf_release(&text);
	return NULL;
}

static void
constraints_release(struct constraint_set *c)
{
	free(c->minimum_text);
	free(c->maximum_text);
	free(c->pattern);
	if (c->pattern_match)
		pcre2_match_data_free(c->pattern_match);
	if (c->pattern_code)
		pcre2_code_free(c->pattern_code);
	free_list(c->enum_text, c->nenum);
	free(c->enum_values);
}

void
schema_free(struct schema *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nfields; i++) {
		struct schema_field *f = &s->fields[i];

		free(f->name);
		free(f->title);
		cast_spec_release(&f->spec);
		if (f->missing != s->missing)
			free_list(f->missing, f->nmissing);
		constraints_release(&f->c);
	}
	free(s->fields);
	free_list(s->missing, s->nmissing);
	free(s->primary_key);
	for (i = 0; i < s->nfk; i++) {
		free(s->fks[i].fields);
		free(s->fks[i].resource);
		free_list(s->fks[i].ref_fields, s->fks[i].nref);
	}
	free(s->fks);
	for (i = 0; i < s->nchecks; i++) {
		free(s->checks[i].name);
		free(s->checks[i].column);
		free(s->checks[i].column2);
		free_list(s->checks[i].columns, s->checks[i].ncolumns);
		free(s->checks[i].op);
	}
	free(s->checks);
	free(s->source);
	free(s);
}

long
schema_field_index(const struct schema *s, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < s->nfields; i++)
		if (strlen(s->fields[i].name) == len &&
		    memcmp(s->fields[i].name, name, len) == 0)
			return (long)i;
	return -1;
}

int
schema_is_missing(const struct schema_field *f, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < f->nmissing; i++) {
		const char *m = f->missing[i];

		/* The empty string is the usual missing value: no strlen. */
		if (n == 0 ? m[0] == '\0' : (m[0] == p[0] &&
		    strlen(m) == n && memcmp(m, p, n) == 0))
			return 1;
	}
	return 0;
}
