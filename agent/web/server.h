/*
 * The web room's share of `hotline serve`: the process context of the
 * core (the brain, each thread's worker, whom to notify) and what only
 * HTTP needs beside it: the static files, the event hub, the rate limits,
 * the connection watch and the daemon.  The composition root
 * (agent/serve.c) fills it; the handlers read it through struct http_req.
 */
#ifndef AGENT_WEB_SERVER_H
#define AGENT_WEB_SERVER_H

#include <stdatomic.h>

#include "agent/core/context.h"

struct hub;
struct ratelimit;
struct watch;

struct server {
	struct context		*cx;		/* the core's */
	char			*www_dir;
	struct hub		*hub;
	struct ratelimit	*sessions;	/* new chats per address */
	struct ratelimit	*messages;	/* messages per chat */
	struct ratelimit	*conns;		/* connections per address */
	struct ratelimit	*uploads;	/* upload bytes per address
						   per day */
	struct watch		*watch;		/* deadlines, hang-ups */
	atomic_llong		 body_bytes;	/* JSON bodies in memory */
	atomic_int		 nconns;
	/* Limits of the brain in force, for code that holds no brain. */
	atomic_int		 max_connections;
	atomic_int		 per_ip_connections;
	void			*mhd;		/* struct MHD_Daemon */
	int			 port;		/* bound */
};

#endif
