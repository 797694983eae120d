/*
 * The running process's context, shared by its threads (HTTP workers, the
 * mail channel's IMAP and SMTP threads): where the state lives, the brain
 * in force, and whom to tell of a change.  The brain is the configuration
 * and the loaded classifier, immutable, replaced whole on SIGHUP and freed
 * by reference counting when the last thread using the old one lets go.
 * Each thread keeps its own worker: a database connection and a
 * classification context for the brain it last used.  No room's type
 * appears here: the web room wraps a context in its struct server, the
 * mail room takes one as it is.
 */
#ifndef AGENT_CORE_CONTEXT_H
#define AGENT_CORE_CONTEXT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include <sqlite3.h>

#include "agent/core/config.h"
#include "agent/core/notify.h"
#include "agent/core/sla.h"
#include "agent/core/wal.h"
#include "agent/core/writer.h"
#include "intents/classifier.h"
#include "lib/peer.h"

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

struct context {
	char			*state_db;
	char			*data_dir;
	char			*attach_dir;
	pthread_mutex_t		 brain_lock;
	struct brain		*brain;		/* current; brain_lock */
	pthread_key_t		 worker_key;
	struct notify		 notify;
	struct wal_keeper	*wal;		/* NULL: no one checkpoints */
	struct writer		*writer;	/* NULL: each thread commits
						   its own chat turns */
};

/* One thread's connection to the state and to the brain. */
struct worker {
	struct context		*cx;
	sqlite3			*db;
	struct brain		*brain;		/* a held reference */
	struct classify_ctx	*ctx;
};

/*
 * Sets up cx for the state database and data directory of cfg (paths
 * resolved, attachments beside the database), with no brain yet and
 * nobody to notify.  Release with context_clear().
 */
void	 context_init(struct context *cx, const struct config *cfg);
void	 context_clear(struct context *cx);

/*
 * A brain for cfg with its holidays parsed and no classifier yet, holding
 * one reference: brain_load adds the rest, and `hotline mail fetch` puts
 * in the classifier it has loaded itself (b->cl, freed with the brain).
 * Returns NULL after saying why on errs.
 */
struct brain	*brain_new(const struct config *cfg, FILE *errs);

/*
 * Loads a brain for cfg from the articles in db and the category files
 * under data_dir; each problem goes to errs.  Returns a brain holding one
 * reference, or NULL.
 */
struct brain	*brain_load(const struct config *cfg, sqlite3 *db,
		    const char *data_dir, FILE *errs);

/* Drops a reference to b (NULL is fine); the last one frees it. */
void		 brain_put(struct brain *b);

/*
 * Makes b the brain in force and drops the reference to the old one.
 * Threads move to b at their next context_worker().
 */
void		 context_swap(struct context *cx, struct brain *b);

/*
 * The calling thread's worker, made on first use and brought up to the
 * current brain.  Returns NULL when the state database cannot be opened.
 */
struct worker	*context_worker(struct context *cx);

/* Where attachments are kept for the state database at state_db:
 * <its directory>/attachments.  Returns an allocated path. */
char		*context_attach_dir(const char *state_db);

#endif
