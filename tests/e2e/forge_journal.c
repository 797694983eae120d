/*
 * The intruder of issue #10's journal finding, for tests/e2e/security_ops.sh.
 * With write access to the state database and the journal's published
 * format (entry n's hash is SHA-256 of entry n-1's hash, 32 zero bytes for
 * the first, and each field as an 8-byte little-endian length and its
 * bytes; NULL is the length 2^64-1 and no bytes), it edits an entry's
 * detail and recomputes every hash, every link and the head, so that a
 * chain checked without a key reads as intact.  It knows no key: that is
 * the point.
 *
 * usage: forge_journal DB ID DETAIL	(ID 0: recompute only)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

static void
field(crypto_hash_sha256_state *st, const unsigned char *s, size_t len)
{
	unsigned char	b[8];
	uint64_t	n = s != NULL ? len : UINT64_MAX;
	int		i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(n >> (8 * i));
	crypto_hash_sha256_update(st, b, sizeof(b));
	if (s != NULL)
		crypto_hash_sha256_update(st, s, len);
}

static void
number(crypto_hash_sha256_state *st, sqlite3_int64 v)
{
	char	buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, (int64_t)v);
	field(st, (const unsigned char *)buf, strlen(buf));
}

static void
text(crypto_hash_sha256_state *st, sqlite3_stmt *q, int col)
{
	field(st, sqlite3_column_text(q, col),
	    (size_t)sqlite3_column_bytes(q, col));
}

static int
run(sqlite3 *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "forge_journal: %s\n", err);
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	crypto_hash_sha256_state	 st;
	sqlite3				*db;
	sqlite3_stmt			*q, *u;
	unsigned char			 prev[32], h[32];
	char				 prevhex[65], hex[65];
	sqlite3_int64			 id = 0, edit;

	if (argc != 4 || sodium_init() < 0) {
		fprintf(stderr, "usage: forge_journal DB ID DETAIL\n");
		return 2;
	}
	edit = strtoll(argv[2], NULL, 10);
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		return 1;
	sqlite3_busy_timeout(db, 10000);
	/* The guarding triggers go first, as anyone with the file can. */
	sqlite3_exec(db, "DROP TRIGGER audit_no_update; "
	    "DROP TRIGGER audit_no_delete", NULL, NULL, NULL);
	if (run(db, "BEGIN IMMEDIATE") == -1)
		return 1;
	if (edit > 0) {
		if (sqlite3_prepare_v2(db, "UPDATE audit SET detail = ?2 "
		    "WHERE id = ?1", -1, &u, NULL) != SQLITE_OK)
			return 1;
		sqlite3_bind_int64(u, 1, edit);
		sqlite3_bind_text(u, 2, argv[3], -1, SQLITE_STATIC);
		sqlite3_step(u);
		sqlite3_finalize(u);
	}
	memset(prev, 0, sizeof(prev));
	if (sqlite3_prepare_v2(db, "SELECT id, at, actor, action, conv, "
	    "number, detail FROM audit ORDER BY id", -1, &q,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE audit SET prev = ?2, hash = ?3 "
	    "WHERE id = ?1", -1, &u, NULL) != SQLITE_OK) {
		fprintf(stderr, "forge_journal: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	while (sqlite3_step(q) == SQLITE_ROW) {
		id = sqlite3_column_int64(q, 0);
		crypto_hash_sha256_init(&st);
		crypto_hash_sha256_update(&st, prev, sizeof(prev));
		number(&st, id);
		number(&st, sqlite3_column_int64(q, 1));
		text(&st, q, 2);
		text(&st, q, 3);
		number(&st, sqlite3_column_int64(q, 4));
		text(&st, q, 5);
		text(&st, q, 6);
		crypto_hash_sha256_final(&st, h);
		sodium_bin2hex(prevhex, sizeof(prevhex), prev, sizeof(prev));
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		sqlite3_bind_int64(u, 1, id);
		sqlite3_bind_text(u, 2, prevhex, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(u, 3, hex, -1, SQLITE_TRANSIENT);
		sqlite3_step(u);
		sqlite3_reset(u);
		memcpy(prev, h, sizeof(prev));
	}
	sqlite3_finalize(q);
	sqlite3_finalize(u);
	if (sqlite3_prepare_v2(db, "UPDATE audit_head SET last = ?1, "
	    "hash = ?2", -1, &u, NULL) != SQLITE_OK)
		return 1;
	sodium_bin2hex(hex, sizeof(hex), prev, sizeof(prev));
	sqlite3_bind_int64(u, 1, id);
	sqlite3_bind_text(u, 2, hex, -1, SQLITE_STATIC);
	sqlite3_step(u);
	sqlite3_finalize(u);
	/* A keyed head, where there is one, cannot be forged: leave it
	 * out, as a database from before keys would have it. */
	sqlite3_exec(db, "UPDATE audit_head SET mac = NULL", NULL, NULL, NULL);
	if (run(db, "COMMIT") == -1)
		return 1;
	sqlite3_close(db);
	printf("forged %" PRId64 " entries\n", (int64_t)id);
	return 0;
}
