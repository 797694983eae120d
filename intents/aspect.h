/*
 * Which part of a service article a message asks about: the documents,
 * the fee, the timing, the result, a refusal.  Editors keep the words in
 * intents/aspects.def (one `aspect NAME` line, then `rule PATTERN` lines);
 * the answer then leads with that section of the article.
 */
#ifndef INTENTS_ASPECT_H
#define INTENTS_ASPECT_H

#include <stddef.h>

#include "intents/deffile.h"

struct aspects;

/*
 * Parses the aspects file name with contents buf[0..len); each `aspect`
 * line names one of names[0..nnames) (NULL: the sections of kb/article.h).
 * Each problem goes to err as "name:line: reason"; returns NULL when there
 * was any.  Free with aspects_free().
 */
struct aspects *aspects_parse(const char *name, const char *buf, size_t len,
	    const char *const *names, size_t nnames, def_error_fn err,
	    void *arg);
void	aspects_free(struct aspects **);

/* The number of aspect blocks. */
size_t	aspects_count(const struct aspects *);

/*
 * The index in names (or the enum article_section) of the first aspect
 * whose rule matches the normalised text[0..len), or -1.  Thread-safe:
 * the per-thread state is made per call.
 */
int	aspects_match(const struct aspects *, const char *text, size_t len);

/* The same with a thread's own state, made once (the classifier asks up
 * to three times a message). */
struct aspects_scratch;
struct aspects_scratch *aspects_scratch_new(const struct aspects *);
void	aspects_scratch_free(struct aspects_scratch **);
int	aspects_match_with(const struct aspects *, struct aspects_scratch *,
	    const char *text, size_t len);

#endif
