/*
 * Opening the state database for the server and its verbs, and write
 * transactions behind one process-wide mutex (see state.h for why).  The
 * mutex is the only shared mutable thing here; what it guards lives in
 * SQLite.
 */
#include "agent/state.h"

#include <pthread.h>
#include <stdlib.h>

#include "agent/audit.h"
#include "agent/conv.h"
#include "agent/mailchan.h"
#include "agent/operator.h"
#include "agent/queue.h"
#include "agent/request.h"
#include "kb/store.h"
#include "lib/sqldb.h"

static pthread_mutex_t	write_lock = PTHREAD_MUTEX_INITIALIZER;

int
state_open(const char *path, sqlite3 **db_r, char **errstr_r)
{
	sqlite3	*db;

	if (sqldb_open(path, &db, errstr_r) == -1)
		return -1;
	if (kb_store_open(db, errstr_r) == -1 ||
	    request_schema(db, errstr_r) == -1 ||
	    conv_schema(db, errstr_r) == -1 ||
	    queue_schema(db, errstr_r) == -1 ||
	    operator_schema(db, errstr_r) == -1 ||
	    audit_schema(db, errstr_r) == -1 ||
	    mailchan_schema(db, errstr_r) == -1) {
		sqldb_close(&db);
		return -1;
	}
	*db_r = db;
	return 0;
}

int
state_begin(sqlite3 *db, char **errstr_r)
{
	pthread_mutex_lock(&write_lock);
	if (sqldb_exec(db, "BEGIN IMMEDIATE", errstr_r) == -1) {
		pthread_mutex_unlock(&write_lock);
		return -1;
	}
	return 0;
}

int
state_commit(sqlite3 *db, char **errstr_r)
{
	int	rc = 0;

	if (sqldb_exec(db, "COMMIT", errstr_r) == -1) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		rc = -1;
	}
	pthread_mutex_unlock(&write_lock);
	return rc;
}

void
state_rollback(sqlite3 *db)
{
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_unlock(&write_lock);
}
