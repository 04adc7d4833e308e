/*
 * Cell casting against frictionless' own cases: every entry of
 * ../shared/corpus/frictionless/cast-cases.json must give the same
 * verdict (valid or not), and the same value where a number is stated.
 * Deliberate differences are listed in one place, below, with the reason.
 * Without the corpus the test is skipped, not passed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "base/buf.h"
#include "schema/cast.h"
#include "corpus.h"
#include "tap.h"

/* Where muni deliberately differs from frictionless-py: none so far. */
static const struct {
	const char *type, *format, *source, *reason;
} differences[] = {
	{ NULL, NULL, NULL, NULL },
};

static const char *
difference(const char *type, const char *format, const char *source)
{
	size_t i;

	for (i = 0; differences[i].type; i++)
		if (strcmp(differences[i].type, type) == 0 &&
		    strcmp(differences[i].format, format) == 0 &&
		    strcmp(differences[i].source, source) == 0)
			return differences[i].reason;
	return NULL;
}

static yajl_val
get(yajl_val obj, const char *key)
{
	const char *path[] = { key, NULL };

	return yajl_tree_get(obj, path, yajl_t_any);
}

static char **
strings(yajl_val arr, size_t *n)
{
	char **out;
	size_t i;

	*n = arr->u.array.len;
	out = calloc(*n + 1, sizeof(char *));
	for (i = 0; i < *n; i++)
		out[i] = strdup(arr->u.array.values[i]->u.string);
	return out;
}

int
main(void)
{
	char path[4096];
	yajl_val root;
	size_t i;
	int absent;

	root = corpus_json("frictionless/cast-cases.json", path, sizeof(path),
	    &absent);
	if (absent) {
		printf("1..0 # SKIP %s not found\n", path);
		return 0;
	}
	if (root == NULL || !YAJL_IS_ARRAY(root)) {
		ok(0, "cast-cases.json parses");
		return done_testing();
	}
	for (i = 0; i < root->u.array.len; i++) {
		yajl_val c = root->u.array.values[i], opts, x, target;
		const char *type = get(c, "type")->u.string;
		const char *format = get(c, "format")->u.string;
		const char *source = get(c, "source")->u.string;
		int valid = YAJL_IS_TRUE(get(c, "valid")), got, t;
		struct cast_spec spec;
		struct cast_value v;
		const char *why;

		t = cast_type_from_name(type);
		if (!ok(t >= 0, "type %s is known", type))
			continue;
		cast_spec_init(&spec, (enum field_type)t);
		cast_spec_set_format(&spec, format);
		opts = get(c, "options");
		if ((x = get(opts, "decimalChar")))
			snprintf(spec.decimal_char, 8, "%s", x->u.string);
		if ((x = get(opts, "groupChar")))
			snprintf(spec.group_char, 8, "%s", x->u.string);
		if ((x = get(opts, "bareNumber")))
			spec.bare_number = YAJL_IS_TRUE(x);
		if ((x = get(opts, "trueValues")))
			spec.true_values = strings(x, &spec.ntrue);
		if ((x = get(opts, "falseValues")))
			spec.false_values = strings(x, &spec.nfalse);
		got = cast_cell(&spec, source, strlen(source), &v) == 0;
		why = difference(type, format, source);
		if (why) {
			ok(got != valid, "%s/%s '%s': differs on purpose: %s",
			    type, format, source, why);
		} else if (!ok(got == valid, "%s/%s '%s' is %s", type, format,
		    source, valid ? "valid" : "invalid"))
			diag("options: %s", opts && opts->u.object.len ?
			    "given" : "none");
		target = get(c, "target");
		if (got && valid && (t == TYPE_NUMBER || t == TYPE_INTEGER ||
		    t == TYPE_YEAR) && target) {
			double want = YAJL_IS_NUMBER(target) ?
			    YAJL_GET_DOUBLE(target) :
			    strtod(target->u.string, NULL);

			if (YAJL_IS_INTEGER(target))
				want = (double)YAJL_GET_INTEGER(target);
			if (!ok(fabs(v.num - want) <= 1e-9 * fabs(want),
			    "%s/%s '%s' casts to %g", type, format, source,
			    want))
				diag("got %.17g", v.num);
		}
		cast_spec_release(&spec);
	}
	yajl_tree_free(root);
	return done_testing();
}
