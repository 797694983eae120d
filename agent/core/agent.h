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
#include "agent/core/reply.h"
#include "intents/classifier.h"

struct agent {
	struct config		 cfg;
	char			*data_dir;
	char			*state_db;
	char			*model_cache;	/* or NULL */
	char			*articles_dir;
	char			*defs_dir;
	char			*taxonomy;
	sqlite3			*db;
	sqlite3			*state;		/* agent_ask's, or NULL */
	int64_t			 conv;		/* agent_ask's conversation
						   while the bot has it; 0:
						   none yet */
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

/*
 * One message typed at the command line (`hotline ask`, `hotline chat`),
 * taken the way the web chat takes one: the session's conversation on
 * channel "cli" (a new one once a person has it: no operator reads a
 * terminal), so that "2" answers the bot's question "1. … 2. …"; the one
 * bot turn (agent/core/turn.c), a request number
 * and a queue item where the category or a handoff calls for them.
 * Returns 0 with the bot's answer in an allocated *answer_r, or -1 with
 * an allocated *errstr_r (the message was refused or the state database
 * failed).
 */
int	agent_ask(struct agent *, const char *text, size_t len,
	    char **answer_r, char **errstr_r);

#endif
