/*
 * Attachments.  The file is written before the transaction that records
 * it (to a temporary name, synced, then renamed to its checksum), so a
 * committed row always has its file; a file without a row, left by a crash
 * between the two, is harmless and is reused by the next upload of the
 * same content.
 */
#include "agent/attach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "agent/serve.h"
#include "agent/state.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

/* Bytes of a stored file name. */
#define NAME_MAX_BYTES	200

static const struct {
	const char	*type;
	const char	*magic;
	size_t		 len;
} magics[] = {
	{ "application/pdf", "%PDF-", 5 },
	{ "image/jpeg", "\xff\xd8\xff", 3 },
	{ "image/png", "\x89PNG\r\n\x1a\n", 8 },
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

/* The last path component of name, control bytes out, cut to a limit. */
static char *
clean_name(const char *name)
{
	const char	*base;
	char		*out;
	size_t		 i, o = 0, len;

	if (name == NULL || *name == '\0')
		return xstrdup("attachment");
	base = strrchr(name, '/');
	base = base != NULL ? base + 1 : name;
	if (strrchr(base, '\\') != NULL)
		base = strrchr(base, '\\') + 1;
	len = strlen(base);
	if (len > NAME_MAX_BYTES) {
		len = NAME_MAX_BYTES;
		while (len > 0 && ((unsigned char)base[len] & 0xc0) == 0x80)
			len--;
	}
	out = xmalloc(len + 1);
	for (i = 0; i < len; i++)
		out[o++] = (unsigned char)base[i] < 0x20 ||
		    base[i] == 0x7f ? '_' : base[i];
	out[o] = '\0';
	if (o == 0 || !text_is_valid_utf8(out, o)) {
		free(out);
		return xstrdup("attachment");
	}
	return out;
}

static int
write_file(const char *dir, const char *hex, const unsigned char *data,
    size_t len, char **errstr_r)
{
	char	*path, *tmp;
	size_t	 off = 0;
	ssize_t	 n;
	int	 fd, rc = -1;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		*errstr_r = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
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
	while (off < len) {
		if ((n = write(fd, data + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)n;
	}
	if (off < len || fsync(fd) == -1 || close(fd) == -1 ||
	    rename(tmp, path) == -1) {
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

static int
count(sqlite3 *db, int64_t conv)
{
	sqlite3_stmt	*st;
	int		 n = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM attachment WHERE "
	    "conv = ?1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, conv);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Inside the transaction: the row and the citizen's message. */
static int64_t
record(sqlite3 *db, int64_t conv, const char *number, const char *name,
    const char *type, size_t len, const char *hex, time_t now,
    char **errstr_r)
{
	sqlite3_stmt	*st;
	int64_t		 id;
	int		 rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO attachment (conv, number, "
	    "name, type, size, sha256, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?7)", -1, &st, NULL) != SQLITE_OK) {
		*errstr_r = xasprintf("attach: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, conv);
	sqlite3_bind_text(st, 2, number, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (int64_t)len);
	sqlite3_bind_text(st, 6, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, now);
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
	m = record(db, conv, number, clean, type, len, hex, now, errstr_r);
	free(clean);
	return m;
}

int
attach_store(const struct conv_env *env, const char *dir, int64_t conv,
    const char *name, const unsigned char *data, size_t len,
    struct conv_result *res, char **errstr_r)
{
	struct conv_info	 ci;
	struct request_new	 rn;
	unsigned char		 sum[crypto_hash_sha256_BYTES];
	char			 hex[crypto_hash_sha256_BYTES * 2 + 1];
	char			*clean = NULL;
	const char		*type;
	int64_t			 m;
	json_t			*msg;

	res->messages = NULL;
	res->queue_changed = 0;
	res->status = 400;
	if (len == 0) {
		*errstr_r = xstrdup("the file is empty");
		return -1;
	}
	res->status = 413;
	if (len > SERVE_UPLOAD_MAX) {
		*errstr_r = xstrdup("a file is at most 10 MiB");
		return -1;
	}
	res->status = 415;
	if ((type = attach_type(data, len)) == NULL) {
		*errstr_r = xstrdup("only PDF, JPEG and PNG files are "
		    "accepted");
		return -1;
	}
	res->status = 429;
	if (count(env->db, conv) >= SERVE_UPLOADS_MAX) {
		*errstr_r = xasprintf("at most %d files per conversation",
		    SERVE_UPLOADS_MAX);
		return -1;
	}
	res->status = 500;
	crypto_hash_sha256(sum, data, len);
	sodium_bin2hex(hex, sizeof(hex), sum, sizeof(sum));
	if (write_file(dir, hex, data, len, errstr_r) == -1)
		return -1;
	clean = clean_name(name);
	if (state_begin(env->db, errstr_r) == -1)
		goto fail_free;
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
	if ((m = record(env->db, conv, ci.number, clean, type, len, hex,
	    env->now, errstr_r)) == -1)
		goto fail;
	if (state_commit(env->db, errstr_r) == -1)
		goto fail_free;
	free(clean);
	if ((msg = conv_message_get(env->db, m, errstr_r)) == NULL)
		return -1;
	res->messages = json_array();
	json_array_append_new(res->messages, msg);
	res->queue_changed = strcmp(ci.state, "bot") != 0;
	return 0;
fail:
	state_rollback(env->db);
fail_free:
	free(clean);
	return -1;
}
