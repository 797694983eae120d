/*
 * Parser of editors' article files.  Pure: bytes in, a struct or a
 * "file:line: reason" out; no I/O.  Strict about the front matter, because
 * a silently ignored key is an article that never answers anything.
 */
#include "kb/article.h"

#include <stdlib.h>
#include <string.h>

#include "lib/limits.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

#define ID_MAX		64
#define TITLE_MAX	200
#define TAGS_MAX	2000
/* Enough for every way of asking an editor can think of, small enough that
 * a runaway file cannot swamp the topic index. */
#define QUESTIONS_MAX	200
#define QUESTION_MAX	600
#define SOURCES_MAX	50
#define SOURCE_MAX	500

struct line {
	const char	*p;
	size_t		 len;
};

/* Takes the next line of buf (without its \n or \r\n) starting at *pos. */
static int
next_line(const char *buf, size_t len, size_t *pos, struct line *l)
{
	const char	*nl;
	size_t		 start = *pos;

	if (start >= len)
		return 0;
	nl = memchr(buf + start, '\n', len - start);
	l->p = buf + start;
	l->len = (nl != NULL ? (size_t)(nl - buf) : len) - start;
	*pos = start + l->len + (nl != NULL ? 1 : 0);
	if (l->len > 0 && l->p[l->len - 1] == '\r')
		l->len--;
	return 1;
}

static void
trim(const char **p, size_t *len)
{
	while (*len > 0 && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*len)--;
	}
	while (*len > 0 && ((*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t'))
		(*len)--;
}

static int
is_id(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len > ID_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	}
	return 1;
}

static int
is_date(const char *s, size_t len)
{
	static const char	shape[] = "dddd-dd-dd";
	size_t			i;
	int			month, day;

	if (len != sizeof(shape) - 1)
		return 0;
	for (i = 0; i < len; i++) {
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') :
		    s[i] != '-')
			return 0;
	}
	month = (s[5] - '0') * 10 + (s[6] - '0');
	day = (s[8] - '0') * 10 + (s[9] - '0');
	return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

static int
line_is(const struct line *l, const char *what)
{
	const char	*p = l->p;
	size_t		 len = l->len;

	trim(&p, &len);
	return len == strlen(what) && memcmp(p, what, len) == 0;
}

/* Duplicates buf[from..to), trimmed of blank lines at both ends. */
static char *
dup_trimmed(const char *buf, size_t from, size_t to)
{
	while (from < to && (buf[from] == '\n' || buf[from] == '\r' ||
	    buf[from] == ' '))
		from++;
	while (to > from && (buf[to - 1] == '\n' || buf[to - 1] == '\r' ||
	    buf[to - 1] == ' '))
		to--;
	return xstrndup(buf + from, to - from);
}

/* The line holding the first byte that is not valid UTF-8 text. */
static size_t
bad_utf8_line(const char *buf, size_t len)
{
	const char	*nl;
	size_t		 pos = 0, line = 1, l;

	while (pos < len) {
		nl = memchr(buf + pos, '\n', len - pos);
		l = nl != NULL ? (size_t)(nl - buf) - pos : len - pos;
		if (!text_is_valid_utf8(buf + pos, l))
			return line;
		pos += l + 1;
		line++;
	}
	return line;
}

void
article_free(struct article **ap)
{
	struct article	*a = *ap;

	if (a == NULL)
		return;
	free(a->id);
	free(a->title);
	free(a->lang);
	free(a->tags);
	free(a->categories);
	free(a->topics);
	free(a->questions);
	free(a->sources);
	free(a->reviewed);
	free(a->question_line);
	free(a->summary);
	free(a->body);
	free(a);
	*ap = NULL;
}

static int
set_key(struct article *a, const char *key, size_t klen, const char *v,
    size_t vlen, const char **why)
{
	char	**slot;

	if (klen == 2 && memcmp(key, "id", 2) == 0) {
		if (!is_id(v, vlen)) {
			*why = "id: use 1-64 characters a-z, 0-9 and '-'";
			return -1;
		}
		slot = &a->id;
	} else if (klen == 5 && memcmp(key, "title", 5) == 0) {
		if (vlen == 0 || vlen > TITLE_MAX) {
			*why = "title: 1-200 bytes";
			return -1;
		}
		slot = &a->title;
	} else if (klen == 4 && memcmp(key, "lang", 4) == 0) {
		if (!(vlen == 2 && (memcmp(v, "ru", 2) == 0 ||
		    memcmp(v, "en", 2) == 0))) {
			*why = "lang: ru or en";
			return -1;
		}
		slot = &a->lang;
	} else if (klen == 4 && memcmp(key, "tags", 4) == 0) {
		if (vlen > TAGS_MAX) {
			*why = "tags: at most 2000 bytes";
			return -1;
		}
		slot = &a->tags;
	} else if (klen == 10 && memcmp(key, "categories", 10) == 0) {
		if (vlen == 0 || vlen > TAGS_MAX) {
			*why = "categories: 1-2000 bytes";
			return -1;
		}
		slot = &a->categories;
	} else if (klen == 6 && memcmp(key, "topics", 6) == 0) {
		if (vlen == 0 || vlen > TAGS_MAX) {
			*why = "topics: 1-2000 bytes";
			return -1;
		}
		slot = &a->topics;
	} else if (klen == 8 && memcmp(key, "reviewed", 8) == 0) {
		if (!is_date(v, vlen)) {
			*why = "reviewed: a date, YYYY-MM-DD";
			return -1;
		}
		slot = &a->reviewed;
	} else {
		*why = "unknown key (id, title, lang, topics, categories, tags, "
		    "questions, sources, reviewed)";
		return -1;
	}
	if (*slot != NULL) {
		*why = "key given twice";
		return -1;
	}
	*slot = xstrndup(v, vlen);
	return 0;
}

/* Appends item p[0..len) to the questions or the sources of a. */
static int
list_add(struct article *a, int question, const char *p, size_t len,
    size_t lineno, const char **why)
{
	char	**list = question ? &a->questions : &a->sources, *s;
	size_t	 *n = question ? &a->nquestions : &a->nsources;

	if (len == 0) {
		*why = "an empty list item";
		return -1;
	}
	if (memchr(p, '\n', len) != NULL || len > (question ? QUESTION_MAX :
	    SOURCE_MAX)) {
		*why = question ? "a question of more than 600 bytes" :
		    "a source of more than 500 bytes";
		return -1;
	}
	if (*n >= (question ? QUESTIONS_MAX : SOURCES_MAX)) {
		*why = question ? "more than 200 questions" :
		    "more than 50 sources";
		return -1;
	}
	s = **list == '\0' ? xstrndup(p, len) :
	    xasprintf("%s\n%.*s", *list, (int)len, p);
	free(*list);
	*list = s;
	if (question) {
		a->question_line = xreallocarray(a->question_line, *n + 1,
		    sizeof(*a->question_line));
		a->question_line[*n] = lineno;
	}
	(*n)++;
	return 0;
}

int
article_parse(const char *name, const char *buf, size_t len,
    struct article **a_r, char **errstr_r)
{
	struct article	*a;
	struct line	 l;
	size_t		 pos = 0, body_start, more_at = 0, more_end = 0;
	size_t		 klen, vlen, lineno = 0;
	const char	*colon, *k, *v, *why = NULL;
	char		*rest;
	int		 closed = 0, nmore = 0;
	enum { LIST_NONE, LIST_QUESTIONS, LIST_SOURCES } list = LIST_NONE;

	*a_r = NULL;
	if (len > LIMIT_EDITOR_FILE_BYTES) {
		*errstr_r = xasprintf("%s: file larger than %d bytes", name,
		    LIMIT_EDITOR_FILE_BYTES);
		return -1;
	}
	if (!text_is_valid_utf8(buf, len)) {
		*errstr_r = xasprintf("%s:%zu: not valid UTF-8 text", name,
		    bad_utf8_line(buf, len));
		return -1;
	}
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;	/* a BOM some editors add */
	a = xcalloc(1, sizeof(*a));
	if (!next_line(buf, len, &pos, &l) || !line_is(&l, "---")) {
		lineno = 1;
		why = "the file must start with a '---' front matter line";
		goto fail;
	}
	lineno = 1;
	while (next_line(buf, len, &pos, &l)) {
		lineno++;
		if (line_is(&l, "---")) {
			closed = 1;
			break;
		}
		k = l.p;
		klen = l.len;
		trim(&k, &klen);
		if (klen == 0 || k[0] == '#')
			continue;
		if (k[0] == '-') {
			k++;
			klen--;
			trim(&k, &klen);
			if (list == LIST_NONE) {
				why = "a list item ('- ...') outside "
				    "questions: or sources:";
				goto fail;
			}
			if (list_add(a, list == LIST_QUESTIONS, k, klen,
			    lineno, &why) == -1)
				goto fail;
			continue;
		}
		list = LIST_NONE;
		if ((colon = memchr(k, ':', klen)) == NULL) {
			why = "expected 'key: value'";
			goto fail;
		}
		v = colon + 1;
		vlen = klen - (size_t)(v - k);
		klen = (size_t)(colon - k);
		trim(&k, &klen);
		trim(&v, &vlen);
		if ((klen == 9 && memcmp(k, "questions", 9) == 0) ||
		    (klen == 7 && memcmp(k, "sources", 7) == 0)) {
			list = k[0] == 'q' ? LIST_QUESTIONS : LIST_SOURCES;
			if (vlen > 0) {
				why = "a list: put each item on a line of its "
				    "own, starting with '- '";
				goto fail;
			}
			if ((list == LIST_QUESTIONS ? a->questions :
			    a->sources) != NULL) {
				why = "key given twice";
				goto fail;
			}
			if (list == LIST_QUESTIONS)
				a->questions = xstrdup("");
			else
				a->sources = xstrdup("");
			continue;
		}
		if (set_key(a, k, klen, v, vlen, &why) == -1)
			goto fail;
	}
	if (!closed) {
		why = "front matter not closed by '---'";
		goto fail;
	}
	if (a->id == NULL || a->title == NULL || a->lang == NULL ||
	    (a->categories == NULL && a->topics == NULL)) {
		why = "front matter needs id, title, lang, and categories or "
		    "topics";
		goto fail;
	}
	if (a->tags == NULL)
		a->tags = xstrdup("");
	if (a->categories == NULL)
		a->categories = xstrdup("");
	if (a->topics == NULL)
		a->topics = xstrdup("");
	if (a->questions == NULL)
		a->questions = xstrdup("");
	if (a->sources == NULL)
		a->sources = xstrdup("");
	if (a->reviewed == NULL)
		a->reviewed = xstrdup("");
	a->body_line = lineno + 1;
	body_start = pos;
	while (next_line(buf, len, &pos, &l)) {
		lineno++;
		if (line_is(&l, ARTICLE_MORE)) {
			if (nmore++ > 0) {
				why = "more than one '" ARTICLE_MORE "' line";
				goto fail;
			}
			more_at = (size_t)(l.p - buf);
			more_end = pos;
		}
	}
	if (nmore == 0) {
		a->summary = dup_trimmed(buf, body_start, len);
		a->body = xstrdup(a->summary);
	} else {
		a->summary = dup_trimmed(buf, body_start, more_at);
		/* The full text reads on from the summary without the marker. */
		rest = dup_trimmed(buf, more_end, len);
		a->body = xasprintf("%s\n\n%s", a->summary, rest);
		free(rest);
	}
	if (a->summary[0] == '\0') {
		why = "the article has no text";
		goto fail;
	}
	*a_r = a;
	return 0;
fail:
	*errstr_r = xasprintf("%s:%zu: %s", name, lineno, why);
	article_free(&a);
	return -1;
}

int
article_list_has(const char *list, const char *id)
{
	const char	*p = list, *end;
	size_t		 idlen = strlen(id), n;

	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		end = p;
		while (*end != '\0' && *end != ',')
			end++;
		n = (size_t)(end - p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n == idlen && memcmp(p, id, n) == 0)
			return 1;
		p = end;
	}
	return 0;
}

int
article_has_category(const struct article *a, const char *id)
{
	return article_list_has(a->categories, id);
}

int
article_has_topic(const struct article *a, const char *id)
{
	return article_list_has(a->topics, id);
}

int
article_is_service(const struct article *a)
{
	return a->topics != NULL && a->topics[0] != '\0';
}

static const struct {
	const char	*name;
	const char	*ru;
	const char	*en;
} sections[SECTION_COUNT] = {
	{ "how",	"Как оформить",		"How to apply" },
	{ "documents",	"Документы",		"Documents" },
	{ "fee",	"Стоимость",		"Fee" },
	{ "timing",	"Сроки",		"Timing" },
	{ "result",	"Результат",		"The result" },
	{ "refusal",	"Если отказали",	"If refused" },
	{ "help",	"Куда обратиться",	"Where to get help" },
};

const char *
article_section_heading(enum article_section s, const char *lang)
{
	if ((unsigned)s >= SECTION_COUNT)
		return NULL;
	return strcmp(lang, "en") == 0 ? sections[s].en : sections[s].ru;
}

const char *
article_section_name(enum article_section s)
{
	return (unsigned)s < SECTION_COUNT ? sections[s].name : NULL;
}

int
article_section_parse(const char *name)
{
	int	i;

	for (i = 0; i < SECTION_COUNT; i++)
		if (strcmp(sections[i].name, name) == 0)
			return i;
	return -1;
}

char *
article_section(const struct article *a, enum article_section s)
{
	const char	*heading, *p, *start = NULL, *end;
	size_t		 hlen;

	if ((heading = article_section_heading(s, a->lang)) == NULL)
		return NULL;
	hlen = strlen(heading);
	for (p = a->body; p != NULL && *p != '\0'; ) {
		end = strchr(p, '\n');
		if (start == NULL) {
			if (strncmp(p, "## ", 3) == 0 &&
			    strncmp(p + 3, heading, hlen) == 0 &&
			    (p[3 + hlen] == '\n' || p[3 + hlen] == '\0' ||
			    p[3 + hlen] == ' ' || p[3 + hlen] == '\r'))
				start = end != NULL ? end + 1 : p + strlen(p);
		} else if (strncmp(p, "## ", 3) == 0 ||
		    strncmp(p, "# ", 2) == 0)
			return dup_trimmed(start, 0, (size_t)(p - start));
		p = end != NULL ? end + 1 : NULL;
	}
	if (start == NULL)
		return NULL;
	return dup_trimmed(start, 0, strlen(start));
}

void
article_each_line(const char *list, void (*fn)(const char *, size_t,
    void *), void *arg)
{
	const char	*p = list, *e;

	while (p != NULL && *p != '\0') {
		e = strchr(p, '\n');
		fn(p, e != NULL ? (size_t)(e - p) : strlen(p), arg);
		p = e != NULL ? e + 1 : NULL;
	}
}
