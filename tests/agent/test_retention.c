/*
 * Tests of agent/core/retention.c with a real state database and real
 * files: a request closed longer ago than the retention period loses the
 * citizen's words and files, keeps its number and gets a journal entry,
 * while a recent or still open one is untouched; a file another live
 * conversation still shows stays on disk; an idle bot-only chat goes too;
 * a second run finds nothing; a file nobody opened goes after its shorter
 * period, unless an operator has looked or it is recent.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/core/attach.h"
#include "agent/core/conv.h"
#include "agent/core/request.h"
#include "agent/core/retention.h"
#include "agent/core/state.h"
#include "agent/core/stmt.h"
#include "lib/sqldb.h"
#include "tests/agent/fixture.h"

Suite	*retention_suite(void);

#define DAY	86400
/* "Now" for every test: a fixed moment, so days are exact. */
#define NOW	1800000000

static struct fixture	 fx;
static sqlite3	*db;

static void
setup(void)
{
	fixture_open(&fx, "retention", 0);
	db = fx.db;
}

static void
teardown(void)
{
	fixture_close(&fx);
}

/*
 * A chat that started at `at` with the citizen's words; with a request in
 * status (NULL: none) last changed at `at`.  Returns its id, with the
 * number in number_r when there is one.
 */
static int64_t
chat(time_t at, const char *status, char number_r[REQUEST_NUMBER_MAX])
{
	struct request_new	 rn;
	char			*err = NULL;
	int64_t			 id;

	id = fixture_conv(db, "chat", "ru", at, NULL);
	ck_assert_msg(conv_add(db, id, "citizen", "мой паспорт 4510 123456",
	    NULL, NULL, NULL, NULL, 0, at, &err) > 0, "%s", err);
	number_r[0] = '\0';
	if (status != NULL) {
		memset(&rn, 0, sizeof(rn));
		rn.channel = "chat";
		rn.status = status;
		rn.summary = "мой паспорт 4510 123456";
		ck_assert_int_eq(request_register(db, &rn, at, number_r, &err),
		    0);
		ck_assert_int_eq(conv_set_number(db, id, number_r, &err), 0);
	}
	return id;
}

/* Attaches data (its own bytes) to conv at `at`, on disk and in a row. */
static void
attach(int64_t conv, const char *number, const char *data, time_t at,
    char hex_r[ATTACH_HEX_SIZE])
{
	char	*err = NULL;

	ck_assert_msg(attach_save(fx.files, (const unsigned char *)data,
	    strlen(data), hex_r, &err) == 0, "%s", err);
	ck_assert_int_eq(state_begin(db, &err), 0);
	ck_assert_msg(attach_record(db, conv, number[0] ? number : NULL,
	    "паспорт.pdf", "application/pdf", strlen(data), hex_r, at,
	    &err) > 0, "%s", err);
	ck_assert_int_eq(state_commit(db, &err), 0);
}

static int
on_disk(const char *hex)
{
	char	path[256];

	snprintf(path, sizeof(path), "%s/%s", fx.files, hex);
	return access(path, F_OK) == 0;
}

/* The first column of the first row of sql with ?1 = conv, as an int. */
static int64_t
num(const char *sql, int64_t conv)
{
	return fixture_int(db, sql, conv);
}

/* Messages of conv still holding the citizen's words. */
static int64_t
words_left(int64_t conv)
{
	return num("SELECT count(*) FROM message WHERE conv = ?1 AND text <> "
	    "'" RETENTION_REMOVED "'", conv);
}

START_TEST(test_old_closed_scrubbed_recent_kept)
{
	char	 oldnum[REQUEST_NUMBER_MAX], newnum[REQUEST_NUMBER_MAX];
	char	 oldhex[ATTACH_HEX_SIZE], newhex[ATTACH_HEX_SIZE];
	char	*err = NULL;
	int64_t	 old, recent;

	old = chat(NOW - 40 * DAY, "closed", oldnum);
	attach(old, oldnum, "%PDF- old passport", NOW - 40 * DAY, oldhex);
	recent = chat(NOW - 5 * DAY, "closed", newnum);
	attach(recent, newnum, "%PDF- new passport", NOW - 5 * DAY, newhex);

	ck_assert_msg(retention_run(db, fx.files, 30, NOW, &err) == 1, "%s",
	    err);
	/* The old one: no words, no file, but its number and its journal. */
	ck_assert_int_eq(words_left(old), 0);
	ck_assert_int_eq(num("SELECT count(*) FROM attachment WHERE conv = ?1 "
	    "AND deleted = 1 AND name = '" RETENTION_REMOVED "'", old), 1);
	ck_assert(!on_disk(oldhex));
	ck_assert_int_eq(num("SELECT count(*) FROM request WHERE number = "
	    "(SELECT number FROM conversation WHERE id = ?1) AND summary IS "
	    "NULL", old), 1);
	ck_assert_int_eq(num("SELECT count(*) FROM audit WHERE conv = ?1 AND "
	    "action = 'retention'", old), 1);
	/* The recent one is as it was. */
	ck_assert_int_eq(words_left(recent), 2);
	ck_assert(on_disk(newhex));
	ck_assert_int_eq(num("SELECT count(*) FROM attachment WHERE conv = ?1 "
	    "AND deleted = 0", recent), 1);
	ck_assert_int_eq(num("SELECT count(*) FROM request WHERE number = "
	    "(SELECT number FROM conversation WHERE id = ?1) AND summary IS "
	    "NOT NULL", recent), 1);
	/* Nothing is left to do the next day. */
	ck_assert_int_eq(retention_run(db, fx.files, 30, NOW + DAY, &err), 0);
	ck_assert_int_eq(num("SELECT count(*) FROM audit WHERE action = "
	    "'retention'", 0), 1);
}
END_TEST

START_TEST(test_open_request_kept)
{
	char	 number[REQUEST_NUMBER_MAX], hex[ATTACH_HEX_SIZE];
	char	*err = NULL;
	int64_t	 c;

	/* Handed to a person long ago and never closed: still being
	 * worked on. */
	c = chat(NOW - 90 * DAY, "handoff", number);
	attach(c, number, "%PDF- waiting", NOW - 90 * DAY, hex);
	ck_assert_int_eq(retention_run(db, fx.files, 30, NOW, &err), 0);
	ck_assert_int_eq(words_left(c), 2);
	ck_assert(on_disk(hex));
}
END_TEST

START_TEST(test_shared_file_kept)
{
	char	 n1[REQUEST_NUMBER_MAX], n2[REQUEST_NUMBER_MAX];
	char	 h1[ATTACH_HEX_SIZE], h2[ATTACH_HEX_SIZE];
	char	*err = NULL;
	int64_t	 old, recent;

	/* The same scan sent in an old request and again in a new one. */
	old = chat(NOW - 40 * DAY, "closed", n1);
	attach(old, n1, "%PDF- the same scan", NOW - 40 * DAY, h1);
	recent = chat(NOW - DAY, "new", n2);
	attach(recent, n2, "%PDF- the same scan", NOW - DAY, h2);
	ck_assert_str_eq(h1, h2);
	ck_assert_int_eq(retention_run(db, fx.files, 30, NOW, &err), 1);
	ck_assert_int_eq(num("SELECT deleted FROM attachment WHERE conv = ?1",
	    old), 1);
	/* The new request still shows it. */
	ck_assert(on_disk(h2));
	/* Once the new one is gone too, so is the file. */
	ck_assert_int_eq(num("UPDATE request SET status = 'closed' WHERE "
	    "number = (SELECT number FROM conversation WHERE id = ?1) "
	    "RETURNING 1", recent), 1);
	ck_assert_int_eq(retention_run(db, fx.files, 30, NOW + 40 * DAY, &err),
	    1);
	ck_assert(!on_disk(h2));
}
END_TEST

START_TEST(test_idle_bot_chat_scrubbed)
{
	char	 none[REQUEST_NUMBER_MAX];
	char	*err = NULL;
	int64_t	 idle, active;

	/* Asked the bot, got an answer, left: no request. */
	idle = chat(NOW - 31 * DAY, NULL, none);
	active = chat(NOW - 29 * DAY, NULL, none);
	ck_assert_int_eq(retention_run(db, fx.files, 30, NOW, &err), 1);
	ck_assert_int_eq(words_left(idle), 0);
	ck_assert_int_eq(words_left(active), 1);
	/* The conversation itself stays for the statistics. */
	ck_assert_int_eq(num("SELECT count(*) FROM conversation WHERE id = ?1",
	    idle), 1);
}
END_TEST

START_TEST(test_unopened_files)
{
	char	 n1[REQUEST_NUMBER_MAX], n2[REQUEST_NUMBER_MAX];
	char	 n3[REQUEST_NUMBER_MAX];
	char	 h1[ATTACH_HEX_SIZE], h2[ATTACH_HEX_SIZE], h3[ATTACH_HEX_SIZE];
	char	*err = NULL;
	int64_t	 unseen, seen, fresh;

	unseen = chat(NOW - 10 * DAY, "new", n1);
	attach(unseen, n1, "%PDF- nobody looked", NOW - 10 * DAY, h1);
	seen = chat(NOW - 10 * DAY, "new", n2);
	attach(seen, n2, "%PDF- an operator looked", NOW - 10 * DAY, h2);
	ck_assert_msg(conv_add(db, seen, "operator", "Получили, проверяем",
	    NULL, NULL, "anna", n2, 0, NOW - 9 * DAY, &err) > 0, "%s", err);
	fresh = chat(NOW - 2 * DAY, "new", n3);
	attach(fresh, n3, "%PDF- sent the day before yesterday",
	    NOW - 2 * DAY, h3);

	ck_assert_msg(retention_unopened(db, fx.files, 7, NOW, &err) == 1, "%s",
	    err);
	ck_assert(!on_disk(h1));
	ck_assert(on_disk(h2));
	ck_assert(on_disk(h3));
	/* Only the file went: the question stays for whoever comes. */
	ck_assert_int_eq(words_left(unseen), 1);
	ck_assert_int_eq(num("SELECT count(*) FROM attachment WHERE conv = ?1 "
	    "AND deleted = 1", unseen), 1);
	ck_assert_int_eq(num("SELECT count(*) FROM request WHERE number = "
	    "(SELECT number FROM conversation WHERE id = ?1) AND summary IS "
	    "NOT NULL", unseen), 1);
	ck_assert_int_eq(retention_unopened(db, fx.files, 7, NOW, &err), 0);
}
END_TEST

Suite *
retention_suite(void)
{
	Suite	*s = suite_create("retention");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_old_closed_scrubbed_recent_kept);
	tcase_add_test(tc, test_open_request_kept);
	tcase_add_test(tc, test_shared_file_kept);
	tcase_add_test(tc, test_idle_bot_chat_scrubbed);
	tcase_add_test(tc, test_unopened_files);
	suite_add_tcase(s, tc);
	return s;
}
