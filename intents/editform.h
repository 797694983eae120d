/*
 * The editor form of a pattern, compiled to PCRE2: words in any of their
 * forms (on Snowball stems), prefixes, exact words and phrases, named word
 * lists (@bank), words near each other, words that must not come right
 * after or before others, and raw PCRE2 between slashes as the escape
 * hatch.  docs/categories.md is the editors' guide to it.  Pure: sources in,
 * PCRE2 text or "file:line: what is wrong: what to do" out.
 */
#ifndef INTENTS_EDITFORM_H
#define INTENTS_EDITFORM_H

#include <stddef.h>

#include "intents/deffile.h"

/*
 * Compiles the source of every pattern of set into its PCRE2 text (the
 * pattern field), resolving the lists of set.  Each problem goes to err
 * once, at the line that has it: a list used but not defined, a cycle of
 * lists, a form that does not parse, a raw part PCRE2 rejects.  A pattern
 * with a problem keeps a NULL pattern.  Returns the number of problems.
 */
size_t	editform_resolve(struct def_set *set, def_error_fn err, void *arg);

/*
 * Compiles one source of kind with the lists of set (which may have none):
 * for tests, fuzzers and `intents why`.  Returns the PCRE2 text, which the
 * caller frees, or NULL with the reason in errbuf.
 */
char	*editform_compile(const struct def_set *set,
	    enum def_pattern_kind kind, const char *source, char *errbuf,
	    size_t errsz);

/*
 * Warnings about lists that repeat each other: two lists of the same words,
 * and a bracketed choice of three or more words in a pattern that are all
 * words of one list (use @name instead).  Each goes to warn as
 * "file:line: warning: …".  Returns the number of warnings.
 */
size_t	editform_lint(const struct def_set *set, def_error_fn warn,
	    void *arg);

#endif
