/* libFuzzer target for the opening_hours parser: any bytes are a value. */
#include <stdint.h>
#include <stddef.h>

#include "ohours.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ohours_valid((const char *)data, size);
	return 0;
}
