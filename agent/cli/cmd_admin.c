/*
 * The administrators' verbs: `operator add NAME --role ROLE [--display-name
 * NAME]` (the password typed twice on a terminal, or one line on standard
 * input; the display name is what citizens see), `operator
 * list`, `operator disable|enable|remove NAME`, `operator role NAME ROLE`,
 * `operator sessions NAME [--revoke]`, `audit verify` (the journal's keyed
 * chain and its checkpoints; exit 1 naming the first edited or removed
 * entry, a moved head or a dropped tail), `audit checkpoint` and
 * `retention run`.
 */
#include "agent/cli/cmd.h"

#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "agent/core/audit.h"
#include "agent/core/context.h"
#include "agent/core/limits.h"
#include "agent/core/operator.h"
#include "agent/core/paths.h"
#include "agent/core/retention.h"
#include "agent/core/state.h"
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
	    "operator|senior|admin [--display-name NAME]\n"
	    "       hotline operator list\n"
	    "       hotline operator disable|enable|remove NAME\n"
	    "       hotline operator role NAME operator|senior|admin\n"
	    "       hotline operator sessions NAME [--revoke]\n");
	return 2;
}

int
cmd_operator_add(const struct config *cfg, int argc, char **argv)
{
	sqlite3	*db;
	char	 pw[LIMIT_PASSWORD_BYTES + 2], again[sizeof(pw)], *err = NULL;
	const char	*display = NULL;
	int	 rc;

	if ((argc != 3 && argc != 5) || strcmp(argv[1], "--role") != 0)
		return operator_usage();
	/* The name citizens see; without one they see "оператор". */
	if (argc == 5) {
		if (strcmp(argv[3], "--display-name") != 0)
			return operator_usage();
		display = argv[4];
		if (!operator_display_name_valid(display)) {
			fprintf(stderr, "hotline: a display name is 1 to %d "
			    "characters of text\n", LIMIT_DISPLAY_NAME_CHARS);
			return 2;
		}
	}
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
	if (rc == 0 && display != NULL)
		rc = operator_set_display_name(db, argv[0], display, &err);
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
	if ((rc = operator_list(db, time(NULL), stdout, &err)) == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	}
	sqldb_close(&db);
	return rc == -1 ? 1 : 0;
}

/* The account changes, by verb. */
static const struct {
	const char		*verb;
	int			 argc;		/* NAME, or NAME ROLE */
	enum operator_change	 what;
	const char		*done;
} account_verbs[] = {
	{ "disable", 1, OPERATOR_DISABLE, "operator %s disabled" },
	{ "enable", 1, OPERATOR_ENABLE, "operator %s enabled" },
	{ "remove", 1, OPERATOR_REMOVE, "operator %s removed" },
	{ "role", 2, OPERATOR_ROLE, "operator %s is now %s" },
};

/* `operator disable|enable|remove NAME`, `operator role NAME ROLE`. */
static int
account_change(const struct config *cfg, const char *verb, int argc,
    char **argv)
{
	sqlite3		*db;
	const char	*role;
	char		*err = NULL;
	size_t		 i;
	int		 n;

	for (i = 0; strcmp(account_verbs[i].verb, verb) != 0; i++)
		continue;
	if (argc != account_verbs[i].argc)
		return operator_usage();
	role = argc > 1 ? argv[1] : "";
	if (open_state(cfg, &db, NULL) == -1)
		return 1;
	n = operator_change(db, argv[0], account_verbs[i].what, role,
	    time(NULL), &err);
	if (n == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	} else {
		printf(account_verbs[i].done, argv[0], role);
		printf(" (%d session(s) ended)\n", n);
	}
	sqldb_close(&db);
	return n == -1 ? 1 : 0;
}

int
cmd_operator_disable(const struct config *cfg, int argc, char **argv)
{
	return account_change(cfg, "disable", argc, argv);
}

int
cmd_operator_enable(const struct config *cfg, int argc, char **argv)
{
	return account_change(cfg, "enable", argc, argv);
}

int
cmd_operator_remove(const struct config *cfg, int argc, char **argv)
{
	return account_change(cfg, "remove", argc, argv);
}

int
cmd_operator_role(const struct config *cfg, int argc, char **argv)
{
	return account_change(cfg, "role", argc, argv);
}

int
cmd_operator_sessions(const struct config *cfg, int argc, char **argv)
{
	sqlite3	*db;
	char	*err = NULL;
	int	 revoke, n;

	revoke = argc == 2 && strcmp(argv[1], "--revoke") == 0;
	if (argc != 1 && !revoke)
		return operator_usage();
	if (open_state(cfg, &db, NULL) == -1)
		return 1;
	n = revoke ? operator_change(db, argv[0], OPERATOR_REVOKE, NULL,
	    time(NULL), &err) : operator_sessions(db, argv[0], time(NULL),
	    stdout, &err);
	if (n == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	} else if (revoke)
		printf("%d session(s) of %s revoked\n", n, argv[0]);
	sqldb_close(&db);
	return n == -1 ? 1 : 0;
}

/* The checkpoint file: the setting, or beside the state database. */
static char *
checkpoints_of(const struct config *cfg, const char *state_path)
{
	if (cfg->journal_checkpoints != NULL)
		return xstrdup(cfg->journal_checkpoints);
	return audit_checkpoints_path(state_path);
}

int
cmd_audit_verify(const struct config *cfg, int argc, char **argv)
{
	struct audit_report	 r;
	sqlite3			*db;
	char			*err = NULL, *what = NULL, *path, *cps;
	int			 rc;

	if (argc != 0) {
		fprintf(stderr, "usage: hotline audit verify\n");
		return 2;
	}
	if (open_state(cfg, &db, &path) == -1)
		return 1;
	cps = checkpoints_of(cfg, path);
	rc = audit_verify(db, cps, &r, &what, &err);
	if (rc == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	} else if (rc == 1) {
		printf("journal: BROKEN: %s\n", what);
		free(what);
	} else {
		printf("journal: %lld entries, chain intact", (long long)
		    r.entries);
		if (r.unkeyed > 0)
			printf("; entries 1 to %lld unkeyed (from before the "
			    "key), sealed by entry %lld", (long long)r.unkeyed,
			    (long long)r.unkeyed + 1);
		printf("; keyed (HMAC-SHA-256) from entry %lld\n",
		    (long long)r.unkeyed + 1);
		if (r.checkpoints > 0)
			printf("journal: matches the checkpoint of %s (%lld "
			    "entries), %lld checkpoint(s) in all\n",
			    r.checkpoint_at, (long long)r.checkpoint_entries,
			    (long long)r.checkpoints);
		else
			printf("journal: no checkpoint in %s yet (hotline "
			    "audit checkpoint): a dropped tail or an older "
			    "copy put back cannot be found\n", cps);
	}
	free(cps);
	free(path);
	sqldb_close(&db);
	return rc == 0 ? 0 : 1;
}

int
cmd_audit_checkpoint(const struct config *cfg, int argc, char **argv)
{
	sqlite3	*db;
	char	*err = NULL, *what = NULL, *line = NULL, *path, *cps;
	int	 rc;

	if (argc != 0) {
		fprintf(stderr, "usage: hotline audit checkpoint\n");
		return 2;
	}
	if (open_state(cfg, &db, &path) == -1)
		return 1;
	cps = checkpoints_of(cfg, path);
	rc = audit_checkpoint(db, cps, time(NULL), &line, &what, &err);
	if (rc == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	} else if (rc == 1) {
		printf("journal: BROKEN, no checkpoint written: %s\n", what);
		free(what);
	} else
		printf("%s: %s", cps, line);
	free(line);
	free(cps);
	free(path);
	sqldb_close(&db);
	return rc == 0 ? 0 : 1;
}

int
cmd_retention_run(const struct config *cfg, int argc, char **argv)
{
	sqlite3	*db;
	char	*err = NULL, *path, *dir;
	int	 n, u = 0;

	if (open_state(cfg, &db, &path) == -1)
		return 1;
	dir = context_attach_dir(path);
	n = retention_run(db, dir, cfg->retention_days, time(NULL), &err);
	/* The server's daily run does both; so does the verb for cron. */
	if (n != -1)
		u = retention_unopened(db, dir, cfg->unopened_attachment_days,
		    time(NULL), &err);
	if (n == -1 || u == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
		n = -1;
	} else
		printf("retention: personal data removed from %d "
		    "conversation(s) closed over %d days ago; files of %d "
		    "conversation(s) nobody opened in %d days\n", n,
		    cfg->retention_days, u, cfg->unopened_attachment_days);
	free(dir);
	free(path);
	sqldb_close(&db);
	return n == -1 ? 1 : 0;
}
