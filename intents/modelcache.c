/*
 * The file, in this machine's byte order (the key digests a marker of it,
 * so a file from another kind of machine is a miss):
 *
 *	"hotline-models-1"		16 bytes
 *	key				32 bytes
 *	models				uint32
 *	per model: present		uint32, 0 or 1; when 1:
 *	    nclasses, dim, nr_class	uint32 each
 *	    labels			int32[nr_class]
 *	    weights			double[intent_model_parts_weights()]
 *	checksum			32 bytes, BLAKE2b of all the above
 *
 * Reading checks each size against the shape the builders ask for before
 * allocating anything, each label and weight, and the checksum last.
 */
#include "intents/modelcache.h"

#include <math.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intents/model.h"
#include "lib/xmalloc.h"

static const char magic[16] = "hotline-models-1";

static void
feed(void *arg, const void *p, size_t len)
{
	crypto_generichash_update(arg, p, len);
}

void
modelcache_key(struct intent_model_builder *const *b, size_t n,
    unsigned char key[MODELCACHE_KEY_BYTES], struct modelcache_shape *shape)
{
	crypto_generichash_state	st;
	uint32_t			v[4];
	size_t				i;

	if (sodium_init() < 0)
		abort();
	crypto_generichash_init(&st, NULL, 0, MODELCACHE_KEY_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)magic,
	    sizeof(magic));
	/* The byte order and the sizes the file's numbers are written in. */
	v[0] = 1;
	v[1] = (uint32_t)sizeof(double);
	v[2] = (uint32_t)sizeof(int);
	v[3] = (uint32_t)n;
	crypto_generichash_update(&st, (const unsigned char *)v, sizeof(v));
	for (i = 0; i < n; i++) {
		v[0] = b[i] != NULL;
		crypto_generichash_update(&st, (const unsigned char *)v,
		    sizeof(v[0]));
		shape[i].present = b[i] != NULL;
		shape[i].nclasses = 0;
		shape[i].dim = 0;
		if (b[i] == NULL)
			continue;
		shape[i].nclasses = intent_model_builder_classes(b[i]);
		shape[i].dim = intent_model_builder_dim(b[i]);
		intent_model_builder_digest(b[i], feed, &st);
	}
	crypto_generichash_final(&st, key, MODELCACHE_KEY_BYTES);
}

/* Reads len bytes into p and into the checksum; -1 at the end of fp. */
static int
get(FILE *fp, crypto_generichash_state *st, void *p, size_t len)
{
	if (fread(p, 1, len, fp) != len)
		return -1;
	crypto_generichash_update(st, p, len);
	return 0;
}

static int
get_u32(FILE *fp, crypto_generichash_state *st, uint32_t *v)
{
	return get(fp, st, v, sizeof(*v));
}

static void
parts_free(struct intent_model_parts *p)
{
	free(p->labels);
	free(p->w);
	free(p->rowmap);
	p->labels = NULL;
	p->w = NULL;
	p->rowmap = NULL;
}

/*
 * The weights, row by row, into p's rows that are not all zero (as
 * model.c's compact() keeps them: a row of zeros, +0 or -0, adds nothing
 * to any sum).  The whole table was 21 MB for a moment at every load, a
 * third of the classifier's peak memory; its rows of zeros are most of it.
 */
static int
read_rows(FILE *fp, crypto_generichash_state *st, size_t nr_w,
    struct intent_model_parts *p, const char **why_r)
{
	double		row[INTENT_MODEL_CLASSES];
	size_t		r, k, n = 0, cap = 0, nrows = (size_t)p->dim + 1;

	p->rowmap = xreallocarray(NULL, nrows, sizeof(*p->rowmap));
	for (r = 0; r < nrows; r++) {
		if (get(fp, st, row, nr_w * sizeof(*row)) == -1) {
			*why_r = "truncated";
			return -1;
		}
		/* Trained weights are within ±25; far larger ones could only
		 * add up to infinities. */
		for (k = 0; k < nr_w; k++)
			if (!(fabs(row[k]) <= MODELCACHE_MAX_WEIGHT)) {
				*why_r = "a weight out of range";
				return -1;
			}
		for (k = 0; k < nr_w && row[k] == 0; k++)
			;
		if (k == nr_w) {
			p->rowmap[r] = INTENT_MODEL_NO_ROW;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			p->w = xreallocarray(p->w, cap, nr_w * sizeof(*p->w));
		}
		memcpy(p->w + n * nr_w, row, nr_w * sizeof(*row));
		p->rowmap[r] = (uint32_t)n++;
	}
	p->w = xreallocarray(p->w, n + 1, nr_w * sizeof(*p->w));
	return 0;
}

/* One model's pieces, checked against its shape. */
static int
read_parts(FILE *fp, crypto_generichash_state *st,
    const struct modelcache_shape *shape, size_t *budget,
    struct intent_model_parts *p, const char **why_r)
{
	uint32_t	nclasses, dim, nr_class;
	size_t		nw, k;

	memset(p, 0, sizeof(*p));
	if (get_u32(fp, st, &nclasses) == -1 || get_u32(fp, st, &dim) == -1 ||
	    get_u32(fp, st, &nr_class) == -1) {
		*why_r = "truncated";
		return -1;
	}
	if (nclasses != shape->nclasses || dim != shape->dim) {
		*why_r = "a model of another shape";
		return -1;
	}
	/* LIBLINEAR saw at least two classes and at most all of them. */
	if (nr_class < 2 || nr_class > nclasses ||
	    nr_class > INTENT_MODEL_CLASSES) {
		*why_r = "a number of classes out of range";
		return -1;
	}
	nw = intent_model_parts_weights(dim, (int)nr_class);
	if (nr_class * sizeof(int32_t) + nw * sizeof(double) > *budget) {
		*why_r = "larger than a cache file may be";
		return -1;
	}
	*budget -= nr_class * sizeof(int32_t) + nw * sizeof(double);
	p->nclasses = nclasses;
	p->dim = dim;
	p->nr_class = (int)nr_class;
	p->labels = xreallocarray(NULL, nr_class, sizeof(*p->labels));
	for (k = 0; k < nr_class; k++) {
		int32_t	l;

		if (get(fp, st, &l, sizeof(l)) == -1) {
			*why_r = "truncated";
			goto fail;
		}
		if (l < 0 || (uint32_t)l >= nclasses) {
			*why_r = "a label out of range";
			goto fail;
		}
		p->labels[k] = l;
	}
	if (read_rows(fp, st, nr_class == 2 ? 1 : nr_class, p, why_r) == -1)
		goto fail;
	return 0;
fail:
	parts_free(p);
	return -1;
}

int
modelcache_read(FILE *fp, const unsigned char key[MODELCACHE_KEY_BYTES],
    const struct modelcache_shape *shape, size_t n,
    struct intent_model **out, const char **why_r)
{
	crypto_generichash_state	 st;
	struct intent_model_parts	 parts[MODELCACHE_MODELS];
	unsigned char			 buf[32], sum[32];
	uint32_t			 v;
	size_t				 i, k, budget = MODELCACHE_MAX_BYTES;
	int				 c;

	if (n > MODELCACHE_MODELS) {
		*why_r = "too many models";
		return -1;
	}
	if (sodium_init() < 0)
		abort();
	memset(parts, 0, sizeof(parts));
	crypto_generichash_init(&st, NULL, 0, sizeof(sum));
	if (get(fp, &st, buf, sizeof(magic)) == -1 ||
	    memcmp(buf, magic, sizeof(magic)) != 0) {
		*why_r = "not a weights cache of this version";
		return -1;
	}
	if (get(fp, &st, buf, MODELCACHE_KEY_BYTES) == -1 ||
	    sodium_memcmp(buf, key, MODELCACHE_KEY_BYTES) != 0) {
		*why_r = "trained on other examples";
		return -1;
	}
	if (get_u32(fp, &st, &v) == -1 || v != n) {
		*why_r = "another number of models";
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (get_u32(fp, &st, &v) == -1 || v > 1 ||
		    (int)v != (shape[i].present != 0)) {
			*why_r = "a model missing or extra";
			goto fail;
		}
		if (v == 1 && read_parts(fp, &st, &shape[i], &budget,
		    &parts[i], why_r) == -1)
			goto fail;
	}
	crypto_generichash_final(&st, sum, sizeof(sum));
	if (fread(buf, 1, sizeof(buf), fp) != sizeof(buf) ||
	    sodium_memcmp(buf, sum, sizeof(sum)) != 0) {
		*why_r = "damaged (checksum)";
		goto fail;
	}
	if ((c = fgetc(fp)) != EOF) {
		*why_r = "longer than its models";
		goto fail;
	}
	for (i = 0; i < n; i++)
		out[i] = shape[i].present ? intent_model_from_parts(&parts[i]) :
		    NULL;
	return 0;
fail:
	for (k = 0; k < n; k++)
		parts_free(&parts[k]);
	return -1;
}

int
modelcache_load(const char *path, const unsigned char key[MODELCACHE_KEY_BYTES],
    const struct modelcache_shape *shape, size_t n,
    struct intent_model **out, const char **why_r)
{
	FILE	*fp;
	int	 rc;

	if ((fp = fopen(path, "rb")) == NULL) {
		*why_r = "absent";
		return -1;
	}
	rc = modelcache_read(fp, key, shape, n, out, why_r);
	fclose(fp);
	return rc;
}

static int
put(FILE *fp, crypto_generichash_state *st, const void *p, size_t len)
{
	crypto_generichash_update(st, p, len);
	return fwrite(p, 1, len, fp) == len ? 0 : -1;
}

int
modelcache_write(FILE *fp, const unsigned char key[MODELCACHE_KEY_BYTES],
    struct intent_model *const *m, size_t n)
{
	crypto_generichash_state	 st;
	struct intent_model_parts	 p;
	unsigned char			 sum[32];
	uint32_t			 v[3];
	int32_t				 l;
	size_t				 i, r;
	int				 k, rc = 0;

	if (sodium_init() < 0)
		abort();
	crypto_generichash_init(&st, NULL, 0, sizeof(sum));
	rc |= put(fp, &st, magic, sizeof(magic));
	rc |= put(fp, &st, key, MODELCACHE_KEY_BYTES);
	v[0] = (uint32_t)n;
	rc |= put(fp, &st, v, sizeof(v[0]));
	for (i = 0; i < n; i++) {
		v[0] = m[i] != NULL;
		rc |= put(fp, &st, v, sizeof(v[0]));
		if (m[i] == NULL)
			continue;
		intent_model_parts(m[i], &p);
		v[0] = (uint32_t)p.nclasses;
		v[1] = p.dim;
		v[2] = (uint32_t)p.nr_class;
		rc |= put(fp, &st, v, sizeof(v));
		for (k = 0; k < p.nr_class; k++) {
			l = p.labels[k];
			rc |= put(fp, &st, &l, sizeof(l));
		}
		for (r = 0; r <= p.dim; r++)
			rc |= put(fp, &st, intent_model_row(m[i], r),
			    (size_t)(p.nr_class == 2 ? 1 : p.nr_class) *
			    sizeof(double));
	}
	crypto_generichash_final(&st, sum, sizeof(sum));
	if (fwrite(sum, 1, sizeof(sum), fp) != sizeof(sum))
		rc = -1;
	return rc == 0 ? 0 : -1;
}

int
modelcache_save(const char *path, const unsigned char key[MODELCACHE_KEY_BYTES],
    struct intent_model *const *m, size_t n)
{
	FILE	*fp;
	char	*tmp;
	int	 fd, rc = -1;

	tmp = xasprintf("%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1)
		goto out;
	if ((fp = fdopen(fd, "wb")) == NULL) {
		close(fd);
		unlink(tmp);
		goto out;
	}
	rc = modelcache_write(fp, key, m, n);
	if (fclose(fp) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) == -1)
		rc = -1;
	if (rc == -1)
		unlink(tmp);
out:
	free(tmp);
	return rc;
}
