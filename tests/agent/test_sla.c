/*
 * Tests of agent/core/sla.c: working days in Moscow time with weekends and
 * holidays (a table), the Moscow midnight boundary, the holiday list
 * parser, and the deadlines of each kind of request.
 */
#include <check.h>
#include <string.h>
#include <time.h>

#include "agent/core/sla.h"
#include "intents/deffile.h"

Suite	*sla_suite(void);

#define H	3600

/* y-m-d h:mi:s in Moscow time (UTC+3) as a time_t. */
static time_t
msk(int y, int m, int d, int h, int mi, int s)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return timegm(&tm) - 3 * H;
}

static void
holidays(const char *s, struct sla_holidays *h)
{
	const char	*err = NULL;

	ck_assert_msg(sla_holidays_parse(s, strlen(s), h, &err) == 0, "%s",
	    err != NULL ? err : "");
}

struct wd_case {
	const char	*what;
	int		 y, m, d, hh, mi;	/* received, Moscow */
	int		 days;
	const char	*hol;
	int		 ey, em, ed;		/* due by 23:59:59 that day */
};

static const struct wd_case wd_cases[] = {
	{ "Monday + 1 is Tuesday", 2026, 3, 2, 10, 0, 1, "",
	  2026, 3, 3 },
	{ "Friday + 1 skips the weekend", 2026, 3, 6, 10, 0, 1, "",
	  2026, 3, 9 },
	{ "Saturday + 1 is Monday", 2026, 3, 7, 12, 0, 1, "",
	  2026, 3, 9 },
	{ "Sunday + 1 is Monday", 2026, 3, 8, 23, 59, 1, "",
	  2026, 3, 9 },
	{ "a holiday Monday is skipped", 2026, 3, 6, 10, 0, 1, "2026-03-09",
	  2026, 3, 10 },
	{ "ten days: two weeks", 2026, 3, 2, 9, 0, 10, "",
	  2026, 3, 16 },
	{ "ten days with a holiday", 2026, 3, 2, 9, 0, 10, "2026-03-09",
	  2026, 3, 17 },
	{ "new year holidays", 2026, 12, 30, 15, 0, 10,
	  "2027-01-01,2027-01-02,2027-01-03,2027-01-04,2027-01-05,"
	  "2027-01-06,2027-01-07,2027-01-08", 2027, 1, 21 },
	{ "a holiday on a weekend changes nothing", 2026, 3, 6, 10, 0, 1,
	  "2026-03-07, 2026-03-08", 2026, 3, 9 },
	{ "February in a leap year", 2028, 2, 28, 10, 0, 1, "",
	  2028, 2, 29 },
};

START_TEST(test_working_days_table)
{
	const struct wd_case	*c = &wd_cases[_i];
	struct sla_holidays	 h;
	time_t			 got, want;

	holidays(c->hol, &h);
	got = sla_add_working_days(msk(c->y, c->m, c->d, c->hh, c->mi, 0),
	    c->days, &h);
	want = msk(c->ey, c->em, c->ed, 23, 59, 59);
	ck_assert_msg(got == want, "%s: got %lld, want %lld", c->what,
	    (long long)got, (long long)want);
}
END_TEST

START_TEST(test_moscow_midnight_decides_the_day)
{
	/* Thursday 23:59:59 Moscow is Thursday: + 1 is Friday.  One second
	 * later it is Friday: + 1 is Monday.  UTC still says Thursday. */
	time_t	thu = msk(2026, 3, 5, 23, 59, 59);

	ck_assert_int_eq(sla_add_working_days(thu, 1, NULL),
	    msk(2026, 3, 6, 23, 59, 59));
	ck_assert_int_eq(sla_add_working_days(thu + 1, 1, NULL),
	    msk(2026, 3, 9, 23, 59, 59));
	ck_assert_int_eq(sla_moscow_day(thu) + 1, sla_moscow_day(thu + 1));
}
END_TEST

START_TEST(test_zero_days_is_now)
{
	time_t	t = msk(2026, 3, 2, 10, 0, 0);

	ck_assert_int_eq(sla_add_working_days(t, 0, NULL), t);
	ck_assert_int_eq(sla_add_working_days(t, -3, NULL), t);
}
END_TEST

START_TEST(test_weekends_are_not_working_days)
{
	ck_assert(!sla_is_working_day(sla_moscow_day(msk(2026, 3, 7, 12, 0,
	    0)), NULL));
	ck_assert(!sla_is_working_day(sla_moscow_day(msk(2026, 3, 8, 12, 0,
	    0)), NULL));
	ck_assert(sla_is_working_day(sla_moscow_day(msk(2026, 3, 9, 0, 0,
	    0)), NULL));
}
END_TEST

START_TEST(test_holiday_list_parser)
{
	struct sla_holidays	 h;
	const char		*err = NULL;
	static const char *const bad[] = {
		"2026-13-01", "2026-02-30", "x", "2026-01-01,,2026-01-02",
		"2026-1-1", "2026-01-01,", "20260101", "1969-12-31",
	};
	size_t			 i;

	holidays("", &h);
	ck_assert_uint_eq(h.n, 0);
	holidays("  ", &h);
	ck_assert_uint_eq(h.n, 0);
	holidays(" 2026-05-09 , 2026-01-01,2028-02-29", &h);
	ck_assert_uint_eq(h.n, 3);
	ck_assert(h.days[0] < h.days[1] && h.days[1] < h.days[2]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(sla_holidays_parse(bad[i], strlen(bad[i]), &h,
		    &err) == -1, "accepted %s", bad[i]);
}
END_TEST

START_TEST(test_deadline_of_each_kind)
{
	static const struct {
		const char	*kind;
		int		 first, final;
	} kinds[] = {
		{ "chat", 15 * 60, 48 * H },
		{ "incident.critical", 15 * 60, 2 * H },
		{ "incident.high", 15 * 60, 2 * H },
		{ "incident.medium", 15 * 60, 24 * H },
		{ "incident.low", 15 * 60, 72 * H },
	};
	struct sla_deadlines	d;
	time_t			t = msk(2026, 3, 6, 17, 0, 0);
	size_t			i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		ck_assert_int_eq(sla_deadlines(kinds[i].kind, t, NULL, &d), 0);
		ck_assert_int_eq(d.first, t + kinds[i].first);
		ck_assert_int_eq(d.final, t + kinds[i].final);
	}
	/* Complaints: a first answer in 24 hours, the review in 10
	 * working days (Friday: two weeks and the weekend after). */
	ck_assert_int_eq(sla_deadlines("complaint", t, NULL, &d), 0);
	ck_assert_int_eq(d.first, t + 24 * H);
	ck_assert_int_eq(d.final, msk(2026, 3, 20, 23, 59, 59));
	ck_assert_int_eq(sla_deadlines("nonsense", t, NULL, &d), -1);
}
END_TEST

START_TEST(test_kinds_and_priorities)
{
	ck_assert_str_eq(sla_kind("feedback.complaint", SLA_NORMAL),
	    "complaint");
	ck_assert_str_eq(sla_kind("feedback.suggestion", SLA_NORMAL),
	    "complaint");
	ck_assert_str_eq(sla_kind("incident.report", SLA_CRITICAL),
	    "incident.critical");
	ck_assert_str_eq(sla_kind("incident.report", SLA_NORMAL),
	    "incident.medium");
	ck_assert_str_eq(sla_kind("incident.report", SLA_LOW),
	    "incident.low");
	ck_assert_str_eq(sla_kind("login.sms_code", SLA_NORMAL), "chat");
	ck_assert_str_eq(sla_kind(NULL, SLA_NORMAL), "chat");
	ck_assert_int_eq(sla_priority_up(SLA_LOW), SLA_NORMAL);
	ck_assert_int_eq(sla_priority_up(SLA_NORMAL), SLA_MEDIUM);
	ck_assert_int_eq(sla_priority_up(SLA_HIGH), SLA_CRITICAL);
	ck_assert_int_eq(sla_priority_up(SLA_CRITICAL), SLA_CRITICAL);
	/* One scale: the editors' levels with normal for none, by name in
	 * the database and back. */
	ck_assert_int_eq(sla_priority_of(PRIORITY_CRITICAL), SLA_CRITICAL);
	ck_assert_int_eq(sla_priority_of(PRIORITY_LOW), SLA_LOW);
	ck_assert_int_eq(sla_priority_of(PRIORITY_NONE), SLA_NORMAL);
	ck_assert_int_eq(sla_priority_parse(sla_priority_name(SLA_HIGH)),
	    SLA_HIGH);
	ck_assert_int_eq(sla_priority_parse(NULL), SLA_NORMAL);
	ck_assert_int_eq(sla_priority_parse("urgent!"), SLA_NORMAL);
	ck_assert_int_lt(SLA_CRITICAL, SLA_NORMAL);
	ck_assert_int_lt(SLA_NORMAL, SLA_LOW);
}
END_TEST

Suite *
sla_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("sla");
	tc = tcase_create("working_days");
	tcase_add_loop_test(tc, test_working_days_table, 0,
	    sizeof(wd_cases) / sizeof(wd_cases[0]));
	tcase_add_test(tc, test_moscow_midnight_decides_the_day);
	tcase_add_test(tc, test_zero_days_is_now);
	tcase_add_test(tc, test_weekends_are_not_working_days);
	tcase_add_test(tc, test_holiday_list_parser);
	suite_add_tcase(s, tc);
	tc = tcase_create("deadlines");
	tcase_add_test(tc, test_deadline_of_each_kind);
	tcase_add_test(tc, test_kinds_and_priorities);
	suite_add_tcase(s, tc);
	return s;
}
