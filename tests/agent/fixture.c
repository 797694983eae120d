/*
 * The agent suites' shared fixture (see fixture.h).
 */
#include "tests/agent/fixture.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

#include "agent/core/conv.h"
#include "agent/core/queue.h"
#include "agent/core/state.h"
#include "agent/core/stmt.h"
#include "kb/store.h"
#include "lib/sqldb.h"

static void
die(const char *what, const char *err)
{
	fprintf(stderr, "fixture: %s: %s\n", what, err != NULL ? err : "?");
	abort();
}

void
fixture_open(struct fixture *f, const char *what, int articles)
{
	struct kb_import_stats	 st;
	char			*err = NULL;

	snprintf(f->dir, sizeof(f->dir), "/tmp/hotline-%s-XXXXXX", what);
	if (mkdtemp(f->dir) == NULL)
		die(f->dir, "mkdtemp failed");
	snprintf(f->dbpath, sizeof(f->dbpath), "%s/state.db", f->dir);
	snprintf(f->files, sizeof(f->files), "%s/attachments", f->dir);
	if (state_open(f->dbpath, &f->db, &err) == -1)
		die(f->dbpath, err);
	if (articles && kb_store_import(f->db, HOTLINE_SRCDIR "/kb/articles",
	    1000, NULL, &st, &err) == -1)
		die("articles", err);
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
fixture_rmtree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void
fixture_close(struct fixture *f)
{
	if (f->db != NULL)
		stmt_forget(f->db);
	sqldb_close(&f->db);
	fixture_rmtree(f->dir);
}

static void
print_err(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "%s\n", msg);
}

struct classifier *
fixture_classifier(sqlite3 *db)
{
	struct classifier_config	 cfg;
	struct classifier_paths		 p;
	struct classifier		*cl;

	classifier_config_defaults(&cfg);
	p.taxonomy = HOTLINE_SRCDIR "/intents/taxonomy.json";
	p.defs = HOTLINE_SRCDIR "/intents/defs";
	p.model_cache = NULL;
	if ((cl = classifier_load(&p, db, &cfg, print_err, NULL)) == NULL)
		die("categories", "did not load (see above)");
	return cl;
}

int64_t
fixture_conv(sqlite3 *db, const char *channel, const char *lang,
    time_t now, char token[TOKEN_MAX])
{
	char	 buf[TOKEN_MAX], *err = NULL;
	int64_t	 id;

	if (conv_create(db, channel, lang, now, token != NULL ? token : buf,
	    &id, &err) == -1)
		die("conversation", err);
	return id;
}

int64_t
fixture_handed(sqlite3 *db, const char *text, time_t now)
{
	char	*err = NULL;
	int64_t	 id;

	id = fixture_conv(db, "chat", "ru", now, NULL);
	if (state_begin(db, &err) == -1 ||
	    conv_add(db, id, "citizen", text, NULL, NULL, NULL, NULL, 0, now,
	    &err) == -1 ||
	    queue_enqueue(db, id, "asked for a person", 1, NULL, now,
	    &err) == -1 ||
	    conv_set_state(db, id, CONV_QUEUED, now, &err) == -1 ||
	    state_commit(db, &err) == -1)
		die("a handed-off conversation", err);
	return id;
}

int64_t
fixture_int(sqlite3 *db, const char *sql, int64_t arg)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	/* A test's own SQL that does not prepare is the test's bug. */
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "fixture_int: %s: %s\n", sql,
		    sqlite3_errmsg(db));
		abort();
	}
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, arg);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}
