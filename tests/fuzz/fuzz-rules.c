/* libFuzzer target for the rules loader: any bytes are a rules file. */
#include <stdint.h>

#include "anon/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct muni_err e;

	err_clear(&e);
	rules_free(rules_parse((const char *)data, size, "fuzz", &e));
	return 0;
}
