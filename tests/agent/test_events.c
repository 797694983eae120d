/*
 * Tests of the event hub and streams (agent/web/events.c) through a real
 * HTTP daemon on loopback, started as `hotline serve` starts it, with the
 * real categories and articles: a citizen's stream gets the state first
 * and then the message the citizen sent and the bot's answer, and a
 * stream of another conversation gets none of it; a keep-alive comes when
 * it is due; a stream the client closes is let go, and the connection
 * slot it held serves the next request from that address; at shutdown
 * every open stream ends.
 */
#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <sodium.h>

#include "agent/core/context.h"
#include "agent/core/state.h"
#include "agent/core/stmt.h"
#include "agent/web/events.h"
#include "agent/web/http.h"
#include "agent/web/ratelimit.h"
#include "agent/web/server.h"
#include "kb/store.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"
#include "tests/agent/fixture.h"

Suite	*events_suite(void);

/* Connections one address may hold: two streams fill it. */
#define PER_IP		2
/* How long a test waits for what it expects, in milliseconds: a bound on
 * a hang, not a speed; CI runs this under ASan beside other suites on two
 * cores, where 5 s was once not enough for the watcher's tick. */
#define WAIT_MS		20000

static char		 dir[64];
static struct config	 cfg;
static struct context	 cx;
static struct server	 srv;

static void
conv_changed(void *arg, int64_t conv)
{
	hub_publish(arg, conv, 0);
}

static void
queue_changed(void *arg)
{
	hub_publish(arg, 0, 1);
}

static void
setup(void)
{
	struct kb_import_stats	 st;
	sqlite3			*db;
	char			*err = NULL;
	int			 tries;

	ck_assert_int_ge(sodium_init(), 0);
	snprintf(dir, sizeof(dir), "/tmp/hotline-events-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	config_defaults(&cfg);
	cfg.state_db = xasprintf("%s/state.db", dir);
	cfg.data_dir = xstrdup(HOTLINE_SRCDIR);
	cfg.threads = 2;
	ck_assert_msg(state_open(cfg.state_db, &db, &err) == 0 &&
	    kb_store_import(db, HOTLINE_SRCDIR "/kb/articles", 1000, NULL, &st,
	    &err) != -1, "%s", err);
	context_init(&cx, &cfg);
	ck_assert_ptr_nonnull(cx.brain = brain_load(&cfg, db, cx.data_dir,
	    stderr));
	stmt_forget(db);
	sqldb_close(&db);
	memset(&srv, 0, sizeof(srv));
	srv.cx = &cx;
	srv.www_dir = xstrdup(HOTLINE_SRCDIR "/www");
	srv.hub = hub_new();
	cx.notify.conv_changed = conv_changed;
	cx.notify.queue_changed = queue_changed;
	cx.notify.arg = srv.hub;
	srv.sessions = ratelimit_new(60);
	srv.messages = ratelimit_new(60);
	srv.conns = ratelimit_new(60);
	srv.uploads = ratelimit_new(86400);
	atomic_init(&srv.body_bytes, 0);
	atomic_store(&srv.max_connections, cfg.max_connections);
	atomic_store(&srv.per_ip_connections, cfg.per_ip_connections);
	/* A free port: a random one, tried again when taken. */
	for (tries = 0; tries < 20; tries++) {
		free(cfg.listen);
		cfg.listen = xasprintf("127.0.0.1:%u", 20000 +
		    randombytes_uniform(40000));
		if (http_start(&srv, &cfg, &err) == 0)
			break;
		free(err);
		err = NULL;
	}
	ck_assert_int_lt(tries, 20);
}

static void
teardown(void)
{
	http_stop(&srv);
	hub_free(&srv.hub);
	ratelimit_free(&srv.sessions);
	ratelimit_free(&srv.messages);
	ratelimit_free(&srv.conns);
	ratelimit_free(&srv.uploads);
	free(srv.www_dir);
	context_clear(&cx);
	config_clear(&cfg);
	fixture_rmtree(dir);
}

/* A connection to the daemon that has sent req (HTTP/1.0: the answer
 * ends with the connection, no chunks). */
static int
dial(const char *req)
{
	struct sockaddr_in	 sin;
	size_t			 off = 0, len = strlen(req);
	ssize_t			 n;
	int			 fd;

	ck_assert_int_ge(fd = socket(AF_INET, SOCK_STREAM, 0), 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)srv.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	while (off < len) {
		ck_assert_int_gt(n = write(fd, req + off, len - off), 0);
		off += (size_t)n;
	}
	return fd;
}

/* What a received so far; grows. */
struct rd {
	char	buf[65536];
	size_t	len;
	int	eof;
};

/* Reads from fd into r until want appears after r->buf[from] (NULL: until
 * the end), or ms milliseconds pass.  Returns whether it did. */
static int
read_for(int fd, struct rd *r, size_t from, const char *want, long ms)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	struct timespec	t0, t;
	ssize_t		n;
	long		left;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		r->buf[r->len] = '\0';
		if (want != NULL && strstr(r->buf + from, want) != NULL)
			return 1;
		if (r->eof)
			return want == NULL;
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = ms - ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return 0;
		n = read(fd, r->buf + r->len, sizeof(r->buf) - 1 - r->len);
		if (n <= 0)
			r->eof = 1;
		else
			r->len += (size_t)n;
	}
}

static int
read_until(int fd, struct rd *r, size_t from, const char *want)
{
	return read_for(fd, r, from, want, WAIT_MS);
}

/* A whole exchange: the answer to req in r. */
static void
exchange(const char *req, struct rd *r)
{
	int	fd = dial(req);

	memset(r, 0, sizeof(*r));
	ck_assert(read_until(fd, r, 0, NULL));
	close(fd);
}

/* A new chat: its token in tok. */
static void
new_chat(char *tok, size_t toksz)
{
	struct rd	*r = xcalloc(1, sizeof(*r));
	const char	*p;
	size_t		 n;

	exchange("POST /api/chat/sessions HTTP/1.0\r\nContent-Type: "
	    "application/json\r\nContent-Length: 14\r\n\r\n{\"lang\": \"ru\"}",
	    r);
	ck_assert_msg(strncmp(r->buf, "HTTP/1.0 201", 12) == 0 ||
	    strncmp(r->buf, "HTTP/1.1 201", 12) == 0, "%s", r->buf);
	ck_assert_ptr_nonnull(p = strstr(r->buf, "\"token\""));
	p += strlen("\"token\"");
	p += strspn(p, ": ");
	ck_assert_int_eq(*p++, '"');
	n = strcspn(p, "\"");
	ck_assert_uint_lt(n, toksz);
	memcpy(tok, p, n);
	tok[n] = '\0';
	free(r);
}

/*
 * Opens tok's event stream and reads up to its first state event.  A 429
 * is tried again: the slot of the connection that made the chat (HTTP/1.0,
 * closed) comes back at the watcher's next tick, which a loaded machine
 * (CI under ASan, tests side by side) can delay past the next request.
 */
static int
open_stream(const char *tok, struct rd *r)
{
	char	req[512];
	int	fd, i, ok = 0;

	snprintf(req, sizeof(req), "GET /api/chat/events?token=%s HTTP/1.0"
	    "\r\n\r\n", tok);
	for (i = 0; i < WAIT_MS / 250; i++) {
		fd = dial(req);
		memset(r, 0, sizeof(*r));
		ok = read_until(fd, r, 0, "event: state");
		if (ok || strstr(r->buf, " 429 ") == NULL)
			break;
		close(fd);
		usleep(250000);
	}
	ck_assert_msg(ok, "%s", r->buf);
	ck_assert_ptr_nonnull(strstr(r->buf, "text/event-stream"));
	return fd;
}

/* The citizen of tok writes text (ASCII-safe JSON). */
static void
say(const char *tok, const char *text)
{
	struct rd	*r = xcalloc(1, sizeof(*r));
	char		 req[1024], body[512];

	snprintf(body, sizeof(body), "{\"text\": \"%s\"}", text);
	snprintf(req, sizeof(req), "POST /api/chat/messages HTTP/1.0\r\n"
	    "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n%s", tok, strlen(body), body);
	exchange(req, r);
	ck_assert_msg(strstr(r->buf, " 200 ") != NULL, "%s", r->buf);
	free(r);
}

/* Waits up to WAIT_MS for the hub to hold n streams. */
static int
streams_become(int n)
{
	int	i;

	for (i = 0; i < WAIT_MS / 50; i++) {
		if (hub_streams(srv.hub) == n)
			return 1;
		usleep(50000);
	}
	return 0;
}

/* Wakes every stream with a keep-alive until the hub holds n, for up to
 * WAIT_MS: a stream whose client is gone ends when woken, once the daemon
 * sees its socket shut (the watcher's next tick). */
static int
woken_become(int n)
{
	static unsigned long	tick;
	int			i;

	for (i = 0; i < WAIT_MS / 50; i++) {
		hub_keepalive(srv.hub, tick++, 1);
		if (hub_streams(srv.hub) == n)
			return 1;
		usleep(50000);
	}
	return 0;
}

START_TEST(test_message_reaches_its_stream_only)
{
	struct rd	*mine = xcalloc(1, sizeof(*mine));
	struct rd	*other = xcalloc(1, sizeof(*other));
	char		 a[128], b[128];
	size_t		 from;
	int		 fa, fb;

	new_chat(a, sizeof(a));
	new_chat(b, sizeof(b));
	fa = open_stream(a, mine);
	fb = open_stream(b, other);
	ck_assert(streams_become(2));
	from = mine->len;
	say(a, "Как восстановить пароль от госуслуг?");
	/* The citizen's own words, then the bot's answer, each an event. */
	ck_assert_msg(read_until(fa, mine, from,
	    "восстановить пароль от госуслуг"), "%s", mine->buf + from);
	ck_assert_ptr_nonnull(strstr(mine->buf + from, "event: message"));
	ck_assert_msg(read_until(fa, mine, from, "\"bot\""), "%s",
	    mine->buf + from);
	/* The other citizen's stream hears nothing of it. */
	from = other->len;
	ck_assert(!read_for(fb, other, from, "event: message", 1000));
	ck_assert_ptr_null(strstr(other->buf, "пароль"));
	close(fa);
	close(fb);
	free(mine);
	free(other);
}
END_TEST

START_TEST(test_keepalive_when_due)
{
	struct rd	*r = xcalloc(1, sizeof(*r));
	char		 tok[128];
	size_t		 from;
	int		 fd;

	new_chat(tok, sizeof(tok));
	fd = open_stream(tok, r);
	ck_assert(streams_become(1));
	from = r->len;
	/* With a period of one second every tick is every stream's turn. */
	hub_keepalive(srv.hub, 1, 1);
	ck_assert_msg(read_until(fd, r, from, ": keep-alive"), "%s",
	    r->buf + from);
	close(fd);
	free(r);
}
END_TEST

START_TEST(test_closed_stream_frees_its_slot)
{
	struct rd	*r = xcalloc(1, sizeof(*r));
	struct rd	*s1 = xcalloc(1, sizeof(*s1));
	struct rd	*s2 = xcalloc(1, sizeof(*s2));
	char		 tok[128], req[512];
	int		 f1, f2, i;

	atomic_store(&srv.per_ip_connections, PER_IP);
	new_chat(tok, sizeof(tok));
	f1 = open_stream(tok, s1);
	f2 = open_stream(tok, s2);
	ck_assert(streams_become(2));
	snprintf(req, sizeof(req), "GET /api/chat/conversation HTTP/1.0\r\n"
	    "Authorization: Bearer %s\r\n\r\n", tok);
	/* The address holds all its slots: a page reload is refused... */
	exchange(req, r);
	ck_assert_msg(strstr(r->buf, " 429 ") != NULL, "%s", r->buf);
	/* ...until the citizen closes a tab: the slot comes back at the
	 * hang-up (the watcher's tick), not at the next keep-alive. */
	close(f1);
	for (i = 0; i < WAIT_MS / 250; i++) {
		usleep(250000);
		exchange(req, r);
		if (strstr(r->buf, " 200 ") != NULL)
			break;
	}
	ck_assert_msg(strstr(r->buf, " 200 ") != NULL, "%s", r->buf);
	/* The hub lets the stream go when it is next woken. */
	ck_assert(woken_become(1));
	close(f2);
	ck_assert(woken_become(0));
	free(r);
	free(s1);
	free(s2);
}
END_TEST

START_TEST(test_shutdown_ends_streams)
{
	struct rd	*r = xcalloc(1, sizeof(*r));
	char		 tok[128];
	int		 fd;

	new_chat(tok, sizeof(tok));
	fd = open_stream(tok, r);
	ck_assert(streams_become(1));
	hub_shutdown(srv.hub);
	/* The client sees the end of the stream, not a hang. */
	ck_assert(read_until(fd, r, 0, NULL));
	ck_assert(r->eof);
	ck_assert(streams_become(0));
	close(fd);
	free(r);
}
END_TEST

Suite *
events_suite(void)
{
	Suite	*s = suite_create("events");
	TCase	*tc = tcase_create("hub");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_message_reaches_its_stream_only);
	tcase_add_test(tc, test_keepalive_when_due);
	tcase_add_test(tc, test_closed_stream_frees_its_slot);
	tcase_add_test(tc, test_shutdown_ends_streams);
	suite_add_tcase(s, tc);
	return s;
}
