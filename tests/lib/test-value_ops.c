/*
 * The operations of muni-map(5), on the examples its OPERATIONS section
 * gives (each op parsed from the JSON written there), and on the values
 * they must refuse.
 */
#include <stdio.h>
#include <string.h>

#include "transform/mapping.h"
#include "tap.h"

struct vector {
	const char *op;		/* as written in a mapping file */
	const char *in;
	const char *out;	/* NULL: cannot be converted */
};

static const struct vector vectors[] = {
	{ "\"trim\"", "  Mairie ", "Mairie" },
	{ "\"collapse\"", "Salle   des f\xc3\xaates", "Salle des f\xc3\xaates" },
	{ "\"upper\"", "\xc3\xa9lodie DURAND", "\xc3\x89LODIE DURAND" },
	{ "\"lower\"", "\xc3\xa9lodie DURAND", "\xc3\xa9lodie durand" },
	{ "\"title\"", "\xc3\xa9lodie DURAND", "\xc3\x89lodie Durand" },
	{ "{\"op\": \"replace\", \"find\": \"_\", \"with\": \"/\"}",
	    "2017-06-27_2018-06-27", "2017-06-27/2018-06-27" },
	{ "{\"op\": \"replace\", \"regex\": \"^(\\\\d{2})(\\\\d{3})$\", "
	    "\"with\": \"$1 $2\"}", "86000", "86 000" },
	{ "{\"op\": \"extract\", \"regex\": \"\\\\((\\\\d{5})\\\\)\"}",
	    "Poitiers (86194)", "86194" },
	{ "{\"op\": \"extract\", \"regex\": \"\\\\((\\\\d{5})\\\\)\"}",
	    "Poitiers", NULL },
	{ "{\"op\": \"split\", \"separator\": \" - \", \"index\": -1}",
	    "Vienne - Poitiers", "Poitiers" },
	{ "{\"op\": \"split\", \"separator\": \" - \", \"index\": 2}",
	    "Vienne - Poitiers", NULL },
	{ "{\"op\": \"pad\", \"width\": 5}", "1053", "01053" },
	{ "{\"op\": \"pad\", \"width\": 5}", "86194", "86194" },
	{ "\"number\"", "1 234,50 \xe2\x82\xac", "1234.50" },
	{ "\"number\"", "-1.234,5", "-1234.5" },
	{ "\"number\"", "1\xc2\xa0" "234\xe2\x80\xaf" "567", "1234567" },
	{ "\"number\"", "12 EUR", "12" },
	{ "\"number\"", "(12)", "-12" },
	{ "\"number\"", "12,5 %", "12.5" },
	{ "\"number\"", "douze", NULL },
	{ "{\"op\": \"number\", \"percent\": true}", "12,5 %", "0.125" },
	{ "{\"op\": \"number\", \"percent\": true}", "100 %", "1" },
	{ "{\"op\": \"number\", \"percent\": true}", "5%", "0.05" },
	{ "{\"op\": \"number\", \"decimal\": \".\"}", "1,234.5", "1234.5" },
	{ "{\"op\": \"date\", \"format\": \"%d/%m/%Y\"}", "05/12/2016",
	    "2016-12-05" },
	{ "{\"op\": \"date\", \"format\": \"%e %B %Y\"}",
	    "1er d\xc3\xa9" "cembre 2016", "2016-12-01" },
	{ "{\"op\": \"date\", \"format\": \"%e %B %Y\"}", "3 AOUT 2024",
	    "2024-08-03" },
	{ "{\"op\": \"date\", \"format\": \"%d %b %Y\"}", "12 janv. 2024",
	    "2024-01-12" },
	{ "{\"op\": \"date\", \"format\": \"%d/%m/%y\"}", "05/12/68",
	    "2068-12-05" },
	{ "{\"op\": \"date\", \"format\": \"%d/%m/%y\"}", "05/12/69",
	    "1969-12-05" },
	{ "{\"op\": \"date\", \"format\": \"%d/%m/%y\", \"pivot\": 30}",
	    "05/12/45", "1945-12-05" },
	{ "{\"op\": \"date\", \"format\": \"%d/%m/%Y\"}", "31/02/2024", NULL },
	{ "{\"op\": \"date\", \"format\": \"%d/%m/%Y\"}", "29/02/2024",
	    "2024-02-29" },
	{ "{\"op\": \"datetime\", \"format\": \"%d/%m/%Y %H:%M\"}",
	    "05/12/2016 14:30", "2016-12-05T14:30:00" },
	{ "{\"op\": \"boolean\", \"true\": \"oui\", \"false\": \"non\"}",
	    "Yes", "oui" },
	{ "\"boolean\"", "FAUX", "false" },
	{ "\"boolean\"", "peut-\xc3\xaatre", NULL },
	{ "{\"op\": \"map\", \"values\": {\"Sports\": \"SPO\"}}", "Sports",
	    "SPO" },
	{ "{\"op\": \"map\", \"values\": {\"Sports\": \"SPO\"}}", "Culture",
	    NULL },
	{ "{\"op\": \"map\", \"values\": {}, \"default\": \"AUT\"}", "x",
	    "AUT" },
	{ "\"siret\"", "32402138500000.0", "32402138500000" },
	{ "\"siret\"", "7245062044270", "07245062044270" },
	{ "\"siret\"", "2,10104E+13", NULL },
	{ "\"siret\"", "218 601 946 00013", "21860194600013" },
	{ "\"siren\"", "732.829.320", "732829320" },
	{ "\"phone\"", "06.12.34.56.78", "06 12 34 56 78" },
	{ "{\"op\": \"phone\", \"format\": \"e164\"}", "06.12.34.56.78",
	    "+33612345678" },
	{ "{\"op\": \"phone\", \"format\": \"e164\"}", "0262 12 34 56",
	    "+262262123456" },
	{ "\"phone\"", "+33 (0)5 49 00 00 00", "05 49 00 00 00" },
	{ "\"phone\"", "12 34", NULL },
	{ "{\"op\": \"default\", \"value\": \"0\"}", "", "0" },
	{ "{\"op\": \"default\", \"value\": \"0\"}", "7", "7" },
	{ NULL, NULL, NULL },
};

/* Mappings that must be refused, and the start of the reason. */
static const struct {
	const char *json, *want;
} refused[] = {
	{ "[]", "a mapping is a JSON object" },
	{ "{\"columns\": []}", "a mapping needs \"columns\"" },
	{ "{\"columns\": [{\"from\": \"a\"}]}", "columns[0]: a column needs" },
	{ "{\"columns\": [{\"name\": \"a\"}]}", "columns[0]: a column takes" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"value\": "
	    "\"b\"}]}", "columns[0]: a column takes" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": "
	    "[\"pad\"]}]}", "columns[0].ops[0]: \"pad\" needs arguments" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": "
	    "[{\"op\": \"date\", \"format\": \"%d/%q\"}]}]}",
	    "columns[0].ops[0].format: '%q'" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": "
	    "[{\"op\": \"pad\", \"width\": 0}]}]}",
	    "columns[0].ops[0].width: a whole number" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": "
	    "[{\"op\": \"trim\", \"x\": 1}]}]}",
	    "columns[0].ops[0]: unknown key \"x\"" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"replace\", \"with\": \"x\"}]}]}",
	    "columns[0].ops[0]: \"replace\" takes \"find\"" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"replace\", \"find\": \"a\", \"regex\": \"b\", \"with\": \"x\"}]}]}",
	    "columns[0].ops[0]: \"replace\" takes" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"replace\", \"find\": \"a\"}]}]}",
	    "columns[0].ops[0]: \"replace\" needs \"with\"" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"replace\", \"regex\": \"(\", \"with\": \"x\"}]}]}",
	    "columns[0].ops[0].regex: bad pattern at character 1" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"extract\"}]}]}",
	    "columns[0].ops[0]: \"extract\" needs \"regex\"" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"extract\", \"regex\": \"(a)\", \"group\": 2}]}]}",
	    "columns[0].ops[0].group: a whole number" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"split\", \"separator\": \"\"}]}]}",
	    "columns[0].ops[0]: \"split\" needs a \"separator\"" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"pad\", \"width\": 3, \"char\": \"ab\"}]}]}",
	    "columns[0].ops[0]: \"char\" is one character" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"pad\", \"char\": \"0\"}]}]}",
	    "columns[0].ops[0]: \"pad\" needs \"width\"" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"number\", \"decimal\": \";\"}]}]}",
	    "columns[0].ops[0]: \"decimal\" is" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"number\", \"percent\": 1}]}]}",
	    "columns[0].ops[0]: \"percent\" is true" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"datetime\"}]}]}",
	    "columns[0].ops[0]: \"datetime\" needs \"format\"" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"date\", \"formats\": [\"%d\", \"%Y-%Q\"]}]}]}",
	    "columns[0].ops[0].formats: '%Q'" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"date\", \"format\": \"%d\", \"pivot\": 100}]}]}",
	    "columns[0].ops[0].pivot: a whole number" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"map\"}]}]}",
	    "columns[0].ops[0]: \"map\" needs \"values\" or \"file\"" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"map\", \"values\": []}]}]}",
	    "columns[0].ops[0]: \"values\" is an object" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"map\", \"values\": {\"a\": 1}}]}]}",
	    "columns[0].ops[0].values.a: a string is expected" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"map\", \"file\": \"/nonexistent/lookup.csv\"}]}]}",
	    "columns[0].ops[0].file: cannot open the lookup file" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"phone\", \"format\": \"intl\"}]}]}",
	    "columns[0].ops[0]: \"format\" is \"national\"" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"default\"}]}]}",
	    "columns[0].ops[0]: \"default\" needs \"value\"" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"concat\"}]}]}",
	    "columns[0].ops[0]: \"concat\" needs \"columns\"" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [\"frobnicate\"]}]}",
	    "columns[0].ops[0]: unknown operation \"frobnicate\"" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [{\"op\": \"boolean\", \"yes\": \"o\"}]}]}",
	    "columns[0].ops[0]: unknown key \"yes\"" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\", \"ops\": [3]}]}",
	    "columns[0].ops[0]: an operation is a name" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\"}], \"filter\": "
	    "[{\"keep\": {\"column\": \"a\"}}]}",
	    "filter[0].keep: a condition has one test" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\"}], \"filter\": "
	    "[{\"hold\": {}}]}", "filter[0]: a filter is" },
	{ "{\"columns\": [{\"name\": \"a\", \"from\": \"a\"}], \"x\": 1}",
	    "unknown key \"x\"" },
	{ NULL, NULL },
};

int
main(void)
{
	char json[1024], why[300];
	struct mapping *m;
	struct muni_err e;
	struct buf out;
	size_t i;
	int rc;

	buf_init(&out, 1 << 20);
	for (i = 0; vectors[i].op; i++) {
		snprintf(json, sizeof(json), "{\"columns\": [{\"name\": \"v\", "
		    "\"from\": \"v\", \"ops\": [%s]}]}", vectors[i].op);
		err_clear(&e);
		m = mapping_parse(json, strlen(json), "test", ".", &e);
		if (!ok(m != NULL, "%s parses", vectors[i].op)) {
			diag("%s", e.msg);
			continue;
		}
		rc = value_apply(&m->cols[0].ops[0], NULL, vectors[i].in,
		    strlen(vectors[i].in), &out, why, sizeof(why));
		if (vectors[i].out == NULL)
			ok(rc == 1, "%s refuses '%s' (%s)", vectors[i].op,
			    vectors[i].in, rc == 1 ? why : out.ptr);
		else if (!ok(rc == 0 && strcmp(out.ptr, vectors[i].out) == 0,
		    "%s: '%s' -> '%s'", vectors[i].op, vectors[i].in,
		    vectors[i].out))
			diag("got rc %d '%s' %s", rc, out.ptr, rc ? why : "");
		mapping_free(m);
	}
	for (i = 0; refused[i].json; i++) {
		err_clear(&e);
		m = mapping_parse(refused[i].json, strlen(refused[i].json),
		    "t.json", ".", &e);
		if (!ok(m == NULL && e.status == 2 && strstr(e.msg,
		    refused[i].want) != NULL, "refused: %s", refused[i].want))
			diag("got: %s", m ? "(accepted)" : e.msg);
		mapping_free(m);
	}
	buf_release(&out);
	return done_testing();
}
