/*
 * Loading the classifier: the taxonomy, the category files, the knowledge
 * base's articles as evidence and service documents, the calibration and
 * the aspect and person lists beside the taxonomy; the learned opinions
 * trained (or read from their cache) on a thread of their own while the
 * main thread compiles the rules and builds the categories' index, and
 * the speller's dictionary read on a third.  A load that meets any error
 * returns NULL, having said every error it met.
 */
#include "intents/classifier.h"

#include <math.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intents/aspect.h"
#include "intents/classifier_impl.h"
#include "intents/editform.h"
#include "intents/evidence.h"
#include "intents/model.h"
#include "intents/modelcache.h"
#include "intents/rules.h"
#include "intents/topic.h"
#include "kb/article.h"
#include "kb/store.h"
#include "lib/files.h"
#include "lib/limits.h"
#include "lib/xmalloc.h"

struct load {
	def_error_fn	 err;
	void		*arg;
	size_t		 nerr;
};

static void __attribute__((format(printf, 2, 3)))
lerr(struct load *l, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	va_end(ap);
	if (l->err != NULL)
		l->err(l->arg, msg);
	free(msg);
	l->nerr++;
}

static void
count_err(void *arg, const char *msg)
{
	struct load	*l = arg;

	if (l->err != NULL)
		l->err(l->arg, msg);
	l->nerr++;
}

static int
read_defs(struct classifier *c, const char *dir, struct load *l)
{
	char	**paths, *buf, *err;
	size_t	  n, i, len;

	if (files_list(dir, ".intent", &paths, &n, &err) == -1) {
		lerr(l, "%s", err);
		free(err);
		return -1;
	}
	if (n == 0)
		lerr(l, "%s: no *.intent files", dir);
	for (i = 0; i < n; i++) {
		if (files_read(paths[i], LIMIT_EDITOR_FILE_BYTES, &buf, &len,
		    &err) == -1) {
			lerr(l, "%s", err);
			free(err);
			continue;
		}
		deffile_parse(paths[i], buf, len, &c->defs, count_err, l);
		free(buf);
	}
	files_list_free(paths, n);
	return 0;
}

struct article_walk {
	struct classifier	*c;
	struct load		*l;
	char			**ids;
	size_t			  nids;
};

static int
add_article(const struct article *a, void *arg)
{
	struct article_walk	*w = arg;
	struct classifier	*c = w->c;
	char			*text;
	size_t			 i;

	const char		*why;

	w->ids = xgrow(w->ids, w->nids, sizeof(*w->ids));
	w->ids[w->nids++] = xstrdup(a->id);
	/* A service article answers a service, whatever kind of request
	 * it is: it is evidence for the topic, not for a category. */
	if (article_is_service(a)) {
		if (topic_index_add(c->ti, a, &why) == -1)
			lerr(w->l, "article %s (%s): topics: %s", a->id,
			    a->lang, why);
		return 0;
	}
	text = xasprintf("%s\n%s\n%s", a->title, a->tags, a->summary);
	for (i = 0; i < c->ncats; i++)
		if (article_has_category(a, c->cats[i].id))
			evidence_add(c->ev, i, EVIDENCE_ARTICLE, text);
	free(text);
	return 0;
}

static int
has_id(char **ids, size_t n, const char *id)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return 1;
	return 0;
}

/* Ties the definitions to the taxonomy and the articles. */
static void
link_defs(struct classifier *c, struct article_walk *w, int *map,
    struct load *l)
{
	struct def_intent	*d;
	struct category		*cat;
	enum action		 a;
	size_t			 i;
	int			 t;

	for (i = 0; i < c->defs.n; i++) {
		d = &c->defs.intents[i];
		map[i] = t = taxonomy_index(&c->tax, d->id);
		if (t < 0) {
			lerr(l, "%s:%zu: unknown category \"%s\" (not in the "
			    "taxonomy)", d->file, d->line, d->id);
			continue;
		}
		cat = &c->cats[t];
		cat->def = (int)i;
		if (d->action != NULL && action_parse(d->action, &a) == 0)
			cat->action = a;
		if (d->register_request >= 0)
			cat->register_request = d->register_request;
		cat->weak = d->weak;
		cat->services = d->services;
		cat->lead_section = d->lead_section;
		cat->lead_far = d->lead_far;
		if (d->article == NULL)
			lerr(l, "%s:%zu: \"%s\" has no article", d->file,
			    d->line, d->id);
		else if (!has_id(w->ids, w->nids, d->article))
			lerr(l, "%s:%zu: unknown article \"%s\"", d->file,
			    d->article_line, d->article);
		else
			cat->article = d->article;
	}
	for (i = 0; i < c->ncats; i++)
		if (c->cats[i].def < 0)
			lerr(l, "category \"%s\" has no definition in "
			    "intents/defs", c->cats[i].id);
}

static void
add_examples(struct classifier *c, struct intent_model_builder *mb)
{
	struct def_intent	*d;
	size_t			 i, j;
	int			 t;

	c->example_doc = xcalloc(c->defs.n + 1, sizeof(*c->example_doc));
	for (i = 0; i < c->defs.n; i++) {
		d = &c->defs.intents[i];
		c->example_doc[i] = xcalloc(d->nexamples + 1, sizeof(size_t));
		t = taxonomy_index(&c->tax, d->id);
		for (j = 0; j < d->nexamples; j++) {
			struct normalized	n;

			if (t < 0) {
				c->example_doc[i][j] = (size_t)-1;
				continue;
			}
			/* Examples are seen as messages are: normalised. */
			normalize_message(d->examples[j],
			    strlen(d->examples[j]), &n);
			c->example_doc[i][j] = evidence_add(c->ev, (size_t)t,
			    EVIDENCE_EXAMPLE, n.match);
			intent_model_add(mb, (size_t)t, n.match, n.match_len);
			/* What the categories of no particular service look
			 * like teaches the topic model when not to name one;
			 * the service kinds' examples often name a service. */
			if (d->services != DEF_SERVICES_ANSWER ||
			    strncmp(d->id, "services.", 9) != 0)
				topic_index_add_other(c->ti, n.match,
				    n.match_len);
			normalize_release(&n);
		}
	}
}

/* The file name beside path (a sibling in its directory); allocated. */
static char *
beside(const char *path, const char *name)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(name);
	return xasprintf("%.*s/%s", (int)(slash - path), path, name);
}

/* The topics and the aspects, which live beside the taxonomy. */
static void
read_beside(struct classifier *c, const char *taxonomy, struct load *l)
{
	char	*path, *buf, *e;
	size_t	 len;

	path = beside(taxonomy, "topics.json");
	if (taxonomy_load_topics(path, &c->topics, &e) == -1) {
		lerr(l, "%s", e);
		free(e);
	}
	free(path);
	path = beside(taxonomy, "aspects.def");
	if (files_read(path, LIMIT_EDITOR_FILE_BYTES, &buf, &len, &e) == -1) {
		lerr(l, "%s", e);
		free(e);
	} else {
		c->aspects = aspects_parse(path, buf, len, NULL, 0,
		    count_err, l);
		free(buf);
	}
	free(path);
	path = beside(taxonomy, "calib.def");
	calib_read(path, &c->calib, count_err, l);
	free(path);
	path = beside(taxonomy, "person.def");
	if (files_read(path, LIMIT_EDITOR_FILE_BYTES, &buf, &len, &e) == -1) {
		lerr(l, "%s", e);
		free(e);
	} else {
		c->person = aspects_parse(path, buf, len, classifier_person_names,
		    PERSON_COUNT, count_err, l);
		free(buf);
	}
	free(path);
}

/* The second opinions (the categories' and the topics'), trained on
 * their own thread while the rules compile and the indexes build: they
 * are three quarters of the CPU of a load, and need nothing else once
 * their examples are in.  One after the other, never side by side:
 * LIBLINEAR shuffles with rand(), whose one sequence two trainings at
 * once would share in whatever order the threads run, and the models
 * would differ from run to run.  The sequence starts where a fresh
 * process's does (srand(1)), so that the weights depend on the examples
 * alone, on a reload too; and so the weights cache (modelcache.h) can
 * stand for a training with the same examples.  Read from that cache, the
 * models are a fifth of what the rules and the categories' index take:
 * the thread builds the topics' index too. */
struct training {
	struct intent_model_builder	*mb;
	struct intent_model		*model;
	struct topic_index		*ti;
	const char			*cache;		/* or NULL */
	char				*err;
	char				*build_err;	/* the topics' index */
};

static void
train_models(struct training *t)
{
	struct intent_model_builder *b[2];
	struct intent_model	*m[2] = { NULL, NULL };
	struct modelcache_shape	 shape[2];
	unsigned char		 key[MODELCACHE_KEY_BYTES];
	const char		*why;

	b[0] = topic_index_take_builder(t->ti);
	b[1] = t->mb;
	t->mb = NULL;
	if (t->cache != NULL) {
		modelcache_key(b, 2, key, shape);
		/* A miss (absent, stale, damaged) is why: train. */
		if (modelcache_load(t->cache, key, shape, 2, m, &why) == 0) {
			intent_model_builder_free(&b[0]);
			intent_model_builder_free(&b[1]);
			goto done;
		}
	}
	srand(1);
	if (b[0] != NULL && (m[0] = intent_model_train(&b[0], &t->err)) ==
	    NULL) {
		intent_model_builder_free(&b[1]);
		return;
	}
	if ((m[1] = intent_model_train(&b[1], &t->err)) == NULL) {
		intent_model_free(&m[0]);
		return;
	}
	/* Not written is only slower next time. */
	if (t->cache != NULL)
		(void)modelcache_save(t->cache, key, m, 2);
done:
	topic_index_set_model(t->ti, m[0]);
	t->model = m[1];
}

static void *
train(void *arg)
{
	struct training	*t = arg;

	train_models(t);
	/* Its own fields only (the index, not the model's): the main thread
	 * builds the categories' index meanwhile. */
	if (topic_index_build(t->ti, &t->build_err) == -1 &&
	    t->build_err == NULL)
		t->build_err = xstrdup("the topics' index did not build");
	return NULL;
}

/* hunspell-ru's dictionary, read on a thread of its own (20-25 ms) beside
 * the training thread. */
struct dictionary {
	struct spell	*sp;
	char		*err;
};

static void *
open_dictionary(void *arg)
{
	struct dictionary	*d = arg;

	if (spell_open(d->sp, HOTLINE_HUNSPELL_DIR, &d->err) == -1)
		spell_free(&d->sp);
	return NULL;
}

/* The speller, once its dictionary is read and both indexes are built
 * (the topics' one on the training thread): the words of the indexes and
 * of the category files are what it corrects towards. */
static struct spell *
finish_spell(const struct classifier *c, struct dictionary *d)
{
	if (d->sp == NULL)
		return NULL;
	spell_learn_index(d->sp, c->ev);
	spell_learn_index(d->sp, topic_index_evidence(c->ti));
	spell_learn_defs(d->sp, &c->defs);
	return d->sp;
}

struct classifier *
classifier_load(const struct classifier_paths *paths, sqlite3 *kbdb,
    const struct classifier_config *cfg, def_error_fn err, void *arg)
{
	struct classifier	*c;
	struct load		 l = { err, arg, 0 };
	struct article_walk	 w = { NULL, &l, NULL, 0 };
	struct training		 tr = { NULL, NULL, NULL, NULL, NULL, NULL };
	struct dictionary	 dict = { NULL, NULL };
	pthread_t		 th, dth;
	char			*e;
	int			*map = NULL, threaded, dthreaded = 0;
	size_t			 i;

	c = xcalloc(1, sizeof(*c));
	c->cfg = *cfg;
	w.c = c;
	if (taxonomy_load(paths->taxonomy, &c->tax, &e) == -1) {
		lerr(&l, "%s", e);
		free(e);
		classifier_free(&c);
		return NULL;
	}
	if (cfg->spelling) {
		dict.sp = spell_new();
		if (!(dthreaded = pthread_create(&dth, NULL, open_dictionary,
		    &dict) == 0))
			open_dictionary(&dict);
	}
	c->ncats = c->tax.n;
	c->cats = xcalloc(c->ncats, sizeof(*c->cats));
	for (i = 0; i < c->ncats; i++) {
		c->cats[i].id = c->tax.items[i].id;
		c->cats[i].action = c->tax.items[i].action;
		c->cats[i].def = -1;
	}
	c->operator_cat = taxonomy_index(&c->tax, ID_OPERATOR);
	c->greeting_cat = taxonomy_index(&c->tax, ID_GREETING);
	c->thanks_cat = taxonomy_index(&c->tax, ID_THANKS);
	c->oos_cat = taxonomy_index(&c->tax, ID_OOS);
	c->howto_cat = taxonomy_index(&c->tax, ID_HOWTO);
	c->documents_cat = taxonomy_index(&c->tax, "services.documents");
	c->catalog_cat = taxonomy_index(&c->tax, "services.catalog");
	c->deadlines_cat = taxonomy_index(&c->tax, "application.deadlines");
	c->ev = evidence_new(c->ncats);
	read_beside(c, paths->taxonomy, &l);
	c->ti = topic_index_new(&c->topics, &cfg->topic);
	read_defs(c, paths->defs, &l);
	for (i = 0; i < c->defs.nlists; i++)
		if (strcmp(c->defs.lists[i].name, LIST_TOPIC_NEUTRAL) == 0)
			topic_index_neutral(c->ti, c->defs.lists[i].items);
	if (kb_store_each(kbdb, add_article, &w, &e) == -1) {
		lerr(&l, "knowledge base: %s", e);
		free(e);
	}
	if (w.nids == 0)
		lerr(&l, "the knowledge base has no articles "
		    "(run: hotline kb import)");
	map = xcalloc(c->defs.n + 1, sizeof(*map));
	link_defs(c, &w, map, &l);
	tr.mb = intent_model_builder_new(c->ncats);
	tr.ti = c->ti;
	tr.cache = paths->model_cache;
	add_examples(c, tr.mb);
	if (!(threaded = pthread_create(&th, NULL, train, &tr) == 0))
		train(&tr);
	editform_resolve(&c->defs, count_err, &l);
	rules_compile(&c->defs, map, c->ncats, &c->rules, count_err, &l);
	if (evidence_build(c->ev, &e) == -1) {
		lerr(&l, "%s", e);
		free(e);
	}
	if (threaded)
		pthread_join(th, NULL);
	if (dthreaded)
		pthread_join(dth, NULL);
	if (cfg->spelling && (c->spell = finish_spell(c, &dict)) == NULL) {
		lerr(&l, "%s", dict.err);
		free(dict.err);
	}
	if (tr.build_err != NULL) {
		lerr(&l, "%s", tr.build_err);
		free(tr.build_err);
	}
	if ((c->model = tr.model) == NULL) {
		lerr(&l, "%s", tr.err);
		free(tr.err);
	}
	for (i = 0; i < w.nids; i++)
		free(w.ids[i]);
	free(w.ids);
	free(map);
	if (l.nerr > 0)
		classifier_free(&c);
#ifdef __GLIBC__
	/* The load's threads each had an arena of their own (the
	 * dictionary's file is read whole and rewritten, the indexes are
	 * built in temporary tables): their free pages stay resident until
	 * given back, megabytes of the classifier's peak memory. */
	malloc_trim(0);
#endif
	return c;
}

void
classifier_free(struct classifier **cp)
{
	struct classifier	*c = *cp;
	size_t			 i;

	if (c == NULL)
		return;
	rules_free(&c->rules);
	evidence_free(&c->ev);
	spell_free(&c->spell);
	intent_model_free(&c->model);
	topic_index_free(&c->ti);
	aspects_free(&c->aspects);
	aspects_free(&c->person);
	taxonomy_clear(&c->topics);
	if (c->example_doc != NULL)
		for (i = 0; i < c->defs.n; i++)
			free(c->example_doc[i]);
	free(c->example_doc);
	deffile_set_clear(&c->defs);
	free(c->cats);
	taxonomy_clear(&c->tax);
	free(c);
	*cp = NULL;
}
