/*
 * Stripping what the citizen did not write now: quoted replies under the
 * attributions each mailer writes, Outlook's separators and header
 * blocks, forwarded letters, signatures, mobile footers; and keeping a
 * reply written below the quote.  Also the HTML path: a <blockquote> is
 * stripped like "> " lines.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/files.h"
#include "mailbox/html2text.h"
#include "mailbox/mail.h"
#include "mailbox/strip.h"

Suite	*strip_suite(void);

static void
assert_strip(const char *in, const char *want)
{
	char	*got;

	got = strip_new_text(in, strlen(in));
	ck_assert_msg(strcmp(got, want) == 0, "strip:\n%s\n--- got:\n%s\n"
	    "--- want:\n%s", in, got, want);
	free(got);
}

/* The stripped text of a test letter. */
static char *
strip_letter(const char *name)
{
	const char	*top = getenv("top_srcdir");
	char		 path[1024], *buf, *err, *s;
	struct mail	*m;
	size_t		 len;

	snprintf(path, sizeof(path), "%s/tests/data/mail/%s",
	    top != NULL ? top : ".", name);
	if (files_read(path, 1 << 20, &buf, &len, &err) == -1)
		ck_abort_msg("%s", err);
	if (mail_parse(buf, len, &m, &err) == -1)
		ck_abort_msg("%s", err);
	s = strip_new_text(m->body, strlen(m->body));
	mail_free(&m);
	free(buf);
	return s;
}

START_TEST(gmail_reply_keeps_only_the_text_above_the_attribution)
{
	char	*s = strip_letter("d10.eml");

	ck_assert_str_eq(s, "Спасибо, пароль восстановила. Но теперь при "
	    "входе не приходит СМС с кодом,\nжду уже минут двадцать. Что "
	    "делать?\n\nТатьяна");
	free(s);
}
END_TEST

START_TEST(signature_after_dash_dash_space_is_cut)
{
	char	*s = strip_letter("d09.eml");

	ck_assert_ptr_null(strstr(s, "лицензии"));
	ck_assert_ptr_null(strstr(s, "Анна"));
	ck_assert_ptr_nonnull(strstr(s, "качество обслуживания"));
	ck_assert(s[strlen(s) - 1] == '.');
	free(s);
}
END_TEST

/* The signature of the new text (the citizen's phone for a call back),
 * and not the quoted letter of ours below it, nor a signature in a
 * quote. */
START_TEST(signature_is_the_new_texts_own)
{
	const char	*body = "Прошу проверить заявление.\n\n--\nИсакова Н.В.\n"
	    "тел. 8-903-555-12-40\n\n18.05.2026, 10:42, \"Служба поддержки\":\n"
	    "> Здравствуйте!\n> звоните +7 495 777-77-77\n> --\n> поддержка\n";
	char		*s;

	s = strip_signature(body, strlen(body));
	ck_assert_str_eq(strstr(s, "Исакова"), s);
	ck_assert_ptr_nonnull(strstr(s, "тел. 8-903-555-12-40"));
	ck_assert_ptr_null(strstr(s, "777-77-77"));
	ck_assert_ptr_null(strstr(s, "поддержка"));
	free(s);
	s = strip_signature("Спасибо!\n", strlen("Спасибо!\n"));
	ck_assert_str_eq(s, "");
	free(s);
	body = "Вопрос.\n> старое\n> -- \n> подпись\n";
	s = strip_signature(body, strlen(body));
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(quote_block_below_the_signature_name_is_cut)
{
	char	*s = strip_letter("d11.eml");

	ck_assert_str_eq(s, "Здравствуйте!\n\nКакой сейчас статус моего "
	    "заявления? В личном кабинете уже неделю ничего не меняется."
	    "\n\nПавел");
	free(s);
}
END_TEST

START_TEST(html_blockquote_is_stripped_like_quoted_lines)
{
	char	*s = strip_letter("html-gmail-reply.eml");

	ck_assert_str_eq(s, "Спасибо, а как узнать статус «на рассмотрении»?");
	free(s);
}
END_TEST

START_TEST(letter_without_quotes_is_kept_whole)
{
	char	*s = strip_letter("d01.eml");

	ck_assert_ptr_nonnull(strstr(s, "Как ещё можно восстановить доступ"));
	ck_assert_ptr_nonnull(strstr(s, "Ирина Смирнова"));
	free(s);
	assert_strip("Просто вопрос.\nБез цитат.",
	    "Просто вопрос.\nБез цитат.");
}
END_TEST

START_TEST(outlook_russian_header_block_is_cut)
{
	assert_strip("Спасибо, но вопрос остался.\r\n\r\n"
	    "________________________________\r\n"
	    "От: Служба поддержки <support@hotline.test>\r\n"
	    "Отправлено: 2 марта 2026 г. 11:02\r\n"
	    "Кому: Иван\r\nТема: Re: Пароль\r\n\r\nЗдравствуйте!\r\n",
	    "Спасибо, но вопрос остался.");
	assert_strip("Ответ выше.\n\n*От:* Служба\n*Кому:* Иван\n"
	    "*Дата:* 2 марта\n", "Ответ выше.");
}
END_TEST

START_TEST(outlook_english_separator_and_one_line_header_are_cut)
{
	assert_strip("Thanks.\n\n-----Original Message-----\nFrom: x\n",
	    "Thanks.");
	assert_strip("Спасибо.\n-----Исходное сообщение-----\nОт: x\n",
	    "Спасибо.");
	assert_strip("Ok.\nFrom: Support <s@h.test> Sent: Monday, March 2 "
	    "To: me\nold text\n", "Ok.");
	assert_strip("Ok.\nFrom: Support\nSent: Monday\nold\n", "Ok.");
}
END_TEST

START_TEST(forwarded_letters_are_cut)
{
	assert_strip("Посмотрите, пожалуйста.\n\n---------- Forwarded message"
	    " ---------\nFrom: x\n", "Посмотрите, пожалуйста.");
	assert_strip("Пересылаю.\n\n-------- Пересылаемое сообщение "
	    "--------\n02.03.2026, 11:02, x\n", "Пересылаю.");
	assert_strip("Вот.\n\nНачало переадресованного сообщения:\n\n"
	    "От: x\n", "Вот.");
	assert_strip("See below.\n\nBegin forwarded message:\n\nFrom: x\n",
	    "See below.");
}
END_TEST

START_TEST(attributions_with_date_or_verb_are_cut)
{
	assert_strip("Понятно.\n\nOn Mon, Mar 2, 2026 at 11:02 AM Support "
	    "<support@hotline.test> wrote:\n> old\n", "Понятно.");
	assert_strip("Понятно.\n\n02.03.2026 11:02, Служба поддержки пишет:"
	    "\n> old\n", "Понятно.");
	assert_strip("Понятно.\n\n2 марта 2026 г., в 11:02, Служба "
	    "<support@hotline.test> написал(а):\n\nстарый текст\n",
	    "Понятно.");
	/* Without a quote below: the date makes it an attribution. */
	assert_strip("Понятно.\n\n02.03.2026 11:02, Иван пишет:\nстарое\n",
	    "Понятно.");
}
END_TEST

START_TEST(attribution_wrapped_over_two_lines_is_cut_whole)
{
	assert_strip("Ясно.\n\nOn Mon, Mar 2, 2026 at 11:02 AM Служба "
	    "поддержки <\nsupport@hotline.test> wrote:\n> old\n", "Ясно.");
}
END_TEST

START_TEST(a_sentence_ending_in_writes_is_not_an_attribution)
{
	assert_strip("Мне сосед пишет:\nпридите в МФЦ. Это правда?",
	    "Мне сосед пишет:\nпридите в МФЦ. Это правда?");
}
END_TEST

START_TEST(signature_separator_without_trailing_space_is_cut)
{
	assert_strip("Текст.\n--\nИван\n", "Текст.");
	assert_strip("Текст.\r\n-- \r\nИван\r\n", "Текст.");
	/* A longer dash line is not a signature separator. */
	assert_strip("Итого -- два пункта.\n---\nещё", "Итого -- два пункта.\n"
	    "---\nещё");
}
END_TEST

START_TEST(reply_written_below_the_quote_is_kept)
{
	assert_strip("Иван Петров пишет:\n> Как получить справку?\n> "
	    "Через портал.\n\nА если портал не работает?\n-- \nИван\n",
	    "А если портал не работает?");
	assert_strip("> вопрос один\nответ один\n> вопрос два\nответ два\n",
	    "ответ один\nответ два");
}
END_TEST

START_TEST(trailing_blank_lines_rules_and_mobile_footers_are_trimmed)
{
	assert_strip("Вопрос.\n\n\n   \n", "Вопрос.");
	assert_strip("Вопрос.\n\nОтправлено с iPhone\n", "Вопрос.");
	assert_strip("Вопрос.\n_____________\n\n", "Вопрос.");
	assert_strip("", "");
	assert_strip("\n\n", "");
	assert_strip("> только цитата\n", "");
}
END_TEST

START_TEST(html_quote_and_lists_convert_to_marked_text)
{
	static const char html[] = "<p>Вопрос &amp; ответ</p><ul><li>раз"
	    "</li><li>два</li></ul><blockquote>старое<br>письмо"
	    "<blockquote>совсем старое</blockquote></blockquote>"
	    "<script>var x=1;</script><pre>  a\n  b</pre>";
	char	*s;
	int	 cut;

	s = html2text_convert(html, strlen(html), 4096, &cut);
	ck_assert_str_eq(s, "Вопрос & ответ\n\n- раз\n- два\n\n> старое\n"
	    "> письмо\n> > совсем старое\n\n  a\n  b");
	ck_assert_int_eq(cut, 0);
	free(s);
	s = html2text_convert("", 0, 16, NULL);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(deeply_nested_html_converts_without_recursion)
{
	size_t	 n = 200000, i;
	char	*html, *s;

	html = malloc(n * 5 + 16);
	for (i = 0; i < n; i++)
		memcpy(html + i * 5, "<div>", 5);
	memcpy(html + n * 5, "глубоко", strlen("глубоко"));
	s = html2text_convert(html, n * 5 + strlen("глубоко"), 4096, NULL);
	ck_assert_ptr_nonnull(s);
	free(s);
	free(html);
}
END_TEST

Suite *
strip_suite(void)
{
	Suite	*s = suite_create("strip");
	TCase	*tc;

	tc = tcase_create("letters");
	tcase_add_test(tc,
	    gmail_reply_keeps_only_the_text_above_the_attribution);
	tcase_add_test(tc, signature_after_dash_dash_space_is_cut);
	tcase_add_test(tc, quote_block_below_the_signature_name_is_cut);
	tcase_add_test(tc, html_blockquote_is_stripped_like_quoted_lines);
	tcase_add_test(tc, letter_without_quotes_is_kept_whole);
	suite_add_tcase(s, tc);

	tc = tcase_create("markers");
	tcase_add_test(tc, outlook_russian_header_block_is_cut);
	tcase_add_test(tc,
	    outlook_english_separator_and_one_line_header_are_cut);
	tcase_add_test(tc, forwarded_letters_are_cut);
	tcase_add_test(tc, attributions_with_date_or_verb_are_cut);
	tcase_add_test(tc, attribution_wrapped_over_two_lines_is_cut_whole);
	tcase_add_test(tc, a_sentence_ending_in_writes_is_not_an_attribution);
	tcase_add_test(tc, signature_separator_without_trailing_space_is_cut);
	tcase_add_test(tc, reply_written_below_the_quote_is_kept);
	tcase_add_test(tc,
	    trailing_blank_lines_rules_and_mobile_footers_are_trimmed);
	suite_add_tcase(s, tc);

	tc = tcase_create("html");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, signature_is_the_new_texts_own);
	tcase_add_test(tc, html_quote_and_lists_convert_to_marked_text);
	tcase_add_test(tc, deeply_nested_html_converts_without_recursion);
	suite_add_tcase(s, tc);
	return s;
}
