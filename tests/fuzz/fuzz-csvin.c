/*
 * libFuzzer target for the record reader. The first byte of the input
 * picks the options (forced encoding, delimiter, tiny limits) so the fuzzer
 * reaches every path; the rest is the file. Records are written with the
 * canonical writer to /dev/null, so the writer is exercised too.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "csv/csvin.h"
#include "csv/csvout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *encodings[] = { NULL, "utf-8", "windows-1252",
	    "utf-16le", "utf-16", "iso-8859-15", NULL, NULL };
	static const int delimiters[] = { 0, ',', ';', '\t' };
	struct csvin_options opt;
	struct muni_err e;
	struct csvout out;
	struct record *rec;
	struct csvin *in;
	int fd, sink;

	if (size < 1)
		return 0;
	memset(&opt, 0, sizeof(opt));
	opt.encoding = encodings[data[0] & 7];
	opt.delimiter = delimiters[(data[0] >> 3) & 3];
	if (data[0] & 0x20)
		opt.max_field = 16;
	if (data[0] & 0x40)
		opt.max_record = 64;
	opt.threads = (data[0] & 0x80) != 0;
	fd = memfd_create("fuzz", 0);
	sink = open("/dev/null", O_WRONLY);
	if (fd < 0 || sink < 0)
		return 0;
	if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1) ||
	    lseek(fd, 0, SEEK_SET) != 0)
		goto out;
	if (csvout_init(&out, sink) < 0)
		goto out;
	in = csvin_new(fd, "fuzz", &opt, &e);
	if (in) {
		while (csvin_next(in, &rec, &e) > 0)
			csvout_record(&out, rec->fields, rec->nfields);
		csvin_free(in);
	}
	csvout_flush(&out);
	csvout_release(&out);
out:
	close(fd);
	close(sink);
	return 0;
}
