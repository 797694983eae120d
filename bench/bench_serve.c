/*
 * Load benchmark of `hotline serve` (not a test: it prints figures).  It
 * starts the server on a loopback port with a temporary state database,
 * opens M event streams (each its own chat session) and measures the
 * server's memory with them idle, then runs N chat sessions over HTTP
 * keep-alive, each posting a question as soon as the previous answer has
 * arrived, for D seconds, and prints messages per second, p50/p99/max
 * latency and the server's resident memory.  One thread and epoll on the
 * client side; the client shares the machine's cores with the server.
 *
 * With -r, the sessions together post rate messages a second on a fixed
 * schedule (open loop: latency counts from when a message was due, so a
 * slow answer also delays the ones queued behind it); without it each
 * session posts again as soon as it has its answer (closed loop).
 *
 * usage: bench_serve [-n sessions] [-m streams] [-d seconds] [-t threads]
 *        [-r rate] [-H path/to/hotline]
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define IN_MAX		65536
#define TOKEN_MAX	64

static const char *const questions[] = {
	"не приходит смс с кодом",
	"забыл пароль от госуслуг, как восстановить",
	"как изменить номер телефона в профиле",
	"горячая линия работает ночью и в выходные?",
	"сколько ждать ответа оператора",
	"ошибка при заполнении заявления, не проходит поле",
	"учётная запись заблокирована после попыток входа",
	"какой телефон горячей линии из-за границы",
};

#define NQUESTIONS	(sizeof(questions) / sizeof(questions[0]))

/* What the server leaves in the temporary directory. */
static const char *const leftovers[] = {
	"bench.conf", "state.db", "state.db-wal", "state.db-shm"
};

struct conn {
	int		 fd;
	int		 stream;	/* an event stream, else a chat */
	char		 token[TOKEN_MAX];
	char		 out[1024];
	size_t		 outlen;
	size_t		 outoff;
	char		*in;
	size_t		 inlen;
	double		 sent;
	double		 due;		/* open loop: next message's time */
	int		 busy;
	unsigned	 q;
};

static double	 interval;	/* open loop: seconds between a session's
				   messages; 0: closed loop */

static int	 port;
static double	*lat;
static size_t	 nlat, caplat;
static uint64_t	 done_ok, done_err;

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

static int
dial(int nonblock)
{
	struct sockaddr_in	sin;
	int			fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		die("socket");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		die("connect");
	if (nonblock)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static void
write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			die("write");
		}
		buf += n;
		len -= (size_t)n;
	}
}

/*
 * Whether in[0..len) holds a whole response; sets *total to its length
 * and *status to its status code.
 */
static int
response_done(const char *in, size_t len, size_t *total, int *status)
{
	const char	*end, *cl;
	size_t		 hlen, blen = 0;

	if ((end = memmem(in, len, "\r\n\r\n", 4)) == NULL)
		return 0;
	hlen = (size_t)(end - in) + 4;
	if ((cl = memmem(in, hlen, "Content-Length: ", 16)) != NULL)
		blen = strtoul(cl + 16, NULL, 10);
	if (len < hlen + blen)
		return 0;
	*total = hlen + blen;
	*status = len > 12 ? (int)strtol(in + 9, NULL, 10) : 0;
	return 1;
}

/* POST /api/chat/sessions on a blocking keep-alive socket. */
static void
new_session(int fd, char token[TOKEN_MAX])
{
	static const char	 req[] = "POST /api/chat/sessions HTTP/1.1\r\n"
	    "Host: b\r\nContent-Type: application/json\r\n"
	    "Content-Length: 2\r\n\r\n{}";
	char			 in[8192], *t;
	size_t			 len = 0, total;
	ssize_t			 n;
	int			 status;

	write_all(fd, req, sizeof(req) - 1);
	while (!response_done(in, len, &total, &status)) {
		if ((n = read(fd, in + len, sizeof(in) - 1 - len)) <= 0)
			die("read session");
		len += (size_t)n;
	}
	in[len] = '\0';
	if (status != 201 || (t = strstr(in, "\"token\":\"")) == NULL) {
		fprintf(stderr, "session: status %d\n", status);
		exit(1);
	}
	snprintf(token, TOKEN_MAX, "%.43s", t + 9);
}

static void
queue_message(struct conn *c)
{
	const char	*q = questions[c->q++ % NQUESTIONS];
	char		 body[256];
	int		 blen;

	blen = snprintf(body, sizeof(body), "{\"text\":\"%s\"}", q);
	c->outlen = (size_t)snprintf(c->out, sizeof(c->out),
	    "POST /api/chat/messages HTTP/1.1\r\nHost: b\r\n"
	    "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %d\r\n\r\n%s", c->token, blen, body);
	c->outoff = 0;
	c->sent = interval > 0 ? c->due : now_s();
	c->busy = 1;
}

static void
flush_out(struct conn *c)
{
	ssize_t	n;

	while (c->outoff < c->outlen) {
		n = write(c->fd, c->out + c->outoff, c->outlen - c->outoff);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			die("write");
		}
		c->outoff += (size_t)n;
	}
}

static long
rss_kb(pid_t pid, const char *field)
{
	char	path[64], line[256];
	FILE	*fp;
	long	kb = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, field, strlen(field)) == 0)
			kb = strtol(line + strlen(field), NULL, 10);
	fclose(fp);
	return kb;
}

/* CPU seconds (user + system) process pid has used. */
static double
cpu_s(pid_t pid)
{
	char			 path[64], buf[1024], *p;
	unsigned long		 ut = 0, st = 0;
	FILE			*fp;
	int			 i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), fp) == NULL) {
		fclose(fp);
		return 0;
	}
	fclose(fp);
	/* Fields 14 and 15, counted after the ")" closing the name. */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	for (i = 0; i < 11 && p != NULL; i++)
		p = strchr(p + 1, ' ');
	if (p == NULL)
		return 0;
	ut = strtoul(p + 1, &p, 10);
	st = strtoul(p + 1, NULL, 10);
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static pid_t
start_server(const char *hotline, const char *dir, int threads)
{
	char	conf[256], db[256], line[256];
	FILE	*fp, *out;
	pid_t	 pid;
	int	 p[2];

	snprintf(conf, sizeof(conf), "%s/bench.conf", dir);
	snprintf(db, sizeof(db), "%s/state.db", dir);
	port = 20000 + (int)(getpid() % 30000);
	if ((fp = fopen(conf, "w")) == NULL)
		die(conf);
	fprintf(fp, "listen 127.0.0.1:%d\nthreads %d\nmax_connections 19000\n"
	    "per_ip_connections 19000\nsessions_per_minute 1000000\n"
	    "messages_per_minute 100000\nconnection_timeout 300\n", port,
	    threads);
	fclose(fp);
	if (pipe(p) == -1)
		die("pipe");
	if ((pid = fork()) == -1)
		die("fork");
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		setenv("HOTLINE_LOG", "error", 1);
		execl(hotline, "hotline", "-c", conf, "-s", db, "serve",
		    (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	out = fdopen(p[0], "r");
	while (fgets(line, sizeof(line), out) != NULL)
		if (strncmp(line, "chat: ", 6) == 0)
			return pid;
	fprintf(stderr, "the server did not start\n");
	exit(1);
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Reads what a connection has; a chat's whole answer sends the next. */
static void
on_readable(struct conn *c, double t0, double measure_from)
{
	size_t	total;
	ssize_t	n;
	int	status;
	double	t;

	for (;;) {
		n = read(c->fd, c->in + c->inlen, IN_MAX - c->inlen);
		if (n == 0) {
			fprintf(stderr, "server closed a connection\n");
			exit(1);
		}
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			die("read");
		}
		if (c->stream) {
			c->inlen = 0;
			continue;
		}
		c->inlen += (size_t)n;
		if (!response_done(c->in, c->inlen, &total, &status))
			continue;
		t = now_s();
		if (t >= measure_from) {
			if (nlat == caplat) {
				caplat = caplat ? caplat * 2 : 65536;
				lat = realloc(lat, caplat * sizeof(*lat));
			}
			lat[nlat++] = t - c->sent;
			if (getenv("BENCH_SLOW") != NULL && t - c->sent > 0.05)
				fprintf(stderr, "slow %.3f at %.3f\n",
				    t - c->sent, c->sent - t0);
			if (status == 200)
				done_ok++;
			else
				done_err++;
		}
		memmove(c->in, c->in + total, c->inlen - total);
		c->inlen -= total;
		c->busy = 0;
		if (interval > 0) {
			c->due += interval;
			if (c->due > now_s())
				continue;
		}
		queue_message(c);
		flush_out(c);
	}
	(void)t0;
}

int
main(int argc, char **argv)
{
	struct epoll_event	 ev, evs[256];
	struct rlimit		 rl;
	struct conn		*conns;
	const char		*hotline = "./hotline";
	char			 dir[] = "/tmp/bench-serve-XXXXXX", cmd[300];
	double			 t0, dur = 10, warm = 1, elapsed, rate = 0, t;
	double			 cpu0 = -1, cpu1, gap, next_fire;
	size_t			 cursor = 0;
	long			 rss0, rss_streams, rss_end, hwm;
	pid_t			 pid;
	int			 nchat = 1000, nstream = 10000, threads = 2;
	int			 ep, ch, i, n, total, fd;

	while ((ch = getopt(argc, argv, "d:H:m:n:r:t:")) != -1) {
		switch (ch) {
		case 'd':
			dur = strtod(optarg, NULL);
			break;
		case 'H':
			hotline = optarg;
			break;
		case 'm':
			nstream = (int)strtol(optarg, NULL, 10);
			break;
		case 'n':
			nchat = (int)strtol(optarg, NULL, 10);
			break;
		case 'r':
			rate = strtod(optarg, NULL);
			break;
		case 't':
			threads = (int)strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: bench_serve [-n sessions] "
			    "[-m streams] [-d seconds] [-t threads] "
			    "[-H hotline]\n");
			return 2;
		}
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);
	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	pid = start_server(hotline, dir, threads);
	total = nchat + nstream;
	conns = calloc((size_t)total, sizeof(*conns));
	fd = dial(0);
	for (i = 0; i < total; i++)
		new_session(fd, conns[i].token);
	close(fd);
	usleep(200000);
	rss0 = rss_kb(pid, "VmRSS:");
	printf("sessions:        %d chat sessions + %d event streams created\n",
	    nchat, nstream);

	if ((ep = epoll_create1(0)) == -1)
		die("epoll_create1");
	for (i = 0; i < total; i++) {
		struct conn	*c = &conns[i];

		c->stream = i >= nchat;
		c->fd = dial(1);
		c->in = malloc(IN_MAX);
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
		if (c->stream) {
			c->outlen = (size_t)snprintf(c->out, sizeof(c->out),
			    "GET /api/chat/events?token=%s HTTP/1.1\r\n"
			    "Host: b\r\nAccept: text/event-stream\r\n\r\n",
			    c->token);
			flush_out(c);
		}
	}
	/* Let the streams settle, then weigh the server. */
	t0 = now_s();
	while (now_s() - t0 < 3) {
		n = epoll_wait(ep, evs, 256, 100);
		for (i = 0; i < n; i++)
			on_readable(evs[i].data.ptr, t0, 1e18);
	}
	rss_streams = rss_kb(pid, "VmRSS:");
	printf("memory:          %.1f MB with the sessions made, %.1f MB with "
	    "%d open event streams (+%.1f kB each)\n", rss0 / 1024.0,
	    rss_streams / 1024.0,
	    nstream, nstream > 0 ? (double)(rss_streams - rss0) / nstream :
	    0.0);

	t0 = now_s();
	interval = rate > 0 ? nchat / rate : 0;
	for (i = 0; i < nchat; i++) {
		/* Open loop: the sessions' schedules spread evenly. */
		conns[i].due = t0 + interval * i / nchat;
		if (interval == 0) {
			queue_message(&conns[i]);
			flush_out(&conns[i]);
		}
	}
	/* Open loop: the sessions come due in turn, one every gap. */
	gap = interval / nchat;
	next_fire = t0;
	while ((elapsed = now_s() - t0) < warm + dur) {
		if (cpu0 < 0 && elapsed >= warm)
			cpu0 = cpu_s(pid);
		n = epoll_wait(ep, evs, 256, interval > 0 ? 1 : 100);
		for (i = 0; i < n; i++)
			on_readable(evs[i].data.ptr, t0, t0 + warm);
		if (interval == 0)
			continue;
		/* A busy session sends as soon as its answer is in. */
		for (t = now_s(); next_fire <= t; next_fire += gap) {
			struct conn	*c = &conns[cursor];

			if (!c->busy && c->due <= t) {
				queue_message(c);
				flush_out(c);
			}
			cursor = (cursor + 1) % (size_t)nchat;
		}
	}
	cpu1 = cpu_s(pid);
	rss_end = rss_kb(pid, "VmRSS:");
	hwm = rss_kb(pid, "VmHWM:");
	qsort(lat, nlat, sizeof(*lat), cmp_double);
	printf("load:            %d keep-alive chat sessions posting for "
	    "%.0f s (after %.0f s warm-up), %d server threads, %s\n", nchat,
	    dur, warm, threads, rate > 0 ? "open loop" : "closed loop");
	if (rate > 0)
		printf("offered:         %.0f messages/s\n", rate);
	printf("throughput:      %.0f messages/s (%llu answered, %llu "
	    "errors)\n", (double)(done_ok + done_err) / dur,
	    (unsigned long long)done_ok, (unsigned long long)done_err);
	if (done_ok + done_err > 0)
		printf("server CPU:      %.0f us per message (%.2f cores)\n",
		    (cpu1 - cpu0) * 1e6 / (double)(done_ok + done_err),
		    (cpu1 - cpu0) / dur);
	if (nlat > 0)
		printf("latency:         p50 %.2f ms, p99 %.2f ms, max %.2f "
		    "ms\n", lat[nlat / 2] * 1e3,
		    lat[(size_t)((double)nlat * 0.99)] * 1e3,
		    lat[nlat - 1] * 1e3);
	printf("server memory:   %.1f MB at the end, %.1f MB peak "
	    "(VmHWM)\n", rss_end / 1024.0, hwm / 1024.0);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	for (i = 0; i < (int)(sizeof(leftovers) / sizeof(leftovers[0]));
	    i++) {
		snprintf(cmd, sizeof(cmd), "%s/%s", dir, leftovers[i]);
		unlink(cmd);
	}
	rmdir(dir);
	return 0;
}
