/*
 * Search over closed conversations for the operators' console: by
 * request number, by words of the transcript, by an entity the citizen
 * gave (a phone, ИНН, СНИЛС, passport, e-mail) and by the date closed.
 * Results carry masked text only; opening one is an ordinary, journalled
 * transcript read.
 */
#ifndef AGENT_WSEARCH_H
#define AGENT_WSEARCH_H

#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "agent/core/err.h"

/* Results of one search: a screenful; narrow the search for more. */
#define WSEARCH_RESULTS		50
/* Closed conversations read by one search, newest first: the cost of a
 * search is bounded whatever is asked; past this the answer says it is
 * partial. */
#define WSEARCH_CONVS		2000
/* Characters of a text or entity query. */
#define WSEARCH_QUERY_MAX	200

struct wsearch_query {
	const char	*number;	/* a request number, or NULL */
	const char	*text;		/* words, or NULL */
	const char	*entity;	/* text with an entity, or NULL */
	int64_t		 from;		/* closed at or after, or 0 */
	int64_t		 to;		/* closed before, or 0 */
};

/*
 * The closed items operator op (role) may read that match every given
 * part of q, newest first, the search journalled (which parts were given,
 * not their values).  Returns {"results": [...], "partial": bool}, or NULL
 * with *err_r (CORE_INVALID bad query, CORE_DATABASE) and *errstr_r.
 */
json_t	*wsearch_closed(sqlite3 *db, const char *op, const char *role,
	    const struct wsearch_query *q, time_t now, enum core_err *err_r,
	    char **errstr_r);

#endif
