#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "publish/catalog.h"
#include "base/banned.h"

struct catalog {
	sqlite3 *db;
	int has_profile;	/* versions.profile: catalogues before it lack it */
	char *path;		/* a copy: messages name it after the caller's
				 * buffer is gone */
};

/*
 * Rollback journal, synced: the file is whole after every commit and
 * nothing sits beside it once the catalogue is closed.
 */
static const char ddl[] =
    "PRAGMA journal_mode = DELETE;"
    "PRAGMA synchronous = FULL;"
    "CREATE TABLE IF NOT EXISTS datasets ("
    " name TEXT PRIMARY KEY, identifier TEXT NOT NULL,"
    " current TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS versions ("
    " dataset TEXT NOT NULL, stamp TEXT NOT NULL, number TEXT NOT NULL,"
    " published TEXT NOT NULL, sha256 TEXT NOT NULL,"
    " bytes INTEGER NOT NULL, rows INTEGER NOT NULL,"
    " gz_sha256 TEXT, gz_bytes INTEGER,"
    " schema_sha256 TEXT, meta_sha256 TEXT NOT NULL,"
    " validation TEXT NOT NULL, anonymization TEXT NOT NULL,"
    " compared INTEGER NOT NULL, added INTEGER, removed INTEGER,"
    " changed INTEGER, descriptor TEXT NOT NULL, profile TEXT,"
    " PRIMARY KEY (dataset, stamp));"
    "CREATE TABLE IF NOT EXISTS settings ("
    " key TEXT PRIMARY KEY, value TEXT NOT NULL);";

static const char columns[] =
    "v.dataset, v.stamp, v.number, v.published, d.identifier, v.sha256,"
    " v.bytes, v.rows, v.gz_sha256, v.gz_bytes, v.schema_sha256,"
    " v.meta_sha256, v.validation, v.anonymization, v.compared, v.added,"
    " v.removed, v.changed, v.descriptor";

static int
fail(struct catalog *c, struct muni_err *e, const char *what)
{
	err_set(e, MUNI_EXIT_IO, "cannot %s the catalogue '%s': %s", what,
	    c->path, c->db ? sqlite3_errmsg(c->db) : "out of memory");
	return -1;
}

/* Whether the versions have their profile (a column added later). */
static int
has_profile(struct catalog *c)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(c->db, "SELECT 1 FROM pragma_table_info("
	    "'versions') WHERE name = 'profile'", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	c->has_profile = rc == SQLITE_ROW;
	return 0;
}

struct catalog *
catalog_open(const char *path, enum catalog_mode mode, struct muni_err *e)
{
	struct catalog *c = calloc(1, sizeof(*c));
	int flags = mode == CATALOG_READ ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | (mode == CATALOG_WRITE ?
	    SQLITE_OPEN_CREATE : 0);

	if (c == NULL) {
		err_nomem(e);
		return NULL;
	}
	c->path = strdup(path);
	if (c->path == NULL) {
		free(c);
		err_nomem(e);
		return NULL;
	}
	if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(c->db, 30000) != SQLITE_OK ||
	    (mode == CATALOG_WRITE && sqlite3_exec(c->db, ddl, NULL, NULL,
	    NULL) != SQLITE_OK)) {
		fail(c, e, "open");
		catalog_close(c);
		return NULL;
	}
	if (has_profile(c) < 0) {
		fail(c, e, "open");
		catalog_close(c);
		return NULL;
	}
	if (!c->has_profile && mode == CATALOG_WRITE) {
		if (sqlite3_exec(c->db, "ALTER TABLE versions ADD COLUMN "
		    "profile TEXT", NULL, NULL, NULL) != SQLITE_OK) {
			fail(c, e, "open");
			catalog_close(c);
			return NULL;
		}
		c->has_profile = 1;
	}
	return c;
}

void
catalog_close(struct catalog *c)
{
	if (c == NULL)
		return;
	sqlite3_close(c->db);
	free(c->path);
	free(c);
}

int
catalog_finish(struct catalog *c, struct muni_err *e)
{
	int rc = 0;

	if (c == NULL)
		return 0;
	if (sqlite3_close(c->db) != SQLITE_OK) {
		err_set(e, MUNI_EXIT_IO, "cannot close the catalogue '%s': %s",
		    c->path, sqlite3_errmsg(c->db));
		rc = -1;
		/* Still open: released below, whatever it says. */
		sqlite3_close_v2(c->db);
	}
	free(c->path);
	free(c);
	return rc;
}

int
catalog_snapshot(struct catalog *c, const char *path, struct muni_err *e)
{
	char *sql = sqlite3_mprintf("VACUUM INTO %Q", path);
	int rc, fd;

	if (sql == NULL)
		return fail(c, e, "copy");
	rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	sqlite3_free(sql);
	if (rc != SQLITE_OK) {
		err_set(e, MUNI_EXIT_IO, "cannot copy the catalogue to '%s': %s",
		    path, sqlite3_errmsg(c->db));
		unlink(path);
		return -1;
	}
	/* VACUUM INTO does not sync what it wrote. */
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static void
text(sqlite3_stmt *st, int col, char *out, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, n, "%s", t ? (const char *)t : "");
}

static unsigned long long
u64(sqlite3_stmt *st, int col)
{
	return (unsigned long long)sqlite3_column_int64(st, col);
}

static int
row_to_version(sqlite3_stmt *st, struct cat_version *v)
{
	const unsigned char *d;

	memset(v, 0, sizeof(*v));
	text(st, 0, v->dataset, sizeof(v->dataset));
	text(st, 1, v->stamp, sizeof(v->stamp));
	text(st, 2, v->number, sizeof(v->number));
	text(st, 3, v->published, sizeof(v->published));
	text(st, 4, v->identifier, sizeof(v->identifier));
	text(st, 5, v->sha256, sizeof(v->sha256));
	v->bytes = u64(st, 6);
	v->rows = u64(st, 7);
	text(st, 8, v->gz_sha256, sizeof(v->gz_sha256));
	v->gz_bytes = u64(st, 9);
	text(st, 10, v->schema_sha256, sizeof(v->schema_sha256));
	text(st, 11, v->meta_sha256, sizeof(v->meta_sha256));
	text(st, 12, v->validation, sizeof(v->validation));
	text(st, 13, v->anonymization, sizeof(v->anonymization));
	v->compared = sqlite3_column_int(st, 14);
	v->added = u64(st, 15);
	v->removed = u64(st, 16);
	v->changed = u64(st, 17);
	d = sqlite3_column_text(st, 18);
	v->descriptor = strdup(d ? (const char *)d : "");
	if ((d = sqlite3_column_text(st, 19)) != NULL && d[0] &&
	    (v->profile = strdup((const char *)d)) == NULL)
		return -1;
	return v->descriptor ? 0 : -1;
}

int
catalog_current(struct catalog *c, const char *dataset,
    struct cat_version *v, struct muni_err *e)
{
	sqlite3_stmt *st = NULL;
	char sql[1024];
	int rc, found = 0;

	memset(v, 0, sizeof(*v));
	snprintf(sql, sizeof(sql), "SELECT %s, %s FROM datasets d JOIN versions"
	    " v ON v.dataset = d.name AND v.stamp = d.current WHERE d.name = ?",
	    columns, c->has_profile ? "v.profile" : "NULL");
	rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, dataset, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		found = 1;
		if (row_to_version(st, v) < 0)
			rc = SQLITE_NOMEM;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(c, e, "read");
	return found;
}

static int
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static int
exec(struct catalog *c, const char *sql)
{
	return sqlite3_exec(c->db, sql, NULL, NULL, NULL);
}

int
catalog_add(struct catalog *c, const struct cat_version *v,
    const char *const *drop, size_t ndrop, struct muni_err *e)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	if (exec(c, "BEGIN IMMEDIATE") != SQLITE_OK)
		return fail(c, e, "write");
	rc = sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO versions VALUES"
	    " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &st,
	    NULL);
	if (rc == SQLITE_OK) {
		bind_text(st, 1, v->dataset);
		bind_text(st, 2, v->stamp);
		bind_text(st, 3, v->number);
		bind_text(st, 4, v->published);
		bind_text(st, 5, v->sha256);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)v->bytes);
		sqlite3_bind_int64(st, 7, (sqlite3_int64)v->rows);
		if (v->gz_sha256[0]) {
			bind_text(st, 8, v->gz_sha256);
			sqlite3_bind_int64(st, 9, (sqlite3_int64)v->gz_bytes);
		}
		bind_text(st, 10, v->schema_sha256);
		bind_text(st, 11, v->meta_sha256);
		bind_text(st, 12, v->validation);
		bind_text(st, 13, v->anonymization);
		sqlite3_bind_int(st, 14, v->compared);
		if (v->compared) {
			sqlite3_bind_int64(st, 15, (sqlite3_int64)v->added);
			sqlite3_bind_int64(st, 16, (sqlite3_int64)v->removed);
			sqlite3_bind_int64(st, 17, (sqlite3_int64)v->changed);
		}
		bind_text(st, 18, v->descriptor ? v->descriptor : "");
		if (v->profile)
			bind_text(st, 19, v->profile);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == SQLITE_DONE)
		rc = sqlite3_prepare_v2(c->db, "INSERT INTO datasets VALUES"
		    " (?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
		    " current = excluded.current,"
		    " identifier = excluded.identifier", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		bind_text(st, 1, v->dataset);
		bind_text(st, 2, v->identifier);
		bind_text(st, 3, v->stamp);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == SQLITE_DONE && ndrop)
		rc = sqlite3_prepare_v2(c->db, "DELETE FROM versions WHERE"
		    " dataset = ?1 AND stamp = ?2", -1, &st, NULL);
	for (i = 0; i < ndrop && rc == SQLITE_OK; i++) {
		sqlite3_reset(st);
		bind_text(st, 1, v->dataset);
		bind_text(st, 2, drop[i]);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	}
	if (ndrop && rc == SQLITE_OK)
		rc = SQLITE_DONE;
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || exec(c, "COMMIT") != SQLITE_OK) {
		fail(c, e, "write");
		exec(c, "ROLLBACK");
		return -1;
	}
	return 0;
}

int
catalog_each(struct catalog *c, const char *dataset,
    int (*fn)(void *ctx, const struct cat_version *v), void *ctx,
    struct muni_err *e)
{
	sqlite3_stmt *st = NULL;
	struct cat_version v;
	char sql[1024];
	int rc, stop = 0;

	if (dataset)
		snprintf(sql, sizeof(sql), "SELECT %s, %s FROM versions v JOIN "
		    "datasets d ON d.name = v.dataset WHERE v.dataset = ? "
		    "ORDER BY v.stamp DESC", columns, c->has_profile ?
		    "v.profile" : "NULL");
	else
		snprintf(sql, sizeof(sql), "SELECT %s, %s FROM datasets d JOIN "
		    "versions v ON v.dataset = d.name AND v.stamp = d.current "
		    "ORDER BY d.name", columns, c->has_profile ? "v.profile" :
		    "NULL");
	rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && dataset)
		rc = bind_text(st, 1, dataset);
	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW)
			break;
		if (row_to_version(st, &v) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		stop = fn(ctx, &v);
		cat_version_release(&v);
		if (stop) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(c, e, "read");
	return 0;
}

int
catalog_setting(struct catalog *c, const char *key, char *out, size_t n)
{
	sqlite3_stmt *st = NULL;
	int found = 0;

	out[0] = '\0';
	/* A catalogue written before settings has none. */
	if (sqlite3_prepare_v2(c->db, "SELECT value FROM settings WHERE"
	    " key = ?", -1, &st, NULL) != SQLITE_OK)
		return 0;
	bind_text(st, 1, key);
	if (sqlite3_step(st) == SQLITE_ROW) {
		text(st, 0, out, n);
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

int
catalog_set(struct catalog *c, const char *key, const char *value,
    struct muni_err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(c->db, "INSERT INTO settings VALUES"
	    " (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	    -1, &st, NULL);

	if (rc == SQLITE_OK) {
		bind_text(st, 1, key);
		bind_text(st, 2, value);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(c, e, "write");
}

struct version_list {
	struct cat_version *v;
	size_t n;
	int failed;
};

static int
list_add(void *ctx, const struct cat_version *v)
{
	struct version_list *l = ctx;
	struct cat_version *nv = realloc(l->v, (l->n + 1) * sizeof(*nv));

	if (nv == NULL) {
		l->failed = 1;
		return 1;
	}
	l->v = nv;
	l->v[l->n] = *v;
	l->v[l->n].descriptor = NULL;
	l->v[l->n].profile = NULL;
	l->n++;
	return 0;
}

int
catalog_versions(struct catalog *c, const char *dataset,
    struct cat_version **v, size_t *n, struct muni_err *e)
{
	struct version_list l;
	int rc;

	memset(&l, 0, sizeof(l));
	rc = catalog_each(c, dataset, list_add, &l, e);
	if (rc == 0 && l.v == NULL && l.n == 0)
		l.v = calloc(1, sizeof(*l.v));
	if (rc < 0 || l.v == NULL || l.failed) {
		free(l.v);
		if (rc == 0)
			err_nomem(e);
		*v = NULL;
		*n = 0;
		return -1;
	}
	*v = l.v;
	*n = l.n;
	return 0;
}

int
catalog_profiles(struct catalog *c, const char *dataset,
    struct cat_version *v, size_t n, size_t max, struct muni_err *e)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *stamp, *p;
	size_t i = 0;
	int rc;

	if (!c->has_profile || max == 0)
		return 0;
	rc = sqlite3_prepare_v2(c->db, "SELECT stamp, profile FROM versions "
	    "WHERE dataset = ? ORDER BY stamp DESC LIMIT ?", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 1, dataset);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW)
			break;
		stamp = sqlite3_column_text(st, 0);
		p = sqlite3_column_text(st, 1);
		/* Both newest first: the same version, or v is not the list. */
		if (i >= n || stamp == NULL || strcmp((const char *)stamp,
		    v[i].stamp) != 0)
			break;
		free(v[i].profile);
		v[i].profile = NULL;
		if (p && p[0] && (v[i].profile = strdup((const char *)p)) ==
		    NULL) {
			sqlite3_finalize(st);
			err_nomem(e);
			return -1;
		}
		i++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fail(c, e, "read");
		return -1;
	}
	return 0;
}

void
cat_version_release(struct cat_version *v)
{
	free(v->descriptor);
	v->descriptor = NULL;
	free(v->profile);
	v->profile = NULL;
}

const char *
catalog_errmsg(struct catalog *c)
{
	return c->db ? sqlite3_errmsg(c->db) : "out of memory";
}
