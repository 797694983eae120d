/*
 * The mail suites' world: the real dovecot and msmtpd that the e2e tests
 * start (tests/e2e/mailservers.sh, sourced once per test case as an
 * unchecked fixture, so that they are stopped even when a test fails),
 * and per test a state database with the real categories and articles, a
 * process context whose settings point at those servers, and an IMAP
 * folder of the test's own, so that what other tests left is not in it.
 */
#ifndef TESTS_AGENT_MAILFIX_H
#define TESTS_AGENT_MAILFIX_H

#include <stddef.h>

#include "agent/core/context.h"
#include "tests/agent/fixture.h"

struct mailfix {
	struct fixture	 f;
	char		 folder[32];
	struct config	 cfg;	/* what the brain was made of */
	struct context	 cx;	/* the process's, brain loaded */
};

/* Starts and stops the servers (unchecked fixture functions). */
void	 mailfix_servers_start(void);
void	 mailfix_servers_stop(void);

/* The port dovecot listens on (loopback). */
int	 mailfix_imap_port(void);

/* Sets up m for a test (what names its directory), or tears it down. */
void	 mailfix_setup(struct mailfix *m, const char *what);
void	 mailfix_teardown(struct mailfix *m);

/* Appends a letter from from with Message-ID id and text to m's folder;
 * robot adds Auto-Submitted. */
void	 mailfix_put(const struct mailfix *m, const char *from,
	    const char *id, const char *text, int robot);

/* The letters the SMTP server accepted answering Message-ID id. */
int	 mailfix_answers(const char *id);

/* A Message-ID unique to m's test. */
void	 mailfix_msgid(const struct mailfix *m, char *buf, size_t sz,
	    const char *what);

#endif
