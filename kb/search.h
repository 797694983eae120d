/*
 * Ranked search of the knowledge base for editors, operators and the
 * `kb search` verb: any text in, the best articles with a snippet out.
 */
#ifndef KB_SEARCH_H
#define KB_SEARCH_H

#include <stddef.h>
#include <sqlite3.h>

struct kb_hit {
	char	*id;
	char	*lang;
	char	*title;
	char	*snippet;	/* matched words between [ and ] */
	double	 score;		/* higher is better */
};

/*
 * Searches for the words of query[0..len) (any text: it is never parsed as
 * FTS5 syntax) in lang ("ru", "en", or NULL for both).  Returns 0 with a new
 * array *hits_r of *n_r hits, best first, at most limit (free with
 * kb_hits_free), or -1 with an allocated *errstr_r.
 */
int	kb_search(sqlite3 *db, const char *query, size_t len, const char *lang,
	    int limit, struct kb_hit **hits_r, size_t *n_r, char **errstr_r);

void	kb_hits_free(struct kb_hit *hits, size_t n);

/*
 * Builds the FTS5 MATCH expression for the words of text[0..len): each word
 * a quoted phrase, joined by OR, at most LIMIT_QUERY_TERMS.  Returns an
 * allocated string (empty when there are no words).
 */
char	*kb_search_expr(const char *text, size_t len);

#endif
