/*
 * The group-commit writer (writer.h).  Jobs queue behind a mutex; the
 * thread takes all that wait (WRITER_BATCH at most) under the process's
 * write lock (state.h), each between SAVEPOINT and RELEASE, commits, then
 * calls their done in order.  A job whose failure ended the whole
 * transaction (SQLite rolls back on some errors) fails the jobs before
 * it in the batch too, and the rest go on in a new one.
 */
#include "agent/core/writer.h"

#include <pthread.h>
#include <stdlib.h>

#include "agent/core/state.h"
#include "agent/core/stmt.h"
#include "agent/core/wal.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

struct writer {
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	sqlite3			*db;
	struct writer_job	*head;
	struct writer_job	*tail;
	int			 closed;
	int			 running;
};

/* A cached statement's one step: 0, or -1 with *errstr_r. */
static int
exec(sqlite3 *db, const char *sql, char **errstr_r)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = stmt_get(db, sql)) == NULL)
		return sqldb_exec(db, sql, errstr_r);
	rc = sqlite3_step(st);
	stmt_put(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	*errstr_r = xasprintf("sqlite: %s", sqlite3_errmsg(db));
	return -1;
}

/* Ends jobs[0..n) with rc (err copied to each that failed). */
static void
finish(struct writer *w, struct writer_job **jobs, int *rcs, char **errs,
    size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		jobs[i]->done(jobs[i], w->db, rcs[i], errs[i]);
}

/* Fails jobs[from..to) of a transaction that did not commit: err. */
static void
lost(int *rcs, char **errs, size_t from, size_t to, const char *err)
{
	size_t	i;

	for (i = from; i < to; i++) {
		if (rcs[i] == 0) {
			rcs[i] = -1;
			errs[i] = xstrdup(err);
		}
	}
}

/* Runs jobs[0..n) in as few transactions as they allow. */
static void
batch(struct writer *w, struct writer_job **jobs, size_t n)
{
	int	rcs[WRITER_BATCH];
	char	*errs[WRITER_BATCH], *err = NULL;
	size_t	i, first = 0;
	int	open = 0;

	for (i = 0; i < n; i++) {
		rcs[i] = 0;
		errs[i] = NULL;
		if (!open) {
			if (state_begin(w->db, &err) == -1) {
				rcs[i] = -1;
				errs[i] = err;
				err = NULL;
				continue;
			}
			open = 1;
			first = i;
		}
		if (exec(w->db, "SAVEPOINT turn", &errs[i]) == -1) {
			rcs[i] = -1;
			continue;
		}
		if ((rcs[i] = jobs[i]->write(jobs[i], w->db,
		    &errs[i])) == 0) {
			exec(w->db, "RELEASE turn", &err);
			free(err);
			err = NULL;
			continue;
		}
		if (!sqlite3_get_autocommit(w->db)) {
			exec(w->db, "ROLLBACK TO turn", &err);
			free(err);
			err = NULL;
			exec(w->db, "RELEASE turn", &err);
			free(err);
			err = NULL;
			continue;
		}
		/* SQLite ended the transaction: the batch so far is gone. */
		state_rollback(w->db);
		open = 0;
		lost(rcs, errs, first, i, "the transaction was rolled back");
	}
	if (open && state_commit(w->db, &err) == -1) {
		lost(rcs, errs, first, n, err);
		free(err);
	}
	finish(w, jobs, rcs, errs, n);
}

static void *
run(void *arg)
{
	struct writer		*w = arg;
	struct writer_job	*jobs[WRITER_BATCH];
	size_t			 n;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (w->head == NULL && !w->closed)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->head == NULL && w->closed) {
			pthread_mutex_unlock(&w->lock);
			/* The statements cached by this thread, before it
			 * goes (stmt.h). */
			stmt_forget(w->db);
			return NULL;
		}
		for (n = 0; n < WRITER_BATCH && w->head != NULL; n++) {
			jobs[n] = w->head;
			w->head = w->head->next;
		}
		if (w->head == NULL)
			w->tail = NULL;
		pthread_mutex_unlock(&w->lock);
		batch(w, jobs, n);
	}
}

struct writer *
writer_start(const char *path, struct wal_keeper *k, char **errstr_r)
{
	struct writer	*w;

	w = xcalloc(1, sizeof(*w));
	if (state_open(path, &w->db, errstr_r) == -1) {
		free(w);
		return NULL;
	}
	wal_keeper_watch(k, w->db);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (pthread_create(&w->thread, NULL, run, w) != 0) {
		*errstr_r = xstrdup("writer: cannot start its thread");
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		sqldb_close(&w->db);
		free(w);
		return NULL;
	}
	w->running = 1;
	return w;
}

int
writer_submit(struct writer *w, struct writer_job *job)
{
	if (w == NULL)
		return -1;
	job->next = NULL;
	pthread_mutex_lock(&w->lock);
	if (w->closed) {
		pthread_mutex_unlock(&w->lock);
		return -1;
	}
	if (w->tail != NULL)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

void
writer_close(struct writer *w)
{
	if (w == NULL || !w->running)
		return;
	pthread_mutex_lock(&w->lock);
	w->closed = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	w->running = 0;
	sqldb_close(&w->db);
}

void
writer_free(struct writer **wp)
{
	struct writer	*w = *wp;

	if (w == NULL)
		return;
	writer_close(w);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
	*wp = NULL;
}
