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
 * for tests and fuzzers.  Returns the PCRE2 text, which the
 * caller frees, or NULL with the reason in errbuf.
 */
char	*editform_compile(const struct def_set *set,
	    enum def_pattern_kind kind, const char *source, char *errbuf,
	    size_t errsz);

/*
 * The end of a /raw/ part that starts at p (a '/'), as in a JavaScript
 * regular expression literal: the next '/' neither escaped nor inside
 * [ ].  NULL if none.
 */
const char *editform_raw_end(const char *p, const char *end);

#endif
