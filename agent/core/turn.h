/*
 * The one bot turn, for every channel: the web chat (agent/core/conv.c),
 * e-mail (agent/mail/mailchan.c) and the command line (agent_ask).  A
 * channel only translates: it hands over the citizen's words and the
 * verdict on them, and gets back what the bot said.  In between, in the
 * channel's write transaction: the citizen's message recorded, the reply
 * composed (an article, a clarifying question, a handoff notice, a
 * decline), a request registered or the conversation's number reused,
 * the bot's message recorded, the queue item and the conversation's state
 * set; after the commit, whoever watches is told (agent/core/notify.h)
 * and the decision is counted.
 */
#ifndef AGENT_CORE_TURN_H
#define AGENT_CORE_TURN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "agent/core/notify.h"
#include "agent/core/reply.h"
#include "agent/core/sla.h"
#include "intents/classifier.h"

struct conv_info;

/* What a turn works with; all borrowed. */
struct turn_env {
	sqlite3				*db;	/* this thread's connection */
	const struct classifier		*cl;
	struct classify_ctx		*ctx;	/* this thread's */
	const struct sla_holidays	*holidays;	/* may be NULL */
	const struct notify		*notify;	/* may be NULL */
	time_t				 now;
};

/* One turn: what the channel hands over, and what the turn produced. */
struct turn {
	const char	*channel;	/* chat, email, cli: the request's */
	const char	*text;		/* the citizen's words to record
					   first, or NULL (a button, or
					   recorded by the channel) */
	struct reply	 reply;		/* reply.verdict: what to answer */
	/*
	 * A channel that words the bot's message its own way (e-mail: a
	 * greeting, the number, a footer; an acknowledgement instead of a
	 * handoff notice) returns it here, allocated, from the composed reply
	 * and the conversation's number; the message then quotes that number.
	 * NULL: the reply's own text.
	 */
	char		*(*wrap)(void *arg, const struct reply *r,
			    const char *number);
	void		*wrap_arg;

	int64_t		 citizen_msg;	/* 0 when text was NULL */
	int64_t		 bot_msg;
	char		*said;		/* the bot's message */
	char		*said_html;
	const char	*number;	/* the number it carries, or "" */
	json_t		*choices;	/* its buttons, or NULL */
	int		 queue_changed;	/* operators should look again */
};

/*
 * Classifies text[0..len) for a turn into *v: the classifier timed for
 * the metrics, and a whole message that only asks for a person ("оператор",
 * "human") read as a handoff whatever the classifier thought.
 */
void	turn_classify(const struct turn_env *env, const char *text,
	    size_t len, struct verdict *v);

/*
 * Inside the caller's write transaction: the bot's turn t on conversation
 * ci (state "bot" or "closed": a person does not have it).  Returns 0
 * with t's results filled, or -1 with an allocated *errstr_r (the caller
 * rolls back).  Release t with turn_release().
 */
int	turn_take(const struct turn_env *env, const struct conv_info *ci,
	    struct turn *t, char **errstr_r);

/*
 * What of t needs no write: a reply that registers nothing composed
 * (before the write lock is taken, or the turn handed to the writer).
 * Returns 0, or -1 with *errstr_r.
 */
int	turn_prepare(const struct turn_env *env, const struct conv_info *ci,
	    struct turn *t, char **errstr_r);

/*
 * turn_prepare and turn_take in a transaction of its own, committed, then
 * those watching told: for channels whose turn is the whole of their work
 * (the chat, the command line).  Returns 0, or -1 with *errstr_r.
 */
int	turn_run(const struct turn_env *env, const struct conv_info *ci,
	    struct turn *t, char **errstr_r);

/* Frees what t holds (not t). */
void	turn_release(struct turn *t);

#endif
