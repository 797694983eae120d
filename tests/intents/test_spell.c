/*
 * Typos mended with hunspell's Russian dictionary (hunspell-ru, installed by
 * scripts/deps.sh) against the words of the shipped category files: what
 * a citizen misspells becomes the word the rules know, and nothing else
 * changes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intents/deffile.h"
#include "intents/evidence.h"
#include "intents/normalize.h"
#include "intents/spell.h"
#include "lib/files.h"
#include "lib/limits.h"
#include "tests/suites.h"

static struct spell		*sp;
static struct evidence		*ev;
static struct def_set		 set;
static struct spell_scratch	*sc;

/* The vocabulary the classifier has: the shipped examples, indexed. */
static void
setup(void)
{
	const char	*top = getenv("top_srcdir");
	char		*dir, **paths, *buf, *err = NULL;
	size_t		 n, len, i, j;

	if (asprintf(&dir, "%s/intents/defs", top ? top : ".") < 0)
		ck_abort();
	ck_assert_int_eq(files_list(dir, ".intent", &paths, &n, &err), 0);
	memset(&set, 0, sizeof(set));
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(files_read(paths[i], 1 << 20, &buf, &len,
		    &err), 0);
		deffile_parse(paths[i], buf, len, &set, NULL, NULL);
		free(buf);
	}
	files_list_free(paths, n);
	free(dir);
	ev = evidence_new(1);
	for (i = 0; i < set.n; i++)
		for (j = 0; j < set.intents[i].nexamples; j++)
			evidence_add(ev, 0, EVIDENCE_EXAMPLE,
			    set.intents[i].examples[j]);
	ck_assert_int_eq(evidence_build(ev, &err), 0);
	sp = spell_new();
	ck_assert_msg(spell_open(sp, HOTLINE_HUNSPELL_DIR, &err) == 0, "%s",
	    err);
	spell_learn_index(sp, ev);
	spell_learn_defs(sp, &set);
	ck_assert_uint_gt(spell_known(sp), 1000);
	sc = spell_scratch_new();
}

static void
teardown(void)
{
	spell_scratch_free(&sc);
	spell_free(&sp);
	evidence_free(&ev);
	deffile_set_clear(&set);
}

static const char *
fix(const char *w)
{
	return spell_word(sp, sc, w, strlen(w));
}

START_TEST(misspelt_words_the_rules_know_are_mended)
{
	/* An example quotes "заявлния" as a typo on a page: a word only
	 * one example uses is still mended to the one many use. */
	ck_assert_str_eq(fix("заявлние"), "заявление");
	ck_assert_str_eq(fix("паспртом"), "паспортом");
	/* Two letters swapped, and again from the cache. */
	ck_assert_str_eq(fix("пароьл"), "пароль");
	ck_assert_str_eq(fix("пароьл"), "пароль");
}
END_TEST

START_TEST(known_and_correct_words_are_left_alone)
{
	/* Known to the rules (hunspell does not know "госуслуги"). */
	ck_assert_ptr_null(fix("паспорт"));
	ck_assert_ptr_null(fix("госуслуги"));
	/* Spelt right, though no category uses it: not made "паспортом". */
	ck_assert_ptr_null(fix("пастором"));
	/* slang an editor wrote into a rule ("электронк*": e-mail) is a
	 * word, not a typo of "электроне" */
	ck_assert_ptr_null(fix("электронке"));
	/* Too short to guess, not Russian letters, or nothing near. */
	ck_assert_ptr_null(fix("пспт"));
	ck_assert_ptr_null(fix("passport"));
	ck_assert_ptr_null(fix("ывфывфыв"));
}
END_TEST

START_TEST(a_message_is_mended_word_by_word)
{
	struct normalized	n;
	const char		*msg = "Где подать ЗАЯВЛНИЕ с паспртом, 2026?";

	normalize_message(msg, strlen(msg), &n);
	ck_assert_uint_eq(spell_correct(sp, sc, &n), 2);
	ck_assert_str_eq(n.match, "где подать заявление с паспортом, 2026?");
	ck_assert_uint_eq(n.match_len, strlen(n.match));
	normalize_release(&n);
	/* Russian typed in Latin letters: its Cyrillic is ours ("chrome"
	 * comes out "чроме"), not a citizen's typo. */
	msg = "v chrome ne zahodit";
	normalize_message(msg, strlen(msg), &n);
	ck_assert(n.translit);
	ck_assert_uint_eq(spell_correct(sp, sc, &n), 0);
	ck_assert_ptr_nonnull(strstr(n.match, "чроме"));
	normalize_release(&n);
}
END_TEST

START_TEST(a_flood_of_made_up_words_does_not_grow_the_cache)
{
	char	w[32];
	size_t	i, k;

	/* More words than the cache holds ("щщщ" and three letters from
	 * а..п): it starts again, and still mends. */
	for (i = 0; i < LIMIT_SPELL_CACHE; i++) {
		memcpy(w, "щщщ", 6);
		for (k = 0; k < 3; k++) {
			w[6 + 2 * k] = (char)0xd0;
			w[7 + 2 * k] = (char)(0xb0 + (i >> (4 * k) & 15));
		}
		w[12] = '\0';
		ck_assert_ptr_null(fix(w));
	}
	ck_assert_str_eq(fix("заявлние"), "заявление");
}
END_TEST

START_TEST(without_a_dictionary_nothing_changes)
{
	struct spell		*none;
	struct normalized	 n;
	char			*err = NULL;

	none = spell_new();
	ck_assert_int_eq(spell_open(none, "/nonexistent", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "hunspell-ru"));
	free(err);
	spell_learn_index(none, ev);
	normalize_message("заявлние", strlen("заявлние"), &n);
	ck_assert_uint_eq(spell_correct(none, sc, &n), 0);
	ck_assert_uint_eq(spell_correct(NULL, sc, &n), 0);
	ck_assert_str_eq(n.match, "заявлние");
	normalize_release(&n);
	spell_free(&none);
}
END_TEST

Suite *
spell_suite(void)
{
	Suite	*s = suite_create("spell");
	TCase	*tc = tcase_create("spell");

	/* The dictionary takes ~130 ms to load, ~1 s under ASan. */
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, misspelt_words_the_rules_know_are_mended);
	tcase_add_test(tc, known_and_correct_words_are_left_alone);
	tcase_add_test(tc, a_message_is_mended_word_by_word);
	tcase_add_test(tc, a_flood_of_made_up_words_does_not_grow_the_cache);
	tcase_add_test(tc, without_a_dictionary_nothing_changes);
	suite_add_tcase(s, tc);
	return s;
}
