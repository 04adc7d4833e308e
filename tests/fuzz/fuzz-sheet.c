/*
 * libFuzzer target for the ZIP reader and the spreadsheet sources: any
 * bytes are an archive, read as XLSX or ODS when they look like one, else
 * every entry is inflated.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "source/ods.h"
#include "source/sheet.h"
#include "source/xlsx.h"
#include "source/zip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
drain(struct sheet *sh, struct muni_err *e)
{
	struct record *rec;
	int n = 0;

	if (sh == NULL)
		return;
	while (n++ < 100000 && sheet_next(sh, &rec, e) > 0)
		;
	sheet_free(sh);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sheet_options o = { 0 };
	struct sheet_pick pick = { 0 };
	struct zip_stream *zs;
	struct muni_err e;
	struct zip *z;
	char chunk[4096];
	size_t i;
	int fd = memfd_create("fuzz", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	err_clear(&e);
	z = zip_open(fd, "fuzz", 0, &e);
	if (z != NULL && xlsx_is(z))
		drain(xlsx_open(z, "fuzz", &pick, &o, &e), &e);
	else if (z != NULL && ods_is(z))
		drain(ods_open(z, "fuzz", &pick, &o, &e), &e);
	else if (z != NULL) {
		for (i = 0; i < zip_count(z); i++) {
			zs = zip_stream_open(z, i, &e);
			while (zs && zip_stream_read(zs, chunk, sizeof(chunk),
			    &e) > 0)
				;
			zip_stream_close(zs);
		}
		zip_free(z);
	}
	close(fd);
	return 0;
}
