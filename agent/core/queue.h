/*
 * The operators' queue: an item per conversation handed to a person or
 * holding a request that a person must follow up (complaints, incidents),
 * with the reason, the category and its top-3 candidates, the entities the
 * citizen gave (masked), the priority and the SLA deadlines.  One operator
 * owns an item at a time.  Taking, replying, transferring, handing back to
 * the bot and closing each commit with their journal entry; overdue items
 * escalate by themselves on queue_tick.
 */
#ifndef AGENT_QUEUE_H
#define AGENT_QUEUE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "agent/core/conv.h"
#include "agent/core/err.h"
#include "agent/core/sla.h"

/* Seconds a reply key is remembered: a console retries within seconds. */
#define QUEUE_REPLY_KEY_TTL	86400

/* Called by queue_tick for each conversation it wrote to. */
typedef void	(*queue_touch_fn)(void *arg, int64_t conv);

/* Creates or upgrades the tables.  Returns 0, or -1 with *errstr_r. */
int	queue_schema(sqlite3 *db, char **errstr_r);

/*
 * Inside a write transaction: queues conversation conv for a person with
 * reason; waiting is 1 when the citizen now waits for a person (a
 * handoff), 0 for a registered request to follow up while the bot goes
 * on.  Category, candidates, priority and entities come from the
 * conversation's messages; the queue from its language; the deadlines from
 * sla_deadlines.  An item closed before is opened again.  Returns 0, or -1
 * with *errstr_r.
 */
int	queue_enqueue(sqlite3 *db, int64_t conv, const char *reason,
	    int waiting, const struct sla_holidays *h, time_t now,
	    char **errstr_r);

/* Seconds a citizen waiting in conv may expect, or -1 when not queued. */
int	queue_wait_estimate(sqlite3 *db, int64_t conv, time_t now);

/* The open items, sorted by priority then deadline: a new JSON array, or
 * NULL with *errstr_r. */
json_t	*queue_list(sqlite3 *db, time_t now, char **errstr_r);

/*
 * Whether operator op with role may do action ("read", "take", "reply",
 * "transfer", "release", "close", "note", "assign", "edit canned") to
 * an item in state, held by owner (NULL or "" for nobody), in queue:
 * CORE_OK when allowed, else why not (CORE_FORBIDDEN role, CORE_CONFLICT
 * closed, not taken or another's) with a static *why_r.  Every
 * action below asks this, from one table.
 */
enum core_err	queue_permit(const char *action, const char *role,
	    const char *op, enum conv_state state, const char *owner,
	    const char *queue, const char **why_r);

/*
 * Operator op (role role) reads item id with its transcript, journalled.
 * Returns 0 with *out_r {"item", "messages"}, or -1 with *err_r
 * (CORE_FORBIDDEN, CORE_NOT_FOUND, CORE_DATABASE) and *errstr_r.
 */
int	queue_read(sqlite3 *db, int64_t id, const char *op, const char *role,
	    time_t now, json_t **out_r, enum core_err *err_r, char **errstr_r);

/*
 * The operator actions of op (role role), allowed by queue_permit.  Each
 * returns 0 (with *item_r or *msg_r when asked, a new reference), or -1
 * with *err_r (CORE_INVALID bad input, CORE_FORBIDDEN role,
 * CORE_NOT_FOUND unknown, CORE_CONFLICT owned by another, not taken or
 * closed, CORE_DATABASE) and an allocated *errstr_r.  A reply
 * with a key (NULL for none) that op already sent to this item is not
 * stored again: the answer is the message stored the first time.
 */
int	queue_take(sqlite3 *db, int64_t id, const char *op, const char *role,
	    time_t now, json_t **item_r, enum core_err *err_r, char **errstr_r);
int	queue_reply(sqlite3 *db, int64_t id, const char *op, const char *role,
	    const char *text, size_t len, const char *key, time_t now,
	    json_t **msg_r, enum core_err *err_r, char **errstr_r);
int	queue_transfer(sqlite3 *db, int64_t id, const char *op,
	    const char *role, const char *queue, time_t now, json_t **item_r,
	    enum core_err *err_r, char **errstr_r);
/* An attachment an operator may open: what queue_attachment found. */
struct queue_file {
	char	*name;		/* as the citizen named it */
	char	*type;		/* the type checked on upload */
	char	*sha256;	/* its file in the attachments directory */
};

/*
 * Lets operator op (role) open attachment att if they may read its
 * conversation, and journals that they did.  Returns 0 with *f filled
 * (free with queue_file_free), or -1 with *err_r (CORE_NOT_FOUND unknown
 * or removed, as queue_permit says, CORE_DATABASE) and *errstr_r.
 */
int	queue_attachment(sqlite3 *db, int64_t att, const char *op,
	    const char *role, time_t now, struct queue_file *f,
	    enum core_err *err_r, char **errstr_r);
void	queue_file_free(struct queue_file *f);

/* Inside a write transaction: tells the citizen of conversation id, in
 * lang, that operator op joined (by display name, never the login).
 * Returns 0, or -1 with *errstr_r. */
int	queue_joined(sqlite3 *db, int64_t id, const char *op,
	    const char *lang, time_t now, char **errstr_r);

/*
 * Hands item id back to the bot.  A chat item closes; a complaint or an
 * incident stays queued, free and with its deadlines, for its review.
 */
int	queue_release(sqlite3 *db, int64_t id, const char *op,
	    const char *role, time_t now, enum core_err *err_r,
	    char **errstr_r);
int	queue_close(sqlite3 *db, int64_t id, const char *op,
	    const char *role, const char *resolution, time_t now,
	    enum core_err *err_r, char **errstr_r);

/*
 * Inside a write transaction: puts every item op holds back in its queue,
 * telling each citizen and journalling why ("anna disabled"), for an
 * account that can no longer answer.  Returns how many, or -1 with
 * *errstr_r.
 */
int	queue_unassign(sqlite3 *db, const char *op, const char *why,
	    time_t now, char **errstr_r);

/*
 * The SLA clock's tick: tells citizens waiting longer than SLA_WAIT_TARGET
 * the expected wait (once), and escalates items past a deadline (priority
 * up, senior queue, journalled).  Calls touch for every conversation it
 * wrote to.  Returns the number of escalations, or -1 with *errstr_r.
 */
int	queue_tick(sqlite3 *db, const struct sla_holidays *h, time_t now,
	    queue_touch_fn touch, void *arg, char **errstr_r);

/* For /metrics: open items, the oldest wait and SLA breaches so far. */
int	queue_stats(sqlite3 *db, time_t now, int64_t *length_r,
	    int64_t *oldest_r, int64_t *breaches_r, char **errstr_r);

#endif
