/*
 * Tests of the mail channel's long-running thread (agent/mail/mailrun.c as
 * `hotline serve` starts it) against the real dovecot and msmtpd of the
 * e2e tests (tests/agent/mailfix.c): a letter dropped while the thread
 * waits is answered at once, IDLE waking it, with polling set to half an
 * hour; an IMAP server that hangs up on every connection is tried again
 * after waits that double, and once it answers again the waiting letter
 * is answered; stopping returns at once whether the thread idles or
 * waits to reconnect.  Between the thread and dovecot sits a small relay
 * of the test's own that hangs up while "down", so that the server can
 * go away and come back on the same port.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "agent/mail/mailrun.h"
#include "tests/agent/mailfix.h"

Suite	*mailthread_suite(void);

/* Connections the relay hangs up on, at most. */
#define HANGUPS_MAX	16

/* The relay between the thread and dovecot. */
struct relay {
	int		 lfd;
	int		 port;
	atomic_int	 up;	/* pass bytes on, else hang up */
	atomic_int	 stop;
	pthread_mutex_t	 lock;
	double		 hangups[HANGUPS_MAX];	/* when each came */
	int		 n;
	pthread_t	 thread;
};

static struct mailfix	 m;
static struct relay	 rl;
static struct mailrun	*mr;

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
loopback(int fd, int port, int bind_it)
{
	struct sockaddr_in	sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind_it)
		return bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	return connect(fd, (struct sockaddr *)&sin, sizeof(sin));
}

/* Copies what one side of a connection says to the other until either
 * hangs up or the relay is stopped. */
static void
pass_on(int a, int b)
{
	struct pollfd	pfd[2];
	char		buf[4096];
	ssize_t		n;
	int		i, from, to;

	pfd[0].fd = a;
	pfd[1].fd = b;
	while (!atomic_load(&rl.stop)) {
		pfd[0].events = pfd[1].events = POLLIN;
		if (poll(pfd, 2, 100) <= 0)
			continue;
		for (i = 0; i < 2; i++) {
			if (pfd[i].revents == 0)
				continue;
			from = i == 0 ? a : b;
			to = i == 0 ? b : a;
			if ((n = read(from, buf, sizeof(buf))) <= 0 ||
			    write(to, buf, (size_t)n) != n)
				return;
		}
	}
}

static void *
relay_main(void *arg)
{
	struct pollfd	 pfd;
	int		 fd, sfd;

	(void)arg;
	pfd.fd = rl.lfd;
	pfd.events = POLLIN;
	while (!atomic_load(&rl.stop)) {
		if (poll(&pfd, 1, 100) <= 0 ||
		    (fd = accept(rl.lfd, NULL, NULL)) == -1)
			continue;
		if (!atomic_load(&rl.up)) {
			pthread_mutex_lock(&rl.lock);
			if (rl.n < HANGUPS_MAX)
				rl.hangups[rl.n++] = now();
			pthread_mutex_unlock(&rl.lock);
			close(fd);
			continue;
		}
		if ((sfd = socket(AF_INET, SOCK_STREAM, 0)) != -1 &&
		    loopback(sfd, mailfix_imap_port(), 0) == 0)
			pass_on(fd, sfd);
		if (sfd != -1)
			close(sfd);
		close(fd);
	}
	return NULL;
}

static void
setup(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);

	mailfix_setup(&m, "mailthread");
	memset(&rl, 0, sizeof(rl));
	pthread_mutex_init(&rl.lock, NULL);
	atomic_init(&rl.up, 1);
	atomic_init(&rl.stop, 0);
	ck_assert_int_ne(rl.lfd = socket(AF_INET, SOCK_STREAM, 0), -1);
	ck_assert_int_eq(loopback(rl.lfd, 0, 1), 0);
	ck_assert_int_eq(listen(rl.lfd, 8), 0);
	ck_assert_int_eq(getsockname(rl.lfd, (struct sockaddr *)&sin, &len),
	    0);
	rl.port = ntohs(sin.sin_port);
	ck_assert_int_eq(pthread_create(&rl.thread, NULL, relay_main, NULL),
	    0);
	/* The brain is the process's settings, read by no thread yet: the
	 * server is the relay, and polling (were IDLE not used) would take
	 * half an hour. */
	m.cx.brain->cfg.imap_port = rl.port;
	m.cx.brain->cfg.imap_poll_seconds = 1740;
	mr = NULL;
}

static void
teardown(void)
{
	mailrun_stop(&mr);
	atomic_store(&rl.stop, 1);
	pthread_join(rl.thread, NULL);
	close(rl.lfd);
	pthread_mutex_destroy(&rl.lock);
	mailfix_teardown(&m);
}

static void
start(void)
{
	char	*err = NULL;

	ck_assert_msg(mailrun_start(&m.cx, &m.cx.brain->cfg, &mr, &err) == 0,
	    "%s", err);
	ck_assert_ptr_nonnull(mr);
}

/* Seconds until the letter with Message-ID id has been answered, waiting
 * up to limit; more than limit when it was not. */
static double
answered_within(const char *id, double limit)
{
	double	t0 = now();

	while (mailfix_answers(id) == 0 && now() - t0 <= limit)
		usleep(50000);
	return now() - t0;
}

/* Waits up to limit seconds for n connections hung up on. */
static int
hangups(int n, double limit)
{
	double	t0 = now();
	int	got;

	for (;;) {
		pthread_mutex_lock(&rl.lock);
		got = rl.n;
		pthread_mutex_unlock(&rl.lock);
		if (got >= n || now() - t0 > limit)
			return got;
		usleep(20000);
	}
}

/* Seconds mailrun_stop took. */
static double
stop_time(void)
{
	double	t0 = now();

	mailrun_stop(&mr);
	ck_assert_ptr_null(mr);
	return now() - t0;
}

START_TEST(test_idle_wakes_thread)
{
	char	first[128], second[128];
	double	t;

	mailfix_msgid(&m, first, sizeof(first), "first");
	mailfix_put(&m, "ivan@example.org", first, "Как восстановить пароль "
	    "от госуслуг?", 0);
	start();
	/* Connected, the folder swept: the first letter is answered. */
	ck_assert_double_le(answered_within(first, 20), 20);
	/* Now it waits for news in IDLE. */
	sleep(1);
	mailfix_msgid(&m, second, sizeof(second), "second");
	mailfix_put(&m, "olga@example.org", second, "Не могу войти на "
	    "госуслуги, забыла пароль.", 0);
	t = answered_within(second, 10);
	ck_assert_msg(t < 5, "the letter dropped while idling took %.1f s",
	    t);
	ck_assert_int_eq(mailfix_answers(first), 1);
	t = stop_time();
	ck_assert_msg(t < 2, "stopping an idling thread took %.1f s", t);
}
END_TEST

START_TEST(test_backoff_then_recovers)
{
	char	id[128];
	double	g[3], t;
	int	i;

	mailfix_msgid(&m, id, sizeof(id), "back");
	mailfix_put(&m, "anna@example.org", id, "Как восстановить пароль "
	    "от госуслуг?", 0);
	atomic_store(&rl.up, 0);
	start();
	/* Tries at about 0, 1, 3 and 7 s: the waits double. */
	ck_assert_int_eq(hangups(4, 20), 4);
	for (i = 0; i < 3; i++)
		g[i] = rl.hangups[i + 1] - rl.hangups[i];
	ck_assert_msg(g[0] >= 0.8 && g[1] >= 1.8 && g[2] >= 3.8 &&
	    g[2] < 6, "waits between tries: %.1f %.1f %.1f s", g[0], g[1],
	    g[2]);
	ck_assert_int_eq(mailfix_answers(id), 0);
	/* The server is back: the next try (8 s on) gets through and the
	 * letter waiting in the folder is answered. */
	atomic_store(&rl.up, 1);
	t = answered_within(id, 20);
	ck_assert_msg(t <= 20, "not answered once the server was back");
	ck_assert_int_eq(mailfix_answers(id), 1);
	t = stop_time();
	ck_assert_msg(t < 2, "stopping a connected thread took %.1f s", t);
}
END_TEST

START_TEST(test_stop_while_backing_off)
{
	double	t;

	atomic_store(&rl.up, 0);
	start();
	/* The third try failed: the thread now waits 4 s to try again. */
	ck_assert_int_eq(hangups(3, 10), 3);
	usleep(200000);
	t = stop_time();
	ck_assert_msg(t < 1.5, "stopping a thread waiting to reconnect took "
	    "%.1f s", t);
}
END_TEST

START_TEST(test_backoff_bounded)
{
	int	w = MAILRUN_BACKOFF_MIN, next, i;

	for (i = 0; i < 12; i++) {
		next = mailrun_backoff(w);
		ck_assert_int_eq(next, w * 2 < MAILRUN_BACKOFF_MAX ? w * 2 :
		    MAILRUN_BACKOFF_MAX);
		w = next;
	}
	ck_assert_int_eq(w, MAILRUN_BACKOFF_MAX);
}
END_TEST

Suite *
mailthread_suite(void)
{
	Suite	*s = suite_create("mailthread");
	TCase	*tc = tcase_create("thread");
	TCase	*tb = tcase_create("backoff");

	tcase_add_unchecked_fixture(tc, mailfix_servers_start,
	    mailfix_servers_stop);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_idle_wakes_thread);
	tcase_add_test(tc, test_backoff_then_recovers);
	tcase_add_test(tc, test_stop_while_backing_off);
	suite_add_tcase(s, tc);
	tcase_add_test(tb, test_backoff_bounded);
	suite_add_tcase(s, tb);
	return s;
}
