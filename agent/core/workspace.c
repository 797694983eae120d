/*
 * The operators' workspace (workspace.h).  Everything here lives in the
 * state database, so that every thread and every console sees the same:
 * ws_seen is the last message each operator has read of each
 * conversation, ws_note the notes and assignments, ws_typing the last
 * typing signal of each side.  Notes are never part of the conversation's
 * messages, so no path that serves the citizen can show them.
 */
#include "agent/core/workspace.h"

#include <stdlib.h>
#include <string.h>

#include "agent/core/audit.h"
#include "agent/core/conv.h"
#include "agent/core/operator.h"
#include "agent/core/queue.h"
#include "agent/core/request.h"
#include "agent/core/state.h"
#include "lib/log.h"
#include "lib/pii.h"
#include "lib/sqldb.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

static const char *const schema[] = {
	"CREATE TABLE ws_seen ("
	" op TEXT NOT NULL,"
	" conv INTEGER NOT NULL,"
	" message INTEGER NOT NULL,"
	" PRIMARY KEY (op, conv)) WITHOUT ROWID;"
	"CREATE TABLE ws_note ("
	" id INTEGER PRIMARY KEY,"
	" conv INTEGER NOT NULL REFERENCES conversation (id),"
	" op TEXT NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind IN ('note', 'assign')),"
	" assignee TEXT,"
	" text TEXT NOT NULL,"
	" at INTEGER NOT NULL);"
	"CREATE INDEX ws_note_conv ON ws_note (conv, id);"
	"CREATE TABLE ws_typing ("
	" conv INTEGER NOT NULL,"
	" side TEXT NOT NULL CHECK (side IN ('citizen', 'operator')),"
	" at INTEGER NOT NULL,"
	" PRIMARY KEY (conv, side)) WITHOUT ROWID;",
};

int
workspace_schema(sqlite3 *db, char **errstr_r)
{
	return sqldb_migrate(db, "workspace", schema,
	    sizeof(schema) / sizeof(schema[0]), errstr_r);
}

/* What workspace_permit read of an item. */
struct item_state {
	enum conv_state	state;
	char	owner[LIMIT_OPERATOR_NAME_BYTES + 1];
	char	queue[16];
	char	lang[4];
};

/* Reads item conv: 1 found, 0 not, -1 error. */
static int
item_state(sqlite3 *db, int64_t conv, struct item_state *is,
    char **errstr_r)
{
	sqlite3_stmt	*st;
	const char	*s;
	int		 rc;

	memset(is, 0, sizeof(*is));
	if ((st = sqldb_prep(db, errstr_r, "SELECT state, owner, queue, lang "
	    "FROM queue_item WHERE id = ?1", "i", conv)) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* Unreadable is closed: nothing may be done to it. */
		if (conv_state_parse((const char *)sqlite3_column_text(st,
		    0), &is->state) == -1)
			is->state = CONV_CLOSED;
		if ((s = (const char *)sqlite3_column_text(st, 1)) != NULL)
			snprintf(is->owner, sizeof(is->owner), "%s", s);
		snprintf(is->queue, sizeof(is->queue), "%s",
		    (const char *)sqlite3_column_text(st, 2));
		snprintf(is->lang, sizeof(is->lang), "%s",
		    (const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	*errstr_r = xasprintf("workspace: sqlite: %s", sqlite3_errmsg(db));
	return -1;
}

static int
permit(sqlite3 *db, int64_t conv, const char *action, const char *op,
    const char *role, struct item_state *is, enum core_err *err_r,
    char **errstr_r)
{
	const char	*why;
	int		 rc;

	*err_r = CORE_DATABASE;
	if ((rc = item_state(db, conv, is, errstr_r)) == -1)
		return -1;
	if (rc == 0) {
		*err_r = CORE_NOT_FOUND;
		*errstr_r = xstrdup("no such item");
		return -1;
	}
	if ((*err_r = queue_permit(action, role, op, is->state, is->owner,
	    is->queue, &why)) != 0) {
		*errstr_r = *err_r == CORE_CONFLICT && is->owner[0] != '\0' &&
		    is->state != CONV_CLOSED ? xasprintf("%s has "
		    "taken it", is->owner) : xstrdup(why);
		return -1;
	}
	*err_r = CORE_DATABASE;
	return 0;
}

int
workspace_permit(sqlite3 *db, int64_t conv, const char *action,
    const char *op, const char *role, enum core_err *err_r,
    char **errstr_r)
{
	struct item_state	is;

	return permit(db, conv, action, op, role, &is, err_r, errstr_r);
}

/* Whether op (role) may read item it (a queue_list object). */
static int
may_read(json_t *it, const char *op, const char *role)
{
	const char	*why;
	enum conv_state	 state;

	if (conv_state_parse(json_string_value(json_object_get(it, "state")),
	    &state) == -1)
		state = CONV_CLOSED;
	return queue_permit("read", role, op, state,
	    json_string_value(json_object_get(it, "owner")),
	    json_string_value(json_object_get(it, "queue")), &why) == CORE_OK;
}

void
workspace_decorate(sqlite3 *db, const char *op, const char *role,
    json_t *items)
{
	sqlite3_stmt	*st;
	json_t		*it;
	const char	*s;
	char		*masked, buf[WORKSPACE_LAST_CHARS * 4 + 8];
	size_t		 i;
	int64_t		 id;

	/* One statement for all items, bound per item: a queue event goes to
	 * every operator, each with their own marks. */
	st = sqldb_prep(db, NULL, "SELECT m.text, m.at, m.id > coalesce(("
	    "SELECT message FROM ws_seen WHERE op = ?2 AND conv = ?1), 0), "
	    "c.rating, c.rating_comment, (SELECT count(*) FROM ws_note WHERE "
	    "conv = ?1) FROM conversation c LEFT JOIN message m ON m.id = "
	    "(SELECT max(id) FROM message WHERE conv = ?1 AND sender = "
	    "'citizen') WHERE c.id = ?1", "it", (int64_t)0, op);
	if (st == NULL)
		return;
	json_array_foreach(items, i, it) {
		id = json_integer_value(json_object_get(it, "id"));
		if (role != NULL && !may_read(it, op, role))
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) != SQLITE_ROW)
			continue;
		if ((s = (const char *)sqlite3_column_text(st, 0)) != NULL) {
			/* A list glimpsed over a shoulder: masked as the
			 * entities are; the transcript is not. */
			masked = pii_mask(s, strlen(s));
			json_object_set_new(it, "last_message",
			    json_pack("{s:s, s:I}", "text", text_shorten(masked,
			    WORKSPACE_LAST_CHARS, buf, sizeof(buf)), "at",
			    (json_int_t)sqlite3_column_int64(st, 1)));
			free(masked);
		}
		json_object_set_new(it, "unread", json_boolean(
		    sqlite3_column_int(st, 2)));
		json_object_set_new(it, "rating", sqlite3_column_type(st, 3) ==
		    SQLITE_NULL ? json_null() : json_integer(
		    sqlite3_column_int(st, 3)));
		s = (const char *)sqlite3_column_text(st, 4);
		json_object_set_new(it, "rating_comment", s != NULL ?
		    json_string(s) : json_null());
		json_object_set_new(it, "notes", json_integer(
		    sqlite3_column_int(st, 5)));
	}
	sqlite3_finalize(st);
}

json_t *
workspace_counts(sqlite3 *db, const char *op, json_t *items)
{
	json_t		*it;
	const char	*owner;
	size_t		 i;
	int64_t		 mine = 0, free_ = 0, closed = 0;

	json_array_foreach(items, i, it) {
		owner = json_string_value(json_object_get(it, "owner"));
		if (owner == NULL)
			free_++;
		else if (strcmp(owner, op) == 0)
			mine++;
	}
	sqldb_one_int(db, sqldb_prep(db, NULL, "SELECT count(*) FROM "
	    "queue_item WHERE state = 'closed'", ""), &closed, NULL);
	return json_pack("{s:I, s:I, s:I, s:I}", "mine", (json_int_t)mine,
	    "unassigned", (json_int_t)free_, "all",
	    (json_int_t)json_array_size(items), "closed", (json_int_t)closed);
}

json_t *
workspace_queue(sqlite3 *db, const char *op, const char *role, time_t now,
    char **errstr_r)
{
	json_t	*items, *counts;

	if ((items = queue_list(db, now, errstr_r)) == NULL)
		return NULL;
	workspace_decorate(db, op, role, items);
	counts = workspace_counts(db, op, items);
	return json_pack("{s:o, s:o}", "items", items, "counts", counts);
}

void
workspace_read(sqlite3 *db, const char *op, int64_t conv, json_t *out)
{
	json_t	*notes, *items;
	char	*err = NULL;

	if (workspace_seen(db, op, conv, &err) == -1 ||
	    (notes = workspace_notes(db, conv, &err)) == NULL) {
		log_msg(LOG_ERROR, "workspace: %s", err);
		free(err);
		return;
	}
	json_object_set_new(out, "notes", notes);
	/* The item as the queue shows it to op: last message, rating... */
	items = json_pack("[O]", json_object_get(out, "item"));
	if (items != NULL && json_is_object(json_array_get(items, 0)))
		workspace_decorate(db, op, NULL, items);
	json_decref(items);
}

int
workspace_seen(sqlite3 *db, const char *op, int64_t conv, char **errstr_r)
{
	int	rc;

	if (state_begin(db, errstr_r) == -1)
		return -1;
	rc = sqldb_done(db, sqldb_prep(db, errstr_r, "INSERT INTO ws_seen "
	    "(op, conv, message) SELECT ?1, ?2, coalesce(max(id), 0) FROM "
	    "message WHERE conv = ?2 ON CONFLICT (op, conv) DO UPDATE SET "
	    "message = max(message, excluded.message)", "ti", op, conv),
	    errstr_r);
	if (rc == -1) {
		state_rollback(db);
		return -1;
	}
	return state_commit(db, errstr_r);
}

/* A row of ws_note as a note object. */
static json_t *
note_json(sqlite3_stmt *st)
{
	const char	*to = (const char *)sqlite3_column_text(st, 3);

	return json_pack("{s:I, s:s, s:s, s:o, s:s, s:I}", "id",
	    (json_int_t)sqlite3_column_int64(st, 0), "author",
	    (const char *)sqlite3_column_text(st, 1), "kind",
	    (const char *)sqlite3_column_text(st, 2), "assignee",
	    to != NULL ? json_string(to) : json_null(), "text",
	    (const char *)sqlite3_column_text(st, 4), "at",
	    (json_int_t)sqlite3_column_int64(st, 5));
}

#define NOTE_COLS	"id, op, kind, assignee, text, at"

json_t *
workspace_notes(sqlite3 *db, int64_t conv, char **errstr_r)
{
	sqlite3_stmt	*st;
	json_t		*arr;
	int		 rc;

	if ((st = sqldb_prep(db, errstr_r, "SELECT " NOTE_COLS " FROM ws_note "
	    "WHERE conv = ?1 ORDER BY id", "i", conv)) == NULL)
		return NULL;
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, note_json(st));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		*errstr_r = xasprintf("workspace: sqlite: %s",
		    sqlite3_errmsg(db));
		return NULL;
	}
	return arr;
}

/* Inside a write transaction: journals op's action on conv. */
static int
journal(sqlite3 *db, const char *op, const char *action, int64_t conv,
    const char *detail, time_t now, char **errstr_r)
{
	sqlite3_stmt	*st;
	char		*actor, num[REQUEST_NUMBER_MAX] = "";
	int		 rc;

	st = sqldb_prep(db, NULL, "SELECT number FROM conversation WHERE "
	    "id = ?1", "i", conv);
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL)
		snprintf(num, sizeof(num), "%s",
		    (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	actor = xasprintf("operator:%s", op);
	rc = audit_append(db, actor, action, conv, num[0] != '\0' ? num :
	    NULL, detail, now, errstr_r);
	free(actor);
	return rc;
}

/* Whether note text[0..len) is 1..WORKSPACE_NOTE_MAX characters of
 * UTF-8 without NUL. */
static int
note_valid(const char *text, size_t len)
{
	return len > 0 && len <= WORKSPACE_NOTE_MAX * 4 &&
	    text_is_valid_utf8(text, len) &&
	    conv_chars(text, len) <= WORKSPACE_NOTE_MAX;
}

/* Inside a write transaction: stores a note; its id, or -1. */
static int64_t
note_insert(sqlite3 *db, int64_t conv, const char *op, const char *kind,
    const char *to, const char *text, time_t now, char **errstr_r)
{
	if (sqldb_done(db, sqldb_prep(db, errstr_r, "INSERT INTO ws_note "
	    "(conv, op, kind, assignee, text, at) VALUES (?1, ?2, ?3, ?4, ?5, "
	    "?6)", "itttti", conv, op, kind, to, text, (int64_t)now),
	    errstr_r) == -1)
		return -1;
	return sqlite3_last_insert_rowid(db);
}

int
workspace_note_add(sqlite3 *db, int64_t conv, const char *op,
    const char *role, const char *text, size_t len, time_t now,
    json_t **note_r, enum core_err *err_r, char **errstr_r)
{
	struct item_state	 is;
	sqlite3_stmt		*st;
	char			*t, detail[32];
	int64_t			 id, n = 0;

	*err_r = CORE_INVALID;
	if (!note_valid(text, len)) {
		*errstr_r = xasprintf("a note is 1 to %d characters",
		    WORKSPACE_NOTE_MAX);
		return -1;
	}
	if (state_begin(db, errstr_r) == -1) {
		*err_r = CORE_DATABASE;
		return -1;
	}
	if (permit(db, conv, "note", op, role, &is, err_r,
	    errstr_r) == -1)
		goto fail;
	if (sqldb_one_int(db, sqldb_prep(db, errstr_r, "SELECT count(*) FROM "
	    "ws_note WHERE conv = ?1", "i", conv), &n, errstr_r) == -1)
		goto fail;
	if (n >= WORKSPACE_NOTES_MAX) {
		*err_r = CORE_TOO_MANY;
		*errstr_r = xasprintf("a conversation keeps at most %d notes",
		    WORKSPACE_NOTES_MAX);
		goto fail;
	}
	t = xstrndup(text, len);
	id = note_insert(db, conv, op, "note", NULL, t, now, errstr_r);
	free(t);
	snprintf(detail, sizeof(detail), "note %lld", (long long)id);
	/* The journal names the note; its text stays in ws_note, where
	 * retention finds personal data. */
	if (id == -1 || journal(db, op, "note", conv, detail, now,
	    errstr_r) == -1)
		goto fail;
	if (state_commit(db, errstr_r) == -1)
		return -1;
	st = sqldb_prep(db, errstr_r, "SELECT " NOTE_COLS " FROM ws_note "
	    "WHERE id = ?1", "i", id);
	if (sqldb_row(db, st, "workspace: the note is gone", errstr_r) == -1)
		return -1;
	*note_r = note_json(st);
	sqlite3_finalize(st);
	return 0;
fail:
	state_rollback(db);
	return -1;
}

/* The role of enabled account name into role[16]: 1, or 0 when there is
 * no such enabled account, -1 error. */
static int
colleague_role(sqlite3 *db, const char *name, char role[16],
    char **errstr_r)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = sqldb_prep(db, errstr_r, "SELECT role FROM operator WHERE "
	    "name = ?1 AND disabled = 0", "t", name)) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(role, 16, "%s", (const char *)sqlite3_column_text(st,
		    0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : 0;
}

int
workspace_assign(sqlite3 *db, int64_t conv, const char *op,
    const char *role, const char *to, const char *note, time_t now,
    enum core_err *err_r, char **errstr_r)
{
	struct item_state	 is;
	const char		*why;
	char			 trole[16], *detail;
	int			 rc;

	*err_r = CORE_INVALID;
	if (to == NULL || strnlen(to, LIMIT_OPERATOR_NAME_BYTES + 1) >
	    LIMIT_OPERATOR_NAME_BYTES || to[0] == '\0') {
		*errstr_r = xstrdup("\"to\" names a colleague");
		return -1;
	}
	if (note != NULL && note[0] != '\0' && !note_valid(note,
	    strlen(note))) {
		*errstr_r = xasprintf("a note is at most %d characters",
		    WORKSPACE_NOTE_MAX);
		return -1;
	}
	if (state_begin(db, errstr_r) == -1) {
		*err_r = CORE_DATABASE;
		return -1;
	}
	if (permit(db, conv, "assign", op, role, &is, err_r,
	    errstr_r) == -1)
		goto fail;
	if ((rc = colleague_role(db, to, trole, errstr_r)) != 1) {
		*err_r = rc == 0 ? CORE_INVALID : CORE_DATABASE;
		if (rc == 0)
			*errstr_r = xasprintf("no colleague named %s", to);
		goto fail;
	}
	/* The colleague must be one who could take it from this queue. */
	if (queue_permit("take", trole, to, CONV_QUEUED, NULL, is.queue,
	    &why) != CORE_OK) {
		*err_r = CORE_INVALID;
		*errstr_r = xasprintf("%s may not work the %s queue", to,
		    is.queue);
		goto fail;
	}
	if (strcmp(is.owner, to) == 0) {
		*err_r = CORE_CONFLICT;
		*errstr_r = xasprintf("%s has it already", to);
		goto fail;
	}
	detail = xasprintf("to %s", to);
	rc = sqldb_done(db, sqldb_prep(db, errstr_r, "UPDATE queue_item SET "
	    "owner = ?2, state = 'operator', taken = coalesce(taken, ?3) "
	    "WHERE id = ?1", "iti", conv, to, (int64_t)now), errstr_r) == -1 ||
	    conv_set_state(db, conv, CONV_OPERATOR, now, errstr_r) == -1 ||
	    queue_joined(db, conv, to, is.lang, now, errstr_r) == -1 ||
	    note_insert(db, conv, op, "assign", to, note != NULL ? note : "",
	    now, errstr_r) == -1 || journal(db, op, "assign", conv, detail,
	    now, errstr_r) == -1 ? -1 : 0;
	free(detail);
	if (rc == -1)
		goto fail;
	return state_commit(db, errstr_r);
fail:
	state_rollback(db);
	return -1;
}

json_t *
workspace_colleagues(sqlite3 *db, time_t now, char **errstr_r)
{
	sqlite3_stmt	*st;
	json_t		*arr;
	const char	*d;
	int		 rc;

	if ((st = sqldb_prep(db, errstr_r, "SELECT o.name, o.display_name, "
	    "o.role, EXISTS (SELECT 1 FROM operator_session s WHERE s.name = "
	    "o.name AND s.expires > ?1), (SELECT count(*) FROM queue_item q "
	    "WHERE q.owner = o.name AND q.state = 'operator') FROM operator o "
	    "WHERE o.disabled = 0 ORDER BY o.name", "i", (int64_t)now)) ==
	    NULL)
		return NULL;
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		d = (const char *)sqlite3_column_text(st, 1);
		json_array_append_new(arr, json_pack("{s:s, s:o, s:s, s:b, "
		    "s:I}", "name", (const char *)sqlite3_column_text(st, 0),
		    "display_name", d != NULL ? json_string(d) : json_null(),
		    "role", (const char *)sqlite3_column_text(st, 2), "online",
		    sqlite3_column_int(st, 3), "load",
		    (json_int_t)sqlite3_column_int64(st, 4)));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		*errstr_r = xasprintf("workspace: sqlite: %s",
		    sqlite3_errmsg(db));
		return NULL;
	}
	return arr;
}

int
workspace_typing(sqlite3 *db, int64_t conv, const char *side, time_t now,
    char **errstr_r)
{
	int64_t	last = 0;
	int	rc;

	/* A read first: a page that sends too often costs no write. */
	if (sqldb_one_int(db, sqldb_prep(db, NULL, "SELECT at FROM ws_typing "
	    "WHERE conv = ?1 AND side = ?2", "it", conv, side), &last,
	    NULL) == 1 && last > now - WORKSPACE_TYPING_EVERY)
		return 0;
	if (state_begin(db, errstr_r) == -1)
		return -1;
	/* The WHERE of the upsert is the rate limit: a signal within
	 * WORKSPACE_TYPING_EVERY seconds of the last changes nothing. */
	rc = sqldb_done(db, sqldb_prep(db, errstr_r, "INSERT INTO ws_typing "
	    "(conv, side, at) VALUES (?1, ?2, ?3) ON CONFLICT (conv, side) DO "
	    "UPDATE SET at = excluded.at WHERE at <= excluded.at - ?4", "itii",
	    conv, side, (int64_t)now, (int64_t)WORKSPACE_TYPING_EVERY),
	    errstr_r);
	if (rc == -1) {
		state_rollback(db);
		return -1;
	}
	rc = sqlite3_changes(db) > 0;
	if (state_commit(db, errstr_r) == -1)
		return -1;
	return rc;
}

json_t *
workspace_typing_citizens(sqlite3 *db, time_t now)
{
	sqlite3_stmt	*st;
	json_t		*arr = json_array();

	st = sqldb_prep(db, NULL, "SELECT conv FROM ws_typing WHERE side = "
	    "'citizen' AND at > ?1 ORDER BY conv LIMIT 1000", "i",
	    (int64_t)now - WORKSPACE_TYPING_TTL);
	while (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, json_integer(
		    sqlite3_column_int64(st, 0)));
	sqlite3_finalize(st);
	return arr;
}

int
workspace_typing_operator(sqlite3 *db, int64_t conv, time_t now)
{
	int64_t	v = 0;

	if (sqldb_one_int(db, sqldb_prep(db, NULL, "SELECT count(*) FROM "
	    "ws_typing WHERE conv = ?1 AND side = 'operator' AND at > ?2",
	    "ii", conv, (int64_t)now - WORKSPACE_TYPING_TTL), &v, NULL) != 1)
		return 0;
	return v > 0;
}
