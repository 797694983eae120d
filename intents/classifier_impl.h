/*
 * The classifier's insides, shared by its two files and nobody else:
 * classifier.c loads the editors' files and makes the category decision;
 * opinions.c adds what is said after it (the service a message is about,
 * the learned second opinion, and the messages that go to a person
 * whatever they ask).
 */
#ifndef INTENTS_CLASSIFIER_IMPL_H
#define INTENTS_CLASSIFIER_IMPL_H

#include "intents/aspect.h"
#include "intents/calib.h"
#include "intents/classifier.h"
#include "intents/evidence.h"
#include "intents/model.h"
#include "intents/rules.h"
#include "intents/spell.h"
#include "intents/topic.h"

#define ID_OPERATOR	"handoff.operator"
#define ID_OOS		"out_of_scope"
#define ID_HOWTO	"services.how_to"
#define ID_INCIDENT	"incident.report"
#define ID_GREETING	"smalltalk.greeting"
#define ID_THANKS	"smalltalk.thanks"
/* The list of words that say nothing about which service (lists.intent). */
#define LIST_TOPIC_NEUTRAL "topic_neutral"
#define REASON_DISAGREE	"the second opinion disagrees"
#define REASON_RESCUED	"clearly about one service"
#define REASON_CLOSE	"two close candidates"
#define REASON_NOT_CONFIDENT "not confident"
#define REASON_SURE	"sure once calibrated"

/* What person.def names: messages that are for a person, not an article,
 * whatever they are about (a letter from an organisation, a demand for a
 * call back, another person's data seen in one's account, a fraud, a
 * citizen in distress). */
enum { PERSON_ORGANISATION, PERSON_CALLBACK, PERSON_DATA_LEAK,
    PERSON_FRAUD, PERSON_DISTRESS, PERSON_COUNT };
extern const char *const classifier_person_names[PERSON_COUNT];

struct category {
	const char	*id;		/* taxonomy's */
	enum action	 action;
	const char	*article;	/* defs' */
	int		 register_request;
	int		 weak;
	int		 services;	/* DEF_SERVICES_* */
	int		 lead_section;	/* DEF_SERVICES_LEAD's section */
	int		 lead_far;	/* … for a service far ahead only */
	int		 def;		/* index in defs, -1 none */
};

struct classifier {
	struct classifier_config	 cfg;
	struct taxonomy			 tax;
	struct def_set			 defs;
	struct category			*cats;
	size_t				 ncats;
	struct rules			*rules;
	struct evidence			*ev;
	struct intent_model		*model;		/* second opinion */
	size_t				**example_doc;	/* [def][example] */
	struct taxonomy			 topics;
	struct topic_index		*ti;
	struct aspects			*aspects;
	struct aspects			*person;	/* person.def */
	int				 operator_cat;
	int				 oos_cat;
	int				 howto_cat;	/* a service question
							   of no known kind */
	int				 documents_cat;	/* … about documents */
	int				 catalog_cat;	/* what the portal offers */
	int				 greeting_cat;
	int				 thanks_cat;
	int				 deadlines_cat;	/* … about timing */
	struct calib			 calib;		/* calib.def */
	struct spell			*spell;		/* NULL: spelling 0 */
};

struct classify_ctx {
	const struct classifier		*c;
	struct rules_scratch		*rs;
	struct evidence_scratch		*es;
	struct topic_scratch		*ts;
	struct rules_result		 rr;
	struct stemmer			*stemmer;
	struct spell_scratch		*spell;
	struct aspects_scratch		*asp;		/* for c->aspects */
	struct aspects_scratch		*pers;		/* for c->person */
	struct evidence_query		 q;		/* the message's words */
	struct evidence_result		 er;
	double				*score;
	double				*prob;
	double				*mprob;		/* the model's */
	int				 small_talk;
	char				*seen;		/* the text the rules saw */
	size_t				 seen_len;
	size_t				 seen_cap;
	double				 calib_f[CALIB_NFEATURES];
	const char			*text;		/* what the rules saw */
	size_t				 text_len;
	struct intent_model_input	 mi;		/* text for the models …
							 */
	int				 mi_made;	/* … once asked */
	/* The service is looked for in the message without the small
	 * talk it starts or ends with (rules_small_talk): "Здравствуйте,
	 * подскажите, …", "…, заранее спасибо" are what every service's
	 * question may have, and they dilute their likeness.  The
	 * categories weigh it all: a greeting with little after it is
	 * still small talk. */
	const char			*content;	/* text + lead */
	size_t				 content_len;
	size_t				 lead;
	size_t				 tail;		/* "…, заранее спасибо" */
	struct evidence_query		 tq;		/* content's words … */
	struct intent_model_input	 tmi;		/* … and features */
	int				 t_made;	/* … once asked */
};

/* The message's features for the learned opinions, hashed on first use
 * and shared by both (opinions.c). */
const struct intent_model_input *model_input(struct classify_ctx *);

/* Makes cat (a taxonomy index, or -1) v's category, with its article. */
void	classifier_set_category(const struct classifier *, struct verdict *v,
	    int cat);

/* The second opinion, asked once per message (opinions.c). */
void	ask_model(struct classify_ctx *, const struct normalized *,
	    struct verdict *);
/* After the rules are sure of an answer: may withhold it (opinions.c). */
void	opinion_second(struct classify_ctx *, const struct normalized *,
	    struct verdict *);
/* The service the message is about, and what it changes. */
void	opinion_service(struct classify_ctx *, const struct normalized *,
	    struct verdict *);
/* Organisations, call-backs, another person's data: to a person. */
void	opinion_person(struct classify_ctx *, const struct normalized *,
	    struct verdict *);

/* The calibrated confidence of the final category, and the answers it
 * withholds (calibrate.c). */
void	calib_sure(struct classify_ctx *, const struct normalized *,
	    struct verdict *);
void	calib_verdict(struct classify_ctx *, const struct normalized *,
	    struct verdict *);

#endif
