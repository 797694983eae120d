/*
 * Articles, their versions and their full-text index.  An import reads all
 * files first and only then writes, in one transaction, so a broken file
 * leaves the knowledge base as it was.  A version row is written for every
 * text that was ever current, with the time and a one-line account of what
 * changed, so an editor can see who-said-what-when with `kb history`.
 */
#include "kb/store.h"

#include <stdlib.h>
#include <string.h>

#include "kb/article.h"
#include "kb/check.h"
#include "kb/fts_tok.h"
#include "lib/files.h"
#include "lib/limits.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

static const char *const kb_schema[] = {
	"CREATE TABLE kb_article ("
	"  id TEXT NOT NULL, lang TEXT NOT NULL, title TEXT NOT NULL,"
	"  tags TEXT NOT NULL, categories TEXT NOT NULL,"
	"  summary TEXT NOT NULL, body TEXT NOT NULL, path TEXT NOT NULL,"
	"  version INTEGER NOT NULL, updated INTEGER NOT NULL,"
	"  PRIMARY KEY (id, lang));"
	"CREATE TABLE kb_version ("
	"  id TEXT NOT NULL, lang TEXT NOT NULL, version INTEGER NOT NULL,"
	"  title TEXT NOT NULL, tags TEXT NOT NULL, categories TEXT NOT NULL,"
	"  body TEXT NOT NULL, at INTEGER NOT NULL, change TEXT NOT NULL,"
	"  PRIMARY KEY (id, lang, version));"
	"CREATE VIRTUAL TABLE kb_fts USING fts5(id UNINDEXED, lang UNINDEXED,"
	"  title, tags, body, tokenize='" FTS_TOK_NAME "');",
	/* 2: service articles (docs/articles.md). */
	"ALTER TABLE kb_article ADD COLUMN topics TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE kb_article ADD COLUMN questions TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE kb_article ADD COLUMN sources TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE kb_article ADD COLUMN reviewed TEXT NOT NULL DEFAULT '';",
};

int
kb_store_open(sqlite3 *db, char **errstr_r)
{
	const char	*why;

	if (fts_tok_register(db, &why) == -1) {
		*errstr_r = xstrdup(why);
		return -1;
	}
	return sqldb_migrate(db, "kb", kb_schema,
	    (int)(sizeof(kb_schema) / sizeof(kb_schema[0])), errstr_r);
}

struct loaded {
	struct article	*a;
	char		*path;
};

static void
loaded_free(struct loaded *l, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		article_free(&l[i].a);
		free(l[i].path);
	}
	free(l);
}

/* Runs kb_check over what load_all read. */
static size_t
check_loaded(const struct loaded *l, size_t n, const struct kb_check_ids *ids,
    FILE *errs)
{
	struct article	**a;
	char		**paths;
	size_t		  i, nerr;

	a = xcalloc(n + 1, sizeof(*a));
	paths = xcalloc(n + 1, sizeof(*paths));
	for (i = 0; i < n; i++) {
		a[i] = l[i].a;
		paths[i] = l[i].path;
	}
	nerr = kb_check(a, paths, n, ids, errs);
	free(a);
	free(paths);
	return nerr;
}

/* Reads, parses and checks every file; reports every error, not just the
 * first. */
static int
load_all(const char *dir, const struct kb_check_ids *ids, FILE *errs,
    struct loaded **l_r, size_t *n_r, char **errstr_r)
{
	char		**paths = NULL, *buf, *err;
	size_t		  npaths, i, j, len, n = 0;
	struct loaded	 *l;
	int		  nerr = 0;

	if (files_list(dir, ".md", &paths, &npaths, errstr_r) == -1)
		return -1;
	l = xcalloc(npaths + 1, sizeof(*l));
	for (i = 0; i < npaths; i++) {
		if (files_read(paths[i], LIMIT_EDITOR_FILE_BYTES, &buf, &len,
		    &err) == -1) {
			fprintf(errs, "%s\n", err);
			free(err);
			nerr++;
			continue;
		}
		if (article_parse(paths[i], buf, len, &l[n].a, &err) == -1) {
			fprintf(errs, "%s\n", err);
			free(err);
			free(buf);
			nerr++;
			continue;
		}
		free(buf);
		for (j = 0; j < n; j++) {
			if (strcmp(l[j].a->id, l[n].a->id) == 0 &&
			    strcmp(l[j].a->lang, l[n].a->lang) == 0)
				break;
		}
		if (j < n) {
			fprintf(errs, "%s:1: duplicate article \"%s\" (%s), "
			    "first in %s\n", paths[i], l[n].a->id,
			    l[n].a->lang, l[j].path);
			article_free(&l[n].a);
			nerr++;
			continue;
		}
		l[n].path = xstrdup(paths[i]);
		n++;
	}
	files_list_free(paths, npaths);
	nerr += (int)check_loaded(l, n, ids, errs);
	if (nerr > 0) {
		*errstr_r = xasprintf("%d article file(s) with errors; "
		    "nothing imported", nerr);
		loaded_free(l, n);
		return -1;
	}
	*l_r = l;
	*n_r = n;
	return 0;
}

/* Lines of a that do not occur in b (by count; order ignored). */
static size_t
lines_missing(const char *a, const char *b)
{
	const char	*p = a, *e, *q, *qe;
	size_t		 missing = 0, len;

	while (*p != '\0') {
		e = strchr(p, '\n');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		for (q = b; *q != '\0'; q = qe + (*qe != '\0')) {
			qe = strchr(q, '\n');
			if (qe == NULL)
				qe = q + strlen(q);
			if ((size_t)(qe - q) == len && memcmp(p, q, len) == 0)
				break;
		}
		if (*q == '\0' && len > 0)
			missing++;
		p = e != NULL ? e + 1 : p + len;
	}
	return missing;
}

/* One line saying what changed from the old row to a, e.g. "title; text
 * +3/-1 lines". */
static char *
describe_change(sqlite3_stmt *old, const struct article *a)
{
	const char	*otitle, *otags, *ocats, *obody;
	char		*s, *t;
	size_t		 added, removed;
	int		 i;

	otitle = (const char *)sqlite3_column_text(old, 0);
	otags = (const char *)sqlite3_column_text(old, 1);
	ocats = (const char *)sqlite3_column_text(old, 2);
	obody = (const char *)sqlite3_column_text(old, 3);
	s = xstrdup("");
	for (i = 0; i < 4; i++) {
		const char	*was, *now, *what;

		was = (const char *)sqlite3_column_text(old, 5 + i);
		now = i == 0 ? a->topics : i == 1 ? a->questions :
		    i == 2 ? a->sources : a->reviewed;
		what = i == 0 ? "topics" : i == 1 ? "questions" :
		    i == 2 ? "sources" : "reviewed";
		if (strcmp(was != NULL ? was : "", now) != 0) {
			t = xasprintf("%s%s; ", s, what);
			free(s);
			s = t;
		}
	}
	if (strcmp(otitle, a->title) != 0) {
		t = xasprintf("%stitle; ", s);
		free(s);
		s = t;
	}
	if (strcmp(otags, a->tags) != 0) {
		t = xasprintf("%stags; ", s);
		free(s);
		s = t;
	}
	if (strcmp(ocats, a->categories) != 0) {
		t = xasprintf("%scategories; ", s);
		free(s);
		s = t;
	}
	if (strcmp(obody, a->body) != 0) {
		added = lines_missing(a->body, obody);
		removed = lines_missing(obody, a->body);
		t = xasprintf("%stext +%zu/-%zu lines; ", s, added, removed);
		free(s);
		s = t;
	}
	if (*s != '\0')
		s[strlen(s) - 2] = '\0';
	return s;
}

enum {
	ST_OLD, ST_LAST, ST_UPSERT, ST_VERSION, ST_FTS_DEL, ST_FTS_ADD, ST_LIVE,
	ST_REMOVE, ST_PRUNE, ST_COUNT
};

static const char *const statements[ST_COUNT] = {
	"SELECT title, tags, categories, body, version, topics, questions,"
	" sources, reviewed FROM kb_article WHERE id = ?1 AND lang = ?2",
	"SELECT coalesce(max(version), 0) FROM kb_version "
	"WHERE id = ?1 AND lang = ?2",
	"INSERT INTO kb_article (id, lang, title, tags, categories, summary,"
	" body, path, version, updated, topics, questions, sources, reviewed)"
	" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)"
	" ON CONFLICT (id, lang) DO UPDATE SET title=?3, tags=?4,"
	" categories=?5, summary=?6, body=?7, path=?8, version=?9, updated=?10,"
	" topics=?11, questions=?12, sources=?13, reviewed=?14",
	"INSERT INTO kb_version (id, lang, version, title, tags, categories,"
	" body, at, change) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
	"DELETE FROM kb_fts WHERE id = ?1 AND lang = ?2",
	"INSERT INTO kb_fts (id, lang, title, tags, body) "
	"VALUES (?1,?2,?3,?4,?5)",
	"SELECT id, lang, version, title, tags, categories FROM kb_article",
	"DELETE FROM kb_article WHERE id = ?1 AND lang = ?2",
	"DELETE FROM kb_version WHERE id = ?1 AND lang = ?2 AND version <= ?3",
};

static int
store_one(sqlite3_stmt **st, const struct loaded *l, time_t now,
    struct kb_import_stats *stats)
{
	const struct article	*a = l->a;
	char			*change = NULL, *tagq;
	int			 version = 1, rc;

	sqlite3_reset(st[ST_OLD]);
	sqlite3_bind_text(st[ST_OLD], 1, a->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_OLD], 2, a->lang, -1, SQLITE_STATIC);
	rc = sqlite3_step(st[ST_OLD]);
	if (rc == SQLITE_ROW) {
		change = describe_change(st[ST_OLD], a);
		version = sqlite3_column_int(st[ST_OLD], 4);
		if (*change == '\0') {
			/* Same text: only the file may have moved. */
			free(change);
			stats->unchanged++;
			change = NULL;
		} else {
			version++;
			stats->changed++;
		}
	} else if (rc == SQLITE_DONE) {
		/* A removed article that comes back continues its history. */
		sqlite3_reset(st[ST_LAST]);
		sqlite3_bind_text(st[ST_LAST], 1, a->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st[ST_LAST], 2, a->lang, -1, SQLITE_STATIC);
		if (sqlite3_step(st[ST_LAST]) != SQLITE_ROW)
			return -1;
		version = sqlite3_column_int(st[ST_LAST], 0) + 1;
		sqlite3_reset(st[ST_LAST]);
		change = xstrdup(version > 1 ? "restored" : "created");
		stats->added++;
	} else
		return -1;
	sqlite3_reset(st[ST_OLD]);

	sqlite3_reset(st[ST_UPSERT]);
	sqlite3_bind_text(st[ST_UPSERT], 1, a->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_UPSERT], 2, a->lang, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_UPSERT], 3, a->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_UPSERT], 4, a->tags, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_UPSERT], 5, a->categories, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_UPSERT], 6, a->summary, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_UPSERT], 7, a->body, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_UPSERT], 8, l->path, -1, SQLITE_STATIC);
	sqlite3_bind_int(st[ST_UPSERT], 9, version);
	sqlite3_bind_int64(st[ST_UPSERT], 10, (sqlite3_int64)now);
	sqlite3_bind_text(st[ST_UPSERT], 11, a->topics, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_UPSERT], 12, a->questions, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_UPSERT], 13, a->sources, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_UPSERT], 14, a->reviewed, -1, SQLITE_STATIC);
	if (sqlite3_step(st[ST_UPSERT]) != SQLITE_DONE)
		goto fail;
	if (change == NULL)
		return 0;

	sqlite3_reset(st[ST_VERSION]);
	sqlite3_bind_text(st[ST_VERSION], 1, a->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_VERSION], 2, a->lang, -1, SQLITE_STATIC);
	sqlite3_bind_int(st[ST_VERSION], 3, version);
	sqlite3_bind_text(st[ST_VERSION], 4, a->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_VERSION], 5, a->tags, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_VERSION], 6, a->categories, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st[ST_VERSION], 7, a->body, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st[ST_VERSION], 8, (sqlite3_int64)now);
	sqlite3_bind_text(st[ST_VERSION], 9, change, -1, SQLITE_STATIC);
	if (sqlite3_step(st[ST_VERSION]) != SQLITE_DONE)
		goto fail;

	sqlite3_reset(st[ST_FTS_DEL]);
	sqlite3_bind_text(st[ST_FTS_DEL], 1, a->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_FTS_DEL], 2, a->lang, -1, SQLITE_STATIC);
	if (sqlite3_step(st[ST_FTS_DEL]) != SQLITE_DONE)
		goto fail;
	sqlite3_reset(st[ST_FTS_ADD]);
	sqlite3_bind_text(st[ST_FTS_ADD], 1, a->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_FTS_ADD], 2, a->lang, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_FTS_ADD], 3, a->title, -1, SQLITE_STATIC);
	/* The questions are found like tags: "права поменять" finds the
	 * driving licence article by the way citizens ask. */
	tagq = xasprintf("%s\n%s", a->tags, a->questions);
	sqlite3_bind_text(st[ST_FTS_ADD], 4, tagq, -1, SQLITE_TRANSIENT);
	free(tagq);
	sqlite3_bind_text(st[ST_FTS_ADD], 5, a->body, -1, SQLITE_STATIC);
	if (sqlite3_step(st[ST_FTS_ADD]) != SQLITE_DONE)
		goto fail;
	/* History is kept, but not without end. */
	if (version > LIMIT_ARTICLE_VERSIONS) {
		sqlite3_reset(st[ST_PRUNE]);
		sqlite3_bind_text(st[ST_PRUNE], 1, a->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st[ST_PRUNE], 2, a->lang, -1, SQLITE_STATIC);
		sqlite3_bind_int(st[ST_PRUNE], 3,
		    version - LIMIT_ARTICLE_VERSIONS);
		if (sqlite3_step(st[ST_PRUNE]) != SQLITE_DONE)
			goto fail;
	}
	free(change);
	return 0;
fail:
	free(change);
	return -1;
}

/* Removes articles whose file is gone, leaving a "removed" version. */
static int
remove_gone(sqlite3_stmt **st, const struct loaded *l, size_t n,
    time_t now, struct kb_import_stats *stats)
{
	const char	*id, *lang;
	size_t		 i;
	int		 rc;

	sqlite3_reset(st[ST_LIVE]);
	while ((rc = sqlite3_step(st[ST_LIVE])) == SQLITE_ROW) {
		id = (const char *)sqlite3_column_text(st[ST_LIVE], 0);
		lang = (const char *)sqlite3_column_text(st[ST_LIVE], 1);
		for (i = 0; i < n; i++)
			if (strcmp(l[i].a->id, id) == 0 &&
			    strcmp(l[i].a->lang, lang) == 0)
				break;
		if (i < n)
			continue;
		sqlite3_reset(st[ST_VERSION]);
		sqlite3_bind_text(st[ST_VERSION], 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st[ST_VERSION], 2, lang, -1,
		    SQLITE_TRANSIENT);
		sqlite3_bind_int(st[ST_VERSION], 3,
		    sqlite3_column_int(st[ST_LIVE], 2) + 1);
		sqlite3_bind_value(st[ST_VERSION], 4,
		    sqlite3_column_value(st[ST_LIVE], 3));
		sqlite3_bind_value(st[ST_VERSION], 5,
		    sqlite3_column_value(st[ST_LIVE], 4));
		sqlite3_bind_value(st[ST_VERSION], 6,
		    sqlite3_column_value(st[ST_LIVE], 5));
		sqlite3_bind_text(st[ST_VERSION], 7, "", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st[ST_VERSION], 8, (sqlite3_int64)now);
		sqlite3_bind_text(st[ST_VERSION], 9, "removed", -1,
		    SQLITE_STATIC);
		if (sqlite3_step(st[ST_VERSION]) != SQLITE_DONE)
			return -1;
		sqlite3_reset(st[ST_FTS_DEL]);
		sqlite3_bind_text(st[ST_FTS_DEL], 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st[ST_FTS_DEL], 2, lang, -1,
		    SQLITE_TRANSIENT);
		if (sqlite3_step(st[ST_FTS_DEL]) != SQLITE_DONE)
			return -1;
		sqlite3_reset(st[ST_REMOVE]);
		sqlite3_bind_text(st[ST_REMOVE], 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st[ST_REMOVE], 2, lang, -1,
		    SQLITE_TRANSIENT);
		if (sqlite3_step(st[ST_REMOVE]) != SQLITE_DONE)
			return -1;
		stats->removed++;
	}
	sqlite3_reset(st[ST_LIVE]);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
kb_store_import(sqlite3 *db, const char *dir, time_t now, FILE *errs,
    struct kb_import_stats *stats_r, char **errstr_r)
{
	struct loaded	*l = NULL;
	sqlite3_stmt	*st[ST_COUNT] = { NULL };
	size_t		 n = 0, i;
	int		 k, rc = -1;

	memset(stats_r, 0, sizeof(*stats_r));
	if (load_all(dir, NULL, errs, &l, &n, errstr_r) == -1)
		return -1;
	if (sqldb_exec(db, "BEGIN IMMEDIATE", errstr_r) == -1)
		goto out;
	for (k = 0; k < ST_COUNT; k++) {
		if (sqlite3_prepare_v2(db, statements[k], -1, &st[k], NULL) !=
		    SQLITE_OK)
			goto sqlfail;
	}
	for (i = 0; i < n; i++) {
		if (store_one(st, &l[i], now, stats_r) == -1)
			goto sqlfail;
	}
	if (remove_gone(st, l, n, now, stats_r) == -1)
		goto sqlfail;
	if (sqldb_exec(db, "COMMIT", errstr_r) == -1)
		goto rollback;
	rc = 0;
	goto out;
sqlfail:
	*errstr_r = xasprintf("sqlite: %s", sqlite3_errmsg(db));
rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
	for (k = 0; k < ST_COUNT; k++)
		sqlite3_finalize(st[k]);
	loaded_free(l, n);
	return rc;
}

int
kb_store_check(const char *dir, const struct kb_check_ids *ids, FILE *errs,
    size_t *n_r, char **errstr_r)
{
	struct loaded	*l = NULL;
	size_t		 n = 0;

	if (load_all(dir, ids, errs, &l, &n, errstr_r) == -1)
		return -1;
	loaded_free(l, n);
	*n_r = n;
	return 0;
}

int
kb_store_history(sqlite3 *db, const char *id, FILE *out, char **errstr_r)
{
	sqlite3_stmt	*st = NULL;
	char		 when[32];
	time_t		 at;
	struct tm	 tm;
	int		 rc, n = 0;

	if (sqlite3_prepare_v2(db, "SELECT lang, version, at, change, title,"
	    " length(body) FROM kb_version WHERE id = ?1"
	    " ORDER BY lang, version DESC", -1, &st, NULL) != SQLITE_OK) {
		*errstr_r = xasprintf("sqlite: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		at = (time_t)sqlite3_column_int64(st, 2);
		gmtime_r(&at, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%SZ", &tm);
		fprintf(out, "%s %s v%d  %s  %s  (%d bytes) %s\n", id,
		    sqlite3_column_text(st, 0), sqlite3_column_int(st, 1),
		    when, sqlite3_column_text(st, 3),
		    sqlite3_column_int(st, 5), sqlite3_column_text(st, 4));
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*errstr_r = xasprintf("sqlite: %s", sqlite3_errmsg(db));
		return -1;
	}
	return n > 0;
}

static size_t
count_lines(const char *s)
{
	size_t	n = *s != '\0';

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

struct article *
kb_store_article(sqlite3_stmt *st)
{
	struct article	*a;

	a = xcalloc(1, sizeof(*a));
	a->id = xstrdup((const char *)sqlite3_column_text(st, 0));
	a->lang = xstrdup((const char *)sqlite3_column_text(st, 1));
	a->title = xstrdup((const char *)sqlite3_column_text(st, 2));
	a->tags = xstrdup((const char *)sqlite3_column_text(st, 3));
	a->categories = xstrdup((const char *)sqlite3_column_text(st, 4));
	a->summary = xstrdup((const char *)sqlite3_column_text(st, 5));
	a->body = xstrdup((const char *)sqlite3_column_text(st, 6));
	a->topics = xstrdup((const char *)sqlite3_column_text(st, 7));
	a->questions = xstrdup((const char *)sqlite3_column_text(st, 8));
	a->sources = xstrdup((const char *)sqlite3_column_text(st, 9));
	a->reviewed = xstrdup((const char *)sqlite3_column_text(st, 10));
	a->nquestions = count_lines(a->questions);
	a->nsources = count_lines(a->sources);
	return a;
}


int
kb_store_get(sqlite3 *db, const char *id, const char *lang,
    struct article **a_r, char **errstr_r)
{
	sqlite3_stmt	*st = NULL;
	int		 rc;

	*a_r = NULL;
	if (sqlite3_prepare_v2(db, KB_STORE_GET_SQL, -1, &st,
	    NULL) != SQLITE_OK) {
		*errstr_r = xasprintf("sqlite: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*a_r = kb_store_article(st);
	else if (rc != SQLITE_DONE)
		*errstr_r = xasprintf("sqlite: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
kb_store_each(sqlite3 *db, int (*fn)(const struct article *, void *),
    void *arg, char **errstr_r)
{
	sqlite3_stmt	*st = NULL;
	struct article	*a;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT " KB_STORE_COLUMNS " FROM kb_article"
	    " ORDER BY id, lang", -1, &st, NULL) != SQLITE_OK) {
		*errstr_r = xasprintf("sqlite: %s", sqlite3_errmsg(db));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a = kb_store_article(st);
		rc = fn(a, arg);
		article_free(&a);
		if (rc == -1) {
			sqlite3_finalize(st);
			*errstr_r = xstrdup("stopped");
			return -1;
		}
	}
	if (rc != SQLITE_DONE)
		*errstr_r = xasprintf("sqlite: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
kb_store_count(sqlite3 *db, char **errstr_r)
{
	sqlite3_stmt	*st = NULL;
	int		 n = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM kb_article", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		*errstr_r = xasprintf("sqlite: %s", sqlite3_errmsg(db));
	else
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}
