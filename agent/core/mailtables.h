/*
 * The e-mail channel's tables in the state database (see mailtables.c).
 */
#ifndef AGENT_CORE_MAILTABLES_H
#define AGENT_CORE_MAILTABLES_H

#include <sqlite3.h>

/* Creates or upgrades the tables.  Returns 0, or -1 with an allocated
 * *errstr_r. */
int	mailtables_schema(sqlite3 *db, char **errstr_r);

#endif
