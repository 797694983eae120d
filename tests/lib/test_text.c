/*
 * Folding and word splitting, the one definition of "the same word" that
 * the knowledge base and the classifier share: case, ё as е, dashes, white
 * space and control bytes collapsed, invalid UTF-8 replaced, output cut on
 * a character boundary; words that keep "кто-то" and "don't" whole and
 * leave emoji and punctuation out; scripts; validity.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "lib/text.h"

Suite	*text_suite(void);

#define REPLACEMENT	"\xef\xbf\xbd"

/* Asserts that folding in[0..len) with maxout gives want. */
static void
assert_fold_n(const char *in, size_t len, size_t maxout, const char *want)
{
	char	*got;
	size_t	 glen = (size_t)-1;

	got = text_fold(in, len, maxout, &glen);
	ck_assert_ptr_nonnull(got);
	ck_assert_msg(strcmp(got, want) == 0, "fold: got \"%s\", want \"%s\"",
	    got, want);
	ck_assert_uint_eq(glen, strlen(want));
	ck_assert_uint_le(glen, maxout);
	ck_assert_msg(text_is_valid_utf8(got, glen), "fold output invalid");
	free(got);
}

static void
assert_fold(const char *in, const char *want)
{
	assert_fold_n(in, strlen(in), 1024, want);
}

/* The words of s joined by '|'. */
static void
words_of(const char *s, size_t len, char *out, size_t outsz)
{
	size_t	pos = 0, start, wlen, o = 0;
	int	n;

	out[0] = '\0';
	while (text_next_word(s, len, &pos, &start, &wlen)) {
		ck_assert_uint_le(start + wlen, len);
		ck_assert_uint_le(start + wlen, pos);
		n = snprintf(out + o, outsz - o, "%s%.*s", o > 0 ? "|" : "",
		    (int)wlen, s + start);
		ck_assert(n >= 0 && (size_t)n < outsz - o);
		o += (size_t)n;
	}
	ck_assert_uint_eq(pos, len);
}

static void
assert_words(const char *s, const char *want)
{
	char	got[512];

	words_of(s, strlen(s), got, sizeof(got));
	ck_assert_msg(strcmp(got, want) == 0, "%s: got \"%s\", want \"%s\"",
	    s, got, want);
}

START_TEST(fold_lowers_latin_and_cyrillic_case)
{
	assert_fold("Привет МИР Hello WORLD", "привет мир hello world");
	assert_fold("ГОСУСЛУГИ", "госуслуги");
}
END_TEST

START_TEST(fold_writes_yo_as_ye)
{
	assert_fold("Ёлка ещё ЁЖ", "елка еще еж");
	assert_fold("учётная запись", "учетная запись");
}
END_TEST

START_TEST(fold_turns_typographic_dashes_into_hyphens)
{
	/* hyphen, non-breaking hyphen, en dash, em dash, minus sign */
	assert_fold("a\xe2\x80\x90" "b\xe2\x80\x91" "c\xe2\x80\x93"
	    "d\xe2\x80\x94" "e\xe2\x88\x92" "f", "a-b-c-d-e-f");
	assert_fold("кто\xe2\x80\x94то", "кто-то");
}
END_TEST

START_TEST(fold_collapses_space_controls_and_nuls_into_one_space)
{
	static const char	in[] = "  a \t\r\n b\0\0c\x01\x7f" "d"
	    "\xc2\xa0" "e\xe2\x80\x8b" "f  \n";

	assert_fold_n(in, sizeof(in) - 1, 1024, "a b c d e f");
	assert_fold("\t\t\n", "");
}
END_TEST

START_TEST(fold_trims_leading_and_trailing_space)
{
	assert_fold("   пароль   ", "пароль");
	assert_fold("\n\nпароль", "пароль");
}
END_TEST

START_TEST(fold_replaces_invalid_utf8_with_replacement_character)
{
	assert_fold("a\xff" "b", "a" REPLACEMENT "b");
	assert_fold("пар\xd0", "пар" REPLACEMENT);
	assert_fold("\xc0\xaf", REPLACEMENT REPLACEMENT);
	assert_fold_n("\xff\xfe", 2, 1024, REPLACEMENT REPLACEMENT);
}
END_TEST

START_TEST(fold_surrogates_and_overlong_sequences_give_valid_output)
{
	static const char	*const bad[] = {
		"\xed\xa0\x80", "\xc0\x80", "\xe0\x80\x80", "\xf4\x90\x80\x80",
		"\xf8\x88\x80\x80\x80", "\x80\x80\x80",
	};
	char	*got;
	size_t	 i, len;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		got = text_fold(bad[i], strlen(bad[i]), 1024, &len);
		ck_assert_msg(text_is_valid_utf8(got, len), "case %zu", i);
		ck_assert_msg(strstr(got, REPLACEMENT) != NULL, "case %zu", i);
		free(got);
	}
}
END_TEST

START_TEST(fold_output_is_cut_on_a_character_boundary)
{
	/* Each п is two bytes. */
	assert_fold_n("ппп", 6, 6, "ппп");
	assert_fold_n("ппп", 6, 5, "пп");
	assert_fold_n("ппп", 6, 4, "пп");
	assert_fold_n("ппп", 6, 3, "п");
	assert_fold_n("ппп", 6, 1, "");
	/* A cut never leaves a trailing space. */
	assert_fold_n("ab cd", 5, 3, "ab");
}
END_TEST

START_TEST(fold_of_empty_input_is_an_empty_string)
{
	char	*got;
	size_t	 len = 99;

	got = text_fold("", 0, 1024, &len);
	ck_assert_str_eq(got, "");
	ck_assert_uint_eq(len, 0);
	free(got);
	got = text_fold("abc", 0, 1024, &len);
	ck_assert_str_eq(got, "");
	ck_assert_uint_eq(len, 0);
	free(got);
}
END_TEST

START_TEST(fold_of_a_large_input_stays_within_maxout)
{
	char	*in, *got;
	size_t	 n = 100000, len;

	in = malloc(n);
	ck_assert_ptr_nonnull(in);
	memset(in, 0xff, n);
	got = text_fold(in, n, 4096, &len);
	ck_assert_uint_le(len, 4096);
	ck_assert_uint_eq(len, 4095);	/* 1365 replacement characters */
	ck_assert(text_is_valid_utf8(got, len));
	free(got);
	free(in);
}
END_TEST

START_TEST(hyphenated_words_are_one_word)
{
	assert_words("кто-то пришёл", "кто-то|пришёл");
	assert_words("Санкт-Петербург, Ростов-на-Дону", "Санкт-Петербург|"
	    "Ростов-на-Дону");
	assert_words("e-mail", "e-mail");
}
END_TEST

START_TEST(apostrophes_between_letters_do_not_split)
{
	assert_words("don't stop", "don't|stop");
	assert_words("I\xe2\x80\x99m here", "I\xe2\x80\x99m|here");
	assert_words("'quoted'", "quoted");
}
END_TEST

START_TEST(hyphens_at_word_edges_and_doubled_split)
{
	assert_words("-привет- мир", "привет|мир");
	assert_words("a--b", "a|b");
	assert_words("слово -", "слово");
	assert_words("2026-000123", "2026|000123");
}
END_TEST

START_TEST(digits_are_words)
{
	assert_words("код 1234 abc123 ошибка500", "код|1234|abc123|"
	    "ошибка500");
}
END_TEST

START_TEST(emoji_and_symbols_are_not_words)
{
	assert_words("\xf0\x9f\x98\x80 привет \xf0\x9f\x91\x8d",
	    "привет");
	assert_words("\xf0\x9f\x98\x80\xf0\x9f\x98\x80", "");
	assert_words("$ % & * + = ~ ^ № §", "");
}
END_TEST

START_TEST(punctuation_splits_words)
{
	assert_words("привет,мир!как.дела?да:нет;(так)\"вот\"",
	    "привет|мир|как|дела|да|нет|так|вот");
	assert_words("foo\"bar NEAR(x)", "foo|bar|NEAR|x");
}
END_TEST

START_TEST(combining_marks_stay_in_the_word)
{
	/* и + combining breve, as some keyboards type й */
	assert_words("мои\xcc\x86 дом", "мои\xcc\x86|дом");
}
END_TEST

START_TEST(next_word_on_empty_input_finds_none)
{
	size_t	pos = 0, start = 7, wlen = 7;

	ck_assert_int_eq(text_next_word("", 0, &pos, &start, &wlen), 0);
	ck_assert_uint_eq(pos, 0);
	pos = 0;
	ck_assert_int_eq(text_next_word("   ", 3, &pos, &start, &wlen), 0);
	ck_assert_uint_eq(pos, 3);
}
END_TEST

START_TEST(invalid_utf8_and_nuls_split_words)
{
	static const char	in[] = "ab\xff" "cd\0ef";
	char			got[64];

	words_of(in, sizeof(in) - 1, got, sizeof(got));
	ck_assert_str_eq(got, "ab|cd|ef");
}
END_TEST

START_TEST(script_of_a_word)
{
	ck_assert_int_eq(text_script_of("пароль", strlen("пароль")),
	    TEXT_SCRIPT_CYRILLIC);
	ck_assert_int_eq(text_script_of("password", 8), TEXT_SCRIPT_LATIN);
	ck_assert_int_eq(text_script_of("café", strlen("café")),
	    TEXT_SCRIPT_LATIN);
	ck_assert_int_eq(text_script_of("12345", 5), TEXT_SCRIPT_OTHER);
	ck_assert_int_eq(text_script_of("", 0), TEXT_SCRIPT_OTHER);
	ck_assert_int_eq(text_script_of("日本", strlen("日本")),
	    TEXT_SCRIPT_OTHER);
	/* A Cyrillic letter anywhere makes the word Cyrillic. */
	ck_assert_int_eq(text_script_of("parolь", strlen("parolь")),
	    TEXT_SCRIPT_CYRILLIC);
	ck_assert_int_eq(text_script_of("123abc", 6), TEXT_SCRIPT_LATIN);
}
END_TEST

START_TEST(fold_word_lowers_and_writes_yo_as_ye)
{
	char	out[64];

	ck_assert_uint_eq(text_fold_word("ПРИВЁТ", strlen("ПРИВЁТ"), out,
	    sizeof(out)), strlen("привет"));
	ck_assert_str_eq(out, "привет");
	ck_assert_uint_eq(text_fold_word("Password", 8, out, sizeof(out)),
	    8);
	ck_assert_str_eq(out, "password");
	/* Apostrophes go, so "don't" and "dont" meet. */
	ck_assert_uint_eq(text_fold_word("Don't", 5, out, sizeof(out)), 4);
	ck_assert_str_eq(out, "dont");
}
END_TEST

START_TEST(fold_word_into_too_small_buffer_gives_zero)
{
	char	out[8];

	memset(out, 'x', sizeof(out));
	ck_assert_uint_eq(text_fold_word("абвг", strlen("абвг"), out, 8), 0);
	ck_assert_str_eq(out, "");
	/* Seven bytes and the NUL fit exactly. */
	ck_assert_uint_eq(text_fold_word("ABCDEFG", 7, out, 8), 7);
	ck_assert_str_eq(out, "abcdefg");
	ck_assert_uint_eq(text_fold_word("ABCDEFGH", 8, out, 8), 0);
	ck_assert_uint_eq(text_fold_word("abc", 3, out, 0), 0);
}
END_TEST

START_TEST(valid_utf8_is_recognised)
{
	ck_assert(text_is_valid_utf8("", 0));
	ck_assert(text_is_valid_utf8("plain ascii", 11));
	ck_assert(text_is_valid_utf8("пароль ёжик", strlen("пароль ёжик")));
	ck_assert(text_is_valid_utf8("\xf0\x9f\x98\x80", 4));
	/* A real U+FFFD is valid text. */
	ck_assert(text_is_valid_utf8(REPLACEMENT, 3));
}
END_TEST

START_TEST(invalid_utf8_and_nul_are_rejected)
{
	ck_assert(!text_is_valid_utf8("a\0b", 3));
	ck_assert(!text_is_valid_utf8("\xff", 1));
	ck_assert(!text_is_valid_utf8("ab\xd0", 3));	/* truncated */
	ck_assert(!text_is_valid_utf8("\xc0\x80", 2));	/* overlong NUL */
	ck_assert(!text_is_valid_utf8("\xe0\x80\xaf", 3));	/* overlong */
	ck_assert(!text_is_valid_utf8("\xed\xa0\x80", 3));	/* surrogate */
	ck_assert(!text_is_valid_utf8("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	ck_assert(!text_is_valid_utf8("\x80", 1));	/* lone continuation */
	/* The length is what counts, not a NUL. */
	ck_assert(text_is_valid_utf8("ab\xff", 2));
}
END_TEST

START_TEST(decode_reports_length_and_code_point)
{
	int32_t	cp;

	ck_assert_uint_eq(text_decode("a", 1, &cp), 1);
	ck_assert_int_eq(cp, 'a');
	ck_assert_uint_eq(text_decode("ж", 2, &cp), 2);
	ck_assert_int_eq(cp, 0x0436);
	ck_assert_uint_eq(text_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	ck_assert_int_eq(cp, 0x1F600);
	ck_assert_uint_eq(text_decode("\xff" "a", 2, &cp), 1);
	ck_assert_int_eq(cp, 0xFFFD);
	/* A sequence cut by the length is invalid and consumes one byte. */
	ck_assert_uint_eq(text_decode("ж", 1, &cp), 1);
	ck_assert_int_eq(cp, 0xFFFD);
	ck_assert_uint_eq(text_decode("", 0, &cp), 0);
}
END_TEST

START_TEST(shorten_cuts_on_a_character_boundary)
{
	char	buf[64];

	/* Short enough: the string itself. */
	ck_assert_str_eq(text_shorten("паспорт", 10, buf, sizeof(buf)),
	    "паспорт");
	/* Cut after 3 Cyrillic characters (6 bytes), never inside one. */
	ck_assert_str_eq(text_shorten("паспорт", 3, buf, sizeof(buf)),
	    "пас…");
	/* A buffer too small for the cut: the whole string, untouched. */
	ck_assert_str_eq(text_shorten("паспорт", 3, buf, 6), "паспорт");
}
END_TEST

START_TEST(hexval_reads_both_cases_and_refuses_the_rest)
{
	ck_assert_int_eq(text_hexval('0'), 0);
	ck_assert_int_eq(text_hexval('9'), 9);
	ck_assert_int_eq(text_hexval('a'), 10);
	ck_assert_int_eq(text_hexval('F'), 15);
	ck_assert_int_eq(text_hexval('g'), -1);
	ck_assert_int_eq(text_hexval('%'), -1);
	ck_assert_int_eq(text_hexval('\0'), -1);
}
END_TEST

/*
 * ASCII and basic Cyrillic take a short way through decoding, folding and
 * word characters: character by character, it must give what utf8proc's
 * tables give.
 */
START_TEST(lines_are_split_with_or_without_crlf_and_a_last_newline)
{
	const char	*buf = "a\r\n\nbc", *line;
	size_t		 pos = 0, llen;

	ck_assert(text_next_line(buf, strlen(buf), &pos, &line, &llen));
	ck_assert_uint_eq(llen, 1);
	ck_assert_int_eq(line[0], 'a');
	ck_assert(text_next_line(buf, strlen(buf), &pos, &line, &llen));
	ck_assert_uint_eq(llen, 0);
	ck_assert(text_next_line(buf, strlen(buf), &pos, &line, &llen));
	ck_assert_uint_eq(llen, 2);
	ck_assert(strncmp(line, "bc", 2) == 0);
	ck_assert_uint_eq(pos, strlen(buf));
	ck_assert(!text_next_line(buf, strlen(buf), &pos, &line, &llen));
	/* The hash is of the bytes given, not of a NUL-terminated string. */
	ck_assert_uint_eq(text_hash("ab", 1), text_hash("ax", 1));
	ck_assert_uint_ne(text_hash("ab", 2), text_hash("ba", 2));
}
END_TEST

START_TEST(short_ways_agree_with_utf8proc)
{
	utf8proc_uint8_t	 enc[4];
	utf8proc_int32_t	 ref;
	utf8proc_category_t	 cat;
	char			*got, want[8];
	int32_t			 cp, dec, low;
	size_t			 n, glen;
	int			 word, space;

	for (cp = 1; cp < 0x530; cp++) {
		n = (size_t)utf8proc_encode_char(cp, enc);
		ck_assert_uint_eq(text_decode((const char *)enc, n, &dec), n);
		ck_assert(utf8proc_iterate(enc, (utf8proc_ssize_t)n, &ref) ==
		    (utf8proc_ssize_t)n);
		ck_assert_int_eq(dec, ref);
		cat = utf8proc_category(cp);
		word = cp < 0x80 ? ((cp >= 'a' && cp <= 'z') ||
		    (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')) :
		    (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL ||
		    cat == UTF8PROC_CATEGORY_LT || cat == UTF8PROC_CATEGORY_LM ||
		    cat == UTF8PROC_CATEGORY_LO || cat == UTF8PROC_CATEGORY_MN ||
		    cat == UTF8PROC_CATEGORY_MC || cat == UTF8PROC_CATEGORY_ND);
		ck_assert_msg(text_is_word_char(cp) == word, "U+%04X", cp);
		space = cp < 0x20 || cp == 0x7f || cat == UTF8PROC_CATEGORY_ZS ||
		    cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP ||
		    cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF;
		low = cp == 0x401 || cp == 0x451 ? 0x435 :
		    cp < 0x80 && cp >= 'A' && cp <= 'Z' ? cp + 32 :
		    cp < 0x80 ? cp : utf8proc_tolower(cp);
		want[utf8proc_encode_char(low, (utf8proc_uint8_t *)want)] = 0;
		got = text_fold((const char *)enc, n, 16, &glen);
		ck_assert_msg(strcmp(got, space ? "" : want) == 0, "U+%04X",
		    cp);
		free(got);
	}
}
END_TEST

Suite *
text_suite(void)
{
	Suite	*s = suite_create("text");
	TCase	*tc;

	tc = tcase_create("fold");
	tcase_add_test(tc, fold_lowers_latin_and_cyrillic_case);
	tcase_add_test(tc, fold_writes_yo_as_ye);
	tcase_add_test(tc, fold_turns_typographic_dashes_into_hyphens);
	tcase_add_test(tc,
	    fold_collapses_space_controls_and_nuls_into_one_space);
	tcase_add_test(tc, fold_trims_leading_and_trailing_space);
	tcase_add_test(tc,
	    fold_replaces_invalid_utf8_with_replacement_character);
	tcase_add_test(tc,
	    fold_surrogates_and_overlong_sequences_give_valid_output);
	tcase_add_test(tc, fold_output_is_cut_on_a_character_boundary);
	tcase_add_test(tc, fold_of_empty_input_is_an_empty_string);
	tcase_add_test(tc, fold_of_a_large_input_stays_within_maxout);
	suite_add_tcase(s, tc);

	tc = tcase_create("words");
	tcase_add_test(tc, hyphenated_words_are_one_word);
	tcase_add_test(tc, apostrophes_between_letters_do_not_split);
	tcase_add_test(tc, hyphens_at_word_edges_and_doubled_split);
	tcase_add_test(tc, digits_are_words);
	tcase_add_test(tc, emoji_and_symbols_are_not_words);
	tcase_add_test(tc, punctuation_splits_words);
	tcase_add_test(tc, combining_marks_stay_in_the_word);
	tcase_add_test(tc, next_word_on_empty_input_finds_none);
	tcase_add_test(tc, invalid_utf8_and_nuls_split_words);
	suite_add_tcase(s, tc);

	tc = tcase_create("scripts");
	tcase_add_test(tc, script_of_a_word);
	tcase_add_test(tc, fold_word_lowers_and_writes_yo_as_ye);
	tcase_add_test(tc, fold_word_into_too_small_buffer_gives_zero);
	tcase_add_test(tc, valid_utf8_is_recognised);
	tcase_add_test(tc, invalid_utf8_and_nul_are_rejected);
	tcase_add_test(tc, decode_reports_length_and_code_point);
	tcase_add_test(tc, shorten_cuts_on_a_character_boundary);
	tcase_add_test(tc, hexval_reads_both_cases_and_refuses_the_rest);
	tcase_add_test(tc, short_ways_agree_with_utf8proc);
	tcase_add_test(tc, lines_are_split_with_or_without_crlf_and_a_last_newline);
	suite_add_tcase(s, tc);
	return s;
}
