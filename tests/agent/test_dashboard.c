/*
 * Tests of agent/core/feedback.c and agent/core/dashboard.c on a real
 * state database with the real articles: a vote keeps the article and the
 * question masked, one vote per answer, only answers with an article ask;
 * retention removes the question; days are Moscow days; the figures of a
 * period count what happened in it and nothing outside (messages,
 * decisions, handoff and automation rates, first-response percentiles,
 * breaches, CSAT), nor staff trying the bot in a terminal; the CSV quotes
 * what a spreadsheet would misread.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/core/conv.h"
#include "agent/core/dashboard.h"
#include "agent/core/feedback.h"
#include "agent/core/retention.h"
#include "agent/core/state.h"
#include "agent/core/stmt.h"
#include "kb/store.h"
#include "lib/sqldb.h"
#include "tests/agent/fixture.h"

Suite	*dashboard_suite(void);

/* 2026-12-07 00:00 in Moscow, and its day number. */
#define DAY0	((time_t)1796677200 - 86400)
#define H	3600

static char	 dir[64];
static sqlite3	*db;

static void
setup(void)
{
	struct kb_import_stats	 st;
	char			 path[128], *err = NULL;

	snprintf(dir, sizeof(dir), "/tmp/hotline-dash-XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/state.db", dir);
	if (state_open(path, &db, &err) == -1 || kb_store_import(db,
	    HOTLINE_SRCDIR "/kb/articles", 1000, stderr, &st, &err) == -1) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
}

static void
teardown(void)
{
	stmt_forget(db);
	sqldb_close(&db);
	fixture_rmtree(dir);
}

static int64_t
new_conv(const char *channel, time_t at)
{
	char	 token[TOKEN_MAX], *err = NULL;
	int64_t	 id;

	ck_assert_int_eq(conv_create(db, channel, "ru", at, token, &id,
	    &err), 0);
	return id;
}

/* The citizen's text, then the bot's reply on channel decided with action
 * on article (NULL for none), at time at.  Returns the bot's message id. */
static int64_t
turn_on(const char *channel, int64_t conv, const char *text,
    enum action action, const char *article, const char *topic, time_t at)
{
	struct verdict	 v;
	char		*err = NULL;
	int64_t		 m;

	memset(&v, 0, sizeof(v));
	v.action = action;
	v.intent = action == ACTION_HANDOFF ? "handoff.operator" :
	    "account.login";
	v.article = article;
	v.topic = topic;
	ck_assert_int_eq(state_begin(db, &err), 0);
	if (text != NULL)
		ck_assert_int_ge(conv_add(db, conv, "citizen", text, NULL, NULL,
		    NULL, NULL, 0, at, &err), 1);
	m = conv_add(db, conv, "bot", "reply", NULL, NULL, NULL, NULL, 0, at,
	    &err);
	ck_assert_int_ge(m, 1);
	ck_assert_int_eq(feedback_decision(db, conv, m, channel, &v, at,
	    &err), 0);
	ck_assert_int_eq(state_commit(db, &err), 0);
	return m;
}

/* The same in the chat. */
static int64_t
turn(int64_t conv, const char *text, enum action action,
    const char *article, const char *topic, time_t at)
{
	return turn_on("chat", conv, text, action, article, topic, at);
}

/* CORE_OK when the vote is taken, else why not. */
static enum core_err
vote(int64_t conv, int64_t msg, int helpful)
{
	char		*err = NULL;
	enum core_err	 why = CORE_OK;

	if (feedback_vote(db, conv, msg, helpful, DAY0 + 12 * H, &why,
	    &err) == 0)
		return CORE_OK;
	free(err);
	return why;
}

START_TEST(days_are_moscow_days)
{
	static const struct {
		const char	*s;
		int		 ok;
	} cases[] = {
		{ "2026-12-07", 1 }, { "2028-02-29", 1 }, { "2026-02-29", 0 },
		{ "2026-13-01", 0 }, { "2026-1-01", 0 }, { "2026-04-31", 0 },
		{ "1969-12-31", 0 }, { "2026-12-0x", 0 }, { "", 0 },
		{ "today", 1 },
	};
	int64_t	d, today;
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(dashboard_day(cases[i].s, strlen(cases[i].s),
		    DAY0, &d) == (cases[i].ok ? 0 : -1), "%s", cases[i].s);
	ck_assert_int_eq(dashboard_day("2026-12-07", 10, 0, &d), 0);
	ck_assert_int_eq(dashboard_day_start(d), DAY0);
	/* 23:59:59 Moscow is still that day; a second later the next. */
	ck_assert_int_eq(dashboard_day("today", 5, DAY0 + 86399, &today), 0);
	ck_assert_int_eq(today, d);
	ck_assert_int_eq(dashboard_day("today", 5, DAY0 + 86400, &today), 0);
	ck_assert_int_eq(today, d + 1);
}
END_TEST

START_TEST(one_vote_per_answer_masked)
{
	sqlite3_stmt	*st;
	json_t		*msgs, *top;
	char		*err = NULL;
	int64_t		 a, b, ans, ho, other, n;

	a = new_conv("chat", DAY0 + H);
	b = new_conv("chat", DAY0 + H);
	ans = turn(a, "не приходит смс, телефон 89161234567", ACTION_ANSWER,
	    "login-sms-code", NULL, DAY0 + H);
	ho = turn(a, NULL, ACTION_HANDOFF, NULL, NULL, DAY0 + 2 * H);
	other = turn(b, "как войти", ACTION_ANSWER, "login-sms-code", NULL,
	    DAY0 + H);
	/* Another's answer, a handoff, the citizen's own message: no. */
	ck_assert_int_eq(vote(a, other, 0), CORE_NOT_FOUND);
	ck_assert_int_eq(vote(a, ho, 0), CORE_INVALID);
	ck_assert_int_eq(vote(a, ans - 1, 0), CORE_NOT_FOUND);
	ck_assert_int_eq(vote(a, ans, 0), CORE_OK);
	ck_assert_int_eq(vote(a, ans, 1), CORE_CONFLICT);	/* once */
	ck_assert_int_eq(vote(b, other, 1), CORE_OK);

	st = sqldb_prep(db, &err, "SELECT article, question, helpful FROM "
	    "answer_feedback WHERE message = ?1", "i", ans);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 0),
	    "login-sms-code");
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 1),
	    "не приходит смс, телефон *********67");
	ck_assert_int_eq(sqlite3_column_int(st, 2), 0);
	sqlite3_finalize(st);

	/* The chat sees the vote on the answer, nothing on the handoff. */
	msgs = conv_messages(db, a, 0, 100, &err);
	ck_assert_ptr_nonnull(msgs);
	feedback_annotate(db, msgs);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(msgs,
	    1), "feedback")), "no");
	ck_assert_ptr_null(json_object_get(json_array_get(msgs, 2),
	    "feedback"));
	json_decref(msgs);

	top = feedback_top(db, DAY0, DAY0 + 86400, 10, &err);
	ck_assert_int_eq(json_array_size(top), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(top,
	    0), "title")), "Не приходит СМС-код для входа");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(top,
	    0), "no")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(top,
	    0), "yes")), 1);
	json_decref(top);
	/* Nothing the next day. */
	top = feedback_top(db, DAY0 + 86400, DAY0 + 2 * 86400, 10, &err);
	ck_assert_int_eq(json_array_size(top), 0);
	json_decref(top);

	/* Retention removes the question with the rest; the vote stays. */
	ck_assert_int_eq(sqldb_exec(db, "UPDATE conversation SET state = "
	    "'closed', updated = 1796590800", &err), 0);
	ck_assert_int_ge(retention_run(db, dir, 30, DAY0 + 31 * 86400, &err),
	    1);
	ck_assert_int_eq(sqldb_one_int(db, sqldb_prep(db, &err, "SELECT "
	    "count(*) FROM answer_feedback WHERE question IS NULL", ""), &n,
	    &err), 1);
	ck_assert_int_eq(n, 2);
}
END_TEST

/* A queue item of conv created at created, first answered after react
 * seconds (-1: not yet), its first deadline at fd, breached or not. */
static void
item(int64_t conv, time_t created, int react, time_t fd, int breached)
{
	char	*err = NULL;

	ck_assert_int_eq(sqldb_done(db, sqldb_prep(db, &err, "INSERT INTO "
	    "queue_item (id, channel, queue, state, waiting, kind, priority, "
	    "rank, lang, created, first_deadline, final_deadline, "
	    "first_reaction, breached_first) VALUES (?1, 'chat', 'general', "
	    "'queued', 1, 'handoff', 'normal', 2, 'ru', ?2, ?3, ?3 + 86400, "
	    "?4, ?5)", "iiini", conv, (int64_t)created, (int64_t)fd,
	    react < 0 ? (int64_t)0 : (int64_t)(created + react),
	    (int64_t)breached), &err), 0);
}

static json_int_t
num(const json_t *fig, const char *obj, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(fig, obj),
	    key));
}

START_TEST(figures_count_the_period_and_nothing_else)
{
	json_t	*fig, *t;
	char	*err = NULL;
	int64_t	 day, c[12];
	int	 i;

	ck_assert_int_eq(dashboard_day("2026-12-07", 10, 0, &day), 0);
	/* Conversation 0: answered twice.  1: answered, then handed off.
	 * 2: the day before, handed off (outside the period). */
	c[0] = new_conv("chat", DAY0 + 9 * H);
	turn(c[0], "a", ACTION_ANSWER, "login-sms-code", NULL, DAY0 + 9 * H);
	turn(c[0], "b", ACTION_ANSWER, "login-sms-code", NULL, DAY0 + 9 * H);
	c[1] = new_conv("email", DAY0 + 10 * H);
	turn(c[1], "c", ACTION_ANSWER, "passport-foreign", "passport.foreign",
	    DAY0 + 10 * H);
	turn(c[1], NULL, ACTION_HANDOFF, NULL, NULL, DAY0 + 10 * H + 60);
	c[2] = new_conv("chat", DAY0 - H);
	turn(c[2], "d", ACTION_HANDOFF, NULL, NULL, DAY0 - H);
	/* Staff trying the bot in a terminal (`hotline ask`): not a citizen,
	 * no figure counts it. */
	turn_on("cli", new_conv("cli", DAY0 + 9 * H), "e", ACTION_HANDOFF,
	    NULL, NULL, DAY0 + 9 * H);
	/* First reactions 10..100 s on ten items of the day, one unanswered;
	 * two breached deadlines, one of them the day before. */
	for (i = 0; i < 10; i++) {
		c[i + 2] = i < 9 ? new_conv("chat", DAY0 + 11 * H) : c[1];
		item(c[i + 2], DAY0 + 11 * H, 10 * (i + 1), DAY0 + 12 * H,
		    i == 0);
	}
	item(c[0], DAY0 + 11 * H, -1, DAY0 - 3 * H, 1);
	ck_assert_int_eq(sqldb_exec(db, "UPDATE conversation SET state = "
	    "'closed', rating = 4, updated = 1796670000 WHERE id IN (1, 2)",
	    &err), 0);

	fig = dashboard_figures(db, day, day, DAY0 + 13 * H, NULL, NULL,
	    &err);
	ck_assert_msg(fig != NULL, "%s", err);
	t = json_object_get(fig, "totals");
	ck_assert_int_eq(num(fig, "totals", "messages"), 3);
	ck_assert_int_eq(num(fig, "messages_by_channel", "chat"), 2);
	ck_assert_int_eq(num(fig, "messages_by_channel", "email"), 1);
	ck_assert_ptr_null(json_object_get(json_object_get(fig,
	    "messages_by_channel"), "cli"));
	ck_assert_int_eq(num(fig, "totals", "conversations"), 11);
	ck_assert_int_eq(num(fig, "totals", "decisions"), 4);
	ck_assert_int_eq(num(fig, "decisions", "handoff"), 1);
	ck_assert(json_real_value(json_object_get(t, "handoff_rate")) ==
	    0.25);
	ck_assert(json_real_value(json_object_get(t, "automation_rate")) ==
	    0.5);
	ck_assert(json_real_value(json_object_get(t, "csat_average")) == 4.0);
	ck_assert_int_eq(num(fig, "totals", "csat_count"), 2);
	ck_assert_int_eq(num(fig, "totals", "sla_breaches"), 1);
	ck_assert_int_eq(num(fig, "first_response", "count"), 10);
	ck_assert_int_eq(num(fig, "first_response", "pending"), 1);
	ck_assert_int_eq(num(fig, "first_response", "p50"), 50);
	ck_assert_int_eq(num(fig, "first_response", "p90"), 90);
	ck_assert_int_eq(num(fig, "first_response", "p95"), 100);
	ck_assert_int_eq(num(fig, "first_response", "max"), 100);
	/* The handoff in conversation 1 is about its service. */
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(fig, "handoff_topics"), 0), "id")),
	    "passport.foreign");
	/* Hours 09, 10 (Moscow) with messages; 11 none. */
	ck_assert_int_eq(json_array_size(json_object_get(fig,
	    "messages_per_hour")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(
	    json_object_get(fig, "messages_per_hour"), 0), "hour")),
	    DAY0 + 9 * H);
	json_decref(fig);

	/* A period the other way round, or too long, is refused. */
	ck_assert_ptr_null(dashboard_figures(db, day, day - 1, DAY0, NULL,
	    NULL, &err));
	free(err);
	err = NULL;
	ck_assert_ptr_null(dashboard_figures(db, day - DASHBOARD_DAYS_MAX,
	    day, DAY0, NULL, NULL, &err));
	free(err);
}
END_TEST

START_TEST(csv_quotes_commas_and_formulas)
{
	json_t	*fig;
	FILE	*fp;
	char	*buf = NULL;
	size_t	 len = 0;

	fig = json_pack("{s:[{s:s, s:s, s:i}, {s:s, s:s, s:i}]}",
	    "handoff_categories", "id", "a", "label", "Паспорт, загран", "count",
	    2, "id", "b", "label", "=HYPERLINK(\"x\")", "count", 1);
	fp = open_memstream(&buf, &len);
	dashboard_csv(fig, fp);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(buf,
	    "handoff_category,a,\"Паспорт, загран\",2\r\n"));
	ck_assert_ptr_nonnull(strstr(buf,
	    "handoff_category,b,\"'=HYPERLINK(\"\"x\"\")\",1\r\n"));
	free(buf);
	json_decref(fig);
}
END_TEST

Suite *
dashboard_suite(void)
{
	Suite	*s = suite_create("dashboard");
	TCase	*tc = tcase_create("dashboard");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, days_are_moscow_days);
	tcase_add_test(tc, one_vote_per_answer_masked);
	tcase_add_test(tc, figures_count_the_period_and_nothing_else);
	tcase_add_test(tc, csv_quotes_commas_and_formulas);
	suite_add_tcase(s, tc);
	return s;
}
