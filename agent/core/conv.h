/*
 * Chat conversations in the state database: a conversation per citizen
 * session (reached only with its random token), its messages from the
 * citizen, the bot, operators and the system, and the citizen's side of
 * the flow: a message gets the bot's answer, a clarifying question with
 * buttons, or a handoff; a chosen button gets that category's answer;
 * while a person owns the conversation the bot stays silent.  Every change
 * is one committed transaction before the caller answers, so a killed
 * process loses nothing it has confirmed.
 */
#ifndef AGENT_CONV_H
#define AGENT_CONV_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "agent/core/err.h"
#include "agent/core/notify.h"
#include "agent/core/request.h"
#include "agent/core/sla.h"
#include "agent/core/token.h"
#include "intents/classifier.h"

/* Messages a conversation view or an event stream sends at once. */
#define CONV_PAGE		500

/*
 * Who has a conversation: the bot, the queue (waiting for a person), an
 * operator, or nobody (closed: rated, or taken up again by the bot when
 * the citizen writes).  A queue item's state uses the same names.
 */
enum conv_state {
	CONV_BOT,
	CONV_QUEUED,
	CONV_OPERATOR,
	CONV_CLOSED
};
#define CONV_NSTATES	4

/* What a conversation needs from its channel. */
struct conv_env {
	sqlite3				*db;	/* this thread's connection */
	const struct classifier		*cl;
	struct classify_ctx		*ctx;	/* this thread's */
	const struct sla_holidays	*holidays;	/* may be NULL */
	const struct notify		*notify;	/* may be NULL */
	time_t				 now;
};

/* What a citizen's action produced. */
struct conv_result {
	json_t	*messages;		/* new messages, oldest first */
	int	 queue_changed;		/* operators should look again */
	enum core_err	 err;		/* on -1: why */
};

struct conv_info {
	int64_t	id;
	enum conv_state	state;
	char	channel[16];		/* chat, email, ... */
	char	lang[4];
	char	number[REQUEST_NUMBER_MAX];	/* "" when none */
	int	rating;			/* 0 when none */
	int64_t	created;
};

/* The name of state s in the database and the API: "bot", "queued",
 * "operator", "closed". */
const char	*conv_state_name(enum conv_state s);

/* The state named s into *s_r.  Returns 0, or -1 when unknown. */
int		 conv_state_parse(const char *s, enum conv_state *s_r);

/* Whether a person has the conversation (queued or operator): the bot
 * keeps silent and the citizen's words go to them. */
int		 conv_with_person(enum conv_state s);

/* Creates or upgrades the tables.  Returns 0, or -1 with *errstr_r. */
int	conv_schema(sqlite3 *db, char **errstr_r);

/*
 * Starts a conversation in lang ("ru" or "en") on channel ("chat").
 * Returns 0 with its new token in token_r and id in *id_r, or -1 with an
 * allocated *errstr_r.
 */
int	conv_create(sqlite3 *db, const char *channel, const char *lang,
	    time_t now, char token_r[TOKEN_MAX], int64_t *id_r,
	    char **errstr_r);

/*
 * Inside a write transaction: the same for a channel whose citizen never
 * holds the token (e-mail), in state "bot".  Returns 0 with *id_r, or -1
 * with an allocated *errstr_r.
 */
int	conv_insert(sqlite3 *db, const char *channel, const char *lang,
	    time_t now, int64_t *id_r, char **errstr_r);

/* Finds the conversation of token t[0..len).  Returns 1 with *id_r, 0 when
 * there is none, -1 with *errstr_r. */
int	conv_auth(sqlite3 *db, const char *t, size_t len, int64_t *id_r,
	    char **errstr_r);

/* Reads conversation id.  Returns 1 with *ci, 0 when unknown, -1. */
int	conv_info(sqlite3 *db, int64_t id, struct conv_info *ci,
	    char **errstr_r);

/*
 * The citizen's view of conversation id (docs/api.md "conversation").
 * Returns a new reference, or NULL with *errstr_r.
 */
json_t	*conv_view(sqlite3 *db, int64_t id, time_t now, char **errstr_r);

/*
 * Rewrites the messages msgs for a citizen's eyes: an operator is named by
 * the display name of their account, or not at all, never by login.
 */
void	conv_for_citizen(sqlite3 *db, json_t *msgs);

/*
 * Messages of conversation id after message id after, at most limit, as a
 * JSON array of message objects.  Returns a new reference, or NULL with
 * *errstr_r.
 */
json_t	*conv_messages(sqlite3 *db, int64_t id, int64_t after, int limit,
	    char **errstr_r);

/*
 * The citizen sends text[0..len) (valid UTF-8): the bot's turn, or, while
 * a person has the conversation, a message for them.  Those watching are
 * told (env->notify).  Returns 0 with res filled (release res->messages),
 * or -1 with res->err and an allocated *errstr_r.
 */
int	conv_message(const struct conv_env *, int64_t id, const char *text,
	    size_t len, struct conv_result *res, char **errstr_r);

/*
 * How conv_message_async ends: rc and *res as conv_message's would be
 * (res->messages is the callee's), err allocated on -1; db a connection
 * of the calling thread, to read the messages' annotations with.
 */
typedef void	(*conv_done_fn)(void *arg, sqlite3 *db, int rc,
		    struct conv_result *res, char *err);

/*
 * conv_message with the bot turn's writes handed to w (writer.h), to be
 * committed with other turns': done is called once, after the commit, on
 * the writer's thread; or on this one before this returns when nothing
 * was handed over (a refusal, a message to a person, w NULL or closed).
 * env->cl and env->holidays must live until then.
 */
struct writer;
void	conv_message_async(const struct conv_env *, struct writer *w,
	    int64_t id, const char *text, size_t len, conv_done_fn done,
	    void *arg);

/* The citizen picks intent from the last clarifying question.  Returns as
 * conv_message. */
int	conv_choose(const struct conv_env *, int64_t id, const char *intent,
	    const char *topic,
	    struct conv_result *res, char **errstr_r);

/* The citizen presses "a person, please".  Returns as conv_message. */
int	conv_handoff(const struct conv_env *, int64_t id,
	    struct conv_result *res, char **errstr_r);

/*
 * The citizen rates a closed conversation: score 1..5 and an optional
 * comment (NULL).  Returns 0, or -1 with *err_r (CORE_INVALID bad score,
 * CORE_CONFLICT not closed or rated already, CORE_DATABASE) and an
 * allocated *errstr_r.
 */
int	conv_rate(sqlite3 *db, int64_t id, int score, const char *comment,
	    time_t now, enum core_err *err_r, char **errstr_r);

/*
 * Inside a write transaction: appends a message to conversation conv.
 * from is citizen, bot, operator or system; html, choices (a JSON array),
 * author, number may be NULL, attachment 0.  Returns the new message's id,
 * or -1 with *errstr_r.
 */
int64_t	conv_add(sqlite3 *db, int64_t conv, const char *from,
	    const char *text, const char *html, json_t *choices,
	    const char *author, const char *number, int64_t attachment,
	    time_t now, char **errstr_r);

/*
 * Inside a write transaction: appends the citizen's text to conv with the
 * category and top candidates of v (what queue_enqueue shows operators).
 * Returns the new message's id, or -1 with *errstr_r.
 */
int64_t	conv_add_citizen(sqlite3 *db, int64_t conv, const char *text,
	    const struct classifier *cl, const struct verdict *v, time_t now,
	    char **errstr_r);

/*
 * Inside a write transaction: moves conv to state, when the transition
 * table (conv.c) allows it from the state it is in.  Returns 0, or -1
 * with an allocated *errstr_r.
 */
int	conv_set_state(sqlite3 *db, int64_t conv, enum conv_state state,
	    time_t now, char **errstr_r);

/* Inside a write transaction: sets the language of conv ("ru", "en").
 * Returns 0 or -1. */
int	conv_set_lang(sqlite3 *db, int64_t conv, const char *lang,
	    time_t now, char **errstr_r);

/* Inside a write transaction: marks conv as changed now.  0 or -1. */
int	conv_touch(sqlite3 *db, int64_t conv, time_t now, char **errstr_r);

/* Inside a write transaction: gives conv the request number.  0 or -1. */
int	conv_set_number(sqlite3 *db, int64_t conv, const char *number,
	    char **errstr_r);

/* Message id as JSON, for replies to operators.  New reference or NULL. */
json_t	*conv_message_get(sqlite3 *db, int64_t msg, char **errstr_r);

/* The number of Unicode characters in valid UTF-8 s[0..len). */
size_t	conv_chars(const char *s, size_t len);

#endif
