/*
 * The mail channel's outbox: our letters written in the citizen's
 * language (greeting, answer, the request number, signature) and
 * composed by mailbox/compose.c, stored pending in mail_sent inside the
 * transaction that decided them, read back by the sender
 * (agent/mail/mailsend.c) and marked sent, refused or put off with back-off;
 * operators' replies in e-mail conversations turned into letters in the
 * same thread; the automatic letters not sent, recorded.
 */
#ifndef AGENT_MAILOUT_H
#define AGENT_MAILOUT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "agent/mail/mailchan.h"

/* Tries at submitting one letter before it is given up. */
#define MAILOUT_SEND_TRIES	20

/* A letter of ours waiting for SMTP. */
struct mailout_letter {
	int64_t	 id;
	char	*rcpt;
	char	*letter;
	size_t	 len;
	int64_t	 conv;
};

/*
 * The text of a letter of ours (Markdown, "\n" line ends): greeting,
 * body, the request number and how to add to the request, the bot's
 * signature and a line saying it was sent automatically when automatic,
 * else a specialist's.  Returns a new string the caller frees.
 */
char	*mailout_text(int english, const char *body, const char *number,
	    int automatic);

/* The body of an acknowledgement of request number: registered, passed
 * to a specialist, an answer within MAILCHAN_ANSWER_HOURS.  New string. */
char	*mailout_ack(int english, const char *number);

/*
 * Inside a write transaction: composes a letter to rcpt in conversation
 * conv about request number, on the citizen's subject, answering
 * in_reply_to with refs ("\n"-joined identifiers, NULL for none), text
 * and html (NULL: text only); automatic letters carry Auto-Submitted.
 * message is the operator's message it carries (0: none).  Stores it
 * pending.  Returns 0 with its outbox id in *id_r (when not NULL), or -1
 * with an allocated *errstr_r.
 */
int	mailout_queue(const struct mailchan_env *env, int64_t conv,
	    const char *number, const char *rcpt, const char *subject,
	    const char *in_reply_to, const char *refs, const char *text,
	    const char *html, int automatic, int64_t message, int english,
	    int64_t *id_r, char **errstr_r);

/* Inside a write transaction: records that no letter went to address
 * about message_id (either may be NULL) and why.  Returns 0 or -1. */
int	mailout_suppress(sqlite3 *db, const char *address,
	    const char *message_id, const char *reason, const char *number,
	    time_t now, char **errstr_r);

/*
 * Turns operators' replies in e-mail conversations that have no letter
 * yet into pending letters in the same thread, each in a transaction of
 * its own.  Returns how many, or -1 with *errstr_r.
 */
int	mailout_operator_letters(const struct mailchan_env *env,
	    char **errstr_r);

/*
 * The pending letters due at now, oldest first, at most max.  Returns 0
 * with a new array *out_r of *n_r (free with mailout_free), or -1.
 */
int	mailout_pending(sqlite3 *db, time_t now, size_t max,
	    struct mailout_letter **out_r, size_t *n_r, char **errstr_r);
void	mailout_free(struct mailout_letter *out, size_t n);

/*
 * Records the fate of pending letter id: sent (err NULL), refused for
 * good (permanent, or MAILOUT_SEND_TRIES tries), or to be tried again
 * after a back-off of 30 s doubling to an hour.  A letter's bytes are
 * dropped once it is no longer pending: only its Message-ID is kept, for
 * threading.  Returns 0, or -1 with *errstr_r.
 */
int	mailout_sent(sqlite3 *db, int64_t id, const char *err, int permanent,
	    time_t now, char **errstr_r);

#endif
