/*
 * Stemming with Snowball libstemmer: the Russian algorithm for Cyrillic
 * words, the English one for Latin words; digits and other scripts are only
 * folded.  Words are folded (lib/text.c) first, so "Пароли" and "пароль"
 * meet at "парол".
 */
#include "kb/stem.h"

#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/limits.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

struct stemmer {
	struct sb_stemmer	*ru;
	struct sb_stemmer	*en;
};

struct stemmer *
stemmer_new(void)
{
	struct stemmer	*s;

	s = xcalloc(1, sizeof(*s));
	s->ru = sb_stemmer_new("russian", "UTF_8");
	s->en = sb_stemmer_new("english", "UTF_8");
	if (s->ru == NULL || s->en == NULL) {
		/* libstemmer fails here only when out of memory. */
		fprintf(stderr, "hotline: cannot create stemmers\n");
		abort();
	}
	return s;
}

void
stemmer_free(struct stemmer **sp)
{
	struct stemmer	*s = *sp;

	if (s == NULL)
		return;
	sb_stemmer_delete(s->ru);
	sb_stemmer_delete(s->en);
	free(s);
	*sp = NULL;
}

size_t
stemmer_stem(struct stemmer *s, const char *w, size_t len,
    char out[STEM_MAX])
{
	char			 folded[LIMIT_TOKEN_BYTES * 2];
	size_t			 n, slen;
	const sb_symbol		*st;
	struct sb_stemmer	*alg = NULL;

	if (len > LIMIT_TOKEN_BYTES)
		return 0;
	n = text_fold_word(w, len, folded, sizeof(folded));
	if (n == 0)
		return 0;
	switch (text_script_of(folded, n)) {
	case TEXT_SCRIPT_CYRILLIC:
		alg = s->ru;
		break;
	case TEXT_SCRIPT_LATIN:
		alg = s->en;
		break;
	default:
		break;
	}
	if (alg != NULL &&
	    (st = sb_stemmer_stem(alg, (const sb_symbol *)folded, (int)n)) !=
	    NULL) {
		slen = (size_t)sb_stemmer_length(alg);
		if (slen > 0 && slen < STEM_MAX) {
			memcpy(out, st, slen);
			out[slen] = '\0';
			return slen;
		}
	}
	if (n >= STEM_MAX)
		return 0;
	memcpy(out, folded, n + 1);
	return n;
}
