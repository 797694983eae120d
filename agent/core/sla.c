/*
 * Deadlines per kind of request, as the seed sets them, in one table: a
 * chat handed to a person gets a first reaction within 15 minutes (2.1.3)
 * and goes to a senior after 48 hours (2.1.3); complaints and suggestions
 * get a first answer within 24 hours and a full review within 10 working
 * days (2.3.1); incidents get a first reaction within 15 minutes and a fix
 * within 2, 2, 24 or 72 hours by priority (2.3.2).  The waiting-time target
 * of a chat (60 s, 1.3.2) is SLA_WAIT_TARGET.  Moscow has kept UTC+3 all
 * year since October 2014, so a Moscow day is a fixed 86,400-second slice.
 */
#include "agent/core/sla.h"

#include <stdlib.h>
#include <string.h>

#include "agent/core/limits.h"
#include "intents/deffile.h"

#define MSK_OFFSET	(3 * 3600)
#define SECS_PER_DAY	86400
#define MINUTES		60
#define HOURS		3600

struct sla_rule {
	const char	*kind;
	int		 first;		/* seconds to a first reaction */
	int		 final;		/* seconds to resolution, or 0 */
	int		 final_working_days;	/* ... or working days */
};

static const struct sla_rule rules[] = {
	{ "chat",		15 * MINUTES,	48 * HOURS,	0 },
	{ "complaint",		24 * HOURS,	0,		10 },
	{ "incident.critical",	15 * MINUTES,	2 * HOURS,	0 },
	{ "incident.high",	15 * MINUTES,	2 * HOURS,	0 },
	{ "incident.medium",	15 * MINUTES,	24 * HOURS,	0 },
	{ "incident.low",	15 * MINUTES,	72 * HOURS,	0 },
};

#define NRULES	(sizeof(rules) / sizeof(rules[0]))

/* By enum sla_priority, most urgent first. */
static const char *const priorities[] = {
	[SLA_CRITICAL] = "critical",
	[SLA_HIGH] = "high",
	[SLA_MEDIUM] = "medium",
	[SLA_NORMAL] = "normal",
	[SLA_LOW] = "low",
};

#define NPRIORITIES	(sizeof(priorities) / sizeof(priorities[0]))

int64_t
sla_moscow_day(time_t t)
{
	int64_t	s = (int64_t)t + MSK_OFFSET;

	return s >= 0 ? s / SECS_PER_DAY : -((-s + SECS_PER_DAY - 1) /
	    SECS_PER_DAY);
}

/* Days from 1970-01-01 to y-m-d (H. Hinnant's days_from_civil). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
days_in_month(int64_t y, int m)
{
	static const int	mdays[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return mdays[m - 1];
}

/* Parses exactly "YYYY-MM-DD" at s into a day number. */
static int
parse_date(const char *s, size_t len, int64_t *day_r)
{
	static const int	digit_at[] = { 0, 1, 2, 3, 5, 6, 8, 9 };
	int			v[8], y, m, d;
	size_t			i;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 8; i++) {
		if (s[digit_at[i]] < '0' || s[digit_at[i]] > '9')
			return -1;
		v[i] = s[digit_at[i]] - '0';
	}
	y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
	m = v[4] * 10 + v[5];
	d = v[6] * 10 + v[7];
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	*day_r = days_from_civil(y, m, d);
	return 0;
}

static int
cmp_day(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int
sla_holidays_parse(const char *s, size_t len, struct sla_holidays *h,
    const char **errstr_r)
{
	size_t	pos = 0, start, end;
	int64_t	day;

	h->n = 0;
	while (pos < len && (s[pos] == ' ' || s[pos] == '\t'))
		pos++;
	if (pos == len)
		return 0;
	pos = 0;
	for (;;) {
		start = pos;
		while (pos < len && s[pos] != ',')
			pos++;
		end = pos;
		while (start < end && (s[start] == ' ' || s[start] == '\t'))
			start++;
		while (end > start && (s[end - 1] == ' ' ||
		    s[end - 1] == '\t'))
			end--;
		if (parse_date(s + start, end - start, &day) == -1) {
			*errstr_r = "holidays: dates are YYYY-MM-DD, "
			    "separated by commas";
			return -1;
		}
		if (h->n == LIMIT_HOLIDAYS) {
			*errstr_r = "holidays: too many dates";
			return -1;
		}
		h->days[h->n++] = day;
		if (pos == len)
			break;
		pos++;		/* the comma */
	}
	qsort(h->days, h->n, sizeof(h->days[0]), cmp_day);
	return 0;
}

int
sla_is_working_day(int64_t day, const struct sla_holidays *h)
{
	int64_t	dow;

	/* 1970-01-01 was a Thursday; 0 is Monday. */
	dow = ((day % 7) + 7 + 3) % 7;
	if (dow >= 5)
		return 0;
	if (h != NULL && h->n > 0 && bsearch(&day, h->days, h->n,
	    sizeof(h->days[0]), cmp_day) != NULL)
		return 0;
	return 1;
}

time_t
sla_add_working_days(time_t from, int days, const struct sla_holidays *h)
{
	int64_t	day;
	int	left = days;

	if (days <= 0)
		return from;
	day = sla_moscow_day(from);
	while (left > 0) {
		day++;
		if (sla_is_working_day(day, h))
			left--;
	}
	return (time_t)((day + 1) * SECS_PER_DAY - MSK_OFFSET - 1);
}

const char *
sla_kind(const char *category, enum sla_priority priority)
{
	static const char *const incident[] = {
		[SLA_CRITICAL] = "incident.critical",
		[SLA_HIGH] = "incident.high",
		[SLA_MEDIUM] = "incident.medium",
		[SLA_NORMAL] = "incident.medium",
		[SLA_LOW] = "incident.low",
	};

	if (category == NULL)
		return "chat";
	if (strncmp(category, "feedback.", 9) == 0)
		return "complaint";
	if (strncmp(category, "incident.", 9) != 0)
		return "chat";
	if ((size_t)priority >= NPRIORITIES)
		return "incident.medium";
	return incident[priority];
}

int
sla_deadlines(const char *kind, time_t created, const struct sla_holidays *h,
    struct sla_deadlines *d)
{
	const struct sla_rule	*r = NULL;
	size_t			 i;

	for (i = 0; i < NRULES; i++)
		if (strcmp(rules[i].kind, kind) == 0)
			r = &rules[i];
	if (r == NULL)
		return -1;
	d->first = created + r->first;
	if (r->final_working_days > 0)
		d->final = sla_add_working_days(created,
		    r->final_working_days, h);
	else
		d->final = created + r->final;
	return 0;
}

enum sla_priority
sla_priority_of(int def_priority)
{
	switch (def_priority) {
	case PRIORITY_CRITICAL:
		return SLA_CRITICAL;
	case PRIORITY_HIGH:
		return SLA_HIGH;
	case PRIORITY_MEDIUM:
		return SLA_MEDIUM;
	case PRIORITY_LOW:
		return SLA_LOW;
	default:
		return SLA_NORMAL;
	}
}

const char *
sla_priority_name(enum sla_priority p)
{
	return (size_t)p < NPRIORITIES ? priorities[p] : "normal";
}

enum sla_priority
sla_priority_parse(const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < NPRIORITIES; i++)
		if (strcmp(priorities[i], s) == 0)
			return (enum sla_priority)i;
	return SLA_NORMAL;
}

enum sla_priority
sla_priority_up(enum sla_priority p)
{
	return p > SLA_CRITICAL && (size_t)p < NPRIORITIES ? p - 1 :
	    SLA_CRITICAL;
}
