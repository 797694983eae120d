/*
 * The top-level branches of an anchored pattern, kept apart so that after
 * a scan only those whose needles were all found run (rules.c).  Each is
 * compiled, and JIT-compiled, only when it first runs.
 */
#ifndef INTENTS_BRANCHES_H
#define INTENTS_BRANCHES_H

#include <stddef.h>
#include <stdint.h>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include "intents/needles.h"

struct branches;

/* branches_match()'s answer for a branch that did not compile apart: the
 * caller runs the whole pattern at that place instead. */
#define BRANCHES_WHOLE	(-1000)

/*
 * The n branches nu[] (needles_units() of pattern, borrowed) compiled with
 * options when each first runs.  NULL when they cannot stand apart: the
 * pattern sets an option inline ("(?i)"), which reaches every branch after
 * it.  The caller owns the result: branches_free().
 */
struct branches *branches_new(const char *pattern,
	    const struct needle_unit *nu, size_t n, uint32_t options);
void	branches_free(struct branches **);

size_t	branches_count(const struct branches *);

/*
 * PCRE2's result of branch b on text[0..len) anchored at start (its code
 * made now if it was not: safe from any thread), or BRANCHES_WHOLE.
 */
int	branches_match(struct branches *, size_t b, const char *text,
	    size_t len, size_t start, pcre2_match_data *,
	    pcre2_match_context *);

#endif
