/*
 * libFuzzer harness for the phrase files editors write
 * (agent/core/phrases.c): any bytes are parsed without a crash, and a
 * file is reported bad or good, never half-read.  Corpus:
 * tests/fuzz/corpus/phrases.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "agent/core/phrases.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CHECK(phrases_check("fuzz.txt", (const char *)data, size, NULL) >= 0);
	return 0;
}
