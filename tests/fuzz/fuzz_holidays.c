/*
 * libFuzzer harness for the holidays parser (agent/core/sla.c), what the
 * configuration's `holidays` line goes through.  Besides the sanitizers'
 * checks it holds the parser to its contract: it either fails with a
 * message or gives at most LIMIT_HOLIDAYS days, sorted, each of them not
 * a working day.  Corpus: tests/fuzz/corpus/holidays.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "agent/core/sla.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sla_holidays	 h;
	const char		*why = NULL;
	size_t			 i;

	if (sla_holidays_parse((const char *)data, size, &h, &why) == -1) {
		CHECK(why != NULL);
		return 0;
	}
	CHECK(h.n <= LIMIT_HOLIDAYS);
	for (i = 0; i < h.n; i++) {
		if (i > 0)
			CHECK(h.days[i - 1] <= h.days[i]);
		CHECK(!sla_is_working_day(h.days[i], &h));
	}
	return 0;
}
