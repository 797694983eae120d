/*
 * Canned responses: replies the operators of a shift share, kept in the
 * state database, written by seniors and admins (queue_permit "edit
 * canned"), inserted by everyone beside the knowledge-base search with
 * their placeholders ({request_number}, {name}) filled by the console.
 */
#ifndef AGENT_CANNED_H
#define AGENT_CANNED_H

#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "agent/core/err.h"

/* Characters of a title: what fits on a button. */
#define CANNED_TITLE_MAX	80
/* Canned responses in all: a shift's phrase book, not a second knowledge
 * base. */
#define CANNED_MAX		500

/* Creates or upgrades the table.  Returns 0, or -1 with *errstr_r. */
int	canned_schema(sqlite3 *db, char **errstr_r);

/* Every canned response, by language and title: [{"id", "title", "text",
 * "lang", "updated_by", "updated"}], or NULL with *errstr_r. */
json_t	*canned_list(sqlite3 *db, char **errstr_r);

/*
 * Op (role) writes canned response id (0: a new one) with title, text and
 * lang ("ru", "en"), journalled.  Returns 0 with *out_r (a new
 * reference), or -1 with *err_r (CORE_INVALID bad input, CORE_FORBIDDEN
 * role, CORE_NOT_FOUND unknown id, CORE_TOO_MANY, CORE_DATABASE) and
 * *errstr_r.
 */
int	canned_save(sqlite3 *db, int64_t id, const char *op,
	    const char *role, const char *title, const char *text,
	    const char *lang, time_t now, json_t **out_r, enum core_err *err_r,
	    char **errstr_r);

/* Op (role) removes canned response id, journalled.  0, or -1 with
 * *err_r (CORE_FORBIDDEN, CORE_NOT_FOUND, CORE_DATABASE) and
 * *errstr_r. */
int	canned_delete(sqlite3 *db, int64_t id, const char *op,
	    const char *role, time_t now, enum core_err *err_r,
	    char **errstr_r);

#endif
