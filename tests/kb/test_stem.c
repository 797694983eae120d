/*
 * The stemmer (kb/stem.c): Snowball's stems of Russian and English words,
 * folded first, and remembered for the words stemmed again.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/stem.h"
#include "tests/suites.h"

/*
 * The stemmer remembers words it stemmed (kb/stem.c): whatever it holds
 * or has pushed out, a word gets the stem Snowball gives it.  The words
 * here are many more than the cache holds, each stemmed first by a
 * stemmer that has never seen it (Snowball itself), then twice, in two
 * orders, by one that sees them all.
 */
START_TEST(remembered_stems_are_snowball_stems)
{
	static const char *const roots[] = {
		"пароль", "заявлени", "Справк", "паспорт", "госуслуг", "ЁЛК",
		"password", "Refund", "2024",
	};
	static const char *const ends[] = {
		"", "а", "ами", "ем", "ой", "ость", "ейшими", "ующих", "ся",
		"s", "ing", "ed", "ies", "ыё",
	};
	enum { NW = 9 * 14 * 40 };
	struct stemmer	*fresh, *warm;
	char		(*w)[96], want[STEM_MAX], got[STEM_MAX];
	size_t		*wl, *sl, i, k, r, e;

	w = calloc(NW, sizeof(*w));
	wl = calloc(NW, sizeof(*wl));
	sl = calloc(NW, sizeof(*sl));
	ck_assert(w != NULL && wl != NULL && sl != NULL);
	/* Distinct words: a root, a made-up middle, an ending; some over
	 * the cache's 32 bytes, some over a token's 64. */
	for (i = 0, r = 0; r < 9; r++)
		for (e = 0; e < 14; e++)
			for (k = 0; k < 40; k++, i++)
				wl[i] = (size_t)snprintf(w[i], sizeof(w[i]),
				    "%s%.*s%s", roots[r], (int)(k % 20),
				    "тенькотенькотенькотенько", ends[e]);
	warm = stemmer_new();
	for (i = 0; i < NW; i++) {
		fresh = stemmer_new();
		sl[i] = stemmer_stem(fresh, w[i], wl[i], want);
		stemmer_free(&fresh);
		ck_assert_uint_eq(stemmer_stem(warm, w[i], wl[i], got), sl[i]);
		ck_assert(sl[i] == 0 || strcmp(got, want) == 0);
	}
	for (r = 0; r < 2; r++)
		for (k = 0; k < NW; k++) {
			i = r == 0 ? NW - 1 - k : (k * 7) % NW;
			fresh = stemmer_new();
			sl[i] = stemmer_stem(fresh, w[i], wl[i], want);
			stemmer_free(&fresh);
			ck_assert_uint_eq(stemmer_stem(warm, w[i], wl[i], got),
			    sl[i]);
			ck_assert_msg(sl[i] == 0 || strcmp(got, want) == 0,
			    "%s: %s, not %s", w[i], got, want);
		}
	/* Words of another case fold to the same stem. */
	ck_assert_uint_gt(stemmer_stem(warm, "Пароли", strlen("Пароли"),
	    got), 0);
	ck_assert_str_eq(got, "парол");
	stemmer_free(&warm);
	free(w);
	free(wl);
	free(sl);
}
END_TEST

Suite *
stem_suite(void)
{
	Suite	*s = suite_create("stem");
	TCase	*tc = tcase_create("cache");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, remembered_stems_are_snowball_stems);
	suite_add_tcase(s, tc);
	return s;
}
