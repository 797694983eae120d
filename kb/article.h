/*
 * One knowledge-base article as an editor writes it: a Markdown file with a
 * front matter block (id, title, lang, tags, categories) and a short answer
 * for the chat separated from the full text by a "<!-- more -->" line.
 */
#ifndef KB_ARTICLE_H
#define KB_ARTICLE_H

#include <stddef.h>

#define ARTICLE_MORE	"<!-- more -->"

struct article {
	char	*id;		/* [a-z0-9-], unique per language */
	char	*title;
	char	*lang;		/* "ru" or "en" */
	char	*tags;		/* comma-separated, as written */
	char	*categories;	/* comma-separated category ids */
	char	*summary;	/* the short answer (Markdown) */
	char	*body;		/* the whole text (Markdown), summary included */
};

/*
 * Parses the article in buf[0..len); name is used in error messages.
 * Returns 0 and a new *a_r (free with article_free), or -1 and an allocated
 * "name:line: reason" in *errstr_r that the caller frees.
 */
int	article_parse(const char *name, const char *buf, size_t len,
	    struct article **a_r, char **errstr_r);

void	article_free(struct article **);

/* Whether the comma-separated list in a->categories holds category id. */
int	article_has_category(const struct article *a, const char *id);

#endif
