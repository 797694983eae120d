/*
 * A literal prefilter for the editors' patterns.  Most patterns cannot
 * match most messages; running hundreds of PCRE2 matches per message only
 * to fail is what made classification slow.  For each pattern it keeps
 * the literal strings a match needs (needles.h) and where a match can
 * start (starts.h); one pass over a message then tells which patterns are
 * worth running, and where.
 */
#ifndef INTENTS_PREFILTER_H
#define INTENTS_PREFILTER_H

#include <stddef.h>

struct prefilter;
struct prefilter_scratch;

/* A prefilter over npatterns patterns. */
struct prefilter *prefilter_new(size_t npatterns);
/*
 * Registers pattern i (a pattern never added is always run).  Returns 1
 * when every match of it starts at one of the starts read from it: it may
 * then be compiled anchored and tried only at prefilter_places().
 */
int	prefilter_add(struct prefilter *, size_t i, const char *pattern);
/* The same from the pattern's units already read (needles_units(); they
 * are taken over, n of them). */
struct needle_unit;
int	prefilter_add_units(struct prefilter *, size_t i,
	    struct needle_unit *nu, size_t n);
/* Finishes building; afterwards the prefilter is immutable. */
void	prefilter_build(struct prefilter *);
void	prefilter_free(struct prefilter **);

/* Per-thread state of a scan. */
struct prefilter_scratch *prefilter_scratch_new(const struct prefilter *);
void	prefilter_scratch_free(struct prefilter_scratch **);

/* One pass over text[0..len): what prefilter_may and _places tell. */
void	prefilter_scan(const struct prefilter *, struct prefilter_scratch *,
	    const char *text, size_t len);
/* After a scan: whether pattern i can match the text at all. */
int	prefilter_may(const struct prefilter_scratch *, size_t i);
/* Whether pattern i runs whatever the message (nothing to look for). */
int	prefilter_always(const struct prefilter *, size_t i);
/*
 * The patterns the last scan found worth running besides those that always
 * run, each once, in no particular order: *items, and how many.  Every
 * other pattern's prefilter_may is what prefilter_always says.
 */
size_t	prefilter_ran(const struct prefilter_scratch *,
	    const unsigned **items);

/* Start offsets noted per unit by a scan; more are looked up whole. */
#define PREFILTER_STARTS	8

/*
 * After a scan of text[0..len): whether pattern i can match it, and for a
 * pattern registered as anchored, the offsets it may start at, in order
 * and once each, in (*pos)[0..*n) (grown as needed, *cap entries).
 */
int	prefilter_places(const struct prefilter *,
	    const struct prefilter_scratch *, size_t i, const char *text,
	    size_t len, unsigned **pos, size_t *n, size_t *cap);

/*
 * The same for unit k alone of anchored pattern i (its k-th top-level
 * branch, as needles_units() read it): whether that branch can match the
 * text, and the offsets it may start at.  A pattern matches where one of
 * its branches does, so asking each branch apart finds every match that
 * prefilter_places() would, without trying the others there.
 */
int	prefilter_unit_places(const struct prefilter *,
	    const struct prefilter_scratch *, size_t i, size_t k,
	    const char *text, size_t len, unsigned **pos, size_t *n,
	    size_t *cap);
/* How many units pattern i was registered with (0: not read). */
size_t	prefilter_units(const struct prefilter *, size_t i);

/*
 * Without a scan: every offset anchored pattern i may start at in
 * text[0..len) (valid UTF-8), as above.  Returns 0 when i is not
 * anchored.
 */
int	prefilter_find(const struct prefilter *, size_t i, const char *text,
	    size_t len, unsigned **pos, size_t *n, size_t *cap);

/* The number of patterns it was made for. */
size_t	prefilter_size(const struct prefilter *);

/* How many patterns are filtered (the rest are always run everywhere). */
size_t	prefilter_filtered(const struct prefilter *);

#endif
