/*
 * Reading where a match starts.  Only the beginning of each branch is
 * read: assertions that consume nothing (look-arounds, ^, \b) are passed
 * over, single characters (\s, \w, ., a class) are counted as the lead,
 * and then a literal run or a group whose every branch has starts ends the
 * reading.  Anything else (an optional first item, a quantified class,
 * inline options, an empty branch) means "cannot tell": a wrong start
 * would silently lose matches, so doubt always falls back to trying the
 * pattern everywhere.
 */
#include "intents/starts.h"

#include <stdlib.h>
#include <string.h>

#include "intents/pscan.h"
#include "lib/xmalloc.h"

#define STARTS_MAX	256	/* per pattern; more is no help */
#define LEAD_MAX	4	/* single characters before a start */
#define VARIANTS	16	/* of a literal run with small classes */
#define VARIANT_MAX	128	/* bytes of one */

struct scan {
	const char	*p;
	const char	*end;
};

static int	alt_starts(struct scan *, unsigned, struct starts *);

static void
add(struct starts *st, const char *s, size_t len, unsigned lead)
{
	st->v = xgrow(st->v, st->n, sizeof(*st->v));
	st->v[st->n].s = xstrndup(s, len);
	st->v[st->n].len = len;
	st->v[st->n].lead = lead;
	st->n++;
}

void
starts_clear(struct starts *st)
{
	size_t	i;

	for (i = 0; i < st->n; i++)
		free(st->v[i].s);
	free(st->v);
	st->v = NULL;
	st->n = 0;
}

/* Past a class at s->p ('['); 0 when it does not end. */
static int
skip_class(struct scan *s)
{
	const char	*e = pscan_class_end(s->p, s->end);

	if (e == NULL) {
		s->p = s->end;
		return 0;
	}
	s->p = e;
	return 1;
}

/* Past a group at s->p ('('), nested ones, classes and escapes included;
 * 0 when it does not end. */
static int
skip_group(struct scan *s)
{
	int	depth = 0;

	while (s->p < s->end) {
		switch (*s->p) {
		case '\\':
			s->p += 2;
			continue;
		case '[':
			if (!skip_class(s))
				return 0;
			continue;
		case '(':
			depth++;
			break;
		case ')':
			if (--depth == 0) {
				s->p++;
				return 1;
			}
			break;
		}
		s->p++;
	}
	return 0;
}

struct run {
	char	s[VARIANTS][VARIANT_MAX];
	size_t	len[VARIANTS];
	size_t	n;
};

/* Appends one of c[0..nc) to every variant; 0 when there is no room. */
static int
run_append(struct run *r, const char *const *c, const size_t *cl, size_t nc)
{
	struct run	old = *r;
	size_t		i, k;

	if (old.n == 0) {
		old.n = 1;
		old.len[0] = 0;
	}
	if (old.n * nc > VARIANTS)
		return 0;
	r->n = 0;
	for (i = 0; i < old.n; i++)
		for (k = 0; k < nc; k++) {
			if (old.len[i] + cl[k] >= VARIANT_MAX)
				return 0;
			memcpy(r->s[r->n], old.s[i], old.len[i]);
			memcpy(r->s[r->n] + old.len[i], c[k], cl[k]);
			r->len[r->n] = old.len[i] + cl[k];
			r->n++;
		}
	return 1;
}

/*
 * The literal run at s->p: its variants up to the first atom that is
 * optional (exclusive) or repeated (inclusive, once) or not literal.
 */
static int
literal_run(struct scan *s, unsigned lead, struct starts *out)
{
	struct run	 cur, prev;
	const char	*c[4], *after;
	size_t		 cl[4], nc, i;
	int		 min;

	cur.n = 0;
	for (;;) {
		if (s->p >= s->end)
			break;
		prev = cur;
		if (*s->p == '[') {
			if ((nc = pscan_small_class(s->p, s->end, c, cl, &after)) ==
			    0)
				break;
			s->p = after;
		} else if (*s->p == '\\') {
			if (s->p + 1 >= s->end ||
			    ((unsigned char)s->p[1] < 0x80 &&
			    ((s->p[1] >= 'a' && s->p[1] <= 'z') ||
			    (s->p[1] >= 'A' && s->p[1] <= 'Z') ||
			    (s->p[1] >= '0' && s->p[1] <= '9'))))
				break;	/* \s, \d, \x…: not literal */
			c[0] = s->p + 1;
			cl[0] = pscan_charlen(s->p + 1, s->end);
			nc = 1;
			s->p += 1 + cl[0];
		} else if (strchr("()|.^$*+?", *s->p) != NULL ||
		    (*s->p == '{' && (s->end - s->p < 2 ||
		    (s->p[1] >= '0' && s->p[1] <= '9')))) {
			break;	/* a "{" before a digit may be a quantifier */
		} else {
			c[0] = s->p;
			cl[0] = pscan_charlen(s->p, s->end);
			nc = 1;
			s->p += cl[0];
		}
		if (!run_append(&cur, c, cl, nc))
			return 0;
		min = pscan_quantifier(&s->p, s->end);
		if (min == 0) {
			cur = prev;
			break;
		}
		if (min > 0)
			break;
	}
	if (cur.n == 0)
		return 0;
	for (i = 0; i < cur.n; i++) {
		if (out->n >= STARTS_MAX)
			return 0;
		add(out, cur.s[i], cur.len[i], lead);
	}
	return 1;
}

/* The starts of the branch at s->p, every match of it beginning lead
 * characters earlier. */
static int
branch_starts(struct scan *s, unsigned lead, struct starts *out)
{
	struct starts	 in = { NULL, 0 };
	size_t		 i;
	int		 ok;

	for (;;) {
		if (s->p >= s->end || *s->p == '|' || *s->p == ')')
			return 0;	/* may match the empty string */
		switch (*s->p) {
		case '^':
			/* Only at the beginning of the text (no multi-line
			 * mode: options are never read). */
			s->p++;
			if (lead > 0 || pscan_quantifier(&s->p, s->end) >= 0 ||
			    out->n >= STARTS_MAX)
				return 0;
			add(out, "", 0, 0);
			return 1;
		case '\\':
			if (s->p + 1 >= s->end)
				return 0;
			if (s->p[1] == 'A') {
				s->p += 2;
				if (lead > 0 || pscan_quantifier(&s->p, s->end) >= 0 ||
				    out->n >= STARTS_MAX)
					return 0;
				add(out, "", 0, 0);
				return 1;
			}
			if (strchr("bBG", s->p[1]) != NULL) {
				s->p += 2;
				if (pscan_quantifier(&s->p, s->end) >= 0)
					return 0;
				continue;
			}
			if (strchr("sSwWdD", s->p[1]) != NULL) {
				s->p += 2;
				/* "\\w*пароль", "\\S+…": the word before it,
				 * back to the space before. */
				if ((s->p[-1] == 'w' || s->p[-1] == 'S') &&
				    pscan_quantifier(&s->p, s->end) >= 0) {
					if (lead != 0)
						return 0;
					lead = STARTS_WORD;
					continue;
				}
				goto single;
			}
			return literal_run(s, lead, out);
		case '.':
			s->p++;
			goto single;
		case '[':
			{
				const char	*c[4], *after;
				size_t		 cl[4];

				if (pscan_small_class(s->p, s->end, c, cl, &after))
					return literal_run(s, lead, out);
			}
			if (!skip_class(s))
				return 0;
			goto single;
		case '(':
			if (s->end - s->p >= 3 && s->p[1] == '?' &&
			    (s->p[2] == '=' || s->p[2] == '!' ||
			    (s->p[2] == '<' && s->end - s->p >= 4 &&
			    (s->p[3] == '=' || s->p[3] == '!')))) {
				/* A look-around consumes nothing. */
				if (!skip_group(s))
					return 0;
				pscan_quantifier(&s->p, s->end);
				continue;
			}
			s->p++;
			if (s->p < s->end && *s->p == '?') {
				s->p++;
				if (s->p < s->end && (*s->p == ':' ||
				    *s->p == '>' || *s->p == '|'))
					s->p++;
				else if (s->p < s->end && (*s->p == '<' ||
				    *s->p == '\'' || (*s->p == 'P' &&
				    s->p + 1 < s->end && s->p[1] == '<'))) {
					while (s->p < s->end && *s->p != '>' &&
					    *s->p != '\'')
						s->p++;
					s->p++;
				} else
					return 0;	/* options, callouts */
			} else if (s->p < s->end && *s->p == '*')
				return 0;		/* verbs */
			ok = alt_starts(s, lead, &in);
			if (!ok || s->p >= s->end || *s->p != ')' ||
			    (s->p++, pscan_quantifier(&s->p, s->end)) == 0) {
				starts_clear(&in);
				return 0;
			}
			for (i = 0; i < in.n && out->n < STARTS_MAX; i++)
				add(out, in.v[i].s, in.v[i].len, in.v[i].lead);
			ok = i == in.n;
			starts_clear(&in);
			return ok;
		case '*':
		case '+':
		case '?':
		case '$':
			return 0;
		default:
			return literal_run(s, lead, out);
		}
single:
		/* One character of a kind, exactly once. */
		if (pscan_quantifier(&s->p, s->end) >= 0 || lead == STARTS_WORD ||
		    ++lead > LEAD_MAX)
			return 0;
	}
}

/* Past the rest of a branch, to its '|' or ')' or the end. */
static int
skip_branch(struct scan *s)
{
	while (s->p < s->end && *s->p != '|' && *s->p != ')') {
		if (*s->p == '\\') {
			s->p += 2;
			continue;
		}
		if (*s->p == '[') {
			if (!skip_class(s))
				return 0;
			continue;
		}
		if (*s->p == '(') {
			if (!skip_group(s))
				return 0;
			continue;
		}
		s->p++;
	}
	return s->p <= s->end;
}

/* The alternatives at s->p up to ')' or the end: all must have starts. */
static int
alt_starts(struct scan *s, unsigned lead, struct starts *out)
{
	for (;;) {
		if (!branch_starts(s, lead, out) || !skip_branch(s))
			return 0;
		if (s->p < s->end && *s->p == '|') {
			s->p++;
			continue;
		}
		return 1;
	}
}

int
starts_read(const char *pattern, struct starts *out)
{
	struct scan	s;

	out->v = NULL;
	out->n = 0;
	s.p = pattern;
	s.end = pattern + strlen(pattern);
	if (!alt_starts(&s, 0, out) || s.p != s.end) {
		starts_clear(out);
		return 0;
	}
	return 1;
}

long
starts_back(const char *text, size_t q, unsigned lead)
{
	while (lead > 0) {
		if (q == 0)
			return -1;
		q--;
		while (q > 0 && ((unsigned char)text[q] & 0xc0) == 0x80)
			q--;
		lead--;
	}
	return (long)q;
}

static void
push(unsigned **pos, size_t *n, size_t *cap, size_t v)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*pos = xreallocarray(*pos, *cap, sizeof(**pos));
	}
	(*pos)[(*n)++] = (unsigned)v;
}

void
starts_place(const char *text, size_t q, unsigned lead, size_t *floor,
    unsigned **pos, size_t *n, size_t *cap)
{
	size_t	b;
	long	at;

	if (lead != STARTS_WORD) {
		if ((at = starts_back(text, q, lead)) >= 0)
			push(pos, n, cap, (size_t)at);
		return;
	}
	/* Neither \w nor \S is a space: back to the one before q, but not
	 * again over places an earlier occurrence gave ("справкасправка…"
	 * would otherwise give each place once per occurrence after it). */
	for (b = q; b > *floor && text[b - 1] != ' '; b--)
		;
	for (; b <= q; b++)
		if (((unsigned char)text[b] & 0xc0) != 0x80 || b == q)
			push(pos, n, cap, b);
	*floor = q + 1;
}

void
starts_find(const struct starts *st, const char *text, size_t len,
    unsigned **pos, size_t *n, size_t *cap)
{
	const char	*p, *hit;
	size_t		 i, floor;

	for (i = 0; i < st->n; i++) {
		floor = 0;
		if (st->v[i].len == 0) {
			/* The beginning of the text. */
			push(pos, n, cap, 0);
			continue;
		}
		p = text;
		while ((size_t)(text + len - p) >= st->v[i].len &&
		    (hit = memmem(p, (size_t)(text + len - p), st->v[i].s,
		    st->v[i].len)) != NULL) {
			starts_place(text, (size_t)(hit - text),
			    st->v[i].lead, &floor, pos, n, cap);
			p = hit + 1;
		}
	}
}
