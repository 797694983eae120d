/*
 * The counters behind /metrics and their exposition.  Every name, label
 * and bucket is in a table here; docs/api.md lists the names.
 */
#include "agent/core/metrics.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/queue.h"
#include "lib/xmalloc.h"

static const char *const channels[] = { "chat", "email", "messenger", "cli" };
static const char *const actions[] = {
	"answer", "clarify", "handoff", "decline"
};
/* Upper bounds of the latency buckets, seconds: 50 us to 100 ms. */
static const double buckets[] = {
	0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
	0.1
};

#define NCHANNELS	(sizeof(channels) / sizeof(channels[0]))
#define NACTIONS	(sizeof(actions) / sizeof(actions[0]))
#define NBUCKETS	(sizeof(buckets) / sizeof(buckets[0]))

static atomic_uint_fast64_t	messages[NCHANNELS];
static atomic_uint_fast64_t	decisions[NACTIONS];
static atomic_uint_fast64_t	hist[NBUCKETS + 1];
/* Sum of observed latencies in nanoseconds. */
static atomic_uint_fast64_t	hist_sum_ns;

static size_t
find(const char *const *list, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return n;
}

void
metrics_message(const char *channel)
{
	size_t	i = find(channels, NCHANNELS, channel);

	if (i < NCHANNELS)
		atomic_fetch_add(&messages[i], 1);
}

void
metrics_decision(const char *action)
{
	size_t	i = find(actions, NACTIONS, action);

	if (i < NACTIONS)
		atomic_fetch_add(&decisions[i], 1);
}

void
metrics_classify(double seconds)
{
	size_t	i;

	for (i = 0; i < NBUCKETS && seconds > buckets[i]; i++)
		;
	atomic_fetch_add(&hist[i], 1);
	if (seconds > 0)
		atomic_fetch_add(&hist_sum_ns, (uint_fast64_t)(seconds * 1e9));
}

char *
metrics_render(sqlite3 *db, time_t now, char **errstr_r)
{
	FILE		*fp;
	char		*buf = NULL;
	size_t		 len = 0, i;
	uint64_t	 total = 0, handoffs, cum = 0;
	int64_t		 qlen, oldest, breaches;

	if (queue_stats(db, now, &qlen, &oldest, &breaches, errstr_r) == -1)
		return NULL;
	if ((fp = open_memstream(&buf, &len)) == NULL)
		abort();
	fprintf(fp, "# HELP hotline_messages_total Messages from citizens "
	    "by channel.\n# TYPE hotline_messages_total counter\n");
	for (i = 0; i < NCHANNELS; i++)
		fprintf(fp, "hotline_messages_total{channel=\"%s\"} %" PRIu64
		    "\n", channels[i], (uint64_t)atomic_load(&messages[i]));
	fprintf(fp, "# HELP hotline_decisions_total Decisions by action.\n"
	    "# TYPE hotline_decisions_total counter\n");
	for (i = 0; i < NACTIONS; i++) {
		total += atomic_load(&decisions[i]);
		fprintf(fp, "hotline_decisions_total{action=\"%s\"} %" PRIu64
		    "\n", actions[i], (uint64_t)atomic_load(&decisions[i]));
	}
	handoffs = atomic_load(&decisions[2]);
	fprintf(fp, "# HELP hotline_handoff_ratio Share of decisions that "
	    "handed off to a person.\n# TYPE hotline_handoff_ratio gauge\n"
	    "hotline_handoff_ratio %g\n", total > 0 ? (double)handoffs /
	    (double)total : 0.0);
	fprintf(fp, "# HELP hotline_queue_length Items waiting for an "
	    "operator.\n# TYPE hotline_queue_length gauge\n"
	    "hotline_queue_length %" PRId64 "\n", qlen);
	fprintf(fp, "# HELP hotline_queue_oldest_wait_seconds Wait of the "
	    "oldest waiting item.\n# TYPE hotline_queue_oldest_wait_seconds "
	    "gauge\nhotline_queue_oldest_wait_seconds %" PRId64 "\n", oldest);
	fprintf(fp, "# HELP hotline_sla_breaches_total Deadlines passed "
	    "(each escalated).\n# TYPE hotline_sla_breaches_total counter\n"
	    "hotline_sla_breaches_total %" PRId64 "\n", breaches);
	fprintf(fp, "# HELP hotline_classify_seconds Time to classify one "
	    "message.\n# TYPE hotline_classify_seconds histogram\n");
	for (i = 0; i < NBUCKETS; i++) {
		cum += atomic_load(&hist[i]);
		fprintf(fp, "hotline_classify_seconds_bucket{le=\"%g\"} %"
		    PRIu64 "\n", buckets[i], cum);
	}
	cum += atomic_load(&hist[NBUCKETS]);
	fprintf(fp, "hotline_classify_seconds_bucket{le=\"+Inf\"} %" PRIu64
	    "\nhotline_classify_seconds_sum %.9f\n"
	    "hotline_classify_seconds_count %" PRIu64 "\n", cum,
	    (double)atomic_load(&hist_sum_ns) / 1e9, cum);
	fclose(fp);
	return buf;
}
