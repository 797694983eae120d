/*
 * The loaded rules as intents/rules_load.c builds them and intents/rules.c
 * runs them: private to the two.
 */
#ifndef INTENTS_RULES_IMPL_H
#define INTENTS_RULES_IMPL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "intents/branches.h"
#include "intents/deffile.h"
#include "intents/prefilter.h"

/* A compiled pattern and, once it has run, its JIT-compiled copy. */
struct code {
	pcre2_code		*code;
	_Atomic(pcre2_code *)	 jit;
	atomic_int		 nojit;		/* JIT failed: interpret */
};

struct compiled {
	struct code		 code;
	struct branches		*branches;	/* run apart after a scan
						   (see rules.c); NULL: the
						   whole runs */
	const struct def_pattern *src;	/* the set's, for explanations */
	size_t			 category;
	enum def_pattern_kind	 kind;
	int			 weight;
	int			 priority;
	int			 anchored;	/* tried only where it may
						   start (prefilter_places) */
	struct code		 rest;		/* the branches that may start
						   anywhere, apart (split) */
	struct code		 unless;	/* B of "A unless B": no match
						   where it is found */
	size_t			 same;		/* the item whose codes run for
						   this one: itself, or the
						   first of the same pattern */
};

struct rules {
	struct compiled	*items;
	size_t		 n;
	size_t		 total;		/* patterns in the set: the rest of
					   item i is the prefilter's total +
					   i */
	struct prefilter *prefilter;
	size_t		 ncategories;
	int		*default_priority;	/* per category */
	unsigned char	*has_priority;		/* per category: priority
						   lines to try */
	uint64_t	*always;		/* bit per item: may match
						   whatever the scan finds */
	struct code	 lead;			/* the small talk a message
						   may start with … */
	struct code	 tail;			/* … and end with
						   (rules_small_talk); NULL:
						   none */
	size_t		 nwords;		/* … words of such bits */
};

#endif
