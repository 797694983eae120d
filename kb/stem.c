/*
 * Stemming with Snowball libstemmer: the Russian algorithm for Cyrillic
 * words, the English one for Latin words; digits and other scripts are only
 * folded.  Words are folded (lib/text.c) first, so "Пароли" and "пароль"
 * meet at "парол".
 */
#include "kb/stem.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/limits.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

/*
 * Words a message repeats, and words every message uses ("заявление",
 * "не", "госуслуги"), were stemmed again and again: by the speller, by the
 * query of the categories' index, by the topics'.  Snowball takes ~1,000
 * instructions a word; a look-up here ~100.  Two ways per set, the word
 * last stemmed first: a bounded cache (a word of a full set pushes the
 * older one out, so memory never grows) that holds a few thousand words,
 * about what a day of messages uses.  A stem is a pure function of the
 * word, so a hit answers exactly what Snowball would.  Longer words (rare)
 * are not kept.
 */
#define STEM_CACHE_SETS		LIMIT_STEM_CACHE_SETS
#define STEM_CACHE_BYTES	LIMIT_STEM_CACHE_BYTES

struct stem_slot {
	unsigned char	 wlen;		/* 0: empty */
	unsigned char	 slen;		/* 0: the word has no stem */
	char		 w[STEM_CACHE_BYTES];
	char		 s[STEM_CACHE_BYTES];
};

struct stemmer {
	struct sb_stemmer	*ru;
	struct sb_stemmer	*en;
	struct stem_slot	*cache;	/* [set * 2 + way], made on first
					   use */
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
	free(s->cache);
	free(s);
	*sp = NULL;
}

static size_t	stem_uncached(struct stemmer *, const char *, size_t,
		    char [STEM_MAX]);

static size_t
set_of(const char *w, size_t len)
{
	uint32_t	h = 2166136261u;
	size_t		i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)w[i]) * 16777619u;
	return (h ^ (h >> 15)) & (STEM_CACHE_SETS - 1);
}

size_t
stemmer_stem(struct stemmer *s, const char *w, size_t len,
    char out[STEM_MAX])
{
	struct stem_slot	*e;
	size_t			 slen, k;

	if (len == 0 || len > STEM_CACHE_BYTES)
		return stem_uncached(s, w, len, out);
	if (s->cache == NULL)
		s->cache = xcalloc(STEM_CACHE_SETS * 2, sizeof(*s->cache));
	e = &s->cache[set_of(w, len) * 2];
	for (k = 0; k < 2; k++)
		if (e[k].wlen == len && memcmp(e[k].w, w, len) == 0) {
			memcpy(out, e[k].s, e[k].slen);
			out[e[k].slen] = '\0';
			return e[k].slen;
		}
	slen = stem_uncached(s, w, len, out);
	/* A stem too long for a slot is not kept (looked up again next
	 * time, as before the cache). */
	if (slen >= STEM_CACHE_BYTES)
		return slen;
	e[1] = e[0];
	e[0].wlen = (unsigned char)len;
	memcpy(e[0].w, w, len);
	e[0].slen = (unsigned char)slen;
	memcpy(e[0].s, out, slen);
	return slen;
}

static size_t
stem_uncached(struct stemmer *s, const char *w, size_t len,
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
