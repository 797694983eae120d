/*
 * The agent's context: the configuration, the state database (knowledge
 * base and requests) and the loaded classifier.  Everything the verbs and
 * channels need hangs off one struct agent passed explicitly.
 */
#ifndef AGENT_AGENT_H
#define AGENT_AGENT_H

#include <stdio.h>
#include <sqlite3.h>

#include "agent/core/config.h"
#include "agent/core/request.h"
#include "intents/classifier.h"

struct agent {
	struct config		 cfg;
	char			*data_dir;
	char			*state_db;
	char			*articles_dir;
	char			*defs_dir;
	char			*taxonomy;
	sqlite3			*db;
	struct classifier	*classifier;	/* NULL until loaded */
	struct classify_ctx	*ctx;
};

/*
 * Opens the state database of cfg (taking a copy of cfg), creating its
 * tables, and imports the articles when the knowledge base is empty.
 * Returns 0 and a new *agent_r, or -1 with an allocated *errstr_r.
 */
int	agent_open(const struct config *cfg, struct agent **agent_r,
	    char **errstr_r);

/*
 * Loads the categories and articles; each problem goes to errs as
 * "file:line: reason".  Returns 0, or -1 when anything was wrong (the
 * agent then has no classifier).
 */
int	agent_load_classifier(struct agent *, FILE *errs);

void	agent_close(struct agent **);

/* A button of a clarifying question. */
struct reply_choice {
	const char	*intent;	/* borrowed from the classifier */
	const char	*topic;		/* a service to choose, or NULL */
	char		*label;		/* the article's title */
};

/* What the citizen reads in reply to one message. */
struct reply {
	struct verdict		 verdict;
	char			*text;		/* plain text (Markdown) */
	char			*html;		/* text by cmark, no raw HTML */
	char			 number[REQUEST_NUMBER_MAX]; /* "" unless
							       registered */
	int			 registered;	/* number is new */
	struct reply_choice	 choices[2];	/* ACTION_CLARIFY */
	size_t			 nchoices;
};

/*
 * Classifies and answers text[0..len) arriving on channel ("chat", "cli",
 * ...): registers a request where the category or a handoff calls for one,
 * and composes the reply.  Returns 0, or -1 with an allocated *errstr_r
 * (the state database failed).  Release r with reply_release().
 */
int	agent_reply(struct agent *, const char *channel, const char *text,
	    size_t len, struct reply *r, char **errstr_r);
void	reply_release(struct reply *r);

/*
 * The same for a verdict already in r->verdict (filled by classify or
 * reply_verdict_for), with the classifier cl and state database db passed
 * explicitly, for channels with a thread of their own.  When number is a
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
/*
 * The same for a service the citizen chose (topic, an id of
 * intents/topics.json): answered with its article.  Returns -1 when the
 * service has no article.
 */
int	reply_verdict_topic(const struct classifier *cl, const char *intent,
	    const char *topic, enum lang lang, struct verdict *v);
int	reply_verdict_for(const struct classifier *cl, const char *intent,
	    enum lang lang, struct verdict *v);

/*
 * Markdown md as HTML (cmark, CMARK_OPT_SAFE: raw HTML and javascript:
 * links left out).  Returns an allocated string.
 */
char	*reply_html(const char *md);

#endif
