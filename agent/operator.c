/*
 * Operator accounts and sessions.  Passwords are hashed with argon2id at
 * libsodium's INTERACTIVE limits (crypto_pwhash_str); the slow check runs
 * outside the write lock.  OPERATOR_FAILURES_MAX failures in a row lock the
 * account for OPERATOR_LOCKOUT seconds, during which even the right
 * password is refused.  A session is a row keyed by the hash of its cookie
 * with an expiry and the CSRF token that every operator POST must echo.
 */
#include "agent/operator.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "agent/audit.h"
#include "agent/state.h"
#include "agent/token.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

#define XSTR(x)	STR(x)
#define STR(x)	#x

static const char *const roles[] = { "operator", "senior", "admin" };

#define NROLES	(sizeof(roles) / sizeof(roles[0]))

static const char *const schema[] = {
	"CREATE TABLE operator ("
	" name TEXT PRIMARY KEY,"
	" role TEXT NOT NULL CHECK (role IN ('operator', 'senior', 'admin')),"
	" hash TEXT NOT NULL,"
	" failures INTEGER NOT NULL DEFAULT 0,"
	" locked_until INTEGER NOT NULL DEFAULT 0,"
	" created INTEGER NOT NULL);"
	"CREATE TABLE operator_session ("
	" token_hash BLOB PRIMARY KEY,"
	" name TEXT NOT NULL REFERENCES operator (name),"
	" csrf TEXT NOT NULL,"
	" created INTEGER NOT NULL,"
	" expires INTEGER NOT NULL);",
};

int
operator_schema(sqlite3 *db, char **errstr_r)
{
	return sqldb_migrate(db, "operator", schema,
	    sizeof(schema) / sizeof(schema[0]), errstr_r);
}

static int
dberr(sqlite3 *db, char **errstr_r)
{
	*errstr_r = xasprintf("operator: sqlite: %s", sqlite3_errmsg(db));
	return -1;
}

unsigned
operator_role_bit(const char *role)
{
	size_t	i;

	/* roles[i] has bit 1 << i. */
	for (i = 0; role != NULL && i < NROLES; i++)
		if (strcmp(roles[i], role) == 0)
			return 1u << i;
	return 0;
}

int
operator_role_valid(const char *role)
{
	return operator_role_bit(role) != 0;
}

static int
name_valid(const char *name)
{
	size_t	i, len;

	len = strnlen(name, OPERATOR_NAME_MAX + 1);
	if (len == 0 || len > OPERATOR_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		if ((name[i] < 'a' || name[i] > 'z') &&
		    (name[i] < '0' || name[i] > '9') && name[i] != '.' &&
		    name[i] != '_' && name[i] != '-')
			return 0;
	}
	return 1;
}

int
operator_add(sqlite3 *db, const char *name, const char *role,
    const char *password, time_t now, char **errstr_r)
{
	sqlite3_stmt	*st = NULL;
	char		 hash[crypto_pwhash_STRBYTES];
	size_t		 plen;
	int		 rc;

	if (!name_valid(name)) {
		*errstr_r = xasprintf("operator: a name is 1 to %d of a-z, "
		    "0-9, '.', '_', '-'", OPERATOR_NAME_MAX);
		return -1;
	}
	if (!operator_role_valid(role)) {
		*errstr_r = xstrdup("operator: the role is operator, senior "
		    "or admin");
		return -1;
	}
	plen = strnlen(password, OPERATOR_PASSWORD_MAX + 1);
	if (plen < OPERATOR_PASSWORD_MIN || plen > OPERATOR_PASSWORD_MAX) {
		*errstr_r = xasprintf("operator: a password is %d to %d bytes",
		    OPERATOR_PASSWORD_MIN, OPERATOR_PASSWORD_MAX);
		return -1;
	}
	if (sodium_init() < 0 || crypto_pwhash_str(hash, password, plen,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		*errstr_r = xstrdup("operator: out of memory hashing the "
		    "password");
		return -1;
	}
	if (state_begin(db, errstr_r) == -1)
		return -1;
	if (sqlite3_prepare_v2(db, "INSERT INTO operator (name, role, hash, "
	    "created) VALUES (?1, ?2, ?3, ?4)", -1, &st, NULL) != SQLITE_OK) {
		dberr(db, errstr_r);
		goto fail;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
		*errstr_r = xasprintf("operator: %s exists already", name);
		goto fail;
	}
	if (rc != SQLITE_DONE) {
		dberr(db, errstr_r);
		goto fail;
	}
	if (audit_append(db, "system", "operator add", 0, NULL, name, now,
	    errstr_r) == -1)
		goto fail;
	return state_commit(db, errstr_r);
fail:
	state_rollback(db);
	return -1;
}

int
operator_count(sqlite3 *db, char **errstr_r)
{
	sqlite3_stmt	*st;
	int		 n;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM operator", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return dberr(db, errstr_r);
	}
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

int
operator_list(sqlite3 *db, FILE *fp, char **errstr_r)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT name, role, created, locked_until "
	    "> strftime('%s', 'now') FROM operator ORDER BY name", -1, &st,
	    NULL) != SQLITE_OK)
		return dberr(db, errstr_r);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fprintf(fp, "%-32s %-8s created %" PRId64 "%s\n",
		    (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (int64_t)sqlite3_column_int64(st, 2),
		    sqlite3_column_int(st, 3) ? " locked" : "");
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return dberr(db, errstr_r);
	return 0;
}

/* Reads name's hash, role and lock; 1 found, 0 unknown, -1 error. */
static int
read_account(sqlite3 *db, const char *name, char *hash, size_t hashsz,
    char *role, size_t rolesz, int64_t *locked_r, char **errstr_r)
{
	sqlite3_stmt	*st;
	const char	*h, *r;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT hash, role, locked_until FROM "
	    "operator WHERE name = ?1", -1, &st, NULL) != SQLITE_OK)
		return dberr(db, errstr_r);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		h = (const char *)sqlite3_column_text(st, 0);
		r = (const char *)sqlite3_column_text(st, 1);
		snprintf(hash, hashsz, "%s", h != NULL ? h : "");
		snprintf(role, rolesz, "%s", r != NULL ? r : "");
		*locked_r = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return dberr(db, errstr_r);
}

static int
exec_bound(sqlite3 *db, const char *sql, const char *name, int64_t a,
    char **errstr_r)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return dberr(db, errstr_r);
	/* A parameter the statement lacks is SQLITE_RANGE: no harm. */
	if (name != NULL)
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, a);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return dberr(db, errstr_r);
	return 0;
}

/* Counts a failure; the OPERATOR_FAILURES_MAX-th locks the account. */
static int
record_failure(sqlite3 *db, const char *name, const char *ip, time_t now,
    char **errstr_r)
{
	char	*detail;
	int	 rc;

	if (state_begin(db, errstr_r) == -1)
		return -1;
	detail = xasprintf("%s from %s", name, ip != NULL ? ip : "-");
	rc = exec_bound(db, "UPDATE operator SET failures = failures + 1 "
	    "WHERE name = ?1", name, 0, errstr_r);
	if (rc == 0)
		rc = exec_bound(db, "UPDATE operator SET locked_until = ?2, "
		    "failures = 0 WHERE name = ?1 AND failures >= "
		    XSTR(OPERATOR_FAILURES_MAX), name,
		    (int64_t)now + OPERATOR_LOCKOUT, errstr_r);
	if (rc == 0)
		rc = audit_append(db, "system", "failed login", 0, NULL,
		    detail, now, errstr_r);
	free(detail);
	if (rc == -1) {
		state_rollback(db);
		return -1;
	}
	return state_commit(db, errstr_r);
}

int
operator_login(sqlite3 *db, const char *name, const char *password,
    const char *ip, time_t now, char token_r[OPERATOR_TOKEN_MAX],
    struct operator_session *s, int *status_r, int *retry_r,
    char **errstr_r)
{
	sqlite3_stmt	*st = NULL;
	unsigned char	 th[TOKEN_HASH_LEN];
	char		 hash[crypto_pwhash_STRBYTES], role[16], *actor;
	int64_t		 locked = 0;
	int		 found;

	*status_r = 500;
	*retry_r = 0;
	if (!name_valid(name) || password == NULL ||
	    strnlen(password, OPERATOR_PASSWORD_MAX + 1) >
	    OPERATOR_PASSWORD_MAX) {
		*status_r = 401;
		*errstr_r = xstrdup("wrong name or password");
		return -1;
	}
	if ((found = read_account(db, name, hash, sizeof(hash), role,
	    sizeof(role), &locked, errstr_r)) == -1)
		return -1;
	if (found && locked > now) {
		*status_r = 429;
		*retry_r = (int)(locked - now);
		*errstr_r = xasprintf("too many failed sign-ins: try again in "
		    "%d minutes", (*retry_r + 59) / 60);
		return -1;
	}
	if (!found || crypto_pwhash_str_verify(hash, password,
	    strlen(password)) != 0) {
		if (found && record_failure(db, name, ip, now,
		    errstr_r) == -1)
			return -1;
		*status_r = 401;
		*errstr_r = xstrdup("wrong name or password");
		return -1;
	}

	token_new(token_r);
	token_hash(token_r, strlen(token_r), th);
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->role, sizeof(s->role), "%s", role);
	token_new(s->csrf);
	if (state_begin(db, errstr_r) == -1)
		return -1;
	if (sqlite3_prepare_v2(db, "INSERT INTO operator_session (token_hash, "
	    "name, csrf, created, expires) VALUES (?1, ?2, ?3, ?4, ?5)", -1,
	    &st, NULL) != SQLITE_OK)
		goto dbfail;
	sqlite3_bind_blob(st, 1, th, sizeof(th), SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, s->csrf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now + OPERATOR_SESSION_TTL);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dbfail;
	sqlite3_finalize(st);
	st = NULL;
	if (exec_bound(db, "UPDATE operator SET failures = 0 WHERE name = ?1",
	    name, 0, errstr_r) == -1)
		goto fail;
	/* Expired sessions go as new ones come. */
	if (exec_bound(db, "DELETE FROM operator_session WHERE expires < ?2",
	    NULL, now, errstr_r) == -1)
		goto fail;
	actor = xasprintf("operator:%s", name);
	if (audit_append(db, actor, "login", 0, NULL, ip, now,
	    errstr_r) == -1) {
		free(actor);
		goto fail;
	}
	free(actor);
	if (state_commit(db, errstr_r) == -1)
		return -1;
	*status_r = 200;
	return 0;
dbfail:
	dberr(db, errstr_r);
fail:
	sqlite3_finalize(st);
	state_rollback(db);
	return -1;
}

int
operator_auth(sqlite3 *db, const char *token, time_t now,
    struct operator_session *s, char **errstr_r)
{
	sqlite3_stmt	*st;
	unsigned char	 th[TOKEN_HASH_LEN];
	int		 rc;

	if (token == NULL || !token_valid(token, strlen(token)))
		return 0;
	token_hash(token, strlen(token), th);
	if (sqlite3_prepare_v2(db, "SELECT s.name, o.role, s.csrf FROM "
	    "operator_session s JOIN operator o ON o.name = s.name WHERE "
	    "s.token_hash = ?1 AND s.expires > ?2", -1, &st,
	    NULL) != SQLITE_OK)
		return dberr(db, errstr_r);
	sqlite3_bind_blob(st, 1, th, sizeof(th), SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(s, 0, sizeof(*s));
		snprintf(s->name, sizeof(s->name), "%s",
		    (const char *)sqlite3_column_text(st, 0));
		snprintf(s->role, sizeof(s->role), "%s",
		    (const char *)sqlite3_column_text(st, 1));
		snprintf(s->csrf, sizeof(s->csrf), "%s",
		    (const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return dberr(db, errstr_r);
}

int
operator_logout(sqlite3 *db, const char *token, time_t now, char **errstr_r)
{
	sqlite3_stmt			*st;
	struct operator_session		 s;
	unsigned char			 th[TOKEN_HASH_LEN];
	char				*actor;
	int				 rc;

	if ((rc = operator_auth(db, token, now, &s, errstr_r)) <= 0)
		return rc;
	token_hash(token, strlen(token), th);
	if (state_begin(db, errstr_r) == -1)
		return -1;
	if (sqlite3_prepare_v2(db, "DELETE FROM operator_session WHERE "
	    "token_hash = ?1", -1, &st, NULL) != SQLITE_OK) {
		dberr(db, errstr_r);
		state_rollback(db);
		return -1;
	}
	sqlite3_bind_blob(st, 1, th, sizeof(th), SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	actor = xasprintf("operator:%s", s.name);
	if (rc != SQLITE_DONE) {
		dberr(db, errstr_r);
		rc = -1;
	} else
		rc = audit_append(db, actor, "logout", 0, NULL, NULL, now,
		    errstr_r);
	free(actor);
	if (rc == -1) {
		state_rollback(db);
		return -1;
	}
	return state_commit(db, errstr_r);
}

int
operator_csrf_ok(const struct operator_session *s, const char *given)
{
	size_t	len;

	if (given == NULL)
		return 0;
	len = strlen(s->csrf);
	if (len != TOKEN_LEN || strlen(given) != len)
		return 0;
	return sodium_memcmp(s->csrf, given, len) == 0;
}
