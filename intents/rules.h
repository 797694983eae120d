/*
 * The editors' patterns compiled with PCRE2 (JIT, UTF, Unicode properties,
 * caseless) and matched under match and depth limits, so that no message
 * can make a pattern run away.
 */
#ifndef INTENTS_RULES_H
#define INTENTS_RULES_H

#include <stddef.h>

#include "intents/deffile.h"

struct rules;
struct rules_scratch;

/* The result of matching one message against every pattern. */
struct rules_result {
	double		*score;		/* per category: sum of rule weights */
	unsigned char	*vetoed;	/* per category: a "not" pattern hit */
	unsigned char	*alone;		/* per category: an "only" line hit
					   (the message is nothing but it);
					   NULL: not wanted */
	size_t		 n;		/* number of categories */
	size_t		 limit_hits;	/* patterns stopped by a limit */
};

/*
 * Compiles the patterns of set (their PCRE2 text, made by
 * editform_resolve(); a pattern without one is skipped, its problem told
 * already); category i of the result is the taxonomy index map[j] of
 * set->intents[j].  The set must outlive the result.  Each PCRE2 error
 * goes to err as "file:line: pattern error at offset N: text".  Returns
 * the number of errors; *rules_r is set (possibly with fewer patterns)
 * either way and is freed with rules_free().
 */
size_t	rules_compile(const struct def_set *set, const int *map,
	    size_t ncategories, struct rules **rules_r, def_error_fn err,
	    void *arg);
void	rules_free(struct rules **);

/* Per-thread match state; free with rules_scratch_free(). */
struct rules_scratch *rules_scratch_new(const struct rules *);
void	rules_scratch_free(struct rules_scratch **);

/* With on = 0, every pattern runs (no prefilter), an anchored one at
 * every place its starts occur: to check the prefilter. */
void	rules_scratch_prefilter(struct rules_scratch *, int on);

/*
 * Matches text[0..len) against every pattern.  res->score and res->vetoed
 * must have room for the number of categories given to rules_compile.
 */
void	rules_match(const struct rules *, struct rules_scratch *,
	    const char *text, size_t len, struct rules_result *res);

/*
 * The incident priority of text for category: the first matching priority
 * pattern's, else the category's default, else PRIORITY_NONE.
 */
int	rules_priority(const struct rules *, struct rules_scratch *,
	    size_t category, const char *text, size_t len);

/* How many patterns were compiled. */
size_t	rules_count(const struct rules *);

/* The lists of lists.intent that rules_small_talk() looks for. */
#define RULES_LEAD_LIST	"small_talk_first"
#define RULES_TAIL_LIST	"small_talk_last"

/*
 * How many bytes of small talk text[0..len) starts with (*lead: items of
 * the list small_talk_first, "Здравствуйте, подскажите пожалуйста, …",
 * and the marks after them) and ends with (*tail: of small_talk_last,
 * "…, заранее спасибо").  Both 0 when what is left between them has no
 * word (the message is all small talk).
 */
void	rules_small_talk(const struct rules *, struct rules_scratch *,
	    const char *text, size_t len, size_t *lead, size_t *tail);

/* Receives one pattern that matched: its category (the taxonomy index
 * given to rules_compile) and its line in the set (borrowed). */
typedef void	(*rules_hit_fn)(void *arg, size_t category,
		    const struct def_pattern *);

/*
 * Every pattern that matches text[0..len), vetoes and priorities included
 * and no prefilter, in file order: for `intents why` and `intents check`.
 * Returns how many matched.
 */
size_t	rules_explain(const struct rules *, struct rules_scratch *,
	    const char *text, size_t len, rules_hit_fn fn, void *arg);

/*
 * Whether one pattern compiles; for the fuzzers and `intents check`.
 * Returns 0, or -1 with a message in errbuf.
 */
int	rules_try_compile(const char *pattern, char *errbuf, size_t errsz);

#endif
