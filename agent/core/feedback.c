/*
 * Decisions per message and votes on answers (see feedback.h).  A
 * decision is keyed by the bot's message, so a vote finds the article it
 * is about without trusting anything the page sends but the message id;
 * the vote's own key is the same message, so one answer gets one vote
 * whatever the page does.
 */
#include "agent/core/feedback.h"

#include <stdlib.h>
#include <string.h>

#include "agent/core/state.h"
#include "agent/core/stmt.h"
#include "kb/article.h"
#include "kb/store.h"
#include "lib/pii.h"
#include "lib/sqldb.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

static const char *const schema[] = {
	/* No foreign key to message: the retention job rewrites messages,
	 * and a decision outlives what the citizen wrote. */
	"CREATE TABLE decision ("
	" message INTEGER PRIMARY KEY,"
	" conv INTEGER NOT NULL,"
	" channel TEXT NOT NULL,"
	" action TEXT NOT NULL"
	"  CHECK (action IN ('answer', 'clarify', 'handoff', 'decline')),"
	" category TEXT,"
	" topic TEXT,"
	" article TEXT,"
	" at INTEGER NOT NULL);"
	/* A handoff looks up the conversation's last service. */
	"CREATE INDEX decision_conv ON decision (conv, message);"
	"CREATE TABLE answer_feedback ("
	" message INTEGER PRIMARY KEY,"
	" conv INTEGER NOT NULL,"
	" helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),"
	" article TEXT NOT NULL,"
	" topic TEXT,"
	" category TEXT,"
	" question TEXT,"
	" at INTEGER NOT NULL);"
	"CREATE INDEX answer_feedback_at ON answer_feedback (at);"
	"CREATE INDEX answer_feedback_conv ON answer_feedback (conv);"
	/*
	 * Counts per hour (unix time / 3600: Moscow hours too, UTC+3 being
	 * whole hours), kept by triggers on every insert whatever the path
	 * (chat, e-mail, an operator's queue): a month of a busy hotline
	 * is millions of rows, and the dashboard must answer in a blink.
	 * A decision's category and service are kept for handoffs only.
	 */
	"CREATE TABLE stat_message ("
	" hour INTEGER NOT NULL,"
	" channel TEXT NOT NULL,"
	" n INTEGER NOT NULL,"
	" PRIMARY KEY (hour, channel)) WITHOUT ROWID;"
	"CREATE TABLE stat_decision ("
	" hour INTEGER NOT NULL,"
	" action TEXT NOT NULL,"
	" category TEXT NOT NULL,"
	" topic TEXT NOT NULL,"
	" n INTEGER NOT NULL,"
	" PRIMARY KEY (hour, action, category, topic)) WITHOUT ROWID;"
	/* A conversation by its first decision, and whether any handed it
	 * to a person: the automation rate without reading every decision. */
	"CREATE TABLE stat_conv ("
	" conv INTEGER PRIMARY KEY,"
	" first INTEGER NOT NULL,"
	" handoff INTEGER NOT NULL);"
	"CREATE INDEX stat_conv_first ON stat_conv (first);"
	"CREATE TRIGGER stat_message_count AFTER INSERT ON message"
	" WHEN NEW.sender = 'citizen' BEGIN"
	" INSERT INTO stat_message (hour, channel, n) VALUES (NEW.at / 3600,"
	"  (SELECT channel FROM conversation WHERE id = NEW.conv), 1)"
	"  ON CONFLICT (hour, channel) DO UPDATE SET n = n + 1;"
	" END;"
	"CREATE TRIGGER stat_decision_count AFTER INSERT ON decision BEGIN"
	" INSERT INTO stat_decision (hour, action, category, topic, n) VALUES"
	"  (NEW.at / 3600, NEW.action, CASE WHEN NEW.action = 'handoff' THEN"
	"  coalesce(NEW.category, '') ELSE '' END, CASE WHEN NEW.action ="
	"  'handoff' THEN coalesce(NEW.topic, '') ELSE '' END, 1)"
	"  ON CONFLICT (hour, action, category, topic) DO UPDATE SET"
	"  n = n + 1;"
	" INSERT INTO stat_conv (conv, first, handoff) VALUES (NEW.conv,"
	"  NEW.at, NEW.action = 'handoff') ON CONFLICT (conv) DO UPDATE SET"
	"  handoff = max(handoff, excluded.handoff);"
	" END;"
	/* The messages of a database made before these counters. */
	"INSERT INTO stat_message (hour, channel, n) SELECT m.at / 3600,"
	" c.channel, count(*) FROM message m JOIN conversation c ON"
	" c.id = m.conv WHERE m.sender = 'citizen' GROUP BY 1, 2;",
	/* The terminal chat (`hotline ask`, `hotline chat`) has
	 * conversations of its own since the one bot turn: staff trying the
	 * bot are not citizens' messages, as its decisions are not
	 * (feedback_decision). */
	"DROP TRIGGER stat_message_count;"
	"CREATE TRIGGER stat_message_count AFTER INSERT ON message"
	" WHEN NEW.sender = 'citizen' AND (SELECT channel FROM conversation"
	"  WHERE id = NEW.conv) <> 'cli' BEGIN"
	" INSERT INTO stat_message (hour, channel, n) VALUES (NEW.at / 3600,"
	"  (SELECT channel FROM conversation WHERE id = NEW.conv), 1)"
	"  ON CONFLICT (hour, channel) DO UPDATE SET n = n + 1;"
	" END;"
	"DELETE FROM stat_message WHERE channel = 'cli';",
};

int
feedback_schema(sqlite3 *db, char **errstr_r)
{
	return sqldb_migrate(db, "feedback", schema,
	    sizeof(schema) / sizeof(schema[0]), errstr_r);
}

static int
dberr(sqlite3 *db, char **errstr_r)
{
	*errstr_r = xasprintf("feedback: sqlite: %s", sqlite3_errmsg(db));
	return -1;
}

/* A handoff asked for by name or button says nothing of the service: it
 * is about the service the conversation was last about. */
int
feedback_decision(sqlite3 *db, int64_t conv, int64_t msg,
    const char *channel, const struct verdict *v, time_t now,
    char **errstr_r)
{
	sqlite3_stmt	*st;
	int		 rc;

	/* The terminal chat is staff trying the bot, not a citizen. */
	if (strcmp(channel, "cli") == 0)
		return 0;
	/* Every reply passes here: a cached statement (stmt.h). */
	if ((st = stmt_get(db, "INSERT OR REPLACE INTO decision (message, "
	    "conv, channel, action, category, topic, article, at) VALUES (?1, "
	    "?2, ?3, ?4, ?5, coalesce(?6, CASE WHEN ?4 = 'handoff' THEN "
	    "(SELECT topic FROM decision WHERE conv = ?2 AND topic IS NOT NULL "
	    "ORDER BY message DESC LIMIT 1) END), ?7, ?8)")) == NULL)
		return dberr(db, errstr_r);
	sqlite3_bind_int64(st, 1, msg);
	sqlite3_bind_int64(st, 2, conv);
	sqlite3_bind_text(st, 3, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, action_name(v->action), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, v->intent, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, v->topic, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, v->action == ACTION_ANSWER ? v->article :
	    NULL, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, now);
	rc = sqlite3_step(st);
	stmt_put(st);
	if (rc != SQLITE_DONE)
		return dberr(db, errstr_r);
	return 0;
}

/* Whether a decision asks for a vote: an answer with an article. */
#define ASKS	"d.action = 'answer' AND d.article IS NOT NULL"

/* Inside the transaction: the vote's row, with the question it answered
 * (the citizen's last message before msg) masked and shortened. */
static int
insert_vote(sqlite3 *db, int64_t conv, int64_t msg, int helpful,
    time_t now, char **errstr_r)
{
	sqlite3_stmt	*st;
	const char	*q = NULL, *shown = NULL;
	char		*masked = NULL, buf[FEEDBACK_QUESTION_MAX * 4 + 8];
	int		 rc;

	if ((st = sqldb_prep(db, errstr_r, "SELECT text FROM message WHERE "
	    "conv = ?1 AND id < ?2 AND sender = 'citizen' ORDER BY id DESC "
	    "LIMIT 1", "ii", conv, msg)) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (q = (const char *)sqlite3_column_text(st, 0)) != NULL) {
		masked = pii_mask(q, (size_t)sqlite3_column_bytes(st, 0));
		shown = text_shorten(masked, FEEDBACK_QUESTION_MAX, buf,
		    sizeof(buf));
	}
	rc = sqldb_done(db, sqldb_prep(db, errstr_r, "INSERT INTO "
	    "answer_feedback (message, conv, helpful, article, topic, "
	    "category, question, at) SELECT d.message, d.conv, ?2, d.article, "
	    "d.topic, d.category, ?3, ?4 FROM decision d WHERE d.message = ?1",
	    "iiti", msg, (int64_t)helpful, shown, (int64_t)now), errstr_r);
	sqlite3_finalize(st);
	free(masked);
	return rc;
}

int
feedback_vote(sqlite3 *db, int64_t conv, int64_t msg, int helpful,
    time_t now, enum core_err *err_r, char **errstr_r)
{
	sqlite3_stmt	*st;
	int		 rc, asks = 0, voted = 0;

	*err_r = CORE_DATABASE;
	if (state_begin(db, errstr_r) == -1)
		return -1;
	if ((st = sqldb_prep(db, errstr_r, "SELECT (" ASKS "), f.message IS "
	    "NOT NULL FROM message m LEFT JOIN decision d ON d.message = m.id "
	    "LEFT JOIN answer_feedback f ON f.message = m.id WHERE m.id = ?1 "
	    "AND m.conv = ?2 AND m.sender = 'bot'", "ii", msg, conv)) == NULL)
		goto fail;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		asks = sqlite3_column_int(st, 0);
		voted = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		dberr(db, errstr_r);
		goto fail;
	}
	if (rc == SQLITE_DONE) {
		*err_r = CORE_NOT_FOUND;
		*errstr_r = xstrdup("no such answer in this conversation");
		goto fail;
	}
	if (!asks) {
		*err_r = CORE_INVALID;
		*errstr_r = xstrdup("that message is not an answer to rate");
		goto fail;
	}
	if (voted) {
		*err_r = CORE_CONFLICT;
		*errstr_r = xstrdup("this answer has its vote already");
		goto fail;
	}
	if (insert_vote(db, conv, msg, helpful != 0, now, errstr_r) == -1)
		goto fail;
	return state_commit(db, errstr_r);
fail:
	state_rollback(db);
	return -1;
}

void
feedback_annotate(sqlite3 *db, json_t *msgs)
{
	sqlite3_stmt	*st;
	json_t		*m;
	const char	*from;
	size_t		 i;

	/* Every answer a citizen sees passes here: a cached statement. */
	if ((st = stmt_get(db, "SELECT CASE WHEN f.message IS NULL THEN "
	    "'open' WHEN f.helpful THEN 'yes' ELSE 'no' END FROM decision d "
	    "LEFT JOIN answer_feedback f ON f.message = d.message WHERE "
	    "d.message = ?1 AND " ASKS)) == NULL)
		return;
	json_array_foreach(msgs, i, m) {
		from = json_string_value(json_object_get(m, "from"));
		if (from == NULL || strcmp(from, "bot") != 0)
			continue;
		sqlite3_bind_int64(st, 1, json_integer_value(json_object_get(m,
		    "id")));
		if (sqlite3_step(st) == SQLITE_ROW)
			json_object_set_new(m, "feedback", json_string(
			    (const char *)sqlite3_column_text(st, 0)));
		sqlite3_reset(st);
	}
	stmt_put(st);
}

json_t *
feedback_top(sqlite3 *db, time_t from, time_t to, int limit,
    char **errstr_r)
{
	sqlite3_stmt	*st;
	struct article	*a;
	json_t		*arr, *o;
	const char	*id;
	char		*err = NULL;
	int		 rc;

	if (limit < 1 || limit > FEEDBACK_TOP_MAX)
		limit = FEEDBACK_TOP_MAX;
	if ((st = sqldb_prep(db, errstr_r, "SELECT article, sum(helpful), "
	    "sum(1 - helpful) AS no FROM answer_feedback WHERE at >= ?1 AND "
	    "at < ?2 GROUP BY article ORDER BY no DESC, sum(helpful) ASC, "
	    "article LIMIT ?3", "iii", (int64_t)from, (int64_t)to,
	    (int64_t)limit)) == NULL)
		return NULL;
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = (const char *)sqlite3_column_text(st, 0);
		o = json_pack("{s:s, s:I, s:I}", "article", id, "yes",
		    (json_int_t)sqlite3_column_int64(st, 1), "no",
		    (json_int_t)sqlite3_column_int64(st, 2));
		/* An article removed since keeps its id as its name. */
		a = NULL;
		if (kb_store_get(db, id, "ru", &a, &err) == 1)
			json_object_set_new(o, "title", json_string(a->title));
		else
			json_object_set_new(o, "title", json_string(id));
		article_free(&a);
		free(err);
		err = NULL;
		json_array_append_new(arr, o);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		dberr(db, errstr_r);
		return NULL;
	}
	return arr;
}

int
feedback_print(sqlite3 *db, time_t from, time_t to, int limit, FILE *fp,
    char **errstr_r)
{
	sqlite3_stmt	*st;
	json_t		*top, *o;
	const char	*q;
	size_t		 i;
	int		 rc = 0;

	if ((top = feedback_top(db, from, to, limit, errstr_r)) == NULL)
		return -1;
	if (json_array_size(top) == 0)
		fputs("no votes on answers in this period\n", fp);
	else
		fputs("   no  yes  article\n", fp);
	json_array_foreach(top, i, o) {
		fprintf(fp, "%5" JSON_INTEGER_FORMAT " %4" JSON_INTEGER_FORMAT
		    "  %s  %s\n", json_integer_value(json_object_get(o, "no")),
		    json_integer_value(json_object_get(o, "yes")),
		    json_string_value(json_object_get(o, "article")),
		    json_string_value(json_object_get(o, "title")));
		/* What the citizens asked who said no (masked): what the
		 * editor should answer better. */
		if ((st = sqldb_prep(db, errstr_r, "SELECT question FROM "
		    "answer_feedback WHERE article = ?1 AND helpful = 0 AND "
		    "question IS NOT NULL AND at >= ?2 AND at < ?3 ORDER BY "
		    "at DESC LIMIT ?4", "tiii", json_string_value(
		    json_object_get(o, "article")), (int64_t)from, (int64_t)to,
		    (int64_t)FEEDBACK_QUESTIONS)) == NULL) {
			rc = -1;
			break;
		}
		while (sqlite3_step(st) == SQLITE_ROW)
			if ((q = (const char *)sqlite3_column_text(st, 0)) !=
			    NULL)
				fprintf(fp, "             \"%s\"\n", q);
		sqlite3_finalize(st);
	}
	json_decref(top);
	return rc;
}
