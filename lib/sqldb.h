/*
 * Opening SQLite databases the one way hotline uses them (WAL, a busy
 * timeout, foreign keys, capped lengths) and applying each module's ordered
 * schema migrations.
 */
#ifndef LIB_SQLDB_H
#define LIB_SQLDB_H

#include <sqlite3.h>
#include <stdint.h>

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

/*
 * Prepares sql and binds its parameters from types: 'i' an int64_t, 'n' an
 * int64_t with 0 as NULL, 't' a string (NULL binds NULL), 'b' a pointer and
 * a size_t length (a blob).  Returns the statement (the caller finalizes
 * it), or NULL with an allocated *errstr_r.
 */
sqlite3_stmt	*sqldb_prep(sqlite3 *db, char **errstr_r, const char *sql,
		    const char *types, ...);

/* Steps st (from sqldb_prep, may be NULL) once and finalizes it.  Returns
 * 0, or -1 with *errstr_r. */
int	sqldb_done(sqlite3 *db, sqlite3_stmt *st, char **errstr_r);

/* Steps st (may be NULL) once and finalizes it: 1 with the first column of
 * the row as *v_r, 0 when there is no row, -1 with *errstr_r. */
int	sqldb_one_int(sqlite3 *db, sqlite3_stmt *st, int64_t *v_r,
	    char **errstr_r);

/* Steps st (may be NULL) to its first row and leaves it there for the
 * caller to read and finalize: 0.  No row (what a row just written and
 * committed should never be: "gone" says what) or an error: st finalized,
 * -1 with *errstr_r. */
int	sqldb_row(sqlite3 *db, sqlite3_stmt *st, const char *gone,
	    char **errstr_r);

/* Runs one statement without results. Returns 0, or -1 with *errstr_r. */
int	sqldb_exec(sqlite3 *db, const char *sql, char **errstr_r);

#endif
