/*
 * libFuzzer harness for percent-decoding (lib/text.c, RFC 3986 section
 * 2.1), what an attachment's X-Filename header goes through.  Besides
 * the sanitizers' checks it holds the function to its contract: the
 * result is never longer than the input and holds no NUL; bytes without
 * a '%' come back as they are.  Corpus: tests/fuzz/corpus/percent.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/text.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	char		*out;

	out = text_percent_decode(s, size);
	if (out == NULL)
		return 0;
	CHECK(strlen(out) <= size);
	CHECK(memchr(s, '\0', size) == NULL);
	if (memchr(s, '%', size) == NULL)
		CHECK(strlen(out) == size && memcmp(out, s, size) == 0);
	free(out);
	return 0;
}
