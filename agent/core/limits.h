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

#endif
