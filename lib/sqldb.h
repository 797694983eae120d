/*
 * Opening SQLite databases the one way hotline uses them (WAL, a busy
 * timeout, foreign keys, capped lengths) and applying each module's ordered
 * schema migrations.
 */
#ifndef LIB_SQLDB_H
#define LIB_SQLDB_H

#include <sqlite3.h>

/* Busy timeout: two processes registering at once wait for each other. */
#define SQLDB_BUSY_MS	10000

/*
 * Opens (creating when missing) the database at path; ":memory:" works too.
 * Returns 0 and *db_r, or -1 with *errstr_r set to an allocated message that
 * the caller frees.
 */
int	sqldb_open(const char *path, sqlite3 **db_r, char **errstr_r);

/* Closes *db and clears the pointer; NULL is fine. */
void	sqldb_close(sqlite3 **db);

/*
 * Brings the schema of module up to date: steps[i] is applied once, in
 * order, inside a transaction, and the version is recorded per module.
 * Returns 0, or -1 with an allocated *errstr_r.
 */
int	sqldb_migrate(sqlite3 *db, const char *module,
	    const char *const *steps, int nsteps, char **errstr_r);

/* Runs one statement without results. Returns 0, or -1 with *errstr_r. */
int	sqldb_exec(sqlite3 *db, const char *sql, char **errstr_r);

#endif
