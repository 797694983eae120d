/*
 * Whom the core tells that something changed: a conversation has new
 * messages or a new state, the operators' queue moved.  The composition
 * root (agent/serve.c) points these at the web room's event hub; the CLI
 * leaves them empty.  The core and the channels call them after a commit,
 * never inside a transaction, so a woken reader finds the change.
 */
#ifndef AGENT_CORE_NOTIFY_H
#define AGENT_CORE_NOTIFY_H

#include <stdint.h>

struct notify {
	void	(*conv_changed)(void *arg, int64_t conv);
	void	(*queue_changed)(void *arg);
	void	*arg;
};

/* Tells n that conversation conv changed and, when queue is set, that the
 * queue did.  n or its callbacks may be NULL: nobody is told. */
void	notify_changed(const struct notify *n, int64_t conv, int queue);

#endif
