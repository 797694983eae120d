/*
 * Our letters: the headers a mailer threads by and a robot recognises
 * (Message-ID of our shape, In-Reply-To, References capped, RFC 3834
 * Auto-Submitted), the subject with the request number as RFC 2047
 * encoded words, the text as quoted-printable with CRLF and short lines,
 * and nothing from a citizen's letter able to add a header.  Every letter
 * is read back with our own parser (mail_parse), as a citizen's mailer
 * would read it.
 */
#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailbox/compose.h"
#include "mailbox/mail.h"

Suite	*compose_suite(void);

#define NUMBER	"2026-000123"
#define TAG	"[\xe2\x84\x96 " NUMBER "]"

static const char *const refs3[] = {
	"first.1@example.org", "second.2@example.org", "bad id@x",
};

static void
base(struct compose *c, char *id, size_t idsz)
{
	memset(c, 0, sizeof(*c));
	ck_assert_int_eq(compose_message_id("support@hotline.test", id, idsz),
	    0);
	c->from = "support@hotline.test";
	c->from_name = "Горячая линия Госуслуг";
	c->to = "i.smirnova@example.com";
	c->subject = TAG " Не могу войти";
	c->message_id = id;
	c->in_reply_to = "third.3@example.org";
	c->references = refs3;
	c->nreferences = 3;
	c->date = 1772870400;	/* 2026-03-07 08:00 UTC */
	c->auto_replied = 1;
	c->text = "Здравствуйте!\n\nПароль можно восстановить.\n";
	c->html = "<p>Здравствуйте!</p>";
}

static char *
letter(const struct compose *c, size_t *len_r)
{
	char	*out = NULL, *err = NULL;

	if (compose_letter(c, &out, len_r, &err) == -1)
		ck_abort_msg("compose_letter: %s", err);
	ck_assert_uint_eq(strlen(out), *len_r);
	return out;
}

/* The header block of out, up to the empty line. */
static char *
head(const char *out)
{
	const char	*end = strstr(out, "\r\n\r\n");

	ck_assert_ptr_nonnull(end);
	return strndup(out, (size_t)(end - out) + 2);
}

static int
matches(const char *s, const char *re)
{
	regex_t	r;
	int	rc;

	ck_assert_int_eq(regcomp(&r, re, REG_EXTENDED | REG_NEWLINE), 0);
	rc = regexec(&r, s, 0, NULL, 0) == 0;
	regfree(&r);
	return rc;
}

START_TEST(headers_are_the_ones_mailers_and_robots_read)
{
	struct compose	 c;
	char		 id[COMPOSE_ID_SIZE], *out, *h;
	size_t		 len;

	base(&c, id, sizeof(id));
	out = letter(&c, &len);
	h = head(out);
	ck_assert(matches(h, "^Date: Sat, 07 Mar 2026 11:00:00 \\+0300\r$"));
	ck_assert(matches(h, "^To: <i\\.smirnova@example\\.com>\r$"));
	ck_assert(matches(h, "^ <support@hotline\\.test>\r$"));
	ck_assert(matches(h, "^Message-ID: <hotline\\.[a-z2-7]{26}@hotline\\."
	    "test>\r$"));
	ck_assert(matches(h, "^In-Reply-To: <third\\.3@example\\.org>\r$"));
	/* The citizen's References, the bad one left out, then the letter
	 * answered. */
	ck_assert_ptr_nonnull(strstr(h, "References: <first.1@example.org>\r\n"
	    " <second.2@example.org>\r\n <third.3@example.org>\r\n"));
	ck_assert_ptr_null(strstr(h, "bad id"));
	ck_assert(matches(h, "^Auto-Submitted: auto-replied\r$"));
	ck_assert(matches(h, "^MIME-Version: 1\\.0\r$"));
	ck_assert(matches(h, "^Content-Type: multipart/alternative; "
	    "boundary=\"=_hotline\\.[a-z2-7]{26}\"\r$"));
	/* The subject is all encoded words: no raw byte of it. */
	ck_assert(matches(h,
	    "^Subject: =\\?UTF-8\\?B\\?[A-Za-z0-9+/=]+\\?=\r$"));
	free(h);
	free(out);
}
END_TEST

START_TEST(read_back_it_is_what_was_written)
{
	struct compose	 c;
	struct mail	*m = NULL;
	char		 id[COMPOSE_ID_SIZE], *out, *err = NULL;
	size_t		 len;

	base(&c, id, sizeof(id));
	out = letter(&c, &len);
	if (mail_parse(out, len, &m, &err) == -1)
		ck_abort_msg("%s", err);
	ck_assert_str_eq(m->subject, TAG " Не могу войти");
	ck_assert_str_eq(m->from_addr, "support@hotline.test");
	ck_assert_str_eq(m->from_name, "Горячая линия Госуслуг");
	ck_assert_str_eq(m->message_id, id);
	ck_assert_str_eq(m->in_reply_to, "third.3@example.org");
	ck_assert_uint_eq(m->nreferences, 3);
	ck_assert_str_eq(m->references[2], "third.3@example.org");
	/* text/plain is preferred in multipart/alternative. */
	ck_assert_int_eq(m->body_was_html, 0);
	/* The parser drops the final line end. */
	ck_assert_str_eq(m->body, "Здравствуйте!\n\nПароль можно "
	    "восстановить.");
	ck_assert_str_eq(mail_header(m, "Auto-Submitted"), "auto-replied");
	mail_free(&m);
	free(out);
}
END_TEST

START_TEST(every_line_ends_crlf_and_is_short)
{
	struct compose	 c;
	char		 id[COMPOSE_ID_SIZE], *out, *text, *p;
	size_t		 len, i, col = 0, o = 0;

	/* A long run of Cyrillic without a space, trailing blanks, a lone
	 * CR, a tab, '=' and a line starting with a dot. */
	text = malloc(60000);
	for (i = 0; i < 9000; i++) {
		memcpy(text + o, "ж", 2);
		o += 2;
	}
	memcpy(text + o, "\nend  \n.dot\ta=b\rc\n", 19);
	o += 19;
	text[o] = '\0';
	base(&c, id, sizeof(id));
	c.text = text;
	c.html = NULL;
	out = letter(&c, &len);
	for (p = out; *p != '\0'; p++) {
		if (*p == '\n')
			ck_assert_msg(p > out && p[-1] == '\r',
			    "bare LF at %zu", (size_t)(p - out));
		if (*p == '\r')
			ck_assert_msg(p[1] == '\n', "bare CR at %zu",
			    (size_t)(p - out));
		if (*p == '\r' || *p == '\n') {
			ck_assert_msg(col <= 78, "a line of %zu", col);
			col = 0;
		} else
			col++;
		ck_assert((unsigned char)*p < 0x80);
	}
	/* Trailing white space is encoded, so no mailer strips it. */
	ck_assert_ptr_nonnull(strstr(out, "\r\nend =20\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "a=3Db=0Dc"));
	ck_assert_ptr_nonnull(strstr(out, "Content-Type: text/plain; "
	    "charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"));
	ck_assert_ptr_null(strstr(out, "multipart"));
	free(out);
	free(text);
}
END_TEST

START_TEST(quoted_printable_round_trips)
{
	struct compose	 c;
	struct mail	*m = NULL;
	char		 id[COMPOSE_ID_SIZE], *out, *err = NULL;
	size_t		 len;
	const char	*text = "Строка с = и пробелом в конце \n"
	    "Ещё строка, достаточно длинная, чтобы её разбили мягким "
	    "переносом где-то посередине слова или между словами.";

	base(&c, id, sizeof(id));
	c.text = text;
	c.html = NULL;
	out = letter(&c, &len);
	if (mail_parse(out, len, &m, &err) == -1)
		ck_abort_msg("%s", err);
	/* A single part keeps its last line end (in multipart/alternative
	 * the CRLF before the boundary is the boundary's, RFC 2046 5.1.1). */
	ck_assert_uint_eq(strlen(m->body), strlen(text) + 1);
	ck_assert(strncmp(m->body, text, strlen(text)) == 0);
	mail_free(&m);
	free(out);
}
END_TEST

START_TEST(human_letters_carry_no_auto_submitted)
{
	struct compose	 c;
	char		 id[COMPOSE_ID_SIZE], *out;
	size_t		 len;

	base(&c, id, sizeof(id));
	c.auto_replied = 0;
	out = letter(&c, &len);
	ck_assert_ptr_null(strstr(out, "Auto-Submitted"));
	free(out);
}
END_TEST

START_TEST(nothing_from_outside_adds_a_header)
{
	static const char *const bad_to[] = {
		"a@b\r\nBcc: x@y", "a b@c", "<a@b>", "a@b,c@d", "nobody",
		"@b", "a@", "a@b@c", "\"q\"@b", "ж@b", "",
	};
	static const char *const bad_refs[] = {
		"ok.1@example.org", "x@y\r\nBcc: z@w", "<a@b>", "no-at-sign",
	};
	struct compose	 c;
	char		 id[COMPOSE_ID_SIZE], *out, *err = NULL;
	size_t		 len, i;

	for (i = 0; i < sizeof(bad_to) / sizeof(bad_to[0]); i++) {
		base(&c, id, sizeof(id));
		c.to = bad_to[i];
		ck_assert_msg(compose_letter(&c, &out, &len, &err) == -1,
		    "accepted %s", bad_to[i]);
		free(err);
		err = NULL;
	}
	base(&c, id, sizeof(id));
	c.message_id = "x@y\r\nBcc: z@w";
	ck_assert_int_eq(compose_letter(&c, &out, &len, &err), -1);
	free(err);
	base(&c, id, sizeof(id));
	c.in_reply_to = "x@y\nBcc: z@w";
	c.references = bad_refs;
	c.nreferences = 4;
	c.subject = "Тема\r\nBcc: z@w";
	out = letter(&c, &len);
	ck_assert_ptr_null(strstr(out, "Bcc"));
	ck_assert_ptr_null(strstr(out, "In-Reply-To"));
	ck_assert_ptr_nonnull(strstr(out, "References: <ok.1@example.org>\r\n"
	    "Auto-Submitted"));
	free(out);
}
END_TEST

START_TEST(references_are_capped_keeping_first_and_newest)
{
	struct compose	 c;
	const char	*refs[100];
	char		 id[COMPOSE_ID_SIZE], names[100][32], *out, *h, *p;
	size_t		 len, i, n = 0;

	for (i = 0; i < 100; i++) {
		snprintf(names[i], sizeof(names[i]), "r%zu@example.org", i);
		refs[i] = names[i];
	}
	base(&c, id, sizeof(id));
	c.references = refs;
	c.nreferences = 100;
	c.in_reply_to = "r99@example.org";
	out = letter(&c, &len);
	h = head(out);
	for (p = strstr(h, "References:"); p != NULL && *p != '\0'; p++) {
		if (*p == '<')
			n++;
		if (p[0] == '\n' && p[1] != ' ')
			break;
	}
	ck_assert_uint_eq(n, COMPOSE_MAX_REFERENCES - 1);
	ck_assert_ptr_nonnull(strstr(h, "References: <r0@example.org>\r\n"
	    " <r82@example.org>"));
	ck_assert_ptr_nonnull(strstr(h, " <r99@example.org>\r\nAuto"));
	ck_assert_ptr_null(strstr(h, "<r81@"));
	free(h);
	free(out);
}
END_TEST

START_TEST(subject_gets_the_number_once)
{
	char	*s;

	s = compose_subject(NUMBER, "Re: Fwd: [\xe2\x84\x96 " NUMBER "] "
	    "Статус заявления", "Обращение");
	ck_assert_str_eq(s, TAG " Статус заявления");
	free(s);
	s = compose_subject(NUMBER, "Re:  ", "Обращение");
	ck_assert_str_eq(s, TAG " Обращение");
	free(s);
	s = compose_subject(NUMBER, NULL, "Your request");
	ck_assert_str_eq(s, TAG " Your request");
	free(s);
}
END_TEST

START_TEST(a_long_subject_is_cut_between_characters)
{
	char	 subj[3000], *s;
	size_t	 i;

	for (i = 0; i + 2 < sizeof(subj); i += 2)
		memcpy(subj + i, "ы", 2);
	subj[i] = '\0';
	s = compose_subject(NUMBER, subj, "x");
	ck_assert_uint_le(strlen(s), 250 + strlen(TAG) + 1);
	ck_assert_uint_eq((strlen(s) - strlen(TAG) - 1) % 2, 0);
	free(s);
}
END_TEST

START_TEST(plain_short_subject_stays_plain)
{
	struct compose	 c;
	char		 id[COMPOSE_ID_SIZE], *out;
	size_t		 len;

	base(&c, id, sizeof(id));
	c.subject = "Hello";
	c.from_name = NULL;
	out = letter(&c, &len);
	ck_assert_ptr_nonnull(strstr(out, "\r\nSubject: Hello\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "\r\nFrom: <support@hotline.test>"
	    "\r\n"));
	free(out);
}
END_TEST

START_TEST(message_ids_are_ours_and_unique)
{
	char	a[COMPOSE_ID_SIZE], b[COMPOSE_ID_SIZE], tiny[16];

	ck_assert_int_eq(compose_message_id("Support@Hotline.Test", a,
	    sizeof(a)), 0);
	ck_assert_int_eq(compose_message_id("support@hotline.test", b,
	    sizeof(b)), 0);
	ck_assert(matches(a, "^hotline\\.[a-z2-7]{26}@Hotline\\.Test$"));
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(compose_message_id("no-domain", a, sizeof(a)), -1);
	ck_assert_int_eq(compose_message_id("a@b.test", tiny, sizeof(tiny)),
	    -1);
}
END_TEST

START_TEST(addresses_we_can_write)
{
	ck_assert(compose_valid_address("i.smirnova+tag@example.com"));
	ck_assert(compose_valid_address("a@b"));
	ck_assert(!compose_valid_address(NULL));
	ck_assert(!compose_valid_address("a@b\n"));
	ck_assert(compose_valid_id("x.1@example.org"));
	ck_assert(compose_valid_id("abc@[127.0.0.1]"));
	ck_assert(!compose_valid_id("x y@example.org"));
	ck_assert(!compose_valid_id(NULL));
}
END_TEST

Suite *
compose_suite(void)
{
	Suite	*s = suite_create("compose");
	TCase	*tc;

	tc = tcase_create("headers");
	tcase_add_test(tc, headers_are_the_ones_mailers_and_robots_read);
	tcase_add_test(tc, read_back_it_is_what_was_written);
	tcase_add_test(tc, human_letters_carry_no_auto_submitted);
	tcase_add_test(tc, nothing_from_outside_adds_a_header);
	tcase_add_test(tc, references_are_capped_keeping_first_and_newest);
	tcase_add_test(tc, plain_short_subject_stays_plain);
	tcase_add_test(tc, message_ids_are_ours_and_unique);
	tcase_add_test(tc, addresses_we_can_write);
	suite_add_tcase(s, tc);
	tc = tcase_create("body");
	tcase_add_test(tc, every_line_ends_crlf_and_is_short);
	tcase_add_test(tc, quoted_printable_round_trips);
	suite_add_tcase(s, tc);
	tc = tcase_create("subject");
	tcase_add_test(tc, subject_gets_the_number_once);
	tcase_add_test(tc, a_long_subject_is_cut_between_characters);
	suite_add_tcase(s, tc);
	return s;
}
