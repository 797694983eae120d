/*
 * The supervisor's figures (see dashboard.h).  Each figure is one query
 * over what the server records anyway: the hourly counts of messages and
 * decisions that triggers keep (feedback.c), the bot's decision per reply,
 * the queue items with their deadlines, first reaction and breaches
 * (queue.c), the operators' sessions, the citizens' ratings and votes.
 * Nothing is counted in memory, so `hotline report` in another process
 * sees what the page sees.
 */
#include "agent/core/dashboard.h"

#include <stdlib.h>
#include <string.h>

#include "agent/core/feedback.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

/* Moscow is UTC+3 all year: the day the SLA clock and the hotline use. */
#define MSK_OFFSET	(3 * 3600)
#define SECS_PER_DAY	86400

static const char *const channels[] = { "chat", "email", "messenger" };
static const char *const actions[] = {
	"answer", "clarify", "handoff", "decline"
};
static const char *const queues[] = { "general", "english", "senior" };

#define NCHANNELS	(sizeof(channels) / sizeof(channels[0]))
#define NACTIONS	(sizeof(actions) / sizeof(actions[0]))
#define NQUEUES		(sizeof(queues) / sizeof(queues[0]))

/* Days from 1970-01-01 to y-m-d, and back (H. Hinnant's algorithms). */
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

static void
civil_from_days(int64_t z, int *y_r, int *m_r, int *d_r)
{
	int64_t	era, doe, yoe, doy, mp, y;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d_r = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m_r = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y_r = (int)(y + (*m_r <= 2));
}

static int64_t
moscow_day(time_t t)
{
	int64_t	s = (int64_t)t + MSK_OFFSET;

	return s >= 0 ? s / SECS_PER_DAY : -((-s + SECS_PER_DAY - 1) /
	    SECS_PER_DAY);
}

/* The digits s[0..n) as a number, or -1 when any is not a digit. */
static int
digits(const char *s, size_t n)
{
	int	v = 0;
	size_t	i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
dashboard_day(const char *s, size_t len, time_t now, int64_t *day_r)
{
	static const int	mdays[] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int			y, m, d;

	if (len == 5 && memcmp(s, "today", 5) == 0) {
		*day_r = moscow_day(now);
		return 0;
	}
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0))))
		return -1;
	*day_r = days_from_civil(y, m, d);
	return 0;
}

time_t
dashboard_day_start(int64_t day)
{
	return (time_t)(day * SECS_PER_DAY - MSK_OFFSET);
}

static json_t *
day_json(int64_t day)
{
	int	y, m, d;

	civil_from_days(day, &y, &m, &d);
	return json_sprintf("%04d-%02d-%02d", y, m, d);
}

/* A share, or null when there is nothing to divide. */
static json_t *
ratio(int64_t part, int64_t whole)
{
	if (whole <= 0)
		return json_null();
	return json_real((double)(int64_t)((double)part / (double)whole *
	    1000.0 + 0.5) / 1000.0);
}

/* Runs st (from sqldb_prep) and adds each row's (text, count) to obj. */
static int
counts(sqlite3 *db, sqlite3_stmt *st, json_t *obj, char **errstr_r)
{
	const char	*k;
	int		 rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		k = (const char *)sqlite3_column_text(st, 0);
		json_object_set_new(obj, k != NULL ? k : "none",
		    json_integer(sqlite3_column_int64(st, 1)));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*errstr_r = xasprintf("dashboard: sqlite: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* Deadlines in [from, to) that passed without what they asked for. */
static int
breaches(sqlite3 *db, time_t from, time_t to, int64_t *n_r,
    char **errstr_r)
{
	return sqldb_one_int(db, sqldb_prep(db, errstr_r, "SELECT (SELECT "
	    "count(*) FROM queue_item WHERE breached_first AND first_deadline "
	    ">= ?1 AND first_deadline < ?2) + (SELECT count(*) FROM "
	    "queue_item WHERE breached_final AND final_deadline >= ?1 AND "
	    "final_deadline < ?2)", "ii", (int64_t)from, (int64_t)to), n_r,
	    errstr_r) == -1 ? -1 : 0;
}

json_t *
dashboard_live(sqlite3 *db, time_t now, char **errstr_r)
{
	sqlite3_stmt	*st;
	json_t		*out, *qs, *ops, *q[NQUEUES];
	const char	*s;
	int64_t		 today;
	size_t		 i;
	int		 rc;

	out = json_object();
	qs = json_array();
	json_object_set_new(out, "queues", qs);
	for (i = 0; i < NQUEUES; i++) {
		q[i] = json_pack("{s:s, s:i, s:i, s:i}", "queue", queues[i],
		    "length", 0, "waiting", 0, "oldest_wait", 0);
		json_array_append_new(qs, q[i]);
	}
	if ((st = sqldb_prep(db, errstr_r, "SELECT queue, count(*), "
	    "sum(waiting), max(?1 - created) FROM queue_item WHERE state = "
	    "'queued' GROUP BY queue", "i", (int64_t)now)) == NULL)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s = (const char *)sqlite3_column_text(st, 0);
		for (i = 0; i < NQUEUES; i++) {
			if (s == NULL || strcmp(s, queues[i]) != 0)
				continue;
			json_object_set_new(q[i], "length", json_integer(
			    sqlite3_column_int64(st, 1)));
			json_object_set_new(q[i], "waiting", json_integer(
			    sqlite3_column_int64(st, 2)));
			json_object_set_new(q[i], "oldest_wait", json_integer(
			    sqlite3_column_int64(st, 3)));
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto dbfail;
	ops = json_array();
	json_object_set_new(out, "operators", ops);
	if ((st = sqldb_prep(db, errstr_r, "SELECT o.name, o.display_name, "
	    "o.role, (SELECT count(*) FROM operator_session s WHERE s.name = "
	    "o.name AND s.expires > ?1) AS online, (SELECT count(*) FROM "
	    "queue_item q WHERE q.state = 'operator' AND q.owner = o.name) AS "
	    "load FROM operator o WHERE o.disabled = 0 AND (online > 0 OR "
	    "load > 0) ORDER BY load DESC, o.name", "i", (int64_t)now)) == NULL)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s = (const char *)sqlite3_column_text(st, 1);
		json_array_append_new(ops, json_pack("{s:s, s:s?, s:s, s:b, "
		    "s:I}", "name", (const char *)sqlite3_column_text(st, 0),
		    "display_name", s, "role",
		    (const char *)sqlite3_column_text(st, 2), "online",
		    sqlite3_column_int64(st, 3) > 0, "load",
		    (json_int_t)sqlite3_column_int64(st, 4)));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto dbfail;
	if (breaches(db, dashboard_day_start(moscow_day(now)), now + 1,
	    &today, errstr_r) == -1)
		goto fail;
	json_object_set_new(out, "sla_breaches_today", json_integer(today));
	return out;
dbfail:
	*errstr_r = xasprintf("dashboard: sqlite: %s", sqlite3_errmsg(db));
fail:
	json_decref(out);
	return NULL;
}

static int
cmp_int64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The nearest-rank percentile p of sorted v[0..n). */
static json_t *
percentile(const int64_t *v, size_t n, int p)
{
	size_t	rank;

	if (n == 0)
		return json_null();
	rank = (n * (size_t)p + 99) / 100;
	return json_integer(v[rank > 0 ? rank - 1 : 0]);
}

/* Seconds from an item's arrival to an operator's first reply. */
static json_t *
first_response(sqlite3 *db, time_t from, time_t to, char **errstr_r)
{
	sqlite3_stmt	*st;
	json_t		*out;
	int64_t		*v = NULL, pending;
	size_t		 n = 0, cap = 0;
	int		 rc;

	if ((st = sqldb_prep(db, errstr_r, "SELECT first_reaction - created "
	    "FROM queue_item WHERE created >= ?1 AND created < ?2 AND "
	    "first_reaction IS NOT NULL", "ii", (int64_t)from,
	    (int64_t)to)) == NULL)
		return NULL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || sqldb_one_int(db, sqldb_prep(db, errstr_r,
	    "SELECT count(*) FROM queue_item WHERE created >= ?1 AND created "
	    "< ?2 AND first_reaction IS NULL", "ii", (int64_t)from,
	    (int64_t)to), &pending, errstr_r) == -1) {
		if (rc != SQLITE_DONE)
			*errstr_r = xasprintf("dashboard: sqlite: %s",
			    sqlite3_errmsg(db));
		free(v);
		return NULL;
	}
	if (n > 0)
		qsort(v, n, sizeof(*v), cmp_int64);
	out = json_pack("{s:I, s:I, s:o, s:o, s:o, s:o}", "count",
	    (json_int_t)n, "pending", (json_int_t)pending, "p50",
	    percentile(v, n, 50), "p90", percentile(v, n, 90), "p95",
	    percentile(v, n, 95), "max", percentile(v, n, 100));
	free(v);
	return out;
}

/* Messages per hour (Moscow), one object per hour that had any. */
static json_t *
per_hour(sqlite3 *db, time_t from, time_t to, char **errstr_r)
{
	sqlite3_stmt	*st;
	json_t		*arr, *h = NULL;
	const char	*ch;
	int64_t		 hour, last = -1;
	size_t		 i;
	int		 rc;

	if ((st = sqldb_prep(db, errstr_r, "SELECT hour, channel, n FROM "
	    "stat_message WHERE hour >= ?1 AND hour < ?2 ORDER BY hour", "ii",
	    (int64_t)from / 3600, (int64_t)to / 3600)) == NULL)
		return NULL;
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		hour = sqlite3_column_int64(st, 0);
		if (hour != last) {
			h = json_object();
			json_object_set_new(h, "hour", json_integer(
			    (json_int_t)hour * 3600));
			for (i = 0; i < NCHANNELS; i++)
				json_object_set_new(h, channels[i],
				    json_integer(0));
			json_array_append_new(arr, h);
			last = hour;
		}
		if ((ch = (const char *)sqlite3_column_text(st, 1)) != NULL)
			json_object_set_new(h, ch, json_integer(
			    sqlite3_column_int64(st, 2)));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		*errstr_r = xasprintf("dashboard: sqlite: %s",
		    sqlite3_errmsg(db));
		return NULL;
	}
	return arr;
}

/* The categories or services (col) handed off most, named from tax. */
static json_t *
handed_off(sqlite3 *db, const char *col, const struct taxonomy *tax,
    time_t from, time_t to, char **errstr_r)
{
	sqlite3_stmt	*st;
	json_t		*arr;
	const char	*id;
	char		*sql;
	int		 rc, i;

	/* col is one of two literals, never input. */
	sql = xasprintf("SELECT %s, sum(n) FROM stat_decision WHERE action = "
	    "'handoff' AND hour >= ?1 AND hour < ?2 AND %s <> '' GROUP BY 1 "
	    "ORDER BY 2 DESC, 1 LIMIT ?3", col, col);
	st = sqldb_prep(db, errstr_r, sql, "iii", (int64_t)from / 3600,
	    (int64_t)to / 3600, (int64_t)DASHBOARD_TOP);
	free(sql);
	if (st == NULL)
		return NULL;
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = (const char *)sqlite3_column_text(st, 0);
		i = tax != NULL ? taxonomy_index(tax, id) : -1;
		json_array_append_new(arr, json_pack("{s:s, s:s, s:I}", "id",
		    id, "label", i >= 0 ? tax->items[i].ru : id, "count",
		    (json_int_t)sqlite3_column_int64(st, 1)));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		*errstr_r = xasprintf("dashboard: sqlite: %s",
		    sqlite3_errmsg(db));
		return NULL;
	}
	return arr;
}

/* Messages, decisions, rates, CSAT, breaches and votes of [from, to). */
static json_t *
totals(sqlite3 *db, time_t from, time_t to, json_t *fig, char **errstr_r)
{
	sqlite3_stmt	*st;
	json_t		*t, *bych, *dec;
	int64_t		 msgs = 0, convs, ndec = 0, handoffs, nconv = 0,
			 automated = 0, rated = 0, yes = 0, no = 0, br;
	double		 csat = 0;
	size_t		 i;

	bych = json_object();
	for (i = 0; i < NCHANNELS; i++)
		json_object_set_new(bych, channels[i], json_integer(0));
	json_object_set_new(fig, "messages_by_channel", bych);
	dec = json_object();
	for (i = 0; i < NACTIONS; i++)
		json_object_set_new(dec, actions[i], json_integer(0));
	json_object_set_new(fig, "decisions", dec);
	/* Periods are whole hours: the hourly counters are exact.  The
	 * terminal chat's conversations are staff's, not citizens'. */
	if (counts(db, sqldb_prep(db, errstr_r, "SELECT channel, sum(n) FROM "
	    "stat_message WHERE hour >= ?1 AND hour < ?2 GROUP BY 1", "ii",
	    (int64_t)from / 3600, (int64_t)to / 3600), bych, errstr_r) == -1 ||
	    counts(db, sqldb_prep(db, errstr_r, "SELECT action, sum(n) FROM "
	    "stat_decision WHERE hour >= ?1 AND hour < ?2 GROUP BY 1", "ii",
	    (int64_t)from / 3600, (int64_t)to / 3600), dec, errstr_r) == -1 ||
	    sqldb_one_int(db, sqldb_prep(db, errstr_r, "SELECT count(*) FROM "
	    "conversation WHERE created >= ?1 AND created < ?2 AND channel "
	    "<> 'cli'", "ii",
	    (int64_t)from, (int64_t)to), &convs, errstr_r) == -1 ||
	    breaches(db, from, to, &br, errstr_r) == -1)
		return NULL;
	for (i = 0; i < NCHANNELS; i++)
		msgs += json_integer_value(json_object_get(bych,
		    channels[i]));
	for (i = 0; i < NACTIONS; i++)
		ndec += json_integer_value(json_object_get(dec, actions[i]));
	handoffs = json_integer_value(json_object_get(dec, "handoff"));
	/* Of the conversations whose first decision fell in the period, those
	 * the bot never handed to a person. */
	if ((st = sqldb_prep(db, errstr_r, "SELECT count(*), "
	    "coalesce(sum(handoff = 0), 0) FROM stat_conv WHERE first >= ?1 "
	    "AND first < ?2", "ii", (int64_t)from, (int64_t)to)) == NULL)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW) {
		nconv = sqlite3_column_int64(st, 0);
		automated = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if ((st = sqldb_prep(db, errstr_r, "SELECT count(rating), "
	    "coalesce(avg(rating), 0) FROM conversation WHERE rating IS NOT "
	    "NULL AND updated >= ?1 AND updated < ?2", "ii", (int64_t)from,
	    (int64_t)to)) == NULL)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW) {
		rated = sqlite3_column_int64(st, 0);
		csat = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	if ((st = sqldb_prep(db, errstr_r, "SELECT coalesce(sum(helpful), 0), "
	    "coalesce(sum(1 - helpful), 0) FROM answer_feedback WHERE at >= ?1 "
	    "AND at < ?2", "ii", (int64_t)from, (int64_t)to)) == NULL)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW) {
		yes = sqlite3_column_int64(st, 0);
		no = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	t = json_object();
	json_object_set_new(t, "messages", json_integer(msgs));
	json_object_set_new(t, "conversations", json_integer(convs));
	json_object_set_new(t, "decisions", json_integer(ndec));
	json_object_set_new(t, "handoffs", json_integer(handoffs));
	json_object_set_new(t, "handoff_rate", ratio(handoffs, ndec));
	json_object_set_new(t, "automation_rate", ratio(automated, nconv));
	json_object_set_new(t, "csat_average", rated > 0 ? json_real(
	    (double)(int64_t)(csat * 100.0 + 0.5) / 100.0) : json_null());
	json_object_set_new(t, "csat_count", json_integer(rated));
	json_object_set_new(t, "sla_breaches", json_integer(br));
	json_object_set_new(t, "feedback_yes", json_integer(yes));
	json_object_set_new(t, "feedback_no", json_integer(no));
	return t;
}

json_t *
dashboard_figures(sqlite3 *db, int64_t first, int64_t last, time_t now,
    const struct taxonomy *cats, const struct taxonomy *topics,
    char **errstr_r)
{
	json_t	*fig, *v;
	time_t	 from, to;

	if (last < first || last - first + 1 > DASHBOARD_DAYS_MAX) {
		*errstr_r = xasprintf("a period is 1 to %d days, the first "
		    "not after the last", DASHBOARD_DAYS_MAX);
		return NULL;
	}
	from = dashboard_day_start(first);
	to = dashboard_day_start(last + 1);
	fig = json_object();
	json_object_set_new(fig, "period", json_pack("{s:o, s:o, s:I, s:I}",
	    "from", day_json(first), "to", day_json(last), "start",
	    (json_int_t)from, "end", (json_int_t)to));
	json_object_set_new(fig, "now", json_integer(now));
	if ((v = dashboard_live(db, now, errstr_r)) == NULL)
		goto fail;
	json_object_set_new(fig, "live", v);
	if ((v = totals(db, from, to, fig, errstr_r)) == NULL)
		goto fail;
	json_object_set_new(fig, "totals", v);
	if ((v = per_hour(db, from, to, errstr_r)) == NULL)
		goto fail;
	json_object_set_new(fig, "messages_per_hour", v);
	if ((v = first_response(db, from, to, errstr_r)) == NULL)
		goto fail;
	json_object_set_new(fig, "first_response", v);
	if ((v = handed_off(db, "category", cats, from, to,
	    errstr_r)) == NULL)
		goto fail;
	json_object_set_new(fig, "handoff_categories", v);
	if ((v = handed_off(db, "topic", topics, from, to, errstr_r)) == NULL)
		goto fail;
	json_object_set_new(fig, "handoff_topics", v);
	if ((v = feedback_top(db, from, to, DASHBOARD_TOP, errstr_r)) == NULL)
		goto fail;
	json_object_set_new(fig, "unhelpful_articles", v);
	return fig;
fail:
	json_decref(fig);
	return NULL;
}
