/*
 * Canned responses (canned.h).  The text is stored as written, with its
 * placeholders: what they stand for is known only when an operator
 * inserts it into a reply to a given conversation.  Every change is
 * journalled, since these words go to citizens in every operator's name.
 */
#include "agent/core/canned.h"

#include <stdlib.h>
#include <string.h>

#include "agent/core/audit.h"
#include "agent/core/conv.h"
#include "agent/core/queue.h"
#include "agent/core/state.h"
#include "lib/sqldb.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

static const char *const schema[] = {
	"CREATE TABLE canned ("
	" id INTEGER PRIMARY KEY,"
	" title TEXT NOT NULL,"
	" text TEXT NOT NULL,"
	" lang TEXT NOT NULL CHECK (lang IN ('ru', 'en')),"
	" updated_by TEXT NOT NULL,"
	" updated INTEGER NOT NULL);",
};

#define COLS	"id, title, text, lang, updated_by, updated"

int
canned_schema(sqlite3 *db, char **errstr_r)
{
	return sqldb_migrate(db, "canned", schema,
	    sizeof(schema) / sizeof(schema[0]), errstr_r);
}

static json_t *
row_json(sqlite3_stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "id",
	    (json_int_t)sqlite3_column_int64(st, 0), "title",
	    (const char *)sqlite3_column_text(st, 1), "text",
	    (const char *)sqlite3_column_text(st, 2), "lang",
	    (const char *)sqlite3_column_text(st, 3), "updated_by",
	    (const char *)sqlite3_column_text(st, 4), "updated",
	    (json_int_t)sqlite3_column_int64(st, 5));
}

json_t *
canned_list(sqlite3 *db, char **errstr_r)
{
	sqlite3_stmt	*st;
	json_t		*arr;
	int		 rc;

	if ((st = sqldb_prep(db, errstr_r, "SELECT " COLS " FROM canned "
	    "ORDER BY lang DESC, title, id", "")) == NULL)
		return NULL;
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, row_json(st));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		*errstr_r = xasprintf("canned: sqlite: %s", sqlite3_errmsg(db));
		return NULL;
	}
	return arr;
}

/* Whether op (role) may edit: CORE_OK, or why not with *errstr_r. */
static enum core_err
may_edit(const char *op, const char *role, char **errstr_r)
{
	const char	*why;

	if (queue_permit("edit canned", role, op, CONV_QUEUED, NULL,
	    "senior", &why) == CORE_OK)
		return CORE_OK;
	*errstr_r = xstrdup("canned responses are written by seniors and "
	    "admins");
	return CORE_FORBIDDEN;
}

/* Whether s is 1..max characters of UTF-8 without NUL or, for a title,
 * line breaks. */
static int
field_valid(const char *s, size_t max, int oneline)
{
	size_t	len;

	if (s == NULL || (len = strnlen(s, max * 4 + 1)) == 0 ||
	    len > max * 4 || !text_is_valid_utf8(s, len) ||
	    conv_chars(s, len) > max)
		return 0;
	return !oneline || strpbrk(s, "\r\n") == NULL;
}

static int
journal(sqlite3 *db, const char *op, const char *action, int64_t id,
    time_t now, char **errstr_r)
{
	char	*actor, detail[32];
	int	 rc;

	snprintf(detail, sizeof(detail), "canned %lld", (long long)id);
	actor = xasprintf("operator:%s", op);
	rc = audit_append(db, actor, action, 0, NULL, detail, now, errstr_r);
	free(actor);
	return rc;
}

int
canned_save(sqlite3 *db, int64_t id, const char *op, const char *role,
    const char *title, const char *text, const char *lang, time_t now,
    json_t **out_r, enum core_err *err_r, char **errstr_r)
{
	sqlite3_stmt	*st;
	int64_t		 n = 0;

	if ((*err_r = may_edit(op, role, errstr_r)) != 0)
		return -1;
	*err_r = CORE_INVALID;
	if (!field_valid(title, CANNED_TITLE_MAX, 1) ||
	    !field_valid(text, LIMIT_CHAT_MESSAGE_CHARS, 0)) {
		*errstr_r = xasprintf("a title is 1 to %d characters on one "
		    "line, a text 1 to %d", CANNED_TITLE_MAX,
		    LIMIT_CHAT_MESSAGE_CHARS);
		return -1;
	}
	if (lang == NULL || (strcmp(lang, "ru") != 0 &&
	    strcmp(lang, "en") != 0)) {
		*errstr_r = xstrdup("\"lang\" is ru or en");
		return -1;
	}
	*err_r = CORE_DATABASE;
	if (state_begin(db, errstr_r) == -1)
		return -1;
	if (id == 0) {
		if (sqldb_one_int(db, sqldb_prep(db, errstr_r, "SELECT "
		    "count(*) FROM canned", ""), &n, errstr_r) == -1)
			goto fail;
		if (n >= CANNED_MAX) {
			*err_r = CORE_TOO_MANY;
			*errstr_r = xasprintf("at most %d canned responses",
			    CANNED_MAX);
			goto fail;
		}
		if (sqldb_done(db, sqldb_prep(db, errstr_r, "INSERT INTO "
		    "canned (title, text, lang, updated_by, updated) VALUES "
		    "(?1, ?2, ?3, ?4, ?5)", "tttti", title, text, lang, op,
		    (int64_t)now), errstr_r) == -1)
			goto fail;
		id = sqlite3_last_insert_rowid(db);
	} else {
		if (sqldb_done(db, sqldb_prep(db, errstr_r, "UPDATE canned SET "
		    "title = ?2, text = ?3, lang = ?4, updated_by = ?5, "
		    "updated = ?6 WHERE id = ?1", "itttti", id, title, text,
		    lang, op, (int64_t)now), errstr_r) == -1)
			goto fail;
		if (sqlite3_changes(db) == 0) {
			*err_r = CORE_NOT_FOUND;
			*errstr_r = xstrdup("no such canned response");
			goto fail;
		}
	}
	if (journal(db, op, "canned save", id, now, errstr_r) == -1)
		goto fail;
	if (state_commit(db, errstr_r) == -1)
		return -1;
	st = sqldb_prep(db, errstr_r, "SELECT " COLS " FROM canned WHERE id = "
	    "?1", "i", id);
	if (sqldb_row(db, st, "canned: the row is gone", errstr_r) == -1)
		return -1;
	*out_r = row_json(st);
	sqlite3_finalize(st);
	return 0;
fail:
	state_rollback(db);
	return -1;
}

int
canned_delete(sqlite3 *db, int64_t id, const char *op, const char *role,
    time_t now, enum core_err *err_r, char **errstr_r)
{
	if ((*err_r = may_edit(op, role, errstr_r)) != 0)
		return -1;
	*err_r = CORE_DATABASE;
	if (state_begin(db, errstr_r) == -1)
		return -1;
	if (sqldb_done(db, sqldb_prep(db, errstr_r, "DELETE FROM canned WHERE "
	    "id = ?1", "i", id), errstr_r) == -1)
		goto fail;
	if (sqlite3_changes(db) == 0) {
		*err_r = CORE_NOT_FOUND;
		*errstr_r = xstrdup("no such canned response");
		goto fail;
	}
	if (journal(db, op, "canned delete", id, now, errstr_r) == -1)
		goto fail;
	return state_commit(db, errstr_r);
fail:
	state_rollback(db);
	return -1;
}
