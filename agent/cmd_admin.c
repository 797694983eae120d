/*
 * The administrators' verbs: `operator add NAME --role ROLE` (the password
 * typed twice on a terminal, or one line on standard input), `operator
 * list`, `audit verify` (the journal's hash chain; exit 1 naming the first
 * edited or removed entry) and `retention run`.
 */
#include "agent/cmd.h"

#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "agent/audit.h"
#include "agent/operator.h"
#include "agent/paths.h"
#include "agent/retention.h"
#include "agent/serve.h"
#include "agent/state.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

static int
open_state(const struct config *cfg, sqlite3 **db_r, char **path_r)
{
	char	*path, *err = NULL;

	path = paths_state_db(cfg->state_db);
	if (state_open(path, db_r, &err) == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
		free(path);
		return -1;
	}
	if (path_r != NULL)
		*path_r = path;
	else
		free(path);
	return 0;
}

/* Reads one line into buf without its newline; with echo off on a tty. */
static int
read_line(const char *prompt, char *buf, size_t bufsz)
{
	struct termios	 old, quiet;
	int		 tty = isatty(0), ok;
	size_t		 len;

	if (tty) {
		fprintf(stderr, "%s", prompt);
		tcgetattr(0, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	ok = fgets(buf, (int)bufsz, stdin) != NULL;
	if (tty) {
		tcsetattr(0, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!ok)
		return -1;
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	return 0;
}

static int
operator_usage(void)
{
	fprintf(stderr, "usage: hotline operator add NAME --role "
	    "operator|senior|admin\n       hotline operator list\n");
	return 2;
}

int
cmd_operator_add(const struct config *cfg, int argc, char **argv)
{
	sqlite3	*db;
	char	 pw[OPERATOR_PASSWORD_MAX + 2], again[sizeof(pw)], *err = NULL;
	int	 rc;

	if (argc != 3 || strcmp(argv[1], "--role") != 0)
		return operator_usage();
	if (!operator_role_valid(argv[2])) {
		fprintf(stderr, "hotline: the role is operator, senior or "
		    "admin\n");
		return 2;
	}
	if (read_line("password: ", pw, sizeof(pw)) == -1) {
		fprintf(stderr, "hotline: no password given\n");
		return 1;
	}
	if (isatty(0) && (read_line("again: ", again, sizeof(again)) == -1 ||
	    strcmp(pw, again) != 0)) {
		fprintf(stderr, "hotline: the passwords differ\n");
		sodium_memzero(pw, sizeof(pw));
		return 1;
	}
	sodium_memzero(again, sizeof(again));
	if (open_state(cfg, &db, NULL) == -1)
		return 1;
	rc = operator_add(db, argv[0], argv[2], pw, time(NULL), &err);
	sodium_memzero(pw, sizeof(pw));
	if (rc == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	} else
		printf("operator %s (%s) added\n", argv[0], argv[2]);
	sqldb_close(&db);
	return rc == -1 ? 1 : 0;
}

int
cmd_operator_list(const struct config *cfg, int argc, char **argv)
{
	sqlite3	*db;
	char	*err = NULL;
	int	 rc;

	if (argc != 0)
		return operator_usage();
	if (open_state(cfg, &db, NULL) == -1)
		return 1;
	if ((rc = operator_list(db, stdout, &err)) == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	}
	sqldb_close(&db);
	return rc == -1 ? 1 : 0;
}

int
cmd_audit_verify(const struct config *cfg, int argc, char **argv)
{
	sqlite3	*db;
	char	*err = NULL, *what = NULL;
	int64_t	 n;
	int	 rc;

	if (open_state(cfg, &db, NULL) == -1)
		return 1;
	rc = audit_verify(db, &n, &what, &err);
	if (rc == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	} else if (rc == 1) {
		printf("journal: BROKEN: %s\n", what);
		free(what);
	} else
		printf("journal: %lld entries, chain intact\n", (long long)n);
	sqldb_close(&db);
	return rc == 0 ? 0 : 1;
}

int
cmd_retention_run(const struct config *cfg, int argc, char **argv)
{
	sqlite3	*db;
	char	*err = NULL, *path, *dir;
	int	 n;

	if (open_state(cfg, &db, &path) == -1)
		return 1;
	dir = serve_attach_dir(path);
	n = retention_run(db, dir, cfg->retention_days, time(NULL), &err);
	if (n == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	} else
		printf("retention: personal data removed from %d "
		    "conversation(s) closed over %d days ago\n", n,
		    cfg->retention_days);
	free(dir);
	free(path);
	sqldb_close(&db);
	return n == -1 ? 1 : 0;
}
