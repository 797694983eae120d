/*
 * Opening the agent: paths, the state database and its tables, the first
 * import of the knowledge base, and the classifier.  A fresh checkout thus
 * answers questions with no set-up step.
 */
#include "agent/core/agent.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/core/paths.h"
#include "kb/store.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"

int
agent_open(const struct config *cfg, struct agent **agent_r,
    char **errstr_r)
{
	struct agent		*a;
	struct kb_import_stats	 st;
	int			 n;

	a = xcalloc(1, sizeof(*a));
	config_copy(&a->cfg, cfg);
	a->data_dir = paths_data_dir(cfg->data_dir);
	a->state_db = paths_state_db(cfg->state_db);
	a->articles_dir = xasprintf("%s/kb/articles", a->data_dir);
	a->defs_dir = xasprintf("%s/intents/defs", a->data_dir);
	a->taxonomy = xasprintf("%s/intents/taxonomy.json", a->data_dir);
	if (sqldb_open(a->state_db, &a->db, errstr_r) == -1 ||
	    kb_store_open(a->db, errstr_r) == -1 ||
	    request_schema(a->db, errstr_r) == -1)
		goto fail;
	if ((n = kb_store_count(a->db, errstr_r)) == -1)
		goto fail;
	if (n == 0 && kb_store_import(a->db, a->articles_dir, time(NULL),
	    stderr, &st, errstr_r) == -1)
		goto fail;
	*agent_r = a;
	return 0;
fail:
	agent_close(&a);
	return -1;
}

static void
print_err(void *arg, const char *msg)
{
	fprintf((FILE *)arg, "%s\n", msg);
}

int
agent_load_classifier(struct agent *a, FILE *errs)
{
	struct classifier_paths	 p;

	classify_ctx_free(&a->ctx);
	classifier_free(&a->classifier);
	p.taxonomy = a->taxonomy;
	p.defs = a->defs_dir;
	a->classifier = classifier_load(&p, a->db, &a->cfg.classifier,
	    print_err, errs);
	if (a->classifier == NULL)
		return -1;
	a->ctx = classify_ctx_new(a->classifier);
	return 0;
}

void
agent_close(struct agent **ap)
{
	struct agent	*a = *ap;

	if (a == NULL)
		return;
	classify_ctx_free(&a->ctx);
	classifier_free(&a->classifier);
	sqldb_close(&a->db);
	config_clear(&a->cfg);
	free(a->data_dir);
	free(a->state_db);
	free(a->articles_dir);
	free(a->defs_dir);
	free(a->taxonomy);
	free(a);
	*ap = NULL;
}
