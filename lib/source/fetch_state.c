#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "base/exitcode.h"
#include "source/fetch_state.h"
#include "source/provenance.h"
#include "base/banned.h"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS fetch_state ("
    " url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT,"
    " bytes INTEGER, sha256 TEXT, encoding TEXT, delimiter TEXT,"
    " fetched TEXT)";

static sqlite3 *
open_db(const char *path, struct muni_err *e)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 10000) != SQLITE_OK ||
	    sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		err_set(e, MUNI_EXIT_IO, "cannot use the state file '%s': %s",
		    path, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static void
text(sqlite3_stmt *st, int col, char *out, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, n, "%s", t ? (const char *)t : "");
}

int
fetch_state_load(const char *path, const char *url, struct fetch_state *s,
    struct muni_err *e)
{
	sqlite3 *db = open_db(path, e);
	sqlite3_stmt *st = NULL;
	int rc;

	memset(s, 0, sizeof(*s));
	if (db == NULL)
		return -1;
	rc = sqlite3_prepare_v2(db, "SELECT etag, last_modified, bytes, "
	    "sha256, encoding, delimiter FROM fetch_state WHERE url = ?", -1,
	    &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		s->found = 1;
		text(st, 0, s->etag, sizeof(s->etag));
		text(st, 1, s->last_modified, sizeof(s->last_modified));
		s->bytes = (unsigned long long)sqlite3_column_int64(st, 2);
		text(st, 3, s->sha256, sizeof(s->sha256));
		text(st, 4, s->encoding, sizeof(s->encoding));
		text(st, 5, s->delimiter, sizeof(s->delimiter));
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE && rc != SQLITE_OK) {
		err_set(e, MUNI_EXIT_IO, "cannot read the state file '%s': %s",
		    path, sqlite3_errmsg(db));
		sqlite3_finalize(st);
		sqlite3_close(db);
		return -1;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}

int
fetch_state_save(const char *path, const char *url, const struct fetch_state *s,
    struct muni_err *e)
{
	sqlite3 *db = open_db(path, e);
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc;

	if (db == NULL)
		return -1;
	provenance_now(now);
	rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO fetch_state "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, s->etag, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, s->last_modified, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)s->bytes);
		sqlite3_bind_text(st, 5, s->sha256, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, s->encoding, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, s->delimiter, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		err_set(e, MUNI_EXIT_IO, "cannot write the state file '%s': "
		    "%s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	sqlite3_close(db);
	return 0;
}
