/*
 * Connections watched from a thread of our own, for two things
 * libmicrohttpd does not do.  A deadline for a request's headers: its
 * connection timeout counts silence, so a client that sends one more
 * header line every few seconds would keep a connection for ever.  And
 * noticing at once that the client of an event stream hung up: a stream
 * waits suspended, and the daemon looks at a suspended connection only
 * when it is resumed for the next keep-alive, so the address's slot
 * stayed taken for up to two keep-alive periods.
 *
 * Each connection holds at most one slot: a count in the server's table
 * of open connections per address, under the peer's address for a direct
 * client, or under the citizen's address for one request that came
 * through a trusted proxy.  The slot is given back exactly once: when the
 * request (proxied) or the connection ends, or when the client hangs up.
 *
 * The thread never touches the daemon's state for a connection: it only
 * shuts the socket down, and the daemon then finds it closed.  A watched
 * connection is freed by the thread after the daemon has said it closed,
 * so no event the thread is handling points at freed memory.
 */
#ifndef AGENT_WATCH_H
#define AGENT_WATCH_H

struct ratelimit;
struct watch;
struct watch_conn;

/* A watcher counting slots in conns (which it does not own).  Free with
 * watch_free, which stops the thread. */
struct watch	*watch_new(struct ratelimit *conns);
void		 watch_free(struct watch **);

/* Starts the thread.  Returns 0, or -1 with an allocated *errstr_r. */
int	watch_start(struct watch *, char **errstr_r);

/* Seconds a connection has for a request's headers (a reload may change
 * it; connections already waiting keep their start). */
void	watch_set_header_timeout(struct watch *, int seconds);

/* A new connection on socket fd, waiting for its first request's
 * headers.  The daemon owns fd; the watcher only ever shuts it down. */
struct watch_conn *watch_add(struct watch *, int fd);

/* The daemon closed the connection: gives its slot back and forgets it
 * (it is freed later by the thread). */
void	watch_closed(struct watch_conn *);

/* The request's headers are in: no deadline while it is served. */
void	watch_headers(struct watch_conn *);

/* The request is done: a proxied request's slot is given back, and the
 * next request's headers are due within the deadline from now. */
void	watch_idle(struct watch_conn *);

/* The answer is an event stream: the slot is given back, and the socket
 * shut down, as soon as the client hangs up. */
void	watch_stream(struct watch_conn *);

/*
 * Takes a slot under key (an address), giving back any other the
 * connection holds: for the connection (per_request 0) or only until
 * watch_idle (1).  Returns the connections now counted under key.
 */
int	watch_slot(struct watch_conn *, const char *key, int per_request);

/* The connections counted under the slot this one holds (0: none). */
int	watch_slot_count(struct watch_conn *);

#endif
