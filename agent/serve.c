/*
 * The `serve` verb: the web chat and the operators' console.  The main
 * thread owns the process: it opens the state database, loads the brain,
 * starts the HTTP daemon and then only waits for signals and the clock:
 * SIGHUP reloads the configuration, categories and articles into a new
 * brain (a failure keeps the old one and says why), SIGTERM and SIGINT
 * stop, and every few seconds the SLA clock ticks, event streams get their
 * keep-alive, every checkpoint_minutes the journal is verified and its
 * head written outside the database, and once a day the retention job
 * runs.  Every second it looks whether operators' rights changed (a
 * logout, `hotline operator disable` from another process) and has their
 * streams check themselves.  The WAL is kept short by a thread of its own
 * (wal.h).  `serve -n` checks the configuration, categories and articles
 * without touching the state and exits 0 or 1.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <sodium.h>

#include "agent/cli/cmd.h"
#include "agent/core/attach.h"
#include "agent/core/audit.h"
#include "agent/core/context.h"
#include "agent/core/operator.h"
#include "agent/core/paths.h"
#include "agent/core/phrases.h"
#include "agent/core/queue.h"
#include "agent/core/retention.h"
#include "agent/core/state.h"
#include "agent/core/stmt.h"
#include "agent/core/wal.h"
#include "agent/core/writer.h"
#include "agent/mail/mailrun.h"
#include "agent/web/events.h"
#include "agent/web/http.h"
#include "agent/web/ratelimit.h"
#include "agent/web/watch.h"
#include "kb/store.h"
#include "lib/files.h"
#include "lib/log.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

/* Seconds between SLA ticks, and between retention runs. */
#define SLA_TICK		5
#define RETENTION_EVERY		86400

static void
set_limits(struct server *srv, const struct config *cfg)
{
	atomic_store(&srv->max_connections, cfg->max_connections);
	atomic_store(&srv->per_ip_connections, cfg->per_ip_connections);
	if (srv->watch != NULL)
		watch_set_header_timeout(srv->watch, cfg->header_timeout);
}

/* What the bot says: data_dir's phrase files over the built-in copy. */
static int
load_phrases(const char *data_dir, FILE *errs)
{
	char	*dir;
	int	 rc;

	dir = xasprintf("%s/" PHRASES_DIR, data_dir);
	rc = phrases_load(dir, errs);
	free(dir);
	return rc;
}

/* SIGHUP: a new configuration, articles and categories, or the old. */
static void
reload(struct server *srv, sqlite3 *db, const struct config *running)
{
	struct config		 cfg;
	struct kb_import_stats	 st;
	struct brain		*b;
	char			*err = NULL, *articles;

	config_defaults(&cfg);
	if (running->path != NULL && config_load(running->path, &cfg,
	    &err) == -1) {
		log_msg(LOG_ERROR, "reload failed, keeping the old "
		    "configuration: %s", err);
		free(err);
		config_clear(&cfg);
		return;
	}
	/* The state and the data stay where the process found them. */
	free(cfg.data_dir);
	free(cfg.state_db);
	cfg.data_dir = xstrdup(srv->cx->data_dir);
	cfg.state_db = xstrdup(srv->cx->state_db);
	articles = xasprintf("%s/kb/articles", srv->cx->data_dir);
	if (kb_store_import(db, articles, time(NULL), stderr, &st,
	    &err) == -1) {
		log_msg(LOG_ERROR, "reload failed, keeping the old articles "
		    "and categories: %s", err);
		free(err);
		free(articles);
		config_clear(&cfg);
		return;
	}
	free(articles);
	if ((b = brain_load(&cfg, db, srv->cx->data_dir, stderr)) == NULL) {
		log_msg(LOG_ERROR, "reload failed, keeping the old categories "
		    "(see above)");
		config_clear(&cfg);
		return;
	}
	if (load_phrases(srv->cx->data_dir, stderr) == -1)
		log_msg(LOG_ERROR, "reload: the phrases did not load, the old "
		    "ones stay (see above)");
	context_swap(srv->cx, b);
	set_limits(srv, &cfg);
	log_msg(LOG_WARN, "reloaded: %d articles added, %d changed, %d "
	    "removed", st.added, st.changed, st.removed);
	config_clear(&cfg);
}

/* `serve -n`: everything checked, nothing changed. */
static int
check_only(const struct config *cfg)
{
	struct kb_import_stats	 st;
	struct brain		*b;
	sqlite3			*mem = NULL;
	char			*data, *articles, *err = NULL, addr[64];
	int			 port, rc = 1;

	data = paths_data_dir(cfg->data_dir);
	articles = xasprintf("%s/kb/articles", data);
	if (config_listen_parse(cfg->listen, addr, sizeof(addr),
	    &port) == -1)
		fprintf(stderr, "hotline: listen: an address and port\n");
	else if (mailrun_check(cfg, &err) == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	} else if (sqldb_open(":memory:", &mem, &err) == -1 ||
	    kb_store_open(mem, &err) == -1 ||
	    kb_store_import(mem, articles, time(NULL), stderr, &st,
	    &err) == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	} else if ((b = brain_load(cfg, mem, data, stderr)) == NULL)
		fprintf(stderr, "hotline: the categories did not load (see "
		    "above)\n");
	else if (load_phrases(data, stderr) == -1) {
		fprintf(stderr, "hotline: the phrases did not load (see "
		    "above)\n");
		brain_put(b);
	}
	else {
		printf("hotline: configuration OK: %zu patterns, %d articles, "
		    "listen %s\n", classifier_patterns(b->cl), st.added,
		    cfg->listen ? cfg->listen : CONFIG_LISTEN_DEFAULT);
		brain_put(b);
		rc = 0;
	}
	sqldb_close(&mem);
	free(articles);
	free(data);
	return rc;
}

/* On first start: an admin account with a random password, printed. */
static int
first_admin(sqlite3 *db, char *pw, size_t pwsz, char **errstr_r)
{
	unsigned char	raw[18];
	int		n;

	pw[0] = '\0';
	if ((n = operator_count(db, errstr_r)) == -1)
		return -1;
	if (n > 0)
		return 0;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(pw, pwsz, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return operator_add(db, "admin", "admin", pw, time(NULL), errstr_r);
}

/* The core's notifier, pointed at the web room's event hub. */
static void
conv_changed(void *arg, int64_t conv)
{
	hub_publish(arg, conv, 0);
}

static void
queue_changed(void *arg)
{
	hub_publish(arg, 0, 1);
}

static void
touch(void *arg, int64_t conv)
{
	notify_changed(arg, conv, 1);
}

static void
raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void
announce(const struct server *srv, const struct config *cfg, const char *pw)
{
	char	addr[64], host[80];
	int	port;

	if (config_listen_parse(cfg->listen, addr, sizeof(addr), &port) == -1)
		snprintf(addr, sizeof(addr), "127.0.0.1");
	if (strcmp(addr, "0.0.0.0") == 0)
		snprintf(addr, sizeof(addr), "127.0.0.1");
	snprintf(host, sizeof(host), strchr(addr, ':') != NULL ? "[%s]" :
	    "%s", addr);
	printf("chat: http://%s:%d/\n", host, srv->port);
	printf("console: http://%s:%d/operator\n", host, srv->port);
	if (pw[0] != '\0')
		printf("operator: admin / %s\n", pw);
	fflush(stdout);
}

/* Every checkpoint_minutes, when the journal grew since the last one:
 * verified, and its head written outside the database. */
static void
checkpoint(sqlite3 *db, const char *checkpoints, time_t now,
    int64_t *done_r)
{
	char	*err = NULL, *what = NULL, *line = NULL;
	int64_t	 last;
	int	 rc;

	if (audit_last(db, &last, &err) == -1) {
		log_msg(LOG_ERROR, "%s", err);
		free(err);
		return;
	}
	if (last == *done_r)
		return;
	rc = audit_checkpoint(db, checkpoints, now, &line, &what, &err);
	if (rc == 1) {
		log_msg(LOG_ERROR, "journal: BROKEN, no checkpoint written: %s",
		    what);
		free(what);
	} else if (rc == -1) {
		log_msg(LOG_ERROR, "journal checkpoint: %s", err);
		free(err);
	} else {
		log_msg(LOG_INFO, "journal checkpoint: %s", line);
		*done_r = last;
	}
	free(line);
}

/* The main thread's loop: signals and the clock.  Returns on a stop. */
static void
run(struct server *srv, sqlite3 *db, const struct config *cfg,
    const char *checkpoints, const sigset_t *set)
{
	struct timespec	 ts = { 1, 0 };
	time_t		 now, next_tick = 0, next_ka, next_ret = 0, next_cp;
	unsigned long	 ka_tick = 0;
	int64_t		 rev, seen = -1, cp_done = -1;
	char		*err = NULL;
	int		 sig, n;
	struct brain	*b;

	next_ka = time(NULL) + 1;
	next_cp = time(NULL) + srv->cx->brain->cfg.checkpoint_minutes * 60;
	for (;;) {
		sig = sigtimedwait(set, NULL, &ts);
		if (sig == SIGTERM || sig == SIGINT)
			return;
		if (sig == SIGHUP)
			reload(srv, db, cfg);
		now = time(NULL);
		/* Only this thread swaps the brain: no lock to read it. */
		b = srv->cx->brain;
		if (now >= next_tick) {
			if ((n = queue_tick(db, &b->holidays, now,
			    touch, &srv->cx->notify, &err)) == -1) {
				log_msg(LOG_ERROR, "sla: %s", err);
				free(err);
				err = NULL;
			} else if (n > 0)
				log_msg(LOG_WARN, "sla: %d item(s) escalated",
				    n);
			next_tick = now + SLA_TICK;
		}
		/* Rights changed, here or by `hotline operator ...`:
		 * operators' streams check their sessions, consoles get
		 * the queue (items of a disabled account went back). */
		if (operator_revision(db, &rev, &err) == -1) {
			log_msg(LOG_ERROR, "%s", err);
			free(err);
			err = NULL;
		} else if (rev != seen) {
			if (seen != -1) {
				hub_recheck(srv->hub);
				hub_publish(srv->hub, 0, 1);
			}
			seen = rev;
		}
		if (now >= next_ka) {
			hub_keepalive(srv->hub, ka_tick++,
			    b->cfg.keepalive_seconds);
			next_ka = now + 1;
		}
		if (b->cfg.checkpoint_minutes > 0 && now >= next_cp) {
			checkpoint(db, checkpoints, now, &cp_done);
			next_cp = now + b->cfg.checkpoint_minutes * 60;
		}
		if (now >= next_ret) {
			if ((n = retention_run(db, srv->cx->attach_dir,
			    b->cfg.retention_days, now,
			    &err)) == -1) {
				log_msg(LOG_ERROR, "retention: %s", err);
				free(err);
				err = NULL;
			} else if (n > 0)
				log_msg(LOG_WARN, "retention: personal data "
				    "removed from %d conversation(s)", n);
			if ((n = retention_unopened(db, srv->cx->attach_dir,
			    b->cfg.unopened_attachment_days, now,
			    &err)) == -1) {
				log_msg(LOG_ERROR, "retention: %s", err);
				free(err);
				err = NULL;
			} else if (n > 0)
				log_msg(LOG_WARN, "retention: files removed "
				    "from %d request(s) nobody opened", n);
			next_ret = now + RETENTION_EVERY;
		}
	}
}

int
cmd_serve(const struct config *cfg, int argc, char **argv)
{
	struct context	 cx;
	struct server	 srv;
	struct mailrun	*mail = NULL;
	sqlite3		*db = NULL;
	sigset_t	 set;
	char		*err = NULL, pw[64], *checkpoints;
	int		 rc = 1, n;

	if (argc == 1 && strcmp(argv[0], "-n") == 0)
		return check_only(cfg);
	if (argc != 0) {
		fprintf(stderr, "usage: hotline serve [-n]\n");
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "hotline: libsodium failed to start\n");
		return 1;
	}
	/* Memory statistics take a global mutex on every allocation. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	context_init(&cx, cfg);
	memset(&srv, 0, sizeof(srv));
	srv.cx = &cx;
	srv.www_dir = cfg->www_dir != NULL ? xstrdup(cfg->www_dir) :
	    xasprintf("%s/www", cx.data_dir);
	srv.hub = hub_new();
	cx.notify.conv_changed = conv_changed;
	cx.notify.queue_changed = queue_changed;
	cx.notify.arg = srv.hub;
	srv.sessions = ratelimit_new(60);
	srv.messages = ratelimit_new(60);
	srv.conns = ratelimit_new(60);
	srv.uploads = ratelimit_new(86400);
	atomic_init(&srv.body_bytes, 0);
	set_limits(&srv, cfg);

	if (state_open(cx.state_db, &db, &err) == -1 ||
	    (cx.wal = wal_keeper_start(cx.state_db, &err)) == NULL ||
	    (cx.writer = writer_start(cx.state_db, cx.wal, &err)) == NULL)
		goto fail;
	wal_keeper_watch(cx.wal, db);
	if ((n = kb_store_count(db, &err)) == -1)
		goto fail;
	if (n == 0) {
		struct kb_import_stats	 st;
		char			*articles;

		articles = xasprintf("%s/kb/articles", cx.data_dir);
		n = kb_store_import(db, articles, time(NULL), stderr, &st,
		    &err);
		free(articles);
		if (n == -1)
			goto fail;
	}
	if ((cx.brain = brain_load(cfg, db, cx.data_dir, stderr)) == NULL) {
		err = xstrdup("the categories did not load (see above; "
		    "hotline intents check)");
		goto fail;
	}
	if (load_phrases(cx.data_dir, stderr) == -1) {
		err = xstrdup("the phrases did not load (see above)");
		goto fail;
	}

	/* Uploads a previous process was reading when it stopped. */
	attach_sweep(cx.attach_dir);
	raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (http_start(&srv, cfg, &err) == -1)
		goto fail;
	if (mailrun_start(&cx, cfg, &mail, &err) == -1) {
		http_stop(&srv);
		goto fail;
	}
	/* The first admin only once the port is ours and the mail channel
	 * runs: made before, a start that then failed (the port in use)
	 * kept an admin whose password nobody ever saw. */
	if (first_admin(db, pw, sizeof(pw), &err) == -1) {
		mailrun_stop(&mail);
		http_stop(&srv);
		goto fail;
	}
	announce(&srv, cfg, pw);
	sodium_memzero(pw, sizeof(pw));
	log_msg(LOG_INFO, "serving on port %d", srv.port);

	checkpoints = cfg->journal_checkpoints != NULL ?
	    xstrdup(cfg->journal_checkpoints) :
	    audit_checkpoints_path(cx.state_db);
	run(&srv, db, cfg, checkpoints, &set);
	free(checkpoints);
	mailrun_stop(&mail);
	/* The turns handed over are answered before the daemon stops (it
	 * may not with connections suspended); later ones commit on their
	 * own threads. */
	writer_close(cx.writer);
	http_stop(&srv);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "hotline: %s\n", err != NULL ? err : "failed");
	free(err);
out:
	stmt_forget(db);
	sqldb_close(&db);
	writer_free(&cx.writer);
	wal_keeper_stop(&cx.wal);
	hub_free(&srv.hub);
	ratelimit_free(&srv.sessions);
	ratelimit_free(&srv.messages);
	ratelimit_free(&srv.conns);
	ratelimit_free(&srv.uploads);
	free(srv.www_dir);
	context_clear(&cx);
	return rc;
}
