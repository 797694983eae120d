/*
 * Tests of the mail channel's outbox (agent/mail/mailout.c) on a real
 * state database file: a letter decided in a transaction that commits is
 * pending with the very bytes and Message-ID that will go, also after the
 * process is restarted; one decided in a transaction rolled back is not;
 * letters go oldest first in batches; a refusal for now is tried again
 * after 30 s doubling to an hour and given up after MAILOUT_SEND_TRIES; a
 * refusal for good is final at once; a letter no longer pending keeps no
 * bytes.  (tests/agent/test_mailchan.c covers the letters the channel
 * decides; this is what the sender relies on.)
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/core/conv.h"
#include "agent/core/mailtables.h"
#include "agent/core/state.h"
#include "agent/core/stmt.h"
#include "agent/mail/mailout.h"
#include "lib/sqldb.h"
#include "tests/agent/fixture.h"

Suite	*outbox_suite(void);

#define NOW	1800000000

static char			 dir[64], dbpath[128];
static struct config		 cfg;
static sqlite3			*db;
static struct mailchan_env	 env;
static int64_t			 conv;

static void
db_open(void)
{
	char	*err = NULL;

	ck_assert_msg(state_open(dbpath, &db, &err) == 0 &&
	    mailtables_schema(db, &err) == 0, "%s", err);
	env.db = db;
}

static void
db_close(void)
{
	stmt_forget(db);
	sqldb_close(&db);
}

static void
setup(void)
{
	char	*err = NULL;

	snprintf(dir, sizeof(dir), "/tmp/hotline-outbox-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/state.db", dir);
	config_defaults(&cfg);
	memset(&env, 0, sizeof(env));
	env.cfg = &cfg;
	env.now = NOW;
	db_open();
	ck_assert_int_eq(state_begin(db, &err), 0);
	ck_assert_int_eq(conv_insert(db, "email", "ru", NOW, &conv, &err), 0);
	ck_assert_int_eq(state_commit(db, &err), 0);
}

static void
teardown(void)
{
	db_close();
	config_clear(&cfg);
	fixture_rmtree(dir);
}

/* Queues a letter to rcpt in its own transaction, committed or rolled
 * back.  Returns its outbox id (0 when rolled back). */
static int64_t
queue(const char *rcpt, const char *text, int automatic, int commit)
{
	char	*err = NULL;
	int64_t	 id = 0;

	ck_assert_int_eq(state_begin(db, &err), 0);
	ck_assert_msg(mailout_queue(&env, conv, "2026-000042", rcpt,
	    "Re: пароль", "their.1@example.org",
	    "their.0@example.org\ntheir.1@example.org", text, NULL,
	    automatic, 0, 0, &id, &err) == 0, "%s", err);
	if (commit)
		ck_assert_int_eq(state_commit(db, &err), 0);
	else {
		state_rollback(db);
		id = 0;
	}
	return id;
}

/* The pending letters due at t, at most max; *n_r of them. */
static struct mailout_letter *
pending(time_t t, size_t max, size_t *n_r)
{
	struct mailout_letter	*out;
	char			*err = NULL;

	ck_assert_msg(mailout_pending(db, t, max, &out, n_r, &err) == 0, "%s",
	    err);
	return out;
}

static int64_t
col_int(const char *sql, int64_t id)
{
	return fixture_int(db, sql, id);
}

START_TEST(test_same_bytes_after_restart)
{
	struct mailout_letter	*a, *b;
	sqlite3_stmt		*st;
	char			*before, header[256];
	size_t			 n, len;
	int64_t			 id;

	id = queue("citizen@example.org", "Ваш пароль можно сбросить.", 1, 1);
	a = pending(NOW, 10, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(a[0].id, id);
	ck_assert_int_eq(a[0].conv, conv);
	ck_assert_str_eq(a[0].rcpt, "citizen@example.org");
	before = a[0].letter;
	len = a[0].len;
	a[0].letter = NULL;
	mailout_free(a, n);

	/* The process dies before SMTP and starts again. */
	db_close();
	db_open();
	b = pending(NOW + 5, 10, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(b[0].id, id);
	ck_assert_uint_eq(b[0].len, len);
	ck_assert_mem_eq(b[0].letter, before, len);
	/* The Message-ID in the letter is the one recorded for threading. */
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT message_id FROM "
	    "mail_sent WHERE id = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(header, sizeof(header), "\r\nMessage-ID: <%s>\r\n",
	    (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	ck_assert_ptr_nonnull(strstr(b[0].letter, header));
	/* To the citizen, in their thread, marked automatic. */
	ck_assert_ptr_nonnull(strstr(b[0].letter,
	    "\r\nIn-Reply-To: <their.1@example.org>\r\n"));
	ck_assert_ptr_nonnull(strstr(b[0].letter, "<their.0@example.org>"));
	ck_assert_ptr_nonnull(strstr(b[0].letter,
	    "\r\nAuto-Submitted: auto-replied\r\n"));
	ck_assert_ptr_nonnull(strstr(b[0].letter, "citizen@example.org"));
	mailout_free(b, n);
	free(before);
}
END_TEST

START_TEST(test_rolled_back_not_sent)
{
	size_t			 n;
	struct mailout_letter	*out;

	/* The decision failed after the letter was written: no letter. */
	queue("citizen@example.org", "не отправлять", 1, 0);
	out = pending(NOW + 3600, 10, &n);
	ck_assert_uint_eq(n, 0);
	mailout_free(out, n);
	ck_assert_int_eq(col_int("SELECT count(*) FROM mail_sent WHERE ?1",
	    1), 0);
}
END_TEST

START_TEST(test_oldest_first_in_batches)
{
	struct mailout_letter	*out;
	int64_t			 ids[5];
	size_t			 n, i;
	char			*err = NULL;

	for (i = 0; i < 5; i++)
		ids[i] = queue("citizen@example.org", "ответ", 0, 1);
	out = pending(NOW, 3, &n);
	ck_assert_uint_eq(n, 3);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(out[i].id, ids[i]);
		ck_assert_int_eq(mailout_sent(db, out[i].id, NULL, 0, NOW,
		    &err), 0);
	}
	mailout_free(out, n);
	out = pending(NOW, 3, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(out[0].id, ids[3]);
	ck_assert_int_eq(out[1].id, ids[4]);
	mailout_free(out, n);
	/* A letter once sent is never pending again. */
	ck_assert_int_eq(col_int("SELECT count(*) FROM mail_sent WHERE status "
	    "= 'sent' AND letter IS NULL AND sent = ?1", NOW), 3);
}
END_TEST

START_TEST(test_backoff_then_given_up)
{
	struct mailout_letter	*out;
	size_t			 n;
	int64_t			 id, wait, t = NOW, expect = 30;
	int			 i;
	char			*err = NULL;

	id = queue("citizen@example.org", "ответ", 0, 1);
	for (i = 1; i <= MAILOUT_SEND_TRIES; i++) {
		ck_assert_int_eq(mailout_sent(db, id, "451 4.3.0 try later", 0,
		    t, &err), 0);
		if (i == MAILOUT_SEND_TRIES)
			break;
		wait = col_int("SELECT next_try FROM mail_sent WHERE id = ?1",
		    id) - t;
		ck_assert_int_eq(wait, expect);
		/* Not a second before its time, and then it is there. */
		out = pending(t + wait - 1, 10, &n);
		ck_assert_uint_eq(n, 0);
		mailout_free(out, n);
		out = pending(t + wait, 10, &n);
		ck_assert_uint_eq(n, 1);
		mailout_free(out, n);
		t += wait;
		expect = expect * 2 > 3600 ? 3600 : expect * 2;
	}
	ck_assert_int_eq(expect, 3600);
	/* Given up: failed, the reason kept, the bytes gone. */
	ck_assert_int_eq(col_int("SELECT count(*) FROM mail_sent WHERE id = ?1 "
	    "AND status = 'failed' AND letter IS NULL AND error LIKE '451%'",
	    id), 1);
	out = pending(t + 86400 * 365, 10, &n);
	ck_assert_uint_eq(n, 0);
	mailout_free(out, n);
}
END_TEST

START_TEST(test_permanent_refusal_final)
{
	struct mailout_letter	*out;
	size_t			 n;
	int64_t			 bad, good;
	char			*err = NULL;

	bad = queue("nobody@example.org", "ответ", 0, 1);
	good = queue("citizen@example.org", "ответ", 0, 1);
	ck_assert_int_eq(mailout_sent(db, bad, "550 5.1.1 no such user", 1,
	    NOW, &err), 0);
	out = pending(NOW + 86400, 10, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(out[0].id, good);
	mailout_free(out, n);
	ck_assert_int_eq(col_int("SELECT tries FROM mail_sent WHERE id = ?1 "
	    "AND status = 'failed' AND letter IS NULL", bad), 1);
}
END_TEST

START_TEST(test_letter_text)
{
	char	*ru, *en, *op;

	ru = mailout_text(0, "Ответ.", "2026-000042", 1);
	en = mailout_text(1, "An answer.", "2026-000042", 1);
	op = mailout_text(0, "Ответ.", "2026-000042", 0);
	ck_assert_ptr_nonnull(strstr(ru, "Ответ."));
	ck_assert_ptr_nonnull(strstr(ru, "2026-000042"));
	ck_assert_ptr_nonnull(strstr(en, "An answer."));
	ck_assert_ptr_nonnull(strstr(en, "2026-000042"));
	/* A specialist's letter does not say it was sent automatically, so
	 * it is shorter by that note and signed otherwise. */
	ck_assert_str_ne(ru, op);
	ck_assert_uint_lt(strlen(op), strlen(ru));
	ck_assert_str_ne(ru, en);
	free(ru);
	free(en);
	free(op);
}
END_TEST

Suite *
outbox_suite(void)
{
	Suite	*s = suite_create("outbox");
	TCase	*tc = tcase_create("mail");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_same_bytes_after_restart);
	tcase_add_test(tc, test_rolled_back_not_sent);
	tcase_add_test(tc, test_oldest_first_in_batches);
	tcase_add_test(tc, test_backoff_then_given_up);
	tcase_add_test(tc, test_permanent_refusal_final);
	tcase_add_test(tc, test_letter_text);
	suite_add_tcase(s, tc);
	return s;
}
