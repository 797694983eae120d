/*
 * What agent/core/operator.c (the accounts) and
 * agent/core/operator_login.c (sign-in and sessions) share; nothing else
 * includes it.
 */
#ifndef AGENT_CORE_OPERATOR_IMPL_H
#define AGENT_CORE_OPERATOR_IMPL_H

#include <sqlite3.h>

/* Sets *errstr_r to db's last error; returns -1. */
int	 operator_dberr(sqlite3 *db, char **errstr_r);

/* Whether name may name an account. */
int	 operator_name_valid(const char *name);

/* "operator:name", the journal's actor; the caller frees it. */
char	*operator_actor(const char *name);

/* Inside a write transaction: tells the server that rights changed. */
int	 operator_bump(sqlite3 *db, char **errstr_r);

/* Inside a write transaction: whether account name exists (1, 0, -1,
 * with *errstr_r also when 0). */
int	 operator_exists(sqlite3 *db, const char *name, char **errstr_r);

#endif
