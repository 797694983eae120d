/*
 * Counting per key (an address, a conversation) for the server's limits:
 * events in a fixed window (new chats per address per minute, messages
 * per chat per minute) and open counts (connections per address).  In
 * memory only: a restart forgives everyone, which is fine for limits.
 */
#ifndef AGENT_RATELIMIT_H
#define AGENT_RATELIMIT_H

#include <time.h>

struct ratelimit;

/* A new table counting in windows of window seconds.  Free with
 * ratelimit_free. */
struct ratelimit *ratelimit_new(int window);
void	ratelimit_free(struct ratelimit **);

/*
 * Counts one event of key at now.  Returns 0 when it is within limit, else
 * the seconds until the window ends (the event is then not counted).
 */
int	ratelimit_hit(struct ratelimit *, const char *key, int limit,
	    time_t now);

/* Adds delta to the open count of key; returns the new count. */
int	ratelimit_add(struct ratelimit *, const char *key, int delta);

#endif
