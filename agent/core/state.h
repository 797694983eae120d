/*
 * The server's state database: opening it with every module's tables, and
 * the one write lock.  SQLite allows one writer at a time; threads of one
 * process that each hold a connection would otherwise wait for each other
 * in SQLite's sleeping busy handler, so every write transaction of this
 * process is taken under a mutex first and waits on that instead.
 */
#ifndef AGENT_STATE_H
#define AGENT_STATE_H

#include <sqlite3.h>

/*
 * Opens the state database at path (WAL, busy timeout), creates or
 * upgrades the tables of the knowledge base, requests, conversations, the
 * queue, operators and the journal, and attaches the journal key beside
 * it (made on first start: audit_key_open).  Returns 0 with *db_r, or -1
 * with an allocated *errstr_r.
 */
int	state_open(const char *path, sqlite3 **db_r, char **errstr_r);

/*
 * Takes the process's write lock and begins an IMMEDIATE transaction on
 * db.  Returns 0, or -1 with an allocated *errstr_r (the lock is then
 * released).  Every state_begin is ended by state_commit or
 * state_rollback.
 */
int	state_begin(sqlite3 *db, char **errstr_r);

/* Commits and releases the lock.  Returns 0, or -1 with *errstr_r (the
 * transaction is then rolled back). */
int	state_commit(sqlite3 *db, char **errstr_r);

/* Rolls back and releases the lock. */
void	state_rollback(sqlite3 *db);

#endif
