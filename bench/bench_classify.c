/*
 * Classifier benchmark: loads the categories and the knowledge base, then
 * classifies a set of messages (JSON Lines with "text") over and over on
 * one thread, and prints messages per second, p50 and p99 latency per
 * message, load time and peak memory.  A benchmark, not a test: it prints
 * figures and asserts nothing.
 *
 *	bench/bench_classify [-n rounds] [-s statedb] FILE.jsonl...
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "agent/core/agent.h"
#include "lib/xmalloc.h"

static double
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* User and system CPU time of ru, in microseconds. */
static double
cpu_us(const struct rusage *ru)
{
	return (double)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1e6 +
	    (double)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec);
}

/* A line of /proc/self/status ("VmRSS", "VmHWM") in MB; -1: unknown. */
static double
status_mb(const char *key)
{
	FILE	*fp;
	char	 line[256];
	size_t	 klen = strlen(key);
	double	 kb = -1;

	if ((fp = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			kb = atof(line + klen + 1);
			break;
		}
	fclose(fp);
	return kb < 0 ? -1 : kb / 1024;
}

int
main(int argc, char **argv)
{
	struct config	 cfg;
	struct agent	*a;
	struct verdict	 v;
	json_error_t	 jerr;
	json_t		*item;
	FILE		*fp;
	char		*line = NULL, **texts = NULL, *err;
	size_t		 cap = 0, n = 0, i, k, total;
	ssize_t		 len;
	double		 t0, t1, load_ms, *lat, start, rss_load, hwm_load,
			 cpu0;
	struct rusage	 ru;
	int		 ch, rounds = 200;

	config_defaults(&cfg);
	while ((ch = getopt(argc, argv, "c:n:s:")) != -1) {
		switch (ch) {
		case 'c':
			/* Settings to weigh, e.g. "spelling 0". */
			if (config_load(optarg, &cfg, &err) == -1) {
				fprintf(stderr, "bench_classify: %s\n", err);
				return 2;
			}
			break;
		case 'n':
			rounds = atoi(optarg) > 0 ? atoi(optarg) : 1;
			break;
		case 's':
			cfg.state_db = xstrdup(optarg);
			break;
		default:
			fprintf(stderr, "usage: bench_classify [-c config] "
			    "[-n rounds] [-s statedb] FILE.jsonl...\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "bench_classify: need FILE.jsonl\n");
		return 2;
	}
	/* Several files: the figures are over all their messages. */
	for (; optind < argc; optind++) {
		if ((fp = fopen(argv[optind], "r")) == NULL) {
			fprintf(stderr, "bench_classify: cannot read %s\n",
			    argv[optind]);
			return 2;
		}
		while ((len = getline(&line, &cap, fp)) > 0) {
			item = json_loadb(line, (size_t)len, 0, &jerr);
			if (json_is_string(json_object_get(item, "text"))) {
				texts = xreallocarray(texts, n + 1,
				    sizeof(*texts));
				texts[n++] = xstrdup(json_string_value(
				    json_object_get(item, "text")));
			}
			json_decref(item);
		}
		fclose(fp);
	}
	free(line);
	if (n == 0) {
		fprintf(stderr, "bench_classify: no messages\n");
		return 1;
	}

	t0 = now_us();
	if (agent_open(&cfg, &a, &err) == -1 ||
	    agent_load_classifier(a, stderr) == -1) {
		fprintf(stderr, "bench_classify: cannot load\n");
		return 1;
	}
	t1 = now_us();
	load_ms = (t1 - t0) / 1000;
	/* Where the peak comes from: the load's transients or what stays. */
	rss_load = status_mb("VmRSS");
	hwm_load = status_mb("VmHWM");

	/* Warm up caches once, then measure. */
	for (i = 0; i < n; i++)
		classify(a->ctx, texts[i], strlen(texts[i]), &v);
	total = n * (size_t)rounds;
	lat = xcalloc(total, sizeof(*lat));
	getrusage(RUSAGE_SELF, &ru);
	cpu0 = cpu_us(&ru);
	start = now_us();
	for (k = 0; k < (size_t)rounds; k++) {
		for (i = 0; i < n; i++) {
			t0 = now_us();
			classify(a->ctx, texts[i], strlen(texts[i]), &v);
			lat[k * n + i] = now_us() - t0;
		}
	}
	t1 = now_us();
	getrusage(RUSAGE_SELF, &ru);
	qsort(lat, total, sizeof(*lat), cmp_double);
	printf("messages:        %zu x %d rounds = %zu\n", n, rounds, total);
	printf("throughput:      %.0f messages/s (one thread)\n",
	    (double)total / ((t1 - start) / 1e6));
	/* On cores shared with other work, wall-clock throughput is the
	 * machine's; the process's own CPU time moves much less. */
	printf("cpu per message: %.1f us (user + system; %.0f messages/s "
	    "of CPU)\n", (cpu_us(&ru) - cpu0) / (double)total,
	    (double)total / ((cpu_us(&ru) - cpu0) / 1e6));
	printf("latency p50:     %.1f us\n", lat[total / 2]);
	printf("latency p99:     %.1f us\n", lat[total * 99 / 100]);
	printf("latency max:     %.1f us\n", lat[total - 1]);
	printf("load:            %.1f ms (%zu patterns, %zu documents)\n",
	    load_ms, classifier_patterns(a->classifier),
	    classifier_documents(a->classifier));
	printf("peak memory:     %.1f MB (max RSS)\n",
	    (double)ru.ru_maxrss / 1024);
	printf("after load:      %.1f MB resident, %.1f MB peak so far\n",
	    rss_load, hwm_load);
	printf("after the runs:  %.1f MB resident\n", status_mb("VmRSS"));
	free(lat);
	for (i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
	agent_close(&a);
	config_clear(&cfg);
	return 0;
}
