/*
 * A second opinion on the category: a logistic regression over the words
 * and character n-grams of a message, trained at load time on the
 * editors' examples with LIBLINEAR.  The rules say what editors meant;
 * the model says what the examples look like.  Where they disagree about
 * a confident answer, the agent asks or hands over instead of answering
 * (see classifier.c).  A trained model is immutable and shared by threads.
 */
#ifndef INTENTS_MODEL_H
#define INTENTS_MODEL_H

#include <stddef.h>

#include <stdint.h>

#include "lib/limits.h"

struct intent_model;
struct intent_model_builder;

/* At most this many classes (the categories and the topics are each
 * bounded by LIMIT_INTENTS, the topics' model has one more). */
#define INTENT_MODEL_CLASSES	(LIMIT_INTENTS + 1)

/* A builder for a model over nclasses classes. */
struct intent_model_builder *intent_model_builder_new(size_t nclasses);
/*
 * The size of the hashed feature space, 2^dim_bits (10..20), and the
 * regularisation C (> 0), for a model of another shape than the
 * categories' (2^16, 30).  Call before the first example.
 */
void	intent_model_builder_shape(struct intent_model_builder *,
	    unsigned dim_bits, double c);
/* Adds normalised text[0..len) as an example of class. */
void	intent_model_add(struct intent_model_builder *, size_t cls,
	    const char *text, size_t len);
/*
 * Trains and frees the builder.  Returns the model, or NULL with an
 * allocated *errstr_r (fewer than two classes have examples).
 */
struct intent_model *intent_model_train(struct intent_model_builder **,
	    char **errstr_r);
void	intent_model_free(struct intent_model **);
/* Frees a builder that will not be trained; NULL is fine. */
void	intent_model_builder_free(struct intent_model_builder **);

/*
 * The probability of each class for normalised text[0..len): prob has
 * room for nclasses; classes without examples get 0.
 */
void	intent_model_predict(const struct intent_model *, const char *text,
	    size_t len, double *prob);

/*
 * A message's features hashed once for every model that reads it (models
 * differ in how many buckets the hashes fall into): the classifier asks
 * two.  Zero it before the first intent_model_input_make; it keeps its
 * room from message to message.
 */
struct intent_model_input {
	uint32_t	*hash;		/* per feature, in order */
	size_t		 n;
	size_t		 cap;
	double		 value;		/* every feature's */
};
void	intent_model_input_make(struct intent_model_input *, const char *text,
	    size_t len);
void	intent_model_input_release(struct intent_model_input *);
/* intent_model_predict() of a message hashed already. */
void	intent_model_predict_input(const struct intent_model *,
	    const struct intent_model_input *, double *prob);

/*
 * For the weights cache (intents/modelcache.c).  What the training of a
 * builder depends on, fed to fn in pieces: its shape, its parameters,
 * LIBLINEAR's version and every example.
 */
void	intent_model_builder_digest(const struct intent_model_builder *,
	    void (*fn)(void *, const void *, size_t), void *arg);
size_t	intent_model_builder_classes(const struct intent_model_builder *);
unsigned intent_model_builder_dim(const struct intent_model_builder *);

/* A trained model's pieces: the classes LIBLINEAR saw (nr_class, their
 * labels) and its weights, intent_model_parts_weights() doubles; or, when
 * rowmap is set, only the rows that are not all zero (a cache read row by
 * row never holds the whole table: 21 MB, most of it zeros). */
struct intent_model_parts {
	size_t		 nclasses;	/* the builder's */
	unsigned	 dim;
	int		 nr_class;
	int		*labels;	/* [nr_class] */
	double		*w;
	uint32_t	*rowmap;	/* NULL: w is the whole table; else
					   [r] = w's row of row r, or
					   INTENT_MODEL_NO_ROW (zeros) */
};
#define INTENT_MODEL_NO_ROW	UINT32_MAX
/* The pieces of a model, borrowed; w is NULL: a trained model keeps its
 * weights by rows (r from 0 to dim, the bias last), nr_class of them, or
 * one for two classes. */
void	intent_model_parts(const struct intent_model *,
	    struct intent_model_parts *);
const double *intent_model_row(const struct intent_model *, size_t r);
size_t	intent_model_parts_weights(unsigned dim, int nr_class);
/*
 * A model of pieces the caller checked (labels, w and rowmap allocated
 * with malloc, of the sizes above; nr_class >= 2); takes them over.
 */
struct intent_model *intent_model_from_parts(struct intent_model_parts *);

#endif
