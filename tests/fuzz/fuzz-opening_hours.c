/* libFuzzer target for the opening_hours parser: any bytes are a value. */
#include <stdint.h>
#include <stddef.h>

#include "schema/opening_hours.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	opening_hours_valid((const char *)data, size);
	return 0;
}
