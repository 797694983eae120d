/*
 * Knowledge-base verbs for the editors' quality loop: `kb check` (every
 * rule an import applies, plus known topics and categories), `kb eval`
 * (which service article a labelled set gets), and `kb stale` (articles
 * whose facts were last checked too long ago).
 */
#include "agent/cli/cmd.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/core/agent.h"
#include "intents/classifier.h"
#include "intents/eval.h"
#include "kb/article.h"
#include "kb/check.h"
#include "kb/store.h"
#include "lib/limits.h"
#include "lib/lineio.h"
#include "lib/xmalloc.h"

/* The ids of a list loaded from a taxonomy-shaped file. */
static const char **
ids_of(const struct taxonomy *t)
{
	const char	**ids;
	size_t		  i;

	ids = xcalloc(t->n + 1, sizeof(*ids));
	for (i = 0; i < t->n; i++)
		ids[i] = t->items[i].id;
	return ids;
}

int
cmd_kb_check(const struct config *cfg, int argc, char **argv)
{
	struct agent		*a;
	struct taxonomy		 tax, top;
	struct kb_check_ids	 ids;
	char			*err = NULL, *path;
	const char		*dir;
	const char		**tids, **cids;
	size_t			 n;
	int			 rc = 1;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: hotline kb check [DIR]\n");
		return 2;
	}
	if (agent_open(cfg, &a, &err) == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
		return 1;
	}
	dir = argc == 1 ? argv[0] : a->articles_dir;
	path = xasprintf("%s/intents/topics.json", a->data_dir);
	if (taxonomy_load(a->taxonomy, &tax, &err) == -1 ||
	    taxonomy_load_topics(path, &top, &err) == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
		free(path);
		agent_close(&a);
		return 1;
	}
	free(path);
	tids = ids_of(&top);
	cids = ids_of(&tax);
	ids.topics = tids;
	ids.ntopics = top.n;
	ids.categories = cids;
	ids.ncategories = tax.n;
	if (kb_store_check(dir, &ids, stdout, &n, &err) == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	} else {
		printf("%s: %zu articles OK\n", dir, n);
		rc = 0;
	}
	free(tids);
	free(cids);
	taxonomy_clear(&tax);
	taxonomy_clear(&top);
	agent_close(&a);
	return rc;
}

/* Per topic: items with it as gold, answered with it, with another. */
struct topic_row {
	size_t	n;
	size_t	hit;
	size_t	wrong;
	size_t	none;		/* answered with a general article */
	size_t	other;		/* not answered */
};

int
cmd_kb_eval(const struct config *cfg, int argc, char **argv)
{
	struct agent		*a;
	const struct taxonomy	*top;
	struct topic_row	*rows;
	struct eval_confusion	*conf = NULL;
	struct verdict		 v;
	struct lineio		*in;
	FILE			*fp;
	json_t			*item;
	const char		*line, *text, *gold, *expect, **ids;
	size_t			 len, i, nconf = 0, all = 0, hit = 0;
	size_t			 answered = 0, wrong = 0;
	int			 toolong, g;

	if (argc != 1) {
		fprintf(stderr, "usage: hotline kb eval FILE.jsonl\n");
		return 2;
	}
	if ((fp = fopen(argv[0], "r")) == NULL) {
		perror(argv[0]);
		return 1;
	}
	if (cmd_open_classifier(cfg, &a) == -1) {
		fclose(fp);
		return 1;
	}
	top = classifier_topics(a->classifier);
	rows = xcalloc(top->n + 1, sizeof(*rows));
	in = lineio_new(fp, LIMIT_JSONL_LINE_BYTES);
	while (lineio_next(in, &line, &len, &toolong)) {
		if (toolong || (item = json_loadb(line, len, 0, NULL)) == NULL)
			continue;
		text = json_string_value(json_object_get(item, "text"));
		gold = json_string_value(json_object_get(item, "topic"));
		expect = json_string_value(json_object_get(item, "expect"));
		if (text == NULL || gold == NULL ||
		    (g = taxonomy_index(top, gold)) < 0 ||
		    (expect != NULL && strcmp(expect, "answer") != 0)) {
			json_decref(item);
			continue;
		}
		classify(a->ctx, text, strlen(text), &v);
		all++;
		rows[g].n++;
		if (v.action != ACTION_ANSWER)
			rows[g].other++;
		else {
			/* As eval/score counts it: the service of the article
			 * answered with, not one only recorded. */
			answered++;
			if (!verdict_answers_topic(&v))
				rows[g].none++;
			else if (v.topic_index == g) {
				rows[g].hit++;
				hit++;
			} else if (v.topic_index >= 0) {
				rows[g].wrong++;
				wrong++;
				eval_confusion_count(&conf, &nconf, g,
				    v.topic_index);
			} else
				rows[g].none++;
		}
		json_decref(item);
	}
	lineio_free(&in);
	fclose(fp);
	printf("%-28s %5s %5s %5s %5s %5s\n", "topic", "n", "hit", "wrong",
	    "gen", "other");
	for (i = 0; i < top->n; i++)
		if (rows[i].n > 0)
			printf("%-28s %5zu %5zu %5zu %5zu %5zu\n",
			    top->items[i].id, rows[i].n, rows[i].hit,
			    rows[i].wrong, rows[i].none, rows[i].other);
	ids = xcalloc(top->n + 1, sizeof(*ids));
	for (i = 0; i < top->n; i++)
		ids[i] = top->items[i].id;
	eval_confusions_print(conf, nconf, "worst confusions (asked about -> "
	    "answered with):", ids, stdout);
	free(ids);
	printf("\ntopic_hit=%.3f topic_wrong=%.3f n=%zu\n",
	    all ? (double)hit / (double)all : 0,
	    answered ? (double)wrong / (double)answered : 0, all);
	free(conf);
	free(rows);
	agent_close(&a);
	return 0;
}

struct stale {
	time_t	 before;
	size_t	 n;
};

/* YYYY-MM-DD as a time at midnight UTC, or -1. */
static time_t
date_time(const char *s)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday) != 3)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	return timegm(&tm);
}

static int
print_stale(const struct article *art, void *arg)
{
	struct stale	*s = arg;
	time_t		 t = date_time(art->reviewed);

	if (t == -1 || t < s->before) {
		printf("%s %s  reviewed %s  %s\n", art->id, art->lang,
		    art->reviewed[0] != '\0' ? art->reviewed : "never",
		    art->title);
		s->n++;
	}
	return 0;
}

int
cmd_kb_stale(const struct config *cfg, int argc, char **argv)
{
	struct agent	*a;
	char		*err = NULL, *end;
	long		 days = 180;
	int		 rc;
	struct stale	 s;

	if (argc == 2 && strcmp(argv[0], "--days") == 0) {
		days = strtol(argv[1], &end, 10);
		if (*end != '\0' || days < 0 || days > 36500) {
			fprintf(stderr, "hotline: --days: 0..36500\n");
			return 2;
		}
	} else if (argc != 0) {
		fprintf(stderr, "usage: hotline kb stale [--days N]\n");
		return 2;
	}
	if (agent_open(cfg, &a, &err) == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
		return 1;
	}
	s.before = time(NULL) - (time_t)days * 86400;
	s.n = 0;
	rc = kb_store_each(a->db, print_stale, &s, &err);
	if (rc == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	} else
		printf("%zu article(s) not reviewed in %ld days\n", s.n, days);
	agent_close(&a);
	return rc == -1 ? 1 : 0;
}
