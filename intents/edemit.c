/*
 * The pieces of PCRE2 that the editor form is made of.  A word in any of
 * its forms compiles to its Snowball stem followed by one of the endings
 * the Russian stemmer strips (END_RU below), so "пароль" matches "пароля"
 * and "паролем" but "забыть" (stem "заб") does not match "забота": the
 * ending must be one the stemmer would have removed.  That is the
 * stemmer's own notion of "the same word", written as an alternation PCRE2
 * can run and the prefilter can read needles from (the stems), rather than
 * a second matching engine that looks message words up by stem: rules mix
 * words with phrases, gaps and look-arounds, which only one engine
 * matching the whole rule can do in one pass.  The words of a choice share
 * one ending group: "(?<!\w)(?:сбер|втб|…)END(?!\w)".
 */
#include "intents/edemit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/limits.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

#define SHORT_WORD	2	/* letters: a word this short is matched as
				   written ("не", "вк"); stems of such words
				   say nothing */

/*
 * What the Russian Snowball stemmer removes, as the suffix of a word after
 * its stem: the soft sign or superlative of step 4, "ость" of step 3, "и"
 * of step 2, then a participle and an adjective, verb, noun or gerund
 * ending, then a reflexive one (step 1).  The middle group is a trie of
 * the union of the stemmer's ending lists, checked to match exactly those
 * endings.  Step 4 also undoubles "нн": a stem ending in "н" gets "н?".
 */
#define END_RU	"(?:ь|ейше?)?(?:ость?)?и?(?:ивш|ывш|ующ|ем|нн|вш|ющ|щ)?" \
	"(?:а(?:ми?|[хя])?|в(?:ш(?:и(?:сь)?))?|е(?:го|й(?:те)?|му?|" \
	"н[аоы]?|те?|шь|[веию])?|и(?:в(?:ш(?:и(?:сь)?))?|е[йм]?|" \
	"л[аио]?|ми?|т[еь]?|шь|я(?:ми?|х)?|[ийхю])?|й(?:те)?|л[аио]?|" \
	"н(?:но|[аоы])?|о(?:го|му?|[вейю])?|ть|у(?:ет|й(?:те)?|ют?)?|" \
	"ы(?:в(?:ш(?:и(?:сь)?))?|л[аио]?|ми?|ть?|[ейх])?|ь[еюя]?|ю[тю]?|" \
	"я(?:ми?|[тхя])?)?(?:с[яь])?"
/* English: the few endings that make the forms of a word. */
#define END_EN	"(?:e|es|s|ed|d|ing|y|ies|ied|er|ers)?"

void
edemit_add(struct edemit_buf *b, const char *s, size_t len)
{
	if (b->over)
		return;
	if (b->len + len > LIMIT_EDITOR_REGEX_BYTES) {
		b->over = 1;
		return;
	}
	if (b->len + len + 1 > b->cap) {
		b->cap = (b->len + len + 1) * 2;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void
edemit_str(struct edemit_buf *b, const char *s)
{
	edemit_add(b, s, strlen(s));
}

/* The string built, given to the caller; "" when nothing was. */
char *
edemit_take(struct edemit_buf *b)
{
	char	*s = b->s != NULL ? b->s : xstrdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}


void
edemit_alts_add(struct edemit_alts *a, enum edemit_kind kind, char *s, int raw)
{
	a->v = xgrow(a->v, a->n, sizeof(*a->v));
	a->v[a->n].kind = kind;
	a->v[a->n].s = s;
	a->v[a->n].raw = raw;
	a->n++;
}

void
edemit_alts_clear(struct edemit_alts *a)
{
	size_t	i;

	for (i = 0; i < a->n; i++)
		free(a->v[i].s);
	free(a->v);
	a->v = NULL;
	a->n = 0;
}


static int
is_ascii_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* Appends s[0..len) with every ASCII character but letters and digits
 * escaped, so that it is taken literally. */
void
edemit_escaped(struct edemit_buf *b, const char *s, size_t len)
{
	size_t	i;
	char	e[2] = { '\\', 0 };

	for (i = 0; i < len; i++) {
		if (!is_ascii_word((unsigned char)s[i]) && s[i] != '_') {
			e[1] = s[i];
			edemit_add(b, e, 2);
		} else
			edemit_add(b, s + i, 1);
	}
}

/* Whether the character at the start (or the end) of s is a word one. */
int
edemit_starts_word(const char *s, size_t len)
{
	int32_t	cp;

	if (len == 0)
		return 0;
	text_decode(s, len, &cp);
	return text_is_word_char(cp);
}

int
edemit_ends_word(const char *s, size_t len)
{
	size_t	i = len;
	int32_t	cp;

	if (len == 0)
		return 0;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i > 0)
		i--;
	text_decode(s + i, len - i, &cp);
	return text_is_word_char(cp);
}

/* Letters only, all of one script: 'r' Cyrillic, 'l' Latin, else 0; *n
 * gets the number of characters. */
static int
letters_of(const char *s, size_t len, size_t *n)
{
	size_t	i = 0;
	int32_t	cp;
	int	script = 0, this;

	*n = 0;
	while (i < len) {
		i += text_decode(s + i, len - i, &cp);
		(*n)++;
		if (cp >= 0x0430 && cp <= 0x044f)
			this = 'r';
		else if (cp >= 'a' && cp <= 'z')
			this = 'l';
		else
			return 0;
		if (script != 0 && this != script)
			return 0;
		script = this;
	}
	return script;
}

/*
 * One word as the editor wrote it: "пароль" any form, "восстан*" a
 * prefix, "*блок*" anywhere in a word, short or non-letter words exactly.
 */
int
edemit_word(struct stemmer *st, const char *w, size_t len,
    struct edemit_alts *out, const char **why)
{
	struct edemit_buf	 b = { NULL, 0, 0, 0 };
	char		*f, stem[STEM_MAX];
	size_t		 flen, n, slen;
	int		 lead = 0, trail = 0, script;

	if (len > 0 && w[0] == '*') {
		lead = 1;
		w++;
		len--;
	}
	if (len > 0 && w[len - 1] == '*') {
		trail = 1;
		len--;
	}
	if (len == 0 || memchr(w, '*', len) != NULL) {
		*why = "a \"*\" goes at the end of a word (восстан*: every "
		    "word that begins so) or at both ends (*блок*)";
		return -1;
	}
	f = text_fold(w, len, LIMIT_EDITOR_LINE_BYTES, &flen);
	script = letters_of(f, flen, &n);
	if (lead || trail) {
		if (!lead && edemit_starts_word(f, flen)) {
			edemit_alts_add(out, EDEMIT_PREFIX, f, 0);
			return 0;
		}
		/* The whole word is matched, from its start (so PCRE2 tries
		 * word starts only), so that what follows in a row starts
		 * after it. */
		if (lead)
			edemit_str(&b, EDEMIT_WB_START "\\w*?");
		edemit_escaped(&b, f, flen);
		if (!trail && edemit_ends_word(f, flen))
			edemit_str(&b, EDEMIT_WB_END);
		else if (trail)
			edemit_str(&b, "\\w*");
		free(f);
		edemit_alts_add(out, EDEMIT_OTHER, edemit_take(&b), 0);
		return 0;
	}
	if (script == 'r' && n > SHORT_WORD &&
	    (slen = stemmer_stem(st, f, flen, stem)) > 0 &&
	    slen <= flen && memcmp(stem, f, slen) == 0) {
		free(f);
		edemit_alts_add(out, EDEMIT_RU, xstrdup(stem), 0);
		return 0;
	}
	if (script == 'l' && n > SHORT_WORD) {
		/* "recovery" and "recovered" meet at "recover". */
		if (n > 3 && (f[flen - 1] == 'e' || f[flen - 1] == 'y'))
			f[--flen] = '\0';
		edemit_alts_add(out, EDEMIT_EN, f, 0);
		return 0;
	}
	if (edemit_starts_word(f, flen) && edemit_ends_word(f, flen)) {
		edemit_alts_add(out, EDEMIT_EXACT, f, 0);
		return 0;
	}
	if (edemit_starts_word(f, flen))
		edemit_str(&b, EDEMIT_WB_START);
	edemit_escaped(&b, f, flen);
	if (edemit_ends_word(f, flen))
		edemit_str(&b, EDEMIT_WB_END);
	free(f);
	edemit_alts_add(out, EDEMIT_OTHER, edemit_take(&b), 0);
	return 0;
}

int
edemit_phrase(const char *p, size_t len, struct edemit_alts *out,
    const char **why)
{
	struct edemit_buf	 b = { NULL, 0, 0, 0 };
	const char		*q, *w;
	char			*f;
	size_t			 flen, wl, nwords = 0;
	int			 star = 0;

	f = text_fold(p, len, LIMIT_EDITOR_LINE_BYTES, &flen);
	if (flen == 0) {
		free(f);
		*why = "an empty phrase \"\": write the words between the "
		    "quotes";
		return -1;
	}
	for (w = f; w < f + flen; w = q + 1) {
		q = memchr(w, ' ', (size_t)(f + flen - w));
		wl = q != NULL ? (size_t)(q - w) : (size_t)(f + flen - w);
		star = wl > 0 && w[wl - 1] == '*';
		if (star)
			wl--;
		if (wl == 0 || memchr(w, '*', wl) != NULL) {
			free(f);
			free(b.s);
			*why = "in a phrase, \"*\" goes only at the end of "
			    "a word";
			return -1;
		}
		if (nwords++ > 0)
			edemit_str(&b, "\\s+");
		else if (edemit_starts_word(w, wl))
			edemit_str(&b, EDEMIT_WB_START);
		edemit_escaped(&b, w, wl);
		if (star)
			edemit_str(&b, "\\w*");
		if (q == NULL)
			break;
	}
	if (!star && edemit_ends_word(f, flen))
		edemit_str(&b, EDEMIT_WB_END);
	if (nwords == 1 && !star && edemit_starts_word(f, flen) &&
	    edemit_ends_word(f, flen)) {
		free(edemit_take(&b));
		edemit_alts_add(out, EDEMIT_EXACT, f, 0);
		return 0;
	}
	if (nwords == 1 && star && edemit_starts_word(f, flen)) {
		free(edemit_take(&b));
		f[flen - 1] = '\0';
		edemit_alts_add(out, EDEMIT_PREFIX, f, 0);
		return 0;
	}
	free(f);
	edemit_alts_add(out, EDEMIT_OTHER, edemit_take(&b), 0);
	return 0;
}

/* Whether a stem ends in "н", which the stemmer may have undoubled. */
static int
ends_with_n(const char *s)
{
	size_t	len = strlen(s);

	return len >= 2 && memcmp(s + len - 2, "н", 2) == 0;
}

/* The alternation of a choice, words of one kind sharing one ending. */
char *
edemit_alts(const struct edemit_alts *a, int *over)
{
	static const struct {
		enum edemit_kind	 kind;
		const char	*pre, *post;
	} groups[] = {
		{ EDEMIT_RU, EDEMIT_WB_START, END_RU EDEMIT_WB_END },
		{ EDEMIT_EN, EDEMIT_WB_START, END_EN EDEMIT_WB_END },
		{ EDEMIT_PREFIX, EDEMIT_WB_START, "\\w*" },
		{ EDEMIT_EXACT, EDEMIT_WB_START, EDEMIT_WB_END },
	};
	struct edemit_buf	 b = { NULL, 0, 0, 0 }, g;
	size_t		 i, j, k, n, parts = 0;

	if (a->n == 1 && a->v[0].kind == EDEMIT_OTHER && !a->v[0].raw)
		return xstrdup(a->v[0].s);
	for (k = 0; k < sizeof(groups) / sizeof(groups[0]); k++) {
		memset(&g, 0, sizeof(g));
		for (i = n = 0; i < a->n; i++) {
			if (a->v[i].kind != groups[k].kind)
				continue;
			for (j = 0; j < i; j++)
				if (a->v[j].kind == a->v[i].kind &&
				    strcmp(a->v[j].s, a->v[i].s) == 0)
					break;
			if (j < i)
				continue;
			edemit_str(&g, n++ > 0 ? "|" : "");
			if (groups[k].kind == EDEMIT_RU ||
			    groups[k].kind == EDEMIT_EN)
				edemit_str(&g, a->v[i].s);
			else
				edemit_escaped(&g, a->v[i].s, strlen(a->v[i].s));
			if (groups[k].kind == EDEMIT_RU && ends_with_n(a->v[i].s))
				edemit_str(&g, "н?");
		}
		if (n == 0)
			continue;
		edemit_str(&b, parts++ > 0 ? "|" : "");
		edemit_str(&b, groups[k].pre);
		edemit_str(&b, n > 1 ? "(?:" : "");
		edemit_str(&b, g.s != NULL ? g.s : "");
		edemit_str(&b, n > 1 ? ")" : "");
		edemit_str(&b, groups[k].post);
		b.over |= g.over;
		free(g.s);
	}
	for (i = 0; i < a->n; i++) {
		if (a->v[i].kind != EDEMIT_OTHER)
			continue;
		edemit_str(&b, parts++ > 0 ? "|" : "");
		edemit_str(&b, a->v[i].raw ? "(?:" : "");
		edemit_str(&b, a->v[i].s);
		edemit_str(&b, a->v[i].raw ? ")" : "");
	}
	if (b.over)
		*over = 1;
	if (parts > 1) {
		char	*s = xasprintf("(?:%s)", b.s);

		free(b.s);
		return s;
	}
	return edemit_take(&b);
}


char *
edemit_gap(int n)
{
	return xasprintf("\\W+(?:\\w+\\W+){0,%d}", n);
}


/* What goes between two items of a row. */
enum { SEP_START, SEP_GLUED, SEP_SPACE, SEP_GAP, SEP_AFTER_START,
    SEP_BEFORE_END };

struct sep {
	int	kind;
	int	n;	/* SEP_GAP and the anchors: words, -1 none */
};

/* The separator before item i (> 0) of a row. */
static struct sep
sep_before(const struct edemit_item *items, size_t i)
{
	struct sep	s = { SEP_SPACE, -1 };

	if (items[i - 1].anchor == '^') {
		s.kind = SEP_AFTER_START;
		s.n = items[i].gap >= 0 ? items[i].gap : -1;
	} else if (items[i].anchor == '$') {
		s.kind = SEP_BEFORE_END;
		s.n = items[i].gap >= 0 ? items[i].gap : -1;
	} else if (items[i].gap == EDEMIT_GLUED)
		s.kind = SEP_GLUED;
	else if (items[i].gap >= 0) {
		s.kind = SEP_GAP;
		s.n = items[i].gap;
	}
	return s;
}

/* The separator to use when the optional item between a and b is absent. */
static struct sep
sep_merge(struct sep a, struct sep b)
{
	struct sep	s;

	if (a.kind == SEP_START || a.kind == SEP_AFTER_START)
		return a;
	if (b.kind == SEP_BEFORE_END)
		return b;
	if (a.kind == SEP_GAP || b.kind == SEP_GAP) {
		s.kind = SEP_GAP;
		s.n = a.kind == SEP_GAP ? a.n : 0;
		if (b.kind == SEP_GAP && b.n > s.n)
			s.n = b.n;
		return s;
	}
	return a.kind == SEP_SPACE || b.kind == SEP_SPACE ? (struct sep){
	    SEP_SPACE, -1 } : a;
}

static void
sep_emit(struct edemit_buf *b, struct sep s)
{
	char	*t = NULL;

	switch (s.kind) {
	case SEP_SPACE:
		edemit_str(b, "\\s+");
		break;
	case SEP_GAP:
		t = edemit_gap(s.n);
		break;
	case SEP_AFTER_START:
		if (s.n >= 0)
			t = xasprintf("(?:\\w+\\W+){0,%d}", s.n);
		break;
	case SEP_BEFORE_END:
		if (s.n >= 0)
			t = xasprintf("(?:\\W+\\w+){0,%d}", s.n);
		break;
	default:
		break;
	}
	if (t != NULL)
		edemit_str(b, t);
	free(t);
}

/*
 * An item's regular expression after separator s: a word start right after
 * spaces or a gap (which end on a non-word character) says nothing.
 */
static const char *
after_sep(struct sep s, const char *re)
{
	size_t	len = strlen(EDEMIT_WB_START);

	if ((s.kind == SEP_SPACE || s.kind == SEP_GAP) &&
	    strncmp(re, EDEMIT_WB_START, len) == 0)
		return re + len;
	return re;
}

/*
 * Items i.. of a row, after separator s.  An optional item is either there,
 * with its separators, or absent, and then what follows comes after the
 * wider of the two separators around it (so "A ..5 [B] C" still allows
 * five words between A and C).
 */
static void
emit_row(struct edemit_buf *b, const struct edemit_item *items, size_t n, size_t i,
    struct sep s)
{
	struct sep	next;

	if (i == n)
		return;
	next = i + 1 < n ? sep_before(items, i + 1) : s;
	if (!items[i].optional) {
		sep_emit(b, s);
		edemit_str(b, after_sep(s, items[i].re));
		emit_row(b, items, n, i + 1, next);
		return;
	}
	/* Plain spaces on both sides: "A(?:\s+B)?\s+C", nothing doubled. */
	if (s.kind == SEP_SPACE && (i + 1 == n || next.kind == SEP_SPACE)) {
		edemit_str(b, "(?:\\s+");
		edemit_str(b, items[i].re);
		edemit_str(b, ")?");
		emit_row(b, items, n, i + 1, next);
		return;
	}
	if (s.kind == SEP_START && i + 1 < n && next.kind == SEP_SPACE) {
		edemit_str(b, "(?:");
		edemit_str(b, items[i].re);
		edemit_str(b, "\\s+)?");
		emit_row(b, items, n, i + 1, s);
		return;
	}
	edemit_str(b, "(?:");
	sep_emit(b, s);
	edemit_str(b, items[i].re);
	emit_row(b, items, n, i + 1, next);
	edemit_str(b, "|");
	emit_row(b, items, n, i + 1, sep_merge(s, next));
	edemit_str(b, ")");
}


char *
edemit_row(const struct edemit_item *items, size_t n, int *over)
{
	struct edemit_buf	b = { NULL, 0, 0, 0 };

	emit_row(&b, items, n, 0, (struct sep){ SEP_START, -1 });
	if (b.over)
		*over = 1;
	return edemit_take(&b);
}

/* The middle of the PCRE2 of an "only" pattern, between the line start
 * and end editform.c puts around it; -1 when re is not one. */
static int
only_middle(const char *re, const char **mid, int *len_r)
{
	size_t	len = strlen(re), ls = strlen(EDEMIT_LINE_START),
		le = strlen(EDEMIT_LINE_END);

	if (len < ls + le || strncmp(re, EDEMIT_LINE_START, ls) != 0 ||
	    strcmp(re + len - le, EDEMIT_LINE_END) != 0)
		return -1;
	*mid = re + ls;
	*len_r = (int)(len - ls - le);
	return 0;
}

char *
edemit_only_lead(const char *re)
{
	const char	*mid;
	int		 len;

	return only_middle(re, &mid, &len) == 0 ?
	    xasprintf("^%.*s", len, mid) : NULL;
}

char *
edemit_only_tail(const char *re)
{
	const char	*mid;
	int		 len;

	return only_middle(re, &mid, &len) == 0 ?
	    xasprintf("%.*s$", len, mid) : NULL;
}
