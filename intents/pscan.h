/*
 * Reading PCRE2 pattern text by hand: what the prefilter's needles
 * (needles.c) and the patterns' starting places (starts.c) both need.
 */
#ifndef INTENTS_PSCAN_H
#define INTENTS_PSCAN_H

#include <stddef.h>

/* The length of the UTF-8 character at p, no further than end. */
size_t	pscan_charlen(const char *p, const char *end);

/*
 * A quantifier at *pp (*, ?, +, {n}, {n,}, {n,m}, lazy or possessive):
 * moves *pp past it and returns its minimum, or returns -1 and leaves *pp
 * where it was when there is none ("{" without digits is a literal).
 */
int	pscan_quantifier(const char **pp, const char *end);

/*
 * A class of a few plain characters at p ('['), such as [эе] or [аоы], as
 * choices: up to 4 characters into c[] (their starts) and cl[] (their
 * lengths), *after just past the ']'.  Returns how many, or 0 for
 * anything else (ranges, negation, escapes, more than 4).
 */
/*
 * The end of the character class at p ('['): just past its ']', or NULL
 * when it does not end.  A ']' first (or after '^') is a member; escapes
 * and POSIX classes ([:alpha:]) are stepped over.
 */
const char *pscan_class_end(const char *p, const char *end);

size_t	pscan_small_class(const char *p, const char *end, const char **c,
	    size_t *cl, const char **after);

/*
 * The end of the group at p ('('): just past its ')', or NULL when it does
 * not end or holds what is not read by hand here (\Q...\E).
 */
const char	*pscan_group_end(const char *p, const char *end);

/*
 * The editor form's "A unless B", "^(?!.*B).*?A" (editform.c): B's text
 * at *b (*blen bytes) and A's at *a (to the end); 0 when pattern is not
 * of that form.
 */
int	pscan_unless(const char *pattern, const char **b, size_t *blen,
	    const char **a);

#endif
