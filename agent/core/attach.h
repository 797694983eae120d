/*
 * Scans of documents attached to a chat (seed 1.2.2): PDF, JPEG or PNG by
 * their first bytes, whatever the name or the declared type says, at most
 * LIMIT_UPLOAD_BYTES bytes and LIMIT_UPLOADS_PER_CONV per conversation
 * (agent/core/limits.h), within a
 * quota of bytes per conversation, only once the citizen has typed a
 * message, stored once per content under <state dir>/attachments/<sha256>
 * and linked to the conversation's request (registered when there is none
 * yet).  A file's name is kept without path, control or bidi characters.
 */
#ifndef AGENT_ATTACH_H
#define AGENT_ATTACH_H

#include <stddef.h>
#include <stdint.h>

#include "agent/core/conv.h"
#include "agent/core/err.h"

/* The media type of data[0..len) by its magic bytes, or NULL. */
const char *attach_type(const unsigned char *data, size_t len);

/* A chat upload on its way to the disk. */
struct attach_upload;

/*
 * Before an upload's body is read: whether a file of size bytes may go
 * into conversation conv with quota bytes for all its files.  Returns 0,
 * or -1 with *err_r (CORE_INVALID empty, CORE_CONFLICT the citizen has
 * not written yet, CORE_TOO_LARGE over the quota, CORE_TOO_MANY too many
 * files, CORE_DATABASE) and an allocated
 * *errstr_r.
 */
int	attach_may_upload(sqlite3 *db, int64_t conv, int64_t size,
	    int64_t quota, enum core_err *err_r, char **errstr_r);

/* A temporary file in dir (made 0700 when missing) for one upload.
 * Returns it, or NULL with *errstr_r.  Free with attach_upload_free. */
struct attach_upload *attach_upload_new(const char *dir, char **errstr_r);

/* Appends data[0..len).  Returns 0, or -1 with *errstr_r (past
 * LIMIT_UPLOAD_BYTES, a write error). */
int	attach_upload_write(struct attach_upload *, const void *data,
	    size_t len, char **errstr_r);

/* Closes the upload and removes its temporary file unless it was stored. */
void	attach_upload_free(struct attach_upload **);

/* Removes the temporary files of uploads in dir (at start: whatever a
 * stopped process was receiving). */
void	attach_sweep(const char *dir);

/*
 * Stores the complete upload, named name (any bytes: it is cleaned), from
 * the citizen of conversation conv, within quota bytes for the
 * conversation's files.  Returns 0 with res->messages holding the
 * citizen's message that carries the attachment, or -1 with res->err
 * (as attach_may_upload, and CORE_UNSUPPORTED not a PDF, JPEG or PNG) and
 * an allocated
 * *errstr_r.
 */
int	attach_upload_store(const struct conv_env *env,
	    struct attach_upload *up, int64_t conv, const char *name,
	    int64_t quota, struct conv_result *res, char **errstr_r);

/* attach_upload_store for data[0..len) in memory, into dir. */
int	attach_store(const struct conv_env *env, const char *dir,
	    int64_t conv, const char *name, const unsigned char *data,
	    size_t len, int64_t quota, struct conv_result *res,
	    char **errstr_r);

/* Room for a file's SHA-256 in hex, with its NUL. */
#define ATTACH_HEX_SIZE	65

/*
 * For channels that check and cap files themselves (e-mail): writes
 * data[0..len) into dir under its SHA-256, before the transaction that
 * records it.  Returns 0 with the checksum in hex_r, or -1 with *errstr_r.
 */
int	attach_save(const char *dir, const unsigned char *data, size_t len,
	    char hex_r[ATTACH_HEX_SIZE], char **errstr_r);

/*
 * Inside a write transaction: records the saved file hex, named name
 * (cleaned here) and of media type type, on conversation conv and request
 * number, with the citizen's message that carries it.  Returns the
 * message's id, or -1 with *errstr_r.
 */
int64_t	attach_record(sqlite3 *db, int64_t conv, const char *number,
	    const char *name, const char *type, size_t len, const char *hex,
	    time_t now, char **errstr_r);

#endif
