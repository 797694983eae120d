/*
 * The topic index: one evidence index (intents/evidence.c, BM25 over the
 * same stemming as the knowledge base) whose "categories" are the topics.
 * The questions editors write are what citizens type, so they weigh most;
 * the article's own words (title, tags, short answer) catch the rest.
 * Both languages of an article go into the same topic: a Russian message
 * meets Russian stems, an English one English stems.
 */
#include "intents/topic.h"

#include <stdlib.h>
#include <string.h>

#include "intents/evidence.h"
#include "intents/model.h"
#include "intents/normalize.h"
#include "kb/article.h"
#include "lib/xmalloc.h"

/* How the three kinds of evidence add up: the best matching question
 * counts most, a second one confirms, the article's own words help. */
#define W_QUESTION	0.70
#define W_QUESTION2	0.30
#define W_ARTICLE	0.35
/* The model's share of a topic's evidence: measured on four sets, the
 * mix finds the asked service for 86-91% of service questions against
 * 73-83% for the full text alone, and names fewer services where none
 * was asked about. */
#define W_MODEL		0.30
/* 2^14 hashed features: 6 MB of weights for 48 classes where 2^16 took
 * 25 MB, for the same choices on four sets but one item. */
#define TOPIC_MODEL_BITS 14
/* Sure it is about no service, and no question fits well: no topic. */
#define NONE_PROB	0.70
#define NONE_FTS	0.30
/* Words no article uses (numbers, names, typos) dilute the evidence for a
 * service only a little. */
#define OOV_SHARE	0.5

struct topic_index {
	const struct taxonomy	*topics;
	struct topic_config	 cfg;
	struct evidence		*ev;
	/* A second opinion that reads letters, not stems: "загран",
	 * "права", "prava", typos.  Its classes are the topics and, last,
	 * "no particular service" (the categories' examples). */
	struct intent_model_builder *mb;
	struct intent_model	*model;
	char			**article;	/* [topic]: id, or NULL */
	/* [topic]: its article's "categories", the kinds of request the
	 * service itself is ("services.benefits"), or NULL. */
	char			**kinds;
	size_t			 ntopics;	/* with an article */
};

struct topic_scratch {
	struct evidence_scratch	*es;
	struct evidence_result	 er;
	double			*prob;		/* [topic + 1] */
};

void
topic_config_defaults(struct topic_config *cfg)
{
	cfg->min = 0.15;
	cfg->margin = 0.20;
	cfg->clarify = 0.96;
	cfg->rescue = 0.22;
	cfg->rescue_oos = 0.55;
	cfg->keep_kind = 0.2;
	cfg->far = 0.35;
	cfg->far_share = 0.5;
	cfg->strong = 0.4;
	cfg->lead_min = 0.25;
	cfg->record_min = 0.15;
}

struct topic_index *
topic_index_new(const struct taxonomy *topics, const struct topic_config *cfg)
{
	struct topic_index	*ti;

	ti = xcalloc(1, sizeof(*ti));
	ti->topics = topics;
	ti->cfg = *cfg;
	ti->ev = evidence_new(topics->n);
	evidence_spread(ti->ev, OOV_SHARE);
	ti->article = xcalloc(topics->n + 1, sizeof(*ti->article));
	ti->kinds = xcalloc(topics->n + 1, sizeof(*ti->kinds));
	ti->mb = intent_model_builder_new(topics->n + 1);
	intent_model_builder_shape(ti->mb, TOPIC_MODEL_BITS, 0);
	return ti;
}

struct add_arg {
	struct topic_index	*ti;
	size_t			 topic;
};

static void
add_question(const char *p, size_t len, void *arg)
{
	struct add_arg		*aa = arg;
	struct normalized	 n;

	/* Questions are seen as messages are: normalised. */
	normalize_message(p, len, &n);
	evidence_add(aa->ti->ev, aa->topic, EVIDENCE_EXAMPLE, n.match);
	intent_model_add(aa->ti->mb, aa->topic, n.match, n.match_len);
	normalize_release(&n);
}

int
topic_index_add(struct topic_index *ti, const struct article *a,
    const char **why)
{
	struct add_arg		 aa;
	struct normalized	 n;
	const char		*p = a->topics, *end;
	char			*id, *text;
	int			 t;

	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		for (end = p; *end != '\0' && *end != ','; end++)
			;
		if (end == p)
			break;
		id = xstrndup(p, (size_t)(end - p));
		id[strcspn(id, " ")] = '\0';
		t = taxonomy_index(ti->topics, id);
		free(id);
		if (t < 0) {
			*why = "unknown topic (not in intents/topics.json)";
			return -1;
		}
		if (ti->article[t] == NULL) {
			ti->article[t] = xstrdup(a->id);
			ti->kinds[t] = xstrdup(a->categories);
			ti->ntopics++;
		}
		aa.ti = ti;
		aa.topic = (size_t)t;
		article_each_line(a->questions, add_question, &aa);
		text = xasprintf("%s\n%s\n%s", a->title, a->tags, a->summary);
		normalize_message(text, strlen(text), &n);
		evidence_add(ti->ev, (size_t)t, EVIDENCE_ARTICLE, n.match);
		normalize_release(&n);
		free(text);
		p = end;
	}
	return 0;
}

void
topic_index_add_other(struct topic_index *ti, const char *text, size_t len)
{
	intent_model_add(ti->mb, ti->topics->n, text, len);
}

int
topic_index_build(struct topic_index *ti, char **errstr_r)
{
	return evidence_build(ti->ev, errstr_r);
}

struct intent_model_builder *
topic_index_take_builder(struct topic_index *ti)
{
	struct intent_model_builder	*mb = ti->mb;

	ti->mb = NULL;
	/* No service articles (a knowledge base of general ones): the
	 * full-text evidence finds nothing either, and no model is needed. */
	if (ti->ntopics == 0)
		intent_model_builder_free(&mb);
	return mb;
}

void
topic_index_neutral(struct topic_index *ti, const char *words)
{
	evidence_neutral(ti->ev, words);
}

void
topic_index_set_model(struct topic_index *ti, struct intent_model *m)
{
	intent_model_free(&ti->model);
	ti->model = m;
}

void
topic_index_free(struct topic_index **tip)
{
	struct topic_index	*ti = *tip;
	size_t			 i;

	if (ti == NULL)
		return;
	evidence_free(&ti->ev);
	intent_model_builder_free(&ti->mb);
	intent_model_free(&ti->model);
	for (i = 0; i < ti->topics->n; i++) {
		free(ti->article[i]);
		free(ti->kinds[i]);
	}
	free(ti->article);
	free(ti->kinds);
	free(ti);
	*tip = NULL;
}

size_t
topic_index_topics(const struct topic_index *ti)
{
	return ti->ntopics;
}

size_t
topic_index_docs(const struct topic_index *ti)
{
	return evidence_docs(ti->ev);
}

const struct taxonomy *
topic_index_list(const struct topic_index *ti)
{
	return ti->topics;
}

const char *
topic_index_article(const struct topic_index *ti, int t)
{
	if (t < 0 || (size_t)t >= ti->topics->n)
		return NULL;
	return ti->article[t];
}

int
topic_index_is_kind(const struct topic_index *ti, const char *id)
{
	size_t	i;

	for (i = 0; i < ti->topics->n; i++)
		if (ti->kinds[i] != NULL &&
		    article_list_has(ti->kinds[i], id))
			return 1;
	return 0;
}

int
topic_index_kind_fits(const struct topic_index *ti, int t, const char *id)
{
	if (t >= 0 && (size_t)t < ti->topics->n && ti->kinds[t] != NULL &&
	    article_list_has(ti->kinds[t], id))
		return 1;
	return !topic_index_is_kind(ti, id);
}

int
topic_index_first_kind(const struct topic_index *ti, int t, char *buf,
    size_t size)
{
	const char	*p;
	size_t		 n;

	if (t < 0 || (size_t)t >= ti->topics->n || ti->kinds[t] == NULL)
		return -1;
	p = ti->kinds[t] + strspn(ti->kinds[t], " ,");
	n = strcspn(p, " ,");
	if (n == 0 || n >= size)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return 0;
}

struct topic_scratch *
topic_scratch_new(const struct topic_index *ti)
{
	struct topic_scratch	*s;

	s = xcalloc(1, sizeof(*s));
	s->es = evidence_scratch_new(ti->ev);
	evidence_result_init(ti->ev, &s->er);
	s->prob = xcalloc(ti->topics->n + 1, sizeof(*s->prob));
	return s;
}

void
topic_scratch_free(struct topic_scratch **sp)
{
	struct topic_scratch	*s = *sp;

	if (s == NULL)
		return;
	evidence_scratch_free(&s->es);
	evidence_result_release(&s->er);
	free(s->prob);
	free(s);
	*sp = NULL;
}

static void
no_choice(struct topic_choice *c)
{
	memset(c, 0, sizeof(*c));
	c->topic = c->rival = c->first = c->second = -1;
}

/*
 * Picks the service from the scores left in s by topic_choose, among the
 * topics of request kind `kind` only (NULL: all): the best, unless it is
 * too weak, the message names no service, or another is about as good.
 */
static void
pick(const struct topic_index *ti, const struct topic_scratch *s,
    const char *kind, struct topic_choice *c)
{
	const struct evidence_result	*er = &s->er;
	double				 fts, sc, best = 0, second = 0;
	double				 best_fts = 0;
	int				 b = -1, r = -1;
	size_t				 i;

	no_choice(c);
	for (i = 0; i < er->n; i++) {
		if (ti->article[i] == NULL || (kind != NULL &&
		    (ti->kinds[i] == NULL ||
		    !article_list_has(ti->kinds[i], kind))))
			continue;
		fts = W_QUESTION * er->example[i] +
		    W_QUESTION2 * er->example2[i] + W_ARTICLE * er->article[i];
		sc = (1 - W_MODEL) * fts + W_MODEL * s->prob[i];
		if (sc > best) {
			second = best;
			r = b;
			best = sc;
			best_fts = fts;
			b = (int)i;
		} else if (sc > second) {
			second = sc;
			r = (int)i;
		}
	}
	c->score = best;
	c->first = b;
	c->second = r;
	c->score2 = second;
	if (b < 0 || best < ti->cfg.min)
		return;
	if (s->prob[ti->topics->n] > NONE_PROB && best_fts < NONE_FTS)
		return;
	if (r >= 0 && second >= ti->cfg.rescue_oos &&
	    second >= ti->cfg.clarify * best) {
		/* Both fit well (as well as it takes to overrule the
		 * categories), and about as well as each other.  Two weak
		 * ones are no question worth asking. */
		c->topic = b;
		c->article = ti->article[b];
		c->rival = r;
		c->rival_article = ti->article[r];
		return;
	}
	if (second > (1 - ti->cfg.margin) * best)
		return;
	c->topic = b;
	c->article = ti->article[b];
}

void
topic_choose(const struct topic_index *ti, struct topic_scratch *s,
    const struct evidence_query *q, const struct intent_model_input *in,
    size_t skip, struct topic_choice *c)
{
	if (ti->ntopics == 0) {
		no_choice(c);
		return;
	}
	evidence_score(ti->ev, s->es, q, skip, &s->er);
	intent_model_predict_input(ti->model, in, s->prob);
	pick(ti, s, NULL, c);
}

void
topic_choose_kind(const struct topic_index *ti,
    const struct topic_scratch *s, const char *kind, struct topic_choice *c)
{
	if (ti->ntopics == 0)
		no_choice(c);
	else
		pick(ti, s, kind, c);
}

const struct evidence *
topic_index_evidence(const struct topic_index *ti)
{
	return ti->ev;
}
