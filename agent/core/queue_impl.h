/*
 * What agent/core/queue.c (the queue and its clock) and
 * agent/core/queue_act.c (the operators' actions) share; nothing else
 * includes it.
 */
#ifndef AGENT_CORE_QUEUE_IMPL_H
#define AGENT_CORE_QUEUE_IMPL_H

#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "agent/core/phrases.h"

/* Sets *errstr_r to db's last error; returns -1. */
int	queue_dberr(sqlite3 *db, char **errstr_r);

/* Item id as JSON: 1 with *item_r, 0 unknown, -1 error. */
int	queue_item_get(sqlite3 *db, int64_t id, time_t now, json_t **item_r,
	    char **errstr_r);

/* Journals action on item id by operator op (NULL: the system). */
int	queue_journal(sqlite3 *db, const char *op, const char *action,
	    int64_t id, const char *detail, time_t now, char **errstr_r);

/* Tells the citizen of conversation id what happened: phrase key in lang
 * ("ru", "en"), with {name} filled with value (both may be NULL). */
int	queue_tell(sqlite3 *db, int64_t id, enum phrase_key key,
	    const char *lang, const char *name, const char *value, time_t now,
	    char **errstr_r);

#endif
