/*
 * libFuzzer harness for the calibration's file (intents/calib.def):
 * calib_parse on any bytes.  It holds the parser to its contract: either
 * a loaded calibration with finite weights at or above zero, whose
 * probability is a number from 0 to 1, or nothing loaded and at least
 * one "fuzz.def:N: ..." error.  Corpus: tests/fuzz/corpus/calib.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intents/calib.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)

static void
count(void *arg, const char *msg)
{
	CHECK(strncmp(msg, "fuzz.def:", 9) == 0);
	(*(size_t *)arg)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct calib	cal;
	double		f[CALIB_NFEATURES], p;
	size_t		nerr = 0, k;

	if (calib_parse("fuzz.def", (const char *)data, size, &cal, count,
	    &nerr) == -1) {
		CHECK(nerr > 0 && !cal.loaded);
		return 0;
	}
	CHECK(nerr == 0 && cal.loaded && isfinite(cal.bias));
	for (k = 0; k < CALIB_NFEATURES; k++) {
		CHECK(isfinite(cal.w[k]) && cal.w[k] >= 0);
		f[k] = calib_logit(1);
	}
	p = calib_prob(&cal, f);
	CHECK(p >= 0 && p <= 1);
	return 0;
}
