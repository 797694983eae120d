/*
 * The retention job, run daily by `hotline serve` and on demand by
 * `hotline retention run`.  Files are unlinked after the commit that marks
 * them deleted, and only when no live attachment has the same content.
 */
#include "agent/retention.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "agent/audit.h"
#include "agent/state.h"
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

static int
dberr(sqlite3 *db, char **errstr_r)
{
	*errstr_r = xasprintf("retention: sqlite: %s", sqlite3_errmsg(db));
	return -1;
}

/* The checksums of conv's live attachments (the caller frees). */
static char **
files_of(sqlite3 *db, int64_t conv, size_t *n_r)
{
	sqlite3_stmt	*st;
	char		**v = NULL;
	size_t		  n = 0;

	if (sqlite3_prepare_v2(db, "SELECT sha256 FROM attachment WHERE "
	    "conv = ?1 AND deleted = 0", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, conv);
		while (sqlite3_step(st) == SQLITE_ROW) {
			v = xreallocarray(v, n + 1, sizeof(*v));
			v[n++] = xstrdup((const char *)
			    sqlite3_column_text(st, 0));
		}
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

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM attachment WHERE "
	    "sha256 = ?1 AND deleted = 0", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			used = sqlite3_column_int(st, 0) > 0;
	}
	sqlite3_finalize(st);
	if (used)
		return;
	path = xasprintf("%s/%s", dir, sha);
	unlink(path);
	free(path);
}

static int
scrub(sqlite3 *db, const char *dir, int64_t conv, const char *number,
    time_t now, char **errstr_r)
{
	sqlite3_stmt	*st;
	char		**files;
	size_t		  nfiles, i;
	int		  rc;

	files = files_of(db, conv, &nfiles);
	if (state_begin(db, errstr_r) == -1)
		goto fail_free;
	for (i = 0; i < sizeof(sql_scrub) / sizeof(sql_scrub[0]); i++) {
		if (sqlite3_prepare_v2(db, sql_scrub[i], -1, &st,
		    NULL) != SQLITE_OK) {
			dberr(db, errstr_r);
			goto fail;
		}
		sqlite3_bind_int64(st, 1, conv);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			dberr(db, errstr_r);
			goto fail;
		}
	}
	if (audit_append(db, "system", "retention", conv, number,
	    "personal data removed", now, errstr_r) == -1)
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

int
retention_run(sqlite3 *db, const char *attach_dir, int days, time_t now,
    char **errstr_r)
{
	sqlite3_stmt	*st;
	int64_t		*ids = NULL;
	char		**nums = NULL;
	const char	*s;
	size_t		 n = 0, i;
	int		 rc = 0;

	if (sqlite3_prepare_v2(db, sql_due, -1, &st, NULL) != SQLITE_OK)
		return dberr(db, errstr_r);
	sqlite3_bind_int64(st, 1, (int64_t)now - (int64_t)days * 86400);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ids = xreallocarray(ids, n + 1, sizeof(*ids));
		nums = xreallocarray(nums, n + 1, sizeof(*nums));
		ids[n] = sqlite3_column_int64(st, 0);
		s = (const char *)sqlite3_column_text(st, 1);
		nums[n++] = s != NULL ? xstrdup(s) : NULL;
	}
	sqlite3_finalize(st);
	for (i = 0; i < n; i++) {
		if (rc == 0 && scrub(db, attach_dir, ids[i], nums[i], now,
		    errstr_r) == -1)
			rc = -1;
		free(nums[i]);
	}
	free(ids);
	free(nums);
	return rc == -1 ? -1 : (int)n;
}
