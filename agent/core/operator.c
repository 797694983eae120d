/*
 * Operator accounts: roles, names, adding, listing and changing them;
 * signing in and sessions are agent/core/operator_login.c.  Whatever
 * takes an account's rights away (logout, disable, a role change, removal,
 * revocation) deletes its sessions and bumps a revision that the server
 * watches to end the account's event streams.
 */
#include "agent/core/operator.h"
#include "agent/core/operator_impl.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "agent/core/audit.h"
#include "agent/core/limits.h"
#include "agent/core/queue.h"
#include "agent/core/state.h"
#include "agent/core/token.h"
#include "lib/sqldb.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

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
	/* Throttling instead of a lock anyone could renew; accounts that
	 * can be disabled; where a session came from; the revision of
	 * everyone's rights. */
	"ALTER TABLE operator DROP COLUMN failures;"
	"ALTER TABLE operator DROP COLUMN locked_until;"
	"ALTER TABLE operator ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE operator_session ADD COLUMN ip TEXT;"
	"CREATE INDEX operator_session_name ON operator_session (name);"
	"CREATE TABLE operator_throttle ("
	" name TEXT NOT NULL,"		/* '': any name */
	" ip TEXT NOT NULL,"		/* '': any address */
	" failures INTEGER NOT NULL,"
	" last INTEGER NOT NULL,"	/* the last failure */
	" until INTEGER NOT NULL,"	/* nothing is checked before */
	" PRIMARY KEY (name, ip));"
	"CREATE INDEX operator_throttle_last ON operator_throttle (last);"
	"CREATE TABLE operator_revision ("
	" one INTEGER PRIMARY KEY CHECK (one = 1),"
	" rev INTEGER NOT NULL);"
	"INSERT INTO operator_revision VALUES (1, 0);",
	/* The name citizens see instead of the login. */
	"ALTER TABLE operator ADD COLUMN display_name TEXT;",
};

int
operator_schema(sqlite3 *db, char **errstr_r)
{
	return sqldb_migrate(db, "operator", schema,
	    sizeof(schema) / sizeof(schema[0]), errstr_r);
}

int
operator_dberr(sqlite3 *db, char **errstr_r)
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

int
operator_name_valid(const char *name)
{
	size_t	i, len;

	len = strnlen(name, LIMIT_OPERATOR_NAME_BYTES + 1);
	if (len == 0 || len > LIMIT_OPERATOR_NAME_BYTES)
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
operator_display_name_valid(const char *display)
{
	size_t	i, n = 0, len;

	len = strnlen(display, 4 * LIMIT_DISPLAY_NAME_CHARS + 1);

	if (len == 0 || len > 4 * LIMIT_DISPLAY_NAME_CHARS ||
	    !text_is_valid_utf8(display, len))
		return 0;
	for (i = 0; i < len; i++) {
		if ((unsigned char)display[i] < 0x20 || display[i] == 0x7f)
			return 0;
		if (((unsigned char)display[i] & 0xc0) != 0x80)
			n++;
	}
	return n <= LIMIT_DISPLAY_NAME_CHARS;
}

int
operator_set_display_name(sqlite3 *db, const char *name, const char *display,
    char **errstr_r)
{
	if (display != NULL && !operator_display_name_valid(display)) {
		*errstr_r = xasprintf("operator: a display name is 1 to %d "
		    "characters of text", LIMIT_DISPLAY_NAME_CHARS);
		return -1;
	}
	return sqldb_done(db, sqldb_prep(db, errstr_r, "UPDATE operator SET "
	    "display_name = ?2 WHERE name = ?1", "tt", name, display),
	    errstr_r);
}

char *
operator_display_name(sqlite3 *db, const char *name)
{
	sqlite3_stmt	*st;
	const char	*s;
	char		*out = NULL, *err = NULL;

	st = sqldb_prep(db, &err, "SELECT display_name FROM operator WHERE "
	    "name = ?1", "t", name);
	free(err);
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW &&
	    (s = (const char *)sqlite3_column_text(st, 0)) != NULL &&
	    s[0] != '\0')
		out = xstrdup(s);
	sqlite3_finalize(st);
	return out;
}

/* "operator:name", the journal's actor; the caller frees it. */
char *
operator_actor(const char *name)
{
	return xasprintf("operator:%s", name);
}

/* Inside a write transaction: tells the server that rights changed. */
int
operator_bump(sqlite3 *db, char **errstr_r)
{
	return sqldb_done(db, sqldb_prep(db, errstr_r, "UPDATE "
	    "operator_revision SET rev = rev + 1", ""), errstr_r);
}

int
operator_add(sqlite3 *db, const char *name, const char *role,
    const char *password, time_t now, char **errstr_r)
{
	sqlite3_stmt	*st = NULL;
	char		 hash[crypto_pwhash_STRBYTES];
	size_t		 plen;
	int		 rc;

	if (!operator_name_valid(name)) {
		*errstr_r = xasprintf("operator: a name is 1 to %d of a-z, "
		    "0-9, '.', '_', '-'", LIMIT_OPERATOR_NAME_BYTES);
		return -1;
	}
	if (!operator_role_valid(role)) {
		*errstr_r = xstrdup("operator: the role is operator, senior "
		    "or admin");
		return -1;
	}
	plen = strnlen(password, LIMIT_PASSWORD_BYTES + 1);
	if (plen < LIMIT_PASSWORD_MIN_BYTES || plen > LIMIT_PASSWORD_BYTES) {
		*errstr_r = xasprintf("operator: a password is %d to %d bytes",
		    LIMIT_PASSWORD_MIN_BYTES, LIMIT_PASSWORD_BYTES);
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
	if ((st = sqldb_prep(db, NULL, "INSERT INTO operator (name, role, "
	    "hash, created) VALUES (?1, ?2, ?3, ?4)", "ttti", name, role, hash,
	    (int64_t)now)) == NULL) {
		operator_dberr(db, errstr_r);
		goto fail;
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
		*errstr_r = xasprintf("operator: %s exists already", name);
		goto fail;
	}
	if (rc != SQLITE_DONE) {
		operator_dberr(db, errstr_r);
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

	st = sqldb_prep(db, NULL, "SELECT count(*) FROM operator", "");
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return operator_dberr(db, errstr_r);
	}
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
day(time_t t, char buf[32])
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%d", &tm);
}

int
operator_list(sqlite3 *db, time_t now, FILE *fp, char **errstr_r)
{
	sqlite3_stmt	*st;
	const char	*name;
	char		 when[32];
	int64_t		 fails, until;
	int		 rc;

	if ((st = sqldb_prep(db, errstr_r, "SELECT o.name, o.role, "
	    "o.created, o.disabled, t.failures, t.until FROM operator o "
	    "LEFT JOIN operator_throttle t ON t.name = o.name AND t.ip = '' "
	    "AND t.last > ?1 ORDER BY o.name", "i",
	    (int64_t)now - OPERATOR_FORGET)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		day((time_t)sqlite3_column_int64(st, 2), when);
		fails = sqlite3_column_int64(st, 4);
		until = sqlite3_column_int64(st, 5);
		fprintf(fp, "%-32s %-8s %-8s created %s",
		    (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_int(st, 3) ? "disabled" : "active", when);
		if (fails > 0)
			fprintf(fp, ", %" PRId64 " failed sign-ins in %d h",
			    fails, OPERATOR_FORGET / 3600);
		if (until > now)
			fprintf(fp, ", failing addresses wait %" PRId64 " s",
			    until - (int64_t)now);
		fputc('\n', fp);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return operator_dberr(db, errstr_r);
	/* Addresses that wait now: on every name, or on one. */
	if ((st = sqldb_prep(db, errstr_r, "SELECT ip, name, failures, until "
	    "FROM operator_throttle WHERE ip <> '' AND until > ?1 ORDER BY "
	    "ip, name", "i", (int64_t)now)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 1);
		fprintf(fp, "address %s%s%s: %" PRId64 " failed sign-ins, "
		    "waits %" PRId64 " s\n",
		    (const char *)sqlite3_column_text(st, 0),
		    name[0] != '\0' ? " on " : "", name,
		    (int64_t)sqlite3_column_int64(st, 2),
		    (int64_t)sqlite3_column_int64(st, 3) - (int64_t)now);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return operator_dberr(db, errstr_r);
	return 0;
}

/* Inside a write transaction: whether account name exists (1, 0, -1). */
int
operator_exists(sqlite3 *db, const char *name, char **errstr_r)
{
	int64_t	n = 0;

	if (sqldb_one_int(db, sqldb_prep(db, errstr_r, "SELECT count(*) FROM "
	    "operator WHERE name = ?1", "t", name), &n, errstr_r) == -1)
		return -1;
	if (n == 0)
		*errstr_r = xasprintf("operator: no account %s", name);
	return n > 0;
}

/* Each change: its journal entry, its statement (?1 the name, ?2 the
 * role; a parameter a statement lacks is bound to no effect), and
 * whether the account's items go back to the queue.  Every change ends
 * the account's sessions, and with them its event streams. */
static const struct {
	const char	*action;
	const char	*sql;
	int		 unassign;
} changes[] = {
	[OPERATOR_DISABLE] = { "operator disable", "UPDATE operator SET "
	    "disabled = 1 WHERE name = ?1", 1 },
	[OPERATOR_ENABLE] = { "operator enable", "UPDATE operator SET "
	    "disabled = 0 WHERE name = ?1", 0 },
	[OPERATOR_ROLE] = { "operator role", "UPDATE operator SET role = ?2 "
	    "WHERE name = ?1", 0 },
	[OPERATOR_REMOVE] = { "operator remove", "DELETE FROM operator "
	    "WHERE name = ?1", 1 },
	[OPERATOR_REVOKE] = { "operator sessions revoked", NULL, 0 },
};

int
operator_change(sqlite3 *db, const char *name, enum operator_change what,
    const char *role, time_t now, char **errstr_r)
{
	char	*detail;
	int64_t	 n = 0;
	int	 rc;

	if (what != OPERATOR_ROLE)
		role = NULL;
	else if (!operator_role_valid(role)) {
		*errstr_r = xstrdup("operator: the role is operator, senior "
		    "or admin");
		return -1;
	}
	if (state_begin(db, errstr_r) == -1)
		return -1;
	if (operator_exists(db, name, errstr_r) != 1)
		goto fail;
	/* Sessions first: they refer to the account. */
	if (sqldb_one_int(db, sqldb_prep(db, errstr_r, "SELECT count(*) FROM "
	    "operator_session WHERE name = ?1", "t", name), &n,
	    errstr_r) == -1 || sqldb_done(db, sqldb_prep(db, errstr_r,
	    "DELETE FROM operator_session WHERE name = ?1", "t", name),
	    errstr_r) == -1 || operator_bump(db, errstr_r) == -1)
		goto fail;
	detail = xasprintf("%s%s%s, %" PRId64 " session(s) ended", name,
	    role != NULL ? " -> " : "", role != NULL ? role : "", n);
	rc = audit_append(db, "system", changes[what].action, 0, NULL,
	    detail, now, errstr_r);
	free(detail);
	if (rc == -1)
		goto fail;
	if (changes[what].unassign) {
		detail = xasprintf("%s: %s", changes[what].action, name);
		rc = queue_unassign(db, name, detail, now, errstr_r);
		free(detail);
		if (rc == -1)
			goto fail;
	}
	if (what == OPERATOR_REMOVE && sqldb_done(db, sqldb_prep(db, errstr_r,
	    "DELETE FROM operator_throttle WHERE name = ?1", "t", name),
	    errstr_r) == -1)
		goto fail;
	if (changes[what].sql != NULL && sqldb_done(db, sqldb_prep(db,
	    errstr_r, changes[what].sql, "tt", name, role), errstr_r) == -1)
		goto fail;
	if (state_commit(db, errstr_r) == -1)
		return -1;
	return (int)n;
fail:
	state_rollback(db);
	return -1;
}

int
operator_sessions(sqlite3 *db, const char *name, time_t now, FILE *fp,
    char **errstr_r)
{
	sqlite3_stmt	*st;
	char		 from[32], to[32];
	struct tm	 tm;
	time_t		 t;
	int		 rc, n = 0;

	if ((st = sqldb_prep(db, errstr_r, "SELECT created, expires, "
	    "coalesce(ip, '-') FROM operator_session WHERE name = ?1 AND "
	    "expires > ?2 ORDER BY created", "ti", name, (int64_t)now)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t = (time_t)sqlite3_column_int64(st, 0);
		gmtime_r(&t, &tm);
		strftime(from, sizeof(from), "%Y-%m-%d %H:%M:%S UTC", &tm);
		t = (time_t)sqlite3_column_int64(st, 1);
		gmtime_r(&t, &tm);
		strftime(to, sizeof(to), "%Y-%m-%d %H:%M:%S UTC", &tm);
		fprintf(fp, "%s: signed in %s from %s, expires %s\n", name,
		    from, (const char *)sqlite3_column_text(st, 2), to);
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return operator_dberr(db, errstr_r);
	return n;
}

int
operator_revision(sqlite3 *db, int64_t *rev_r, char **errstr_r)
{
	return sqldb_one_int(db, sqldb_prep(db, errstr_r, "SELECT rev FROM "
	    "operator_revision", ""), rev_r, errstr_r) == 1 ? 0 : -1;
}
