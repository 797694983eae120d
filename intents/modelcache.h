/*
 * The weights cache of the second opinions.  Training the two logistic
 * regressions (the topics' and the categories') was three quarters of the
 * CPU of a load; their weights depend only on their examples and
 * parameters, so a load whose examples are the same as last time's reads
 * the weights it trained then.  The file is keyed by a BLAKE2b digest of
 * everything the training depends on; a missing, stale, corrupt or
 * unreadable file is a miss, and the models are trained as before.
 */
#ifndef INTENTS_MODELCACHE_H
#define INTENTS_MODELCACHE_H

#include <stddef.h>
#include <stdio.h>

struct intent_model;
struct intent_model_builder;

#define MODELCACHE_KEY_BYTES	32
/* Models in one file, and the most bytes a file may have: 2^20 buckets
 * (model.h's largest) for 256 classes would be 2 GB, the hotline's two
 * are 23 MB. */
#define MODELCACHE_MODELS	4
#define MODELCACHE_MAX_BYTES	((size_t)256 * 1024 * 1024)
/* The largest weight read: the hotline's are within ±25. */
#define MODELCACHE_MAX_WEIGHT	1000.0

/* What a file must hold for model i: present or not, and its shape. */
struct modelcache_shape {
	int		 present;
	size_t		 nclasses;
	unsigned	 dim;
};

/*
 * The key of builders b[0..n) (NULL ones are models that will not be
 * trained) and the shape each trained model must have.
 */
void	modelcache_key(struct intent_model_builder *const *b, size_t n,
	    unsigned char key[MODELCACHE_KEY_BYTES],
	    struct modelcache_shape *shape);

/*
 * Reads n models of the given shapes from fp, written under key.  Returns
 * 0 with out[i] set (NULL where not present), or -1 with a static *why_r
 * and nothing allocated.  fp is untrusted: every size is checked against
 * the shapes before it is read, and the whole against its checksum.
 */
int	modelcache_read(FILE *fp, const unsigned char key[MODELCACHE_KEY_BYTES],
	    const struct modelcache_shape *shape, size_t n,
	    struct intent_model **out, const char **why_r);

/* modelcache_read() of the file at path. */
int	modelcache_load(const char *path,
	    const unsigned char key[MODELCACHE_KEY_BYTES],
	    const struct modelcache_shape *shape, size_t n,
	    struct intent_model **out, const char **why_r);

/*
 * Writes models m[0..n) (NULL: not present) to fp under key.  Returns 0,
 * or -1 on a write error.
 */
int	modelcache_write(FILE *fp, const unsigned char key[MODELCACHE_KEY_BYTES],
	    struct intent_model *const *m, size_t n);

/*
 * modelcache_write() to path, through a temporary file renamed over it so
 * that a reader sees the old file or the new one.  Returns 0 or -1.
 */
int	modelcache_save(const char *path,
	    const unsigned char key[MODELCACHE_KEY_BYTES],
	    struct intent_model *const *m, size_t n);

#endif
