/*
 * One knowledge-base article as an editor writes it: a Markdown file with a
 * front matter block (id, title, lang, topics, categories, tags, questions,
 * sources, reviewed) and a short answer for the chat separated from the
 * full text by a "<!-- more -->" line.  docs/articles.md is the editors'
 * description of the format.
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
	char	*categories;	/* comma-separated category ids, or "" */
	char	*topics;	/* comma-separated topic ids, or "" */
	char	*questions;	/* one a line, as the editor wrote them */
	char	*sources;	/* one a line */
	char	*reviewed;	/* YYYY-MM-DD, or "" */
	char	*summary;	/* the short answer (Markdown) */
	char	*body;		/* the whole text (Markdown), summary included */
	size_t	*question_line;	/* file line of each question; parser only */
	size_t	 nquestions;
	size_t	 nsources;
	size_t	 body_line;	/* file line where the body starts */
};

/* The sections every service article has, in this order (docs/articles.md):
 * an answer can lead with the one a citizen asked about. */
enum article_section {
	SECTION_HOW,
	SECTION_DOCUMENTS,
	SECTION_FEE,
	SECTION_TIMING,
	SECTION_RESULT,
	SECTION_REFUSAL,
	SECTION_HELP,
	SECTION_COUNT
};

/*
 * Parses the article in buf[0..len); name is used in error messages.
 * Returns 0 and a new *a_r (free with article_free), or -1 and an allocated
 * "name:line: reason" in *errstr_r that the caller frees.
 */
int	article_parse(const char *name, const char *buf, size_t len,
	    struct article **a_r, char **errstr_r);

void	article_free(struct article **);

/* Whether a comma-separated list (categories, topics) holds id as a
 * whole item. */
int	article_list_has(const char *list, const char *id);

/* Whether the comma-separated list in a->categories holds category id. */
int	article_has_category(const struct article *a, const char *id);

/* Whether the comma-separated list in a->topics holds topic id. */
int	article_has_topic(const struct article *a, const char *id);

/* Whether a is a service article (it names a topic). */
int	article_is_service(const struct article *a);

/* The heading of section s in lang ("ru" or "en"), without "## ". */
const char *article_section_heading(enum article_section s, const char *lang);

/* The section's name in output and configuration ("documents", "fee"...);
 * article_section_parse maps it back, -1 when unknown. */
const char *article_section_name(enum article_section s);
int	article_section_parse(const char *name);

/*
 * The text of section s of a->body (between its heading and the next
 * heading of the same level), trimmed; NULL when the article has no such
 * section.  The caller frees it.
 */
char	*article_section(const struct article *a, enum article_section s);

/* Calls fn with each line of a list held one item a line (questions,
 * sources): p[0..len) without the newline. */
void	article_each_line(const char *list,
	    void (*fn)(const char *p, size_t len, void *arg), void *arg);

#endif
