/*
 * Quality of the classifier on a labelled set, with the metrics of
 * spec/eval-format.md (the same rules as eval/score), a per-category table
 * and the worst confusions, so an editor sees what a change did.
 */
#ifndef INTENTS_EVAL_H
#define INTENTS_EVAL_H

#include <stdio.h>

#include "intents/taxonomy.h"

struct eval;

struct eval_metrics {
	double	automation;	/* expect=answer answered with the right intent */
	double	wrong;		/* answers whose intent or expect is wrong */
	double	handoff_recall;
	double	oos_held;
	double	entity_f1;
	double	priority_acc;
	size_t	n;
};

struct eval	*eval_new(const struct taxonomy *);
void		 eval_free(struct eval **);

/*
 * Adds one item: the gold intent, expect (NULL: the taxonomy's action) and
 * priority (NULL: none), and what the agent did.  Entity sets are
 * newline-separated "type=value" strings, each line once.
 */
void		 eval_add(struct eval *, const char *id, const char *gold,
		    const char *expect, const char *gold_priority,
		    const char *gold_entities, const char *got_intent,
		    enum action got_action, const char *got_priority,
		    const char *got_entities);

void		 eval_metrics(const struct eval *, struct eval_metrics *);

/* A confusion: items of one gold id answered as another, and how many. */
struct eval_confusion {
	int	gold;
	int	got;
	size_t	n;
};

/* Counts one (gold, got) in the growing array *c_r of *n_r pairs (free
 * it with free()); eval_confusions_print sorts them, most frequent first,
 * and prints at most ten as "  N  GOLD -> GOT" with names from ids. */
void		 eval_confusion_count(struct eval_confusion **c_r,
		    size_t *n_r, int gold, int got);
void		 eval_confusions_print(struct eval_confusion *c, size_t n,
		    const char *title, const char *const *ids, FILE *fp);

/* Writes the report: metrics, per-category table, worst confusions, and
 * last a line in the scorer's format. */
void		 eval_report(const struct eval *, FILE *);

#endif
