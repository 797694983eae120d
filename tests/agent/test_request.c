/*
 * Tests of agent/core/request.c: the number format and its parser, the Moscow
 * year, allocation (increasing, unique, per year, never reused, surviving a
 * reopen, safe across processes), validation, look-up, status changes and
 * the printed description.
 */
#include <check.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/core/request.h"
#include "lib/limits.h"
#include "lib/sqldb.h"

Suite	*request_suite(void);

/* 2026-03-01T12:00:00+03:00. */
#define T_MARCH_2026		((time_t)1772355600)
/* 2026-12-31T20:59:59Z, the last second of 2026 in Moscow. */
#define T_LAST_2026		((time_t)1798750799)
/* 2026-12-31T21:00:00Z, the first second of 2027 in Moscow. */
#define T_FIRST_2027		((time_t)1798750800)

#define CHILDREN		4
#define PER_CHILD		200

static char	tmpdir[64];

static const struct request_new plain = {
	"chat", "incident.report", "high", "new", "Не работает оплата"
};

static void
tmpdir_setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/hotline-request-XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		abort();
	}
}

static void
tmpdir_teardown(void)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[256];

	if ((d = opendir(tmpdir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof path, "%s/%s", tmpdir,
		    de->d_name) < (int)sizeof path)
			unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

static void
db_path(const char *name, char *buf, size_t bufsz)
{
	int	n;

	n = snprintf(buf, bufsz, "%s/%s", tmpdir, name);
	ck_assert(n > 0 && (size_t)n < bufsz);
}

static sqlite3 *
open_db(const char *path)
{
	sqlite3	*db = NULL;
	char	*err = NULL;

	if (sqldb_open(path, &db, &err) == -1 ||
	    request_schema(db, &err) == -1)
		ck_abort_msg("open %s: %s", path, err);
	return db;
}

static void
register_ok(sqlite3 *db, const struct request_new *rn, time_t now,
    const char *expect)
{
	char	 number[REQUEST_NUMBER_MAX];
	char	*err = NULL;

	if (request_register(db, rn, now, number, &err) == -1)
		ck_abort_msg("register: %s", err);
	ck_assert_str_eq(number, expect);
}

static void
register_fails(sqlite3 *db, const struct request_new *rn, time_t now,
    const char *mention)
{
	char	 number[REQUEST_NUMBER_MAX] = "x";
	char	*err = NULL;

	ck_assert_int_eq(request_register(db, rn, now, number, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, mention) != NULL, "\"%s\" lacks \"%s\"",
	    err, mention);
	ck_assert_str_eq(number, "");
	free(err);
}

static int64_t
query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*st;
	int64_t		 v;

	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

START_TEST(test_numbers_increase_and_are_unique)
{
	sqlite3	*db = open_db(":memory:");
	char	 prev[REQUEST_NUMBER_MAX] = "", number[REQUEST_NUMBER_MAX];
	char	*err = NULL;
	int64_t	 seq;
	int	 i, year;

	for (i = 0; i < 100; i++) {
		if (request_register(db, &plain, T_MARCH_2026 + i, number,
		    &err) == -1)
			ck_abort_msg("register: %s", err);
		ck_assert_int_eq(reqnum_parse(number, strlen(number),
		    &year, &seq), 0);
		ck_assert_int_eq(year, 2026);
		ck_assert_int_eq(seq, i + 1);
		ck_assert_msg(strcmp(number, prev) > 0, "%s after %s", number,
		    prev);
		memcpy(prev, number, sizeof prev);
	}
	ck_assert_int_eq(query_int(db,
	    "SELECT count(DISTINCT number) FROM request"), 100);
	sqldb_close(&db);
}
END_TEST

START_TEST(test_numbers_widen_past_six_digits)
{
	sqlite3			*db = open_db(":memory:");
	struct request		*r = NULL;
	char			*err = NULL;

	register_ok(db, &plain, T_MARCH_2026, "2026-000001");
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE request_counter "
	    "SET seq = 999998", NULL, NULL, NULL), SQLITE_OK);
	register_ok(db, &plain, T_MARCH_2026, "2026-999999");
	register_ok(db, &plain, T_MARCH_2026, "2026-1000000");
	register_ok(db, &plain, T_MARCH_2026, "2026-1000001");
	ck_assert_int_eq(request_find(db, "2026-1000000", &r, &err), 1);
	ck_assert_str_eq(r->number, "2026-1000000");
	request_free(&r);
	sqldb_close(&db);
}
END_TEST

START_TEST(test_format_parse_round_trip)
{
	static const struct {
		int		 year;
		int64_t		 seq;
		const char	*text;
	} cases[] = {
		{ 2026, 1, "2026-000001" },
		{ 2026, 123, "2026-000123" },
		{ 2026, 999999, "2026-999999" },
		{ 2026, 1000000, "2026-1000000" },
		{ 2027, 1234567, "2027-1234567" },
		{ 1970, 1, "1970-000001" },
		{ 9999, REQNUM_SEQ_MAX, "9999-999999999999999999" },
	};
	char	 buf[REQUEST_NUMBER_MAX];
	int64_t	 seq;
	size_t	 i;
	int	 year;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ck_assert_int_eq(reqnum_format(cases[i].year,
		    cases[i].seq, buf, sizeof buf), 0);
		ck_assert_str_eq(buf, cases[i].text);
		ck_assert_int_eq(reqnum_parse(buf, strlen(buf), &year,
		    &seq), 0);
		ck_assert_int_eq(year, cases[i].year);
		ck_assert_int_eq(seq, cases[i].seq);
	}
}
END_TEST

START_TEST(test_format_rejects_out_of_range)
{
	char	buf[REQUEST_NUMBER_MAX];

	ck_assert_int_eq(reqnum_format(2026, 0, buf, sizeof buf), -1);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(reqnum_format(2026, -1, buf, sizeof buf), -1);
	ck_assert_int_eq(reqnum_format(2026, REQNUM_SEQ_MAX + 1, buf,
	    sizeof buf), -1);
	ck_assert_int_eq(reqnum_format(2026, INT64_MAX, buf,
	    sizeof buf), -1);
	ck_assert_int_eq(reqnum_format(1969, 1, buf, sizeof buf), -1);
	ck_assert_int_eq(reqnum_format(10000, 1, buf, sizeof buf), -1);
	/* "2026-000001" needs 12 bytes with its NUL. */
	ck_assert_int_eq(reqnum_format(2026, 1, buf, 11), -1);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(reqnum_format(2026, 1, buf, 12), 0);
	ck_assert_str_eq(buf, "2026-000001");
}
END_TEST

START_TEST(test_parse_rejects_malformed_numbers)
{
	static const char *const bad[] = {
		"2026-12",		/* too few digits */
		"2026-00012a",		/* not a digit */
		"20260000123",		/* no dash */
		"abcd-000001",		/* year not digits */
		"",
		"2026-",
		"2026",
		"2026-000000",		/* sequence numbers start at 1 */
		"2026-0000001",		/* padded beyond six digits */
		"2026-000001 ",
		" 2026-000001",
		"2026_000001",
		"2026--00001",
		"2026-+00001",
		"2026- 00001",
		"1969-000001",		/* before the epoch */
		"0000-000001",
		"202-0000001",
		"2026-1234567890123456789",	/* 19 digits */
		"2026-000001\n",
		"２０２６-000001",	/* full-width digits */
	};
	int64_t	seq = -7;
	size_t	i;
	int	year = -7;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(reqnum_parse(bad[i], strlen(bad[i]),
		    &year, &seq) == -1, "accepted \"%s\"", bad[i]);
	}
	ck_assert_int_eq(year, -7);
	ck_assert_int_eq(seq, -7);

	/* Exactly len bytes: no more, no less, NUL or not. */
	ck_assert_int_eq(reqnum_parse("2026-000001", 10, &year, &seq),
	    -1);
	ck_assert_int_eq(reqnum_parse("2026-00\0" "001", 11, &year,
	    &seq), -1);
	ck_assert_int_eq(reqnum_parse("2026-0000012", 11, &year,
	    &seq), 0);
	ck_assert_int_eq(seq, 1);
	ck_assert_int_eq(reqnum_parse("[2026-000042]" + 1, 11, &year,
	    &seq), 0);
	ck_assert_int_eq(seq, 42);
}
END_TEST

START_TEST(test_year_is_moscow_year)
{
	ck_assert_int_eq(request_year_of(T_LAST_2026), 2026);
	ck_assert_int_eq(request_year_of(T_FIRST_2027), 2027);
	ck_assert_int_eq(request_year_of(T_MARCH_2026), 2026);
	ck_assert_int_eq(request_year_of(0), 1970);
	/* 1970-01-01T00:00:00+03:00 and the second before it. */
	ck_assert_int_eq(request_year_of(-10800), 1970);
	ck_assert_int_eq(request_year_of(-10801), -1);
	/* 9999-12-31T23:59:59+03:00 and the second after it. */
	ck_assert_int_eq(request_year_of((time_t)253402289999), 9999);
	ck_assert_int_eq(request_year_of((time_t)253402290000), -1);
	ck_assert_int_eq(request_year_of((time_t)INT64_MAX), -1);
	ck_assert_int_eq(request_year_of((time_t)INT64_MIN), -1);
}
END_TEST

START_TEST(test_year_rollover_starts_at_one)
{
	sqlite3	*db = open_db(":memory:");

	register_ok(db, &plain, T_LAST_2026, "2026-000001");
	register_ok(db, &plain, T_LAST_2026, "2026-000002");
	register_ok(db, &plain, T_FIRST_2027, "2027-000001");
	register_ok(db, &plain, T_FIRST_2027 + 1, "2027-000002");
	/* A late clock still numbers in its own year, after the others. */
	register_ok(db, &plain, T_LAST_2026, "2026-000003");
	sqldb_close(&db);
}
END_TEST

START_TEST(test_clock_out_of_range_is_an_error)
{
	sqlite3	*db = open_db(":memory:");

	register_fails(db, &plain, (time_t)-86400, "clock");
	register_fails(db, &plain, (time_t)INT64_MAX, "clock");
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM request"), 0);
	sqldb_close(&db);
}
END_TEST

START_TEST(test_numbers_survive_reopen)
{
	sqlite3		*db;
	struct request	*r = NULL;
	char		 path[256];
	char		*err = NULL;

	db_path("reopen.db", path, sizeof path);
	db = open_db(path);
	register_ok(db, &plain, T_MARCH_2026, "2026-000001");
	register_ok(db, &plain, T_MARCH_2026, "2026-000002");
	register_ok(db, &plain, T_MARCH_2026, "2026-000003");
	sqldb_close(&db);

	db = open_db(path);	/* migrating again is a no-op */
	register_ok(db, &plain, T_MARCH_2026, "2026-000004");
	ck_assert_int_eq(request_find(db, "2026-000002", &r, &err), 1);
	ck_assert_str_eq(r->summary, plain.summary);
	request_free(&r);
	sqldb_close(&db);
}
END_TEST

START_TEST(test_deleted_number_is_not_reused)
{
	sqlite3		*db = open_db(":memory:");
	struct request	*r = NULL;
	char		*err = NULL;

	register_ok(db, &plain, T_MARCH_2026, "2026-000001");
	register_ok(db, &plain, T_MARCH_2026, "2026-000002");
	ck_assert_int_eq(sqlite3_exec(db, "DELETE FROM request WHERE "
	    "number = '2026-000002'", NULL, NULL, NULL), SQLITE_OK);
	register_ok(db, &plain, T_MARCH_2026, "2026-000003");
	ck_assert_int_eq(sqlite3_exec(db, "DELETE FROM request", NULL, NULL,
	    NULL), SQLITE_OK);
	register_ok(db, &plain, T_MARCH_2026, "2026-000004");
	ck_assert_int_eq(request_find(db, "2026-000002", &r, &err), 0);
	sqldb_close(&db);
}
END_TEST

START_TEST(test_find_returns_what_was_registered)
{
	sqlite3			*db = open_db(":memory:");
	struct request		*r = NULL;
	struct request_new	 bare = { "email", NULL, NULL, "answered",
				    NULL };
	char			*err = NULL;

	register_ok(db, &plain, T_MARCH_2026, "2026-000001");
	register_ok(db, &bare, T_MARCH_2026 + 5, "2026-000002");

	ck_assert_int_eq(request_find(db, "2026-000001", &r, &err), 1);
	ck_assert_str_eq(r->number, "2026-000001");
	ck_assert_str_eq(r->channel, "chat");
	ck_assert_str_eq(r->category, "incident.report");
	ck_assert_str_eq(r->priority, "high");
	ck_assert_str_eq(r->status, "new");
	ck_assert_str_eq(r->summary, "Не работает оплата");
	ck_assert_int_eq(r->created, T_MARCH_2026);
	ck_assert_int_eq(r->updated, T_MARCH_2026);
	request_free(&r);
	ck_assert_ptr_null(r);

	ck_assert_int_eq(request_find(db, "2026-000002", &r, &err), 1);
	ck_assert_str_eq(r->channel, "email");
	ck_assert_ptr_null(r->category);
	ck_assert_ptr_null(r->priority);
	ck_assert_ptr_null(r->summary);
	ck_assert_str_eq(r->status, "answered");
	request_free(&r);
	request_free(&r);	/* NULL is fine */
	sqldb_close(&db);
}
END_TEST

START_TEST(test_find_unknown_returns_zero)
{
	sqlite3		*db = open_db(":memory:");
	struct request	 dummy, *r = &dummy;
	char		*err = NULL;

	ck_assert_int_eq(request_find(db, "2026-000001", &r, &err), 0);
	ck_assert_ptr_null(r);
	register_ok(db, &plain, T_MARCH_2026, "2026-000001");
	ck_assert_int_eq(request_find(db, "2026-000002", &r, &err), 0);
	ck_assert_int_eq(request_find(db, "2027-000001", &r, &err), 0);
	ck_assert_ptr_null(err);

	/* Malformed is an error with a message, not "not found". */
	ck_assert_int_eq(request_find(db, "2026-1", &r, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_null(r);
	free(err);
	err = NULL;
	ck_assert_int_eq(request_find(db,
	    "2026-0000000000000000000000000000001", &r, &err), -1);
	free(err);
	sqldb_close(&db);
}
END_TEST

START_TEST(test_invalid_input_is_rejected_without_using_a_number)
{
	sqlite3			*db = open_db(":memory:");
	struct request_new	 rn;
	char			 longcat[80];

	rn = plain;
	rn.status = "bogus";
	register_fails(db, &rn, T_MARCH_2026, "status");
	rn.status = "New";
	register_fails(db, &rn, T_MARCH_2026, "status");
	rn.status = NULL;
	register_fails(db, &rn, T_MARCH_2026, "status");

	rn = plain;
	rn.priority = "urgent";
	register_fails(db, &rn, T_MARCH_2026, "priority");
	rn.priority = "";
	register_fails(db, &rn, T_MARCH_2026, "priority");

	rn = plain;
	rn.channel = NULL;
	register_fails(db, &rn, T_MARCH_2026, "channel");
	rn.channel = "";
	register_fails(db, &rn, T_MARCH_2026, "channel");
	rn.channel = "carrier pigeon";
	register_fails(db, &rn, T_MARCH_2026, "channel");

	rn = plain;
	rn.category = "";
	register_fails(db, &rn, T_MARCH_2026, "category");
	rn.category = "Incident Report";
	register_fails(db, &rn, T_MARCH_2026, "category");
	memset(longcat, 'a', sizeof longcat - 1);
	longcat[sizeof longcat - 1] = '\0';
	rn.category = longcat;
	register_fails(db, &rn, T_MARCH_2026, "category");

	register_ok(db, &plain, T_MARCH_2026, "2026-000001");
	sqldb_close(&db);
}
END_TEST

START_TEST(test_schema_rejects_invalid_status_written_directly)
{
	sqlite3	*db = open_db(":memory:");

	ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO request (number, year, "
	    "seq, channel, status, created, updated) VALUES ('2026-000001', "
	    "2026, 1, 'chat', 'bogus', 0, 0)", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO request (number, year, "
	    "seq, channel, priority, status, created, updated) VALUES "
	    "('2026-000001', 2026, 1, 'chat', 'urgent', 'new', 0, 0)", NULL,
	    NULL, NULL), SQLITE_OK);
	/* The number must be the canonical form of year and seq. */
	ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO request (number, year, "
	    "seq, channel, status, created, updated) VALUES ('2026-000002', "
	    "2026, 1, 'chat', 'new', 0, 0)", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO request (number, year, "
	    "seq, channel, status, created, updated) VALUES ('2026-000001', "
	    "2026, 1, 'chat', 'new', 0, 0)", NULL, NULL, NULL), SQLITE_OK);
	sqldb_close(&db);
}
END_TEST

START_TEST(test_set_status_changes_status_and_update_time)
{
	sqlite3		*db = open_db(":memory:");
	struct request	*r = NULL;
	char		*err = NULL;

	register_ok(db, &plain, T_MARCH_2026, "2026-000001");
	ck_assert_int_eq(request_set_status(db, "2026-000001", "handoff",
	    T_MARCH_2026 + 60, &err), 0);
	ck_assert_int_eq(request_find(db, "2026-000001", &r, &err), 1);
	ck_assert_str_eq(r->status, "handoff");
	ck_assert_int_eq(r->created, T_MARCH_2026);
	ck_assert_int_eq(r->updated, T_MARCH_2026 + 60);
	request_free(&r);
	sqldb_close(&db);
}
END_TEST

START_TEST(test_set_status_rejects_invalid_status_and_unknown_number)
{
	sqlite3		*db = open_db(":memory:");
	struct request	*r = NULL;
	char		*err = NULL;

	register_ok(db, &plain, T_MARCH_2026, "2026-000001");
	ck_assert_int_eq(request_set_status(db, "2026-000001", "bogus",
	    T_MARCH_2026, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "status"));
	free(err);
	err = NULL;
	ck_assert_int_eq(request_set_status(db, "2026-000001", NULL,
	    T_MARCH_2026, &err), -1);
	free(err);
	err = NULL;
	ck_assert_int_eq(request_set_status(db, "2026-000002", "closed",
	    T_MARCH_2026, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "2026-000002"));
	free(err);
	err = NULL;
	ck_assert_int_eq(request_set_status(db, "nonsense", "closed",
	    T_MARCH_2026, &err), -1);
	free(err);
	err = NULL;

	ck_assert_int_eq(request_find(db, "2026-000001", &r, &err), 1);
	ck_assert_str_eq(r->status, "new");
	request_free(&r);
	sqldb_close(&db);
}
END_TEST

START_TEST(test_summary_is_cut_on_a_character_boundary)
{
	sqlite3			*db = open_db(":memory:");
	struct request_new	 rn = plain;
	struct request		*r = NULL;
	char			*big, *err = NULL;
	size_t			 i, n = LIMIT_MESSAGE_BYTES + 101;

	/* "a" then "я" (two bytes) repeated: the limit falls mid-letter. */
	big = malloc(n + 1);
	ck_assert_ptr_nonnull(big);
	big[0] = 'a';
	for (i = 1; i + 1 < n; i += 2)
		memcpy(big + i, "я", 2);
	big[i] = '\0';
	rn.summary = big;
	register_ok(db, &rn, T_MARCH_2026, "2026-000001");
	ck_assert_int_eq(request_find(db, "2026-000001", &r, &err), 1);
	ck_assert_uint_eq(strlen(r->summary), LIMIT_MESSAGE_BYTES - 1);
	ck_assert_int_eq(memcmp(r->summary, big, LIMIT_MESSAGE_BYTES - 1), 0);
	request_free(&r);

	/* Exactly at the limit nothing is cut. */
	big[LIMIT_MESSAGE_BYTES] = '\0';
	big[LIMIT_MESSAGE_BYTES - 1] = 'b';
	register_ok(db, &rn, T_MARCH_2026, "2026-000002");
	ck_assert_int_eq(request_find(db, "2026-000002", &r, &err), 1);
	ck_assert_uint_eq(strlen(r->summary), LIMIT_MESSAGE_BYTES);
	request_free(&r);
	free(big);
	sqldb_close(&db);
}
END_TEST

START_TEST(test_register_inside_caller_transaction)
{
	sqlite3		*db = open_db(":memory:");
	struct request	*r = NULL;
	char		*err = NULL;

	ck_assert_int_eq(sqldb_exec(db, "BEGIN IMMEDIATE", &err), 0);
	register_ok(db, &plain, T_MARCH_2026, "2026-000001");
	ck_assert_int_eq(sqlite3_get_autocommit(db), 0);
	ck_assert_int_eq(sqldb_exec(db, "ROLLBACK", &err), 0);
	/* Nothing was committed, so the number was never issued. */
	ck_assert_int_eq(request_find(db, "2026-000001", &r, &err), 0);

	ck_assert_int_eq(sqldb_exec(db, "BEGIN IMMEDIATE", &err), 0);
	register_ok(db, &plain, T_MARCH_2026, "2026-000001");
	register_fails(db, &(struct request_new){ "chat", NULL, NULL, "x",
	    NULL }, T_MARCH_2026, "status");
	register_ok(db, &plain, T_MARCH_2026, "2026-000002");
	ck_assert_int_eq(sqldb_exec(db, "COMMIT", &err), 0);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM request"), 2);
	sqldb_close(&db);
}
END_TEST

static char *
print_to_string(const struct request *r)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	request_print(r, fp);
	ck_assert_int_eq(fclose(fp), 0);
	return buf;
}

START_TEST(test_print_shows_moscow_times_and_escapes_controls)
{
	struct request	 r;
	char		*out;

	memset(&r, 0, sizeof r);
	memcpy(r.number, "2026-000042", sizeof "2026-000042");
	r.channel = "email";
	r.category = "incident.report";
	r.priority = "critical";
	r.status = "handoff";
	r.summary = "Портал лежит\nс утра\x1b[2J\xc2\x9b конец";
	r.created = T_LAST_2026;
	r.updated = T_FIRST_2027;
	out = print_to_string(&r);
	ck_assert_ptr_nonnull(strstr(out, "number:   2026-000042\n"));
	ck_assert_ptr_nonnull(strstr(out, "status:   handoff\n"));
	ck_assert_ptr_nonnull(strstr(out, "channel:  email\n"));
	ck_assert_ptr_nonnull(strstr(out, "category: incident.report\n"));
	ck_assert_ptr_nonnull(strstr(out, "priority: critical\n"));
	ck_assert_ptr_nonnull(strstr(out,
	    "created:  2026-12-31T23:59:59+03:00\n"));
	ck_assert_ptr_nonnull(strstr(out,
	    "updated:  2027-01-01T00:00:00+03:00\n"));
	ck_assert_ptr_nonnull(strstr(out, "summary:\n\tПортал лежит\n\tс утра"
	    "\\x1b[2J\\xc2\\x9b конец\n"));
	ck_assert_ptr_null(strchr(out, '\x1b'));
	free(out);

	r.category = NULL;
	r.priority = NULL;
	r.summary = NULL;
	r.created = 0;
	out = print_to_string(&r);
	ck_assert_ptr_nonnull(strstr(out, "category: -\n"));
	ck_assert_ptr_nonnull(strstr(out, "priority: -\n"));
	ck_assert_ptr_nonnull(strstr(out,
	    "created:  1970-01-01T03:00:00+03:00\n"));
	ck_assert_ptr_nonnull(strstr(out, "summary:  -\n"));
	free(out);
}
END_TEST

/* Registers PER_CHILD requests once the gate opens; returns an exit code. */
static int
child_register(const char *path, int gate)
{
	sqlite3	*db = NULL;
	char	 number[REQUEST_NUMBER_MAX], c;
	char	*err = NULL;
	int64_t	 seq, prev = 0;
	int	 i, year, status = 1;

	if (read(gate, &c, 1) != 0)
		goto out;
	if (sqldb_open(path, &db, &err) == -1 ||
	    request_schema(db, &err) == -1)
		goto out;
	for (i = 0; i < PER_CHILD; i++) {
		if (request_register(db, &plain, T_MARCH_2026, number,
		    &err) == -1)
			goto out;
		if (reqnum_parse(number, strlen(number), &year,
		    &seq) == -1 || seq <= prev) {
			fprintf(stderr, "child: %s after %" PRId64 "\n",
			    number, prev);
			goto out;
		}
		prev = seq;
	}
	status = 0;
out:
	if (err != NULL)
		fprintf(stderr, "child: %s\n", err);
	free(err);
	sqldb_close(&db);
	return status;
}

START_TEST(test_concurrent_processes_get_contiguous_numbers)
{
	sqlite3	*db;
	pid_t	 pids[CHILDREN];
	char	 path[256];
	int	 gate[2], i, status;

	db_path("concurrent.db", path, sizeof path);
	db = open_db(path);
	sqldb_close(&db);	/* no connection may cross fork() */

	ck_assert_int_eq(pipe(gate), 0);
	fflush(NULL);
	for (i = 0; i < CHILDREN; i++) {
		pids[i] = fork();
		ck_assert_int_ne(pids[i], -1);
		if (pids[i] == 0) {
			close(gate[1]);
			_exit(child_register(path, gate[0]));
		}
	}
	close(gate[0]);
	close(gate[1]);		/* all children start together */
	for (i = 0; i < CHILDREN; i++) {
		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "child %d failed (status %d)", i, status);
	}

	db = open_db(path);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM request"),
	    CHILDREN * PER_CHILD);
	ck_assert_int_eq(query_int(db,
	    "SELECT count(DISTINCT number) FROM request"),
	    CHILDREN * PER_CHILD);
	ck_assert_int_eq(query_int(db, "SELECT min(seq) FROM request"), 1);
	ck_assert_int_eq(query_int(db, "SELECT max(seq) FROM request"),
	    CHILDREN * PER_CHILD);
	ck_assert_int_eq(query_int(db,
	    "SELECT seq FROM request_counter WHERE year = 2026"),
	    CHILDREN * PER_CHILD);
	sqldb_close(&db);
}
END_TEST

Suite *
request_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("request");

	tc = tcase_create("number");
	tcase_add_test(tc, test_format_parse_round_trip);
	tcase_add_test(tc, test_format_rejects_out_of_range);
	tcase_add_test(tc, test_parse_rejects_malformed_numbers);
	tcase_add_test(tc, test_year_is_moscow_year);
	suite_add_tcase(s, tc);

	tc = tcase_create("register");
	tcase_add_test(tc, test_numbers_increase_and_are_unique);
	tcase_add_test(tc, test_numbers_widen_past_six_digits);
	tcase_add_test(tc, test_year_rollover_starts_at_one);
	tcase_add_test(tc, test_clock_out_of_range_is_an_error);
	tcase_add_test(tc, test_deleted_number_is_not_reused);
	tcase_add_test(tc, test_find_returns_what_was_registered);
	tcase_add_test(tc, test_find_unknown_returns_zero);
	tcase_add_test(tc,
	    test_invalid_input_is_rejected_without_using_a_number);
	tcase_add_test(tc, test_schema_rejects_invalid_status_written_directly);
	tcase_add_test(tc, test_set_status_changes_status_and_update_time);
	tcase_add_test(tc,
	    test_set_status_rejects_invalid_status_and_unknown_number);
	tcase_add_test(tc, test_summary_is_cut_on_a_character_boundary);
	tcase_add_test(tc, test_register_inside_caller_transaction);
	tcase_add_test(tc, test_print_shows_moscow_times_and_escapes_controls);
	suite_add_tcase(s, tc);

	tc = tcase_create("file");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_numbers_survive_reopen);
	tcase_add_test(tc, test_concurrent_processes_get_contiguous_numbers);
	suite_add_tcase(s, tc);

	return s;
}
