/*
 * The prefilter may only ever skip patterns that cannot match: needles are
 * checked on hand-made patterns, and the whole shipped category set is
 * matched with and without the prefilter over every example and variants
 * of it, which must agree exactly.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intents/deffile.h"
#include "intents/editform.h"
#include "intents/normalize.h"
#include "intents/prefilter.h"
#include "intents/rules.h"
#include "lib/files.h"
#include "tests/suites.h"

static int
has_needles(const char *pattern, const char *const *want)
{
	char	**ns;
	size_t	  i, j, n = 0;
	int	  ok = 1;

	if (!prefilter_needles(pattern, &ns))
		return want == NULL;
	if (want == NULL) {
		prefilter_needles_free(ns);
		return 0;
	}
	for (i = 0; ns[i] != NULL; i++) {
		for (j = 0; want[j] != NULL; j++)
			if (strcmp(ns[i], want[j]) == 0)
				break;
		if (want[j] == NULL)
			ok = 0;
		n++;
	}
	for (j = 0; want[j] != NULL; j++)
		;
	prefilter_needles_free(ns);
	return ok && n == j;
}

START_TEST(test_literal_run_is_the_needle)
{
	const char *const w1[] = { "пароль", NULL };
	const char *const w2[] = { "смс", "sms", "код", NULL };

	ck_assert(has_needles("\\bпароль\\w*", w1));
	/* A group of literals is a needle set when nothing longer is. */
	ck_assert(has_needles("(смс|sms|код)\\s+\\d", w2));
}
END_TEST

START_TEST(test_optional_parts_give_no_needle)
{
	const char *const w[] = { "вход", NULL };

	/* "не " is optional, the group after it is optional too. */
	ck_assert(has_needles("(не\\s)?вход(ить)?", w));
	/* A trailing "?" makes the last letter optional. */
	const char *const w2[] = { "зависл", NULL };
	ck_assert(has_needles("зависла?", w2));
}
END_TEST

START_TEST(test_unknown_syntax_always_runs)
{
	ck_assert(has_needles("(?i)пароль", NULL));
	ck_assert(has_needles("\\Qa.b\\E", NULL));
	ck_assert(has_needles("\\?", NULL));
	ck_assert(has_needles("[абв]+|где", NULL));
	ck_assert(has_needles("a*", NULL));
}
END_TEST

START_TEST(test_lookarounds_are_not_needles)
{
	const char *const w[] = { "блок", NULL };

	ck_assert(has_needles("(?<!не\\s)(?!раз)блок", w));
}
END_TEST

/* Variants of a text: cut at every word boundary and with words dropped,
 * so that patterns match some and not others. */
static void
variants(const char *text, void (*fn)(const char *, void *), void *arg)
{
	size_t	 len = strlen(text), i;
	char	*buf;

	fn(text, arg);
	buf = malloc(len + 1);
	for (i = 1; i < len; i++) {
		if (text[i] != ' ')
			continue;
		memcpy(buf, text, i);
		buf[i] = '\0';
		fn(buf, arg);
		fn(text + i + 1, arg);
	}
	free(buf);
}

struct agree {
	const struct rules	*rules;
	struct rules_scratch	*s;
	struct rules_result	 a, b;
	size_t			 n, checked;
};

static void
compare(const char *text, void *arg)
{
	struct agree		*g = arg;
	struct normalized	 nm;

	normalize_message(text, strlen(text), &nm);
	rules_scratch_prefilter(g->s, 1);
	rules_match(g->rules, g->s, nm.match, nm.match_len, &g->a);
	rules_scratch_prefilter(g->s, 0);
	rules_match(g->rules, g->s, nm.match, nm.match_len, &g->b);
	ck_assert_msg(memcmp(g->a.score, g->b.score, g->n *
	    sizeof(double)) == 0 && memcmp(g->a.vetoed, g->b.vetoed, g->n) ==
	    0 && memcmp(g->a.alone, g->b.alone, g->n) == 0, "prefilter changed the rules' result for \"%s\"", text);
	normalize_release(&nm);
	g->checked++;
}

START_TEST(test_shipped_categories_match_the_same_with_prefilter)
{
	const char	*top = getenv("top_srcdir");
	char		*dir, **paths, *buf, *err;
	size_t		 n, len, i, j, k;
	struct def_set	 set = { NULL, 0 };
	struct rules	*rules;
	struct agree	 g;
	int		*map;

	if (asprintf(&dir, "%s/intents/defs", top ? top : ".") < 0)
		ck_abort();
	ck_assert_int_eq(files_list(dir, ".intent", &paths, &n, &err), 0);
	ck_assert_uint_gt(n, 0);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(files_read(paths[i], 1 << 20, &buf, &len,
		    &err), 0);
		ck_assert_uint_eq(deffile_parse(paths[i], buf, len, &set,
		    NULL, NULL), 0);
		free(buf);
	}
	files_list_free(paths, n);
	map = calloc(set.n, sizeof(*map));
	for (i = 0; i < set.n; i++)
		map[i] = (int)i;
	ck_assert_uint_eq(editform_resolve(&set, NULL, NULL), 0);
	ck_assert_uint_eq(rules_compile(&set, map, set.n, &rules, NULL,
	    NULL), 0);
	memset(&g, 0, sizeof(g));
	g.rules = rules;
	g.s = rules_scratch_new(rules);
	g.n = set.n;
	g.a.score = calloc(set.n, sizeof(double));
	g.b.score = calloc(set.n, sizeof(double));
	g.a.vetoed = calloc(set.n, 1);
	g.b.vetoed = calloc(set.n, 1);
	g.a.alone = calloc(set.n, 1);
	g.b.alone = calloc(set.n, 1);
	for (i = 0; i < set.n; i++)
		for (j = 0; j < set.intents[i].nexamples; j++)
			variants(set.intents[i].examples[j], compare, &g);
	/* The patterns themselves as text hit the needles hard. */
	for (i = 0; i < set.n; i++)
		for (k = 0; k < set.intents[i].npatterns; k++) {
			compare(set.intents[i].patterns[k].source, &g);
			compare(set.intents[i].patterns[k].pattern, &g);
		}
	ck_assert_uint_gt(g.checked, 1000);
	free(g.a.score);
	free(g.b.score);
	free(g.a.vetoed);
	free(g.b.vetoed);
	free(g.a.alone);
	free(g.b.alone);
	rules_scratch_free(&g.s);
	rules_free(&rules);
	free(map);
	free(dir);
	deffile_set_clear(&set);
}
END_TEST

Suite *
prefilter_suite(void)
{
	Suite	*s = suite_create("prefilter");
	TCase	*tc = tcase_create("needles");

	tcase_add_test(tc, test_literal_run_is_the_needle);
	tcase_add_test(tc, test_optional_parts_give_no_needle);
	tcase_add_test(tc, test_unknown_syntax_always_runs);
	tcase_add_test(tc, test_lookarounds_are_not_needles);
	suite_add_tcase(s, tc);
	tc = tcase_create("soundness");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_shipped_categories_match_the_same_with_prefilter);
	suite_add_tcase(s, tc);
	return s;
}
