/*
 * `hotline report` (the supervisor's figures of docs/dashboard.md, in a
 * terminal or as CSV) and `hotline kb feedback` (the articles citizens
 * found unhelpful, for editors).  Both read the state database the server
 * writes; they can run beside it.
 */
#include "agent/cli/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/core/dashboard.h"
#include "agent/core/feedback.h"
#include "agent/core/paths.h"
#include "agent/core/state.h"
#include "intents/taxonomy.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

static sqlite3 *
open_db(const struct config *cfg)
{
	sqlite3	*db;
	char	*path, *err = NULL;

	path = paths_state_db(cfg->state_db);
	if (state_open(path, &db, &err) == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
		db = NULL;
	}
	free(path);
	return db;
}

/* Reads a day argument; complains and returns -1 when it is none. */
static int
day(const char *opt, const char *s, time_t now, int64_t *day_r)
{
	if (s == NULL || dashboard_day(s, strlen(s), now, day_r) == -1) {
		fprintf(stderr, "hotline: %s takes a day, YYYY-MM-DD or "
		    "today\n", opt);
		return -1;
	}
	return 0;
}

/* The names of categories and services; a missing file names nothing. */
static void
load_names(const struct config *cfg, struct taxonomy *cats,
    struct taxonomy *topics)
{
	char	*data, *p, *err = NULL;

	data = paths_data_dir(cfg->data_dir);
	p = xasprintf("%s/intents/taxonomy.json", data);
	if (taxonomy_load(p, cats, &err) == -1) {
		free(err);
		err = NULL;
		memset(cats, 0, sizeof(*cats));
	}
	free(p);
	p = xasprintf("%s/intents/topics.json", data);
	if (taxonomy_load_topics(p, topics, &err) == -1) {
		free(err);
		memset(topics, 0, sizeof(*topics));
	}
	free(p);
	free(data);
}

int
cmd_report(const struct config *cfg, int argc, char **argv)
{
	struct taxonomy	 cats, topics;
	sqlite3		*db;
	json_t		*fig;
	time_t		 now = time(NULL);
	int64_t		 first, last;
	char		*err = NULL;
	int		 i, csv = 0;

	if (dashboard_day("today", 5, now, &first) == -1)
		return 1;
	last = first;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--csv") == 0)
			csv = 1;
		else if (strcmp(argv[i], "--from") == 0 ||
		    strcmp(argv[i], "--to") == 0) {
			if (day(argv[i], i + 1 < argc ? argv[i + 1] : NULL,
			    now, argv[i][2] == 'f' ? &first : &last) == -1)
				return 2;
			i++;
		} else {
			fprintf(stderr, "usage: hotline report [--from DAY] "
			    "[--to DAY] [--csv]\n");
			return 2;
		}
	}
	if ((db = open_db(cfg)) == NULL)
		return 1;
	load_names(cfg, &cats, &topics);
	fig = dashboard_figures(db, first, last, now, &cats, &topics, &err);
	if (fig == NULL) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	} else if (csv)
		dashboard_csv(fig, stdout);
	else
		dashboard_print(fig, stdout);
	json_decref(fig);
	taxonomy_clear(&cats);
	taxonomy_clear(&topics);
	sqldb_close(&db);
	return fig == NULL ? 1 : 0;
}

int
cmd_kb_feedback(const struct config *cfg, int argc, char **argv)
{
	sqlite3	*db;
	time_t	 now = time(NULL);
	int64_t	 since;
	char	*err = NULL;
	int	 rc;

	/* Without --since: the last 30 days. */
	if (dashboard_day("today", 5, now, &since) == -1)
		return 1;
	since -= 29;
	if (argc == 2 && strcmp(argv[0], "--since") == 0) {
		if (day("--since", argv[1], now, &since) == -1)
			return 2;
	} else if (argc != 0) {
		fprintf(stderr, "usage: hotline kb feedback [--since DAY]\n");
		return 2;
	}
	if ((db = open_db(cfg)) == NULL)
		return 1;
	rc = feedback_print(db, dashboard_day_start(since), now + 1,
	    FEEDBACK_TOP_MAX, stdout, &err);
	if (rc == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	}
	sqldb_close(&db);
	return rc == -1 ? 1 : 0;
}
