/*
 * Registered requests and their numbers.  A number is the request's year in
 * Moscow time and its place in that year: 2026-000123.  The next place comes
 * from request_counter, one row per year, bumped by an upsert inside the
 * same BEGIN IMMEDIATE transaction that inserts the request row, so two
 * processes registering at the same moment queue on SQLite's write lock
 * (sqldb's busy timeout) and never see the same number; a rolled-back
 * registration gives its number back, a deleted request does not.  This
 * file also validates what a request may hold, looks requests up, changes
 * their status and prints them for `hotline request show`.
 */
#include "agent/core/request.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/limits.h"
#include "lib/limits.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

/* Moscow is UTC+3 all year round since 26 October 2014. */
#define MSK_OFFSET		(3 * 3600)
#define SECS_PER_DAY		86400

#define SAVEPOINT		"SAVEPOINT request_register"
#define SAVEPOINT_RELEASE	"RELEASE request_register"
#define SAVEPOINT_ROLLBACK	"ROLLBACK TO request_register; " \
				"RELEASE request_register"

struct valueset {
	const char		*what;
	const char *const	*values;
	size_t			 nvalues;
};

static const char *const channels[] = { "chat", "messenger", "email", "cli" };
static const char *const statuses[] = {
	"new", "answered", "handoff", "closed"
};
static const char *const priorities[] = {
	"critical", "high", "medium", "low"
};

static const struct valueset channel_set = {
	"channel", channels, sizeof channels / sizeof channels[0]
};
static const struct valueset status_set = {
	"status", statuses, sizeof statuses / sizeof statuses[0]
};
static const struct valueset priority_set = {
	"priority", priorities, sizeof priorities / sizeof priorities[0]
};

/*
 * The CHECK lists repeat the tables above; the number must be the
 * canonical form of (year, seq), so a row cannot disagree with itself.
 */
static const char *const schema[] = {
	/* 1: counters and requests. */
	"CREATE TABLE request_counter ("
	" year INTEGER PRIMARY KEY CHECK (year BETWEEN 1970 AND 9999),"
	" seq INTEGER NOT NULL CHECK (seq >= 1));"
	"CREATE TABLE request ("
	" number TEXT PRIMARY KEY"
	"  CHECK (number = printf('%04d-%06d', year, seq)),"
	" year INTEGER NOT NULL CHECK (year BETWEEN 1970 AND 9999),"
	" seq INTEGER NOT NULL CHECK (seq >= 1),"
	" channel TEXT NOT NULL CHECK (length(channel) BETWEEN 1 AND 32),"
	" category TEXT CHECK (length(category) BETWEEN 1 AND 64),"
	" priority TEXT"
	"  CHECK (priority IN ('critical', 'high', 'medium', 'low')),"
	" status TEXT NOT NULL"
	"  CHECK (status IN ('new', 'answered', 'handoff', 'closed')),"
	" summary TEXT,"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL,"
	" UNIQUE (year, seq));",
};

static const char *const sql_next_seq =
    "INSERT INTO request_counter (year, seq) VALUES (?1, 1) "
    "ON CONFLICT (year) DO UPDATE SET seq = seq + 1 RETURNING seq";
static const char *const sql_insert =
    "INSERT INTO request (number, year, seq, channel, category, priority, "
    "status, summary, created, updated) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)";
static const char *const sql_find =
    "SELECT channel, category, priority, status, summary, created, updated "
    "FROM request WHERE number = ?1";
static const char *const sql_set_status =
    "UPDATE request SET status = ?1, updated = ?2 WHERE number = ?3";

struct civil {
	int64_t	year;
	int	month, day, hour, min, sec;
};

static int
dberr(sqlite3 *db, char **errstr_r)
{
	*errstr_r = xasprintf("request: sqlite: %s", sqlite3_errmsg(db));
	return -1;
}

static int
in_set(const struct valueset *set, const char *s)
{
	size_t	i;

	if (s == NULL)
		return 0;
	for (i = 0; i < set->nvalues; i++) {
		if (strcmp(set->values[i], s) == 0)
			return 1;
	}
	return 0;
}

/* Sets *errstr_r to "request: <what> must be one of a, b, c". */
static int
set_error(const struct valueset *set, char **errstr_r)
{
	char	list[128];
	size_t	i, off = 0;
	int	n;

	list[0] = '\0';
	for (i = 0; i < set->nvalues; i++) {
		n = snprintf(list + off, sizeof list - off, "%s%s",
		    i == 0 ? "" : ", ", set->values[i]);
		if (n < 0 || (size_t)n >= sizeof list - off)
			break;
		off += n;
	}
	*errstr_r = xasprintf("request: %s must be one of %s", set->what,
	    list);
	return -1;
}

static int
valid_category(const char *s)
{
	size_t	i, len;

	len = strnlen(s, LIMIT_CATEGORY_BYTES + 1);
	if (len == 0 || len > LIMIT_CATEGORY_BYTES)
		return 0;
	for (i = 0; i < len; i++) {
		if ((s[i] < 'a' || s[i] > 'z') && (s[i] < '0' || s[i] > '9') &&
		    s[i] != '.' && s[i] != '_' && s[i] != '-')
			return 0;
	}
	return 1;
}

static int
check_new(const struct request_new *rn, char **errstr_r)
{
	if (!in_set(&channel_set, rn->channel))
		return set_error(&channel_set, errstr_r);
	if (!in_set(&status_set, rn->status))
		return set_error(&status_set, errstr_r);
	if (rn->priority != NULL && !in_set(&priority_set, rn->priority))
		return set_error(&priority_set, errstr_r);
	if (rn->category != NULL && !valid_category(rn->category)) {
		*errstr_r = xasprintf("request: category must be a taxonomy "
		    "id of at most %d bytes of a-z, 0-9, '.', '_' and '-'",
		    LIMIT_CATEGORY_BYTES);
		return -1;
	}
	return 0;
}

/*
 * Length of s cut to LIMIT_MESSAGE_BYTES, backed off to the start of a
 * UTF-8 sequence so that no character is split.
 */
static size_t
summary_len(const char *s)
{
	size_t	len;

	len = strnlen(s, LIMIT_MESSAGE_BYTES + 1);
	if (len <= LIMIT_MESSAGE_BYTES)
		return len;
	len = LIMIT_MESSAGE_BYTES;
	while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	return len;
}

/* Splits t, shifted to Moscow time, into a proleptic Gregorian date. */
static void
moscow_civil(int64_t t, struct civil *c)
{
	int64_t	days, secs, era, doe, yoe, doy, mp;

	days = t / SECS_PER_DAY;
	secs = t % SECS_PER_DAY;
	if (secs < 0) {
		secs += SECS_PER_DAY;
		days--;
	}
	secs += MSK_OFFSET;
	if (secs >= SECS_PER_DAY) {
		secs -= SECS_PER_DAY;
		days++;
	}
	c->hour = secs / 3600;
	c->min = secs / 60 % 60;
	c->sec = secs % 60;

	/* Days to civil date: H. Hinnant, "chrono-Compatible Low-Level Date
	 * Algorithms", civil_from_days. */
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	c->day = doy - (153 * mp + 2) / 5 + 1;
	c->month = mp < 10 ? mp + 3 : mp - 9;
	c->year = yoe + era * 400 + (c->month <= 2);
}

int
request_year_of(time_t t)
{
	struct civil	c;

	moscow_civil(t, &c);
	if (c.year < REQNUM_YEAR_MIN || c.year > REQNUM_YEAR_MAX)
		return -1;
	return c.year;
}

/* Checks that number is a well-formed request number. */
static int
check_number(const char *number, char **errstr_r)
{
	int64_t	seq;
	int	year;

	if (number == NULL || reqnum_parse(number,
	    strnlen(number, REQUEST_NUMBER_MAX), &year, &seq) == -1) {
		*errstr_r = xstrdup("request: malformed request number "
		    "(expected YYYY-NNNNNN)");
		return -1;
	}
	return 0;
}

int
request_schema(sqlite3 *db, char **errstr_r)
{
	return sqldb_migrate(db, "request", schema,
	    sizeof schema / sizeof schema[0], errstr_r);
}

int
request_register(sqlite3 *db, const struct request_new *rn, time_t now,
    char number_r[REQUEST_NUMBER_MAX], char **errstr_r)
{
	sqlite3_stmt	*st = NULL;
	char		 number[REQUEST_NUMBER_MAX];
	int64_t		 seq;
	int		 year, nested;

	number_r[0] = '\0';
	if (check_new(rn, errstr_r) == -1)
		return -1;
	if ((year = request_year_of(now)) == -1) {
		*errstr_r = xasprintf("request: clock out of range "
		    "(%" PRId64 ")", (int64_t)now);
		return -1;
	}

	/* Inside the caller's transaction a savepoint keeps it whole. */
	nested = !sqlite3_get_autocommit(db);
	if (sqldb_exec(db, nested ? SAVEPOINT : "BEGIN IMMEDIATE",
	    errstr_r) == -1)
		return -1;

	if ((st = sqldb_prep(db, NULL, sql_next_seq, "i",
	    (int64_t)year)) == NULL) {
		dberr(db, errstr_r);
		goto fail;
	}
	if (sqlite3_step(st) != SQLITE_ROW) {
		dberr(db, errstr_r);
		goto fail;
	}
	seq = sqlite3_column_int64(st, 0);
	if (sqlite3_step(st) != SQLITE_DONE) {
		dberr(db, errstr_r);
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (reqnum_format(year, seq, number, sizeof number) == -1) {
		*errstr_r = xasprintf("request: numbers of %d are exhausted",
		    year);
		goto fail;
	}

	if ((st = sqldb_prep(db, NULL, sql_insert, "tiitttt", number,
	    (int64_t)year, seq, rn->channel, rn->category, rn->priority,
	    rn->status)) == NULL) {
		dberr(db, errstr_r);
		goto fail;
	}
	/* The summary is bound by hand: only its first summary_len bytes. */
	if (rn->summary != NULL)
		sqlite3_bind_text(st, 8, rn->summary,
		    (int)summary_len(rn->summary), SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		dberr(db, errstr_r);
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;

	if (sqldb_exec(db, nested ? SAVEPOINT_RELEASE : "COMMIT",
	    errstr_r) == -1)
		goto fail;
	memcpy(number_r, number, sizeof number);
	return 0;
fail:
	/* *errstr_r is set before this point: ROLLBACK resets errmsg. */
	sqlite3_finalize(st);
	sqlite3_exec(db, nested ? SAVEPOINT_ROLLBACK : "ROLLBACK", NULL, NULL,
	    NULL);
	return -1;
}

static char *
column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char	*s;

	if ((s = sqlite3_column_text(st, i)) == NULL)
		return NULL;
	return xstrndup((const char *)s, sqlite3_column_bytes(st, i));
}

int
request_find(sqlite3 *db, const char *number, struct request **r,
    char **errstr_r)
{
	sqlite3_stmt	*st = NULL;
	struct request	*rq;
	int		 rc;

	*r = NULL;
	if (check_number(number, errstr_r) == -1)
		return -1;
	if ((st = sqldb_prep(db, NULL, sql_find, "t", number)) == NULL)
		return dberr(db, errstr_r);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		dberr(db, errstr_r);
		sqlite3_finalize(st);
		return -1;
	}
	rq = xcalloc(1, sizeof *rq);
	/* check_number proved it fits. */
	memcpy(rq->number, number, strlen(number) + 1);
	rq->channel = column_dup(st, 0);
	rq->category = column_dup(st, 1);
	rq->priority = column_dup(st, 2);
	rq->status = column_dup(st, 3);
	rq->summary = column_dup(st, 4);
	rq->created = sqlite3_column_int64(st, 5);
	rq->updated = sqlite3_column_int64(st, 6);
	sqlite3_finalize(st);
	if (rq->channel == NULL)
		rq->channel = xstrdup("");
	if (rq->status == NULL)
		rq->status = xstrdup("");
	*r = rq;
	return 1;
}

int
request_set_status(sqlite3 *db, const char *number, const char *status,
    time_t now, char **errstr_r)
{
	sqlite3_stmt	*st = NULL;

	if (check_number(number, errstr_r) == -1)
		return -1;
	if (!in_set(&status_set, status))
		return set_error(&status_set, errstr_r);
	if ((st = sqldb_prep(db, NULL, sql_set_status, "tit", status,
	    (int64_t)now, number)) == NULL)
		return dberr(db, errstr_r);
	if (sqlite3_step(st) != SQLITE_DONE) {
		dberr(db, errstr_r);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	if (sqlite3_changes(db) == 0) {
		*errstr_r = xasprintf("request: no request %s", number);
		return -1;
	}
	return 0;
}

void
request_free(struct request **r)
{
	if (*r == NULL)
		return;
	free((*r)->channel);
	free((*r)->category);
	free((*r)->priority);
	free((*r)->status);
	free((*r)->summary);
	free(*r);
	*r = NULL;
}

/*
 * Writes s with C0 and C1 control characters and DEL as \xNN, so that text
 * from citizens cannot move the cursor or retitle an operator's terminal;
 * each newline continues on a new line that starts with indent.
 */
static void
print_escaped(FILE *fp, const char *s, const char *indent)
{
	const unsigned char	*p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p == '\n')
			fprintf(fp, "\n%s", indent);
		else if (*p == '\t')
			fputc('\t', fp);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fprintf(fp, "\\x%02x\\x%02x", p[0], p[1]);
			p++;
		} else
			fputc(*p, fp);
	}
}

static void
print_time(FILE *fp, int64_t t)
{
	struct civil	c;

	moscow_civil(t, &c);
	if (c.year < 0 || c.year > 9999) {
		fprintf(fp, "@%" PRId64, t);
		return;
	}
	fprintf(fp, "%04d-%02d-%02dT%02d:%02d:%02d+03:00", (int)c.year,
	    c.month, c.day, c.hour, c.min, c.sec);
}

static void
print_field(FILE *fp, const char *name, const char *value)
{
	fprintf(fp, "%-10s", name);
	if (value == NULL)
		fputc('-', fp);
	else
		print_escaped(fp, value, "");
	fputc('\n', fp);
}

void
request_print(const struct request *r, FILE *fp)
{
	print_field(fp, "number:", r->number);
	print_field(fp, "status:", r->status);
	print_field(fp, "channel:", r->channel);
	print_field(fp, "category:", r->category);
	print_field(fp, "priority:", r->priority);
	fprintf(fp, "%-10s", "created:");
	print_time(fp, r->created);
	fprintf(fp, "\n%-10s", "updated:");
	print_time(fp, r->updated);
	fputc('\n', fp);
	if (r->summary == NULL || r->summary[0] == '\0') {
		fprintf(fp, "%-10s-\n", "summary:");
		return;
	}
	fprintf(fp, "summary:\n\t");
	print_escaped(fp, r->summary, "\t");
	fputc('\n', fp);
}
