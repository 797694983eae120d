/*
 * Where a match of a pattern can start.  An editor's rule begins with a
 * word or a choice of words ("(?<!\w)(?:пароль|парол)\w*"), so a match can
 * only start where one of those words occurs: the pattern, compiled
 * anchored, is tried there and nowhere else, instead of at every character
 * of the message.  A start is a literal string and the number of single
 * characters that come before it in a match (its lead: "\s(а|но)" starts
 * one character before "а" or "но").
 */
#ifndef INTENTS_STARTS_H
#define INTENTS_STARTS_H

#include <stddef.h>

struct start {
	char	*s;
	size_t	 len;	/* bytes; 0: the beginning of the text (^) */
	unsigned lead;	/* characters before it, or STARTS_WORD */
};
/* Any character of the word before it ("\w*пароль"): from just after the
 * space before it (\w and \S match no space). */
#define STARTS_WORD	((unsigned)-1)

struct starts {
	struct start	*v;
	size_t		 n;
};

/*
 * Reads pattern (PCRE2, as rules compile it: UTF, no inline options).
 * Returns 1 and fills *out when every match must start at one of the
 * starts; 0 when that cannot be told (out is then empty): the pattern must
 * be tried everywhere.
 */
int	starts_read(const char *pattern, struct starts *out);
void	starts_clear(struct starts *);

/*
 * Where a match may start in text[0..len) (valid UTF-8): each occurrence
 * of a start, moved back by its lead, appended to *pos (grown as needed,
 * *n entries of *cap), in no particular order and maybe repeated.
 */
void	starts_find(const struct starts *, const char *text, size_t len,
	    unsigned **pos, size_t *n, size_t *cap);

/*
 * The offset lead characters before q in the UTF-8 text, or -1 when the
 * text begins before that.
 */
long	starts_back(const char *text, size_t q, unsigned lead);

/*
 * Appends the places a match may start at for a start of lead found at
 * offset q of text, as starts_find does.  Occurrences of one start are
 * given in increasing order with the same *floor, 0 at first: places
 * below it were given already.
 */
void	starts_place(const char *text, size_t q, unsigned lead, size_t *floor,
	    unsigned **pos, size_t *n, size_t *cap);

#endif
