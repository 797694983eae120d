/*
 * The agent's context: the configuration, the state database (knowledge
 * base and requests) and the loaded classifier.  Everything the verbs and
 * channels need hangs off one struct agent passed explicitly.
 */
#ifndef AGENT_AGENT_H
#define AGENT_AGENT_H

#include <stdio.h>
#include <sqlite3.h>

#include "agent/config.h"
#include "agent/request.h"
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

/* What the citizen reads in reply to one message. */
struct reply {
	struct verdict	 verdict;
	char		*text;		/* plain text (Markdown) */
	char		 number[REQUEST_NUMBER_MAX];	/* "" unless registered */
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

#endif
