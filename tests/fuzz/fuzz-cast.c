/*
 * libFuzzer target for cell casting: the first byte picks the type, the
 * second the format and options, the rest is the cell.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema/cast.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *formats[] = { "default", "any", "%d/%m/%Y",
	    "%H:%M %p %z", "email", "uri", "uuid", "wkt", "binary", "array",
	    "object", "topojson", "fmt:%y-%j %b %a", "%Y-%m-%dT%H:%M:%S.%f",
	    "%%%I", "%B %d" };
	static char *yes[] = { (char *)"oui" }, *no[] = { (char *)"non" };
	struct cast_spec spec;
	struct cast_value v, w;
	struct buf key;

	if (size < 2)
		return 0;
	cast_spec_init(&spec, (enum field_type)(data[0] % 15));
	spec.format = (char *)formats[data[1] & 15];
	spec.format_default = (data[1] & 15) == 0;
	if (data[1] & 16) {
		memcpy(spec.decimal_char, ",", 2);
		memcpy(spec.group_char, " ", 2);
	}
	if (data[1] & 32)
		spec.bare_number = 0;
	if (data[1] & 64) {
		spec.true_values = yes;
		spec.ntrue = 1;
		spec.false_values = no;
		spec.nfalse = 1;
	}
	(void)cast_wkt_point((const char *)data + 2, size - 2, &v.lon, &v.lat);
	if (cast_cell(&spec, (const char *)data + 2, size - 2, &v) == 0) {
		buf_init(&key, 1 << 20);
		cast_key(&v, &key);
		w = v;
		cast_compare(&v, &w);
		buf_release(&key);
	}
	return 0;
}
