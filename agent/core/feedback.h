/*
 * What the bot decided for each message, and what citizens said of its
 * answers.  Every reply of the bot, on any channel, is recorded with its
 * action (answer, clarify, handoff, decline), category, service and
 * article: the supervisor's figures (dashboard.c) count these.  Under an
 * answer with an article the chat asks "did this help?"; one vote per
 * answer is kept with the article, the service, the category and the
 * citizen's question masked (lib/pii), so editors see which articles to
 * rewrite.  The question is removed with the conversation's other
 * personal data by the retention job.
 */
#ifndef AGENT_CORE_FEEDBACK_H
#define AGENT_CORE_FEEDBACK_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "agent/core/err.h"
#include "intents/classifier.h"

/* Characters of the citizen's question kept with a vote: enough to see
 * what was asked, not a transcript. */
#define FEEDBACK_QUESTION_MAX	300
/* Articles a list of the most unhelpful shows at most. */
#define FEEDBACK_TOP_MAX	100
/* Questions shown under an article in the terminal: a sample to read. */
#define FEEDBACK_QUESTIONS	3

/* Creates or upgrades the tables.  Returns 0, or -1 with *errstr_r. */
int	feedback_schema(sqlite3 *db, char **errstr_r);

/*
 * Inside a write transaction: records that bot message msg of
 * conversation conv on channel answered with verdict v (nothing for
 * "cli", the terminal chat).  Returns 0, or -1 with an allocated
 * *errstr_r.
 */
int	feedback_decision(sqlite3 *db, int64_t conv, int64_t msg,
	    const char *channel, const struct verdict *v, time_t now,
	    char **errstr_r);

/*
 * The citizen of conversation conv says whether bot message msg helped
 * (helpful 1) or not (0).  Returns 0, or -1 with *err_r (CORE_NOT_FOUND
 * not a message of conv, CORE_INVALID not an answer that asks,
 * CORE_CONFLICT voted already, CORE_DATABASE) and an allocated *errstr_r.
 */
int	feedback_vote(sqlite3 *db, int64_t conv, int64_t msg, int helpful,
	    time_t now, enum core_err *err_r, char **errstr_r);

/*
 * Marks the bot's answers in msgs (message objects as conv_messages makes
 * them) that ask for a vote: "feedback" is "open", "yes" or "no".
 */
void	feedback_annotate(sqlite3 *db, json_t *msgs);

/*
 * The articles with votes in [from, to), most "no" first, at most limit:
 * a new JSON array of {"article", "title", "yes", "no"} (title in
 * Russian, from the knowledge base), or NULL with *errstr_r.
 */
json_t	*feedback_top(sqlite3 *db, time_t from, time_t to, int limit,
	    char **errstr_r);

/*
 * Writes the articles of feedback_top for a terminal, each with the
 * latest FEEDBACK_QUESTIONS questions (masked) of those who said no.
 * Returns 0, or -1 with *errstr_r.
 */
int	feedback_print(sqlite3 *db, time_t from, time_t to, int limit,
	    FILE *fp, char **errstr_r);

#endif
