/*
 * The supervisor's figures, computed from the state database alone: the
 * live state (queues, operators signed in and their load, SLA breaches
 * today) and the figures of a period (messages per hour per channel,
 * decisions by action, handoff and automation rates, first-response
 * percentiles, CSAT, the categories and services handed off, the articles
 * citizens found unhelpful).  The same figures feed the dashboard page
 * (JSON), its CSV export and `hotline report`.  Days are Moscow days, as
 * the SLA clock counts them.  docs/dashboard.md says what each figure
 * means.
 */
#ifndef AGENT_CORE_DASHBOARD_H
#define AGENT_CORE_DASHBOARD_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "intents/taxonomy.h"

/* Days one report may span: a quarter; longer periods are a query for an
 * analyst, not a page that must answer within a second. */
#define DASHBOARD_DAYS_MAX	92
/* Rows of a "top" list (categories, services, articles). */
#define DASHBOARD_TOP		10

/*
 * Parses a day "YYYY-MM-DD" (s[0..len)) into its Moscow day number, or
 * "today" (the day of now).  Returns 0, or -1 when it is no such day.
 */
int	dashboard_day(const char *s, size_t len, time_t now, int64_t *day_r);

/* The first second of Moscow day day. */
time_t	dashboard_day_start(int64_t day);

/*
 * The figures of Moscow days first..last (both included) and the live
 * state at now, as a new JSON object (docs/dashboard.md); categories and
 * services are named from cats and topics when given (either may be
 * NULL).  Returns NULL with an allocated *errstr_r when the database
 * fails or the period is empty or longer than DASHBOARD_DAYS_MAX.
 */
json_t	*dashboard_figures(sqlite3 *db, int64_t first, int64_t last,
	    time_t now, const struct taxonomy *cats,
	    const struct taxonomy *topics, char **errstr_r);

/*
 * The live part alone (queues, operators and their load, SLA breaches
 * today), as the "live" member of dashboard_figures: a new JSON object,
 * or NULL with an allocated *errstr_r.  Cheap enough to poll.
 */
json_t	*dashboard_live(sqlite3 *db, time_t now, char **errstr_r);

/* Writes figures as CSV (RFC 4180): section, item, detail, value. */
void	dashboard_csv(const json_t *figures, FILE *fp);

/* Writes figures for a terminal. */
void	dashboard_print(const json_t *figures, FILE *fp);

#endif
