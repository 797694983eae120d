/*
 * Pattern matching with PCRE2.  Patterns are compiled once per load and
 * shared read-only by every thread; the match data and the match context
 * that carries the limits are per thread (struct rules_scratch).  A match
 * that hits a limit counts as no match: a slow pattern must not turn a
 * crafted message into a hung worker.
 *
 * A pattern whose matches can only start at certain words (starts.h;
 * nearly every rule of the editor form) is compiled anchored and tried at
 * those places only: an unanchored search tries every character of the
 * message, and with Cyrillic letters all starting with the same byte,
 * PCRE2 cannot skip any of them.  That was most of the classifier's time.
 *
 * An anchored pattern of several top-level branches ("not @asks_deadline"
 * has ten) also keeps each branch apart: after a scan, only the branches
 * whose needles were all found run, each at its own starts, where the
 * whole alternation tried every branch at every place of any of them.
 * A pattern matches where one of its branches does, so the answer is the
 * same.  Without a scan (explanations, priorities, text that is not
 * UTF-8) the whole pattern runs as before.
 *
 * JIT compilation was a quarter of a load, and most patterns run on few
 * messages: each one is JIT-compiled when it first runs (a branch apart
 * is compiled at all only then).  That copy is the one thing threads ever
 * write to loaded rules: made aside, published once by an atomic
 * compare-and-swap (a thread that loses the race frees its own); until
 * then, and where JIT is unavailable, the interpreter runs the pattern.
 *
 * "A unless B" of the editor form is "^(?!.*B).*?A": as one pattern it
 * tries A at every character, the look-ahead leaving nothing to anchor
 * on, and its 34 lines took a fifth of the rules' time.  Such a pattern
 * is split: A is read, scanned and anchored as any pattern, and B is
 * searched (whole, unanchored) only once A matched.  A message is one
 * line (normalize.c joins lines with " | "), so "B nowhere" is the same.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "intents/rules.h"

#include <pcre2.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intents/branches.h"
#include "intents/needles.h"
#include "intents/prefilter.h"
#include "intents/pscan.h"
#include "lib/limits.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

#include <utf8proc.h>

/* A compiled pattern and, once it has run, its JIT-compiled copy. */
struct code {
	pcre2_code		*code;
	_Atomic(pcre2_code *)	 jit;
	atomic_int		 nojit;		/* JIT failed: interpret */
};

struct compiled {
	struct code		 code;
	struct branches		*branches;	/* run apart after a scan
						   (see the top); NULL: the
						   whole runs */
	const struct def_pattern *src;	/* the set's, for explanations */
	size_t			 category;
	enum def_pattern_kind	 kind;
	int			 weight;
	int			 priority;
	int			 anchored;	/* tried only where it may
						   start (prefilter_places) */
	struct code		 rest;		/* the branches that may start
						   anywhere, apart (split) */
	struct code		 unless;	/* B of "A unless B": no match
						   where it is found */
	size_t			 same;		/* the item whose codes run for
						   this one: itself, or the
						   first of the same pattern */
};

struct rules {
	struct compiled	*items;
	size_t		 n;
	size_t		 total;		/* patterns in the set: the rest of
					   item i is the prefilter's total +
					   i */
	struct prefilter *prefilter;
	size_t		 ncategories;
	int		*default_priority;	/* per category */
	unsigned char	*has_priority;		/* per category: priority
						   lines to try */
	uint64_t	*always;		/* bit per item: may match
						   whatever the scan finds */
	size_t		 nwords;		/* … words of such bits */
};

struct rules_scratch {
	pcre2_match_data	*md;
	pcre2_match_context	*mc;
	struct prefilter_scratch *ps;
	unsigned		*pos;	/* the places of one pattern */
	size_t			 npos;
	size_t			 cappos;
	int			 unfiltered;
	uint64_t		*may;	/* bit per item: worth trying after
					   the scan */
};

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

/* The JIT-compiled copy of c, made now if it was not; NULL: none. */
static pcre2_code *
jit_of(struct code *c)
{
	pcre2_code	*j, *none = NULL;

	if ((j = atomic_load_explicit(&c->jit, memory_order_acquire)) != NULL)
		return j;
	if (atomic_load_explicit(&c->nojit, memory_order_relaxed))
		return NULL;
	if ((j = pcre2_code_copy(c->code)) == NULL ||
	    pcre2_jit_compile(j, PCRE2_JIT_COMPLETE) != 0) {
		pcre2_code_free(j);
		atomic_store_explicit(&c->nojit, 1, memory_order_relaxed);
		return NULL;
	}
	if (!atomic_compare_exchange_strong_explicit(&c->jit, &none, j,
	    memory_order_acq_rel, memory_order_acquire)) {
		pcre2_code_free(j);	/* another thread was first */
		return none;
	}
	return j;
}

/*
 * One match of c from offset start (anchored codes: there only), through
 * pcre2_jit_match(), which skips pcre2_match()'s checks, once JIT-compiled.
 * c is the loaded rules' (see the top of the file: its JIT copy is the one
 * thing written).
 */
static int
run(const struct code *cc, const char *text, size_t len, size_t start,
    struct rules_scratch *s)
{
	struct code	*c = (struct code *)cc;
	pcre2_code	*j;

	if ((j = jit_of(c)) != NULL)
		return pcre2_jit_match(j, (PCRE2_SPTR)text, len, start, 0,
		    s->md, s->mc);
	return pcre2_match(c->code, (PCRE2_SPTR)text, len, start, 0, s->md,
	    s->mc);
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
	free(r->items);
	free(r->default_priority);
	free(r->has_priority);
	free(r->always);
	prefilter_free(&r->prefilter);
	free(r);
	*rp = NULL;
}

struct rules_scratch *
rules_scratch_new(const struct rules *r)
{
	struct rules_scratch	*s;

	s = xcalloc(1, sizeof(*s));
	s->md = pcre2_match_data_create(4, NULL);
	s->mc = pcre2_match_context_create(NULL);
	if (s->md == NULL || s->mc == NULL) {
		fprintf(stderr, "hotline: out of memory (PCRE2)\n");
		abort();
	}
	pcre2_set_match_limit(s->mc, LIMIT_PCRE2_MATCH);
	pcre2_set_depth_limit(s->mc, LIMIT_PCRE2_DEPTH);
	s->ps = prefilter_scratch_new(r->prefilter);
	s->may = xcalloc(r->nwords + 1, sizeof(*s->may));
	return s;
}

void
rules_scratch_free(struct rules_scratch **sp)
{
	struct rules_scratch	*s = *sp;

	if (s == NULL)
		return;
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mc);
	prefilter_scratch_free(&s->ps);
	free(s->pos);
	free(s->may);
	free(s);
	*sp = NULL;
}

/* How to find where an anchored pattern may start. */
enum where {
	WHERE_SCAN,	/* the prefilter's scan tells */
	WHERE_FIND,	/* look its starts up */
	WHERE_ALL	/* every character (no prefilter, or invalid UTF-8) */
};

/*
 * Puts the places pattern i may start at in s->pos, in order, once;
 * returns 0 when there are none.
 */
static int
places(const struct rules *r, size_t i, struct rules_scratch *s,
    const char *text, size_t len, enum where w)
{
	size_t	k;

	s->npos = 0;
	if (w == WHERE_SCAN)
		return prefilter_places(r->prefilter, s->ps, i, text, len,
		    &s->pos, &s->npos, &s->cappos);
	if (w == WHERE_FIND)
		return prefilter_find(r->prefilter, i, text, len, &s->pos,
		    &s->npos, &s->cappos) && s->npos > 0;
	for (k = 0; k < len; k++) {
		if (((unsigned char)text[k] & 0xc0) == 0x80)
			continue;
		if (s->npos == s->cappos) {
			s->cappos = s->cappos ? s->cappos * 2 : 16;
			s->pos = xreallocarray(s->pos, s->cappos,
			    sizeof(*s->pos));
		}
		s->pos[s->npos++] = (unsigned)k;
	}
	return s->npos > 0;
}

/* Searches the whole text with code (item pf of the prefilter). */
static int
search(const struct rules *r, const struct code *code, size_t pf,
    struct rules_scratch *s, const char *text, size_t len, enum where w)
{
	int	rc;

	if (w == WHERE_SCAN && !prefilter_may(s->ps, pf))
		return 0;
	rc = run(code, text, len, 0, s);
	return rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

/* Whether PCRE2's rc at one place is a match; a limit or an error sets
 * *failed (it counts only if no other place matches). */
static int
matched(int rc, int *failed)
{
	if (rc >= 0)
		return 1;
	if (rc != PCRE2_ERROR_NOMATCH)
		*failed = 1;
	return 0;
}

/*
 * After a scan, pattern i (cc's codes) by its branches apart: each whose
 * needles were all found, at its own places.  As match().
 */
static int
match_branches(const struct rules *r, size_t i, const struct compiled *cc,
    struct rules_scratch *s, const char *text, size_t len)
{
	size_t	b, k, n = branches_count(cc->branches);
	int	rc, failed = 0;

	for (b = 0; b < n; b++) {
		if (!prefilter_unit_places(r->prefilter, s->ps, i, b, text,
		    len, &s->pos, &s->npos, &s->cappos))
			continue;
		for (k = 0; k < s->npos; k++) {
			rc = branches_match(cc->branches, b, text, len,
			    s->pos[k], s->md, s->mc);
			if (rc == BRANCHES_WHOLE)
				rc = run(&cc->code, text, len, s->pos[k], s);
			if (matched(rc, &failed))
				return 1;
		}
	}
	return failed ? -1 : 0;
}

/*
 * 1 match, 0 no match, -1 stopped by a limit or an error.  An anchored
 * pattern is tried at each place it may start; a match anywhere is a
 * match, and a limit hit counts only when no place matched.  The unless
 * part is not looked at here (see match()).
 */
static int
match_pattern(const struct rules *r, size_t i, struct rules_scratch *s,
    const char *text, size_t len, enum where w)
{
	const struct compiled	*c = &r->items[i];
	const struct compiled	*cc = &r->items[c->same];
	size_t			 k;
	int			 rc, failed = 0;

	if (cc->rest.code != NULL) {
		if ((rc = search(r, &cc->rest, r->total + i, s, text, len,
		    w)) == 1)
			return 1;
		failed = rc < 0;
	}
	if (!c->anchored) {
		rc = search(r, &cc->code, i, s, text, len, w);
		return rc == 0 && failed ? -1 : rc;
	}
	if (w == WHERE_SCAN && cc->branches != NULL)
		return match_branches(r, i, cc, s, text, len);
	if (!places(r, i, s, text, len, w))
		return 0;
	for (k = 0; k < s->npos; k++)
		if (matched(run(&cc->code, text, len, s->pos[k], s), &failed))
			return 1;
	return failed ? -1 : 0;
}

/* As match_pattern(), and no match where the unless part is found. */
static int
match(const struct rules *r, size_t i, struct rules_scratch *s,
    const char *text, size_t len, enum where w)
{
	const struct code	*u = &r->items[r->items[i].same].unless;
	int			 m, rc;

	if ((m = match_pattern(r, i, s, text, len, w)) != 1 || u->code == NULL)
		return m;
	rc = run(u, text, len, 0, s);
	return rc >= 0 ? 0 : rc == PCRE2_ERROR_NOMATCH ? 1 : -1;
}

/* Where anchored patterns may start in text, without a scan: looked up,
 * or everywhere when the text is not valid UTF-8 (the starts' leads count
 * characters). */
static enum where
where_unscanned(const char *text, size_t len)
{
	return text_is_valid_utf8(text, len) ? WHERE_FIND : WHERE_ALL;
}

/*
 * After a scan, which items match() could find a match for: those that
 * always may, and those whose pattern, or whose rest apart, the scan
 * found worth running (prefilter_may); for any other, match() returns 0
 * without trying anything, so skipping it changes nothing.  Most of the
 * ~700 patterns are not worth running on a given message: walking them
 * all to ask was a sixth of a classify, and walking their bits in order
 * (a few dozen set) is what is left of that.
 */
static void
may_run(const struct rules *r, struct rules_scratch *s)
{
	const unsigned	*ran;
	size_t		 n, k, it;

	memcpy(s->may, r->always, r->nwords * sizeof(*s->may));
	n = prefilter_ran(s->ps, &ran);
	for (k = 0; k < n; k++) {
		it = ran[k];
		if (it >= r->n) {
			if (it < r->total || it - r->total >= r->n ||
			    r->items[r->items[it - r->total].same].rest.code ==
			    NULL)
				continue;
			it -= r->total;
		}
		s->may[it / 64] |= UINT64_C(1) << (it % 64);
	}
}

/* Item i's part in res (see rules_match). */
static void
consider(const struct rules *r, size_t i, struct rules_scratch *s,
    const char *text, size_t len, enum where w, struct rules_result *res)
{
	const struct compiled	*c = &r->items[i];
	int			 m;

	if (c->kind == DEF_PRIORITY)
		return;
	/* A ruled-out category needs no more evidence, but whether the
	 * message is nothing but small talk is for all. */
	if (res->vetoed[c->category] && c->kind != DEF_ONLY)
		return;
	m = match(r, i, s, text, len, w);
	if (m < 0)
		res->limit_hits++;
	if (m != 1)
		return;
	if (c->kind == DEF_NOT)
		res->vetoed[c->category] = 1;
	else
		res->score[c->category] += c->weight;
	if (c->kind == DEF_ONLY && res->alone != NULL)
		res->alone[c->category] = 1;
}

void
rules_match(const struct rules *r, struct rules_scratch *s,
    const char *text, size_t len, struct rules_result *res)
{
	uint64_t		 bits;
	size_t			 i, k;
	enum where		 w;

	memset(res->score, 0, r->ncategories * sizeof(*res->score));
	memset(res->vetoed, 0, r->ncategories);
	if (res->alone != NULL)
		memset(res->alone, 0, r->ncategories);
	res->n = r->ncategories;
	res->limit_hits = 0;
	if (!text_is_valid_utf8(text, len))
		w = WHERE_ALL;
	else if (s->unfiltered)
		w = WHERE_FIND;
	else {
		prefilter_scan(r->prefilter, s->ps, text, len);
		w = WHERE_SCAN;
		may_run(r, s);
	}
	if (w != WHERE_SCAN) {
		for (i = 0; i < r->n; i++)
			consider(r, i, s, text, len, w, res);
		return;
	}
	/* In file order, as above, but only the items the scan left: for
	 * any other match() would find no place to try. */
	for (k = 0; k < r->nwords; k++)
		for (bits = s->may[k]; bits != 0; bits &= bits - 1)
			consider(r, k * 64 + (size_t)__builtin_ctzll(bits), s,
			    text, len, w, res);
}

void
rules_scratch_prefilter(struct rules_scratch *s, int on)
{
	s->unfiltered = !on;
}

int
rules_priority(const struct rules *r, struct rules_scratch *s,
    size_t category, const char *text, size_t len)
{
	const struct compiled	*c;
	size_t			 i;
	enum where		 w;

	/* Most categories have no priority lines: nothing to look up. */
	if (category >= r->ncategories || !r->has_priority[category])
		return category < r->ncategories ?
		    r->default_priority[category] : PRIORITY_NONE;
	w = where_unscanned(text, len);
	for (i = 0; i < r->n; i++) {
		c = &r->items[i];
		if (c->kind == DEF_PRIORITY && c->category == category &&
		    match(r, i, s, text, len, w) == 1)
			return c->priority;
	}
	return category < r->ncategories ? r->default_priority[category] :
	    PRIORITY_NONE;
}

size_t
rules_count(const struct rules *r)
{
	return r->n;
}

size_t
rules_explain(const struct rules *r, struct rules_scratch *s,
    const char *text, size_t len, rules_hit_fn fn, void *arg)
{
	const struct compiled	*c;
	size_t			 i, n = 0;
	enum where		 w = where_unscanned(text, len);

	for (i = 0; i < r->n; i++) {
		c = &r->items[i];
		if (match(r, i, s, text, len, w) != 1)
			continue;
		n++;
		if (fn != NULL)
			fn(arg, c->category, c->src);
	}
	return n;
}
