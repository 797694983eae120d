/*
 * The citizen's side of a conversation: a message, a button chosen from
 * a clarifying question, "a person, please".  Each becomes the one bot
 * turn (agent/core/turn.c); while a person has the conversation the
 * message goes to them alone.  What changed is told through the
 * notifier after the commit.
 */
#include "agent/core/conv.h"

#include <stdlib.h>
#include <string.h>

#include "agent/core/limits.h"
#include "agent/core/metrics.h"
#include "agent/core/state.h"
#include "agent/core/turn.h"
#include "agent/core/writer.h"
#include "lib/sqldb.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

/* Appends a message just written, from its values, to res->messages. */
static void
push_new(struct conv_result *res, int64_t id, const char *from,
    const char *text, const char *html, json_t *choices, const char *number,
    time_t at)
{
	json_t	*m;

	m = json_object();
	json_object_set_new(m, "id", json_integer(id));
	json_object_set_new(m, "from", json_string(from));
	json_object_set_new(m, "text", json_string(text));
	if (html != NULL)
		json_object_set_new(m, "html", json_string(html));
	if (choices != NULL)
		json_object_set(m, "choices", choices);
	if (number != NULL && number[0] != '\0')
		json_object_set_new(m, "request_number", json_string(number));
	json_object_set_new(m, "at", json_integer(at));
	json_array_append_new(res->messages, m);
}

/* Appends message msg, read back, to res->messages. */
static int
push(sqlite3 *db, struct conv_result *res, int64_t msg, char **errstr_r)
{
	json_t	*m;

	if (msg < 0)
		return -1;
	if ((m = conv_message_get(db, msg, errstr_r)) == NULL)
		return -1;
	json_array_append_new(res->messages, m);
	return 0;
}

/* The messages of turn t, committed, to res. */
static void
push_turn(struct conv_result *res, const struct turn *t, time_t now)
{
	res->queue_changed = t->queue_changed;
	if (t->citizen_msg > 0)
		push_new(res, t->citizen_msg, "citizen", t->text, NULL, NULL,
		    NULL, now);
	push_new(res, t->bot_msg, "bot", t->said, t->said_html, t->choices,
	    t->number, now);
}

/* The turn env of a conversation's env. */
static void
turn_env_of(const struct conv_env *env, struct turn_env *te)
{
	te->db = env->db;
	te->cl = env->cl;
	te->ctx = env->ctx;
	te->holidays = env->holidays;
	te->notify = env->notify;
	te->now = env->now;
}

/*
 * The bot's turn on r->verdict in conversation ci, with the citizen's
 * text first (NULL for a button), and the new messages in res.
 */
static int
bot_turn(const struct conv_env *env, const struct conv_info *ci,
    const char *text, struct reply *r, struct conv_result *res,
    char **errstr_r)
{
	struct turn_env	te;
	struct turn	t;
	int		rc;

	turn_env_of(env, &te);
	memset(&t, 0, sizeof(t));
	t.channel = ci->channel;
	t.text = text;
	t.reply = *r;
	memset(r, 0, sizeof(*r));
	if ((rc = turn_run(&te, ci, &t, errstr_r)) == 0)
		push_turn(res, &t, env->now);
	turn_release(&t);
	return rc;
}

static int
begin_turn(const struct conv_env *env, int64_t id, struct conv_info *ci,
    struct conv_result *res, char **errstr_r)
{
	int	rc;

	res->messages = json_array();
	res->queue_changed = 0;
	res->err = CORE_DATABASE;
	if ((rc = conv_info(env->db, id, ci, errstr_r)) == 1)
		return 0;
	if (rc == 0) {
		res->err = CORE_NOT_FOUND;
		*errstr_r = xstrdup("no such conversation");
	}
	json_decref(res->messages);
	res->messages = NULL;
	return -1;
}

static void
end_turn(struct conv_result *res)
{
	json_decref(res->messages);
	res->messages = NULL;
}

/* A person has the conversation: the message goes to them only. */
static int
to_person(const struct conv_env *env, const struct conv_info *ci,
    const char *text, struct conv_result *res, char **errstr_r)
{
	int64_t	m;

	if (state_begin(env->db, errstr_r) == -1)
		return -1;
	if ((m = conv_add(env->db, ci->id, "citizen", text, NULL, NULL, NULL,
	    NULL, 0, env->now, errstr_r)) == -1 || conv_touch(env->db, ci->id,
	    env->now, errstr_r) == -1) {
		state_rollback(env->db);
		return -1;
	}
	if (state_commit(env->db, errstr_r) == -1)
		return -1;
	res->queue_changed = 1;
	notify_changed(env->notify, ci->id, 1);
	return push(env->db, res, m, errstr_r);
}

/*
 * The citizen's message up to the bot's turn: checked, the conversation
 * read (*ci), and, while a person has it, passed to them.  Returns 1 with
 * the text copied in *t_r for the bot's turn, 0 when done, -1 with
 * *errstr_r.
 */
static int
message_start(const struct conv_env *env, int64_t id, const char *text,
    size_t len, struct conv_info *ci, char **t_r, struct conv_result *res,
    char **errstr_r)
{
	char	*t;
	size_t	 i;
	int	 rc, blank = 1;

	for (i = 0; i < len && blank; i++)
		blank = text[i] == ' ' || text[i] == '\t' || text[i] == '\n' ||
		    text[i] == '\r';
	if (blank || conv_chars(text, len) > LIMIT_CHAT_MESSAGE_CHARS ||
	    memchr(text, '\0', len) != NULL ||
	    !text_is_valid_utf8(text, len)) {
		res->messages = NULL;
		res->err = CORE_INVALID;
		*errstr_r = xasprintf("a message is 1 to %d characters of "
		    "text", LIMIT_CHAT_MESSAGE_CHARS);
		return -1;
	}
	if (begin_turn(env, id, ci, res, errstr_r) == -1)
		return -1;
	/* Every channel that takes a conversation's messages here (the
	 * chat, the command line) is counted by its name. */
	metrics_message(ci->channel);
	t = xstrndup(text, len);
	if (conv_with_person(ci->state)) {
		rc = to_person(env, ci, t, res, errstr_r);
		free(t);
		if (rc == -1)
			end_turn(res);
		return rc;
	}
	*t_r = t;
	return 1;
}

/* The options of the bot's last message in conv (its clarifying
 * question's), parsed; NULL when it offered none.  The caller frees it. */
static json_t *
last_choices(sqlite3 *db, int64_t conv)
{
	sqlite3_stmt	*st;
	const char	*s;
	json_t		*ch = NULL;

	if ((st = sqldb_prep(db, NULL, "SELECT choices FROM message WHERE "
	    "conv = ?1 AND sender = 'bot' ORDER BY id DESC LIMIT 1", "i",
	    conv)) == NULL)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (s = (const char *)sqlite3_column_text(st, 0)) != NULL)
		ch = json_loads(s, 0, NULL);
	sqlite3_finalize(st);
	return ch;
}

/* Typed longer than this, a message is not the number of a choice. */
#define TYPED_PLACE_MAX	40

/*
 * The place (1, 2, …) of a choice typed instead of pressed: "2", " 2. ",
 * "2)", "№2", "вариант 2", "второе", "second"; 0 when text is none.  The
 * words are the citizen's, not ours: matched, never said.
 */
static int
typed_place(const char *text, size_t len)
{
	static const char *const lead[] = { "вариант ", "пункт ", "номер ",
	    "option ", NULL };
	static const char *const ordinal[][5] = {
		{ "первый", "первое", "первая", "первую", "first" },
		{ "второй", "второе", "вторая", "вторую", "second" },
		{ "третий", "третье", "третья", "третью", "third" },
		{ "четвертый", "четвертое", "четвертая", "четвертую",
		    "fourth" },
	};
	char	*f, *w, *e;
	size_t	 flen, i, j;
	int	 place = 0;

	if (len > TYPED_PLACE_MAX)
		return 0;
	f = text_fold(text, len, TYPED_PLACE_MAX * 2, &flen);
	/* Spaces and marks around it, and "№" (E2 84 96), say nothing. */
	for (w = f; *w != '\0' && (strchr(" .,;:!?)(-#\"'", *w) != NULL ||
	    strncmp(w, "\xe2\x84\x96", 3) == 0); w += *w == '\xe2' ? 3 : 1)
		;
	for (e = f + flen; e > w && strchr(" .,;:!?)(-\"'", e[-1]) != NULL;
	    e--)
		;
	*e = '\0';
	for (i = 0; lead[i] != NULL; i++)
		if (strncmp(w, lead[i], strlen(lead[i])) == 0)
			w += strlen(lead[i]);
	if (w[0] >= '1' && w[0] <= '9' && w[1] == '\0')
		place = w[0] - '0';
	for (i = 0; place == 0 && i < sizeof(ordinal) / sizeof(ordinal[0]);
	    i++)
		for (j = 0; j < 5; j++)
			if (strcmp(w, ordinal[i][j]) == 0)
				place = (int)i + 1;
	free(f);
	return place;
}

/*
 * The intent and topic (the caller frees both; topic NULL when none) of
 * the choice at place of the bot's last message in conv.  Returns 0 when
 * that message offered no such choice (answered, or no question).
 */
static int
typed_choice(sqlite3 *db, int64_t conv, int place, char **intent_r,
    char **topic_r)
{
	json_t		*ch, *c;
	const char	*s, *t;
	int		 yes = 0;

	*intent_r = *topic_r = NULL;
	if ((ch = last_choices(db, conv)) == NULL)
		return 0;
	c = json_array_get(ch, (size_t)place - 1);
	if ((s = json_string_value(json_object_get(c, "intent"))) != NULL) {
		t = json_string_value(json_object_get(c, "topic"));
		*intent_r = xstrdup(s);
		*topic_r = t != NULL ? xstrdup(t) : NULL;
		yes = 1;
	}
	json_decref(ch);
	return yes;
}

/*
 * The verdict on the citizen's text: the choice it names when it is the
 * number of one the bot has just offered (as if pressed), else the
 * classifier's.
 */
static void
verdict_of(const struct conv_env *env, const struct conv_info *ci,
    struct turn_env *te, const char *text, size_t len, struct verdict *v)
{
	enum lang	 lang = strcmp(ci->lang, "en") == 0 ? LANG_EN : LANG_RU;
	char		*intent, *topic;
	int		 place, rc = -1;

	if ((place = typed_place(text, len)) > 0 &&
	    typed_choice(env->db, ci->id, place, &intent, &topic)) {
		rc = topic != NULL ? reply_verdict_topic(env->cl, intent,
		    topic, lang, v) : reply_verdict_for(env->cl, intent, lang,
		    v);
		free(intent);
		free(topic);
	}
	if (rc == -1)
		turn_classify(te, text, len, v);
}

int
conv_message(const struct conv_env *env, int64_t id, const char *text,
    size_t len, struct conv_result *res, char **errstr_r)
{
	struct conv_info	 ci;
	struct reply		 r;
	struct turn_env		 te;
	char			*t;
	int			 rc;

	if ((rc = message_start(env, id, text, len, &ci, &t, res,
	    errstr_r)) != 1)
		return rc;
	memset(&r, 0, sizeof(r));
	turn_env_of(env, &te);
	verdict_of(env, &ci, &te, text, len, &r.verdict);
	rc = bot_turn(env, &ci, t, &r, res, errstr_r);
	reply_release(&r);
	free(t);
	if (rc == -1)
		end_turn(res);
	return rc;
}

/* A bot turn handed to the writer (conv_message_async). */
struct conv_job {
	struct writer_job	 job;		/* first */
	struct turn_env		 te;		/* te.db: the writer's */
	struct conv_info	 ci;
	struct turn		 t;
	char			*text;
	conv_done_fn		 done;
	void			*arg;
};

static int
job_write(struct writer_job *job, sqlite3 *db, char **errstr_r)
{
	struct conv_job	*j = (struct conv_job *)job;

	j->te.db = db;
	return turn_take(&j->te, &j->ci, &j->t, errstr_r);
}

/* After the commit, or not: those watching told, the caller answered. */
static void
job_done(struct writer_job *job, sqlite3 *db, int rc, char *err)
{
	struct conv_job		*j = (struct conv_job *)job;
	struct conv_result	 res;
	conv_done_fn		 done = j->done;
	void			*arg = j->arg;

	memset(&res, 0, sizeof(res));
	res.err = CORE_DATABASE;
	if (rc == 0) {
		notify_changed(j->te.notify, j->ci.id, j->t.queue_changed);
		res.messages = json_array();
		push_turn(&res, &j->t, j->te.now);
	}
	/* Freed first: done may let go of the brain the turn points in. */
	turn_release(&j->t);
	free(j->text);
	free(j);
	done(arg, db, rc, &res, err);
}

void
conv_message_async(const struct conv_env *env, struct writer *w, int64_t id,
    const char *text, size_t len, conv_done_fn done, void *arg)
{
	struct conv_result	 res;
	struct conv_job		*j;
	char			*t, *err = NULL;
	int			 rc;

	memset(&res, 0, sizeof(res));
	j = xcalloc(1, sizeof(*j));
	if ((rc = message_start(env, id, text, len, &j->ci, &t, &res,
	    &err)) != 1) {
		free(j);
		done(arg, env->db, rc, &res, err);
		return;
	}
	/* The job makes its own after the commit. */
	json_decref(res.messages);
	res.messages = NULL;
	turn_env_of(env, &j->te);
	j->text = t;
	j->t.channel = j->ci.channel;
	j->t.text = t;
	j->done = done;
	j->arg = arg;
	j->job.write = job_write;
	j->job.done = job_done;
	verdict_of(env, &j->ci, &j->te, text, len, &j->t.reply.verdict);
	if (turn_prepare(&j->te, &j->ci, &j->t, &err) == -1) {
		turn_release(&j->t);
		free(t);
		free(j);
		done(arg, env->db, -1, &res, err);
		return;
	}
	/* Classified: the writer needs nothing of this thread's. */
	j->te.ctx = NULL;
	if (writer_submit(w, &j->job) == 0)
		return;
	/* No writer, or it has closed: the turn's transaction here. */
	if ((rc = state_begin(env->db, &err)) == 0) {
		if ((rc = turn_take(&j->te, &j->ci, &j->t, &err)) == -1)
			state_rollback(env->db);
		else
			rc = state_commit(env->db, &err);
	}
	job_done(&j->job, env->db, rc, err);
}

/*
 * Whether intent was offered by the last clarifying question of conv; if
 * so *label_r is the label the citizen saw (the caller frees it).
 */
static int
was_offered(sqlite3 *db, int64_t conv, const char *intent, const char *topic,
    char **label_r)
{
	const char	*ct, *s;
	json_t		*ch, *c;
	size_t		 i;
	int		 yes = 0;

	if ((ch = last_choices(db, conv)) == NULL)
		return 0;
	json_array_foreach(ch, i, c) {
		ct = json_string_value(json_object_get(c, "topic"));
		if (json_is_string(json_object_get(c, "intent")) &&
		    strcmp(json_string_value(json_object_get(c, "intent")),
		    intent) == 0 && (topic == NULL ? ct == NULL : ct != NULL &&
		    strcmp(ct, topic) == 0) && !yes) {
			yes = 1;
			s = json_string_value(json_object_get(c, "label"));
			*label_r = xstrdup(s != NULL ? s : intent);
		}
	}
	json_decref(ch);
	return yes;
}

int
conv_choose(const struct conv_env *env, int64_t id, const char *intent,
    const char *topic, struct conv_result *res, char **errstr_r)
{
	struct conv_info	 ci;
	struct reply		 r;
	enum lang		 lang;
	char			*label = NULL;
	int			 rc;

	if (begin_turn(env, id, &ci, res, errstr_r) == -1)
		return -1;
	memset(&r, 0, sizeof(r));
	lang = strcmp(ci.lang, "en") == 0 ? LANG_EN : LANG_RU;
	if (conv_with_person(ci.state) || !was_offered(env->db, id, intent,
	    topic, &label) || (topic != NULL ? reply_verdict_topic(env->cl,
	    intent, topic, lang, &r.verdict) : reply_verdict_for(env->cl,
	    intent, lang, &r.verdict)) == -1) {
		res->err = CORE_INVALID;
		*errstr_r = xstrdup("that choice is not on offer");
		free(label);
		end_turn(res);
		return -1;
	}
	/* The choice is the citizen's turn: the transcript shows what they
	 * pressed, and the question is answered. */
	rc = bot_turn(env, &ci, label, &r, res, errstr_r);
	free(label);
	reply_release(&r);
	if (rc == -1)
		end_turn(res);
	return rc;
}

int
conv_handoff(const struct conv_env *env, int64_t id,
    struct conv_result *res, char **errstr_r)
{
	struct conv_info	 ci;
	struct reply		 r;
	int			 rc;

	if (begin_turn(env, id, &ci, res, errstr_r) == -1)
		return -1;
	if (conv_with_person(ci.state))
		return 0;	/* a person has it already */
	memset(&r, 0, sizeof(r));
	if (reply_verdict_for(env->cl, "handoff.operator",
	    strcmp(ci.lang, "en") == 0 ? LANG_EN : LANG_RU,
	    &r.verdict) == -1) {
		*errstr_r = xstrdup("no handoff.operator category");
		end_turn(res);
		return -1;
	}
	r.verdict.reason = "asked for a person (button)";
	rc = bot_turn(env, &ci, NULL, &r, res, errstr_r);
	reply_release(&r);
	if (rc == -1)
		end_turn(res);
	return rc;
}
