/*
 * csvout: the canonical CSV writer (DESIGN.md): UTF-8, ',' between fields,
 * '"' around a field only when it holds ',', '"', CR or LF, '""' for a
 * quote inside, LF after each record. Two cases the rules leave open: a
 * record of one empty field is written '""' (an empty line would read back
 * as a blank row), and a blank row (no fields) as an empty line.
 *
 * The writer buffers and writes with write(2) to a descriptor it does not
 * own. Every write is checked: a failed one (disk full, closed pipe) makes
 * this and every later call return -1 with errno set, so the tool can exit
 * with MUNI_EXIT_IO instead of leaving a truncated file that looks whole.
 * csvout_flush() must be called at the end and its result checked.
 */
#ifndef MUNI_CSVOUT_H
#define MUNI_CSVOUT_H

#include <stddef.h>

#include "base/buf.h"
#include "csv/csvin.h"

struct csvout {
	int fd;
	char *buf;
	size_t len;
	size_t cap;
	int errnum;			/* first write error, 0 if none */
	unsigned long long bytes;	/* bytes handed to write(2) */
	unsigned long long records;
};

int csvout_init(struct csvout *out, int fd);
void csvout_release(struct csvout *out);

int csvout_record(struct csvout *out, const struct field *f, size_t n);
/* Raw bytes, for tools that write something other than records. */
int csvout_write(struct csvout *out, const void *p, size_t n);
int csvout_flush(struct csvout *out);
/* Append one canonical record to a buffer, as csvout_record writes it. */
int csvout_render(struct buf *out, const struct field *f, size_t n);

#endif
