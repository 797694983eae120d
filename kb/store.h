/*
 * The knowledge base in SQLite: articles, every earlier version of each
 * (when and what changed), and an FTS5 index over title, tags and text with
 * the "hotline" stemming tokenizer.
 */
#ifndef KB_STORE_H
#define KB_STORE_H

#include <stdio.h>
#include <sqlite3.h>
#include <time.h>

struct article;

struct kb_import_stats {
	int	added;
	int	changed;
	int	unchanged;
	int	removed;
};

/* Registers the tokenizer and creates or upgrades the kb tables.
 * Returns 0, or -1 with an allocated *errstr_r. */
int	kb_store_open(sqlite3 *db, char **errstr_r);

/*
 * Loads every *.md article under dir.  All or nothing: when any file has an
 * error, each error is written to errs as "file:line: reason", nothing is
 * changed, and -1 is returned with *errstr_r.  Changed articles keep their
 * previous text as a version; articles whose files are gone are removed
 * (their history stays).
 */
int	kb_store_import(sqlite3 *db, const char *dir, time_t now, FILE *errs,
	    struct kb_import_stats *stats_r, char **errstr_r);

/*
 * What an import would say of the articles under dir, without importing:
 * every problem to errs as "file:line: reason", also unknown topics and
 * categories when ids names them (kb/check.h).  Returns 0 with the number
 * of articles in *n_r, or -1 with *errstr_r when anything is wrong.
 */
struct kb_check_ids;
int	kb_store_check(const char *dir, const struct kb_check_ids *ids,
	    FILE *errs, size_t *n_r, char **errstr_r);

/* Prints the versions of article id (all languages), newest first, to out.
 * Returns 1 when it has any, 0 when unknown, -1 with *errstr_r on error. */
int	kb_store_history(sqlite3 *db, const char *id, FILE *out,
	    char **errstr_r);

/* Fetches article id in lang.  Returns 1 with a new *a_r (article_free),
 * 0 when there is none, -1 with an allocated *errstr_r. */
int	kb_store_get(sqlite3 *db, const char *id, const char *lang,
	    struct article **a_r, char **errstr_r);

/*
 * The same for a caller that keeps the statement prepared (every chat
 * answer reads its article: parsing this SQL was 7% of the server's time
 * per message): KB_STORE_GET_SQL with ?1 the id and ?2 the language, and
 * kb_store_article for the row it steps to (a new article).
 */
#define KB_STORE_COLUMNS	"id, lang, title, tags, categories, summary, " \
	"body, topics, questions, sources, reviewed"
#define KB_STORE_GET_SQL	"SELECT " KB_STORE_COLUMNS " FROM kb_article " \
	"WHERE id = ?1 AND lang = ?2"
struct article	*kb_store_article(sqlite3_stmt *st);

/* Calls fn for every current article, ordered by id and lang; stops and
 * returns -1 when fn does.  Returns 0, or -1 with *errstr_r set. */
int	kb_store_each(sqlite3 *db,
	    int (*fn)(const struct article *, void *), void *arg,
	    char **errstr_r);

/* The number of current articles, or -1 with *errstr_r. */
int	kb_store_count(sqlite3 *db, char **errstr_r);

#endif
