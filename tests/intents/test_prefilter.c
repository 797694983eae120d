/*
 * The prefilter may only ever skip patterns that cannot match, and a
 * pattern tried only where it may start must match exactly when PCRE2
 * finds it searching the whole text: needles and starts are checked on
 * hand-made patterns, and the whole shipped category set is matched with
 * and without the prefilter, and pattern by pattern against the patterns
 * compiled as written, over every example and variants of it.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <check.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intents/aspect.h"
#include "intents/deffile.h"
#include "intents/editform.h"
#include "intents/normalize.h"
#include "intents/needles.h"
#include "intents/prefilter.h"
#include "intents/pscan.h"
#include "intents/rules.h"
#include "intents/starts.h"
#include "lib/files.h"
#include "tests/suites.h"

static int
has_needles(const char *pattern, const char *const *want)
{
	char	**ns;
	size_t	  i, j, n = 0;
	int	  ok = 1;

	if (!needles_best(pattern, &ns))
		return want == NULL;
	if (want == NULL) {
		needles_free(ns);
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
	needles_free(ns);
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

/* Whether pattern's starts are exactly want ("text/lead"), NULL: none. */
static int
has_starts(const char *pattern, const char *const *want)
{
	struct starts	 st;
	char		 buf[300];
	size_t		 i, j, n = 0;
	int		 ok = 1;

	if (!starts_read(pattern, &st))
		return want == NULL;
	if (want == NULL) {
		starts_clear(&st);
		return 0;
	}
	for (i = 0; i < st.n; i++) {
		if (st.v[i].lead == STARTS_WORD)
			snprintf(buf, sizeof(buf), "%s/w", st.v[i].s);
		else
			snprintf(buf, sizeof(buf), "%s/%u", st.v[i].s,
			    st.v[i].lead);
		for (j = 0; want[j] != NULL; j++)
			if (strcmp(buf, want[j]) == 0)
				break;
		if (want[j] == NULL)
			ok = 0;
	}
	for (j = 0; want[j] != NULL; j++)
		n++;
	starts_clear(&st);
	return ok && n == i;
}

START_TEST(test_a_rule_starts_at_its_first_words)
{
	const char *const w1[] = { "пароль/0", NULL };
	const char *const w2[] = { "сбер/0", "втб/0", "не/0", NULL };
	const char *const w3[] = { "а/1", "но/1", NULL };
	const char *const w4[] = { "зависл/0", NULL };

	/* Look-arounds consume nothing; the literal run is the start. */
	ck_assert(has_starts("(?<!\\w)пароль\\w*", w1));
	/* Every branch of a group, nested ones too. */
	ck_assert(has_starts("(?:(?<!\\w)(?:сбер|втб)\\w*|не\\s+x)", w2));
	/* A single character before the words is the lead. */
	ck_assert(has_starts("(?:\\s(а|но)\\s+хотел)", w3));
	/* An optional last letter is not part of the start. */
	ck_assert(has_starts("зависла?\\s", w4));
	/* "^" is the beginning of the text (an empty start). */
	const char *const w5[] = { "/0", "|/1", NULL };
	ck_assert(has_starts("(?:^|\\s\\|\\s)\\W*привет", w5));
	const char *const w6[] = { "a/0", NULL };
	ck_assert(has_starts("a\\s+b", w6));
	/* "*блок*" in the editor form: anywhere in the word before it. */
	const char *const w7[] = { "блок/w", NULL };
	ck_assert(has_starts("(?<!\\w)\\w*?блок\\w*", w7));
}
END_TEST

START_TEST(test_a_rule_that_may_start_anywhere_has_no_starts)
{
	/* An optional first item, a repeated class, an empty branch,
	 * options, a character before "^": tried everywhere. */
	ck_assert(has_starts("(?:не\\s)?вход", NULL));
	ck_assert(has_starts("\\d+\\s*%", NULL));
	ck_assert(has_starts("пароль|", NULL));
	ck_assert(has_starts("(?i)пароль", NULL));
	ck_assert(has_starts("\\s^привет", NULL));
	ck_assert(has_starts("$пароль", NULL));
}
END_TEST

/* Every pattern of the set compiled as written, unanchored: the reference
 * the anchored, start-by-start matching must agree with. */
struct plain {
	const struct def_pattern	**src;
	pcre2_code			**code;
	size_t				  n;
	pcre2_match_data		 *md;
};

struct agree {
	const struct rules	*rules;
	struct rules_scratch	*s;
	struct rules_result	 a, b;
	size_t			 n, checked;
	struct plain		 plain;
	unsigned char		*hit;	/* per plain pattern, by explain */
	int			 plain_too;	/* compare with plain too */
};

static void
plain_compile(struct plain *pl, const struct def_set *set)
{
	const struct def_pattern	*p;
	char				*folded, *y;
	PCRE2_SIZE			 off;
	size_t				 i, k;
	int				 ec;

	pl->md = pcre2_match_data_create(4, NULL);
	for (i = 0; i < set->n; i++)
		for (k = 0; k < set->intents[i].npatterns; k++) {
			p = &set->intents[i].patterns[k];
			if (p->pattern == NULL)
				continue;
			folded = strdup(p->pattern);
			for (y = folded; (y = strstr(y, "\xd1\x91")) != NULL;
			    y += 2)
				memcpy(y, "\xd0\xb5", 2);	/* ё as е */
			pl->src = realloc(pl->src, (pl->n + 1) *
			    sizeof(*pl->src));
			pl->code = realloc(pl->code, (pl->n + 1) *
			    sizeof(*pl->code));
			pl->src[pl->n] = p;
			pl->code[pl->n] = pcre2_compile((PCRE2_SPTR)folded,
			    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP |
			    PCRE2_MATCH_INVALID_UTF, &ec, &off, NULL);
			ck_assert_ptr_nonnull(pl->code[pl->n]);
			pcre2_jit_compile(pl->code[pl->n], PCRE2_JIT_COMPLETE);
			pl->n++;
			free(folded);
		}
}

static void
plain_free(struct plain *pl)
{
	size_t	i;

	for (i = 0; i < pl->n; i++)
		pcre2_code_free(pl->code[i]);
	free(pl->code);
	free(pl->src);
	pcre2_match_data_free(pl->md);
}

static void
explained(void *arg, size_t category, const struct def_pattern *p)
{
	struct agree	*g = arg;
	size_t		 i;

	(void)category;
	for (i = 0; i < g->plain.n; i++)
		if (g->plain.src[i] == p)
			g->hit[i] = 1;
}

static void
compare(const char *text, void *arg)
{
	struct agree		*g = arg;
	int			 plain = g->plain_too;
	struct normalized	 nm;
	size_t			 i;

	normalize_message(text, strlen(text), &nm);
	rules_scratch_prefilter(g->s, 1);
	rules_match(g->rules, g->s, nm.match, nm.match_len, &g->a);
	rules_scratch_prefilter(g->s, 0);
	rules_match(g->rules, g->s, nm.match, nm.match_len, &g->b);
	ck_assert_msg(memcmp(g->a.score, g->b.score, g->n *
	    sizeof(double)) == 0 && memcmp(g->a.vetoed, g->b.vetoed, g->n) ==
	    0 && memcmp(g->a.alone, g->b.alone, g->n) == 0, "prefilter changed the rules' result for \"%s\"", text);
	/* Pattern by pattern, tried where they may start, as PCRE2 finds
	 * them searching the whole text. */
	if (!plain) {
		normalize_release(&nm);
		g->checked++;
		return;
	}
	memset(g->hit, 0, g->plain.n);
	rules_explain(g->rules, g->s, nm.match, nm.match_len, explained, g);
	for (i = 0; i < g->plain.n; i++) {
		int	m = pcre2_match(g->plain.code[i], (PCRE2_SPTR)nm.match,
		    nm.match_len, 0, 0, g->plain.md, NULL) >= 0;

		ck_assert_msg(m == g->hit[i], "%s:%zu %s \"%s\" searched "
		    "whole but %s where it may start",
		    g->plain.src[i]->file, g->plain.src[i]->line,
		    m ? "matches" : "does not match", text,
		    m ? "not" : "does");
	}
	normalize_release(&nm);
	g->checked++;
}

/* Variants of a text: cut at every word boundary and with words dropped,
 * so that patterns match some and not others. */
static void
variants(const char *text, struct agree *g)
{
	size_t	 len = strlen(text), i;
	char	*buf;

	/* The whole text against the patterns as written too. */
	g->plain_too = 1;
	compare(text, g);
	g->plain_too = 0;
	buf = malloc(len + 1);
	for (i = 1; i < len; i++) {
		if (text[i] != ' ')
			continue;
		memcpy(buf, text, i);
		buf[i] = '\0';
		compare(buf, g);
		compare(text + i + 1, g);
	}
	free(buf);
}

START_TEST(test_shipped_categories_match_the_same_with_prefilter)
{
	const char	*top = getenv("top_srcdir");
	char		*dir, **paths, *buf, *err;
	size_t		 n, len, i, j, k;
	struct def_set	 set = { 0 };
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
	plain_compile(&g.plain, &set);
	g.hit = calloc(g.plain.n + 1, 1);
	for (i = 0; i < set.n; i++)
		for (j = 0; j < set.intents[i].nexamples; j++)
			variants(set.intents[i].examples[j], &g);
	/* The patterns themselves as text hit the needles hard. */
	for (i = 0; i < set.n; i++)
		for (k = 0; k < set.intents[i].npatterns; k++) {
			g.plain_too = 1;
			compare(set.intents[i].patterns[k].source, &g);
			compare(set.intents[i].patterns[k].pattern, &g);
		}
	/* Crafted messages: one 3,500-character word full of a rule's
	 * infix ("*справк*"), a short word repeated, a separator repeated.
	 * Each place a rule may start must be tried once, not once per
	 * occurrence after it (that took a third of a second). */
	{
		static const char *const unit[] = { "справка", "в ", " | ",
		    "не по ", "x1 " };
		char	*big = malloc(4097);
		size_t	 u, o;

		for (u = 0; u < sizeof(unit) / sizeof(unit[0]); u++) {
			for (o = 0; o + strlen(unit[u]) <= 4096;
			    o += strlen(unit[u]))
				memcpy(big + o, unit[u], strlen(unit[u]));
			big[o] = '\0';
			g.plain_too = 1;
			compare(big, &g);
		}
		free(big);
	}
	ck_assert_uint_gt(g.checked, 1000);
	free(g.a.score);
	free(g.b.score);
	free(g.a.vetoed);
	free(g.b.vetoed);
	free(g.a.alone);
	free(g.b.alone);
	plain_free(&g.plain);
	free(g.hit);
	rules_scratch_free(&g.s);
	rules_free(&rules);
	free(map);
	free(dir);
	deffile_set_clear(&set);
}
END_TEST

/*
 * The aspects remember the last text asked about (the service opinion
 * asks twice of one message): each new message still gets its own
 * answer, also one of the same length, and the one before again.
 */
/* "A unless B" is split at B's own closing parenthesis, whatever B holds
 * (a class with a parenthesis, an escaped one, groups of its own). */
START_TEST(test_unless_splits_at_its_own_parenthesis)
{
	const char	*b, *a;
	size_t		 blen;

	ck_assert_int_eq(pscan_unless("^(?!.*(?:x|[)(]|\\)y)).*?ab(c)",
	    &b, &blen, &a), 1);
	ck_assert_int_eq((int)blen, (int)strlen("(?:x|[)(]|\\)y)"));
	ck_assert_int_eq(strncmp(b, "(?:x|[)(]|\\)y)", blen), 0);
	ck_assert_str_eq(a, "ab(c)");
	/* Not that form: left whole. */
	ck_assert_int_eq(pscan_unless("(?!.*x).*?y", &b, &blen, &a), 0);
	ck_assert_int_eq(pscan_unless("^(?!.*x)y", &b, &blen, &a), 0);
	ck_assert_int_eq(pscan_unless("^(?!.*\\Q)\\E).*?y", &b, &blen, &a),
	    0);
	ck_assert_int_eq(pscan_unless("^(?!.*(x).*?y", &b, &blen, &a), 0);
}
END_TEST

START_TEST(test_aspects_answer_each_message)
{
	static const char	 def[] =
	    "aspect documents\nrule  документ|справк\n"
	    "aspect timing\nrule  сколько ждать|\\bсрок\n";
	static const char	*names[] = { "documents", "timing" };
	static const char	 a[] = "какие документы", b[] = "сколько ждать",
				 c[] = "сколько ждешь";
	struct aspects		*as;
	struct aspects_scratch	*sc;

	ck_assert_ptr_nonnull(as = aspects_parse("t.def", def,
	    sizeof(def) - 1, names, 2, NULL, NULL));
	sc = aspects_scratch_new(as);
	ck_assert_int_eq(aspects_match_with(as, sc, a, strlen(a)), 0);
	ck_assert_int_eq(aspects_match_with(as, sc, a, strlen(a)), 0);
	ck_assert_int_eq(aspects_match_with(as, sc, b, strlen(b)), 1);
	ck_assert_uint_eq(strlen(c), strlen(b));
	ck_assert_int_eq(aspects_match_with(as, sc, c, strlen(c)), -1);
	ck_assert_int_eq(aspects_match_with(as, sc, b, strlen(b)), 1);
	/* A prefix of the last text is another text. */
	ck_assert_int_eq(aspects_match_with(as, sc, b, 14), -1);
	ck_assert_int_eq(aspects_match_with(as, sc, a, strlen(a)), 0);
	aspects_scratch_free(&sc);
	aspects_free(&as);
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
	tcase_add_test(tc, test_a_rule_starts_at_its_first_words);
	tcase_add_test(tc, test_a_rule_that_may_start_anywhere_has_no_starts);
	tcase_add_test(tc, test_aspects_answer_each_message);
	tcase_add_test(tc, test_unless_splits_at_its_own_parenthesis);
	suite_add_tcase(s, tc);
	tc = tcase_create("soundness");
	/* A bound on a hang, not a speed: every example of the shipped files
	 * cut at every word, against every pattern, takes some 35 s of CPU
	 * here and three times that under ASan, beside another suite. */
	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, test_shipped_categories_match_the_same_with_prefilter);
	suite_add_tcase(s, tc);
	return s;
}
