/*
 * The operators' workspace around the queue: what each operator has seen
 * of each conversation (unread marks), the citizen's last message and
 * rating on an item, internal notes (never shown to the citizen,
 * journalled), assignment to a named colleague with a note, the counts of
 * the console's views, and typing signals both ways.  Who may do what is
 * asked of queue_permit, as for every other operator action.
 */
#ifndef AGENT_WORKSPACE_H
#define AGENT_WORKSPACE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "agent/core/err.h"

/* Characters of a note (and of an assignment's note): a paragraph for a
 * colleague, not a document. */
#define WORKSPACE_NOTE_MAX	2000
/* Notes kept per conversation: past this the conversation is a case for a
 * supervisor, not for more notes. */
#define WORKSPACE_NOTES_MAX	200
/* Characters of the citizen's last message shown on an item. */
#define WORKSPACE_LAST_CHARS	140
/* Seconds between two typing signals stored for one side of one
 * conversation: a keystroke each 100 ms must not be a write each time. */
#define WORKSPACE_TYPING_EVERY	2
/* Seconds a typing signal shows without another. */
#define WORKSPACE_TYPING_TTL	6

/* Creates or upgrades the tables.  Returns 0, or -1 with *errstr_r. */
int	workspace_schema(sqlite3 *db, char **errstr_r);

/*
 * Adds to each item of items (queue_list's) what operator op (role) sees
 * of it: "last_message" ({"text" masked and shortened, "at"}), "unread"
 * (the citizen wrote since op last read it), "notes" (how many),
 * "rating" and "rating_comment".  Items op may not read get none of the
 * conversation's content (role NULL: op has just read them).
 */
void	workspace_decorate(sqlite3 *db, const char *op, const char *role,
	    json_t *items);

/*
 * The open items as operator op (role) sees them: {"items": queue_list's,
 * decorated, "counts": workspace_counts'}, or NULL with *errstr_r.  What
 * GET /api/operator/queue answers and the operators' stream sends.
 */
json_t	*workspace_queue(sqlite3 *db, const char *op, const char *role,
	    time_t now, char **errstr_r);

/* After op read item conv into out ({"item", "messages"}): marks it seen,
 * adds "notes" and decorates the item as the queue does.  Failing that,
 * out is left as it was and logged. */
void	workspace_read(sqlite3 *db, const char *op, int64_t conv,
	    json_t *out);

/* The counts of the console's views for op: {"mine", "unassigned", "all",
 * "closed"}, the first three from items.  A new reference. */
json_t	*workspace_counts(sqlite3 *db, const char *op, json_t *items);

/* Records that op has read conv up to its last message.  0 or -1. */
int	workspace_seen(sqlite3 *db, const char *op, int64_t conv,
	    char **errstr_r);

/* The notes of conv, oldest first: a new array, or NULL with *errstr_r. */
json_t	*workspace_notes(sqlite3 *db, int64_t conv, char **errstr_r);

/*
 * Whether op (role) may do action to item conv (queue_permit).  Returns
 * 0, or -1 with *err_r (CORE_FORBIDDEN, CORE_NOT_FOUND, CORE_CONFLICT,
 * CORE_DATABASE) and *errstr_r.
 */
int	workspace_permit(sqlite3 *db, int64_t conv, const char *action,
	    const char *op, const char *role, enum core_err *err_r,
	    char **errstr_r);

/*
 * Op adds note text[0..len) to conv, journalled.  Returns 0 with *note_r
 * (a new reference), or -1 with *err_r (CORE_INVALID, CORE_FORBIDDEN,
 * CORE_NOT_FOUND, CORE_CONFLICT, CORE_TOO_MANY, CORE_DATABASE) and
 * *errstr_r.
 */
int	workspace_note_add(sqlite3 *db, int64_t conv, const char *op,
	    const char *role, const char *text, size_t len, time_t now,
	    json_t **note_r, enum core_err *err_r, char **errstr_r);

/*
 * Op hands item conv to colleague to, with an optional note (NULL):
 * the colleague holds it at once, the citizen is told that they joined,
 * the note is kept with the item and the whole journalled.  Returns 0, or
 * -1 with *err_r (CORE_INVALID: no such colleague or one who may not
 * work that queue; CORE_FORBIDDEN, CORE_NOT_FOUND, CORE_CONFLICT,
 * CORE_DATABASE) and *errstr_r.
 */
int	workspace_assign(sqlite3 *db, int64_t conv, const char *op,
	    const char *role, const char *to, const char *note, time_t now,
	    enum core_err *err_r, char **errstr_r);

/* The accounts one may assign to: [{"name", "display_name", "role",
 * "online", "load"}], or NULL with *errstr_r. */
json_t	*workspace_colleagues(sqlite3 *db, time_t now, char **errstr_r);

/*
 * Side ("citizen", "operator") of conv is typing: stored unless it was
 * WORKSPACE_TYPING_EVERY seconds ago already.  Returns 1 when stored (tell
 * the other side), 0 when not, -1 with *errstr_r.
 */
int	workspace_typing(sqlite3 *db, int64_t conv, const char *side,
	    time_t now, char **errstr_r);

/* The conversations whose citizens typed in the last
 * WORKSPACE_TYPING_TTL seconds: a new array of ids. */
json_t	*workspace_typing_citizens(sqlite3 *db, time_t now);

/* Whether an operator typed in conv in the last WORKSPACE_TYPING_TTL
 * seconds. */
int	workspace_typing_operator(sqlite3 *db, int64_t conv, time_t now);

#endif
