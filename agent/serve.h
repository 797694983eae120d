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
#include "agent/sla.h"
#include "intents/classifier.h"

/* Upper bounds of what one request may send (docs/api.md). */
#define SERVE_BODY_MAX		(64 * 1024)	/* a JSON body */
#define SERVE_JSON_DEPTH	16		/* nesting of a JSON body */
#define SERVE_UPLOAD_MAX	(10 * 1024 * 1024)	/* one attachment */
#define SERVE_UPLOADS_MAX	10		/* attachments per chat */

struct hub;
struct ratelimit;

struct brain {
	atomic_int			 refs;
	struct config			 cfg;
	struct classifier		*cl;
	struct sla_holidays		 holidays;
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
