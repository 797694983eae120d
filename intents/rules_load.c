/*
 * Loading the categories' patterns (see rules.h; rules.c runs them).
 *
 * A pattern whose matches can only start at certain words (starts.h;
 * nearly every rule of the editor form) is compiled anchored and tried at
 * those places only: an unanchored search tries every character of the
 * message, and with Cyrillic letters all starting with the same byte,
 * PCRE2 cannot skip any of them.  That was most of the classifier's time.
 * An anchored pattern of several top-level branches also keeps each
 * branch apart (branches.h), and the branches that may start anywhere go
 * apart into a "rest" searched only when one of them has its needles.
 *
 * "A unless B" of the editor form is "^(?!.*B).*?A": as one pattern it
 * tries A at every character, the look-ahead leaving nothing to anchor
 * on, and its 34 lines took a fifth of the rules' time.  Such a pattern
 * is split: A is read, scanned and anchored as any pattern, and B is
 * searched (whole, unanchored) only once A matched.  A message is one
 * line (normalize.c joins lines with " | "), so "B nowhere" is the same.
 *
 * Nothing is JIT-compiled here: rules.c does it when a pattern first runs.
 */
#include "intents/rules_impl.h"
#include "intents/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intents/edemit.h"
#include "intents/editform.h"
#include "intents/needles.h"
#include "intents/pscan.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

#include <utf8proc.h>

/*
 * Not caseless: messages are folded to lower case before matching, and a
 * caseless pattern is both slower and unable to use the prefilter.
 */
#define COMPILE_OPTIONS	(PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF)

/*
 * An upper-case letter outside an escape can never match folded text;
 * returns its offset, or -1.  Verbs such as (*UCP) and group names are not
 * text.
 */
static long
upper_case_at(const char *pattern)
{
	size_t	 i = 0, len = strlen(pattern), n;
	int32_t	 cp;
	char	 close;

	while (i < len) {
		if (pattern[i] == '(' && i + 1 < len && (pattern[i + 1] == '*' ||
		    (pattern[i + 1] == '?' && i + 2 < len &&
		    (pattern[i + 2] == 'P' || pattern[i + 2] == '<' ||
		    pattern[i + 2] == '\''))) ) {
			close = pattern[i + 1] == '*' ? ')' : '>';
			if (pattern[i + 2] == '\'')
				close = '\'';
			/* (?<= and (?<! are look-behinds, not names. */
			if (!(pattern[i + 1] == '?' && pattern[i + 2] == '<' &&
			    i + 3 < len && (pattern[i + 3] == '=' ||
			    pattern[i + 3] == '!'))) {
				i += 3;
				while (i < len && pattern[i] != close)
					i++;
				continue;
			}
		}
		if (pattern[i] == '\\') {
			i += 2;
			/* \p{Lu}, \x{41}: the braces are part of the escape */
			if (i < len && pattern[i] == '{')
				while (i < len && pattern[i] != '}')
					i++;
			continue;
		}
		n = text_decode(pattern + i, len - i, &cp);
		if (utf8proc_category(cp) == UTF8PROC_CATEGORY_LU)
			return (long)i;
		i += n;
	}
	return -1;
}

/*
 * A copy of pattern with "ё" as "е", as messages are folded: an editor may
 * write either.  Both are two bytes in UTF-8, so offsets stay the same.
 */
static char *
fold_yo(const char *pattern)
{
	char	*s = xstrdup(pattern), *p;

	for (p = s; (p = strstr(p, "\xd1\x91")) != NULL; p += 2) {
		p[0] = (char)0xd0;
		p[1] = (char)0xb5;
	}
	return s;
}

static pcre2_code *
compile(const char *pattern, int anchored, int *errcode, PCRE2_SIZE *erroff)
{
	pcre2_code	*code;
	char		*folded;

	folded = fold_yo(pattern);
	code = pcre2_compile((PCRE2_SPTR)folded, PCRE2_ZERO_TERMINATED,
	    COMPILE_OPTIONS | (anchored ? PCRE2_ANCHORED : 0), errcode, erroff,
	    NULL);
	free(folded);
	return code;
}

static void
code_free(struct code *c)
{
	pcre2_code_free(c->code);
	pcre2_code_free(atomic_load(&c->jit));
	c->code = NULL;
}

/*
 * Whether each top-level branch of pattern stands on its own: no
 * back-references, subroutine calls, branch resets or verbs that could
 * tie one to another.
 */
static int
self_contained(const char *p)
{
	for (; *p != '\0'; p++) {
		if (*p == '\\') {
			p++;
			if (*p == '\0' || (*p >= '1' && *p <= '9') ||
			    *p == 'g' || *p == 'k')
				return 0;
			continue;
		}
		if (*p == '(' && (p[1] == '*' || (p[1] == '?' &&
		    strchr("P&R|+-(0123456789", p[2]) != NULL && p[2] != 0)))
			return 0;
	}
	return 1;
}

/* "(?:a|b|…)" of the branches' texts. */
static char *
join(const struct needle_unit *u, size_t n)
{
	size_t	 i, len = 4, o = 0;
	char	*s;

	for (i = 0; i < n; i++)
		len += strlen(u[i].text) + 1;
	s = xmalloc(len);
	memcpy(s + o, "(?:", 3);
	o += 3;
	for (i = 0; i < n; i++) {
		if (i > 0)
			s[o++] = '|';
		memcpy(s + o, u[i].text, strlen(u[i].text));
		o += strlen(u[i].text);
	}
	s[o++] = ')';
	s[o] = '\0';
	return s;
}

/*
 * Reads pattern for the prefilter (as item r->n) and compiles it: anchored
 * when every branch has starts; when only some have, those are compiled
 * anchored and the others apart into c->rest, searched whole only when
 * one of them has its needles.  Returns the code, or NULL with PCRE2's
 * error about the pattern as written.  After an error the next pattern
 * takes item r->n over; the failed one's needles stay behind and can only
 * make that item run more often, never less (and rules with errors are
 * not loaded anyway).
 */
static pcre2_code *
compile_read(struct rules *r, struct compiled *c, const char *pattern,
    int *ec, PCRE2_SIZE *off)
{
	struct needle_unit	*nu, *a, *b;
	pcre2_code		*code;
	char			*folded, *at, *bt;
	size_t			 n, i, na = 0, nb = 0, k = 0;

	folded = fold_yo(pattern);
	n = needles_units(folded, &nu);
	for (i = 0; i < n; i++)
		nb += nu[i].starts.n == 0;
	if (nb == 0 || nb == n || !self_contained(folded)) {
		if (nb == 0 && n > 1 && self_contained(folded))
			c->branches = branches_new(folded, nu, n,
			    COMPILE_OPTIONS | PCRE2_ANCHORED);
		free(folded);
		c->anchored = prefilter_add_units(r->prefilter, r->n, nu, n);
		if (!c->anchored)
			branches_free(&c->branches);
		return compile(pattern, c->anchored, ec, off);
	}
	free(folded);
	/* Errors as the editor wrote it: the whole, once, without JIT. */
	folded = fold_yo(pattern);
	code = pcre2_compile((PCRE2_SPTR)folded, PCRE2_ZERO_TERMINATED,
	    COMPILE_OPTIONS, ec, off, NULL);
	free(folded);
	if (code == NULL) {
		needles_units_free(nu, n);
		return NULL;
	}
	pcre2_code_free(code);
	a = xcalloc(n - nb, sizeof(*a));
	b = xcalloc(nb, sizeof(*b));
	for (i = 0; i < n; i++) {
		if (nu[i].starts.n > 0)
			a[na++] = nu[i];
		else
			b[k++] = nu[i];
	}
	free(nu);
	at = join(a, na);
	bt = join(b, nb);
	c->anchored = prefilter_add_units(r->prefilter, r->n, a, na);
	prefilter_add_units(r->prefilter, r->total + r->n, b, nb);
	code = compile(at, c->anchored, ec, off);
	if (code != NULL && (c->rest.code = compile(bt, 0, ec, off)) ==
	    NULL) {
		pcre2_code_free(code);
		code = NULL;
	}
	free(at);
	free(bt);
	return code;
}

/*
 * Item c (r->n, just compiled) runs the codes of the first item with the
 * same pattern, if any, and frees its own.  Lists make the same pattern
 * in several places ("not @asks_status" in four sections of one file):
 * each copy was JIT-compiled on its own, 90 KB of machine code each for
 * the largest.  Needles and places stay the item's own, so everything
 * matches as before; only the compiled code is shared.  hash[] keeps each
 * item's pattern's hash, to compare strings only when they may be equal.
 */
static void
share(struct rules *r, struct compiled *c, uint32_t *hash,
    const char *pattern)
{
	const struct compiled	*o;
	uint32_t		 h = 2166136261u;
	const char		*p;
	size_t			 j;

	for (p = pattern; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	hash[r->n] = h;
	c->same = r->n;
	for (j = 0; j < r->n; j++) {
		o = &r->items[j];
		if (hash[j] != h || o->same != j ||
		    o->anchored != c->anchored ||
		    (o->rest.code != NULL) != (c->rest.code != NULL) ||
		    strcmp(o->src->pattern, pattern) != 0)
			continue;
		code_free(&c->code);
		code_free(&c->rest);
		code_free(&c->unless);
		branches_free(&c->branches);
		c->same = j;
		return;
	}
}

int
rules_try_compile(const char *pattern, char *errbuf, size_t errsz)
{
	pcre2_code	*code;
	char		*folded;
	PCRE2_UCHAR	 msg[256];
	PCRE2_SIZE	 off;
	long		 up;
	int		 ec;

	if ((up = upper_case_at(pattern)) >= 0) {
		snprintf(errbuf, errsz, "upper-case letter at offset %ld: "
		    "messages are matched in lower case", up);
		return -1;
	}
	/* Whether it compiles is all that is asked: no JIT. */
	folded = fold_yo(pattern);
	code = pcre2_compile((PCRE2_SPTR)folded, PCRE2_ZERO_TERMINATED,
	    COMPILE_OPTIONS, &ec, &off, NULL);
	free(folded);
	if (code == NULL) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		snprintf(errbuf, errsz, "pattern error at offset %zu: %s",
		    (size_t)off, (const char *)msg);
		return -1;
	}
	pcre2_code_free(code);
	return 0;
}

/*
 * Pattern into item c (see compile_read), "A unless B" split (see the top)
 * when the whole compiles, so that errors stay where the editor wrote
 * them, and neither half refers to groups by number.
 */
static pcre2_code *
compile_item(struct rules *r, struct compiled *c, const char *pattern,
    int *ec, PCRE2_SIZE *off)
{
	pcre2_code	*code;
	const char	*b, *a;
	char		*bt, *folded;
	size_t		 blen;

	if (!pscan_unless(pattern, &b, &blen, &a) || !self_contained(pattern))
		return compile_read(r, c, pattern, ec, off);
	folded = fold_yo(pattern);
	code = pcre2_compile((PCRE2_SPTR)folded, PCRE2_ZERO_TERMINATED,
	    COMPILE_OPTIONS, ec, off, NULL);
	free(folded);
	if (code == NULL)
		return NULL;
	pcre2_code_free(code);
	bt = xstrndup(b, blen);
	c->unless.code = compile(bt, 0, ec, off);
	free(bt);
	if (c->unless.code == NULL)
		return NULL;
	if ((code = compile_read(r, c, a, ec, off)) == NULL)
		code_free(&c->unless);
	return code;
}

/*
 * One of r->lead and r->tail: list name of lists.intent read as an
 * "only" line is, at the start of a message ("Здравствуйте, подскажите
 * пожалуйста, …": the list's first item first, then any of them) or at
 * its end ("…, заранее спасибо": any of them).  No such list, or one
 * that does not compile: nothing is cut.
 */
static void
compile_small_talk(struct code *c, const struct def_set *set,
    const char *name, int at_start)
{
	char		*only, *re, *src, why[256];
	size_t		 i;
	int		 ec;
	PCRE2_SIZE	 off;

	for (i = 0; i < set->nlists; i++)
		if (strcmp(set->lists[i].name, name) == 0)
			break;
	if (i == set->nlists)
		return;
	src = at_start ? xstrdup(set->lists[i].items) : xasprintf("@%s", name);
	only = editform_compile(set, DEF_ONLY, src, why, sizeof(why));
	free(src);
	if (only == NULL)
		return;
	if ((re = at_start ? edemit_only_lead(only) : edemit_only_tail(only)) !=
	    NULL)
		c->code = compile(re, 1, &ec, &off);
	free(re);
	free(only);
}

size_t
rules_compile(const struct def_set *set, const int *map, size_t ncategories,
    struct rules **rules_r, def_error_fn err, void *arg)
{
	struct rules		*r;
	const struct def_intent	*d;
	const struct def_pattern *p;
	struct compiled		*c;
	PCRE2_UCHAR		 msg[256];
	PCRE2_SIZE		 off;
	size_t			 i, j, total = 0, nerr = 0;
	char			*full;
	uint32_t		*hash;
	long			 up;
	int			 ec;

	r = xcalloc(1, sizeof(*r));
	r->ncategories = ncategories;
	r->default_priority = xcalloc(ncategories + 1, sizeof(int));
	r->has_priority = xcalloc(ncategories + 1, 1);
	for (i = 0; i < ncategories; i++)
		r->default_priority[i] = PRIORITY_NONE;
	for (i = 0; i < set->n; i++)
		total += set->intents[i].npatterns;
	r->items = xcalloc(total + 1, sizeof(*r->items));
	hash = xcalloc(total + 1, sizeof(*hash));
	r->total = total;
	r->prefilter = prefilter_new(total * 2);
	for (i = 0; i < set->n; i++) {
		d = &set->intents[i];
		if (map[i] < 0) {
			/* Not loaded, but an editor still wants to hear. */
			for (j = 0; j < d->npatterns; j++) {
				char	why[300];

				if (d->patterns[j].pattern == NULL ||
				    rules_try_compile(d->patterns[j].pattern,
				    why, sizeof(why)) == 0)
					continue;
				full = xasprintf("%s:%zu: %s",
				    d->patterns[j].file, d->patterns[j].line,
				    why);
				if (err != NULL)
					err(arg, full);
				free(full);
				nerr++;
			}
			continue;
		}
		r->default_priority[map[i]] = d->default_priority;
		for (j = 0; j < d->npatterns; j++) {
			p = &d->patterns[j];
			c = &r->items[r->n];
			/* Not made from the editor's form: told already. */
			if (p->pattern == NULL)
				continue;
			if ((up = upper_case_at(p->pattern)) >= 0) {
				full = xasprintf("%s:%zu: upper-case letter at "
				    "offset %ld: messages are matched in lower "
				    "case", p->file, p->line, up);
				if (err != NULL)
					err(arg, full);
				free(full);
				nerr++;
				continue;
			}
			if ((c->code.code = compile_item(r, c, p->pattern,
			    &ec, &off)) == NULL) {
				branches_free(&c->branches);
				pcre2_get_error_message(ec, msg, sizeof(msg));
				full = xasprintf("%s:%zu: pattern error at "
				    "offset %zu: %s", p->file, p->line,
				    (size_t)off, (const char *)msg);
				if (err != NULL)
					err(arg, full);
				free(full);
				nerr++;
				continue;
			}
			share(r, c, hash, p->pattern);
			c->src = p;
			c->category = (size_t)map[i];
			c->kind = p->kind;
			c->weight = p->weight;
			c->priority = p->priority;
			if (c->kind == DEF_PRIORITY)
				r->has_priority[c->category] = 1;
			r->n++;
		}
	}
	free(hash);
	compile_small_talk(&r->lead, set, RULES_LEAD_LIST, 1);
	compile_small_talk(&r->tail, set, RULES_TAIL_LIST, 0);
	prefilter_build(r->prefilter);
	/* An item whose pattern (or the rest apart) needs nothing found is
	 * tried on every message; the others only when the scan says. */
	r->nwords = (r->n + 63) / 64;
	r->always = xcalloc(r->nwords + 1, sizeof(*r->always));
	for (i = 0; i < r->n; i++)
		if (prefilter_always(r->prefilter, i) ||
		    (r->items[r->items[i].same].rest.code != NULL &&
		    prefilter_always(r->prefilter, r->total + i)))
			r->always[i / 64] |= UINT64_C(1) << (i % 64);
	*rules_r = r;
	return nerr;
}

void
rules_free(struct rules **rp)
{
	struct rules	*r = *rp;
	size_t		 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		if (r->items[i].same != i)
			continue;
		code_free(&r->items[i].code);
		code_free(&r->items[i].rest);
		code_free(&r->items[i].unless);
		branches_free(&r->items[i].branches);
	}
	code_free(&r->lead);
	code_free(&r->tail);
	free(r->items);
	free(r->default_priority);
	free(r->has_priority);
	free(r->always);
	prefilter_free(&r->prefilter);
	free(r);
	*rp = NULL;
}
