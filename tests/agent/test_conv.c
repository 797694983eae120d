/*
 * Tests of the chat flow and the queue (agent/core/conv.c, agent/core/queue.c,
 * agent/core/attach.c, agent/core/retention.c) with the real categories and
 * articles: a bot answer with sanitised HTML, clarify then choose, a
 * complaint with a number, a handoff, one owner at a time (409 for
 * another), the senior queue (403), a reply, the bot's silence, close and
 * rating, the SLA tick, attachments checked by content, retention, and
 * everything still there after the database file is reopened.
 */
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/core/agent.h"
#include "agent/core/attach.h"
#include "agent/core/audit.h"
#include "agent/core/conv.h"
#include "agent/core/limits.h"
#include "agent/core/operator.h"
#include "agent/core/queue.h"
#include "agent/core/retention.h"
#include "agent/core/state.h"
#include "agent/core/stmt.h"
#include "kb/store.h"
#include "lib/sqldb.h"
#include "tests/agent/fixture.h"

Suite	*conv_suite(void);

static struct fixture		 fx;
static struct classifier	*cl;
static struct classify_ctx	*cx;
static sqlite3			*db;
static struct conv_env		 env;

static void
world_setup(void)
{
	fixture_open(&fx, "conv", 1);
	db = fx.db;
	cl = fixture_classifier(db);
	cx = classify_ctx_new(cl);
	env.db = db;
	env.cl = cl;
	env.ctx = cx;
	env.holidays = NULL;
	env.now = time(NULL);
}

static void
world_teardown(void)
{
	classify_ctx_free(&cx);
	classifier_free(&cl);
	/* A test may have opened the database again. */
	fx.db = db;
	fixture_close(&fx);
}

static int64_t
new_chat(const char *lang)
{
	char	 token[TOKEN_MAX], *err = NULL;
	int64_t	 id, again;

	id = fixture_conv(db, "chat", lang, env.now, token);
	ck_assert_int_eq(conv_auth(db, token, strlen(token), &again, &err),
	    1);
	ck_assert_int_eq(again, id);
	return id;
}

/* Sends text; returns the last message's JSON (borrowed via *res). */
static json_t *
say(int64_t id, const char *text, struct conv_result *res)
{
	char	*err = NULL;

	ck_assert_msg(conv_message(&env, id, text, strlen(text), res,
	    &err) == 0, "%s", err);
	return json_array_get(res->messages,
	    json_array_size(res->messages) - 1);
}

static const char *
str(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void
info(int64_t id, struct conv_info *ci)
{
	char	*err = NULL;

	ck_assert_int_eq(conv_info(db, id, ci, &err), 1);
}

START_TEST(test_question_gets_an_answer_with_html)
{
	struct conv_result	 res;
	json_t			*m;
	int64_t			 id = new_chat("ru");

	m = say(id, "не приходит смс с кодом", &res);
	ck_assert_uint_eq(json_array_size(res.messages), 2);
	ck_assert_str_eq(str(json_array_get(res.messages, 0), "from"),
	    "citizen");
	ck_assert_str_eq(str(m, "from"), "bot");
	ck_assert(strstr(str(m, "html"), "<p>") != NULL);
	ck_assert_ptr_null(json_object_get(m, "request_number"));
	json_decref(res.messages);
}
END_TEST

START_TEST(test_markup_stays_text_and_html_has_none)
{
	struct conv_result	 res;
	json_t			*m;
	char			*html;
	int64_t			 id = new_chat("ru");

	m = say(id, "<script>alert(1)</script> забыл пароль", &res);
	ck_assert_str_eq(str(json_array_get(res.messages, 0), "text"),
	    "<script>alert(1)</script> забыл пароль");
	ck_assert(strstr(str(m, "html"), "<script") == NULL);
	json_decref(res.messages);
	html = reply_html("hi <script>x</script> [a](javascript:alert(1))");
	ck_assert(strstr(html, "<script") == NULL);
	ck_assert(strstr(html, "javascript:") == NULL);
	free(html);
}
END_TEST

START_TEST(test_bad_text_is_refused)
{
	struct conv_result	 res;
	char			*err = NULL, *big;
	int64_t			 id = new_chat("ru");

	ck_assert_int_eq(conv_message(&env, id, "   ", 3, &res, &err), -1);
	ck_assert_int_eq(res.err, CORE_INVALID);
	free(err);
	big = malloc(LIMIT_CHAT_MESSAGE_CHARS + 2);
	memset(big, 'a', LIMIT_CHAT_MESSAGE_CHARS + 1);
	big[LIMIT_CHAT_MESSAGE_CHARS + 1] = '\0';
	ck_assert_int_eq(conv_message(&env, id, big,
	    LIMIT_CHAT_MESSAGE_CHARS + 1, &res, &err), -1);
	ck_assert_int_eq(res.err, CORE_INVALID);
	free(err);
	free(big);
}
END_TEST

START_TEST(test_clarify_then_choose)
{
	struct conv_result	 res;
	json_t			*m, *ch;
	char			*err = NULL, intent[64], label[256];
	size_t			 k;
	int64_t			 id = new_chat("ru");

	m = say(id, "не могу войти", &res);
	ch = json_object_get(m, "choices");
	/* Any of the four kinds of login trouble: all four are offered. */
	ck_assert_msg(json_array_size(ch) == 4, "not the four: %s",
	    str(m, "text"));
	for (k = 0; k < 4; k++)
		ck_assert(strncmp(str(json_array_get(ch, k), "intent"),
		    "login.", 6) == 0);
	ck_assert(strstr(str(m, "text"), "4. ") != NULL);
	ck_assert(str(json_array_get(ch, 0), "label") != NULL);
	snprintf(intent, sizeof(intent), "%s",
	    str(json_array_get(ch, 1), "intent"));
	snprintf(label, sizeof(label), "%s",
	    str(json_array_get(ch, 1), "label"));
	json_decref(res.messages);
	ck_assert_int_eq(conv_choose(&env, id, "feedback.complaint", NULL, &res,
	    &err), -1);
	ck_assert_int_eq(res.err, CORE_INVALID);
	free(err);
	ck_assert_msg(conv_choose(&env, id, intent, NULL, &res, &err) == 0, "%s",
	    err);
	/* The choice is stored as the citizen's own message, then answered. */
	ck_assert_uint_eq(json_array_size(res.messages), 2);
	ck_assert_str_eq(str(json_array_get(res.messages, 0), "from"),
	    "citizen");
	ck_assert_str_eq(str(json_array_get(res.messages, 0), "text"), label);
	ck_assert(str(json_array_get(res.messages, 1), "html") != NULL);
	json_decref(res.messages);
	/* The question is answered: pressing the other option is refused. */
	ck_assert_int_eq(conv_choose(&env, id, intent, NULL, &res, &err), -1);
	ck_assert_int_eq(res.err, CORE_INVALID);
	free(err);
}
END_TEST

/* Where there are no buttons (a terminal, a phone keeping the text only)
 * the citizen answers "1. … 2. …" by typing its number: the same answer
 * as pressing the second button, in another conversation. */
START_TEST(test_clarify_then_type_the_number)
{
	struct conv_result	 res;
	json_t			*m, *ans;
	char			*err = NULL, intent[64], want[4096];
	int64_t			 pressed = new_chat("ru"), typed = new_chat("ru");

	m = say(pressed, "не могу войти", &res);
	ck_assert_uint_ge(json_array_size(json_object_get(m, "choices")), 2);
	snprintf(intent, sizeof(intent), "%s",
	    str(json_array_get(json_object_get(m, "choices"), 1), "intent"));
	json_decref(res.messages);
	ck_assert_msg(conv_choose(&env, pressed, intent, NULL, &res, &err) ==
	    0, "%s", err);
	snprintf(want, sizeof(want), "%s",
	    str(json_array_get(res.messages, 1), "text"));
	json_decref(res.messages);

	(void)say(typed, "не могу войти", &res);
	json_decref(res.messages);
	ans = say(typed, " 2. ", &res);
	/* What was typed stays the citizen's words. */
	ck_assert_str_eq(str(json_array_get(res.messages, 0), "text"), " 2. ");
	ck_assert_str_eq(str(ans, "text"), want);
	ck_assert(json_object_get(ans, "choices") == NULL);
	json_decref(res.messages);
	/* Answered: the same number again is a message like any other. */
	ans = say(typed, "2", &res);
	ck_assert(strcmp(str(ans, "text"), want) != 0);
	json_decref(res.messages);
	/* A word for the option's place works too; a third there is not. */
	(void)say(typed, "не могу войти", &res);
	json_decref(res.messages);
	ans = say(typed, "третье", &res);
	ck_assert(strcmp(str(ans, "text"), want) != 0);
	json_decref(res.messages);
	(void)say(typed, "не могу войти", &res);
	json_decref(res.messages);
	ans = say(typed, "Второе", &res);
	ck_assert_str_eq(str(ans, "text"), want);
	json_decref(res.messages);
}
END_TEST

START_TEST(test_complaint_gets_a_number_and_a_queue_item)
{
	struct conv_result	 res;
	struct conv_info	 ci;
	json_t			*m, *items, *it;
	char			*err = NULL;
	size_t			 i;
	int			 found = 0;
	int64_t			 id = new_chat("ru");

	m = say(id, "хочу подать жалобу на грубого оператора горячей линии",
	    &res);
	ck_assert(str(m, "request_number") != NULL);
	info(id, &ci);
	ck_assert_str_eq(ci.number, str(m, "request_number"));
	ck_assert_int_eq(ci.state, CONV_BOT);
	json_decref(res.messages);
	items = queue_list(db, env.now, &err);
	json_array_foreach(items, i, it)
		if (json_integer_value(json_object_get(it, "id")) == id) {
			ck_assert_str_eq(str(it, "kind"), "complaint");
			found = 1;
		}
	ck_assert(found);
	json_decref(items);
}
END_TEST

/* Hands conversation id off with the word and checks the queue item. */
static void
hand_off(int64_t id)
{
	struct conv_result	 res;
	struct conv_info	 ci;
	json_t			*items, *it, *item = NULL;
	char			*err = NULL;
	size_t			 i;

	say(id, "мой телефон +7 916 123-45-17, не приходит смс", &res);
	json_decref(res.messages);
	say(id, "оператор", &res);
	json_decref(res.messages);
	info(id, &ci);
	ck_assert_int_eq(ci.state, CONV_QUEUED);
	ck_assert(ci.number[0] != '\0');
	items = queue_list(db, env.now, &err);
	json_array_foreach(items, i, it)
		if (json_integer_value(json_object_get(it, "id")) == id)
			item = it;
	ck_assert_ptr_nonnull(item);
	ck_assert_str_eq(str(item, "category"), "login.sms_code");
	ck_assert_uint_ge(json_array_size(json_object_get(item,
	    "candidates")), 1);
	ck_assert(strstr(str(json_object_get(item, "entities"), "phone"),
	    "*") != NULL);
	ck_assert(strstr(str(json_object_get(item, "entities"), "phone"),
	    "9161234") == NULL);
	ck_assert_str_eq(str(item, "request_number"), ci.number);
	json_decref(items);
}

START_TEST(test_handoff_take_reply_close_rate)
{
	struct conv_result	 res;
	struct conv_info	 ci;
	json_t			*item, *msg, *out;
	char			*err = NULL;
	enum core_err			 why;
	int64_t			 id = new_chat("ru");

	hand_off(id);
	ck_assert_int_eq(queue_take(db, id, "anna", "operator", env.now,
	    &item, &why, &err), 0);
	ck_assert_str_eq(str(item, "owner"), "anna");
	json_decref(item);
	ck_assert_int_eq(queue_take(db, id, "boris", "operator", env.now,
	    &item, &why, &err), -1);
	ck_assert_int_eq(why, CORE_CONFLICT);
	ck_assert(strstr(err, "anna") != NULL);
	free(err);
	err = NULL;
	ck_assert_int_eq(queue_reply(db, id, "boris", "operator", "hi", 2,
	    NULL, env.now, &msg,
	    &why, &err), -1);
	ck_assert_int_eq(why, CORE_CONFLICT);
	free(err);
	err = NULL;
	ck_assert_int_eq(queue_reply(db, id, "anna", "operator",
	    "Здравствуйте!", strlen("Здравствуйте!"), NULL, env.now, &msg,
	    &why, &err), 0);
	ck_assert_str_eq(str(msg, "from"), "operator");
	ck_assert_str_eq(str(msg, "author"), "anna");
	json_decref(msg);
	/* While a person has it, the bot says nothing. */
	say(id, "спасибо, жду", &res);
	ck_assert_uint_eq(json_array_size(res.messages), 1);
	json_decref(res.messages);
	ck_assert_int_eq(conv_rate(db, id, 5, NULL, env.now, &why, &err),
	    -1);
	ck_assert_int_eq(why, CORE_CONFLICT);
	free(err);
	err = NULL;
	ck_assert_int_eq(queue_read(db, id, "anna", "operator", env.now, &out,
	    &why, &err), 0);
	ck_assert_uint_ge(json_array_size(json_object_get(out, "messages")),
	    6);
	json_decref(out);
	ck_assert_int_eq(queue_close(db, id, "anna", "operator", "код пришёл",
	    env.now, &why, &err), 0);
	info(id, &ci);
	ck_assert_int_eq(ci.state, CONV_CLOSED);
	ck_assert_int_eq(conv_rate(db, id, 9, NULL, env.now, &why, &err),
	    -1);
	ck_assert_int_eq(why, CORE_INVALID);
	free(err);
	err = NULL;
	ck_assert_int_eq(conv_rate(db, id, 5, "спасибо", env.now, &why,
	    &err), 0);
	ck_assert_int_eq(conv_rate(db, id, 4, NULL, env.now, &why, &err),
	    -1);
	ck_assert_int_eq(why, CORE_CONFLICT);
	free(err);
	err = NULL;
	info(id, &ci);
	ck_assert_int_eq(ci.rating, 5);
	ck_assert_int_eq(queue_take(db, id, "anna", "operator", env.now,
	    &item, &why, &err), -1);
	ck_assert_int_eq(why, CORE_CONFLICT);
	free(err);
}
END_TEST

/* Whether the citizen's view of conversation id contains s anywhere. */
static int
citizen_sees(int64_t id, const char *s)
{
	json_t	*v;
	char	*err = NULL, *js;
	int	 yes;

	v = conv_view(db, id, env.now, &err);
	ck_assert_msg(v != NULL, "%s", err);
	js = json_dumps(v, 0);
	yes = strstr(js, s) != NULL;
	free(js);
	json_decref(v);
	return yes;
}

START_TEST(test_citizen_sees_display_name_never_login)
{
	const char	*hello = "Добрый день";
	json_t		*item, *msg;
	char		*err = NULL;
	enum core_err		 why;
	int64_t		 a = new_chat("ru"), b = new_chat("ru");

	ck_assert_int_eq(operator_add(db, "ivanov.i", "operator",
	    "correct horse battery", env.now, &err), 0);
	ck_assert_int_eq(operator_display_name_valid(""), 0);
	ck_assert_int_eq(operator_display_name_valid("Анна\nПетрова"), 0);
	ck_assert_int_eq(operator_set_display_name(db, "ivanov.i",
	    "Иван Иванов", &err), 0);
	hand_off(a);
	ck_assert_int_eq(queue_take(db, a, "ivanov.i", "operator", env.now,
	    &item, &why, &err), 0);
	json_decref(item);
	ck_assert_int_eq(queue_reply(db, a, "ivanov.i", "operator", hello,
	    strlen(hello), NULL, env.now, &msg, &why, &err), 0);
	json_decref(msg);
	ck_assert(citizen_sees(a, "Иван Иванов"));
	ck_assert(!citizen_sees(a, "ivanov.i"));
	/* Without a display name: "оператор" only. */
	hand_off(b);
	ck_assert_int_eq(queue_take(db, b, "petrova", "operator", env.now,
	    &item, &why, &err), 0);
	json_decref(item);
	ck_assert_int_eq(queue_reply(db, b, "petrova", "operator", hello,
	    strlen(hello), NULL, env.now, &msg, &why, &err), 0);
	json_decref(msg);
	ck_assert(!citizen_sees(b, "petrova"));
}
END_TEST

START_TEST(test_senior_queue_and_release)
{
	struct conv_info	 ci;
	json_t			*item;
	char			*err = NULL;
	enum core_err			 why;
	int64_t			 id = new_chat("ru");

	hand_off(id);
	ck_assert_int_eq(queue_transfer(db, id, "anna", "operator", "nowhere",
	    env.now, &item, &why, &err), -1);
	ck_assert_int_eq(why, CORE_INVALID);
	free(err);
	err = NULL;
	ck_assert_int_eq(queue_transfer(db, id, "anna", "operator", "senior",
	    env.now, &item, &why, &err), 0);
	ck_assert_str_eq(str(item, "queue"), "senior");
	json_decref(item);
	ck_assert_int_eq(queue_take(db, id, "anna", "operator", env.now,
	    &item, &why, &err), -1);
	ck_assert_int_eq(why, CORE_FORBIDDEN);
	free(err);
	err = NULL;
	ck_assert_int_eq(queue_take(db, id, "olga", "senior", env.now, &item,
	    &why, &err), 0);
	json_decref(item);
	ck_assert_int_eq(queue_release(db, id, "olga", "senior", env.now,
	    &why, &err), 0);
	info(id, &ci);
	ck_assert_int_eq(ci.state, CONV_BOT);
}
END_TEST

START_TEST(test_release_keeps_a_complaint_open)
{
	struct conv_result	 res;
	struct conv_info	 ci;
	json_t			*item, *items, *it;
	char			*err = NULL;
	size_t			 i;
	enum core_err			 why;
	int			 found = 0;
	int64_t			 id = new_chat("ru"), dl = 0;

	say(id, "хочу подать жалобу на грубого оператора горячей линии",
	    &res);
	json_decref(res.messages);
	ck_assert_int_eq(queue_take(db, id, "olga", "senior", env.now, &item,
	    &why, &err), 0);
	dl = json_integer_value(json_object_get(item, "deadline"));
	json_decref(item);
	ck_assert_int_eq(queue_release(db, id, "olga", "senior", env.now + 60,
	    &why, &err), 0);
	info(id, &ci);
	ck_assert_int_eq(ci.state, CONV_BOT);
	items = queue_list(db, env.now + 60, &err);
	json_array_foreach(items, i, it)
		if (json_integer_value(json_object_get(it, "id")) == id) {
			ck_assert_str_eq(str(it, "state"), "queued");
			ck_assert(json_is_null(json_object_get(it, "owner")));
			ck_assert_int_eq(json_integer_value(json_object_get(it,
			    "deadline")), dl);
			found = 1;
		}
	ck_assert(found);
	json_decref(items);
}
END_TEST

START_TEST(test_transfer_to_a_queue_one_works_keeps_the_item)
{
	json_t	*item;
	char	*err = NULL;
	enum core_err	 why;
	int64_t	 id = new_chat("ru");

	hand_off(id);
	ck_assert_int_eq(queue_take(db, id, "anna", "operator", env.now,
	    &item, &why, &err), 0);
	json_decref(item);
	ck_assert_int_eq(queue_transfer(db, id, "anna", "operator", "english",
	    env.now, &item, &why, &err), 0);
	ck_assert_str_eq(str(item, "queue"), "english");
	ck_assert_str_eq(str(item, "owner"), "anna");
	ck_assert_str_eq(str(item, "state"), "operator");
	json_decref(item);
	/* The senior queue is not hers: it goes there unassigned. */
	ck_assert_int_eq(queue_transfer(db, id, "anna", "operator", "senior",
	    env.now, &item, &why, &err), 0);
	ck_assert(json_is_null(json_object_get(item, "owner")));
	ck_assert_str_eq(str(item, "state"), "queued");
	json_decref(item);
}
END_TEST

/* permit(action, role, owner, queue): queue_permit for operator "anna"
 * on an open item. */
static enum core_err
permit(const char *action, const char *role, const char *owner,
    const char *queue)
{
	const char	*why;

	return queue_permit(action, role, "anna", CONV_QUEUED, owner, queue,
	    &why);
}

START_TEST(test_one_table_decides_who_may_act)
{
	const char	*why;

	/* A plain operator and the senior queue: no way in or out. */
	ck_assert_int_eq(permit("take", "operator", NULL, "senior"),
	    CORE_FORBIDDEN);
	ck_assert_int_eq(permit("transfer", "operator", NULL, "senior"),
	    CORE_FORBIDDEN);
	ck_assert_int_eq(permit("close", "operator", NULL, "senior"),
	    CORE_FORBIDDEN);
	ck_assert_int_eq(permit("release", "operator", NULL, "senior"),
	    CORE_FORBIDDEN);
	ck_assert_int_eq(permit("read", "operator", NULL, "senior"),
	    CORE_FORBIDDEN);
	ck_assert_int_eq(permit("take", "senior", NULL, "senior"), CORE_OK);
	ck_assert_int_eq(permit("transfer", "admin", NULL, "senior"), CORE_OK);
	/* Escalated while anna held it: she goes on, a senior moves it. */
	ck_assert_int_eq(permit("reply", "operator", "anna", "senior"),
	    CORE_OK);
	ck_assert_int_eq(permit("close", "operator", "anna", "senior"),
	    CORE_OK);
	ck_assert_int_eq(permit("transfer", "operator", "anna", "senior"),
	    CORE_FORBIDDEN);
	/* Closing or releasing what nobody took is a senior's call. */
	ck_assert_int_eq(permit("close", "operator", NULL, "general"),
	    CORE_CONFLICT);
	ck_assert_int_eq(permit("release", "operator", NULL, "general"),
	    CORE_CONFLICT);
	ck_assert_int_eq(permit("close", "senior", NULL, "general"), CORE_OK);
	ck_assert_int_eq(permit("reply", "admin", NULL, "general"),
	    CORE_CONFLICT);
	/* Another's item: read only, whatever the role. */
	ck_assert_int_eq(permit("read", "operator", "boris", "general"),
	    CORE_OK);
	ck_assert_int_eq(permit("take", "admin", "boris", "general"),
	    CORE_CONFLICT);
	ck_assert_int_eq(permit("close", "admin", "boris", "general"),
	    CORE_CONFLICT);
	ck_assert_int_eq(permit("transfer", "senior", "boris", "general"),
	    CORE_CONFLICT);
	/* Closed items are read, nothing else; unknown roles and actions
	 * nothing at all. */
	ck_assert_int_eq(queue_permit("read", "operator", "anna", CONV_CLOSED,
	    NULL, "general", &why), CORE_OK);
	ck_assert_int_eq(queue_permit("take", "admin", "anna", CONV_CLOSED,
	    NULL, "general", &why), CORE_CONFLICT);
	ck_assert_int_eq(permit("read", "guest", NULL, "general"),
	    CORE_FORBIDDEN);
	ck_assert_int_eq(permit("delete", "admin", "anna", "general"),
	    CORE_FORBIDDEN);
}
END_TEST

START_TEST(test_a_retried_reply_is_stored_once)
{
	json_t		*item, *msg, *out, *m;
	char		*err = NULL;
	size_t		 i;
	enum core_err		 why;
	int64_t		 first, n = 0;
	int64_t		 id = new_chat("ru");

	hand_off(id);
	ck_assert_int_eq(queue_take(db, id, "anna", "operator", env.now,
	    &item, &why, &err), 0);
	json_decref(item);
	ck_assert_int_eq(queue_reply(db, id, "anna", "operator", "Минуту",
	    strlen("Минуту"), "key-of-one-reply-01", env.now, &msg, &why,
	    &err), 0);
	first = json_integer_value(json_object_get(msg, "id"));
	json_decref(msg);
	/* The answer was lost; the console sends it again, the item has
	 * closed meanwhile: the same message, nothing stored. */
	ck_assert_int_eq(queue_close(db, id, "anna", "operator", "done",
	    env.now, &why, &err), 0);
	ck_assert_int_eq(queue_reply(db, id, "anna", "operator", "Минуту",
	    strlen("Минуту"), "key-of-one-reply-01", env.now, &msg, &why,
	    &err), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(msg, "id")),
	    first);
	json_decref(msg);
	ck_assert_int_eq(queue_read(db, id, "anna", "operator", env.now, &out,
	    &why, &err), 0);
	json_array_foreach(json_object_get(out, "messages"), i, m)
		if (strcmp(str(m, "text"), "Минуту") == 0)
			n++;
	json_decref(out);
	ck_assert_int_eq(n, 1);
	/* Another operator's key, or a malformed one, proves nothing. */
	ck_assert_int_eq(queue_reply(db, id, "boris", "operator", "Минуту",
	    strlen("Минуту"), "key-of-one-reply-01", env.now, &msg, &why,
	    &err), -1);
	ck_assert_int_eq(why, CORE_CONFLICT);
	free(err);
	err = NULL;
	ck_assert_int_eq(queue_reply(db, id, "anna", "operator", "Минуту",
	    strlen("Минуту"), "short", env.now, &msg, &why, &err), -1);
	ck_assert_int_eq(why, CORE_INVALID);
	free(err);
}
END_TEST

START_TEST(test_button_and_english_reach_a_person)
{
	struct conv_result	 res;
	struct conv_info	 ci;
	char			*err = NULL;
	json_t			*items, *it;
	size_t			 i;
	int64_t			 id = new_chat("en");

	say(id, "I need to speak to a human", &res);
	json_decref(res.messages);
	info(id, &ci);
	ck_assert_int_eq(ci.state, CONV_QUEUED);
	items = queue_list(db, env.now, &err);
	json_array_foreach(items, i, it)
		if (json_integer_value(json_object_get(it, "id")) == id)
			ck_assert_str_eq(str(it, "queue"), "english");
	json_decref(items);
	id = new_chat("ru");
	ck_assert_int_eq(conv_handoff(&env, id, &res, &err), 0);
	json_decref(res.messages);
	info(id, &ci);
	ck_assert_int_eq(ci.state, CONV_QUEUED);
	ck_assert_int_ge(queue_wait_estimate(db, id, env.now), 10);
}
END_TEST

START_TEST(test_sla_tick_tells_the_wait_and_escalates)
{
	struct audit_report	 r;
	json_t			*items, *it, *msgs;
	char			*err = NULL, *what = NULL;
	size_t			 i;
	int64_t			 id = new_chat("ru");
	int			 seen = 0;

	hand_off(id);
	ck_assert_int_ge(queue_tick(db, NULL, env.now + 61, NULL, NULL,
	    &err), 0);
	msgs = conv_messages(db, id, 0, 100, &err);
	json_array_foreach(msgs, i, it)
		if (strcmp(str(it, "from"), "system") == 0 &&
		    strstr(str(it, "text"), "мин") != NULL)
			seen = 1;
	ck_assert(seen);
	json_decref(msgs);
	/* 15 minutes without a first reaction. */
	ck_assert_int_ge(queue_tick(db, NULL, env.now + 16 * 60, NULL, NULL,
	    &err), 1);
	items = queue_list(db, env.now + 16 * 60, &err);
	json_array_foreach(items, i, it)
		if (json_integer_value(json_object_get(it, "id")) == id) {
			ck_assert(json_is_true(json_object_get(it,
			    "escalated")));
			ck_assert_str_eq(str(it, "queue"), "senior");
			ck_assert_str_eq(str(it, "priority"), "medium");
		}
	json_decref(items);
	ck_assert_int_eq(audit_verify(db, NULL, &r, &what, &err), 0);
}
END_TEST

START_TEST(test_operators_open_attachments_journalled)
{
	static const unsigned char	 pdf[] = "%PDF-1.4\n1 0 obj\n";
	struct conv_result		 res;
	struct queue_file		 f;
	sqlite3_stmt			*st;
	char				*err = NULL;
	enum core_err				 why;
	int				 n = 0;
	int64_t				 id = new_chat("ru"), att;

	hand_off(id);
	ck_assert_msg(attach_store(&env, fx.files, id, "скан.pdf", pdf,
	    sizeof(pdf) - 1, 1 << 20, &res, &err) == 0, "%s", err);
	att = json_integer_value(json_object_get(json_object_get(
	    json_array_get(res.messages, 0), "attachment"), "id"));
	json_decref(res.messages);
	ck_assert_int_eq(queue_attachment(db, att, "anna", "operator",
	    env.now, &f, &why, &err), 0);
	ck_assert_str_eq(f.type, "application/pdf");
	ck_assert_str_eq(f.name, "скан.pdf");
	ck_assert_uint_eq(strlen(f.sha256), 64);
	queue_file_free(&f);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM audit "
	    "WHERE action = 'open attachment' AND conv = ?1", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(queue_attachment(db, att + 1000, "anna", "operator",
	    env.now, &f, &why, &err), -1);
	ck_assert_int_eq(why, CORE_NOT_FOUND);
	free(err);
}
END_TEST

START_TEST(test_attachments_are_checked_by_content)
{
	static const unsigned char	 pdf[] = "%PDF-1.4\n1 0 obj\n";
	static const unsigned char	 exe[] = "MZ\x90\0\3\0\0\0";
	struct conv_result		 res;
	struct conv_info		 ci;
	json_t				*a;
	char				*err = NULL;
	int				 i;
	int64_t				 id = new_chat("ru"), quota = 1 << 20;

	/* Nothing typed yet: no files. */
	ck_assert_int_eq(attach_store(&env, fx.files, id, "scan.pdf", pdf,
	    sizeof(pdf) - 1, quota, &res, &err), -1);
	ck_assert_int_eq(res.err, CORE_CONFLICT);
	free(err);
	err = NULL;
	say(id, "прикладываю скан", &res);
	json_decref(res.messages);
	ck_assert_msg(attach_store(&env, fx.files, id, "../../scan.pdf", pdf,
	    sizeof(pdf) - 1, quota, &res, &err) == 0, "%s", err);
	a = json_object_get(json_array_get(res.messages, 0), "attachment");
	ck_assert_str_eq(str(a, "type"), "application/pdf");
	ck_assert_str_eq(str(a, "name"), "scan.pdf");
	json_decref(res.messages);
	info(id, &ci);
	ck_assert(ci.number[0] != '\0');
	ck_assert_int_eq(attach_store(&env, fx.files, id, "virus.pdf", exe,
	    sizeof(exe) - 1, quota, &res, &err), -1);
	ck_assert_int_eq(res.err, CORE_UNSUPPORTED);
	free(err);
	err = NULL;
	/* Over the conversation's quota. */
	ck_assert_int_eq(attach_store(&env, fx.files, id, "p.pdf", pdf,
	    sizeof(pdf) - 1, sizeof(pdf), &res, &err), -1);
	ck_assert_int_eq(res.err, CORE_TOO_LARGE);
	free(err);
	err = NULL;
	/* An override that makes "fdp.exe" read "exe.pdf", an isolate, a
	 * C1 control and ESC: gone from the name. */
	ck_assert_int_eq(attach_store(&env, fx.files, id,
	    "\xe2\x80\xae" "fdp\xe2\x81\xa6.\xc2\x85" "ex\x1b" "e", pdf,
	    sizeof(pdf) - 1, quota, &res, &err), 0);
	a = json_object_get(json_array_get(res.messages, 0), "attachment");
	ck_assert_str_eq(str(a, "name"), "fdp.exe");
	json_decref(res.messages);
	for (i = 2; i < LIMIT_UPLOADS_PER_CONV; i++) {
		ck_assert_int_eq(attach_store(&env, fx.files, id, "p.pdf", pdf,
		    sizeof(pdf) - 1, quota, &res, &err), 0);
		json_decref(res.messages);
	}
	ck_assert_int_eq(attach_store(&env, fx.files, id, "p.pdf", pdf,
	    sizeof(pdf) - 1, quota, &res, &err), -1);
	ck_assert_int_eq(res.err, CORE_TOO_MANY);
	free(err);
}
END_TEST

/* Whether the file of content data[0..len) is in the attachments. */
static int
stored(const unsigned char *data, size_t len)
{
	unsigned char	sum[crypto_hash_sha256_BYTES];
	char		hex[ATTACH_HEX_SIZE], path[256];

	crypto_hash_sha256(sum, data, len);
	sodium_bin2hex(hex, sizeof(hex), sum, sizeof(sum));
	snprintf(path, sizeof(path), "%s/%s", fx.files, hex);
	return access(path, F_OK) == 0;
}

START_TEST(test_retention_removes_unopened_files)
{
	static const unsigned char	 lone[] = "\x89PNG\r\n\x1a\nlone";
	static const unsigned char	 seen[] = "\x89PNG\r\n\x1a\nseen";
	struct conv_result		 res;
	json_t				*item;
	char				*err = NULL;
	enum core_err				 why;
	int64_t				 a = new_chat("ru"), b = new_chat("ru");

	say(a, "вот фото документа", &res);
	json_decref(res.messages);
	ck_assert_msg(attach_store(&env, fx.files, a, "photo.png", lone,
	    sizeof(lone) - 1, 1 << 20, &res, &err) == 0, "%s", err);
	json_decref(res.messages);
	hand_off(b);
	ck_assert_int_eq(attach_store(&env, fx.files, b, "photo.png", seen,
	    sizeof(seen) - 1, 1 << 20, &res, &err), 0);
	json_decref(res.messages);
	ck_assert_int_eq(queue_take(db, b, "anna", "operator", env.now, &item,
	    &why, &err), 0);
	json_decref(item);
	ck_assert_int_eq(retention_unopened(db, fx.files, 30, env.now + 86400,
	    &err), 0);
	ck_assert(stored(lone, sizeof(lone) - 1));
	ck_assert_int_ge(retention_unopened(db, fx.files, 30, env.now +
	    31 * 86400, &err), 1);
	ck_assert(!stored(lone, sizeof(lone) - 1));
	ck_assert(stored(seen, sizeof(seen) - 1));
}
END_TEST

START_TEST(test_retention_removes_personal_data)
{
	struct audit_report	 r;
	json_t			*msgs, *m;
	char			*err = NULL, *what = NULL;
	size_t			 i;
	enum core_err			 why;
	int64_t			 id = new_chat("ru");

	hand_off(id);
	ck_assert_int_eq(queue_close(db, id, "olga", "senior", "done",
	    env.now, &why, &err), 0);
	ck_assert_int_eq(retention_run(db, fx.files, 30, env.now + 86400,
	    &err), 0);
	ck_assert_int_ge(retention_run(db, fx.files, 30, env.now + 31 * 86400,
	    &err), 1);
	msgs = conv_messages(db, id, 0, 100, &err);
	json_array_foreach(msgs, i, m)
		ck_assert_str_eq(str(m, "text"), RETENTION_REMOVED);
	json_decref(msgs);
	ck_assert_int_eq(audit_verify(db, NULL, &r, &what, &err), 0);
}
END_TEST

START_TEST(test_everything_survives_a_reopen)
{
	struct conv_info	 ci;
	char			*err = NULL, number[REQUEST_NUMBER_MAX];
	json_t			*items, *it, *msgs;
	size_t			 i, nmsgs;
	int			 found = 0;
	int64_t			 id = new_chat("ru");

	hand_off(id);
	info(id, &ci);
	snprintf(number, sizeof(number), "%s", ci.number);
	msgs = conv_messages(db, id, 0, 100, &err);
	nmsgs = json_array_size(msgs);
	json_decref(msgs);
	/* As if the process died: no clean shutdown, a new connection. */
	stmt_forget(db);
	sqldb_close(&db);
	ck_assert_int_eq(state_open(fx.dbpath, &db, &err), 0);
	env.db = db;
	info(id, &ci);
	ck_assert_str_eq(ci.number, number);
	ck_assert_int_eq(ci.state, CONV_QUEUED);
	msgs = conv_messages(db, id, 0, 100, &err);
	ck_assert_uint_eq(json_array_size(msgs), nmsgs);
	json_decref(msgs);
	items = queue_list(db, env.now, &err);
	json_array_foreach(items, i, it)
		if (json_integer_value(json_object_get(it, "id")) == id)
			found = 1;
	ck_assert(found);
	json_decref(items);
}
END_TEST

Suite *
conv_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("conv");
	tc = tcase_create("flow");
	tcase_add_unchecked_fixture(tc, world_setup, world_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_question_gets_an_answer_with_html);
	tcase_add_test(tc, test_markup_stays_text_and_html_has_none);
	tcase_add_test(tc, test_bad_text_is_refused);
	tcase_add_test(tc, test_clarify_then_choose);
	tcase_add_test(tc, test_clarify_then_type_the_number);
	tcase_add_test(tc, test_complaint_gets_a_number_and_a_queue_item);
	tcase_add_test(tc, test_handoff_take_reply_close_rate);
	tcase_add_test(tc, test_citizen_sees_display_name_never_login);
	tcase_add_test(tc, test_senior_queue_and_release);
	tcase_add_test(tc, test_operators_open_attachments_journalled);
	tcase_add_test(tc, test_transfer_to_a_queue_one_works_keeps_the_item);
	tcase_add_test(tc, test_release_keeps_a_complaint_open);
	tcase_add_test(tc, test_one_table_decides_who_may_act);
	tcase_add_test(tc, test_a_retried_reply_is_stored_once);
	tcase_add_test(tc, test_button_and_english_reach_a_person);
	tcase_add_test(tc, test_sla_tick_tells_the_wait_and_escalates);
	tcase_add_test(tc, test_attachments_are_checked_by_content);
	tcase_add_test(tc, test_retention_removes_personal_data);
	tcase_add_test(tc, test_retention_removes_unopened_files);
	tcase_add_test(tc, test_everything_survives_a_reopen);
	suite_add_tcase(s, tc);
	return s;
}
