/*
 * mapping.c is long because it loads every operation's arguments, each with
 * its own checks and messages naming the JSON path: one loader an
 * operation, found through the table ops[].
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <fcntl.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "base/fdio.h"
#include "json/conf.h"
#include "json/json.h"
#include "schema/cast.h"
#include "transform/decimal.h"
#include "transform/mapping.h"
#include "transform/reproject.h"
#include "base/banned.h"

#define MAP_MAX_BYTES ((size_t)16 << 20)

struct loader {
	struct conf j;			/* first: the path and the errors */
	struct mapping *m;
	const char *dir;
};

/* re compiled (UTF-8, Unicode classes): 0; -1 a bad pattern; -2 memory. */
static int
pattern(const char *re, void **code, void **md, int *err, PCRE2_SIZE *at)
{
	*code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, err, at, NULL);
	if (*code == NULL)
		return -1;
	*md = pcre2_match_data_create_from_pattern(*code, NULL);
	return *md ? 0 : -2;
}

static int
compile(struct loader *l, const char *re, void **code, void **md)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE at;
	int err;

	switch (pattern(re, code, md, &err, &at)) {
	case 0:
		return 0;
	case -1:
		pcre2_get_error_message(err, msg, sizeof(msg));
		return conf_fail(&l->j, "bad pattern at character %zu: %s",
		    (size_t)at, (char *)msg);
	default:
		return conf_fail(&l->j, "out of memory");
	}
}

int
mapping_compile_op(struct value_op *op, const char *re)
{
	PCRE2_SIZE at;
	int err;

	if ((op->regex = strdup(re)) == NULL)
		return -1;
	return pattern(re, &op->re, &op->md, &err, &at) < 0 ? -1 : 0;
}

/* A lookup file: a CSV whose key and value columns are named. */
static int
load_table(struct loader *l, struct value_op *op, const char *file,
    const char *key, const char *value)
{
	char path[4096];
	struct csvin_options copt;
	struct csvin *in;
	struct record *rec;
	struct muni_err e2;
	long kc = 0, vc = 1;
	size_t i;
	int fd, rc;

	if (file[0] == '/' || l->dir == NULL)
		snprintf(path, sizeof(path), "%s", file);
	else
		snprintf(path, sizeof(path), "%s/%s", l->dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return conf_fail(&l->j, "cannot open the lookup file '%s': %s",
		    path, strerror(errno));
	memset(&copt, 0, sizeof(copt));
	err_clear(&e2);
	in = csvin_new(fd, path, &copt, &e2);
	rc = in ? csvin_next(in, &rec, &e2) : -1;
	if (rc > 0 && (key || value)) {
		kc = vc = -1;
		for (i = 0; i < rec->nfields; i++) {
			if (key && strlen(key) == rec->fields[i].len &&
			    memcmp(key, rec->fields[i].ptr, rec->fields[i].len) == 0)
				kc = (long)i;
			if (value && strlen(value) == rec->fields[i].len &&
			    memcmp(value, rec->fields[i].ptr,
			    rec->fields[i].len) == 0)
				vc = (long)i;
		}
		if (!key)
			kc = 0;
		if (!value)
			vc = kc == 0 ? 1 : 0;
	}
	if (rc > 0 && (kc < 0 || vc < 0 || (size_t)(kc > vc ? kc : vc) >=
	    rec->nfields)) {
		csvin_free(in);
		close(fd);
		return conf_fail(&l->j, "the lookup file '%s' has no column %s",
		    path,
		    kc < 0    ? key :
			value ? value :
				"2");
	}
	while (rc > 0 && (rc = csvin_next(in, &rec, &e2)) > 0) {
		/* A row whose value is empty is not filled in yet. */
		if ((size_t)kc >= rec->nfields || (size_t)vc >= rec->nfields ||
		    rec->fields[vc].len == 0)
			continue;
		if (value_table_add(op->table, rec->fields[kc].ptr,
		    rec->fields[kc].len, (size_t)vc < rec->nfields ?
		    rec->fields[vc].ptr : "", (size_t)vc < rec->nfields ?
		    rec->fields[vc].len : 0) < 0) {
			rc = -1;
			snprintf(e2.msg, sizeof(e2.msg), "it is too large");
		}
	}
	csvin_free(in);
	close(fd);
	if (rc < 0)
		return conf_fail(&l->j, "cannot read the lookup file '%s': %s",
		    path, e2.msg);
	return 0;
}

/*
 * Each operation's loader reads its arguments from the object v (or finds
 * the defaults when the operation is written as its name alone) into op;
 * -1 with the error in l->j. What it allocated in op is freed by the
 * caller's value_op_release(), what it did not keep is freed here.
 */
typedef int op_loader(struct loader *l, struct value_op *op, yajl_val v);

static int
load_replace(struct loader *l, struct value_op *op, yajl_val v)
{
	char *re = NULL;
	size_t n;
	int rc = -1;

	if (conf_string(&l->j, v, "find", &op->text, NULL) < 0 ||
	    conf_string(&l->j, v, "regex", &re, NULL) < 0 ||
	    conf_string(&l->j, v, "with", &op->with, NULL) < 0)
		goto done;
	if ((op->text == NULL) == (re == NULL)) {
		conf_fail(&l->j, "\"replace\" takes \"find\" (a text) or "
		    "\"regex\" (a pattern)");
		goto done;
	}
	if (op->with == NULL) {
		conf_fail(&l->j, "\"replace\" needs \"with\"");
		goto done;
	}
	if (re) {
		n = conf_enter(&l->j, ".regex");
		if (compile(l, re, &op->re, &op->md) < 0)
			goto done;
		conf_leave(&l->j, n);
		op->regex = re;
		re = NULL;
	}
	rc = 0;
done:
	free(re);
	return rc;
}

static int
load_extract(struct loader *l, struct value_op *op, yajl_val v)
{
	char *re = NULL;
	uint32_t groups = 0;
	size_t n;
	int rc;

	if (conf_string(&l->j, v, "regex", &re, NULL) < 0)
		return -1;
	if (re == NULL)
		return conf_fail(&l->j, "\"extract\" needs \"regex\"");
	n = conf_enter(&l->j, ".regex");
	rc = compile(l, re, &op->re, &op->md);
	op->regex = re;
	if (rc < 0)
		return -1;
	conf_leave(&l->j, n);
	pcre2_pattern_info(op->re, PCRE2_INFO_CAPTURECOUNT, &groups);
	return conf_integer(&l->j, v, "group", &op->number, groups ? 1 : 0,
	    0, (long)groups);
}

static int
load_split(struct loader *l, struct value_op *op, yajl_val v)
{
	if (conf_string(&l->j, v, "separator", &op->text, NULL) < 0 ||
	    conf_integer(&l->j, v, "index", &op->number, 0, -1000, 1000) < 0)
		return -1;
	if (op->text == NULL || op->text[0] == '\0')
		return conf_fail(&l->j, "\"split\" needs a \"separator\"");
	return 0;
}

static int
load_pad(struct loader *l, struct value_op *op, yajl_val v)
{
	char *c = NULL;
	int rc = -1;

	if (conf_integer(&l->j, v, "width", &op->number, -1, 1, 1000) < 0 ||
	    conf_string(&l->j, v, "char", &c, "0") < 0)
		goto done;
	if (op->number < 0) {
		conf_fail(&l->j, "\"pad\" needs \"width\"");
		goto done;
	}
	if (strlen(c) == 0 || strlen(c) >= sizeof(op->pad) ||
	    utf8_length(c, strlen(c)) != 1) {
		conf_fail(&l->j, "\"char\" is one character");
		goto done;
	}
	memcpy(op->pad, c, strlen(c) + 1);
	rc = 0;
done:
	free(c);
	return rc;
}

static int
load_number(struct loader *l, struct value_op *op, yajl_val v)
{
	char *d = NULL;
	yajl_val x;

	if (v == NULL)
		return 0;
	if (conf_string(&l->j, v, "decimal", &d, NULL) < 0)
		return -1;
	if (d && strcmp(d, ",") && strcmp(d, ".")) {
		free(d);
		return conf_fail(&l->j, "\"decimal\" is \",\" or \".\"");
	}
	op->decimal = d ? d[0] : 0;
	free(d);
	x = json_member(v, "percent");
	if (x && !YAJL_IS_TRUE(x) && !YAJL_IS_FALSE(x))
		return conf_fail(&l->j, "\"percent\" is true (12,5 %% "
		    "becomes 0.125) or false");
	op->ratio = x && YAJL_IS_TRUE(x);
	return 0;
}

/* Each directive of f is one value_strptime() reads: 0, or -1. */
static int
check_format(struct loader *l, const char *f)
{
	for (; *f; f++) {
		if (*f != '%')
			continue;
		if (f[1] == '\0' || !strchr("deYmyBbHMS%", f[1]))
			return conf_fail(&l->j, "'%%%c' is not a directive "
			    "muni reads (%%d %%e %%m %%Y %%y %%B %%b %%H %%M "
			    "%%S)", f[1] ? f[1] : ' ');
		f++;
	}
	return 0;
}

static int
load_date(struct loader *l, struct value_op *op, yajl_val v)
{
	yajl_val x, formats = json_member(v, "formats");
	size_t i, n;

	x = formats ? formats : json_member(v, "format");
	if (x == NULL)
		return conf_fail(&l->j, "\"%s\" needs \"format\" "
		    "(\"%%d/%%m/%%Y\") or \"formats\"",
		    op->kind == VALUE_DATE ? "date" : "datetime");
	n = conf_enter(&l->j, ".format%s", formats ? "s" : "");
	if (conf_strings(&l->j, x, &op->formats, &op->nformats) < 0)
		return -1;
	for (i = 0; i < op->nformats; i++)
		if (check_format(l, op->formats[i]) < 0)
			return -1;
	conf_leave(&l->j, n);
	return conf_integer(&l->j, v, "pivot", &op->number, 69, 0, 99);
}

static int
load_boolean(struct loader *l, struct value_op *op, yajl_val v)
{
	if (v == NULL) {
		if ((op->text = strdup("true")) == NULL ||
		    (op->with = strdup("false")) == NULL)
			return conf_fail(&l->j, "out of memory");
		return 0;
	}
	if (conf_string(&l->j, v, "true", &op->text, "true") < 0 ||
	    conf_string(&l->j, v, "false", &op->with, "false") < 0)
		return -1;
	return 0;
}

/* "values": {"from": "to", ...} into op's table. */
static int
load_values(struct loader *l, struct value_op *op, yajl_val x)
{
	size_t i, n;

	if (!YAJL_IS_OBJECT(x))
		return conf_fail(&l->j,
		    "\"values\" is an object: {\"from\": \"to\"}");
	for (i = 0; i < x->u.object.len; i++) {
		yajl_val to = x->u.object.values[i];
		const char *k = x->u.object.keys[i];

		if (!YAJL_IS_STRING(to)) {
			n = conf_enter(&l->j, ".values.%s", k);
			conf_fail(&l->j, "a string is expected");
			conf_leave(&l->j, n);
			return -1;
		}
		if (value_table_add(op->table, k, strlen(k), to->u.string,
		    strlen(to->u.string)) < 0)
			return conf_fail(&l->j, "out of memory");
	}
	return 0;
}

static int
load_map(struct loader *l, struct value_op *op, yajl_val v)
{
	char *key = NULL, *value = NULL, *file = NULL;
	yajl_val x;
	size_t n;
	int rc = -1;

	op->table = calloc(1, sizeof(*op->table));
	if (op->table == NULL)
		return conf_fail(&l->j, "out of memory");
	value_table_init(op->table);
	if (conf_string(&l->j, v, "default", &op->text, NULL) < 0 ||
	    conf_string(&l->j, v, "file", &file, NULL) < 0 ||
	    conf_string(&l->j, v, "key", &key, NULL) < 0 ||
	    conf_string(&l->j, v, "value", &value, NULL) < 0)
		goto done;
	op->has_default = op->text != NULL;
	x = json_member(v, "values");
	if (x == NULL && file == NULL) {
		conf_fail(&l->j, "\"map\" needs \"values\" or \"file\"");
		goto done;
	}
	if (x && load_values(l, op, x) < 0)
		goto done;
	if (file) {
		n = conf_enter(&l->j, ".file");
		if (load_table(l, op, file, key, value) < 0)
			goto done;
		conf_leave(&l->j, n);
	}
	rc = 0;
done:
	free(file);
	free(key);
	free(value);
	return rc;
}

static int
load_phone(struct loader *l, struct value_op *op, yajl_val v)
{
	char *f = NULL;
	int rc = 0;

	if (v == NULL)
		return 0;
	if (conf_string(&l->j, v, "format", &f, "national") < 0)
		return -1;
	if (strcmp(f, "national") && strcmp(f, "e164"))
		rc = conf_fail(&l->j, "\"format\" is \"national\" or "
		    "\"e164\"");
	op->e164 = strcmp(f, "e164") == 0;
	free(f);
	return rc;
}

static int
load_default(struct loader *l, struct value_op *op, yajl_val v)
{
	if (conf_string(&l->j, v, "value", &op->text, NULL) < 0)
		return -1;
	if (op->text == NULL)
		return conf_fail(&l->j, "\"default\" needs \"value\"");
	return 0;
}

/* The "columns" an operation (its name) reads beside its value. */
static int
load_columns(struct loader *l, struct value_op *op, yajl_val v,
    const char *name)
{
	yajl_val x = json_member(v, "columns");
	size_t n;

	if (x == NULL)
		return conf_fail(&l->j, "\"%s\" needs \"columns\"", name);
	n = conf_enter(&l->j, ".columns");
	if (conf_strings(&l->j, x, &op->columns, &op->ncolumns) < 0)
		return -1;
	conf_leave(&l->j, n);
	op->cols = calloc(op->ncolumns, sizeof(long));
	if (op->cols == NULL)
		return conf_fail(&l->j, "out of memory");
	return 0;
}

static int
load_concat(struct loader *l, struct value_op *op, yajl_val v)
{
	if (load_columns(l, op, v, "concat") < 0)
		return -1;
	return conf_string(&l->j, v, "separator", &op->text, " ");
}

static int
load_coalesce(struct loader *l, struct value_op *op, yajl_val v)
{
	return load_columns(l, op, v, "coalesce");
}

/* The number of an arithmetic operation: a JSON number or its text. */
static int
load_operand(struct loader *l, struct value_op *op, yajl_val x,
    const char *key)
{
	const char *text = YAJL_IS_NUMBER(x) ? x->u.number.r :
	    YAJL_IS_STRING(x) ? x->u.string : NULL;
	size_t n = conf_enter(&l->j, ".%s", key);

	op->operand = calloc(1, sizeof(*op->operand));
	if (op->operand == NULL)
		return conf_fail(&l->j, "out of memory");
	if (text == NULL || decimal_parse(text, strlen(text),
	    op->operand) < 0)
		return conf_fail(&l->j, "a number is expected (12.5, or "
		    "\"12.5\")");
	conf_leave(&l->j, n);
	return 0;
}

static int
load_arith(struct loader *l, struct value_op *op, yajl_val v)
{
	const char *key = op->kind == VALUE_ADD ? "value" : "by";
	const char *name = op->kind == VALUE_ADD ? "add" :
	    op->kind == VALUE_MULTIPLY ? "multiply" : "divide";
	yajl_val x = json_member(v, key);
	char *column = NULL;

	if (conf_integer(&l->j, v, "places", &op->number,
	    op->kind == VALUE_ROUND ? 0 : -1, 0, DECIMAL_MAX_PLACES) < 0)
		return -1;
	if (op->kind == VALUE_ROUND)
		return 0;
	if (conf_string(&l->j, v, "column", &column, NULL) < 0)
		return -1;
	if ((x == NULL) == (column == NULL)) {
		free(column);
		return conf_fail(&l->j, "\"%s\" takes \"%s\" (a number) or "
		    "\"column\" (the column holding it), one of them", name,
		    key);
	}
	if (column) {
		op->columns = calloc(1, sizeof(*op->columns));
		op->cols = calloc(1, sizeof(long));
		if (op->columns == NULL || op->cols == NULL) {
			free(column);
			return conf_fail(&l->j, "out of memory");
		}
		op->columns[0] = column;
		op->ncolumns = 1;
		return 0;
	}
	return load_operand(l, op, x, key);
}

static int
load_uuid(struct loader *l, struct value_op *op, yajl_val v)
{
	char *ns = NULL;
	long version;
	int rc = 0;

	if (conf_integer(&l->j, v, "version", &version, 5, 4, 5) < 0 ||
	    conf_string(&l->j, v, "namespace", &ns, NULL) < 0)
		return -1;
	op->version = (int)version;
	if (version == 4 && ns)
		rc = conf_fail(&l->j, "a version 4 UUID is random: it takes no "
		    "\"namespace\"");
	else if (version == 5 && ns == NULL)
		rc = conf_fail(&l->j, "\"uuid\" needs \"namespace\": a UUID of "
		    "your own (uuidgen makes one) or \"url\", \"dns\", "
		    "\"oid\", \"x500\"");
	else if (ns && value_uuid_namespace(ns, op->ns) < 0) {
		size_t n = conf_enter(&l->j, ".namespace");

		rc = conf_fail(&l->j, "'%s' is not a UUID "
		    "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) nor \"url\", "
		    "\"dns\", \"oid\", \"x500\"", ns);
		conf_leave(&l->j, n);
	}
	free(ns);
	return rc;
}

/* What reproject writes, by the names of its "output". */
static const char *const point_names[] = {
	[POINT_GEOPOINT] = "geopoint", [POINT_LON] = "lon",
	[POINT_LAT] = "lat", [POINT_LATLON] = "latlon",
	[POINT_WKT] = "wkt", [POINT_GEOJSON] = "geojson",
};

static int
load_reproject(struct loader *l, struct value_op *op, yajl_val v)
{
	const char *const *outputs = point_names;
	char *crs = NULL, *output = NULL, why[400];
	size_t i, n;
	int rc = -1;

	if (conf_string(&l->j, v, "crs", &crs, NULL) < 0 ||
	    conf_string(&l->j, v, "output", &output, "geopoint") < 0 ||
	    conf_integer(&l->j, v, "precision", &op->number, 7, 0, 12) < 0)
		goto done;
	if (crs == NULL) {
		conf_fail(&l->j, "\"reproject\" needs \"crs\", the system of "
		    "the coordinates read (\"EPSG:2154\" for Lambert-93)");
		goto done;
	}
	for (i = 0; i < sizeof(point_names) / sizeof(*point_names); i++)
		if (strcmp(output, outputs[i]) == 0)
			break;
	if (i == sizeof(point_names) / sizeof(*point_names)) {
		conf_fail(&l->j, "\"output\" is \"geopoint\", \"lon\", \"lat\", "
		    "\"latlon\", \"wkt\" or \"geojson\"");
		goto done;
	}
	op->point = (enum value_point)i;
	op->proj = reproject_new(crs, why, sizeof(why));
	if (op->proj == NULL) {
		n = conf_enter(&l->j, ".crs");
		conf_fail(&l->j, "%s", why);
		conf_leave(&l->j, n);
		goto done;
	}
	rc = 0;
done:
	free(crs);
	free(output);
	return rc;
}

/*
 * The operations by kind: the name a mapping writes, the keys its object
 * takes besides "op", and the loader of its arguments. An operation with
 * arguments is written as an object, unless its loader takes NULL (all
 * its arguments have defaults).
 */
static const struct op_spec {
	const char *name;
	const char *keys;
	op_loader *load;
	int bare;		/* may be written as its name alone */
} ops[] = {
	[VALUE_TRIM] = { "trim", "", NULL, 1 },
	[VALUE_COLLAPSE] = { "collapse", "", NULL, 1 },
	[VALUE_UPPER] = { "upper", "", NULL, 1 },
	[VALUE_LOWER] = { "lower", "", NULL, 1 },
	[VALUE_TITLE] = { "title", "", NULL, 1 },
	[VALUE_REPLACE] = { "replace", "find regex with", load_replace, 0 },
	[VALUE_EXTRACT] = { "extract", "regex group", load_extract, 0 },
	[VALUE_SPLIT] = { "split", "separator index", load_split, 0 },
	[VALUE_PAD] = { "pad", "width char", load_pad, 0 },
	[VALUE_NUMBER] = { "number", "decimal percent", load_number, 1 },
	[VALUE_DATE] = { "date", "format formats pivot", load_date, 0 },
	[VALUE_DATETIME] = { "datetime", "format formats pivot", load_date, 0 },
	[VALUE_BOOLEAN] = { "boolean", "true false", load_boolean, 1 },
	[VALUE_MAP] = { "map", "values file key value default", load_map, 0 },
	[VALUE_SIRET] = { "siret", "", NULL, 1 },
	[VALUE_SIREN] = { "siren", "", NULL, 1 },
	[VALUE_PHONE] = { "phone", "format", load_phone, 1 },
	[VALUE_DEFAULT] = { "default", "value", load_default, 0 },
	[VALUE_CONCAT] = { "concat", "columns separator", load_concat, 0 },
	[VALUE_COALESCE] = { "coalesce", "columns", load_coalesce, 0 },
	[VALUE_ADD] = { "add", "value column places", load_arith, 0 },
	[VALUE_MULTIPLY] = { "multiply", "by column places", load_arith, 0 },
	[VALUE_DIVIDE] = { "divide", "by column places", load_arith, 0 },
	[VALUE_ROUND] = { "round", "places", load_arith, 1 },
	[VALUE_UUID] = { "uuid", "namespace version", load_uuid, 0 },
	[VALUE_REPROJECT] = { "reproject", "crs output precision",
	    load_reproject, 0 },
};
#define NOPS (sizeof(ops) / sizeof(*ops))

static int
load_op(struct loader *l, struct value_op *op, yajl_val v)
{
	const char *name;
	char allowed[128];
	yajl_val x;
	size_t i;

	if (YAJL_IS_STRING(v))
		name = v->u.string;
	else if (YAJL_IS_OBJECT(v) && (x = json_member(v, "op")) &&
	    YAJL_IS_STRING(x))
		name = x->u.string;
	else
		return conf_fail(&l->j,
		    "an operation is a name (\"trim\") or an object "
		    "with \"op\"");
	for (i = 0; i < NOPS; i++)
		if (strcmp(name, ops[i].name) == 0)
			break;
	if (i == NOPS)
		return conf_fail(&l->j, "unknown operation \"%s\"", name);
	op->kind = (enum value_kind)i;
	if (YAJL_IS_OBJECT(v)) {
		snprintf(allowed, sizeof(allowed), "op %s", ops[i].keys);
		if (conf_known_keys(&l->j, v, allowed) < 0)
			return -1;
	} else if (!ops[i].bare) {
		return conf_fail(&l->j, "\"%s\" needs arguments: write it as "
		    "an object {\"op\": \"%s\", ...}", name, name);
	}
	if (ops[i].load == NULL)
		return 0;
	return ops[i].load(l, op, YAJL_IS_OBJECT(v) ? v : NULL);
}

static int
load_column(struct loader *l, struct map_column *c, yajl_val v)
{
	yajl_val x;
	size_t i, n;

	if (!YAJL_IS_OBJECT(v))
		return conf_fail(&l->j, "a column is an object with \"name\"");
	if (conf_known_keys(&l->j, v, "name from separator value ops") < 0 ||
	    conf_string(&l->j, v, "name", &c->name, NULL) < 0 ||
	    conf_string(&l->j, v, "separator", &c->separator, " ") < 0 ||
	    conf_string(&l->j, v, "value", &c->value, NULL) < 0)
		return -1;
	if (c->name == NULL || c->name[0] == '\0')
		return conf_fail(&l->j, "a column needs a \"name\"");
	if ((x = json_member(v, "from")) != NULL) {
		n = conf_enter(&l->j, ".from");
		if (conf_strings(&l->j, x, &c->from, &c->nfrom) < 0)
			return -1;
		conf_leave(&l->j, n);
		c->src = calloc(c->nfrom, sizeof(long));
		if (c->src == NULL)
			return conf_fail(&l->j, "out of memory");
	}
	if ((c->nfrom > 0) == (c->value != NULL))
		return conf_fail(&l->j,
		    "a column takes \"from\" (its source columns) or "
		    "\"value\" (a constant), one of them");
	if ((x = json_member(v, "ops")) == NULL)
		return 0;
	if (!YAJL_IS_ARRAY(x))
		return conf_fail(&l->j, "\"ops\" is an array");
	c->ops = calloc(x->u.array.len + 1, sizeof(*c->ops));
	if (c->ops == NULL)
		return conf_fail(&l->j, "out of memory");
	for (i = 0; i < x->u.array.len; i++) {
		n = conf_enter(&l->j, ".ops[%zu]", i);
		c->nops++;
		if (load_op(l, &c->ops[i], x->u.array.values[i]) < 0)
			return -1;
		conf_leave(&l->j, n);
	}
	return 0;
}

static int
load_filter(struct loader *l, struct map_filter *f, yajl_val v)
{
	yajl_val cond, x;
	size_t n;
	int tests = 0;

	if (!YAJL_IS_OBJECT(v) || v->u.object.len != 1 ||
	    (strcmp(v->u.object.keys[0], "keep") &&
	    strcmp(v->u.object.keys[0], "drop")))
		return conf_fail(&l->j,
		    "a filter is {\"keep\": CONDITION} or {\"drop\": "
		    "CONDITION}");
	f->keep = strcmp(v->u.object.keys[0], "keep") == 0;
	cond = v->u.object.values[0];
	n = conf_enter(&l->j, ".%s", v->u.object.keys[0]);
	if (!YAJL_IS_OBJECT(cond))
		return conf_fail(&l->j,
		    "a condition is an object with \"column\"");
	if (conf_known_keys(&l->j, cond,
	    "column equals in matches empty") < 0 ||
	    conf_string(&l->j, cond, "column", &f->column, NULL) < 0)
		return -1;
	if (f->column == NULL)
		return conf_fail(&l->j, "a condition needs \"column\"");
	if ((x = json_member(cond, "equals")) != NULL) {
		tests++;
		f->test = MAP_EQUALS;
		if (!YAJL_IS_STRING(x))
			return conf_fail(&l->j, "\"equals\" is a string");
		if (conf_strings(&l->j, x, &f->values, &f->nvalues) < 0)
			return -1;
	}
	if ((x = json_member(cond, "in")) != NULL) {
		tests++;
		f->test = MAP_IN;
		if (conf_strings(&l->j, x, &f->values, &f->nvalues) < 0)
			return -1;
	}
	if ((x = json_member(cond, "matches")) != NULL) {
		tests++;
		f->test = MAP_MATCHES;
		if (!YAJL_IS_STRING(x))
			return conf_fail(&l->j, "\"matches\" is a pattern");
		if (compile(l, x->u.string, &f->re, &f->md) < 0)
			return -1;
	}
	if ((x = json_member(cond, "empty")) != NULL) {
		tests++;
		f->test = MAP_EMPTY;
		if (!YAJL_IS_TRUE(x) && !YAJL_IS_FALSE(x))
			return conf_fail(&l->j, "\"empty\" is true or false");
		f->empty = YAJL_IS_TRUE(x);
	}
	if (tests != 1)
		return conf_fail(&l->j,
		    "a condition has one test: \"equals\", \"in\", "
		    "\"matches\" or \"empty\"");
	conf_leave(&l->j, n);
	{
		char what[300];
		const char *how = f->test == MAP_EQUALS ? "=" : f->test == MAP_IN ?
		    "in" : f->test == MAP_MATCHES ? "matches" : f->empty ?
		    "is empty" : "is not empty";

		yajl_val pat = json_member(cond, "matches");

		snprintf(what, sizeof(what), "%s: %s %s%s%s", f->keep ? "keep" :
		    "drop", f->column, how, f->test == MAP_EMPTY ? "" : " ",
		    f->test == MAP_EQUALS ? f->values[0] : f->test == MAP_IN ?
		    "[...]" : f->test == MAP_MATCHES && pat ? pat->u.string :
		    "");
		f->what = strdup(what);
	}
	return f->what ? 0 : conf_fail(&l->j, "out of memory");
}

struct mapping *
mapping_parse(const char *json, size_t len, const char *source,
    const char *dir, struct muni_err *e)
{
	struct loader l;
	struct mapping *m = calloc(1, sizeof(*m));
	yajl_val root, x;
	size_t i, n;

	if (m == NULL || (m->source = strdup(source)) == NULL) {
		mapping_free(m);
		err_set(e, MUNI_EXIT_IO, "out of memory reading a mapping");
		return NULL;
	}
	memset(&l, 0, sizeof(l));
	l.m = m;
	l.dir = dir;
	l.j.kind = "mapping";
	l.j.source = m->source;
	l.j.e = e;
	root = conf_parse(&l.j, json, len);
	if (root == NULL) {
		mapping_free(m);
		return NULL;
	}
	if (!YAJL_IS_OBJECT(root)) {
		conf_fail(&l.j, "a mapping is a JSON object with \"columns\"");
		goto bad;
	}
	if (conf_known_keys(&l.j, root, "columns filter") < 0)
		goto bad;
	x = json_member(root, "columns");
	if (x == NULL || !YAJL_IS_ARRAY(x) || x->u.array.len == 0) {
		conf_fail(&l.j,
		    "a mapping needs \"columns\", a non-empty array");
		goto bad;
	}
	m->cols = calloc(x->u.array.len, sizeof(*m->cols));
	if (m->cols == NULL) {
		conf_fail(&l.j, "out of memory");
		goto bad;
	}
	for (i = 0; i < x->u.array.len; i++) {
		n = conf_enter(&l.j, "columns[%zu]", i);
		m->ncols++;
		if (load_column(&l, &m->cols[i], x->u.array.values[i]) < 0)
			goto bad;
		conf_leave(&l.j, n);
	}
	if ((x = json_member(root, "filter")) != NULL) {
		if (!YAJL_IS_ARRAY(x)) {
			snprintf(l.j.path, sizeof(l.j.path), "filter");
			conf_fail(&l.j, "\"filter\" is an array");
			goto bad;
		}
		m->filters = calloc(x->u.array.len + 1, sizeof(*m->filters));
		if (m->filters == NULL) {
			conf_fail(&l.j, "out of memory");
			goto bad;
		}
		for (i = 0; i < x->u.array.len; i++) {
			n = conf_enter(&l.j, "filter[%zu]", i);
			m->nfilters++;
			if (load_filter(&l, &m->filters[i],
			    x->u.array.values[i]) < 0)
				goto bad;
			conf_leave(&l.j, n);
		}
	}
	yajl_tree_free(root);
	return m;
bad:
	yajl_tree_free(root);
	mapping_free(m);
	return NULL;
}

/* mapping_load()'s parser for conf_load(). */
static void *
parse_text(const char *json, size_t len, const char *path, void *ctx,
    struct muni_err *e)
{
	return mapping_parse(json, len, path, ctx, e);
}

struct mapping *
mapping_load(const char *path, struct muni_err *e)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');

	/* Lookup files are found beside the mapping. */
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1,
	    slash ? path : ".");
	return conf_load(path, "mapping", MAP_MAX_BYTES, parse_text, dir, e);
}

void
mapping_free(struct mapping *m)
{
	size_t i, j;

	if (m == NULL)
		return;
	for (i = 0; i < m->ncols; i++) {
		struct map_column *c = &m->cols[i];

		free(c->name);
		for (j = 0; j < c->nfrom; j++)
			free(c->from[j]);
		free(c->from);
		free(c->src);
		free(c->separator);
		free(c->value);
		for (j = 0; j < c->nops; j++)
			value_op_release(&c->ops[j]);
		free(c->ops);
	}
	free(m->cols);
	for (i = 0; i < m->nfilters; i++) {
		struct map_filter *f = &m->filters[i];

		free(f->column);
		for (j = 0; j < f->nvalues; j++)
			free(f->values[j]);
		free(f->values);
		if (f->md)
			pcre2_match_data_free(f->md);
		if (f->re)
			pcre2_code_free(f->re);
		free(f->what);
	}
	free(m->filters);
	free(m->source);
	free(m);
}

static int
missing(const struct mapping *m, const struct record *h, const char *name,
    const char *where, struct muni_err *e)
{
	struct buf cols;
	size_t i;

	buf_init(&cols, 2048);
	for (i = 0; i < h->nfields && cols.len < 1800; i++)
		buf_addf(&cols, "%s'%.*s'", i ? ", " : "",
		    (int)h->fields[i].len, h->fields[i].ptr);
	err_set(e, MUNI_EXIT_USAGE, "mapping '%s': %s reads the column '%s', "
	    "which the input does not have (its columns: %s)", m->source,
	    where, name, cols.ptr);
	buf_release(&cols);
	return -1;
}

int
mapping_resolve(struct mapping *m, const struct record *header,
    struct muni_err *e)
{
	char where[160];
	size_t i, j, k;

	for (i = 0; i < m->ncols; i++) {
		struct map_column *c = &m->cols[i];

		snprintf(where, sizeof(where), "column '%s'", c->name);
		for (j = 0; j < c->nfrom; j++)
			if ((c->src[j] = record_find(header, c->from[j])) < 0)
				return missing(m, header, c->from[j], where, e);
		for (j = 0; j < c->nops; j++)
			for (k = 0; k < c->ops[j].ncolumns; k++)
				if ((c->ops[j].cols[k] = record_find(header,
				    c->ops[j].columns[k])) < 0)
					return missing(m, header,
					    c->ops[j].columns[k], where, e);
	}
	for (i = 0; i < m->nfilters; i++) {
		snprintf(where, sizeof(where), "filter %zu", i + 1);
		if ((m->filters[i].col = record_find(header,
		    m->filters[i].column)) < 0)
			return missing(m, header, m->filters[i].column, where,
			    e);
	}
	return 0;
}

int
mapping_keeps(const struct map_filter *f, const struct record *rec)
{
	const char *p = "";
	size_t n = 0, i;
	int match = 0;

	if ((size_t)f->col < rec->nfields) {
		p = rec->fields[f->col].ptr;
		n = rec->fields[f->col].len;
	}
	switch (f->test) {
	case MAP_EQUALS:
	case MAP_IN:
		for (i = 0; i < f->nvalues && !match; i++)
			match = strlen(f->values[i]) == n &&
			    memcmp(f->values[i], p, n) == 0;
		break;
	case MAP_MATCHES:
		match = pcre2_match(f->re, (PCRE2_SPTR)p, n, 0, 0, f->md, NULL);
		if (match < 0 && match != PCRE2_ERROR_NOMATCH)
			return -1;	/* undecided: not "no match" */
		match = match >= 0;
		break;
	case MAP_EMPTY:
		match = (n == 0) == (f->empty != 0);
		break;
	}
	return f->keep ? match : !match;
}

/* ---- writing a mapping (--emit-map) ---- */

static void
emit_op(yajl_gen g, const struct value_op *op)
{
	size_t i;
	char d[2] = { op->decimal, 0 };

	switch (op->kind) {
	case VALUE_TRIM: case VALUE_COLLAPSE:
	case VALUE_UPPER: case VALUE_LOWER:
	case VALUE_TITLE: case VALUE_SIRET: case VALUE_SIREN:
		json_str(g, ops[op->kind].name);
		return;
	default:
		break;
	}
	yajl_gen_map_open(g);
	json_key_str(g, "op", ops[op->kind].name);
	switch (op->kind) {
	case VALUE_NUMBER:
		if (op->decimal)
			json_key_str(g, "decimal", d);
		if (op->ratio)
			json_key_bool(g, "percent", 1);
		break;
	case VALUE_DATE: case VALUE_DATETIME:
		json_str(g, "formats");
		yajl_gen_array_open(g);
		for (i = 0; i < op->nformats; i++)
			json_str(g, op->formats[i]);
		yajl_gen_array_close(g);
		if (op->number != 69)
			json_key_uint(g, "pivot",
			    (unsigned long long)op->number);
		break;
	case VALUE_BOOLEAN:
		json_key_str(g, "true", op->text);
		json_key_str(g, "false", op->with);
		break;
	case VALUE_DEFAULT:
		json_key_str(g, "value", op->text);
		break;
	case VALUE_PHONE:
		json_key_str(g, "format", op->e164 ? "e164" : "national");
		break;
	case VALUE_PAD:
		json_key_uint(g, "width", (unsigned long long)op->number);
		json_key_str(g, "char", op->pad);
		break;
	case VALUE_REPLACE:
		if (op->regex)
			json_key_str(g, "regex", op->regex);
		else
			json_key_str(g, "find", op->text);
		json_key_str(g, "with", op->with);
		break;
	case VALUE_SPLIT:
		json_key_str(g, "separator", op->text);
		json_str(g, "index");
		yajl_gen_integer(g, op->number);
		break;
	case VALUE_REPROJECT:
		json_key_str(g, "crs", reproject_crs(op->proj));
		json_key_str(g, "output", point_names[op->point]);
		if (op->number != 7)
			json_key_uint(g, "precision",
			    (unsigned long long)op->number);
		break;
	default:
		break;
	}
	yajl_gen_map_close(g);
}

int
mapping_json(const struct mapping *m, const char *const *lookup,
    struct buf *out)
{
	yajl_gen g = json_new();
	size_t i, j;

	if (g == NULL)
		return -1;
	yajl_gen_map_open(g);
	json_str(g, "columns");
	yajl_gen_array_open(g);
	for (i = 0; i < m->ncols; i++) {
		const struct map_column *c = &m->cols[i];

		yajl_gen_map_open(g);
		json_key_str(g, "name", c->name);
		if (c->nfrom == 1)
			json_key_str(g, "from", c->from[0]);
		else if (c->nfrom > 1) {
			json_str(g, "from");
			yajl_gen_array_open(g);
			for (j = 0; j < c->nfrom; j++)
				json_str(g, c->from[j]);
			yajl_gen_array_close(g);
			if (strcmp(c->separator, " ") != 0)
				json_key_str(g, "separator", c->separator);
		} else
			json_key_str(g, "value", c->value);
		if (c->nops > 0 || (lookup && lookup[i])) {
			json_str(g, "ops");
			yajl_gen_array_open(g);
			for (j = 0; j < c->nops; j++)
				emit_op(g, &c->ops[j]);
			if (lookup && lookup[i]) {
				yajl_gen_map_open(g);
				json_key_str(g, "op", "map");
				json_key_str(g, "file", lookup[i]);
				json_key_str(g, "key", "value");
				json_key_str(g, "value", c->name);
				yajl_gen_map_close(g);
			}
			yajl_gen_array_close(g);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return json_finish(g, out);
}
