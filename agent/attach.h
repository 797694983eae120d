/*
 * Scans of documents attached to a chat (seed 1.2.2): PDF, JPEG or PNG by
 * their first bytes, whatever the name or the declared type says, at most
 * SERVE_UPLOAD_MAX bytes and SERVE_UPLOADS_MAX per conversation, stored
 * once per content under <state dir>/attachments/<sha256> and linked to
 * the conversation's request (registered when there is none yet).
 */
#ifndef AGENT_ATTACH_H
#define AGENT_ATTACH_H

#include <stddef.h>
#include <stdint.h>

#include "agent/conv.h"

/* The media type of data[0..len) by its magic bytes, or NULL. */
const char *attach_type(const unsigned char *data, size_t len);

/*
 * Stores data[0..len) named name (any bytes: it is cleaned) from the
 * citizen of conversation conv into dir.  Returns 0 with res->messages
 * holding the citizen's message that carries the attachment, or -1 with
 * res->status (400, 413, 415, 429, 500) and an allocated *errstr_r.
 */
int	attach_store(const struct conv_env *env, const char *dir,
	    int64_t conv, const char *name, const unsigned char *data,
	    size_t len, struct conv_result *res, char **errstr_r);

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
