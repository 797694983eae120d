/*
 * Tests of the one bot turn (agent/core/turn.c) as every channel meets
 * it, with the real categories and articles: a complaint gets a number
 * and an item in the queue, a handoff a waiting item and the queued
 * state, a channel's own wording (e-mail's wrap) is what is recorded with
 * the conversation's number, those watching are told after the commit,
 * every citizen's turn is a decision the dashboard counts, and the
 * conversation states refuse what their table does not allow.
 */
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/conv.h"
#include "agent/core/queue.h"
#include "agent/core/state.h"
#include "agent/core/stmt.h"
#include "agent/core/turn.h"
#include "kb/store.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

Suite	*turn_suite(void);

static char			 dir[64], dbpath[128];
static struct classifier	*cl;
static struct classify_ctx	*cx;
static sqlite3			*db;
static struct turn_env		 env;
static struct notify		 watch;
static int64_t			 told_conv;
static int			 told_queue;

static void
print_err(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "%s\n", msg);
}

static void
conv_changed(void *arg, int64_t conv)
{
	(void)arg;
	told_conv = conv;
}

static void
queue_changed(void *arg)
{
	(void)arg;
	told_queue++;
}

static void
world_setup(void)
{
	struct classifier_config	 cfg;
	struct classifier_paths		 p;
	struct kb_import_stats		 st;
	char				*err = NULL;

	snprintf(dir, sizeof(dir), "/tmp/hotline-turn-XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(dbpath, sizeof(dbpath), "%s/state.db", dir);
	if (state_open(dbpath, &db, &err) == -1 ||
	    kb_store_import(db, HOTLINE_SRCDIR "/kb/articles", 1000, NULL,
	    &st, &err) == -1) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	classifier_config_defaults(&cfg);
	p.taxonomy = HOTLINE_SRCDIR "/intents/taxonomy.json";
	p.defs = HOTLINE_SRCDIR "/intents/defs";
	p.model_cache = NULL;
	if ((cl = classifier_load(&p, db, &cfg, print_err, NULL)) == NULL)
		abort();
	cx = classify_ctx_new(cl);
	watch.conv_changed = conv_changed;
	watch.queue_changed = queue_changed;
	env.db = db;
	env.cl = cl;
	env.ctx = cx;
	env.notify = &watch;
	env.now = time(NULL);
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

static void
world_teardown(void)
{
	classify_ctx_free(&cx);
	classifier_free(&cl);
	stmt_forget(db);
	sqldb_close(&db);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static struct conv_info
conversation(const char *channel)
{
	struct conv_info	 ci;
	char			 token[TOKEN_MAX], *err = NULL;
	int64_t			 id;

	ck_assert_int_eq(conv_create(db, channel, "ru", env.now, token, &id,
	    &err), 0);
	ck_assert_int_eq(conv_info(db, id, &ci, &err), 1);
	return ci;
}

/* The queue item of conv in the operators' list, or NULL (borrowed from
 * *items_r, which the caller releases). */
static json_t *
item_of(int64_t conv, json_t **items_r)
{
	json_t	*it;
	char	*err = NULL;
	size_t	 i;

	*items_r = queue_list(db, env.now, &err);
	ck_assert_ptr_nonnull(*items_r);
	json_array_foreach(*items_r, i, it)
		if (json_integer_value(json_object_get(it, "id")) == conv)
			return it;
	return NULL;
}

static int
run(struct conv_info *ci, const char *channel, const char *text,
    struct turn *t)
{
	char	*err = NULL;
	int	 rc;

	memset(t, 0, sizeof(*t));
	t->channel = channel;
	t->text = text;
	turn_classify(&env, text, strlen(text), &t->reply.verdict);
	told_conv = 0;
	told_queue = 0;
	rc = turn_run(&env, ci, t, &err);
	if (rc == -1)
		fprintf(stderr, "turn: %s\n", err);
	free(err);
	return rc;
}

START_TEST(test_a_complaint_is_registered_and_queued_for_every_channel)
{
	static const char *const channels[] = { "chat", "cli" };
	struct conv_info	 ci, after;
	struct turn		 t;
	json_t			*items, *it;
	char			*err = NULL;
	size_t			 i;

	for (i = 0; i < 2; i++) {
		ci = conversation(channels[i]);
		ck_assert_int_eq(run(&ci, channels[i], "хочу подать жалобу "
		    "на грубого оператора горячей линии", &t), 0);
		ck_assert_str_ne(t.number, "");
		ck_assert_ptr_nonnull(strstr(t.said, t.number));
		ck_assert_int_gt(t.citizen_msg, 0);
		ck_assert_int_gt(t.bot_msg, t.citizen_msg);
		ck_assert_int_eq(t.queue_changed, 1);
		/* Told after the commit: the conversation and the queue. */
		ck_assert_int_eq(told_conv, ci.id);
		ck_assert_int_eq(told_queue, 1);
		ck_assert_int_eq(conv_info(db, ci.id, &after, &err), 1);
		ck_assert_str_eq(after.number, t.number);
		ck_assert_int_eq(after.state, CONV_BOT);
		it = item_of(ci.id, &items);
		ck_assert_ptr_nonnull(it);
		ck_assert_str_eq(json_string_value(json_object_get(it,
		    "channel")), channels[i]);
		ck_assert_str_eq(json_string_value(json_object_get(it,
		    "request_number")), t.number);
		json_decref(items);
		turn_release(&t);
	}
}
END_TEST

START_TEST(test_a_plain_answer_registers_nothing)
{
	struct conv_info	 ci;
	struct turn		 t;
	json_t			*items;

	ci = conversation("chat");
	ck_assert_int_eq(run(&ci, "chat", "забыла пароль от госуслуг, как "
	    "восстановить?", &t), 0);
	ck_assert_str_eq(t.number, "");
	ck_assert_int_eq(t.queue_changed, 0);
	ck_assert_int_eq(told_conv, ci.id);
	ck_assert_int_eq(told_queue, 0);
	ck_assert_ptr_null(item_of(ci.id, &items));
	json_decref(items);
	turn_release(&t);
}
END_TEST

START_TEST(test_a_handoff_waits_for_a_person)
{
	struct conv_info	 ci, after;
	struct turn		 t;
	json_t			*items, *it;
	char			*err = NULL;

	ci = conversation("chat");
	ck_assert_int_eq(run(&ci, "chat", "оператор", &t), 0);
	ck_assert_int_eq(t.reply.verdict.action, ACTION_HANDOFF);
	ck_assert_int_eq(conv_info(db, ci.id, &after, &err), 1);
	ck_assert_int_eq(after.state, CONV_QUEUED);
	ck_assert(conv_with_person(after.state));
	it = item_of(ci.id, &items);
	ck_assert_ptr_nonnull(it);
	ck_assert_str_eq(json_string_value(json_object_get(it, "state")),
	    "queued");
	json_decref(items);
	turn_release(&t);
}
END_TEST

/* E-mail's wording: a greeting and the number around the reply. */
static char *
wrap(void *arg, const struct reply *r, const char *number)
{
	(void)arg;
	return xasprintf("Здравствуйте!\n\n%s\n\n[%s]", r->text, number);
}

START_TEST(test_a_channel_words_the_message_its_own_way)
{
	struct conv_info	 ci;
	struct turn		 t;
	json_t			*m;
	char			*err = NULL;

	ci = conversation("email");
	snprintf(ci.number, sizeof(ci.number), "2026-000777");
	memset(&t, 0, sizeof(t));
	t.channel = "email";
	t.wrap = wrap;
	turn_classify(&env, "забыла пароль", strlen("забыла пароль"),
	    &t.reply.verdict);
	ck_assert_int_eq(state_begin(db, &err), 0);
	ck_assert_int_eq(turn_take(&env, &ci, &t, &err), 0);
	ck_assert_int_eq(state_commit(db, &err), 0);
	ck_assert_int_eq(t.citizen_msg, 0);
	ck_assert_str_eq(t.number, "2026-000777");
	m = conv_message_get(db, t.bot_msg, &err);
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(m,
	    "text")), "Здравствуйте!"));
	ck_assert_str_eq(json_string_value(json_object_get(m,
	    "request_number")), "2026-000777");
	json_decref(m);
	turn_release(&t);
}
END_TEST

/* The one number sql says of conversation conv (?1, if it asks). */
static int64_t
number_of(const char *sql, int64_t conv)
{
	char	*err = NULL;
	int64_t	 n = -1;

	ck_assert_int_eq(sqldb_one_int(db, sqldb_prep(db, &err, sql,
	    strstr(sql, "?1") != NULL ? "i" : "", conv), &n, &err), 1);
	return n;
}

/* The supervisor's figures (agent/core/dashboard.c) read the decisions
 * every channel's turn records; staff trying the bot in a terminal are
 * not citizens and leave none. */
START_TEST(test_every_citizen_turn_is_a_decision_on_the_dashboard)
{
	static const struct {
		const char	*channel;
		int64_t		 decisions;
	} cases[] = { { "chat", 1 }, { "email", 1 }, { "cli", 0 } };
	struct conv_info	 ci;
	struct turn		 t;
	size_t			 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ci = conversation(cases[i].channel);
		ck_assert_int_eq(run(&ci, cases[i].channel, "забыла пароль "
		    "от госуслуг, как восстановить?", &t), 0);
		ck_assert_int_eq(number_of("SELECT count(*) FROM decision "
		    "WHERE conv = ?1 AND action = 'answer' AND article IS NOT "
		    "NULL", ci.id), cases[i].decisions);
		if (cases[i].decisions > 0)
			ck_assert_int_eq(number_of("SELECT message FROM "
			    "decision WHERE conv = ?1", ci.id), t.bot_msg);
		turn_release(&t);
	}
	/* The citizens' messages per hour, without the terminal's. */
	ck_assert_int_eq(number_of("SELECT count(*) FROM stat_message WHERE "
	    "channel = 'cli'", 0), 0);
	ck_assert_int_ge(number_of("SELECT coalesce(sum(n), 0) FROM "
	    "stat_message WHERE channel = 'email'", 0), 1);
}
END_TEST

START_TEST(test_states_refuse_what_the_table_does_not_allow)
{
	struct conv_info	 ci;
	char			*err = NULL;

	ci = conversation("chat");
	ck_assert_int_eq(state_begin(db, &err), 0);
	ck_assert_int_eq(conv_set_state(db, ci.id, CONV_CLOSED, env.now,
	    &err), 0);
	/* Nobody takes a closed conversation without a new item... */
	ck_assert_int_eq(conv_set_state(db, ci.id, CONV_OPERATOR, env.now,
	    &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "closed to operator"));
	free(err);
	err = NULL;
	/* ...but the citizen writing again brings the bot back. */
	ck_assert_int_eq(conv_set_state(db, ci.id, CONV_BOT, env.now, &err),
	    0);
	state_rollback(db);
	ck_assert_str_eq(conv_state_name(CONV_QUEUED), "queued");
}
END_TEST

Suite *
turn_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("turn");
	tc = tcase_create("turn");
	tcase_add_unchecked_fixture(tc, world_setup, world_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc,
	    test_a_complaint_is_registered_and_queued_for_every_channel);
	tcase_add_test(tc, test_a_plain_answer_registers_nothing);
	tcase_add_test(tc, test_a_handoff_waits_for_a_person);
	tcase_add_test(tc, test_a_channel_words_the_message_its_own_way);
	tcase_add_test(tc,
	    test_every_citizen_turn_is_a_decision_on_the_dashboard);
	tcase_add_test(tc, test_states_refuse_what_the_table_does_not_allow);
	suite_add_tcase(s, tc);
	return s;
}
