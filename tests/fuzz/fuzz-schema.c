/*
 * libFuzzer target for the Table Schema loader: any bytes are parsed as a
 * schema; a schema that loads is then used to validate a small fixed table,
 * so that what the loader accepts is also exercised by the checks.
 */
#include <stdint.h>
#include <string.h>

#include "schema/report.h"
#include "schema/schema.h"
#include "schema/validator.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct field header[] = { { "id", 2 }, { "nom", 3 }, { "x", 1 } };
	static struct field row[] = { { "1", 1 }, { "Club", 4 }, { "", 0 } };
	struct muni_err e;
	struct schema *s;
	struct report r;
	struct validator *v;
	struct record rec;

	err_clear(&e);
	s = schema_parse((const char *)data, size, "fuzz", &e);
	if (s == NULL)
		return 0;
	report_init(&r, "fuzz", 100);
	v = validator_new(s, &r, NULL, &e);
	if (v) {
		rec.fields = header;
		rec.nfields = 3;
		rec.row = 1;
		rec.line = 1;
		if (validator_header(v, &rec, &e) == 0) {
			rec.fields = row;
			rec.row = 2;
			validator_row(v, &rec, &e);
			rec.row = 3;
			validator_row(v, &rec, &e);
		}
		validator_free(v);
	}
	report_release(&r);
	schema_free(s);
	return 0;
}
