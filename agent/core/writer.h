/*
 * Group commit.  A chat message's writes are some ten pages of the WAL
 * (the message rows and their index, the decision, the hourly counters),
 * and their commit took the write lock, a few fcntl locks and ten pwrites
 * each: a third of the server's time per message, serialised.  The writer
 * is one thread with one connection that takes the writes of every turn
 * that is waiting, runs each in a savepoint of its own inside one
 * transaction, and commits them together: the pages they share (the end
 * of the message table, the counters) are written once, and the threads
 * that classify and compose never wait for the lock.  Nothing is
 * answered before its commit (a job's done runs after it), so a killed
 * process has lost nothing it answered.
 */
#ifndef AGENT_CORE_WRITER_H
#define AGENT_CORE_WRITER_H

#include <sqlite3.h>

/* Jobs taken into one transaction at most. */
#define WRITER_BATCH	64

struct writer_job {
	struct writer_job	*next;		/* the writer's */
	/* On the writer's thread and connection, in a savepoint of its
	 * own: 0, or -1 with an allocated *errstr_r (rolled back to the
	 * savepoint; the batch's other jobs stay). */
	int	(*write)(struct writer_job *, sqlite3 *db, char **errstr_r);
	/* After the commit (rc 0) or not (-1; err allocated, the callee's),
	 * on the writer's thread with its connection, outside any
	 * transaction. */
	void	(*done)(struct writer_job *, sqlite3 *db, int rc, char *err);
};

struct writer;

/* Starts a writer on the state database at path, its commits watched by
 * k (wal.h); NULL with *errstr_r. */
struct wal_keeper;
struct writer	*writer_start(const char *path, struct wal_keeper *k,
		    char **errstr_r);

/*
 * Hands job to w.  Returns 0, or -1 when w is closed (or NULL): the
 * caller then does the work itself.
 */
int		 writer_submit(struct writer *w, struct writer_job *job);

/* Refuses new jobs, finishes those handed over, stops the thread. */
void		 writer_close(struct writer *w);

/* Closes w if need be and frees it. */
void		 writer_free(struct writer **wp);

#endif
