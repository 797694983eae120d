/*
 * The scorer's rules, restated in C so that `hotline intents eval` needs no
 * Python and can print per-category detail: automation counts right
 * answers on expect=answer items; a wrong answer is an answer with the
 * wrong intent or an answer to something that expected a person or a
 * decline; clarify is neither.
 */
#include "intents/eval.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xmalloc.h"

struct item {
	char		*id;
	int		 gold;		/* taxonomy index, -1 unknown */
	enum action	 expect;
	int		 got;		/* taxonomy index, -1 none */
	enum action	 action;
	int		 prio_set;
	int		 prio_ok;
	size_t		 ent_tp, ent_fp, ent_fn;
};

struct eval {
	const struct taxonomy	*tax;
	struct item		*items;
	size_t			 n;
};

struct eval *
eval_new(const struct taxonomy *tax)
{
	struct eval	*e;

	e = xcalloc(1, sizeof(*e));
	e->tax = tax;
	return e;
}

void
eval_free(struct eval **ep)
{
	struct eval	*e = *ep;
	size_t		 i;

	if (e == NULL)
		return;
	for (i = 0; i < e->n; i++)
		free(e->items[i].id);
	free(e->items);
	free(e);
	*ep = NULL;
}

/* Lines of a that also occur in b. */
static size_t
common_lines(const char *a, const char *b)
{
	const char	*p = a, *e, *q, *qe;
	size_t		 n = 0, len;

	while (*p != '\0') {
		e = strchr(p, '\n');
		len = e ? (size_t)(e - p) : strlen(p);
		for (q = b; *q != '\0'; q = *qe ? qe + 1 : qe) {
			qe = strchr(q, '\n');
			if (qe == NULL)
				qe = q + strlen(q);
			if ((size_t)(qe - q) == len && len > 0 &&
			    memcmp(p, q, len) == 0) {
				n++;
				break;
			}
		}
		p = e ? e + 1 : p + len;
	}
	return n;
}

static size_t
count_lines(const char *s)
{
	size_t	n = 0;
	int	inl = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\n')
			inl = 0;
		else if (!inl) {
			inl = 1;
			n++;
		}
	}
	return n;
}

void
eval_add(struct eval *e, const char *id, const char *gold,
    const char *expect, const char *gold_priority, const char *gold_entities,
    const char *got_intent, enum action got_action, const char *got_priority,
    const char *got_entities)
{
	struct item	*it;
	size_t		 common;

	e->items = xreallocarray(e->items, e->n + 1, sizeof(*e->items));
	it = &e->items[e->n++];
	memset(it, 0, sizeof(*it));
	it->id = xstrdup(id);
	it->gold = gold ? taxonomy_index(e->tax, gold) : -1;
	if (expect == NULL || action_parse(expect, &it->expect) == -1)
		it->expect = it->gold >= 0 ? e->tax->items[it->gold].action :
		    ACTION_ANSWER;
	it->got = got_intent ? taxonomy_index(e->tax, got_intent) : -1;
	it->action = got_action;
	if (gold_priority != NULL) {
		it->prio_set = 1;
		it->prio_ok = got_priority != NULL &&
		    strcmp(gold_priority, got_priority) == 0;
	}
	common = common_lines(got_entities ? got_entities : "",
	    gold_entities ? gold_entities : "");
	it->ent_tp = common;
	it->ent_fp = count_lines(got_entities ? got_entities : "") - common;
	it->ent_fn = count_lines(gold_entities ? gold_entities : "") - common;
}

static double
ratio(size_t a, size_t b)
{
	return b ? (double)a / (double)b : 0;
}

void
eval_metrics(const struct eval *e, struct eval_metrics *m)
{
	size_t	 nans = 0, autom = 0, answers = 0, wrong = 0, nho = 0, ho = 0;
	size_t	 ndec = 0, held = 0, tp = 0, fp = 0, fn = 0, np = 0, pok = 0;
	size_t	 i;
	double	 prec, rec;
	const struct item *it;

	for (i = 0; i < e->n; i++) {
		it = &e->items[i];
		if (it->expect == ACTION_ANSWER) {
			nans++;
			if (it->action == ACTION_ANSWER && it->got == it->gold)
				autom++;
		} else if (it->expect == ACTION_HANDOFF) {
			nho++;
			if (it->action == ACTION_HANDOFF)
				ho++;
		} else if (it->expect == ACTION_DECLINE) {
			ndec++;
			if (it->action != ACTION_ANSWER)
				held++;
		}
		if (it->action == ACTION_ANSWER) {
			answers++;
			if (it->expect != ACTION_ANSWER || it->got != it->gold)
				wrong++;
		}
		tp += it->ent_tp;
		fp += it->ent_fp;
		fn += it->ent_fn;
		if (it->prio_set) {
			np++;
			pok += (size_t)it->prio_ok;
		}
	}
	m->automation = ratio(autom, nans);
	m->wrong = ratio(wrong, answers);
	m->handoff_recall = ratio(ho, nho);
	m->oos_held = ratio(held, ndec);
	prec = ratio(tp, tp + fp);
	rec = ratio(tp, tp + fn);
	m->entity_f1 = prec + rec > 0 ? 2 * prec * rec / (prec + rec) : 0;
	m->priority_acc = ratio(pok, np);
	m->n = e->n;
}

static int
cmp_confusion(const void *a, const void *b)
{
	const struct eval_confusion	*x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : 0;
}

void
eval_confusion_count(struct eval_confusion **c_r, size_t *n_r, int gold,
    int got)
{
	size_t	i;

	for (i = 0; i < *n_r; i++)
		if ((*c_r)[i].gold == gold && (*c_r)[i].got == got) {
			(*c_r)[i].n++;
			return;
		}
	*c_r = xreallocarray(*c_r, *n_r + 1, sizeof(**c_r));
	(*c_r)[*n_r].gold = gold;
	(*c_r)[*n_r].got = got;
	(*c_r)[*n_r].n = 1;
	(*n_r)++;
}

void
eval_confusions_print(struct eval_confusion *c, size_t n, const char *title,
    const char *const *ids, FILE *fp)
{
	size_t	i;

	if (n > 1)
		qsort(c, n, sizeof(*c), cmp_confusion);
	if (n > 0)
		fprintf(fp, "\n%s\n", title);
	for (i = 0; i < n && i < 10; i++)
		fprintf(fp, "  %3zu  %s -> %s\n", c[i].n, ids[c[i].gold],
		    ids[c[i].got]);
}

void
eval_report(const struct eval *e, FILE *fp)
{
	struct eval_metrics	 m;
	struct eval_confusion	*conf = NULL;
	const char		**ids;
	const struct item	*it;
	size_t			 nc = e->tax->n, i, nconf = 0;
	size_t			*gold_n, *right, *answered, *handed, *clar;

	eval_metrics(e, &m);
	gold_n = xcalloc(nc + 1, sizeof(size_t));
	right = xcalloc(nc + 1, sizeof(size_t));
	answered = xcalloc(nc + 1, sizeof(size_t));
	handed = xcalloc(nc + 1, sizeof(size_t));
	clar = xcalloc(nc + 1, sizeof(size_t));
	for (i = 0; i < e->n; i++) {
		it = &e->items[i];
		if (it->gold < 0)
			continue;
		gold_n[it->gold]++;
		if (it->action == ACTION_ANSWER && it->got >= 0)
			answered[it->got]++;
		if (it->got == it->gold && it->action == ACTION_ANSWER)
			right[it->gold]++;
		if (it->action == ACTION_HANDOFF)
			handed[it->gold]++;
		if (it->action == ACTION_CLARIFY)
			clar[it->gold]++;
		if (it->got >= 0 && it->got != it->gold &&
		    it->action == ACTION_ANSWER)
			eval_confusion_count(&conf, &nconf, it->gold, it->got);
	}
	fprintf(fp, "%-28s %5s %7s %7s %7s %7s\n", "category", "items",
	    "right", "wrong+", "handoff", "clarify");
	for (i = 0; i < nc; i++) {
		if (gold_n[i] == 0 && answered[i] == 0)
			continue;
		fprintf(fp, "%-28s %5zu %7zu %7zu %7zu %7zu\n",
		    e->tax->items[i].id, gold_n[i], right[i],
		    answered[i] - right[i], handed[i], clar[i]);
	}
	ids = xcalloc(nc + 1, sizeof(*ids));
	for (i = 0; i < nc; i++)
		ids[i] = e->tax->items[i].id;
	eval_confusions_print(conf, nconf, "worst confusions (expected -> "
	    "answered):", ids, fp);
	free(ids);
	fprintf(fp, "\nautomation=%.3f wrong=%.3f handoff_recall=%.3f "
	    "oos_held=%.3f entity_f1=%.3f priority_acc=%.3f n=%zu\n",
	    m.automation, m.wrong, m.handoff_recall, m.oos_held, m.entity_f1,
	    m.priority_acc, m.n);
	free(gold_n);
	free(right);
	free(answered);
	free(handed);
	free(clar);
	free(conf);
}
