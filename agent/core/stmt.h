/*
 * A small per-thread cache of prepared statements for the chat's hot path
 * (the token look-up, the conversation's row, inserting messages): parsing
 * SQL was a seventh of the server's time per message.  Keys are the SQL
 * strings' addresses, so only string literals may be passed.  Statements
 * that are stepped through rows while others run are not cached.
 */
#ifndef AGENT_STMT_H
#define AGENT_STMT_H

#include <sqlite3.h>

/*
 * A prepared statement for sql on db, made or taken from the calling
 * thread's cache.  Returns NULL when SQLite refuses the SQL.  Give it back
 * with stmt_put, never sqlite3_finalize.
 */
sqlite3_stmt	*stmt_get(sqlite3 *db, const char *sql);

/* Resets st and clears its bindings, for the next stmt_get. */
void		 stmt_put(sqlite3_stmt *st);

/* Finalizes the calling thread's statements of db; call before closing
 * db on this thread. */
void		 stmt_forget(sqlite3 *db);

#endif
