/*
 * libFuzzer harness for the journal's checkpoint lines: audit_checkpoint_
 * parse on any bytes.  Besides the sanitizers' checks it holds the parser
 * to its contract: a line it accepts is written one way only, so printing
 * what it read gives back the very bytes.  Corpus:
 * tests/fuzz/corpus/checkpoint.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/audit.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_checkpoint	cp;
	char			line[AUDIT_CHECKPOINT_LINE * 2];
	int			n;

	if (audit_checkpoint_parse((const char *)data, size, &cp) == -1)
		return 0;
	CHECK(cp.entries >= 0);
	n = snprintf(line, sizeof(line), "%s entries %lld head %s", cp.at,
	    (long long)cp.entries, cp.head);
	CHECK(n > 0 && (size_t)n == size && memcmp(line, data, size) == 0);
	return 0;
}
