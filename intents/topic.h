/*
 * Which service a message is about.  The category says what kind of
 * request a message is; the topic (an id of intents/topics.json) says which
 * of the portal's services it concerns, and so which service article
 * answers it.  The evidence is full text over the service articles: every
 * question an editor wrote under `questions:` is a document of its topic,
 * and the article's title, tags and short answer are another.  A loaded
 * index is immutable and shared by all threads.
 */
#ifndef INTENTS_TOPIC_H
#define INTENTS_TOPIC_H

#include <stddef.h>

#include "intents/taxonomy.h"

struct article;
struct topic_index;
struct topic_scratch;

/* The knobs of the choice, from the configuration file. */
struct topic_config {
	double	min;		/* evidence needed to name a topic */
	double	margin;		/* lead over the runner-up needed, as a
				   share of the best one's evidence */
	double	clarify;	/* the runner-up's share of the best one's
				   evidence above which two services are
				   close enough to ask which was meant */
	double	rescue;		/* evidence at which a message the
				   categories were unsure of is answered
				   with the service's article */
	double	rescue_oos;	/* … even when the categories took it for
				   something outside the portal */
	double	record_min;	/* evidence to record a service on a
				   request it does not answer */
	double	far;	/* evidence at which one service, far ahead of
				   the next, overrules a category that ignores
				   services ("очередь в садик") */
	double	far_share;	/* "far ahead": the next one's share of the
				   best's evidence at most this */
	double	strong;		/* evidence of a service far ahead that
				   overrules the second opinion's "outside
				   the portal" */
	double	lead_min;	/* evidence of a service far ahead at which a
				   category that leads with its own answer
				   (an error, a login problem) adds the
				   service's section for the citizen */
	double	keep_kind;	/* the categories' confidence in a kind of
				   service request at which a rescued
				   message keeps it */
};

void	topic_config_defaults(struct topic_config *);

/* What the evidence says about one message. */
struct topic_choice {
	int		 topic;		/* index in the topic list, -1 none */
	const char	*article;	/* its article id; borrowed */
	int		 rival;		/* a close second to ask about, or -1 */
	const char	*rival_article;
	double		 score;		/* the best topic's evidence, 0..~1 */
	double		 score2;	/* the runner-up's */
	int		 first, second;	/* the best and the runner-up, chosen
					   or not (for `intents why`), -1 */
};

/*
 * A builder over the topics (borrowed: they must outlive the index).
 * Add the service articles, then build.
 */
struct topic_index *topic_index_new(const struct taxonomy *topics,
	    const struct topic_config *);

/*
 * Adds service article a.  Returns 0, or -1 with a static *why when it
 * names a topic the list does not have.
 */
int	topic_index_add(struct topic_index *, const struct article *a,
	    const char **why);

/*
 * Adds normalised text[0..len) as a message about no particular service
 * (the categories' examples of login troubles, contacts, small talk...).
 */
void	topic_index_add_other(struct topic_index *, const char *text,
	    size_t len);

/*
 * The builder of the letter-level model, with what was added, taken from
 * the index so that it can be trained on the thread that trains the
 * categories' model; NULL when there are no service articles (no model is
 * needed then).
 */
struct intent_model_builder;
struct intent_model;
struct intent_model_builder *topic_index_take_builder(struct topic_index *);
/* Gives the index its trained model (taken over). */
void	topic_index_set_model(struct topic_index *, struct intent_model *);
/* Before building: words every service's questions may hold ("зайти в
 * личный кабинет") that are no evidence for any one service (see
 * evidence_neutral). */
void	topic_index_neutral(struct topic_index *, const char *words);

/* Indexes what was added.  Returns 0, or -1 with an allocated *errstr_r. */
int	topic_index_build(struct topic_index *, char **errstr_r);
void	topic_index_free(struct topic_index **);

/* Topics that have an article, and documents indexed. */
size_t	topic_index_topics(const struct topic_index *);
size_t	topic_index_docs(const struct topic_index *);

const struct taxonomy *topic_index_list(const struct topic_index *);

/* The index of the service articles' words (for intents/spell.c). */
const struct evidence *topic_index_evidence(const struct topic_index *);

/* The article id of topic t, or NULL when it has none. */
const char *topic_index_article(const struct topic_index *, int t);

/* Whether some service's article lists category id as its kind of
 * request (a licence, a benefit, a certificate). */
int	topic_index_is_kind(const struct topic_index *, const char *id);

/*
 * Whether category id fits topic t as the kind of request: the topic's
 * article lists it among its categories (a pension is services.benefits),
 * or no service article lists it (an aspect, such as documents or timing,
 * fits every service).  "СНИЛС новорождённому" is not a passport.
 */
int	topic_index_kind_fits(const struct topic_index *, int t,
	    const char *id);

/* Copies the first category topic t's article lists into buf (size
 * bytes).  Returns 0, or -1 when it lists none or it does not fit. */
int	topic_index_first_kind(const struct topic_index *, int t, char *buf,
	    size_t size);

struct topic_scratch *topic_scratch_new(const struct topic_index *);
void	topic_scratch_free(struct topic_scratch **);

/*
 * Weighs the words of a normalised message (q, from evidence_query_make)
 * and its letters (in, its features hashed for the model) against every
 * topic and fills *c.  skip leaves one document out of the full text
 * (leave-one-out checks), (size_t)-1 none.
 */
struct evidence_query;
struct intent_model_input;
void	topic_choose(const struct topic_index *, struct topic_scratch *,
	    const struct evidence_query *, const struct intent_model_input *in,
	    size_t skip, struct topic_choice *c);

/*
 * The same choice again, from the scores topic_choose left in the scratch,
 * among the services of request kind `kind` only (a category id their
 * articles list): "права" asked as a licence is the driving licence,
 * though "права собственности" makes the property extract nearly as
 * likely among all services.
 */
void	topic_choose_kind(const struct topic_index *,
	    const struct topic_scratch *, const char *kind,
	    struct topic_choice *c);

#endif
