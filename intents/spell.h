/*
 * Citizens' typos mended before the rules and the indexes see a message:
 * "заявлние" becomes "заявление", "паспртом" "паспортом".  A word is
 * changed only when the classifier cannot use it as written (its stem is in
 * none of the categories' and articles' words), hunspell's Russian
 * dictionary (hunspell-ru, read by spelldict.h) has no such word, and one
 * edit (a letter dropped, added, changed, or two swapped) turns it into a
 * word the dictionary has whose stem the classifier does know.  Anything else (names, numbers, words spelt
 * right but unknown here) is left to the Snowball stems as before.
 */
#ifndef INTENTS_SPELL_H
#define INTENTS_SPELL_H

#include <stddef.h>

struct def_set;
struct evidence;
struct normalized;
struct spell;
struct spell_scratch;
struct stemmer;

/* An empty speller: no dictionary, no vocabulary. */
struct spell	*spell_new(void);
void		 spell_free(struct spell **);

/*
 * Reads hunspell's dictionary dir/ru_RU.{aff,dic} (20-25 ms: the classifier
 * does it on a thread of its own).  Returns 0, or -1 with an allocated
 * *errstr_r.
 */
int		 spell_open(struct spell *, const char *dir, char **errstr_r);

/* Adds every word of a built index to the words the classifier knows. */
void		 spell_learn_index(struct spell *, const struct evidence *);
/* Adds the Cyrillic words of text (a rule, a word list) to them. */
void		 spell_learn_text(struct spell *, const char *text);
/* … of every rule, veto and word list of the category files. */
void		 spell_learn_defs(struct spell *, const struct def_set *);
/* Words (stems) known. */
size_t		 spell_known(const struct spell *);

/*
 * Per-thread state: a stemmer and a bounded cache of the words already
 * judged.  After spell_open and the spell_learn_* calls, a speller is
 * immutable and shared; its dictionary is used under a lock, which the
 * cache keeps almost always free.
 */
struct spell_scratch *spell_scratch_new(void);
/*
 * The same, stemming with st (borrowed: the thread's, which must outlive
 * the scratch): the words the speller stems are then in st's cache when
 * the thread's query stems them again.
 */
struct spell_scratch *spell_scratch_new_sharing(struct stemmer *st);
void		 spell_scratch_free(struct spell_scratch **);

/*
 * The correction of the folded word w[0..len), or NULL to keep it.  The
 * string is borrowed from the scratch until its next call.
 */
const char	*spell_word(const struct spell *, struct spell_scratch *,
		    const char *w, size_t len);

/*
 * Mends n->match in place (a new string), word by word.  Returns how many
 * words were changed.  A NULL or unopened speller changes nothing.
 */
size_t		 spell_correct(const struct spell *, struct spell_scratch *,
		    struct normalized *n);

#endif
