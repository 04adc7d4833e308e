/*
 * Replays a fuzz target on the files named (its seeds and any crash found
 * since), so every build runs them under make check, with or without
 * libFuzzer. Prints TAP test lines; replay.sh adds the plan.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *p = NULL;
		size_t n = 0, cap = 0, r;

		if (f == NULL) {
			printf("not ok - %s: cannot open\n", argv[i]);
			continue;
		}
		for (;;) {
			if (n == cap) {
				cap = cap ? cap * 2 : 4096;
				p = realloc(p, cap);
				if (p == NULL)
					return 1;
			}
			r = fread(p + n, 1, cap - n, f);
			if (r == 0)
				break;
			n += r;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(p, n);
		free(p);
		printf("ok - %s\n", argv[i]);
	}
	return 0;
}
