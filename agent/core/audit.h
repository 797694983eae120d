/*
 * The journal (seed 3.2.3): an append-only table of who read or changed
 * what and when (operators opening transcripts, taking, replying,
 * transferring, closing, escalations, status changes, sign-ins, account
 * changes), each entry chained to the one before by a hash keyed with a
 * secret kept outside the database, so that an edited, removed or
 * re-hashed entry is found by audit_verify; and checkpoints of its head
 * written outside the database, so that a dropped tail or an older copy
 * put back is found too.
 */
#ifndef AGENT_AUDIT_H
#define AGENT_AUDIT_H

#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

/* Bytes of the journal key (HMAC-SHA-256). */
#define AUDIT_KEY_LEN		32
/* Bytes of a checkpoint line; longer ones are not ours. */
#define AUDIT_CHECKPOINT_LINE	256

/* What audit_verify found in an intact journal. */
struct audit_report {
	int64_t	entries;
	int64_t	unkeyed;		/* of them from before the key */
	int64_t	checkpoints;		/* checkpoints that matched */
	char	checkpoint_at[32];	/* the newest that matched, or "" */
	int64_t	checkpoint_entries;	/* ... and how many entries it saw */
};

/* One line of the checkpoint file. */
struct audit_checkpoint {
	char	at[32];			/* YYYY-MM-DDTHH:MM:SSZ */
	int64_t	entries;
	char	head[65];		/* the hash of entry `entries`, hex */
};

/* Creates or upgrades the journal's tables.  Returns 0, or -1 with an
 * allocated *errstr_r. */
int	audit_schema(sqlite3 *db, char **errstr_r);

/* Where the key and the checkpoints of the state database at state_db
 * live by default: <its directory>/journal.key, journal.checkpoints; NULL
 * for ":memory:".  Allocated. */
char	*audit_key_path(const char *state_db);
char	*audit_checkpoints_path(const char *state_db);

/*
 * Attaches the journal key to db, which every append and verify needs.
 * The key is read from key_path, or, when the file is missing, made there
 * (32 random bytes, mode 0600) together with a first keyed entry that
 * seals the entries written before keys existed; a journal whose head is
 * keyed already but whose key file is gone is refused.  key_path NULL: a
 * key for this connection only (":memory:" databases).  Call after
 * audit_schema, outside a transaction.  Returns 0, or -1 with an
 * allocated *errstr_r.
 */
int	audit_key_open(sqlite3 *db, const char *key_path, time_t now,
	    char **errstr_r);

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

/* The id of the newest entry (0: none), for noticing that the journal
 * grew.  Returns 0, or -1 with *errstr_r. */
int	audit_last(sqlite3 *db, int64_t *last_r, char **errstr_r);

/*
 * Walks the chain from the first entry with the key, checks the head and
 * then every checkpoint in the file at checkpoints (NULL or a missing file:
 * none).  Returns 0 when the journal is whole (*r filled), 1 with an
 * allocated *what_r naming the first edited or removed entry, a moved
 * head or a dropped tail, or -1 with an allocated *errstr_r.
 */
int	audit_verify(sqlite3 *db, const char *checkpoints,
	    struct audit_report *r, char **what_r, char **errstr_r);

/*
 * Verifies the journal (as audit_verify) and, when it is whole, appends
 * a line with the time, the number of entries and the head's hash to the
 * file at checkpoints (made 0600) and to syslog (LOG_AUTH).  Returns 0
 * with the line in the allocated *line_r, 1 with *what_r (broken: nothing
 * written), or -1 with *errstr_r.
 */
int	audit_checkpoint(sqlite3 *db, const char *checkpoints, time_t now,
	    char **line_r, char **what_r, char **errstr_r);

/* Parses one checkpoint line s[0..len).  Pure.  Returns 0, or -1 when it
 * is not one. */
int	audit_checkpoint_parse(const char *s, size_t len,
	    struct audit_checkpoint *cp);

#endif
