/*
 * The journal (seed 3.2.3): an append-only table of who read or changed
 * what and when (operators opening transcripts, taking, replying,
 * transferring, closing, escalations, status changes, sign-ins), each entry
 * chained to the one before by a SHA-256 hash, so that an edited or
 * removed entry is found by audit_verify.
 */
#ifndef AGENT_AUDIT_H
#define AGENT_AUDIT_H

#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

/* Creates or upgrades the journal's tables.  Returns 0, or -1 with an
 * allocated *errstr_r. */
int	audit_schema(sqlite3 *db, char **errstr_r);

/*
 * Appends an entry: actor ("operator:anna", "system", "citizen"), action
 * ("take", "reply", "read", ...), the conversation (0 for none), the
 * request number and a detail (NULL for none).  Call inside the caller's
 * write transaction (state_begin), so that the entry and the change it
 * records commit together.  Returns 0, or -1 with an allocated *errstr_r.
 */
int	audit_append(sqlite3 *db, const char *actor, const char *action,
	    int64_t conv, const char *number, const char *detail, time_t now,
	    char **errstr_r);

/*
 * Walks the chain from the first entry.  Returns 0 when every entry is
 * there and unchanged (*n_r entries), 1 with an allocated *what_r naming
 * the first edited or removed entry, or -1 with an allocated *errstr_r.
 */
int	audit_verify(sqlite3 *db, int64_t *n_r, char **what_r,
	    char **errstr_r);

#endif
