/*
 * The mail suites' world (see mailfix.h).  The servers are started by the
 * shell functions the e2e tests use, so that the suites and the scripts
 * run the same dovecot and msmtpd configuration.
 */
#include "tests/agent/mailfix.h"

#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "agent/core/mailtables.h"
#include "lib/xmalloc.h"

/* The servers, for a whole test case. */
static char	 srvdir[64];
static int	 imap_port, smtp_port, smtp_pid, servers_up;

void
mailfix_servers_start(void)
{
	char	*cmd, *path;
	FILE	*f;

	snprintf(srvdir, sizeof(srvdir), "/tmp/hotline-mailsrv-XXXXXX");
	if (mkdtemp(srvdir) == NULL)
		abort();
	cmd = xasprintf("tmp=%s; . %s/tests/e2e/mailservers.sh; "
	    "mail_tools || exit 77; { dovecot_start && smtp_start; } "
	    ">%s/start.log 2>&1 || exit 1; echo $imap_port $smtp_port "
	    "$smtp_pid >%s/servers", srvdir, HOTLINE_SRCDIR, srvdir, srvdir);
	if (system(cmd) != 0) {
		fprintf(stderr, "mailfix: the mail servers did not start "
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

void
mailfix_servers_stop(void)
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
	fixture_rmtree(srvdir);
	servers_up = 0;
	smtp_pid = 0;
}

int
mailfix_imap_port(void)
{
	return imap_port;
}

/* An IMAP command with curl, as tests/e2e/mailservers.sh does; or, when
 * file is set, an APPEND of file to folder. */
static int
imap(const char *folder, const char *command, const char *file)
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

void
mailfix_setup(struct mailfix *m, const char *what)
{
	struct config	*cfg = &m->cfg;
	char		*err = NULL, *cmd;
	FILE		*f;
	char		 path[192];

	ck_assert_msg(servers_up, "the mail servers did not start");
	fixture_open(&m->f, what, 1);
	ck_assert_msg(mailtables_schema(m->f.db, &err) == 0, "%s", err);
	config_defaults(cfg);
	cfg->state_db = xstrdup(m->f.dbpath);
	cfg->data_dir = xstrdup(HOTLINE_SRCDIR);
	snprintf(m->folder, sizeof(m->folder), "T%s",
	    m->f.dir + strlen(m->f.dir) - 6);
	cmd = xasprintf("CREATE %s", m->folder);
	ck_assert_int_eq(imap(m->folder, cmd, NULL), 0);
	free(cmd);
	snprintf(path, sizeof(path), "%s/imap.secret", m->f.dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("secret\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0600), 0);
	cfg->imap_host = xstrdup("127.0.0.1");
	cfg->imap_port = imap_port;
	cfg->imap_security = xstrdup("none");
	cfg->imap_user = xstrdup("hotline");
	cfg->imap_password_file = xstrdup(path);
	cfg->imap_folder = xstrdup(m->folder);
	free(cfg->smtp_url);
	cfg->smtp_url = xasprintf("smtp://127.0.0.1:%d", smtp_port);
	context_init(&m->cx, cfg);
	ck_assert_ptr_nonnull(m->cx.brain = brain_load(cfg, m->f.db,
	    m->cx.data_dir, stderr));
}

void
mailfix_teardown(struct mailfix *m)
{
	context_clear(&m->cx);
	config_clear(&m->cfg);
	fixture_close(&m->f);
}

void
mailfix_put(const struct mailfix *m, const char *from, const char *id,
    const char *text, int robot)
{
	char	 path[192];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/letter.eml", m->f.dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "From: <%s>\r\nTo: support@hotline.test\r\nSubject: "
	    "=?UTF-8?B?0J/QsNGA0L7Qu9GM?=\r\nMessage-ID: <%s>\r\nDate: Mon, "
	    "7 Dec 2026 10:00:00 +0300\r\n%sMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n%s\r\n", from, id,
	    robot ? "Auto-Submitted: auto-replied\r\n" : "", text);
	fclose(f);
	ck_assert_int_eq(imap(m->folder, NULL, path), 0);
}

int
mailfix_answers(const char *id)
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

void
mailfix_msgid(const struct mailfix *m, char *buf, size_t sz,
    const char *what)
{
	snprintf(buf, sz, "%s.%s@example.org", what, m->folder);
}
