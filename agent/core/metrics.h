/*
 * /metrics in the Prometheus text format (version 0.0.4): messages per
 * channel, decisions per action, the handoff ratio, the queue's length and
 * oldest wait, SLA breaches and a histogram of classification latency.
 * Counters are process-wide atomics, as counters in every exporter are;
 * the queue's figures are read from the state database at each scrape.
 */
#ifndef AGENT_METRICS_H
#define AGENT_METRICS_H

#include <time.h>

#include <sqlite3.h>

/* Counts a message arriving on channel (chat, email, messenger, cli). */
void	metrics_message(const char *channel);

/* Counts a decision: action is answer, clarify, handoff or decline. */
void	metrics_decision(const char *action);

/* Observes one classification taking seconds. */
void	metrics_classify(double seconds);

/*
 * The exposition text, with the queue's figures read from db at now.
 * Returns an allocated string, or NULL with an allocated *errstr_r.
 */
char	*metrics_render(sqlite3 *db, time_t now, char **errstr_r);

#endif
