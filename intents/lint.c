/*
 * The warnings are found with the same compiled rules the agent runs: each
 * example is classified as a message would be, and every pattern is run
 * on its normalised text (rules_explain).  A rule that adds evidence to
 * another category's example counts only where that category is not ruled
 * out for it, since a vetoed category's evidence is never used.
 */
#include "intents/lint.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "intents/editform.h"
#include "intents/rules.h"
#include "lib/limits.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

#define EXAMPLE_SHOWN	60	/* characters of an example quoted */

/* Characters (not bytes) of UTF-8 text s. */
static size_t
chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Whether a pattern only names lists: "@a, @b". */
static int
only_lists(const char *s)
{
	int	names = 0;

	while (*s != '\0') {
		if (*s == '@') {
			names++;
			for (s++; (*s >= 'a' && *s <= 'z') || (*s >= '0' &&
			    *s <= '9') || *s == '_'; s++)
				;
		} else if (*s == ',' || *s == ' ')
			s++;
		else
			return 0;
	}
	return names > 0;
}

void
lint_size(const struct def_set *set, struct lint_size *sz)
{
	const struct def_pattern	*p, *q;
	size_t				 i, j, k, l, n;

	memset(sz, 0, sizeof(*sz));
	for (i = 0; i < set->n; i++)
		for (j = 0; j < set->intents[i].npatterns; j++) {
			p = &set->intents[i].patterns[j];
			n = chars(p->source);
			sz->patterns++;
			if ((size_t)p->kind < sizeof(sz->kinds) /
			    sizeof(sz->kinds[0]))
				sz->kinds[p->kind]++;
			sz->chars += n;
			if (n > LINT_LONG)
				sz->over++;
			if (n > sz->longest) {
				sz->longest = n;
				sz->longest_file = p->file;
				sz->longest_line = p->line;
			}
			/* A copy: the same text on an earlier line.  Naming
			 * the same lists is how copies are avoided, not one. */
			if (only_lists(p->source))
				continue;
			for (k = 0; k <= i; k++)
				for (l = 0; l < (k < i ? set->intents[k].npatterns :
				    j); l++) {
					q = &set->intents[k].patterns[l];
					if (strcmp(q->source, p->source) == 0)
						goto copy;
				}
			continue;
copy:
			sz->copies++;
			sz->copy_chars += n;
		}
	for (i = 0; i < set->nlists; i++) {
		sz->lists++;
		sz->list_chars += chars(set->lists[i].items);
	}
}

void
lint_size_print(const struct lint_size *sz, FILE *out)
{
	fprintf(out, "category files: %zu patterns (%zu rule, %zu not, %zu "
	    "only, %zu priority), %zu characters, longest %zu (%s:%zu), %zu "
	    "over %d, %zu copies (%zu characters); %zu lists, %zu "
	    "characters\n", sz->patterns, sz->kinds[DEF_RULE],
	    sz->kinds[DEF_NOT], sz->kinds[DEF_ONLY], sz->kinds[DEF_PRIORITY],
	    sz->chars, sz->longest, sz->longest_file != NULL ?
	    sz->longest_file : "-", sz->longest_line, sz->over, LINT_LONG,
	    sz->copies, sz->copy_chars, sz->lists, sz->list_chars);
}

static void __attribute__((format(printf, 5, 6)))
warn_at(def_error_fn fn, void *arg, const char *file, size_t line,
    const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[768], *full;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	full = xasprintf("%s:%zu: warning: %s", file, line, msg);
	if (fn != NULL)
		fn(arg, full);
	free(full);
}

/*
 * The items of a list or of a bracketed choice s[0..len): split at the
 * commas outside brackets, quotes and /raw/ parts, folded, with one space
 * between words.  Returns how many; *items_r is freed with free_items().
 */
static size_t
split_items(const char *s, size_t len, char ***items_r)
{
	char		**items = NULL, *f;
	const char	*start = s, *p, *q;
	size_t		  n = 0, flen;
	int		  depth = 0;

	for (p = s; p <= s + len; p++) {
		if (p < s + len && *p == '"') {
			q = memchr(p + 1, '"', (size_t)(s + len - p - 1));
			p = q != NULL ? q : s + len - 1;
			continue;
		}
		if (p < s + len && *p == '/' && (p == s || p[-1] == ' ' ||
		    p[-1] == ',' || p[-1] == '(')) {
			q = editform_raw_end(p, s + len);
			p = q != NULL ? q : s + len - 1;
			continue;
		}
		if (p < s + len && (*p == '(' || *p == '['))
			depth++;
		else if (p < s + len && (*p == ')' || *p == ']'))
			depth--;
		if (p < s + len && (*p != ',' || depth > 0))
			continue;
		f = text_fold(start, (size_t)(p - start), LIMIT_EDITOR_LINE_BYTES,
		    &flen);
		if (flen > 0) {
			items = xreallocarray(items, n + 1, sizeof(*items));
			items[n++] = f;
		} else
			free(f);
		start = p + 1;
	}
	*items_r = items;
	return n;
}

static void
free_items(char **items, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

/* Whether every one of a[0..na) is among b[0..nb). */
static int
all_in(char **a, size_t na, char **b, size_t nb)
{
	size_t	i, j;

	for (i = 0; i < na; i++) {
		for (j = 0; j < nb; j++)
			if (strcmp(a[i], b[j]) == 0)
				break;
		if (j == nb)
			return 0;
	}
	return 1;
}


/* Bytes of s[..end) that make at most max characters. */
static size_t
cut(const char *s, const char *end, size_t max)
{
	const char	*p = s;
	size_t		 n = 0;

	while (p < end && n < max) {
		p++;
		while (p < end && ((unsigned char)*p & 0xc0) == 0x80)
			p++;
		n++;
	}
	return (size_t)(p - s);
}

/* The bracketed choices of one source that hold every word of a list. */
static size_t
lint_source(const struct def_set *set, const struct def_pattern *p,
    char ***lists, size_t *nitems, def_error_fn fn, void *arg)
{
	const char	*s = p->source, *q, *close;
	char		**items;
	size_t		  len = strlen(s), n, i, nwarn = 0;
	int		  depth;

	for (q = s; q < s + len; q++) {
		if (*q == '"' || (*q == '/' && (q == s || q[-1] == ' ' ||
		    q[-1] == ',' || q[-1] == '('))) {
			close = *q == '"' ? memchr(q + 1, '"',
			    (size_t)(s + len - q - 1)) : editform_raw_end(q, s + len);
			if (close == NULL)
				break;
			q = close;
			continue;
		}
		if (*q != '(' || (q >= s + 4 && memcmp(q - 4, "near", 4) == 0))
			continue;
		for (close = q + 1, depth = 1; close < s + len; close++) {
			if (*close == '(')
				depth++;
			else if (*close == ')' && --depth == 0)
				break;
		}
		if (close >= s + len)
			break;
		n = split_items(q + 1, (size_t)(close - q - 1), &items);
		for (i = 0; n >= 3 && i < set->nlists; i++)
			if (nitems[i] >= 3 && all_in(lists[i], nitems[i],
			    items, n)) {
				warn_at(fn, arg, p->file, p->line, "(%.*s%s) has "
				    "every word of list @%s: write @%s "
				    "instead", (int)cut(q + 1, close, 30),
				    q + 1, close - q - 1 > (long)cut(q + 1,
				    close, 30) ? "…" : "", set->lists[i].name,
				    set->lists[i].name);
				nwarn++;
				break;
			}
		free_items(items, n);
	}
	return nwarn;
}

size_t
lint_lists(const struct def_set *set, def_error_fn fn, void *arg)
{
	const struct def_list	*l, *m;
	char			***lists;
	size_t			 *nitems, i, j, nwarn = 0;

	lists = xcalloc(set->nlists + 1, sizeof(*lists));
	nitems = xcalloc(set->nlists + 1, sizeof(*nitems));
	for (i = 0; i < set->nlists; i++)
		nitems[i] = split_items(set->lists[i].items,
		    strlen(set->lists[i].items), &lists[i]);
	for (i = 0; i < set->nlists; i++)
		for (j = 0; j < i; j++) {
			l = &set->lists[i];
			m = &set->lists[j];
			if (nitems[i] != nitems[j] || !all_in(lists[i],
			    nitems[i], lists[j], nitems[j]))
				continue;
			warn_at(fn, arg, l->file, l->line, "list %s has the same "
			    "words as list %s (%s:%zu): keep one", l->name,
			    m->name, m->file, m->line);
			nwarn++;
			break;
		}
	for (i = 0; i < set->n; i++)
		for (j = 0; j < set->intents[i].npatterns; j++)
			nwarn += lint_source(set, &set->intents[i].patterns[j],
			    lists, nitems, fn, arg);
	for (i = 0; i < set->nlists; i++)
		free_items(lists[i], nitems[i]);
	free(lists);
	free(nitems);
	return nwarn;
}

/* What one rule line did on the examples. */
struct fired {
	size_t	own;		/* examples of its category */
	size_t	other;		/* examples of others, where it counted */
	size_t	ex_def;		/* the first of those: definition … */
	size_t	ex_i;		/* … and example */
};

struct walk {
	const struct def_set	*set;
	size_t			*base;	/* per definition: first flat index */
	struct fired		*fired;
	const unsigned char	*vetoed;
	int			 cat;	/* the example's category */
	size_t			 def, ex;
};

static void
on_hit(void *arg, size_t category, const struct def_pattern *p)
{
	struct walk	*w = arg;
	struct fired	*f;
	size_t		 i;

	if (p->kind != DEF_RULE && p->kind != DEF_ONLY)
		return;
	for (i = 0; i < w->set->n; i++)
		if (p >= w->set->intents[i].patterns && p <
		    w->set->intents[i].patterns + w->set->intents[i].npatterns)
			break;
	if (i == w->set->n)
		return;
	f = &w->fired[w->base[i] + (size_t)(p - w->set->intents[i].patterns)];
	if ((int)category == w->cat)
		f->own++;
	else if (!w->vetoed[category]) {
		if (f->other++ == 0) {
			f->ex_def = w->def;
			f->ex_i = w->ex;
		}
	}
}

/* The rules' warnings, after every example was seen. */
static size_t
tell_rules(const struct walk *w, def_error_fn fn, void *arg)
{
	const struct def_intent		*d, *e;
	const struct def_pattern	*p;
	const struct fired		*f;
	char				 buf[EXAMPLE_SHOWN * 4 + 8];
	size_t				 i, j, n = 0;

	for (i = 0; i < w->set->n; i++) {
		d = &w->set->intents[i];
		for (j = 0; j < d->npatterns; j++) {
			p = &d->patterns[j];
			f = &w->fired[w->base[i] + j];
			if (p->kind != DEF_RULE && p->kind != DEF_ONLY)
				continue;
			if (f->own == 0 && f->other == 0) {
				warn_at(fn, arg, p->file, p->line, "%s matches none of the "
				    "examples: add one it is for, or remove it",
				    def_kind_name(p->kind));
				n++;
			}
			if (f->other == 0)
				continue;
			e = &w->set->intents[f->ex_def];
			warn_at(fn, arg, p->file, p->line, "%s of %s adds evidence to %zu "
			    "example(s) of other categories, first %s (%s:%zu): "
			    "%s", def_kind_name(p->kind), d->id, f->other,
			    e->id, e->file, e->example_lines[f->ex_i],
			    text_shorten(e->examples[f->ex_i], EXAMPLE_SHOWN, buf,
			    sizeof(buf)));
			n++;
		}
	}
	return n;
}

size_t
lint_warn(const struct classifier *c, struct classify_ctx *ctx,
    def_error_fn fn, void *arg)
{
	const struct def_set		*set = classifier_defs(c);
	const struct def_intent		*d;
	const struct def_pattern	*p;
	struct rules_scratch		*rs;
	struct classify_trace		 t;
	struct verdict			 v;
	struct walk			 w;
	size_t				 i, j, total = 0, n = 0;

	for (i = 0; i < set->n; i++)
		for (j = 0; j < set->intents[i].npatterns; j++) {
			p = &set->intents[i].patterns[j];
			if (chars(p->source) <= LINT_LONG)
				continue;
			warn_at(fn, arg, p->file, p->line, "%s of %zu characters (more than %d): "
			    "use lists, near() and shorter lines",
			    def_kind_name(p->kind), chars(p->source),
			    LINT_LONG);
			n++;
		}
	n += lint_lists(set, fn, arg);
	memset(&w, 0, sizeof(w));
	w.set = set;
	w.base = xcalloc(set->n + 1, sizeof(*w.base));
	for (i = 0; i < set->n; i++) {
		w.base[i] = total;
		total += set->intents[i].npatterns;
	}
	w.fired = xcalloc(total + 1, sizeof(*w.fired));
	rs = rules_scratch_new(classifier_rules(c));
	for (i = 0; i < set->n; i++) {
		d = &set->intents[i];
		w.cat = taxonomy_index(classifier_taxonomy(c), d->id);
		for (j = 0; w.cat >= 0 && j < d->nexamples; j++) {
			classify(ctx, d->examples[j], strlen(d->examples[j]),
			    &v);
			classify_trace(ctx, &t);
			w.vetoed = t.vetoed;
			w.def = i;
			w.ex = j;
			rules_explain(classifier_rules(c), rs, t.match,
			    t.match_len, on_hit, &w);
		}
	}
	rules_scratch_free(&rs);
	n += tell_rules(&w, fn, arg);
	free(w.base);
	free(w.fired);
	return n;
}
