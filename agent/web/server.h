/*
 * `hotline serve`: the web channel's process.  What its threads share is
 * the server (paths, the event hub, rate limits) and the brain: the
 * configuration and the loaded classifier, immutable, replaced whole on
 * SIGHUP and freed by reference counting when the last request using the
 * old one ends.  Each thread keeps its own worker: a database connection
 * and a classification context for the brain it last used.
 */
#ifndef AGENT_SERVE_H
#define AGENT_SERVE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "agent/config.h"
#include "agent/peer.h"
#include "agent/sla.h"
#include "intents/classifier.h"

/* Upper bounds of what one request may send (docs/api.md). */
#define SERVE_BODY_MAX		(64 * 1024)	/* a JSON body */
#define SERVE_JSON_DEPTH	16		/* nesting of a JSON body */
#define SERVE_UPLOAD_MAX	(10 * 1024 * 1024)	/* one attachment */
#define SERVE_UPLOADS_MAX	10		/* attachments per chat */
/* Memory of one connection for its headers and buffers: an idle event
 * stream's main cost, and plenty for a browser's request headers (bodies
 * pass through in pieces).  It also bounds all the headers of a request. */
#define SERVE_CONNECTION_MEMORY	(8 * 1024)
/* JSON bodies held in memory at once, all connections together: 512 of
 * the largest, while uploads go to files. */
#define SERVE_BODIES_MEMORY	(32 * 1024 * 1024)
/* A bearer token for /metrics: shorter is guessable. */
#define SERVE_TOKEN_MIN		16

struct hub;
struct ratelimit;
struct watch;

struct brain {
	atomic_int			 refs;
	struct config			 cfg;
	struct classifier		*cl;
	struct sla_holidays		 holidays;
	struct peer_list		 proxies;	/* trusted_proxies */
	int				 proxy_forwarded; /* they write
							    Forwarded */
	char				*metrics_token;	/* metrics_access
							   token */
};

struct server {
	char			*state_db;
	char			*data_dir;
	char			*www_dir;
	char			*attach_dir;
	pthread_mutex_t		 brain_lock;
	struct brain		*brain;		/* current; brain_lock */
	pthread_key_t		 worker_key;
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

/* One thread's connection to the state and to the brain. */
struct worker {
	struct server		*srv;
	sqlite3			*db;
	struct brain		*brain;		/* a held reference */
	struct classify_ctx	*ctx;
};

/*
 * The calling thread's worker, made on first use and brought up to the
 * current brain.  Returns NULL when the state database cannot be opened.
 */
struct worker	*serve_worker(struct server *);

/* Where attachments are kept for the state database at state_db:
 * <its directory>/attachments.  Returns an allocated path. */
char		*serve_attach_dir(const char *state_db);

#endif
