/*
 * What the citizen reads in reply to one message (agent/core/reply.c):
 * the article's answer, a clarifying question with buttons, a handoff
 * notice or a polite decline, with the request number where one is
 * registered.  The one bot turn (agent/core/turn.c) calls it for every
 * channel.
 */
#ifndef AGENT_CORE_REPLY_H
#define AGENT_CORE_REPLY_H

#include <sqlite3.h>

#include "agent/core/request.h"
#include "intents/classifier.h"

/* A button of a clarifying question. */
struct reply_choice {
	const char	*intent;	/* borrowed from the classifier */
	const char	*topic;		/* a service to choose, or NULL */
	char		*label;		/* the article's title */
};

/* A clarifying question offers at most this many options: the two
 * likeliest, or a small family of categories whole (clarify_categories). */
#define REPLY_CHOICES	TAXONOMY_FAMILY_ASK

/* What the citizen reads in reply to one message. */
struct reply {
	struct verdict		 verdict;
	char			*text;		/* plain text (Markdown) */
	char			*html;		/* text by cmark, no raw HTML */
	char			 number[REQUEST_NUMBER_MAX]; /* "" unless
							       registered */
	int			 registered;	/* number is new */
	struct reply_choice	 choices[REPLY_CHOICES]; /* ACTION_CLARIFY */
	size_t			 nchoices;
};

/* Frees what r holds (not r). */
void	reply_release(struct reply *r);

/*
 * Composes the reply to the verdict already in r->verdict (filled by
 * classify or reply_verdict_for) for channel ("chat", "email", "cli"),
 * registering a request where the category or a handoff calls for one
 * (request_register).  When number is a
 * request number already given to this conversation, a handoff or a
 * registration reuses it (a handoff sets its status) instead of
 * registering another.  Fills r->text, r->html, r->number, r->choices.
 * Returns 0, or -1 with an allocated *errstr_r.
 */
int	reply_compose(sqlite3 *db, const struct classifier *cl,
	    const char *channel, const char *number, struct reply *r,
	    char **errstr_r);

/* Whether the reply to v registers a request (or reuses the number). */
int	reply_needs_number(const struct verdict *v);

/*
 * The verdict for category intent chosen by the citizen from a clarifying
 * question, in language lang.  Returns 0, or -1 when intent is unknown.
 */
int	reply_verdict_for(const struct classifier *cl, const char *intent,
	    enum lang lang, struct verdict *v);

/*
 * The same for a service the citizen chose (topic, an id of
 * intents/topics.json): answered with its article.  Returns -1 when the
 * service has no article.
 */
int	reply_verdict_topic(const struct classifier *cl, const char *intent,
	    const char *topic, enum lang lang, struct verdict *v);

/*
 * Markdown md as HTML (cmark, CMARK_OPT_SAFE: raw HTML and javascript:
 * links left out).  Returns an allocated string.
 */
char	*reply_html(const char *md);

#endif
