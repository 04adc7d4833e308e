/*
 * sqlite: records from a table or a query of a SQLite database (a
 * GeoPackage is one), opened read-only. The header is the column names;
 * each row follows, values as SQLite writes them as text (integers whole,
 * reals as their shortest exact text), NULL as an empty field, a BLOB as
 * hexadecimal; but a GeoPackage table's geometry column (named in
 * gpkg_geometry_columns) as WKT (geom), in its CRS or reprojected to
 * WGS 84 from gpkg_spatial_ref_sys. A query must be read-only (SELECT, WITH...), which
 * sqlite3_stmt_readonly() verifies, and may not attach another database,
 * run a pragma or load an extension (an authorizer refuses them when the
 * query is prepared, before anything is written).
 *
 * Untrusted files are bounded: a view is read only when named (--table),
 * never by default; a query or view that yields more than max_rows rows,
 * or runs more than SQLITE_MAX_STEPS steps of SQLite's machine, is
 * stopped; a value longer than max_field bytes (a BLOB's hexadecimal
 * counted) is refused before SQLite makes it (a zeroblob of a gigabyte
 * is never held).
 *
 * Ownership: the record returned by sqlite_next() is the reader's
 * until the next call or sqlite_free(), as with csvin.
 */
#ifndef MUNI_SQLITE_H
#define MUNI_SQLITE_H

#include "base/buf.h"
#include "base/err.h"
#include "csv/csvin.h"

#define SQLITE_MAGIC "SQLite format 3"	/* and a NUL: 16 bytes */
#define SQLITE_MAX_ROWS 10000000ULL		/* default of max_rows */
#define SQLITE_MAX_STEPS 2000000000ULL	/* some tens of seconds */

struct sqlite;

struct sqlite_options {
	const char *table;		/* a table or view, by name */
	const char *query;		/* or a read-only query */
	size_t max_field, max_record;	/* 0: csvin's defaults */
	unsigned long long max_rows;	/* of a query or view; 0: default */
	int to_wgs84;			/* GeoPackage: reproject geometry */
};

/* Whether p[0..n) starts like a SQLite database. */
int sqlite_is(const void *p, size_t n);
/*
 * The user tables (not sqlite_*, GeoPackage or R*Tree internals), one a
 * line, then the views, each followed by " (view)".
 */
int sqlite_list(const char *path, struct buf *out, struct muni_err *e);
/*
 * Open path and prepare the table or view, or the query; with neither,
 * the one user table of the database (more than one is a usage error
 * that names them; views are not chosen).
 */
struct sqlite *sqlite_open(const char *path,
    const struct sqlite_options *o, struct muni_err *e);
int sqlite_next(struct sqlite *s, struct record **rec,
    struct muni_err *e);
unsigned long long sqlite_rows(const struct sqlite *s);
/*
 * A GeoPackage table's geometries' CRS (reproject_identity()), or NULL
 * when the table has none or it is unknown.
 */
const char *sqlite_crs(const struct sqlite *s);
void sqlite_free(struct sqlite *s);

#endif
