/*
 * Knowledge-base verbs for content editors: import, history, search.
 */
#include "agent/cli/cmd.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/core/agent.h"
#include "kb/article.h"
#include "kb/search.h"
#include "kb/store.h"
#include "lib/xmalloc.h"

static int
open_plain(const struct config *cfg, struct agent **a_r)
{
	char	*err;

	if (agent_open(cfg, a_r, &err) == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
		return -1;
	}
	return 0;
}

int
cmd_kb_import(const struct config *cfg, int argc, char **argv)
{
	struct agent		*a;
	struct kb_import_stats	 st;
	const char		*dir;
	char			*err;
	int			 rc = 0;

	if (argc > 1) {
		fprintf(stderr, "usage: hotline kb import [DIR]\n");
		return 2;
	}
	if (open_plain(cfg, &a) == -1)
		return 1;
	dir = argc == 1 ? argv[0] : a->articles_dir;
	if (kb_store_import(a->db, dir, time(NULL), stderr, &st, &err) ==
	    -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
		rc = 1;
	} else
		printf("%s: %d added, %d changed, %d unchanged, %d removed\n",
		    dir, st.added, st.changed, st.unchanged, st.removed);
	agent_close(&a);
	return rc;
}

int
cmd_kb_history(const struct config *cfg, int argc, char **argv)
{
	struct agent	*a;
	char		*err;
	int		 rc;

	if (argc != 1) {
		fprintf(stderr, "usage: hotline kb history ID\n");
		return 2;
	}
	if (open_plain(cfg, &a) == -1)
		return 1;
	rc = kb_store_history(a->db, argv[0], stdout, &err);
	if (rc == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	} else if (rc == 0)
		fprintf(stderr, "hotline: no article \"%s\"\n", argv[0]);
	agent_close(&a);
	return rc == 1 ? 0 : 1;
}

/* Snippets span lines of Markdown; a result list reads better flat. */
static void
one_line(char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

int
cmd_kb_search(const struct config *cfg, int argc, char **argv)
{
	struct agent	*a;
	struct kb_hit	*hits;
	const char	*lang = NULL;
	char		*query, *t, *err;
	size_t		 n, i;
	int		 ch, k, rc = 0;

	optind = 1;
	while ((ch = getopt(argc + 1, argv - 1, "l:")) != -1) {
		if (ch != 'l') {
			fprintf(stderr, "usage: hotline kb search [-l ru|en] "
			    "QUERY\n");
			return 2;
		}
		lang = optarg;
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc < 1) {
		fprintf(stderr, "usage: hotline kb search [-l ru|en] QUERY\n");
		return 2;
	}
	query = xstrdup(argv[0]);
	for (k = 1; k < argc; k++) {
		t = xasprintf("%s %s", query, argv[k]);
		free(query);
		query = t;
	}
	if (open_plain(cfg, &a) == -1) {
		free(query);
		return 1;
	}
	if (kb_search(a->db, query, strlen(query), lang, 10, &hits, &n,
	    &err) == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
		rc = 1;
	} else {
		if (n == 0)
			printf("nothing found\n");
		for (i = 0; i < n; i++) {
			one_line(hits[i].snippet);
			printf("%2zu. %-28s %s %6.2f  %s\n    %s\n", i + 1,
			    hits[i].id, hits[i].lang, hits[i].score,
			    hits[i].title, hits[i].snippet);
		}
		kb_hits_free(hits, n);
	}
	free(query);
	agent_close(&a);
	return rc;
}

int
cmd_kb_show(const struct config *cfg, int argc, char **argv)
{
	struct agent	*a;
	struct article	*art = NULL;
	const char	*lang = "ru";
	char		*err = NULL;
	int		 rc;

	if (argc == 3 && strcmp(argv[1], "-l") == 0)
		lang = argv[2];
	else if (argc != 1) {
		fprintf(stderr, "usage: hotline kb show ID [-l ru|en]\n");
		return 2;
	}
	if (open_plain(cfg, &a) == -1)
		return 1;
	rc = kb_store_get(a->db, argv[0], lang, &art, &err);
	if (rc == 1) {
		printf("# %s\n\n%s\n", art->title, art->body);
		article_free(&art);
	} else if (rc == 0)
		fprintf(stderr, "hotline: no article \"%s\" in %s\n", argv[0],
		    lang);
	else {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	}
	agent_close(&a);
	return rc == 1 ? 0 : 1;
}
