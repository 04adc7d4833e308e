#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/exitcode.h"
#include "source/geom.h"
#include "source/sqlite.h"
#include "transform/reproject.h"
#include "base/banned.h"

/* How often the progress handler is called, in steps of SQLite's machine. */
#define STEPS_PER_CALL 100000

struct sqlite {
	sqlite3 *db;
	sqlite3_stmt *stmt;
	const char *path;
	const char *what;	/* "table 'x'", "view 'x'", "the query" */
	char what_buf[300];
	int header_done, have_row, done, bounded;
	unsigned long long rows, max_rows, steps;
	size_t max_field;
	struct buf bytes;
	size_t *offsets;	/* per column: start of its value in bytes */
	struct field *fields;
	int ncols;
	struct record rec;
	int geom_col;		/* a GeoPackage geometry column, or -1 */
	struct geom *geom;
	struct reproject *proj;
	char why[400];
};

/* Tables and views a person made: not SQLite's, GeoPackage's or R*Tree's. */
static const char user_objects[] =
    "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') "
    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
    "AND name NOT LIKE 'gpkg\\_%' ESCAPE '\\' "
    "AND name NOT LIKE 'rtree\\_%' ESCAPE '\\' ORDER BY type, name";

int
sqlite_is(const void *p, size_t n)
{
	return n >= 16 && memcmp(p, SQLITE_MAGIC, 16) == 0;
}

/*
 * What a query of a file from elsewhere may do: read. Attaching another
 * database, pragmas and loading an extension are refused when the query
 * is prepared.
 */
static int
authorize(void *ctx, int action, const char *a, const char *b,
    const char *c, const char *d)
{
	(void)ctx;
	(void)b;
	(void)c;
	(void)d;
	switch (action) {
	case SQLITE_ATTACH:
	case SQLITE_DETACH:
	case SQLITE_PRAGMA:
		return SQLITE_DENY;
	case SQLITE_FUNCTION:
		return b && (strcmp(b, "load_extension") == 0 ||
		    strcmp(b, "fts3_tokenizer") == 0) ? SQLITE_DENY :
		    SQLITE_OK;
	}
	(void)a;
	return SQLITE_OK;
}

/* Stop a query that runs too long (1: interrupt). */
static int
progress(void *ctx)
{
	struct sqlite *s = ctx;

	s->steps += STEPS_PER_CALL;
	return s->steps > SQLITE_MAX_STEPS;
}

static sqlite3 *
open_db(const char *path, struct muni_err *e)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		err_set(e, MUNI_EXIT_IO, "cannot open '%s' as SQLite: %s", path,
		    db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	/* A hostile file must not make us hang or run triggers' side effects. */
	sqlite3_busy_timeout(db, 5000);
	sqlite3_set_authorizer(db, authorize, NULL);
	return db;
}

/* Each user table's name, then each view's with " (view)", a line each. */
static int
list(const char *path, struct buf *out, int views, struct muni_err *e)
{
	sqlite3 *db = open_db(path, e);
	sqlite3_stmt *st = NULL;
	int rc;

	if (db == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, user_objects, -1, &st, NULL) != SQLITE_OK) {
		err_set(e, MUNI_EXIT_DATA, "'%s' is not a readable SQLite "
		    "database: %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int view = strcmp((const char *)sqlite3_column_text(st, 1),
		    "view") == 0;

		if (view && !views)
			continue;
		buf_addf(out, "%s%s\n", (const char *)sqlite3_column_text(st,
		    0), view ? " (view)" : "");
	}
	if (rc != SQLITE_DONE)
		err_set(e, MUNI_EXIT_DATA, "cannot list the tables of '%s': %s",
		    path, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
sqlite_list(const char *path, struct buf *out, struct muni_err *e)
{
	return list(path, out, 1, e);
}

/* The only user table (views are never chosen), or an error naming them. */
static char *
only_table(const char *path, struct muni_err *e)
{
	struct buf names;
	char *found = NULL;
	size_t i, count = 0;

	buf_init(&names, 1 << 16);
	if (list(path, &names, 0, e) < 0) {
		buf_release(&names);
		return NULL;
	}
	for (i = 0; i < names.len; i++)
		count += names.ptr[i] == '\n';
	if (count == 1) {
		names.ptr[names.len - 1] = '\0';
		found = strdup(names.ptr);
	} else if (count == 0)
		err_set(e, MUNI_EXIT_DATA, "'%s' has no table (a view is read "
		    "only when named with --table; muni-fetch --list shows "
		    "them)", path);
	else {
		buf_setlen(&names, names.len - 1);
		for (i = 0; i < names.len; i++)
			if (names.ptr[i] == '\n')
				names.ptr[i] = ',';
		err_set(e, MUNI_EXIT_USAGE, "'%s' has %zu tables (%s): name one "
		    "with --table", path, count, names.ptr);
	}
	buf_release(&names);
	return found;
}

/* Whether name is a view of the database (its rows have no bound). */
static int
is_view(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st = NULL;
	int view = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = "
	    "'view' AND name = ?", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) == SQLITE_OK)
		view = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return view;
}

/*
 * The text of the first column of the first row of sql (one ? bound to
 * arg, another to num), into out: 1, 0 when no row, -1 on error.
 */
static int
scalar(sqlite3 *db, const char *sql, const char *arg, long num, char *out,
    size_t max)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *t;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, num);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		t = sqlite3_column_text(st, 0);
		snprintf(out, max, "%s", t ? (const char *)t : "");
		rc = 1;
		break;
	case SQLITE_DONE:
		rc = 0;
		break;
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * A GeoPackage table's geometry column, decoded to WKT; with to_wgs84,
 * reprojected from the CRS its srs_id names (EPSG code, else definition).
 * 0 (no geometry column is not an error), or -1 with e set.
 */
static int
gpkg_geometry(struct sqlite *s, const char *table, int to_wgs84,
    struct muni_err *e)
{
	char column[256], srs[32], org[64], def[65536];
	int i;
	long id;

	if (table == NULL || scalar(s->db, "SELECT column_name FROM "
	    "gpkg_geometry_columns WHERE table_name = ?", table, 0, column,
	    sizeof(column)) != 1 || scalar(s->db, "SELECT srs_id FROM "
	    "gpkg_geometry_columns WHERE table_name = ?", table, 0, srs,
	    sizeof(srs)) != 1)
		return 0;
	for (i = 0; i < s->ncols; i++)
		if (strcmp(sqlite3_column_name(s->stmt, i), column) == 0)
			s->geom_col = i;
	if (s->geom_col < 0)
		return 0;
	if (to_wgs84) {
		id = strtol(srs, NULL, 10);
		if (scalar(s->db, "SELECT organization || ':' || "
		    "organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE "
		    "srs_id = ?", NULL, id, org, sizeof(org)) == 1 &&
		    strncasecmp(org, "EPSG:", 5) == 0) {
			memcpy(org, "EPSG", 4);
			s->proj = reproject_new(org, s->why, sizeof(s->why));
		} else if (scalar(s->db, "SELECT definition FROM "
		    "gpkg_spatial_ref_sys WHERE srs_id = ?", NULL, id, def,
		    sizeof(def)) == 1)
			s->proj = reproject_new_wkt(def, "its gpkg_spatial_ref_sys "
			    "definition", s->why, sizeof(s->why));
		else
			snprintf(s->why, sizeof(s->why), "srs_id %ld is not in "
			    "gpkg_spatial_ref_sys", id);
		if (s->proj == NULL) {
			err_set(e, MUNI_EXIT_DATA, "--to-wgs84: '%s': %s",
			    s->path, s->why);
			return -1;
		}
	}
	s->geom = geom_new(s->proj);
	if (s->geom == NULL) {
		err_nomem(e);
		return -1;
	}
	return 0;
}

struct sqlite *
sqlite_open(const char *path, const struct sqlite_options *o,
    struct muni_err *e)
{
	struct sqlite *s = calloc(1, sizeof(*s));
	const char *table = o->table, *query = o->query;
	struct buf sql;
	char *chosen = NULL;
	size_t i;

	if (s == NULL) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot allocate a reader");
		return NULL;
	}
	s->path = path;
	s->max_field = o->max_field ? o->max_field : CSVIN_MAX_FIELD;
	s->max_rows = o->max_rows ? o->max_rows : SQLITE_MAX_ROWS;
	buf_init(&s->bytes, o->max_record ? o->max_record : CSVIN_MAX_RECORD);
	buf_init(&sql, 1 << 20);
	s->db = open_db(path, e);
	if (s->db == NULL)
		goto fail;
	/*
	 * No string or BLOB longer than a field may be made at all: SQLite
	 * would make a zeroblob(999999999) whole before its size is asked.
	 */
	sqlite3_limit(s->db, SQLITE_LIMIT_LENGTH, s->max_field > INT_MAX - 1 ?
	    INT_MAX : (int)s->max_field + 1);
	if (query == NULL) {
		if (table == NULL && (table = chosen = only_table(path,
		    e)) == NULL)
			goto fail;
		/* A table name is an identifier: quoted, quotes doubled. */
		buf_addstr(&sql, "SELECT * FROM \"");
		for (i = 0; table[i]; i++) {
			if (table[i] == '"')
				buf_addch(&sql, '"');
			buf_addch(&sql, table[i]);
		}
		buf_addch(&sql, '"');
		query = sql.ptr;
		s->bounded = !is_view(s->db, table);
		snprintf(s->what_buf, sizeof(s->what_buf), "%s '%.200s'",
		    s->bounded ? "table" : "view", table);
	} else
		snprintf(s->what_buf, sizeof(s->what_buf), "the query");
	s->what = s->what_buf;
	if (sqlite3_prepare_v2(s->db, query, -1, &s->stmt, NULL) != SQLITE_OK ||
	    s->stmt == NULL) {
		err_set(e, MUNI_EXIT_USAGE, "cannot read %s from '%s': %s",
		    s->what, path, sqlite3_errmsg(s->db));
		goto fail;
	}
	if (!sqlite3_stmt_readonly(s->stmt)) {
		err_set(e, MUNI_EXIT_USAGE, "the query would change '%s': only "
		    "read-only queries are run", path);
		goto fail;
	}
	sqlite3_progress_handler(s->db, STEPS_PER_CALL, progress, s);
	s->ncols = sqlite3_column_count(s->stmt);
	s->geom_col = -1;
	if (o->query == NULL && gpkg_geometry(s, table, o->to_wgs84, e) < 0)
		goto fail;
	if (o->to_wgs84 && s->geom_col < 0) {
		err_set(e, MUNI_EXIT_USAGE, "--to-wgs84: %s of '%s' has no "
		    "GeoPackage geometry column (gpkg_geometry_columns)",
		    s->what, path);
		goto fail;
	}
	s->offsets = calloc((size_t)s->ncols + 1, sizeof(size_t));
	s->fields = calloc((size_t)s->ncols + 1, sizeof(struct field));
	if (s->offsets == NULL || s->fields == NULL) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot allocate a reader");
		goto fail;
	}
	free(chosen);
	buf_release(&sql);
	return s;
fail:
	free(chosen);
	buf_release(&sql);
	sqlite_free(s);
	return NULL;
}

/*
 * One value as text: SQLite's own text for numbers, hex for a BLOB; -2
 * when longer than the field limit, said before SQLite makes the value.
 */
static int
add_value(struct sqlite *s, int col)
{
	static const char hex[] = "0123456789abcdef";
	int type = sqlite3_column_type(s->stmt, col);
	size_t n;

	if (type == SQLITE_NULL)
		return 0;
	/* The size, without making a zeroblob's bytes. */
	n = (size_t)sqlite3_column_bytes(s->stmt, col);
	if (type == SQLITE_BLOB && col == s->geom_col) {
		if (n > s->max_field)
			return -2;
		switch (geom_gpkg_wkt(s->geom, sqlite3_column_blob(s->stmt, col),
		    n, &s->bytes, s->why, sizeof(s->why))) {
		case 0:
			return 0;
		case 1:
			return -3;
		default:
			return -1;
		}
	}
	if (type == SQLITE_BLOB) {
		const unsigned char *b;
		size_t i;

		if (n > s->max_field / 2)
			return -2;
		b = sqlite3_column_blob(s->stmt, col);
		for (i = 0; i < n; i++)
			if (buf_addch(&s->bytes, hex[b[i] >> 4]) < 0 ||
			    buf_addch(&s->bytes, hex[b[i] & 15]) < 0)
				return -1;
		return 0;
	}
	if (n > s->max_field)
		return -2;
	return buf_add(&s->bytes, sqlite3_column_text(s->stmt, col), n);
}

/* The next row from SQLite: 1, 0 at the end, -1 with e. */
static int
step(struct sqlite *s, struct muni_err *e)
{
	int rc = sqlite3_step(s->stmt);

	if (rc == SQLITE_ROW && !s->bounded && s->rows >= s->max_rows) {
		err_set(e, MUNI_EXIT_DATA, "%s of '%s' yields more than %llu "
		    "rows: stopped (raise the limit with --max-rows)", s->what,
		    s->path, s->max_rows);
		return -1;
	}
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc == SQLITE_ROW;
	if (rc == SQLITE_INTERRUPT)
		err_set(e, MUNI_EXIT_DATA, "%s of '%s' ran more than %llu "
		    "steps of SQLite without ending: stopped", s->what,
		    s->path, SQLITE_MAX_STEPS);
	else if (rc == SQLITE_TOOBIG)
		err_set(e, MUNI_EXIT_DATA, "%s of '%s' holds a value longer "
		    "than %zu bytes (raise the limit with --max-field-size)",
		    s->what, s->path, s->max_field);
	else if (rc == SQLITE_AUTH)
		err_set(e, MUNI_EXIT_USAGE, "cannot read %s from '%s': %s",
		    s->what, s->path, sqlite3_errmsg(s->db));
	else
		err_set(e, MUNI_EXIT_DATA, "cannot read '%s': %s", s->path,
		    sqlite3_errmsg(s->db));
	return -1;
}

int
sqlite_next(struct sqlite *s, struct record **rec, struct muni_err *e)
{
	int i, rc;

	buf_reset(&s->bytes);
	if (!s->header_done) {
		/*
		 * The first row is read before the header is given, so that
		 * a query that fails at once writes nothing.
		 */
		rc = step(s, e);
		if (rc < 0) {
			e->row = 2;
			return -1;
		}
		s->have_row = rc;
		s->done = rc == 0;
		for (i = 0; i < s->ncols; i++) {
			s->offsets[i] = s->bytes.len;
			buf_addstr(&s->bytes, sqlite3_column_name(s->stmt, i));
		}
		s->header_done = 1;
	} else {
		if (s->done)
			return 0;
		rc = s->have_row ? 1 : step(s, e);
		s->have_row = 0;
		if (rc == 0) {
			s->done = 1;
			return 0;
		}
		if (rc < 0) {
			e->row = s->rows + 2;
			return -1;
		}
		for (i = 0; i < s->ncols; i++) {
			s->offsets[i] = s->bytes.len;
			rc = add_value(s, i);
			if (rc == -2) {
				err_set(e, MUNI_EXIT_DATA, "column '%.100s' holds "
				    "%d bytes, more than %zu (raise the limit "
				    "with --max-field-size)",
				    sqlite3_column_name(s->stmt, i),
				    sqlite3_column_bytes(s->stmt, i),
				    s->max_field);
				e->file = s->path;
				e->row = s->rows + 2;
				return -1;
			}
			if (rc == -3) {
				err_set(e, MUNI_EXIT_DATA, "column '%.100s': %s",
				    sqlite3_column_name(s->stmt, i), s->why);
				e->file = s->path;
				e->row = s->rows + 2;
				return -1;
			}
			if (rc < 0) {
				err_set(e, MUNI_EXIT_DATA, "a row of '%s' is "
				    "longer than %zu bytes (raise the limit with "
				    "--max-record-size)", s->path,
				    s->bytes.max);
				e->row = s->rows + 2;
				return -1;
			}
		}
		s->rows++;
	}
	s->offsets[s->ncols] = s->bytes.len;
	for (i = 0; i < s->ncols; i++) {
		s->fields[i].ptr = s->bytes.ptr + s->offsets[i];
		s->fields[i].len = s->offsets[i + 1] - s->offsets[i];
	}
	s->rec.fields = s->fields;
	s->rec.nfields = (size_t)s->ncols;
	s->rec.row = s->rows + 1;
	s->rec.line = s->rec.row;
	*rec = &s->rec;
	return 1;
}

unsigned long long
sqlite_rows(const struct sqlite *s)
{
	return s->rows;
}

const char *
sqlite_crs(const struct sqlite *s)
{
	return s->proj ? reproject_identity(s->proj) : NULL;
}

void
sqlite_free(struct sqlite *s)
{
	if (s == NULL)
		return;
	sqlite3_finalize(s->stmt);
	sqlite3_close(s->db);
	geom_free(s->geom);
	reproject_free(s->proj);
	buf_release(&s->bytes);
	free(s->offsets);
	free(s->fields);
	free(s);
}
