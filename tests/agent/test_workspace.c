/*
 * Tests of the operators' workspace (agent/workspace.c, agent/canned.c,
 * agent/wsearch.c) on a real state database: unread marks per operator,
 * notes that never become messages, assignment and who may do it, canned
 * responses for seniors only, typing signals kept once per two seconds, and
 * the search of closed conversations with masked results, and notes
 * scrubbed by retention with the rest of the conversation.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/core/canned.h"
#include "agent/core/conv.h"
#include "agent/core/operator.h"
#include "agent/core/queue.h"
#include "agent/core/retention.h"
#include "agent/core/state.h"
#include "agent/core/token.h"
#include "agent/core/workspace.h"
#include "agent/core/wsearch.h"
#include "lib/sqldb.h"
#include "tests/agent/fixture.h"

Suite	*workspace_suite(void);

static struct fixture	 fx;
static sqlite3	*db;
static int64_t	 conv;
static const time_t	 T0 = 1796630400;	/* a Monday, 2026-12-07 */

static void
setup(void)
{
	char	*err = NULL;

	fixture_open(&fx, "ws", 0);
	db = fx.db;
	ck_assert_int_eq(operator_add(db, "anna", "operator", "password-1",
	    T0, &err), 0);
	ck_assert_int_eq(operator_add(db, "boris", "operator", "password-2",
	    T0, &err), 0);
	ck_assert_int_eq(operator_add(db, "vera", "senior", "password-3",
	    T0, &err), 0);
	conv = fixture_handed(db, "не могу войти, телефон +7 916 555-12-34",
	    T0);
}

static void
teardown(void)
{
	fixture_close(&fx);
}

/* The first item of the queue as op sees it. */
static json_t *
first(const char *op, const char *role)
{
	json_t	*q, *it;
	char	*err = NULL;

	q = workspace_queue(db, op, role, T0 + 10, &err);
	ck_assert_ptr_nonnull(q);
	it = json_incref(json_array_get(json_object_get(q, "items"), 0));
	json_decref(q);
	return it;
}

START_TEST(unread_is_per_operator)
{
	json_t	*it, *out;
	char	*err = NULL;

	it = first("anna", "operator");
	ck_assert(json_is_true(json_object_get(it, "unread")));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(it,
	    "last_message"), "text")), "не могу войти, телефон +* *** ***-**-34");
	json_decref(it);
	out = json_object();
	workspace_read(db, "anna", conv, out);
	ck_assert(json_is_array(json_object_get(out, "notes")));
	json_decref(out);
	it = first("anna", "operator");
	ck_assert(json_is_false(json_object_get(it, "unread")));
	json_decref(it);
	it = first("boris", "operator");
	ck_assert(json_is_true(json_object_get(it, "unread")));
	json_decref(it);
	/* The citizen writes again: new for anna too. */
	ck_assert_int_eq(state_begin(db, &err), 0);
	ck_assert_int_ne(conv_add(db, conv, "citizen", "ещё вопрос", NULL,
	    NULL, NULL, NULL, 0, T0 + 5, &err), -1);
	ck_assert_int_eq(state_commit(db, &err), 0);
	it = first("anna", "operator");
	ck_assert(json_is_true(json_object_get(it, "unread")));
	json_decref(it);
}
END_TEST

START_TEST(notes_are_not_messages)
{
	json_t	*note, *msgs, *m;
	char	*err = NULL, big[WORKSPACE_NOTE_MAX + 2];
	size_t	 i;
	enum core_err	 why;

	ck_assert_int_eq(workspace_note_add(db, conv, "anna", "operator",
	    "звонил вчера", strlen("звонил вчера"), T0 + 1, &note, &why,
	    &err), 0);
	ck_assert_str_eq(json_string_value(json_object_get(note, "author")),
	    "anna");
	json_decref(note);
	msgs = conv_messages(db, conv, 0, CONV_PAGE, &err);
	json_array_foreach(msgs, i, m)
		ck_assert_ptr_null(strstr(json_string_value(json_object_get(m,
		    "text")), "звонил"));
	json_decref(msgs);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(workspace_note_add(db, conv, "anna", "operator", big,
	    strlen(big), T0 + 1, &note, &why, &err), -1);
	ck_assert_int_eq(why, CORE_INVALID);
	free(err);
	err = NULL;
	ck_assert_int_eq(workspace_note_add(db, 999, "anna", "operator", "x",
	    1, T0 + 1, &note, &why, &err), -1);
	ck_assert_int_eq(why, CORE_NOT_FOUND);
	free(err);
}
END_TEST

START_TEST(assignment_rules)
{
	json_t	*it;
	char	*err = NULL;
	enum core_err	 why;

	/* A free item: anyone may hand it to a colleague. */
	ck_assert_int_eq(workspace_assign(db, conv, "anna", "operator",
	    "boris", "посмотри", T0 + 2, &why, &err), 0);
	it = first("boris", "operator");
	ck_assert_str_eq(json_string_value(json_object_get(it, "owner")),
	    "boris");
	json_decref(it);
	/* Boris's now: anna may not take it back by assigning. */
	ck_assert_int_eq(workspace_assign(db, conv, "anna", "operator", "anna",
	    NULL, T0 + 3, &why, &err), -1);
	ck_assert_int_eq(why, CORE_CONFLICT);
	free(err);
	err = NULL;
	/* A senior may move it from a colleague. */
	ck_assert_int_eq(workspace_assign(db, conv, "vera", "senior", "anna",
	    NULL, T0 + 4, &why, &err), 0);
	/* Nobody by that name. */
	ck_assert_int_eq(workspace_assign(db, conv, "anna", "operator",
	    "nobody", NULL, T0 + 5, &why, &err), -1);
	ck_assert_int_eq(why, CORE_INVALID);
	free(err);
	err = NULL;
	/* An operator may not be handed an item of the senior queue. */
	ck_assert_int_eq(sqldb_exec(db, "UPDATE queue_item SET queue = "
	    "'senior', owner = NULL", &err), 0);
	ck_assert_int_eq(workspace_assign(db, conv, "vera", "senior", "boris",
	    NULL, T0 + 6, &why, &err), -1);
	ck_assert_int_eq(why, CORE_INVALID);
	free(err);
}
END_TEST

START_TEST(canned_for_seniors)
{
	json_t	*c, *list;
	char	*err = NULL;
	enum core_err	 why;

	ck_assert_int_eq(canned_save(db, 0, "anna", "operator", "t", "x", "ru",
	    T0, &c, &why, &err), -1);
	ck_assert_int_eq(why, CORE_FORBIDDEN);
	free(err);
	err = NULL;
	ck_assert_int_eq(canned_save(db, 0, "vera", "senior", "Номер",
	    "Ваш номер {request_number}", "ru", T0, &c, &why, &err), 0);
	json_decref(c);
	ck_assert_int_eq(canned_save(db, 0, "vera", "senior", "a\nb", "x",
	    "ru", T0, &c, &why, &err), -1);
	ck_assert_int_eq(why, CORE_INVALID);
	free(err);
	err = NULL;
	ck_assert_int_eq(canned_save(db, 0, "vera", "senior", "t", "x", "de",
	    T0, &c, &why, &err), -1);
	ck_assert_int_eq(why, CORE_INVALID);
	free(err);
	err = NULL;
	list = canned_list(db, &err);
	ck_assert_int_eq(json_array_size(list), 1);
	json_decref(list);
	ck_assert_int_eq(canned_delete(db, 1, "anna", "operator", T0, &why,
	    &err), -1);
	ck_assert_int_eq(why, CORE_FORBIDDEN);
	free(err);
	err = NULL;
	ck_assert_int_eq(canned_delete(db, 1, "vera", "senior", T0, &why,
	    &err), 0);
	ck_assert_int_eq(canned_delete(db, 1, "vera", "senior", T0, &why,
	    &err), -1);
	ck_assert_int_eq(why, CORE_NOT_FOUND);
	free(err);
}
END_TEST

START_TEST(typing_once_per_two_seconds)
{
	json_t	*arr;
	char	*err = NULL;

	ck_assert_int_eq(workspace_typing(db, conv, "citizen", T0, &err), 1);
	ck_assert_int_eq(workspace_typing(db, conv, "citizen", T0 + 1, &err),
	    0);
	ck_assert_int_eq(workspace_typing(db, conv, "citizen",
	    T0 + WORKSPACE_TYPING_EVERY, &err), 1);
	arr = workspace_typing_citizens(db, T0 + 3);
	ck_assert_int_eq(json_array_size(arr), 1);
	json_decref(arr);
	arr = workspace_typing_citizens(db, T0 + 2 + WORKSPACE_TYPING_TTL);
	ck_assert_int_eq(json_array_size(arr), 0);
	json_decref(arr);
	ck_assert_int_eq(workspace_typing_operator(db, conv, T0 + 3), 0);
}
END_TEST

START_TEST(search_closed_masked)
{
	struct wsearch_query	 q;
	json_t			*out, *r;
	char			*err = NULL, *js;
	enum core_err			 why;

	fixture_handed(db, "другой вопрос", T0 + 1);
	ck_assert_int_eq(queue_take(db, conv, "anna", "operator", T0 + 2, &r,
	    &why, &err), 0);
	json_decref(r);
	ck_assert_int_eq(queue_close(db, conv, "anna", "operator",
	    "перезвонили на 89165551234", T0 + 3, &why, &err), 0);
	memset(&q, 0, sizeof(q));
	q.entity = "8 (916) 555 12 34";
	out = wsearch_closed(db, "boris", "operator", &q, T0 + 4, &why,
	    &err);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(json_array_size(json_object_get(out, "results")), 1);
	js = json_dumps(out, 0);
	ck_assert_ptr_null(strstr(js, "555-12-34"));
	ck_assert_ptr_null(strstr(js, "5551234"));
	free(js);
	json_decref(out);
	memset(&q, 0, sizeof(q));
	q.text = "НЕ МОГУ";
	q.from = T0 + 10;
	out = wsearch_closed(db, "boris", "operator", &q, T0 + 4, &why,
	    &err);
	ck_assert_int_eq(json_array_size(json_object_get(out, "results")), 0);
	json_decref(out);
	q.from = 0;
	out = wsearch_closed(db, "boris", "operator", &q, T0 + 4, &why,
	    &err);
	ck_assert_int_eq(json_array_size(json_object_get(out, "results")), 1);
	json_decref(out);
	/* The open conversation is not among closed ones. */
	q.text = "другой";
	out = wsearch_closed(db, "boris", "operator", &q, T0 + 4, &why,
	    &err);
	ck_assert_int_eq(json_array_size(json_object_get(out, "results")), 0);
	json_decref(out);
	memset(&q, 0, sizeof(q));
	q.entity = "без номеров";
	ck_assert_ptr_null(wsearch_closed(db, "boris", "operator", &q, T0 + 4,
	    &why, &err));
	ck_assert_int_eq(why, CORE_INVALID);
	free(err);
}
END_TEST

START_TEST(retention_scrubs_notes)
{
	json_t	*r;
	char	*err = NULL;
	enum core_err	 why;
	int64_t	 n = 0;

	ck_assert_int_eq(workspace_note_add(db, conv, "anna", "operator",
	    "его паспорт 4510 123456", strlen("его паспорт 4510 123456"),
	    T0 + 1, &r, &why, &err), 0);
	json_decref(r);
	ck_assert_int_eq(queue_take(db, conv, "anna", "operator", T0 + 2, &r,
	    &why, &err), 0);
	json_decref(r);
	ck_assert_int_eq(queue_close(db, conv, "anna", "operator", "готово",
	    T0 + 3, &why, &err), 0);
	ck_assert_int_ge(retention_run(db, fx.dir, 30, T0 + 31 * 86400, &err),
	    1);
	ck_assert_int_eq(sqldb_one_int(db, sqldb_prep(db, &err, "SELECT "
	    "count(*) FROM ws_note WHERE text LIKE '%123456%'", ""), &n, &err),
	    1);
	ck_assert_int_eq(n, 0);
}
END_TEST

Suite *
workspace_suite(void)
{
	Suite	*s = suite_create("workspace");
	TCase	*tc = tcase_create("workspace");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, unread_is_per_operator);
	tcase_add_test(tc, notes_are_not_messages);
	tcase_add_test(tc, assignment_rules);
	tcase_add_test(tc, canned_for_seniors);
	tcase_add_test(tc, typing_once_per_two_seconds);
	tcase_add_test(tc, search_closed_masked);
	tcase_add_test(tc, retention_scrubs_notes);
	suite_add_tcase(s, tc);
	return s;
}
