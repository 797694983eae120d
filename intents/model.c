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
/* The solver and its stopping tolerance. */
#define MODEL_SOLVER	L2R_LR_DUAL
#define MODEL_EPS	0.1
#define MODEL_CLASSES	INTENT_MODEL_CLASSES

struct intent_model_builder {
	size_t			  nclasses;
	uint32_t		  dim;
	double			  c;
	struct feature_node	**x;
	double			 *y;
	size_t			  n;
	size_t			  cap;
};

/* Two doubles, added lane by lane (GCC's and Clang's vector extension):
 * SSE2 on any x86-64, two scalar operations elsewhere. */
typedef double v2d __attribute__((vector_size(16)));
/* Pairs of classes summed at once: 8 of the 16 SSE registers. */
#define BLOCK		8

struct intent_model {
	struct model	*m;
	size_t		 nclasses;
	uint32_t	 dim;
	int		*label_of;	/* [liblinear's index] = class */
	int		 nr_w;		/* weights per feature */
	/* The weights of the features training saw, row by row (LIBLINEAR's
	 * table without its rows of zeros: most of the 2^16 buckets of the
	 * categories' model are empty, and the rest fit in the caches). */
	uint32_t	*rowmap;	/* [bucket or bias] = row, or NO_ROW */
	double		*w;		/* [row * nr_w + class] */
};
#define NO_ROW		INTENT_MODEL_NO_ROW

static void	compact(struct intent_model *);

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
 * The hashes of the features of text[0..len), in order: written to out
 * (room_for(len) - 2 of them at most); returns how many.  A model's
 * feature is its hash's bucket, the hash modulo its dimension; the hashes
 * are the same for every model, so a message is hashed once for all
 * (struct intent_model_input).
 */
static size_t
hashes(const char *text, size_t len, uint32_t *out)
{
	size_t		 cap = room_for(len) - 2;
	char		 w[LIMIT_TOKEN_BYTES + 2];
	size_t		 n = 0, i = 0, wl, k, o, pos[LIMIT_TOKEN_BYTES + 2];
	size_t		 npos, g, j;

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
		out[n++] = fnv(w, wl, 1);
		/* Character positions, for n-grams of whole characters. */
		for (npos = 0, o = 0; o < wl; o += char_len((unsigned char)w[o]))
			pos[npos++] = o;
		pos[npos] = wl;
		for (g = 3; g <= 4; g++)
			for (j = 0; j + g <= npos && n < cap; j++)
				out[n++] = fnv(w + pos[j], pos[j + g] - pos[j],
				    (uint32_t)g);
	}
	return n;
}

/* Each feature's value: vectors are scaled by the square root of their
 * number of features (the bias included). */
static double
norm_of(size_t n)
{
	return n > 0 ? 1 / sqrt((double)n + 1) : 1;
}

/*
 * The feature vector of text[0..len): written to out (room_for(len)
 * nodes), terminated by index -1, with a bias feature.  Returns the number
 * of nodes before the terminator.
 */
static size_t
features(const char *text, size_t len, uint32_t dim, struct feature_node *out)
{
	uint32_t	*h;
	size_t		 n, i;
	double		 norm;

	h = xreallocarray(NULL, room_for(len), sizeof(*h));
	n = hashes(text, len, h);
	/* No sort and no merge of repeats: LIBLINEAR takes features in any
	 * order, and a repeated n-gram simply counts twice, in training as in
	 * prediction (sorting cost as much as the rest of the model).  dim is
	 * a power of two: a mask is the remainder. */
	norm = norm_of(n);
	for (i = 0; i < n; i++) {
		out[i].index = (int)(h[i] & (dim - 1)) + 1;
		out[i].value = norm;
	}
	free(h);
	out[n].index = (int)dim + 1;	/* the bias */
	out[n].value = norm;
	out[n + 1].index = -1;
	return n + 1;
}

void
intent_model_input_make(struct intent_model_input *in, const char *text,
    size_t len)
{
	if (len > LIMIT_CLASSIFY_BYTES)
		len = LIMIT_CLASSIFY_BYTES;
	if (room_for(len) > in->cap) {
		in->cap = room_for(len);
		in->hash = xreallocarray(in->hash, in->cap, sizeof(*in->hash));
	}
	in->n = hashes(text, len, in->hash);
	in->value = norm_of(in->n);
}

void
intent_model_input_release(struct intent_model_input *in)
{
	free(in->hash);
	memset(in, 0, sizeof(*in));
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
	param.solver_type = MODEL_SOLVER;
	param.eps = MODEL_EPS;
	param.C = b->c;
	set_print_string_function(quiet);
	if (b->nclasses > MODEL_CLASSES)
		why = "too many classes";
	if (b->n < 2 || why != NULL ||
	    (why = check_parameter(&prob, &param)) != NULL) {
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
	/* As predict_values() has it: one weight per class, but a single
	 * one for two classes. */
	im->nr_w = im->m->nr_class == 2 ? 1 : im->m->nr_class;
	compact(im);
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
	free(im->rowmap);
	free(im->w);
	free(im);
	*imp = NULL;
}

/*
 * LIBLINEAR's predict_probability() for a logistic regression, done here:
 * its predict_values() walks the features in order and adds each one's
 * weight times its value to every class, which is what this does, in the
 * same order and so to the same last bit; but a loop over classes the
 * compiler can vectorise (each class's sum is still one sequence of
 * additions) and no allocation per call.
 */
/*
 * Moves LIBLINEAR's weights into im's table of the rows that are not all
 * zero, and frees LIBLINEAR's.  A zero row adds only zeros to every sum,
 * which leaves each sum as it is (x + 0 = x, and +0 + -0 = +0): skipping
 * it changes no bit.
 */
static void
compact(struct intent_model *im)
{
	const double	*w = im->m->w;
	const size_t	 nr_w = (size_t)im->nr_w, nrows = (size_t)im->dim + 1;
	size_t		 r, k, n = 0;

	im->rowmap = xreallocarray(NULL, nrows, sizeof(*im->rowmap));
	for (r = 0; r < nrows; r++) {
		for (k = 0; k < nr_w && w[r * nr_w + k] == 0; k++)
			;
		im->rowmap[r] = k < nr_w ? (uint32_t)n++ : NO_ROW;
	}
	im->w = xreallocarray(NULL, n + 1, nr_w * sizeof(*im->w));
	for (r = 0; r < nrows; r++)
		if (im->rowmap[r] != NO_ROW)
			memcpy(im->w + (size_t)im->rowmap[r] * nr_w,
			    w + r * nr_w, nr_w * sizeof(*w));
	free(im->m->w);
	im->m->w = NULL;
}

static void
probabilities(const struct intent_model *im,
    const struct intent_model_input *in, double *dec)
{
	const double	*w = im->w, *row;
	const int	 nr_w = im->nr_w, nr_class = im->m->nr_class;
	const uint32_t	 mask = im->dim - 1;
	uint32_t	 r;
	const size_t	 nf = in->n + 1;	/* the bias last */
	const double	 v = in->value;
	const v2d	 vv = { v, v };
	double		 sum = 0;
	v2d		 acc[BLOCK], wv;
	size_t		 f;
	int		 i, b, k, nb;

	/* The row of feature f (its bucket's, or the bias's), if any. */
#define ROW(f) (r = im->rowmap[(f) < in->n ? in->hash[(f)] & mask : im->dim], \
	r == NO_ROW ? NULL : w + (size_t)r * (size_t)nr_w + b)
	/* Classes sixteen at a time, their sums in eight registers over all
	 * the features, then the rest; each class's sum still adds its
	 * features in their order. */
	for (b = 0; b + 2 * BLOCK <= nr_w; b += 2 * BLOCK) {
		v2d a0 = { 0, 0 }, a1 = a0, a2 = a0, a3 = a0, a4 = a0,
		    a5 = a0, a6 = a0, a7 = a0;

		for (f = 0; f < nf; f++) {
			if ((row = ROW(f)) == NULL)
				continue;
#define LANE(a, k) do {						\
	memcpy(&wv, row + 2 * (k), sizeof(wv));			\
	(a) += wv * vv;							\
} while (0)
			LANE(a0, 0); LANE(a1, 1); LANE(a2, 2); LANE(a3, 3);
			LANE(a4, 4); LANE(a5, 5); LANE(a6, 6); LANE(a7, 7);
#undef LANE
		}
		acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3;
		acc[4] = a4; acc[5] = a5; acc[6] = a6; acc[7] = a7;
		for (k = 0; k < BLOCK; k++) {
			dec[b + 2 * k] = acc[k][0];
			dec[b + 2 * k + 1] = acc[k][1];
		}
	}
	if (b < nr_w) {
		nb = (nr_w - b) / 2;
		for (k = 0; k < nb; k++)
			acc[k] = (v2d){ 0, 0 };
		if ((nr_w - b) % 2)
			dec[nr_w - 1] = 0;
		for (f = 0; f < nf; f++) {
			if ((row = ROW(f)) == NULL)
				continue;
			for (k = 0; k < nb; k++) {
				memcpy(&wv, row + 2 * k, sizeof(wv));
				acc[k] += wv * vv;
			}
			if ((nr_w - b) % 2)
				dec[nr_w - 1] += row[2 * nb] * v;
		}
		for (k = 0; k < nb; k++) {
			dec[b + 2 * k] = acc[k][0];
			dec[b + 2 * k + 1] = acc[k][1];
		}
	}
#undef ROW
	for (i = 0; i < nr_w; i++)
		dec[i] = 1 / (1 + exp(-dec[i]));
	if (nr_class == 2) {
		dec[1] = 1. - dec[0];
		return;
	}
	for (i = 0; i < nr_class; i++)
		sum += dec[i];
	/* Only weights no training makes (a crafted cache file) get every
	 * class to 0, where LIBLINEAR would divide 0 by 0. */
	if (!(sum > 0)) {
		for (i = 0; i < nr_class; i++)
			dec[i] = 1. / nr_class;
		return;
	}
	for (i = 0; i < nr_class; i++)
		dec[i] = dec[i] / sum;
}

void
intent_model_predict_input(const struct intent_model *im,
    const struct intent_model_input *in, double *prob)
{
	double	p[MODEL_CLASSES];
	int	k;

	memset(prob, 0, im->nclasses * sizeof(*prob));
	probabilities(im, in, p);
	for (k = 0; k < im->m->nr_class; k++)
		if (im->label_of[k] >= 0)
			prob[im->label_of[k]] = p[k];
}

void
intent_model_predict(const struct intent_model *im, const char *text,
    size_t len, double *prob)
{
	struct intent_model_input	in;

	memset(&in, 0, sizeof(in));
	intent_model_input_make(&in, text, len);
	intent_model_predict_input(im, &in, prob);
	intent_model_input_release(&in);
}

void
intent_model_builder_digest(const struct intent_model_builder *b,
    void (*fn)(void *, const void *, size_t), void *arg)
{
	const struct feature_node	*f;
	unsigned char			*buf = NULL;
	size_t				 i, k, cap = 0, o;
	uint32_t			 head[4];
	double				 params[3];
	int32_t				 idx;

	head[0] = (uint32_t)b->nclasses;
	head[1] = b->dim;
	head[2] = (uint32_t)b->n;
	head[3] = (uint32_t)liblinear_version;
	params[0] = b->c;
	params[1] = MODEL_EPS;
	params[2] = MODEL_SOLVER;
	fn(arg, head, sizeof(head));
	fn(arg, params, sizeof(params));
	/* Each example whole, field by field (a feature_node has padding). */
	for (i = 0; i < b->n; i++) {
		for (k = 0; b->x[i][k].index != -1; k++)
			;
		if ((k + 1) * 12 + sizeof(double) > cap) {
			cap = (k + 1) * 12 + sizeof(double);
			buf = xreallocarray(buf, cap, 1);
		}
		memcpy(buf, &b->y[i], sizeof(double));
		o = sizeof(double);
		for (f = b->x[i]; ; f++) {
			idx = f->index;
			memcpy(buf + o, &idx, 4);
			o += 4;
			if (f->index == -1)
				break;
			memcpy(buf + o, &f->value, 8);
			o += 8;
		}
		fn(arg, buf, o);
	}
	free(buf);
}

size_t
intent_model_builder_classes(const struct intent_model_builder *b)
{
	return b->nclasses;
}

unsigned
intent_model_builder_dim(const struct intent_model_builder *b)
{
	return b->dim;
}

void
intent_model_parts(const struct intent_model *im,
    struct intent_model_parts *p)
{
	p->nclasses = im->nclasses;
	p->dim = im->dim;
	p->nr_class = im->m->nr_class;
	p->labels = im->m->label;
	p->w = NULL;		/* by rows: intent_model_row() */
	p->rowmap = NULL;
}

const double *
intent_model_row(const struct intent_model *im, size_t r)
{
	static const double	zeros[INTENT_MODEL_CLASSES];

	if (r > im->dim || im->rowmap[r] == NO_ROW)
		return zeros;
	return im->w + (size_t)im->rowmap[r] * (size_t)im->nr_w;
}

size_t
intent_model_parts_weights(unsigned dim, int nr_class)
{
	return ((size_t)dim + 1) * (size_t)(nr_class == 2 ? 1 : nr_class);
}

struct intent_model *
intent_model_from_parts(struct intent_model_parts *p)
{
	struct intent_model	*im;
	struct model		*m;
	int			 k;

	/* LIBLINEAR's model as its train() makes one: malloc'd, freed by
	 * free_and_destroy_model(). */
	m = xcalloc(1, sizeof(*m));
	m->param.solver_type = MODEL_SOLVER;
	m->param.eps = MODEL_EPS;
	m->nr_class = p->nr_class;
	m->nr_feature = (int)p->dim + 1;	/* the bias is a feature */
	m->w = p->rowmap == NULL ? p->w : NULL;
	m->label = p->labels;
	m->bias = -1;
	p->labels = NULL;
	im = xcalloc(1, sizeof(*im));
	im->m = m;
	im->nclasses = p->nclasses;
	im->dim = p->dim;
	im->label_of = xcalloc((size_t)m->nr_class + 1, sizeof(int));
	for (k = 0; k < m->nr_class; k++)
		im->label_of[k] = m->label[k] >= 0 && (size_t)m->label[k] <
		    im->nclasses ? m->label[k] : -1;
	im->nr_w = m->nr_class == 2 ? 1 : m->nr_class;
	if (p->rowmap != NULL) {
		/* Compacted as it was read. */
		im->rowmap = p->rowmap;
		im->w = p->w;
	} else
		compact(im);
	p->w = NULL;
	p->rowmap = NULL;
	return im;
}
