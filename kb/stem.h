/*
 * Word stems for matching: a Snowball stemmer for Russian words and one for
 * English words, chosen by the word's script.  Not thread-safe: each thread
 * (and each FTS5 tokenizer instance) owns its own struct stemmer.
 */
#ifndef KB_STEM_H
#define KB_STEM_H

#include <stddef.h>

#define STEM_MAX	64	/* a stem, with its NUL */

struct stemmer;

/* Returns a new stemmer; the caller frees it with stemmer_free(). */
struct stemmer	*stemmer_new(void);
void		 stemmer_free(struct stemmer **);

/*
 * Folds and stems the word w[0..len) into out[STEM_MAX].  Returns the
 * stem's length, or 0 when the word is too long to be one.
 */
size_t		 stemmer_stem(struct stemmer *, const char *w, size_t len,
		    char out[STEM_MAX]);

#endif
