/*
 * Tests of agent/core/audit.c: an untouched journal verifies; editing any field
 * of an entry, removing one from the middle or the end, changing a link
 * or moving the head is found and named; the table refuses UPDATE and
 * DELETE; the key is made once, 0600, and a keyed journal without it is
 * refused; a checkpoint outside the database finds an older copy put back
 * whole; checkpoint lines parse strictly.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/core/audit.h"
#include "lib/sqldb.h"

Suite	*audit_suite(void);

/* Entries: the key's own first one, then five. */
#define ENTRIES	6
/* Pieces of checkpoint lines: half a hash, a time. */
#define H32	"00112233445566778899aabbccddeeff"
#define AT	"2026-12-07T10:00:00Z"

static sqlite3	*db;
static char	 dir[64], dbpath[128], keypath[128], cppath[128];

static void
append(int i)
{
	char	*err = NULL;

	ck_assert_msg(audit_append(db, i % 2 ? "operator:anna" : "system",
	    i == 1 ? "login" : "take", i, "2026-000001", i == 3 ? "detail" :
	    NULL, 1000 + i, &err) == 0, "%s", err);
}

/* A journal in a file with its key beside it. */
static void
open_journal(void)
{
	char	*err = NULL;

	ck_assert_int_eq(sqldb_open(dbpath, &db, &err), 0);
	ck_assert_int_eq(audit_schema(db, &err), 0);
	ck_assert_msg(audit_key_open(db, keypath, 1000, &err) == 0, "%s",
	    err);
}

static void
setup(void)
{
	int	i;

	snprintf(dir, sizeof(dir), "/tmp/hotline-audit-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/state.db", dir);
	snprintf(keypath, sizeof(keypath), "%s/journal.key", dir);
	snprintf(cppath, sizeof(cppath), "%s/journal.checkpoints", dir);
	open_journal();
	for (i = 1; i < ENTRIES; i++)
		append(i);
}

static void
teardown(void)
{
	char	 path[160];
	const char *const files[] = { "state.db", "state.db-wal",
	    "state.db-shm", "journal.key", "journal.checkpoints" };
	size_t	 i;

	sqldb_close(&db);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* Runs sql with the guarding triggers dropped, as an intruder would. */
static void
tamper(const char *sql)
{
	char	*err = NULL;

	sqlite3_exec(db, "DROP TRIGGER audit_no_update;"
	    "DROP TRIGGER audit_no_delete;", NULL, NULL, NULL);
	ck_assert_msg(sqldb_exec(db, sql, &err) == 0, "%s", err);
}

/* Verifies (with the checkpoints when cps) and expects the report to
 * contain want (NULL: intact, n entries). */
static void
expect_with(const char *cps, const char *want, int64_t n)
{
	struct audit_report	 r;
	char			*err = NULL, *what = NULL;
	int			 rc;

	rc = audit_verify(db, cps, &r, &what, &err);
	if (want == NULL) {
		ck_assert_msg(rc == 0, "%s", what ? what : err);
		ck_assert_int_eq(r.entries, n);
		return;
	}
	ck_assert_msg(rc == 1, "rc %d: %s", rc, err ? err : "intact");
	ck_assert_msg(strstr(what, want) != NULL, "got \"%s\", want \"%s\"",
	    what, want);
	free(what);
}

static void
expect(const char *want)
{
	expect_with(NULL, want, ENTRIES);
}

START_TEST(test_intact_chain_verifies)
{
	expect(NULL);
}
END_TEST

START_TEST(test_edited_text_names_the_entry)
{
	tamper("UPDATE audit SET detail = 'nothing happened' WHERE id = 4");
	expect("entry 4 was edited");
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
	tamper("UPDATE audit SET at = 1 WHERE id = 6");
	expect("entry 6 was edited");
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
	tamper("DELETE FROM audit WHERE id = 6");
	expect("entry 6 is missing");
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

START_TEST(test_moved_head_is_found)
{
	/* The tail dropped and the head moved to the new last entry, as
	 * one without the key can. */
	tamper("DELETE FROM audit WHERE id > 4; UPDATE audit_head SET "
	    "last = 4, hash = (SELECT hash FROM audit WHERE id = 4)");
	expect("dropped");
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

START_TEST(test_key_is_made_once_and_private)
{
	struct stat	 sb;
	char		*err = NULL;

	ck_assert_int_eq(stat(keypath, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	/* Opened again: the same key, the chain still verifies. */
	sqldb_close(&db);
	open_journal();
	expect(NULL);
	/* Without its key a keyed journal is refused, not re-keyed. */
	sqldb_close(&db);
	ck_assert_int_eq(unlink(keypath), 0);
	ck_assert_int_eq(sqldb_open(dbpath, &db, &err), 0);
	ck_assert_int_eq(audit_key_open(db, keypath, 1000, &err), -1);
	ck_assert(strstr(err, "missing") != NULL);
	free(err);
	ck_assert_int_eq(access(keypath, F_OK), -1);
}
END_TEST

START_TEST(test_checkpoint_finds_an_older_copy_put_back)
{
	char	*err = NULL, *what = NULL, *line = NULL;
	int	 i;

	ck_assert_int_eq(audit_checkpoint(db, cppath, 2000, &line, &what,
	    &err), 0);
	ck_assert(strstr(line, "1970-01-01T00:33:20Z entries 6 head ") ==
	    line);
	free(line);
	/* The head as it was: what an older copy of the database has. */
	tamper("CREATE TABLE old_head AS SELECT * FROM audit_head");
	for (i = 0; i < 3; i++)
		append(10 + i);
	ck_assert_int_eq(audit_checkpoint(db, cppath, 3000, &line, &what,
	    &err), 0);
	free(line);
	expect_with(cppath, NULL, ENTRIES + 3);
	/* Put the older state back whole: chain and head are genuine. */
	tamper("DELETE FROM audit WHERE id > 6; DELETE FROM audit_head; "
	    "INSERT INTO audit_head SELECT * FROM old_head");
	expect_with(NULL, NULL, ENTRIES);
	expect_with(cppath, "the checkpoint of 1970-01-01T00:50:00Z names "
	    "entry 9: the tail was dropped", 0);
}
END_TEST

START_TEST(test_checkpoint_lines_parse_strictly)
{
	struct audit_checkpoint	 cp;
	const char		*good = AT " entries 42 head " H32 H32;
	const char *const	 bad[] = {
		"",
		"2026-12-07 10:00:00Z entries 42 head " H32 H32,
		AT " entries -1 head " H32 H32,
		AT " entries 042 head " H32 H32,
		AT " entries x42 head " H32 H32,
		AT " entries 42 head 00112233445566778899AABBCCDDEEFF" H32,
		AT " entries 42 head " H32 "00112233445566778899aabbccddeef",
		AT " entries 42 head " H32 H32 "0",
		AT " entries 42 head " H32 H32 "\n",
	};
	size_t			 i;

	ck_assert_int_eq(audit_checkpoint_parse(good, strlen(good), &cp), 0);
	ck_assert_str_eq(cp.at, AT);
	ck_assert_int_eq(cp.entries, 42);
	ck_assert_str_eq(cp.head, good + strlen(good) - 64);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(audit_checkpoint_parse(bad[i], strlen(bad[i]),
		    &cp) == -1, "%s", bad[i]);
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
	tcase_add_test(tc, test_moved_head_is_found);
	tcase_add_test(tc, test_triggers_refuse_changes);
	tcase_add_test(tc, test_key_is_made_once_and_private);
	tcase_add_test(tc, test_checkpoint_finds_an_older_copy_put_back);
	tcase_add_test(tc, test_checkpoint_lines_parse_strictly);
	suite_add_tcase(s, tc);
	return s;
}
