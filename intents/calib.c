/*
 * The calibration's arithmetic (see calib.h): the monotone logistic map,
 * its file, its fit, and the reliability table.  Pure functions of their
 * arguments; the classifier's hook that feeds them is calibrate.c.
 *
 * Why a logistic regression over six features and not a table per
 * category or an isotonic map of one score: the held-out sets hold a few
 * hundred decisions with a handful of wrong ones, too few to fit more than
 * a few numbers without fitting their noise; six weights held at or above
 * zero cannot bend the wrong way where the data are thin.
 */
#include "intents/calib.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xmalloc.h"

const char *const calib_feature_names[CALIB_NFEATURES] = {
	"rules", "model", "agree", "fired", "example", "rescued", "topic",
	"person"
};

/* The softmax gives exactly 0 and 1; 1e-4 keeps the logit finite and
 * still tells 0.9999 from 0.99. */
#define CALIB_EPS	1e-4
/* The largest weight or bias a file may give: far beyond any fit (they
 * come out below 10), and small enough that a sum of six weighted
 * features never overflows to infinity or NaN. */
#define CALIB_MAX	1000
/* Newton's steps: six parameters converge in well under 30. */
#define CALIB_ITER	100

double
calib_logit(double p)
{
	if (!(p >= CALIB_EPS))
		p = CALIB_EPS;
	if (p > 1 - CALIB_EPS)
		p = 1 - CALIB_EPS;
	return log(p / (1 - p));
}

static double
sigmoid(double z)
{
	return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
}

double
calib_prob(const struct calib *cal, const double *f)
{
	double	z = cal->bias;
	size_t	k;

	for (k = 0; k < CALIB_NFEATURES; k++)
		z += cal->w[k] * f[k];
	return sigmoid(z);
}

/* Index of name in the features, CALIB_NFEATURES for the bias, -1. */
static int
param_index(const char *p, size_t len)
{
	size_t	k;

	if (len == 4 && memcmp(p, "bias", 4) == 0)
		return CALIB_NFEATURES;
	for (k = 0; k < CALIB_NFEATURES; k++)
		if (strlen(calib_feature_names[k]) == len &&
		    memcmp(calib_feature_names[k], p, len) == 0)
			return (int)k;
	return -1;
}

static void
perr(def_error_fn err, void *arg, const char *name, size_t line,
    const char *what, const char *word, size_t wlen)
{
	char	*msg;

	msg = xasprintf("%s:%zu: %s%s%.*s%s", name, line, what,
	    word != NULL ? " \"" : "", word != NULL ? (int)wlen : 0,
	    word != NULL ? word : "", word != NULL ? "\"" : "");
	if (err != NULL)
		err(arg, msg);
	free(msg);
}

/* A finite number filling s[0..len) exactly. */
static int
number(const char *s, size_t len, double *d_r)
{
	char	 buf[64], *end;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*d_r = strtod(buf, &end);
	if (errno != 0 || end != buf + len || !isfinite(*d_r))
		return -1;
	return 0;
}

int
calib_parse(const char *name, const char *buf, size_t len, struct calib *cal,
    def_error_fn err, void *arg)
{
	const char	*p = buf, *end = buf + len, *eol, *w, *v, *ve;
	unsigned char	 seen[CALIB_NFEATURES + 1];
	size_t		 line = 0, nerr = 0, wl;
	double		 d;
	int		 k;

	memset(cal, 0, sizeof(*cal));
	memset(seen, 0, sizeof(seen));
	for (; p < end; p = eol + 1) {
		line++;
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		for (w = p; w < eol && (*w == ' ' || *w == '\t'); w++)
			;
		if (w == eol || *w == '#' || (*w == '\r' && w + 1 == eol))
			continue;
		for (wl = 0; w + wl < eol && w[wl] != ' ' && w[wl] != '\t';
		    wl++)
			;
		for (v = w + wl; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		for (ve = eol; ve > v && (ve[-1] == ' ' || ve[-1] == '\t' ||
		    ve[-1] == '\r'); ve--)
			;
		if ((k = param_index(w, wl)) < 0) {
			perr(err, arg, name, line, "unknown name (bias, rules, "
			    "model, agree, fired, example, rescued, topic)", w,
			    wl > 40 ? 40 : wl);
			nerr++;
		} else if (seen[k]++) {
			perr(err, arg, name, line, "given twice:", w,
			    wl > 40 ? 40 : wl);
			nerr++;
		} else if (number(v, (size_t)(ve - v), &d) == -1) {
			perr(err, arg, name, line, "not a number (run "
			    "`hotline intents calibrate` to make this file)",
			    NULL, 0);
			nerr++;
		} else if (fabs(d) > CALIB_MAX) {
			perr(err, arg, name, line, "a number that large says "
			    "the fit went wrong (run `hotline intents "
			    "calibrate` again):", w, wl);
			nerr++;
		} else if (k < CALIB_NFEATURES && d < 0) {
			perr(err, arg, name, line, "a weight below zero would "
			    "make more evidence less sure:", w, wl);
			nerr++;
		} else if (k == CALIB_NFEATURES)
			cal->bias = d;
		else
			cal->w[k] = d;
	}
	if (nerr == 0 && !seen[CALIB_NFEATURES]) {
		perr(err, arg, name, line, "no bias line", NULL, 0);
		nerr++;
	}
	if (nerr > 0) {
		memset(cal, 0, sizeof(*cal));
		return -1;
	}
	cal->loaded = 1;
	return 0;
}

/* The penalised negative log-likelihood of the rows under cal. */
static double
loss(const double *x, const unsigned char *y, size_t n, double l2,
    const struct calib *cal)
{
	double	s = 0, p;
	size_t	i, k;

	for (i = 0; i < n; i++) {
		p = calib_prob(cal, x + i * CALIB_NFEATURES);
		s -= log(y[i] ? (p > 1e-300 ? p : 1e-300) :
		    (1 - p > 1e-300 ? 1 - p : 1e-300));
	}
	for (k = 0; k < CALIB_NFEATURES; k++)
		s += l2 / 2 * cal->w[k] * cal->w[k];
	return s;
}

/* Solves a[m][m] d = b in place by Gaussian elimination with partial
 * pivoting; returns -1 when a is singular. */
#define NP	(CALIB_NFEATURES + 1)
static int
solve(double a[NP][NP], double *b, size_t m)
{
	size_t	i, j, r, piv;
	double	t;

	for (i = 0; i < m; i++) {
		for (piv = i, r = i + 1; r < m; r++)
			if (fabs(a[r][i]) > fabs(a[piv][i]))
				piv = r;
		if (fabs(a[piv][i]) < 1e-12)
			return -1;
		if (piv != i) {
			for (j = 0; j < m; j++) {
				t = a[i][j];
				a[i][j] = a[piv][j];
				a[piv][j] = t;
			}
			t = b[i];
			b[i] = b[piv];
			b[piv] = t;
		}
		for (r = i + 1; r < m; r++) {
			t = a[r][i] / a[i][i];
			for (j = i; j < m; j++)
				a[r][j] -= t * a[i][j];
			b[r] -= t * b[i];
		}
	}
	for (i = m; i-- > 0;) {
		for (j = i + 1; j < m; j++)
			b[i] -= a[i][j] * b[j];
		b[i] /= a[i][i];
	}
	return 0;
}

/*
 * One projected Newton step over the bias and the free weights; a weight
 * that would go below zero is held at zero (and freed again when the
 * gradient pulls it up).  Returns the largest change.
 */
static double
newton_step(const double *x, const unsigned char *y, size_t n, double l2,
    struct calib *cal, unsigned char *held)
{
	double		 h[NP][NP], g[NP], gw[CALIB_NFEATURES], p, r, wt;
	double		 before, after, step, change = 0;
	struct calib	 old = *cal;
	size_t		 i, j, k, m, idx[NP];
	const double	*f;

	memset(gw, 0, sizeof(gw));
	for (k = 0; k < CALIB_NFEATURES; k++)
		gw[k] = l2 * cal->w[k];
	for (i = 0; i < n; i++) {
		f = x + i * CALIB_NFEATURES;
		r = calib_prob(cal, f) - y[i];
		for (k = 0; k < CALIB_NFEATURES; k++)
			gw[k] += r * f[k];
	}
	/* A held weight whose gradient says "up" is free again. */
	for (k = 0; k < CALIB_NFEATURES; k++)
		if (held[k] && gw[k] < 0)
			held[k] = 0;
	m = 0;
	idx[m++] = CALIB_NFEATURES;		/* the bias */
	for (k = 0; k < CALIB_NFEATURES; k++)
		if (!held[k])
			idx[m++] = k;
	memset(h, 0, sizeof(h));
	memset(g, 0, sizeof(g));
	for (i = 0; i < n; i++) {
		f = x + i * CALIB_NFEATURES;
		p = calib_prob(cal, f);
		wt = p * (1 - p);
		for (j = 0; j < m; j++) {
			double fj = idx[j] == CALIB_NFEATURES ? 1 : f[idx[j]];

			g[j] += (p - y[i]) * fj;
			for (k = 0; k < m; k++)
				h[j][k] += wt * fj * (idx[k] ==
				    CALIB_NFEATURES ? 1 : f[idx[k]]);
		}
	}
	for (j = 1; j < m; j++) {
		g[j] += l2 * cal->w[idx[j]];
		h[j][j] += l2;
	}
	if (solve(h, g, m) == -1)
		return 0;
	/* Halve the step until the loss goes down. */
	before = loss(x, y, n, l2, cal);
	for (step = 1; step > 1e-6; step /= 2) {
		*cal = old;
		for (j = 0; j < m; j++) {
			if (idx[j] == CALIB_NFEATURES)
				cal->bias -= step * g[j];
			else
				cal->w[idx[j]] -= step * g[j];
		}
		for (k = 0; k < CALIB_NFEATURES; k++)
			if (cal->w[k] < 0) {
				cal->w[k] = 0;
				held[k] = 1;
			}
		after = loss(x, y, n, l2, cal);
		if (after <= before)
			break;
	}
	if (step <= 1e-6) {
		*cal = old;
		return 0;
	}
	change = fabs(cal->bias - old.bias);
	for (k = 0; k < CALIB_NFEATURES; k++)
		if (fabs(cal->w[k] - old.w[k]) > change)
			change = fabs(cal->w[k] - old.w[k]);
	return change;
}

int
calib_fit(const double *x, const unsigned char *y, size_t n, double l2,
    struct calib *cal, const char **errstr_r)
{
	unsigned char	held[CALIB_NFEATURES];
	size_t		i, right = 0, it;

	for (i = 0; i < n; i++)
		right += y[i] != 0;
	if (n == 0 || right == 0 || right == n) {
		*errstr_r = n == 0 ? "no labelled decisions" : "every decision "
		    "was right (or every one wrong): nothing to learn from";
		return -1;
	}
	memset(cal, 0, sizeof(*cal));
	memset(held, 0, sizeof(held));
	cal->bias = calib_logit((double)right / (double)n);
	for (it = 0; it < CALIB_ITER; it++)
		if (newton_step(x, y, n, l2, cal, held) < 1e-9)
			break;
	cal->loaded = 1;
	return 0;
}

void
calib_write(const struct calib *cal, const char *head, FILE *fp)
{
	size_t	k;

	fputs(head, fp);
	fprintf(fp, "bias %.6f\n", cal->bias);
	for (k = 0; k < CALIB_NFEATURES; k++)
		fprintf(fp, "%s %.6f\n", calib_feature_names[k], cal->w[k]);
}

void
calib_table_add(struct calib_table *t, double p, int right, int answered,
    int wrong)
{
	size_t	b;

	if (!(p >= 0))
		p = 0;
	if (p > 1)
		p = 1;
	b = (size_t)(p * CALIB_BINS);
	if (b >= CALIB_BINS)
		b = CALIB_BINS - 1;
	t->n[b]++;
	t->conf[b] += p;
	t->right[b] += right != 0;
	t->total++;
	if (answered && p >= 0.9) {
		t->sure_answers++;
		t->sure_wrong += wrong != 0;
	}
}

double
calib_ece(const struct calib_table *t)
{
	double	e = 0;
	size_t	b;

	if (t->total == 0)
		return 0;
	for (b = 0; b < CALIB_BINS; b++)
		if (t->n[b] > 0)
			e += fabs(t->conf[b] - (double)t->right[b]) /
			    (double)t->total;
	return e;
}

void
calib_table_print(const struct calib_table *t, FILE *fp)
{
	size_t	b;

	fprintf(fp, "reliability (is the category right?):\n"
	    "  %-11s %5s %9s %9s\n", "confidence", "items", "mean conf",
	    "accuracy");
	for (b = 0; b < CALIB_BINS; b++) {
		if (t->n[b] == 0)
			continue;
		fprintf(fp, "  %.1f-%-7.1f %5zu %9.3f %9.3f\n",
		    (double)b / CALIB_BINS, (double)(b + 1) / CALIB_BINS,
		    t->n[b], t->conf[b] / (double)t->n[b],
		    (double)t->right[b] / (double)t->n[b]);
	}
	fprintf(fp, "expected calibration error: %.3f (%zu decisions)\n",
	    calib_ece(t), t->total);
	fprintf(fp, "answers at confidence >= 0.9: %zu, wrong %.1f%%\n",
	    t->sure_answers, t->sure_answers ? 100.0 *
	    (double)t->sure_wrong / (double)t->sure_answers : 0.0);
}
