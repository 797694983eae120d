/*
 * The weights cache of the second opinions (intents/modelcache.c): models
 * read back from the file predict what the trained ones do, to the last
 * bit; other examples make another key; a file that is damaged, cut short,
 * of another shape or under another key is refused, and nothing is
 * loaded.  Real LIBLINEAR training on a few examples, real files.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intents/model.h"
#include "intents/modelcache.h"

Suite	*modelcache_suite(void);

static const char *const texts[][2] = {
	{ "0", "забыл пароль от госуслуг" },
	{ "0", "не могу войти пароль не подходит" },
	{ "0", "восстановить пароль" },
	{ "1", "справка о доходах" },
	{ "1", "как получить справку о несудимости" },
	{ "1", "справка для визы" },
	{ "2", "погода в москве" },
	{ "2", "курс доллара" },
};
#define NTEXTS	(sizeof(texts) / sizeof(texts[0]))

static const char *const asked[] = {
	"забыла пароль", "справку о доходах", "погода", "что-то другое", "",
};
#define NASKED	(sizeof(asked) / sizeof(asked[0]))

/* Three classes, or two (LIBLINEAR keeps one weight per feature then),
 * and the first example changed when other is set. */
static struct intent_model_builder *
builder(size_t nclasses, int other)
{
	struct intent_model_builder	*b;
	const char			*t;
	size_t				 i, cls;

	b = intent_model_builder_new(nclasses);
	intent_model_builder_shape(b, 10, 0);
	for (i = 0; i < NTEXTS; i++) {
		cls = (size_t)(texts[i][0][0] - '0');
		if (cls >= nclasses)
			cls = nclasses - 1;
		t = i == 0 && other ? "забыла пароль" : texts[i][1];
		intent_model_add(b, cls, t, strlen(t));
	}
	return b;
}

/* Trains a 3-class and a 2-class model; their key and shapes. */
static void
trained(struct intent_model **m, unsigned char *key,
    struct modelcache_shape *shape)
{
	struct intent_model_builder	*b[2];
	char				*err = NULL;

	b[0] = builder(3, 0);
	b[1] = builder(2, 0);
	modelcache_key(b, 2, key, shape);
	ck_assert_ptr_nonnull(m[0] = intent_model_train(&b[0], &err));
	ck_assert_ptr_nonnull(m[1] = intent_model_train(&b[1], &err));
}

/* The file written for m under key, in memory. */
static char *
written(struct intent_model **m, const unsigned char *key, size_t *len)
{
	FILE	*fp;
	char	*buf = NULL;

	ck_assert_ptr_nonnull(fp = open_memstream(&buf, len));
	ck_assert_int_eq(modelcache_write(fp, key, m, 2), 0);
	ck_assert_int_eq(fclose(fp), 0);
	return buf;
}

static int
read_back(const char *buf, size_t len, const unsigned char *key,
    const struct modelcache_shape *shape, struct intent_model **out,
    const char **why)
{
	FILE	*fp;
	int	 rc;

	ck_assert_ptr_nonnull(fp = fmemopen((void *)buf, len, "rb"));
	rc = modelcache_read(fp, key, shape, 2, out, why);
	fclose(fp);
	return rc;
}

START_TEST(read_back_predicts_the_same_bits)
{
	struct intent_model		*m[2], *r[2] = { NULL, NULL };
	struct modelcache_shape		 shape[2];
	unsigned char			 key[MODELCACHE_KEY_BYTES];
	double				 p[3], q[3];
	const char			*why = NULL;
	char				*buf;
	size_t				 len, i, k;

	trained(m, key, shape);
	buf = written(m, key, &len);
	ck_assert_int_eq(read_back(buf, len, key, shape, r, &why), 0);
	for (k = 0; k < 2; k++)
		for (i = 0; i < NASKED; i++) {
			intent_model_predict(m[k], asked[i], strlen(asked[i]),
			    p);
			intent_model_predict(r[k], asked[i], strlen(asked[i]),
			    q);
			ck_assert_mem_eq(p, q, (k == 0 ? 3 : 2) * sizeof(*p));
		}
	/* And the model learned something: a password question. */
	intent_model_predict(r[0], asked[0], strlen(asked[0]), q);
	ck_assert(q[0] > q[1] && q[0] > q[2]);
	for (k = 0; k < 2; k++) {
		intent_model_free(&m[k]);
		intent_model_free(&r[k]);
	}
	free(buf);
}
END_TEST

START_TEST(other_examples_make_another_key)
{
	struct intent_model_builder	*b[2], *c[2];
	struct modelcache_shape		 shape[2];
	unsigned char			 k1[MODELCACHE_KEY_BYTES];
	unsigned char			 k2[MODELCACHE_KEY_BYTES];
	unsigned char			 k3[MODELCACHE_KEY_BYTES];

	b[0] = builder(3, 0);
	b[1] = builder(2, 0);
	c[0] = builder(3, 1);
	c[1] = builder(2, 0);
	modelcache_key(b, 2, k1, shape);
	modelcache_key(c, 2, k2, shape);
	ck_assert(memcmp(k1, k2, sizeof(k1)) != 0);
	/* The same examples, the same key. */
	intent_model_builder_free(&c[0]);
	c[0] = builder(3, 0);
	modelcache_key(c, 2, k3, shape);
	ck_assert_mem_eq(k1, k3, sizeof(k1));
	intent_model_builder_free(&b[0]);
	intent_model_builder_free(&b[1]);
	intent_model_builder_free(&c[0]);
	intent_model_builder_free(&c[1]);
}
END_TEST

START_TEST(a_bad_file_is_refused_and_loads_nothing)
{
	struct intent_model		*m[2], *r[2] = { NULL, NULL };
	struct modelcache_shape		 shape[2], wrong[2];
	unsigned char			 key[MODELCACHE_KEY_BYTES];
	unsigned char			 other[MODELCACHE_KEY_BYTES];
	const char			*why;
	char				*buf;
	size_t				 len;

	trained(m, key, shape);
	buf = written(m, key, &len);
	/* Under another key: trained on other examples. */
	memcpy(other, key, sizeof(other));
	other[0] ^= 1;
	why = NULL;
	ck_assert_int_eq(read_back(buf, len, other, shape, r, &why), -1);
	ck_assert_str_eq(why, "trained on other examples");
	/* Cut short, anywhere. */
	ck_assert_int_eq(read_back(buf, len - 1, key, shape, r, &why), -1);
	ck_assert_int_eq(read_back(buf, len / 2, key, shape, r, &why), -1);
	ck_assert_str_eq(why, "truncated");
	/* One weight changed: the checksum. */
	buf[len / 2] ^= 0x40;
	ck_assert_int_eq(read_back(buf, len, key, shape, r, &why), -1);
	buf[len / 2] ^= 0x40;
	/* A byte too many. */
	{
		char	*longer = malloc(len + 1);

		memcpy(longer, buf, len);
		longer[len] = 0;
		ck_assert_int_eq(read_back(longer, len + 1, key, shape, r,
		    &why), -1);
		ck_assert_str_eq(why, "longer than its models");
		free(longer);
	}
	/* Models of another shape than the builders'. */
	memcpy(wrong, shape, sizeof(wrong));
	wrong[1].dim = 2048;
	ck_assert_int_eq(read_back(buf, len, key, wrong, r, &why), -1);
	ck_assert_str_eq(why, "a model of another shape");
	memcpy(wrong, shape, sizeof(wrong));
	wrong[0].present = 0;
	ck_assert_int_eq(read_back(buf, len, key, wrong, r, &why), -1);
	ck_assert_ptr_null(r[0]);
	ck_assert_ptr_null(r[1]);
	/* The file itself is fine. */
	ck_assert_int_eq(read_back(buf, len, key, shape, r, &why), 0);
	intent_model_free(&r[0]);
	intent_model_free(&r[1]);
	intent_model_free(&m[0]);
	intent_model_free(&m[1]);
	free(buf);
}
END_TEST

Suite *
modelcache_suite(void)
{
	Suite	*s = suite_create("modelcache");
	TCase	*tc = tcase_create("core");

	/* Fits and trainings: a bound on a hang, not a speed (Check's 4 s
	 * default ran out under ASan on a loaded machine). */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, read_back_predicts_the_same_bits);
	tcase_add_test(tc, other_examples_make_another_key);
	tcase_add_test(tc, a_bad_file_is_refused_and_loads_nothing);
	suite_add_tcase(s, tc);
	return s;
}
