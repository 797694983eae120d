/*
 * The attacker's client of tests/e2e/security.sh: opens N connections to
 * 127.0.0.1:PORT, sends each the request head read from standard input
 * (lines end in CRLF on the wire; "@TOKEN@" becomes the connection's line
 * of the tokens file) and then BYTES of body (a PDF's first bytes, then
 * filler), and holds them open: with -d, each open connection gets one
 * more header line every MS milliseconds (a slow-header client that never
 * finishes).  It prints "ready N" once everything is sent (N: the
 * connections that took their whole head and body), and at the end
 * one line per outcome: "status 401 50" (answers by their status),
 * "closed 3" (closed by the server without an answer), "open 7" (still
 * open when the time was up), and "last-close 2.4" (seconds from the start
 * until the server closed the last one it closed).  It stops at -w
 * SECONDS, or earlier when the server has answered or closed every one.
 *
 * usage: hold [-n conns] [-w seconds] [-b bytes] [-d ms] [-k tokens] port
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define CONNS_MAX	1000
#define HEAD_MAX	8192
#define TOKENS_MAX	(CONNS_MAX * 128)
#define STATUSES	16

struct hconn {
	int	fd;
	int	status;		/* of the answer, 0 none yet */
	int	closed;		/* by the server */
};

static struct hconn	conns[CONNS_MAX];

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: hold [-n conns] [-w seconds] [-b bytes] "
	    "[-d ms] [-k tokens] port < head\n");
	exit(2);
}

static long
number(const char *s, long min, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		usage();
	return v;
}

/* The head with CRLF line ends and the token put in; returns its length. */
static size_t
render(const char *head, const char *token, size_t tlen, char *out,
    size_t outsz)
{
	const char	*p;
	size_t		 o = 0;

	for (p = head; *p != '\0' && o + tlen + 2 < outsz; p++) {
		if (strncmp(p, "@TOKEN@", 7) == 0) {
			memcpy(out + o, token, tlen);
			o += tlen;
			p += 6;
		} else if (*p == '\n') {
			out[o++] = '\r';
			out[o++] = '\n';
		} else
			out[o++] = *p;
	}
	return o;
}

static int
send_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = send(fd, buf, len, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads what the server sent on c: the status line of an answer, or EOF. */
static void
readable(struct hconn *c, double start, double *last_close)
{
	char	buf[4096];
	ssize_t	n;
	long	st;

	n = recv(c->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	if (n > 0) {
		buf[n] = '\0';
		if (c->status == 0 && strncmp(buf, "HTTP/1.", 7) == 0 &&
		    n >= 12) {
			st = strtol(buf + 9, NULL, 10);
			c->status = st >= 100 && st <= 999 ? (int)st : -1;
		}
		return;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	close(c->fd);
	c->fd = -1;
	c->closed = c->status == 0;
	*last_close = now_s() - start;
}

int
main(int argc, char **argv)
{
	static char		 head[HEAD_MAX], out[HEAD_MAX + 256];
	static char		 tokens[TOKENS_MAX], body[64 * 1024];
	static char		 filler[64 * 1024];
	static struct pollfd	 pfd[CONNS_MAX];
	struct sockaddr_in	 sin;
	struct timeval		 tv = { 2, 0 };
	const char		*tokfile = NULL, *tok;
	char			*nl;
	FILE			*fp;
	double			 start, wait_s = 10, last_close = 0, next_drip;
	long			 n = 1, bytes = 0, drip = 0, sent;
	size_t			 hlen, len, tlen, chunk;
	int			 ch, port, i, open_n, closed = 0, still = 0;
	int			 whole = 0;
	int			 st[STATUSES], stn[STATUSES], nst = 0, j;

	while ((ch = getopt(argc, argv, "n:w:b:d:k:")) != -1) {
		switch (ch) {
		case 'n':
			n = number(optarg, 1, CONNS_MAX);
			break;
		case 'w':
			wait_s = (double)number(optarg, 1, 600);
			break;
		case 'b':
			bytes = number(optarg, 0, 1L << 30);
			break;
		case 'd':
			drip = number(optarg, 1, 60000);
			break;
		case 'k':
			tokfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	port = (int)number(argv[optind], 1, 65535);
	hlen = fread(head, 1, sizeof(head) - 1, stdin);
	head[hlen] = '\0';
	if (tokfile != NULL) {
		if ((fp = fopen(tokfile, "r")) == NULL) {
			perror(tokfile);
			return 1;
		}
		len = fread(tokens, 1, sizeof(tokens) - 1, fp);
		tokens[len] = '\0';
		fclose(fp);
	}
	signal(SIGPIPE, SIG_IGN);
	memset(filler, 'x', sizeof(filler));
	memcpy(body, filler, sizeof(body));
	memcpy(body, "%PDF-1.4\n", 9);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	start = now_s();
	tok = tokens;
	for (i = 0; i < n; i++) {
		conns[i].fd = socket(AF_INET, SOCK_STREAM, 0);
		if (conns[i].fd == -1 || connect(conns[i].fd,
		    (struct sockaddr *)&sin, sizeof(sin)) == -1) {
			perror("connect");
			return 1;
		}
		/* A server that neither reads nor closes must not stall us. */
		setsockopt(conns[i].fd, SOL_SOCKET, SO_SNDTIMEO, &tv,
		    sizeof(tv));
		nl = strchr(tok, '\n');
		tlen = nl != NULL ? (size_t)(nl - tok) : strlen(tok);
		len = render(head, tok, tlen, out, sizeof(out));
		tok = nl != NULL ? nl + 1 : tok + tlen;
		if (send_all(conns[i].fd, out, len) == -1)
			continue;
		for (sent = 0; sent < bytes; sent += (long)chunk) {
			chunk = bytes - sent < (long)sizeof(body) ?
			    (size_t)(bytes - sent) : sizeof(body);
			if (send_all(conns[i].fd, sent == 0 ? body : filler,
			    chunk) == -1)
				break;
		}
		if (sent >= bytes)
			whole++;
	}
	printf("ready %d\n", whole);
	fflush(stdout);

	next_drip = now_s() + (double)drip / 1000;
	for (;;) {
		open_n = 0;
		for (i = 0; i < n; i++)
			if (conns[i].fd != -1 && conns[i].status == 0) {
				pfd[open_n].fd = conns[i].fd;
				pfd[open_n].events = POLLIN;
				open_n++;
			}
		if (open_n == 0 || now_s() - start >= wait_s)
			break;
		if (poll(pfd, (nfds_t)open_n, 100) == -1 && errno != EINTR)
			break;
		for (i = 0; i < n; i++)
			if (conns[i].fd != -1 && conns[i].status == 0)
				readable(&conns[i], start, &last_close);
		if (drip > 0 && now_s() >= next_drip) {
			for (i = 0; i < n; i++)
				if (conns[i].fd != -1 && conns[i].status == 0)
					send_all(conns[i].fd, "X-Slow: 1\r\n",
					    11);
			next_drip = now_s() + (double)drip / 1000;
		}
	}

	for (i = 0; i < n; i++) {
		if (conns[i].closed)
			closed++;
		else if (conns[i].status == 0)
			still++;
		if (conns[i].status == 0)
			continue;
		for (j = 0; j < nst && st[j] != conns[i].status; j++)
			;
		if (j == nst && nst < STATUSES) {
			st[nst] = conns[i].status;
			stn[nst++] = 0;
		}
		if (j < nst)
			stn[j]++;
	}
	for (j = 0; j < nst; j++)
		printf("status %d %d\n", st[j], stn[j]);
	printf("closed %d\nopen %d\nlast-close %.1f\n", closed, still,
	    last_close);
	return 0;
}
