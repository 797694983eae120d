/*
 * The transports' refusals, which need no server: plain IMAP or SMTP
 * (a password and citizens' letters in clear) only to this machine, TLS
 * only with a URL that says so, unknown schemes refused; and a server
 * that is not there is an error naming it, not a hang.  Talking to real
 * servers is tests/e2e/mail.sh.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mailbox/imap.h"
#include "mailbox/smtp.h"

Suite	*transport_suite(void);

START_TEST(loopback_is_only_this_machine)
{
	ck_assert(smtp_host_is_loopback("127.0.0.1"));
	ck_assert(smtp_host_is_loopback("127.1.2.3"));
	ck_assert(smtp_host_is_loopback("::1"));
	ck_assert(smtp_host_is_loopback("[::1]"));
	ck_assert(smtp_host_is_loopback("LocalHost"));
	ck_assert(!smtp_host_is_loopback("10.0.0.1"));
	ck_assert(!smtp_host_is_loopback("mail.example.org"));
	ck_assert(!smtp_host_is_loopback("localhost.example.org"));
	ck_assert(!smtp_host_is_loopback("::2"));
	ck_assert(!smtp_host_is_loopback(NULL));
}
END_TEST

static const struct {
	const char		*url;
	enum smtp_security	 security;
	int			 ok;
	const char		*why;	/* part of the error */
} smtp_cases[] = {
	{ "smtp://127.0.0.1:25", SMTP_SECURITY_NONE, 1, NULL },
	{ "smtp://[::1]:2525", SMTP_SECURITY_NONE, 1, NULL },
	{ "smtp://mail.example.org:587", SMTP_SECURITY_NONE, 0, "plain SMTP" },
	{ "smtp://mail.example.org:587", SMTP_SECURITY_STARTTLS, 1, NULL },
	{ "smtps://mail.example.org", SMTP_SECURITY_NONE, 1, NULL },
	{ "smtps://mail.example.org", SMTP_SECURITY_TLS, 1, NULL },
	{ "smtp://mail.example.org", SMTP_SECURITY_TLS, 0, "smtps://" },
	{ "http://127.0.0.1/", SMTP_SECURITY_NONE, 0, "smtp://" },
	{ "not a url", SMTP_SECURITY_NONE, 0, "URL" },
};

START_TEST(smtp_refuses_what_would_leak)
{
	struct smtp_config	 sc;
	struct smtp		*s = NULL;
	char			*err = NULL;
	int			 rc;

	memset(&sc, 0, sizeof(sc));
	sc.url = smtp_cases[_i].url;
	sc.security = smtp_cases[_i].security;
	rc = smtp_new(&sc, &s, &err);
	if (smtp_cases[_i].ok) {
		ck_assert_msg(rc == 0, "%s: %s", sc.url, err);
		smtp_free(&s);
		ck_assert_ptr_null(s);
	} else {
		ck_assert_msg(rc == -1, "%s accepted", sc.url);
		ck_assert_msg(strstr(err, smtp_cases[_i].why) != NULL,
		    "%s: %s", sc.url, err);
		free(err);
	}
}
END_TEST

START_TEST(smtp_to_nobody_is_an_error_not_a_hang)
{
	struct smtp_config	 sc;
	struct smtp		*s = NULL;
	char			*err = NULL;
	int			 perm = -1;

	memset(&sc, 0, sizeof(sc));
	sc.url = "smtp://127.0.0.1:1";
	sc.timeout = 5;
	ck_assert_int_eq(smtp_new(&sc, &s, &err), 0);
	ck_assert_int_eq(smtp_send(s, "support@hotline.test",
	    "a@example.org", "Subject: x\r\n\r\nx\r\n", 16, &perm, &err), -1);
	ck_assert_int_eq(perm, 0);
	ck_assert_ptr_nonnull(strstr(err, "smtp: "));
	free(err);
	smtp_free(&s);
}
END_TEST

START_TEST(imap_refuses_plain_to_another_machine)
{
	struct imap_config	 ic;
	struct imap		*im = NULL;
	char			*err = NULL;

	memset(&ic, 0, sizeof(ic));
	ic.host = "mail.example.org";
	ic.user = "u";
	ic.password = "p";
	ic.security = IMAP_SECURITY_NONE;
	ck_assert_int_eq(imap_open(&ic, &im, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "plain IMAP"));
	ck_assert_ptr_null(im);
	free(err);
}
END_TEST

START_TEST(imap_to_nobody_is_an_error_not_a_hang)
{
	struct imap_config	 ic;
	struct imap		*im = NULL;
	char			*err = NULL;

	memset(&ic, 0, sizeof(ic));
	ic.host = "127.0.0.1";
	ic.port = 1;
	ic.user = "u";
	ic.password = "p";
	ic.timeout = 5;
	ck_assert_int_eq(imap_open(&ic, &im, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "imap: connect"));
	ck_assert_ptr_null(im);
	free(err);
	memset(&ic, 0, sizeof(ic));
	ck_assert_int_eq(imap_open(&ic, &im, &err), -1);
	free(err);
}
END_TEST

Suite *
transport_suite(void)
{
	Suite	*s = suite_create("transport");
	TCase	*tc;

	tc = tcase_create("refusals");
	tcase_add_test(tc, loopback_is_only_this_machine);
	tcase_add_loop_test(tc, smtp_refuses_what_would_leak, 0,
	    sizeof(smtp_cases) / sizeof(smtp_cases[0]));
	tcase_add_test(tc, smtp_to_nobody_is_an_error_not_a_hang);
	tcase_add_test(tc, imap_refuses_plain_to_another_machine);
	tcase_add_test(tc, imap_to_nobody_is_an_error_not_a_hang);
	suite_add_tcase(s, tc);
	return s;
}
