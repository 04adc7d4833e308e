/* libFuzzer target for the XML source: any bytes are a XML document. */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "source/xmlrec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xml_options o;
	struct muni_err e;
	struct record *rec;
	struct xmlrec *s;
	int fd = memfd_create("fuzz", 0), n = 0;

	if (fd < 0)
		return 0;
	memset(&o, 0, sizeof(o));
	if (size > 0 && data[0] == '#')
		o.records = "data";	/* a first byte that picks a path */
	if (write(fd, data, size) == (ssize_t)size) {
		err_clear(&e);
		s = xmlrec_open(fd, "fuzz", &o, &e);
		if (s) {
			while (n++ < 100000 && xmlrec_next(s, &rec, &e) > 0)
				;
			xmlrec_free(s);
		}
	}
	close(fd);
	return 0;
}
