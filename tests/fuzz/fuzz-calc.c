/*
 * libFuzzer target for the computing operations of muni-map(5): any bytes
 * are a value, computed by add, multiply, divide, round, coalesce, uuid
 * and reproject (every output form), with the value as the other operand
 * too: the decimal reader and the point reader see what a file may hold.
 */
#include <stdint.h>
#include <string.h>

#include "transform/mapping.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char calc_mapping[] =
    "{\"columns\": [{\"name\": \"v\", \"from\": \"v\", \"ops\": ["
    "{\"op\": \"add\", \"column\": \"v\"},"
    "{\"op\": \"add\", \"value\": \"-1e-40\"},"
    "{\"op\": \"multiply\", \"column\": \"v\"},"
    "{\"op\": \"multiply\", \"by\": 1e60},"
    "{\"op\": \"divide\", \"column\": \"v\", \"places\": 40},"
    "{\"op\": \"divide\", \"by\": \"0.0000007\"},"
    "{\"op\": \"round\", \"places\": 3},"
    "\"round\","
    "{\"op\": \"coalesce\", \"columns\": [\"v\"]},"
    "{\"op\": \"uuid\", \"namespace\": \"url\"},"
    "{\"op\": \"reproject\", \"crs\": \"EPSG:2154\"},"
    "{\"op\": \"reproject\", \"crs\": \"EPSG:2154\", \"output\": \"wkt\"},"
    "{\"op\": \"reproject\", \"crs\": \"EPSG:32620\", \"output\": "
    "\"geojson\", \"precision\": 12},"
    "{\"op\": \"reproject\", \"crs\": \"EPSG:27572\", \"output\": "
    "\"latlon\", \"precision\": 0}"
    "]}]}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mapping *m;
	static struct buf out;
	struct record rec;
	struct field f;
	struct value_row row;
	struct muni_err e;
	char why[600];
	size_t j;

	if (m == NULL) {
		err_clear(&e);
		m = mapping_parse(calc_mapping, strlen(calc_mapping), "fuzz",
		    "/nonexistent", &e);
		if (m == NULL)
			__builtin_trap();
		m->cols[0].ops[0].cols[0] = 0;
		m->cols[0].ops[2].cols[0] = 0;
		m->cols[0].ops[4].cols[0] = 0;
		m->cols[0].ops[8].cols[0] = 0;
		buf_init(&out, 1 << 20);
	}
	f.ptr = (const char *)data;
	f.len = size;
	memset(&rec, 0, sizeof(rec));
	rec.fields = &f;
	rec.nfields = 1;
	row.rec = &rec;
	for (j = 0; j < m->cols[0].nops; j++)
		value_apply(&m->cols[0].ops[j], &row, (const char *)data, size,
		    &out, why, sizeof(why));
	return 0;
}
