/*
 * Opening the state database for the server and its verbs, and write
 * transactions behind one process-wide mutex (see state.h for why).  The
 * mutex is the only shared mutable thing here; what it guards lives in
 * SQLite.
 */
#include "agent/core/state.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "agent/core/audit.h"
#include "agent/core/canned.h"
#include "agent/core/conv.h"
#include "agent/core/feedback.h"
#include "agent/core/mailtables.h"
#include "agent/core/operator.h"
#include "agent/core/queue.h"
#include "agent/core/request.h"
#include "agent/core/workspace.h"
#include "kb/store.h"
#include "lib/log.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

static pthread_mutex_t	write_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * A state file made readable by others before umask 077 (an older
 * version, a copy): conversations and password hashes are nobody else's
 * business.  SQLite gives the WAL and SHM the database's mode, so fixing
 * the database fixes the files it makes from now on.
 */
static void
make_private(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	struct stat		 sb;
	char			*f;
	size_t			 i;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		f = xasprintf("%s%s", path, suffixes[i]);
		if (stat(f, &sb) == 0 && (sb.st_mode & 077) != 0) {
			if (chmod(f, sb.st_mode & 0700) == 0)
				log_msg(LOG_WARN, "%s was readable by others; "
				    "now it is not", f);
		}
		free(f);
	}
}

int
state_open(const char *path, sqlite3 **db_r, char **errstr_r)
{
	sqlite3	*db;
	char	*key;
	int	 rc;

	if (strcmp(path, ":memory:") != 0)
		make_private(path);
	if (sqldb_open(path, &db, errstr_r) == -1)
		return -1;
	if (kb_store_open(db, errstr_r) == -1 ||
	    request_schema(db, errstr_r) == -1 ||
	    conv_schema(db, errstr_r) == -1 ||
	    queue_schema(db, errstr_r) == -1 ||
	    operator_schema(db, errstr_r) == -1 ||
	    audit_schema(db, errstr_r) == -1 ||
	    mailtables_schema(db, errstr_r) == -1 ||
	    feedback_schema(db, errstr_r) == -1 ||
	    workspace_schema(db, errstr_r) == -1 ||
	    canned_schema(db, errstr_r) == -1) {
		sqldb_close(&db);
		return -1;
	}
	key = audit_key_path(path);
	rc = audit_key_open(db, key, time(NULL), errstr_r);
	free(key);
	if (rc == -1) {
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
