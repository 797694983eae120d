/*
 * Operator accounts and sessions.  Passwords are hashed with argon2id at
 * libsodium's INTERACTIVE limits (crypto_pwhash_str); the slow check runs
 * outside the write lock, and an unknown name is checked against a dummy
 * hash so that it costs what a known one does.  Failed sign-ins are
 * counted per address, per name from an address and per name, each with
 * a pause that doubles with every failure past its free ones; the per-name
 * pause holds back only addresses that have failed on that name, so a
 * stranger cannot keep an operator out.  A session is a row keyed by the
 * hash of its cookie with an expiry and the CSRF token that every
 * operator POST must echo.  Whatever takes an account's rights away
 * (logout, disable, a role change, removal, revocation) deletes its
 * sessions and bumps a revision that the server watches to end the
 * account's event streams.
 */
#include "agent/core/operator.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "agent/core/audit.h"
#include "agent/core/limits.h"
#include "agent/core/queue.h"
#include "agent/core/state.h"
#include "agent/core/token.h"
#include "lib/log.h"
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

/* The three counters of a sign-in from ip for name: which row, and the
 * failures it allows before its first pause. */
static const struct counter {
	const char	*what;
	int		 by_name;
	int		 by_ip;
	int		 free;
} counters[] = {
	{ "by the address", 0, 1, OPERATOR_FREE_ADDRESS },
	{ "on the name from the address", 1, 1, OPERATOR_FREE_PAIR },
	{ "on the name", 1, 0, OPERATOR_FREE_NAME },
};

#define NCOUNTERS	(sizeof(counters) / sizeof(counters[0]))

static pthread_once_t	dummy_once = PTHREAD_ONCE_INIT;
static atomic_int	checks_running;	/* password checks under way */
static char		dummy_hash[crypto_pwhash_STRBYTES];

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
static char *
actor_of(const char *name)
{
	return xasprintf("operator:%s", name);
}

/* Inside a write transaction: tells the server that rights changed. */
static int
bump(sqlite3 *db, char **errstr_r)
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

	if (!name_valid(name)) {
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
		dberr(db, errstr_r);
		goto fail;
	}
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

	st = sqldb_prep(db, NULL, "SELECT count(*) FROM operator", "");
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return dberr(db, errstr_r);
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
		return dberr(db, errstr_r);
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
		return dberr(db, errstr_r);
	return 0;
}

/* The pause after failures failures of a counter that allows free. */
static int64_t
pause_after(int64_t failures, int free)
{
	int64_t	over = failures - free;

	if (over < 0)
		return 0;
	/* Past the cap long before the shift could overflow. */
	if (over >= 20 || ((int64_t)OPERATOR_PAUSE_FIRST << over) >
	    OPERATOR_PAUSE_MAX)
		return OPERATOR_PAUSE_MAX;
	return (int64_t)OPERATOR_PAUSE_FIRST << over;
}

/*
 * Seconds that a sign-in for name from ip must still wait, 0 for none:
 * the address's pause, the pause of name from this address, and name's
 * own pause when this address has failed on it lately (a new address is
 * not held back by what others did).  -1 with *errstr_r.
 */
static int64_t
throttle_wait(sqlite3 *db, const char *name, const char *ip, time_t now,
    char **errstr_r)
{
	int64_t	until = 0;

	if (sqldb_one_int(db, sqldb_prep(db, errstr_r, "SELECT "
	    "coalesce(max(until), 0) FROM operator_throttle t WHERE "
	    "(t.name = '' AND t.ip = ?2) OR (t.name = ?1 AND t.ip = ?2) OR "
	    "(t.name = ?1 AND t.ip = '' AND EXISTS (SELECT 1 FROM "
	    "operator_throttle p WHERE p.name = ?1 AND p.ip = ?2 AND "
	    "p.last > ?3))", "tti", name, ip, (int64_t)now - OPERATOR_FORGET),
	    &until, errstr_r) == -1)
		return -1;
	return until > now ? until - (int64_t)now : 0;
}

/*
 * Inside a write transaction: counts a failed sign-in for name from ip on
 * each counter and sets its pause; a counter quiet for OPERATOR_FORGET
 * starts again.  Logs when a pause begins.  Returns 0 or -1.
 */
static int
throttle_fail(sqlite3 *db, const char *name, const char *ip, time_t now,
    char **errstr_r)
{
	int64_t	failures[NCOUNTERS], pause, longest = 0;
	size_t	i, worst = 0;

	for (i = 0; i < NCOUNTERS; i++) {
		if (sqldb_one_int(db, sqldb_prep(db, errstr_r, "INSERT INTO "
		    "operator_throttle (name, ip, failures, last, until) "
		    "VALUES (?1, ?2, 1, ?3, 0) ON CONFLICT (name, ip) DO "
		    "UPDATE SET failures = CASE WHEN last <= ?4 THEN 1 ELSE "
		    "failures + 1 END, last = ?3 RETURNING failures", "ttii",
		    counters[i].by_name ? name : "",
		    counters[i].by_ip ? ip : "", (int64_t)now,
		    (int64_t)now - OPERATOR_FORGET), &failures[i],
		    errstr_r) != 1)
			return -1;
		pause = pause_after(failures[i], counters[i].free);
		if (sqldb_done(db, sqldb_prep(db, errstr_r, "UPDATE "
		    "operator_throttle SET until = ?3 WHERE name = ?1 AND "
		    "ip = ?2", "tti", counters[i].by_name ? name : "",
		    counters[i].by_ip ? ip : "", (int64_t)now + pause),
		    errstr_r) == -1)
			return -1;
		if (pause > longest) {
			longest = pause;
			worst = i;
		}
	}
	if (longest > 0)
		log_msg(LOG_WARN, "operator sign-in: %s throttled for %" PRId64
		    " s after %" PRId64 " failures (%s); it failed %" PRId64
		    " times on all names, %" PRId64 " on %s, which failed %"
		    PRId64 " times from all addresses", ip, longest,
		    failures[worst], counters[worst].what, failures[0],
		    failures[1], name, failures[2]);
	/* Counters quiet for long are forgotten as new failures come. */
	return sqldb_done(db, sqldb_prep(db, errstr_r, "DELETE FROM "
	    "operator_throttle WHERE last <= ?1", "i", (int64_t)now -
	    OPERATOR_FORGET), errstr_r);
}

/* Records a failed sign-in: counters and the journal. */
static int
record_failure(sqlite3 *db, const char *name, const char *ip, time_t now,
    char **errstr_r)
{
	char	*detail;
	int	 rc;

	if (state_begin(db, errstr_r) == -1)
		return -1;
	detail = xasprintf("%s from %s", name, ip);
	rc = throttle_fail(db, name, ip, now, errstr_r);
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

/* The hash an unknown name is checked against: of a random password,
 * made once, at the limits of real ones. */
static void
make_dummy(void)
{
	unsigned char	pw[24];

	randombytes_buf(pw, sizeof(pw));
	if (crypto_pwhash_str(dummy_hash, (const char *)pw, sizeof(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		abort();
}

/* Reads name's hash, role and whether it is disabled; 1 found, 0 unknown,
 * -1 error. */
static int
read_account(sqlite3 *db, const char *name, char *hash, size_t hashsz,
    char *role, size_t rolesz, int *disabled_r, char **errstr_r)
{
	sqlite3_stmt	*st;
	const char	*h, *r;
	int		 rc;

	if ((st = sqldb_prep(db, errstr_r, "SELECT hash, role, disabled FROM "
	    "operator WHERE name = ?1", "t", name)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		h = (const char *)sqlite3_column_text(st, 0);
		r = (const char *)sqlite3_column_text(st, 1);
		snprintf(hash, hashsz, "%s", h != NULL ? h : "");
		snprintf(role, rolesz, "%s", r != NULL ? r : "");
		*disabled_r = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return dberr(db, errstr_r);
}

/* Inside a write transaction: a new session for s->name from ip. */
static int
new_session(sqlite3 *db, const char *ip, time_t now,
    char token_r[OPERATOR_TOKEN_MAX], struct operator_session *s,
    char **errstr_r)
{
	unsigned char	th[TOKEN_HASH_LEN];
	char		*actor;
	int		 rc;

	token_new(token_r);
	token_hash(token_r, strlen(token_r), th);
	token_new(s->csrf);
	rc = sqldb_done(db, sqldb_prep(db, errstr_r, "INSERT INTO "
	    "operator_session (token_hash, name, csrf, created, expires, ip) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "bttiit", th, sizeof(th),
	    s->name, s->csrf, (int64_t)now,
	    (int64_t)now + OPERATOR_SESSION_TTL, ip), errstr_r);
	/* This address has proved itself for this name. */
	if (rc == 0)
		rc = sqldb_done(db, sqldb_prep(db, errstr_r, "DELETE FROM "
		    "operator_throttle WHERE name = ?1 AND ip = ?2", "tt",
		    s->name, ip), errstr_r);
	/* Expired sessions go as new ones come. */
	if (rc == 0)
		rc = sqldb_done(db, sqldb_prep(db, errstr_r, "DELETE FROM "
		    "operator_session WHERE expires < ?1", "i", (int64_t)now),
		    errstr_r);
	if (rc == 0) {
		actor = actor_of(s->name);
		rc = audit_append(db, actor, "login", 0, NULL, ip, now,
		    errstr_r);
		free(actor);
	}
	return rc;
}

int
operator_login(sqlite3 *db, const char *name, const char *password,
    const char *ip, time_t now, char token_r[OPERATOR_TOKEN_MAX],
    struct operator_session *s, enum core_err *err_r, int *retry_r,
    char **errstr_r)
{
	char		 hash[crypto_pwhash_STRBYTES], role[16];
	int64_t		 wait;
	int		 found, disabled = 0, right;

	*err_r = CORE_DATABASE;
	*retry_r = 0;
	if (ip == NULL || *ip == '\0')
		ip = "-";
	if (!name_valid(name) || password == NULL ||
	    strnlen(password, LIMIT_PASSWORD_BYTES + 1) >
	    LIMIT_PASSWORD_BYTES) {
		*err_r = CORE_UNAUTHORIZED;
		*errstr_r = xstrdup("wrong name or password");
		return -1;
	}
	if ((wait = throttle_wait(db, name, ip, now, errstr_r)) == -1)
		return -1;
	if (wait > 0) {
		*err_r = CORE_TOO_MANY;
		*retry_r = (int)wait;
		*errstr_r = xasprintf("too many failed sign-ins: try again in "
		    "%d s", *retry_r);
		return -1;
	}
	if ((found = read_account(db, name, hash, sizeof(hash), role,
	    sizeof(role), &disabled, errstr_r)) == -1)
		return -1;
	if (sodium_init() < 0 || pthread_once(&dummy_once, make_dummy) != 0)
		abort();
	if (atomic_fetch_add(&checks_running, 1) >= LIMIT_PASSWORD_CHECKS) {
		atomic_fetch_sub(&checks_running, 1);
		*err_r = CORE_BUSY;
		*retry_r = 1;
		*errstr_r = xstrdup("busy: try again in a second");
		return -1;
	}
	/* The same work whether or not the name exists. */
	right = crypto_pwhash_str_verify(found ? hash : dummy_hash, password,
	    strlen(password)) == 0 && found;
	atomic_fetch_sub(&checks_running, 1);
	if (!right) {
		if (record_failure(db, name, ip, now, errstr_r) == -1)
			return -1;
		*err_r = CORE_UNAUTHORIZED;
		*errstr_r = xstrdup("wrong name or password");
		return -1;
	}
	if (disabled) {
		/* Told apart from a wrong password in the journal only. */
		if (state_begin(db, errstr_r) == -1)
			return -1;
		if (audit_append(db, "system", "login refused: disabled", 0,
		    NULL, name, now, errstr_r) == -1) {
			state_rollback(db);
			return -1;
		}
		if (state_commit(db, errstr_r) == -1)
			return -1;
		*err_r = CORE_UNAUTHORIZED;
		*errstr_r = xstrdup("wrong name or password");
		return -1;
	}
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->role, sizeof(s->role), "%s", role);
	if (state_begin(db, errstr_r) == -1)
		return -1;
	if (new_session(db, ip, now, token_r, s, errstr_r) == -1) {
		state_rollback(db);
		return -1;
	}
	if (state_commit(db, errstr_r) == -1)
		return -1;
	*err_r = CORE_OK;
	return 0;
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
	if ((st = sqldb_prep(db, NULL, "SELECT s.name, o.role, s.csrf FROM "
	    "operator_session s JOIN operator o ON o.name = s.name WHERE "
	    "s.token_hash = ?1 AND s.expires > ?2 AND o.disabled = 0", "bi",
	    th, sizeof(th), (int64_t)now)) == NULL)
		return dberr(db, errstr_r);
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
operator_session_live(sqlite3 *db, const unsigned char th[TOKEN_HASH_LEN],
    time_t now, char **errstr_r)
{
	int64_t	n = 0;

	if (sqldb_one_int(db, sqldb_prep(db, errstr_r, "SELECT count(*) FROM "
	    "operator_session s JOIN operator o ON o.name = s.name WHERE "
	    "s.token_hash = ?1 AND s.expires > ?2 AND o.disabled = 0", "bi",
	    th, (size_t)TOKEN_HASH_LEN, (int64_t)now), &n, errstr_r) == -1)
		return -1;
	return n > 0;
}

int
operator_logout(sqlite3 *db, const char *token, time_t now, char **errstr_r)
{
	struct operator_session		 s;
	unsigned char			 th[TOKEN_HASH_LEN];
	char				*actor;
	int				 rc;

	if ((rc = operator_auth(db, token, now, &s, errstr_r)) <= 0)
		return rc;
	token_hash(token, strlen(token), th);
	if (state_begin(db, errstr_r) == -1)
		return -1;
	actor = actor_of(s.name);
	rc = sqldb_done(db, sqldb_prep(db, errstr_r, "DELETE FROM "
	    "operator_session WHERE token_hash = ?1", "b", th, sizeof(th)),
	    errstr_r);
	if (rc == 0)
		rc = bump(db, errstr_r);
	if (rc == 0)
		rc = audit_append(db, actor, "logout", 0, NULL, NULL, now,
		    errstr_r);
	free(actor);
	if (rc == -1) {
		state_rollback(db);
		return -1;
	}
	return state_commit(db, errstr_r);
}

/* Inside a write transaction: whether account name exists (1, 0, -1). */
static int
exists(sqlite3 *db, const char *name, char **errstr_r)
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
	if (exists(db, name, errstr_r) != 1)
		goto fail;
	/* Sessions first: they refer to the account. */
	if (sqldb_one_int(db, sqldb_prep(db, errstr_r, "SELECT count(*) FROM "
	    "operator_session WHERE name = ?1", "t", name), &n,
	    errstr_r) == -1 || sqldb_done(db, sqldb_prep(db, errstr_r,
	    "DELETE FROM operator_session WHERE name = ?1", "t", name),
	    errstr_r) == -1 || bump(db, errstr_r) == -1)
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
		return dberr(db, errstr_r);
	return n;
}

int
operator_revision(sqlite3 *db, int64_t *rev_r, char **errstr_r)
{
	return sqldb_one_int(db, sqldb_prep(db, errstr_r, "SELECT rev FROM "
	    "operator_revision", ""), rev_r, errstr_r) == 1 ? 0 : -1;
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
