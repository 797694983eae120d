/*
 * Operators' sign-in and sessions.  Passwords are hashed with argon2id at
 * libsodium's INTERACTIVE limits (crypto_pwhash_str); the slow check runs
 * outside the write lock, and an unknown name is checked against a dummy
 * hash so that it costs what a known one does.  Failed sign-ins are
 * counted per address, per name from an address and per name, each with
 * a pause that doubles with every failure past its free ones; the per-name
 * pause holds back only addresses that have failed on that name, so a
 * stranger cannot keep an operator out.  A session is a row keyed by the
 * hash of its cookie with an expiry and the CSRF token that every
 * operator POST must echo.  The accounts themselves are
 * agent/core/operator.c.
 */
#include "agent/core/operator.h"
#include "agent/core/operator_impl.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "agent/core/audit.h"
#include "agent/core/limits.h"
#include "agent/core/state.h"
#include "agent/core/token.h"
#include "lib/log.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

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
	return operator_dberr(db, errstr_r);
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
		actor = operator_actor(s->name);
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
	if (!operator_name_valid(name) || password == NULL ||
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
		return operator_dberr(db, errstr_r);
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
	return operator_dberr(db, errstr_r);
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
	actor = operator_actor(s.name);
	rc = sqldb_done(db, sqldb_prep(db, errstr_r, "DELETE FROM "
	    "operator_session WHERE token_hash = ?1", "b", th, sizeof(th)),
	    errstr_r);
	if (rc == 0)
		rc = operator_bump(db, errstr_r);
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
