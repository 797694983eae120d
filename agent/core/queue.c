/*
 * The queue of items for operators.  An item's id is its conversation's
 * id.  The order is a rank (critical 0 ... low 4, sla_priority_rank) and
 * then the nearest deadline: the first reaction until a person has
 * answered, the resolution after; the clock escalates items whose
 * deadline passed and hands back a leaving operator's items.  The
 * operators' actions on an item are agent/core/queue_act.c: each runs in
 * one write transaction together with its journal entry and the message
 * the citizen sees, so the console, the citizen and the journal never
 * disagree.
 */
#include "agent/core/queue.h"
#include "agent/core/queue_impl.h"

#include <stdlib.h>
#include <string.h>

#include "agent/core/audit.h"
#include "agent/core/conv.h"
#include "agent/core/limits.h"
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

int
queue_dberr(sqlite3 *db, char **errstr_r)
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
		queue_dberr(db, errstr_r);
		return NULL;
	}
	return arr;
}

/* Item id as JSON: 1 with *item_r, 0 unknown, -1 error. */
int
queue_item_get(sqlite3 *db, int64_t id, time_t now, json_t **item_r,
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
	return queue_dberr(db, errstr_r);
}

int
queue_journal(sqlite3 *db, const char *op, const char *action, int64_t id,
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

/*
 * Tells the citizen of conversation id what happened: phrase key in lang
 * ("ru", "en"), with {name} filled with value (both may be NULL).
 */
int
queue_tell(sqlite3 *db, int64_t id, enum phrase_key key, const char *lang,
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
		    CONV_QUEUED, now, errstr_r) == -1 ||
		    queue_tell(db, items[i].id, PH_TRANSFERRED, items[i].lang,
		    NULL, NULL, now, errstr_r) == -1 ||
		    queue_journal(db, NULL, "requeue", items[i].id, why, now,
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
		rc = queue_journal(db, NULL, "escalate", id, detail, now,
		    errstr_r);
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
		if (queue_tell(db, id, PH_WAITING_LONG, lang, "minutes", mins,
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
		return queue_dberr(db, errstr_r);
	return 0;
}
