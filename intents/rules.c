/*
 * Pattern matching with PCRE2 (rules_load.c loads the patterns).  Patterns
 * are compiled once per load and shared read-only by every thread; the
 * match data and the match context that carries the limits are per thread
 * (struct rules_scratch).  A match that hits a limit counts as no match: a
 * slow pattern must not turn a crafted message into a hung worker.
 *
 * An anchored pattern is tried only where it may start.  One of several
 * top-level branches ("not @asks_deadline" has ten) runs by its branches
 * apart: after a scan, only the branches whose needles were all found
 * run, each at its own starts, where the whole alternation tried every
 * branch at every place of any of them.  A pattern matches where one of
 * its branches does, so the answer is the same.  Without a scan
 * (explanations, priorities, text that is not UTF-8) the whole pattern
 * runs as before.  "A unless B" matches where A does and B is nowhere.
 *
 * JIT compilation was a quarter of a load, and most patterns run on few
 * messages: each one is JIT-compiled when it first runs (a branch apart
 * is compiled at all only then).  That copy is the one thing threads ever
 * write to loaded rules: made aside, published once by an atomic
 * compare-and-swap (a thread that loses the race frees its own); until
 * then, and where JIT is unavailable, the interpreter runs the pattern.
 */
#include "intents/rules_impl.h"
#include "intents/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/limits.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

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

/* How many words from the end of a message its closing small talk may
 * begin ("буду очень благодарна за ответ, заранее спасибо!" is seven)… */
#define TAIL_WORDS	12
/* … and within how many its last item begins ("thank you very much"). */
#define TAIL_ITEM_WORDS	4

/*
 * The starts of the last words of text[lo..len), last first, at most
 * max: walked back from the end, a character at a time.
 */
static size_t
last_word_starts(const char *text, size_t lo, size_t len, size_t *starts,
    size_t max)
{
	size_t	 i = len, n = 0, c;
	int32_t	 cp;
	int	 in_word = 0;

	while (i > lo && n < max) {
		for (c = i - 1; c > lo && ((unsigned char)text[c] & 0xc0) ==
		    0x80; c--)
			;
		text_decode(text + c, i - c, &cp);
		if (text_is_word_char(cp))
			in_word = 1;
		else if (in_word) {
			starts[n++] = i;
			in_word = 0;
		}
		i = c;
	}
	if (in_word && n < max)
		starts[n++] = i;
	return n;
}

void
rules_small_talk(const struct rules *r, struct rules_scratch *s,
    const char *text, size_t len, size_t *lead_r, size_t *tail_r)
{
	size_t	 lead = 0, end = len, starts[TAIL_WORDS], n = 0, k;
	int32_t	 cp;

	*lead_r = *tail_r = 0;
	if (r->lead.code != NULL && run(&r->lead, text, len, 0, s) >= 0)
		lead = pcre2_get_ovector_pointer(s->md)[1];
	/* The tail (anchored, up to the end) is tried at the starts of the
	 * last words only, the leftmost that holds winning, and only when
	 * one of the last few holds: an unanchored search tried the list's
	 * every word at every character (a twentieth of a classify). */
	if (r->tail.code != NULL)
		n = last_word_starts(text, lead, len, starts, TAIL_WORDS);
	for (k = 0; k < n && k < TAIL_ITEM_WORDS && end == len; k++)
		if (run(&r->tail, text, len, starts[k], s) >= 0)
			end = starts[k];
	for (; end < len && k < n; k++)
		if (run(&r->tail, text, len, starts[k], s) >= 0)
			end = starts[k];
	/* All small talk: nothing to cut it from. */
	for (k = lead; k < end; k += text_decode(text + k, end - k, &cp))
		if (text_is_word_char(cp)) {
			*lead_r = lead;
			*tail_r = len - end;
			return;
		}
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
