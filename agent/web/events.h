/*
 * Server-sent events (HTML Living Standard, "Server-sent events"): a
 * citizen's stream carries the messages of one conversation and its state;
 * an operator's carries the queue whenever it changes; both carry the
 * other side's typing signals.  An idle stream is a
 * suspended libmicrohttpd connection, resumed when something is published
 * for it or a keep-alive comment is due, so thousands of open streams cost
 * no thread and no polling.
 */
#ifndef AGENT_EVENTS_H
#define AGENT_EVENTS_H

#include <stdint.h>

#include "agent/web/http.h"

struct hub;

struct hub	*hub_new(void);
void		 hub_free(struct hub **);

/* Wakes the streams of conversation conv (0: none) and, when queue is set,
 * every operator's stream. */
void	hub_publish(struct hub *, int64_t conv, int queue);

/* Wakes, for a typing signal, the streams of conversation conv's citizen
 * (citizen 0: an operator typed) or every operator's (citizen 1). */
void	hub_typing(struct hub *, int64_t conv, int citizen);

/*
 * Called once a second (tick counts them): wakes the streams whose turn it
 * is to send a keep-alive comment, so that every stream gets one each
 * period seconds and the wake-ups are spread over the period instead of
 * all at once.
 */
void	hub_keepalive(struct hub *, unsigned long tick, int period);

/* Wakes every operator's stream to check its session now: after a logout
 * or a change of an account's rights.  Those whose session is gone end. */
void	hub_recheck(struct hub *);

/* Ends every stream: after this, streams close when next woken, and all
 * are woken now.  Called before the daemon stops. */
void	hub_shutdown(struct hub *);

/* The number of open streams. */
int	hub_streams(struct hub *);

#endif
