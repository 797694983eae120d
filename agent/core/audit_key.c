/*
 * The journal key's file: journal.key beside the state database, 0600,
 * holding a magic, the key and the count of entries from before it.  It
 * is read at start and made, with the first keyed entry in the same write
 * transaction, when there is none; two processes starting at once agree
 * on one key.  The chain the key seals is agent/core/audit.c.
 */
#include "agent/core/audit.h"
#include "agent/core/audit_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "lib/sqldb.h"
#include "lib/xmalloc.h"

/* The key file: this magic, the key, the entries before it (8 bytes,
 * little-endian). */
#define KEY_MAGIC	"HLJKEY01"
#define KEY_MAGIC_LEN	8
#define KEY_FILE_LEN	(KEY_MAGIC_LEN + AUDIT_KEY_LEN + 8)

static char *
beside(const char *state_db, const char *name)
{
	const char	*slash;

	if (strcmp(state_db, ":memory:") == 0)
		return NULL;
	if ((slash = strrchr(state_db, '/')) == NULL)
		return xstrdup(name);
	return xasprintf("%.*s/%s", (int)(slash - state_db), state_db, name);
}

char *
audit_key_path(const char *state_db)
{
	return beside(state_db, "journal.key");
}

char *
audit_checkpoints_path(const char *state_db)
{
	return beside(state_db, "journal.checkpoints");
}

/*
 * Reads the key file at path into k: 1 read, 0 there is none, -1 with
 * *errstr_r.  A file readable by others is made private.
 */
static int
key_read(const char *path, struct journal_key *k, char **errstr_r)
{
	unsigned char	buf[KEY_FILE_LEN];
	struct stat	sb;
	ssize_t		n;
	int		fd, i;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		*errstr_r = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (n = read(fd, buf, sizeof(buf))) != KEY_FILE_LEN ||
	    memcmp(buf, KEY_MAGIC, KEY_MAGIC_LEN) != 0) {
		close(fd);
		*errstr_r = xasprintf("%s: not a journal key", path);
		return -1;
	}
	if ((sb.st_mode & 077) != 0)
		fchmod(fd, 0600);
	close(fd);
	memcpy(k->key, buf + KEY_MAGIC_LEN, AUDIT_KEY_LEN);
	k->unkeyed = 0;
	for (i = 7; i >= 0; i--)
		k->unkeyed = (k->unkeyed << 8) |
		    buf[KEY_MAGIC_LEN + AUDIT_KEY_LEN + i];
	sodium_memzero(buf, sizeof(buf));
	return 1;
}

/*
 * Writes k to path, mode 0600, all or nothing: 1 written, 0 another
 * process made it first, -1 with *errstr_r.
 */
static int
key_write(const char *path, const struct journal_key *k, char **errstr_r)
{
	unsigned char	 buf[KEY_FILE_LEN];
	char		*tmp;
	int		 fd, i, rc = -1;

	memcpy(buf, KEY_MAGIC, KEY_MAGIC_LEN);
	memcpy(buf + KEY_MAGIC_LEN, k->key, AUDIT_KEY_LEN);
	for (i = 0; i < 8; i++)
		buf[KEY_MAGIC_LEN + AUDIT_KEY_LEN + i] =
		    (unsigned char)((uint64_t)k->unkeyed >> (8 * i));
	tmp = xasprintf("%s.%ld", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		*errstr_r = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) ||
	    fsync(fd) == -1) {
		*errstr_r = xasprintf("%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	/* link, unlike rename, fails when the key exists already. */
	if (link(tmp, path) == -1) {
		rc = errno == EEXIST ? 0 : -1;
		if (rc == -1)
			*errstr_r = xasprintf("%s: %s", path, strerror(errno));
	} else
		rc = 1;
	unlink(tmp);
out:
	sodium_memzero(buf, sizeof(buf));
	free(tmp);
	return rc;
}

/*
 * Makes a key for db at path (NULL: for this connection only) inside one
 * write transaction with its first entry: 0 made (or found made by
 * another process meanwhile, and attached), -1 with *errstr_r.
 */
static int
key_make(sqlite3 *db, const char *path, time_t now, char **errstr_r)
{
	struct journal_key	 k;
	struct head		 h;
	char			*detail;
	int			 rc;

	/* IMMEDIATE: another process making a key waits here. */
	if (sqldb_exec(db, "BEGIN IMMEDIATE", errstr_r) == -1)
		return -1;
	if (path != NULL && (rc = key_read(path, &k, errstr_r)) != 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		if (rc == -1)
			return -1;
		rc = audit_attach(db, &k, errstr_r);
		sodium_memzero(&k, sizeof(k));
		return rc;
	}
	if (audit_read_head(db, &h, errstr_r) == -1)
		goto fail;
	if (h.mac[0] != '\0') {
		*errstr_r = xasprintf("audit: the journal is keyed, but its "
		    "key %s is missing: put it back (nothing can be "
		    "journalled or verified without it)", path != NULL ? path :
		    "");
		goto fail;
	}
	randombytes_buf(k.key, sizeof(k.key));
	k.unkeyed = h.last;
	if (audit_attach(db, &k, errstr_r) == -1)
		goto fail;
	detail = h.last > 0 ? xasprintf("entries 1 to %" PRId64 " from "
	    "before the key (SHA-256), sealed by this one", h.last) :
	    xstrdup("the journal is keyed (HMAC-SHA-256)");
	rc = audit_append(db, "system", "journal key made", 0, NULL, detail,
	    now, errstr_r);
	free(detail);
	if (rc == -1)
		goto fail;
	if (path != NULL && (rc = key_write(path, &k, errstr_r)) != 1) {
		/* Another process won, without the lock: use its key. */
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		sodium_memzero(&k, sizeof(k));
		if (rc == -1 || key_read(path, &k, errstr_r) != 1)
			return -1;
		rc = audit_attach(db, &k, errstr_r);
		sodium_memzero(&k, sizeof(k));
		return rc;
	}
	sodium_memzero(&k, sizeof(k));
	return sqldb_exec(db, "COMMIT", errstr_r);
fail:
	sodium_memzero(&k, sizeof(k));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
audit_key_open(sqlite3 *db, const char *key_path, time_t now,
    char **errstr_r)
{
	struct journal_key	k;
	int			rc;

	if (sodium_init() < 0) {
		*errstr_r = xstrdup("audit: libsodium failed to start");
		return -1;
	}
	if (key_path != NULL && (rc = key_read(key_path, &k,
	    errstr_r)) != 0) {
		if (rc == -1)
			return -1;
		rc = audit_attach(db, &k, errstr_r);
		sodium_memzero(&k, sizeof(k));
		return rc;
	}
	return key_make(db, key_path, now, errstr_r);
}
