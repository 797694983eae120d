/*
 * The mail channel's sender: a thread of its own that submits our letters
 * over SMTP (agent/mail/mailchan.c's outbox) and turns operators' replies in
 * e-mail conversations into letters, so that a slow SMTP server never
 * holds up the IMAP side and the two servers work at once.  Whoever
 * queues a letter nudges the sender with the letter's outbox id and may
 * wait until it has been dealt with: sent, refused, or put off.
 */
#ifndef AGENT_MAILSEND_H
#define AGENT_MAILSEND_H

#include <stdint.h>

#include "agent/core/config.h"

/* Seconds between the sender's looks at operators' replies and at
 * letters put off. */
#define MAILSEND_SLICE	5
/* Pending letters read per round trip to the database. */
#define MAILSEND_BATCH	50

struct context;
struct mailsend;

/*
 * Checks the SMTP settings of cfg without connecting (URL, security
 * against host, the password file).  Returns 0, or -1 with an allocated
 * *errstr_r.
 */
int	mailsend_check(const struct config *cfg, char **errstr_r);

/*
 * Starts a sender on cx (borrowed until mailsend_stop): its thread works
 * with a worker of its own and the configuration of the brain in force,
 * in `hotline serve` as in `hotline mail fetch`.  Its first round tries
 * every pending letter, due or not: a start is a new try.
 */
struct mailsend	*mailsend_start(struct context *cx);

/* Asks for the letter with outbox id id to be dealt with soon. */
void	mailsend_nudge(struct mailsend *s, int64_t id);

/* Waits until the letter with outbox id id has been dealt with. */
void	mailsend_wait(struct mailsend *s, int64_t id);

/* Has a whole round run (operators' replies, all that is due) and waits
 * for it. */
void	mailsend_round(struct mailsend *s);

/*
 * Stops the sender after a last round and frees *s (NULL is fine); adds
 * the letters it sent and those refused for good to *sent_r and
 * *failed_r when not NULL.
 */
void	mailsend_stop(struct mailsend **s, int *sent_r, int *failed_r);

#endif
