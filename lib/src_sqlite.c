#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "src_sqlite.h"
#include "banned.h"

struct sqlite_src {
	sqlite3 *db;
	sqlite3_stmt *stmt;
	const char *path;
	int header_done;
	unsigned long long rows;
	struct buf bytes;
	size_t *offsets;	/* per column: start of its value in bytes */
	struct field *fields;
	int ncols;
	struct record rec;
};

/* Tables a person made: not SQLite's, GeoPackage's or R*Tree shadows. */
static const char user_tables[] =
    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
    "AND name NOT LIKE 'gpkg\\_%' ESCAPE '\\' "
    "AND name NOT LIKE 'rtree\\_%' ESCAPE '\\' ORDER BY name";

int
src_sqlite_is(const void *p, size_t n)
{
	return n >= 16 && memcmp(p, SQLITE_MAGIC, 16) == 0;
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
	return db;
}

int
src_sqlite_list(const char *path, struct buf *out, struct muni_err *e)
{
	sqlite3 *db = open_db(path, e);
	sqlite3_stmt *st = NULL;
	int rc;

	if (db == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, user_tables, -1, &st, NULL) != SQLITE_OK) {
		err_set(e, MUNI_EXIT_DATA, "'%s' is not a readable SQLite "
		    "database: %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		buf_addf(out, "%s\n", (const char *)sqlite3_column_text(st, 0));
	if (rc != SQLITE_DONE)
		err_set(e, MUNI_EXIT_DATA, "cannot list the tables of '%s': %s",
		    path, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The only user table, or an error naming them all. */
static char *
only_table(const char *path, struct muni_err *e)
{
	struct buf names;
	char *found = NULL;
	size_t i, count = 0;

	buf_init(&names, 1 << 16);
	if (src_sqlite_list(path, &names, e) < 0) {
		buf_release(&names);
		return NULL;
	}
	for (i = 0; i < names.len; i++)
		count += names.ptr[i] == '\n';
	if (count == 1) {
		names.ptr[names.len - 1] = '\0';
		found = strdup(names.ptr);
	} else if (count == 0)
		err_set(e, MUNI_EXIT_DATA, "'%s' has no table", path);
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

struct sqlite_src *
src_sqlite_open(const char *path, const char *table, const char *query,
    struct muni_err *e)
{
	struct sqlite_src *s = calloc(1, sizeof(*s));
	struct buf sql;
	char *chosen = NULL;
	size_t i;

	if (s == NULL) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot allocate a reader");
		return NULL;
	}
	s->path = path;
	buf_init(&s->bytes, CSVIN_MAX_RECORD);
	buf_init(&sql, 1 << 20);
	s->db = open_db(path, e);
	if (s->db == NULL)
		goto fail;
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
	}
	if (sqlite3_prepare_v2(s->db, query, -1, &s->stmt, NULL) != SQLITE_OK ||
	    s->stmt == NULL) {
		err_set(e, MUNI_EXIT_USAGE, "cannot read %s%s%s from '%s': %s",
		    table ? "table '" : "the query", table ? table : "",
		    table ? "'" : "", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	if (!sqlite3_stmt_readonly(s->stmt)) {
		err_set(e, MUNI_EXIT_USAGE, "the query would change '%s': only "
		    "read-only queries are run", path);
		goto fail;
	}
	s->ncols = sqlite3_column_count(s->stmt);
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
	src_sqlite_free(s);
	return NULL;
}

/* One value as text: SQLite's own text for numbers, hex for a BLOB. */
static int
add_value(struct sqlite_src *s, int col)
{
	static const char hex[] = "0123456789abcdef";
	int type = sqlite3_column_type(s->stmt, col);

	if (type == SQLITE_NULL)
		return 0;
	if (type == SQLITE_BLOB) {
		const unsigned char *b = sqlite3_column_blob(s->stmt, col);
		int n = sqlite3_column_bytes(s->stmt, col), i;

		for (i = 0; i < n; i++)
			if (buf_addch(&s->bytes, hex[b[i] >> 4]) < 0 ||
			    buf_addch(&s->bytes, hex[b[i] & 15]) < 0)
				return -1;
		return 0;
	}
	return buf_add(&s->bytes, sqlite3_column_text(s->stmt, col),
	    (size_t)sqlite3_column_bytes(s->stmt, col));
}

int
src_sqlite_next(struct sqlite_src *s, struct record **rec, struct muni_err *e)
{
	int i, rc;

	buf_reset(&s->bytes);
	if (!s->header_done) {
		for (i = 0; i < s->ncols; i++) {
			s->offsets[i] = s->bytes.len;
			buf_addstr(&s->bytes, sqlite3_column_name(s->stmt, i));
		}
		s->header_done = 1;
	} else {
		rc = sqlite3_step(s->stmt);
		if (rc == SQLITE_DONE)
			return 0;
		if (rc != SQLITE_ROW) {
			err_set(e, MUNI_EXIT_DATA, "cannot read '%s': %s",
			    s->path, sqlite3_errmsg(s->db));
			e->row = s->rows + 2;
			return -1;
		}
		for (i = 0; i < s->ncols; i++) {
			s->offsets[i] = s->bytes.len;
			if (add_value(s, i) < 0) {
				err_set(e, MUNI_EXIT_DATA, "a row of '%s' is "
				    "longer than %zu bytes", s->path,
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
src_sqlite_rows(const struct sqlite_src *s)
{
	return s->rows;
}

void
src_sqlite_free(struct sqlite_src *s)
{
	if (s == NULL)
		return;
	sqlite3_finalize(s->stmt);
	sqlite3_close(s->db);
	buf_release(&s->bytes);
	free(s->offsets);
	free(s->fields);
	free(s);
}
