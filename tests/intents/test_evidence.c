/*
 * The evidence index is cut and stemmed as the knowledge base's FTS5
 * tokenizer cuts documents, without building an FTS5 index: over every
 * example of the shipped category files and awkward texts, its terms,
 * documents and counts must be exactly what FTS5's own index of the same
 * documents holds (read through fts5vocab, as the index was once built).
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intents/deffile.h"
#include "intents/evidence.h"
#include "intents/normalize.h"
#include "kb/fts_tok.h"
#include "lib/files.h"
#include "lib/sqldb.h"
#include "tests/suites.h"

struct walk {
	sqlite3_stmt	*st;
	size_t		 n;
};

/* Each posting of the index against the next row FTS5 gives. */
static void
against_fts5(void *arg, const char *term, size_t doc, unsigned tf)
{
	struct walk	*w = arg;

	ck_assert_int_eq(sqlite3_step(w->st), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(w->st, 0), term);
	ck_assert_uint_eq((size_t)sqlite3_column_int64(w->st, 1) - 1, doc);
	ck_assert_uint_eq((unsigned)sqlite3_column_int(w->st, 2), tf);
	w->n++;
}

START_TEST(index_holds_what_fts5_holds)
{
	static const char *const awkward[] = {
		"кто-то что-то don't пароль ПАРОЛЬ пароля паролем",
		"ёлка Ёжик ещё 2026-000123 № 12 %% 😀 emoji-word",
		"the passwords were forgotten, forgetting forgets",
		"", "   ", "ааа ааа ааа ааа", "x y z 1 2 3",
		"zabyl parol | забыл пароль",
	};
	const char	*top = getenv("top_srcdir");
	char		*dir, **paths, *buf, *err;
	const char	*why;
	size_t		 n, len, i, j, ndocs = 0;
	struct def_set	 set = { 0 };
	struct evidence	*ev;
	sqlite3		*db = NULL;
	sqlite3_stmt	*ins;
	struct walk	 w = { NULL, 0 };

	if (asprintf(&dir, "%s/intents/defs", top ? top : ".") < 0)
		ck_abort();
	ck_assert_int_eq(files_list(dir, ".intent", &paths, &n, &err), 0);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(files_read(paths[i], 1 << 20, &buf, &len,
		    &err), 0);
		deffile_parse(paths[i], buf, len, &set, NULL, NULL);
		free(buf);
	}
	files_list_free(paths, n);
	ev = evidence_new(4);
	ck_assert_int_eq(sqldb_open(":memory:", &db, &err), 0);
	ck_assert_int_eq(fts_tok_register(db, &why), 0);
	ck_assert_int_eq(sqldb_exec(db, "CREATE VIRTUAL TABLE ev USING "
	    "fts5(body, tokenize='" FTS_TOK_NAME "'); CREATE VIRTUAL TABLE "
	    "ev_v USING fts5vocab(ev, 'instance')", &err), 0);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO ev (rowid, body)"
	    " VALUES (?1, ?2)", -1, &ins, NULL), SQLITE_OK);
#define ADD(text) do {							\
	evidence_add(ev, ndocs % 4, ndocs % 2 ? EVIDENCE_ARTICLE :	\
	    EVIDENCE_EXAMPLE, (text));					\
	sqlite3_reset(ins);						\
	sqlite3_bind_int64(ins, 1, (sqlite3_int64)++ndocs);		\
	sqlite3_bind_text(ins, 2, (text), -1, SQLITE_TRANSIENT);	\
	ck_assert_int_eq(sqlite3_step(ins), SQLITE_DONE);		\
} while (0)
	for (i = 0; i < sizeof(awkward) / sizeof(awkward[0]); i++)
		ADD(awkward[i]);
	for (i = 0; i < set.n; i++)
		for (j = 0; j < set.intents[i].nexamples; j++) {
			struct normalized	nm;

			ADD(set.intents[i].examples[j]);
			normalize_message(set.intents[i].examples[j],
			    strlen(set.intents[i].examples[j]), &nm);
			ADD(nm.match);
			normalize_release(&nm);
		}
#undef ADD
	sqlite3_finalize(ins);
	ck_assert_uint_gt(ndocs, 1000);
	ck_assert_int_eq(evidence_build(ev, &err), 0);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT term, doc, count(*) "
	    "FROM ev_v GROUP BY term, doc ORDER BY term, doc", -1, &w.st,
	    NULL), SQLITE_OK);
	evidence_each_posting(ev, against_fts5, &w);
	ck_assert_int_eq(sqlite3_step(w.st), SQLITE_DONE);
	ck_assert_uint_gt(w.n, 5000);
	sqlite3_finalize(w.st);
	sqldb_close(&db);
	evidence_free(&ev);
	deffile_set_clear(&set);
	free(dir);
}
END_TEST

Suite *
evidence_suite(void)
{
	Suite	*s = suite_create("evidence");
	TCase	*tc = tcase_create("index");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, index_holds_what_fts5_holds);
	suite_add_tcase(s, tc);
	return s;
}
