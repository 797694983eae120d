/*
 * Tests of the IMAP run loop (agent/mail/mailrun.c, one pass as `hotline
 * mail fetch` runs it) against the real dovecot and msmtpd that the e2e
 * tests start (tests/agent/mailfix.c), with the real categories and
 * articles and a state file per test, each test in a folder of its own:
 * a citizen's letter is answered once in its thread and a second pass
 * answers nothing; a robot's letter gets no answer; with the IMAP server
 * unreachable the pass fails and the letter is answered once by the next
 * pass that reaches it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/mail/mailrun.h"
#include "tests/agent/mailfix.h"

Suite	*mailrun_suite(void);

static struct mailfix		 m;
static struct classify_ctx	*ctx;
static struct mailchan_env	 env;	/* mail fetch's, on m's database */

static void
setup(void)
{
	mailfix_setup(&m, "mailrun");
	ctx = classify_ctx_new(m.cx.brain->cl);
	memset(&env, 0, sizeof(env));
	env.db = m.f.db;
	env.cl = m.cx.brain->cl;
	env.ctx = ctx;
	env.cfg = &m.cx.brain->cfg;
	env.attach_dir = m.cx.attach_dir;
	env.now = time(NULL);
}

static void
teardown(void)
{
	classify_ctx_free(&ctx);
	mailfix_teardown(&m);
}

static void
pass(struct mailrun_stats *st)
{
	char	*err = NULL;

	ck_assert_msg(mailrun_once(&env, &m.cx, st, &err) == 0, "%s", err);
}

START_TEST(test_answered_once)
{
	struct mailrun_stats	st;
	char			id[128];

	mailfix_msgid(&m, id, sizeof(id), "q");
	mailfix_put(&m, "ivan@example.org", id, "Здравствуйте! Как "
	    "восстановить пароль от госуслуг? Не могу войти.", 0);
	pass(&st);
	ck_assert_int_eq(st.letters, 1);
	ck_assert_int_eq(st.sent, 1);
	ck_assert_int_eq(st.failed, 0);
	ck_assert_int_eq(mailfix_answers(id), 1);
	/* The next pass finds the letter done and sends nothing. */
	pass(&st);
	ck_assert_int_eq(st.letters, 0);
	ck_assert_int_eq(st.sent, 0);
	ck_assert_int_eq(mailfix_answers(id), 1);
}
END_TEST

START_TEST(test_robot_not_answered)
{
	struct mailrun_stats	st;
	char			id[128];

	mailfix_msgid(&m, id, sizeof(id), "robot");
	mailfix_put(&m, "mailer-daemon@example.org", id, "Это автоматический "
	    "ответ: я в отпуске до понедельника.", 1);
	pass(&st);
	ck_assert_int_eq(st.letters, 1);
	ck_assert_int_eq(st.robots, 1);
	ck_assert_int_eq(st.sent, 0);
	ck_assert_int_eq(mailfix_answers(id), 0);
}
END_TEST

START_TEST(test_unreachable_then_answered_once)
{
	struct mailrun_stats	 st;
	char			 id[128], *err = NULL;

	mailfix_msgid(&m, id, sizeof(id), "later");
	mailfix_put(&m, "olga@example.org", id, "Как восстановить пароль "
	    "от госуслуг?", 0);
	/* Nothing listens there: the pass fails and takes nothing.  (The
	 * brain is the process's settings; no other thread reads it now.) */
	m.cx.brain->cfg.imap_port = 1;
	ck_assert_int_eq(mailrun_once(&env, &m.cx, &st, &err), -1);
	ck_assert_ptr_nonnull(err);
	free(err);
	ck_assert_int_eq(st.letters, 0);
	ck_assert_int_eq(mailfix_answers(id), 0);
	/* The server is reachable again. */
	m.cx.brain->cfg.imap_port = mailfix_imap_port();
	pass(&st);
	ck_assert_int_eq(st.letters, 1);
	ck_assert_int_eq(st.sent, 1);
	ck_assert_int_eq(mailfix_answers(id), 1);
	pass(&st);
	ck_assert_int_eq(mailfix_answers(id), 1);
}
END_TEST

Suite *
mailrun_suite(void)
{
	Suite	*s = suite_create("mailrun");
	TCase	*tc = tcase_create("imap");

	tcase_add_unchecked_fixture(tc, mailfix_servers_start,
	    mailfix_servers_stop);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_answered_once);
	tcase_add_test(tc, test_robot_not_answered);
	tcase_add_test(tc, test_unreachable_then_answered_once);
	suite_add_tcase(s, tc);
	return s;
}
