/*
 * Tests of the mail sender thread (agent/mail/mailsend.c) against a real
 * SMTP server on loopback (msmtpd, as tests/e2e/mailservers.sh starts it,
 * writing each message it accepts to a file of its own), a real state
 * database file and a process context with the real categories: the pending letters go, each exactly once, and a sender
 * started again after them sends nothing more; with the server down a
 * letter is put off, not lost, and goes once when a new sender starts
 * with the server back.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <sodium.h>

#include "agent/core/context.h"
#include "agent/core/conv.h"
#include "agent/core/mailtables.h"
#include "agent/core/state.h"
#include "agent/core/stmt.h"
#include "agent/mail/mailout.h"
#include "agent/mail/mailsend.h"
#include "kb/store.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"
#include "tests/agent/fixture.h"

Suite	*sender_suite(void);

static char			 dir[64], dbpath[128], sink[128];
static struct config		 cfg;
static sqlite3			*db;
static struct mailchan_env	 env;
static int64_t			 conv;
static pid_t			 smtpd = -1;
static int			 smtp_port;

/* Whether something on port greets like an SMTP server. */
static int
greets(int port)
{
	struct sockaddr_in	 sin;
	struct timeval		 tv = { 1, 0 };
	char			 buf[64];
	int			 fd, ok;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return 0;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    read(fd, buf, sizeof(buf)) >= 3 && memcmp(buf, "220", 3) == 0;
	close(fd);
	return ok;
}

/* msmtpd on a free port, each message into a file of its own in sink. */
static void
smtp_start(void)
{
	char	 port[32], cmd[256];
	int	 tries, i;

	snprintf(cmd, sizeof(cmd), "--command=%s/sink.sh", dir);
	for (tries = 0; tries < 5; tries++) {
		smtp_port = 20000 + (int)randombytes_uniform(40000);
		snprintf(port, sizeof(port), "--port=%d", smtp_port);
		if ((smtpd = fork()) == 0) {
			/* Not left behind by a test that fails. */
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			execlp("msmtpd", "msmtpd", "--interface=127.0.0.1",
			    port, cmd, (char *)NULL);
			_exit(127);
		}
		ck_assert_int_gt(smtpd, 0);
		for (i = 0; i < 30; i++) {
			if (waitpid(smtpd, NULL, WNOHANG) == smtpd)
				break;
			if (greets(smtp_port))
				goto up;
			usleep(100000);
		}
		kill(smtpd, SIGTERM);
		waitpid(smtpd, NULL, 0);
	}
	ck_abort_msg("msmtpd did not start");
up:
	free(cfg.smtp_url);
	cfg.smtp_url = xasprintf("smtp://127.0.0.1:%d", smtp_port);
}

static void
smtp_stop(void)
{
	if (smtpd > 0) {
		kill(smtpd, SIGTERM);
		waitpid(smtpd, NULL, 0);
	}
	smtpd = -1;
}

static void
setup(void)
{
	struct kb_import_stats	 st;
	FILE			*f;
	char			 path[192], *err = NULL;

	ck_assert_int_ge(sodium_init(), 0);
	snprintf(dir, sizeof(dir), "/tmp/hotline-sender-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/state.db", dir);
	snprintf(sink, sizeof(sink), "%s/sink", dir);
	ck_assert_int_eq(mkdir(sink, 0700), 0);
	/* As tests/e2e/mailservers.sh: the envelope, then the message. */
	snprintf(path, sizeof(path), "%s/sink.sh", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "#!/bin/sh\nf=\"%s/m.$$\"\nwhile [ -e \"$f\" ]; do "
	    "f=\"$f.x\"; done\n{ printf 'X-Rcpt: %%s\\r\\n' \"$*\"\nwhile "
	    "IFS= read -r l; do printf '%%s\\n' \"$l\"; done; } >\"$f\"\n",
	    sink);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0755), 0);
	config_defaults(&cfg);
	cfg.state_db = xstrdup(dbpath);
	cfg.data_dir = xstrdup(HOTLINE_SRCDIR);
	smtp_start();
	ck_assert_msg(state_open(dbpath, &db, &err) == 0 &&
	    mailtables_schema(db, &err) == 0 &&
	    kb_store_import(db, HOTLINE_SRCDIR "/kb/articles", 1000, NULL, &st,
	    &err) != -1, "%s", err);
	memset(&env, 0, sizeof(env));
	env.db = db;
	env.cfg = &cfg;
	env.now = time(NULL);
	ck_assert_int_eq(state_begin(db, &err), 0);
	ck_assert_int_eq(conv_insert(db, "email", "ru", env.now, &conv, &err),
	    0);
	ck_assert_int_eq(state_commit(db, &err), 0);
}

static void
teardown(void)
{
	smtp_stop();
	stmt_forget(db);
	sqldb_close(&db);
	config_clear(&cfg);
	fixture_rmtree(dir);
}

static int64_t
queue(const char *rcpt)
{
	char	*err = NULL;
	int64_t	 id;

	ck_assert_int_eq(state_begin(db, &err), 0);
	ck_assert_msg(mailout_queue(&env, conv, "2026-000042", rcpt, "Пароль",
	    NULL, NULL, "Пароль сбрасывается на странице входа.", NULL, 1, 0,
	    0, &id, &err) == 0, "%s", err);
	ck_assert_int_eq(state_commit(db, &err), 0);
	return id;
}

/* The messages the server accepted, and how many were for rcpt. */
static int
accepted(const char *rcpt, int *for_r)
{
	DIR		*d;
	struct dirent	*e;
	char		 path[512], line[256];
	FILE		*f;
	int		 n = 0;

	*for_r = 0;
	ck_assert_ptr_nonnull(d = opendir(sink));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		n++;
		snprintf(path, sizeof(path), "%s/%s", sink, e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(line, sizeof(line), f) != NULL &&
		    strstr(line, rcpt) != NULL)
			(*for_r)++;
		fclose(f);
	}
	closedir(d);
	return n;
}

/* A sender's life in a process of its own (a context with the settings
 * of now): started, one round, stopped; what it sent and gave up on. */
static void
sender_life(int *sent_r, int *failed_r)
{
	struct context	 cx;
	struct mailsend	*sd;

	context_init(&cx, &cfg);
	ck_assert_ptr_nonnull(cx.brain = brain_load(&cfg, db, cx.data_dir,
	    stderr));
	sd = mailsend_start(&cx);
	mailsend_round(sd);
	mailsend_stop(&sd, sent_r, failed_r);
	ck_assert_ptr_null(sd);
	context_clear(&cx);
}

static int64_t
status_count(const char *status)
{
	int64_t		 n = -1;
	char		*err = NULL;

	ck_assert_int_eq(sqldb_one_int(db, sqldb_prep(db, &err, "SELECT "
	    "count(*) FROM mail_sent WHERE status = ?1", "t", status), &n,
	    &err), 1);
	return n;
}

START_TEST(test_sent_once_across_restart)
{
	int	sent = 0, failed = 0, n, mine, theirs;

	queue("anna@example.org");
	queue("boris@example.org");
	sender_life(&sent, &failed);
	ck_assert_int_eq(sent, 2);
	ck_assert_int_eq(failed, 0);
	ck_assert_int_eq(accepted("anna@example.org", &mine), 2);
	ck_assert_int_eq(mine, 1);
	ck_assert_int_eq(accepted("boris@example.org", &theirs), 2);
	ck_assert_int_eq(theirs, 1);
	ck_assert_int_eq(status_count("sent"), 2);
	/* The process starts again: nothing goes twice. */
	sent = failed = 0;
	sender_life(&sent, &failed);
	ck_assert_int_eq(sent, 0);
	ck_assert_int_eq(accepted("anna@example.org", &mine), 2);
	ck_assert_int_eq(mine, 1);
	/* A new letter goes alone. */
	queue("anna@example.org");
	sender_life(&sent, &failed);
	ck_assert_int_eq(sent, 1);
	n = accepted("anna@example.org", &mine);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(mine, 2);
}
END_TEST

START_TEST(test_put_off_while_server_down)
{
	int64_t	 tries = -1;
	char	*err = NULL;
	int	 sent = 0, failed = 0, mine;

	smtp_stop();
	queue("anna@example.org");
	sender_life(&sent, &failed);
	ck_assert_int_eq(sent, 0);
	ck_assert_int_eq(failed, 0);
	/* Not lost: pending, with one try and the reason. */
	ck_assert_int_eq(status_count("pending"), 1);
	ck_assert_int_eq(sqldb_one_int(db, sqldb_prep(db, &err, "SELECT tries "
	    "FROM mail_sent WHERE error IS NOT NULL AND next_try > ?1", "i",
	    (int64_t)env.now - 1), &tries, &err), 1);
	ck_assert_int_eq(tries, 1);
	/* The server is back and the process starts again: a start is a
	 * new try, due or not. */
	smtp_start();
	sender_life(&sent, &failed);
	ck_assert_int_eq(sent, 1);
	ck_assert_int_eq(accepted("anna@example.org", &mine), 1);
	ck_assert_int_eq(mine, 1);
	ck_assert_int_eq(status_count("sent"), 1);
}
END_TEST

Suite *
sender_suite(void)
{
	Suite	*s = suite_create("sender");
	TCase	*tc = tcase_create("smtp");

	tcase_add_checked_fixture(tc, setup, teardown);
	/* A bound on a hang, not a speed: each test starts msmtpd twice and
	 * imports the articles; under ASan on this machine that took some
	 * 140 s a test (5 s plain), mostly system time. */
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_sent_once_across_restart);
	tcase_add_test(tc, test_put_off_while_server_down);
	suite_add_tcase(s, tc);
	return s;
}
