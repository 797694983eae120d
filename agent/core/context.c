/*
 * The process context: the brain loaded and swapped whole, each thread's
 * worker made on first use and moved to a new brain when one is in force.
 * A brain also carries the settings that need more than a look at one
 * value (trusted proxies parsed, the /metrics token read), so that a bad
 * one fails the reload instead of a request.
 */
#include "agent/core/context.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "agent/core/limits.h"
#include "agent/core/paths.h"
#include "agent/core/state.h"
#include "agent/core/stmt.h"
#include "lib/files.h"
#include "lib/log.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

/* Bytes of the state database a request thread maps. */
#define STATE_MMAP_BYTES	"268435456"

static void
print_err(void *arg, const char *msg)
{
	fprintf((FILE *)arg, "%s\n", msg);
	log_msg(LOG_WARN, "%s", msg);
}

void
brain_put(struct brain *b)
{
	if (b == NULL || atomic_fetch_sub(&b->refs, 1) != 1)
		return;
	classifier_free(&b->cl);
	config_clear(&b->cfg);
	if (b->metrics_token != NULL)
		sodium_memzero(b->metrics_token, strlen(b->metrics_token));
	free(b->metrics_token);
	free(b);
}

/* The server's settings that need more than a look at one value: the
 * trusted proxies parsed, the /metrics token read.  Returns 0, or -1 after
 * saying why on errs. */
static int
brain_http(struct brain *b, const struct config *cfg, FILE *errs)
{
	const char	*why = NULL, *p = cfg->trusted_proxies;
	char		*buf, *err = NULL;
	size_t		 len;

	if (peer_list_parse(p != NULL ? p : "", p != NULL ? strlen(p) : 0,
	    &b->proxies, &why) == -1) {
		fprintf(errs, "trusted_proxies: %s\n", why);
		return -1;
	}
	b->proxy_forwarded = config_proxy_forwarded(cfg->proxy_header);
	if (config_metrics(cfg->metrics_access) != CONFIG_METRICS_TOKEN)
		return 0;
	if (cfg->metrics_token_file == NULL) {
		fprintf(errs, "metrics_access token needs "
		    "metrics_token_file\n");
		return -1;
	}
	if (files_read(cfg->metrics_token_file, LIMIT_TOKEN_FILE_BYTES, &buf,
	    &len, &err) == -1) {
		fprintf(errs, "metrics_token_file: %s\n", err);
		free(err);
		return -1;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	if (strlen(buf) < LIMIT_METRICS_TOKEN_MIN_CHARS) {
		fprintf(errs, "metrics_token_file: the token's first line has "
		    "fewer than %d characters\n",
		    LIMIT_METRICS_TOKEN_MIN_CHARS);
		free(buf);
		return -1;
	}
	b->metrics_token = buf;
	return 0;
}

struct brain *
brain_new(const struct config *cfg, FILE *errs)
{
	struct brain	*b;
	const char	*why;

	b = xcalloc(1, sizeof(*b));
	atomic_init(&b->refs, 1);
	config_copy(&b->cfg, cfg);
	if (cfg->holidays != NULL && sla_holidays_parse(cfg->holidays,
	    strlen(cfg->holidays), &b->holidays, &why) == -1) {
		fprintf(errs, "holidays: %s\n", why);
		brain_put(b);
		return NULL;
	}
	return b;
}

struct brain *
brain_load(const struct config *cfg, sqlite3 *db, const char *data_dir,
    FILE *errs)
{
	struct classifier_paths	 p;
	struct brain		*b;
	char			*tax, *defs, *state, *cache;

	if ((b = brain_new(cfg, errs)) == NULL)
		return NULL;
	if (brain_http(b, cfg, errs) == -1) {
		brain_put(b);
		return NULL;
	}
	tax = xasprintf("%s/intents/taxonomy.json", data_dir);
	defs = xasprintf("%s/intents/defs", data_dir);
	state = paths_state_db(cfg->state_db);
	cache = paths_model_cache(state);
	p.taxonomy = tax;
	p.defs = defs;
	p.model_cache = cache;
	b->cl = classifier_load(&p, db, &cfg->classifier, print_err, errs);
	free(tax);
	free(defs);
	free(state);
	free(cache);
	if (b->cl == NULL) {
		brain_put(b);
		return NULL;
	}
	return b;
}

static void
worker_free(void *arg)
{
	struct worker	*w = arg;

	classify_ctx_free(&w->ctx);
	brain_put(w->brain);
	stmt_forget(w->db);
	sqldb_close(&w->db);
	free(w);
}

void
context_init(struct context *cx, const struct config *cfg)
{
	memset(cx, 0, sizeof(*cx));
	pthread_mutex_init(&cx->brain_lock, NULL);
	pthread_key_create(&cx->worker_key, worker_free);
	cx->data_dir = paths_data_dir(cfg->data_dir);
	cx->state_db = paths_state_db(cfg->state_db);
	cx->attach_dir = context_attach_dir(cx->state_db);
}

void
context_clear(struct context *cx)
{
	brain_put(cx->brain);
	cx->brain = NULL;
	pthread_key_delete(cx->worker_key);
	pthread_mutex_destroy(&cx->brain_lock);
	free(cx->data_dir);
	free(cx->state_db);
	free(cx->attach_dir);
	cx->data_dir = cx->state_db = cx->attach_dir = NULL;
}

void
context_swap(struct context *cx, struct brain *b)
{
	struct brain	*old;

	pthread_mutex_lock(&cx->brain_lock);
	old = cx->brain;
	cx->brain = b;
	pthread_mutex_unlock(&cx->brain_lock);
	brain_put(old);
}

struct worker *
context_worker(struct context *cx)
{
	struct worker	*w;
	struct brain	*b;
	char		*err = NULL;

	if ((w = pthread_getspecific(cx->worker_key)) == NULL) {
		w = xcalloc(1, sizeof(*w));
		w->cx = cx;
		if (state_open(cx->state_db, &w->db, &err) == -1) {
			log_msg(LOG_ERROR, "%s", err);
			free(err);
			sqldb_close(&w->db);
			free(w);
			return NULL;
		}
		/* Checkpoints (and their fsync) are the keeper's job,
		 * never a request's (wal.h). */
		wal_keeper_watch(cx->wal, w->db);
		/* Every commit of another connection empties this one's
		 * page cache: read the database through a mapping instead
		 * of a pread and a copy per page (WAL frames are read
		 * still). */
		sqlite3_exec(w->db, "PRAGMA mmap_size=" STATE_MMAP_BYTES, NULL,
		    NULL, NULL);
		pthread_setspecific(cx->worker_key, w);
	}
	pthread_mutex_lock(&cx->brain_lock);
	b = cx->brain;
	if (b != w->brain)
		atomic_fetch_add(&b->refs, 1);
	pthread_mutex_unlock(&cx->brain_lock);
	if (b != w->brain) {
		classify_ctx_free(&w->ctx);
		brain_put(w->brain);
		w->brain = b;
		w->ctx = classify_ctx_new(b->cl);
	}
	return w;
}

char *
context_attach_dir(const char *state_db)
{
	const char	*slash = strrchr(state_db, '/');

	if (slash == NULL)
		return xstrdup("attachments");
	return xasprintf("%.*s/attachments", (int)(slash - state_db),
	    state_db);
}
