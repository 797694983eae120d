/*
 * Understanding one message: normalise, find entities, match the editors'
 * rules, weigh the full-text evidence, and decide what to do with it:
 * answer, ask which of two categories was meant, hand off to a person, or
 * decline politely.  A loaded classifier is immutable and shared by all
 * threads; each thread classifies through its own struct classify_ctx.
 */
#ifndef INTENTS_CLASSIFIER_H
#define INTENTS_CLASSIFIER_H

#include <stddef.h>
#include <sqlite3.h>

#include "intents/deffile.h"
#include "intents/entities.h"
#include "intents/normalize.h"
#include "intents/taxonomy.h"
#include "intents/topic.h"

#define CLASSIFY_TOP	3

/* The knobs of the decision, from the configuration file. */
struct classifier_config {
	double	answer_min;	/* calibrated probability that the category
				   is right needed to answer (calib.h) */
	double	answer_sure;	/* ... at which the best of two close
				   candidates answers without asking */
	double	evidence_min;	/* the rules' softmax confidence in the best
				   category needed to consider answering */
	double	margin_min;	/* lead over the runner-up needed to answer */
	double	rival_max;	/* the runner-up's evidence, as a share of the
				   best one's, above which a message is taken
				   to be about two things */
	double	clarify_min;	/* the two best together, to ask which */
	double	decline_min;	/* out_of_scope confidence to decline */
	double	person_min;	/* rule weight of an explicit request for a
				   person that always hands off */
	double	temperature;	/* softness of confidence (smaller: sharper) */
	double	weak_yield;	/* another category's score at which a weak
				   one (greetings, thanks) gives way */
	double	w_rule;		/* weight of the rules' evidence */
	double	w_example;	/* … of the best example */
	double	w_example2;	/* … of the second best example */
	double	w_article;	/* … of the best article */
	double	model_veto;	/* the second opinion's probability of
				   another category at which a confident
				   answer is withheld (1: never) */
	struct topic_config topic;	/* choosing the service article */
	int	spelling;	/* mend typos (intents/spell.h) */
};

/* A confidence or score rounded to three decimals, for output: more
 * digits say nothing and make JSON lines long. */
double	classify_round3(double);

/* The defaults, tuned on the training examples (README has the figures). */
void	classifier_config_defaults(struct classifier_config *);

struct candidate {
	int	category;	/* taxonomy index */
	double	confidence;
	double	score;		/* the evidence before the softmax */
};

/* The reason of a citizen who speaks of not wanting to live (person.def
 * "distress"): the reply is a person's at once, and says where help is. */
#define VERDICT_REASON_DISTRESS	"a citizen in distress"

struct verdict {
	int			 category;	/* -1: none */
	const char		*intent;	/* id, or NULL; borrowed */
	const char		*article;	/* article id, or NULL; borrowed */
	const char		*lead_article;	/* the category's own article
						   answered before a service
						   article's section, or NULL;
						   borrowed */
	double			 confidence;	/* 0..1 */
	double			 margin;	/* lead over the runner-up */
	enum action		 action;
	const char		*reason;	/* why this action; static
						   (VERDICT_REASON_* are
						   compared by others) */
	int			 person;	/* 1: person.def decided it */
	struct candidate	 top[CLASSIFY_TOP];
	size_t			 ntop;
	const char		*topic;		/* service id, or NULL; borrowed */
	const char		*topic_article;	/* its article; borrowed */
	int			 topic_index;	/* in classifier_topics(), -1 */
	int			 topic_rival;	/* the other service asked about
						   (ACTION_CLARIFY), -1 */
	const char		*rival_article;	/* its article; borrowed */
	double			 topic_score;	/* the topic's evidence */
	double			 topic_score2;	/* the next topic's */
	int			 topic_first;	/* the best and the next topic */
	int			 topic_second;	/* whether chosen or not, -1 */
	int			 aspect;	/* SECTION_* asked about, -1 */
	int			 model_category; /* the second opinion, -1 */
	double			 model_confidence;
	int			 priority;	/* PRIORITY_*, incidents only */
	int			 register_request;
	enum lang		 lang;
	struct entity_list	 entities;
};

struct classifier;
struct classify_ctx;

/* Where the editors' files are.  The topics (topics.json) and the
 * aspects (aspects.def) are read from beside the taxonomy. */
struct classifier_paths {
	const char	*taxonomy;	/* intents/taxonomy.json */
	const char	*defs;		/* intents/defs */
	const char	*model_cache;	/* the second opinions' trained
					   weights (modelcache.h), or NULL:
					   train at every load */
};

/*
 * Loads the taxonomy, the category files and the articles of the knowledge
 * base in kbdb.  Every problem goes to err as "file:line: reason".
 * Returns a new classifier, or NULL when anything was wrong (nothing half
 * loaded is ever used).  Free with classifier_free().
 */
struct classifier *classifier_load(const struct classifier_paths *,
	    sqlite3 *kbdb, const struct classifier_config *,
	    def_error_fn err, void *arg);
void	classifier_free(struct classifier **);

const struct taxonomy	*classifier_taxonomy(const struct classifier *);
/* The services (intents/topics.json) and their index. */
const struct taxonomy	*classifier_topics(const struct classifier *);
const struct topic_index *classifier_topic_index(const struct classifier *);
const struct def_set	*classifier_defs(const struct classifier *);
/* Numbers for the load report: patterns compiled, documents indexed. */
size_t	classifier_patterns(const struct classifier *);
size_t	classifier_documents(const struct classifier *);
/* Service articles' documents in the topic index. */
size_t	classifier_topic_documents(const struct classifier *);

/* 1 when intents/calib.def was loaded: confidences are probabilities. */
int	classifier_calibrated(const struct classifier *);

struct classify_ctx *classify_ctx_new(const struct classifier *);
void	classify_ctx_free(struct classify_ctx **);

/*
 * Classifies text[0..len) (any bytes).  Fills *v, whose borrowed strings
 * live as long as the classifier.
 */
void	classify(struct classify_ctx *, const char *text, size_t len,
	    struct verdict *v);

/*
 * Whether v answers with the article of the service it names, not with a
 * general one that only records the service for the operator.
 */
int	verdict_answers_topic(const struct verdict *v);

/*
 * The same, leaving out evidence document skip (leave-one-out checks of
 * the examples); (size_t)-1 leaves out nothing.
 */
void	classify_skip(struct classify_ctx *, const char *text, size_t len,
	    size_t skip, struct verdict *v);

/* Document number of example i of category definition d, for skip. */
size_t	classifier_example_doc(const struct classifier *, size_t d,
	    size_t i);

/*
 * What the last classify() on a context saw and weighed, per category of
 * the taxonomy: for `intents why` and `intents check`.  Borrowed, valid
 * until the next classify() on that context.
 */
struct classify_trace {
	const char		*match;		/* the normalised text the
						   rules and FTS saw */
	size_t			 match_len;
	int			 small_talk;	/* nothing but small talk */
	size_t			 lead;		/* bytes of small talk match
						   starts with … */
	size_t			 tail;		/* … and ends with, which the
						   service is not looked for
						   in (rules_small_talk) */
	const double		*rules;		/* sum of rule weights */
	const unsigned char	*vetoed;	/* ruled out */
	const double		*example;	/* FTS: best example */
	const double		*example2;	/* … second best */
	const double		*article;	/* … best article */
	const double		*score;		/* the evidence weighed */
	const double		*prob;		/* confidence */
	size_t			 n;
};
void	classify_trace(const struct classify_ctx *, struct classify_trace *);

/* The compiled rules, to explain which lines matched (rules_explain). */
struct rules;
const struct rules *classifier_rules(const struct classifier *);

#endif
