/*
 * libFuzzer target for the text scanner: any bytes are free text; every
 * match must lie inside the text, in order, without overlap.
 */
#include <stdint.h>
#include <stdlib.h>

#include "anon/pii.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pii_match m[64];
	size_t n, i, end = 0;

	n = pii_scan((const char *)data, size, PII_ALL, m, 64);
	for (i = 0; i < n; i++) {
		if (m[i].start < end || m[i].len == 0 ||
		    m[i].start + m[i].len > size)
			abort();
		end = m[i].start + m[i].len;
	}
	return 0;
}
