/*
 * Tests of the IMAP run loop (agent/mail/mailrun.c, one pass as `hotline
 * mail fetch` runs it) against the real dovecot and msmtpd that the e2e
 * tests start (tests/e2e/mailservers.sh, sourced here once for the
 * suite), with the real categories and articles and a state file per
 * test, each test in a folder of its own: a citizen's letter is answered
 * once in its thread and a second pass answers nothing; a robot's letter
 * gets no answer; with the IMAP server unreachable the pass fails and the
 * letter is answered once by the next pass that reaches it.
 */
#include <check.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dirent.h>
#include <sys/stat.h>

#include "agent/core/conv.h"
#include "agent/core/mailtables.h"
#include "agent/core/state.h"
#include "agent/core/stmt.h"
#include "agent/mail/mailrun.h"
#include "kb/store.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

Suite	*mailrun_suite(void);

/* The servers, for the whole suite (an unchecked fixture: stopped even
 * when a test fails). */
static char	 srvdir[64];
static int	 imap_port, smtp_port, smtp_pid, servers_up;

/* One test's world. */
static char			 dir[64], dbpath[128], folder[32];
static struct classifier	*cl;
static struct classify_ctx	*cx;
static struct config		 cfg;
static sqlite3			*db;
static struct mailchan_env	 env;

static void
servers_start(void)
{
	char	*cmd, *path;
	FILE	*f;

	snprintf(srvdir, sizeof(srvdir), "/tmp/hotline-mailrun-XXXXXX");
	if (mkdtemp(srvdir) == NULL)
		abort();
	cmd = xasprintf("tmp=%s; . %s/tests/e2e/mailservers.sh; "
	    "mail_tools || exit 77; { dovecot_start && smtp_start; } "
	    ">%s/start.log 2>&1 || exit 1; echo $imap_port $smtp_port "
	    "$smtp_pid >%s/servers", srvdir, HOTLINE_SRCDIR, srvdir, srvdir);
	if (system(cmd) != 0) {
		fprintf(stderr, "mailrun: the mail servers did not start "
		    "(%s/start.log)\n", srvdir);
		free(cmd);
		return;
	}
	free(cmd);
	path = xasprintf("%s/servers", srvdir);
	if ((f = fopen(path, "r")) != NULL) {
		servers_up = fscanf(f, "%d %d %d", &imap_port, &smtp_port,
		    &smtp_pid) == 3;
		fclose(f);
	}
	free(path);
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

static void
servers_stop(void)
{
	char	*path;
	FILE	*f;
	int	 pid, i;

	if (smtp_pid > 0)
		kill(smtp_pid, SIGTERM);
	path = xasprintf("%s/dovecot/run/master.pid", srvdir);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%d", &pid) == 1 && pid > 0)
			kill(pid, SIGTERM);
		fclose(f);
		for (i = 0; i < 50 && access(path, F_OK) == 0; i++)
			usleep(100000);
	}
	free(path);
	nftw(srvdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
print_err(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "%s\n", msg);
}

/* An IMAP command on folder with curl, as tests/e2e/mailservers.sh does
 * (NULL: create the folder); or an APPEND of file when file is set. */
static int
imap(const char *command, const char *file)
{
	char	*cmd;
	int	 rc;

	if (file != NULL)
		cmd = xasprintf("curl -s -S -u hotline:secret -T %s "
		    "imap://127.0.0.1:%d/%s", file, imap_port, folder);
	else
		cmd = xasprintf("curl -s -S -u hotline:secret "
		    "imap://127.0.0.1:%d/ -X '%s' >/dev/null", imap_port,
		    command);
	rc = system(cmd);
	free(cmd);
	return rc;
}

static void
setup(void)
{
	struct classifier_paths	 p;
	struct kb_import_stats	 st;
	char			*err = NULL, *cmd;
	FILE			*f;
	char			 path[192];

	ck_assert_msg(servers_up, "the mail servers did not start");
	snprintf(dir, sizeof(dir), "/tmp/hotline-mailrun-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/state.db", dir);
	ck_assert_msg(state_open(dbpath, &db, &err) == 0 &&
	    mailtables_schema(db, &err) == 0 &&
	    kb_store_import(db, HOTLINE_SRCDIR "/kb/articles", 1000, NULL,
	    &st, &err) != -1, "%s", err);
	config_defaults(&cfg);
	p.taxonomy = HOTLINE_SRCDIR "/intents/taxonomy.json";
	p.defs = HOTLINE_SRCDIR "/intents/defs";
	p.model_cache = NULL;
	ck_assert_ptr_nonnull(cl = classifier_load(&p, db, &cfg.classifier,
	    print_err, NULL));
	cx = classify_ctx_new(cl);
	/* A folder of this test's own: what others left is not in it. */
	snprintf(folder, sizeof(folder), "T%s", dir + strlen(dir) - 6);
	cmd = xasprintf("CREATE %s", folder);
	ck_assert_int_eq(imap(cmd, NULL), 0);
	free(cmd);
	snprintf(path, sizeof(path), "%s/imap.secret", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("secret\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0600), 0);
	cfg.imap_host = xstrdup("127.0.0.1");
	cfg.imap_port = imap_port;
	cfg.imap_security = xstrdup("none");
	cfg.imap_user = xstrdup("hotline");
	cfg.imap_password_file = xstrdup(path);
	cfg.imap_folder = xstrdup(folder);
	free(cfg.smtp_url);
	cfg.smtp_url = xasprintf("smtp://127.0.0.1:%d", smtp_port);
	memset(&env, 0, sizeof(env));
	env.db = db;
	env.cl = cl;
	env.ctx = cx;
	env.cfg = &cfg;
	env.attach_dir = xasprintf("%s/attachments", dir);
	env.now = time(NULL);
}

static void
teardown(void)
{
	classify_ctx_free(&cx);
	classifier_free(&cl);
	stmt_forget(db);
	sqldb_close(&db);
	config_clear(&cfg);
	free((char *)env.attach_dir);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Appends a letter from from with Message-ID id and text to the folder;
 * robot adds Auto-Submitted. */
static void
put(const char *from, const char *id, const char *text, int robot)
{
	char	 path[192];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/letter.eml", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "From: <%s>\r\nTo: support@hotline.test\r\nSubject: "
	    "=?UTF-8?B?0J/QsNGA0L7Qu9GM?=\r\nMessage-ID: <%s>\r\nDate: Mon, "
	    "7 Dec 2026 10:00:00 +0300\r\n%sMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n%s\r\n", from, id,
	    robot ? "Auto-Submitted: auto-replied\r\n" : "", text);
	fclose(f);
	ck_assert_int_eq(imap(NULL, path), 0);
}

/* The letters the SMTP server accepted answering Message-ID id. */
static int
answers(const char *id)
{
	DIR		*d;
	struct dirent	*e;
	char		 path[512], line[1024], want[256];
	FILE		*f;
	int		 n = 0;

	snprintf(want, sizeof(want), "In-Reply-To: <%s>", id);
	snprintf(path, sizeof(path), "%s/sink", srvdir);
	ck_assert_ptr_nonnull(d = opendir(path));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/sink/%s", srvdir, e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, want, strlen(want)) == 0) {
				n++;
				break;
			}
		fclose(f);
	}
	closedir(d);
	return n;
}

static void
pass(struct mailrun_stats *st)
{
	char	*err = NULL;

	ck_assert_msg(mailrun_once(&env, dbpath, st, &err) == 0, "%s", err);
}

/* A Message-ID unique to this test. */
static void
msgid(char *buf, size_t sz, const char *what)
{
	snprintf(buf, sz, "%s.%s@example.org", what, folder);
}

START_TEST(test_answered_once)
{
	struct mailrun_stats	st;
	char			id[128];

	msgid(id, sizeof(id), "q");
	put("ivan@example.org", id, "Здравствуйте! Как восстановить пароль "
	    "от госуслуг? Не могу войти.", 0);
	pass(&st);
	ck_assert_int_eq(st.letters, 1);
	ck_assert_int_eq(st.sent, 1);
	ck_assert_int_eq(st.failed, 0);
	ck_assert_int_eq(answers(id), 1);
	/* The next pass finds the letter done and sends nothing. */
	pass(&st);
	ck_assert_int_eq(st.letters, 0);
	ck_assert_int_eq(st.sent, 0);
	ck_assert_int_eq(answers(id), 1);
}
END_TEST

START_TEST(test_robot_not_answered)
{
	struct mailrun_stats	st;
	char			id[128];

	msgid(id, sizeof(id), "robot");
	put("mailer-daemon@example.org", id, "Это автоматический ответ: "
	    "я в отпуске до понедельника.", 1);
	pass(&st);
	ck_assert_int_eq(st.letters, 1);
	ck_assert_int_eq(st.robots, 1);
	ck_assert_int_eq(st.sent, 0);
	ck_assert_int_eq(answers(id), 0);
}
END_TEST

START_TEST(test_unreachable_then_answered_once)
{
	struct mailrun_stats	 st;
	char			 id[128], *err = NULL;

	msgid(id, sizeof(id), "later");
	put("olga@example.org", id, "Как восстановить пароль от госуслуг?",
	    0);
	/* Nothing listens there: the pass fails and takes nothing. */
	cfg.imap_port = 1;
	ck_assert_int_eq(mailrun_once(&env, dbpath, &st, &err), -1);
	ck_assert_ptr_nonnull(err);
	free(err);
	ck_assert_int_eq(st.letters, 0);
	ck_assert_int_eq(answers(id), 0);
	/* The server is reachable again. */
	cfg.imap_port = imap_port;
	pass(&st);
	ck_assert_int_eq(st.letters, 1);
	ck_assert_int_eq(st.sent, 1);
	ck_assert_int_eq(answers(id), 1);
	pass(&st);
	ck_assert_int_eq(answers(id), 1);
}
END_TEST

Suite *
mailrun_suite(void)
{
	Suite	*s = suite_create("mailrun");
	TCase	*tc = tcase_create("imap");

	tcase_add_unchecked_fixture(tc, servers_start, servers_stop);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_answered_once);
	tcase_add_test(tc, test_robot_not_answered);
	tcase_add_test(tc, test_unreachable_then_answered_once);
	suite_add_tcase(s, tc);
	return s;
}
