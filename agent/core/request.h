/*
 * Registered requests and their numbers.  Every complaint, incident, e-mail
 * or conversation handed to an operator is a request with a number such as
 * 2026-000123: the year in Moscow time, a dash, and a sequence number of at
 * least six digits that starts again at 1 each year.  Numbers are allocated
 * from a per-year counter in the state database inside the transaction that
 * stores the request, so they are unique, strictly increasing within a year,
 * never reused and safe when several processes register at once.
 */
#ifndef AGENT_REQUEST_H
#define AGENT_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <sqlite3.h>

#include "lib/reqnum.h"

/* Buffer size for a formatted number (the format is lib/reqnum.h's). */
#define REQUEST_NUMBER_MAX	REQNUM_SIZE

struct request_new {
	const char	*channel;	/* chat, messenger, email or cli */
	const char	*category;	/* taxonomy id, or NULL */
	const char	*priority;	/* critical, high, medium, low; NULL */
	const char	*status;	/* new, answered, handoff or closed */
	const char	*summary;	/* citizen's text or NULL; cut at
					   LIMIT_MESSAGE_BYTES */
};

struct request {
	char		 number[REQUEST_NUMBER_MAX];
	char		*channel;
	char		*category;	/* NULL when none */
	char		*priority;	/* NULL when none */
	char		*status;
	char		*summary;	/* NULL when none */
	int64_t		 created;	/* Unix seconds */
	int64_t		 updated;
};

/*
 * Creates or upgrades the request tables of db (module "request" in
 * sqldb_migrate).  Returns 0, or -1 with *errstr_r allocated for the caller
 * to free.
 */
int	request_schema(sqlite3 *db, char **errstr_r);

/*
 * Validates rn, allocates the next number of the Moscow year of now and
 * stores the request under it, both in one BEGIN IMMEDIATE transaction, or
 * in a savepoint when the caller already holds a transaction (which should
 * then be BEGIN IMMEDIATE too, or a concurrent writer can make it fail with
 * SQLITE_BUSY).  Returns 0 with the number in number_r, or -1 with *errstr_r
 * allocated and no number consumed.
 */
int	request_register(sqlite3 *db, const struct request_new *rn,
	    time_t now, char number_r[REQUEST_NUMBER_MAX], char **errstr_r);

/*
 * Looks up the request with the given number.  Returns 1 with *r allocated
 * (free it with request_free), 0 when there is no such request, or -1 with
 * *errstr_r allocated when number is malformed or the database fails.
 */
int	request_find(sqlite3 *db, const char *number, struct request **r,
	    char **errstr_r);

/*
 * Sets the status of request number and its update time to now.  Returns
 * 0, or -1 with *errstr_r allocated when the status is not one of the
 * known ones, the request does not exist or the database fails.
 */
int	request_set_status(sqlite3 *db, const char *number,
	    const char *status, time_t now, char **errstr_r);

/* Frees *r and clears the pointer; NULL is fine. */
void	request_free(struct request **r);

/*
 * Writes a human-readable description of r to fp: number, status, channel,
 * category, priority, times as ISO 8601 in Moscow time (+03:00) and the
 * summary with control characters escaped.
 */
void	request_print(const struct request *r, FILE *fp);

/*
 * Returns the calendar year of t in Moscow (UTC+3, no daylight saving), or
 * -1 when that year is outside REQNUM_YEAR_MIN .. REQNUM_YEAR_MAX.
 */
int	request_year_of(time_t t);

#endif
