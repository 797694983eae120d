/*
 * The watcher (see watch.h).  Live connections are in one list behind the
 * watcher's mutex; event streams are also in an epoll set that reports a
 * hang-up (EPOLLRDHUP).  The thread wakes every WATCH_TICK_MS: it frees
 * the connections the daemon closed since its previous round (none of
 * them can be in the set any more, so no later event names one), handles
 * hang-ups, and shuts down connections past their header deadline.
 *
 * The deadline runs from a request's first byte, which the kernel's count
 * of bytes received (TCP_INFO) shows, since the daemon reads everything
 * at once: a connection that sends nothing is idle, and libmicrohttpd's
 * connection_timeout ends it; one that has started a request and trickles
 * is cut header_timeout later.
 */
#include "agent/web/watch.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/tcp.h>
#include <netinet/in.h>

#include "agent/web/ratelimit.h"
#include "lib/log.h"
#include "lib/peer.h"
#include "lib/xmalloc.h"

/* How often the thread looks: the deadline's precision. */
#define WATCH_TICK_MS	250
/* Hang-ups handled per epoll_wait. */
#define WATCH_EVENTS	64

enum wstate {
	W_HEADERS,		/* waiting for a request's headers */
	W_BUSY,			/* a request being served */
	W_STREAM,		/* an event stream, in the epoll set */
	W_CLOSED		/* the daemon closed it */
};

struct watch_conn {
	struct watch_conn	*next;
	struct watch_conn	*prev;
	struct watch		*w;
	int			 fd;
	enum wstate		 state;
	time_t			 since;		/* W_HEADERS: from when */
	uint64_t		 base;		/* bytes received by then */
	int			 started;	/* bytes came since */
	int			 cut;		/* shut down by us */
	char			 key[PEER_ADDR_MAX];	/* the slot's */
	int			 held;
	int			 per_request;
};

struct watch {
	pthread_mutex_t		 lock;
	pthread_t		 thread;
	int			 started;
	atomic_int		 stop;
	atomic_int		 header_timeout;
	int			 epfd;
	struct ratelimit	*conns;
	struct watch_conn	*live;
	struct watch_conn	*closed;	/* freed by the thread */
};

struct watch *
watch_new(struct ratelimit *conns)
{
	struct watch	*w;

	w = xcalloc(1, sizeof(*w));
	pthread_mutex_init(&w->lock, NULL);
	atomic_init(&w->stop, 0);
	atomic_init(&w->header_timeout, 10);
	w->conns = conns;
	w->epfd = -1;
	return w;
}

static void
free_list(struct watch_conn *c)
{
	struct watch_conn	*next;

	for (; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
}

void
watch_free(struct watch **wp)
{
	struct watch	*w = *wp;

	if (w == NULL)
		return;
	if (w->started) {
		atomic_store(&w->stop, 1);
		pthread_join(w->thread, NULL);
	}
	if (w->epfd != -1)
		close(w->epfd);
	free_list(w->live);
	free_list(w->closed);
	pthread_mutex_destroy(&w->lock);
	free(w);
	*wp = NULL;
}

void
watch_set_header_timeout(struct watch *w, int seconds)
{
	atomic_store(&w->header_timeout, seconds);
}

/* The bytes the kernel has received on c's socket, or UINT64_MAX. */
static uint64_t
received(const struct watch_conn *c)
{
	struct tcp_info	ti;
	socklen_t	len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(c->fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1 ||
	    len < offsetof(struct tcp_info, tcpi_bytes_received) +
	    sizeof(ti.tcpi_bytes_received))
		return UINT64_MAX;
	return ti.tcpi_bytes_received;
}

/* With w->lock held: c waits for a request's headers from now. */
static void
wait_headers(struct watch_conn *c, time_t now)
{
	c->state = W_HEADERS;
	c->since = now;
	c->base = received(c);
	c->started = 0;
}

/* With w->lock held. */
static void
give_back(struct watch_conn *c)
{
	if (!c->held)
		return;
	c->held = 0;
	ratelimit_add(c->w->conns, c->key, -1);
}

/* With w->lock held. */
static void
unregister(struct watch_conn *c)
{
	if (c->state == W_STREAM)
		epoll_ctl(c->w->epfd, EPOLL_CTL_DEL, c->fd, NULL);
}

struct watch_conn *
watch_add(struct watch *w, int fd)
{
	struct watch_conn	*c;

	c = xcalloc(1, sizeof(*c));
	c->w = w;
	c->fd = fd;
	/* Whatever came with the connection is its first request. */
	c->state = W_HEADERS;
	c->since = time(NULL);
	pthread_mutex_lock(&w->lock);
	c->next = w->live;
	if (w->live != NULL)
		w->live->prev = c;
	w->live = c;
	pthread_mutex_unlock(&w->lock);
	return c;
}

void
watch_closed(struct watch_conn *c)
{
	struct watch	*w = c->w;

	pthread_mutex_lock(&w->lock);
	give_back(c);
	unregister(c);
	c->state = W_CLOSED;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		w->live = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->prev = NULL;
	c->next = w->closed;
	w->closed = c;
	pthread_mutex_unlock(&w->lock);
}

void
watch_headers(struct watch_conn *c)
{
	pthread_mutex_lock(&c->w->lock);
	c->state = W_BUSY;
	pthread_mutex_unlock(&c->w->lock);
}

void
watch_idle(struct watch_conn *c)
{
	pthread_mutex_lock(&c->w->lock);
	if (c->per_request)
		give_back(c);
	unregister(c);
	wait_headers(c, time(NULL));
	pthread_mutex_unlock(&c->w->lock);
}

void
watch_stream(struct watch_conn *c)
{
	struct epoll_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLRDHUP;
	ev.data.ptr = c;
	pthread_mutex_lock(&c->w->lock);
	if (c->state != W_STREAM && epoll_ctl(c->w->epfd, EPOLL_CTL_ADD,
	    c->fd, &ev) == 0)
		c->state = W_STREAM;
	pthread_mutex_unlock(&c->w->lock);
}

int
watch_slot(struct watch_conn *c, const char *key, int per_request)
{
	int	n;

	pthread_mutex_lock(&c->w->lock);
	give_back(c);
	snprintf(c->key, sizeof(c->key), "%s", key);
	c->held = 1;
	c->per_request = per_request;
	n = ratelimit_add(c->w->conns, c->key, 1);
	pthread_mutex_unlock(&c->w->lock);
	return n;
}

int
watch_slot_count(struct watch_conn *c)
{
	int	n = 0;

	pthread_mutex_lock(&c->w->lock);
	if (c->held)
		n = ratelimit_add(c->w->conns, c->key, 0);
	pthread_mutex_unlock(&c->w->lock);
	return n;
}

/* One round: with w->lock held.  Returns how many were cut for slow
 * headers. */
static int
round_of(struct watch *w, struct epoll_event *ev, int nev)
{
	struct watch_conn	*c;
	time_t			 now = time(NULL);
	int			 i, slow = 0, limit;

	for (i = 0; i < nev; i++) {
		c = ev[i].data.ptr;
		if (c->state != W_STREAM)
			continue;
		/* The client hung up: its slot is free now, and the next
		 * write (at the latest the keep-alive) fails at once. */
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, c->fd, NULL);
		c->state = W_BUSY;
		give_back(c);
		shutdown(c->fd, SHUT_RDWR);
	}
	limit = atomic_load(&w->header_timeout);
	for (c = w->live; c != NULL; c = c->next) {
		if (c->state != W_HEADERS || c->cut)
			continue;
		if (!c->started) {
			/* Silent since the last look: the request, if one
			 * comes, starts no earlier than now. */
			if (c->base != UINT64_MAX && received(c) == c->base) {
				c->since = now;
				continue;
			}
			c->started = 1;
		}
		if (now - c->since >= limit) {
			c->cut = 1;
			shutdown(c->fd, SHUT_RDWR);
			slow++;
		}
	}
	return slow;
}

static void *
run(void *arg)
{
	struct watch		*w = arg;
	struct epoll_event	 ev[WATCH_EVENTS];
	struct watch_conn	*dead;
	int			 n, slow;

	while (!atomic_load(&w->stop)) {
		pthread_mutex_lock(&w->lock);
		dead = w->closed;
		w->closed = NULL;
		pthread_mutex_unlock(&w->lock);
		free_list(dead);
		n = epoll_wait(w->epfd, ev, WATCH_EVENTS, WATCH_TICK_MS);
		if (n == -1 && errno != EINTR) {
			log_msg(LOG_ERROR, "watch: epoll_wait: %s",
			    strerror(errno));
			n = 0;
			usleep(WATCH_TICK_MS * 1000);
		}
		pthread_mutex_lock(&w->lock);
		slow = round_of(w, ev, n > 0 ? n : 0);
		pthread_mutex_unlock(&w->lock);
		if (slow > 0)
			log_msg(LOG_WARN, "http: closed %d connection(s) that "
			    "did not finish their request headers in %d s",
			    slow, atomic_load(&w->header_timeout));
	}
	return NULL;
}

int
watch_start(struct watch *w, char **errstr_r)
{
	int	rc;

	if ((w->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		*errstr_r = xasprintf("watch: epoll_create1: %s",
		    strerror(errno));
		return -1;
	}
	if ((rc = pthread_create(&w->thread, NULL, run, w)) != 0) {
		*errstr_r = xasprintf("watch: pthread_create: %s",
		    strerror(rc));
		return -1;
	}
	w->started = 1;
	return 0;
}
