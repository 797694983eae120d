/*
 * Operators: accounts with a role, argon2id password hashes (libsodium),
 * sign-in with lock-out after repeated failures, server-side sessions
 * behind a random cookie, and a CSRF token per session.  The cookie and
 * the token are random; the database keeps only a hash of the cookie, so
 * a copy of it signs no one in.
 */
#ifndef AGENT_OPERATOR_H
#define AGENT_OPERATOR_H

#include <stdio.h>
#include <time.h>

#include <sqlite3.h>

/* Failed sign-ins in a row that lock an account, and for how long. */
#define OPERATOR_FAILURES_MAX	5
#define OPERATOR_LOCKOUT	(15 * 60)
/* A session lasts a working shift and a half. */
#define OPERATOR_SESSION_TTL	(12 * 3600)
/* Room for a cookie or CSRF token (43 base64url characters) and its NUL. */
#define OPERATOR_TOKEN_MAX	64
#define OPERATOR_NAME_MAX	32
/* Passwords: at least this long; longer than the maximum is not typed. */
#define OPERATOR_PASSWORD_MIN	8
#define OPERATOR_PASSWORD_MAX	1024

struct operator_session {
	char	name[OPERATOR_NAME_MAX + 1];
	char	role[16];		/* operator, senior, admin */
	char	csrf[OPERATOR_TOKEN_MAX];
};

/* Creates or upgrades the tables.  Returns 0, or -1 with *errstr_r. */
int	operator_schema(sqlite3 *db, char **errstr_r);

/*
 * Creates account name ([a-z0-9._-], 1..32) with role and password
 * (OPERATOR_PASSWORD_MIN..MAX bytes), hashed with argon2id.  Returns 0, or
 * -1 with an allocated *errstr_r (bad input, the name exists).
 */
int	operator_add(sqlite3 *db, const char *name, const char *role,
	    const char *password, time_t now, char **errstr_r);

/* The number of accounts, or -1 with *errstr_r. */
int	operator_count(sqlite3 *db, char **errstr_r);

/* Writes one line per account: name, role, created, locked.  Returns 0, or
 * -1 with *errstr_r. */
int	operator_list(sqlite3 *db, FILE *fp, char **errstr_r);

/*
 * Signs name in with password from address ip.  Returns 0 with a new
 * session cookie in token_r and *s filled; or -1 with *status_r 401 (wrong
 * name or password), 429 (locked: *retry_r seconds left) or 500 (with an
 * allocated *errstr_r).  Each attempt is journalled.
 */
int	operator_login(sqlite3 *db, const char *name, const char *password,
	    const char *ip, time_t now, char token_r[OPERATOR_TOKEN_MAX],
	    struct operator_session *s, int *status_r, int *retry_r,
	    char **errstr_r);

/*
 * Finds the live session of cookie token.  Returns 1 with *s filled, 0
 * when there is none (unknown, expired, signed out), -1 with *errstr_r.
 */
int	operator_auth(sqlite3 *db, const char *token, time_t now,
	    struct operator_session *s, char **errstr_r);

/* Ends the session of cookie token.  Returns 0, or -1 with *errstr_r. */
int	operator_logout(sqlite3 *db, const char *token, time_t now,
	    char **errstr_r);

/* Whether given (may be NULL) is the CSRF token of s, in constant time. */
int	operator_csrf_ok(const struct operator_session *s, const char *given);

/* Roles as bits, for tables of who may do what (queue.c). */
#define OPERATOR_ROLE_OPERATOR	0x1
#define OPERATOR_ROLE_SENIOR	0x2
#define OPERATOR_ROLE_ADMIN	0x4

/* The bit of role, or 0 when it is none of operator, senior, admin. */
unsigned	operator_role_bit(const char *role);

/* Whether role is one of operator, senior, admin. */
int	operator_role_valid(const char *role);

#endif
