/*
 * Operators: accounts with a role, argon2id password hashes (libsodium),
 * sign-in throttled per address and per name with doubling pauses,
 * server-side sessions behind a random cookie, and a CSRF token per
 * session.  The cookie and the token are random; the database keeps only
 * a hash of the cookie, so a copy of it signs no one in.  Administrators
 * disable, enable, remove accounts, change roles and revoke sessions;
 * each of these ends the account's sessions at once.
 */
#ifndef AGENT_OPERATOR_H
#define AGENT_OPERATOR_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <sqlite3.h>

#include "agent/core/err.h"
#include "agent/core/limits.h"
#include "agent/core/token.h"

/*
 * Failed sign-ins allowed before a pause: of one name from one address
 * (a person mistyping), from one address over all names (one machine
 * trying names), and of one name over all addresses (many machines on
 * one account; that pause holds back only the addresses that failed on
 * the name, so a stranger's failures never keep its operator out).
 */
#define OPERATOR_FREE_PAIR	5
#define OPERATOR_FREE_ADDRESS	10
#define OPERATOR_FREE_NAME	20
/* The first pause in seconds, doubled by each further failure, and the
 * longest: a quarter of an hour, as the old lock, but only for guessers. */
#define OPERATOR_PAUSE_FIRST	1
#define OPERATOR_PAUSE_MAX	(15 * 60)
/* A counter without a failure for this long starts again. */
#define OPERATOR_FORGET		(24 * 3600)
/* A session lasts a working shift and a half. */
#define OPERATOR_SESSION_TTL	(12 * 3600)
/* Room for a cookie or CSRF token (43 base64url characters) and its NUL. */
#define OPERATOR_TOKEN_MAX	64

struct operator_session {
	char	name[LIMIT_OPERATOR_NAME_BYTES + 1];
	char	role[16];		/* operator, senior, admin */
	char	csrf[OPERATOR_TOKEN_MAX];
};

/* Creates or upgrades the tables.  Returns 0, or -1 with *errstr_r. */
int	operator_schema(sqlite3 *db, char **errstr_r);

/*
 * Creates account name ([a-z0-9._-], 1..32) with role and password
 * (LIMIT_PASSWORD_MIN_BYTES..MAX bytes), hashed with argon2id.  Returns 0, or
 * -1 with an allocated *errstr_r (bad input, the name exists).
 */
int	operator_add(sqlite3 *db, const char *name, const char *role,
	    const char *password, time_t now, char **errstr_r);

/*
 * Whether display is a name to show citizens: 1..LIMIT_DISPLAY_NAME_CHARS
 * characters of valid UTF-8 without control characters.
 */
int	operator_display_name_valid(const char *display);

/*
 * Sets the name citizens see for account name (NULL: none, citizens see
 * "оператор" only).  Returns 0, or -1 with an allocated *errstr_r.
 */
int	operator_set_display_name(sqlite3 *db, const char *name,
	    const char *display, char **errstr_r);

/* The display name of account name, allocated, or NULL when it has none. */
char	*operator_display_name(sqlite3 *db, const char *name);

/* The number of accounts, or -1 with *errstr_r. */
int	operator_count(sqlite3 *db, char **errstr_r);

/* Writes one line per account: name, role, active or disabled, created,
 * failed sign-ins of the last OPERATOR_FORGET seconds and the pause they
 * hold; then one line per address that waits.  Returns 0, or -1 with
 * *errstr_r. */
int	operator_list(sqlite3 *db, time_t now, FILE *fp, char **errstr_r);

/*
 * Signs name in with password from address ip.  Returns 0 with a new
 * session cookie in token_r and *s filled; or -1 with *err_r
 * CORE_UNAUTHORIZED (wrong name or password, or a disabled account),
 * CORE_TOO_MANY (throttled: *retry_r seconds left; the password is not
 * checked), CORE_BUSY (too many checks at once) or CORE_DATABASE, with an
 * allocated
 * *errstr_r.  An unknown name costs the same argon2id check as a known
 * one.  Each attempt is journalled; a pause that begins is logged.
 */
int	operator_login(sqlite3 *db, const char *name, const char *password,
	    const char *ip, time_t now, char token_r[OPERATOR_TOKEN_MAX],
	    struct operator_session *s, enum core_err *err_r, int *retry_r,
	    char **errstr_r);

/*
 * Finds the live session of cookie token.  Returns 1 with *s filled, 0
 * when there is none (unknown, expired, signed out), -1 with *errstr_r.
 */
int	operator_auth(sqlite3 *db, const char *token, time_t now,
	    struct operator_session *s, char **errstr_r);

/* Whether the session whose cookie hashes to th is live (1) or not (0:
 * signed out, expired, revoked, its account disabled or gone), or -1 with
 * *errstr_r.  Event streams ask this each time they wake. */
int	operator_session_live(sqlite3 *db,
	    const unsigned char th[TOKEN_HASH_LEN], time_t now,
	    char **errstr_r);

/* Ends the session of cookie token.  Returns 0, or -1 with *errstr_r. */
int	operator_logout(sqlite3 *db, const char *token, time_t now,
	    char **errstr_r);

/* What an administrator does to an account. */
enum operator_change {
	OPERATOR_DISABLE,	/* no sign-in; its items go back to the queue */
	OPERATOR_ENABLE,
	OPERATOR_ROLE,		/* a new role */
	OPERATOR_REMOVE,	/* gone; its items go back to the queue */
	OPERATOR_REVOKE		/* its sessions only */
};

/*
 * Applies what to account name (role: the new role, for OPERATOR_ROLE),
 * journalled; every change ends all the account's sessions, and with
 * them its event streams.  The journal keeps a removed account's name.
 * Returns the number of sessions ended, or -1 with an allocated
 * *errstr_r (no such account, a bad role).
 */
int	operator_change(sqlite3 *db, const char *name,
	    enum operator_change what, const char *role, time_t now,
	    char **errstr_r);

/* Writes a line per live session of name (from where, when, until when).
 * Returns how many, or -1 with *errstr_r. */
int	operator_sessions(sqlite3 *db, const char *name, time_t now,
	    FILE *fp, char **errstr_r);

/*
 * The revision of everyone's rights, which every logout and every change
 * above moves on: a server that sees it move checks its operators' event
 * streams at once, also for changes made by another process.  Returns 0
 * with *rev_r, or -1 with *errstr_r.
 */
int	operator_revision(sqlite3 *db, int64_t *rev_r, char **errstr_r);

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
