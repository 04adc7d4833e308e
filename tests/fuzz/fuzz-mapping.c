/*
 * libFuzzer target for the mapping loader: any bytes are a mapping file;
 * what loads has each of its operations applied to a few values.
 */
#include <stdint.h>
#include <string.h>

#include "transform/mapping.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const values[] = { "", "  05/12/2016 ",
	    "1 234,50 \xe2\x82\xac", "32402138500000.0", "oui",
	    "06.12.34.56.78", "\xc3\xa9lodie DURAND", "(12)", "12,5 %" };
	struct mapping *m;
	struct muni_err e;
	struct buf out;
	char why[300];
	size_t i, j, k;

	err_clear(&e);
	m = mapping_parse((const char *)data, size, "fuzz", "/nonexistent",
	    &e);
	if (m == NULL)
		return 0;
	buf_init(&out, 1 << 16);
	for (i = 0; i < m->ncols; i++)
		for (j = 0; j < m->cols[i].nops; j++)
			for (k = 0; k < sizeof(values) / sizeof(*values); k++)
				value_apply(&m->cols[i].ops[j], NULL, values[k],
				    strlen(values[k]), &out, why, sizeof(why));
	buf_release(&out);
	mapping_free(m);
	return 0;
}
