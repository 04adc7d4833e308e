/*
 * src_sqlite: records from a table or a query of a SQLite database (a
 * GeoPackage is one), opened read-only. The header is the column names;
 * each row follows, values as SQLite writes them as text (integers whole,
 * reals as their shortest exact text), NULL as an empty field, a BLOB as
 * hexadecimal. A query must be read-only (SELECT, WITH...), which
 * sqlite3_stmt_readonly() verifies.
 *
 * Ownership: the record returned by src_sqlite_next() is the reader's
 * until the next call or src_sqlite_free(), as with csvin.
 */
#ifndef MUNI_SRC_SQLITE_H
#define MUNI_SRC_SQLITE_H

#include "buf.h"
#include "csvin.h"
#include "err.h"

#define SQLITE_MAGIC "SQLite format 3"	/* and a NUL: 16 bytes */

struct sqlite_src;

/* Whether p[0..n) starts like a SQLite database. */
int src_sqlite_is(const void *p, size_t n);
/* The user tables (not sqlite_*, GeoPackage or R*Tree internals), one a line. */
int src_sqlite_list(const char *path, struct buf *out, struct muni_err *e);
/*
 * Open path and prepare table (a name) or query (SQL); with neither, the
 * one user table of the database (more than one is a usage error that
 * names them).
 */
struct sqlite_src *src_sqlite_open(const char *path, const char *table,
    const char *query, struct muni_err *e);
int src_sqlite_next(struct sqlite_src *s, struct record **rec,
    struct muni_err *e);
unsigned long long src_sqlite_rows(const struct sqlite_src *s);
void src_sqlite_free(struct sqlite_src *s);

#endif
