/*
 * A message made ready for matching: Russian stays Russian, English is
 * recognised, Russian typed in Latin letters is recognised and gets its
 * Cyrillic spelling beside the Latin one; the transliteration table; the
 * cut at LIMIT_CLASSIFY_BYTES; and bytes that are not text at all.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intents/normalize.h"
#include "lib/limits.h"
#include "lib/text.h"

Suite	*normalize_suite(void);

static struct normalized	nm;

static void
norm(const char *s)
{
	normalize_message(s, strlen(s), &nm);
	ck_assert_ptr_nonnull(nm.folded);
	ck_assert_ptr_nonnull(nm.match);
	ck_assert_uint_eq(strlen(nm.folded), nm.folded_len);
	ck_assert_uint_eq(strlen(nm.match), nm.match_len);
}

static void
assert_translit(const char *lat, const char *cyr)
{
	char	*out;
	size_t	 len;

	out = normalize_translit(lat, strlen(lat), &len);
	ck_assert_msg(strcmp(out, cyr) == 0, "%s: got %s, want %s", lat, out,
	    cyr);
	ck_assert_uint_eq(len, strlen(cyr));
	free(out);
}

START_TEST(russian_message_stays_russian)
{
	norm("Забыл пароль от Госуслуг, что делать?");
	ck_assert_int_eq(nm.lang, LANG_RU);
	ck_assert_int_eq(nm.translit, 0);
	ck_assert_int_eq(nm.truncated, 0);
	ck_assert_str_eq(nm.folded, "забыл пароль от госуслуг, что делать?");
	ck_assert_str_eq(nm.match, nm.folded);
	ck_assert_str_eq(lang_name(nm.lang), "ru");
	normalize_release(&nm);
	ck_assert_ptr_null(nm.folded);
	ck_assert_ptr_null(nm.match);
}
END_TEST

START_TEST(russian_with_some_latin_words_stays_russian)
{
	norm("не приходит SMS код на Госуслуги");
	ck_assert_int_eq(nm.lang, LANG_RU);
	ck_assert_int_eq(nm.translit, 0);
	normalize_release(&nm);
}
END_TEST

START_TEST(english_sentence_is_english)
{
	norm("I forgot my password, how can I reset it?");
	ck_assert_int_eq(nm.lang, LANG_EN);
	ck_assert_int_eq(nm.translit, 0);
	ck_assert_str_eq(nm.match, "i forgot my password, how can i reset "
	    "it?");
	ck_assert_str_eq(lang_name(nm.lang), "en");
	normalize_release(&nm);
	norm("Do you speak English?");
	ck_assert_int_eq(nm.lang, LANG_EN);
	normalize_release(&nm);
}
END_TEST

/* Asserts that s is Russian in Latin letters and that its match text
 * holds the Cyrillic word cyr. */
static void
assert_translit_message(const char *s, const char *cyr)
{
	norm(s);
	ck_assert_msg(nm.lang == LANG_RU, "%s: lang %s", s,
	    lang_name(nm.lang));
	ck_assert_msg(nm.translit == 1, "%s: not seen as translit", s);
	ck_assert_msg(strstr(nm.match, cyr) != NULL, "%s: match \"%s\" lacks "
	    "\"%s\"", s, nm.match, cyr);
	/* The Latin spelling is kept for English rules. */
	ck_assert_msg(strncmp(nm.match, nm.folded, nm.folded_len) == 0,
	    "%s: match \"%s\" lacks the folded text", s, nm.match);
	ck_assert(text_is_valid_utf8(nm.match, nm.match_len));
	normalize_release(&nm);
}

START_TEST(translit_message_gets_its_cyrillic_spelling)
{
	assert_translit_message("zabyl parol kak vosstanovit", "забыл");
	assert_translit_message("zabyl parol kak vosstanovit",
	    "восстановит");
	assert_translit_message("zhivogo operatora daite", "живого");
	assert_translit_message("nomer telefona goryachey linii",
	    "телефона");
	assert_translit_message("Zabyl PAROL kak vosstanovit", "забыл");
}
END_TEST

/* Russian typed with the keyboard on the English layout is also seen in
 * the letters of its keys; English, transliteration and addresses are
 * not. */
static void
assert_layout(const char *s, const char *cyr)
{
	norm(s);
	ck_assert_msg(nm.layout == 1 && nm.lang == LANG_RU, "%s: not seen as "
	    "typed on the English layout", s);
	ck_assert_msg(strstr(nm.match, cyr) != NULL, "%s: match \"%s\" lacks "
	    "\"%s\"", s, nm.match, cyr);
	ck_assert(text_is_valid_utf8(nm.match, nm.match_len));
	normalize_release(&nm);
}

static void
assert_not_layout(const char *s)
{
	norm(s);
	ck_assert_msg(nm.layout == 0, "%s: taken for the wrong layout (%s)", s,
	    nm.match);
	normalize_release(&nm);
}

START_TEST(wrong_layout_gets_the_letters_of_its_keys)
{
	assert_layout("jgthfnjh", "оператор");
	assert_layout("ghbdtn", "привет");
	assert_layout("Pf,skf gfhjkm", "забыла пароль");
	assert_layout("yt ghb[jlbn rjl", "не приходит код");
	assert_not_layout("privet vsem");
	assert_not_layout("help me please");
	assert_not_layout("zabyl parol kak vosstanovit");
	assert_not_layout("https://www.gosuslugi.ru");
	assert_not_layout("не приходит sms");
	assert_not_layout("the password does not work");
}
END_TEST

START_TEST(translit_table_maps_each_scheme)
{
	assert_translit("shch", "щ");
	assert_translit("borshch", "борщ");
	assert_translit("sch", "щ");
	assert_translit("zh", "ж");
	assert_translit("kh", "х");
	assert_translit("ch", "ч");
	assert_translit("sh", "ш");
	assert_translit("ts", "ц");
	assert_translit("ya", "я");
	assert_translit("yu", "ю");
	assert_translit("x", "кс");
	assert_translit("taxi", "такси");
	assert_translit("zhivogo", "живого");
	assert_translit("ZHIVOGO", "живого");
	assert_translit("obyazatel'no", "обязательно");
	assert_translit("", "");
}
END_TEST

START_TEST(translit_keeps_what_is_not_latin)
{
	assert_translit("parol 123!", "парол 123!");
	assert_translit("код kod", "код код");
	assert_translit("\xff", "\xff");
}
END_TEST

START_TEST(translit_of_the_worst_case_fits)
{
	char	*in, *out;
	size_t	 n = 10000, len;

	in = malloc(n);
	ck_assert_ptr_nonnull(in);
	memset(in, 'x', n);
	out = normalize_translit(in, n, &len);
	ck_assert_uint_eq(len, 4 * n);
	ck_assert(text_is_valid_utf8(out, len));
	free(out);
	free(in);
}
END_TEST

START_TEST(long_message_is_cut_and_marked_truncated)
{
	char	*in;
	size_t	 n = LIMIT_CLASSIFY_BYTES * 3;

	in = malloc(n + 1);
	ck_assert_ptr_nonnull(in);
	memset(in, 'a', n);
	in[n] = '\0';
	normalize_message(in, n, &nm);
	ck_assert_int_eq(nm.truncated, 1);
	ck_assert_uint_le(nm.folded_len, LIMIT_CLASSIFY_BYTES);
	ck_assert_uint_le(nm.match_len, 2 * LIMIT_CLASSIFY_BYTES * 4 + 8);
	normalize_release(&nm);
	/* Exactly at the limit is not cut. */
	normalize_message(in, LIMIT_CLASSIFY_BYTES, &nm);
	ck_assert_int_eq(nm.truncated, 0);
	ck_assert_uint_eq(nm.folded_len, LIMIT_CLASSIFY_BYTES);
	normalize_release(&nm);
	free(in);
}
END_TEST

START_TEST(invalid_utf8_and_nuls_do_not_break_it)
{
	static const char	in[] = "\xff\xfe\0\0zabyl\0parol\xd0 \x80kak";

	normalize_message(in, sizeof(in) - 1, &nm);
	ck_assert(text_is_valid_utf8(nm.folded, nm.folded_len));
	ck_assert(text_is_valid_utf8(nm.match, nm.match_len));
	ck_assert_ptr_null(memchr(nm.match, '\0', nm.match_len));
	normalize_release(&nm);
}
END_TEST

START_TEST(empty_message_is_empty)
{
	normalize_message("", 0, &nm);
	ck_assert_str_eq(nm.folded, "");
	ck_assert_str_eq(nm.match, "");
	ck_assert_uint_eq(nm.folded_len, 0);
	ck_assert_uint_eq(nm.match_len, 0);
	ck_assert_int_eq(nm.lang, LANG_RU);
	ck_assert_int_eq(nm.translit, 0);
	ck_assert_int_eq(nm.truncated, 0);
	normalize_release(&nm);
	norm("  !!! ??? \n");
	ck_assert_str_eq(nm.folded, "!!! ???");
	ck_assert_int_eq(nm.lang, LANG_RU);
	normalize_release(&nm);
}
END_TEST

Suite *
normalize_suite(void)
{
	Suite	*s = suite_create("normalize");
	TCase	*tc;

	tc = tcase_create("language");
	tcase_add_test(tc, russian_message_stays_russian);
	tcase_add_test(tc, russian_with_some_latin_words_stays_russian);
	tcase_add_test(tc, english_sentence_is_english);
	tcase_add_test(tc, translit_message_gets_its_cyrillic_spelling);
	suite_add_tcase(s, tc);

	tc = tcase_create("translit");
	tcase_add_test(tc, translit_table_maps_each_scheme);
	tcase_add_test(tc, translit_keeps_what_is_not_latin);
	tcase_add_test(tc, translit_of_the_worst_case_fits);
	suite_add_tcase(s, tc);

	tc = tcase_create("bytes");
	tcase_add_test(tc, long_message_is_cut_and_marked_truncated);
	tcase_add_test(tc, invalid_utf8_and_nuls_do_not_break_it);
	tcase_add_test(tc, empty_message_is_empty);
	tcase_add_test(tc, wrong_layout_gets_the_letters_of_its_keys);
	suite_add_tcase(s, tc);
	return s;
}
