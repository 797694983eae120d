/*
 * Request numbers in subjects: after any run of reply and forward
 * prefixes in Russian, English and German spellings (with counts), bare
 * or tagged, typed with any dash; and not in the text of a subject, where
 * a portal's application number of the same shape lives.  Cleaning a
 * subject for "[№ ...] <subject>" takes the prefixes and our tag off.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mailbox/thread.h"

Suite	*thread_suite(void);

static const struct {
	const char	*subject;
	const char	*number;	/* NULL: none */
} numbers[] = {
	{ "Re: [№ 2026-000123] Заявление на справку", "2026-000123" },
	{ "[№2026-000123] Заявление", "2026-000123" },
	{ "№2026-000123", "2026-000123" },
	{ "Вопрос по #2026-000123, срочно", "2026-000123" },
	{ "Тема [2026-000123]", "2026-000123" },
	{ "RE: Fwd: 2026-000123 статус", "2026-000123" },
	{ "Re[2]: Ответ: Отв: Пересл: AW: WG: FW: Fw: 2026-000123",
	    "2026-000123" },
	{ "ОТВ: ответ: re(3): 2026-000123", "2026-000123" },
	{ "Re^2 : 2026-000123", "2026-000123" },
	{ "Re: 2026\xe2\x80\x93" "000123", "2026-000123" },	/* en dash */
	{ "Re: [№ 2026 \xe2\x80\x94 000123] x", "2026-000123" },
	{ "Re: 2026-0001234", "2026-0001234" },
	{ "Автоматический ответ: Re: [№ 2026-000245] Доступ",
	    "2026-000245" },
	{ "Статус заявления 2026-004771", NULL },
	{ "Re: Заявление 2026-000123", NULL },
	{ "Re: 2026-00012", NULL },
	{ "Re: 12026-000123", NULL },
	{ "[№ 2026-000123", "2026-000123" },	/* "№ ..." is a tag */
	{ "[ 2026-000123 x", NULL },
	{ "#2026-0001234567890123456789", NULL },
	{ "Reply: 2026-000123", NULL },
	{ "", NULL },
};

START_TEST(numbers_are_found_after_prefixes_or_in_tags_only)
{
	char	 got[REQNUM_SIZE];
	int	 found;

	memset(got, 'x', sizeof(got));
	found = thread_subject_number(numbers[_i].subject, got);
	if (numbers[_i].number == NULL)
		ck_assert_msg(!found, "\"%s\" gave %s", numbers[_i].subject,
		    got);
	else {
		ck_assert_msg(found, "no number in \"%s\"",
		    numbers[_i].subject);
		ck_assert_str_eq(got, numbers[_i].number);
	}
}
END_TEST

START_TEST(null_subject_has_no_number)
{
	char	got[REQNUM_SIZE];

	ck_assert_int_eq(thread_subject_number(NULL, got), 0);
}
END_TEST

static const struct {
	const char	*subject;
	const char	*clean;
} cleans[] = {
	{ "Re: [№ 2026-000123] Заявление на справку",
	    "Заявление на справку" },
	{ "[№ 2026-000123] Re: Fwd: Тема", "Тема" },
	{ "Re:  Re:   Тема   письма  ", "Тема письма" },
	{ "Тема без префиксов", "Тема без префиксов" },
	{ "Отв: Тема [№ 2026-000123]", "Тема" },
	{ "Автоматический ответ: Re: [№ 2026-000245] Доступ",
	    "Автоматический ответ: Re: Доступ" },
	{ "Re:", "" },
	{ "", "" },
};

START_TEST(clean_subject_drops_prefixes_and_our_tag)
{
	char	*got;

	got = thread_clean_subject(cleans[_i].subject);
	ck_assert_str_eq(got, cleans[_i].clean);
	free(got);
}
END_TEST

START_TEST(clean_subject_of_null_is_empty)
{
	char	*got = thread_clean_subject(NULL);

	ck_assert_str_eq(got, "");
	free(got);
}
END_TEST

Suite *
thread_suite(void)
{
	Suite	*s = suite_create("thread");
	TCase	*tc;

	tc = tcase_create("number");
	tcase_add_loop_test(tc,
	    numbers_are_found_after_prefixes_or_in_tags_only, 0,
	    sizeof(numbers) / sizeof(numbers[0]));
	tcase_add_test(tc, null_subject_has_no_number);
	suite_add_tcase(s, tc);

	tc = tcase_create("clean");
	tcase_add_loop_test(tc, clean_subject_drops_prefixes_and_our_tag, 0,
	    sizeof(cleans) / sizeof(cleans[0]));
	tcase_add_test(tc, clean_subject_of_null_is_empty);
	suite_add_tcase(s, tc);
	return s;
}
