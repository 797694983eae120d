/*
 * Parsing editors' article files: a good article gives its fields, a short
 * answer and the full text split at "<!-- more -->"; every mistake an
 * editor can make is reported as "name:line: reason" on the line where it
 * is; a BOM and Windows line ends are accepted; the category list is
 * matched by whole ids.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/article.h"
#include "lib/limits.h"

Suite	*article_suite(void);

#define FRONT \
	"---\n" \
	"id: login-password-reset\n" \
	"title: Как восстановить пароль\n" \
	"lang: ru\n" \
	"tags: пароль, восстановление\n" \
	"categories: login.password_reset, login.account_locked\n" \
	"---\n"

static struct article *
parse_ok(const char *buf, size_t len)
{
	struct article	*a = NULL;
	char		*err = NULL;

	if (article_parse("a.md", buf, len, &a, &err) == -1)
		ck_abort_msg("parse: %s", err);
	ck_assert_ptr_nonnull(a);
	return a;
}

/* Asserts that buf fails with "a.md:line: " and a reason holding why. */
static void
assert_error_n(const char *buf, size_t len, size_t line, const char *why)
{
	struct article	*a = (struct article *)1;
	char		*err = NULL, prefix[32];

	snprintf(prefix, sizeof prefix, "a.md:%zu: ", line);
	ck_assert_int_eq(article_parse("a.md", buf, len, &a, &err), -1);
	ck_assert_ptr_null(a);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0,
	    "error \"%s\" does not start with \"%s\"", err, prefix);
	ck_assert_msg(strstr(err, why) != NULL, "error \"%s\" lacks \"%s\"",
	    err, why);
	free(err);
}

static void
assert_error(const char *buf, size_t line, const char *why)
{
	assert_error_n(buf, strlen(buf), line, why);
}

START_TEST(good_article_gives_every_field)
{
	static const char	 buf[] = FRONT
	    "\n"
	    "Откройте страницу входа и нажмите «Восстановить».\n"
	    "\n"
	    "<!-- more -->\n"
	    "\n"
	    "## Подробнее\n"
	    "Код придёт по СМС.\n";
	struct article		*a;

	a = parse_ok(buf, sizeof(buf) - 1);
	ck_assert_str_eq(a->id, "login-password-reset");
	ck_assert_str_eq(a->title, "Как восстановить пароль");
	ck_assert_str_eq(a->lang, "ru");
	ck_assert_str_eq(a->tags, "пароль, восстановление");
	ck_assert_str_eq(a->categories,
	    "login.password_reset, login.account_locked");
	ck_assert_str_eq(a->summary,
	    "Откройте страницу входа и нажмите «Восстановить».");
	ck_assert_str_eq(a->body,
	    "Откройте страницу входа и нажмите «Восстановить».\n\n"
	    "## Подробнее\nКод придёт по СМС.");
	ck_assert_ptr_null(strstr(a->body, ARTICLE_MORE));
	article_free(&a);
	ck_assert_ptr_null(a);
}
END_TEST

START_TEST(article_without_more_marker_is_all_summary)
{
	static const char	 buf[] = FRONT
	    "Короткий ответ.\nВторая строка.\n";
	struct article		*a;

	a = parse_ok(buf, sizeof(buf) - 1);
	ck_assert_str_eq(a->summary, "Короткий ответ.\nВторая строка.");
	ck_assert_str_eq(a->body, a->summary);
	article_free(&a);
}
END_TEST

START_TEST(tags_are_optional_and_comments_in_front_matter_ignored)
{
	static const char	 buf[] =
	    "---\n"
	    "# a comment\n"
	    "\n"
	    "  id :  a-1  \n"
	    "title: T\n"
	    "lang: en\n"
	    "categories: x.y\n"
	    "---\n"
	    "Text.\n";
	struct article		*a;

	a = parse_ok(buf, sizeof(buf) - 1);
	ck_assert_str_eq(a->id, "a-1");
	ck_assert_str_eq(a->lang, "en");
	ck_assert_str_eq(a->tags, "");
	article_free(&a);
}
END_TEST

START_TEST(bom_is_accepted)
{
	static const char	 buf[] = "\xef\xbb\xbf" FRONT "Текст.\n";
	struct article		*a;

	a = parse_ok(buf, sizeof(buf) - 1);
	ck_assert_str_eq(a->id, "login-password-reset");
	ck_assert_str_eq(a->summary, "Текст.");
	article_free(&a);
}
END_TEST

START_TEST(crlf_line_ends_are_accepted)
{
	static const char	 buf[] =
	    "---\r\n"
	    "id: crlf\r\n"
	    "title: Title\r\n"
	    "lang: en\r\n"
	    "categories: a.b\r\n"
	    "---\r\n"
	    "Short.\r\n"
	    "<!-- more -->\r\n"
	    "Long.\r\n";
	struct article		*a;

	a = parse_ok(buf, sizeof(buf) - 1);
	ck_assert_str_eq(a->id, "crlf");
	ck_assert_str_eq(a->title, "Title");
	ck_assert_str_eq(a->categories, "a.b");
	ck_assert_str_eq(a->summary, "Short.");
	ck_assert_ptr_null(strchr(a->title, '\r'));
	ck_assert_ptr_nonnull(strstr(a->body, "Long."));
	ck_assert_ptr_null(strstr(a->body, ARTICLE_MORE));
	article_free(&a);
}
END_TEST

START_TEST(missing_front_matter_is_an_error_on_line_1)
{
	assert_error("Просто текст.\n", 1, "'---'");
	assert_error("", 1, "'---'");
	assert_error("\n---\nid: a\n", 1, "'---'");
}
END_TEST

START_TEST(unclosed_front_matter_is_an_error)
{
	assert_error("---\nid: a\ntitle: t\n", 3, "not closed");
}
END_TEST

START_TEST(unknown_key_is_an_error_on_its_line)
{
	assert_error("---\nid: a\ntitle: t\nauthor: me\nlang: ru\n---\nx\n", 4,
	    "unknown key");
}
END_TEST

START_TEST(line_without_colon_is_an_error_on_its_line)
{
	assert_error("---\nid: a\ntitle t\n---\nx\n", 3, "key: value");
}
END_TEST

START_TEST(bad_id_is_an_error_on_its_line)
{
	assert_error("---\ntitle: t\nid: Bad_Id\n---\nx\n", 3, "id:");
	assert_error("---\nid: пароль\n---\nx\n", 2, "id:");
	assert_error("---\nid:\n---\nx\n", 2, "id:");
	assert_error("---\nid: a b\n---\nx\n", 2, "id:");
}
END_TEST

START_TEST(bad_lang_is_an_error_on_its_line)
{
	assert_error("---\nid: a\nlang: de\n---\nx\n", 3, "lang: ru or en");
	assert_error("---\nid: a\nlang: RU\n---\nx\n", 3, "lang: ru or en");
	assert_error("---\nid: a\nlang: rus\n---\nx\n", 3, "lang: ru or en");
}
END_TEST

START_TEST(missing_title_or_categories_is_an_error_at_the_closing_line)
{
	assert_error("---\nid: a\nlang: ru\ncategories: x\n---\ntext\n", 5,
	    "needs id, title, lang, and categories or topics");
	assert_error("---\nid: a\ntitle: t\nlang: ru\n---\ntext\n", 5,
	    "needs id, title, lang, and categories or topics");
	assert_error("---\ntitle: t\nlang: ru\ncategories: x\n---\ntext\n", 5,
	    "needs id");
	assert_error("---\nid: a\ntitle:\nlang: ru\n---\ntext\n", 3,
	    "title");
}
END_TEST

START_TEST(duplicate_key_is_an_error_on_the_second_line)
{
	assert_error("---\nid: a\ntitle: t\nlang: ru\ntitle: u\n---\nx\n", 5,
	    "twice");
}
END_TEST

START_TEST(two_more_markers_are_an_error_on_the_second)
{
	assert_error(FRONT "a\n" ARTICLE_MORE "\nb\n" ARTICLE_MORE "\nc\n",
	    11, "more than one");
}
END_TEST

START_TEST(article_without_text_is_an_error)
{
	assert_error(FRONT, 7, "no text");
	assert_error(FRONT "\n\n", 9, "no text");
	/* Only a full text, no short answer. */
	assert_error(FRONT ARTICLE_MORE "\nLong text.\n", 9, "no text");
}
END_TEST

START_TEST(invalid_utf8_is_an_error_on_its_line)
{
	static const char	buf[] = FRONT "ok\nbad \xff byte\n";

	assert_error_n(buf, sizeof(buf) - 1, 9, "UTF-8");
}
END_TEST

START_TEST(nul_byte_is_an_error)
{
	static const char	 buf[] = FRONT "te\0xt\n";
	struct article		*a = NULL;
	char			*err = NULL;

	ck_assert_int_eq(article_parse("a.md", buf, sizeof(buf) - 1, &a,
	    &err), -1);
	ck_assert_ptr_null(a);
	ck_assert_msg(strncmp(err, "a.md:", 5) == 0, "error: %s", err);
	free(err);
}
END_TEST

START_TEST(too_large_file_is_an_error_naming_the_limit)
{
	struct article	*a = NULL;
	char		*buf, *err = NULL, want[64];
	size_t		 len = LIMIT_EDITOR_FILE_BYTES + 1;

	buf = malloc(len);
	ck_assert_ptr_nonnull(buf);
	memset(buf, 'x', len);
	memcpy(buf, FRONT, strlen(FRONT));
	ck_assert_int_eq(article_parse("a.md", buf, len, &a, &err), -1);
	ck_assert_ptr_null(a);
	snprintf(want, sizeof want, "larger than %d bytes",
	    LIMIT_EDITOR_FILE_BYTES);
	ck_assert_msg(strncmp(err, "a.md:", 5) == 0 &&
	    strstr(err, want) != NULL, "error: %s", err);
	free(err);
	/* Exactly at the limit is fine. */
	err = NULL;
	ck_assert_int_eq(article_parse("a.md", buf, len - 1, &a, &err), 0);
	article_free(&a);
	free(buf);
}
END_TEST

START_TEST(has_category_matches_whole_ids_only)
{
	static const char	 buf[] =
	    "---\nid: a\ntitle: t\nlang: ru\n"
	    "categories:  login.password_reset ,login.sms_code,, x \n"
	    "---\ntext\n";
	struct article		*a;

	a = parse_ok(buf, sizeof(buf) - 1);
	ck_assert(article_has_category(a, "login.password_reset"));
	ck_assert(article_has_category(a, "login.sms_code"));
	ck_assert(article_has_category(a, "x"));
	ck_assert(!article_has_category(a, "login"));
	ck_assert(!article_has_category(a, "login.password"));
	ck_assert(!article_has_category(a, "login.password_reset2"));
	ck_assert(!article_has_category(a, "sms_code"));
	ck_assert(!article_has_category(a, "y"));
	article_free(&a);
}
END_TEST

#define SERVICE \
	"---\n" \
	"id: passport-foreign\n" \
	"title: Загранпаспорт\n" \
	"lang: ru\n" \
	"topics: passport.foreign\n" \
	"questions:\n" \
	"- как оформить загран\n" \
	"  - сколько стоит загранпаспорт: пошлина\n" \
	"sources:\n" \
	"- https://example.org/zagran (страница услуги)\n" \
	"reviewed: 2026-12-07\n" \
	"---\n" \
	"Коротко.\n" \
	"<!-- more -->\n" \
	"## Как оформить\n1. Заполните.\n\n" \
	"## Документы\n- паспорт\n- фото\n\n" \
	"## Стоимость\nСм. страницу услуги.\n"

START_TEST(service_article_gives_topics_questions_sources_sections)
{
	struct article	*a;
	char		*s;

	a = parse_ok(SERVICE, strlen(SERVICE));
	ck_assert(article_is_service(a));
	ck_assert(article_has_topic(a, "passport.foreign"));
	ck_assert(!article_has_topic(a, "passport"));
	ck_assert_str_eq(a->categories, "");
	ck_assert_uint_eq(a->nquestions, 2);
	/* A colon inside a question is the question's, not a key. */
	ck_assert_str_eq(a->questions, "как оформить загран\n"
	    "сколько стоит загранпаспорт: пошлина");
	ck_assert_uint_eq(a->question_line[0], 7);
	ck_assert_uint_eq(a->question_line[1], 8);
	ck_assert_uint_eq(a->nsources, 1);
	ck_assert_str_eq(a->reviewed, "2026-12-07");
	s = article_section(a, SECTION_DOCUMENTS);
	ck_assert_str_eq(s, "- паспорт\n- фото");
	free(s);
	s = article_section(a, SECTION_FEE);
	ck_assert_str_eq(s, "См. страницу услуги.");
	free(s);
	ck_assert_ptr_null(article_section(a, SECTION_REFUSAL));
	ck_assert_int_eq(article_section_parse("timing"), SECTION_TIMING);
	ck_assert_int_eq(article_section_parse("nonsense"), -1);
	article_free(&a);
}
END_TEST

START_TEST(list_item_outside_a_list_is_an_error_on_its_line)
{
	assert_error("---\nid: a\ntitle: t\nlang: ru\ncategories: x\n"
	    "- stray\n---\ntext\n", 6, "outside questions:");
	assert_error("---\nid: a\ntitle: t\nlang: ru\ncategories: x\n"
	    "questions: inline\n---\ntext\n", 6, "line of its own");
	assert_error("---\nid: a\ntitle: t\nlang: ru\ncategories: x\n"
	    "reviewed: 2026-13-01\n---\ntext\n", 6, "YYYY-MM-DD");
}
END_TEST

START_TEST(free_of_null_is_harmless)
{
	struct article	*a = NULL;

	article_free(&a);
	ck_assert_ptr_null(a);
}
END_TEST

Suite *
article_suite(void)
{
	Suite	*s = suite_create("article");
	TCase	*tc;

	tc = tcase_create("good");
	tcase_add_test(tc, good_article_gives_every_field);
	tcase_add_test(tc, article_without_more_marker_is_all_summary);
	tcase_add_test(tc,
	    tags_are_optional_and_comments_in_front_matter_ignored);
	tcase_add_test(tc, bom_is_accepted);
	tcase_add_test(tc, crlf_line_ends_are_accepted);
	tcase_add_test(tc, has_category_matches_whole_ids_only);
	tcase_add_test(tc, free_of_null_is_harmless);
	tcase_add_test(tc,
	    service_article_gives_topics_questions_sources_sections);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, missing_front_matter_is_an_error_on_line_1);
	tcase_add_test(tc, unclosed_front_matter_is_an_error);
	tcase_add_test(tc, unknown_key_is_an_error_on_its_line);
	tcase_add_test(tc, line_without_colon_is_an_error_on_its_line);
	tcase_add_test(tc, bad_id_is_an_error_on_its_line);
	tcase_add_test(tc, bad_lang_is_an_error_on_its_line);
	tcase_add_test(tc,
	    missing_title_or_categories_is_an_error_at_the_closing_line);
	tcase_add_test(tc, duplicate_key_is_an_error_on_the_second_line);
	tcase_add_test(tc, two_more_markers_are_an_error_on_the_second);
	tcase_add_test(tc, article_without_text_is_an_error);
	tcase_add_test(tc, invalid_utf8_is_an_error_on_its_line);
	tcase_add_test(tc, nul_byte_is_an_error);
	tcase_add_test(tc, too_large_file_is_an_error_naming_the_limit);
	tcase_add_test(tc, list_item_outside_a_list_is_an_error_on_its_line);
	suite_add_tcase(s, tc);
	return s;
}
