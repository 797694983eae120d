/*
 * `hotline mail fetch`: one pass of the mail channel for cron and tests:
 * pending letters are submitted first, every letter in the folder not yet
 * done is answered, acknowledged, noted or quarantined, operators' replies
 * go out, and a summary line is printed.  Exit 0, or 1 when the IMAP
 * server could not be reached or the database failed.
 */
#include "agent/cli/cmd.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/core/context.h"
#include "agent/core/mailtables.h"
#include "agent/core/paths.h"
#include "agent/core/phrases.h"
#include "agent/core/state.h"
#include "agent/core/stmt.h"
#include "agent/mail/mailrun.h"
#include "kb/store.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

static void
print_err(void *arg, const char *msg)
{
	fprintf((FILE *)arg, "%s\n", msg);
}

/* The state database with its tables and, on a fresh one, the articles. */
static int
open_state(const struct config *cfg, const char *path, const char *data,
    sqlite3 **db_r, char **errstr_r)
{
	struct kb_import_stats	 st;
	char			*articles;
	int			 n;

	if (state_open(path, db_r, errstr_r) == -1)
		return -1;
	if (mailtables_schema(*db_r, errstr_r) == -1 ||
	    sqldb_exec(*db_r, "PRAGMA synchronous=FULL", errstr_r) == -1 ||
	    (n = kb_store_count(*db_r, errstr_r)) == -1)
		return -1;
	if (n > 0)
		return 0;
	articles = xasprintf("%s/kb/articles", data);
	n = kb_store_import(*db_r, articles, time(NULL), stderr, &st,
	    errstr_r);
	free(articles);
	return n;
}

/* What the letters say: the data directory's phrase files. */
static int
load_phrases(const char *data)
{
	char	*dir;
	int	 rc;

	dir = xasprintf("%s/" PHRASES_DIR, data);
	rc = phrases_load(dir, stderr);
	free(dir);
	return rc;
}

int
cmd_mail_fetch(const struct config *cfg, int argc, char **argv)
{
	struct classifier_paths	 p;
	struct mailchan_env	 env;
	struct mailrun_stats	 st;
	struct context		 cx;
	struct brain		*b;
	struct classify_ctx	*ctx = NULL;
	sqlite3			*db = NULL;
	char			*tax, *defs, *cache = NULL, *err = NULL;
	int			 rc = 1;

	if (argc != 0) {
		fprintf(stderr, "usage: hotline mail fetch\n");
		return 2;
	}
	if (cfg->imap_host == NULL) {
		fprintf(stderr, "hotline: no imap_host in the configuration\n");
		return 1;
	}
	if (mailrun_check(cfg, &err) == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
		return 1;
	}
	/* A server that hangs up must be an error, not the end of us. */
	signal(SIGPIPE, SIG_IGN);
	if ((b = brain_new(cfg, stderr)) == NULL)
		return 1;
	/* The process context serve's threads work in: the sender thread
	 * takes its worker from it. */
	context_init(&cx, cfg);
	context_swap(&cx, b);
	tax = xasprintf("%s/intents/taxonomy.json", cx.data_dir);
	defs = xasprintf("%s/intents/defs", cx.data_dir);
	if (open_state(cfg, cx.state_db, cx.data_dir, &db, &err) == -1)
		goto out;
	p.taxonomy = tax;
	p.defs = defs;
	p.model_cache = cache = paths_model_cache(cx.state_db);
	if ((b->cl = classifier_load(&p, db, &cfg->classifier, print_err,
	    stderr)) == NULL) {
		err = xstrdup("the categories did not load (see above)");
		goto out;
	}
	if (load_phrases(cx.data_dir) == -1) {
		err = xstrdup("the phrases did not load (see above)");
		goto out;
	}
	ctx = classify_ctx_new(b->cl);
	memset(&env, 0, sizeof(env));
	env.db = db;
	env.cl = b->cl;
	env.ctx = ctx;
	env.cfg = &b->cfg;
	env.holidays = &b->holidays;
	env.attach_dir = cx.attach_dir;
	env.now = time(NULL);
	rc = mailrun_once(&env, &cx, &st, &err) == 0 ? 0 : 1;
	printf("mail: %d letters: %d answered, %d acknowledged, %d to "
	    "operators, %d robots, %d quarantined, %d other; %d letters sent, "
	    "%d refused\n", st.letters, st.answered, st.acknowledged,
	    st.to_operator, st.robots, st.quarantined, st.other, st.sent,
	    st.failed);
out:
	if (err != NULL) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	}
	classify_ctx_free(&ctx);
	if (db != NULL)
		stmt_forget(db);
	sqldb_close(&db);
	context_clear(&cx);
	free(cache);
	free(tax);
	free(defs);
	return rc;
}
