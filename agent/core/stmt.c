/*
 * The statement cache: a few slots per thread, each holding (db, sql,
 * statement).  A full cache replaces slots round robin; a thread that
 * closes a connection finalizes that connection's statements first.
 */
#include "agent/core/stmt.h"

#include <stddef.h>

#define SLOTS	16

struct slot {
	sqlite3		*db;
	const char	*sql;
	sqlite3_stmt	*st;
};

static _Thread_local struct slot	slots[SLOTS];
static _Thread_local unsigned		next_victim;

sqlite3_stmt *
stmt_get(sqlite3 *db, const char *sql)
{
	struct slot	*s;
	sqlite3_stmt	*st;
	size_t		 i;

	for (i = 0; i < SLOTS; i++)
		if (slots[i].db == db && slots[i].sql == sql)
			return slots[i].st;
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	    NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return NULL;
	}
	for (i = 0; i < SLOTS && slots[i].st != NULL; i++)
		;
	if (i == SLOTS) {
		i = next_victim++ % SLOTS;
		sqlite3_finalize(slots[i].st);
	}
	s = &slots[i];
	s->db = db;
	s->sql = sql;
	s->st = st;
	return st;
}

void
stmt_put(sqlite3_stmt *st)
{
	if (st == NULL)
		return;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

void
stmt_forget(sqlite3 *db)
{
	size_t	i;

	for (i = 0; i < SLOTS; i++)
		if (slots[i].db == db) {
			sqlite3_finalize(slots[i].st);
			slots[i].db = NULL;
			slots[i].sql = NULL;
			slots[i].st = NULL;
		}
}
