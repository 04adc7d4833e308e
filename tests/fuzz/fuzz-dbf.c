/* libFuzzer target for the dBASE source: any bytes are a .dbf table. */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "source/dbf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct muni_err e;
	struct record *rec;
	struct dbf *s;
	int fd = memfd_create("fuzz", 0), n = 0;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size && lseek(fd, 0, SEEK_SET) == 0) {
		err_clear(&e);
		s = dbf_open(fd, "fuzz", NULL, 0, NULL, NULL, NULL, &e);
		if (s) {
			while (n++ < 100000 && dbf_next(s, &rec, &e) > 0)
				;
			dbf_free(s);
		}
	}
	close(fd);
	return 0;
}
