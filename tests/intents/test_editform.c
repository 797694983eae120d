/*
 * The editors' form of a pattern and their word lists: a word matches its
 * forms and not a look-alike with the same start, prefixes and exact words
 * and phrases are what they say, items follow each other or come near each
 * other, not-after and not-before rule a match out, "unless" rules out
 * a whole message, ^ and $ hold to its start and end, _ is any word, lists
 * use lists, an "only" line takes a whole message; raw PCRE2 mixes in.  Every mistake is
 * told at its line with what to do: a list used but not defined (with the
 * name meant), lists in a circle (once), forms that do not parse.  Lists
 * and patterns go on over lines while unfinished (a comma, "..N" or an open
 * bracket at the end, until a blank line or a keyword); check warns about
 * lists that repeat each other.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <check.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intents/deffile.h"
#include "intents/editform.h"
#include "intents/lint.h"
#include "lib/limits.h"

Suite	*editform_suite(void);

struct errs {
	char	buf[8192];
	size_t	len;
	size_t	n;
};

static void
collect(void *arg, const char *msg)
{
	struct errs	*e = arg;
	int		 k;

	k = snprintf(e->buf + e->len, sizeof(e->buf) - e->len, "%s\n", msg);
	if (k > 0 && (size_t)k < sizeof(e->buf) - e->len)
		e->len += (size_t)k;
	e->n++;
}

/* Whether PCRE2 text re matches text (already folded, as messages are). */
static int
re_matches(const char *re, const char *text)
{
	pcre2_code		*code;
	pcre2_match_data	*md;
	PCRE2_SIZE		 off;
	int			 ec, rc;

	code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_UCP, &ec, &off, NULL);
	ck_assert_msg(code != NULL, "PCRE2 refuses %s at %zu", re,
	    (size_t)off);
	md = pcre2_match_data_create_from_pattern(code, NULL);
	rc = pcre2_match(code, (PCRE2_SPTR)text, strlen(text), 0, 0, md,
	    NULL);
	pcre2_match_data_free(md);
	pcre2_code_free(code);
	return rc >= 0;
}

/* Compiles src (kind) with the lists of set and matches text. */
static int
matches_in(const struct def_set *set, enum def_pattern_kind kind,
    const char *src, const char *text)
{
	char	 why[600], *re;
	int	 m;

	re = editform_compile(set, kind, src, why, sizeof(why));
	ck_assert_msg(re != NULL, "\"%s\" does not compile: %s", src, why);
	m = re_matches(re, text);
	free(re);
	return m;
}

static int
matches(const char *src, const char *text)
{
	return matches_in(NULL, DEF_RULE, src, text);
}

#define YES(src, text)	ck_assert_msg(matches(src, text), \
	"\"%s\" should match \"%s\"", src, text)
#define NO(src, text)	ck_assert_msg(!matches(src, text), \
	"\"%s\" should not match \"%s\"", src, text)

/* The reason src does not compile (static buffer). */
static const char *
why_not(const struct def_set *set, const char *src)
{
	static char	 why[600];
	char		*re;

	re = editform_compile(set, DEF_RULE, src, why, sizeof(why));
	ck_assert_msg(re == NULL, "\"%s\" compiles to %s", src, re);
	return why;
}

#define REFUSED(src, want) do {						\
	const char *w_ = why_not(NULL, src);				\
	ck_assert_msg(strstr(w_, want) != NULL,				\
	    "\"%s\": got \"%s\", want \"%s\"", src, w_, want);		\
} while (0)

START_TEST(a_word_matches_its_forms_and_not_a_look_alike)
{
	YES("пароль", "забыл пароль");
	YES("пароль", "нет пароля");
	YES("пароль", "с паролем");
	YES("пароль", "все пароли");
	/* The stem of "забыть" is "заб"; "забота" is not one of its forms. */
	YES("забыть", "я забыл");
	YES("забыть", "она забыла");
	YES("забыть", "забыли");
	NO("забыть", "спасибо за заботу");
	NO("забыть", "за забором");
	/* Whole words only. */
	NO("пароль", "парольный");
	NO("код", "кодекс");
	YES("код", "нет кода");
	YES("восстановление", "восстановления доступа");
	/* A stem ending in н may have lost a doubled н. */
	YES("длинный", "длинная очередь");
	/* English. */
	YES("password", "forgot my passwords");
	YES("recovery", "account recovered");
}
END_TEST

START_TEST(short_words_and_words_with_signs_are_exact)
{
	NO("не", "нее");
	YES("не", "не могу");
	NO("вк", "вкус");
	YES("вк", "страница вк");
	YES("т-банк", "приложение т-банк");
	NO("т-банк", "т-банка");
	YES("mail.ru", "ящик на mail.ru");
	NO("mail.ru", "mailxru");
}
END_TEST

START_TEST(prefix_and_inside_a_word)
{
	YES("восстан*", "восстановление");
	NO("восстан*", "невосстановимый");
	YES("*блок*", "разблокируйте");
	YES("*блок", "разблок");
	/* Inside a row the whole word is taken. */
	YES("*справк* нужны", "медсправки нужны");
	NO("*блок", "блоки");
	REFUSED("*", "a \"*\" goes at the end of a word");
	REFUSED("за*был", "a \"*\" goes at the end of a word");
}
END_TEST

START_TEST(case_and_yo_are_folded_in_words)
{
	YES("Учётная", "учетной записи");
	YES("МФЦ", "в мфц");
	YES("\"Всё равно\"", "все равно");
}
END_TEST

START_TEST(a_phrase_is_these_words_as_written)
{
	YES("\"до свидания\"", "ну всё, до свидания!");
	NO("\"до свидания\"", "до скорого свидания");
	NO("\"до свидания\"", "досвидания");
	YES("\"личн* кабинет*\"", "в личном кабинете");
	NO("\"пароль\"", "пароля");
	REFUSED("\"не открыт", "a phrase is not closed");
	REFUSED("\"\"", "an empty phrase");
}
END_TEST

START_TEST(items_in_a_row_with_optional_ones_and_gaps)
{
	YES("восстановить доступ", "восстановите доступ");
	NO("восстановить доступ", "восстановите мне доступ");
	YES("восстановить [мне] доступ", "восстановите мне доступ");
	YES("восстановить [мне] доступ", "восстановите доступ");
	YES("[пожалуйста] восстановить доступ", "восстановите доступ");
	YES("восстановить доступ [пожалуйста]", "восстановите доступ");
	YES("восстановить ..2 пароль", "восстановить мой старый пароль");
	NO("восстановить ..2 пароль", "восстановить бы мой самый старый "
	    "пароль");
	NO("восстановить ..2 пароль", "пароль восстановить");
	YES("(забыть, потерять) пароль", "потеряла пароль");
	/* An absent optional item leaves the wider gap around it. */
	YES("восстановить ..2 [мне] пароль", "восстановить мой старый пароль");
	YES("восстановить [мне] ..2 пароль", "восстановить мой старый пароль");
	YES("восстановить ..2 [мне] пароль", "восстановить мне пароль");
	NO("восстановить [мне] пароль", "восстановить мой пароль");
	REFUSED("a [b] [c] [d] [e] [f] g", "more than 4 optional");
	REFUSED("..3 пароль", "\"..N\" stands between two items");
	REFUSED("пароль ..x логин", "\"..N\" stands between two items");
	REFUSED("пароль ..3", "must be followed by an item");
	REFUSED("[мне]", "everything here is optional");
	REFUSED("(забыть, потерять пароль", "\"(\" is not closed");
	REFUSED("забыть) пароль", "unexpected \")\"");
	REFUSED("[забыть", "\"[\" is not closed");
}
END_TEST

START_TEST(near_takes_either_order)
{
	YES("near(забыть, пароль, 2)", "забыла свой пароль");
	YES("near(забыть, пароль, 2)", "пароль я забыл");
	NO("near(забыть, пароль, 2)", "забыла как же там этот пароль");
	YES("near(забыть, пароль)", "пароль я совсем забыл");
	YES("near(забыть, (пароль, логин), 0)", "логин забыт");
	REFUSED("near(забыть)", "near() takes two things");
	REFUSED("near(забыть, пароль, 99)", "the last argument is the number");
	REFUSED("near(забыть, пароль", "near() is not closed");
}
END_TEST

START_TEST(not_after_and_not_before_rule_a_match_out)
{
	YES("заблок* not-after не", "аккаунт заблокирован");
	NO("заблок* not-after не", "аккаунт не заблокирован");
	NO("заблок* not-after (не, ни)", "ни заблокирован");
	NO("сбой not-after \"нет никакого\"", "нет никакого сбоя");
	YES("сбер not-before id", "приложение сбер онлайн");
	NO("сбер not-before (id, ид)", "вход через сбер ид");
	YES("сбер not-before (id, ид)", "сбер, ид");
	REFUSED("заблок* not-after не*", "not-after takes plain words");
	REFUSED("заблок* not-before", "not-before: the words that must not");
}
END_TEST

START_TEST(unless_anchors_and_any_word)
{
	YES("сбер* unless госуслуг*", "приложение сбербанка");
	NO("сбер* unless госуслуг*", "госуслуги через сбербанк");
	NO("сбер* unless госуслуг*", "сбербанк, а не госуслуги");
	YES("^ привет*", "привет, у меня вопрос");
	NO("^ привет*", "ну привет");
	YES("^ привет*", "privet | привет");
	YES("пока $", "ну всё, пока!");
	NO("пока $", "пока не пришло");
	YES("^ ..2 спасибо", "ок ладно спасибо");
	NO("^ ..1 спасибо", "ок ладно спасибо");
	YES("восстановить [_] доступ", "восстановить мой доступ");
	YES("восстановить [_] доступ", "восстановить доступ");
	NO("восстановить [_] доступ", "восстановить мне мой доступ");
	REFUSED("a unless", "unless: what must not be in the message");
	REFUSED("a unless b unless c", "one unless per line");
	REFUSED("(a unless b)", "unless goes after the whole pattern");
	REFUSED("a ^", "\"^\" goes first in a row");
	REFUSED("^ $", "need something between them");
}
END_TEST

START_TEST(raw_regular_expressions_mix_in)
{
	YES("/\\d{3}/ ошибка", "503 ошибка");
	NO("/\\d{3}/ ошибка", "ошибка 503");
	/* A raw part alone is taken as it is, alternation and all. */
	YES("/^привет|пока$/", "ну пока");
	/* Inside a row its alternation stays inside. */
	NO("код /а|б/ пришёл", "б");
	/* Like a JavaScript literal: a slash in [ ] or escaped stays in. */
	YES("/24\\s*[/]\\s*7/ работа", "24 / 7 работа");
	YES("/24\\/7/", "круглосуточно 24/7");
	/* Written with no space between, items follow with none. */
	YES("/[«]/принят*", "статус «принято», что это");
	NO("/[«]/принят*", "статус « принято");
	REFUSED("/(a/", "missing closing parenthesis");
	REFUSED("/Сбер/", "upper-case letter");
	REFUSED("/a", "a regular expression is not closed");
	REFUSED("/[/", "a regular expression is not closed");
}
END_TEST

/* A set parsed from text (one file, no errors expected). */
static void
parse_ok(const char *text, struct def_set *set)
{
	struct errs	e = { "", 0, 0 };

	deffile_parse("t.intent", text, strlen(text), set, collect, &e);
	ck_assert_msg(e.n == 0, "%s", e.buf);
}

START_TEST(lists_use_lists_and_are_shared)
{
	struct def_set	set = { NULL, 0, NULL, 0 };

	parse_ok("list secret  пароль, логин, \"код доступа\"\n"
	    "list bank  сбер*, втб, @bank_app\n"
	    "list bank_app \"сбер онлайн\", \"т-банк\"\n", &set);
	ck_assert_uint_eq(set.nlists, 3);
	ck_assert(matches_in(&set, DEF_RULE, "забыть @secret", "забыла "
	    "логин"));
	ck_assert(matches_in(&set, DEF_RULE, "забыть @secret", "забыл "
	    "код доступа"));
	ck_assert(!matches_in(&set, DEF_RULE, "забыть @secret",
	    "забыл код"));
	ck_assert(matches_in(&set, DEF_RULE, "@bank", "приложение т-банк"));
	ck_assert(matches_in(&set, DEF_RULE, "@bank", "в сбербанке"));
	ck_assert(matches_in(&set, DEF_RULE, "@bank", "карта втб"));
	ck_assert(!matches_in(&set, DEF_RULE, "@bank", "втбшник"));
	deffile_set_clear(&set);
	ck_assert_uint_eq(set.nlists, 0);
	ck_assert_ptr_null(set.lists);
}
END_TEST

START_TEST(only_takes_a_whole_message)
{
	struct def_set	set = { NULL, 0, NULL, 0 };

	/* "подскажите" and "подсказать" have different stems. */
	parse_ok("list greeting здравствуйте, привет, \"добрый день\"\n"
	    "list more подскажите, \"у меня вопрос\", \"есть кто\"\n", &set);
#define ONLY(text)	matches_in(&set, DEF_ONLY, "@greeting, @more", text)
	ck_assert(ONLY("привет"));
	ck_assert(ONLY("добрый день!!! 👋"));
	ck_assert(ONLY("здравствуйте, у меня вопрос, подскажите"));
	ck_assert(ONLY("privet | привет"));
	ck_assert(!ONLY("привет, забыл пароль"));
	/* The first item comes first. */
	ck_assert(!ONLY("у меня вопрос"));
#undef ONLY
	deffile_set_clear(&set);
}
END_TEST

START_TEST(an_unknown_list_names_the_list_meant)
{
	struct def_set	 set = { NULL, 0, NULL, 0 };
	const char	*w;

	w = why_not(NULL, "забыть @secret");
	ck_assert_msg(strstr(w, "unknown list @secret: define it with "
	    "\"list secret word, word, …\"") != NULL, "%s", w);
	parse_ok("list secret пароль\n", &set);
	w = why_not(&set, "забыть @secrte");
	ck_assert_msg(strstr(w, "or write @secret") != NULL, "%s", w);
	w = why_not(&set, "забыть @");
	ck_assert_msg(strstr(w, "\"@\" names a list") != NULL, "%s", w);
	deffile_set_clear(&set);
}
END_TEST

START_TEST(resolve_tells_each_problem_once_at_its_line)
{
	static const char	 text[] =
	    "list a  x, @b\n"			/* 1 */
	    "list b  y, @c\n"			/* 2 */
	    "list c  z, @a\n"			/* 3 */
	    "list d  (w\n"			/* 4 */
	    "intent t.t\n"			/* 5 */
	    "rule 2 @a\n"			/* 6: quiet, a is told */
	    "rule 2 @d v\n"			/* 7: quiet */
	    "rule 2 @e\n"			/* 8 */
	    "not    ok\n"			/* 9 */
	    "only 3 v,\n"			/* 10 */
	    "       (u\n"			/* 11 */
	    "priority high /(a/\n";		/* 12 */
	struct def_set		 set = { NULL, 0, NULL, 0 };
	struct errs		 e = { "", 0, 0 };
	size_t			 n;

	parse_ok(text, &set);
	n = editform_resolve(&set, collect, &e);
	ck_assert_msg(n == 5 && e.n == 5, "%zu: %s", n, e.buf);
	ck_assert_msg(strstr(e.buf, "t.intent:3: list: lists use each other "
	    "in a circle (a → b → c → a): no list can contain itself; "
	    "remove @a here") != NULL, "%s", e.buf);
	ck_assert_msg(strstr(e.buf, "t.intent:4: list: \"(\" is not closed")
	    != NULL, "%s", e.buf);
	ck_assert_msg(strstr(e.buf, "t.intent:8: rule: unknown list @e")
	    != NULL, "%s", e.buf);
	ck_assert_msg(strstr(e.buf, "t.intent:10: only: \"(\" is not closed")
	    != NULL, "%s", e.buf);
	ck_assert_msg(strstr(e.buf, "t.intent:12: priority: pattern error")
	    != NULL, "%s", e.buf);
	ck_assert_ptr_null(set.intents[0].patterns[0].pattern);
	ck_assert_ptr_null(set.intents[0].patterns[1].pattern);
	ck_assert_ptr_nonnull(set.intents[0].patterns[3].pattern);
	deffile_set_clear(&set);
}
END_TEST

START_TEST(lists_that_grow_without_bound_are_refused)
{
	struct def_set	 set = { NULL, 0, NULL, 0 };
	struct errs	 e = { "", 0, 0 };
	char		 text[2048];
	size_t		 o = 0, i;

	/* Each list holds the one before four times: 4^12 copies. */
	o += (size_t)snprintf(text + o, sizeof(text) - o,
	    "list l0 восстановление, перерегистрация\n");
	for (i = 1; i <= 12; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o,
		    "list l%zu (@l%zu a), (@l%zu b), (@l%zu c), (@l%zu d)\n",
		    i, i - 1, i - 1, i - 1, i - 1);
	snprintf(text + o, sizeof(text) - o, "intent t.t\nrule 1 @l12\n");
	parse_ok(text, &set);
	ck_assert_uint_ge(editform_resolve(&set, collect, &e), 1);
	ck_assert_msg(strstr(e.buf, "grows into more than") != NULL, "%s",
	    e.buf);
	ck_assert_ptr_null(set.intents[0].patterns[0].pattern);
	deffile_set_clear(&set);
}
END_TEST

START_TEST(lists_and_patterns_go_on_while_unfinished)
{
	static const char	 text[] =
	    "list bank  сбер*, втб,\n"		/* 1 */
	    "           # a comment inside\n"	/* 2 */
	    "           \"т-банк\",\n"		/* 3 */
	    "           альфа\n"			/* 4 */
	    "intent t.t\n"			/* 5 */
	    "rule 3  @bank,\n"			/* 6 */
	    "        кредит\n"			/* 7 */
	    "example да\n"			/* 8 */
	    "rule 2  (a, b ..2\n"		/* 9: "..N" and an open "(" */
	    "        c), d\n"			/* 10 */
	    "rule 1  (e\n"			/* 11: never closed */
	    "example нет\n"			/* 12: a keyword ends it */
	    "rule 2  f g\n"			/* 13 */
	    "   # an indented line goes on\n"	/* 14 */
	    "        h\n"			/* 15 */
	    "i\n";				/* 16: not indented */
	struct def_set		 set = { NULL, 0, NULL, 0 };

	deffile_parse("t.intent", text, strlen(text), &set, NULL, NULL);
	ck_assert_str_eq(set.lists[0].items,
	    "сбер*, втб, \"т-банк\", альфа");
	ck_assert_uint_eq(set.lists[0].line, 1);
	ck_assert_str_eq(set.intents[0].line == 5 ?
	    set.intents[0].patterns[0].source : "", "@bank, кредит");
	ck_assert_uint_eq(set.intents[0].patterns[0].line, 6);
	ck_assert_uint_eq(set.intents[0].example_lines[0], 8);
	ck_assert_str_eq(set.intents[0].patterns[1].source,
	    "(a, b ..2 c), d");
	ck_assert_uint_eq(set.intents[0].patterns[2].line, 11);
	ck_assert_str_eq(set.intents[0].patterns[2].source, "(e");
	ck_assert_uint_eq(set.intents[0].nexamples, 2);
	ck_assert_uint_eq(set.intents[0].example_lines[1], 12);
	ck_assert_str_eq(set.intents[0].patterns[3].source, "f g h");
	deffile_set_clear(&set);
}
END_TEST

/* The only error of parsing text: "t.intent:line: " + why. */
static void
assert_parse_error(const char *text, size_t line, const char *why)
{
	struct def_set	set = { NULL, 0, NULL, 0 };
	struct errs	e = { "", 0, 0 };
	char		want[256];

	snprintf(want, sizeof want, "t.intent:%zu: %s", line, why);
	deffile_parse("t.intent", text, strlen(text), &set, collect, &e);
	ck_assert_msg(e.n == 1 && strncmp(e.buf, want, strlen(want)) == 0,
	    "got \"%s\", want \"%s…\"", e.buf, want);
	deffile_set_clear(&set);
}

START_TEST(bad_list_lines_are_errors_on_their_line)
{
	assert_parse_error("list Bank сбер\n", 1, "list: a name of small");
	assert_parse_error("list bank\n", 1, "list bank: no words");
	assert_parse_error("list bank сбер\n\nlist bank втб\n", 3,
	    "list \"bank\" defined twice (first at t.intent:1)");
	assert_parse_error("intent a.b\nonly x привет\n", 2,
	    "only: a weight from 1 to 10");
}
END_TEST

START_TEST(lint_warns_about_lists_that_repeat_each_other)
{
	static const char	 text[] =
	    "list bank     сбер*, втб, альфа\n"		/* 1 */
	    "list banks    втб, альфа, сбер*\n"		/* 2 */
	    "intent t.t\n"				/* 3 */
	    "not (тинькофф, сбер*, втб, альфа)\n"	/* 4 */
	    "not (сбер*, втб)\n";			/* 5: a part is fine */
	struct def_set		 set = { NULL, 0, NULL, 0 };
	struct errs		 e = { "", 0, 0 };

	parse_ok(text, &set);
	ck_assert_uint_eq(lint_lists(&set, collect, &e), 2);
	ck_assert_msg(strstr(e.buf, "t.intent:2: warning: list banks has the "
	    "same words as list bank (t.intent:1): keep one") != NULL, "%s",
	    e.buf);
	ck_assert_msg(strstr(e.buf, "t.intent:4: warning: (тинькофф, сбер*, "
	    "втб, альфа) has every word of list @bank: write @bank instead")
	    != NULL, "%s", e.buf);
	deffile_set_clear(&set);
}
END_TEST

Suite *
editform_suite(void)
{
	Suite	*s = suite_create("editform");
	TCase	*tc;

	tc = tcase_create("form");
	tcase_add_test(tc, a_word_matches_its_forms_and_not_a_look_alike);
	tcase_add_test(tc, short_words_and_words_with_signs_are_exact);
	tcase_add_test(tc, prefix_and_inside_a_word);
	tcase_add_test(tc, case_and_yo_are_folded_in_words);
	tcase_add_test(tc, a_phrase_is_these_words_as_written);
	tcase_add_test(tc, items_in_a_row_with_optional_ones_and_gaps);
	tcase_add_test(tc, near_takes_either_order);
	tcase_add_test(tc, not_after_and_not_before_rule_a_match_out);
	tcase_add_test(tc, unless_anchors_and_any_word);
	tcase_add_test(tc, raw_regular_expressions_mix_in);
	suite_add_tcase(s, tc);
	tc = tcase_create("lists");
	tcase_add_test(tc, lists_use_lists_and_are_shared);
	tcase_add_test(tc, only_takes_a_whole_message);
	tcase_add_test(tc, an_unknown_list_names_the_list_meant);
	tcase_add_test(tc, resolve_tells_each_problem_once_at_its_line);
	tcase_add_test(tc, lists_that_grow_without_bound_are_refused);
	tcase_add_test(tc, lists_and_patterns_go_on_while_unfinished);
	tcase_add_test(tc, bad_list_lines_are_errors_on_their_line);
	tcase_add_test(tc, lint_warns_about_lists_that_repeat_each_other);
	suite_add_tcase(s, tc);
	return s;
}
