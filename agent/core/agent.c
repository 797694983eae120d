/*
 * Opening the agent: paths, the state database and its tables, the first
 * import of the knowledge base, and the classifier.  A fresh checkout thus
 * answers questions with no set-up step.
 */
#include "agent/core/agent.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/core/conv.h"
#include "agent/core/paths.h"
#include "agent/core/phrases.h"
#include "agent/core/state.h"
#include "agent/core/stmt.h"
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
	a->model_cache = paths_model_cache(a->state_db);
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
	char			*dir;
	int			 rc;

	classify_ctx_free(&a->ctx);
	classifier_free(&a->classifier);
	p.taxonomy = a->taxonomy;
	p.defs = a->defs_dir;
	p.model_cache = a->model_cache;
	a->classifier = classifier_load(&p, a->db, &a->cfg.classifier,
	    print_err, errs);
	if (a->classifier == NULL)
		return -1;
	/* What the bot says comes with what it knows. */
	dir = xasprintf("%s/" PHRASES_DIR, a->data_dir);
	rc = phrases_load(dir, errs);
	free(dir);
	if (rc == -1) {
		classifier_free(&a->classifier);
		return -1;
	}
	a->ctx = classify_ctx_new(a->classifier);
	return 0;
}

/* The bot's answer among the messages of a turn: the last one it wrote. */
static char *
bot_text(json_t *msgs)
{
	const char	*from, *text = NULL;
	json_t		*m;
	size_t		 i;

	json_array_foreach(msgs, i, m) {
		from = json_string_value(json_object_get(m, "from"));
		if (from != NULL && strcmp(from, "bot") == 0)
			text = json_string_value(json_object_get(m, "text"));
	}
	return xstrdup(text != NULL ? text : "");
}

int
agent_ask(struct agent *a, const char *text, size_t len, char **answer_r,
    char **errstr_r)
{
	struct sla_holidays	 h;
	struct conv_env		 env;
	struct conv_result	 res;
	struct conv_info	 ci;
	const char		*why;
	char			 token[TOKEN_MAX];
	int64_t			 id;

	*answer_r = NULL;
	/* The whole state (conversations, the queue, the journal's key),
	 * on a connection of its own beside the classifier's. */
	if (a->state == NULL && state_open(a->state_db, &a->state,
	    errstr_r) == -1)
		return -1;
	memset(&env, 0, sizeof(env));
	env.db = a->state;
	env.cl = a->classifier;
	env.ctx = a->ctx;
	env.now = time(NULL);
	if (a->cfg.holidays != NULL && sla_holidays_parse(a->cfg.holidays,
	    strlen(a->cfg.holidays), &h, &why) == 0)
		env.holidays = &h;
	if (a->conv > 0 && conv_info(a->state, a->conv, &ci, errstr_r) == 1 &&
	    !conv_with_person(ci.state) && ci.state != CONV_CLOSED)
		id = a->conv;
	else if (conv_create(a->state, "cli", "ru", env.now, token, &id,
	    errstr_r) == -1)
		return -1;
	a->conv = id;
	if (conv_message(&env, id, text, len, &res, errstr_r) == -1)
		return -1;
	*answer_r = bot_text(res.messages);
	json_decref(res.messages);
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
	stmt_forget(a->state);
	sqldb_close(&a->state);
	sqldb_close(&a->db);
	config_clear(&a->cfg);
	free(a->data_dir);
	free(a->state_db);
	free(a->model_cache);
	free(a->articles_dir);
	free(a->defs_dir);
	free(a->taxonomy);
	free(a);
	*ap = NULL;
}
