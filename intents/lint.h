/*
 * What `intents check` says about category files beyond their errors: the
 * size an editor has to read (patterns, characters, the longest, copies)
 * and warnings about lines that are hard to read or do not do what they
 * seem to: patterns over LINT_LONG characters, lists that repeat each
 * other, rules that match none of the examples, and rules that add
 * evidence to examples of other categories.
 */
#ifndef INTENTS_LINT_H
#define INTENTS_LINT_H

#include <stdio.h>

#include "intents/classifier.h"

#define LINT_LONG	200	/* characters: more is not read in a glance */

/* The size of the category files, as their editors see it. */
struct lint_size {
	size_t		 patterns;	/* rule, not, only, priority lines */
	size_t		 kinds[4];	/* … per enum def_pattern_kind */
	size_t		 chars;		/* characters of their patterns */
	size_t		 lists;		/* list definitions */
	size_t		 list_chars;	/* characters of their words */
	size_t		 longest;	/* characters of the longest pattern */
	const char	*longest_file;	/* borrowed from the set */
	size_t		 longest_line;
	size_t		 over;		/* patterns over LINT_LONG */
	size_t		 copies;	/* patterns that repeat an earlier one
					   (other than naming the same lists) */
	size_t		 copy_chars;	/* … their characters */
};

/* Measures set into *size. */
void	lint_size(const struct def_set *set, struct lint_size *size);

/* Prints *size as one line "category files: …" to out. */
void	lint_size_print(const struct lint_size *size, FILE *out);

/*
 * Warnings about lists that repeat each other: two lists of the same words,
 * and a bracketed choice of three or more words in a pattern that holds
 * every word of one list (write @name instead).  Each goes to warn as
 * "file:line: warning: …".  Returns the number of warnings.
 */
size_t	lint_lists(const struct def_set *set, def_error_fn warn, void *arg);

/*
 * Warns (each to warn as "file:line: warning: …") about long patterns,
 * repeated lists, and rules that match no example or that add evidence to
 * an example of another category, classifying every example with ctx.
 * Returns the number of warnings.
 */
size_t	lint_warn(const struct classifier *c, struct classify_ctx *ctx,
	    def_error_fn warn, void *arg);

#endif
