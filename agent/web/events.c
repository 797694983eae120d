/*
 * The event hub.  Each open stream is in a hash bucket by conversation (or
 * in the operators' list) behind the hub's mutex, with three flags: it is
 * suspended, something is pending, a keep-alive is due.  The content reader
 * (in the thread that owns the connection) takes the flags under the
 * mutex; with nothing to do it suspends the connection and returns 0, all
 * under the mutex, so a publisher that runs between the check and the
 * suspension still finds the stream suspended and resumes it: no wake-up
 * is lost.  What a woken stream sends is read from the database (messages
 * after the last id sent, the state when it changed, the queue when its
 * version moved), so a stream that resumes with Last-Event-ID gets
 * exactly what it missed.  An operator's stream belongs to a session: each
 * time it wakes (something to send, a keep-alive, or hub_recheck after a
 * logout or a change of rights) it asks the database whether the session
 * is still live, and ends when it is not.
 */
#include "agent/web/events.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "agent/core/conv.h"
#include "agent/core/operator.h"
#include "agent/core/queue.h"
#include "agent/core/token.h"
#include "agent/core/workspace.h"
#include "agent/web/api.h"
#include "lib/log.h"
#include "lib/xmalloc.h"

#define NBUCKETS	4096
/* Bytes MHD asks for at once: an event is small, and every open stream
 * holds a buffer this size. */
#define BLOCK		1024

struct stream {
	struct stream		*next;
	struct stream		*prev;
	struct hub		*hub;
	struct server		*srv;
	struct MHD_Connection	*conn;
	int64_t			 conv;		/* 0: an operator's */
	int64_t			 last;		/* last message id sent */
	char			*state;		/* last state event sent */
	uint64_t		 qver;		/* queue version sent */
	unsigned char		 session[TOKEN_HASH_LEN]; /* an operator's */
	char			 op[LIMIT_OPERATOR_NAME_BYTES + 1];
	char			 role[16];
	int			 typing;	/* the other side typed */
	int			 suspended;
	int			 pending;
	int			 keepalive;
	int			 recheck;	/* the session, now */
	int			 first;
	char			*buf;
	size_t			 len;
	size_t			 off;
	size_t			 cap;
};

struct hub {
	pthread_mutex_t	 lock;
	struct stream	*buckets[NBUCKETS];
	struct stream	*ops;
	uint64_t	 qver;
	int		 closing;
	int		 n;
};

struct hub *
hub_new(void)
{
	struct hub	*h;

	h = xcalloc(1, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	return h;
}

void
hub_free(struct hub **hp)
{
	if (*hp == NULL)
		return;
	pthread_mutex_destroy(&(*hp)->lock);
	free(*hp);
	*hp = NULL;
}

static struct stream **
list_of(struct hub *h, int64_t conv)
{
	return conv > 0 ? &h->buckets[(uint64_t)conv % NBUCKETS] : &h->ops;
}

/* With h->lock held. */
static void
wake(struct stream *s)
{
	if (s->suspended) {
		s->suspended = 0;
		MHD_resume_connection(s->conn);
	}
}

void
hub_publish(struct hub *h, int64_t conv, int queue)
{
	struct stream	*s;

	pthread_mutex_lock(&h->lock);
	if (conv > 0)
		for (s = *list_of(h, conv); s != NULL; s = s->next)
			if (s->conv == conv) {
				s->pending = 1;
				wake(s);
			}
	if (queue) {
		h->qver++;
		for (s = h->ops; s != NULL; s = s->next) {
			s->pending = 1;
			wake(s);
		}
	}
	pthread_mutex_unlock(&h->lock);
}

void
hub_typing(struct hub *h, int64_t conv, int citizen)
{
	struct stream	*s;

	pthread_mutex_lock(&h->lock);
	for (s = citizen ? h->ops : *list_of(h, conv); s != NULL;
	    s = s->next)
		if (citizen || s->conv == conv) {
			s->typing = 1;
			wake(s);
		}
	pthread_mutex_unlock(&h->lock);
}

static void
each(struct hub *h, void (*fn)(struct stream *))
{
	struct stream	*s;
	size_t		 i;

	for (i = 0; i < NBUCKETS; i++)
		for (s = h->buckets[i]; s != NULL; s = s->next)
			fn(s);
	for (s = h->ops; s != NULL; s = s->next)
		fn(s);
}

static void
due(struct stream *s)
{
	s->keepalive = 1;
	wake(s);
}

void
hub_keepalive(struct hub *h, unsigned long tick, int period)
{
	struct stream	*s;
	size_t		 i;

	if (period < 1)
		period = 1;
	pthread_mutex_lock(&h->lock);
	/* Bucket i's turn comes when tick = i (mod period). */
	for (i = tick % (unsigned long)period; i < NBUCKETS;
	    i += (size_t)period)
		for (s = h->buckets[i]; s != NULL; s = s->next)
			due(s);
	if (tick % (unsigned long)period == 0)
		for (s = h->ops; s != NULL; s = s->next)
			due(s);
	pthread_mutex_unlock(&h->lock);
}

void
hub_recheck(struct hub *h)
{
	struct stream	*s;

	pthread_mutex_lock(&h->lock);
	for (s = h->ops; s != NULL; s = s->next) {
		s->recheck = 1;
		wake(s);
	}
	pthread_mutex_unlock(&h->lock);
}

void
hub_shutdown(struct hub *h)
{
	pthread_mutex_lock(&h->lock);
	h->closing = 1;
	each(h, wake);
	pthread_mutex_unlock(&h->lock);
}

int
hub_streams(struct hub *h)
{
	int	n;

	pthread_mutex_lock(&h->lock);
	n = h->n;
	pthread_mutex_unlock(&h->lock);
	return n;
}

static void
put(struct stream *s, const char *a, const char *b, const char *c)
{
	size_t	la = strlen(a), lb = b ? strlen(b) : 0, lc = c ? strlen(c) : 0;

	if (s->len + la + lb + lc + 1 > s->cap) {
		s->cap = (s->len + la + lb + lc + 1) * 2;
		s->buf = xreallocarray(s->buf, s->cap, 1);
	}
	memcpy(s->buf + s->len, a, la);
	s->len += la;
	if (b != NULL) {
		memcpy(s->buf + s->len, b, lb);
		s->len += lb;
	}
	if (c != NULL) {
		memcpy(s->buf + s->len, c, lc);
		s->len += lc;
	}
}

/* The citizen's missed messages and a changed state. */
static void
fill_citizen(struct stream *s, sqlite3 *db)
{
	struct conv_info	 ci;
	json_t			*msgs, *m, *st;
	char			*js, *err = NULL, id[32];
	size_t			 i;
	int			 wait;

	if ((msgs = conv_messages(db, s->conv, s->last, CONV_PAGE,
	    &err)) == NULL) {
		log_msg(LOG_ERROR, "events: %s", err);
		free(err);
		return;
	}
	conv_for_citizen(db, msgs);
	json_array_foreach(msgs, i, m) {
		s->last = json_integer_value(json_object_get(m, "id"));
		snprintf(id, sizeof(id), "%lld", (long long)s->last);
		js = json_dumps(m, JSON_COMPACT);
		put(s, "id: ", id, "\nevent: message\ndata: ");
		put(s, js, "\n\n", NULL);
		free(js);
	}
	if (json_array_size(msgs) == CONV_PAGE) {
		pthread_mutex_lock(&s->hub->lock);
		s->pending = 1;
		pthread_mutex_unlock(&s->hub->lock);
	}
	json_decref(msgs);
	if (conv_info(db, s->conv, &ci, &err) != 1) {
		free(err);
		return;
	}
	wait = queue_wait_estimate(db, s->conv, time(NULL));
	st = json_pack("{s:s, s:o, s:o}", "state", conv_state_name(ci.state),
	    "wait_estimate",
	    wait >= 0 ? json_integer(wait) : json_null(), "request_number",
	    ci.number[0] != '\0' ? json_string(ci.number) : json_null());
	js = json_dumps(st, JSON_COMPACT);
	json_decref(st);
	if (s->state == NULL || strcmp(s->state, js) != 0) {
		put(s, "event: state\ndata: ", js, "\n\n");
		free(s->state);
		s->state = js;
	} else
		free(js);
}

static void
fill_operator(struct stream *s, sqlite3 *db, uint64_t qver)
{
	json_t	*o;
	char	*js, *err = NULL;

	if (!s->first && qver == s->qver)
		return;
	if ((o = workspace_queue(db, s->op, s->role, time(NULL),
	    &err)) == NULL) {
		log_msg(LOG_ERROR, "events: %s", err);
		free(err);
		return;
	}
	s->qver = qver;
	js = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	put(s, "event: queue\ndata: ", js, "\n\n");
	free(js);
}

/* Who is typing on the other side: for an operator the conversations
 * whose citizens are, for a citizen whether an operator is. */
static void
fill_typing(struct stream *s, sqlite3 *db)
{
	json_t	*o;
	char	*js;

	o = s->conv > 0 ? json_pack("{s:b}", "operator",
	    workspace_typing_operator(db, s->conv, time(NULL))) :
	    json_pack("{s:o}", "conversations",
	    workspace_typing_citizens(db, time(NULL)));
	js = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	put(s, "event: typing\ndata: ", js, "\n\n");
	free(js);
}

static ssize_t
stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct stream	*s = cls;
	struct hub	*h = s->hub;
	struct worker	*w;
	uint64_t	 qver;
	size_t		 n;
	char		*err = NULL;
	int		 pending, ka, recheck, live, typing;

	for (;;) {
		if (s->off < s->len) {
			n = s->len - s->off < max ? s->len - s->off : max;
			memcpy(out, s->buf + s->off, n);
			s->off += n;
			return (ssize_t)n;
		}
		s->off = s->len = 0;
		pthread_mutex_lock(&h->lock);
		if (h->closing) {
			pthread_mutex_unlock(&h->lock);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		pending = s->pending || s->first;
		ka = s->keepalive;
		recheck = s->recheck;
		typing = s->typing;
		s->pending = s->keepalive = s->recheck = s->typing = 0;
		qver = h->qver;
		if (!pending && !ka && !recheck && !typing) {
			s->suspended = 1;
			MHD_suspend_connection(s->conn);
			pthread_mutex_unlock(&h->lock);
			return 0;
		}
		pthread_mutex_unlock(&h->lock);
		/* An operator's session may have ended since: then so does
		 * the stream, and nothing more is sent (a failed check
		 * ends it too). */
		if (s->conv == 0) {
			if ((w = context_worker(s->srv->cx)) == NULL)
				return MHD_CONTENT_READER_END_WITH_ERROR;
			if ((live = operator_session_live(w->db, s->session,
			    time(NULL), &err)) != 1) {
				if (live == -1) {
					log_msg(LOG_ERROR, "events: %s", err);
					free(err);
				}
				return MHD_CONTENT_READER_END_OF_STREAM;
			}
		}
		if (s->first)
			put(s, "retry: 3000\n\n", NULL, NULL);
		if (pending && (w = context_worker(s->srv->cx)) != NULL) {
			if (s->conv > 0)
				fill_citizen(s, w->db);
			else
				fill_operator(s, w->db, qver);
		}
		/* After the messages: a reply that came with the signal
		 * is on the page before the signal is. */
		if (typing && (w = context_worker(s->srv->cx)) != NULL)
			fill_typing(s, w->db);
		if (ka)
			put(s, ": keep-alive\n\n", NULL, NULL);
		s->first = 0;
	}
}

static void
stream_free(void *cls)
{
	struct stream	*s = cls;
	struct hub	*h = s->hub;

	pthread_mutex_lock(&h->lock);
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		*list_of(h, s->conv) = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	h->n--;
	pthread_mutex_unlock(&h->lock);
	free(s->buf);
	free(s->state);
	free(s);
}

static void
start(struct http_req *req, int64_t conv, int64_t last)
{
	struct stream		*s, **head;
	struct hub		*h = req->srv->hub;
	struct MHD_Response	*resp;

	s = xcalloc(1, sizeof(*s));
	s->hub = h;
	s->srv = req->srv;
	s->conn = req->conn;
	s->conv = conv;
	s->last = last;
	s->first = 1;
	/* http.c has checked this cookie; the stream lives as long as it. */
	if (conv == 0 && req->op_token != NULL) {
		token_hash(req->op_token, strlen(req->op_token), s->session);
		/* Roles change only with the session's end (hub_recheck). */
		snprintf(s->op, sizeof(s->op), "%s", req->op.name);
		snprintf(s->role, sizeof(s->role), "%s", req->op.role);
	}
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, BLOCK,
	    stream_read, s, stream_free);
	MHD_add_response_header(resp, "Content-Type", "text/event-stream");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	http_secure(resp);
	pthread_mutex_lock(&h->lock);
	head = list_of(h, conv);
	s->next = *head;
	if (*head != NULL)
		(*head)->prev = s;
	*head = s;
	h->n++;
	pthread_mutex_unlock(&h->lock);
	MHD_set_connection_option(req->conn, MHD_CONNECTION_OPTION_TIMEOUT,
	    (unsigned)(req->w->brain->cfg.keepalive_seconds * 2 + 10));
	req->resp = resp;
	req->status = 200;
}

/* A message id from Last-Event-ID or ?last=, else 0. */
static int64_t
last_id(struct http_req *req)
{
	const char	*s;
	int64_t		 v = 0;
	int		 n = 0;

	if ((s = http_header(req, "Last-Event-ID")) == NULL &&
	    (s = http_query(req, "last")) == NULL)
		return 0;
	for (; *s >= '0' && *s <= '9' && n < 18; s++, n++)
		v = v * 10 + (*s - '0');
	return *s == '\0' ? v : 0;
}

void
api_chat_events(struct http_req *req)
{
	start(req, req->conv, last_id(req));
}

void
api_op_events(struct http_req *req)
{
	start(req, 0, 0);
}
