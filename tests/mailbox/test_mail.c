/*
 * Reading letters: every charset Russian mail really uses, labelled or
 * not, both transfer encodings, RFC 2047 and 2231 names, HTML-only and
 * multipart/alternative bodies, attachments, reports; and the letters
 * that try to hurt: malformed MIME, truncated base64, unknown charsets,
 * a thousand parts, a 100 KB header, a 30 MB letter, nesting that would
 * overflow libetpan's stack, a boundary that would crash it.  The d*.eml
 * letters are the evaluation set (tests/data/mail), the bad-*.eml ones
 * were crafted for these tests, the huge ones are generated here.
 */
#include <check.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/files.h"
#include "lib/text.h"
#include "mailbox/charset.h"
#include "mailbox/mail.h"

Suite	*mail_suite(void);

#define MIB		(1024 * 1024)
/* Time a huge letter may take, generous for sanitizer builds. */
#define SLOW_SECONDS	5.0

static char *
read_data(const char *name, size_t *len_r)
{
	const char	*top = getenv("top_srcdir");
	char		 path[1024], *buf, *err;
	int		 n;

	n = snprintf(path, sizeof(path), "%s/tests/data/mail/%s",
	    top != NULL ? top : ".", name);
	ck_assert(n > 0 && (size_t)n < sizeof(path));
	if (files_read(path, 4 * MIB, &buf, len_r, &err) == -1)
		ck_abort_msg("%s", err);
	return buf;
}

static struct mail *
parse_buf(const char *buf, size_t len)
{
	struct mail	*m = NULL;
	char		*err = NULL;

	if (mail_parse(buf, len, &m, &err) == -1)
		ck_abort_msg("mail_parse: %s", err);
	ck_assert_ptr_nonnull(m);
	return m;
}

static struct mail *
parse_file(const char *name)
{
	struct mail	*m;
	char		*buf;
	size_t		 len;

	buf = read_data(name, &len);
	m = parse_buf(buf, len);
	free(buf);
	return m;
}

static struct mail *
parse_str(const char *s)
{
	return parse_buf(s, strlen(s));
}

static void
assert_contains(const char *hay, const char *needle)
{
	ck_assert_msg(hay != NULL && strstr(hay, needle) != NULL,
	    "\"%s\" not found in \"%s\"", needle, hay ? hay : "(null)");
}

static void
assert_lacks(const char *hay, const char *needle)
{
	ck_assert_msg(strstr(hay, needle) == NULL,
	    "\"%s\" unexpectedly in \"%s\"", needle, hay);
}

static size_t
count_of(const char *hay, const char *needle)
{
	size_t	n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static void
assert_valid_text(const struct mail *m)
{
	ck_assert(text_is_valid_utf8(m->subject, strlen(m->subject)));
	ck_assert(text_is_valid_utf8(m->body, strlen(m->body)));
	ck_assert(strchr(m->body, '\r') == NULL);
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec	t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A growing byte string for generated letters. */
struct gen {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

static void
gen_add(struct gen *g, const void *p, size_t n)
{
	if (g->len + n + 1 > g->cap) {
		g->cap = (g->len + n + 1) * 2;
		g->s = realloc(g->s, g->cap);
		ck_assert_ptr_nonnull(g->s);
	}
	memcpy(g->s + g->len, p, n);
	g->len += n;
	g->s[g->len] = '\0';
}

static void
gen_adds(struct gen *g, const char *s)
{
	gen_add(g, s, strlen(s));
}

/* --- the evaluation letters --- */

START_TEST(utf8_quoted_printable_body_and_b_encoded_subject)
{
	struct mail	*m = parse_file("d01.eml");

	ck_assert_str_eq(m->subject, "Не могу восстановить пароль");
	ck_assert_str_eq(m->from_addr, "i.smirnova@example.com");
	ck_assert_str_eq(m->from_name, "Ирина Смирнова");
	ck_assert_str_eq(m->return_path, "i.smirnova@example.com");
	ck_assert_str_eq(m->message_id, "01.2.091405@example.com");
	ck_assert_str_eq(m->to, "support@hotline.test");
	ck_assert_str_eq(m->date, "Mon, 02 Mar 2026 09:14:05 +0300");
	assert_contains(m->body, "Не могу восстановить пароль от Госуслуг.");
	assert_contains(m->body, "I.Smirnova@Example.com (это мой логин)");
	ck_assert_int_eq(m->body_was_html, 0);
	ck_assert_uint_eq(m->nattachments, 0);
	ck_assert_int_eq(m->is_report, 0);
	assert_valid_text(m);
	mail_free(&m);
	ck_assert_ptr_null(m);
}
END_TEST

START_TEST(utf8_base64_body_and_q_encoded_subject)
{
	struct mail	*m = parse_file("d02.eml");

	ck_assert_str_eq(m->subject, "Статус заявления 2026-004771");
	assert_contains(m->body, "номер заявки 2026-004771");
	assert_contains(m->body, "«Отправлено в ведомство»");
	mail_free(&m);
}
END_TEST

START_TEST(windows1251_quoted_printable_body_and_subject)
{
	struct mail	*m = parse_file("d03.eml");

	ck_assert_str_eq(m->subject, "Какие документы нужны для субсидии");
	ck_assert_str_eq(m->from_name, "Галина Ивановна");
	assert_contains(m->body, "какие документы\nнужно приложить?");
	assert_contains(m->body, "субсидию на оплату ЖКУ");
	assert_valid_text(m);
	mail_free(&m);
}
END_TEST

START_TEST(koi8r_8bit_body_and_b_encoded_subject)
{
	struct mail	*m = parse_file("d04.eml");

	ck_assert_str_eq(m->subject, "Не приходит СМС с кодом");
	ck_assert_str_eq(m->from_name, "Людмила Орлова");
	assert_contains(m->body, "Не приходит СМС с кодом подтверждения");
	assert_contains(m->body, "8 912 345-67-01");
	assert_contains(m->body, "\"Отправить код ещё раз\"");
	mail_free(&m);
}
END_TEST

START_TEST(subject_of_b_and_q_words_on_folded_lines_is_joined)
{
	struct mail	*m = parse_file("d05.eml");

	ck_assert_str_eq(m->subject,
	    "Как оформить загранпаспорт нового образца?");
	assert_contains(m->body, "Мой загранпаспорт истекает в июне.");
	mail_free(&m);
}
END_TEST

START_TEST(html_only_letter_becomes_text_with_entities_decoded)
{
	struct mail	*m = parse_file("d06.eml");

	ck_assert_int_eq(m->body_was_html, 1);
	ck_assert_str_eq(m->subject, "Сбой оплаты госпошлины");
	assert_contains(m->body, "Здравствуйте!\n\nС 9 утра на портале");
	assert_contains(m->body, "«Платёж не может быть выполнен»");
	assert_contains(m->body, "Прошу разобраться.\nАндрей Соколов");
	assert_lacks(m->body, "<");
	assert_lacks(m->body, "font-family");
	assert_lacks(m->body, "&laquo;");
	assert_valid_text(m);
	mail_free(&m);
}
END_TEST

START_TEST(alternative_prefers_the_plain_part_and_keeps_it_once)
{
	struct mail	*m = parse_file("d07.eml");

	ck_assert_int_eq(m->body_was_html, 0);
	assert_contains(m->body, "Мой СНИЛС 204-331-765 20.");
	ck_assert_uint_eq(count_of(m->body, "Хочу оформить единое пособие"),
	    1);
	assert_lacks(m->body, "\xc2\xa0");	/* the HTML's &nbsp; */
	ck_assert_uint_eq(m->nattachments, 0);
	mail_free(&m);
}
END_TEST

START_TEST(pdf_attachment_keeps_its_rfc2231_cyrillic_name_and_bytes)
{
	struct mail	*m = parse_file("d08.eml");

	ck_assert_uint_eq(m->nattachments, 1);
	ck_assert_str_eq(m->attachments[0].filename, "скан паспорта.pdf");
	ck_assert_str_eq(m->attachments[0].content_type, "application/pdf");
	ck_assert_ptr_nonnull(m->attachments[0].data);
	ck_assert_uint_gt(m->attachments[0].size, 500);
	ck_assert(memcmp(m->attachments[0].data, "%PDF-1.4\n", 9) == 0);
	ck_assert(memcmp(m->attachments[0].data + m->attachments[0].size - 6,
	    "%%EOF\n", 6) == 0);
	assert_contains(m->body, "ИНН 502987654365");
	mail_free(&m);
}
END_TEST

START_TEST(reply_keeps_in_reply_to_and_references_without_brackets)
{
	struct mail	*m = parse_file("d10.eml");

	ck_assert_str_eq(m->subject, "Re: Восстановление пароля");
	ck_assert_str_eq(m->in_reply_to, "reply-0302-1102@hotline.test");
	ck_assert_uint_eq(m->nreferences, 2);
	ck_assert_str_eq(m->references[0], "q-0302-0958@example.net");
	ck_assert_str_eq(m->references[1], "reply-0302-1102@hotline.test");
	mail_free(&m);
}
END_TEST

START_TEST(subject_tag_with_numero_sign_is_decoded)
{
	struct mail	*m = parse_file("d11.eml");

	ck_assert_str_eq(m->subject,
	    "Re: [№ 2026-000123] Заявление на справку о несудимости");
	mail_free(&m);
}
END_TEST

START_TEST(bounce_is_a_report_with_empty_return_path)
{
	struct mail	*m = parse_file("d13.eml");

	ck_assert_int_eq(m->is_report, 1);
	ck_assert_str_eq(m->return_path, "");
	ck_assert_str_eq(m->from_addr, "mailer-daemon@mx.example.net");
	ck_assert_ptr_null(m->from_name);
	assert_contains(m->body, "could not\nbe delivered");
	/* The returned letter is kept aside, not read as the body. */
	assert_lacks(m->body, "2026-000456");
	ck_assert_uint_eq(m->nattachments, 1);
	ck_assert_str_eq(m->attachments[0].content_type, "message/rfc822");
	mail_free(&m);
}
END_TEST

START_TEST(windows1251_base64_body_and_subject)
{
	struct mail	*m = parse_file("d15.eml");

	ck_assert_str_eq(m->subject, "Прошу связаться со специалистом");
	ck_assert_str_eq(m->from_name, "Виктор Громов");
	assert_contains(m->body, "живому специалисту");
	assert_contains(m->body, "+7 (921) 555-43-21");
	assert_contains(m->body, "Виктор Семёнович Громов");
	mail_free(&m);
}
END_TEST

START_TEST(plain_ascii_letter_reads_as_is)
{
	struct mail	*m = parse_file("d16.eml");

	ck_assert_str_eq(m->subject, "Account locked");
	ck_assert_str_eq(m->from_name, "Mark Wilson");
	assert_contains(m->body, "temporarily locked. How can I get it");
	mail_free(&m);
}
END_TEST

START_TEST(every_evaluation_letter_reads_into_valid_utf8)
{
	struct mail	*m;
	char		 name[32];
	int		 i;

	for (i = 1; i <= 18; i++) {
		snprintf(name, sizeof(name), "d%02d.eml", i);
		m = parse_file(name);
		assert_valid_text(m);
		ck_assert_msg(m->body[0] != '\0', "%s: empty body", name);
		ck_assert_msg(m->subject[0] != '\0', "%s: no subject", name);
		ck_assert_ptr_nonnull(m->from_addr);
		ck_assert_ptr_nonnull(m->message_id);
		mail_free(&m);
	}
}
END_TEST

START_TEST(lf_line_ends_read_like_crlf)
{
	struct mail	*a, *b;
	char		*buf, *lf;
	size_t		 len, i, n = 0;

	buf = read_data("d08.eml", &len);
	lf = malloc(len + 1);
	for (i = 0; i < len; i++)
		if (buf[i] != '\r')
			lf[n++] = buf[i];
	a = parse_buf(buf, len);
	b = parse_buf(lf, n);
	ck_assert_str_eq(a->subject, b->subject);
	ck_assert_str_eq(a->body, b->body);
	ck_assert_uint_eq(b->nattachments, 1);
	ck_assert_str_eq(b->attachments[0].filename, "скан паспорта.pdf");
	ck_assert_uint_eq(a->attachments[0].size, b->attachments[0].size);
	mail_free(&a);
	mail_free(&b);
	free(buf);
	free(lf);
}
END_TEST

/* --- header access --- */

START_TEST(header_lookup_is_case_insensitive_unfolded_and_first)
{
	struct mail	*m;

	m = parse_str("From: a@example.com\r\n"
	    "X-Long: one\r\n\ttwo\r\n  three  \r\n"
	    "x-dup: first\r\nX-Dup: second\r\n"
	    "Subject:   spaced  \r\n\r\nbody\r\n");
	ck_assert_str_eq(mail_header(m, "x-long"), "one\ttwo  three");
	ck_assert_str_eq(mail_header(m, "X-DUP"), "first");
	ck_assert_str_eq(mail_header(m, "subject"), "spaced");
	ck_assert_ptr_null(mail_header(m, "X-Absent"));
	ck_assert_str_eq(m->body, "body\n");
	mail_free(&m);
}
END_TEST

START_TEST(subject_is_empty_string_when_absent)
{
	struct mail	*m = parse_str("From: a@example.com\n\nhi\n");

	ck_assert_str_eq(m->subject, "");
	ck_assert_ptr_null(m->message_id);
	ck_assert_ptr_null(m->return_path);
	ck_assert_ptr_null(m->date);
	mail_free(&m);
}
END_TEST

START_TEST(addresses_are_lower_cased_and_names_decoded)
{
	struct mail	*m;

	m = parse_str("From: \"Petrov, Ivan\" <Ivan.Petrov@Example.COM>\n"
	    "Reply-To: Other <OTHER@example.com>\n"
	    "Return-Path: <Bounce@Example.com>\n\nhi\n");
	ck_assert_str_eq(m->from_addr, "ivan.petrov@example.com");
	ck_assert_str_eq(m->from_name, "Petrov, Ivan");
	ck_assert_str_eq(m->reply_to, "other@example.com");
	ck_assert_str_eq(m->return_path, "Bounce@Example.com");
	mail_free(&m);
}
END_TEST

START_TEST(raw_8bit_display_name_and_subject_are_guessed)
{
	struct mail	*m;
	char		 letter[256];

	/* "Иван" and "Вопрос" in windows-1251, unencoded. */
	snprintf(letter, sizeof(letter), "From: %s <ivan@example.com>\n"
	    "Subject: %s\n\nhi\n", "\xc8\xe2\xe0\xed",
	    "\xc2\xee\xef\xf0\xee\xf1");
	m = parse_str(letter);
	ck_assert_str_eq(m->from_name, "Иван");
	ck_assert_str_eq(m->subject, "Вопрос");
	mail_free(&m);
}
END_TEST

START_TEST(malformed_addresses_fall_back_to_what_mailers_read)
{
	struct mail	*m;

	m = parse_str("From: Ivan Petrov <ivan@example.com\n\nhi\n");
	ck_assert_str_eq(m->from_addr, "ivan@example.com");
	mail_free(&m);
	m = parse_str("From: MAILER-DAEMON\n\nhi\n");
	ck_assert_str_eq(m->from_addr, "mailer-daemon");
	mail_free(&m);
	m = parse_str("From: undisclosed-recipients:;\n\nhi\n");
	ck_assert_ptr_null(m->from_addr);
	mail_free(&m);
}
END_TEST

START_TEST(message_ids_without_brackets_or_with_junk_are_read)
{
	struct mail	*m;

	m = parse_str("From: a@example.com\nMessage-ID: bare@id\n"
	    "In-Reply-To: <x@y> (Ivan's message of Monday)\n"
	    "References: junk <a@b>, <c@d> more junk\n\nhi\n");
	ck_assert_str_eq(m->message_id, "bare@id");
	ck_assert_str_eq(m->in_reply_to, "x@y");
	ck_assert_uint_eq(m->nreferences, 2);
	ck_assert_str_eq(m->references[0], "a@b");
	ck_assert_str_eq(m->references[1], "c@d");
	mail_free(&m);
}
END_TEST

START_TEST(references_keep_only_the_newest)
{
	struct mail	*m;
	struct gen	 g = { NULL, 0, 0 };
	char		 id[32];
	int		 i;

	gen_adds(&g, "From: a@example.com\nReferences:");
	for (i = 0; i < 500; i++) {
		snprintf(id, sizeof(id), " <r%d@x>\n", i);
		gen_adds(&g, id);
	}
	gen_adds(&g, "\nhi\n");
	m = parse_buf(g.s, g.len);
	ck_assert_uint_eq(m->nreferences, MAIL_MAX_REFERENCES);
	ck_assert_str_eq(m->references[MAIL_MAX_REFERENCES - 1], "r499@x");
	mail_free(&m);
	free(g.s);
}
END_TEST

/* --- charsets --- */

START_TEST(unknown_charset_is_read_as_unlabelled_text)
{
	struct mail	*m = parse_file("bad-unknown-charset.eml");

	ck_assert_str_eq(m->subject, "Запись к врачу");
	assert_contains(m->body, "Хочу записаться к врачу через портал");
	assert_valid_text(m);
	mail_free(&m);
}
END_TEST

START_TEST(unlabelled_cp1251_body_and_raw_subject_are_guessed)
{
	struct mail	*m = parse_file("bad-unlabelled-cp1251.eml");

	ck_assert_str_eq(m->subject, "Выписка из домовой книги");
	assert_contains(m->body, "как получить выписку из домовой книги?");
	mail_free(&m);
}
END_TEST

START_TEST(labelled_cp866_body_is_decoded)
{
	struct mail	*m = parse_file("bad-cp866.eml");

	assert_contains(m->body, "Как оплатить штраф ГИБДД со скидкой");
	mail_free(&m);
}
END_TEST

START_TEST(iso8859_5_quoted_printable_body_and_subject)
{
	struct mail	*m = parse_file("bad-iso8859-5.eml");

	ck_assert_str_eq(m->subject, "Налоги");
	assert_contains(m->body, "Где посмотреть налоговую задолженность?");
	mail_free(&m);
}
END_TEST

/* utf8 converted to charset by iconv, for unlabelled text. */
static char *
encode_as(const char *utf8, const char *charset)
{
	iconv_t	 cd;
	char	*in = (char *)utf8, *buf, *out;
	size_t	 il = strlen(utf8), ol = 4 * il + 1;

	cd = iconv_open(charset, "UTF-8");
	ck_assert(cd != (iconv_t)-1);
	buf = out = calloc(1, ol);
	ck_assert(iconv(cd, &in, &il, &out, &ol) != (size_t)-1);
	iconv_close(cd);
	return buf;
}

START_TEST(unlabelled_koi8r_and_cp866_and_capitals_are_guessed)
{
	static const char *const texts[] = {
		"Здравствуйте! Не могу войти в личный кабинет.",
		"ВНИМАНИЕ СРОЧНО НУЖНА СПРАВКА О НЕСУДИМОСТИ",
		"Прошу помочь с записью ребёнка в детский сад.",
	};
	static const char *const charsets[] = {
		"WINDOWS-1251", "KOI8-R", "IBM866"
	};
	char		*raw, *got;
	size_t		 i, j;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		for (j = 0; j < sizeof(charsets) / sizeof(charsets[0]); j++) {
			raw = encode_as(texts[i], charsets[j]);
			ck_assert_msg(strcmp(charset_guess(raw, strlen(raw)),
			    charsets[j]) == 0, "%s in %s guessed as %s",
			    texts[i], charsets[j],
			    charset_guess(raw, strlen(raw)));
			got = charset_to_utf8(NULL, raw, strlen(raw), 1024);
			ck_assert_str_eq(got, texts[i]);
			free(got);
			free(raw);
		}
	ck_assert_str_eq(charset_guess("plain", 5), "US-ASCII");
	ck_assert_str_eq(charset_guess("ёж", strlen("ёж")), "UTF-8");
}
END_TEST

START_TEST(invalid_utf8_and_nuls_become_replacement_characters)
{
	struct mail	*m;
	static const char letter[] = "From: a@example.com\n"
	    "Content-Type: text/plain; charset=utf-8\n\n"
	    "да\xff\xfe нет \xd0\n\0конец\n";

	m = parse_buf(letter, sizeof(letter) - 1);
	ck_assert_str_eq(m->body,
	    "да\xef\xbf\xbd\xef\xbf\xbd нет \xef\xbf\xbd\n\xef\xbf\xbdконец\n");
	assert_valid_text(m);
	mail_free(&m);
}
END_TEST

START_TEST(charset_names_are_matched_leniently)
{
	char	*s;

	s = charset_to_utf8("\"Windows-1251\"", "\xcf\xf0\xe8", 3, 64);
	ck_assert_str_eq(s, "При");
	free(s);
	s = charset_to_utf8("win-1251", "\xcf\xf0\xe8", 3, 64);
	ck_assert_str_eq(s, "При");
	free(s);
	s = charset_to_utf8("utf8", "При", strlen("При"), 64);
	ck_assert_str_eq(s, "При");
	free(s);
	/* A name with a path or an iconv suffix is no charset name. */
	s = charset_to_utf8("../../etc//TRANSLIT", "\xcf\xf0\xe8", 3, 64);
	ck_assert_str_eq(s, "При");
	free(s);
}
END_TEST

START_TEST(encoded_words_in_unknown_or_broken_form_do_not_fail)
{
	char	*s;

	s = charset_decode_header("=?utf-8?Q?=D0=9F=D1=80?= =?utf-8?Q?"
	    "=D0=B8?=  x", strlen("=?utf-8?Q?=D0=9F=D1=80?= =?utf-8?Q?"
	    "=D0=B8?=  x"), 256);
	ck_assert_str_eq(s, "При x");
	free(s);
	s = charset_decode_header("=?utf-8?B?0J/RgA", 16, 256);
	ck_assert(text_is_valid_utf8(s, strlen(s)));
	free(s);
	s = charset_decode_header("a =?x?Z?zz?= b", 14, 256);
	ck_assert_str_eq(s, "a =?x?Z?zz?= b");
	free(s);
}
END_TEST

/* --- MIME structure --- */

START_TEST(missing_closing_boundary_keeps_text_and_partial_attachment)
{
	struct mail	*m = parse_file("bad-no-close-boundary.eml");

	ck_assert_str_eq(m->subject, "Справка");
	assert_contains(m->body, "Прикладываю справку");
	ck_assert_uint_eq(m->nattachments, 1);
	ck_assert_str_eq(m->attachments[0].filename, "spravka.pdf");
	ck_assert_uint_gt(m->attachments[0].size, 0);
	mail_free(&m);
}
END_TEST

START_TEST(truncated_base64_decodes_what_it_can)
{
	struct mail	*m = parse_file("bad-truncated-base64.eml");

	assert_contains(m->body, "Не могу войти в личный кабинет");
	assert_valid_text(m);
	mail_free(&m);
}
END_TEST

START_TEST(lone_quote_boundary_does_not_crash_libetpan)
{
	struct mail	*m = parse_file("bad-quote-boundary.eml");

	assert_valid_text(m);
	mail_free(&m);
}
END_TEST

START_TEST(deep_message_nesting_is_cut_before_libetpan_recurses)
{
	struct mail	*m = parse_file("bad-deep-message.eml");

	ck_assert_uint_gt(m->parts_ignored, 0);
	mail_free(&m);
}
END_TEST

/* A letter of depth nested multiparts around one text part. */
static struct mail *
nested_letter(int depth)
{
	struct mail	*m;
	struct gen	 g = { NULL, 0, 0 };
	char		 line[128];
	int		 i;

	gen_adds(&g, "From: a@example.com\n");
	for (i = 0; i < depth; i++) {
		snprintf(line, sizeof(line), "Content-Type: multipart/mixed; "
		    "boundary=\"=_%d_=\"\n\n--=_%d_=\n", i, i);
		gen_adds(&g, line);
	}
	gen_adds(&g, "Content-Type: text/plain\n\ndeep text\n");
	for (i = depth - 1; i >= 0; i--) {
		snprintf(line, sizeof(line), "--=_%d_=--\n", i);
		gen_adds(&g, line);
	}
	m = parse_buf(g.s, g.len);
	free(g.s);
	return m;
}

START_TEST(nesting_deeper_than_the_limit_is_ignored)
{
	struct mail	*m;

	m = nested_letter(MAIL_MAX_DEPTH - 1);
	ck_assert_uint_eq(m->parts_ignored, 0);
	ck_assert_str_eq(m->body, "deep text");
	mail_free(&m);
	m = nested_letter(MAIL_MAX_DEPTH + 5);
	ck_assert_uint_gt(m->parts_ignored, 0);
	assert_lacks(m->body, "deep text");
	mail_free(&m);
}
END_TEST

START_TEST(thousand_part_multipart_stops_at_the_part_limit)
{
	struct mail	*m;
	struct gen	 g = { NULL, 0, 0 };
	struct timespec	 t0;
	char		 part[128];
	int		 i;

	gen_adds(&g, "From: a@example.com\nContent-Type: multipart/mixed; "
	    "boundary=XX\n\n");
	for (i = 0; i < 1000; i++) {
		snprintf(part, sizeof(part), "--XX\nContent-Type: text/plain"
		    "\n\npart %d\n", i);
		gen_adds(&g, part);
	}
	gen_adds(&g, "--XX--\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	m = parse_buf(g.s, g.len);
	ck_assert(seconds_since(&t0) < SLOW_SECONDS);
	assert_contains(m->body, "part 0\n");
	assert_lacks(m->body, "part 999");
	ck_assert_uint_gt(m->parts_ignored, 700);
	mail_free(&m);
	free(g.s);
}
END_TEST

START_TEST(hundred_kb_header_is_read_quickly_to_its_end)
{
	struct mail	*m;
	struct gen	 g = { NULL, 0, 0 };
	struct timespec	 t0;
	char		 line[128];
	int		 i;

	gen_adds(&g, "From: a@example.com\n");
	for (i = 0; g.len < 100 * 1024; i++) {
		snprintf(line, sizeof(line), "Received: from relay%d.example."
		    "net (relay [192.0.2.%d]) by mx\n", i, i % 250);
		gen_adds(&g, line);
	}
	gen_adds(&g, "Subject: =?utf-8?B?0J/RgNC40LLQtdGC?=\n"
	    "Precedence: bulk\n\nhi\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	m = parse_buf(g.s, g.len);
	ck_assert(seconds_since(&t0) < SLOW_SECONDS);
	ck_assert_str_eq(m->subject, "Привет");
	ck_assert_str_eq(mail_header(m, "Precedence"), "bulk");
	ck_assert_str_eq(m->body, "hi\n");
	mail_free(&m);
	free(g.s);
}
END_TEST

START_TEST(one_hundred_kb_header_field_is_capped_not_slow)
{
	struct mail	*m;
	struct gen	 g = { NULL, 0, 0 };
	struct timespec	 t0;
	int		 i;

	gen_adds(&g, "From: a@example.com\nSubject:");
	for (i = 0; i < 10000; i++)	/* an encoded word that never ends */
		gen_adds(&g, " =?a?B?");
	gen_adds(&g, "\nTo:");
	for (i = 0; i < 5000; i++)
		gen_adds(&g, " x@y,\n");
	gen_adds(&g, "\nhi\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	m = parse_buf(g.s, g.len);
	ck_assert(seconds_since(&t0) < SLOW_SECONDS);
	ck_assert_uint_le(strlen(m->subject), MAIL_MAX_SUBJECT_BYTES);
	ck_assert_uint_le(strlen(m->to), MAIL_MAX_NAME_BYTES);
	mail_free(&m);
	free(g.s);
}
END_TEST

START_TEST(header_block_over_the_limit_is_refused_with_a_reason)
{
	struct mail	*m = NULL;
	struct gen	 g = { NULL, 0, 0 };
	char		*err = NULL;

	gen_adds(&g, "From: a@example.com\n");
	while (g.len <= MAIL_MAX_HEADER_BYTES)
		gen_adds(&g, "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
	gen_adds(&g, "\nhi\n");
	ck_assert_int_eq(mail_parse(g.s, g.len, &m, &err), -1);
	ck_assert_ptr_null(m);
	assert_contains(err, "header");
	free(err);
	free(g.s);
}
END_TEST

START_TEST(thirty_mb_letter_with_one_attachment_parses_fast)
{
	struct mail	*m;
	struct gen	 g = { NULL, 0, 0 };
	struct timespec	 t0;
	static const char b64[] =
	    "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2";
	size_t		 i;

	gen_adds(&g, "From: Ivan <ivan@example.com>\nSubject: scan\n"
	    "Content-Type: multipart/mixed; boundary=\"B\"\n\n--B\n"
	    "Content-Type: text/plain; charset=utf-8\n\n"
	    "Прикладываю скан паспорта.\n--B\n"
	    "Content-Type: image/jpeg; name=scan.jpg\n"
	    "Content-Transfer-Encoding: base64\n\n");
	for (i = 0; g.len < 30 * MIB; i++) {
		gen_add(&g, b64, 64);
		gen_adds(&g, "\n");
	}
	gen_adds(&g, "--B--\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	m = parse_buf(g.s, g.len);
	ck_assert_msg(seconds_since(&t0) < SLOW_SECONDS, "took %.2f s",
	    seconds_since(&t0));
	ck_assert_str_eq(m->body, "Прикладываю скан паспорта.");
	ck_assert_uint_eq(m->nattachments, 1);
	ck_assert_str_eq(m->attachments[0].filename, "scan.jpg");
	ck_assert_uint_gt(m->attachments[0].size, MAIL_MAX_ATTACHMENT_BYTES);
	ck_assert_ptr_null(m->attachments[0].data);
	mail_free(&m);
	free(g.s);
}
END_TEST

START_TEST(letter_over_the_size_limit_is_refused_unread)
{
	struct mail	*m = NULL;
	char		*err = NULL;

	/* Refused on its length alone: the bytes are never looked at. */
	ck_assert_int_eq(mail_parse("From: a@b\n\nx", (size_t)MAIL_MAX_BYTES +
	    1, &m, &err), -1);
	ck_assert_ptr_null(m);
	assert_contains(err, "larger than");
	free(err);
}
END_TEST

START_TEST(empty_input_and_headerless_text_are_refused)
{
	struct mail	*m = NULL;
	char		*err = NULL;

	ck_assert_int_eq(mail_parse("", 0, &m, &err), -1);
	ck_assert_ptr_nonnull(err);
	free(err);
	err = NULL;
	ck_assert_int_eq(mail_parse("hello there\n", 12, &m, &err), -1);
	assert_contains(err, "no header field");
	free(err);
	ck_assert_ptr_null(m);
}
END_TEST

START_TEST(body_is_capped_and_marked_truncated)
{
	struct mail	*m;
	struct gen	 g = { NULL, 0, 0 };

	gen_adds(&g, "From: a@example.com\n"
	    "Content-Type: text/plain; charset=utf-8\n\n");
	while (g.len < 2 * MAIL_MAX_BODY_BYTES)
		gen_adds(&g, "Очень длинное письмо. ");
	m = parse_buf(g.s, g.len);
	ck_assert_int_eq(m->body_truncated, 1);
	ck_assert_uint_le(strlen(m->body), MAIL_MAX_BODY_BYTES);
	assert_valid_text(m);
	mail_free(&m);
	free(g.s);
}
END_TEST

START_TEST(rfc2231_continued_file_name_is_joined_and_decoded)
{
	struct mail	*m;

	m = parse_str("From: a@example.com\n"
	    "Content-Type: multipart/mixed; boundary=Q\n\n--Q\n"
	    "Content-Type: text/plain\n\nsee file\n--Q\n"
	    "Content-Type: application/octet-stream\n"
	    "Content-Disposition: attachment;\n"
	    " filename*0*=utf-8''%D0%B7%D0%B0%D1%8F%D0%B2;\n"
	    " filename*1*=%D0%BB%D0%B5%D0%BD%D0%B8%D0%B5;\n"
	    " filename*2=\".docx\"\n\nDATA\n--Q--\n");
	ck_assert_uint_eq(m->nattachments, 1);
	ck_assert_str_eq(m->attachments[0].filename, "заявление.docx");
	ck_assert_uint_eq(m->attachments[0].size, 4);
	mail_free(&m);
}
END_TEST

START_TEST(file_names_lose_their_directories)
{
	struct mail	*m;

	m = parse_str("From: a@example.com\n"
	    "Content-Type: multipart/mixed; boundary=Q\n\n--Q\n"
	    "Content-Type: text/plain; name=\"..\\\\..\\\\evil.txt\"\n"
	    "Content-Disposition: attachment\n\nx\n--Q--\n");
	ck_assert_uint_eq(m->nattachments, 1);
	ck_assert_str_eq(m->attachments[0].filename, "evil.txt");
	mail_free(&m);
}
END_TEST

START_TEST(html_alternative_is_used_when_plain_part_is_empty)
{
	struct mail	*m;

	m = parse_str("From: a@example.com\n"
	    "Content-Type: multipart/alternative; boundary=A\n\n--A\n"
	    "Content-Type: text/plain\n\n \n--A\n"
	    "Content-Type: text/html; charset=utf-8\n\n"
	    "<p>Нужна <b>справка</b></p>\n--A--\n");
	ck_assert_str_eq(m->body, "Нужна справка");
	ck_assert_int_eq(m->body_was_html, 1);
	mail_free(&m);
}
END_TEST

START_TEST(related_html_root_is_the_text_and_images_are_attachments)
{
	struct mail	*m;

	m = parse_str("From: a@example.com\n"
	    "Content-Type: multipart/related; boundary=R\n\n--R\n"
	    "Content-Type: text/html; charset=utf-8\n\n"
	    "<div>Вот фото</div><img src=\"cid:1\">\n--R\n"
	    "Content-Type: image/png\nContent-ID: <1>\n"
	    "Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--R--\n");
	ck_assert_str_eq(m->body, "Вот фото");
	ck_assert_uint_eq(m->nattachments, 1);
	ck_assert_str_eq(m->attachments[0].content_type, "image/png");
	ck_assert_uint_eq(m->attachments[0].size, 8);
	mail_free(&m);
}
END_TEST

START_TEST(attached_text_and_html_files_are_not_the_body)
{
	struct mail	*m;

	m = parse_str("From: a@example.com\n"
	    "Content-Type: multipart/mixed; boundary=M\n\n--M\n"
	    "Content-Type: text/plain\n\nмой вопрос\n--M\n"
	    "Content-Type: text/html; name=page.html\n"
	    "Content-Disposition: attachment; filename=page.html\n\n"
	    "<p>чужой текст</p>\n--M\n"
	    "Content-Type: text/plain; name=notes.txt\n\nзаметки\n--M--\n");
	ck_assert_str_eq(m->body, "мой вопрос");
	ck_assert_uint_eq(m->nattachments, 2);
	mail_free(&m);
}
END_TEST

START_TEST(read_receipt_is_a_report)
{
	struct mail	*m;

	m = parse_str("From: a@example.com\n"
	    "Content-Type: multipart/report; "
	    "report-type=disposition-notification; boundary=R\n\n--R\n"
	    "Content-Type: text/plain\n\nYour message was displayed.\n--R\n"
	    "Content-Type: message/disposition-notification\n\n"
	    "Disposition: manual-action/MDN-sent-manually; displayed\n"
	    "--R--\n");
	ck_assert_int_eq(m->is_report, 1);
	ck_assert_str_eq(m->body, "Your message was displayed.");
	mail_free(&m);
}
END_TEST

START_TEST(letter_without_mime_headers_is_unlabelled_text)
{
	struct mail	*m;

	m = parse_str("From Ivan Mon Mar  2 09:00:00 2026\n"
	    "From: a@example.com\nSubject: mbox\n\nтекст\n");
	ck_assert_str_eq(m->from_addr, "a@example.com");
	ck_assert_str_eq(m->subject, "mbox");
	ck_assert_str_eq(m->body, "текст\n");
	mail_free(&m);
}
END_TEST

START_TEST(mail_free_accepts_null)
{
	struct mail	*m = NULL;

	mail_free(&m);
	mail_free(NULL);
	ck_assert_ptr_null(mail_header(NULL, "From"));
}
END_TEST

Suite *
mail_suite(void)
{
	Suite	*s = suite_create("mail");
	TCase	*tc;

	tc = tcase_create("evaluation letters");
	tcase_add_test(tc, utf8_quoted_printable_body_and_b_encoded_subject);
	tcase_add_test(tc, utf8_base64_body_and_q_encoded_subject);
	tcase_add_test(tc, windows1251_quoted_printable_body_and_subject);
	tcase_add_test(tc, koi8r_8bit_body_and_b_encoded_subject);
	tcase_add_test(tc, subject_of_b_and_q_words_on_folded_lines_is_joined);
	tcase_add_test(tc, html_only_letter_becomes_text_with_entities_decoded);
	tcase_add_test(tc,
	    alternative_prefers_the_plain_part_and_keeps_it_once);
	tcase_add_test(tc,
	    pdf_attachment_keeps_its_rfc2231_cyrillic_name_and_bytes);
	tcase_add_test(tc,
	    reply_keeps_in_reply_to_and_references_without_brackets);
	tcase_add_test(tc, subject_tag_with_numero_sign_is_decoded);
	tcase_add_test(tc, bounce_is_a_report_with_empty_return_path);
	tcase_add_test(tc, windows1251_base64_body_and_subject);
	tcase_add_test(tc, plain_ascii_letter_reads_as_is);
	tcase_add_test(tc, every_evaluation_letter_reads_into_valid_utf8);
	tcase_add_test(tc, lf_line_ends_read_like_crlf);
	suite_add_tcase(s, tc);

	tc = tcase_create("header");
	tcase_add_test(tc,
	    header_lookup_is_case_insensitive_unfolded_and_first);
	tcase_add_test(tc, subject_is_empty_string_when_absent);
	tcase_add_test(tc, addresses_are_lower_cased_and_names_decoded);
	tcase_add_test(tc, raw_8bit_display_name_and_subject_are_guessed);
	tcase_add_test(tc, malformed_addresses_fall_back_to_what_mailers_read);
	tcase_add_test(tc, message_ids_without_brackets_or_with_junk_are_read);
	tcase_add_test(tc, references_keep_only_the_newest);
	tcase_add_test(tc, mail_free_accepts_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("charsets");
	tcase_add_test(tc, unknown_charset_is_read_as_unlabelled_text);
	tcase_add_test(tc, unlabelled_cp1251_body_and_raw_subject_are_guessed);
	tcase_add_test(tc, labelled_cp866_body_is_decoded);
	tcase_add_test(tc, iso8859_5_quoted_printable_body_and_subject);
	tcase_add_test(tc, unlabelled_koi8r_and_cp866_and_capitals_are_guessed);
	tcase_add_test(tc, invalid_utf8_and_nuls_become_replacement_characters);
	tcase_add_test(tc, charset_names_are_matched_leniently);
	tcase_add_test(tc, encoded_words_in_unknown_or_broken_form_do_not_fail);
	suite_add_tcase(s, tc);

	tc = tcase_create("structure");
	tcase_add_test(tc,
	    missing_closing_boundary_keeps_text_and_partial_attachment);
	tcase_add_test(tc, truncated_base64_decodes_what_it_can);
	tcase_add_test(tc, rfc2231_continued_file_name_is_joined_and_decoded);
	tcase_add_test(tc, file_names_lose_their_directories);
	tcase_add_test(tc, html_alternative_is_used_when_plain_part_is_empty);
	tcase_add_test(tc,
	    related_html_root_is_the_text_and_images_are_attachments);
	tcase_add_test(tc, attached_text_and_html_files_are_not_the_body);
	tcase_add_test(tc, read_receipt_is_a_report);
	tcase_add_test(tc, letter_without_mime_headers_is_unlabelled_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile letters");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, lone_quote_boundary_does_not_crash_libetpan);
	tcase_add_test(tc,
	    deep_message_nesting_is_cut_before_libetpan_recurses);
	tcase_add_test(tc, nesting_deeper_than_the_limit_is_ignored);
	tcase_add_test(tc, thousand_part_multipart_stops_at_the_part_limit);
	tcase_add_test(tc, hundred_kb_header_is_read_quickly_to_its_end);
	tcase_add_test(tc, one_hundred_kb_header_field_is_capped_not_slow);
	tcase_add_test(tc,
	    header_block_over_the_limit_is_refused_with_a_reason);
	tcase_add_test(tc, thirty_mb_letter_with_one_attachment_parses_fast);
	tcase_add_test(tc, letter_over_the_size_limit_is_refused_unread);
	tcase_add_test(tc, empty_input_and_headerless_text_are_refused);
	tcase_add_test(tc, body_is_capped_and_marked_truncated);
	suite_add_tcase(s, tc);
	return s;
}
