/*
 * Tests of the operators' queue's clock and bookkeeping (agent/core/
 * queue.c) on a real state database: a citizen waiting past the target is
 * told the expected wait once, not at every tick; an item past its first
 * deadline is escalated once (priority up, the senior queue, journalled,
 * those watching told) and goes to the head of the list, while an item an
 * operator answered in time is not; the items of an operator who can no
 * longer answer go back to the queue with their citizens told; the
 * figures /metrics shows count what is waiting and the breaches.
 * (tests/agent/test_conv.c covers taking, replying, transfer and close.)
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/core/audit.h"
#include "agent/core/conv.h"
#include "agent/core/operator.h"
#include "agent/core/queue.h"
#include "agent/core/state.h"
#include "agent/core/stmt.h"
#include "lib/sqldb.h"
#include "tests/agent/fixture.h"

Suite	*queue_suite(void);

/* A Monday, 2026-12-07, 12:00 in Moscow: within working hours. */
static const time_t	 T0 = 1796630400 + 9 * 3600;

static struct fixture	 fx;
static sqlite3	*db;
static int64_t	 touched[8];
static int	 ntouched;

static void
setup(void)
{
	char	*err = NULL;

	fixture_open(&fx, "queue", 0);
	db = fx.db;
	ck_assert_int_eq(operator_add(db, "anna", "operator", "password-1",
	    T0, &err), 0);
	ntouched = 0;
}

static void
teardown(void)
{
	fixture_close(&fx);
}

static void
touch(void *arg, int64_t conv)
{
	(void)arg;
	if (ntouched < (int)(sizeof(touched) / sizeof(touched[0])))
		touched[ntouched++] = conv;
}

static int64_t
num(const char *sql, int64_t id)
{
	return fixture_int(db, sql, id);
}

/* System messages the citizen of id got. */
static int64_t
told(int64_t id)
{
	return num("SELECT count(*) FROM message WHERE conv = ?1 AND sender = "
	    "'system'", id);
}

static int
tick(time_t now)
{
	char	*err = NULL;
	int	 n;

	n = queue_tick(db, NULL, now, touch, NULL, &err);
	ck_assert_msg(n >= 0, "%s", err);
	return n;
}

START_TEST(test_wait_told_once)
{
	int64_t	id, before;

	id = fixture_handed(db, "позовите человека", T0);
	before = told(id);
	/* Within the target: nothing yet. */
	tick(T0 + SLA_WAIT_TARGET - 1);
	ck_assert_int_eq(told(id), before);
	tick(T0 + SLA_WAIT_TARGET);
	ck_assert_int_eq(told(id), before + 1);
	ck_assert_int_eq(ntouched, 1);
	ck_assert_int_eq(touched[0], id);
	/* Not again at every tick after. */
	tick(T0 + SLA_WAIT_TARGET + 5);
	tick(T0 + SLA_WAIT_TARGET + 10);
	ck_assert_int_eq(told(id), before + 1);
}
END_TEST

START_TEST(test_escalated_once_and_first)
{
	struct audit_report	 r;
	json_t			*items, *it, *item;
	enum core_err		 e;
	char			*err = NULL, *what = NULL;
	int64_t			 late, answered, fresh, due;

	late = fixture_handed(db, "не приходит смс", T0);
	answered = fixture_handed(db, "не могу войти", T0);
	/* An operator answers the second in time. */
	ck_assert_int_eq(queue_take(db, answered, "anna", "operator", T0 + 60,
	    &item, &e, &err), 0);
	json_decref(item);
	ck_assert_int_eq(queue_reply(db, answered, "anna", "operator",
	    "Здравствуйте, смотрю", strlen("Здравствуйте, смотрю"), NULL, T0 + 60, &item, &e, &err), 0);
	json_decref(item);
	due = num("SELECT first_deadline FROM queue_item WHERE id = ?1",
	    late);
	ck_assert_int_gt(due, T0);
	fresh = fixture_handed(db, "вопрос по пошлине", due - 1);
	/* Tell-the-wait messages first, so that only escalations count. */
	tick(due - 1 + SLA_WAIT_TARGET - 120);
	ntouched = 0;
	ck_assert_int_eq(tick(due + 1), 1);
	ck_assert_int_eq(num("SELECT count(*) FROM queue_item WHERE id = ?1 "
	    "AND queue = 'senior' AND escalated = 1 AND breaches = 1", late),
	    1);
	ck_assert_int_eq(num("SELECT escalated FROM queue_item WHERE id = ?1",
	    answered), 0);
	ck_assert_int_eq(num("SELECT escalated FROM queue_item WHERE id = ?1",
	    fresh), 0);
	ck_assert_int_eq(num("SELECT count(*) FROM audit WHERE conv = ?1 AND "
	    "action = 'escalate'", late), 1);
	ck_assert_int_ge(ntouched, 1);
	ck_assert_int_eq(touched[ntouched - 1], late);
	/* The same deadline does not escalate it again. */
	ck_assert_int_eq(tick(due + 5), 0);
	ck_assert_int_eq(num("SELECT breaches FROM queue_item WHERE id = ?1",
	    late), 1);
	/* Its priority is up: it heads the list. */
	ck_assert_ptr_nonnull(items = queue_list(db, due + 5, &err));
	ck_assert_uint_ge(json_array_size(items), 2);
	it = json_array_get(items, 0);
	ck_assert_int_eq(json_integer_value(json_object_get(it, "id")), late);
	ck_assert(json_is_true(json_object_get(it, "escalated")));
	json_decref(items);
	ck_assert_int_eq(audit_verify(db, NULL, &r, &what, &err), 0);
	free(what);
}
END_TEST

START_TEST(test_unassigned_back_to_queue)
{
	json_t		*item, *items, *it;
	enum core_err	 e;
	char		*err = NULL;
	int64_t		 a, b, before;
	size_t		 i;
	int		 seen = 0;

	a = fixture_handed(db, "первый", T0);
	b = fixture_handed(db, "второй", T0);
	ck_assert_int_eq(queue_take(db, a, "anna", "operator", T0 + 10, &item,
	    &e, &err), 0);
	json_decref(item);
	before = told(a);
	ck_assert_int_eq(state_begin(db, &err), 0);
	ck_assert_int_eq(queue_unassign(db, "anna", "anna disabled", T0 + 20,
	    &err), 1);
	ck_assert_int_eq(state_commit(db, &err), 0);
	/* The citizen is told, the item waits for someone else. */
	ck_assert_int_eq(told(a), before + 1);
	ck_assert_int_eq(num("SELECT count(*) FROM audit WHERE conv = ?1 AND "
	    "action = 'requeue' AND detail = 'anna disabled'", a), 1);
	ck_assert_ptr_nonnull(items = queue_list(db, T0 + 20, &err));
	json_array_foreach(items, i, it)
		if (json_integer_value(json_object_get(it, "id")) == a) {
			seen = 1;
			ck_assert_str_eq(json_string_value(json_object_get(it,
			    "state")), "queued");
			ck_assert(json_is_null(json_object_get(it, "owner")));
		}
	json_decref(items);
	ck_assert(seen);
	/* Another operator may take it now. */
	ck_assert_int_eq(operator_add(db, "boris", "operator", "password-2",
	    T0, &err), 0);
	ck_assert_int_eq(queue_take(db, a, "boris", "operator", T0 + 30,
	    &item, &e, &err), 0);
	json_decref(item);
	(void)b;
}
END_TEST

START_TEST(test_stats)
{
	json_t		*item;
	enum core_err	 e;
	char		*err = NULL;
	int64_t		 len, oldest, breaches, a, due;

	a = fixture_handed(db, "первый", T0);
	fixture_handed(db, "второй", T0 + 100);
	ck_assert_int_eq(queue_stats(db, T0 + 300, &len, &oldest, &breaches,
	    &err), 0);
	ck_assert_int_eq(len, 2);
	ck_assert_int_eq(oldest, 300);
	ck_assert_int_eq(breaches, 0);
	/* Taken: no longer waiting. */
	ck_assert_int_eq(queue_take(db, a, "anna", "operator", T0 + 300,
	    &item, &e, &err), 0);
	json_decref(item);
	ck_assert_int_eq(queue_stats(db, T0 + 300, &len, &oldest, &breaches,
	    &err), 0);
	ck_assert_int_eq(len, 1);
	ck_assert_int_eq(oldest, 200);
	/* A deadline passed is a breach counted for good. */
	due = num("SELECT max(first_deadline, final_deadline) FROM "
	    "queue_item WHERE id = ?1", a);
	tick(due + 1);
	ck_assert_int_eq(queue_stats(db, due + 1, &len, &oldest, &breaches,
	    &err), 0);
	ck_assert_int_ge(breaches, 2);
}
END_TEST

Suite *
queue_suite(void)
{
	Suite	*s = suite_create("queue");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_wait_told_once);
	tcase_add_test(tc, test_escalated_once_and_first);
	tcase_add_test(tc, test_unassigned_back_to_queue);
	tcase_add_test(tc, test_stats);
	suite_add_tcase(s, tc);
	return s;
}
