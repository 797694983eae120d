/*
 * Calibrated confidence: the confidence printed with a decision is the
 * probability that its category is the right one.  The evidence the
 * classifier already weighs (the rules' softmax, the learned second
 * opinion, whether the two agree, whether a rule fired, the closest
 * example, whether the service rescued an unsure message) goes through a
 * small logistic regression whose few weights are fitted on held-out
 * labelled messages by `hotline intents calibrate` and kept beside the
 * taxonomy in intents/calib.def.  Every weight but the bias is held at or
 * above zero, so more evidence never lowers the probability (the mapping is
 * monotone in each feature).  A reliability table (bins of confidence:
 * count, mean confidence, accuracy) and its expected calibration error say
 * whether the numbers mean what they say.
 */
#ifndef INTENTS_CALIB_H
#define INTENTS_CALIB_H

#include <stddef.h>
#include <stdio.h>

#include "intents/deffile.h"

/* What the calibration weighs, each oriented so that more is surer. */
enum calib_feature {
	CALIB_RULES,	/* logit of the rules' softmax for the category */
	CALIB_MODEL,	/* logit of the second opinion's probability */
	CALIB_AGREE,	/* 1: the second opinion's best is the category */
	CALIB_FIRED,	/* 1: a rule of the category matched */
	CALIB_EXAMPLE,	/* full-text similarity of its closest example */
	CALIB_RESCUED,	/* 1: an unsure message answered with the article
			   of the one service it is clearly about */
	CALIB_TOPIC,	/* that service's evidence (0 unless rescued) */
	CALIB_PERSON,	/* 1: a person takes it for what person.def names
			   (a fraud, a leak, a letter, a call back) */
	CALIB_NFEATURES
};

extern const char *const calib_feature_names[CALIB_NFEATURES];

struct calib {
	double	bias;
	double	w[CALIB_NFEATURES];
	int	loaded;		/* 0: no calib.def, confidences are the
				   rules' softmax as they were */
};

/* The logit of p, clipped to a range the softmax's 0 and 1 stay inside. */
double	calib_logit(double p);

/* P(the category is right) for features f[CALIB_NFEATURES]. */
double	calib_prob(const struct calib *, const double *f);

/*
 * Parses calib.def (name, buf[0..len)): `# comments` and lines `bias X`
 * or `FEATURE X` with a finite number, each name once; a feature weight
 * must be >= 0.  Problems go to err as "name:line: reason"; returns 0, or
 * -1 when there was any (cal is then left unloaded).
 */
int	calib_parse(const char *name, const char *buf, size_t len,
	    struct calib *cal, def_error_fn err, void *arg);

/*
 * Fits cal on n rows of features x[i * CALIB_NFEATURES + k] and outcomes
 * y[i] (1 right, 0 wrong) by Newton's method with an L2 penalty l2 on the
 * weights (not the bias); weights that would go below zero are held at
 * zero.  Returns 0, or -1 with a static *errstr_r (no rows, or all of one
 * outcome, which says nothing about what makes an answer wrong).
 */
int	calib_fit(const double *x, const unsigned char *y, size_t n,
	    double l2, struct calib *cal, const char **errstr_r);

/* Writes cal in calib.def's format after the comment lines in head. */
void	calib_write(const struct calib *, const char *head, FILE *);

/*
 * Reads the calibration at path (calibrate.c).  No file is no calibration
 * (0, cal unloaded: confidences stay the rules' softmax and answer_min is
 * not applied); a file that cannot be read or parsed is -1, its problems
 * reported to err.
 */
int	calib_read(const char *path, struct calib *cal, def_error_fn err,
	    void *arg);

/* The features of the last classify() on a context, for fitting. */
struct classify_ctx;
void	calib_features_last(const struct classify_ctx *, double *f);

#define CALIB_BINS	10

/* A reliability table: decisions binned by their confidence. */
struct calib_table {
	size_t	n[CALIB_BINS];
	double	conf[CALIB_BINS];	/* sum of confidences */
	size_t	right[CALIB_BINS];
	size_t	total;
	size_t	sure_answers;		/* answers at confidence >= 0.9 */
	size_t	sure_wrong;		/* … that were wrong */
};

/* Adds one decision of confidence p; right: its category was right;
 * answered (and wrong: the scorer's wrong answer) for the sure-answer
 * count. */
void	calib_table_add(struct calib_table *, double p, int right,
	    int answered, int wrong);

/* Expected calibration error: the items' share of each bin times the gap
 * between the bin's mean confidence and its accuracy, summed. */
double	calib_ece(const struct calib_table *);

/* Prints the table, the ECE and the sure answers' wrong share. */
void	calib_table_print(const struct calib_table *, FILE *);

#endif
