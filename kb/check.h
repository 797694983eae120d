/*
 * What `hotline kb check` (and every import) demands of the articles beyond
 * their syntax: sources and a review date on every article; on a service
 * article, at least KB_CHECK_QUESTIONS questions and the fixed sections in
 * order; no question claimed by two articles; and, when the caller knows
 * them, only known topics and categories.
 */
#ifndef KB_CHECK_H
#define KB_CHECK_H

#include <stddef.h>
#include <stdio.h>

struct article;

/* A service article teaches its topic by at least this many questions. */
#define KB_CHECK_QUESTIONS	8

/* Ids the articles may name; a NULL list is not checked. */
struct kb_check_ids {
	const char *const	*topics;
	size_t			 ntopics;
	const char *const	*categories;
	size_t			 ncategories;
};

/*
 * Checks articles a[0..n) read from paths[0..n).  Writes each problem to
 * errs as "path:line: reason" and returns their number.
 */
size_t	kb_check(struct article *const *a, char *const *paths, size_t n,
	    const struct kb_check_ids *ids, FILE *errs);

#endif
