/*
 * The chain of the journal.  Entry n stores hash(n) over hash(n-1) (32
 * zero bytes for the first) followed by each field as an 8-byte
 * little-endian length and its bytes, so no two different entries hash
 * alike.  The hash is HMAC-SHA-256 under the journal key, a secret kept
 * outside the database (journal.key beside it, 0600, made at first start
 * by agent/core/audit_key.c), so that someone who can write the database
 * but not read the key cannot recompute the chain after an edit.  Entries
 * from before keys existed (up to the count the key file records) keep
 * their plain SHA-256, and the key's first entry hashes the last of them,
 * so they cannot be changed either; a key always comes with that first
 * keyed entry, so a journal with none after the key's count lost its
 * tail.
 *
 * Ids come from AUTOINCREMENT and are never reused, so a removed entry
 * leaves a gap; the head (the last id and its hash, with a keyed hash of
 * both) catches removing the newest entries, unless an older head is put
 * back whole from an older copy of the database, which only the
 * checkpoints written outside it reveal.  Triggers refuse UPDATE and
 * DELETE; someone who drops them with the database file in hand is what
 * audit_verify is for.  Someone who also holds the key can rewrite
 * everything after the last checkpoint that left the machine.
 *
 * SQLite 3.40 has no per-connection client data, so the key rides on the
 * connection as the user data of two SQL functions, hotline_journal_hash
 * and hotline_journal_unkeyed; they are DIRECTONLY (no trigger or view
 * can call them) and the key never leaves them.
 */
#include "agent/core/audit.h"
#include "agent/core/audit_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <sodium.h>

#include "lib/lineio.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"


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
	/* The head's keyed hash: a moved head cannot be forged. */
	"ALTER TABLE audit_head ADD COLUMN mac TEXT;",
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

/* What a hash is taken over. */
struct msg {
	unsigned char	*p;
	size_t		 len;
	size_t		 cap;
};


int
audit_schema(sqlite3 *db, char **errstr_r)
{
	return sqldb_migrate(db, "audit", schema,
	    sizeof(schema) / sizeof(schema[0]), errstr_r);
}


static int
dberr(sqlite3 *db, char **errstr_r)
{
	*errstr_r = xasprintf("audit: sqlite: %s", sqlite3_errmsg(db));
	return -1;
}

static void
msg_add(struct msg *m, const void *p, size_t len)
{
	if (m->len + len > m->cap) {
		m->cap = (m->len + len) * 2;
		m->p = xreallocarray(m->p, m->cap, 1);
	}
	memcpy(m->p + m->len, p, len);
	m->len += len;
}

/* A field: its length as 8 bytes little-endian (NULL: 2^64-1), its
 * bytes. */
static void
msg_field(struct msg *m, const char *s)
{
	unsigned char	len[8];
	uint64_t	n = s != NULL ? strlen(s) : UINT64_MAX;
	int		i;

	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)(n >> (8 * i));
	msg_add(m, len, sizeof(len));
	if (s != NULL)
		msg_add(m, s, strlen(s));
}

static void
msg_number(struct msg *m, int64_t v)
{
	char	buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	msg_field(m, buf);
}

/* prev || the fields of e: what entry e's hash covers. */
static void
entry_msg(struct msg *m, const unsigned char prev[HASH_LEN],
    const struct entry *e)
{
	m->len = 0;
	msg_add(m, prev, HASH_LEN);
	msg_number(m, e->id);
	msg_number(m, e->at);
	msg_field(m, e->actor);
	msg_field(m, e->action);
	msg_number(m, e->conv);
	msg_field(m, e->number);
	msg_field(m, e->detail);
}

/* What the head's keyed hash covers: "head", the last id, its hash. */
static void
head_msg(struct msg *m, int64_t last, const char *hashhex)
{
	m->len = 0;
	msg_field(m, "head");
	msg_number(m, last);
	msg_field(m, hashhex);
}

/* hotline_journal_hash(id, message): entry id's hash of message, keyed
 * unless id is from before the key. */
static void
fn_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct journal_key	*k = sqlite3_user_data(ctx);
	const unsigned char		*p;
	unsigned char			 out[HASH_LEN];
	int				 len;

	(void)argc;
	p = sqlite3_value_blob(argv[1]);
	len = sqlite3_value_bytes(argv[1]);
	if (p == NULL || len <= 0) {
		sqlite3_result_error(ctx, "nothing to hash", -1);
		return;
	}
	if (sqlite3_value_int64(argv[0]) <= k->unkeyed)
		crypto_hash_sha256(out, p, (unsigned long long)len);
	else
		crypto_auth_hmacsha256(out, p, (unsigned long long)len,
		    k->key);
	sqlite3_result_blob(ctx, out, HASH_LEN, SQLITE_TRANSIENT);
}

/* hotline_journal_unkeyed(): the entries from before the key. */
static void
fn_unkeyed(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct journal_key	*k = sqlite3_user_data(ctx);

	(void)argc;
	(void)argv;
	sqlite3_result_int64(ctx, k->unkeyed);
}

static void
key_free(void *p)
{
	sodium_memzero(p, sizeof(struct journal_key));
	free(p);
}

/* Gives db a copy of k, replacing any key it had. */
int
audit_attach(sqlite3 *db, const struct journal_key *k, char **errstr_r)
{
	struct journal_key	*mine;
	int			 flags = SQLITE_UTF8 | SQLITE_DIRECTONLY;

	mine = xmalloc(sizeof(*mine));
	memcpy(mine, k, sizeof(*mine));
	/* The second function borrows the key the first owns; both are
	 * replaced together and go with the connection. */
	if (sqlite3_create_function_v2(db, "hotline_journal_hash", 2,
	    flags | SQLITE_DETERMINISTIC, mine, fn_hash, NULL, NULL,
	    key_free) != SQLITE_OK ||
	    sqlite3_create_function_v2(db, "hotline_journal_unkeyed", 0,
	    flags, mine, fn_unkeyed, NULL, NULL, NULL) != SQLITE_OK)
		return dberr(db, errstr_r);
	return 0;
}

/* Entry (or head) id's hash of m into out. */
static int
jhash(sqlite3 *db, int64_t id, const struct msg *m,
    unsigned char out[HASH_LEN], char **errstr_r)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = sqldb_prep(db, NULL, "SELECT hotline_journal_hash(?1, ?2)",
	    "ib", id, (const void *)m->p, m->len)) == NULL) {
		*errstr_r = xasprintf("audit: no journal key on this "
		    "connection (%s)", sqlite3_errmsg(db));
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW || sqlite3_column_bytes(st, 0) != HASH_LEN) {
		sqlite3_finalize(st);
		return dberr(db, errstr_r);
	}
	memcpy(out, sqlite3_column_blob(st, 0), HASH_LEN);
	sqlite3_finalize(st);
	return 0;
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

/* The head of the chain: last id, its hash and the head's keyed hash (0,
 * zeros and "" when empty). */
int
audit_read_head(sqlite3 *db, struct head *h, char **errstr_r)
{
	sqlite3_stmt	*st;
	const char	*mac;
	int		 rc;

	memset(h, 0, sizeof(*h));
	if ((st = sqldb_prep(db, NULL, "SELECT last, hash, mac FROM "
	    "audit_head", "")) == NULL)
		return dberr(db, errstr_r);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		h->last = sqlite3_column_int64(st, 0);
		mac = (const char *)sqlite3_column_text(st, 2);
		snprintf(h->mac, sizeof(h->mac), "%s", mac != NULL ? mac : "");
		if (unhex((const char *)sqlite3_column_text(st, 1),
		    h->hash) == -1) {
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
	struct head	 h;
	struct msg	 m = { NULL, 0, 0 };
	unsigned char	 hash[HASH_LEN], mac[HASH_LEN];
	char		 prevhex[HASH_HEX], hashhex[HASH_HEX], machex[HASH_HEX];
	int		 rc = -1;

	if (audit_read_head(db, &h, errstr_r) == -1)
		return -1;
	/* AUTOINCREMENT's next id: one past the largest ever used. */
	if ((st = sqldb_prep(db, NULL, "SELECT coalesce((SELECT seq FROM "
	    "sqlite_sequence WHERE name = 'audit'), 0)", "")) == NULL)
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
	entry_msg(&m, h.hash, &e);
	if (jhash(db, e.id, &m, hash, errstr_r) == -1)
		goto out;
	sodium_bin2hex(prevhex, sizeof(prevhex), h.hash, HASH_LEN);
	sodium_bin2hex(hashhex, sizeof(hashhex), hash, HASH_LEN);
	head_msg(&m, e.id, hashhex);
	if (jhash(db, e.id, &m, mac, errstr_r) == -1)
		goto out;
	sodium_bin2hex(machex, sizeof(machex), mac, HASH_LEN);
	if (sqldb_done(db, sqldb_prep(db, errstr_r, "INSERT INTO audit (id, "
	    "at, actor, action, conv, number, detail, prev, hash) VALUES (?1, "
	    "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", "iittitttt", e.id, e.at,
	    actor, action, conv, number, detail, prevhex, hashhex),
	    errstr_r) == -1 ||
	    sqldb_done(db, sqldb_prep(db, errstr_r, "INSERT INTO audit_head "
	    "(one, last, hash, mac) VALUES (1, ?1, ?2, ?3) ON CONFLICT (one) "
	    "DO UPDATE SET last = excluded.last, hash = excluded.hash, "
	    "mac = excluded.mac", "itt", e.id, hashhex, machex),
	    errstr_r) == -1)
		goto out;
	rc = 0;
out:
	free(m.p);
	return rc;
}

int
audit_last(sqlite3 *db, int64_t *last_r, char **errstr_r)
{
	struct head	h;

	if (audit_read_head(db, &h, errstr_r) == -1)
		return -1;
	*last_r = h.last;
	return 0;
}


static int
unkeyed_of(sqlite3 *db, int64_t *n_r, char **errstr_r)
{
	if (sqldb_one_int(db, sqldb_prep(db, NULL, "SELECT "
	    "hotline_journal_unkeyed()", ""), n_r, errstr_r) != 1) {
		*errstr_r = xstrdup("audit: no journal key on this connection");
		return -1;
	}
	return 0;
}

/* Walks the chain.  0 whole (*n_r entries, prev the last hash), 1 with
 * *what_r, -1 with *errstr_r. */
static int
walk(sqlite3 *db, int64_t *n_r, unsigned char prev[HASH_LEN],
    char **what_r, char **errstr_r)
{
	sqlite3_stmt	*st;
	struct entry	 e;
	struct msg	 m = { NULL, 0, 0 };
	unsigned char	 stored[HASH_LEN], h[HASH_LEN];
	int64_t		 expect = 1;
	int		 rc, broken = 0;

	*n_r = 0;
	memset(prev, 0, HASH_LEN);
	if ((st = sqldb_prep(db, NULL, "SELECT id, at, actor, action, conv, "
	    "number, detail, prev, hash FROM audit ORDER BY id", "")) == NULL)
		return dberr(db, errstr_r);
	while (!broken && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		e.id = sqlite3_column_int64(st, 0);
		e.at = sqlite3_column_int64(st, 1);
		e.actor = (const char *)sqlite3_column_text(st, 2);
		e.action = (const char *)sqlite3_column_text(st, 3);
		e.conv = sqlite3_column_int64(st, 4);
		e.number = (const char *)sqlite3_column_text(st, 5);
		e.detail = (const char *)sqlite3_column_text(st, 6);
		broken = 1;
		if (e.id != expect)
			*what_r = xasprintf("entry %" PRId64 " is missing "
			    "(removed)", expect);
		else if (unhex((const char *)sqlite3_column_text(st, 7),
		    stored) == -1 || sodium_memcmp(stored, prev,
		    HASH_LEN) != 0)
			*what_r = xasprintf("entry %" PRId64 ": its link to "
			    "entry %" PRId64 " was changed", e.id, e.id - 1);
		else {
			entry_msg(&m, prev, &e);
			if (jhash(db, e.id, &m, h, errstr_r) == -1) {
				rc = -1;
				break;
			}
			if (unhex((const char *)sqlite3_column_text(st, 8),
			    stored) == -1 || sodium_memcmp(stored, h,
			    HASH_LEN) != 0)
				*what_r = xasprintf("entry %" PRId64 " was "
				    "edited (or re-hashed without the key)",
				    e.id);
			else {
				memcpy(prev, h, HASH_LEN);
				broken = 0;
				expect++;
				(*n_r)++;
			}
		}
	}
	sqlite3_finalize(st);
	free(m.p);
	if (rc == -1)
		return -1;
	if (broken)
		return 1;
	if (rc != SQLITE_DONE)
		return dberr(db, errstr_r);
	return 0;
}

/* Checks the head against the chain of n entries ending in hash last. */
static int
check_head(sqlite3 *db, int64_t n, const unsigned char last[HASH_LEN],
    int64_t unkeyed, char **what_r, char **errstr_r)
{
	struct head	 h;
	struct msg	 m = { NULL, 0, 0 };
	unsigned char	 mac[HASH_LEN];
	char		 hex[HASH_HEX], machex[HASH_HEX];
	int		 rc;

	if (audit_read_head(db, &h, errstr_r) == -1)
		return -1;
	if (h.last > n) {
		*what_r = xasprintf("entry %" PRId64 " is missing (removed)",
		    n + 1);
		return 1;
	}
	if (h.last < n || (n > 0 && sodium_memcmp(h.hash, last,
	    HASH_LEN) != 0)) {
		*what_r = xasprintf("the head names entry %" PRId64 " but the "
		    "journal goes to %" PRId64, h.last, n);
		return 1;
	}
	if (n < unkeyed) {
		*what_r = xasprintf("the key was made when the journal had %"
		    PRId64 " entries, now it has %" PRId64 ": the tail was "
		    "dropped", unkeyed, n);
		return 1;
	}
	/* A key comes with an entry of its own. */
	if (n == unkeyed) {
		*what_r = xasprintf("no entry after the key was made (after "
		    "entry %" PRId64 "): the keyed tail was dropped", n);
		return 1;
	}
	sodium_bin2hex(hex, sizeof(hex), last, HASH_LEN);
	head_msg(&m, n, hex);
	rc = jhash(db, n, &m, mac, errstr_r);
	free(m.p);
	if (rc == -1)
		return -1;
	sodium_bin2hex(machex, sizeof(machex), mac, HASH_LEN);
	if (strcmp(machex, h.mac) != 0) {
		*what_r = xasprintf("the head was moved to entry %" PRId64
		    " without the key: the entries after it were dropped", n);
		return 1;
	}
	return 0;
}

int
audit_checkpoint_parse(const char *s, size_t len, struct audit_checkpoint *cp)
{
	char		buf[AUDIT_CHECKPOINT_LINE], *p, *end;
	long long	n;
	size_t		i;

	if (len >= sizeof(buf) || memchr(s, '\0', len) != NULL)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(cp, 0, sizeof(*cp));
	/* YYYY-MM-DDTHH:MM:SSZ */
	for (i = 0; i < 20; i++)
		if (!(i == 4 || i == 7 ? buf[i] == '-' : i == 10 ?
		    buf[i] == 'T' : i == 13 || i == 16 ? buf[i] == ':' :
		    i == 19 ? buf[i] == 'Z' : buf[i] >= '0' && buf[i] <= '9'))
			return -1;
	memcpy(cp->at, buf, 20);
	if (strncmp(buf + 20, " entries ", 9) != 0)
		return -1;
	p = buf + 29;
	/* One way to write a number: the line reads back as it was. */
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' &&
	    p[1] <= '9'))
		return -1;
	errno = 0;
	n = strtoll(p, &end, 10);
	if (errno != 0 || n < 0 || strncmp(end, " head ", 6) != 0)
		return -1;
	cp->entries = n;
	p = end + 6;
	if (strlen(p) != HASH_LEN * 2)
		return -1;
	for (i = 0; i < HASH_LEN * 2; i++)
		if (!((p[i] >= '0' && p[i] <= '9') ||
		    (p[i] >= 'a' && p[i] <= 'f')))
			return -1;
	memcpy(cp->head, p, HASH_LEN * 2 + 1);
	return 0;
}

/* Checks every checkpoint in the file at path against the whole journal
 * of n entries. */
static int
check_checkpoints(sqlite3 *db, const char *path, int64_t n,
    struct audit_report *r, char **what_r, char **errstr_r)
{
	struct audit_checkpoint	 cp;
	struct lineio		*li;
	sqlite3_stmt		*st;
	const char		*line, *hash;
	FILE			*fp;
	size_t			 len;
	int			 toolong, lineno = 0, rc = 0, found;

	if (path == NULL || (fp = fopen(path, "r")) == NULL) {
		if (path == NULL || errno == ENOENT)
			return 0;
		*errstr_r = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	li = lineio_new(fp, AUDIT_CHECKPOINT_LINE);
	while (rc == 0 && lineio_next(li, &line, &len, &toolong) == 1) {
		lineno++;
		if (toolong || audit_checkpoint_parse(line, len, &cp) == -1) {
			*errstr_r = xasprintf("%s:%d: not a checkpoint", path,
			    lineno);
			rc = -1;
			break;
		}
		if (cp.entries > n) {
			*what_r = xasprintf("the journal ends at entry %" PRId64
			    ", but the checkpoint of %s names entry %" PRId64
			    ": the tail was dropped (or an older copy put "
			    "back)", n, cp.at, cp.entries);
			rc = 1;
			break;
		}
		if (cp.entries == 0)
			continue;
		st = sqldb_prep(db, errstr_r, "SELECT hash FROM audit WHERE "
		    "id = ?1", "i", cp.entries);
		if (st == NULL) {
			rc = -1;
			break;
		}
		found = sqlite3_step(st) == SQLITE_ROW &&
		    (hash = (const char *)sqlite3_column_text(st, 0)) != NULL &&
		    strcmp(hash, cp.head) == 0;
		sqlite3_finalize(st);
		if (!found) {
			*what_r = xasprintf("entry %" PRId64 " is not what the "
			    "checkpoint of %s saw: the journal was rewritten "
			    "with the key", cp.entries, cp.at);
			rc = 1;
			break;
		}
		r->checkpoints++;
		snprintf(r->checkpoint_at, sizeof(r->checkpoint_at), "%s",
		    cp.at);
		r->checkpoint_entries = cp.entries;
	}
	lineio_free(&li);
	fclose(fp);
	return rc;
}

int
audit_verify(sqlite3 *db, const char *checkpoints, struct audit_report *r,
    char **what_r, char **errstr_r)
{
	unsigned char	last[HASH_LEN];
	int64_t		n;
	int		rc;

	memset(r, 0, sizeof(*r));
	*what_r = NULL;
	if (unkeyed_of(db, &r->unkeyed, errstr_r) == -1)
		return -1;
	if ((rc = walk(db, &n, last, what_r, errstr_r)) != 0)
		return rc;
	r->entries = n;
	if ((rc = check_head(db, n, last, r->unkeyed, what_r,
	    errstr_r)) != 0)
		return rc;
	return check_checkpoints(db, checkpoints, n, r, what_r, errstr_r);
}

int
audit_checkpoint(sqlite3 *db, const char *checkpoints, time_t now,
    char **line_r, char **what_r, char **errstr_r)
{
	struct audit_report	 r;
	struct head		 h;
	struct tm		 tm;
	char			 at[32], hex[HASH_HEX];
	int			 fd, rc;

	if ((rc = audit_verify(db, checkpoints, &r, what_r, errstr_r)) != 0)
		return rc;
	if (audit_read_head(db, &h, errstr_r) == -1)
		return -1;
	gmtime_r(&now, &tm);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	sodium_bin2hex(hex, sizeof(hex), h.hash, HASH_LEN);
	*line_r = xasprintf("%s entries %" PRId64 " head %s\n", at, h.last,
	    hex);
	if ((fd = open(checkpoints, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) == -1 || write(fd, *line_r, strlen(*line_r)) !=
	    (ssize_t)strlen(*line_r) || fsync(fd) == -1) {
		*errstr_r = xasprintf("%s: %s", checkpoints, strerror(errno));
		if (fd != -1)
			close(fd);
		free(*line_r);
		*line_r = NULL;
		return -1;
	}
	close(fd);
	/* A second copy, for a log host the database's thief cannot
	 * reach. */
	syslog(LOG_AUTH | LOG_NOTICE, "hotline journal checkpoint: entries %"
	    PRId64 " head %s", h.last, hex);
	return 0;
}
