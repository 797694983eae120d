/*
 * The operators' actions on a queue item: read, take, reply, transfer,
 * release, close, and who may do each (the permit table).  Each runs in
 * one write transaction with its journal entry and the message the
 * citizen sees.  The queue itself (items, order, the SLA clock) is
 * agent/core/queue.c.
 */
#include "agent/core/queue.h"
#include "agent/core/queue_impl.h"

#include <stdlib.h>
#include <string.h>

#include "agent/core/agent.h"
#include "agent/core/audit.h"
#include "agent/core/conv.h"
#include "agent/core/limits.h"
#include "agent/core/operator.h"
#include "agent/core/phrases.h"
#include "agent/core/state.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

static const char *const queues[] = { "general", "english", "senior" };

#define R_ANY	(OPERATOR_ROLE_OPERATOR | OPERATOR_ROLE_SENIOR | \
	    OPERATOR_ROLE_ADMIN)
#define R_LEAD	(OPERATOR_ROLE_SENIOR | OPERATOR_ROLE_ADMIN)

/*
 * Who may do what to an item: the one place that decides, for every
 * operator action.  An item is free (nobody holds it), the operator's own,
 * or another's; it may be in the senior queue.  The columns are:
 * open, a closed item refuses the action (CORE_CONFLICT); senior, the roles
 * that may act on an item of the senior queue (CORE_FORBIDDEN for the
 * others) ...; own_senior,
 * ... unless they hold it themselves; free, the roles that may act on a
 * free item (CORE_CONFLICT "take it first" for the others); other, the
 * roles that may act on an item another operator holds (CORE_CONFLICT
 * naming them).
 */
static const struct permit {
	const char	*action;
	int		 open;
	unsigned	 senior;
	int		 own_senior;
	unsigned	 free;
	unsigned	 other;
} permits[] = {
	/* action	open senior  own_senior free   other */
	{ "read",	0,   R_LEAD, 1,         R_ANY, R_ANY },
	{ "take",	1,   R_LEAD, 1,         R_ANY, 0 },
	{ "reply",	1,   R_LEAD, 1,         0,     0 },
	/* Leaving the senior queue is a senior's decision, even for the
	 * operator who held the item when it escalated. */
	{ "transfer",	1,   R_LEAD, 0,         R_ANY, 0 },
	/* Ending what nobody took (a spam handoff) is a senior's call. */
	{ "release",	1,   R_LEAD, 1,         R_LEAD, 0 },
	{ "close",	1,   R_LEAD, 1,         R_LEAD, 0 },
	/* A note is a word to colleagues, never to the citizen: whoever may
	 * read the item may write one, also after it closed. */
	{ "note",	0,   R_LEAD, 1,         R_ANY, R_ANY },
	/* Assigning is a transfer to a named colleague; a senior may also
	 * move an item from a colleague who left the shift. */
	{ "assign",	1,   R_LEAD, 0,         R_ANY, R_LEAD },
	/* Canned responses belong to no item: asked as a free item of the
	 * senior queue, they are edited by seniors and admins. */
	{ "edit canned", 0,  R_LEAD, 0,         R_LEAD, R_LEAD },
};

/* Whether key has the shape of a reply key: LIMIT_REPLY_KEY_MIN_BYTES..MAX of
 * base64url. */
static int
key_valid(const char *key)
{
	size_t	i, len = strnlen(key, LIMIT_REPLY_KEY_BYTES + 1);

	if (len < LIMIT_REPLY_KEY_MIN_BYTES || len > LIMIT_REPLY_KEY_BYTES)
		return 0;
	for (i = 0; i < len; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') ||
		    (key[i] >= 'A' && key[i] <= 'Z') ||
		    (key[i] >= '0' && key[i] <= '9') || key[i] == '-' ||
		    key[i] == '_'))
			return 0;
	return 1;
}

enum core_err
queue_permit(const char *action, const char *role, const char *op,
    enum conv_state state, const char *owner, const char *queue,
    const char **why_r)
{
	const struct permit	*p = NULL;
	unsigned		 bit = operator_role_bit(role);
	size_t			 i;
	int			 own;

	for (i = 0; i < sizeof(permits) / sizeof(permits[0]); i++)
		if (strcmp(permits[i].action, action) == 0)
			p = &permits[i];
	*why_r = "not allowed";
	if (p == NULL || bit == 0)
		return CORE_FORBIDDEN;
	own = owner != NULL && owner[0] != '\0' && strcmp(owner, op) == 0;
	if (p->open && state == CONV_CLOSED) {
		*why_r = "the item is closed";
		return CORE_CONFLICT;
	}
	if (strcmp(queue, "senior") == 0 && (p->senior & bit) == 0 &&
	    !(p->own_senior && own)) {
		*why_r = "the senior queue is for seniors";
		return CORE_FORBIDDEN;
	}
	if (own)
		return CORE_OK;
	if (owner == NULL || owner[0] == '\0') {
		if ((p->free & bit) != 0)
			return CORE_OK;
		*why_r = "take the item first";
		return CORE_CONFLICT;
	}
	if ((p->other & bit) != 0)
		return CORE_OK;
	*why_r = "taken by another operator";
	return CORE_CONFLICT;
}

/* What hold read of an item. */
struct held {
	enum conv_state	state;
	char	owner[64];
	char	queue[16];
	char	lang[4];
	char	number[REQUEST_NUMBER_MAX];
	char	kind[32];
};

/* Reads item id's state, owner, queue and language inside the caller's
 * transaction and asks queue_permit whether op (role) may do action. */
static int
hold(sqlite3 *db, int64_t id, const char *action, const char *op,
    const char *role, struct held *h, enum core_err *err_r, char **errstr_r)
{
	sqlite3_stmt	*st;
	const char	*s, *why;
	int		 rc;

	memset(h, 0, sizeof(*h));
	if ((st = sqldb_prep(db, errstr_r, "SELECT state, owner, queue, lang, "
	    "number, kind FROM queue_item WHERE id = ?1", "i", id)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (conv_state_parse((const char *)sqlite3_column_text(st,
		    0), &h->state) == -1)
			h->state = CONV_CLOSED;
		if ((s = (const char *)sqlite3_column_text(st, 1)) != NULL)
			snprintf(h->owner, sizeof(h->owner), "%s", s);
		snprintf(h->queue, sizeof(h->queue), "%s",
		    (const char *)sqlite3_column_text(st, 2));
		snprintf(h->lang, sizeof(h->lang), "%s",
		    (const char *)sqlite3_column_text(st, 3));
		if ((s = (const char *)sqlite3_column_text(st, 4)) != NULL)
			snprintf(h->number, sizeof(h->number), "%s", s);
		snprintf(h->kind, sizeof(h->kind), "%s",
		    (const char *)sqlite3_column_text(st, 5));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		*err_r = CORE_NOT_FOUND;
		*errstr_r = xstrdup("no such item");
		return -1;
	}
	if (rc != SQLITE_ROW)
		return queue_dberr(db, errstr_r);
	if ((*err_r = queue_permit(action, role, op, h->state, h->owner,
	    h->queue, &why)) != 0) {
		/* The console shows who has it. */
		*errstr_r = *err_r == CORE_CONFLICT && h->owner[0] != '\0' &&
		    h->state != CONV_CLOSED ? xasprintf("%s has "
		    "taken it", h->owner) : xstrdup(why);
		return -1;
	}
	*err_r = CORE_DATABASE;
	return 0;
}

/*
 * Adds to each operator message of msgs that went out as a letter its
 * "delivery": {"status": pending|sent|failed, "error"}: a reply the mail
 * channel could not send shows in the console.
 */
static void
deliveries(sqlite3 *db, json_t *msgs)
{
	sqlite3_stmt	*st;
	json_t		*m;
	const char	*from, *err;
	size_t		 i;

	json_array_foreach(msgs, i, m) {
		from = json_string_value(json_object_get(m, "from"));
		if (from == NULL || strcmp(from, "operator") != 0)
			continue;
		st = sqldb_prep(db, NULL, "SELECT status, error FROM mail_sent "
		    "WHERE message = ?1", "i", (int64_t)json_integer_value(
		    json_object_get(m, "id")));
		if (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
			err = (const char *)sqlite3_column_text(st, 1);
			json_object_set_new(m, "delivery", json_pack("{s:s, "
			    "s:o}", "status", (const char *)
			    sqlite3_column_text(st, 0), "error", err != NULL ?
			    json_string(err) : json_null()));
		}
		sqlite3_finalize(st);
	}
}

int
queue_read(sqlite3 *db, int64_t id, const char *op, const char *role,
    time_t now, json_t **out_r, enum core_err *err_r, char **errstr_r)
{
	struct held	 h;
	json_t		*item, *msgs;

	*err_r = CORE_DATABASE;
	if (state_begin(db, errstr_r) == -1)
		return -1;
	if (hold(db, id, "read", op, role, &h, err_r, errstr_r) == -1 ||
	    queue_journal(db, op, "read transcript", id, NULL, now,
	    errstr_r) == -1) {
		state_rollback(db);
		return -1;
	}
	if (state_commit(db, errstr_r) == -1)
		return -1;
	if (queue_item_get(db, id, now, &item, errstr_r) != 1)
		return -1;
	if ((msgs = conv_messages(db, id, 0, CONV_PAGE * 20,
	    errstr_r)) == NULL) {
		json_decref(item);
		return -1;
	}
	deliveries(db, msgs);
	*out_r = json_pack("{s:o, s:o}", "item", item, "messages", msgs);
	return 0;
}

int
queue_attachment(sqlite3 *db, int64_t att, const char *op, const char *role,
    time_t now, struct queue_file *f, enum core_err *err_r, char **errstr_r)
{
	sqlite3_stmt	*st;
	struct held	 h;
	char		 detail[32];
	int64_t		 conv = 0;
	int		 rc;

	memset(f, 0, sizeof(*f));
	*err_r = CORE_DATABASE;
	if ((st = sqldb_prep(db, errstr_r, "SELECT conv, name, type, sha256 FROM "
	    "attachment WHERE id = ?1 AND deleted = 0", "i", att)) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		conv = sqlite3_column_int64(st, 0);
		f->name = xstrdup((const char *)sqlite3_column_text(st, 1));
		f->type = xstrdup((const char *)sqlite3_column_text(st, 2));
		f->sha256 = xstrdup((const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		*err_r = rc == SQLITE_DONE ? CORE_NOT_FOUND : CORE_DATABASE;
		if (rc == SQLITE_DONE)
			*errstr_r = xstrdup("no such attachment");
		else
			queue_dberr(db, errstr_r);
		goto fail;
	}
	snprintf(detail, sizeof(detail), "attachment %lld", (long long)att);
	if (state_begin(db, errstr_r) == -1)
		goto fail;
	/* Whoever may read the conversation may open its files; each time
	 * is journalled, as reading the transcript is. */
	if (hold(db, conv, "read", op, role, &h, err_r, errstr_r) == -1 ||
	    queue_journal(db, op, "open attachment", conv, detail, now,
	    errstr_r) == -1) {
		state_rollback(db);
		goto fail;
	}
	if (state_commit(db, errstr_r) == -1)
		goto fail;
	return 0;
fail:
	queue_file_free(f);
	return -1;
}

void
queue_file_free(struct queue_file *f)
{
	free(f->name);
	free(f->type);
	free(f->sha256);
	memset(f, 0, sizeof(*f));
}

int
queue_joined(sqlite3 *db, int64_t id, const char *op, const char *lang,
    time_t now, char **errstr_r)
{
	char	*display;
	int	 rc;

	display = operator_display_name(db, op);
	rc = queue_tell(db, id, display != NULL ? PH_JOINED : PH_JOINED_ANON,
	    lang, "name", display, now, errstr_r);
	free(display);
	return rc;
}

int
queue_take(sqlite3 *db, int64_t id, const char *op, const char *role,
    time_t now, json_t **item_r, enum core_err *err_r, char **errstr_r)
{
	struct held	 h;
	char		*display = NULL;

	*err_r = CORE_DATABASE;
	if (state_begin(db, errstr_r) == -1)
		return -1;
	if (hold(db, id, "take", op, role, &h, err_r, errstr_r) == -1)
		goto fail;
	if (h.owner[0] == '\0')
		display = operator_display_name(db, op);
	if (h.owner[0] == '\0' && (sqldb_done(db, sqldb_prep(db, errstr_r, "UPDATE "
	    "queue_item SET owner = ?2, state = 'operator', taken = "
	    "coalesce(taken, ?3) WHERE id = ?1", "iti", id, op, (int64_t)now),
	    errstr_r) == -1 || conv_set_state(db, id, CONV_OPERATOR, now,
	    errstr_r) == -1 || queue_tell(db, id, display != NULL ? PH_JOINED :
	    PH_JOINED_ANON, h.lang, "name", display, now, errstr_r) == -1 ||
	    queue_journal(db, op, "take", id, NULL, now, errstr_r) == -1))
		goto fail;
	free(display);
	display = NULL;
	if (state_commit(db, errstr_r) == -1)
		return -1;
	if (queue_item_get(db, id, now, item_r, errstr_r) != 1)
		return -1;
	return 0;
fail:
	free(display);
	state_rollback(db);
	return -1;
}

/*
 * An operator's reply as HTML: Markdown, as the bot's articles are
 * rendered (an inserted article keeps its lists), with the same safe
 * cmark.  '<' and '&' are escaped first, so whatever an operator types
 * that looks like markup reaches the citizen as the text it was.
 */
static char *
reply_markdown_html(const char *text, size_t len)
{
	char	*md, *html;
	size_t	 i, n = 0;

	md = xmalloc(2 * len + 1);
	for (i = 0; i < len; i++) {
		if (text[i] == '<' || text[i] == '&')
			md[n++] = '\\';
		md[n++] = text[i];
	}
	md[n] = '\0';
	html = reply_html(md);
	free(md);
	return html;
}

int
queue_reply(sqlite3 *db, int64_t id, const char *op, const char *role,
    const char *text, size_t len, const char *key, time_t now,
    json_t **msg_r, enum core_err *err_r, char **errstr_r)
{
	sqlite3_stmt	*st;
	struct held	 h;
	char		*t, *html;
	int64_t		 m = 0;

	*err_r = CORE_INVALID;
	if (len == 0 || conv_chars(text, len) > LIMIT_CHAT_MESSAGE_CHARS ||
	    memchr(text, '\0', len) != NULL) {
		*errstr_r = xasprintf("a reply is 1 to %d characters",
		    LIMIT_CHAT_MESSAGE_CHARS);
		return -1;
	}
	if (key != NULL && !key_valid(key)) {
		*errstr_r = xasprintf("a reply key is %d to %d of A-Z, a-z, "
		    "0-9, '-', '_'", LIMIT_REPLY_KEY_MIN_BYTES,
		    LIMIT_REPLY_KEY_BYTES);
		return -1;
	}
	*err_r = CORE_DATABASE;
	if (state_begin(db, errstr_r) == -1)
		return -1;
	/* A retry of a reply that was stored: its message, before any check,
	 * since the item may have closed since. */
	if (key != NULL) {
		st = sqldb_prep(db, errstr_r, "SELECT message FROM queue_reply_key "
		    "WHERE conv = ?1 AND op = ?2 AND key = ?3", "itt", id, op,
		    key);
		if (st == NULL)
			goto fail;
		if (sqlite3_step(st) == SQLITE_ROW)
			m = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	if (m > 0) {
		state_rollback(db);
		if ((*msg_r = conv_message_get(db, m, errstr_r)) == NULL)
			return -1;
		return 0;
	}
	if (hold(db, id, "reply", op, role, &h, err_r, errstr_r) == -1)
		goto fail;
	t = xstrndup(text, len);
	html = reply_markdown_html(text, len);
	m = conv_add(db, id, "operator", t, html, NULL, op, NULL, 0, now,
	    errstr_r);
	free(html);
	free(t);
	if (m == -1 || sqldb_done(db, sqldb_prep(db, errstr_r, "UPDATE queue_item SET "
	    "first_reaction = coalesce(first_reaction, ?2) WHERE id = ?1",
	    "ii", id, (int64_t)now), errstr_r) == -1 ||
	    queue_journal(db, op, "reply", id, NULL, now, errstr_r) == -1)
		goto fail;
	if (key != NULL && (sqldb_done(db, sqldb_prep(db, errstr_r, "INSERT INTO "
	    "queue_reply_key (conv, op, key, message, created) VALUES (?1, "
	    "?2, ?3, ?4, ?5)", "ittii", id, op, key, m, (int64_t)now),
	    errstr_r) == -1 || sqldb_done(db, sqldb_prep(db, errstr_r, "DELETE FROM "
	    "queue_reply_key WHERE created < ?1", "i", (int64_t)now -
	    QUEUE_REPLY_KEY_TTL), errstr_r) == -1))
		goto fail;
	if (state_commit(db, errstr_r) == -1)
		return -1;
	if ((*msg_r = conv_message_get(db, m, errstr_r)) == NULL)
		return -1;
	return 0;
fail:
	state_rollback(db);
	return -1;
}

int
queue_transfer(sqlite3 *db, int64_t id, const char *op, const char *role,
    const char *queue, time_t now, json_t **item_r, enum core_err *err_r,
    char **errstr_r)
{
	struct held	 h;
	const char	*why;
	size_t		 i;
	int		 keep;

	*err_r = CORE_INVALID;
	for (i = 0; i < sizeof(queues) / sizeof(queues[0]); i++)
		if (queue != NULL && strcmp(queues[i], queue) == 0)
			break;
	if (i == sizeof(queues) / sizeof(queues[0])) {
		*errstr_r = xstrdup("the queue is general, english or senior");
		return -1;
	}
	*err_r = CORE_DATABASE;
	if (state_begin(db, errstr_r) == -1)
		return -1;
	if (hold(db, id, "transfer", op, role, &h, err_r,
	    errstr_r) == -1)
		goto fail;
	/* The operator who holds it and may work the new queue keeps it:
	 * nobody else is involved and the citizen waits for nothing. */
	keep = strcmp(h.owner, op) == 0 && queue_permit("take", role, op,
	    CONV_QUEUED, NULL, queue, &why) == 0;
	if (sqldb_done(db, sqldb_prep(db, errstr_r, keep ?
	    "UPDATE queue_item SET queue = ?2 WHERE id = ?1" :
	    "UPDATE queue_item SET queue = ?2, owner = NULL, state = 'queued' "
	    "WHERE id = ?1", "it", id, queue), errstr_r) == -1 ||
	    (!keep && (conv_set_state(db, id, CONV_QUEUED, now,
	    errstr_r) == -1 || queue_tell(db, id, PH_TRANSFERRED, h.lang, NULL,
	    NULL, now, errstr_r) == -1)) ||
	    queue_journal(db, op, "transfer", id, queue, now, errstr_r) == -1)
		goto fail;
	if (state_commit(db, errstr_r) == -1)
		return -1;
	if (queue_item_get(db, id, now, item_r, errstr_r) != 1)
		return -1;
	return 0;
fail:
	state_rollback(db);
	return -1;
}

int
queue_release(sqlite3 *db, int64_t id, const char *op, const char *role,
    time_t now, enum core_err *err_r, char **errstr_r)
{
	struct held	h;
	int		keep;

	*err_r = CORE_DATABASE;
	if (state_begin(db, errstr_r) == -1)
		return -1;
	if (hold(db, id, "release", op, role, &h, err_r,
	    errstr_r) == -1)
		goto fail;
	keep = strcmp(h.kind, "chat") != 0;
	/*
	 * A complaint or an incident (any kind but a chat) was promised a
	 * review by its deadline: the chat goes back to the bot, the request
	 * stays in its queue, free, with the deadlines it had.  Only a plain
	 * chat item ends here.
	 */
	if (sqldb_done(db, sqldb_prep(db, errstr_r, keep ?
	    "UPDATE queue_item SET state = 'queued', owner = NULL, "
	    "waiting = 0 WHERE id = ?1" :
	    "UPDATE queue_item SET state = 'closed', closed = ?2, "
	    "resolution = 'handed back to the bot' WHERE id = ?1", "ii", id,
	    (int64_t)now), errstr_r) == -1 ||
	    conv_set_state(db, id, CONV_BOT, now, errstr_r) == -1 ||
	    queue_tell(db, id, PH_RELEASED, h.lang, NULL, NULL, now,
	    errstr_r) == -1 ||
	    queue_journal(db, op, "release", id, keep ?
	    "request stays open" : NULL, now, errstr_r) == -1)
		goto fail;
	return state_commit(db, errstr_r);
fail:
	state_rollback(db);
	return -1;
}

int
queue_close(sqlite3 *db, int64_t id, const char *op, const char *role,
    const char *resolution, time_t now, enum core_err *err_r, char **errstr_r)
{
	struct held	h;

	*err_r = CORE_INVALID;
	if (resolution == NULL || resolution[0] == '\0' ||
	    conv_chars(resolution, strlen(resolution)) >
	    LIMIT_RESOLUTION_CHARS) {
		*errstr_r = xasprintf("a resolution is 1 to %d characters",
		    LIMIT_RESOLUTION_CHARS);
		return -1;
	}
	*err_r = CORE_DATABASE;
	if (state_begin(db, errstr_r) == -1)
		return -1;
	if (hold(db, id, "close", op, role, &h, err_r,
	    errstr_r) == -1)
		goto fail;
	if (sqldb_done(db, sqldb_prep(db, errstr_r, "UPDATE queue_item SET state = "
	    "'closed', closed = ?2, resolution = ?3, owner = coalesce(owner, "
	    "?4) WHERE id = ?1", "iitt", id, (int64_t)now, resolution, op),
	    errstr_r) == -1 || conv_set_state(db, id, CONV_CLOSED, now,
	    errstr_r) == -1 || queue_tell(db, id, PH_CLOSED_RATE, h.lang, NULL,
	    NULL, now, errstr_r) == -1 || queue_journal(db, op, "close", id,
	    NULL, now, errstr_r) == -1)
		goto fail;
	if (h.number[0] != '\0' && (request_set_status(db, h.number, "closed",
	    now, errstr_r) == -1 || queue_journal(db, op, "status change", id,
	    "closed", now, errstr_r) == -1))
		goto fail;
	return state_commit(db, errstr_r);
fail:
	state_rollback(db);
	return -1;
}
