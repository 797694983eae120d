/*
 * What the agent's Check suites share: a directory of the test's own with
 * a real state database in it, the real categories and articles, and a
 * conversation to work on.  A broken fixture is a broken test run, not a
 * failed test: each function says why on stderr and aborts, which works
 * in checked and unchecked fixtures alike.
 */
#ifndef TESTS_AGENT_FIXTURE_H
#define TESTS_AGENT_FIXTURE_H

#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "agent/core/token.h"
#include "intents/classifier.h"

/* A test's directory and state database. */
struct fixture {
	char		 dir[64];	/* /tmp/hotline-<what>-XXXXXX */
	char		 dbpath[128];	/* <dir>/state.db */
	char		 files[128];	/* <dir>/attachments */
	sqlite3		*db;
};

/* Makes f's directory for what and opens a fresh state database in it;
 * articles adds the knowledge base's articles. */
void	 fixture_open(struct fixture *f, const char *what, int articles);

/* Closes f's database and removes its directory. */
void	 fixture_close(struct fixture *f);

/* Removes dir and everything under it. */
void	 fixture_rmtree(const char *dir);

/* The first column of the first row of sql, with ?1 = arg when sql has a
 * parameter; -1 when there is no row. */
int64_t	 fixture_int(sqlite3 *db, const char *sql, int64_t arg);

/* The real categories, with the articles in db; free with
 * classifier_free. */
struct classifier *fixture_classifier(sqlite3 *db);

/* A new conversation on channel in lang ("ru", "en") made at now; its
 * token goes to token when not NULL.  Returns its id. */
int64_t	 fixture_conv(sqlite3 *db, const char *channel, const char *lang,
	    time_t now, char token[TOKEN_MAX]);

/* A conversation whose citizen wrote text and asked for a person at now,
 * waiting in the queue.  Returns its id. */
int64_t	 fixture_handed(sqlite3 *db, const char *text, time_t now);

#endif
