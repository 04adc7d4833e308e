/*
 * libFuzzer target for the SQLite source: any bytes are written to a
 * temporary file and read as a database (its only table), so a corrupt or
 * hostile file must give an error, never a crash or a hang.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "source/sqlite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/muni-fuzz-sqlite.XXXXXX";
	struct sqlite *s;
	struct sqlite_options so;
	struct muni_err e;
	struct record *rec;
	struct buf list;
	int fd = mkstemp(path), n = 0;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		buf_init(&list, 1 << 20);
		sqlite_list(path, &list, &e);
		buf_release(&list);
		memset(&so, 0, sizeof(so));
		so.max_rows = 10000;
		s = sqlite_open(path, &so, &e);
		if (s) {
			while (n++ < 10000 && sqlite_next(s, &rec, &e) > 0)
				;
			sqlite_free(s);
		}
	}
	close(fd);
	unlink(path);
	return 0;
}
