/*
 * Masking for logs: ИНН, СНИЛС, passport and phone digits hidden but the
 * last two, e-mail local parts cut to their first character, request
 * numbers left readable, control bytes and invalid UTF-8 escaped, and a
 * megabyte of hostile bytes handled in linear time.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pii.h"

Suite	*pii_suite(void);

/* Asserts that masking the C string in gives want. */
static void
assert_masked(const char *in, const char *want)
{
	char	*got;

	got = pii_mask(in, strlen(in));
	ck_assert_msg(strcmp(got, want) == 0, "%s: got %s, want %s", in, got,
	    want);
	free(got);
}

START_TEST(inn_digits_are_masked_but_the_last_two)
{
	assert_masked("ИНН 7725012341", "ИНН ********41");
	assert_masked("ИНН 771345678963.", "ИНН **********63.");
	assert_masked("ИНН7725012341", "ИНН********41");
}
END_TEST

START_TEST(inn_with_wrong_check_digit_is_masked_too)
{
	assert_masked("ИНН 665812345091", "ИНН **********91");
}
END_TEST

START_TEST(snils_is_masked_in_every_shape)
{
	assert_masked("СНИЛС 156-789-321 21", "СНИЛС ***-***-*** 21");
	assert_masked("СНИЛС 14712025829", "СНИЛС *********29");
	assert_masked("СНИЛС 156 789 321 21", "СНИЛС *** *** *** 21");
}
END_TEST

START_TEST(passport_series_and_number_are_masked)
{
	assert_masked("паспорт 4509 123456", "паспорт **** ****56");
	assert_masked("паспорт 45 09 123456", "паспорт ** ** ****56");
	assert_masked("номер 123456", "номер ****56");
}
END_TEST

START_TEST(phone_is_masked_with_its_brackets_and_dashes)
{
	assert_masked("+7 916 204-55-17", "+* *** ***-**-17");
	assert_masked("8 (903) 117-20-48", "* (***) ***-**-48");
	assert_masked("+7(999)123-45-67", "+*(***)***-**-67");
	assert_masked("89053412218", "*********18");
	assert_masked("тел. 916.123.45.67", "тел. ***.***.**.67");
}
END_TEST

START_TEST(short_numbers_stay_readable)
{
	assert_masked("ошибка 500, 3 марта, в 23:00", "ошибка 500, 3 марта, "
	    "в 23:00");
	assert_masked("код 12345", "код 12345");
	assert_masked("1 500 руб", "1 500 руб");
}
END_TEST

START_TEST(request_number_is_not_masked)
{
	assert_masked("заявка 2026-000123", "заявка 2026-000123");
	assert_masked("заявки 2026-000123 и 2026-1234567 готовы",
	    "заявки 2026-000123 и 2026-1234567 готовы");
	assert_masked("#2026-120004?", "#2026-120004?");
}
END_TEST

START_TEST(request_number_lookalikes_are_masked)
{
	/* Too long to be ours: a phone could hide there. */
	assert_masked("2026-89161234567", "****-*********67");
	/* Not a year of this century. */
	assert_masked("1999-123456", "****-****56");
	/* Other separators than the agent's own hyphen. */
	assert_masked("2026 077120", "**** ****20");
	/* Joined to more digits. */
	assert_masked("2026-000123-45", "****-******-45");
}
END_TEST

START_TEST(email_local_part_is_cut_to_its_first_character)
{
	assert_masked("IVANOV.Petr@Example.net", "I***@Example.net");
	assert_masked("пишите на kot_vasya@post.test.",
	    "пишите на k***@post.test.");
	assert_masked("a@b.ru", "a***@b.ru");
	assert_masked("вася@почта.рф", "****@почта.рф");
	assert_masked("89161234567@mail.ru", "8***@mail.ru");
	assert_masked("@handle", "@handle");
}
END_TEST

START_TEST(digits_in_an_email_domain_are_masked)
{
	assert_masked("a@7725012341.ru", "a***@********41.ru");
}
END_TEST

START_TEST(control_bytes_are_escaped)
{
	assert_masked("a\nb\tc\rd\x1b[31m\x7f", "a\\x0ab\\x09c\\x0dd\\x1b[31m"
	    "\\x7f");
	assert_masked("back\\slash", "back\\x5cslash");
}
END_TEST

START_TEST(embedded_nul_is_escaped_and_does_not_end_the_text)
{
	const char	in[] = "a\0b 89161234567";
	char		*got;

	got = pii_mask(in, sizeof in - 1);
	ck_assert_str_eq(got, "a\\x00b *********67");
	free(got);
}
END_TEST

START_TEST(digits_split_by_control_bytes_are_still_masked)
{
	const char	in[] = "891\000612\n345\t67";
	char		*got;

	got = pii_mask(in, sizeof in - 1);
	ck_assert_str_eq(got, "***\\x00***\\x0a***\\x0967");
	free(got);
}
END_TEST

START_TEST(invalid_utf8_is_escaped_byte_by_byte)
{
	assert_masked("a\xff" "b", "a\\xffb");
	assert_masked("\xc0\xaf", "\\xc0\\xaf");
	assert_masked("\xed\xa0\x80", "\\xed\\xa0\\x80");
	assert_masked("cut \xd0", "cut \\xd0");
	assert_masked("ok ё €", "ok ё €");
}
END_TEST

START_TEST(unicode_controls_that_forge_lines_are_escaped)
{
	assert_masked("a\xc2\x85" "b", "a\\xc2\\x85b");
	assert_masked("a\xe2\x80\xa8" "b", "a\\xe2\\x80\\xa8b");
	assert_masked("a\xe2\x80\xae" "b", "a\\xe2\\x80\\xaeb");
}
END_TEST

START_TEST(full_width_digits_are_masked)
{
	assert_masked("８９１６１２３４５６７", "*********６７");
}
END_TEST

START_TEST(empty_text_gives_an_empty_string)
{
	char	*got;

	got = pii_mask("", 0);
	ck_assert_str_eq(got, "");
	free(got);
	got = pii_mask(NULL, 0);
	ck_assert_str_eq(got, "");
	free(got);
}
END_TEST

#define BIG	(1024 * 1024)

/* Masks a megabyte of a repeated pattern; returns the output length. */
static size_t
mask_repeated(const char *pattern)
{
	char	*buf, *got;
	size_t	 i, n = strlen(pattern), len;

	buf = malloc(BIG);
	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < BIG; i++)
		buf[i] = pattern[i % n];
	got = pii_mask(buf, BIG);
	len = strlen(got);
	free(got);
	free(buf);
	return len;
}

START_TEST(megabyte_of_hostile_bytes_is_masked_in_linear_time)
{
	ck_assert_uint_eq(mask_repeated("7"), BIG);
	ck_assert_uint_eq(mask_repeated("1 2 3 "), BIG);
	ck_assert_uint_eq(mask_repeated("1a"), BIG);
	ck_assert_uint_eq(mask_repeated("a"), BIG);
	ck_assert_uint_eq(mask_repeated("\x01"), 4 * BIG);
	ck_assert_uint_eq(mask_repeated("\xff"), 4 * BIG);
	ck_assert(mask_repeated("a.b@") > 0);
}
END_TEST

START_TEST(masked_output_keeps_no_six_digit_run)
{
	const char	*in = "ИНН 7725012341 СНИЛС 156-789-321 21 паспорт "
	    "4509 123456 тел +7 916 204-55-17 и 89053412218";
	char		*got;
	size_t		 i, run = 0;

	got = pii_mask(in, strlen(in));
	for (i = 0; got[i] != '\0'; i++) {
		run = got[i] >= '0' && got[i] <= '9' ? run + 1 : 0;
		ck_assert_uint_le(run, 2);
	}
	free(got);
}
END_TEST

Suite *
pii_suite(void)
{
	Suite	*s = suite_create("pii");
	TCase	*tc;

	tc = tcase_create("numbers");
	tcase_add_test(tc, inn_digits_are_masked_but_the_last_two);
	tcase_add_test(tc, inn_with_wrong_check_digit_is_masked_too);
	tcase_add_test(tc, snils_is_masked_in_every_shape);
	tcase_add_test(tc, passport_series_and_number_are_masked);
	tcase_add_test(tc, phone_is_masked_with_its_brackets_and_dashes);
	tcase_add_test(tc, short_numbers_stay_readable);
	tcase_add_test(tc, request_number_is_not_masked);
	tcase_add_test(tc, request_number_lookalikes_are_masked);
	tcase_add_test(tc, full_width_digits_are_masked);
	tcase_add_test(tc, masked_output_keeps_no_six_digit_run);
	suite_add_tcase(s, tc);

	tc = tcase_create("email");
	tcase_add_test(tc, email_local_part_is_cut_to_its_first_character);
	tcase_add_test(tc, digits_in_an_email_domain_are_masked);
	suite_add_tcase(s, tc);

	tc = tcase_create("bytes");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, control_bytes_are_escaped);
	tcase_add_test(tc, embedded_nul_is_escaped_and_does_not_end_the_text);
	tcase_add_test(tc, digits_split_by_control_bytes_are_still_masked);
	tcase_add_test(tc, invalid_utf8_is_escaped_byte_by_byte);
	tcase_add_test(tc, unicode_controls_that_forge_lines_are_escaped);
	tcase_add_test(tc, empty_text_gives_an_empty_string);
	tcase_add_test(tc, megabyte_of_hostile_bytes_is_masked_in_linear_time);
	suite_add_tcase(s, tc);
	return s;
}
