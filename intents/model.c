/*
 * Features are hashed (FNV-1a) into MODEL_DIM buckets: each word, and each
 * character 3- and 4-gram of each word padded with spaces ("забыл" gives
 * " за", "заб", ..., "ыл "), so a typo or another ending still shares most
 * of a word's features.  Vectors count features and are scaled by the
 * square root of their number; the
 * regression is L2-regularised (LIBLINEAR's L2R_LR, one against the rest).
 */
#include "intents/model.h"

#include <linear.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/limits.h"
#include "lib/xmalloc.h"

/* 2^18 buckets: few collisions among the ~30,000 distinct features of a
 * few thousand examples, and a weight table of 2 MB per class at most. */
#define MODEL_DIM	(1 << 16)
/* Features of one message: a 4 KiB message has at most this many. */
#define MODEL_FEATURES	(LIMIT_CLASSIFY_BYTES * 3)
/* Regularisation: C 4 gives soft probabilities (0.37 on average for the
 * top class on dev) that never reach a veto; 30 is sharp enough (0.70,
 * accuracy 0.93 on dev); 100 begins to overfit the examples. */
#define MODEL_C		30.0

struct intent_model_builder {
	size_t			  nclasses;
	uint32_t		  dim;
	double			  c;
	struct feature_node	**x;
	double			 *y;
	size_t			  n;
	size_t			  cap;
};

struct intent_model {
	struct model	*m;
	size_t		 nclasses;
	uint32_t	 dim;
	int		*label_of;	/* [liblinear's index] = class */
};

static uint32_t
fnv(const char *p, size_t len, uint32_t seed)
{
	uint32_t	h = 2166136261u ^ seed;
	size_t		i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 16777619u;
	}
	return h;
}

/* The length of the UTF-8 character starting at *p (1 for a stray byte). */
static size_t
char_len(unsigned char c)
{
	return c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 :
	    (c >> 3) == 30 ? 4 : 1;
}

static int
is_sep(unsigned char c)
{
	return c < 0x80 && !(c >= 'a' && c <= 'z') && !(c >= '0' &&
	    c <= '9');
}

/* Room for the features of a message of len bytes: a word and at most
 * two n-grams start at each byte, plus the bias and the terminator. */
static size_t
room_for(size_t len)
{
	return (len * 3 < MODEL_FEATURES ? len * 3 : MODEL_FEATURES) + 2;
}

/*
 * The feature vector of text[0..len): written to out (room_for(len)
 * nodes), terminated by index -1, with a bias feature.  Returns the number
 * of nodes before the terminator.
 */
static size_t
features(const char *text, size_t len, uint32_t dim, struct feature_node *out)
{
	size_t		 cap = room_for(len) - 2;
	char		 w[LIMIT_TOKEN_BYTES + 2];
	size_t		 n = 0, i = 0, wl, k, o, pos[LIMIT_TOKEN_BYTES + 2];
	size_t		 npos, g, j;
	double		 norm;

	while (i < len && n + 16 < cap) {
		while (i < len && is_sep((unsigned char)text[i]))
			i++;
		wl = 1;
		w[0] = ' ';
		while (i < len && !is_sep((unsigned char)text[i])) {
			k = char_len((unsigned char)text[i]);
			if (i + k > len)
				k = len - i;
			if (wl + k < LIMIT_TOKEN_BYTES) {
				memcpy(w + wl, text + i, k);
				wl += k;
			}
			i += k;
		}
		if (wl == 1)
			continue;
		w[wl++] = ' ';
		out[n++].index = (int)(fnv(w, wl, 1) % dim) + 1;
		/* Character positions, for n-grams of whole characters. */
		for (npos = 0, o = 0; o < wl; o += char_len((unsigned char)w[o]))
			pos[npos++] = o;
		pos[npos] = wl;
		for (g = 3; g <= 4; g++)
			for (j = 0; j + g <= npos && n < cap; j++)
				out[n++].index = (int)(fnv(w + pos[j],
				    pos[j + g] - pos[j], (uint32_t)g) %
				    dim) + 1;
	}
	/* No sort and no merge of repeats: LIBLINEAR takes features in any
	 * order, and a repeated n-gram simply counts twice, in training as in
	 * prediction (sorting cost as much as the rest of the model). */
	norm = n > 0 ? 1 / sqrt((double)n + 1) : 1;
	for (i = 0; i < n; i++)
		out[i].value = norm;
	out[n].index = (int)dim + 1;	/* the bias */
	out[n].value = norm;
	out[n + 1].index = -1;
	return n + 1;
}

struct intent_model_builder *
intent_model_builder_new(size_t nclasses)
{
	struct intent_model_builder	*b;

	b = xcalloc(1, sizeof(*b));
	b->nclasses = nclasses;
	b->dim = MODEL_DIM;
	b->c = MODEL_C;
	return b;
}

void
intent_model_builder_shape(struct intent_model_builder *b, unsigned dim_bits,
    double c)
{
	/* Before the first example: its features are hashed to the size. */
	if (b->n == 0 && dim_bits >= 10 && dim_bits <= 20)
		b->dim = (uint32_t)1 << dim_bits;
	if (c > 0)
		b->c = c;
}

void
intent_model_add(struct intent_model_builder *b, size_t cls,
    const char *text, size_t len)
{
	struct feature_node	*tmp;
	size_t			 n;

	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1024;
		b->x = xreallocarray(b->x, b->cap, sizeof(*b->x));
		b->y = xreallocarray(b->y, b->cap, sizeof(*b->y));
	}
	if (len > LIMIT_CLASSIFY_BYTES)
		len = LIMIT_CLASSIFY_BYTES;
	tmp = xreallocarray(NULL, room_for(len), sizeof(*tmp));
	n = features(text, len, b->dim, tmp);
	b->x[b->n] = xreallocarray(NULL, n + 1, sizeof(*tmp));
	memcpy(b->x[b->n], tmp, (n + 1) * sizeof(*tmp));
	free(tmp);
	b->y[b->n] = (double)cls;
	b->n++;
}

void
intent_model_builder_free(struct intent_model_builder **bp)
{
	struct intent_model_builder	*b = *bp;
	size_t				 i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++)
		free(b->x[i]);
	free(b->x);
	free(b->y);
	free(b);
	*bp = NULL;
}

static void
quiet(const char *s)
{
	(void)s;
}

struct intent_model *
intent_model_train(struct intent_model_builder **bp, char **errstr_r)
{
	struct intent_model_builder	*b = *bp;
	struct intent_model		*im = NULL;
	struct problem			 prob;
	struct parameter		 param;
	const char			*why = NULL;
	int				 k;

	memset(&prob, 0, sizeof(prob));
	memset(&param, 0, sizeof(param));
	prob.l = (int)b->n;
	prob.n = (int)b->dim + 1;
	prob.x = b->x;
	prob.y = b->y;
	prob.bias = -1;		/* the bias is a feature of its own */
	param.solver_type = L2R_LR_DUAL;
	param.eps = 0.1;
	param.C = b->c;
	set_print_string_function(quiet);
	if (b->n < 2 || (why = check_parameter(&prob, &param)) != NULL) {
		*errstr_r = xasprintf("second opinion: %s", b->n < 2 ?
		    "fewer than two examples" : why);
		goto out;
	}
	im = xcalloc(1, sizeof(*im));
	im->nclasses = b->nclasses;
	im->dim = b->dim;
	im->m = train(&prob, &param);
	im->label_of = xcalloc((size_t)get_nr_class(im->m) + 1, sizeof(int));
	get_labels(im->m, im->label_of);
	for (k = 0; k < get_nr_class(im->m); k++)
		if (im->label_of[k] < 0 || (size_t)im->label_of[k] >=
		    im->nclasses)
			im->label_of[k] = -1;
out:
	intent_model_builder_free(bp);
	return im;
}

void
intent_model_free(struct intent_model **imp)
{
	struct intent_model	*im = *imp;

	if (im == NULL)
		return;
	free_and_destroy_model(&im->m);
	free(im->label_of);
	free(im);
	*imp = NULL;
}

void
intent_model_predict(const struct intent_model *im, const char *text,
    size_t len, double *prob)
{
	struct feature_node	*x;
	double			*p;
	int			 k, nr;

	memset(prob, 0, im->nclasses * sizeof(*prob));
	if (len > LIMIT_CLASSIFY_BYTES)
		len = LIMIT_CLASSIFY_BYTES;
	nr = get_nr_class(im->m);
	x = xreallocarray(NULL, room_for(len), sizeof(*x));
	p = xreallocarray(NULL, (size_t)nr + 1, sizeof(*p));
	features(text, len, im->dim, x);
	predict_probability(im->m, x, p);
	for (k = 0; k < nr; k++)
		if (im->label_of[k] >= 0)
			prob[im->label_of[k]] = p[k];
	free(p);
	free(x);
}
