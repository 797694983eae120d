/*
 * The calibration's arithmetic: the expected calibration error of tables
 * worked out by hand, the count of sure answers that were wrong, a mapping
 * that never gets less sure with more evidence (in the file and in the
 * fit), a fit that finds a known logistic law and says as many answers
 * right on average as were right, and a file whose mistakes name their
 * line.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intents/calib.h"

Suite	*calib_suite(void);

static char	errbuf[1024];
static size_t	nerrs;

static void
collect(void *arg, const char *msg)
{
	size_t	len = strlen(errbuf);

	(void)arg;
	snprintf(errbuf + len, sizeof(errbuf) - len, "%s\n", msg);
	nerrs++;
}

static int
parse(const char *text, struct calib *cal)
{
	errbuf[0] = '\0';
	nerrs = 0;
	return calib_parse("calib.def", text, strlen(text), cal, collect,
	    NULL);
}

START_TEST(ece_of_a_known_table)
{
	struct calib_table	t;
	size_t			i;

	memset(&t, 0, sizeof(t));
	/* Ten at 0.95 with nine right: a gap of 0.05.  Ten at 0.25 with
	 * five right: a gap of 0.25.  ECE = (10 * 0.05 + 10 * 0.25) / 20. */
	for (i = 0; i < 10; i++)
		calib_table_add(&t, 0.95, i < 9, 1, i >= 9);
	for (i = 0; i < 10; i++)
		calib_table_add(&t, 0.25, i < 5, 0, 0);
	ck_assert_uint_eq(t.total, 20);
	ck_assert_uint_eq(t.n[9], 10);
	ck_assert_uint_eq(t.n[2], 10);
	ck_assert_msg(fabs(calib_ece(&t) - 0.15) < 1e-9, "ECE %f",
	    calib_ece(&t));
	/* Of the ten sure answers, one was wrong. */
	ck_assert_uint_eq(t.sure_answers, 10);
	ck_assert_uint_eq(t.sure_wrong, 1);
}
END_TEST

START_TEST(ece_is_zero_when_confidence_is_accuracy)
{
	struct calib_table	t;
	size_t			i;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < 4; i++)
		calib_table_add(&t, 0.75, i < 3, 1, i >= 3);
	for (i = 0; i < 5; i++)
		calib_table_add(&t, 0.4, i < 2, 0, 0);
	ck_assert_msg(calib_ece(&t) < 1e-9, "ECE %f", calib_ece(&t));
	/* Answers below 0.9 are not sure answers. */
	ck_assert_uint_eq(t.sure_answers, 0);
	memset(&t, 0, sizeof(t));
	ck_assert(calib_ece(&t) == 0);
}
END_TEST

START_TEST(confidence_one_falls_in_the_last_bin)
{
	struct calib_table	t;

	memset(&t, 0, sizeof(t));
	calib_table_add(&t, 1.0, 1, 1, 0);
	calib_table_add(&t, 0.0, 0, 0, 0);
	calib_table_add(&t, NAN, 0, 0, 0);
	ck_assert_uint_eq(t.n[CALIB_BINS - 1], 1);
	ck_assert_uint_eq(t.n[0], 2);
	ck_assert_msg(calib_ece(&t) < 1e-9, "ECE %f", calib_ece(&t));
}
END_TEST

START_TEST(more_evidence_is_never_less_sure)
{
	struct calib	cal;
	double		f[CALIB_NFEATURES], p, q, v;
	size_t		k;

	ck_assert_int_eq(parse("# fitted\nbias -1.5\nrules 0.8\nmodel 1.2\n"
	    "agree 0.3\nfired 0\nexample 2\nrescued 0.1\n", &cal), 0);
	ck_assert(cal.loaded);
	/* Each feature from low to high, the others fixed: the probability
	 * rises or stays, and stays inside (0, 1). */
	for (k = 0; k < CALIB_NFEATURES; k++) {
		memset(f, 0, sizeof(f));
		f[k] = -9;
		p = calib_prob(&cal, f);
		for (v = -9; v <= 9; v += 0.5) {
			f[k] = v;
			q = calib_prob(&cal, f);
			ck_assert_msg(q >= p, "%s: %f at %f after %f",
			    calib_feature_names[k], q, v, p);
			ck_assert(q > 0 && q < 1);
			p = q;
		}
	}
	/* The logit is monotone too, and finite at 0 and 1. */
	ck_assert(calib_logit(0) < calib_logit(0.5));
	ck_assert(calib_logit(0.5) == 0);
	ck_assert(calib_logit(0.99) < calib_logit(1));
	ck_assert(isfinite(calib_logit(1)) && isfinite(calib_logit(NAN)));
}
END_TEST

START_TEST(a_weight_below_zero_is_refused_with_its_line)
{
	struct calib	cal;

	ck_assert_int_eq(parse("bias 1\n\nmodel -0.5\n", &cal), -1);
	ck_assert(!cal.loaded);
	ck_assert_msg(strstr(errbuf, "calib.def:3: a weight below zero") !=
	    NULL, "%s", errbuf);
}
END_TEST

START_TEST(file_mistakes_name_their_line)
{
	struct calib	cal;

	ck_assert_int_eq(parse("bias 1\nwisdom 2\n", &cal), -1);
	ck_assert_msg(strstr(errbuf, "calib.def:2: unknown name") != NULL,
	    "%s", errbuf);
	ck_assert_int_eq(parse("bias 1\nrules 1\nrules 2\n", &cal), -1);
	ck_assert_msg(strstr(errbuf, "calib.def:3: given twice") != NULL,
	    "%s", errbuf);
	ck_assert_int_eq(parse("bias one\n", &cal), -1);
	ck_assert_msg(strstr(errbuf, "calib.def:1: not a number") != NULL,
	    "%s", errbuf);
	ck_assert_int_eq(parse("bias 1e999\n", &cal), -1);
	ck_assert_int_eq(parse("bias nan\n", &cal), -1);
	ck_assert_int_eq(parse("bias 1\nrules 5000\n", &cal), -1);
	ck_assert_msg(strstr(errbuf, "calib.def:2: a number that large") !=
	    NULL, "%s", errbuf);
	ck_assert_int_eq(parse("rules 1\n", &cal), -1);
	ck_assert_msg(strstr(errbuf, "no bias line") != NULL, "%s", errbuf);
	/* Comments, blank lines, CRLF and spaces are fine. */
	ck_assert_int_eq(parse("# x\r\n\r\n  bias  -0.25 \r\nagree\t1\r\n",
	    &cal), 0);
	ck_assert(cal.bias == -0.25 && cal.w[CALIB_AGREE] == 1);
}
END_TEST

/* Rows whose outcome follows P = sigmoid(-1 + 2 * rules) exactly: at each
 * of 21 values of the feature, 100 rows of which round(100 * P) right. */
static size_t
lawful_rows(double *x, unsigned char *y)
{
	size_t	n = 0, i, j, right;
	double	v, p;

	for (i = 0; i <= 20; i++) {
		v = -2 + 0.2 * (double)i;
		p = 1 / (1 + exp(-(-1 + 2 * v)));
		right = (size_t)lround(100 * p);
		for (j = 0; j < 100; j++, n++) {
			memset(x + n * CALIB_NFEATURES, 0,
			    CALIB_NFEATURES * sizeof(*x));
			x[n * CALIB_NFEATURES + CALIB_RULES] = v;
			/* A feature that goes against being right. */
			x[n * CALIB_NFEATURES + CALIB_EXAMPLE] = j < right ?
			    0 : 1;
			y[n] = j < right;
		}
	}
	return n;
}

START_TEST(fit_finds_a_known_law_and_holds_a_contrary_weight_at_zero)
{
	static double		x[2100 * CALIB_NFEATURES];
	static unsigned char	y[2100];
	struct calib		cal;
	const char		*why;
	double			sp = 0;
	size_t			n, i, right = 0;

	n = lawful_rows(x, y);
	/* Without the contrary feature, the law itself comes back. */
	for (i = 0; i < n; i++)
		x[i * CALIB_NFEATURES + CALIB_EXAMPLE] = 0;
	ck_assert_int_eq(calib_fit(x, y, n, 0.01, &cal, &why), 0);
	ck_assert_msg(fabs(cal.bias + 1) < 0.05 &&
	    fabs(cal.w[CALIB_RULES] - 2) < 0.1, "bias %f rules %f", cal.bias,
	    cal.w[CALIB_RULES]);
	/* As many right on average as there were (a logistic fit with a
	 * bias is calibrated in the large on what it was fitted on). */
	for (i = 0; i < n; i++) {
		sp += calib_prob(&cal, x + i * CALIB_NFEATURES);
		right += y[i];
	}
	ck_assert_msg(fabs(sp - (double)right) < 0.5, "%f vs %zu", sp, right);
	/* A feature that says "wrong" would want a weight below zero: it
	 * is held at zero, so the mapping stays monotone. */
	n = lawful_rows(x, y);
	ck_assert_int_eq(calib_fit(x, y, n, 1, &cal, &why), 0);
	ck_assert(cal.w[CALIB_EXAMPLE] == 0);
	for (i = 0; i < CALIB_NFEATURES; i++)
		ck_assert(cal.w[i] >= 0);
	ck_assert(cal.w[CALIB_RULES] > 0);
}
END_TEST

START_TEST(fit_refuses_data_that_say_nothing)
{
	double		x[3 * CALIB_NFEATURES];
	unsigned char	y[3] = { 1, 1, 1 };
	struct calib	cal;
	const char	*why = NULL;

	memset(x, 0, sizeof(x));
	ck_assert_int_eq(calib_fit(x, y, 3, 1, &cal, &why), -1);
	ck_assert_ptr_nonnull(why);
	ck_assert_int_eq(calib_fit(x, y, 0, 1, &cal, &why), -1);
}
END_TEST

START_TEST(written_file_reads_back)
{
	struct calib	cal, back;
	char		*buf = NULL;
	size_t		len = 0, k;
	FILE		*fp;

	memset(&cal, 0, sizeof(cal));
	cal.bias = -0.123456;
	for (k = 0; k < CALIB_NFEATURES; k++)
		cal.w[k] = 0.5 * (double)k;
	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	calib_write(&cal, "# test\n", fp);
	fclose(fp);
	ck_assert_int_eq(parse(buf, &back), 0);
	ck_assert(back.bias == cal.bias);
	for (k = 0; k < CALIB_NFEATURES; k++)
		ck_assert(back.w[k] == cal.w[k]);
	free(buf);
}
END_TEST

Suite *
calib_suite(void)
{
	Suite	*s = suite_create("calib");
	TCase	*tc = tcase_create("core");

	/* Fits and trainings: a bound on a hang, not a speed (Check's 4 s
	 * default ran out under ASan on a loaded machine). */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, ece_of_a_known_table);
	tcase_add_test(tc, ece_is_zero_when_confidence_is_accuracy);
	tcase_add_test(tc, confidence_one_falls_in_the_last_bin);
	tcase_add_test(tc, more_evidence_is_never_less_sure);
	tcase_add_test(tc, a_weight_below_zero_is_refused_with_its_line);
	tcase_add_test(tc, file_mistakes_name_their_line);
	tcase_add_test(tc,
	    fit_finds_a_known_law_and_holds_a_contrary_weight_at_zero);
	tcase_add_test(tc, fit_refuses_data_that_say_nothing);
	tcase_add_test(tc, written_file_reads_back);
	suite_add_tcase(s, tc);
	return s;
}
