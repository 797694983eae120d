/*
 * Tests of agent/audit.c: an untouched journal verifies; editing any field
 * of an entry, removing one from the middle or the end, or changing a link
 * is found and the entry named; the table refuses UPDATE and DELETE.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "agent/audit.h"
#include "lib/sqldb.h"

Suite	*audit_suite(void);

static sqlite3	*db;

static void
setup(void)
{
	char	*err = NULL;
	int	 i;

	ck_assert_int_eq(sqldb_open(":memory:", &db, &err), 0);
	ck_assert_int_eq(audit_schema(db, &err), 0);
	for (i = 1; i <= 5; i++)
		ck_assert_int_eq(audit_append(db, i % 2 ? "operator:anna" :
		    "system", i == 1 ? "login" : "take", i, "2026-000001",
		    i == 3 ? "detail" : NULL, 1000 + i, &err), 0);
}

static void
teardown(void)
{
	sqldb_close(&db);
}

/* Runs sql with the guarding triggers dropped, as an intruder would. */
static void
tamper(const char *sql)
{
	char	*err = NULL;

	ck_assert_int_eq(sqldb_exec(db, "DROP TRIGGER audit_no_update;"
	    "DROP TRIGGER audit_no_delete;", &err), 0);
	ck_assert_msg(sqldb_exec(db, sql, &err) == 0, "%s", err);
}

/* Verifies and expects the report to contain want (NULL: intact). */
static void
expect(const char *want)
{
	char	*err = NULL, *what = NULL;
	int64_t	 n;
	int	 rc;

	rc = audit_verify(db, &n, &what, &err);
	if (want == NULL) {
		ck_assert_msg(rc == 0, "%s", what ? what : err);
		ck_assert_int_eq(n, 5);
		return;
	}
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(what, want) != NULL, "got \"%s\", want \"%s\"",
	    what, want);
	free(what);
}

START_TEST(test_intact_chain_verifies)
{
	expect(NULL);
}
END_TEST

START_TEST(test_edited_text_names_the_entry)
{
	tamper("UPDATE audit SET detail = 'nothing happened' WHERE id = 3");
	expect("entry 3 was edited");
}
END_TEST

START_TEST(test_edited_actor_or_time_names_the_entry)
{
	tamper("UPDATE audit SET actor = 'operator:boris' WHERE id = 2");
	expect("entry 2 was edited");
}
END_TEST

START_TEST(test_edited_time_of_last_names_it)
{
	tamper("UPDATE audit SET at = 1 WHERE id = 5");
	expect("entry 5 was edited");
}
END_TEST

START_TEST(test_removed_entry_is_named)
{
	tamper("DELETE FROM audit WHERE id = 2");
	expect("entry 2 is missing");
}
END_TEST

START_TEST(test_removed_last_entry_is_found)
{
	tamper("DELETE FROM audit WHERE id = 5");
	expect("entry 5 is missing");
}
END_TEST

START_TEST(test_rehashed_entry_breaks_the_next_link)
{
	/* Recomputing one hash is not enough: the next entry's link
	 * still names the old one. */
	tamper("UPDATE audit SET hash = (SELECT hash FROM audit WHERE id = 1)"
	    " WHERE id = 2");
	expect("entry 2");
}
END_TEST

START_TEST(test_triggers_refuse_changes)
{
	char	*err = NULL;

	ck_assert_int_eq(sqldb_exec(db, "UPDATE audit SET detail = 'x'",
	    &err), -1);
	ck_assert(strstr(err, "append-only") != NULL);
	free(err);
	err = NULL;
	ck_assert_int_eq(sqldb_exec(db, "DELETE FROM audit", &err), -1);
	free(err);
	expect(NULL);
}
END_TEST

Suite *
audit_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("audit");
	tc = tcase_create("chain");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_intact_chain_verifies);
	tcase_add_test(tc, test_edited_text_names_the_entry);
	tcase_add_test(tc, test_edited_actor_or_time_names_the_entry);
	tcase_add_test(tc, test_edited_time_of_last_names_it);
	tcase_add_test(tc, test_removed_entry_is_named);
	tcase_add_test(tc, test_removed_last_entry_is_found);
	tcase_add_test(tc, test_rehashed_entry_breaks_the_next_link);
	tcase_add_test(tc, test_triggers_refuse_changes);
	suite_add_tcase(s, tc);
	return s;
}
