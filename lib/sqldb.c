/*
 * SQLite handles for the knowledge base and the state database: WAL so that
 * readers never block the writer, a busy timeout so that two processes that
 * register a request at the same moment queue instead of failing, foreign
 * keys on, and per-module schema versions so that kb/ and agent/ each own
 * their tables.
 */
#include "lib/sqldb.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/xmalloc.h"

static const char *const pragmas =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA foreign_keys=ON;";

int
sqldb_exec(sqlite3 *db, const char *sql, char **errstr_r)
{
	char	*msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		*errstr_r = xasprintf("sqlite: %s",
		    msg != NULL ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
sqldb_open(const char *path, sqlite3 **db_r, char **errstr_r)
{
	sqlite3	*db = NULL;
	int	 flags;

	*db_r = NULL;
	flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		*errstr_r = xasprintf("%s: %s", path,
		    db != NULL ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, SQLDB_BUSY_MS);
	sqlite3_extended_result_codes(db, 1);
	if (sqldb_exec(db, pragmas, errstr_r) == -1) {
		sqlite3_close(db);
		return -1;
	}
	*db_r = db;
	return 0;
}

void
sqldb_close(sqlite3 **db)
{
	if (*db == NULL)
		return;
	sqlite3_close_v2(*db);
	*db = NULL;
}

static int
current_version(sqlite3 *db, const char *module, int *version_r,
    char **errstr_r)
{
	sqlite3_stmt	*st = NULL;
	int		 rc;

	if (sqldb_exec(db, "CREATE TABLE IF NOT EXISTS schema_version ("
	    "module TEXT PRIMARY KEY, version INTEGER NOT NULL)",
	    errstr_r) == -1)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT version FROM schema_version "
	    "WHERE module = ?", -1, &st, NULL) != SQLITE_OK) {
		*errstr_r = xasprintf("sqlite: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
	*version_r = 0;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*version_r = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*errstr_r = xasprintf("sqlite: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

int
sqldb_migrate(sqlite3 *db, const char *module, const char *const *steps,
    int nsteps, char **errstr_r)
{
	sqlite3_stmt	*st = NULL;
	int		 version, i;

	/* IMMEDIATE: two processes starting together migrate one at a time. */
	if (sqldb_exec(db, "BEGIN IMMEDIATE", errstr_r) == -1)
		return -1;
	if (current_version(db, module, &version, errstr_r) == -1)
		goto fail;
	if (version > nsteps) {
		*errstr_r = xasprintf("%s schema version %d is newer than "
		    "this program (%d)", module, version, nsteps);
		goto fail;
	}
	for (i = version; i < nsteps; i++) {
		if (sqldb_exec(db, steps[i], errstr_r) == -1)
			goto fail;
	}
	if (sqlite3_prepare_v2(db, "INSERT INTO schema_version (module, "
	    "version) VALUES (?, ?) ON CONFLICT (module) DO UPDATE SET "
	    "version = excluded.version", -1, &st, NULL) != SQLITE_OK) {
		*errstr_r = xasprintf("sqlite: %s", sqlite3_errmsg(db));
		goto fail;
	}
	sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, nsteps);
	if (sqlite3_step(st) != SQLITE_DONE) {
		*errstr_r = xasprintf("sqlite: %s", sqlite3_errmsg(db));
		goto fail;
	}
	sqlite3_finalize(st);
	return sqldb_exec(db, "COMMIT", errstr_r);
fail:
	sqlite3_finalize(st);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int
dberr(sqlite3 *db, char **errstr_r)
{
	if (errstr_r != NULL)
		*errstr_r = xasprintf("sqlite: %s", sqlite3_errmsg(db));
	return -1;
}

sqlite3_stmt *
sqldb_prep(sqlite3 *db, char **errstr_r, const char *sql, const char *types,
    ...)
{
	sqlite3_stmt	*st;
	va_list		 ap;
	const char	*s;
	const void	*p;
	size_t		 n;
	int64_t		 v;
	int		 i;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		dberr(db, errstr_r);
		return NULL;
	}
	va_start(ap, types);
	for (i = 0; types[i] != '\0'; i++) {
		if (types[i] == 'i')
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		else if (types[i] == 'n') {
			if ((v = va_arg(ap, int64_t)) != 0)
				sqlite3_bind_int64(st, i + 1, v);
		} else if (types[i] == 'b') {
			p = va_arg(ap, const void *);
			n = va_arg(ap, size_t);
			sqlite3_bind_blob64(st, i + 1, p, n, SQLITE_TRANSIENT);
		} else if ((s = va_arg(ap, const char *)) != NULL)
			sqlite3_bind_text(st, i + 1, s, -1, SQLITE_TRANSIENT);
	}
	va_end(ap);
	return st;
}

int
sqldb_done(sqlite3 *db, sqlite3_stmt *st, char **errstr_r)
{
	int	rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return dberr(db, errstr_r);
	return 0;
}

int
sqldb_row(sqlite3 *db, sqlite3_stmt *st, const char *gone, char **errstr_r)
{
	int	rc;

	if (st == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		return 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return dberr(db, errstr_r);
	*errstr_r = xstrdup(gone);
	return -1;
}

int
sqldb_one_int(sqlite3 *db, sqlite3_stmt *st, int64_t *v_r, char **errstr_r)
{
	int	rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v_r = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return dberr(db, errstr_r);
}
