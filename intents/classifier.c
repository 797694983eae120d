/*
 * The decision.  Each category's score adds up the weights of its matching
 * rules and its full-text similarity to the message (best and second-best
 * example, best article); a softmax over all categories turns scores into
 * confidences, so a message that is weakly similar to everything gets a low
 * confidence everywhere.  Then the action: an explicit request for a person
 * hands off whatever else the message says; a clear winner is answered; two
 * close ones are clarified; weak evidence goes to a person, or is declined
 * when nothing in it relates to the portal at all.
 */
#include "intents/classifier.h"

#include <math.h>
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
#include "lib/text.h"
#include "lib/xmalloc.h"


double
classify_round3(double d)
{
	return (double)(long)(d * 1000 + (d < 0 ? -0.5 : 0.5)) / 1000;
}

void
classifier_config_defaults(struct classifier_config *cfg)
{
	cfg->answer_min = 0.02;
	cfg->answer_sure = 0.95;
	cfg->evidence_min = 0.70;
	cfg->margin_min = 0.30;
	cfg->rival_max = 0.60;

	cfg->clarify_min = 0.70;
	cfg->decline_min = 0.45;
	cfg->person_min = 4;
	cfg->temperature = 0.12;
	cfg->weak_yield = 0.6;
	cfg->w_rule = 0.25;
	cfg->w_example = 0.8;
	cfg->w_example2 = 0.3;
	cfg->w_article = 0.2;
	cfg->model_veto = 0.7;
	topic_config_defaults(&cfg->topic);
	cfg->spelling = 1;
}


const struct taxonomy *
classifier_taxonomy(const struct classifier *c)
{
	return &c->tax;
}

const struct def_set *
classifier_defs(const struct classifier *c)
{
	return &c->defs;
}

size_t
classifier_patterns(const struct classifier *c)
{
	return rules_count(c->rules);
}

size_t
classifier_documents(const struct classifier *c)
{
	return evidence_docs(c->ev);
}

const struct taxonomy *
classifier_topics(const struct classifier *c)
{
	return &c->topics;
}

const struct topic_index *
classifier_topic_index(const struct classifier *c)
{
	return c->ti;
}

size_t
classifier_topic_documents(const struct classifier *c)
{
	return topic_index_docs(c->ti);
}

size_t
classifier_example_doc(const struct classifier *c, size_t d, size_t i)
{
	if (d >= c->defs.n || i >= c->defs.intents[d].nexamples)
		return (size_t)-1;
	return c->example_doc[d][i];
}

struct classify_ctx *
classify_ctx_new(const struct classifier *c)
{
	struct classify_ctx	*x;

	x = xcalloc(1, sizeof(*x));
	x->c = c;
	x->rs = rules_scratch_new(c->rules);
	x->es = evidence_scratch_new(c->ev);
	x->ts = topic_scratch_new(c->ti);
	x->stemmer = stemmer_new();
	/* One stemmer, so one cache, for the speller and the query. */
	x->spell = spell_scratch_new_sharing(x->stemmer);
	x->asp = aspects_scratch_new(c->aspects);
	x->pers = aspects_scratch_new(c->person);
	x->rr.score = xcalloc(c->ncats + 1, sizeof(double));
	x->rr.vetoed = xcalloc(c->ncats + 1, 1);
	x->rr.alone = xcalloc(c->ncats + 1, 1);
	evidence_result_init(c->ev, &x->er);
	x->score = xcalloc(c->ncats + 1, sizeof(double));
	x->prob = xcalloc(c->ncats + 1, sizeof(double));
	x->mprob = xcalloc(c->ncats + 1, sizeof(double));
	return x;
}

void
classify_ctx_free(struct classify_ctx **xp)
{
	struct classify_ctx	*x = *xp;

	if (x == NULL)
		return;
	rules_scratch_free(&x->rs);
	evidence_scratch_free(&x->es);
	topic_scratch_free(&x->ts);
	spell_scratch_free(&x->spell);
	stemmer_free(&x->stemmer);
	aspects_scratch_free(&x->asp);
	aspects_scratch_free(&x->pers);
	free(x->rr.score);
	free(x->rr.vetoed);
	free(x->rr.alone);
	evidence_result_release(&x->er);
	free(x->score);
	free(x->prob);
	free(x->mprob);
	free(x->seen);
	intent_model_input_release(&x->mi);
	intent_model_input_release(&x->tmi);
	free(x);
	*xp = NULL;
}

/*
 * A message that is nothing but small talk ("здравствуйте!", "спасибо, всё
 * понятно") belongs to the small-talk categories alone: when the "only"
 * line of a weak category matches, every other category is ruled out.
 * One check here instead of a veto pasted into every category file.
 */
static void
small_talk_only(struct classify_ctx *x)
{
	const struct classifier	*c = x->c;
	size_t			 i;

	x->small_talk = 0;
	for (i = 0; i < c->ncats; i++)
		if (c->cats[i].weak && x->rr.alone[i])
			x->small_talk = 1;
	if (!x->small_talk)
		return;
	for (i = 0; i < c->ncats; i++)
		if (!c->cats[i].weak)
			x->rr.vetoed[i] = 1;
}

/* Words of s[0..len), counted up to max. */
static size_t
count_words(const char *s, size_t len, size_t max)
{
	size_t	pos = 0, start, wlen, n = 0;

	while (n < max && text_next_word(s, len, &pos, &start, &wlen))
		n++;
	return n;
}

/* Words between the small talk around a message that make it more than
 * small talk, however little else the classifier understands of them:
 * after a greeting; before thanks, with a question mark, or without. */
#define MORE_THAN_HELLO		4
#define MORE_THAN_THANKS	8

/*
 * "Добрый день! How can I get a digital OMS policy?": the greeting's
 * rules were all that matched, and it won; "… можно через госуслуги?
 * очень нужно, спасибо" was taken for thanks.  Four words between the
 * greeting and the rest of the small talk say there is a question
 * ("Здравствуйте еще раз", "Доброе утро! У меня вопрос, сейчас напишу"
 * stay greetings), and before the thanks, with a question mark.
 */
static void
small_talk_around(struct classify_ctx *x)
{
	const struct classifier	*c = x->c;
	size_t			 words;

	if (x->lead + x->tail == 0)
		return;
	words = count_words(x->content, x->content_len, MORE_THAN_THANKS);
	if (words < MORE_THAN_HELLO)
		return;
	if (x->lead > 0 && c->greeting_cat >= 0)
		x->rr.vetoed[c->greeting_cat] = 1;
	/* A few words before thanks are what it is for ("всё получилось,
	 * доступ восстановил, благодарю"), unless they ask. */
	if (x->tail > 0 && c->thanks_cat >= 0 && (words >= MORE_THAN_THANKS ||
	    memchr(x->content, '?', x->content_len) != NULL))
		x->rr.vetoed[c->thanks_cat] = 1;
}

/* Keeps what the rules saw, for classify_trace(). */
static void
keep_seen(struct classify_ctx *x, const char *text, size_t len)
{
	if (len + 1 > x->seen_cap) {
		x->seen_cap = len + 1;
		x->seen = xreallocarray(x->seen, x->seen_cap, 1);
	}
	memcpy(x->seen, text, len);
	x->seen[len] = '\0';
	x->seen_len = len;
}

/* Scores every category and turns the scores into confidences. */
static void
weigh(struct classify_ctx *x)
{
	const struct classifier_config	*cfg = &x->c->cfg;
	double				 rule, max = 0, sum = 0, strong = 0;
	size_t				 i;

	for (i = 0; i < x->c->ncats; i++) {
		rule = x->rr.score[i];
		if (rule > 8)
			rule = 8;
		x->score[i] = x->rr.vetoed[i] ? 0 :
		    cfg->w_rule * rule +
		    cfg->w_example * x->er.example[i] +
		    cfg->w_example2 * x->er.example2[i] +
		    cfg->w_article * x->er.article[i];
		if (!x->c->cats[i].weak && x->score[i] > strong)
			strong = x->score[i];
	}
	/* "Здравствуйте, забыла пароль" is about the password: a greeting or
	 * a thanks only answers a message that says nothing else. */
	for (i = 0; i < x->c->ncats; i++) {
		if (x->c->cats[i].weak && strong >= cfg->weak_yield)
			x->score[i] *= 0.25;
		if (x->score[i] > max)
			max = x->score[i];
	}
	/* Softmax against a zero-evidence floor; shifted by max for range. */
	for (i = 0; i < x->c->ncats; i++) {
		x->prob[i] = exp((x->score[i] - max) / cfg->temperature);
		sum += x->prob[i];
	}
	for (i = 0; i < x->c->ncats; i++)
		x->prob[i] /= sum;
}

static void
rank(struct classify_ctx *x, struct verdict *v)
{
	size_t	i, j, k;

	v->ntop = 0;
	for (i = 0; i < x->c->ncats; i++) {
		if (x->score[i] <= 0)
			continue;
		for (j = 0; j < v->ntop; j++)
			if (x->prob[i] > v->top[j].confidence)
				break;
		if (j >= CLASSIFY_TOP)
			continue;
		k = v->ntop < CLASSIFY_TOP ? v->ntop : CLASSIFY_TOP - 1;
		for (; k > j; k--)
			v->top[k] = v->top[k - 1];
		v->top[j].category = (int)i;
		v->top[j].confidence = x->prob[i];
		v->top[j].score = x->score[i];
		if (v->ntop < CLASSIFY_TOP)
			v->ntop++;
	}
}

int
verdict_answers_topic(const struct verdict *v)
{
	return v->topic != NULL && v->topic_article != NULL &&
	    v->article != NULL && strcmp(v->article, v->topic_article) == 0;
}

void
classifier_set_category(const struct classifier *c, struct verdict *v,
    int cat)
{
	v->category = cat;
	v->intent = cat >= 0 ? c->cats[cat].id : NULL;
	v->article = cat >= 0 ? c->cats[cat].article : NULL;
	v->lead_article = NULL;
	v->register_request = cat >= 0 ? c->cats[cat].register_request : 0;
}

/* Whether the message has a word (letters or digits) at all. */
static int
has_words(const struct normalized *n)
{
	size_t	pos = 0, start, wlen;

	return text_next_word(n->folded, n->folded_len, &pos, &start, &wlen);
}

static void
decide(struct classify_ctx *x, const struct normalized *n, struct verdict *v)
{
	const struct classifier		*c = x->c;
	const struct classifier_config	*cfg = &c->cfg;
	double				 p1, p2, rival;
	int				 best, empty;

	v->action = ACTION_HANDOFF;
	if (v->ntop == 0) {
		/* Nothing relates to the portal: a polite decline offers a
		 * person anyway; a message without a word ("", "?", "...")
		 * is asked to be retyped. */
		empty = !has_words(n);
		classifier_set_category(c, v, empty ? -1 : c->oos_cat);
		v->action = empty ? ACTION_CLARIFY : ACTION_DECLINE;
		v->reason = empty ? "empty message" :
		    "nothing in the message relates to the portal";
		return;
	}
	best = v->top[0].category;
	p1 = v->top[0].confidence;
	p2 = v->ntop > 1 ? v->top[1].confidence : 0;
	v->confidence = p1;
	v->margin = p1 - p2;
	classifier_set_category(c, v, best);
	if (c->operator_cat >= 0 && !x->rr.vetoed[c->operator_cat] &&
	    x->rr.score[c->operator_cat] >= cfg->person_min) {
		classifier_set_category(c, v, c->operator_cat);
		v->confidence = x->prob[c->operator_cat] > p1 ?
		    x->prob[c->operator_cat] : p1;
		v->action = ACTION_HANDOFF;
		v->reason = "asked for a person";
		return;
	}
	if (best == c->oos_cat) {
		v->action = p1 >= cfg->decline_min ? ACTION_DECLINE :
		    ACTION_HANDOFF;
		v->reason = p1 >= cfg->decline_min ? "out of scope" :
		    "not sure it is out of scope";
		return;
	}
	rival = v->ntop > 1 && v->top[0].score > 0 ?
	    v->top[1].score / v->top[0].score : 0;

	if (p1 >= cfg->evidence_min && v->margin >= cfg->margin_min &&
	    rival <= cfg->rival_max) {
		v->action = c->cats[best].action;
		v->reason = v->action == ACTION_HANDOFF ? "asked for a person" :
		    "confident";
		if (v->action == ACTION_ANSWER)
			opinion_second(x, n, v);
		return;
	}
	/* Asking "did you mean A or B?" only makes sense when A and B are
	 * both likely; weak evidence goes to a person instead. */
	if (v->ntop > 1 && (p1 + p2 >= cfg->clarify_min ||
	    (rival > cfg->rival_max && p1 >= cfg->evidence_min / 2)) &&
	    c->cats[best].action == ACTION_ANSWER &&
	    c->cats[v->top[1].category].action == ACTION_ANSWER) {
		v->action = ACTION_CLARIFY;
		v->reason = REASON_CLOSE;
		return;
	}
	v->action = ACTION_HANDOFF;
	v->reason = REASON_NOT_CONFIDENT;
}


/*
 * The text with each e-mail address replaced by one neutral word: the
 * words inside an address ("mail.ru", "support") are not what the citizen
 * said.  Returns NULL when there is no address.
 */
static char *
mask_emails(const char *text, size_t len, const struct entity_list *el,
    size_t *len_r)
{
	static const char	 word[] = " xemailx ";
	char			*out = NULL;
	size_t			 i, o = 0, from = 0;
	const struct entity	*e;

	for (i = 0; i < el->count; i++) {
		e = &el->items[i];
		if (e->type != ENTITY_EMAIL || e->start + e->len > len ||
		    e->start < from)
			continue;
		if (out == NULL)
			out = xmalloc(len + LIMIT_ENTITIES * sizeof(word) + 1);
		memcpy(out + o, text + from, e->start - from);
		o += e->start - from;
		memcpy(out + o, word, sizeof(word) - 1);
		o += sizeof(word) - 1;
		from = e->start + e->len;
	}
	if (out == NULL)
		return NULL;
	memcpy(out + o, text + from, len - from);
	o += len - from;
	out[o] = '\0';
	*len_r = o;
	return out;
}

void
classify_skip(struct classify_ctx *x, const char *text, size_t len,
    size_t skip, struct verdict *v)
{
	const struct classifier	*c = x->c;
	struct normalized	 n;
	char			*masked;
	size_t			 mlen;

	memset(v, 0, sizeof(*v));
	v->category = -1;
	v->priority = PRIORITY_NONE;
	if (len > LIMIT_MESSAGE_BYTES)
		len = LIMIT_MESSAGE_BYTES;
	entities_extract(text, len, &v->entities);
	masked = mask_emails(text, len, &v->entities, &mlen);
	normalize_message(masked != NULL ? masked : text,
	    masked != NULL ? mlen : len, &n);
	free(masked);
	spell_correct(c->spell, x->spell, &n);
	v->lang = n.lang;
	v->model_category = -1;
	x->mi_made = 0;
	rules_match(c->rules, x->rs, n.match, n.match_len, &x->rr);
	small_talk_only(x);
	keep_seen(x, n.match, n.match_len);
	x->text = n.match;
	x->text_len = n.match_len;
	rules_small_talk(c->rules, x->rs, n.match, n.match_len, &x->lead,
	    &x->tail);
	x->content = n.match + x->lead;
	x->content_len = n.match_len - x->lead - x->tail;
	x->t_made = 0;
	small_talk_around(x);
	/* Stemmed once for the categories' index and, when no small talk
	 * is around the question, the topics' (opinions.c topic_inputs). */
	evidence_query_make(x->stemmer, n.match, n.match_len, &x->q);
	evidence_score(c->ev, x->es, &x->q, skip, &x->er);
	weigh(x);
	rank(x, v);
	decide(x, &n, v);
	calib_sure(x, &n, v);
	opinion_service(x, &n, v);
	/* Only categories with priority lines (incidents) get one. */
	if (v->category >= 0)
		v->priority = rules_priority(c->rules, x->rs,
		    (size_t)v->category, n.match, n.match_len);
	opinion_person(x, &n, v);
	calib_verdict(x, &n, v);
	normalize_release(&n);
}

/* Whether s[i] ends a sentence: "?", "!" or a line break anywhere; a
 * full stop or a semicolon before white space ("т.е.", "gosuslugi.ru",
 * "3.5" do not). */
static int
sentence_end(const char *s, size_t len, size_t i)
{
	if (s[i] == '?' || s[i] == '!' || s[i] == '\n')
		return 1;
	return (s[i] == '.' || s[i] == ';') && i + 1 < len &&
	    (s[i + 1] == ' ' || s[i + 1] == '\t' || s[i + 1] == '\r');
}

/*
 * Where the question a story ends with starts in text[0..len): the last
 * sentence that asks ("…?"), or failing one the last sentence; 0 when it
 * is the whole message.
 */
static size_t
last_question(const char *text, size_t len)
{
	size_t	end = len, i, from;
	int	asks = memchr(text, '?', len) != NULL;

	for (;;) {
		/* The sentence's own ending marks. */
		while (end > 0 && (sentence_end(text, len, end - 1) ||
		    text[end - 1] == ' ' || text[end - 1] == '.'))
			end--;
		if (end == 0)
			return 0;
		for (i = end; i > 0 && !sentence_end(text, len, i - 1); i--)
			;
		from = i;
		/* Not asking while the message asks elsewhere: look before. */
		if (asks && (end >= len || memchr(text + end, '?',
		    len - end) == NULL) && from > 0) {
			end = from;
			continue;
		}
		return from;
	}
}

/* A story before the question has this many words at least, and the
 * question itself this many. */
#define STORY_WORDS	8
#define QUESTION_WORDS	3

/*
 * A story, then the question ("я пенсионерка, сын уехал, раньше он всё
 * делал… подскажите, как записаться к врачу"): the story's words dilute
 * the evidence until nothing is sure and the message goes to a person.
 * When that is why, the question alone is weighed, and answered if it is
 * sure by itself; the entities stay the whole message's.
 */
static void
weigh_last_question(struct classify_ctx *x, const char *text, size_t len,
    struct verdict *v)
{
	struct verdict	w;
	size_t		from;

	if (v->action != ACTION_HANDOFF || v->person ||
	    v->reason == NULL || strcmp(v->reason, REASON_NOT_CONFIDENT) != 0 ||
	    len > LIMIT_CLASSIFY_BYTES)
		return;
	if ((from = last_question(text, len)) == 0 ||
	    count_words(text, from, STORY_WORDS) < STORY_WORDS ||
	    count_words(text + from, len - from, QUESTION_WORDS) <
	    QUESTION_WORDS)
		return;
	classify_skip(x, text + from, len - from, (size_t)-1, &w);
	if (w.action != ACTION_ANSWER)
		return;
	w.entities = v->entities;
	w.lang = v->lang;
	w.reason = "the question after a story";
	*v = w;
}

void
classify(struct classify_ctx *x, const char *text, size_t len,
    struct verdict *v)
{
	classify_skip(x, text, len, (size_t)-1, v);
	weigh_last_question(x, text, len, v);
}

void
classify_trace(const struct classify_ctx *x, struct classify_trace *t)
{
	t->match = x->seen != NULL ? x->seen : "";
	t->match_len = x->seen_len;
	t->small_talk = x->small_talk;
	t->lead = x->lead + x->tail <= x->seen_len ? x->lead : 0;
	t->tail = x->lead + x->tail <= x->seen_len ? x->tail : 0;
	t->rules = x->rr.score;
	t->vetoed = x->rr.vetoed;
	t->example = x->er.example;
	t->example2 = x->er.example2;
	t->article = x->er.article;
	t->score = x->score;
	t->prob = x->prob;
	t->n = x->c->ncats;
}

const struct rules *
classifier_rules(const struct classifier *c)
{
	return c->rules;
}
