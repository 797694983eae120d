/*
 * The WAL keeper (wal.h): one thread, one connection, woken by the
 * commits of the others through SQLite's WAL hook.
 */
#include "agent/core/wal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "lib/log.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

struct wal_keeper {
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	sqlite3		*db;
	atomic_int	 due;	/* a commit left the WAL long */
	int		 stop;
};

static void
checkpoint(struct wal_keeper *k)
{
	int	log = 0, done = 0, rc;

	rc = sqlite3_wal_checkpoint_v2(k->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    &log, &done);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
		log_msg(LOG_ERROR, "wal checkpoint: %s", sqlite3_errmsg(k->db));
}

/* ts plus ms milliseconds. */
static void
after(struct timespec *ts, long ms)
{
	ts->tv_nsec += ms * 1000000L;
	ts->tv_sec += ts->tv_nsec / 1000000000L;
	ts->tv_nsec %= 1000000000L;
}

static void *
run(void *arg)
{
	struct wal_keeper	*k = arg;
	struct timespec		 ts, soonest;
	int			 stop;

	clock_gettime(CLOCK_REALTIME, &soonest);
	for (;;) {
		pthread_mutex_lock(&k->lock);
		/* Once a second, or when a commit asks; never more often
		 * than every WAL_KEEP_MS: each checkpoint ends with two
		 * fsyncs, and the pages a burst rewrites are copied once. */
		ts = soonest;
		after(&ts, 1000 - WAL_KEEP_MS);
		while (!k->stop && !atomic_load(&k->due) &&
		    pthread_cond_timedwait(&k->cond, &k->lock, &ts) == 0)
			;
		while (!k->stop && pthread_cond_timedwait(&k->cond, &k->lock,
		    &soonest) == 0)
			;
		stop = k->stop;
		pthread_mutex_unlock(&k->lock);
		/* Cleared before the copy: a commit during it asks again. */
		atomic_store(&k->due, 0);
		checkpoint(k);
		if (stop)
			return NULL;
		clock_gettime(CLOCK_REALTIME, &soonest);
		after(&soonest, WAL_KEEP_MS);
	}
}

/* SQLite's WAL hook: runs in the committing thread, after the commit. */
static int
on_commit(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct wal_keeper	*k = arg;

	(void)db;
	(void)name;
	if (frames < WAL_KEEP_FRAMES || atomic_exchange(&k->due, 1) == 1)
		return SQLITE_OK;
	pthread_mutex_lock(&k->lock);
	pthread_cond_signal(&k->cond);
	pthread_mutex_unlock(&k->lock);
	return SQLITE_OK;
}

struct wal_keeper *
wal_keeper_start(const char *path, char **errstr_r)
{
	struct wal_keeper	*k;

	k = xcalloc(1, sizeof(*k));
	if (sqldb_open(path, &k->db, errstr_r) == -1) {
		free(k);
		return NULL;
	}
	pthread_mutex_init(&k->lock, NULL);
	pthread_cond_init(&k->cond, NULL);
	atomic_init(&k->due, 0);
	if (pthread_create(&k->thread, NULL, run, k) != 0) {
		*errstr_r = xstrdup("wal: cannot start the checkpoint thread");
		pthread_cond_destroy(&k->cond);
		pthread_mutex_destroy(&k->lock);
		sqldb_close(&k->db);
		free(k);
		return NULL;
	}
	return k;
}

void
wal_keeper_stop(struct wal_keeper **kp)
{
	struct wal_keeper	*k = *kp;

	if (k == NULL)
		return;
	pthread_mutex_lock(&k->lock);
	k->stop = 1;
	pthread_cond_signal(&k->cond);
	pthread_mutex_unlock(&k->lock);
	pthread_join(k->thread, NULL);
	pthread_cond_destroy(&k->cond);
	pthread_mutex_destroy(&k->lock);
	sqldb_close(&k->db);
	free(k);
	*kp = NULL;
}

void
wal_keeper_watch(struct wal_keeper *k, sqlite3 *db)
{
	/* The hook replaces SQLite's own autocheckpoint (also a WAL hook). */
	if (k != NULL)
		sqlite3_wal_hook(db, on_commit, k);
	else
		sqlite3_wal_autocheckpoint(db, 0);
}
