/*
 * The mail room's ceilings, each with the reason for its value, named as
 * lib/limits.h names its own: LIMIT_<what>_<unit>.
 */
#ifndef AGENT_MAIL_LIMITS_H
#define AGENT_MAIL_LIMITS_H

/* Tries at one letter before it is quarantined as poison: a letter that
 * crashed or stalled the channel that often will do so again. */
#define LIMIT_LETTER_TRIES		3
/* Attachments of one letter stored; the rest are named in a note. */
#define LIMIT_LETTER_ATTACHMENTS	10
/* Bytes of a letter's text kept in its conversation. */
#define LIMIT_LETTER_TEXT_BYTES		(16 * 1024)

#endif
