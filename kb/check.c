/*
 * The editors' rules for articles that the parser cannot see one file at
 * a time: questions shared between articles, and the facts every article
 * must carry (where they come from, when they were checked).
 */
#include "kb/check.h"

#include <stdlib.h>
#include <string.h>

#include "kb/article.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

struct question {
	char	*key;		/* folded text */
	size_t	 article;
	size_t	 line;
};

static int
cmp_question(const void *a, const void *b)
{
	const struct question	*x = a, *y = b;
	int			 c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return x->article < y->article ? -1 : x->article > y->article;
}

/* Checks each id of the comma-separated ids against list. */
static size_t
check_ids(const char *path, const char *what, const char *ids,
    const char *const *list, size_t n, FILE *errs)
{
	const char	*p = ids, *end;
	size_t		 len, nerr = 0;

	if (list == NULL)
		return 0;
	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		for (end = p; *end != '\0' && *end != ','; end++)
			;
		len = (size_t)(end - p);
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len > 0 && !text_in_list(p, len, list, n)) {
			fprintf(errs, "%s:1: %s: unknown id \"%.*s\"\n", path,
			    what, (int)len, p);
			nerr++;
		}
		p = end;
	}
	return nerr;
}

struct collect {
	struct question	**q;
	size_t		 *n;
	size_t		  article;
	size_t		  i;
	const size_t	 *lines;
};

static void
collect(const char *p, size_t len, void *arg)
{
	struct collect	*c = arg;
	struct question	*q;
	char		*s;
	size_t		 o = 0, i, flen;

	*c->q = xreallocarray(*c->q, *c->n + 1, sizeof(**c->q));
	q = &(*c->q)[(*c->n)++];
	/* Case, punctuation and spacing do not make two questions differ. */
	s = text_fold(p, len, len * 2 + 8, &flen);
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '?' || s[i] == '!' || s[i] == '.' || s[i] == ',')
			continue;
		if (s[i] == ' ' && (o == 0 || s[o - 1] == ' '))
			continue;
		s[o++] = s[i];
	}
	while (o > 0 && s[o - 1] == ' ')
		o--;
	s[o] = '\0';
	q->key = s;
	q->article = c->article;
	q->line = c->lines != NULL ? c->lines[c->i] : 1;
	c->i++;
}

size_t
kb_check(struct article *const *a, char *const *paths, size_t n,
    const struct kb_check_ids *ids, FILE *errs)
{
	struct question	*q = NULL;
	struct collect	 c;
	size_t		 nq = 0, nerr = 0, i, s;
	char		*text;

	for (i = 0; i < n; i++) {
		if (a[i]->nsources == 0) {
			fprintf(errs, "%s:1: no sources: list the pages (or "
			    "seed sections) the facts come from\n", paths[i]);
			nerr++;
		}
		if (a[i]->reviewed[0] == '\0') {
			fprintf(errs, "%s:1: no reviewed: date (YYYY-MM-DD)\n",
			    paths[i]);
			nerr++;
		}
		if (ids != NULL) {
			nerr += check_ids(paths[i], "topics", a[i]->topics,
			    ids->topics, ids->ntopics, errs);
			nerr += check_ids(paths[i], "categories",
			    a[i]->categories, ids->categories,
			    ids->ncategories, errs);
		}
		if (!article_is_service(a[i]))
			continue;
		if (a[i]->nquestions < KB_CHECK_QUESTIONS) {
			fprintf(errs, "%s:1: a service article needs at least "
			    "%d questions (it has %zu)\n", paths[i],
			    KB_CHECK_QUESTIONS, a[i]->nquestions);
			nerr++;
		}
		for (s = 0; s < SECTION_COUNT; s++) {
			if ((text = article_section(a[i], s)) == NULL) {
				fprintf(errs, "%s:%zu: no section \"## %s\" "
				    "(docs/articles.md)\n", paths[i],
				    a[i]->body_line,
				    article_section_heading(s, a[i]->lang));
				nerr++;
			}
			free(text);
		}
		c.q = &q;
		c.n = &nq;
		c.article = i;
		c.i = 0;
		c.lines = a[i]->question_line;
		article_each_line(a[i]->questions, collect, &c);
	}
	if (nq > 1)
		qsort(q, nq, sizeof(*q), cmp_question);
	for (i = 1; i < nq; i++) {
		if (strcmp(q[i].key, q[i - 1].key) != 0)
			continue;
		fprintf(errs, "%s:%zu: the question \"%s\" also belongs to "
		    "%s:%zu; a question may teach one article only\n",
		    paths[q[i].article], q[i].line, q[i].key,
		    paths[q[i - 1].article], q[i - 1].line);
		nerr++;
	}
	for (i = 0; i < nq; i++)
		free(q[i].key);
	free(q);
	return nerr;
}
