/*
 * The retention job, run daily by `hotline serve` and on demand by
 * `hotline retention run`.  Files are unlinked after the commit that marks
 * them deleted, and only when no live attachment has the same content.
 * "Nobody opened" means no operator took the item, replied, or left any
 * other trace in the journal (reading a transcript is journalled).
 */
#include "agent/core/retention.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "agent/core/audit.h"
#include "agent/core/state.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

static const char *const sql_due =
    "SELECT c.id, c.number FROM conversation c LEFT JOIN request r ON "
    "r.number = c.number WHERE ((r.status = 'closed' AND r.updated < ?1) "
    "OR (c.number IS NULL AND c.state IN ('bot', 'closed') AND "
    "c.updated < ?1)) AND (EXISTS (SELECT 1 FROM message m WHERE m.conv = "
    "c.id AND m.text <> '" RETENTION_REMOVED "') OR EXISTS (SELECT 1 FROM "
    "attachment a WHERE a.conv = c.id AND a.deleted = 0)) LIMIT 1000";

static const char *const sql_scrub[] = {
	"UPDATE message SET text = '" RETENTION_REMOVED "', html = NULL, "
	"choices = NULL, candidates = NULL WHERE conv = ?1",
	"UPDATE attachment SET deleted = 1, name = '" RETENTION_REMOVED "' "
	"WHERE conv = ?1",
	"UPDATE queue_item SET entities = '{}', resolution = CASE WHEN "
	"resolution IS NULL THEN NULL ELSE '" RETENTION_REMOVED "' END WHERE "
	"id = ?1",
	"UPDATE conversation SET rating_comment = NULL WHERE id = ?1",
	"UPDATE answer_feedback SET question = NULL WHERE conv = ?1",
	/* Operators' notes may quote the citizen (workspace.c). */
	"UPDATE ws_note SET text = '" RETENTION_REMOVED "' WHERE conv = ?1",
	"UPDATE request SET summary = NULL WHERE number = (SELECT number "
	"FROM conversation WHERE id = ?1)",
	/* E-mail: who wrote, about what; only our random ids stay. */
	"UPDATE mail_thread SET address = '" RETENTION_REMOVED "', rcpt = '', "
	"subject = '', last_id = NULL, refs = NULL WHERE conv = ?1",
	"UPDATE mail_sent SET rcpt = '', letter = NULL WHERE conv = ?1",
	"UPDATE mail_seen SET message_id = NULL, reason = NULL WHERE conv = ?1",
	"UPDATE mail_suppressed SET address = NULL, message_id = NULL WHERE "
	"number = (SELECT number FROM conversation WHERE id = ?1)",
};

/* Conversations with files older than ?1 that no operator has opened. */
static const char *const sql_unopened =
    "SELECT DISTINCT a.conv, c.number FROM attachment a JOIN conversation c "
    "ON c.id = a.conv WHERE a.deleted = 0 AND a.at < ?1 AND NOT EXISTS "
    "(SELECT 1 FROM queue_item q WHERE q.id = a.conv AND q.taken IS NOT "
    "NULL) AND NOT EXISTS (SELECT 1 FROM message m WHERE m.conv = a.conv "
    "AND m.sender = 'operator') AND a.conv NOT IN (SELECT conv FROM audit "
    "WHERE conv IS NOT NULL AND actor LIKE 'operator:%') LIMIT 1000";

static const char *const sql_unopened_scrub[] = {
	"UPDATE message SET text = '" RETENTION_REMOVED "' WHERE attachment "
	"IN (SELECT id FROM attachment WHERE conv = ?1 AND deleted = 0 AND "
	"at < ?2)",
	"UPDATE attachment SET deleted = 1, name = '" RETENTION_REMOVED "' "
	"WHERE conv = ?1 AND deleted = 0 AND at < ?2",
};

static int
dberr(sqlite3 *db, char **errstr_r)
{
	*errstr_r = xasprintf("retention: sqlite: %s", sqlite3_errmsg(db));
	return -1;
}

/* The checksums of conv's live attachments from before `before` (the
 * caller frees). */
static char **
files_of(sqlite3 *db, int64_t conv, int64_t before, size_t *n_r)
{
	sqlite3_stmt	*st;
	char		**v = NULL;
	size_t		  n = 0;

	st = sqldb_prep(db, NULL, "SELECT sha256 FROM attachment WHERE "
	    "conv = ?1 AND deleted = 0 AND at < ?2", "ii", conv, before);
	while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	*n_r = n;
	return v;
}

static void
unlink_unused(sqlite3 *db, const char *dir, const char *sha)
{
	sqlite3_stmt	*st;
	char		*path;
	int		 used = 1;

	st = sqldb_prep(db, NULL, "SELECT count(*) FROM attachment WHERE "
	    "sha256 = ?1 AND deleted = 0", "t", sha);
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		used = sqlite3_column_int(st, 0) > 0;
	sqlite3_finalize(st);
	if (used)
		return;
	path = xasprintf("%s/%s", dir, sha);
	unlink(path);
	free(path);
}

/*
 * Runs the statements sql[0..n) on conv (?1) and before (?2), journals
 * detail, commits, then unlinks the files no live attachment needs.
 */
static int
scrub(sqlite3 *db, const char *dir, const char *const *sql, size_t nsql,
    int64_t conv, const char *number, int64_t before, const char *detail,
    time_t now, char **errstr_r)
{
	sqlite3_stmt	*st;
	char		**files;
	size_t		  nfiles, i;
	int		  rc;

	files = files_of(db, conv, before, &nfiles);
	if (state_begin(db, errstr_r) == -1)
		goto fail_free;
	for (i = 0; i < nsql; i++) {
		if ((st = sqldb_prep(db, NULL, sql[i], "i", conv)) == NULL) {
			dberr(db, errstr_r);
			goto fail;
		}
		if (sqlite3_bind_parameter_count(st) >= 2)
			sqlite3_bind_int64(st, 2, before);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			dberr(db, errstr_r);
			goto fail;
		}
	}
	if (audit_append(db, "system", "retention", conv, number, detail, now,
	    errstr_r) == -1)
		goto fail;
	if (state_commit(db, errstr_r) == -1)
		goto fail_free;
	for (i = 0; i < nfiles; i++) {
		unlink_unused(db, dir, files[i]);
		free(files[i]);
	}
	free(files);
	return 0;
fail:
	state_rollback(db);
fail_free:
	for (i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	return -1;
}

/*
 * Scrubs with sql[0..nsql) (?2: files_before) every conversation query
 * finds (?1: cutoff).  Returns how many, or -1 with *errstr_r.
 */
static int
run(sqlite3 *db, const char *attach_dir, const char *query,
    const char *const *sql, size_t nsql, const char *detail, int64_t cutoff,
    int64_t files_before, time_t now, char **errstr_r)
{
	sqlite3_stmt	*st;
	int64_t		*ids = NULL;
	char		**nums = NULL;
	const char	*s;
	size_t		 n = 0, i;
	int		 rc = 0;

	if ((st = sqldb_prep(db, NULL, query, "i", cutoff)) == NULL)
		return dberr(db, errstr_r);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ids = xreallocarray(ids, n + 1, sizeof(*ids));
		nums = xreallocarray(nums, n + 1, sizeof(*nums));
		ids[n] = sqlite3_column_int64(st, 0);
		s = (const char *)sqlite3_column_text(st, 1);
		nums[n++] = s != NULL ? xstrdup(s) : NULL;
	}
	sqlite3_finalize(st);
	for (i = 0; i < n; i++) {
		if (rc == 0 && scrub(db, attach_dir, sql, nsql, ids[i],
		    nums[i], files_before, detail, now, errstr_r) == -1)
			rc = -1;
		free(nums[i]);
	}
	free(ids);
	free(nums);
	return rc == -1 ? -1 : (int)n;
}

int
retention_run(sqlite3 *db, const char *attach_dir, int days, time_t now,
    char **errstr_r)
{
	/* Every file of the conversation goes, however recent. */
	return run(db, attach_dir, sql_due, sql_scrub, sizeof(sql_scrub) /
	    sizeof(sql_scrub[0]), "personal data removed", (int64_t)now -
	    (int64_t)days * 86400, INT64_MAX, now, errstr_r);
}

int
retention_unopened(sqlite3 *db, const char *attach_dir, int days,
    time_t now, char **errstr_r)
{
	int64_t	cutoff = (int64_t)now - (int64_t)days * 86400;

	return run(db, attach_dir, sql_unopened, sql_unopened_scrub,
	    sizeof(sql_unopened_scrub) / sizeof(sql_unopened_scrub[0]),
	    "files of a request nobody opened removed", cutoff, cutoff, now,
	    errstr_r);
}
