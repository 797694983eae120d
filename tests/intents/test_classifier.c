/*
 * The decision on a small world of five categories built in a temporary
 * directory (taxonomy, one category file, a knowledge base imported into
 * SQLite): a password question is answered, a request for a person hands
 * off even beside another question, the weather is declined, noise and
 * hostile bytes are never answered, entities and request registration and
 * incident priorities come through; and every loading mistake is reported
 * with its file and line and loads nothing.
 */
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "intents/classifier.h"
#include "kb/store.h"
#include "lib/sqldb.h"

Suite	*classifier_suite(void);

#define T0	((time_t)1772355600)

static const char taxonomy_json[] =
    "{\"about\": \"test fixture\", \"intents\": [\n"
    " {\"id\": \"login.password_reset\", \"action\": \"answer\",\n"
    "  \"en\": \"Forgotten password.\", \"ru\": \"Забытый пароль.\"},\n"
    " {\"id\": \"feedback.complaint\", \"action\": \"answer\",\n"
    "  \"en\": \"A complaint.\", \"ru\": \"Жалоба.\"},\n"
    " {\"id\": \"incident.report\", \"action\": \"answer\",\n"
    "  \"en\": \"The portal is broken.\", \"ru\": \"Сбой портала.\"},\n"
    " {\"id\": \"handoff.operator\", \"action\": \"handoff\",\n"
    "  \"en\": \"A person.\", \"ru\": \"Оператор.\"},\n"
    " {\"id\": \"out_of_scope\", \"action\": \"decline\",\n"
    "  \"en\": \"Not ours.\", \"ru\": \"Не по теме.\"},\n"
    " {\"id\": \"smalltalk.greeting\", \"action\": \"answer\",\n"
    "  \"en\": \"Hello.\", \"ru\": \"Привет.\"}\n"
    "]}\n";

/* Line numbers matter to the error tests: keep the comments in step.
 * The rules are in the editors' form (docs/categories.md), one raw. */
static const char defs_intent[] =
    "# The test world.\n"						/* 1 */
    "intent login.password_reset\n"					/* 2 */
    "article login-password-reset\n"					/* 3 */
    "register no\n"							/* 4 */
    "rule 6 (забыть, \"не помн*\") ..4 @secret\n"			/* 5 */
    "rule 5 (восстанов*, сброс*) ..3 пароль\n"			/* 6 */
    "rule 2 парол*\n"							/* 7 */
    "rule 6 /\\b(forg[eo]t\\w*|reset\\w*)\\s.{0,20}password\\b/\n"	/* 8 */
    "example Забыл пароль от госуслуг, как восстановить?\n"		/* 9 */
    "example не помню пароль\n"						/* 10 */
    "example как сбросить пароль в личном кабинете\n"			/* 11 */
    "example I forgot my password\n"					/* 12 */
    "\n"								/* 13 */
    "intent feedback.complaint\n"					/* 14 */
    "article feedback-complaint\n"					/* 15 */
    "register yes\n"							/* 16 */
    "rule 6 жалоб*, пожаловат*\n"					/* 17 */
    "rule 3 хамств*, нагруб*\n"						/* 18 */
    "example хочу подать жалобу на сотрудника\n"			/* 19 */
    "example мне нагрубили в центре обслуживания, куда пожаловаться\n"	/* 20 */
    "\n"								/* 21 */
    "intent incident.report\n"						/* 22 */
    "article incident-report\n"						/* 23 */
    "register yes\n"							/* 24 */
    "rule 6 \"не работает\", сбой, \"не открывается\"\n"		/* 25 */
    "priority critical (весь, вообще, полностью) ..3 \"не работает\"\n"	/* 26 */
    "priority high оплат*\n"						/* 27 */
    "priority default medium\n"						/* 28 */
    "example портал не работает\n"					/* 29 */
    "example на сайте сбой, страница не открывается\n"			/* 30 */
    "\n"								/* 31 */
    "intent handoff.operator\n"						/* 32 */
    "article handoff-operator\n"					/* 33 */
    "register yes\n"							/* 34 */
    "rule 5 (позов*, позвать, соедин*, хочу, нужен, дайте) ..3 @person\n"	/* 35 */
    "rule 5 жив* @person\n"						/* 36 */
    "example позовите оператора\n"					/* 37 */
    "example соедините со специалистом\n"				/* 38 */
    "\n"								/* 39 */
    "intent out_of_scope\n"						/* 40 */
    "article out-of-scope\n"						/* 41 */
    "rule 5 погод*\n"							/* 42 */
    "rule 4 рецепт*\n"							/* 43 */
    "example какая завтра погода\n"					/* 44 */
    "example рецепт борща\n"						/* 45 */
    "\n"								/* 46 */
    "intent smalltalk.greeting\n"					/* 47 */
    "weak yes\n"							/* 48 */
    "article smalltalk-greeting\n"					/* 49 */
    "only 8 @greeting, (подскажите, \"у меня вопрос\")\n"		/* 50 */
    "example здравствуйте\n"						/* 51 */
    "\n"								/* 52 */
    "list secret   пароль, логин\n"					/* 53 */
    "list person   оператор*, человек*, специалист*\n"			/* 54 */
    "list greeting здравствуйте, привет,\n"				/* 55 */
    "              \"добрый день\"\n";					/* 56 */

struct fixture_article {
	const char	*file;
	const char	*text;
};

static const struct fixture_article articles[] = {
	{ "login-password-reset.md",
	  "---\nid: login-password-reset\ntitle: Как восстановить пароль\n"
	  "lang: ru\ntags: пароль, забыл пароль, восстановление доступа\n"
	  "categories: login.password_reset\nsources:\n- seed 2.2\nreviewed: 2026-12-07\n---\n"
	  "Нажмите «Забыли пароль?» на странице входа и введите телефон.\n" },
	{ "feedback-complaint.md",
	  "---\nid: feedback-complaint\ntitle: Как подать жалобу\n"
	  "lang: ru\ntags: жалоба, претензия\n"
	  "categories: feedback.complaint\nsources:\n- seed 2.2\nreviewed: 2026-12-07\n---\n"
	  "Жалобу можно подать в разделе «Обратная связь».\n" },
	{ "incident-report.md",
	  "---\nid: incident-report\ntitle: Портал не работает\n"
	  "lang: ru\ntags: сбой, ошибка, не открывается\n"
	  "categories: incident.report\nsources:\n- seed 2.2\nreviewed: 2026-12-07\n---\n"
	  "Мы уже знаем о сбое и чиним его.\n" },
	{ "handoff-operator.md",
	  "---\nid: handoff-operator\ntitle: Связь с оператором\n"
	  "lang: ru\ntags: оператор, специалист\n"
	  "categories: handoff.operator\nsources:\n- seed 2.2\nreviewed: 2026-12-07\n---\n"
	  "Соединяю вас с оператором.\n" },
	{ "out-of-scope.md",
	  "---\nid: out-of-scope\ntitle: Вопрос не по теме портала\n"
	  "lang: ru\ntags: не по теме\n"
	  "categories: out_of_scope\nsources:\n- seed 2.2\nreviewed: 2026-12-07\n---\n"
	  "Горячая линия отвечает только на вопросы о портале.\n" },
	{ "smalltalk-greeting.md",
	  "---\nid: smalltalk-greeting\ntitle: Здравствуйте\n"
	  "lang: ru\ntags: приветствие\n"
	  "categories: smalltalk.greeting\nsources:\n- seed 3.2\nreviewed: 2026-12-07\n---\n"
	  "Здравствуйте! Чем помочь?\n" },
};

static char			 tmpdir[64];
static sqlite3			*kbdb;
static struct classifier	*cl;
static struct classify_ctx	*cx;

/* Error messages of the last load, each followed by '\n'. */
static char	errbuf[8192];
static size_t	errlen, nerrs;

static void
collect(void *arg, const char *msg)
{
	int	k;

	(void)arg;
	k = snprintf(errbuf + errlen, sizeof(errbuf) - errlen, "%s\n", msg);
	if (k > 0 && (size_t)k < sizeof(errbuf) - errlen)
		errlen += (size_t)k;
	nerrs++;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	remove(path);
	return 0;
}

static void
fail_setup(const char *what, const char *why)
{
	fprintf(stderr, "classifier fixture: %s: %s\n", what, why);
	abort();
}

static void
path_of(const char *rel, char *buf, size_t bufsz)
{
	int	n;

	n = snprintf(buf, bufsz, "%s/%s", tmpdir, rel);
	if (n < 0 || (size_t)n >= bufsz)
		fail_setup(rel, "path too long");
}

static void
write_file(const char *rel, const char *text)
{
	char	 path[256];
	FILE	*fp;

	path_of(rel, path, sizeof path);
	if ((fp = fopen(path, "wb")) == NULL)
		fail_setup(path, "cannot create");
	fputs(text, fp);
	if (fclose(fp) != 0)
		fail_setup(path, "cannot write");
}

static void
make_dir(const char *rel)
{
	char	path[256];

	path_of(rel, path, sizeof path);
	if (mkdir(path, 0700) == -1)
		fail_setup(path, "cannot mkdir");
}

/* The temporary world: taxonomy, defs, articles imported into kbdb. */
static void
world_setup(void)
{
	struct kb_import_stats	 st;
	char			 path[256], rel[128], *err = NULL;
	size_t			 i;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/hotline-classifier-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		fail_setup("mkdtemp", "failed");
	write_file("taxonomy.json", taxonomy_json);
	/* The services and the aspect and person patterns live beside the
	 * taxonomy; this world has no service articles. */
	write_file("topics.json", "{\"topics\": [{\"id\": \"passport.foreign\","
	    " \"ru\": \"Загранпаспорт\", \"en\": \"Foreign passport\"}]}");
	write_file("aspects.def", "aspect fee\nrule сколько стоит\n");
	write_file("person.def", "aspect callback\nrule перезвоните мне\n");
	make_dir("defs");
	write_file("defs/main.intent", defs_intent);
	make_dir("kb");
	make_dir("kb/ru");
	for (i = 0; i < sizeof(articles) / sizeof(articles[0]); i++) {
		snprintf(rel, sizeof rel, "kb/ru/%s", articles[i].file);
		write_file(rel, articles[i].text);
	}
	path_of("kb.sqlite", path, sizeof path);
	if (sqldb_open(path, &kbdb, &err) == -1 ||
	    kb_store_open(kbdb, &err) == -1)
		fail_setup("kb", err);
	path_of("kb", path, sizeof path);
	if (kb_store_import(kbdb, path, T0, stderr, &st, &err) == -1)
		fail_setup("kb import", err);
	if (st.added != (int)(sizeof(articles) / sizeof(articles[0])))
		fail_setup("kb import", "not every article was added");
}

static void
world_teardown(void)
{
	sqldb_close(&kbdb);
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Loads the world with the category files of directory defs (relative to
 * tmpdir) and the taxonomy file tax. */
static struct classifier *
load_from(const char *defs, const char *tax)
{
	struct classifier_config	cfg;
	struct classifier_paths		paths;
	char				dpath[256], tpath[256];

	errlen = nerrs = 0;
	errbuf[0] = '\0';
	path_of(defs, dpath, sizeof dpath);
	path_of(tax, tpath, sizeof tpath);
	paths.taxonomy = tpath;
	paths.defs = dpath;
	paths.model_cache = NULL;
	classifier_config_defaults(&cfg);
	return classifier_load(&paths, kbdb, &cfg, collect, NULL);
}

static void
loaded_setup(void)
{
	world_setup();
	cl = load_from("defs", "taxonomy.json");
	if (cl != NULL)
		cx = classify_ctx_new(cl);
}

static void
loaded_teardown(void)
{
	classify_ctx_free(&cx);
	classifier_free(&cl);
	world_teardown();
}

static void
require_loaded(void)
{
	ck_assert_msg(cl != NULL, "the fixture did not load:\n%s", errbuf);
}

static void
classify_str(const char *s, struct verdict *v)
{
	require_loaded();
	classify(cx, s, strlen(s), v);
}

/* The verdict's category id, or "(none)". */
static const char *
intent_of(const struct verdict *v)
{
	return v->intent != NULL ? v->intent : "(none)";
}

START_TEST(fixture_loads_every_pattern_and_document)
{
	const struct taxonomy	*t;

	require_loaded();
	ck_assert_uint_eq(nerrs, 0);
	t = classifier_taxonomy(cl);
	ck_assert_uint_eq(t->n, 6);
	ck_assert_uint_eq(classifier_defs(cl)->n, 6);
	ck_assert_uint_eq(classifier_defs(cl)->nlists, 3);
	/* 11 rules, 1 "only" and 2 priority patterns. */
	ck_assert_uint_eq(classifier_patterns(cl), 14);
	/* 13 examples and 6 articles. */
	ck_assert_uint_eq(classifier_documents(cl), 19);
}
END_TEST

START_TEST(password_question_is_answered_with_its_article)
{
	struct classifier_config	cfg;
	struct verdict			v;

	classifier_config_defaults(&cfg);
	classify_str("Забыл пароль от личного кабинета, как его "
	    "восстановить?", &v);
	ck_assert_msg(v.action == ACTION_ANSWER, "%s %s (%s)",
	    action_name(v.action), intent_of(&v), v.reason);
	ck_assert_str_eq(intent_of(&v), "login.password_reset");
	ck_assert_str_eq(v.article, "login-password-reset");
	ck_assert(v.confidence >= cfg.answer_min);
	ck_assert(v.confidence <= 1.0);
	ck_assert(v.margin >= cfg.margin_min);
	ck_assert_uint_ge(v.ntop, 1);
	ck_assert_int_eq(v.top[0].category, v.category);
	ck_assert_int_eq(v.register_request, 0);
	ck_assert_int_eq(v.priority, PRIORITY_NONE);
	ck_assert_int_eq(v.lang, LANG_RU);
}
END_TEST

START_TEST(english_password_question_is_answered)
{
	struct verdict	v;

	classify_str("I forgot my password, please help", &v);
	ck_assert_msg(v.action == ACTION_ANSWER, "%s %s (%s)",
	    action_name(v.action), intent_of(&v), v.reason);
	ck_assert_str_eq(intent_of(&v), "login.password_reset");
	ck_assert_int_eq(v.lang, LANG_EN);
}
END_TEST

START_TEST(translit_password_question_is_answered)
{
	struct verdict	v;

	classify_str("zabyl parol kak vosstanovit", &v);
	ck_assert_msg(v.action == ACTION_ANSWER, "%s %s (%s)",
	    action_name(v.action), intent_of(&v), v.reason);
	ck_assert_str_eq(intent_of(&v), "login.password_reset");
}
END_TEST

START_TEST(asking_for_an_operator_hands_off)
{
	struct verdict	v;

	classify_str("Позовите оператора", &v);
	ck_assert_int_eq(v.action, ACTION_HANDOFF);
	ck_assert_str_eq(intent_of(&v), "handoff.operator");
	ck_assert_str_eq(v.article, "handoff-operator");
	ck_assert_int_eq(v.register_request, 1);
}
END_TEST

START_TEST(asking_for_a_person_wins_over_another_question)
{
	struct verdict	v;

	classify_str("хочу оператора, забыл пароль", &v);
	ck_assert_msg(v.action == ACTION_HANDOFF, "%s %s (%s)",
	    action_name(v.action), intent_of(&v), v.reason);
	ck_assert_str_eq(intent_of(&v), "handoff.operator");
	ck_assert_str_eq(v.reason, "asked for a person");
	/* The password evidence was there and is still ranked. */
	ck_assert_uint_ge(v.ntop, 1);
}
END_TEST

START_TEST(weather_question_is_declined)
{
	struct verdict	v;

	classify_str("Какая погода будет завтра в Москве?", &v);
	ck_assert_msg(v.action == ACTION_DECLINE, "%s %s (%s)",
	    action_name(v.action), intent_of(&v), v.reason);
	ck_assert_str_eq(intent_of(&v), "out_of_scope");
}
END_TEST

START_TEST(unrelated_words_are_declined_not_answered)
{
	struct verdict	v;

	classify_str("фиолетовый жираф танцует", &v);
	ck_assert_int_ne(v.action, ACTION_ANSWER);
	ck_assert_int_eq(v.action, ACTION_DECLINE);
}
END_TEST

START_TEST(empty_message_is_not_answered)
{
	struct verdict	v;

	require_loaded();
	classify(cx, "", 0, &v);
	ck_assert_int_ne(v.action, ACTION_ANSWER);
	ck_assert_int_eq(v.action, ACTION_CLARIFY);
	ck_assert_int_eq(v.category, -1);
	ck_assert_ptr_null(v.intent);
	ck_assert_ptr_null(v.article);
	classify_str("   \n\t ", &v);
	ck_assert_int_eq(v.action, ACTION_CLARIFY);
}
END_TEST

START_TEST(punctuation_only_is_not_answered)
{
	struct verdict	v;

	classify_str("!!!", &v);
	ck_assert_int_ne(v.action, ACTION_ANSWER);
	classify_str("??? ... ,,,", &v);
	ck_assert_int_ne(v.action, ACTION_ANSWER);
}
END_TEST

START_TEST(megabyte_of_one_letter_returns_and_is_not_answered)
{
	struct verdict	 v;
	char		*buf;
	size_t		 n = 1024 * 1024, i;

	require_loaded();
	buf = malloc(n);
	ck_assert_ptr_nonnull(buf);
	for (i = 0; i + 1 < n; i += 2)
		memcpy(buf + i, "а", 2);
	classify(cx, buf, n, &v);
	ck_assert_int_ne(v.action, ACTION_ANSWER);
	free(buf);
}
END_TEST

START_TEST(megabyte_of_invalid_utf8_returns_and_is_not_answered)
{
	struct verdict	 v;
	char		*buf;
	size_t		 n = 1024 * 1024, i;

	require_loaded();
	buf = malloc(n);
	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < n; i++)
		buf[i] = (char)(0x80 + (i * 7) % 0x80);
	buf[100] = '\0';
	classify(cx, buf, n, &v);
	ck_assert_int_ne(v.action, ACTION_ANSWER);
	memset(buf, 0xff, n);
	classify(cx, buf, n, &v);
	ck_assert_int_ne(v.action, ACTION_ANSWER);
	free(buf);
}
END_TEST

START_TEST(entities_are_found_in_the_message)
{
	struct verdict	v;
	size_t		i;
	int		found = 0;

	classify_str("Забыл пароль, мой телефон +7 916 204-55-17", &v);
	ck_assert_str_eq(intent_of(&v), "login.password_reset");
	for (i = 0; i < v.entities.count; i++)
		if (v.entities.items[i].type == ENTITY_PHONE &&
		    strcmp(v.entities.items[i].value, "+79162045517") == 0)
			found = 1;
	ck_assert_msg(found, "no phone among %zu entities", v.entities.count);
}
END_TEST

START_TEST(complaint_registers_a_request)
{
	struct verdict	v;

	classify_str("Хочу подать жалобу на работу ведомства", &v);
	ck_assert_msg(v.action == ACTION_ANSWER, "%s %s (%s)",
	    action_name(v.action), intent_of(&v), v.reason);
	ck_assert_str_eq(intent_of(&v), "feedback.complaint");
	ck_assert_int_eq(v.register_request, 1);
	ck_assert_int_eq(v.priority, PRIORITY_NONE);
}
END_TEST

START_TEST(incident_gets_the_first_matching_priority)
{
	struct verdict	v;

	classify_str("Портал вообще не работает", &v);
	ck_assert_str_eq(intent_of(&v), "incident.report");
	ck_assert_int_eq(v.register_request, 1);
	ck_assert_int_eq(v.priority, PRIORITY_CRITICAL);
	classify_str("сбой при оплате пошлины", &v);
	ck_assert_str_eq(intent_of(&v), "incident.report");
	ck_assert_int_eq(v.priority, PRIORITY_HIGH);
}
END_TEST

START_TEST(incident_without_a_priority_match_gets_the_default)
{
	struct verdict	v;

	classify_str("на сайте сбой", &v);
	ck_assert_str_eq(intent_of(&v), "incident.report");
	ck_assert_int_eq(v.priority, PRIORITY_MEDIUM);
}
END_TEST

/* Loading errors: each writes its own defs directory. */

/* Writes defs_intent with from replaced by to into defs dir rel. */
static void
write_defs_variant(const char *rel, const char *from, const char *to)
{
	char		 file[256], *text;
	const char	*at;
	size_t		 pre;

	at = strstr(defs_intent, from);
	ck_assert_msg(at != NULL, "fixture lacks \"%s\"", from);
	pre = (size_t)(at - defs_intent);
	text = malloc(sizeof(defs_intent) + strlen(to));
	ck_assert_ptr_nonnull(text);
	memcpy(text, defs_intent, pre);
	memcpy(text + pre, to, strlen(to));
	memcpy(text + pre + strlen(to), at + strlen(from),
	    sizeof(defs_intent) - pre - strlen(from));
	make_dir(rel);
	snprintf(file, sizeof file, "%s/main.intent", rel);
	write_file(file, text);
	free(text);
}

/* Asserts that loading fails with an error containing want. */
static void
assert_load_fails(const char *defs, const char *tax, const char *want)
{
	struct classifier	*c;

	c = load_from(defs, tax);
	ck_assert_msg(c == NULL, "loaded despite the error");
	ck_assert_uint_ge(nerrs, 1);
	ck_assert_msg(strstr(errbuf, want) != NULL, "errors lack \"%s\":\n%s",
	    want, errbuf);
}

START_TEST(unknown_article_fails_the_load_with_file_and_line)
{
	write_defs_variant("d1", "article out-of-scope", "article no-such");
	assert_load_fails("d1", "taxonomy.json",
	    "/d1/main.intent:41: unknown article \"no-such\"");
	ck_assert_uint_eq(nerrs, 1);
}
END_TEST

START_TEST(category_without_article_fails_the_load)
{
	write_defs_variant("d1", "article out-of-scope\n", "");
	assert_load_fails("d1", "taxonomy.json",
	    "/d1/main.intent:40: \"out_of_scope\" has no article");
}
END_TEST

START_TEST(intent_not_in_the_taxonomy_fails_the_load)
{
	write_defs_variant("d1", "intent out_of_scope\n",
	    "intent out_of_scope\n\nintent login.nope\n"
	    "article login-password-reset\n\nintent out_of_scope2\n");
	/* The lines of out_of_scope now belong to out_of_scope2. */
	assert_load_fails("d1", "taxonomy.json",
	    "/d1/main.intent:42: unknown category \"login.nope\"");
	ck_assert_msg(strstr(errbuf, "/d1/main.intent:45: unknown category "
	    "\"out_of_scope2\"") != NULL, "%s", errbuf);
	ck_assert_msg(strstr(errbuf, "/d1/main.intent:40: \"out_of_scope\" "
	    "has no article") != NULL, "%s", errbuf);
}
END_TEST

START_TEST(bad_pattern_fails_the_load_with_file_line_and_offset)
{
	write_defs_variant("d1", "rule 4 рецепт*", "rule 4 /(рецепт/");
	assert_load_fails("d1", "taxonomy.json",
	    "/d1/main.intent:43: rule: pattern error at offset 13");
	ck_assert_uint_eq(nerrs, 1);
}
END_TEST

START_TEST(bad_editor_form_fails_the_load_with_what_to_do)
{
	write_defs_variant("d1", "rule 4 рецепт*", "rule 4 (рецепт");
	assert_load_fails("d1", "taxonomy.json",
	    "/d1/main.intent:43: rule: \"(\" is not closed: add \")\"");
	ck_assert_uint_eq(nerrs, 1);
}
END_TEST

START_TEST(unknown_list_fails_the_load_and_names_the_near_one)
{
	write_defs_variant("d1", "жив* @person", "жив* @persons");
	assert_load_fails("d1", "taxonomy.json",
	    "/d1/main.intent:36: rule: unknown list @persons: define it with "
	    "\"list persons word, word, …\" or write @person");
	ck_assert_uint_eq(nerrs, 1);
}
END_TEST

START_TEST(lists_in_a_circle_fail_the_load_once)
{
	/* person → staff → person: told at the line that closes the circle,
	 * not again at every rule that uses them. */
	write_defs_variant("d1", "человек*, специалист*\n",
	    "человек*, @staff\nlist staff сотрудник*, @person\n");
	assert_load_fails("d1", "taxonomy.json",
	    "/d1/main.intent:55: list: lists use each other in a circle "
	    "(person → staff → person)");
	ck_assert_uint_eq(nerrs, 1);
}
END_TEST

START_TEST(nothing_but_small_talk_rules_out_every_other_category)
{
	struct classify_trace	t;
	struct verdict		v;

	classify_str("Здравствуйте!", &v);
	ck_assert_str_eq(intent_of(&v), "smalltalk.greeting");
	ck_assert_int_eq(v.action, ACTION_ANSWER);
	classify_trace(cx, &t);
	ck_assert_int_eq(t.small_talk, 1);
	ck_assert_uint_eq(t.n, 6);
	ck_assert_int_eq(t.vetoed[0], 1);	/* login.password_reset */
	ck_assert_int_eq(t.vetoed[5], 0);	/* the greeting itself */
	classify_str("добрый день, у меня вопрос, подскажите", &v);
	ck_assert_str_eq(intent_of(&v), "smalltalk.greeting");
	/* A greeting in front of a question leaves the question to decide. */
	classify_str("Здравствуйте, забыл пароль от кабинета", &v);
	ck_assert_str_eq(intent_of(&v), "login.password_reset");
	classify_trace(cx, &t);
	ck_assert_int_eq(t.small_talk, 0);
	ck_assert_int_eq(t.vetoed[0], 0);
	ck_assert_str_eq(t.match, "здравствуйте, забыл пароль от кабинета");
}
END_TEST

START_TEST(syntax_error_in_a_category_file_fails_the_load)
{
	write_defs_variant("d1", "register no\n", "register nope\n");
	assert_load_fails("d1", "taxonomy.json",
	    "/d1/main.intent:4: register: yes or no");
}
END_TEST

START_TEST(category_without_definition_fails_the_load)
{
	write_defs_variant("d1", "intent out_of_scope\n", "intent x.y\n");
	assert_load_fails("d1", "taxonomy.json",
	    "category \"out_of_scope\" has no definition");
}
END_TEST

START_TEST(missing_taxonomy_fails_the_load)
{
	assert_load_fails("defs", "no-such.json", "no-such.json");
}
END_TEST

START_TEST(bad_taxonomy_fails_the_load)
{
	write_file("bad.json", "{\"intents\": [{\"id\": \"a\", \"action\": "
	    "\"clarify\"}]}");
	assert_load_fails("defs", "bad.json", "bad.json");
	write_file("bad2.json", "{\"intents\": [");
	assert_load_fails("defs", "bad2.json", "bad2.json:");
}
END_TEST

START_TEST(empty_defs_directory_fails_the_load)
{
	make_dir("empty");
	assert_load_fails("empty", "taxonomy.json", "no *.intent files");
}
END_TEST

START_TEST(missing_defs_directory_fails_the_load)
{
	assert_load_fails("nowhere", "taxonomy.json", "nowhere");
}
END_TEST

START_TEST(priority_patterns_work_without_a_default)
{
	struct classifier	*c;
	struct classify_ctx	*x;
	struct verdict		 v;

	/* docs/categories.md: "priority LEVEL pattern ... first matching
	 * line wins"; the default is only for when none matches. */
	write_defs_variant("d1", "priority default medium\n", "");
	c = load_from("d1", "taxonomy.json");
	ck_assert_msg(c != NULL, "%s", errbuf);
	x = classify_ctx_new(c);
	classify(x, "Портал вообще не работает",
	    strlen("Портал вообще не работает"), &v);
	ck_assert_str_eq(intent_of(&v), "incident.report");
	ck_assert_int_eq(v.priority, PRIORITY_CRITICAL);
	classify(x, "на сайте сбой", strlen("на сайте сбой"), &v);
	ck_assert_int_eq(v.priority, PRIORITY_NONE);
	classify_ctx_free(&x);
	classifier_free(&c);
	ck_assert_ptr_null(c);
}
END_TEST

Suite *
classifier_suite(void)
{
	Suite	*s = suite_create("classifier");
	TCase	*tc;

	tc = tcase_create("classify");
	tcase_add_unchecked_fixture(tc, loaded_setup, loaded_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, fixture_loads_every_pattern_and_document);
	tcase_add_test(tc, password_question_is_answered_with_its_article);
	tcase_add_test(tc, english_password_question_is_answered);
	tcase_add_test(tc, translit_password_question_is_answered);
	tcase_add_test(tc, asking_for_an_operator_hands_off);
	tcase_add_test(tc, asking_for_a_person_wins_over_another_question);
	tcase_add_test(tc, weather_question_is_declined);
	tcase_add_test(tc, unrelated_words_are_declined_not_answered);
	tcase_add_test(tc, empty_message_is_not_answered);
	tcase_add_test(tc, punctuation_only_is_not_answered);
	tcase_add_test(tc,
	    megabyte_of_one_letter_returns_and_is_not_answered);
	tcase_add_test(tc,
	    megabyte_of_invalid_utf8_returns_and_is_not_answered);
	tcase_add_test(tc, entities_are_found_in_the_message);
	tcase_add_test(tc, complaint_registers_a_request);
	tcase_add_test(tc, incident_gets_the_first_matching_priority);
	tcase_add_test(tc, incident_without_a_priority_match_gets_the_default);
	tcase_add_test(tc,
	    nothing_but_small_talk_rules_out_every_other_category);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, world_setup, world_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, unknown_article_fails_the_load_with_file_and_line);
	tcase_add_test(tc, category_without_article_fails_the_load);
	tcase_add_test(tc, intent_not_in_the_taxonomy_fails_the_load);
	tcase_add_test(tc,
	    bad_pattern_fails_the_load_with_file_line_and_offset);
	tcase_add_test(tc, bad_editor_form_fails_the_load_with_what_to_do);
	tcase_add_test(tc, unknown_list_fails_the_load_and_names_the_near_one);
	tcase_add_test(tc, lists_in_a_circle_fail_the_load_once);
	tcase_add_test(tc, syntax_error_in_a_category_file_fails_the_load);
	tcase_add_test(tc, category_without_definition_fails_the_load);
	tcase_add_test(tc, missing_taxonomy_fails_the_load);
	tcase_add_test(tc, bad_taxonomy_fails_the_load);
	tcase_add_test(tc, empty_defs_directory_fails_the_load);
	tcase_add_test(tc, missing_defs_directory_fails_the_load);
	tcase_add_test(tc, priority_patterns_work_without_a_default);
	suite_add_tcase(s, tc);
	return s;
}
