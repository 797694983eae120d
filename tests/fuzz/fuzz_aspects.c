/*
 * libFuzzer harness for the aspects parser (intents/aspects.def and
 * intents/person.def, editors' files): aspects_parse on any bytes, then a
 * match of the same bytes as a message.  It holds the parser to its
 * contract: either a set (and a match that is -1 or a known section) or
 * NULL with at least one "fuzz.def:N: ..." error.  Corpus:
 * tests/fuzz/corpus/aspects.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intents/aspect.h"
#include "kb/article.h"

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
	struct aspects	*as;
	size_t		 nerr = 0;
	int		 m;

	as = aspects_parse("fuzz.def", (const char *)data, size, NULL, 0,
	    count, &nerr);
	if (as == NULL) {
		CHECK(nerr > 0);
		return 0;
	}
	CHECK(nerr == 0);
	m = aspects_match(as, (const char *)data, size);
	CHECK(m == -1 || (m >= 0 && m < SECTION_COUNT));
	aspects_free(&as);
	CHECK(as == NULL);
	return 0;
}
