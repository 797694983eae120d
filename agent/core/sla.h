/*
 * The SLA clock (seed 1.3.2, 2.1.3, 2.3.1, 2.3.2): which deadlines each kind
 * of request has, and the one working-day calculation they need, in Moscow
 * time with weekends and the configured public holidays off.  Everything
 * here is a pure function of its arguments.
 */
#ifndef AGENT_SLA_H
#define AGENT_SLA_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "agent/core/limits.h"

/* A citizen waiting for an operator is told the expected wait after this. */
#define SLA_WAIT_TARGET		60

/* Public holidays as Moscow day numbers (days since 1970-01-01), sorted. */
struct sla_holidays {
	int64_t	days[LIMIT_HOLIDAYS];
	size_t	n;
};

/* The deadlines of one request. */
struct sla_deadlines {
	time_t	first;		/* first reaction by a person */
	time_t	final;		/* resolution; escalation after it */
};

/*
 * Parses s[0..len), comma-separated YYYY-MM-DD dates (blanks around commas
 * allowed; empty is no holidays), into *h.  Pure.  Returns 0, or -1 with a
 * static message in *errstr_r.
 */
int	sla_holidays_parse(const char *s, size_t len, struct sla_holidays *h,
	    const char **errstr_r);

/* Whether Moscow day number day is a working day: not a Saturday, Sunday
 * or holiday of h (h may be NULL). */
int	sla_is_working_day(int64_t day, const struct sla_holidays *h);

/*
 * The end (23:59:59 Moscow time) of the days-th working day after the
 * Moscow day of from: the day of receipt does not count, weekends and the
 * holidays of h (may be NULL) are skipped.  days <= 0 returns from.
 */
time_t	sla_add_working_days(time_t from, int days,
	    const struct sla_holidays *h);

/*
 * The one priority scale, most urgent first, whose value is the queue's
 * sort rank: the editors' four levels (PRIORITY_CRITICAL ... PRIORITY_LOW
 * of intents/deffile.h) with "normal", between medium and low, for a
 * request no category gave a priority.  Names are what the database and
 * the API carry.
 */
enum sla_priority {
	SLA_CRITICAL,
	SLA_HIGH,
	SLA_MEDIUM,
	SLA_NORMAL,
	SLA_LOW
};

/* The scale's level of an editor's PRIORITY_* (PRIORITY_NONE: normal). */
enum sla_priority	 sla_priority_of(int def_priority);

/* "critical" ... "low". */
const char		*sla_priority_name(enum sla_priority p);

/* The level named s; normal when s is NULL or unknown. */
enum sla_priority	 sla_priority_parse(const char *s);

/* The level one step more urgent than p; critical stays critical. */
enum sla_priority	 sla_priority_up(enum sla_priority p);

/*
 * The kind of request for its category and priority: "complaint" for
 * feedback, "incident.critical" ... "incident.low" for incidents (medium
 * when it has none of those four), else "chat".  Returns a static
 * string.
 */
const char *sla_kind(const char *category, enum sla_priority priority);

/*
 * Fills *d with the deadlines of a request of kind received at created.
 * Returns 0, or -1 when the kind is unknown.
 */
int	sla_deadlines(const char *kind, time_t created,
	    const struct sla_holidays *h, struct sla_deadlines *d);

/* The Moscow day number of t. */
int64_t	sla_moscow_day(time_t t);

#endif
