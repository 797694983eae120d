/*
 * The mail channel's decisions with the real categories and articles and
 * no network (agent/mail/mailchan.c): the evaluation letters get the outcome
 * their expected action calls for; the same letter twice (by place or by
 * Message-ID) is answered once; a letter joins a request by our
 * Message-IDs it refers to, or by the number in its subject only from
 * that request's citizen; automatic letters to one address stop at the
 * hourly cap with the suppression recorded; a robot's letter is a note
 * that reopens nothing; a follow-up goes to the operator who has the
 * request, whose reply becomes a letter in the thread; the outbox keeps
 * a letter until it is sent and backs off when it is not; retention
 * removes who wrote and what.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/core/conv.h"
#include "agent/core/mailtables.h"
#include "agent/core/queue.h"
#include "agent/core/retention.h"
#include "agent/core/state.h"
#include "agent/core/stmt.h"
#include "agent/mail/mailchan.h"
#include "agent/mail/mailout.h"
#include "kb/store.h"
#include "lib/files.h"
#include "lib/sqldb.h"
#include "tests/agent/fixture.h"
#include "mailbox/compose.h"

Suite	*mailchan_suite(void);

static char			 dir[64], dbpath[128], attdir[128];
static struct classifier	*cl;
static struct classify_ctx	*cx;
static struct config		 cfg;
static sqlite3			*db;
static struct mailchan_env	 env;
static uint32_t			 next_uid;

static void
print_err(void *arg, const char *msg)
{
	fprintf(stderr, "%s\n", msg);
}

static void
world_setup(void)
{
	struct classifier_paths	 p;
	struct kb_import_stats	 st;
	char			*err = NULL;

	snprintf(dir, sizeof(dir), "/tmp/hotline-mail-XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(dbpath, sizeof(dbpath), "%s/state.db", dir);
	snprintf(attdir, sizeof(attdir), "%s/attachments", dir);
	if (state_open(dbpath, &db, &err) == -1 ||
	    mailtables_schema(db, &err) == -1 ||
	    kb_store_import(db, HOTLINE_SRCDIR "/kb/articles", 1000, stderr,
	    &st, &err) == -1) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	config_defaults(&cfg);
	p.taxonomy = HOTLINE_SRCDIR "/intents/taxonomy.json";
	p.defs = HOTLINE_SRCDIR "/intents/defs";
	p.model_cache = NULL;
	if ((cl = classifier_load(&p, db, &cfg.classifier, print_err,
	    NULL)) == NULL)
		abort();
	cx = classify_ctx_new(cl);
	memset(&env, 0, sizeof(env));
	env.db = db;
	env.cl = cl;
	env.ctx = cx;
	env.cfg = &cfg;
	env.attach_dir = attdir;
	env.now = time(NULL);
	next_uid = 1;
}

static void
world_teardown(void)
{
	classify_ctx_free(&cx);
	classifier_free(&cl);
	stmt_forget(db);
	sqldb_close(&db);
	config_clear(&cfg);
	fixture_rmtree(dir);
}

/* Takes raw as the next letter in INBOX (or at uid when not 0). */
static void
take_at(uint32_t uid, const char *raw, struct mailchan_result *res)
{
	struct mailchan_where	 w = { "INBOX", 777, uid };
	char			*err = NULL;

	ck_assert_msg(mailchan_take(&env, &w, raw, strlen(raw), res,
	    &err) == 0, "%s", err);
}

static void
take(const char *raw, struct mailchan_result *res)
{
	take_at(next_uid++, raw, res);
}

/* A letter from from with id, subject (ASCII or UTF-8 raw) and text. */
static char *
letter(const char *from, const char *id, const char *subject,
    const char *in_reply_to, const char *text)
{
	char	*s;
	int	 n;

	n = asprintf(&s, "From: <%s>\r\nTo: support@hotline.test\r\n"
	    "Subject: %s\r\nMessage-ID: <%s>\r\n%s%s%s%s%s%s"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n%s\r\n", from, subject, id,
	    in_reply_to != NULL ? "In-Reply-To: <" : "",
	    in_reply_to != NULL ? in_reply_to : "",
	    in_reply_to != NULL ? ">\r\n" : "",
	    in_reply_to != NULL ? "References: <" : "",
	    in_reply_to != NULL ? in_reply_to : "",
	    in_reply_to != NULL ? ">\r\n" : "", text);
	ck_assert_int_ge(n, 0);
	return s;
}

static int64_t
count(const char *sql)
{
	return fixture_int(db, sql, 0);
}

/* The Message-ID of our newest letter in conversation conv (static). */
static const char *
our_id(int64_t conv)
{
	static char	 id[COMPOSE_ID_SIZE];
	sqlite3_stmt	*st;

	id[0] = '\0';
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT message_id FROM "
	    "mail_sent WHERE conv = ?1 ORDER BY id DESC LIMIT 1", -1, &st,
	    NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, conv);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(id, sizeof(id), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	ck_assert_msg(id[0] != '\0', "no letter of ours in %lld",
	    (long long)conv);
	return id;
}

/* Our newest letter in conv, as bytes (static). */
static const char *
our_letter(int64_t conv)
{
	static char	 buf[256 * 1024];
	sqlite3_stmt	*st;

	buf[0] = '\0';
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT letter FROM mail_sent "
	    "WHERE conv = ?1 ORDER BY id DESC LIMIT 1", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(st, 1, conv);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) <
	    (int)sizeof(buf))
		snprintf(buf, sizeof(buf), "%.*s", sqlite3_column_bytes(st, 0),
		    (const char *)sqlite3_column_blob(st, 0));
	sqlite3_finalize(st);
	return buf;
}

/* The expected action of each evaluation letter. */
static const struct {
	const char	*file;
	const char	*outcome;
} eval[] = {
	{ "d01.eml", "answered" }, { "d02.eml", "answered" },
	{ "d03.eml", "answered" }, { "d04.eml", "answered" },
	{ "d05.eml", "answered" }, { "d06.eml", "answered" },
	{ "d07.eml", "answered" }, { "d08.eml", "answered" },
	{ "d09.eml", "answered" }, { "d10.eml", "answered" },
	{ "d11.eml", "answered" }, { "d12.eml", "robot" },
	{ "d13.eml", "robot" }, { "d14.eml", "robot" },
	{ "d15.eml", "acknowledged" }, { "d16.eml", "answered" },
	{ "d17.eml", "robot" }, { "d18.eml", "answered" },
};

START_TEST(eval_letters_get_their_outcome_and_robots_nothing)
{
	struct mailchan_result	 res;
	char			*buf, *err = NULL, path[512];
	size_t			 len, i, letters = 0;

	for (i = 0; i < sizeof(eval) / sizeof(eval[0]); i++) {
		snprintf(path, sizeof(path), "%s/tests/data/mail/%s",
		    HOTLINE_SRCDIR, eval[i].file);
		if (files_read(path, 1 << 20, &buf, &len, &err) == -1)
			ck_abort_msg("%s", err);
		take(buf, &res);
		free(buf);
		ck_assert_msg(strcmp(res.outcome, eval[i].outcome) == 0,
		    "%s: %s, not %s (%s)", eval[i].file, res.outcome,
		    eval[i].outcome, res.reason);
		letters += res.letters;
		if (strcmp(eval[i].outcome, "robot") == 0) {
			ck_assert_int_eq(res.letters, 0);
			ck_assert_str_ne(res.reason, "");
		} else {
			ck_assert_int_eq(res.letters, 1);
			ck_assert_str_ne(res.number, "");
		}
	}
	ck_assert_uint_eq(letters, 14);
	ck_assert_int_eq(count("SELECT count(*) FROM mail_sent WHERE status = "
	    "'pending' AND auto = 1"), 14);
	ck_assert_int_eq(count("SELECT count(*) FROM mail_suppressed"), 4);
	/* The handoff is in the operators' queue as an e-mail. */
	ck_assert_int_eq(count("SELECT count(*) FROM queue_item WHERE channel "
	    "= 'email' AND waiting = 1"), 1);
	/* d08's PDF is kept on its request. */
	ck_assert_int_eq(count("SELECT count(*) FROM attachment WHERE type = "
	    "'application/pdf' AND number IS NOT NULL"), 1);
}
END_TEST

START_TEST(the_same_letter_twice_is_answered_once)
{
	struct mailchan_result	 res;
	char			*a;

	a = letter("p.ivanov@example.org", "once.1@example.org",
	    "Не приходит СМС", NULL, "Не приходит смс с кодом для входа.");
	take_at(10, a, &res);
	ck_assert_str_eq(res.outcome, "answered");
	ck_assert_int_eq(res.letters, 1);
	/* Again at the same place: a restart before the flag was set. */
	take_at(10, a, &res);
	ck_assert_int_eq(res.letters, 0);
	ck_assert_str_eq(res.outcome, "duplicate");
	/* Again at another UID: appended twice, or a new UIDVALIDITY. */
	take_at(11, a, &res);
	ck_assert_int_eq(res.letters, 0);
	ck_assert_str_eq(res.outcome, "duplicate");
	ck_assert_int_eq(count("SELECT count(*) FROM mail_sent"), 1);
	ck_assert_int_eq(count("SELECT count(*) FROM request"), 1);
	free(a);
}
END_TEST

/* Threading: each letter joins the request of an earlier one, or not. */
START_TEST(letters_join_requests_by_our_ids_or_the_citizens_number)
{
	struct mailchan_result	 first, res;
	char			*a, subj[128], id[COMPOSE_ID_SIZE];
	int64_t			 conv;
	char			 number[REQUEST_NUMBER_MAX];

	cfg.auto_replies_per_hour = 100;
	a = letter("citizen@example.org", "t.1@example.org", "Вход",
	    NULL, "Не приходит смс с кодом.");
	take(a, &first);
	free(a);
	conv = first.conv;
	snprintf(number, sizeof(number), "%s", first.number);
	snprintf(id, sizeof(id), "%s", our_id(conv));

	/* In-Reply-To our letter: joins. */
	a = letter("citizen@example.org", "t.2@example.org", "Re: Вход", id,
	    "Спасибо, а как сменить пароль?");
	take(a, &res);
	free(a);
	ck_assert_int_eq(res.conv, conv);
	ck_assert_str_eq(res.number, number);

	/* Our id from another address (a forwarded letter): joins too. */
	a = letter("wife@example.org", "t.3@example.org", "Fwd: Вход", id,
	    "Забыла пароль от госуслуг");
	take(a, &res);
	free(a);
	ck_assert_int_eq(res.conv, conv);

	/* The number in the subject, from the citizen: joins. */
	snprintf(subj, sizeof(subj), "Re: [%s] Вход", number);
	a = letter("Citizen@Example.ORG", "t.4@example.org", subj, NULL,
	    "Не приходит смс с кодом");
	take(a, &res);
	free(a);
	ck_assert_int_eq(res.conv, conv);

	/* The number from someone else: a new request. */
	a = letter("stranger@example.org", "t.5@example.org", subj, NULL,
	    "Не приходит смс с кодом");
	take(a, &res);
	free(a);
	ck_assert_int_ne(res.conv, conv);
	ck_assert_str_ne(res.number, number);

	/* A number that is no request: a new request. */
	a = letter("citizen@example.org", "t.6@example.org",
	    "Re: [№ 2026-999999] Вход", NULL, "Не приходит смс с кодом");
	take(a, &res);
	free(a);
	ck_assert_int_ne(res.conv, conv);

	/* An id that is not ours: a new request. */
	a = letter("citizen@example.org", "t.7@example.org", "Вопрос",
	    "hotline.aaaaaaaaaaaaaaaaaaaaaaaaaa@hotline.test",
	    "Не приходит смс с кодом");
	take(a, &res);
	free(a);
	ck_assert_int_ne(res.conv, conv);

	/* Our answer threads: In-Reply-To the letter it answers. */
	a = letter("citizen@example.org", "t.8@example.org", "Re: Вход", id,
	    "Не приходит смс");
	take(a, &res);
	free(a);
	ck_assert_ptr_nonnull(strstr(our_letter(conv),
	    "In-Reply-To: <t.8@example.org>\r\n"));
	ck_assert_int_eq(count("SELECT count(DISTINCT conv) FROM mail_seen"),
	    4);
}
END_TEST

START_TEST(automatic_letters_to_one_address_stop_at_the_cap)
{
	struct mailchan_result	 res;
	char			*a, id[64];
	int			 i, sent = 0;

	for (i = 0; i < 7; i++) {
		snprintf(id, sizeof(id), "cap.%d@example.org", i);
		a = letter("loop@example.org", id, "Пароль", NULL,
		    "Забыл пароль от госуслуг");
		take(a, &res);
		free(a);
		sent += res.letters;
		if (i < cfg.auto_replies_per_hour)
			ck_assert_str_eq(res.outcome, "answered");
		else {
			ck_assert_str_eq(res.outcome, "capped");
			ck_assert_ptr_nonnull(strstr(res.reason, "last hour"));
			/* Still registered, for a person to see. */
			ck_assert_str_ne(res.number, "");
		}
	}
	ck_assert_int_eq(sent, cfg.auto_replies_per_hour);
	ck_assert_int_eq(count("SELECT count(*) FROM mail_suppressed WHERE "
	    "address = 'loop@example.org'"), 2);
	/* An hour later: the hourly cap is clear, the daily one counts. */
	env.now += 3601;
	cfg.auto_replies_per_day = 6;
	a = letter("loop@example.org", "cap.7@example.org", "Пароль", NULL,
	    "Забыл пароль от госуслуг");
	take(a, &res);
	free(a);
	ck_assert_str_eq(res.outcome, "answered");
	a = letter("loop@example.org", "cap.8@example.org", "Пароль", NULL,
	    "Забыл пароль от госуслуг");
	take(a, &res);
	free(a);
	ck_assert_str_eq(res.outcome, "capped");
	ck_assert_ptr_nonnull(strstr(res.reason, "last day"));
}
END_TEST

START_TEST(a_robot_is_noted_and_reopens_nothing)
{
	struct mailchan_result	 first, res;
	struct conv_info	 ci;
	char			*a, *b, id[COMPOSE_ID_SIZE], *err = NULL;
	int64_t			 msgs;

	a = letter("v.k@example.org", "r.1@example.org", "Оператор", NULL,
	    "Прошу связаться со специалистом, хочу поговорить с человеком.");
	take(a, &first);
	free(a);
	ck_assert_str_eq(first.outcome, "acknowledged");
	snprintf(id, sizeof(id), "%s", our_id(first.conv));
	ck_assert_int_eq(conv_info(db, first.conv, &ci, &err), 1);
	ck_assert_int_eq(ci.state, CONV_QUEUED);
	msgs = count("SELECT count(*) FROM message");
	/* The citizen's out-of-office answers our acknowledgement. */
	a = letter("v.k@example.org", "r.2@example.org", "Автоответ: Re: "
	    "Оператор", id, "Я в отпуске до понедельника.");
	b = malloc(strlen(a) + 64);
	snprintf(b, strlen(a) + 64, "Auto-Submitted: auto-replied\r\n%s", a);
	take(b, &res);
	free(a);
	free(b);
	ck_assert_str_eq(res.outcome, "note");
	ck_assert_int_eq(res.letters, 0);
	ck_assert_int_eq(res.conv, first.conv);
	ck_assert_int_eq(count("SELECT count(*) FROM message"), msgs + 1);
	ck_assert_int_eq(count("SELECT count(*) FROM message WHERE sender = "
	    "'system' AND text LIKE 'Автоматическое письмо%'"), 1);
	ck_assert_int_eq(conv_info(db, first.conv, &ci, &err), 1);
	ck_assert_int_eq(ci.state, CONV_QUEUED);
	ck_assert_int_eq(count("SELECT count(*) FROM mail_sent"), 1);
}
END_TEST

START_TEST(a_follow_up_goes_to_the_operator_whose_reply_is_mailed)
{
	struct mailchan_result	 first, res;
	json_t			*item = NULL, *msg = NULL;
	char			*a, id[COMPOSE_ID_SIZE], *err = NULL;
	const char		*l;
	enum core_err			 why;

	a = letter("v.k@example.org", "o.1@example.org", "Оператор", NULL,
	    "Прошу связаться со специалистом, хочу поговорить с человеком.");
	take(a, &first);
	free(a);
	snprintf(id, sizeof(id), "%s", our_id(first.conv));
	ck_assert_int_eq(queue_take(db, first.conv, "anna", "operator",
	    env.now, &item, &why, &err), 0);
	json_decref(item);
	a = letter("v.k@example.org", "o.2@example.org", "Re: Оператор", id,
	    "Забыл пароль, помогите");
	take(a, &res);
	free(a);
	ck_assert_str_eq(res.outcome, "to operator");
	ck_assert_int_eq(res.letters, 0);
	ck_assert_int_eq(count("SELECT count(*) FROM mail_sent"), 1);
	/* Nothing to mail until the operator writes. */
	ck_assert_int_eq(mailout_operator_letters(&env, &err), 0);
	ck_assert_int_eq(queue_reply(db, first.conv, "anna", "operator",
	    "Пароль сброшен, войдите заново.", strlen("Пароль сброшен, "
	    "войдите заново."), NULL, env.now, &msg, &why, &err), 0);
	json_decref(msg);
	ck_assert_int_eq(mailout_operator_letters(&env, &err), 1);
	ck_assert_int_eq(mailout_operator_letters(&env, &err), 0);
	l = our_letter(first.conv);
	ck_assert_ptr_nonnull(strstr(l, "In-Reply-To: <o.2@example.org>\r\n"));
	ck_assert_ptr_nonnull(strstr(l, "To: <v.k@example.org>\r\n"));
	ck_assert_ptr_null(strstr(l, "Auto-Submitted"));
	ck_assert_int_eq(count("SELECT count(*) FROM mail_sent WHERE auto = 0 "
	    "AND message IS NOT NULL"), 1);
}
END_TEST

START_TEST(a_reply_without_an_address_fails_once)
{
	struct mailchan_result	 first;
	json_t			*item = NULL, *msg = NULL;
	char			*a, *err = NULL, sql[128], *js;
	const char		*t = "Пароль сброшен.";
	enum core_err			 why;

	a = letter("v.k@example.org", "f.1@example.org", "Оператор", NULL,
	    "Прошу связаться со специалистом, хочу поговорить с человеком.");
	take(a, &first);
	free(a);
	/* The letter gave nothing one may answer to. */
	snprintf(sql, sizeof(sql), "UPDATE mail_thread SET rcpt = 'nobody' "
	    "WHERE conv = %lld", (long long)first.conv);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(queue_take(db, first.conv, "anna", "operator",
	    env.now, &item, &why, &err), 0);
	json_decref(item);
	ck_assert_int_eq(queue_reply(db, first.conv, "anna", "operator", t,
	    strlen(t), NULL, env.now, &msg, &why, &err), 0);
	json_decref(msg);
	ck_assert_int_eq(mailout_operator_letters(&env, &err), 1);
	/* The next rounds of the sender leave it be. */
	ck_assert_int_eq(mailout_operator_letters(&env, &err), 0);
	ck_assert_int_eq(mailout_operator_letters(&env, &err), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM mail_suppressed WHERE "
	    "reason LIKE 'operator''s reply%'"), 1);
	ck_assert_int_eq(count("SELECT count(*) FROM mail_sent WHERE status = "
	    "'failed' AND message IS NOT NULL AND letter IS NULL"), 1);
	/* The console shows the reply as not sent. */
	ck_assert_int_eq(queue_read(db, first.conv, "anna", "operator",
	    env.now, &item, &why, &err), 0);
	js = json_dumps(item, 0);
	ck_assert_ptr_nonnull(strstr(js, "\"delivery\": {\"status\": "
	    "\"failed\""));
	free(js);
	json_decref(item);
}
END_TEST

START_TEST(the_outbox_keeps_a_letter_until_it_is_sent)
{
	struct mailchan_result	 res;
	struct mailout_letter	*out;
	char			*a, *err = NULL;
	size_t			 n;

	a = letter("q@example.org", "out.1@example.org", "Пароль", NULL,
	    "Забыл пароль от госуслуг");
	take(a, &res);
	free(a);
	ck_assert_int_eq(mailout_pending(db, env.now, 10, &out, &n, &err), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(out[0].rcpt, "q@example.org");
	ck_assert_ptr_nonnull(strstr(out[0].letter, "\r\nSubject: "));
	/* A refusal for now: tried again later, not at once. */
	ck_assert_int_eq(mailout_sent(db, out[0].id, "451 later", 0,
	    env.now, &err), 0);
	mailout_free(out, n);
	ck_assert_int_eq(mailout_pending(db, env.now, 10, &out, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(mailout_pending(db, env.now + 3600, 10, &out, &n,
	    &err), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(mailout_sent(db, out[0].id, NULL, 0, env.now,
	    &err), 0);
	mailout_free(out, n);
	ck_assert_int_eq(mailout_pending(db, env.now + 7200, 10, &out, &n,
	    &err), 0);
	ck_assert_uint_eq(n, 0);
	/* Sent: the bytes are gone, the id stays for threading. */
	ck_assert_int_eq(count("SELECT count(*) FROM mail_sent WHERE status = "
	    "'sent' AND letter IS NULL AND message_id LIKE 'hotline.%'"), 1);
}
END_TEST

START_TEST(unreadable_and_poison_letters_go_to_quarantine)
{
	struct mailchan_where	 w = { "INBOX", 777, 500 };
	struct mailchan_result	 res;
	char			*err = NULL;
	int			 q;

	take_at(400, "no header at all, just words", &res);
	ck_assert_str_eq(res.outcome, "quarantine");
	ck_assert_int_eq(res.quarantine, 1);
	ck_assert_str_ne(res.reason, "");
	/* Seen again after a restart: quarantined again, not read. */
	take_at(400, "no header at all, just words", &res);
	ck_assert_int_eq(res.quarantine, 1);
	/* Tries are counted per letter, committed before it is read. */
	ck_assert_int_eq(mailchan_try(db, &w, &err), 1);
	ck_assert_int_eq(mailchan_try(db, &w, &err), 2);
	ck_assert_int_eq(mailchan_try(db, &w, &err), 3);
	w.uid = 501;
	ck_assert_int_eq(mailchan_try(db, &w, &err), 1);
	w.uid = 500;
	ck_assert_int_eq(mailchan_refuse(&env, &w, "not finished in 3 tries",
	    &err), 0);
	ck_assert_int_eq(mailchan_seen(db, &w, &q, &err), 1);
	ck_assert_int_eq(q, 1);
}
END_TEST

START_TEST(retention_removes_who_wrote_and_what)
{
	struct mailchan_result	 res;
	char			*a, *err = NULL;

	a = letter("old@example.org", "old.1@example.org", "Пароль", NULL,
	    "Забыл пароль от госуслуг");
	take(a, &res);
	free(a);
	ck_assert_int_eq(request_set_status(db, res.number, "closed",
	    env.now - 400 * 86400, &err), 0);
	ck_assert_int_ge(retention_run(db, attdir, 365, env.now, &err), 1);
	ck_assert_int_eq(count("SELECT count(*) FROM mail_thread WHERE "
	    "address = '" RETENTION_REMOVED "' AND subject = '' AND refs IS "
	    "NULL"), 1);
	ck_assert_int_eq(count("SELECT count(*) FROM mail_sent WHERE rcpt = "
	    "'' AND letter IS NULL"), 1);
	ck_assert_int_eq(count("SELECT count(*) FROM mail_seen WHERE "
	    "message_id IS NULL"), 1);
	ck_assert_int_eq(count("SELECT count(*) FROM message WHERE text LIKE "
	    "'%пароль%'"), 0);
}
END_TEST

Suite *
mailchan_suite(void)
{
	Suite	*s = suite_create("mailchan");
	TCase	*tc;

	tc = tcase_create("letters");
	tcase_add_checked_fixture(tc, world_setup, world_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, eval_letters_get_their_outcome_and_robots_nothing);
	tcase_add_test(tc, the_same_letter_twice_is_answered_once);
	tcase_add_test(tc,
	    letters_join_requests_by_our_ids_or_the_citizens_number);
	tcase_add_test(tc, automatic_letters_to_one_address_stop_at_the_cap);
	tcase_add_test(tc, a_robot_is_noted_and_reopens_nothing);
	tcase_add_test(tc,
	    a_follow_up_goes_to_the_operator_whose_reply_is_mailed);
	tcase_add_test(tc, a_reply_without_an_address_fails_once);
	tcase_add_test(tc, the_outbox_keeps_a_letter_until_it_is_sent);
	tcase_add_test(tc, unreadable_and_poison_letters_go_to_quarantine);
	tcase_add_test(tc, retention_removes_who_wrote_and_what);
	suite_add_tcase(s, tc);
	return s;
}
