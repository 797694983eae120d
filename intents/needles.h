/*
 * What a pattern needs a message to contain before it can match: literal
 * strings ("needles") read from the pattern, so that one pass over a
 * message (prefilter.c) tells which patterns are worth running at all.
 */
#ifndef INTENTS_NEEDLES_H
#define INTENTS_NEEDLES_H

#include <stddef.h>

#include "intents/starts.h"

/*
 * One branch of a pattern's top level.  It can only match when every one
 * of its sets has a needle in the message; sets[k] is a NULL-terminated
 * array of needles (any one of them will do).  starts.n == 0: it may start
 * anywhere.
 */
struct needle_unit {
	char		 *text;		/* the branch as written */
	char		***sets;
	size_t		  nsets;
	struct starts	  starts;
};

/*
 * Reads pattern into its units: returns how many and sets *units_r (free
 * with needles_units_free), or 0 when the pattern cannot be read (it must
 * always be run).
 */
size_t	needles_units(const char *pattern, struct needle_unit **units_r);
void	needles_units_free(struct needle_unit *, size_t n);

/*
 * One set of needles for the whole pattern: on success returns 1 and a new
 * NULL-terminated array *needles_r (free with needles_free) of which every
 * match contains one; returns 0 when no such set can be told.
 */
int	needles_best(const char *pattern, char ***needles_r);
void	needles_free(char **needles);

#endif
