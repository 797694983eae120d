/*
 * libFuzzer harness for the reader of the second opinions' weights cache
 * (intents/modelcache.c): modelcache_read on any bytes.  The first byte
 * says which of two models (three classes, two classes; 2^10 features) the
 * file must hold and whether the rest is a whole file or a body that the
 * harness wraps in the header and checksum of a good one, so that the
 * fuzzer reaches past the checksum.  The contract: refused with a reason
 * and nothing loaded, or models whose probabilities are numbers from 0 to
 * 1 that add up to 1.  Corpus: tests/fuzz/corpus/modelcache.
 */
#include <math.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intents/model.h"
#include "intents/modelcache.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)

/* As modelcache.c writes it. */
static const char magic[16] = "hotline-models-1";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct modelcache_shape	 shape[2];
	struct intent_model	*m[2] = { NULL, NULL };
	unsigned char		 key[MODELCACHE_KEY_BYTES];
	unsigned char		*file;
	const char		*why = NULL, *text = "забыл пароль";
	double			 p[3], sum;
	size_t			 len, i, k;
	FILE			*fp;
	int			 rc;

	if (size < 1 || sodium_init() < 0)
		return 0;
	memset(key, 0xab, sizeof(key));
	shape[0].present = data[0] & 1;
	shape[0].nclasses = 3;
	shape[0].dim = 1024;
	shape[1].present = (data[0] & 2) != 0;
	shape[1].nclasses = 2;
	shape[1].dim = 1024;
	if (data[0] & 4) {
		len = size - 1;
		file = malloc(len + 1);
		memcpy(file, data + 1, len);
	} else {
		len = sizeof(magic) + sizeof(key) + size - 1 + 32;
		file = malloc(len);
		memcpy(file, magic, sizeof(magic));
		memcpy(file + sizeof(magic), key, sizeof(key));
		memcpy(file + sizeof(magic) + sizeof(key), data + 1, size - 1);
		crypto_generichash(file + len - 32, 32, file, len - 32, NULL, 0);
	}
	if (len == 0 || (fp = fmemopen(file, len, "rb")) == NULL) {
		free(file);
		return 0;
	}
	rc = modelcache_read(fp, key, shape, 2, m, &why);
	fclose(fp);
	free(file);
	if (rc == -1) {
		CHECK(why != NULL && m[0] == NULL && m[1] == NULL);
		return 0;
	}
	for (k = 0; k < 2; k++) {
		CHECK((m[k] != NULL) == (shape[k].present != 0));
		if (m[k] == NULL)
			continue;
		intent_model_predict(m[k], text, strlen(text), p);
		for (i = 0, sum = 0; i < shape[k].nclasses; i++) {
			CHECK(p[i] >= 0 && p[i] <= 1);
			sum += p[i];
		}
		/* Classes LIBLINEAR never saw have no probability. */
		CHECK(sum <= 1 + 1e-9);
		intent_model_free(&m[k]);
	}
	return 0;
}
