/*
 * Needle extraction reads a pattern just well enough to be safe: literal
 * runs outside groups, and the needles of mandatory groups, per top-level
 * branch; anything it does not understand (inline options, \Q, classes as
 * the only content of a branch) makes the pattern "always run".  A needle
 * must be at least NEEDLE_MIN characters so that it says something, and
 * of two candidate sets the one whose shortest needle has more characters
 * wins: "почт" filters, "по" does not.
 *
 * Scanning indexes needles by their first two bytes: one table look-up per
 * byte of the message, then a memcmp for the few needles starting there.
 */
#include "intents/prefilter.h"

#include <stdlib.h>
#include <string.h>

#include "intents/starts.h"
#include "lib/xmalloc.h"

#define NEEDLE_MIN	2	/* characters: one letter says nothing */
#define NEEDLES_MAX	256	/* per pattern; more is not a filter */

struct nset {
	char	**s;
	size_t	  n;
	int	  ok;	/* 0: cannot tell (always run) */
};

static void
nset_add(struct nset *ns, const char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < ns->n; i++)
		if (strlen(ns->s[i]) == len && memcmp(ns->s[i], p, len) == 0)
			return;
	if (ns->n >= NEEDLES_MAX) {
		ns->ok = 0;
		return;
	}
	ns->s = xreallocarray(ns->s, ns->n + 2, sizeof(*ns->s));
	ns->s[ns->n++] = xstrndup(p, len);
	ns->s[ns->n] = NULL;
}

static void
nset_clear(struct nset *ns)
{
	size_t	i;

	for (i = 0; i < ns->n; i++)
		free(ns->s[i]);
	free(ns->s);
	ns->s = NULL;
	ns->n = 0;
}

/* Characters of UTF-8 text s[0..len): the bytes that start one. */
static size_t
chars(const char *s, size_t len)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* The shortest needle of a set: the set is as selective as that one. */
static size_t
nset_quality(const struct nset *ns)
{
	size_t	i, q = (size_t)-1, l;

	for (i = 0; i < ns->n; i++)
		if ((l = chars(ns->s[i], strlen(ns->s[i]))) < q)
			q = l;
	return ns->n == 0 ? 0 : q;
}

struct scan {
	const char	*p;
	const char	*end;
	int		 bad;	/* something not understood */
};

static void parse_alt(struct scan *, struct nset *);

/* Length of the UTF-8 character at p. */
static size_t
charlen(const char *p, const char *end)
{
	unsigned char	c = (unsigned char)*p;
	size_t		n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

	return (size_t)(end - p) < n ? (size_t)(end - p) : n;
}

/* Reads a quantifier at s->p if any: returns -1 none, else its minimum. */
static int
quantifier(struct scan *s)
{
	const char	*q = s->p;
	int		 min = 0, digits = 0;

	if (q >= s->end)
		return -1;
	if (*q == '*' || *q == '?' || *q == '+') {
		min = *q == '+' ? 1 : 0;
		q++;
	} else if (*q == '{') {
		q++;
		while (q < s->end && *q >= '0' && *q <= '9') {
			if (min < 1000)
				min = min * 10 + (*q - '0');
			q++;
			digits++;
		}
		if (q < s->end && *q == ',') {
			q++;
			while (q < s->end && *q >= '0' && *q <= '9')
				q++;
		} else if (digits == 0)
			return -1;
		if (q >= s->end || *q != '}')
			return -1;	/* a literal "{" */
		q++;
	} else
		return -1;
	if (q < s->end && (*q == '?' || *q == '+'))
		q++;		/* lazy or possessive */
	s->p = q;
	return min;
}

/* Skips a character class; s->p is at '['. */
static void
skip_class(struct scan *s)
{
	s->p++;
	if (s->p < s->end && *s->p == '^')
		s->p++;
	if (s->p < s->end && *s->p == ']')
		s->p++;
	while (s->p < s->end && *s->p != ']') {
		if (*s->p == '\\' && s->p + 1 < s->end)
			s->p++;
		else if (*s->p == '[' && s->p + 1 < s->end &&
		    s->p[1] == ':') {
			while (s->p < s->end && !(*s->p == ']' &&
			    s->p[-1] == ':'))
				s->p++;
		}
		s->p++;
	}
	if (s->p >= s->end)
		s->bad = 1;
	else
		s->p++;
}

/* Keeps the better of a candidate set and the branch's best so far. */
static void
consider(struct nset *best, struct nset *cand)
{
	if (!cand->ok || cand->n == 0) {
		nset_clear(cand);
		return;
	}
	if (!best->ok || nset_quality(cand) > nset_quality(best)) {
		nset_clear(best);
		*best = *cand;
		best->ok = 1;
		memset(cand, 0, sizeof(*cand));
		return;
	}
	nset_clear(cand);
}

/*
 * The literal run being read, as variants: a small class such as [эе]
 * multiplies them ("пришл[ао]" is "пришла" or "пришло"), so editors' spelling
 * classes still give needles.  prev is the run before its last atom, for a
 * quantifier that makes that atom optional.
 */
#define VARIANTS	16
#define VARIANT_MAX	128

struct run {
	char	s[VARIANTS][VARIANT_MAX];
	size_t	len[VARIANTS];
	size_t	n;	/* 0: no literal yet */
	int	full;	/* a variant ran out of room */
};

static void
run_reset(struct run *r)
{
	r->n = 0;
	r->full = 0;
}

/* Appends one of the choices c[0..nc) (UTF-8 characters) to every variant. */
static void
run_append(struct run *r, const char *const *c, const size_t *cl, size_t nc)
{
	struct run	old = *r;
	size_t		i, k;

	if (old.n == 0) {
		old.n = 1;
		old.len[0] = 0;
	}
	if (old.n * nc > VARIANTS) {
		r->full = 1;
		return;
	}
	r->n = 0;
	for (i = 0; i < old.n; i++)
		for (k = 0; k < nc; k++) {
			if (old.len[i] + cl[k] >= VARIANT_MAX) {
				r->full = 1;
				continue;
			}
			memcpy(r->s[r->n], old.s[i], old.len[i]);
			memcpy(r->s[r->n] + old.len[i], c[k], cl[k]);
			r->len[r->n] = old.len[i] + cl[k];
			r->n++;
		}
}

/* Offers the variants of a finished run as one needle set. */
static void
end_run(struct nset *best, struct run *r)
{
	struct nset	cand = { NULL, 0, 1 };
	size_t		i;

	if (r->n == 0 || r->full) {
		run_reset(r);
		return;
	}
	for (i = 0; i < r->n; i++) {
		if (chars(r->s[i], r->len[i]) < NEEDLE_MIN) {
			nset_clear(&cand);
			run_reset(r);
			return;
		}
		nset_add(&cand, r->s[i], r->len[i]);
	}
	run_reset(r);
	consider(best, &cand);
}

/*
 * A class of a few plain characters, such as [эе] or [аоы], as choices;
 * returns how many, or 0 for anything else (ranges, negation, escapes).
 */
static size_t
small_class(const char *p, const char *end, const char **c, size_t *cl,
    const char **after)
{
	size_t	n = 0, l;

	if (++p >= end || *p == '^' || *p == ']')
		return 0;
	while (p < end && *p != ']') {
		if (*p == '\\' || *p == '[' || *p == '-' || n == 4)
			return 0;
		l = charlen(p, end);
		c[n] = p;
		cl[n] = l;
		n++;
		p += l;
	}
	if (p >= end)
		return 0;
	*after = p + 1;
	return n;
}

/*
 * One branch, up to '|' or ')' or the end: *out gets the best needle set
 * that every match of the branch must hit (ok = 0 when there is none).
 */
static void
parse_branch(struct scan *s, struct nset *out)
{
	struct run	 cur, prev;
	struct nset	 grp;
	const char	*c[4], *after;
	size_t		 cl[4], nc;
	int		 min, look;

	memset(out, 0, sizeof(*out));
	run_reset(&cur);
	run_reset(&prev);
	while (s->p < s->end && *s->p != '|' && *s->p != ')' && !s->bad) {
		switch (*s->p) {
		case '(':
			s->p++;
			look = 0;
			if (s->p < s->end && *s->p == '?') {
				s->p++;
				if (s->p < s->end && (*s->p == ':' ||
				    *s->p == '>' || *s->p == '|'))
					s->p++;
				else if (s->p < s->end && (*s->p == '=' ||
				    *s->p == '!')) {
					s->p++;
					look = 1;
				} else if (s->p + 1 < s->end && *s->p == '<' &&
				    (s->p[1] == '=' || s->p[1] == '!')) {
					s->p += 2;
					look = 1;
				} else if (s->p < s->end && (*s->p == '<' ||
				    *s->p == 'P' || *s->p == '\'')) {
					while (s->p < s->end && *s->p != '>' &&
					    *s->p != '\'')
						s->p++;
					s->p++;
				} else {
					s->bad = 1;	/* options, callouts */
					break;
				}
			}
			end_run(out, &cur);
			memset(&grp, 0, sizeof(grp));
			parse_alt(s, &grp);
			if (s->p >= s->end || *s->p != ')') {
				s->bad = 1;
				nset_clear(&grp);
				break;
			}
			s->p++;
			min = quantifier(s);
			if (look || min == 0)
				nset_clear(&grp);
			else
				consider(out, &grp);
			continue;
		case '[':
			if ((nc = small_class(s->p, s->end, c, cl, &after)) >
			    0) {
				prev = cur;
				run_append(&cur, c, cl, nc);
				s->p = after;
				break;
			}
			end_run(out, &cur);
			skip_class(s);
			quantifier(s);
			continue;
		case '\\':
			if (s->p + 1 >= s->end) {
				s->bad = 1;
				break;
			}
			if (s->p[1] >= '0' && s->p[1] <= '9') {
				s->bad = 1;	/* a back-reference or octal */
				break;
			}
			if ((s->p[1] >= 'a' && s->p[1] <= 'z') ||
			    (s->p[1] >= 'A' && s->p[1] <= 'Z')) {
				if (s->p[1] == 'Q' || s->p[1] == 'p' ||
				    s->p[1] == 'P' || s->p[1] == 'x' ||
				    s->p[1] == 'g' || s->p[1] == 'k' ||
				    s->p[1] == 'N' || s->p[1] == 'c' ||
				    s->p[1] == 'o') {
					s->bad = 1;	/* not worth reading */
					break;
				}
				/* \s \w \d \b …: no literal. */
				end_run(out, &cur);
				s->p += 2;
				quantifier(s);
				continue;
			}
			prev = cur;
			c[0] = s->p + 1;
			cl[0] = charlen(s->p + 1, s->end);
			run_append(&cur, c, cl, 1);
			s->p += 1 + cl[0];
			break;
		case '.':
		case '^':
		case '$':
			end_run(out, &cur);
			s->p++;
			quantifier(s);
			continue;
		case '*':
		case '+':
		case '?':
			s->bad = 1;	/* a quantifier with nothing before */
			continue;
		default:
			prev = cur;
			c[0] = s->p;
			cl[0] = charlen(s->p, s->end);
			run_append(&cur, c, cl, 1);
			s->p += cl[0];
			break;
		}
		if (s->bad)
			break;
		/* A quantifier binds to the last atom of the run. */
		min = quantifier(s);
		if (min == 0) {
			end_run(out, &prev);
			run_reset(&cur);
		} else if (min > 0)
			end_run(out, &cur);
	}
	end_run(out, &cur);
}

/* Alternatives up to ')' or the end: the union of the branches' sets. */
static void
parse_alt(struct scan *s, struct nset *out)
{
	struct nset	br;
	size_t		i;

	memset(out, 0, sizeof(*out));
	out->ok = 1;
	for (;;) {
		parse_branch(s, &br);
		if (!br.ok || s->bad)
			out->ok = 0;
		for (i = 0; i < br.n && out->ok; i++)
			nset_add(out, br.s[i], strlen(br.s[i]));
		nset_clear(&br);
		if (s->p < s->end && *s->p == '|' && !s->bad) {
			s->p++;
			continue;
		}
		break;
	}
	if (!out->ok)
		nset_clear(out);
}

int
prefilter_needles(const char *pattern, char ***needles_r)
{
	struct scan	s;
	struct nset	ns;

	s.p = pattern;
	s.end = pattern + strlen(pattern);
	s.bad = 0;
	parse_alt(&s, &ns);
	if (s.bad || s.p != s.end || !ns.ok || ns.n == 0) {
		nset_clear(&ns);
		*needles_r = NULL;
		return 0;
	}
	*needles_r = ns.s;
	return 1;
}

void
prefilter_needles_free(char **needles)
{
	size_t	i;

	if (needles == NULL)
		return;
	for (i = 0; needles[i] != NULL; i++)
		free(needles[i]);
	free(needles);
}

struct needle {
	char	*s;
	size_t	 len;
	size_t	 pattern;
	int	 lead;		/* -1: a needle; else a start (starts.h)
				   this many characters after the match's */
};

/*
 * Needles of length 2, 3 and 4-or-more live in three tables keyed by a
 * hash of their first 2, 3 or 4 bytes: Cyrillic text has few distinct
 * 2-byte prefixes (one letter), so longer keys keep each bucket short.
 */
#define TABLES		3
#define KEYS		65536

struct table {
	struct needle	*needles;
	size_t		 n;
	unsigned	*head;		/* KEYS + 1 bucket starts */
};

struct prefilter {
	size_t		 npatterns;
	unsigned char	*always;	/* per pattern */
	struct table	 t[TABLES];
	size_t		 filtered;
};

static unsigned
keylen(int table)
{
	return (unsigned)table + 2;
}

static unsigned
key(const char *s, unsigned len)
{
	unsigned	h = 0, i;

	for (i = 0; i < len; i++)
		h = h * 131 + (unsigned char)s[i];
	return (h ^ (h >> 16)) & (KEYS - 1);
}

static int
table_of(size_t len)
{
	return len >= 4 ? 2 : (int)len - 2;
}

struct prefilter *
prefilter_new(size_t npatterns)
{
	struct prefilter	*pf;

	pf = xcalloc(1, sizeof(*pf));
	pf->npatterns = npatterns;
	pf->always = xcalloc(npatterns + 1, 1);
	memset(pf->always, 1, npatterns);
	return pf;
}

/* Files a needle (owned from now on) under its length's table. */
static void
add_needle(struct prefilter *pf, char *s, size_t len, size_t pattern,
    int lead)
{
	struct table	*t = &pf->t[table_of(len)];

	t->needles = xreallocarray(t->needles, t->n + 1, sizeof(*t->needles));
	t->needles[t->n].s = s;
	t->needles[t->n].len = len;
	t->needles[t->n].pattern = pattern;
	t->needles[t->n].lead = lead;
	t->n++;
}

void
prefilter_add(struct prefilter *pf, size_t i, const char *pattern)
{
	char		**ns;
	size_t		  k;

	if (i >= pf->npatterns || !prefilter_needles(pattern, &ns))
		return;
	pf->always[i] = 0;
	pf->filtered++;
	for (k = 0; ns[k] != NULL; k++)
		add_needle(pf, ns[k], strlen(ns[k]), i, -1);
	free(ns);
}

void
prefilter_add_starts(struct prefilter *pf, size_t i, const struct starts *st)
{
	size_t	k;

	if (i >= pf->npatterns)
		return;
	for (k = 0; k < st->n; k++)
		add_needle(pf, xstrndup(st->v[k].s, st->v[k].len),
		    st->v[k].len, i, (int)st->v[k].lead);
}

static unsigned	sort_keylen;	/* only during prefilter_build's qsort */

static int
cmp_needle(const void *a, const void *b)
{
	unsigned	x = key(((const struct needle *)a)->s, sort_keylen);
	unsigned	y = key(((const struct needle *)b)->s, sort_keylen);

	return x < y ? -1 : x > y;
}

void
prefilter_build(struct prefilter *pf)
{
	struct table	*t;
	size_t		 i;
	unsigned	 k;
	int		 ti;

	for (ti = 0; ti < TABLES; ti++) {
		t = &pf->t[ti];
		sort_keylen = keylen(ti);
		if (t->n > 1)
			qsort(t->needles, t->n, sizeof(*t->needles),
			    cmp_needle);
		/* Bucket starts: head[k] = first needle with key >= k. */
		t->head = xcalloc(KEYS + 1, sizeof(*t->head));
		for (i = 0; i < t->n; i++)
			t->head[key(t->needles[i].s, keylen(ti)) + 1]++;
		for (k = 1; k <= KEYS; k++)
			t->head[k] += t->head[k - 1];
	}
}

void
prefilter_free(struct prefilter **pfp)
{
	struct prefilter	*pf = *pfp;
	size_t			 i;
	int			 ti;

	if (pf == NULL)
		return;
	for (ti = 0; ti < TABLES; ti++) {
		for (i = 0; i < pf->t[ti].n; i++)
			free(pf->t[ti].needles[i].s);
		free(pf->t[ti].needles);
		free(pf->t[ti].head);
	}
	free(pf->always);
	free(pf);
	*pfp = NULL;
}

/* Notes that pattern p may start at offset at. */
static void
note_start(struct prefilter_starts *ps, size_t p, long at)
{
	unsigned char	*n = &ps->n[p];

	if (at < 0)
		return;
	if (*n < PREFILTER_STARTS)
		ps->at[p * PREFILTER_STARTS + *n] = (unsigned)at;
	if (*n <= PREFILTER_STARTS)
		(*n)++;
}

void
prefilter_scan(const struct prefilter *pf, const char *text, size_t len,
    unsigned char *run, struct prefilter_starts *ps)
{
	const struct table	*t;
	const struct needle	*nd;
	size_t			 i;
	unsigned		 k, j, kl;
	int			 ti;

	memcpy(run, pf->always, pf->npatterns);
	if (ps != NULL)
		memset(ps->n, 0, pf->npatterns);
	for (ti = 0; ti < TABLES; ti++) {
		t = &pf->t[ti];
		kl = keylen(ti);
		if (t->n == 0)
			continue;
		for (i = 0; i + kl <= len; i++) {
			k = key(text + i, kl);
			for (j = t->head[k]; j < t->head[k + 1]; j++) {
				nd = &t->needles[j];
				if (nd->lead < 0 ? run[nd->pattern] :
				    ps == NULL)
					continue;
				if (nd->len > len - i ||
				    memcmp(text + i, nd->s, nd->len) != 0)
					continue;
				if (nd->lead < 0)
					run[nd->pattern] = 1;
				else
					note_start(ps, nd->pattern,
					    starts_back(text, i,
					    (unsigned)nd->lead));
			}
		}
	}
}

size_t
prefilter_filtered(const struct prefilter *pf)
{
	return pf->filtered;
}

size_t
prefilter_size(const struct prefilter *pf)
{
	return pf->npatterns;
}
