/*
 * What a pattern needs the message to contain, read from the pattern just
 * well enough to be safe: literal runs outside groups, and the needles of
 * mandatory groups; anything it does not understand (inline options, \Q,
 * classes as the only content of a branch) means "cannot tell".  A needle
 * must be at least NEEDLE_MIN characters so that it says something.
 *
 * A pattern is read branch by branch at its top level (an editor's rule
 * with commas is one alternation): each branch is a unit that can only
 * match when every set it needs has a needle in the message, and only
 * where one of its starts (starts.h) occurs.  "(оператор|чат) … (про|
 * насчет)" needs a word of each choice, not just one of the first.
 * needles_best() is the older, weaker reading, one set for the whole
 * pattern, of which the set with the longest shortest needle wins:
 * "почт" filters, "по" does not.
 */
#include "intents/needles.h"

#include <stdlib.h>
#include <string.h>

#include "intents/pscan.h"
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

/* Every set a branch offers, for the top level's units (NULL: not kept). */
struct nlist {
	struct nset	*v;
	size_t		 n;
};
static void	keep(struct nlist *, const struct nset *);

/* Skips a character class; s->p is at '['. */
static void
skip_class(struct scan *s)
{
	const char	*e = pscan_class_end(s->p, s->end);

	if (e == NULL) {
		s->p = s->end;
		s->bad = 1;
	} else
		s->p = e;
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

/*
 * *dst = *src, but only the bytes of the variants there are: a run is
 * 2 KB, and copying it whole for every character read was most of the
 * time a load spent reading patterns.
 */
static void
run_copy(struct run *dst, const struct run *src)
{
	size_t	i;

	dst->n = src->n;
	dst->full = src->full;
	for (i = 0; i < src->n; i++) {
		memcpy(dst->s[i], src->s[i], src->len[i]);
		dst->len[i] = src->len[i];
	}
}

/* Appends one of the choices c[0..nc) (UTF-8 characters) to every variant. */
static void
run_append(struct run *r, const char *const *c, const size_t *cl, size_t nc)
{
	struct run	old;
	size_t		i, k, n = r->n > 0 ? r->n : 1, len;

	if (n * nc > VARIANTS) {
		r->full = 1;
		return;
	}
	if (r->n == 0) {
		r->n = 1;
		r->len[0] = 0;
	}
	/* One choice (a plain character): each variant grows in place. */
	if (nc == 1) {
		for (i = 0, k = 0; i < n; i++) {
			len = r->len[i];
			if (len + cl[0] >= VARIANT_MAX) {
				r->full = 1;
				continue;
			}
			if (k != i)
				memcpy(r->s[k], r->s[i], len);
			memcpy(r->s[k] + len, c[0], cl[0]);
			r->len[k++] = len + cl[0];
		}
		r->n = k;
		return;
	}
	run_copy(&old, r);
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
end_run(struct nset *best, struct run *r, struct nlist *all)
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
	keep(all, &cand);
	consider(best, &cand);
}

/*
 * One branch, up to '|' or ')' or the end: *out gets the best needle set
 * that every match of the branch must hit (ok = 0 when there is none).
 */
static void
parse_branch(struct scan *s, struct nset *out, struct nlist *all)
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
			end_run(out, &cur, all);
			memset(&grp, 0, sizeof(grp));
			parse_alt(s, &grp);
			if (s->p >= s->end || *s->p != ')') {
				s->bad = 1;
				nset_clear(&grp);
				break;
			}
			s->p++;
			min = pscan_quantifier(&s->p, s->end);
			if (look || min == 0)
				nset_clear(&grp);
			else {
				keep(all, &grp);
				consider(out, &grp);
			}
			continue;
		case '[':
			if ((nc = pscan_small_class(s->p, s->end, c, cl, &after)) >
			    0) {
				run_copy(&prev, &cur);
				run_append(&cur, c, cl, nc);
				s->p = after;
				break;
			}
			end_run(out, &cur, all);
			skip_class(s);
			pscan_quantifier(&s->p, s->end);
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
				end_run(out, &cur, all);
				s->p += 2;
				pscan_quantifier(&s->p, s->end);
				continue;
			}
			run_copy(&prev, &cur);
			c[0] = s->p + 1;
			cl[0] = pscan_charlen(s->p + 1, s->end);
			run_append(&cur, c, cl, 1);
			s->p += 1 + cl[0];
			break;
		case '.':
		case '^':
		case '$':
			end_run(out, &cur, all);
			s->p++;
			pscan_quantifier(&s->p, s->end);
			continue;
		case '*':
		case '+':
		case '?':
			s->bad = 1;	/* a quantifier with nothing before */
			continue;
		default:
			run_copy(&prev, &cur);
			c[0] = s->p;
			cl[0] = pscan_charlen(s->p, s->end);
			run_append(&cur, c, cl, 1);
			s->p += cl[0];
			break;
		}
		if (s->bad)
			break;
		/* A quantifier binds to the last atom of the run. */
		min = pscan_quantifier(&s->p, s->end);
		if (min == 0) {
			end_run(out, &prev, all);
			run_reset(&cur);
		} else if (min > 0)
			end_run(out, &cur, all);
	}
	end_run(out, &cur, all);
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
		parse_branch(s, &br, NULL);
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
needles_best(const char *pattern, char ***needles_r)
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
needles_free(char **needles)
{
	size_t	i;

	if (needles == NULL)
		return;
	for (i = 0; needles[i] != NULL; i++)
		free(needles[i]);
	free(needles);
}

static void
keep(struct nlist *all, const struct nset *ns)
{
	struct nset	*c;
	size_t		 i;

	if (all == NULL || !ns->ok || ns->n == 0)
		return;
	all->v = xgrow(all->v, all->n, sizeof(*all->v));
	c = &all->v[all->n++];
	c->s = xcalloc(ns->n + 1, sizeof(*c->s));
	for (i = 0; i < ns->n; i++)
		c->s[i] = xstrdup(ns->s[i]);
	c->n = ns->n;
	c->ok = 1;
}

/* Past a group at s->p ('('), nested ones and classes included. */
static void
skip_group(struct scan *s)
{
	int	depth = 0;

	while (s->p < s->end && !s->bad) {
		if (*s->p == '\\') {
			s->p += 2;
			continue;
		}
		if (*s->p == '[') {
			skip_class(s);
			continue;
		}
		if (*s->p == '(')
			depth++;
		else if (*s->p == ')' && --depth == 0) {
			s->p++;
			return;
		}
		s->p++;
	}
	s->bad = 1;
}

/* The end of the branch at s->p: its '|' or ')' at this level, or the
 * end. */
static const char *
branch_end(struct scan *s)
{
	while (s->p < s->end && *s->p != '|' && *s->p != ')' && !s->bad) {
		if (*s->p == '\\')
			s->p += 2;
		else if (*s->p == '[')
			skip_class(s);
		else if (*s->p == '(')
			skip_group(s);
		else
			s->p++;
	}
	return s->p > s->end ? s->end : s->p;
}

/* pattern[0..len) without the groups "(?:…)" that wrap all of it. */
static void
unwrap(const char **p, size_t *len)
{
	struct scan	s;

	while (*len >= 4 && memcmp(*p, "(?:", 3) == 0 && (*p)[*len - 1] ==
	    ')') {
		s.p = *p;
		s.end = *p + *len;
		s.bad = 0;
		skip_group(&s);
		if (s.bad || s.p != s.end)
			return;
		*p += 3;
		*len -= 4;
	}
}

static void
unit_read(const char *b, size_t len, struct needle_unit *u)
{
	struct scan	 s;
	struct nset	 best;
	struct nlist	 all = { NULL, 0 };
	char		*copy;
	size_t		 i;

	memset(u, 0, sizeof(*u));
	s.p = b;
	s.end = b + len;
	s.bad = 0;
	parse_branch(&s, &best, &all);
	nset_clear(&best);
	if (s.bad || s.p != s.end) {
		/* Not understood: the unit needs nothing. */
		for (i = 0; i < all.n; i++)
			nset_clear(&all.v[i]);
		free(all.v);
	} else {
		u->sets = xcalloc(all.n + 1, sizeof(*u->sets));
		for (i = 0; i < all.n; i++)
			u->sets[i] = all.v[i].s;
		u->nsets = all.n;
		free(all.v);
	}
	copy = xstrndup(b, len);
	starts_read(copy, &u->starts);
	u->text = copy;
}

size_t
needles_units(const char *pattern, struct needle_unit **units_r)
{
	struct needle_unit	*u = NULL;
	struct scan		 s;
	const char		*p = pattern, *b;
	size_t			 len = strlen(pattern), n = 0;

	*units_r = NULL;
	unwrap(&p, &len);
	s.p = p;
	s.end = p + len;
	s.bad = 0;
	for (;;) {
		b = s.p;
		branch_end(&s);
		if (s.bad || (s.p < s.end && *s.p == ')'))
			break;
		u = xgrow(u, n, sizeof(*u));
		unit_read(b, (size_t)(s.p - b), &u[n++]);
		if (s.p >= s.end) {
			*units_r = u;
			return n;
		}
		s.p++;		/* the '|' */
	}
	needles_units_free(u, n);
	return 0;
}

void
needles_units_free(struct needle_unit *u, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (u[i].sets != NULL) {
			size_t	k;

			for (k = 0; k < u[i].nsets; k++)
				needles_free(u[i].sets[k]);
			free(u[i].sets);
		}
		starts_clear(&u[i].starts);
		free(u[i].text);
	}
	free(u);
}
