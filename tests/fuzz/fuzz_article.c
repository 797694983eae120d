/*
 * libFuzzer harness for the article parser: article_parse on any bytes,
 * then article_has_category and article_section on what it gave.  Besides
 * the sanitizers' checks it holds the parser to its contract: on success
 * every field set, the id and language well formed, categories or topics
 * named, as many question lines (and their line numbers) as nquestions
 * says, a non-empty summary that the body starts with, every section
 * either absent or valid UTF-8 text, and every id of the category list
 * found by article_has_category; on failure no article and a
 * "fuzz.md:..." message.  Corpus: tests/fuzz/corpus/article.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kb/article.h"
#include "lib/text.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)
#define NAME		"fuzz.md"

static void
check_categories(const struct article *a)
{
	const char	*p = a->categories, *end;
	char		 id[1024];
	size_t		 n;

	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		end = p;
		while (*end != '\0' && *end != ',')
			end++;
		n = (size_t)(end - p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n > 0 && n < sizeof(id)) {
			memcpy(id, p, n);
			id[n] = '\0';
			CHECK(article_has_category(a, id));
		}
		p = end;
	}
	CHECK(!article_has_category(a, "no such category, surely"));
}

static void
check_article(const struct article *a)
{
	size_t	i, slen;

	char	*sec;
	size_t	 lines;
	int	 k;

	CHECK(a->id != NULL && a->title != NULL && a->lang != NULL &&
	    a->tags != NULL && a->categories != NULL && a->summary != NULL &&
	    a->body != NULL && a->topics != NULL && a->questions != NULL &&
	    a->sources != NULL && a->reviewed != NULL);
	CHECK(a->id[0] != '\0' && strlen(a->id) <= 64);
	for (i = 0; a->id[i] != '\0'; i++)
		CHECK((a->id[i] >= 'a' && a->id[i] <= 'z') ||
		    (a->id[i] >= '0' && a->id[i] <= '9') || a->id[i] == '-');
	CHECK(strcmp(a->lang, "ru") == 0 || strcmp(a->lang, "en") == 0);
	CHECK(a->title[0] != '\0' && (a->categories[0] != '\0' ||
	    a->topics[0] != '\0'));
	lines = a->questions[0] != '\0';
	for (i = 0; a->questions[i] != '\0'; i++)
		lines += a->questions[i] == '\n';
	CHECK(lines == a->nquestions);
	CHECK(a->nquestions == 0 || a->question_line != NULL);
	for (i = 0; i < a->nquestions; i++)
		CHECK(a->question_line[i] >= 2);
	for (k = 0; k < SECTION_COUNT; k++) {
		sec = article_section(a, (enum article_section)k);
		CHECK(sec == NULL || text_is_valid_utf8(sec, strlen(sec)));
		free(sec);
	}
	slen = strlen(a->summary);
	CHECK(slen > 0);
	CHECK(strncmp(a->body, a->summary, slen) == 0);
	CHECK(text_is_valid_utf8(a->body, strlen(a->body)));
	check_categories(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct article	*a = NULL;
	char		*err = NULL;

	if (article_parse(NAME, (const char *)data, size, &a, &err) == 0) {
		CHECK(a != NULL && err == NULL);
		check_article(a);
		article_free(&a);
		CHECK(a == NULL);
	} else {
		CHECK(a == NULL && err != NULL);
		CHECK(strncmp(err, NAME ":", strlen(NAME ":")) == 0);
		free(err);
	}
	return 0;
}
