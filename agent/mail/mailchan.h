/*
 * The e-mail channel's decisions and its state in the database, without
 * any network: what becomes of one letter (a note for a robot's, an
 * answer, an acknowledgement and a queue item, a follow-up for the
 * operator who has the request, a quarantine), which request it belongs
 * to, how many automatic letters one address may get.  Each letter's
 * outcome, with the letter we owe in reply (agent/mail/mailout.c's outbox),
 * commits in one transaction before anything leaves the machine;
 * agent/mail/mailrun.c and agent/mail/mailsend.c do the IMAP and SMTP
 * around it.
 */
#ifndef AGENT_MAILCHAN_H
#define AGENT_MAILCHAN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "agent/core/config.h"
#include "agent/core/request.h"
#include "agent/core/sla.h"
#include "intents/classifier.h"

struct context;

/* Hours within which an acknowledged letter gets a person's answer
 * (seed 1.2.3). */
#define MAILCHAN_ANSWER_HOURS		24

/* What one pass of the channel works with; all borrowed. */
struct mailchan_env {
	sqlite3				*db;	/* this thread's connection */
	const struct classifier		*cl;
	struct classify_ctx		*ctx;	/* this thread's */
	const struct config		*cfg;
	const struct sla_holidays	*holidays;	/* may be NULL */
	const char			*attach_dir;
	time_t				 now;
};

/*
 * Fills env for the calling thread from its worker of cx: its connection
 * and classification context, the brain in force, the time now.  Returns
 * 0, or -1 when the thread's database connection could not be opened.
 */
int	mailchan_env_of(struct context *cx, struct mailchan_env *env);

/* Where a letter is on the IMAP server. */
struct mailchan_where {
	const char	*folder;
	uint32_t	 uidvalidity;
	uint32_t	 uid;
};

/* What became of one letter. */
struct mailchan_result {
	const char	*outcome;	/* static, see mailchan.c */
	char		 reason[256];	/* why, for notes and quarantine */
	int		 quarantine;	/* move it to the quarantine folder */
	int64_t		 conv;		/* 0: none */
	char		 number[REQUEST_NUMBER_MAX];	/* "" when none */
	int		 letters;	/* letters of ours now pending */
	int64_t		 letter;	/* the newest one's outbox id */
	int		 queue_changed;	/* operators should look again */
};

/*
 * Whether letter w was handled before.  Returns 1 (with *quarantine_r set
 * when it was quarantined), 0, or -1 with *errstr_r.
 */
int	mailchan_seen(sqlite3 *db, const struct mailchan_where *w,
	    int *quarantine_r, char **errstr_r);

/*
 * Counts a try at letter w, committed before the letter is read, so that
 * one that kills the process is recognised after LIMIT_LETTER_TRIES
 * starts.  Returns the tries so far including this one, or -1.
 */
int	mailchan_try(sqlite3 *db, const struct mailchan_where *w,
	    char **errstr_r);

/*
 * Records that letter w goes to quarantine unread for reason (too large,
 * tried too often).  Returns 0, or -1 with *errstr_r.
 */
int	mailchan_refuse(const struct mailchan_env *env,
	    const struct mailchan_where *w, const char *reason,
	    char **errstr_r);

/*
 * Decides what becomes of letter w, raw[0..len), and commits it with any
 * letter of ours it calls for (status pending).  Idempotent: a letter
 * seen before by place or by Message-ID changes nothing and sends nothing.
 * Returns 0 with *res filled, or -1 with *errstr_r when the database
 * failed (nothing is committed; the letter is to be tried again).
 */
int	mailchan_take(const struct mailchan_env *env,
	    const struct mailchan_where *w, const char *raw, size_t len,
	    struct mailchan_result *res, char **errstr_r);

#endif
