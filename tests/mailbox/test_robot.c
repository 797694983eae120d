/*
 * Never answering a robot (RFC 3834): each rule of the table on a letter
 * that meets only it, the values that are not robots (Auto-Submitted: no,
 * X-Auto-Response-Suppress alone, Precedence: first-class), and the
 * evaluation letters: d12, d13, d14 and d17 are robots for the reasons
 * their makers meant, the other fourteen are people.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/files.h"
#include "mailbox/mail.h"
#include "mailbox/robot.h"

Suite	*robot_suite(void);

#define OWN	"support@hotline.test"

/* Our Message-IDs end in our domain. */
static int
own_id(const char *id, void *arg)
{
	size_t	n = strlen(id), k = strlen((const char *)arg);

	return n > k && strcmp(id + n - k, (const char *)arg) == 0;
}

/* The reason for a letter made of header lines and a plain body. */
static const char *
reason_of(const char *headers)
{
	static char	 reason[128];
	struct mail	*m;
	const char	*r;
	char		*letter, *err;

	if (asprintf(&letter, "%s\nDate: Mon, 2 Mar 2026 10:00:00 +0300\n"
	    "Message-ID: <abc@example.com>\n\nЗдравствуйте!\n", headers) < 0)
		ck_abort();
	if (mail_parse(letter, strlen(letter), &m, &err) == -1)
		ck_abort_msg("%s", err);
	r = robot_reason(m, OWN, own_id, "@hotline.test");
	snprintf(reason, sizeof(reason), "%s", r != NULL ? r : "(person)");
	mail_free(&m);
	free(letter);
	return reason;
}

#define PERSON	"From: Ivan <ivan@example.com>"

static const struct {
	const char	*headers;
	const char	*reason;
} cases[] = {
	{ PERSON, "(person)" },
	{ PERSON "\nAuto-Submitted: no", "(person)" },
	{ PERSON "\nAuto-Submitted: No (a person typed this)", "(person)" },
	{ PERSON "\nX-Auto-Response-Suppress: All", "(person)" },
	{ PERSON "\nPrecedence: first-class", "(person)" },
	{ PERSON "\nReturn-Path: <ivan@example.com>", "(person)" },
	{ PERSON "\nAuto-Submitted: auto-replied",
	    "Auto-Submitted: auto-replied" },
	{ PERSON "\nAuto-Submitted: Auto-Replied (vacation)",
	    "Auto-Submitted: auto-replied" },
	{ PERSON "\nAuto-Submitted: auto-generated",
	    "Auto-Submitted: auto-generated" },
	{ PERSON "\nAuto-Submitted: auto-notified",
	    "Auto-Submitted: auto-notified" },
	{ PERSON "\nAuto-Submitted: yes", "Auto-Submitted other than no" },
	{ PERSON "\nPrecedence: bulk", "Precedence: bulk" },
	{ PERSON "\nPrecedence: JUNK", "Precedence: junk" },
	{ PERSON "\nPrecedence: list", "Precedence: list" },
	{ PERSON "\nPrecedence: auto_reply", "Precedence: auto_reply" },
	{ PERSON "\nList-Id: <news.lists.example.org>", "List-Id" },
	{ PERSON "\nList-Unsubscribe: <mailto:leave@example.org>",
	    "List-Unsubscribe" },
	{ PERSON "\nX-Autoreply: yes", "X-Autoreply" },
	{ PERSON "\nX-Autorespond: Out of office", "X-Autorespond" },
	{ PERSON "\nReturn-Path: <>", "empty Return-Path" },
	{ PERSON "\nReturn-Path: < >", "empty Return-Path" },
	{ "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)",
	    "sender MAILER-DAEMON" },
	{ "From: Mailer-Daemon", "sender MAILER-DAEMON" },
	{ "From: postmaster@example.org", "sender postmaster" },
	{ "From: Госуслуги <noreply@gosuslugi.example>", "no-reply sender" },
	{ "From: No-Reply@example.com", "no-reply sender" },
	{ "From: do_not_reply@example.com", "no-reply sender" },
	{ "From: DoNotReply@example.com", "no-reply sender" },
	{ "From: noreply-notify@example.com", "no-reply sender" },
	{ "From: bounces+123-ivan=example.com@list.example.org",
	    "bounce sender" },
	{ "From: Служба <Support@Hotline.Test>", "our own address" },
	{ PERSON "\nReply-To: support@hotline.test", "our own address" },
	{ "Subject: who?", "no sender" },
	{ "From: undisclosed-recipients:;", "no sender" },
	{ PERSON "\nContent-Type: multipart/report; report-type="
	    "delivery-status; boundary=R\n\n--R\nContent-Type: text/plain\n\n"
	    "failed\n--R\nContent-Type: message/delivery-status\n\n"
	    "Action: failed\n--R--", "delivery report" },
};

START_TEST(each_rule_names_its_reason)
{
	ck_assert_str_eq(reason_of(cases[_i].headers), cases[_i].reason);
}
END_TEST

START_TEST(our_own_message_id_returning_is_a_robot)
{
	struct mail	*m;
	char		*err;
	static const char letter[] = "From: ivan@example.com\n"
	    "Message-ID: <reply-2026-000777@hotline.test>\n\nhi\n";

	ck_assert_int_eq(mail_parse(letter, strlen(letter), &m, &err), 0);
	ck_assert_str_eq(robot_reason(m, OWN, own_id, "@hotline.test"),
	    "refers to our own Message-ID as its own");
	/* Without a callback or an address those checks are skipped. */
	ck_assert_ptr_null(robot_reason(m, NULL, NULL, NULL));
	mail_free(&m);
}
END_TEST

START_TEST(first_matching_rule_wins_in_table_order)
{
	/* A bounce meets several rules; the report is named. */
	ck_assert_str_eq(reason_of("From: MAILER-DAEMON@mx.example.net\n"
	    "Return-Path: <>\nAuto-Submitted: auto-replied\n"
	    "Content-Type: multipart/report; boundary=R\n\n--R\n"
	    "Content-Type: text/plain\n\nx\n--R--"), "delivery report");
	ck_assert_str_eq(reason_of(PERSON "\nPrecedence: bulk\n"
	    "List-Id: <a.b>"), "List-Id");
}
END_TEST

static const char *
letter_reason(const char *name)
{
	static char	 reason[128];
	const char	*top = getenv("top_srcdir"), *r;
	char		 path[1024], *buf, *err;
	struct mail	*m;
	size_t		 len;

	snprintf(path, sizeof(path), "%s/tests/data/mail/%s",
	    top != NULL ? top : ".", name);
	if (files_read(path, 1 << 20, &buf, &len, &err) == -1)
		ck_abort_msg("%s", err);
	if (mail_parse(buf, len, &m, &err) == -1)
		ck_abort_msg("%s", err);
	r = robot_reason(m, OWN, own_id, "@hotline.test");
	snprintf(reason, sizeof(reason), "%s", r != NULL ? r : "(person)");
	mail_free(&m);
	free(buf);
	return reason;
}

START_TEST(evaluation_robots_are_recognised_for_the_right_reason)
{
	ck_assert_str_eq(letter_reason("d12.eml"),
	    "Auto-Submitted: auto-replied");
	ck_assert_str_eq(letter_reason("d13.eml"), "delivery report");
	ck_assert_str_eq(letter_reason("d14.eml"), "List-Id");
	ck_assert_str_eq(letter_reason("d17.eml"), "our own address");
}
END_TEST

START_TEST(evaluation_people_are_not_robots)
{
	static const int people[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15,
	    16, 18 };
	char	name[32];
	size_t	i;

	for (i = 0; i < sizeof(people) / sizeof(people[0]); i++) {
		snprintf(name, sizeof(name), "d%02d.eml", people[i]);
		ck_assert_msg(strcmp(letter_reason(name), "(person)") == 0,
		    "%s: %s", name, letter_reason(name));
	}
}
END_TEST

START_TEST(crafted_letters_without_sender_or_with_empty_path_are_robots)
{
	ck_assert_str_eq(letter_reason("bad-no-from.eml"), "no sender");
	ck_assert_str_eq(letter_reason("bad-return-path-empty.eml"),
	    "empty Return-Path");
}
END_TEST

Suite *
robot_suite(void)
{
	Suite	*s = suite_create("robot");
	TCase	*tc;

	tc = tcase_create("rules");
	tcase_add_loop_test(tc, each_rule_names_its_reason, 0,
	    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, our_own_message_id_returning_is_a_robot);
	tcase_add_test(tc, first_matching_rule_wins_in_table_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("letters");
	tcase_add_test(tc,
	    evaluation_robots_are_recognised_for_the_right_reason);
	tcase_add_test(tc, evaluation_people_are_not_robots);
	tcase_add_test(tc,
	    crafted_letters_without_sender_or_with_empty_path_are_robots);
	suite_add_tcase(s, tc);
	return s;
}
