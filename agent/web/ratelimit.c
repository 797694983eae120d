/*
 * A chained hash table of counters behind one mutex.  Keys are short
 * (addresses, numbers); an entry whose window has passed and that holds
 * no open count is dropped on the next sweep, which runs every SWEEP_EVERY
 * insertions, so the table stays as large as the traffic of a minute.
 */
#include "agent/web/ratelimit.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xmalloc.h"

#define NBUCKETS	4096
#define KEY_MAX		64
#define SWEEP_EVERY	4096

struct entry {
	struct entry	*next;
	char		 key[KEY_MAX];
	time_t		 start;		/* of the window */
	int64_t		 count;		/* events (or bytes) in the window */
	int		 open;		/* ratelimit_add */
};

struct ratelimit {
	pthread_mutex_t	 lock;
	int		 window;
	unsigned	 inserts;
	struct entry	*buckets[NBUCKETS];
};

struct ratelimit *
ratelimit_new(int window)
{
	struct ratelimit	*r;

	r = xcalloc(1, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->window = window;
	return r;
}

void
ratelimit_free(struct ratelimit **rp)
{
	struct ratelimit	*r = *rp;
	struct entry		*e, *next;
	size_t			 i;

	if (r == NULL)
		return;
	for (i = 0; i < NBUCKETS; i++)
		for (e = r->buckets[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	pthread_mutex_destroy(&r->lock);
	free(r);
	*rp = NULL;
}

/* FNV-1a. */
static size_t
bucket(const char *key)
{
	uint32_t	h = 2166136261u;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h % NBUCKETS;
}

static void
sweep(struct ratelimit *r, time_t now)
{
	struct entry	**ep, *e;
	size_t		  i;

	for (i = 0; i < NBUCKETS; i++) {
		ep = &r->buckets[i];
		while ((e = *ep) != NULL) {
			if (e->open <= 0 && now - e->start >= r->window) {
				*ep = e->next;
				free(e);
			} else
				ep = &e->next;
		}
	}
}

/* The entry of key, made when missing; r->lock held. */
static struct entry *
lookup(struct ratelimit *r, const char *key, time_t now)
{
	struct entry	*e;
	size_t		 b = bucket(key);

	for (e = r->buckets[b]; e != NULL; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e;
	if (++r->inserts % SWEEP_EVERY == 0)
		sweep(r, now);
	e = xcalloc(1, sizeof(*e));
	snprintf(e->key, sizeof(e->key), "%s", key);
	e->start = now;
	e->next = r->buckets[b];
	r->buckets[b] = e;
	return e;
}

int
ratelimit_take(struct ratelimit *r, const char *key, int64_t amount,
    int64_t limit, time_t now)
{
	struct entry	*e;
	int		 wait = 0;

	pthread_mutex_lock(&r->lock);
	e = lookup(r, key, now);
	if (now - e->start >= r->window) {
		e->start = now;
		e->count = 0;
	}
	if (e->count + amount > limit) {
		wait = (int)(e->start + r->window - now);
		if (wait < 1)
			wait = 1;
	} else
		e->count += amount;
	pthread_mutex_unlock(&r->lock);
	return wait;
}

int
ratelimit_hit(struct ratelimit *r, const char *key, int limit, time_t now)
{
	return ratelimit_take(r, key, 1, limit, now);
}

void
ratelimit_give(struct ratelimit *r, const char *key, int64_t amount,
    time_t now)
{
	struct entry	*e;

	pthread_mutex_lock(&r->lock);
	e = lookup(r, key, now);
	e->count -= amount;
	if (e->count < 0)
		e->count = 0;
	pthread_mutex_unlock(&r->lock);
}

int
ratelimit_add(struct ratelimit *r, const char *key, int delta)
{
	struct entry	*e;
	int		 n;

	pthread_mutex_lock(&r->lock);
	e = lookup(r, key, time(NULL));
	e->open += delta;
	if (e->open < 0)
		e->open = 0;
	n = e->open;
	pthread_mutex_unlock(&r->lock);
	return n;
}
