/*
 * Category files are line-oriented so that an editor can read a diff of one:
 * "keyword value", whole-line comments, and the value taken literally so a
 * regular expression needs no escaping beyond its own.  A pattern or a word
 * list goes on on the next lines that are indented, or while it ends with
 * a comma or "..N" or has a bracket open, so a long list reads as a
 * paragraph.  Every limit an editor could hit (file, line and
 * value size, counts) is an error with a line number, never a silent cut.
 */
#include "intents/deffile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/article.h"
#include "lib/limits.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

#define ID_MAX		64
#define LIST_NAME_MAX	32
#define EXAMPLE_MAX	1000

static const char *const priority_names[] = {
	"critical", "high", "medium", "low"
};

const char *
def_priority_name(int p)
{
	if (p < PRIORITY_CRITICAL || p > PRIORITY_LOW)
		return NULL;
	return priority_names[p];
}

int
def_priority_parse(const char *s, size_t len)
{
	int	i;

	for (i = PRIORITY_CRITICAL; i <= PRIORITY_LOW; i++)
		if (strlen(priority_names[i]) == len &&
		    memcmp(priority_names[i], s, len) == 0)
			return i;
	return PRIORITY_NONE;
}

struct parser {
	const char		*name;
	size_t			 line;
	struct def_set		*set;
	struct def_intent	*cur;
	def_error_fn		 err;
	void			*arg;
	size_t			 nerr;
};

static void __attribute__((format(printf, 2, 3)))
perr(struct parser *p, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[512];
	char	*full;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	full = xasprintf("%s:%zu: %s", p->name, p->line, msg);
	if (p->err != NULL)
		p->err(p->arg, full);
	free(full);
	p->nerr++;
}

static int
is_category_id(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len > ID_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		    s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

/* Splits "word rest" into the word and the rest (both trimmed). */
static void
split_word(const char *s, size_t len, const char **w, size_t *wlen,
    const char **rest, size_t *restlen)
{
	size_t	i = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	*w = s + i;
	while (i < len && s[i] != ' ' && s[i] != '\t')
		i++;
	*wlen = (size_t)(s + i - *w);
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	*rest = s + i;
	*restlen = len - i;
	while (*restlen > 0 && ((*rest)[*restlen - 1] == ' ' ||
	    (*rest)[*restlen - 1] == '\t'))
		(*restlen)--;
}

static int
parse_int(const char *s, size_t len, int min, int max, int *v)
{
	size_t	i;
	int	n = 0;

	if (len == 0 || len > 3)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		n = n * 10 + (s[i] - '0');
	}
	if (n < min || n > max)
		return -1;
	*v = n;
	return 0;
}

static struct def_intent *
find_mut(struct def_set *set, const char *id, size_t len)
{
	size_t	i;

	for (i = 0; i < set->n; i++)
		if (strlen(set->intents[i].id) == len &&
		    memcmp(set->intents[i].id, id, len) == 0)
			return &set->intents[i];
	return NULL;
}

static void
start_intent(struct parser *p, const char *v, size_t vlen)
{
	struct def_intent	*d;

	p->cur = NULL;
	if (!is_category_id(v, vlen)) {
		perr(p, "intent: a category id such as login.sms_code");
		return;
	}
	if ((d = find_mut(p->set, v, vlen)) != NULL) {
		perr(p, "duplicate intent \"%.*s\" (first at %s:%zu)",
		    (int)vlen, v, d->file, d->line);
		return;
	}
	if (p->set->n >= LIMIT_INTENTS) {
		perr(p, "more than %d categories", LIMIT_INTENTS);
		return;
	}
	p->set->intents = xgrow(p->set->intents, p->set->n,
	    sizeof(*p->set->intents));
	d = &p->set->intents[p->set->n++];
	memset(d, 0, sizeof(*d));
	d->id = xstrndup(v, vlen);
	d->register_request = -1;
	d->lead_section = -1;
	d->default_priority = PRIORITY_NONE;
	d->file = xstrdup(p->name);
	d->line = p->line;
	p->cur = d;
}

static void
add_pattern(struct parser *p, enum def_pattern_kind kind, int weight,
    int priority, const char *pat, size_t plen)
{
	struct def_intent	*d = p->cur;
	struct def_pattern	*dp;

	if (plen == 0) {
		perr(p, "missing pattern");
		return;
	}
	if (d->npatterns >= LIMIT_RULES_PER_INTENT) {
		perr(p, "more than %d patterns in \"%s\"",
		    LIMIT_RULES_PER_INTENT, d->id);
		return;
	}
	d->patterns = xgrow(d->patterns, d->npatterns,
	    sizeof(*d->patterns));
	dp = &d->patterns[d->npatterns++];
	dp->kind = kind;
	dp->weight = weight;
	dp->priority = priority;
	dp->source = xstrndup(pat, plen);
	dp->pattern = NULL;
	dp->file = xstrdup(p->name);
	dp->line = p->line;
}

static void
add_example(struct parser *p, const char *v, size_t vlen)
{
	struct def_intent	*d = p->cur;

	if (vlen == 0) {
		perr(p, "empty example");
		return;
	}
	if (vlen > EXAMPLE_MAX) {
		perr(p, "example longer than %d bytes", EXAMPLE_MAX);
		return;
	}
	if (d->nexamples >= LIMIT_EXAMPLES_PER_INTENT) {
		perr(p, "more than %d examples in \"%s\"",
		    LIMIT_EXAMPLES_PER_INTENT, d->id);
		return;
	}
	d->examples = xgrow(d->examples, d->nexamples,
	    sizeof(*d->examples));
	d->example_lines = xgrow(d->example_lines, d->nexamples,
	    sizeof(*d->example_lines));
	d->examples[d->nexamples] = xstrndup(v, vlen);
	d->example_lines[d->nexamples] = p->line;
	d->nexamples++;
}

static int
is_kw(const char *k, size_t klen, const char *what)
{
	return klen == strlen(what) && memcmp(k, what, klen) == 0;
}

/* "lead SECTION [far]": the section of the service article that follows
 * the category's own answer, and whether only a service far ahead of the
 * others earns it.  Returns 0, or -1 when it is not that. */
static int
lead_section(const char *v, size_t vlen, int *section_r, int *far_r)
{
	const char	*w, *rest, *w2, *rest2;
	size_t		 wlen, restlen, w2len, rest2len;
	char		 name[16];

	split_word(v, vlen, &w, &wlen, &rest, &restlen);
	if (!is_kw(w, wlen, "lead") || restlen == 0)
		return -1;
	split_word(rest, restlen, &w2, &w2len, &rest2, &rest2len);
	*far_r = 0;
	if (rest2len > 0) {
		if (!is_kw(rest2, rest2len, "far"))
			return -1;
		*far_r = 1;
		restlen = w2len;
	}
	if (restlen >= sizeof(name))
		return -1;
	memcpy(name, rest, restlen);
	name[restlen] = '\0';
	if ((*section_r = article_section_parse(name)) < 0)
		return -1;
	return 0;
}

static int
is_list_name(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len > LIST_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* "list NAME items": a list shared by every file, in or out of a category. */
static void
add_list(struct parser *p, const char *v, size_t vlen)
{
	const struct def_list	*old;
	struct def_list		*l;
	const char		*name, *items;
	size_t			 nlen, ilen;

	split_word(v, vlen, &name, &nlen, &items, &ilen);
	if (!is_list_name(name, nlen)) {
		perr(p, "list: a name of small Latin letters, digits and _ "
		    "(at most %d), then the words, as in "
		    "\"list bank сбер*, тинькофф\"", LIST_NAME_MAX);
		return;
	}
	if (ilen == 0) {
		perr(p, "list %.*s: no words; write them after the name, "
		    "separated by commas", (int)nlen, name);
		return;
	}
	if ((old = deffile_find_list(p->set, name, nlen)) != NULL) {
		perr(p, "list \"%.*s\" defined twice (first at %s:%zu): "
		    "rename one or merge them", (int)nlen, name, old->file,
		    old->line);
		return;
	}
	if (p->set->nlists >= LIMIT_LISTS) {
		perr(p, "more than %d lists", LIMIT_LISTS);
		return;
	}
	p->set->lists = xgrow(p->set->lists, p->set->nlists,
	    sizeof(*p->set->lists));
	l = &p->set->lists[p->set->nlists++];
	l->name = xstrndup(name, nlen);
	l->items = xstrndup(items, ilen);
	l->file = xstrdup(p->name);
	l->line = p->line;
}

static void
keyword(struct parser *p, const char *k, size_t klen, const char *v,
    size_t vlen)
{
	const char	*w, *rest;
	size_t		 wlen, restlen;
	int		 n;

	if (is_kw(k, klen, "intent")) {
		start_intent(p, v, vlen);
		return;
	}
	if (is_kw(k, klen, "list")) {
		add_list(p, v, vlen);
		return;
	}
	if (p->cur == NULL) {
		/* After a broken "intent" line, stay quiet until the next. */
		if (p->nerr == 0)
			perr(p, "\"%.*s\" before any \"intent\" line",
			    (int)klen, k);
		return;
	}
	if (is_kw(k, klen, "action")) {
		if (!(is_kw(v, vlen, "answer") || is_kw(v, vlen, "handoff") ||
		    is_kw(v, vlen, "decline")))
			perr(p, "action: answer, handoff or decline");
		else if (p->cur->action != NULL)
			perr(p, "action given twice");
		else
			p->cur->action = xstrndup(v, vlen);
	} else if (is_kw(k, klen, "article")) {
		if (vlen == 0 || vlen > ID_MAX)
			perr(p, "article: an article id");
		else if (p->cur->article != NULL)
			perr(p, "article given twice");
		else {
			p->cur->article = xstrndup(v, vlen);
			p->cur->article_line = p->line;
		}
	} else if (is_kw(k, klen, "register")) {
		if (is_kw(v, vlen, "yes"))
			p->cur->register_request = 1;
		else if (is_kw(v, vlen, "no"))
			p->cur->register_request = 0;
		else
			perr(p, "register: yes or no");
	} else if (is_kw(k, klen, "weak")) {
		if (is_kw(v, vlen, "yes"))
			p->cur->weak = 1;
		else if (is_kw(v, vlen, "no"))
			p->cur->weak = 0;
		else
			perr(p, "weak: yes or no");
	} else if (is_kw(k, klen, "services")) {
		if (is_kw(v, vlen, "answer"))
			p->cur->services = DEF_SERVICES_ANSWER;
		else if (is_kw(v, vlen, "record"))
			p->cur->services = DEF_SERVICES_RECORD;
		else if (is_kw(v, vlen, "no"))
			p->cur->services = DEF_SERVICES_NO;
		else if (lead_section(v, vlen, &p->cur->lead_section,
		    &p->cur->lead_far) == 0)
			p->cur->services = DEF_SERVICES_LEAD;
		else
			perr(p, "services: answer, record, no, or lead and a "
			    "section (how, documents, fee, timing, result, "
			    "refusal, help), then optionally far");
	} else if (is_kw(k, klen, "rule")) {
		split_word(v, vlen, &w, &wlen, &rest, &restlen);
		if (parse_int(w, wlen, 1, 10, &n) == -1)
			perr(p, "rule: a weight from 1 to 10, then a pattern");
		else
			add_pattern(p, DEF_RULE, n, PRIORITY_NONE, rest,
			    restlen);
	} else if (is_kw(k, klen, "only")) {
		split_word(v, vlen, &w, &wlen, &rest, &restlen);
		if (parse_int(w, wlen, 1, 10, &n) == -1)
			perr(p, "only: a weight from 1 to 10, then what the "
			    "whole message may consist of");
		else
			add_pattern(p, DEF_ONLY, n, PRIORITY_NONE, rest,
			    restlen);
	} else if (is_kw(k, klen, "not")) {
		add_pattern(p, DEF_NOT, 0, PRIORITY_NONE, v, vlen);
	} else if (is_kw(k, klen, "priority")) {
		split_word(v, vlen, &w, &wlen, &rest, &restlen);
		if (is_kw(w, wlen, "default")) {
			n = def_priority_parse(rest, restlen);
			if (n == PRIORITY_NONE)
				perr(p, "priority default: critical, high, "
				    "medium or low");
			else
				p->cur->default_priority = n;
		} else if ((n = def_priority_parse(w, wlen)) == PRIORITY_NONE)
			perr(p, "priority: critical, high, medium, low or "
			    "default, then a pattern");
		else
			add_pattern(p, DEF_PRIORITY, 0, n, rest, restlen);
	} else if (is_kw(k, klen, "example")) {
		add_example(p, v, vlen);
	} else
		perr(p, "unknown keyword \"%.*s\" (intent, action, article, "
		    "register, weak, services, rule, only, not, priority, "
		    "example, list)",
		    (int)(klen > 40 ? 40 : klen), k);
}

/*
 * The line at *pos (< len; without its end of line) into *line_r; advances
 * *pos.  Returns -1, after an error on p->line, for a line too long or not
 * UTF-8.
 */
static int
next_line(struct parser *p, const char *buf, size_t len, size_t *pos,
    const char **line_r, size_t *llen_r)
{
	const char	*line;
	size_t		 llen;

	if (!text_next_line(buf, len, pos, &line, &llen))
		return -1;
	if (llen > LIMIT_EDITOR_LINE_BYTES) {
		perr(p, "line longer than %d bytes", LIMIT_EDITOR_LINE_BYTES);
		return -1;
	}
	if (!text_is_valid_utf8(line, llen)) {
		perr(p, "not valid UTF-8 text");
		return -1;
	}
	*line_r = line;
	*llen_r = llen;
	return 0;
}

static const char *const keywords[] = {
	"intent", "action", "article", "register", "weak", "services", "rule",
	"only", "not", "priority", "example", "list"
};

/* Whether k is a keyword: a line starting with one starts anew. */
static int
is_keyword(const char *k, size_t klen)
{
	size_t	i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (is_kw(k, klen, keywords[i]))
			return 1;
	return 0;
}

/* Whether a value of keyword k may go on on the next line. */
static int
continues(const char *k, size_t klen)
{
	return is_kw(k, klen, "list") || is_kw(k, klen, "rule") ||
	    is_kw(k, klen, "not") || is_kw(k, klen, "only") ||
	    is_kw(k, klen, "priority");
}

/*
 * Whether a pattern or list v[0..len) is unfinished: it ends with a comma
 * or a "..N", or a bracket is still open (outside "phrases" and /raw/
 * parts).  Such a value goes on on the next line.
 */
static int
unfinished(const char *v, size_t len)
{
	size_t	i, j;
	int	depth = 0, in_class;

	if (len > 0 && v[len - 1] == ',')
		return 1;
	for (j = len; j > 0 && v[j - 1] >= '0' && v[j - 1] <= '9'; j--)
		;
	if (j < len && j >= 2 && v[j - 1] == '.' && v[j - 2] == '.')
		return 1;
	for (i = 0; i < len; i++) {
		if (v[i] == '"') {
			while (++i < len && v[i] != '"')
				;
		} else if (v[i] == '/' && (i == 0 || v[i - 1] == ' ' ||
		    v[i - 1] == ',' || v[i - 1] == '(' || v[i - 1] == '[')) {
			/* /raw/: to the next '/' not escaped nor in [ ] */
			for (j = i + 1, in_class = 0; j < len; j++) {
				if (v[j] == '\\')
					j++;
				else if (in_class)
					in_class = v[j] != ']';
				else if (v[j] == '[')
					in_class = 1;
				else if (v[j] == '/')
					break;
			}
			i = j;
		} else if (v[i] == '(' || v[i] == '[')
			depth++;
		else if (v[i] == ')' || v[i] == ']')
			depth--;
	}
	return depth > 0;
}

/* The line at pos, not checked yet: for deciding whether it goes on. */
static void
peek_line(const char *buf, size_t len, size_t pos, const char **line_r,
    size_t *llen_r)
{
	const char	*line = buf + pos, *nl;

	nl = memchr(line, '\n', len - pos);
	*line_r = line;
	*llen_r = nl != NULL ? (size_t)(nl - line) : len - pos;
}

/*
 * A pattern or list v[0..vlen) joined with the lines that go on with it:
 * while it is unfinished (see unfinished()), and also any indented line
 * that does not start with a keyword, as in a mail header.  Comment lines
 * among them are skipped; a blank line or a keyword ends it.  Returns the
 * joined value (the caller frees it), or NULL after an error.
 */
static char *
join_lines(struct parser *p, const char *buf, size_t len, size_t *pos,
    const char *v, size_t vlen, size_t *jlen_r)
{
	const char	*line, *w, *rest;
	char		*out;
	size_t		 o, llen, wlen, restlen;
	int		 bad = 0, indented;

	/* vlen is one line's, well below the limit of a value. */
	out = xmalloc(LIMIT_EDITOR_VALUE_BYTES + 1);
	memcpy(out, v, vlen);
	o = vlen;
	while (*pos < len) {
		peek_line(buf, len, *pos, &line, &llen);
		split_word(line, llen, &w, &wlen, &rest, &restlen);
		indented = llen > 0 && (line[0] == ' ' || line[0] == '\t');
		if (wlen == 0 || (w[0] != '#' && is_keyword(w, wlen)) ||
		    (!indented && !unfinished(out, o)))
			break;
		p->line++;
		if (next_line(p, buf, len, pos, &line, &llen) == -1) {
			bad = 1;
			continue;
		}
		split_word(line, llen, &w, &wlen, &rest, &restlen);
		if (w[0] == '#')
			continue;
		llen = (size_t)(rest + restlen - w);
		if (o + 1 + llen > LIMIT_EDITOR_VALUE_BYTES) {
			perr(p, "value continued past %d bytes",
			    LIMIT_EDITOR_VALUE_BYTES);
			bad = 1;
			break;
		}
		out[o++] = ' ';
		memcpy(out + o, w, llen);
		o += llen;
	}
	if (bad) {
		free(out);
		return NULL;
	}
	out[o] = '\0';
	*jlen_r = o;
	return out;
}

size_t
deffile_parse(const char *name, const char *buf, size_t len,
    struct def_set *set, def_error_fn err, void *arg)
{
	struct parser	 p;
	const char	*line, *k, *v;
	char		*joined;
	size_t		 pos = 0, llen, klen, vlen, jlen, start, end;

	memset(&p, 0, sizeof(p));
	p.name = name;
	p.set = set;
	p.err = err;
	p.arg = arg;
	if (len > LIMIT_EDITOR_FILE_BYTES) {
		p.line = 1;
		perr(&p, "file larger than %d bytes", LIMIT_EDITOR_FILE_BYTES);
		return p.nerr;
	}
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		p.line++;
		if (next_line(&p, buf, len, &pos, &line, &llen) == -1)
			continue;
		split_word(line, llen, &k, &klen, &v, &vlen);
		if (klen == 0 || k[0] == '#')
			continue;
		if (continues(k, klen)) {
			start = p.line;
			joined = join_lines(&p, buf, len, &pos, v, vlen,
			    &jlen);
			end = p.line;
			p.line = start;
			if (joined != NULL)
				keyword(&p, k, klen, joined, jlen);
			p.line = end;
			free(joined);
			continue;
		}
		keyword(&p, k, klen, v, vlen);
	}
	return p.nerr;
}

void
deffile_set_clear(struct def_set *set)
{
	struct def_intent	*d;
	size_t			 i, j;

	for (i = 0; i < set->n; i++) {
		d = &set->intents[i];
		free(d->id);
		free(d->action);
		free(d->article);
		for (j = 0; j < d->npatterns; j++) {
			free(d->patterns[j].source);
			free(d->patterns[j].pattern);
			free(d->patterns[j].file);
		}
		free(d->patterns);
		for (j = 0; j < d->nexamples; j++)
			free(d->examples[j]);
		free(d->examples);
		free(d->example_lines);
		free(d->file);
	}
	free(set->intents);
	set->intents = NULL;
	set->n = 0;
	for (i = 0; i < set->nlists; i++) {
		free(set->lists[i].name);
		free(set->lists[i].items);
		free(set->lists[i].file);
	}
	free(set->lists);
	set->lists = NULL;
	set->nlists = 0;
}

const struct def_intent *
deffile_find(const struct def_set *set, const char *id)
{
	return find_mut((struct def_set *)set, id, strlen(id));
}

const struct def_list *
deffile_find_list(const struct def_set *set, const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < set->nlists; i++)
		if (strlen(set->lists[i].name) == len &&
		    memcmp(set->lists[i].name, name, len) == 0)
			return &set->lists[i];
	return NULL;
}

const char *
def_kind_name(enum def_pattern_kind kind)
{
	switch (kind) {
	case DEF_RULE:
		return "rule";
	case DEF_NOT:
		return "not";
	case DEF_PRIORITY:
		return "priority";
	case DEF_ONLY:
		return "only";
	}
	return "?";
}
