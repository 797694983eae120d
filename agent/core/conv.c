/*
 * Conversations and their messages in the state database: creating and
 * finding them, their states and the table of transitions, the views the
 * citizen and the operators read, the rating.  The citizen's side of the
 * flow (a message, a button, "a person, please") is convflow.c.
 */
#include "agent/core/conv.h"

#include <stdlib.h>
#include <string.h>

#include "agent/core/feedback.h"
#include "agent/core/limits.h"
#include "agent/core/operator.h"
#include "agent/core/queue.h"
#include "agent/core/state.h"
#include "agent/core/stmt.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

static const char *const schema[] = {
	"CREATE TABLE conversation ("
	" id INTEGER PRIMARY KEY,"
	" token_hash BLOB NOT NULL UNIQUE,"
	" channel TEXT NOT NULL,"
	" lang TEXT NOT NULL CHECK (lang IN ('ru', 'en')),"
	" state TEXT NOT NULL"
	"  CHECK (state IN ('bot', 'queued', 'operator', 'closed')),"
	" number TEXT,"
	" rating INTEGER CHECK (rating BETWEEN 1 AND 5),"
	" rating_comment TEXT,"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL);"
	"CREATE TABLE attachment ("
	" id INTEGER PRIMARY KEY,"
	" conv INTEGER NOT NULL REFERENCES conversation (id),"
	" number TEXT,"
	" name TEXT NOT NULL,"
	" type TEXT NOT NULL,"
	" size INTEGER NOT NULL,"
	" sha256 TEXT NOT NULL,"
	" deleted INTEGER NOT NULL DEFAULT 0,"
	" at INTEGER NOT NULL);"
	"CREATE TABLE message ("
	" id INTEGER PRIMARY KEY,"
	" conv INTEGER NOT NULL REFERENCES conversation (id),"
	" sender TEXT NOT NULL"
	"  CHECK (sender IN ('citizen', 'bot', 'operator', 'system')),"
	" text TEXT NOT NULL,"
	" html TEXT,"
	" choices TEXT,"
	" author TEXT,"
	" number TEXT,"
	" attachment INTEGER REFERENCES attachment (id),"
	" category TEXT,"
	" candidates TEXT,"
	" at INTEGER NOT NULL);"
	"CREATE INDEX message_conv ON message (conv, id);"
	"CREATE INDEX attachment_conv ON attachment (conv);",
};

static const char *const state_names[CONV_NSTATES] = {
	[CONV_BOT] = "bot",
	[CONV_QUEUED] = "queued",
	[CONV_OPERATOR] = "operator",
	[CONV_CLOSED] = "closed",
};

/*
 * Who may hand a conversation to whom.  The bot hands it to the queue (a
 * handoff), keeps it, or loses it to an operator who takes or closes its
 * request's item; the queue and operators pass it among themselves, back
 * to the bot (release) or close it; a closed one is taken up again by the
 * bot or the queue when the citizen writes, but no operator takes or
 * closes it again without a new item.
 */
static const unsigned char transitions[CONV_NSTATES][CONV_NSTATES] = {
	/*		   bot queued operator closed */
	[CONV_BOT] =	 { 1,  1,     1,       1 },
	[CONV_QUEUED] =	 { 1,  1,     1,       1 },
	[CONV_OPERATOR] = { 1,  1,     1,       1 },
	[CONV_CLOSED] =	 { 1,  1,     0,       0 },
};

static const char *const sql_message_cols =
    "SELECT m.id, m.sender, m.text, m.html, m.choices, m.author, m.number, "
    "m.at, a.id, a.name, a.size, a.type FROM message m LEFT JOIN "
    "attachment a ON a.id = m.attachment ";

const char *
conv_state_name(enum conv_state s)
{
	return (unsigned)s < CONV_NSTATES ? state_names[s] : "closed";
}

int
conv_state_parse(const char *s, enum conv_state *s_r)
{
	int	i;

	for (i = 0; s != NULL && i < CONV_NSTATES; i++)
		if (strcmp(state_names[i], s) == 0) {
			*s_r = (enum conv_state)i;
			return 0;
		}
	return -1;
}

int
conv_with_person(enum conv_state s)
{
	return s == CONV_QUEUED || s == CONV_OPERATOR;
}

int
conv_schema(sqlite3 *db, char **errstr_r)
{
	return sqldb_migrate(db, "conv", schema,
	    sizeof(schema) / sizeof(schema[0]), errstr_r);
}

static int
dberr(sqlite3 *db, char **errstr_r)
{
	*errstr_r = xasprintf("conversation: sqlite: %s", sqlite3_errmsg(db));
	return -1;
}

size_t
conv_chars(const char *s, size_t len)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Inside a write transaction: the conversation row for token. */
static int
insert(sqlite3 *db, const char *token, const char *channel,
    const char *lang, time_t now, int64_t *id_r, char **errstr_r)
{
	sqlite3_stmt	*st = NULL;
	unsigned char	 th[TOKEN_HASH_LEN];
	int		 rc;

	token_hash(token, strlen(token), th);
	if ((st = sqldb_prep(db, NULL, "INSERT INTO conversation (token_hash, "
	    "channel, lang, state, created, updated) VALUES (?1, ?2, ?3, "
	    "'bot', ?4, ?4)", "btti", th, sizeof(th), channel,
	    strcmp(lang, "en") == 0 ? "en" : "ru", (int64_t)now)) == NULL)
		return dberr(db, errstr_r);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return dberr(db, errstr_r);
	*id_r = sqlite3_last_insert_rowid(db);
	return 0;
}

int
conv_create(sqlite3 *db, const char *channel, const char *lang, time_t now,
    char token_r[TOKEN_MAX], int64_t *id_r, char **errstr_r)
{

	token_new(token_r);
	if (state_begin(db, errstr_r) == -1)
		return -1;
	if (insert(db, token_r, channel, lang, now, id_r, errstr_r) == -1) {
		state_rollback(db);
		return -1;
	}
	return state_commit(db, errstr_r);
}

int
conv_insert(sqlite3 *db, const char *channel, const char *lang, time_t now,
    int64_t *id_r, char **errstr_r)
{
	char	token[TOKEN_MAX];

	token_new(token);
	return insert(db, token, channel, lang, now, id_r, errstr_r);
}

int
conv_auth(sqlite3 *db, const char *t, size_t len, int64_t *id_r,
    char **errstr_r)
{
	sqlite3_stmt	*st;
	unsigned char	 th[TOKEN_HASH_LEN];
	int		 rc;

	if (!token_valid(t, len))
		return 0;
	token_hash(t, len, th);
	if ((st = stmt_get(db, "SELECT id FROM conversation WHERE "
	    "token_hash = ?1")) == NULL)
		return dberr(db, errstr_r);
	sqlite3_bind_blob(st, 1, th, sizeof(th), SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id_r = sqlite3_column_int64(st, 0);
	stmt_put(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return dberr(db, errstr_r);
}

int
conv_info(sqlite3 *db, int64_t id, struct conv_info *ci, char **errstr_r)
{
	sqlite3_stmt	*st;
	const char	*s;
	int		 rc;

	if ((st = stmt_get(db, "SELECT state, lang, number, rating, "
	    "created, channel FROM conversation WHERE id = ?1")) == NULL)
		return dberr(db, errstr_r);
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(ci, 0, sizeof(*ci));
		ci->id = id;
		/* The table's CHECK admits only the names; anything else
		 * is nobody's. */
		if (conv_state_parse((const char *)sqlite3_column_text(st,
		    0), &ci->state) == -1)
			ci->state = CONV_CLOSED;
		snprintf(ci->lang, sizeof(ci->lang), "%s",
		    (const char *)sqlite3_column_text(st, 1));
		if ((s = (const char *)sqlite3_column_text(st, 2)) != NULL)
			snprintf(ci->number, sizeof(ci->number), "%s", s);
		ci->rating = sqlite3_column_int(st, 3);
		ci->created = sqlite3_column_int64(st, 4);
		snprintf(ci->channel, sizeof(ci->channel), "%s",
		    (const char *)sqlite3_column_text(st, 5));
	}
	stmt_put(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return dberr(db, errstr_r);
}

static void
set_text(json_t *o, const char *key, sqlite3_stmt *st, int col)
{
	const char	*s = (const char *)sqlite3_column_text(st, col);

	if (s != NULL)
		json_object_set_new(o, key, json_stringn(s,
		    (size_t)sqlite3_column_bytes(st, col)));
}

/* One row of sql_message_cols as a message object. */
static json_t *
message_json(sqlite3_stmt *st)
{
	json_t		*m, *a, *ch;
	const char	*s;

	m = json_object();
	json_object_set_new(m, "id", json_integer(sqlite3_column_int64(st,
	    0)));
	set_text(m, "from", st, 1);
	set_text(m, "text", st, 2);
	set_text(m, "html", st, 3);
	if ((s = (const char *)sqlite3_column_text(st, 4)) != NULL &&
	    (ch = json_loads(s, 0, NULL)) != NULL)
		json_object_set_new(m, "choices", ch);
	set_text(m, "author", st, 5);
	set_text(m, "request_number", st, 6);
	json_object_set_new(m, "at", json_integer(sqlite3_column_int64(st,
	    7)));
	if (sqlite3_column_type(st, 8) != SQLITE_NULL) {
		a = json_object();
		json_object_set_new(a, "id",
		    json_integer(sqlite3_column_int64(st, 8)));
		set_text(a, "name", st, 9);
		json_object_set_new(a, "size",
		    json_integer(sqlite3_column_int64(st, 10)));
		set_text(a, "type", st, 11);
		json_object_set_new(m, "attachment", a);
	}
	return m;
}

void
conv_for_citizen(sqlite3 *db, json_t *msgs)
{
	json_t		*m;
	const char	*login;
	char		*display;
	size_t		 i;

	json_array_foreach(msgs, i, m) {
		if ((login = json_string_value(json_object_get(m,
		    "author"))) == NULL)
			continue;
		display = operator_display_name(db, login);
		if (display != NULL)
			json_object_set_new(m, "author", json_string(display));
		else
			json_object_del(m, "author");
		free(display);
	}
	feedback_annotate(db, msgs);
}

json_t *
conv_messages(sqlite3 *db, int64_t id, int64_t after, int limit,
    char **errstr_r)
{
	sqlite3_stmt	*st;
	json_t		*arr;
	char		*sql;
	int		 rc;

	sql = xasprintf("%s WHERE m.conv = ?1 AND m.id > ?2 ORDER BY m.id "
	    "LIMIT ?3", sql_message_cols);
	st = sqldb_prep(db, NULL, sql, "iii", id, after, (int64_t)limit);
	free(sql);
	if (st == NULL) {
		dberr(db, errstr_r);
		return NULL;
	}
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, message_json(st));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		dberr(db, errstr_r);
		return NULL;
	}
	return arr;
}

json_t *
conv_message_get(sqlite3 *db, int64_t msg, char **errstr_r)
{
	sqlite3_stmt	*st;
	json_t		*m = NULL;
	char		*sql;
	int		 rc;

	sql = xasprintf("%s WHERE m.id = ?1", sql_message_cols);
	st = sqldb_prep(db, NULL, sql, "i", msg);
	free(sql);
	if (st == NULL) {
		dberr(db, errstr_r);
		return NULL;
	}
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		m = message_json(st);
	sqlite3_finalize(st);
	if (m == NULL)
		*errstr_r = xstrdup("conversation: no such message");
	return m;
}

json_t *
conv_view(sqlite3 *db, int64_t id, time_t now, char **errstr_r)
{
	struct conv_info	 ci;
	json_t			*v, *msgs;
	int			 wait;

	if (conv_info(db, id, &ci, errstr_r) != 1) {
		if (*errstr_r == NULL)
			*errstr_r = xstrdup("conversation: unknown");
		return NULL;
	}
	if ((msgs = conv_messages(db, id, 0, CONV_PAGE * 20,
	    errstr_r)) == NULL)
		return NULL;
	v = json_object();
	json_object_set_new(v, "state",
	    json_string(conv_state_name(ci.state)));
	json_object_set_new(v, "lang", json_string(ci.lang));
	json_object_set_new(v, "request_number", ci.number[0] != '\0' ?
	    json_string(ci.number) : json_null());
	wait = queue_wait_estimate(db, id, now);
	json_object_set_new(v, "wait_estimate", wait >= 0 ?
	    json_integer(wait) : json_null());
	json_object_set_new(v, "rating", ci.rating > 0 ?
	    json_integer(ci.rating) : json_null());
	conv_for_citizen(db, msgs);
	json_object_set_new(v, "messages", msgs);
	return v;
}

int64_t
conv_add(sqlite3 *db, int64_t conv, const char *from, const char *text,
    const char *html, json_t *choices, const char *author,
    const char *number, int64_t attachment, time_t now, char **errstr_r)
{
	sqlite3_stmt	*st;
	char		*ch = NULL;
	int		 rc;

	if ((st = stmt_get(db, "INSERT INTO message (conv, sender, text, "
	    "html, choices, author, number, attachment, at) VALUES (?1, ?2, "
	    "?3, ?4, ?5, ?6, ?7, ?8, ?9)")) == NULL)
		return dberr(db, errstr_r);
	if (choices != NULL)
		ch = json_dumps(choices, JSON_COMPACT);
	sqlite3_bind_int64(st, 1, conv);
	sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
	if (html != NULL)
		sqlite3_bind_text(st, 4, html, -1, SQLITE_STATIC);
	if (ch != NULL)
		sqlite3_bind_text(st, 5, ch, -1, SQLITE_STATIC);
	if (author != NULL)
		sqlite3_bind_text(st, 6, author, -1, SQLITE_STATIC);
	if (number != NULL && number[0] != '\0')
		sqlite3_bind_text(st, 7, number, -1, SQLITE_STATIC);
	if (attachment > 0)
		sqlite3_bind_int64(st, 8, attachment);
	sqlite3_bind_int64(st, 9, now);
	rc = sqlite3_step(st);
	stmt_put(st);
	free(ch);
	if (rc != SQLITE_DONE)
		return dberr(db, errstr_r);
	return sqlite3_last_insert_rowid(db);
}

/* The top candidates of v as a JSON array text (the caller frees). */
static char *
candidates_json(const struct classifier *cl, const struct verdict *v)
{
	const struct taxonomy	*tax = classifier_taxonomy(cl);
	json_t			*cands, *c;
	char			*js;
	size_t			 i;

	cands = json_array();
	for (i = 0; i < v->ntop; i++) {
		c = json_object();
		json_object_set_new(c, "intent", json_string(
		    tax->items[v->top[i].category].id));
		/* The console names categories and services in Russian, by
		 * the taxonomy, whatever the citizen's language. */
		json_object_set_new(c, "label", json_string(
		    tax->items[v->top[i].category].ru));
		json_object_set_new(c, "confidence", json_real(
		    classify_round3(v->top[i].confidence)));
		/* The service rides on the first candidate: the queue item
		 * shows the operator which service the citizen asked about. */
		if (i == 0 && v->topic_index >= 0) {
			const struct taxon *t =
			    &classifier_topics(cl)->items[v->topic_index];

			json_object_set_new(c, "topic", json_string(t->id));
			json_object_set_new(c, "topic_label",
			    json_string(t->ru));
		}
		json_array_append_new(cands, c);
	}
	js = json_dumps(cands, JSON_COMPACT);
	json_decref(cands);
	return js;
}

int64_t
conv_add_citizen(sqlite3 *db, int64_t conv, const char *text,
    const struct classifier *cl, const struct verdict *v, time_t now,
    char **errstr_r)
{
	sqlite3_stmt	*st;
	char		*js;
	int		 rc;

	if ((st = stmt_get(db, "INSERT INTO message (conv, sender, text, "
	    "category, candidates, at) VALUES (?1, 'citizen', ?2, ?3, ?4, "
	    "?5)")) == NULL)
		return dberr(db, errstr_r);
	js = candidates_json(cl, v);
	sqlite3_bind_int64(st, 1, conv);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	if (v->intent != NULL)
		sqlite3_bind_text(st, 3, v->intent, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, js, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	rc = sqlite3_step(st);
	stmt_put(st);
	free(js);
	if (rc != SQLITE_DONE)
		return dberr(db, errstr_r);
	return sqlite3_last_insert_rowid(db);
}

static int
exec_conv(sqlite3 *db, const char *sql, int64_t conv, const char *s,
    time_t now, char **errstr_r)
{
	sqlite3_stmt	*st;
	int		 rc;

	/* sql is always a literal: a cache key. */
	if ((st = stmt_get(db, sql)) == NULL)
		return dberr(db, errstr_r);
	sqlite3_bind_int64(st, 1, conv);
	if (s != NULL)
		sqlite3_bind_text(st, 2, s, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) >= 3)
		sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st);
	stmt_put(st);
	if (rc != SQLITE_DONE)
		return dberr(db, errstr_r);
	return 0;
}

int
conv_set_state(sqlite3 *db, int64_t conv, enum conv_state to, time_t now,
    char **errstr_r)
{
	struct conv_info	ci;
	int			rc;

	if ((rc = conv_info(db, conv, &ci, errstr_r)) != 1) {
		if (rc == 0)
			*errstr_r = xstrdup("conversation: unknown");
		return -1;
	}
	if (!transitions[ci.state][to]) {
		*errstr_r = xasprintf("conversation: %s to %s is not a "
		    "transition", conv_state_name(ci.state),
		    conv_state_name(to));
		return -1;
	}
	return exec_conv(db, "UPDATE conversation SET state = ?2, updated = "
	    "?3 WHERE id = ?1", conv, conv_state_name(to), now, errstr_r);
}

int
conv_set_lang(sqlite3 *db, int64_t conv, const char *lang, time_t now,
    char **errstr_r)
{
	return exec_conv(db, "UPDATE conversation SET lang = ?2, updated = "
	    "?3 WHERE id = ?1", conv, lang, now, errstr_r);
}

int
conv_set_number(sqlite3 *db, int64_t conv, const char *number,
    char **errstr_r)
{
	return exec_conv(db, "UPDATE conversation SET number = ?2 WHERE "
	    "id = ?1", conv, number, 0, errstr_r);
}

int
conv_touch(sqlite3 *db, int64_t conv, time_t now, char **errstr_r)
{
	return exec_conv(db, "UPDATE conversation SET updated = ?3 WHERE "
	    "id = ?1", conv, NULL, now, errstr_r);
}

int
conv_rate(sqlite3 *db, int64_t id, int score, const char *comment,
    time_t now, enum core_err *err_r, char **errstr_r)
{
	struct conv_info	 ci;
	sqlite3_stmt		*st = NULL;
	int			 rc;

	*err_r = CORE_DATABASE;
	if (score < 1 || score > 5 || (comment != NULL && conv_chars(comment,
	    strlen(comment)) > LIMIT_RATING_COMMENT_CHARS)) {
		*err_r = CORE_INVALID;
		*errstr_r = xasprintf("a score is 1 to 5, a comment at most "
		    "%d characters", LIMIT_RATING_COMMENT_CHARS);
		return -1;
	}
	if (state_begin(db, errstr_r) == -1)
		return -1;
	if ((rc = conv_info(db, id, &ci, errstr_r)) != 1) {
		if (rc == 0) {
			*err_r = CORE_NOT_FOUND;
			*errstr_r = xstrdup("no such conversation");
		}
		goto fail;
	}
	if (ci.state != CONV_CLOSED || ci.rating > 0) {
		*err_r = CORE_CONFLICT;
		*errstr_r = xstrdup(ci.rating > 0 ? "rated already" :
		    "a conversation is rated once it is closed");
		goto fail;
	}
	/* A NULL comment binds NULL. */
	if ((st = sqldb_prep(db, NULL, "UPDATE conversation SET rating = ?2, "
	    "rating_comment = ?3, updated = ?4 WHERE id = ?1", "iiti", id,
	    (int64_t)score, comment, (int64_t)now)) == NULL) {
		dberr(db, errstr_r);
		goto fail;
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		dberr(db, errstr_r);
		goto fail;
	}
	return state_commit(db, errstr_r);
fail:
	state_rollback(db);
	return -1;
}
