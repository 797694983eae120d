/*
 * The write-ahead log kept short.  Every commit appends the pages it
 * changed to the WAL, and every read looks each page up there first
 * (sqlite3WalFindFrame): a WAL that grows for a second at thousands of
 * messages a second is hundreds of megabytes of frames to search and of
 * new file blocks to allocate.  The keeper is a thread with its own
 * connection that copies the WAL back into the database (a PASSIVE
 * checkpoint: it takes no lock a writer waits for) as soon as a commit
 * leaves more than WAL_KEEP_FRAMES frames (at most every WAL_KEEP_MS),
 * and once a second anyway.  Readers then search only the frames written
 * since, and the next writer starts the WAL again from its beginning,
 * rewriting blocks the file already has.  Requests never checkpoint
 * themselves: the fsyncs are the keeper's.
 */
#ifndef AGENT_CORE_WAL_H
#define AGENT_CORE_WAL_H

#include <sqlite3.h>

/* Frames (pages of 4 KB) past which a commit wakes the keeper, and the
 * fewest milliseconds between two checkpoints. */
#define WAL_KEEP_FRAMES	1000
#define WAL_KEEP_MS	250

struct wal_keeper;

/* Starts the keeper of the state database at path; NULL with *errstr_r
 * when its connection cannot be opened. */
struct wal_keeper	*wal_keeper_start(const char *path, char **errstr_r);

/* Stops the thread, checkpoints once more and frees the keeper. */
void			 wal_keeper_stop(struct wal_keeper **kp);

/* Makes db's commits wake k (instead of checkpointing in the thread that
 * committed); k NULL: db never checkpoints by itself. */
void			 wal_keeper_watch(struct wal_keeper *k, sqlite3 *db);

#endif
