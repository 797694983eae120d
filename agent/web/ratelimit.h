/*
 * Counting per key (an address, a conversation) for the server's limits:
 * events or amounts in a fixed window (new chats per address per minute,
 * messages per chat per minute, upload bytes per address per day) and
 * open counts (connections per address).  In
 * memory only: a restart forgives everyone, which is fine for limits.
 */
#ifndef AGENT_RATELIMIT_H
#define AGENT_RATELIMIT_H

#include <stdint.h>
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

/*
 * Counts amount (bytes, say) of key at now against limit in the window.
 * Returns 0 when it fits, else the seconds until the window ends (nothing
 * is then counted).
 */
int	ratelimit_take(struct ratelimit *, const char *key, int64_t amount,
	    int64_t limit, time_t now);

/* Gives back amount taken by ratelimit_take (a refused or failed upload). */
void	ratelimit_give(struct ratelimit *, const char *key, int64_t amount,
	    time_t now);

/* Adds delta to the open count of key; returns the new count. */
int	ratelimit_add(struct ratelimit *, const char *key, int delta);

#endif
