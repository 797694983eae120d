/*
 * The queue of items for operators.  An item's id is its conversation's
 * id.  The order is a rank (critical 0 ... low 4, sla_priority_rank) and
 * then the nearest deadline: the first reaction until a person has
 * answered, the resolution after.  Each operator action runs in one write
 * transaction together with its journal entry and the message the citizen
 * sees, so the console, the citizen and the journal never disagree.
 */
#include "agent/core/queue.h"

#include <stdlib.h>
#include <string.h>

#include "agent/core/agent.h"
#include "agent/core/audit.h"
#include "agent/core/conv.h"
#include "agent/core/limits.h"
#include "agent/core/operator.h"
#include "agent/core/phrases.h"
#include "agent/core/state.h"
#include "intents/entities.h"
#include "lib/pii.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

/* Seconds an operator takes to pick a chat up when there is no history:
 * seed 1.3.2's 20-45 s. */
#define DEFAULT_PICKUP	45
/* Citizen messages whose entities an item shows. */
#define ENTITY_MESSAGES	50

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

static const char *const schema[] = {
	"CREATE TABLE queue_item ("
	" id INTEGER PRIMARY KEY REFERENCES conversation (id),"
	" number TEXT,"
	" channel TEXT NOT NULL,"
	" queue TEXT NOT NULL"
	"  CHECK (queue IN ('general', 'english', 'senior')),"
	" state TEXT NOT NULL"
	"  CHECK (state IN ('queued', 'operator', 'closed')),"
	" waiting INTEGER NOT NULL,"
	" kind TEXT NOT NULL,"
	" category TEXT,"
	" candidates TEXT,"
	" reason TEXT,"
	" priority TEXT NOT NULL,"
	" rank INTEGER NOT NULL,"
	" entities TEXT,"
	" lang TEXT NOT NULL,"
	" owner TEXT,"
	" created INTEGER NOT NULL,"
	" first_deadline INTEGER NOT NULL,"
	" final_deadline INTEGER NOT NULL,"
	" first_reaction INTEGER,"
	" taken INTEGER,"
	" escalated INTEGER NOT NULL DEFAULT 0,"
	" breached_first INTEGER NOT NULL DEFAULT 0,"
	" breached_final INTEGER NOT NULL DEFAULT 0,"
	" breaches INTEGER NOT NULL DEFAULT 0,"
	" wait_told INTEGER NOT NULL DEFAULT 0,"
	" closed INTEGER,"
	" resolution TEXT);"
	"CREATE INDEX queue_item_state ON queue_item (state, rank);",
	/* Replies already stored, by the key the console sent with them. */
	"CREATE TABLE queue_reply_key ("
	" conv INTEGER NOT NULL,"
	" op TEXT NOT NULL,"
	" key TEXT NOT NULL,"
	" message INTEGER NOT NULL,"
	" created INTEGER NOT NULL,"
	" PRIMARY KEY (conv, op, key));"
	"CREATE INDEX queue_reply_key_created ON queue_reply_key (created);",
};

#define ITEM_COLS \
	"id, number, channel, queue, state, category, candidates, reason, " \
	"priority, entities, lang, owner, created, first_deadline, " \
	"final_deadline, first_reaction, taken, escalated, kind"

int
queue_schema(sqlite3 *db, char **errstr_r)
{
	return sqldb_migrate(db, "queue", schema,
	    sizeof(schema) / sizeof(schema[0]), errstr_r);
}

static int
dberr(sqlite3 *db, char **errstr_r)
{
	if (errstr_r != NULL)
		*errstr_r = xasprintf("queue: sqlite: %s",
		    sqlite3_errmsg(db));
	return -1;
}

/* The entities of conv's citizen messages, values masked. */
static char *
conv_entities(sqlite3 *db, int64_t conv)
{
	struct entity_list	 el;
	sqlite3_stmt		*st;
	json_t			*o;
	const char		*text, *name;
	char			*masked, *js;
	size_t			 i;

	o = json_object();
	st = sqldb_prep(db, NULL, "SELECT text FROM message WHERE conv = ?1 AND "
	    "sender = 'citizen' ORDER BY id DESC LIMIT " "50", "i", conv);
	while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		text = (const char *)sqlite3_column_text(st, 0);
		entities_extract(text, (size_t)sqlite3_column_bytes(st, 0),
		    &el);
		for (i = 0; i < el.count; i++) {
			name = entity_type_name(el.items[i].type);
			if (json_object_get(o, name) != NULL)
				continue;
			masked = pii_mask(el.items[i].value,
			    strlen(el.items[i].value));
			json_object_set_new(o, name, json_string(masked));
			free(masked);
		}
	}
	sqlite3_finalize(st);
	js = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return js;
}

int
queue_enqueue(sqlite3 *db, int64_t conv, const char *reason, int waiting,
    const struct sla_holidays *h, time_t now, char **errstr_r)
{
	struct sla_deadlines	 d;
	struct conv_info	 ci;
	sqlite3_stmt		*st;
	const char		*s, *kind;
	char			*category = NULL, *cands = NULL;
	enum sla_priority	 prio = SLA_NORMAL;
	char			*ents = NULL;
	enum conv_state		 state = CONV_CLOSED;	/* none yet */
	int			 rc = -1;

	if (conv_info(db, conv, &ci, errstr_r) != 1) {
		if (*errstr_r == NULL)
			*errstr_r = xstrdup("queue: no such conversation");
		return -1;
	}
	st = sqldb_prep(db, errstr_r, "SELECT state FROM queue_item WHERE id = ?1",
	    "i", conv);
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW &&
	    conv_state_parse((const char *)sqlite3_column_text(st, 0),
	    &state) == -1)
		state = CONV_CLOSED;
	sqlite3_finalize(st);
	if (conv_with_person(state)) {
		/* Open already: a person will see the handoff. */
		return sqldb_done(db, sqldb_prep(db, errstr_r, "UPDATE queue_item SET "
		    "waiting = max(waiting, ?2), reason = coalesce(?3, reason) "
		    "WHERE id = ?1", "iit", conv, (int64_t)waiting, reason),
		    errstr_r);
	}

	/* The citizen's question, not the words that asked for a person. */
	st = sqldb_prep(db, errstr_r, "SELECT category, candidates FROM message "
	    "WHERE conv = ?1 AND sender = 'citizen' AND category IS NOT NULL "
	    "ORDER BY category = 'handoff.operator', id DESC LIMIT 1", "i",
	    conv);
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		if ((s = (const char *)sqlite3_column_text(st, 0)) != NULL)
			category = xstrdup(s);
		if ((s = (const char *)sqlite3_column_text(st, 1)) != NULL)
			cands = xstrdup(s);
	}
	sqlite3_finalize(st);
	if (ci.number[0] != '\0') {
		st = sqldb_prep(db, errstr_r, "SELECT priority, channel FROM request "
		    "WHERE number = ?1", "t", ci.number);
		if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
			prio = sla_priority_parse((const char *)
			    sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	kind = sla_kind(category, prio);
	if (sla_deadlines(kind, now, h, &d) == -1) {
		*errstr_r = xstrdup("queue: no deadlines for this kind");
		goto out;
	}
	ents = conv_entities(db, conv);
	rc = sqldb_done(db, sqldb_prep(db, errstr_r, "INSERT OR REPLACE INTO queue_item "
	    "(id, number, channel, queue, state, waiting, kind, category, "
	    "candidates, reason, priority, rank, entities, lang, created, "
	    "first_deadline, final_deadline) VALUES (?1, ?2, ?3, ?4, "
	    "'queued', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
	    "itttitttttittiii", conv,
	    ci.number[0] != '\0' ? ci.number : NULL, ci.channel,
	    strcmp(ci.lang, "en") == 0 ? "english" : "general",
	    (int64_t)waiting, kind, category, cands, reason,
	    sla_priority_name(prio), (int64_t)prio, ents, ci.lang, (int64_t)now,
	    (int64_t)d.first, (int64_t)d.final), errstr_r);
out:
	free(category);
	free(cands);
	free(ents);
	return rc;
}

int
queue_wait_estimate(sqlite3 *db, int64_t conv, time_t now)
{
	sqlite3_stmt	*st;
	int64_t		 pos = -1, avg = DEFAULT_PICKUP, waited = 0;

	st = sqldb_prep(db, NULL, "SELECT (SELECT count(*) FROM queue_item o WHERE "
	    "o.state = 'queued' AND o.waiting = 1 AND o.queue = q.queue AND "
	    "(o.rank < q.rank OR (o.rank = q.rank AND o.created < q.created)))"
	    ", ?2 - q.created FROM queue_item q WHERE q.id = ?1 AND "
	    "q.state = 'queued' AND q.waiting = 1", "ii", conv, (int64_t)now);
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		pos = sqlite3_column_int64(st, 0);
		waited = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (pos < 0)
		return -1;
	st = sqldb_prep(db, NULL, "SELECT avg(taken - created) FROM (SELECT taken, "
	    "created FROM queue_item WHERE taken IS NOT NULL ORDER BY taken "
	    "DESC LIMIT 50)", "");
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		avg = (int64_t)sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	if (avg < 10)
		avg = 10;
	/* Those ahead, and this one's own turn, less what is waited. */
	avg = (pos + 1) * avg - waited;
	return (int)(avg < 10 ? 10 : avg);
}

/* Sets o[key] to from[key], or to null when from has none. */
static void
copy_or_null(json_t *o, json_t *from, const char *key)
{
	json_t	*v = from != NULL ? json_object_get(from, key) : NULL;

	json_object_set(o, key, v != NULL ? v : json_null());
}

/* One row of ITEM_COLS as an item object. */
static json_t *
item_json(sqlite3_stmt *st, time_t now)
{
	json_t		*o, *j;
	const char	*s, *state;
	int64_t		 created, first, final, deadline;

	o = json_object();
	json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st,
	    0)));
	s = (const char *)sqlite3_column_text(st, 1);
	json_object_set_new(o, "request_number", s ? json_string(s) :
	    json_null());
	json_object_set_new(o, "channel", json_string((const char *)
	    sqlite3_column_text(st, 2)));
	json_object_set_new(o, "queue", json_string((const char *)
	    sqlite3_column_text(st, 3)));
	state = (const char *)sqlite3_column_text(st, 4);
	json_object_set_new(o, "state", json_string(state));
	s = (const char *)sqlite3_column_text(st, 5);
	json_object_set_new(o, "category", s ? json_string(s) : json_null());
	s = (const char *)sqlite3_column_text(st, 6);
	j = s != NULL ? json_loads(s, 0, NULL) : NULL;
	if (j == NULL)
		j = json_array();
	copy_or_null(o, json_array_get(j, 0), "topic");
	copy_or_null(o, json_array_get(j, 0), "topic_label");
	json_object_set_new(o, "candidates", j);
	s = (const char *)sqlite3_column_text(st, 7);
	json_object_set_new(o, "reason", s ? json_string(s) : json_null());
	json_object_set_new(o, "priority", json_string((const char *)
	    sqlite3_column_text(st, 8)));
	s = (const char *)sqlite3_column_text(st, 9);
	j = s != NULL ? json_loads(s, 0, NULL) : NULL;
	json_object_set_new(o, "entities", j ? j : json_object());
	json_object_set_new(o, "lang", json_string((const char *)
	    sqlite3_column_text(st, 10)));
	s = (const char *)sqlite3_column_text(st, 11);
	json_object_set_new(o, "owner", s ? json_string(s) : json_null());
	created = sqlite3_column_int64(st, 12);
	first = sqlite3_column_int64(st, 13);
	final = sqlite3_column_int64(st, 14);
	deadline = sqlite3_column_type(st, 15) == SQLITE_NULL &&
	    first < final ? first : final;
	json_object_set_new(o, "waiting", json_integer(
	    sqlite3_column_type(st, 16) != SQLITE_NULL ?
	    sqlite3_column_int64(st, 16) - created : now - created));
	json_object_set_new(o, "deadline", json_integer(deadline));
	json_object_set_new(o, "overdue", json_boolean(strcmp(state,
	    "closed") != 0 && now > deadline));
	json_object_set_new(o, "escalated", json_boolean(
	    sqlite3_column_int(st, 17)));
	json_object_set_new(o, "kind", json_string((const char *)
	    sqlite3_column_text(st, 18)));
	return o;
}

json_t *
queue_list(sqlite3 *db, time_t now, char **errstr_r)
{
	sqlite3_stmt	*st;
	json_t		*arr;
	int		 rc;

	st = sqldb_prep(db, errstr_r, "SELECT " ITEM_COLS ", CASE WHEN "
	    "first_reaction IS NULL AND first_deadline < final_deadline THEN "
	    "first_deadline ELSE final_deadline END AS dl FROM queue_item "
	    "WHERE state <> 'closed' ORDER BY rank, dl, id", "");
	if (st == NULL)
		return NULL;
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, item_json(st, now));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		dberr(db, errstr_r);
		return NULL;
	}
	return arr;
}

/* Item id as JSON: 1 with *item_r, 0 unknown, -1 error. */
static int
item_get(sqlite3 *db, int64_t id, time_t now, json_t **item_r,
    char **errstr_r)
{
	sqlite3_stmt	*st;
	int		 rc;

	*item_r = NULL;
	if ((st = sqldb_prep(db, errstr_r, "SELECT " ITEM_COLS " FROM queue_item "
	    "WHERE id = ?1", "i", id)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*item_r = item_json(st, now);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return dberr(db, errstr_r);
}

static int
journal(sqlite3 *db, const char *op, const char *action, int64_t id,
    const char *detail, time_t now, char **errstr_r)
{
	char		*actor;
	const char	*number = NULL;
	sqlite3_stmt	*st;
	char		 num[REQUEST_NUMBER_MAX] = "";
	int		 rc;

	st = sqldb_prep(db, NULL, "SELECT number FROM conversation WHERE id = ?1",
	    "i", id);
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL) {
		snprintf(num, sizeof(num), "%s",
		    (const char *)sqlite3_column_text(st, 0));
		number = num;
	}
	sqlite3_finalize(st);
	actor = op != NULL ? xasprintf("operator:%s", op) : xstrdup("system");
	rc = audit_append(db, actor, action, id, number, detail, now,
	    errstr_r);
	free(actor);
	return rc;
}

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
		return dberr(db, errstr_r);
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
	    journal(db, op, "read transcript", id, NULL, now,
	    errstr_r) == -1) {
		state_rollback(db);
		return -1;
	}
	if (state_commit(db, errstr_r) == -1)
		return -1;
	if (item_get(db, id, now, &item, errstr_r) != 1)
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
			dberr(db, errstr_r);
		goto fail;
	}
	snprintf(detail, sizeof(detail), "attachment %lld", (long long)att);
	if (state_begin(db, errstr_r) == -1)
		goto fail;
	/* Whoever may read the conversation may open its files; each time
	 * is journalled, as reading the transcript is. */
	if (hold(db, conv, "read", op, role, &h, err_r, errstr_r) == -1 ||
	    journal(db, op, "open attachment", conv, detail, now,
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

/*
 * Tells the citizen of conversation id what happened: phrase key in lang
 * ("ru", "en"), with {name} filled with value (both may be NULL).
 */
static int
tell(sqlite3 *db, int64_t id, enum phrase_key key, const char *lang,
    const char *name, const char *value, time_t now, char **errstr_r)
{
	char	*text;
	int64_t	 m;

	text = phrase_say(strcmp(lang, "en") == 0 ? LANG_EN : LANG_RU, key,
	    name, value, NULL);
	m = conv_add(db, id, "system", text, NULL, NULL, NULL, NULL, 0, now,
	    errstr_r);
	free(text);
	return m == -1 ? -1 : 0;
}

int
queue_joined(sqlite3 *db, int64_t id, const char *op, const char *lang,
    time_t now, char **errstr_r)
{
	char	*display;
	int	 rc;

	display = operator_display_name(db, op);
	rc = tell(db, id, display != NULL ? PH_JOINED : PH_JOINED_ANON, lang,
	    "name", display, now, errstr_r);
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
	    errstr_r) == -1 || tell(db, id, display != NULL ? PH_JOINED :
	    PH_JOINED_ANON, h.lang, "name", display, now, errstr_r) == -1 ||
	    journal(db, op, "take", id, NULL, now, errstr_r) == -1))
		goto fail;
	free(display);
	display = NULL;
	if (state_commit(db, errstr_r) == -1)
		return -1;
	if (item_get(db, id, now, item_r, errstr_r) != 1)
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
	    journal(db, op, "reply", id, NULL, now, errstr_r) == -1)
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
	if (keep && (sqldb_done(db, sqldb_prep(db, errstr_r, "UPDATE queue_item SET "
	    "queue = ?2 WHERE id = ?1", "it", id, queue), errstr_r) == -1 ||
	    journal(db, op, "transfer", id, queue, now, errstr_r) == -1))
		goto fail;
	if (!keep && (sqldb_done(db, sqldb_prep(db, errstr_r, "UPDATE queue_item SET "
	    "queue = ?2, owner = NULL, state = 'queued' WHERE id = ?1", "it",
	    id, queue), errstr_r) == -1 || conv_set_state(db, id, CONV_QUEUED,
	    now, errstr_r) == -1 || tell(db, id, PH_TRANSFERRED, h.lang, NULL,
	    NULL, now, errstr_r) == -1 || journal(db, op, "transfer", id, queue,
	    now, errstr_r) == -1))
		goto fail;
	if (state_commit(db, errstr_r) == -1)
		return -1;
	if (item_get(db, id, now, item_r, errstr_r) != 1)
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
	    tell(db, id, PH_RELEASED, h.lang, NULL, NULL, now,
	    errstr_r) == -1 ||
	    journal(db, op, "release", id, keep ?
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
	    errstr_r) == -1 || tell(db, id, PH_CLOSED_RATE, h.lang, NULL, NULL,
	    now, errstr_r) == -1 || journal(db, op, "close", id, NULL, now,
	    errstr_r) == -1)
		goto fail;
	if (h.number[0] != '\0' && (request_set_status(db, h.number, "closed",
	    now, errstr_r) == -1 || journal(db, op, "status change", id,
	    "closed", now, errstr_r) == -1))
		goto fail;
	return state_commit(db, errstr_r);
fail:
	state_rollback(db);
	return -1;
}

int
queue_unassign(sqlite3 *db, const char *op, const char *why, time_t now,
    char **errstr_r)
{
	struct held_item {
		int64_t	id;
		char	lang[4];
	}		*items = NULL;
	sqlite3_stmt	*st;
	size_t		 n = 0, i;
	int		 rc = 0;

	if ((st = sqldb_prep(db, errstr_r, "SELECT id, lang FROM queue_item WHERE "
	    "owner = ?1 AND state = 'operator'", "t", op)) == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		items = xreallocarray(items, n + 1, sizeof(*items));
		items[n].id = sqlite3_column_int64(st, 0);
		snprintf(items[n].lang, sizeof(items[n].lang), "%s",
		    (const char *)sqlite3_column_text(st, 1));
		n++;
	}
	sqlite3_finalize(st);
	for (i = 0; rc == 0 && i < n; i++)
		if (sqldb_done(db, sqldb_prep(db, errstr_r, "UPDATE queue_item SET owner = "
		    "NULL, state = 'queued' WHERE id = ?1", "i", items[i].id),
		    errstr_r) == -1 || conv_set_state(db, items[i].id,
		    CONV_QUEUED, now, errstr_r) == -1 || tell(db, items[i].id,
		    PH_TRANSFERRED, items[i].lang, NULL, NULL, now,
		    errstr_r) == -1 ||
		    journal(db, NULL, "requeue", items[i].id, why, now,
		    errstr_r) == -1)
			rc = -1;
	free(items);
	return rc == -1 ? -1 : (int)n;
}

/* Escalates item id for breaching deadline what ("first", "final"). */
static int
escalate(sqlite3 *db, int64_t id, enum sla_priority prio, const char *what,
    time_t now, char **errstr_r)
{
	enum sla_priority	 up = sla_priority_up(prio);
	char			*detail;
	int			 rc;

	detail = xasprintf("%s deadline passed: priority %s, senior queue",
	    what, sla_priority_name(up));
	rc = sqldb_done(db, sqldb_prep(db, errstr_r, strcmp(what, "first") == 0 ?
	    "UPDATE queue_item SET priority = ?2, rank = ?3, queue = "
	    "'senior', escalated = 1, breaches = breaches + 1, "
	    "breached_first = 1 WHERE id = ?1" :
	    "UPDATE queue_item SET priority = ?2, rank = ?3, queue = "
	    "'senior', escalated = 1, breaches = breaches + 1, "
	    "breached_final = 1 WHERE id = ?1", "iti", id,
	    sla_priority_name(up), (int64_t)up), errstr_r);
	if (rc == 0)
		rc = journal(db, NULL, "escalate", id, detail, now, errstr_r);
	free(detail);
	return rc;
}

int
queue_tick(sqlite3 *db, const struct sla_holidays *h, time_t now,
    queue_touch_fn touch, void *arg, char **errstr_r)
{
	sqlite3_stmt		*st;
	int64_t			*ids = NULL, id;
	enum sla_priority	 prio;
	char			 lang[4], what[8], mins[16];
	size_t			 n = 0, i;
	int			 nesc = 0, wait;

	(void)h;
	if (state_begin(db, errstr_r) == -1)
		return -1;
	st = sqldb_prep(db, errstr_r, "SELECT id, lang FROM queue_item WHERE state "
	    "= 'queued' AND waiting = 1 AND wait_told = 0 AND created <= ?1",
	    "i", (int64_t)now - SLA_WAIT_TARGET);
	while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		snprintf(lang, sizeof(lang), "%s",
		    (const char *)sqlite3_column_text(st, 1));
		wait = queue_wait_estimate(db, id, now);
		snprintf(mins, sizeof(mins), "%d", wait > 60 ?
		    (wait + 59) / 60 : 1);
		if (tell(db, id, PH_WAITING_LONG, lang, "minutes", mins,
		    now, errstr_r) == -1)
			goto fail;
		ids = xreallocarray(ids, n + 1, sizeof(*ids));
		ids[n++] = id;
	}
	sqlite3_finalize(st);
	st = NULL;
	for (i = 0; i < n; i++)
		if (sqldb_done(db, sqldb_prep(db, errstr_r, "UPDATE queue_item SET "
		    "wait_told = 1 WHERE id = ?1", "i", ids[i]),
		    errstr_r) == -1)
			goto fail;
	st = sqldb_prep(db, errstr_r, "SELECT id, priority, CASE WHEN "
	    "first_reaction IS NULL AND breached_first = 0 AND "
	    "first_deadline < ?1 THEN 'first' ELSE 'final' END FROM "
	    "queue_item WHERE state <> 'closed' AND ((first_reaction IS NULL "
	    "AND breached_first = 0 AND first_deadline < ?1) OR "
	    "(breached_final = 0 AND final_deadline < ?1))", "i",
	    (int64_t)now);
	while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		prio = sla_priority_parse((const char *)
		    sqlite3_column_text(st, 1));
		snprintf(what, sizeof(what), "%s",
		    (const char *)sqlite3_column_text(st, 2));
		if (escalate(db, id, prio, what, now, errstr_r) == -1)
			goto fail;
		ids = xreallocarray(ids, n + 1, sizeof(*ids));
		ids[n++] = id;
		nesc++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (state_commit(db, errstr_r) == -1) {
		free(ids);
		return -1;
	}
	for (i = 0; touch != NULL && i < n; i++)
		touch(arg, ids[i]);
	free(ids);
	return nesc;
fail:
	sqlite3_finalize(st);
	state_rollback(db);
	free(ids);
	return -1;
}

int
queue_stats(sqlite3 *db, time_t now, int64_t *length_r, int64_t *oldest_r,
    int64_t *breaches_r, char **errstr_r)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = sqldb_prep(db, errstr_r, "SELECT (SELECT count(*) FROM queue_item "
	    "WHERE state = 'queued'), (SELECT coalesce(max(?1 - created), 0) "
	    "FROM queue_item WHERE state = 'queued'), (SELECT "
	    "coalesce(sum(breaches), 0) FROM queue_item)", "i",
	    (int64_t)now)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*length_r = sqlite3_column_int64(st, 0);
		*oldest_r = sqlite3_column_int64(st, 1);
		*breaches_r = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return dberr(db, errstr_r);
	return 0;
}
