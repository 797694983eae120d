/*
 * The editors' category files and their patterns: a full category parses
 * into every field; comments and blank lines are skipped and a value is
 * taken literally; every mistake is reported as "name:line: reason" on its
 * line, parsing goes on and counts them all.  Compiled patterns: PCRE2
 * errors with file, line and offset; a catastrophic pattern stopped by the
 * match limit; upper-case letters refused because messages are matched
 * folded, so any case of a Cyrillic message matches; vetoes; incident
 * priorities.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "intents/deffile.h"
#include "kb/article.h"
#include "intents/editform.h"
#include "intents/normalize.h"
#include "intents/rules.h"
#include "lib/limits.h"

Suite	*deffile_suite(void);

/* The error messages of one parse, each followed by '\n'. */
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

static size_t
parse(const char *name, const char *text, struct def_set *set,
    struct errs *e)
{
	return deffile_parse(name, text, strlen(text), set, collect, e);
}

/* Asserts that text gives exactly one error, "t.intent:line: " + why. */
static void
assert_one_error(const char *text, size_t line, const char *why)
{
	struct def_set	set = { 0 };
	struct errs	e = { "", 0, 0 };
	char		want[256];

	snprintf(want, sizeof want, "t.intent:%zu: %s", line, why);
	ck_assert_uint_eq(parse("t.intent", text, &set, &e), 1);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_msg(strncmp(e.buf, want, strlen(want)) == 0,
	    "got \"%s\", want \"%s...\"", e.buf, want);
	deffile_set_clear(&set);
}

static const char full[] =
    "# Login: the password.\n"				/* 1 */
    "\n"						/* 2 */
    "intent   login.password_reset\n"			/* 3 */
    "action   answer\n"					/* 4 */
    "article  login-password-reset\n"			/* 5 */
    "register no\n"					/* 6 */
    "weak no\n"						/* 7 */
    "rule 6  забыл\\w*\\s.{0,30}парол  # kept\n"	/* 8 */
    "rule 10 \\bпароль\n"				/* 9 */
    "not     \\bсбер\n"					/* 10 */
    "   # an indented comment\n"			/* 11 */
    "example Забыл пароль от госуслуг\n"		/* 12 */
    "example  как сбросить пароль  \n"			/* 13 */
    "\n"						/* 14 */
    "intent incident.report\n"				/* 15 */
    "weak yes\n"					/* 16 */
    "action handoff\n"					/* 17 */
    "article incident-report\n"				/* 18 */
    "priority critical не\\s+работает\\s+(весь|вообще)\n"	/* 19 */
    "priority high оплат\n"				/* 20 */
    "priority default medium\n"				/* 21 */
    "rule 1 [#]\n"					/* 22 */
    "\t\n"						/* 23 */
    "register yes\n";					/* 24 */

START_TEST(full_category_gives_every_field)
{
	struct def_set			 set = { 0 };
	struct errs			 e = { "", 0, 0 };
	const struct def_intent		*d;

	ck_assert_uint_eq(parse("login.intent", full, &set, &e), 0);
	ck_assert_msg(e.n == 0, "%s", e.buf);
	ck_assert_uint_eq(set.n, 2);

	d = &set.intents[0];
	ck_assert_str_eq(d->id, "login.password_reset");
	ck_assert_str_eq(d->action, "answer");
	ck_assert_str_eq(d->article, "login-password-reset");
	ck_assert_int_eq(d->register_request, 0);
	ck_assert_int_eq(d->weak, 0);
	ck_assert_int_eq(d->default_priority, PRIORITY_NONE);
	ck_assert_str_eq(d->file, "login.intent");
	ck_assert_uint_eq(d->line, 3);
	ck_assert_uint_eq(d->npatterns, 3);
	ck_assert_int_eq(d->patterns[0].kind, DEF_RULE);
	ck_assert_int_eq(d->patterns[0].weight, 6);
	ck_assert_uint_eq(d->patterns[0].line, 8);
	ck_assert_str_eq(d->patterns[0].file, "login.intent");
	ck_assert_int_eq(d->patterns[1].kind, DEF_RULE);
	ck_assert_int_eq(d->patterns[1].weight, 10);
	ck_assert_str_eq(d->patterns[1].source, "\\bпароль");
	ck_assert_int_eq(d->patterns[2].kind, DEF_NOT);
	ck_assert_str_eq(d->patterns[2].source, "\\bсбер");
	ck_assert_uint_eq(d->patterns[2].line, 10);
	ck_assert_uint_eq(d->nexamples, 2);
	ck_assert_str_eq(d->examples[0], "Забыл пароль от госуслуг");
	ck_assert_uint_eq(d->example_lines[0], 12);
	/* Surrounding blanks go, inner ones stay. */
	ck_assert_str_eq(d->examples[1], "как сбросить пароль");
	ck_assert_uint_eq(d->example_lines[1], 13);

	d = &set.intents[1];
	ck_assert_str_eq(d->id, "incident.report");
	ck_assert_str_eq(d->action, "handoff");
	ck_assert_int_eq(d->register_request, 1);
	ck_assert_int_eq(d->weak, 1);
	ck_assert_int_eq(d->default_priority, PRIORITY_MEDIUM);
	ck_assert_uint_eq(d->line, 15);
	ck_assert_uint_eq(d->npatterns, 3);
	ck_assert_int_eq(d->patterns[0].kind, DEF_PRIORITY);
	ck_assert_int_eq(d->patterns[0].priority, PRIORITY_CRITICAL);
	ck_assert_str_eq(d->patterns[0].source,
	    "не\\s+работает\\s+(весь|вообще)");
	ck_assert_int_eq(d->patterns[1].priority, PRIORITY_HIGH);
	ck_assert_str_eq(d->patterns[1].source, "оплат");
	ck_assert_uint_eq(d->patterns[1].line, 20);
	ck_assert_int_eq(d->patterns[2].kind, DEF_RULE);
	ck_assert_int_eq(d->patterns[2].weight, 1);
	deffile_set_clear(&set);
	ck_assert_uint_eq(set.n, 0);
	ck_assert_ptr_null(set.intents);
}
END_TEST

START_TEST(value_is_taken_literally_with_a_hash_inside)
{
	struct def_set	set = { 0 };
	struct errs	e = { "", 0, 0 };

	ck_assert_uint_eq(parse("t.intent", full, &set, &e), 0);
	ck_assert_str_eq(set.intents[0].patterns[0].source,
	    "забыл\\w*\\s.{0,30}парол  # kept");
	ck_assert_str_eq(set.intents[1].patterns[2].source, "[#]");
	deffile_set_clear(&set);
}
END_TEST

START_TEST(unset_action_register_and_priority_stay_unset)
{
	struct def_set	set = { 0 };
	struct errs	e = { "", 0, 0 };

	ck_assert_uint_eq(parse("t.intent", "intent a.b\n", &set, &e), 0);
	ck_assert_uint_eq(set.n, 1);
	ck_assert_ptr_null(set.intents[0].action);
	ck_assert_ptr_null(set.intents[0].article);
	ck_assert_int_eq(set.intents[0].register_request, -1);
	ck_assert_int_eq(set.intents[0].weak, 0);
	ck_assert_int_eq(set.intents[0].default_priority, PRIORITY_NONE);
	ck_assert_uint_eq(set.intents[0].npatterns, 0);
	deffile_set_clear(&set);
}
END_TEST

START_TEST(crlf_bom_and_missing_final_newline_are_fine)
{
	struct def_set	set = { 0 };
	struct errs	e = { "", 0, 0 };

	ck_assert_uint_eq(parse("t.intent", "\xef\xbb\xbfintent a.b\r\n"
	    "rule 2 x\r\nexample y", &set, &e), 0);
	ck_assert_uint_eq(set.n, 1);
	ck_assert_str_eq(set.intents[0].id, "a.b");
	ck_assert_str_eq(set.intents[0].patterns[0].source, "x");
	ck_assert_str_eq(set.intents[0].examples[0], "y");
	deffile_set_clear(&set);
}
END_TEST

START_TEST(categories_from_several_files_add_up)
{
	struct def_set	set = { 0 };
	struct errs	e = { "", 0, 0 };

	ck_assert_uint_eq(parse("a.intent", "intent a.one\n", &set, &e), 0);
	ck_assert_uint_eq(parse("b.intent", "intent b.two\n", &set, &e), 0);
	ck_assert_uint_eq(set.n, 2);
	ck_assert_str_eq(set.intents[1].file, "b.intent");
	deffile_set_clear(&set);
}
END_TEST

START_TEST(find_returns_the_category_by_whole_id)
{
	struct def_set	set = { 0 };
	struct errs	e = { "", 0, 0 };

	parse("t.intent", full, &set, &e);
	ck_assert_ptr_eq(deffile_find(&set, "incident.report"),
	    &set.intents[1]);
	ck_assert_ptr_eq(deffile_find(&set, "login.password_reset"),
	    &set.intents[0]);
	ck_assert_ptr_null(deffile_find(&set, "login"));
	ck_assert_ptr_null(deffile_find(&set, "incident.report2"));
	ck_assert_ptr_null(deffile_find(&set, ""));
	deffile_set_clear(&set);
	ck_assert_ptr_null(deffile_find(&set, "incident.report"));
}
END_TEST

START_TEST(priority_names_round_trip)
{
	int	p;

	for (p = PRIORITY_CRITICAL; p <= PRIORITY_LOW; p++)
		ck_assert_int_eq(def_priority_parse(def_priority_name(p),
		    strlen(def_priority_name(p))), p);
	ck_assert_ptr_null(def_priority_name(PRIORITY_NONE));
	ck_assert_ptr_null(def_priority_name(PRIORITY_LOW + 1));
	ck_assert_int_eq(def_priority_parse("urgent", 6), PRIORITY_NONE);
	ck_assert_int_eq(def_priority_parse("hig", 3), PRIORITY_NONE);
	ck_assert_int_eq(def_priority_parse("HIGH", 4), PRIORITY_NONE);
}
END_TEST

START_TEST(unknown_keyword_is_an_error_on_its_line)
{
	assert_one_error("intent a.b\n\nrul 3 x\n", 3,
	    "unknown keyword \"rul\"");
	assert_one_error("intent a.b\nIntent c.d\n", 2,
	    "unknown keyword \"Intent\"");
}
END_TEST

START_TEST(rule_weight_must_be_1_to_10)
{
	assert_one_error("intent a.b\nrule 0 x\n", 2, "rule: a weight");
	assert_one_error("intent a.b\nrule 11 x\n", 2, "rule: a weight");
	assert_one_error("intent a.b\nrule abc x\n", 2, "rule: a weight");
	assert_one_error("intent a.b\nrule -1 x\n", 2, "rule: a weight");
	assert_one_error("intent a.b\nrule 3x y\n", 2, "rule: a weight");
	assert_one_error("intent a.b\nrule\n", 2, "rule: a weight");
	assert_one_error("intent a.b\n\n\nrule 5\n", 4, "missing pattern");
}
END_TEST

START_TEST(keyword_before_intent_is_an_error)
{
	assert_one_error("# header\nrule 3 x\nintent a.b\n", 2,
	    "\"rule\" before any \"intent\" line");
}
END_TEST

START_TEST(duplicate_intent_names_the_first_file_and_line)
{
	struct def_set	set = { 0 };
	struct errs	e = { "", 0, 0 };

	ck_assert_uint_eq(parse("a.intent", "\nintent x.y\n", &set, &e), 0);
	ck_assert_uint_eq(parse("b.intent", "intent z.z\n\n\nintent x.y\n"
	    "rule 3 q\n", &set, &e), 1);
	ck_assert_str_eq(e.buf,
	    "b.intent:4: duplicate intent \"x.y\" (first at a.intent:2)\n");
	ck_assert_uint_eq(set.n, 2);
	/* The duplicate's lines do not leak into the first definition. */
	ck_assert_uint_eq(set.intents[0].npatterns, 0);
	ck_assert_uint_eq(set.intents[1].npatterns, 0);
	deffile_set_clear(&set);
}
END_TEST

START_TEST(bad_intent_id_is_an_error)
{
	assert_one_error("intent Login Reset\n", 1, "intent:");
	assert_one_error("intent\n", 1, "intent:");
	assert_one_error("intent пароль\n", 1, "intent:");
}
END_TEST

START_TEST(bad_action_is_an_error)
{
	assert_one_error("intent a.b\naction reply\n", 2,
	    "action: answer, handoff or decline");
	assert_one_error("intent a.b\naction clarify\n", 2,
	    "action: answer, handoff or decline");
	assert_one_error("intent a.b\naction answer\naction decline\n", 3,
	    "action given twice");
}
END_TEST

START_TEST(bad_register_is_an_error)
{
	assert_one_error("intent a.b\nregister maybe\n", 2,
	    "register: yes or no");
	assert_one_error("intent a.b\nregister\n", 2, "register: yes or no");
	assert_one_error("intent a.b\nregister YES\n", 2,
	    "register: yes or no");
}
END_TEST

START_TEST(bad_weak_is_an_error)
{
	assert_one_error("intent a.b\nweak often\n", 2, "weak: yes or no");
	assert_one_error("intent a.b\nweak\n", 2, "weak: yes or no");
}
END_TEST

START_TEST(services_lead_names_a_section_of_the_service_article)
{
	struct def_set	set = { 0 };
	struct errs	e = { "", 0, 0 };

	ck_assert_uint_eq(parse("t.intent", "intent a.b\nservices lead "
	    "timing\nintent a.c\nservices record\n", &set, &e), 0);
	ck_assert_int_eq(set.intents[0].services, DEF_SERVICES_LEAD);
	ck_assert_int_eq(set.intents[0].lead_section, SECTION_TIMING);
	ck_assert_int_eq(set.intents[1].services, DEF_SERVICES_RECORD);
	ck_assert_int_eq(set.intents[1].lead_section, -1);
	ck_assert_int_eq(set.intents[0].lead_far, 0);
	deffile_set_clear(&set);
	/* "far": only a service far ahead of the others earns the section */
	ck_assert_uint_eq(parse("t.intent", "intent a.b\nservices lead "
	    "help far\n", &set, &e), 0);
	ck_assert_int_eq(set.intents[0].lead_section, SECTION_HELP);
	ck_assert_int_eq(set.intents[0].lead_far, 1);
	deffile_set_clear(&set);
	assert_one_error("intent a.b\nservices lead help near\n", 2,
	    "services:");
	assert_one_error("intent a.b\nservices lead far\n", 2, "services:");
	assert_one_error("intent a.b\nservices lead\n", 2, "services:");
	assert_one_error("intent a.b\nservices lead price\n", 2,
	    "services:");
	assert_one_error("intent a.b\nservices sometimes\n", 2,
	    "services:");
}
END_TEST

START_TEST(bad_priority_is_an_error)
{
	assert_one_error("intent a.b\npriority urgent x\n", 2, "priority:");
	assert_one_error("intent a.b\npriority default urgent\n", 2,
	    "priority default:");
	assert_one_error("intent a.b\npriority default\n", 2,
	    "priority default:");
	assert_one_error("intent a.b\npriority high\n", 2, "missing pattern");
}
END_TEST

START_TEST(article_given_twice_is_an_error)
{
	assert_one_error("intent a.b\narticle x\narticle y\n", 3,
	    "article given twice");
	assert_one_error("intent a.b\narticle\n", 2, "article:");
}
END_TEST

/* "intent a.b", a rule line of linelen bytes, then "rule 2 y". */
static char *
long_line_file(size_t linelen)
{
	char	*buf;
	size_t	 o;

	buf = malloc(linelen + 64);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, "intent a.b\nrule 1 ", 18);
	o = 18;
	memset(buf + o, 'x', linelen - 7);
	o += linelen - 7;
	memcpy(buf + o, "\nrule 2 y\n", 11);
	return buf;
}

START_TEST(over_long_line_is_an_error_on_its_line)
{
	struct def_set	 set = { 0 };
	struct errs	 e = { "", 0, 0 };
	char		*buf;

	buf = long_line_file(LIMIT_EDITOR_LINE_BYTES + 1);
	assert_one_error(buf, 2, "line longer than 4096 bytes");
	free(buf);
	/* A line exactly at the limit is fine. */
	buf = long_line_file(LIMIT_EDITOR_LINE_BYTES);
	ck_assert_uint_eq(parse("t.intent", buf, &set, &e), 0);
	ck_assert_uint_eq(set.intents[0].npatterns, 2);
	ck_assert_uint_eq(strlen(set.intents[0].patterns[0].source),
	    LIMIT_EDITOR_LINE_BYTES - 7);
	deffile_set_clear(&set);
	free(buf);
}
END_TEST

START_TEST(invalid_utf8_is_an_error_on_its_line)
{
	assert_one_error("intent a.b\nrule 2 x\nexample \xff\xfe\n", 3,
	    "not valid UTF-8");
	assert_one_error("intent a.b\nrule 2 \xd0\n", 2, "not valid UTF-8");
}
END_TEST

START_TEST(nul_byte_is_an_error_on_its_line)
{
	static const char	 buf[] = "intent a.b\nrule 2 a\0b\n";
	struct def_set		 set = { 0 };
	struct errs		 e = { "", 0, 0 };

	ck_assert_uint_eq(deffile_parse("t.intent", buf, sizeof(buf) - 1,
	    &set, collect, &e), 1);
	ck_assert_msg(strncmp(e.buf, "t.intent:2: ", 12) == 0, "%s", e.buf);
	ck_assert_uint_eq(set.intents[0].npatterns, 0);
	deffile_set_clear(&set);
}
END_TEST

START_TEST(too_large_file_is_an_error)
{
	struct def_set	 set = { 0 };
	struct errs	 e = { "", 0, 0 };
	char		*buf, want[64];
	size_t		 len = LIMIT_EDITOR_FILE_BYTES + 1;

	buf = malloc(len);
	ck_assert_ptr_nonnull(buf);
	memset(buf, '\n', len);
	memcpy(buf, "intent a.b\n", 11);
	ck_assert_uint_eq(deffile_parse("big.intent", buf, len, &set,
	    collect, &e), 1);
	ck_assert_uint_eq(set.n, 0);
	snprintf(want, sizeof want, "file larger than %d bytes",
	    LIMIT_EDITOR_FILE_BYTES);
	ck_assert_msg(strncmp(e.buf, "big.intent:", 11) == 0 &&
	    strstr(e.buf, want) != NULL, "%s", e.buf);
	/* At the limit it parses. */
	e.n = e.len = 0;
	ck_assert_uint_eq(deffile_parse("big.intent", buf, len - 1, &set,
	    collect, &e), 0);
	ck_assert_uint_eq(set.n, 1);
	deffile_set_clear(&set);
	free(buf);
}
END_TEST

START_TEST(parsing_goes_on_after_errors_and_counts_them_all)
{
	static const char	 text[] =
	    "intent a.b\n"		/* 1 */
	    "rule 0 x\n"		/* 2 */
	    "bogus y\n"			/* 3 */
	    "rule 4 good\n"		/* 4 */
	    "register perhaps\n"	/* 5 */
	    "intent c.d\n"		/* 6 */
	    "action nope\n"		/* 7 */
	    "example fine\n";		/* 8 */
	struct def_set		 set = { 0 };
	struct errs		 e = { "", 0, 0 };

	ck_assert_uint_eq(parse("t.intent", text, &set, &e), 4);
	ck_assert_uint_eq(e.n, 4);
	ck_assert_ptr_nonnull(strstr(e.buf, "t.intent:2: rule"));
	ck_assert_ptr_nonnull(strstr(e.buf, "t.intent:3: unknown keyword"));
	ck_assert_ptr_nonnull(strstr(e.buf, "t.intent:5: register"));
	ck_assert_ptr_nonnull(strstr(e.buf, "t.intent:7: action"));
	ck_assert_uint_eq(set.n, 2);
	ck_assert_uint_eq(set.intents[0].npatterns, 1);
	ck_assert_str_eq(set.intents[0].patterns[0].source, "good");
	ck_assert_uint_eq(set.intents[1].nexamples, 1);
	deffile_set_clear(&set);
}
END_TEST

START_TEST(no_error_callback_still_counts)
{
	struct def_set	set = { 0 };

	ck_assert_uint_eq(deffile_parse("t.intent", "x\ny\n", 4, &set, NULL,
	    NULL), 1);
	deffile_set_clear(&set);
}
END_TEST

/* Rules. */

START_TEST(try_compile_reports_the_offset)
{
	char	buf[256];

	ck_assert_int_eq(rules_try_compile("\\bпароль\\w*", buf, sizeof buf),
	    0);
	ck_assert_int_eq(rules_try_compile("(abc", buf, sizeof buf), -1);
	ck_assert_msg(strncmp(buf, "pattern error at offset 4: ", 27) == 0,
	    "%s", buf);
	ck_assert_int_eq(rules_try_compile("ab[", buf, sizeof buf), -1);
	ck_assert_msg(strncmp(buf, "pattern error at offset 3: ", 27) == 0,
	    "%s", buf);
	ck_assert_int_eq(rules_try_compile("a{2,1}", buf, sizeof buf), -1);
	ck_assert_msg(strncmp(buf, "pattern error at offset ", 24) == 0,
	    "%s", buf);
}
END_TEST

/* Parses text as one file and compiles it with every category i mapped to
 * index i. */
static struct rules *
compile_text(const char *text, struct def_set *set, struct errs *pe,
    struct errs *ce, size_t *nerr_r)
{
	struct rules	*r = NULL;
	int		 map[16];
	size_t		 i;

	parse("t.intent", text, set, pe);
	ck_assert_msg(pe->n == 0, "%s", pe->buf);
	ck_assert_uint_le(set->n, 16);
	for (i = 0; i < set->n; i++)
		map[i] = (int)i;
	*nerr_r = editform_resolve(set, collect, ce);
	*nerr_r += rules_compile(set, map, set->n, &r, collect, ce);
	ck_assert_ptr_nonnull(r);
	return r;
}

START_TEST(compile_reports_file_line_and_offset)
{
	struct def_set	 set = { 0 };
	struct errs	 pe = { "", 0, 0 }, ce = { "", 0, 0 };
	struct rules	*r;
	size_t		 nerr;

	r = compile_text("intent a.b\nrule 2 good\n\nrule 3 /(bad/\n"
	    "not /)/\n", &set, &pe, &ce, &nerr);
	ck_assert_uint_eq(nerr, 2);
	ck_assert_uint_eq(ce.n, 2);
	ck_assert_msg(strstr(ce.buf, "t.intent:4: rule: pattern error at "
	    "offset 4: ") != NULL, "%s", ce.buf);
	ck_assert_msg(strstr(ce.buf, "t.intent:5: not: pattern error at "
	    "offset 0: ") != NULL, "%s", ce.buf);
	/* The good pattern is still compiled. */
	ck_assert_uint_eq(rules_count(r), 1);
	rules_free(&r);
	ck_assert_ptr_null(r);
	deffile_set_clear(&set);
}
END_TEST

/* Matches s against r; fills res (score and vetoed sized for 16). */
static void
match(const struct rules *r, const char *s, struct rules_result *res,
    double *score, unsigned char *vetoed)
{
	struct rules_scratch	*sc;

	res->score = score;
	res->vetoed = vetoed;
	res->alone = NULL;
	sc = rules_scratch_new(r);
	rules_match(r, sc, s, strlen(s), res);
	rules_scratch_free(&sc);
	ck_assert_ptr_null(sc);
}

START_TEST(catastrophic_pattern_stops_at_the_limit)
{
	static const char	 subject[] =
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab";
	struct def_set		 set = { 0 };
	struct errs		 pe = { "", 0, 0 }, ce = { "", 0, 0 };
	struct rules		*r;
	struct rules_result	 res;
	struct timespec		 t0, t1;
	double			 score[16], secs;
	unsigned char		 vetoed[16];
	size_t			 nerr;

	r = compile_text("intent a.b\nrule 5 /(a+)+$/\nrule 1 /b$/\n", &set, &pe,
	    &ce, &nerr);
	ck_assert_uint_eq(nerr, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	match(r, subject, &res, score, vetoed);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(secs < 1.0, "match took %.2f s", secs);
	ck_assert_uint_ge(res.limit_hits, 1);
	/* Only the sane rule counted. */
	ck_assert(score[0] == 1);
	rules_free(&r);
	deffile_set_clear(&set);
}
END_TEST

START_TEST(upper_case_letter_in_a_pattern_is_an_error)
{
	struct def_set	 set = { 0 };
	struct errs	 pe = { "", 0, 0 }, ce = { "", 0, 0 };
	struct rules	*r;
	char		 buf[256];
	size_t		 nerr;

	/* Messages are folded to lower case: "Пароль" could never match. */
	ck_assert_int_eq(rules_try_compile("\\bПароль", buf, sizeof buf), -1);
	ck_assert_msg(strncmp(buf, "upper-case letter at offset 2:", 30) == 0,
	    "%s", buf);
	ck_assert_int_eq(rules_try_compile("password|Login", buf, sizeof buf),
	    -1);
	/* Escapes are not letters to match. */
	ck_assert_int_eq(rules_try_compile("\\S+\\W\\D\\p{Lu}\\x{41}\\B",
	    buf, sizeof buf), 0);
	r = compile_text("intent a.b\nrule 2 ok\n\nnot /Сбер/\n", &set, &pe,
	    &ce, &nerr);
	ck_assert_uint_eq(nerr, 1);
	ck_assert_msg(strncmp(ce.buf, "t.intent:4: not: upper-case letter at "
	    "offset 0:", 47) == 0, "%s", ce.buf);
	ck_assert_uint_eq(rules_count(r), 1);
	rules_free(&r);
	deffile_set_clear(&set);
}
END_TEST

/* Normalises s as the classifier does and matches it against r. */
static void
match_normalized(const struct rules *r, const char *s,
    struct rules_result *res, double *score, unsigned char *vetoed)
{
	struct normalized	n;

	normalize_message(s, strlen(s), &n);
	match(r, n.match, res, score, vetoed);
	normalize_release(&n);
}

START_TEST(cyrillic_message_matches_whatever_its_case)
{
	struct def_set		 set = { 0 };
	struct errs		 pe = { "", 0, 0 }, ce = { "", 0, 0 };
	struct rules		*r;
	struct rules_result	 res;
	double			 score[16];
	unsigned char		 vetoed[16];
	size_t			 nerr;

	r = compile_text("intent a.b\nrule 3 /\\bпароль\\b/\n"
	    "rule 2 /госуслуг/\nrule 1 /учетн/\n"
	    "intent c.d\nrule 4 /\\bоператор\\w*/\n", &set, &pe, &ce, &nerr);
	ck_assert_uint_eq(nerr, 0);
	match_normalized(r, "Забыл ПАРОЛЬ от ГосУслуг", &res, score, vetoed);
	ck_assert_uint_eq(res.n, 2);
	ck_assert(score[0] == 5);
	ck_assert(score[1] == 0);
	ck_assert_uint_eq(res.limit_hits, 0);
	match_normalized(r, "ОПЕРАТОРА позовите", &res, score, vetoed);
	ck_assert(score[0] == 0);
	ck_assert(score[1] == 4);
	/* ё is matched by a pattern written with е. */
	match_normalized(r, "УЧЁТНАЯ запись", &res, score, vetoed);
	ck_assert(score[0] == 1);
	/* \\b and \\w know Cyrillic letters (UCP): no match inside a word. */
	match_normalized(r, "Парольный", &res, score, vetoed);
	ck_assert(score[0] == 0);
	rules_free(&r);
	deffile_set_clear(&set);
}
END_TEST

START_TEST(not_pattern_vetoes_its_category_only)
{
	struct def_set		 set = { 0 };
	struct errs		 pe = { "", 0, 0 }, ce = { "", 0, 0 };
	struct rules		*r;
	struct rules_result	 res;
	double			 score[16];
	unsigned char		 vetoed[16];
	size_t			 nerr;

	r = compile_text("intent a.b\nnot /\\bсбер/\nrule 5 /парол/\n"
	    "intent c.d\nrule 2 /парол/\n", &set, &pe, &ce, &nerr);
	ck_assert_uint_eq(nerr, 0);
	match(r, "забыл пароль от сбер онлайн", &res, score, vetoed);
	ck_assert_int_eq(vetoed[0], 1);
	ck_assert_int_eq(vetoed[1], 0);
	ck_assert(score[1] == 2);
	match(r, "забыл пароль от госуслуг", &res, score, vetoed);
	ck_assert_int_eq(vetoed[0], 0);
	ck_assert(score[0] == 5);
	rules_free(&r);
	deffile_set_clear(&set);
}
END_TEST

static size_t
lead_of(const struct rules *r, struct rules_scratch *s, const char *m)
{
	size_t	lead, tail;

	rules_small_talk(r, s, m, strlen(m), &lead, &tail);
	return lead;
}

static size_t
tail_of(const struct rules *r, struct rules_scratch *s, const char *m)
{
	size_t	lead, tail;

	rules_small_talk(r, s, m, strlen(m), &lead, &tail);
	return tail;
}

/* The small talk a message starts with (lists.intent small_talk_first)
 * and ends with (small_talk_last) is measured up to where its question
 * begins and from where it ends; a message of nothing else, or with no
 * such lists, has none. */
START_TEST(small_talk_around_the_question_is_measured)
{
	struct def_set		 set = { 0 };
	struct errs		 pe = { "", 0, 0 }, ce = { "", 0, 0 };
	struct rules		*r;
	struct rules_scratch	*s;
	const char		*m = "здравствуйте, подскажите пожалуйста, "
				    "как получить загранпаспорт? заранее спасибо!";
	size_t			 nerr;

	r = compile_text("list hello здравствуйте, привет*\n"
	    "list small_talk_first @hello, \"подскажите\", \"пожалуйста\"\n"
	    "list small_talk_last спасиб*, \"заранее\"\n"
	    "intent a.b\nrule 1 парол*\n", &set, &pe, &ce, &nerr);
	ck_assert_uint_eq(nerr, 0);
	s = rules_scratch_new(r);
	ck_assert_uint_eq(lead_of(r, s, m), strstr(m, "как") - m);
	ck_assert_uint_eq(tail_of(r, s, m), strlen(strstr(m, "заранее")));
	ck_assert_uint_eq(lead_of(r, s, "привет!!"), 0);
	ck_assert_uint_eq(lead_of(r, s, "привет, спасибо"), 0);
	ck_assert_uint_eq(tail_of(r, s, "привет, спасибо"), 0);
	ck_assert_uint_eq(lead_of(r, s, "как получить"), 0);
	ck_assert_uint_eq(tail_of(r, s, "как получить"), 0);
	/* Small talk after the question is not before it, nor in the
	 * middle at the end ("спасибо за паспорт" ends with a question). */
	ck_assert_uint_eq(lead_of(r, s, "паспорт, здравствуйте"), 0);
	ck_assert_uint_eq(tail_of(r, s, "спасибо, где паспорт"), 0);
	ck_assert_uint_eq(tail_of(r, s, "паспортспасибо"), 0);
	ck_assert_uint_eq(lead_of(r, s, "привет, паспорт"), strlen("привет, "));
	/* The first item starts it: "подскажите" alone is the question's. */
	ck_assert_uint_eq(lead_of(r, s, "подскажите, как получить паспорт"),
	    0);
	rules_scratch_free(&s);
	rules_free(&r);
	deffile_set_clear(&set);
	r = compile_text("intent a.b\nrule 1 парол*\n", &set, &pe, &ce,
	    &nerr);
	s = rules_scratch_new(r);
	ck_assert_uint_eq(lead_of(r, s, m), 0);
	ck_assert_uint_eq(tail_of(r, s, m), 0);
	rules_scratch_free(&s);
	rules_free(&r);
	deffile_set_clear(&set);
}
END_TEST

/* A list used in several places makes the same pattern there: compiled
 * code is shared, but each place still counts, for its own category. */
START_TEST(the_same_pattern_in_several_places_counts_in_each)
{
	struct def_set		 set = { 0 };
	struct errs		 pe = { "", 0, 0 }, ce = { "", 0, 0 };
	struct rules		*r;
	struct rules_result	 res;
	double			 score[16];
	unsigned char		 vetoed[16];
	size_t			 nerr;

	r = compile_text("intent a.b\nrule 2 /пароль|\\d+ раз/\n"
	    "not /сбер/\nintent c.d\nrule 3 /пароль|\\d+ раз/\n"
	    "rule 1 /пароль|\\d+ раз/\nnot /сбер/\n", &set, &pe, &ce,
	    &nerr);
	ck_assert_uint_eq(nerr, 0);
	ck_assert_uint_eq(rules_count(r), 5);
	match(r, "забыл пароль", &res, score, vetoed);
	ck_assert(score[0] == 2 && score[1] == 4);
	ck_assert(!vetoed[0] && !vetoed[1]);
	/* The branch that may start anywhere, searched apart. */
	match(r, "ввёл 5 раз", &res, score, vetoed);
	ck_assert(score[0] == 2 && score[1] == 4);
	match(r, "ввёл 5 раз в сбер", &res, score, vetoed);
	ck_assert(vetoed[0] && vetoed[1]);
	match(r, "здравствуйте", &res, score, vetoed);
	ck_assert(score[0] == 0 && score[1] == 0);
	ck_assert(!vetoed[0] && !vetoed[1]);
	rules_free(&r);
	deffile_set_clear(&set);
}
END_TEST

START_TEST(unmapped_category_is_checked_but_left_out)
{
	struct def_set		 set = { 0 };
	struct errs		 pe = { "", 0, 0 }, ce = { "", 0, 0 };
	struct rules		*r = NULL;
	struct rules_result	 res;
	double			 score[16];
	unsigned char		 vetoed[16];
	int			 map[2] = { -1, 0 };

	parse("t.intent", "intent a.b\nrule 5 /(bad/\nrule 5 x\nintent c.d\n"
	    "rule 2 x\n", &set, &pe);
	/* A category the taxonomy lacks is not matched, but an editor still
	 * hears of its broken pattern. */
	ck_assert_uint_eq(editform_resolve(&set, collect, &ce), 1);
	ck_assert_uint_eq(rules_compile(&set, map, 1, &r, collect, &ce), 0);
	ck_assert_msg(strncmp(ce.buf, "t.intent:2: rule: pattern error at "
	    "offset 4", 43) == 0, "%s", ce.buf);
	ck_assert_uint_eq(rules_count(r), 1);
	match(r, "x", &res, score, vetoed);
	ck_assert_uint_eq(res.n, 1);
	ck_assert(score[0] == 2);
	rules_free(&r);
	deffile_set_clear(&set);
}
END_TEST

START_TEST(first_matching_priority_wins_else_the_default)
{
	struct def_set		 set = { 0 };
	struct errs		 pe = { "", 0, 0 }, ce = { "", 0, 0 };
	struct rules		*r;
	struct rules_scratch	*sc;
	size_t			 nerr;

#define PRIO(s)	rules_priority(r, sc, 0, (s), strlen(s))
	r = compile_text("intent incident.report\nrule 5 не работает\n"
	    "priority critical /не работает (весь|вообще)/\n"
	    "priority high не работает\n"
	    "priority low медленно\n"
	    "priority default medium\n"
	    "intent c.d\npriority high x\n", &set, &pe, &ce, &nerr);
	ck_assert_uint_eq(nerr, 0);
	sc = rules_scratch_new(r);
	ck_assert_int_eq(PRIO("портал не работает вообще"),
	    PRIORITY_CRITICAL);
	ck_assert_int_eq(PRIO("оплата не работает"), PRIORITY_HIGH);
	ck_assert_int_eq(PRIO("медленно и не работает"), PRIORITY_HIGH);
	ck_assert_int_eq(PRIO("грузится медленно"), PRIORITY_LOW);
	ck_assert_int_eq(PRIO("что-то странное"), PRIORITY_MEDIUM);
	/* A category without a default and no match has none. */
	ck_assert_int_eq(rules_priority(r, sc, 1, "y", 1), PRIORITY_NONE);
	ck_assert_int_eq(rules_priority(r, sc, 1, "x", 1), PRIORITY_HIGH);
	/* Priority patterns are not evidence. */
	{
		struct rules_result	res;
		double			score[16];
		unsigned char		vetoed[16];

		match(r, "x", &res, score, vetoed);
		ck_assert(score[1] == 0);
	}
	rules_scratch_free(&sc);
	rules_free(&r);
	deffile_set_clear(&set);
#undef PRIO
}
END_TEST

START_TEST(prefilter_never_skips_a_pattern_that_would_match)
{
	/* Each pattern matches its text; the literal prefilter must let it
	 * run.  Escapes, optional parts and flags are where literals hide. */
	static const char	*const cases[][2] = {
		{ "a\\x{62}c", "abc" }, { "a\\x62c", "abc" },
		{ "\\Qa.b\\E", "a.b" }, { "a\\.b", "a.b" },
		{ "(?x) с м с", "смс" }, { "(?x)a\\ b", "a b" },
		{ "(?x:a b)c", "abc" }, { "a{0}bc", "bc" },
		{ "(ab)?cd", "cd" }, { "(?:ab|)cd", "cd" }, { "ab*c", "ac" },
		{ "ab?c", "ac" }, { "(?:ab){0,2}cd", "cd" }, { "ab{2}", "abb" },
		{ "a\\Kbc", "abc" }, { "a(?#note)b", "ab" },
		{ "\\x{435}", "е" }, { "a\\sb", "a b" }, { "[a]bc", "abc" },
		{ "(?|(ab)|(cd))", "cd" }, { "(x)?(?(1)a|b)c", "bc" },
		{ "(?i:ab)c", "abc" }, { "\\o{141}bc", "abc" },
		/* An octal escape: \\141 is "a". */
		{ "\\141bc", "abc" }, { "x\\060", "x0" },
	};
	size_t			 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct def_set		 set = { 0 };
		struct rules		*r = NULL;
		struct rules_scratch	*sc;
		struct rules_result	 res;
		double			 on, off;
		unsigned char		 vetoed;
		char			 buf[256];
		int			 map[1] = { 0 };

		snprintf(buf, sizeof buf, "intent a.b\nrule 1 /%s/\n",
		    cases[i][0]);
		ck_assert_uint_eq(deffile_parse("t.intent", buf, strlen(buf),
		    &set, NULL, NULL), 0);
		ck_assert_uint_eq(editform_resolve(&set, NULL, NULL), 0);
		ck_assert_msg(rules_compile(&set, map, 1, &r, NULL, NULL) == 0,
		    "/%s/ does not compile", cases[i][0]);
		sc = rules_scratch_new(r);
		res.alone = NULL;
		res.vetoed = &vetoed;
		res.score = &off;
		rules_scratch_prefilter(sc, 0);
		rules_match(r, sc, cases[i][1], strlen(cases[i][1]), &res);
		ck_assert_msg(off == 1, "/%s/ does not match \"%s\"",
		    cases[i][0], cases[i][1]);
		res.score = &on;
		rules_scratch_prefilter(sc, 1);
		rules_match(r, sc, cases[i][1], strlen(cases[i][1]), &res);
		ck_assert_msg(on == off, "the prefilter skips /%s/ on \"%s\"",
		    cases[i][0], cases[i][1]);
		rules_scratch_free(&sc);
		rules_free(&r);
		deffile_set_clear(&set);
	}
}
END_TEST

START_TEST(invalid_utf8_subject_does_not_break_matching)
{
	static const char	 subject[] = "пар\xff\xfe оль \xd0 пароль \x80";
	struct def_set		 set = { 0 };
	struct errs		 pe = { "", 0, 0 }, ce = { "", 0, 0 };
	struct rules		*r;
	struct rules_scratch	*sc;
	struct rules_result	 res;
	double			 score[16];
	unsigned char		 vetoed[16];
	size_t			 nerr;

	r = compile_text("intent a.b\nrule 3 пароль\n", &set, &pe, &ce,
	    &nerr);
	sc = rules_scratch_new(r);
	res.score = score;
	res.vetoed = vetoed;
	res.alone = NULL;
	rules_match(r, sc, subject, sizeof(subject) - 1, &res);
	ck_assert(score[0] == 3);
	rules_scratch_free(&sc);
	rules_free(&r);
	deffile_set_clear(&set);
}
END_TEST

Suite *
deffile_suite(void)
{
	Suite	*s = suite_create("deffile");
	TCase	*tc;

	tc = tcase_create("parse");
	tcase_add_test(tc, full_category_gives_every_field);
	tcase_add_test(tc, value_is_taken_literally_with_a_hash_inside);
	tcase_add_test(tc, unset_action_register_and_priority_stay_unset);
	tcase_add_test(tc, crlf_bom_and_missing_final_newline_are_fine);
	tcase_add_test(tc, categories_from_several_files_add_up);
	tcase_add_test(tc, find_returns_the_category_by_whole_id);
	tcase_add_test(tc, priority_names_round_trip);
	tcase_add_test(tc, services_lead_names_a_section_of_the_service_article);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, unknown_keyword_is_an_error_on_its_line);
	tcase_add_test(tc, rule_weight_must_be_1_to_10);
	tcase_add_test(tc, keyword_before_intent_is_an_error);
	tcase_add_test(tc, duplicate_intent_names_the_first_file_and_line);
	tcase_add_test(tc, bad_intent_id_is_an_error);
	tcase_add_test(tc, bad_action_is_an_error);
	tcase_add_test(tc, bad_register_is_an_error);
	tcase_add_test(tc, bad_weak_is_an_error);
	tcase_add_test(tc, bad_priority_is_an_error);
	tcase_add_test(tc, article_given_twice_is_an_error);
	tcase_add_test(tc, over_long_line_is_an_error_on_its_line);
	tcase_add_test(tc, invalid_utf8_is_an_error_on_its_line);
	tcase_add_test(tc, nul_byte_is_an_error_on_its_line);
	tcase_add_test(tc, too_large_file_is_an_error);
	tcase_add_test(tc, parsing_goes_on_after_errors_and_counts_them_all);
	tcase_add_test(tc, no_error_callback_still_counts);
	suite_add_tcase(s, tc);

	tc = tcase_create("rules");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, try_compile_reports_the_offset);
	tcase_add_test(tc, compile_reports_file_line_and_offset);
	tcase_add_test(tc, catastrophic_pattern_stops_at_the_limit);
	tcase_add_test(tc, upper_case_letter_in_a_pattern_is_an_error);
	tcase_add_test(tc, cyrillic_message_matches_whatever_its_case);
	tcase_add_test(tc, not_pattern_vetoes_its_category_only);
	tcase_add_test(tc, small_talk_around_the_question_is_measured);
	tcase_add_test(tc, the_same_pattern_in_several_places_counts_in_each);
	tcase_add_test(tc, unmapped_category_is_checked_but_left_out);
	tcase_add_test(tc, first_matching_priority_wins_else_the_default);
	tcase_add_test(tc, prefilter_never_skips_a_pattern_that_would_match);
	tcase_add_test(tc, invalid_utf8_subject_does_not_break_matching);
	suite_add_tcase(s, tc);
	return s;
}
