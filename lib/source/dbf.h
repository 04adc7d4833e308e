/*
 * dbf: records from a dBASE table, as the .dbf attribute table of a
 * shapefile holds them: field types C (text), N and F (numbers), D (dates,
 * written YYYY-MM-DD), L (logical, written true or false); memo fields (M)
 * have no memo file here and come out empty. Deleted records are skipped.
 * Text is transcoded to UTF-8 from the encoding named by the caller (a .cpg
 * file beside it), else by the header's language driver byte, else
 * Windows-1252. The table is read one record at a time.
 *
 * Ownership: the record returned by dbf_next() is the reader's until
 * the next call or dbf_free().
 */
#ifndef MUNI_DBF_H
#define MUNI_DBF_H

#include <stddef.h>

#include "base/err.h"
#include "csv/csvin.h"

struct dbf;

/* Whether the first 32 bytes look like a dBASE header. */
int dbf_is(const unsigned char *p, size_t n);
/*
 * Read the header from fd, the first nprefix bytes of which are given;
 * encoding may be NULL (see above). hook, when not NULL, sees every byte
 * of the file, the prefix included (for a checksum).
 */
struct dbf *dbf_open(int fd, const char *name, const void *prefix,
    size_t nprefix, const char *encoding,
    void (*hook)(void *, const void *, size_t), void *ctx,
    struct muni_err *e);
int dbf_next(struct dbf *s, struct record **rec, struct muni_err *e);
const char *dbf_encoding(const struct dbf *s);
unsigned long long dbf_records(const struct dbf *s);
/* The place in the file (from 0, deleted records counted) of the record
 * dbf_next() gave last: a shapefile's shape has the same. */
unsigned long long dbf_index(const struct dbf *s);
unsigned long long dbf_bytes(const struct dbf *s);
void dbf_free(struct dbf *s);

#endif
