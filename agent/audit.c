/*
 * The hash chain of the journal.  Entry n stores hash(n) = SHA-256 of
 * hash(n-1) (32 zero bytes for the first) followed by each field as an
 * 8-byte little-endian length and its bytes, so no two different entries
 * hash alike.  Ids come from AUTOINCREMENT and are never reused, so a
 * removed entry leaves a gap; the last id and hash are also kept in
 * audit_head, so removing the newest entries is found too.  Triggers refuse
 * UPDATE and DELETE; someone who drops them with the database file in hand
 * is what audit_verify is for.
 */
#include "agent/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "lib/sqldb.h"
#include "lib/xmalloc.h"

#define HASH_LEN	crypto_hash_sha256_BYTES
#define HASH_HEX	(HASH_LEN * 2 + 1)

static const char *const schema[] = {
	"CREATE TABLE audit ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" at INTEGER NOT NULL,"
	" actor TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" conv INTEGER,"
	" number TEXT,"
	" detail TEXT,"
	" prev TEXT NOT NULL,"
	" hash TEXT NOT NULL);"
	"CREATE TABLE audit_head ("
	" one INTEGER PRIMARY KEY CHECK (one = 1),"
	" last INTEGER NOT NULL, hash TEXT NOT NULL);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN"
	" SELECT RAISE(ABORT, 'the journal is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN"
	" SELECT RAISE(ABORT, 'the journal is append-only'); END;",
};

struct entry {
	int64_t		 id;
	int64_t		 at;
	const char	*actor;
	const char	*action;
	int64_t		 conv;
	const char	*number;
	const char	*detail;
};

int
audit_schema(sqlite3 *db, char **errstr_r)
{
	return sqldb_migrate(db, "audit", schema,
	    sizeof(schema) / sizeof(schema[0]), errstr_r);
}

static void
hash_field(crypto_hash_sha256_state *st, const char *s)
{
	unsigned char	len[8];
	uint64_t	n = s != NULL ? strlen(s) : UINT64_MAX;
	int		i;

	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)(n >> (8 * i));
	crypto_hash_sha256_update(st, len, sizeof(len));
	if (s != NULL)
		crypto_hash_sha256_update(st, (const unsigned char *)s,
		    strlen(s));
}

/* hex(SHA-256(prev || fields of e)) into out. */
static void
entry_hash(const unsigned char prev[HASH_LEN], const struct entry *e,
    char out[HASH_HEX])
{
	crypto_hash_sha256_state	 st;
	unsigned char			 h[HASH_LEN];
	char				 num[3][24];

	snprintf(num[0], sizeof(num[0]), "%" PRId64, e->id);
	snprintf(num[1], sizeof(num[1]), "%" PRId64, e->at);
	snprintf(num[2], sizeof(num[2]), "%" PRId64, e->conv);
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, prev, HASH_LEN);
	hash_field(&st, num[0]);
	hash_field(&st, num[1]);
	hash_field(&st, e->actor);
	hash_field(&st, e->action);
	hash_field(&st, num[2]);
	hash_field(&st, e->number);
	hash_field(&st, e->detail);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, HASH_HEX, h, HASH_LEN);
}

static int
unhex(const char *hex, unsigned char out[HASH_LEN])
{
	size_t	len;

	if (hex == NULL || strlen(hex) != HASH_LEN * 2 ||
	    sodium_hex2bin(out, HASH_LEN, hex, HASH_LEN * 2, NULL, &len,
	    NULL) != 0 || len != HASH_LEN)
		return -1;
	return 0;
}

static int
dberr(sqlite3 *db, char **errstr_r)
{
	*errstr_r = xasprintf("audit: sqlite: %s", sqlite3_errmsg(db));
	return -1;
}

/* The head of the chain: last id and hash (0 and zeros when empty). */
static int
read_head(sqlite3 *db, int64_t *last_r, unsigned char hash[HASH_LEN],
    char **errstr_r)
{
	sqlite3_stmt	*st;
	int		 rc;

	*last_r = 0;
	memset(hash, 0, HASH_LEN);
	if (sqlite3_prepare_v2(db, "SELECT last, hash FROM audit_head",
	    -1, &st, NULL) != SQLITE_OK)
		return dberr(db, errstr_r);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*last_r = sqlite3_column_int64(st, 0);
		if (unhex((const char *)sqlite3_column_text(st, 1),
		    hash) == -1) {
			sqlite3_finalize(st);
			*errstr_r = xstrdup("audit: the head of the journal "
			    "is damaged");
			return -1;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dberr(db, errstr_r);
	return 0;
}

int
audit_append(sqlite3 *db, const char *actor, const char *action,
    int64_t conv, const char *number, const char *detail, time_t now,
    char **errstr_r)
{
	sqlite3_stmt	*st = NULL;
	struct entry	 e;
	unsigned char	 prev[HASH_LEN];
	char		 prevhex[HASH_HEX], hash[HASH_HEX];
	int64_t		 last;

	if (read_head(db, &last, prev, errstr_r) == -1)
		return -1;
	/* AUTOINCREMENT's next id: one past the largest ever used. */
	if (sqlite3_prepare_v2(db, "SELECT coalesce((SELECT seq FROM "
	    "sqlite_sequence WHERE name = 'audit'), 0)", -1, &st,
	    NULL) != SQLITE_OK)
		return dberr(db, errstr_r);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return dberr(db, errstr_r);
	}
	e.id = sqlite3_column_int64(st, 0) + 1;
	sqlite3_finalize(st);
	e.at = now;
	e.actor = actor;
	e.action = action;
	e.conv = conv;
	e.number = number;
	e.detail = detail;
	sodium_bin2hex(prevhex, sizeof(prevhex), prev, HASH_LEN);
	entry_hash(prev, &e, hash);
	if (sqlite3_prepare_v2(db, "INSERT INTO audit (id, at, actor, action, "
	    "conv, number, detail, prev, hash) VALUES (?1, ?2, ?3, ?4, ?5, "
	    "?6, ?7, ?8, ?9)", -1, &st, NULL) != SQLITE_OK)
		return dberr(db, errstr_r);
	sqlite3_bind_int64(st, 1, e.id);
	sqlite3_bind_int64(st, 2, e.at);
	sqlite3_bind_text(st, 3, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, conv);
	if (number != NULL)
		sqlite3_bind_text(st, 6, number, -1, SQLITE_STATIC);
	if (detail != NULL)
		sqlite3_bind_text(st, 7, detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, prevhex, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return dberr(db, errstr_r);
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "INSERT INTO audit_head (one, last, hash) "
	    "VALUES (1, ?1, ?2) ON CONFLICT (one) DO UPDATE SET "
	    "last = excluded.last, hash = excluded.hash", -1, &st,
	    NULL) != SQLITE_OK)
		return dberr(db, errstr_r);
	sqlite3_bind_int64(st, 1, e.id);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return dberr(db, errstr_r);
	}
	sqlite3_finalize(st);
	return 0;
}

int
audit_verify(sqlite3 *db, int64_t *n_r, char **what_r, char **errstr_r)
{
	sqlite3_stmt	*st;
	struct entry	 e;
	unsigned char	 prev[HASH_LEN], head[HASH_LEN], stored[HASH_LEN];
	char		 hash[HASH_HEX];
	const char	*prevhex, *hashhex;
	int64_t		 expect = 1, last;
	int		 rc, broken = 0;

	*n_r = 0;
	*what_r = NULL;
	if (read_head(db, &last, head, errstr_r) == -1)
		return -1;
	memset(prev, 0, HASH_LEN);
	if (sqlite3_prepare_v2(db, "SELECT id, at, actor, action, conv, "
	    "number, detail, prev, hash FROM audit ORDER BY id", -1, &st,
	    NULL) != SQLITE_OK)
		return dberr(db, errstr_r);
	while (!broken && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		e.id = sqlite3_column_int64(st, 0);
		e.at = sqlite3_column_int64(st, 1);
		e.actor = (const char *)sqlite3_column_text(st, 2);
		e.action = (const char *)sqlite3_column_text(st, 3);
		e.conv = sqlite3_column_int64(st, 4);
		e.number = (const char *)sqlite3_column_text(st, 5);
		e.detail = (const char *)sqlite3_column_text(st, 6);
		prevhex = (const char *)sqlite3_column_text(st, 7);
		hashhex = (const char *)sqlite3_column_text(st, 8);
		if (e.id != expect) {
			*what_r = xasprintf("entry %" PRId64 " is missing "
			    "(removed)", expect);
			broken = 1;
		} else if (unhex(prevhex, stored) == -1 ||
		    sodium_memcmp(stored, prev, HASH_LEN) != 0) {
			*what_r = xasprintf("entry %" PRId64 ": its link to "
			    "entry %" PRId64 " was changed", e.id, e.id - 1);
			broken = 1;
		} else {
			entry_hash(prev, &e, hash);
			if (hashhex == NULL || strcmp(hash, hashhex) != 0) {
				*what_r = xasprintf("entry %" PRId64 " was "
				    "edited", e.id);
				broken = 1;
			} else if (unhex(hashhex, prev) == -1)
				broken = 1;
		}
		if (!broken) {
			expect++;
			(*n_r)++;
		}
	}
	sqlite3_finalize(st);
	if (broken)
		return 1;
	if (rc != SQLITE_DONE)
		return dberr(db, errstr_r);
	if (last != expect - 1) {
		*what_r = last > expect - 1 ? xasprintf("entry %" PRId64
		    " is missing (removed)", expect) : xasprintf("the head "
		    "names entry %" PRId64 " but the journal goes to %"
		    PRId64, last, expect - 1);
		return 1;
	}
	if (last > 0 && sodium_memcmp(head, prev, HASH_LEN) != 0) {
		*what_r = xasprintf("entry %" PRId64 " was edited", last);
		return 1;
	}
	return 0;
}
