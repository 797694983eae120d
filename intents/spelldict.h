/*
 * hunspell's Russian dictionary, read by us: which words are words.  The
 * speller (spell.h) asks only that of a dictionary, for lower-case Russian
 * words; libhunspell answers it from 15 MB of memory (146,000 roots, each
 * an entry of its hash with its own allocations), more than the
 * classifier's rules, indexes and models together, and is read here into
 * one block of the roots' text and a table of offsets (about 5 MB, read in
 * 20-24 ms against libhunspell's 60-130).
 *
 * What is read is what hunspell-ru uses: roots with one-letter affix flags
 * and suffix rules ("SFX flag strip add condition").  A word is a word
 * when it is a root, or a rule's add ends it and what is left, with the
 * rule's strip put back, is a root carrying the rule's flag and ends as
 * the condition says: Hunspell_spell's verdict on a lower-case word for a
 * dictionary of that kind, which tests/intents/test_spelldict.c holds it
 * to.  An affix file using more (prefixes, compounding, flag aliases,
 * another encoding) is refused with what it uses, not misread.
 */
#ifndef INTENTS_SPELLDICT_H
#define INTENTS_SPELLDICT_H

#include <stddef.h>

struct spelldict;

/*
 * Reads the affix file aff and the dictionary dic.  Returns the dictionary
 * (immutable: any number of threads may ask it), or NULL with an allocated
 * *errstr_r naming the file, the line and what is wrong.
 */
struct spelldict *spelldict_open(const char *aff, const char *dic,
		    char **errstr_r);
/* The same of the files' texts, named affname and dicname in errors. */
struct spelldict *spelldict_parse(const char *affname, const char *aff,
		    size_t afflen, const char *dicname, const char *dic,
		    size_t diclen, char **errstr_r);
void		 spelldict_free(struct spelldict **);

/* Whether w[0..len) (UTF-8, as the citizen's text folds it) is a word. */
int		 spelldict_has(const struct spelldict *, const char *w,
		    size_t len);

/* Roots read. */
size_t		 spelldict_roots(const struct spelldict *);

#endif
