/*
 * A literal prefilter for the editors' patterns.  Most patterns cannot
 * match most messages; running hundreds of PCRE2 matches per message only
 * to fail is what made classification slow.  For each pattern this finds a
 * set of literal strings of which any match must contain at least one; one
 * pass over a message then tells which patterns are worth running.
 */
#ifndef INTENTS_PREFILTER_H
#define INTENTS_PREFILTER_H

#include <stddef.h>

struct prefilter;

/*
 * The needles of pattern: on success returns 1 and a new NULL-terminated
 * array *needles_r of allocated strings (free with prefilter_needles_free)
 * of which every match of the pattern contains one; returns 0 when no such
 * set can be told (the pattern must always be run).
 */
int	prefilter_needles(const char *pattern, char ***needles_r);
void	prefilter_needles_free(char **needles);

/* A prefilter over npatterns patterns. */
struct prefilter *prefilter_new(size_t npatterns);
/* Registers pattern i; a pattern never added is always run. */
void	prefilter_add(struct prefilter *, size_t i, const char *pattern);
/* Finishes building; afterwards the prefilter is immutable. */
void	prefilter_build(struct prefilter *);
void	prefilter_free(struct prefilter **);

/* Registers where pattern i can start (it must be tried only there). */
struct starts;
void	prefilter_add_starts(struct prefilter *, size_t i,
	    const struct starts *);

/* Where each pattern may start in one message: up to PREFILTER_STARTS
 * offsets at at[i * PREFILTER_STARTS], how many in n[i]; n[i] above
 * PREFILTER_STARTS means there were more (look them up whole). */
#define PREFILTER_STARTS	8
struct prefilter_starts {
	unsigned	*at;
	unsigned char	*n;
};

/*
 * Marks in run[0..npatterns) the patterns worth running on text[0..len):
 * those whose needles occur in it, and those without needles; and, with
 * ps, where the patterns with starts may start.
 */
void	prefilter_scan(const struct prefilter *, const char *text, size_t len,
	    unsigned char *run, struct prefilter_starts *ps);

/* The number of patterns it was made for. */
size_t	prefilter_size(const struct prefilter *);

/* How many patterns have needles (the rest are always run). */
size_t	prefilter_filtered(const struct prefilter *);

#endif
