/*
 * The mail channel at work: the IMAP session around agent/mail/mailchan.c's
 * decisions, with agent/mail/mailsend.c submitting the replies.  In `hotline
 * serve` it is a thread that never gives up: it reconnects with back-off
 * (1 s doubling to 60 s), waits with IDLE where the server has it and
 * polls otherwise, while the sender mails operators' replies as they are
 * written.  `hotline mail fetch` runs one
 * pass and exits.  The order for each letter is fixed: its outcome and
 * our reply (pending) commit, then the reply is submitted, then it is
 * marked sent, then the letter is marked done on the server.  A crash
 * between the SMTP server's acceptance and "sent" is the one window in
 * which a reply can go twice; every other crash loses nothing and repeats
 * nothing.
 */
#ifndef AGENT_MAILRUN_H
#define AGENT_MAILRUN_H

#include "agent/core/config.h"
#include "agent/mail/mailchan.h"

/* Back-off between connection attempts: first and longest, seconds. */
#define MAILRUN_BACKOFF_MIN	1
#define MAILRUN_BACKOFF_MAX	60

struct context;
struct mailrun;

/* What a pass did, for `hotline mail fetch` and the log. */
struct mailrun_stats {
	int	letters;	/* letters taken from the folder */
	int	answered;	/* answers and declines */
	int	acknowledged;
	int	to_operator;
	int	robots;		/* robots' letters, noted or not */
	int	quarantined;
	int	other;		/* seen, duplicates, capped, unanswerable */
	int	sent;		/* letters of ours submitted */
	int	failed;		/* submissions refused */
};

/*
 * Checks the mail settings of cfg without connecting: security against
 * host, the SMTP URL, the password files.  Returns 0 (also when there is
 * no imap_host), or -1 with an allocated *errstr_r.
 */
int	mailrun_check(const struct config *cfg, char **errstr_r);

/*
 * Starts the channel's thread for cx when cfg has an imap_host (else
 * *mr_r is NULL).  Call with the signals the main thread waits for
 * blocked.  Returns 0, or -1 with an allocated *errstr_r.
 */
int	mailrun_start(struct context *cx, const struct config *cfg,
	    struct mailrun **mr_r, char **errstr_r);

/* The wait before the next connection attempt after one that failed
 * following a wait of wait seconds: doubled, at most MAILRUN_BACKOFF_MAX. */
int	mailrun_backoff(int wait);

/* Stops the thread (after the IMAP command in progress) and frees *mr;
 * NULL is fine. */
void	mailrun_stop(struct mailrun **mr);

/*
 * One pass for `hotline mail fetch` on env (the caller's connection and
 * cx's brain), the sender thread working on cx: pending letters first,
 * then every letter in the folder not yet done, then operators' replies.
 * Returns 0
 * with *st filled, or -1 with an allocated *errstr_r when the IMAP server
 * could not be reached or the database failed (pending letters were
 * still sent).
 */
int	mailrun_once(const struct mailchan_env *env, struct context *cx,
	    struct mailrun_stats *st, char **errstr_r);

#endif
