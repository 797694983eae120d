/*
 * The explanation is built from what the classifier already computes: the
 * verdict, the trace of its last message (classify_trace) and, for the
 * lines that matched, every pattern run again on the same normalised text
 * without the prefilter (rules_explain).  Nothing here decides anything,
 * so what it prints is what the agent does.
 */
#include "intents/why.h"

#include <stdlib.h>
#include <string.h>

#include "intents/calib.h"
#include "intents/rules.h"
#include "kb/article.h"
#include "lib/text.h"

#define SOURCE_SHOWN	72	/* characters of a line's pattern shown */

struct hits {
	const struct taxonomy	*tax;
	FILE			*out;
	size_t			 n;
};

static void
print_hit(void *arg, size_t category, const struct def_pattern *p)
{
	struct hits	*h = arg;
	char		 what[32], buf[SOURCE_SHOWN * 4 + 8];

	switch (p->kind) {
	case DEF_RULE:
	case DEF_ONLY:
		snprintf(what, sizeof(what), "%s %d", def_kind_name(p->kind),
		    p->weight);
		break;
	case DEF_PRIORITY:
		snprintf(what, sizeof(what), "priority %s",
		    def_priority_name(p->priority));
		break;
	default:
		snprintf(what, sizeof(what), "%s", def_kind_name(p->kind));
		break;
	}
	fprintf(h->out, "  %-12s %-28s %s:%zu\n", what,
	    h->tax->items[category].id, p->file, p->line);
	fprintf(h->out, "  %12s %s\n", "",
	    text_shorten(p->source, SOURCE_SHOWN, buf, sizeof(buf)));
	h->n++;
}

/* Whether category i goes before j: more evidence first. */
static int
before(const struct classify_trace *t, size_t i, size_t j)
{
	if (t->score[i] != t->score[j])
		return t->score[i] > t->score[j];
	if (t->rules[i] != t->rules[j])
		return t->rules[i] > t->rules[j];
	return i < j;
}

static void
print_evidence(const struct taxonomy *tax, const struct classify_trace *t,
    FILE *out)
{
	size_t	*order, i, j, k, n = 0;

	order = calloc(t->n + 1, sizeof(*order));
	if (order == NULL)
		return;
	for (i = 0; i < t->n; i++)
		if (t->rules[i] > 0 || t->example[i] > 0 ||
		    t->article[i] > 0 || t->score[i] > 0)
			order[n++] = i;
	/* A few dozen categories: an insertion sort. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && before(t, order[j], order[j - 1]); j--) {
			k = order[j];
			order[j] = order[j - 1];
			order[j - 1] = k;
		}
	fprintf(out, "\nevidence (rules: sum of weights; FTS: similarity to "
	    "the best examples and article):\n");
	fprintf(out, "  %-28s %6s %8s %8s %8s %7s %6s\n", "category", "rules",
	    "example", "example2", "article", "score", "conf");
	for (i = 0; i < n; i++)
		fprintf(out, "  %-28s %6.1f %8.3f %8.3f %8.3f %7.3f %6.3f%s\n",
		    tax->items[order[i]].id, t->rules[order[i]],
		    t->example[order[i]], t->example2[order[i]],
		    t->article[order[i]], t->score[order[i]],
		    t->prob[order[i]], t->vetoed[order[i]] ?
		    "  ruled out" : "");
	if (n == 0)
		fprintf(out, "  (none: nothing in the message relates to any "
		    "category)\n");
	free(order);
}

static const char *
topic_id(const struct taxonomy *topics, int i)
{
	return i >= 0 && (size_t)i < topics->n ? topics->items[i].id : "-";
}

static void
print_decision(const struct classifier *c, const struct verdict *v,
    FILE *out)
{
	const struct taxonomy	*topics = classifier_topics(c);
	const char		*sep = "";
	size_t			 i;

	fprintf(out, "\ndecision:     %s %s (%s)\n", action_name(v->action),
	    v->intent != NULL ? v->intent : "-", v->reason != NULL ?
	    v->reason : "-");
	fprintf(out, "confidence:   %.3f (lead over the runner-up %.3f)\n",
	    v->confidence, v->margin);
	fprintf(out, "article:      %s\n", v->article != NULL &&
	    (v->action == ACTION_ANSWER || v->action == ACTION_DECLINE) ?
	    v->article : "-");
	fprintf(out, "topic:        %s (best %s %.3f, next %s %.3f)\n",
	    v->topic != NULL ? v->topic : "-", topic_id(topics, v->topic_first),
	    v->topic_score, topic_id(topics, v->topic_second),
	    v->topic_score2);
	if (v->topic_rival >= 0 && (size_t)v->topic_rival < topics->n)
		fprintf(out, "or topic:     %s\n",
		    topics->items[v->topic_rival].id);
	if (v->aspect >= 0)
		fprintf(out, "aspect:       %s\n",
		    article_section_name(v->aspect));
	fprintf(out, "priority:     %s\n", def_priority_name(v->priority) ?
	    def_priority_name(v->priority) : "-");
	fprintf(out, "request:      %s\n", v->register_request ?
	    "registered" : "no");
	fprintf(out, "language:     %s\n", lang_name(v->lang));
	fprintf(out, "entities:     ");
	for (i = 0; i < v->entities.count; i++) {
		if (v->entities.items[i].type == ENTITY_PASSPORT)
			continue;	/* never shown, as in the logs */
		fprintf(out, "%s%s=%s", sep,
		    entity_type_name(v->entities.items[i].type),
		    v->entities.items[i].value);
		sep = ", ";
	}
	fprintf(out, "%s\n", *sep == '\0' ? "-" : "");
}

/* What the calibrated confidence was made of (intents/calib.h). */
static void
print_calibration(const struct classifier *c, const struct classify_ctx *ctx,
    const struct verdict *v, FILE *out)
{
	double	f[CALIB_NFEATURES];
	size_t	k;

	if (v->category < 0)
		return;
	calib_features_last(ctx, f);
	fprintf(out, "calibration: ");
	for (k = 0; k < CALIB_NFEATURES; k++)
		fprintf(out, " %s %.3f", calib_feature_names[k], f[k]);
	fprintf(out, "\n              %s\n", classifier_calibrated(c) ?
	    "-> the confidence above (intents/calib.def)" :
	    "no intents/calib.def: the confidence is the rules' softmax");
}

void
why_print(const struct classifier *c, struct classify_ctx *ctx,
    const char *text, size_t len, struct verdict *v, FILE *out)
{
	struct classify_trace	 t;
	struct rules_scratch	*rs;
	struct hits		 h = { classifier_taxonomy(c), out, 0 };

	classify(ctx, text, len, v);
	classify_trace(ctx, &t);
	fprintf(out, "message:      %.*s\n", (int)len, text);
	fprintf(out, "normalised:   %.*s\n", (int)t.match_len, t.match);
	fprintf(out, "small talk:   %s\n", t.small_talk ? "yes, nothing "
	    "else: every other category is ruled out" : t.lead + t.tail > 0 ?
	    "around the question (the service is looked for in the question "
	    "alone)" : "no");
	if (t.lead + t.tail > 0)
		fprintf(out, "service from: %.*s\n",
		    (int)(t.match_len - t.lead - t.tail), t.match + t.lead);
	fprintf(out, "\nlines that matched (file order):\n");
	rs = rules_scratch_new(classifier_rules(c));
	rules_explain(classifier_rules(c), rs, t.match, t.match_len,
	    print_hit, &h);
	rules_scratch_free(&rs);
	if (h.n == 0)
		fprintf(out, "  (none)\n");
	print_evidence(classifier_taxonomy(c), &t, out);
	print_decision(c, v, out);
	print_calibration(c, ctx, v, out);
}
