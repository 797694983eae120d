/*
 * The core room's ceilings, each with the reason for its value, named as
 * lib/limits.h names its own: LIMIT_<what>_<unit>.  The web and mail
 * rooms keep theirs in agent/web/limits.h and agent/mail/limits.h.
 */
#ifndef AGENT_CORE_LIMITS_H
#define AGENT_CORE_LIMITS_H

/* One attachment (docs/api.md). */
#define LIMIT_UPLOAD_BYTES		(10 * 1024 * 1024)
/* Attachments per chat. */
#define LIMIT_UPLOADS_PER_CONV		10
/* A bearer token for /metrics: shorter is guessable. */
#define LIMIT_METRICS_TOKEN_MIN_CHARS	16
/* A token file: its first line is the token. */
#define LIMIT_TOKEN_FILE_BYTES		4096

/* Characters of one chat message (docs/api.md). */
#define LIMIT_CHAT_MESSAGE_CHARS	4000
/* Characters of a rating comment. */
#define LIMIT_RATING_COMMENT_CHARS	2000
/* Characters of a resolution note. */
#define LIMIT_RESOLUTION_CHARS		2000
/* A reply's idempotency key: random from the console, long enough not to
 * collide, short enough to index. */
#define LIMIT_REPLY_KEY_MIN_BYTES	16
#define LIMIT_REPLY_KEY_BYTES		64
/* An operator's login name. */
#define LIMIT_OPERATOR_NAME_BYTES	32
/* The name citizens see, in characters: a first name and a surname. */
#define LIMIT_DISPLAY_NAME_CHARS	64
/* Passwords: at least this long; longer than the maximum is not typed. */
#define LIMIT_PASSWORD_MIN_BYTES	8
#define LIMIT_PASSWORD_BYTES		1024
/* Password checks at once: each takes 64 MiB (argon2id, libsodium's
 * INTERACTIVE), so a flood of sign-ins is bounded by this, not by the
 * number of threads; one a core keeps a colleague's sign-in quick. */
#define LIMIT_PASSWORD_CHECKS		2
/* Holidays one configuration may list: a decade of Russian calendars. */
#define LIMIT_HOLIDAYS			512
/* The configuration file: a few dozen settings. */
#define LIMIT_CONFIG_FILE_BYTES		(64 * 1024)
/* A password file: its first line is the password. */
#define LIMIT_PASSWORD_FILE_BYTES	4096
/* Bytes of a stored attachment's file name. */
#define LIMIT_FILE_NAME_BYTES		200
/* A taxonomy id such as "incident.report"; the longest today is 25 bytes. */
#define LIMIT_CATEGORY_BYTES		64

#endif
