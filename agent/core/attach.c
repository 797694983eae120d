/*
 * Attachments.  A chat upload is written as it arrives to a temporary
 * file in the attachments directory (".upload.XXXXXX", hashed on the
 * way), so an upload costs the server no memory however many are open;
 * when it is complete the file is synced and renamed to its checksum
 * before the transaction that records it, so a committed row always has
 * its file.  A file without a row, left by a crash between the two, is
 * harmless and is reused by the next upload of the same content; a
 * temporary file a crash left is removed at the next start.
 *
 * What an upload may do is checked twice with the same rules: before its
 * body is read (from the declared length) and in the transaction that
 * records it (exactly): the conversation has a message the citizen typed,
 * fewer than LIMIT_UPLOADS_PER_CONV files, and room in its quota.
 */
#include "agent/core/attach.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <utf8proc.h>

#include "agent/core/limits.h"
#include "agent/core/state.h"
#include "lib/sqldb.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

/* What a temporary upload's name starts with. */
#define UPLOAD_PREFIX	".upload."
/* Bytes of a file kept for its type: the longest magic. */
#define HEAD_BYTES	16

static const struct {
	const char	*type;
	const char	*magic;
	size_t		 len;
} magics[] = {
	{ "application/pdf", "%PDF-", 5 },
	{ "image/jpeg", "\xff\xd8\xff", 3 },
	{ "image/png", "\x89PNG\r\n\x1a\n", 8 },
};

struct attach_upload {
	char				*dir;
	char				*tmp;	/* NULL once renamed */
	int				 fd;
	crypto_hash_sha256_state	 sha;
	unsigned char			 head[HEAD_BYTES];
	size_t				 headlen;
	int64_t				 len;
};

const char *
attach_type(const unsigned char *data, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (len >= magics[i].len && memcmp(data, magics[i].magic,
		    magics[i].len) == 0)
			return magics[i].type;
	return NULL;
}

/*
 * Whether code point cp may stand in a file name shown to people: not a
 * control character (C0, DEL, C1), not a format character (the bidi
 * overrides, embeddings, isolates and marks that make "fdp.exe" read as
 * "exe.pdf", zero-width joiners and spaces), not a line or paragraph
 * separator.
 */
static int
shown(int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_CC:
	case UTF8PROC_CATEGORY_CF:
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
		return 0;
	default:
		return 1;
	}
}

/* The last path component of name, cut to a limit, with the characters
 * that are not shown taken out. */
static char *
clean_name(const char *name)
{
	const char		*base;
	char			*out;
	size_t			 o = 0, len;
	utf8proc_ssize_t	 i = 0, n;
	utf8proc_int32_t	 cp;

	if (name == NULL || *name == '\0')
		return xstrdup("attachment");
	base = strrchr(name, '/');
	base = base != NULL ? base + 1 : name;
	if (strrchr(base, '\\') != NULL)
		base = strrchr(base, '\\') + 1;
	len = strlen(base);
	if (len > LIMIT_FILE_NAME_BYTES) {
		len = LIMIT_FILE_NAME_BYTES;
		while (len > 0 && ((unsigned char)base[len] & 0xc0) == 0x80)
			len--;
	}
	if (!text_is_valid_utf8(base, len))
		return xstrdup("attachment");
	out = xmalloc(len + 1);
	while ((size_t)i < len) {
		n = utf8proc_iterate((const utf8proc_uint8_t *)base + i,
		    (utf8proc_ssize_t)len - i, &cp);
		if (n <= 0)
			break;
		if (shown(cp)) {
			memcpy(out + o, base + i, (size_t)n);
			o += (size_t)n;
		}
		i += n;
	}
	out[o] = '\0';
	if (o == 0) {
		free(out);
		return xstrdup("attachment");
	}
	return out;
}

static int
make_dir(const char *dir, char **errstr_r)
{
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		*errstr_r = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

static int
write_all(int fd, const void *data, size_t len)
{
	const unsigned char	*p = data;
	ssize_t			 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
write_file(const char *dir, const char *hex, const unsigned char *data,
    size_t len, char **errstr_r)
{
	char	*path, *tmp;
	int	 fd, rc = -1;

	if (make_dir(dir, errstr_r) == -1)
		return -1;
	path = xasprintf("%s/%s", dir, hex);
	if (access(path, F_OK) == 0) {
		free(path);
		return 0;
	}
	tmp = xasprintf("%s/.%s.%ld", dir, hex, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1) {
		*errstr_r = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write_all(fd, data, len) == -1 || fsync(fd) == -1 ||
	    close(fd) == -1 || rename(tmp, path) == -1) {
		*errstr_r = xasprintf("%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	free(path);
	return rc;
}

struct attach_upload *
attach_upload_new(const char *dir, char **errstr_r)
{
	struct attach_upload	*up;

	if (make_dir(dir, errstr_r) == -1)
		return NULL;
	up = xcalloc(1, sizeof(*up));
	up->dir = xstrdup(dir);
	up->tmp = xasprintf("%s/" UPLOAD_PREFIX "XXXXXX", dir);
	if ((up->fd = mkostemp(up->tmp, O_CLOEXEC)) == -1) {
		*errstr_r = xasprintf("%s: %s", up->tmp, strerror(errno));
		free(up->tmp);
		up->tmp = NULL;
		attach_upload_free(&up);
		return NULL;
	}
	crypto_hash_sha256_init(&up->sha);
	return up;
}

int
attach_upload_write(struct attach_upload *up, const void *data, size_t len,
    char **errstr_r)
{
	size_t	take;

	if (up->len + (int64_t)len > LIMIT_UPLOAD_BYTES) {
		*errstr_r = xstrdup("attach: an upload over its cap");
		return -1;
	}
	if (write_all(up->fd, data, len) == -1) {
		*errstr_r = xasprintf("%s: %s", up->tmp, strerror(errno));
		return -1;
	}
	crypto_hash_sha256_update(&up->sha, data, len);
	if (up->headlen < HEAD_BYTES) {
		take = HEAD_BYTES - up->headlen < len ? HEAD_BYTES -
		    up->headlen : len;
		memcpy(up->head + up->headlen, data, take);
		up->headlen += take;
	}
	up->len += (int64_t)len;
	return 0;
}

void
attach_upload_free(struct attach_upload **upp)
{
	struct attach_upload	*up = *upp;

	if (up == NULL)
		return;
	if (up->fd != -1)
		close(up->fd);
	if (up->tmp != NULL) {
		unlink(up->tmp);
		free(up->tmp);
	}
	free(up->dir);
	free(up);
	*upp = NULL;
}

void
attach_sweep(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char		*path;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, UPLOAD_PREFIX,
		    sizeof(UPLOAD_PREFIX) - 1) == 0) {
			path = xasprintf("%s/%s", dir, e->d_name);
			unlink(path);
			free(path);
		}
	closedir(d);
}

/*
 * Whether a file of size bytes fits conversation conv: a message the
 * citizen typed (CORE_CONFLICT), fewer than LIMIT_UPLOADS_PER_CONV files
 * (CORE_TOO_MANY), and its live files with this one within quota bytes
 * (CORE_TOO_LARGE).  Returns 0, or -1
 * with *err_r and an allocated *errstr_r.
 */
static int
check_room(sqlite3 *db, int64_t conv, int64_t size, int64_t quota,
    enum core_err *err_r, char **errstr_r)
{
	sqlite3_stmt	*st;
	int64_t		 files = 0, bytes = 0;
	int		 typed = 0, rc;

	*err_r = CORE_DATABASE;
	if ((st = sqldb_prep(db, NULL, "SELECT (SELECT count(*) FROM "
	    "attachment WHERE conv = ?1), (SELECT coalesce(sum(size), 0) FROM "
	    "attachment WHERE conv = ?1 AND deleted = 0), EXISTS (SELECT 1 "
	    "FROM message WHERE conv = ?1 AND sender = 'citizen' AND "
	    "attachment IS NULL)", "i", conv)) == NULL) {
		*errstr_r = xasprintf("attach: %s", sqlite3_errmsg(db));
		return -1;
	}
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		files = sqlite3_column_int64(st, 0);
		bytes = sqlite3_column_int64(st, 1);
		typed = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		*errstr_r = xasprintf("attach: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (!typed) {
		*err_r = CORE_CONFLICT;
		*errstr_r = xstrdup("write your question first, then attach "
		    "the documents");
		return -1;
	}
	if (files >= LIMIT_UPLOADS_PER_CONV) {
		*err_r = CORE_TOO_MANY;
		*errstr_r = xasprintf("at most %d files per conversation",
		    LIMIT_UPLOADS_PER_CONV);
		return -1;
	}
	if (bytes + size > quota) {
		*err_r = CORE_TOO_LARGE;
		*errstr_r = xasprintf("the files of one conversation are at "
		    "most %lld MiB", (long long)(quota / (1024 * 1024)));
		return -1;
	}
	return 0;
}

int
attach_may_upload(sqlite3 *db, int64_t conv, int64_t size, int64_t quota,
    enum core_err *err_r, char **errstr_r)
{
	if (size == 0) {
		*err_r = CORE_INVALID;
		*errstr_r = xstrdup("the file is empty");
		return -1;
	}
	return check_room(db, conv, size, quota, err_r, errstr_r);
}

/* Inside the transaction: the row and the citizen's message. */
static int64_t
record(sqlite3 *db, int64_t conv, const char *number, const char *name,
    const char *type, int64_t len, const char *hex, time_t now,
    char **errstr_r)
{
	sqlite3_stmt	*st;
	int64_t		 id;
	int		 rc;

	if ((st = sqldb_prep(db, NULL, "INSERT INTO attachment (conv, number, "
	    "name, type, size, sha256, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?7)", "itttiti", conv, number, name, type, len, hex,
	    (int64_t)now)) == NULL) {
		*errstr_r = xasprintf("attach: %s", sqlite3_errmsg(db));
		return -1;
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*errstr_r = xasprintf("attach: %s", sqlite3_errmsg(db));
		return -1;
	}
	id = sqlite3_last_insert_rowid(db);
	return conv_add(db, conv, "citizen", name, NULL, NULL, NULL, number,
	    id, now, errstr_r);
}

int
attach_save(const char *dir, const unsigned char *data, size_t len,
    char hex_r[ATTACH_HEX_SIZE], char **errstr_r)
{
	unsigned char	sum[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(sum, data, len);
	sodium_bin2hex(hex_r, ATTACH_HEX_SIZE, sum, sizeof(sum));
	return write_file(dir, hex_r, data, len, errstr_r);
}

int64_t
attach_record(sqlite3 *db, int64_t conv, const char *number,
    const char *name, const char *type, size_t len, const char *hex,
    time_t now, char **errstr_r)
{
	char	*clean;
	int64_t	 m;

	clean = clean_name(name);
	m = record(db, conv, number, clean, type, (int64_t)len, hex, now,
	    errstr_r);
	free(clean);
	return m;
}

/*
 * In the write transaction, so that no other upload decides about the
 * same name at once: moves the finished (synced) upload to its checksum's
 * name, or drops it when that content is there already.  Returns 0 with
 * hex filled and *created_r saying whether the file is new, or -1 with
 * *errstr_r.
 */
static int
keep(struct attach_upload *up, char hex[ATTACH_HEX_SIZE], int *created_r,
    char **errstr_r)
{
	unsigned char	 sum[crypto_hash_sha256_BYTES];
	char		*path;
	int		 rc = -1;

	crypto_hash_sha256_final(&up->sha, sum);
	sodium_bin2hex(hex, ATTACH_HEX_SIZE, sum, sizeof(sum));
	path = xasprintf("%s/%s", up->dir, hex);
	*created_r = access(path, F_OK) != 0;
	if (!*created_r)
		rc = 0;
	else if (rename(up->tmp, path) == -1)
		*errstr_r = xasprintf("%s: %s", path, strerror(errno));
	else {
		free(up->tmp);
		up->tmp = NULL;
		rc = 0;
	}
	free(path);
	return rc;
}

int
attach_upload_store(const struct conv_env *env, struct attach_upload *up,
    int64_t conv, const char *name, int64_t quota, struct conv_result *res,
    char **errstr_r)
{
	struct conv_info	 ci;
	struct request_new	 rn;
	char			 hex[ATTACH_HEX_SIZE], *clean = NULL, *path;
	const char		*type;
	int64_t			 m;
	int			 created = 0;
	json_t			*msg;

	res->messages = NULL;
	res->queue_changed = 0;
	if (attach_may_upload(env->db, conv, up->len, quota, &res->err,
	    errstr_r) == -1)
		return -1;
	res->err = CORE_UNSUPPORTED;
	if ((type = attach_type(up->head, up->headlen)) == NULL) {
		*errstr_r = xstrdup("only PDF, JPEG and PNG files are "
		    "accepted");
		return -1;
	}
	res->err = CORE_DATABASE;
	/* Synced before the lock that every writer waits for. */
	if (fsync(up->fd) == -1) {
		*errstr_r = xasprintf("%s: %s", up->tmp, strerror(errno));
		return -1;
	}
	clean = clean_name(name);
	if (state_begin(env->db, errstr_r) == -1)
		goto fail_free;
	if (check_room(env->db, conv, up->len, quota, &res->err,
	    errstr_r) == -1)
		goto fail;
	res->err = CORE_DATABASE;
	if (keep(up, hex, &created, errstr_r) == -1)
		goto fail;
	if (conv_info(env->db, conv, &ci, errstr_r) != 1) {
		if (*errstr_r == NULL)
			*errstr_r = xstrdup("no such conversation");
		goto fail;
	}
	if (ci.number[0] == '\0') {
		memset(&rn, 0, sizeof(rn));
		rn.channel = "chat";
		rn.status = "new";
		if (request_register(env->db, &rn, env->now, ci.number,
		    errstr_r) == -1 || conv_set_number(env->db, conv,
		    ci.number, errstr_r) == -1)
			goto fail;
	}
	if ((m = record(env->db, conv, ci.number, clean, type, up->len, hex,
	    env->now, errstr_r)) == -1)
		goto fail;
	if (state_commit(env->db, errstr_r) == -1)
		goto fail_free;
	free(clean);
	if ((msg = conv_message_get(env->db, m, errstr_r)) == NULL)
		return -1;
	res->messages = json_array();
	json_array_append_new(res->messages, msg);
	res->queue_changed = ci.state != CONV_BOT;
	return 0;
fail:
	/* A file of ours that no row names is of no use to anyone. */
	if (created) {
		path = xasprintf("%s/%s", up->dir, hex);
		unlink(path);
		free(path);
	}
	state_rollback(env->db);
fail_free:
	free(clean);
	return -1;
}

int
attach_store(const struct conv_env *env, const char *dir, int64_t conv,
    const char *name, const unsigned char *data, size_t len, int64_t quota,
    struct conv_result *res, char **errstr_r)
{
	struct attach_upload	*up;
	int			 rc;

	res->messages = NULL;
	res->err = CORE_TOO_LARGE;
	if (len > LIMIT_UPLOAD_BYTES) {
		*errstr_r = xstrdup("a file is at most 10 MiB");
		return -1;
	}
	res->err = CORE_DATABASE;
	if ((up = attach_upload_new(dir, errstr_r)) == NULL)
		return -1;
	rc = attach_upload_write(up, data, len, errstr_r) == -1 ? -1 :
	    attach_upload_store(env, up, conv, name, quota, res, errstr_r);
	attach_upload_free(&up);
	return rc;
}
