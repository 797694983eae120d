/*
 * The knowledge base on a real SQLite file: importing a directory of
 * articles, re-importing it unchanged, an edit that becomes version 2 with
 * its history, a broken file that changes nothing, a removed file, a
 * duplicate id; and search: Russian and English stemming, ё and е, the
 * language filter, and any text at all as a query without FTS5 syntax
 * errors.
 */
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kb/article.h"
#include "kb/search.h"
#include "kb/store.h"
#include "lib/limits.h"
#include "lib/sqldb.h"

Suite	*store_suite(void);

/* 2026-03-01T12:00:00+03:00 and a day later. */
#define T0	((time_t)1772355600)
#define T1	(T0 + 86400)

#define RU_PASSWORD \
	"---\n" \
	"id: login-password-reset\n" \
	"title: Как восстановить пароль\n" \
	"lang: ru\n" \
	"tags: пароль, восстановление доступа\n" \
	"categories: login.password_reset\n" \
	"sources:\n- seed 2.2\n" \
	"reviewed: 2026-12-07\n" \
	"---\n" \
	"Если вы забыли пароль, нажмите «Восстановить» на странице входа.\n" \
	"\n" \
	"<!-- more -->\n" \
	"\n" \
	"Код подтверждения придёт по СМС.\n" \
	"Новый пароль должен быть не короче восьми символов.\n"

#define RU_PASSWORD_EDITED \
	"---\n" \
	"id: login-password-reset\n" \
	"title: Как восстановить пароль\n" \
	"lang: ru\n" \
	"tags: пароль, восстановление доступа\n" \
	"categories: login.password_reset\n" \
	"sources:\n- seed 2.2\n" \
	"reviewed: 2026-12-07\n" \
	"---\n" \
	"Если вы забыли пароль, нажмите «Восстановить» на странице входа.\n" \
	"\n" \
	"<!-- more -->\n" \
	"\n" \
	"Код подтверждения придёт в приложении.\n" \
	"Проверьте и папку «Спам».\n" \
	"Новый пароль должен быть не короче восьми символов.\n"

#define RU_ACCOUNT \
	"---\n" \
	"id: account-record\n" \
	"title: Подтверждённая учётная запись\n" \
	"lang: ru\n" \
	"tags: учётная запись, подтверждение личности\n" \
	"categories: profile.change_data\n" \
	"sources:\n- seed 2.2\n" \
	"reviewed: 2026-12-07\n" \
	"---\n" \
	"Подтвердить учётную запись можно в центре обслуживания.\n"

#define RU_PHONE \
	"---\n" \
	"id: contacts-phone\n" \
	"title: Телефон горячей линии\n" \
	"lang: ru\n" \
	"tags: телефон, звонок\n" \
	"categories: contacts.phone\n" \
	"sources:\n- seed 2.2\n" \
	"reviewed: 2026-12-07\n" \
	"---\n" \
	"Звоните 8 800 100-70-10. Оператор никогда не спрашивает пароль " \
	"и номер учетной записи.\n"

#define EN_PASSWORD \
	"---\n" \
	"id: login-password-reset\n" \
	"title: How to reset your password\n" \
	"lang: en\n" \
	"tags: password, reset, access\n" \
	"categories: login.password_reset\n" \
	"sources:\n- seed 2.2\n" \
	"reviewed: 2026-12-07\n" \
	"---\n" \
	"If you forgot your password, press Restore on the sign-in page.\n"

static char	 tmpdir[64];
static char	 kbdir[128];
static sqlite3	*db;

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	remove(path);
	return 0;
}

static void
path_of(const char *rel, char *buf, size_t bufsz)
{
	int	n;

	n = snprintf(buf, bufsz, "%s/%s", kbdir, rel);
	ck_assert(n > 0 && (size_t)n < bufsz);
}

static void
write_article(const char *rel, const char *text)
{
	char	 path[256];
	FILE	*fp;

	path_of(rel, path, sizeof path);
	fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

static void
remove_article(const char *rel)
{
	char	path[256];

	path_of(rel, path, sizeof path);
	ck_assert_int_eq(unlink(path), 0);
}

static void
store_setup(void)
{
	char	 path[256], *err = NULL;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/hotline-store-XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	snprintf(kbdir, sizeof kbdir, "%s/kb", tmpdir);
	snprintf(path, sizeof path, "%s/kb/ru", tmpdir);
	if (mkdir(kbdir, 0700) == -1 || mkdir(path, 0700) == -1) {
		perror("mkdir");
		abort();
	}
	snprintf(path, sizeof path, "%s/kb/en", tmpdir);
	if (mkdir(path, 0700) == -1) {
		perror("mkdir");
		abort();
	}
	snprintf(path, sizeof path, "%s/kb.sqlite", tmpdir);
	if (sqldb_open(path, &db, &err) == -1 ||
	    kb_store_open(db, &err) == -1) {
		fprintf(stderr, "store: %s\n", err);
		abort();
	}
	write_article("ru/login-password-reset.md", RU_PASSWORD);
	write_article("ru/account-record.md", RU_ACCOUNT);
	write_article("ru/contacts-phone.md", RU_PHONE);
	write_article("en/login-password-reset.md", EN_PASSWORD);
}

static void
store_teardown(void)
{
	sqldb_close(&db);
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Imports kbdir at now; returns the result, with errs written to *errs_r
 * (the caller frees) and *err_r. */
static int
import(time_t now, struct kb_import_stats *st, char **errs_r, char **err_r)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 len = 0;
	int	 rc;

	*err_r = NULL;
	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	rc = kb_store_import(db, kbdir, now, fp, st, err_r);
	fclose(fp);
	*errs_r = buf;
	return rc;
}

static void
import_ok(time_t now, struct kb_import_stats *st)
{
	char	*errs, *err;

	if (import(now, st, &errs, &err) == -1)
		ck_abort_msg("import: %s\n%s", err, errs);
	ck_assert_str_eq(errs, "");
	free(errs);
}

/* The history of id as printed; the caller frees it. */
static char *
history(const char *id, int *rc_r)
{
	FILE	*fp;
	char	*buf = NULL, *err = NULL;
	size_t	 len = 0;

	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	*rc_r = kb_store_history(db, id, fp, &err);
	fclose(fp);
	ck_assert_msg(*rc_r != -1, "history: %s", err);
	return buf;
}

static size_t
count_lines(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (*s == '\n')
			n++;
	return n;
}

static struct article *
get(const char *id, const char *lang)
{
	struct article	*a = NULL;
	char		*err = NULL;
	int		 rc;

	rc = kb_store_get(db, id, lang, &a, &err);
	ck_assert_msg(rc != -1, "get: %s", err);
	ck_assert_int_eq(rc, a != NULL);
	return a;
}

static int
count(void)
{
	char	*err = NULL;
	int	 n;

	n = kb_store_count(db, &err);
	ck_assert_msg(n >= 0, "count: %s", err);
	return n;
}

static void
assert_stats(const struct kb_import_stats *st, int added, int changed,
    int unchanged, int removed)
{
	ck_assert_int_eq(st->added, added);
	ck_assert_int_eq(st->changed, changed);
	ck_assert_int_eq(st->unchanged, unchanged);
	ck_assert_int_eq(st->removed, removed);
}

START_TEST(import_adds_every_article_in_both_languages)
{
	struct kb_import_stats	 st;
	struct article		*a;

	import_ok(T0, &st);
	assert_stats(&st, 4, 0, 0, 0);
	ck_assert_int_eq(count(), 4);
	a = get("login-password-reset", "ru");
	ck_assert_str_eq(a->title, "Как восстановить пароль");
	ck_assert_str_eq(a->summary, "Если вы забыли пароль, нажмите "
	    "«Восстановить» на странице входа.");
	ck_assert_ptr_nonnull(strstr(a->body, "восьми символов"));
	ck_assert_str_eq(a->categories, "login.password_reset");
	article_free(&a);
	a = get("login-password-reset", "en");
	ck_assert_str_eq(a->title, "How to reset your password");
	article_free(&a);
	ck_assert_ptr_null(get("login-password-reset", "de"));
	ck_assert_ptr_null(get("no-such-article", "ru"));
}
END_TEST

START_TEST(reimport_of_unchanged_files_changes_nothing)
{
	struct kb_import_stats	 st;
	char			*h;
	int			 rc;

	import_ok(T0, &st);
	import_ok(T1, &st);
	assert_stats(&st, 0, 0, 4, 0);
	ck_assert_int_eq(count(), 4);
	h = history("login-password-reset", &rc);
	ck_assert_int_eq(rc, 1);
	/* One version per language, both "created". */
	ck_assert_uint_eq(count_lines(h), 2);
	ck_assert_ptr_nonnull(strstr(h, "login-password-reset ru v1 "));
	ck_assert_ptr_nonnull(strstr(h, "login-password-reset en v1 "));
	ck_assert_ptr_null(strstr(h, " v2 "));
	free(h);
}
END_TEST

START_TEST(edited_text_becomes_version_2_with_a_line_count)
{
	struct kb_import_stats	 st;
	struct article		*a;
	char			*h, *v1, *v2;
	int			 rc;

	import_ok(T0, &st);
	write_article("ru/login-password-reset.md", RU_PASSWORD_EDITED);
	import_ok(T1, &st);
	assert_stats(&st, 0, 1, 3, 0);
	a = get("login-password-reset", "ru");
	ck_assert_ptr_nonnull(strstr(a->body, "в приложении"));
	ck_assert_ptr_null(strstr(a->body, "по СМС"));
	article_free(&a);

	h = history("login-password-reset", &rc);
	ck_assert_int_eq(rc, 1);
	ck_assert_uint_eq(count_lines(h), 3);
	v2 = strstr(h, "login-password-reset ru v2  2026-03-02 09:00:00Z  "
	    "text +2/-1 lines ");
	v1 = strstr(h, "login-password-reset ru v1  2026-03-01 09:00:00Z  "
	    "created ");
	ck_assert_msg(v2 != NULL && v1 != NULL, "history:\n%s", h);
	/* Newest first. */
	ck_assert(v2 < v1);
	free(h);
}
END_TEST

START_TEST(title_change_is_named_in_the_history)
{
	struct kb_import_stats	 st;
	char			*h;
	int			 rc;

	import_ok(T0, &st);
	write_article("en/login-password-reset.md",
	    "---\nid: login-password-reset\ntitle: Resetting a password\n"
	    "lang: en\ntags: password, reset, access\n"
	    "categories: login.password_reset\nsources:\n- seed 2.2\nreviewed: 2026-12-07\n---\n"
	    "If you forgot your password, press Restore on the sign-in "
	    "page.\n");
	import_ok(T1, &st);
	assert_stats(&st, 0, 1, 3, 0);
	h = history("login-password-reset", &rc);
	ck_assert_msg(strstr(h, "login-password-reset en v2  "
	    "2026-03-02 09:00:00Z  title  ") != NULL, "history:\n%s", h);
	free(h);
}
END_TEST

START_TEST(broken_file_fails_the_import_and_changes_nothing)
{
	struct kb_import_stats	 st;
	struct article		*a;
	char			*errs, *err, *h;
	int			 rc;

	import_ok(T0, &st);
	/* An edit that would be fine, and a broken file beside it. */
	write_article("ru/login-password-reset.md", RU_PASSWORD_EDITED);
	write_article("ru/broken.md", "no front matter here\n");
	ck_assert_int_eq(import(T1, &st, &errs, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, "nothing imported") != NULL, "err: %s",
	    err);
	ck_assert_msg(strstr(errs, "/ru/broken.md:1: ") != NULL, "errs: %s",
	    errs);
	ck_assert_uint_eq(count_lines(errs), 1);
	free(errs);
	free(err);

	ck_assert_int_eq(count(), 4);
	a = get("login-password-reset", "ru");
	ck_assert_ptr_nonnull(strstr(a->body, "по СМС"));
	ck_assert_ptr_null(strstr(a->body, "в приложении"));
	article_free(&a);
	h = history("login-password-reset", &rc);
	ck_assert_uint_eq(count_lines(h), 2);
	free(h);
}
END_TEST

START_TEST(every_broken_file_is_reported)
{
	struct kb_import_stats	 st;
	char			*errs, *err;

	write_article("ru/bad1.md", "---\nid: bad1\nlang: de\n---\nx\n");
	write_article("en/bad2.md", "---\nid: bad2\n");
	ck_assert_int_eq(import(T0, &st, &errs, &err), -1);
	ck_assert_msg(strstr(errs, "/ru/bad1.md:3: lang") != NULL, "%s", errs);
	ck_assert_msg(strstr(errs, "/en/bad2.md:2: ") != NULL, "%s", errs);
	ck_assert_ptr_nonnull(strstr(err, "2 article file(s)"));
	ck_assert_int_eq(count(), 0);
	free(errs);
	free(err);
}
END_TEST

START_TEST(removed_file_removes_the_article_and_keeps_its_history)
{
	struct kb_import_stats	 st;
	char			*h;
	int			 rc;

	import_ok(T0, &st);
	remove_article("en/login-password-reset.md");
	import_ok(T1, &st);
	assert_stats(&st, 0, 0, 3, 1);
	ck_assert_int_eq(count(), 3);
	ck_assert_ptr_null(get("login-password-reset", "en"));
	h = history("login-password-reset", &rc);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(h, "login-password-reset en v2  "
	    "2026-03-02 09:00:00Z  removed ") != NULL, "history:\n%s", h);
	free(h);
}
END_TEST

START_TEST(removed_article_is_no_longer_found)
{
	struct kb_import_stats	 st;
	struct kb_hit		*hits;
	size_t			 n;
	char			*err = NULL;

	import_ok(T0, &st);
	remove_article("en/login-password-reset.md");
	import_ok(T1, &st);
	ck_assert_int_eq(kb_search(db, "password", 8, NULL, 10, &hits, &n,
	    &err), 0);
	ck_assert_uint_eq(n, 0);
	kb_hits_free(hits, n);
}
END_TEST

START_TEST(restored_article_comes_back)
{
	struct kb_import_stats	 st;
	struct article		*a;
	char			*errs, *err, *h;
	int			 rc;

	import_ok(T0, &st);
	remove_article("en/login-password-reset.md");
	import_ok(T1, &st);
	write_article("en/login-password-reset.md", EN_PASSWORD);
	rc = import(T1 + 60, &st, &errs, &err);
	ck_assert_msg(rc == 0, "re-import of a restored file: %s", err);
	free(errs);
	assert_stats(&st, 1, 0, 3, 0);
	a = get("login-password-reset", "en");
	article_free(&a);
	h = history("login-password-reset", &rc);
	/* ru created; en created, removed, and back again. */
	ck_assert_uint_eq(count_lines(h), 4);
	ck_assert_msg(strstr(h, "login-password-reset en v3  ") != NULL &&
	    strstr(h, "en v2  2026-03-02 09:00:00Z  removed ") != NULL,
	    "history:\n%s", h);
	free(h);
}
END_TEST

START_TEST(old_versions_are_pruned_to_the_limit)
{
	struct kb_import_stats	 st;
	char			*h, text[1024];
	int			 i, rc, n;

	/* lib/limits.h: "Versions kept per article; older ones are pruned
	 * on import." */
	for (i = 0; i < LIMIT_ARTICLE_VERSIONS + 5; i++) {
		n = snprintf(text, sizeof text, "%sEdit number %d.\n",
		    EN_PASSWORD, i);
		ck_assert(n > 0 && (size_t)n < sizeof text);
		write_article("en/login-password-reset.md", text);
		import_ok(T0 + i, &st);
	}
	h = history("login-password-reset", &rc);
	/* One ru version, and the en ones up to the limit. */
	ck_assert_msg(count_lines(h) <= 1 + LIMIT_ARTICLE_VERSIONS,
	    "%zu versions kept", count_lines(h));
	ck_assert_ptr_nonnull(strstr(h, "login-password-reset en v105  "));
	free(h);
}
END_TEST

START_TEST(duplicate_id_and_language_is_an_error)
{
	struct kb_import_stats	 st;
	char			*errs, *err;

	write_article("ru/copy.md", RU_ACCOUNT);
	ck_assert_int_eq(import(T0, &st, &errs, &err), -1);
	ck_assert_msg(strstr(errs, "duplicate article \"account-record\" (ru)")
	    != NULL, "errs: %s", errs);
	ck_assert_int_eq(count(), 0);
	free(errs);
	free(err);
}
END_TEST

START_TEST(unknown_history_is_zero)
{
	char	*h;
	int	 rc;

	h = history("no-such-article", &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(h, "");
	free(h);
}
END_TEST

/* Searches for q; returns the hits (the caller frees them). */
static struct kb_hit *
search(const char *q, const char *lang, size_t *n_r)
{
	struct kb_hit	*hits = NULL;
	char		*err = NULL;

	if (kb_search(db, q, strlen(q), lang, 10, &hits, n_r, &err) == -1)
		ck_abort_msg("search \"%s\": %s", q, err);
	return hits;
}

static int
has_hit(const struct kb_hit *hits, size_t n, const char *id,
    const char *lang)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(hits[i].id, id) == 0 &&
		    strcmp(hits[i].lang, lang) == 0)
			return 1;
	return 0;
}

static void
imported(void)
{
	struct kb_import_stats	st;

	import_ok(T0, &st);
}

START_TEST(russian_query_finds_another_word_form)
{
	struct kb_hit	*hits;
	size_t		 n, i;

	imported();
	hits = search("паролей", "ru", &n);
	ck_assert_uint_ge(n, 2);
	ck_assert_str_eq(hits[0].id, "login-password-reset");
	ck_assert_str_eq(hits[0].lang, "ru");
	ck_assert_ptr_nonnull(strchr(hits[0].snippet, '['));
	for (i = 1; i < n; i++)
		ck_assert(hits[i].score <= hits[i - 1].score);
	kb_hits_free(hits, n);

	hits = search("Восстановлением паролем", "ru", &n);
	ck_assert_uint_ge(n, 1);
	ck_assert_str_eq(hits[0].id, "login-password-reset");
	kb_hits_free(hits, n);
}
END_TEST

START_TEST(yo_and_ye_find_each_other)
{
	struct kb_hit	*hits;
	size_t		 n;

	imported();
	/* The article writes "учётная", the query "учетная". */
	hits = search("учетная запись", "ru", &n);
	ck_assert_uint_ge(n, 1);
	ck_assert_str_eq(hits[0].id, "account-record");
	kb_hits_free(hits, n);
	/* The article writes "учетной", the query "учётной". */
	hits = search("учётной", "ru", &n);
	ck_assert(has_hit(hits, n, "contacts-phone", "ru"));
	ck_assert(has_hit(hits, n, "account-record", "ru"));
	kb_hits_free(hits, n);
}
END_TEST

START_TEST(english_query_is_stemmed)
{
	struct kb_hit	*hits;
	size_t		 n;

	imported();
	hits = search("Resetting passwords", "en", &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(hits[0].id, "login-password-reset");
	ck_assert_str_eq(hits[0].lang, "en");
	kb_hits_free(hits, n);
}
END_TEST

START_TEST(language_filter_keeps_one_language)
{
	struct kb_hit	*hits;
	size_t		 n;

	imported();
	hits = search("password", "ru", &n);
	ck_assert_uint_eq(n, 0);
	kb_hits_free(hits, n);
	hits = search("пароль password", "en", &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(hits[0].lang, "en");
	kb_hits_free(hits, n);
	hits = search("пароль password", NULL, &n);
	ck_assert(has_hit(hits, n, "login-password-reset", "ru"));
	ck_assert(has_hit(hits, n, "login-password-reset", "en"));
	kb_hits_free(hits, n);
}
END_TEST

START_TEST(limit_caps_the_hits)
{
	struct kb_hit	*hits = NULL;
	size_t		 n;
	char		*err = NULL;

	imported();
	ck_assert_int_eq(kb_search(db, "пароль учетная телефон", strlen(
	    "пароль учетная телефон"), NULL, 1, &hits, &n, &err), 0);
	ck_assert_uint_eq(n, 1);
	kb_hits_free(hits, n);
}
END_TEST

START_TEST(fts5_syntax_in_a_query_never_errors)
{
	static const char	*const queries[] = {
		"foo\"bar", "NEAR(", "NEAR(пароль забыл, 2)", "*", "пароль*",
		"AND OR NOT", "AND", "\"", "\"\"\"", "(", ")", "-", "-пароль",
		"^пароль", "title:пароль", "{title body}: пароль", "+", ":",
		"пароль AND", "OR пароль", "a NOT b", "\\", "'", "'пароль'",
		"пароль\" OR \"", "col:*", "\x01\x02", "\xff\xfe",
	};
	struct kb_hit		*hits;
	size_t			 i, n;
	char			*err;

	imported();
	for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		err = NULL;
		hits = NULL;
		ck_assert_msg(kb_search(db, queries[i], strlen(queries[i]),
		    NULL, 10, &hits, &n, &err) == 0, "query \"%s\": %s",
		    queries[i], err);
		kb_hits_free(hits, n);
	}
	/* Quoted pieces still find: "пароль*" is the word пароль. */
	hits = search("пароль*", "ru", &n);
	ck_assert_uint_ge(n, 1);
	kb_hits_free(hits, n);
}
END_TEST

START_TEST(query_without_words_finds_nothing)
{
	struct kb_hit	*hits;
	size_t		 n = 99;

	imported();
	hits = search("", NULL, &n);
	ck_assert_uint_eq(n, 0);
	kb_hits_free(hits, n);
	hits = search("!!! ??? ...", NULL, &n);
	ck_assert_uint_eq(n, 0);
	kb_hits_free(hits, n);
}
END_TEST

START_TEST(expr_quotes_each_word_as_a_phrase)
{
	char	*e;

	e = kb_search_expr("Забыл пароль", strlen("Забыл пароль"));
	ck_assert_str_eq(e, "\"Забыл\" OR \"пароль\"");
	free(e);
	e = kb_search_expr("foo\"bar", 7);
	ck_assert_str_eq(e, "\"foo\" OR \"bar\"");
	free(e);
	e = kb_search_expr("NEAR(a b)", 9);
	ck_assert_str_eq(e, "\"NEAR\" OR \"a\" OR \"b\"");
	free(e);
	e = kb_search_expr("don't", 5);
	ck_assert_str_eq(e, "\"don't\"");
	free(e);
	e = kb_search_expr("\"", 1);
	ck_assert_str_eq(e, "");
	free(e);
	e = kb_search_expr("", 0);
	ck_assert_str_eq(e, "");
	free(e);
}
END_TEST

START_TEST(expr_never_holds_an_unbalanced_quote)
{
	static const char	 in[] = "a\"b\"\"c \"d\" e\"\"\"";
	char			*e;
	size_t			 i, q = 0;

	e = kb_search_expr(in, sizeof(in) - 1);
	for (i = 0; e[i] != '\0'; i++)
		if (e[i] == '"')
			q++;
	ck_assert_uint_eq(q % 2, 0);
	ck_assert_str_eq(e, "\"a\" OR \"b\" OR \"c\" OR \"d\" OR \"e\"");
	free(e);
}
END_TEST

START_TEST(expr_keeps_at_most_the_term_limit)
{
	char	 in[LIMIT_QUERY_TERMS * 8 + 100], *e;
	size_t	 i, o = 0, q = 0;
	int	 n;

	for (i = 0; i < LIMIT_QUERY_TERMS + 20; i++) {
		n = snprintf(in + o, sizeof(in) - o, "w%zu ", i);
		ck_assert(n > 0 && (size_t)n < sizeof(in) - o);
		o += (size_t)n;
	}
	e = kb_search_expr(in, o);
	for (i = 0; e[i] != '\0'; i++)
		if (e[i] == '"')
			q++;
	ck_assert_uint_eq(q, 2 * LIMIT_QUERY_TERMS);
	ck_assert_ptr_nonnull(strstr(e, "\"w63\""));
	ck_assert_ptr_null(strstr(e, "\"w64\""));
	free(e);
}
END_TEST

START_TEST(expr_skips_words_longer_than_a_token)
{
	char	in[LIMIT_TOKEN_BYTES + 16], *e;

	memset(in, 'x', LIMIT_TOKEN_BYTES + 1);
	memcpy(in + LIMIT_TOKEN_BYTES + 1, " ok", 3);
	e = kb_search_expr(in, LIMIT_TOKEN_BYTES + 4);
	ck_assert_str_eq(e, "\"ok\"");
	free(e);
}
END_TEST

Suite *
store_suite(void)
{
	Suite	*s = suite_create("store");
	TCase	*tc;

	tc = tcase_create("import");
	tcase_add_checked_fixture(tc, store_setup, store_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, import_adds_every_article_in_both_languages);
	tcase_add_test(tc, reimport_of_unchanged_files_changes_nothing);
	tcase_add_test(tc, edited_text_becomes_version_2_with_a_line_count);
	tcase_add_test(tc, title_change_is_named_in_the_history);
	tcase_add_test(tc, broken_file_fails_the_import_and_changes_nothing);
	tcase_add_test(tc, every_broken_file_is_reported);
	tcase_add_test(tc,
	    removed_file_removes_the_article_and_keeps_its_history);
	tcase_add_test(tc, removed_article_is_no_longer_found);
	tcase_add_test(tc, restored_article_comes_back);
	tcase_add_test(tc, old_versions_are_pruned_to_the_limit);
	tcase_add_test(tc, duplicate_id_and_language_is_an_error);
	tcase_add_test(tc, unknown_history_is_zero);
	suite_add_tcase(s, tc);

	tc = tcase_create("search");
	tcase_add_checked_fixture(tc, store_setup, store_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, russian_query_finds_another_word_form);
	tcase_add_test(tc, yo_and_ye_find_each_other);
	tcase_add_test(tc, english_query_is_stemmed);
	tcase_add_test(tc, language_filter_keeps_one_language);
	tcase_add_test(tc, limit_caps_the_hits);
	tcase_add_test(tc, fts5_syntax_in_a_query_never_errors);
	tcase_add_test(tc, query_without_words_finds_nothing);
	suite_add_tcase(s, tc);

	tc = tcase_create("expr");
	tcase_add_test(tc, expr_quotes_each_word_as_a_phrase);
	tcase_add_test(tc, expr_never_holds_an_unbalanced_quote);
	tcase_add_test(tc, expr_keeps_at_most_the_term_limit);
	tcase_add_test(tc, expr_skips_words_longer_than_a_token);
	suite_add_tcase(s, tc);
	return s;
}
