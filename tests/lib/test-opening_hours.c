/*
 * The opening_hours parser against ../shared/corpus/oracles/opening-hours.json:
 * where opening_hours.js and KOpeningHours agree, muni must agree with
 * them; where they disagree, muni's choice is printed (diagnostics) and
 * counted, following the specification. Skipped without the corpus.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "base/buf.h"
#include "schema/opening_hours.h"
#include "corpus.h"
#include "tap.h"

/*
 * Where muni deliberately differs from both references, with the reason.
 * Values the references themselves dispute are not listed: there muni
 * follows the specification.
 */
static const struct {
	const char *value, *reason;
} differences[] = {
	{ "Mo-Fr 10:00-20:00; SH off", "SH (school holidays) is in the "
	    "specification; both references want a region to evaluate it, "
	    "which a syntax check does not need (they accept \"SH,PH\")" },
	{ "月曜日-金曜日 09:00-17:00", "Japanese day names: not read" },
	{ NULL, NULL },
};

static const char *
difference(const char *value)
{
	size_t i;

	for (i = 0; differences[i].value; i++)
		if (strcmp(differences[i].value, value) == 0)
			return differences[i].reason;
	return NULL;
}

static const char *
str(yajl_val obj, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(obj, path, yajl_t_string);

	return v ? v->u.string : "";
}

int
main(void)
{
	size_t i, agreed = 0, match = 0, disputed = 0, with_kde = 0;
	char path[4096];
	yajl_val root;
	int absent;

	ok(opening_hours_valid("Mo-Fr 08:00-12:00,14:00-18:00; Sa 09:00-12:00",
	       45),
	    "a usual value");
	ok(!opening_hours_valid("true", 4), "'true' is not opening hours");
	ok(opening_hours_valid("24/7", 4), "24/7");
	ok(!opening_hours_valid("", 0), "empty is invalid");
	root = corpus_json("oracles/opening-hours.json", path, sizeof(path),
	    &absent);
	if (absent) {
		printf("ok %d - oracle # SKIP %s not found\n", ++tap_n, path);
		return done_testing();
	}
	if (root == NULL || !YAJL_IS_ARRAY(root)) {
		ok(0, "opening-hours.json parses");
		return done_testing();
	}
	for (i = 0; i < root->u.array.len; i++) {
		yajl_val c = root->u.array.values[i];
		const char *value = str(c, "value");
		const char *js = str(c, "opening_hours_js");
		const char *kde = str(c, "kopeninghours");
		int js_ok = strcmp(js, "valid") == 0;
		int kde_ok = strcmp(kde, "NoError") == 0 ||
		    strcmp(kde, "MissingRegion") == 0 ||
		    strcmp(kde, "MissingLocation") == 0 ||
		    strcmp(kde, "EvaluationError") == 0;
		int got = opening_hours_valid(value, strlen(value));

		if (js_ok != kde_ok) {
			disputed++;
			with_kde += got == kde_ok;
			continue;
		}
		agreed++;
		if (difference(value)) {
			if (got != js_ok)
				match++;
			diag("'%s': differs on purpose: %s", value,
			    difference(value));
			continue;
		}
		if (got == js_ok)
			match++;
		else
			diag("'%s': muni says %s, both references %s", value,
			    got ? "valid" : "invalid", js_ok ? "valid" :
			    "invalid");
	}
	ok(agreed > 0 && match == agreed, "where the references agree, muni "
	    "agrees: %zu of %zu (%zu values they dispute)", match, agreed,
	    disputed);
	diag("on the %zu disputed values muni sides with KOpeningHours (the "
	    "strict parser) %zu times, with opening_hours.js %zu times",
	    disputed, with_kde, disputed - with_kde);
	yajl_tree_free(root);
	return done_testing();
}
