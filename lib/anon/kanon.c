#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anon/kanon.h"
#include "base/exitcode.h"
#include "base/banned.h"

struct kanon {
	sqlite3 *db;
	sqlite3_stmt *add, *sens, *size;
	size_t nsens;
};

static int
fail(struct kanon *k, struct muni_err *e)
{
	err_set(e, MUNI_EXIT_IO, "cannot count the classes: %s",
	    k->db ? sqlite3_errmsg(k->db) : "out of memory");
	return -1;
}

struct kanon *
kanon_new(size_t nsens, struct muni_err *e)
{
	struct kanon *k = calloc(1, sizeof(*k));

	if (k == NULL) {
		err_nomem(e);
		return NULL;
	}
	k->nsens = nsens;
	/* "": a private temporary database on disk */
	if (sqlite3_open_v2("", &k->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
	    sqlite3_exec(k->db, "PRAGMA cache_size = -8192;"
	    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
	    "PRAGMA temp_store = FILE;"
	    "CREATE TABLE cls (k BLOB PRIMARY KEY, n INTEGER) WITHOUT ROWID;"
	    "CREATE TABLE sv (c INTEGER, k BLOB, v BLOB, "
	    "PRIMARY KEY (c, k, v)) WITHOUT ROWID;"
	    "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(k->db, "INSERT INTO cls VALUES (?, 1) "
	    "ON CONFLICT (k) DO UPDATE SET n = n + 1", -1, &k->add,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(k->db, "INSERT OR IGNORE INTO sv VALUES "
	    "(?, ?, ?)", -1, &k->sens, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(k->db, "SELECT n FROM cls WHERE k = ?", -1,
	    &k->size, NULL) != SQLITE_OK) {
		fail(k, e);
		kanon_free(k);
		return NULL;
	}
	return k;
}

int
kanon_add(struct kanon *k, const char *key, size_t len,
    const char *const *sens, const size_t *slen, struct muni_err *e)
{
	size_t i;

	sqlite3_bind_blob(k->add, 1, key, (int)len, SQLITE_STATIC);
	if (sqlite3_step(k->add) != SQLITE_DONE)
		return fail(k, e);
	sqlite3_reset(k->add);
	for (i = 0; i < k->nsens; i++) {
		sqlite3_bind_int64(k->sens, 1, (sqlite3_int64)i);
		sqlite3_bind_blob(k->sens, 2, key, (int)len, SQLITE_STATIC);
		sqlite3_bind_blob(k->sens, 3, sens[i], (int)slen[i],
		    SQLITE_STATIC);
		if (sqlite3_step(k->sens) != SQLITE_DONE)
			return fail(k, e);
		sqlite3_reset(k->sens);
	}
	return 0;
}

int
kanon_result(struct kanon *k, unsigned long long kmin,
    struct kanon_result *r, struct muni_err *e)
{
	sqlite3_stmt *st = NULL;
	unsigned long long n, c;

	memset(r, 0, sizeof(*r));
	r->l = k->nsens ? 0 : -1;
	if (sqlite3_prepare_v2(k->db, "SELECT n, COUNT(*) FROM cls GROUP BY n "
	    "ORDER BY n", -1, &st, NULL) != SQLITE_OK)
		return fail(k, e);
	while (sqlite3_step(st) == SQLITE_ROW) {
		n = (unsigned long long)sqlite3_column_int64(st, 0);
		c = (unsigned long long)sqlite3_column_int64(st, 1);
		if (r->smallest == 0)
			r->smallest = n;
		r->classes += c;
		r->rows += n * c;
		if (n == 1)
			r->uniques = c;
		r->hist[n < KANON_HIST ? n : KANON_HIST] += c;
		if (n < kmin)
			r->below_k_rows += n * c;
	}
	sqlite3_finalize(st);
	if (k->nsens == 0)
		return 0;
	if (sqlite3_prepare_v2(k->db, "SELECT MIN(d) FROM (SELECT COUNT(*) d "
	    "FROM sv GROUP BY c, k)", -1, &st, NULL) != SQLITE_OK)
		return fail(k, e);
	if (sqlite3_step(st) == SQLITE_ROW)
		r->l = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

unsigned long long
kanon_size(struct kanon *k, const char *key, size_t len)
{
	unsigned long long n = 0;

	sqlite3_bind_blob(k->size, 1, key, (int)len, SQLITE_STATIC);
	if (sqlite3_step(k->size) == SQLITE_ROW)
		n = (unsigned long long)sqlite3_column_int64(k->size, 0);
	sqlite3_reset(k->size);
	return n;
}

void
kanon_free(struct kanon *k)
{
	if (k == NULL)
		return;
	sqlite3_finalize(k->add);
	sqlite3_finalize(k->sens);
	sqlite3_finalize(k->size);
	sqlite3_close(k->db);
	free(k);
}
