/*
 * libFuzzer harness for the request number's parser (lib/reqnum.c) and,
 * through the same bytes, the mail subject reader that finds numbers in
 * what people type (mailbox/thread.c).  Besides the sanitizers' checks it
 * holds them to their contract: what reqnum_parse accepts formats back to
 * exactly the same bytes; what the subject reader finds is a number the
 * strict parser accepts once its year and sequence are in range.  Corpus:
 * tests/fuzz/corpus/reqnum.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/reqnum.h"
#include "mailbox/thread.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)
/* A subject line: what a mail header could hold. */
#define SUBJECT_MAX	4096

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 buf[REQNUM_SIZE], number[REQNUM_SIZE], *subject;
	int64_t	 seq, seq2;
	int	 year, year2;

	if (reqnum_parse((const char *)data, size, &year, &seq) == 0) {
		CHECK(reqnum_format(year, seq, buf, sizeof(buf)) == 0);
		CHECK(strlen(buf) == size && memcmp(buf, data, size) == 0);
	}
	if (size > SUBJECT_MAX)
		return 0;
	subject = malloc(size + 1);
	CHECK(subject != NULL);
	memcpy(subject, data, size);
	subject[size] = '\0';
	if (thread_subject_number(subject, number)) {
		CHECK(strlen(number) < REQNUM_SIZE);
		CHECK(number[4] == '-');
		/* Zero padding beyond six digits is what a person may type;
		 * the canonical form is the agent's. */
		if (reqnum_parse(number, strlen(number), &year2, &seq2) == 0)
			CHECK(seq2 >= 1 && year2 >= REQNUM_YEAR_MIN);
	}
	free(subject);
	return 0;
}
