/*
 * src_dbf: records from a dBASE table, as the .dbf attribute table of a
 * shapefile holds them: field types C (text), N and F (numbers), D (dates,
 * written YYYY-MM-DD), L (logical, written true or false); memo fields (M)
 * have no memo file here and come out empty. Deleted records are skipped.
 * Text is transcoded to UTF-8 from the encoding named by the caller (a .cpg
 * file beside it), else by the header's language driver byte, else
 * Windows-1252. The table is read one record at a time.
 *
 * Ownership: the record returned by src_dbf_next() is the reader's until
 * the next call or src_dbf_free().
 */
#ifndef MUNI_SRC_DBF_H
#define MUNI_SRC_DBF_H

#include <stddef.h>

#include "csvin.h"
#include "err.h"

struct dbf_src;

/* Whether the first 32 bytes look like a dBASE header. */
int src_dbf_is(const unsigned char *p, size_t n);
/*
 * Read the header from fd, the first nprefix bytes of which are given;
 * encoding may be NULL (see above). hook, when not NULL, sees every byte
 * of the file, the prefix included (for a checksum).
 */
struct dbf_src *src_dbf_open(int fd, const char *name, const void *prefix,
    size_t nprefix, const char *encoding,
    void (*hook)(void *, const void *, size_t), void *ctx,
    struct muni_err *e);
int src_dbf_next(struct dbf_src *s, struct record **rec, struct muni_err *e);
const char *src_dbf_encoding(const struct dbf_src *s);
unsigned long long src_dbf_records(const struct dbf_src *s);
unsigned long long src_dbf_bytes(const struct dbf_src *s);
void src_dbf_free(struct dbf_src *s);

#endif
