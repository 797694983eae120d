/*
 * libFuzzer harness for the reader of hunspell's dictionary
 * (intents/spelldict.c), which an administrator points at a directory: an
 * affix file and a dictionary, split at the input's first "\n==\n", read
 * or refused, never a crash; then every line of the dictionary's part, and
 * each with its last letter dropped, asked for (the words citizens' typos
 * make).  A dictionary read must have a root for each line that names one,
 * and say yes to every root it read.  Corpus: tests/fuzz/corpus/spelldict.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intents/spelldict.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)

static void
ask(const struct spelldict *d, const char *dic, size_t len)
{
	const char	*line = dic, *end = dic + len, *nl;
	size_t		 llen, rlen;

	for (; line < end; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		llen = (size_t)(nl - line);
		for (rlen = 0; rlen < llen && line[rlen] != '/' &&
		    line[rlen] != ' ' && line[rlen] != '\t'; rlen++)
			;
		if (line != dic && rlen > 0 && rlen < 64 &&
		    memchr(line, '\r', llen) == NULL)
			CHECK(spelldict_has(d, line, rlen));
		(void)spelldict_has(d, line, llen);
		if (rlen > 1)
			(void)spelldict_has(d, line, rlen - 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*in = (const char *)data, *sep;
	struct spelldict	*d;
	char			*err = NULL;
	size_t			 alen;

	sep = size >= 4 ? memmem(in, size, "\n==\n", 4) : NULL;
	alen = sep != NULL ? (size_t)(sep - in) + 1 : 0;
	d = spelldict_parse("fuzz.aff", in, alen, "fuzz.dic", in + alen +
	    (sep != NULL ? 3 : 0), size - alen - (sep != NULL ? 3 : 0), &err);
	if (d == NULL) {
		CHECK(err != NULL && strncmp(err, "fuzz.", 5) == 0);
		free(err);
		return 0;
	}
	ask(d, in + alen + (sep != NULL ? 3 : 0),
	    size - alen - (sep != NULL ? 3 : 0));
	spelldict_free(&d);
	return 0;
}
