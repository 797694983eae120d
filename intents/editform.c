/*
 * Editors write what they mean ("забыть пароль", "near(забыл, @secret, 3)",
 * "@bank not-before id") and this file writes the PCRE2 for it, so that one
 * matching engine, its limits and its prefilter serve both forms and raw
 * PCRE2 between slashes still mixes in.
 *
 * A word in any of its forms compiles to its Snowball stem followed by one
 * of the endings the Russian stemmer strips (END_RU below), so "пароль"
 * matches "пароля" and "паролем" but "забыть" (stem "заб") does not match
 * "забота": the ending must be one the stemmer would have removed.  That is
 * the stemmer's own notion of "the same word", written as an alternation
 * PCRE2 can run and the prefilter can read needles from (the stems), rather
 * than a second matching engine that looks message words up by stem: rules
 * mix words with phrases, gaps and look-arounds, which only one engine
 * matching the whole rule can do in one pass.  The words of a list share
 * one ending group: "\b(?:сбер|втб|…)END\b".
 *
 * Lists are shared by every file and compiled once each, on first use; a
 * list that uses itself through others is an error at the line that closes
 * the circle.
 */
#include "intents/editform.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intents/rules.h"
#include "kb/stem.h"
#include "lib/limits.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

#define GAP_MAX		50	/* words between, in "..N" and near() */
#define NEAR_DEFAULT	3
#define ONLY_MORE	8	/* items after the first in an "only" line */
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

/*
 * Word edges.  \b with Unicode properties looks at the characters on both
 * sides at every position PCRE2 tries; at the start of a word only the one
 * before matters and at its end only the one after, and these look-arounds
 * make the editors' rules twice as fast to reject.
 */
#define WB_START	"(?<!\\w)"
#define WB_END		"(?!\\w)"

/* The text a message line is separated by from its transliteration. */
#define LINE_START	"(?:^|\\s\\|\\s)"
#define LINE_END	"(?:\\s\\|\\s|$)"

enum alt_kind {
	ALT_RU,		/* s: a Russian stem, any ending */
	ALT_EN,		/* s: an English base, any ending */
	ALT_PREFIX,	/* s: the start of a word */
	ALT_EXACT,	/* s: a whole word as written */
	ALT_OTHER	/* s: PCRE2 standing on its own */
};

struct alt {
	enum alt_kind	 kind;
	char		*s;
	int		 raw;	/* the whole alt is one /raw/ part */
};

struct alts {
	struct alt	*v;
	size_t		 n;
};

struct buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
	int	 over;	/* grew past LIMIT_EDITOR_REGEX_BYTES */
};

enum { LIST_NEW, LIST_BUSY, LIST_DONE, LIST_BAD };

struct ef {
	const struct def_set	*set;
	struct stemmer		*st;
	char			**list_re;	/* per list, once made */
	unsigned char		*state;		/* per list: LIST_* */
	size_t			*stack;		/* lists being made */
	size_t			 nstack;
	size_t			 depth;
	char			 why[512];	/* the problem, when failed */
	int			 failed;
	int			 quiet;		/* told at another line */
	def_error_fn		 err;
	void			*arg;
	size_t			 nerr;
};

struct lex {
	const char	*p;
	const char	*end;
};

static void	p_choice(struct ef *, struct lex *, char, struct alts *);

static void
buf_add(struct buf *b, const char *s, size_t len)
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

static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* The string built, given to the caller; "" when nothing was. */
static char *
buf_take(struct buf *b)
{
	char	*s = b->s != NULL ? b->s : xstrdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

static void __attribute__((format(printf, 2, 3)))
fail(struct ef *ef, const char *fmt, ...)
{
	va_list	ap;

	if (ef->failed)
		return;		/* the first problem is the one to fix */
	ef->failed = 1;
	va_start(ap, fmt);
	vsnprintf(ef->why, sizeof(ef->why), fmt, ap);
	va_end(ap);
}

static void
alts_add(struct alts *a, enum alt_kind kind, char *s, int raw)
{
	a->v = xreallocarray(a->v, a->n + 1, sizeof(*a->v));
	a->v[a->n].kind = kind;
	a->v[a->n].s = s;
	a->v[a->n].raw = raw;
	a->n++;
}

static void
alts_clear(struct alts *a)
{
	size_t	i;

	for (i = 0; i < a->n; i++)
		free(a->v[i].s);
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

static void
skip_space(struct lex *lx)
{
	while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t'))
		lx->p++;
}

static int
is_delim(char c)
{
	return c == ' ' || c == '\t' || c == ',' || c == '(' || c == ')' ||
	    c == '[' || c == ']' || c == '"';
}

/* The word token at lx->p: up to the next space or bracket. */
static size_t
word_len(const struct lex *lx)
{
	const char	*q = lx->p;

	while (q < lx->end && !is_delim(*q))
		q++;
	return (size_t)(q - lx->p);
}

static int
is_ascii_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* Appends s[0..len) with every ASCII character but letters and digits
 * escaped, so that it is taken literally. */
static void
add_escaped(struct buf *b, const char *s, size_t len)
{
	size_t	i;
	char	e[2] = { '\\', 0 };

	for (i = 0; i < len; i++) {
		if (!is_ascii_word((unsigned char)s[i]) && s[i] != '_') {
			e[1] = s[i];
			buf_add(b, e, 2);
		} else
			buf_add(b, s + i, 1);
	}
}

/* Whether the character at the start (or the end) of s is a word one. */
static int
starts_word(const char *s, size_t len)
{
	int32_t	cp;

	if (len == 0)
		return 0;
	text_decode(s, len, &cp);
	return text_is_word_char(cp);
}

static int
ends_word(const char *s, size_t len)
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
static void
word_alt(struct ef *ef, const char *w, size_t len, struct alts *out)
{
	struct buf	 b = { NULL, 0, 0, 0 };
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
		fail(ef, "a \"*\" goes at the end of a word (восстан*: every "
		    "word that begins so) or at both ends (*блок*)");
		return;
	}
	f = text_fold(w, len, LIMIT_EDITOR_LINE_BYTES, &flen);
	script = letters_of(f, flen, &n);
	if (lead || trail) {
		if (!lead && starts_word(f, flen)) {
			alts_add(out, ALT_PREFIX, f, 0);
			return;
		}
		/* The whole word is matched, from its start (so PCRE2 tries
		 * word starts only), so that what follows in a row starts
		 * after it. */
		if (lead)
			buf_str(&b, WB_START "\\w*?");
		add_escaped(&b, f, flen);
		if (!trail && ends_word(f, flen))
			buf_str(&b, WB_END);
		else if (trail)
			buf_str(&b, "\\w*");
		free(f);
		alts_add(out, ALT_OTHER, buf_take(&b), 0);
		return;
	}
	if (script == 'r' && n > SHORT_WORD &&
	    (slen = stemmer_stem(ef->st, f, flen, stem)) > 0 &&
	    slen <= flen && memcmp(stem, f, slen) == 0) {
		free(f);
		alts_add(out, ALT_RU, xstrdup(stem), 0);
		return;
	}
	if (script == 'l' && n > SHORT_WORD) {
		/* "recovery" and "recovered" meet at "recover". */
		if (n > 3 && (f[flen - 1] == 'e' || f[flen - 1] == 'y'))
			f[--flen] = '\0';
		alts_add(out, ALT_EN, f, 0);
		return;
	}
	if (starts_word(f, flen) && ends_word(f, flen)) {
		alts_add(out, ALT_EXACT, f, 0);
		return;
	}
	if (starts_word(f, flen))
		buf_str(&b, WB_START);
	add_escaped(&b, f, flen);
	if (ends_word(f, flen))
		buf_str(&b, WB_END);
	free(f);
	alts_add(out, ALT_OTHER, buf_take(&b), 0);
}

/* "a phrase", each word as written, "word*" a prefix. */
static void
phrase_alt(struct ef *ef, struct lex *lx, struct alts *out)
{
	struct buf	 b = { NULL, 0, 0, 0 };
	const char	*q, *w;
	char		*f;
	size_t		 flen, wl, nwords = 0;
	int		 star = 0;

	lx->p++;
	if ((q = memchr(lx->p, '"', (size_t)(lx->end - lx->p))) == NULL) {
		fail(ef, "a phrase is not closed: end it with \"");
		return;
	}
	f = text_fold(lx->p, (size_t)(q - lx->p), LIMIT_EDITOR_LINE_BYTES,
	    &flen);
	lx->p = q + 1;
	if (flen == 0) {
		free(f);
		fail(ef, "an empty phrase \"\": write the words between the "
		    "quotes");
		return;
	}
	for (w = f; w < f + flen; w = q + 1) {
		q = memchr(w, ' ', (size_t)(f + flen - w));
		wl = q != NULL ? (size_t)(q - w) : (size_t)(f + flen - w);
		star = wl > 0 && w[wl - 1] == '*';
		if (star)
			wl--;
		if (wl == 0 || memchr(w, '*', wl) != NULL) {
			fail(ef, "in a phrase, \"*\" goes only at the end of "
			    "a word");
			break;
		}
		if (nwords++ > 0)
			buf_str(&b, "\\s+");
		else if (starts_word(w, wl))
			buf_str(&b, WB_START);
		add_escaped(&b, w, wl);
		if (star)
			buf_str(&b, "\\w*");
		if (q == NULL)
			break;
	}
	if (!star && ends_word(f, flen))
		buf_str(&b, WB_END);
	if (nwords == 1 && !star && starts_word(f, flen) &&
	    ends_word(f, flen)) {
		free(buf_take(&b));
		alts_add(out, ALT_EXACT, f, 0);
		return;
	}
	if (nwords == 1 && star && starts_word(f, flen)) {
		free(buf_take(&b));
		f[flen - 1] = '\0';
		alts_add(out, ALT_PREFIX, f, 0);
		return;
	}
	free(f);
	alts_add(out, ALT_OTHER, buf_take(&b), 0);
}

/*
 * The end of a raw part that starts at p (a '/'), as in a JavaScript
 * regular expression literal: the next '/' that is neither escaped nor in
 * a character class.  NULL if none.
 */
static const char *
raw_end(const char *p, const char *end)
{
	const char	*q;
	int		 in_class = 0;

	for (q = p + 1; q < end; q++) {
		if (*q == '\\') {
			q++;
			continue;
		}
		if (in_class) {
			if (*q == ']')
				in_class = 0;
			continue;
		}
		if (*q == '[') {
			in_class = 1;
			/* "[]…]" and "[^]…]": the first ']' is a member */
			if (q + 1 < end && q[1] == '^')
				q++;
			if (q + 1 < end && q[1] == ']')
				q++;
		} else if (*q == '/')
			return q;
	}
	return NULL;
}

static void
raw_alt(struct ef *ef, struct lex *lx, struct alts *out)
{
	const char	*q;
	char		*re, why[300];

	if ((q = raw_end(lx->p, lx->end)) == NULL || q == lx->p + 1) {
		fail(ef, "a regular expression is not closed: end it with "
		    "\"/\" (a slash inside it is written \\/)");
		return;
	}
	re = xstrndup(lx->p + 1, (size_t)(q - lx->p - 1));
	lx->p = q + 1;
	if (rules_try_compile(re, why, sizeof(why)) == -1) {
		fail(ef, "/%.60s%s/: %s", re, strlen(re) > 60 ? "…" : "",
		    why);
		free(re);
		return;
	}
	alts_add(out, ALT_OTHER, re, 1);
}

/* Levenshtein distance of two short ASCII names, for "did you mean". */
static size_t
distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), i, j, d[40][40];

	if (la >= 40 || lb >= 40)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			d[i][j] = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < d[i][j])
				d[i][j] = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < d[i][j])
				d[i][j] = d[i][j - 1] + 1;
		}
	return d[la][lb];
}

static void	make_list(struct ef *, size_t);

/* @name: the list's PCRE2, made on first use. */
static void
list_alt(struct ef *ef, struct lex *lx, struct alts *out)
{
	const struct def_list	*l;
	const char		*name = ++lx->p, *best = NULL;
	char			 cycle[300];
	size_t			 len, i, k, d, bestd = 3;
	int			 o;

	while (lx->p < lx->end && ((*lx->p >= 'a' && *lx->p <= 'z') ||
	    (*lx->p >= '0' && *lx->p <= '9') || *lx->p == '_'))
		lx->p++;
	len = (size_t)(lx->p - name);
	if (len == 0) {
		fail(ef, "\"@\" names a list: @bank");
		return;
	}
	if ((l = deffile_find_list(ef->set, name, len)) == NULL) {
		char	want[40];

		snprintf(want, sizeof(want), "%.*s", (int)(len < 39 ? len :
		    39), name);
		for (i = 0; i < ef->set->nlists; i++)
			if ((d = distance(want, ef->set->lists[i].name)) <
			    bestd) {
				bestd = d;
				best = ef->set->lists[i].name;
			}
		fail(ef, "unknown list @%s: define it with \"list %s word, "
		    "word, …\"%s%s%s", want, want, best ? " or write @" : "",
		    best ? best : "", best ? " (a list of that name exists)" :
		    "");
		return;
	}
	i = (size_t)(l - ef->set->lists);
	if (ef->state[i] == LIST_BUSY) {
		o = snprintf(cycle, sizeof(cycle), "%s", l->name);
		for (k = 0; k < ef->nstack && ef->stack[k] != i; k++)
			;
		for (k++; k < ef->nstack && o > 0 &&
		    (size_t)o < sizeof(cycle); k++)
			o += snprintf(cycle + o, sizeof(cycle) - (size_t)o,
			    " → %s", ef->set->lists[ef->stack[k]].name);
		fail(ef, "lists use each other in a circle (%s → %s): no "
		    "list can contain itself; remove @%s here or the use "
		    "that leads back", cycle, l->name, l->name);
		return;
	}
	if (ef->state[i] == LIST_NEW)
		make_list(ef, i);
	if (ef->state[i] != LIST_DONE) {
		/* Told at the list's own line. */
		ef->quiet = 1;
		fail(ef, "list @%s is broken", l->name);
		return;
	}
	alts_add(out, ALT_OTHER, xasprintf("(?:%s)", ef->list_re[i]), 0);
}

/* Whether a stem ends in "н", which the stemmer may have undoubled. */
static int
ends_with_n(const char *s)
{
	size_t	len = strlen(s);

	return len >= 2 && memcmp(s + len - 2, "н", 2) == 0;
}

/* The alternation of a choice, words of one kind sharing one ending. */
static char *
emit_alts(struct ef *ef, const struct alts *a)
{
	static const struct {
		enum alt_kind	 kind;
		const char	*pre, *post;
	} groups[] = {
		{ ALT_RU, WB_START, END_RU WB_END },
		{ ALT_EN, WB_START, END_EN WB_END },
		{ ALT_PREFIX, WB_START, "\\w*" },
		{ ALT_EXACT, WB_START, WB_END },
	};
	struct buf	 b = { NULL, 0, 0, 0 }, g;
	size_t		 i, j, k, n, parts = 0;

	if (a->n == 1 && a->v[0].kind == ALT_OTHER && !a->v[0].raw)
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
			buf_str(&g, n++ > 0 ? "|" : "");
			if (groups[k].kind == ALT_RU ||
			    groups[k].kind == ALT_EN)
				buf_str(&g, a->v[i].s);
			else
				add_escaped(&g, a->v[i].s, strlen(a->v[i].s));
			if (groups[k].kind == ALT_RU && ends_with_n(a->v[i].s))
				buf_str(&g, "н?");
		}
		if (n == 0)
			continue;
		buf_str(&b, parts++ > 0 ? "|" : "");
		buf_str(&b, groups[k].pre);
		buf_str(&b, n > 1 ? "(?:" : "");
		buf_str(&b, g.s != NULL ? g.s : "");
		buf_str(&b, n > 1 ? ")" : "");
		buf_str(&b, groups[k].post);
		b.over |= g.over;
		free(g.s);
	}
	for (i = 0; i < a->n; i++) {
		if (a->v[i].kind != ALT_OTHER)
			continue;
		buf_str(&b, parts++ > 0 ? "|" : "");
		buf_str(&b, a->v[i].raw ? "(?:" : "");
		buf_str(&b, a->v[i].s);
		buf_str(&b, a->v[i].raw ? ")" : "");
	}
	if (b.over)
		fail(ef, "grows into more than %d bytes of PCRE2: split it "
		    "into several lines or lists", LIMIT_EDITOR_REGEX_BYTES);
	if (parts > 1) {
		char	*s = xasprintf("(?:%s)", b.s);

		free(b.s);
		return s;
	}
	return buf_take(&b);
}

/* A number 0..GAP_MAX at s[0..len), or -1. */
static int
gap_number(const char *s, size_t len)
{
	size_t	i;
	int	n = 0;

	if (len == 0 || len > 2)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		n = n * 10 + s[i] - '0';
	}
	return n <= GAP_MAX ? n : -1;
}

static char *
gap_re(int n)
{
	return xasprintf("\\W+(?:\\w+\\W+){0,%d}", n);
}

/* One alternative of a choice: items one after another. */
static void	p_seq(struct ef *, struct lex *, struct alts *);

/* Whether the next word is "unless", which ends what comes before it. */
static int
at_unless(const struct lex *lx)
{
	return word_len(lx) == 6 && memcmp(lx->p, "unless", 6) == 0;
}

/* near(A, B[, N]): A and B in either order, at most N words between. */
static void
near_alt(struct ef *ef, struct lex *lx, struct alts *out)
{
	struct alts	 a = { NULL, 0 }, b = { NULL, 0 };
	char		*ra, *rb, *gap;
	size_t		 len;
	int		 n = NEAR_DEFAULT;

	lx->p++;	/* '(' */
	p_seq(ef, lx, &a);
	skip_space(lx);
	if (!ef->failed && (lx->p >= lx->end || *lx->p != ','))
		fail(ef, "near() takes two things and a number of words "
		    "between, as in near(забыл, пароль, 3)");
	if (!ef->failed) {
		lx->p++;
		p_seq(ef, lx, &b);
		skip_space(lx);
	}
	if (!ef->failed && lx->p < lx->end && *lx->p == ',') {
		lx->p++;
		skip_space(lx);
		len = word_len(lx);
		if ((n = gap_number(lx->p, len)) < 0)
			fail(ef, "near(): the last argument is the number of "
			    "words between, 0 to %d", GAP_MAX);
		lx->p += len;
		skip_space(lx);
	}
	if (!ef->failed && (lx->p >= lx->end || *lx->p != ')'))
		fail(ef, "near() is not closed: add \")\"");
	if (ef->failed || a.n != 1 || b.n != 1) {
		if (!ef->failed)
			fail(ef, "near() takes two things and a number of "
			    "words between, as in near(забыл, пароль, 3)");
		alts_clear(&a);
		alts_clear(&b);
		return;
	}
	lx->p++;
	ra = emit_alts(ef, &a);
	rb = emit_alts(ef, &b);
	gap = gap_re(n);
	alts_add(out, ALT_OTHER, xasprintf("(?:%s%s%s|%s%s%s)", ra, gap, rb,
	    rb, gap, ra), 0);
	free(ra);
	free(rb);
	free(gap);
	alts_clear(&a);
	alts_clear(&b);
}

/* A bracketed choice, ( … ) or [ … ] (optional). */
static void
group_alt(struct ef *ef, struct lex *lx, struct alts *out)
{
	struct alts	 a = { NULL, 0 };
	char		 close = *lx->p == '(' ? ')' : ']';

	lx->p++;
	if (++ef->depth > LIMIT_EDITOR_NESTING)
		fail(ef, "brackets and lists nested more than %d deep",
		    LIMIT_EDITOR_NESTING);
	else
		p_choice(ef, lx, close, &a);
	ef->depth--;
	if (!ef->failed && (lx->p >= lx->end || *lx->p != close))
		fail(ef, "\"%c\" is not closed: add \"%c\"", close == ')' ?
		    '(' : '[', close);
	if (ef->failed) {
		alts_clear(&a);
		return;
	}
	lx->p++;
	if (a.n == 1 && a.v[0].kind != ALT_OTHER) {
		alts_add(out, a.v[0].kind, a.v[0].s, 0);
		a.v[0].s = NULL;
	} else
		alts_add(out, ALT_OTHER, emit_alts(ef, &a), 0);
	alts_clear(&a);
}

/*
 * One item: a word, "phrase", /raw/, @list, ( … ), [ … ], near( … ), or _
 * for any one word.
 */
static void
p_atom(struct ef *ef, struct lex *lx, struct alts *out)
{
	size_t	len;

	switch (*lx->p) {
	case '(':
	case '[':
		group_alt(ef, lx, out);
		return;
	case '"':
		phrase_alt(ef, lx, out);
		return;
	case '/':
		raw_alt(ef, lx, out);
		return;
	case '@':
		list_alt(ef, lx, out);
		return;
	case ')':
	case ']':
		fail(ef, "\"%c\" without its \"%c\"", *lx->p, *lx->p == ')' ?
		    '(' : '[');
		return;
	}
	len = word_len(lx);
	if (len == 4 && memcmp(lx->p, "near", 4) == 0 && lx->p + 4 < lx->end &&
	    lx->p[4] == '(') {
		lx->p += 4;
		near_alt(ef, lx, out);
		return;
	}
	if (len == 1 && *lx->p == '_') {
		/* Any one word. */
		alts_add(out, ALT_OTHER, xstrdup("\\w+"), 0);
		lx->p++;
		return;
	}
	word_alt(ef, lx->p, len, out);
	lx->p += len;
}

/*
 * The plain words after not-after: a word, a "phrase" or a bracketed
 * choice of them, each as written (a look-behind has a fixed length).
 */
static void
plain_words(struct ef *ef, struct lex *lx, struct buf *out)
{
	const char	*w;
	char		*f;
	size_t		 len, flen, i;
	int		 group;

	skip_space(lx);
	group = lx->p < lx->end && *lx->p == '(';
	if (group)
		lx->p++;
	do {
		skip_space(lx);
		if (lx->p < lx->end && *lx->p == '"') {
			w = ++lx->p;
			while (lx->p < lx->end && *lx->p != '"')
				lx->p++;
			len = (size_t)(lx->p - w);
			if (lx->p < lx->end)
				lx->p++;
		} else {
			w = lx->p;
			len = word_len(lx);
			lx->p += len;
		}
		f = text_fold(w, len, LIMIT_EDITOR_LINE_BYTES, &flen);
		if (flen == 0 || strpbrk(f, "*@/()[]") != NULL) {
			free(f);
			fail(ef, "not-after takes plain words, as written, as "
			    "in not-after не or not-after (не, ни)");
			return;
		}
		buf_str(out, "(?<!");
		if (starts_word(f, flen))
			buf_str(out, "\\b");
		for (i = 0; i < flen; i++) {
			if (f[i] == ' ')
				buf_str(out, "\\s");
			else
				add_escaped(out, f + i, 1);
		}
		buf_str(out, "\\s)");
		free(f);
		skip_space(lx);
	} while (group && lx->p < lx->end && *lx->p == ',' && lx->p++);
	if (group) {
		if (lx->p >= lx->end || *lx->p != ')')
			fail(ef, "not-after ( … ) is not closed: add \")\"");
		else
			lx->p++;
	}
}

/* An item and what may follow it: not-after …, not-before …. */
static void
p_post(struct ef *ef, struct lex *lx, struct alts *out)
{
	struct alts	 item = { NULL, 0 }, arg = { NULL, 0 };
	struct buf	 before = { NULL, 0, 0, 0 }, after = { NULL, 0, 0, 0 };
	const char	*was;
	char		*re, *a;
	size_t		 len;

	p_atom(ef, lx, &item);
	while (!ef->failed) {
		was = lx->p;
		skip_space(lx);
		len = word_len(lx);
		if (len == 9 && memcmp(lx->p, "not-after", 9) == 0) {
			lx->p += 9;
			plain_words(ef, lx, &before);
			continue;
		}
		if (len != 10 || memcmp(lx->p, "not-before", 10) != 0) {
			/* The spaces tell the row whether items are glued. */
			lx->p = was;
			break;
		}
		lx->p += 10;
		skip_space(lx);
		if (lx->p >= lx->end || *lx->p == ',' || *lx->p == ')') {
			fail(ef, "not-before: the words that must not follow, "
			    "as in @bank not-before id");
			break;
		}
		p_atom(ef, lx, &arg);
		if (ef->failed)
			break;
		a = emit_alts(ef, &arg);
		buf_str(&after, "(?!\\s+");
		buf_str(&after, a);
		buf_str(&after, ")");
		free(a);
		alts_clear(&arg);
	}
	if (before.over || after.over)
		fail(ef, "too many words after not-after or not-before");
	if (ef->failed || item.n == 0) {
		alts_clear(&item);
		alts_clear(&arg);
		free(before.s);
		free(after.s);
		return;
	}
	if (before.len == 0 && after.len == 0) {
		alts_add(out, item.v[0].kind, item.v[0].s, item.v[0].raw);
		item.v[0].s = NULL;
	} else {
		re = emit_alts(ef, &item);
		alts_add(out, ALT_OTHER, xasprintf("%s(?:%s)%s", before.s ?
		    before.s : "", re, after.s ? after.s : ""), 0);
		free(re);
	}
	alts_clear(&item);
	free(before.s);
	free(after.s);
}

struct seqitem {
	char	*re;
	int	 optional;
	int	 gap;	/* words allowed before it, -1: adjacent, GLUED */
	char	 anchor;	/* '^' the start, '$' the end, or 0 */
};

/* An item written right after the one before, with no space between
 * ("/[«\"]/@status"): nothing between them either. */
#define GLUED	(-3)

/* What goes between two items of a row. */
enum { SEP_START, SEP_GLUED, SEP_SPACE, SEP_GAP, SEP_AFTER_START,
    SEP_BEFORE_END };

struct sep {
	int	kind;
	int	n;	/* SEP_GAP and the anchors: words, -1 none */
};

/* The separator before item i (> 0) of a row. */
static struct sep
sep_before(const struct seqitem *items, size_t i)
{
	struct sep	s = { SEP_SPACE, -1 };

	if (items[i - 1].anchor == '^') {
		s.kind = SEP_AFTER_START;
		s.n = items[i].gap >= 0 ? items[i].gap : -1;
	} else if (items[i].anchor == '$') {
		s.kind = SEP_BEFORE_END;
		s.n = items[i].gap >= 0 ? items[i].gap : -1;
	} else if (items[i].gap == GLUED)
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
sep_emit(struct buf *b, struct sep s)
{
	char	*t = NULL;

	switch (s.kind) {
	case SEP_SPACE:
		buf_str(b, "\\s+");
		break;
	case SEP_GAP:
		t = gap_re(s.n);
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
		buf_str(b, t);
	free(t);
}

/*
 * An item's regular expression after separator s: a word start right after
 * spaces or a gap (which end on a non-word character) says nothing.
 */
static const char *
after_sep(struct sep s, const char *re)
{
	size_t	len = strlen(WB_START);

	if ((s.kind == SEP_SPACE || s.kind == SEP_GAP) &&
	    strncmp(re, WB_START, len) == 0)
		return re + len;
	return re;
}

/* Most optional items in a row: each one doubles what follows it. */
#define OPTIONAL_MAX	4

/*
 * Items i.. of a row, after separator s.  An optional item is either there,
 * with its separators, or absent, and then what follows comes after the
 * wider of the two separators around it (so "A ..5 [B] C" still allows
 * five words between A and C).
 */
static void
emit_row(struct buf *b, const struct seqitem *items, size_t n, size_t i,
    struct sep s)
{
	struct sep	next;

	if (i == n)
		return;
	next = i + 1 < n ? sep_before(items, i + 1) : s;
	if (!items[i].optional) {
		sep_emit(b, s);
		buf_str(b, after_sep(s, items[i].re));
		emit_row(b, items, n, i + 1, next);
		return;
	}
	/* Plain spaces on both sides: "A(?:\s+B)?\s+C", nothing doubled. */
	if (s.kind == SEP_SPACE && (i + 1 == n || next.kind == SEP_SPACE)) {
		buf_str(b, "(?:\\s+");
		buf_str(b, items[i].re);
		buf_str(b, ")?");
		emit_row(b, items, n, i + 1, next);
		return;
	}
	if (s.kind == SEP_START && i + 1 < n && next.kind == SEP_SPACE) {
		buf_str(b, "(?:");
		buf_str(b, items[i].re);
		buf_str(b, "\\s+)?");
		emit_row(b, items, n, i + 1, s);
		return;
	}
	buf_str(b, "(?:");
	sep_emit(b, s);
	buf_str(b, items[i].re);
	emit_row(b, items, n, i + 1, next);
	buf_str(b, "|");
	emit_row(b, items, n, i + 1, sep_merge(s, next));
	buf_str(b, ")");
}

static void
p_seq(struct ef *ef, struct lex *lx, struct alts *out)
{
	struct seqitem	 items[64];
	struct alts	 one = { NULL, 0 };
	struct buf	 b = { NULL, 0, 0, 0 };
	const char	*was;
	size_t		 n = 0, i, len, nopt;
	int		 gap = -1, opt;

	for (;;) {
		was = lx->p;
		skip_space(lx);
		if (n > 0 && gap == -1 && lx->p == was)
			gap = GLUED;
		if (lx->p >= lx->end || *lx->p == ',' || *lx->p == ')' ||
		    *lx->p == ']' || ef->failed || at_unless(lx))
			break;
		len = word_len(lx);
		if (len >= 2 && lx->p[0] == '.' && lx->p[1] == '.') {
			if (n == 0 || gap >= 0 ||
			    (gap = gap_number(lx->p + 2, len - 2)) < 0)
				fail(ef, "\"..N\" stands between two items: the "
				    "number of words that may come between, "
				    "0 to %d, as in восстановить ..3 пароль",
				    GAP_MAX);
			lx->p += len;
			continue;
		}
		if (n == sizeof(items) / sizeof(items[0])) {
			fail(ef, "more than %zu items in a row",
			    sizeof(items) / sizeof(items[0]));
			break;
		}
		if (len == 1 && (*lx->p == '^' || *lx->p == '$')) {
			/* The start or the end of the message (or of its
			 * transliteration). */
			if ((*lx->p == '^' && n > 0) || (n > 0 &&
			    items[n - 1].anchor == '$')) {
				fail(ef, "\"^\" goes first in a row and \"$\" "
				    "last, as in ^ @greeting $");
				break;
			}
			items[n].re = xstrdup(*lx->p == '^' ? LINE_START "\\W*" :
			    "\\W*" LINE_END);
			items[n].optional = 0;
			items[n].gap = gap;
			items[n].anchor = *lx->p;
			n++;
			gap = -1;
			lx->p++;
			continue;
		}
		if (n > 0 && items[n - 1].anchor == '$') {
			fail(ef, "\"^\" goes first in a row and \"$\" last, as "
			    "in ^ @greeting $");
			break;
		}
		opt = *lx->p == '[';
		p_post(ef, lx, &one);
		if (ef->failed)
			break;
		if (n == 0 && one.n == 1 && !opt) {
			/* Keep the kind: a lone word may join a group. */
			was = lx->p;
			skip_space(lx);
			if (lx->p >= lx->end || *lx->p == ',' ||
			    *lx->p == ')' || *lx->p == ']' || at_unless(lx)) {
				alts_add(out, one.v[0].kind, one.v[0].s,
				    one.v[0].raw);
				one.v[0].s = NULL;
				alts_clear(&one);
				return;
			}
			lx->p = was;
		}
		items[n].re = emit_alts(ef, &one);
		items[n].optional = opt;
		items[n].gap = gap;
		items[n].anchor = 0;
		n++;
		gap = -1;
		alts_clear(&one);
	}
	if (!ef->failed && gap >= 0)
		fail(ef, "\"..N\" must be followed by an item");
	for (i = 0; !ef->failed && i < n && items[i].anchor != 0; i++)
		;
	if (!ef->failed && n > 0 && i == n)
		fail(ef, "\"^\" and \"$\" need something between them");
	if (!ef->failed && n == 0)
		fail(ef, "nothing here: a word, a \"phrase\", @list, ( … ) or "
		    "/regular expression/ was expected");
	for (i = 0; !ef->failed && i < n; i++)
		if (!items[i].optional)
			break;
	if (!ef->failed && i == n)
		fail(ef, "everything here is optional [ … ]: something must "
		    "be there to match");
	for (i = 0, nopt = 0; i < n; i++)
		nopt += items[i].optional;
	if (!ef->failed && nopt > OPTIONAL_MAX)
		fail(ef, "more than %d optional [ … ] items in a row: use a "
		    "gap (..N) or split the rule", OPTIONAL_MAX);
	if (!ef->failed)
		emit_row(&b, items, n, 0, (struct sep){ SEP_START, -1 });
	for (i = 0; i < n; i++)
		free(items[i].re);
	if (b.over)
		fail(ef, "grows into more than %d bytes of PCRE2: split it "
		    "into several lines or lists", LIMIT_EDITOR_REGEX_BYTES);
	if (ef->failed) {
		free(b.s);
		return;
	}
	alts_add(out, ALT_OTHER, buf_take(&b), 0);
}

/* Alternatives separated by commas, up to close (or the end: 0). */
static void
p_choice(struct ef *ef, struct lex *lx, char close, struct alts *out)
{
	for (;;) {
		p_seq(ef, lx, out);
		skip_space(lx);
		if (ef->failed || lx->p >= lx->end || *lx->p != ',')
			break;
		lx->p++;
	}
	if (ef->failed)
		return;
	if (lx->p < lx->end && at_unless(lx)) {
		if (close != 0)
			fail(ef, "unless goes after the whole pattern, outside "
			    "brackets: A unless B");
		return;
	}
	if (lx->p < lx->end && *lx->p != close)
		fail(ef, "unexpected \"%c\"%s", *lx->p, close == 0 ?
		    " (brackets do not pair up)" : "");
	else if (lx->p >= lx->end && close != 0)
		fail(ef, "\"%c\" is not closed: add \"%c\"", close == ')' ?
		    '(' : '[', close);
}

static void
tell(struct ef *ef, const char *file, size_t line, const char *what)
{
	char	*msg;

	msg = xasprintf("%s:%zu: %s: %s", file, line, what, ef->why);
	if (ef->err != NULL)
		ef->err(ef->arg, msg);
	free(msg);
	ef->nerr++;
}

static void
make_list(struct ef *ef, size_t i)
{
	const struct def_list	*l = &ef->set->lists[i];
	struct lex		 lx = { l->items, l->items + strlen(l->items) };
	struct alts		 a = { NULL, 0 };
	char			 why[sizeof(ef->why)];
	int			 failed = ef->failed, quiet = ef->quiet;

	memcpy(why, ef->why, sizeof(why));
	ef->failed = ef->quiet = 0;
	ef->state[i] = LIST_BUSY;
	ef->stack[ef->nstack++] = i;
	if (++ef->depth > LIMIT_EDITOR_NESTING)
		fail(ef, "lists use lists more than %d deep",
		    LIMIT_EDITOR_NESTING);
	else
		p_choice(ef, &lx, 0, &a);
	ef->depth--;
	ef->nstack--;
	if (!ef->failed)
		ef->list_re[i] = emit_alts(ef, &a);
	if (!ef->failed)
		ef->state[i] = LIST_DONE;
	else {
		ef->state[i] = LIST_BAD;
		if (!ef->quiet)
			tell(ef, l->file, l->line, "list");
	}
	alts_clear(&a);
	ef->failed = failed;
	ef->quiet = quiet;
	memcpy(ef->why, why, sizeof(why));
}

/*
 * "A unless B": A, in a message where B is nowhere.  Anchored at the start,
 * so PCRE2 tries the look-ahead once, not at every position.
 */
static char *
compile_unless(struct ef *ef, enum def_pattern_kind kind, struct lex *lx,
    struct alts *a)
{
	struct alts	 b = { NULL, 0 };
	char		*ra = NULL, *rb = NULL, *re = NULL;

	lx->p += 6;
	skip_space(lx);
	if (kind == DEF_ONLY)
		fail(ef, "an \"only\" line takes no unless");
	else if (lx->p >= lx->end)
		fail(ef, "unless: what must not be in the message, as in "
		    "@bank unless госуслуги");
	else
		p_choice(ef, lx, 0, &b);
	if (!ef->failed && lx->p < lx->end)
		fail(ef, "one unless per line");
	if (!ef->failed) {
		ra = emit_alts(ef, a);
		rb = emit_alts(ef, &b);
	}
	if (!ef->failed)
		re = xasprintf("^(?!.*%s).*?%s", rb, ra);
	free(ra);
	free(rb);
	alts_clear(a);
	alts_clear(&b);
	if (re != NULL && strlen(re) >= LIMIT_EDITOR_REGEX_BYTES) {
		fail(ef, "grows into more than %d bytes of PCRE2: split it "
		    "into several lines", LIMIT_EDITOR_REGEX_BYTES);
		free(re);
		re = NULL;
	}
	return re;
}

/* The whole value: a raw /…/ alone is taken as it is. */
static char *
compile_source(struct ef *ef, enum def_pattern_kind kind, const char *src)
{
	struct lex	 lx = { src, src + strlen(src) };
	struct alts	 a = { NULL, 0 }, first = { NULL, 0 };
	char		*re = NULL, *all, *one, why[300];
	const char	*q;

	ef->failed = ef->quiet = 0;
	ef->depth = 0;
	if (kind != DEF_ONLY && src[0] == '/' &&
	    (q = raw_end(src, lx.end)) != NULL && q + 1 == lx.end) {
		re = xstrndup(src + 1, (size_t)(q - src - 1));
		if (re[0] != '\0' && rules_try_compile(re, why,
		    sizeof(why)) == 0)
			return re;
		fail(ef, "%s", re[0] == '\0' ? "an empty regular expression" :
		    why);
		free(re);
		return NULL;
	}
	p_choice(ef, &lx, 0, &a);
	if (!ef->failed && lx.p < lx.end && at_unless(&lx))
		return compile_unless(ef, kind, &lx, &a);
	if (!ef->failed && kind == DEF_ONLY) {
		alts_add(&first, a.v[0].kind, xstrdup(a.v[0].s), a.v[0].raw);
		one = emit_alts(ef, &first);
		all = emit_alts(ef, &a);
		re = xasprintf(LINE_START "\\W*(?:%s)(?:\\W+(?:%s)){0,%d}\\W*"
		    LINE_END, one, all, ONLY_MORE);
		free(one);
		free(all);
		alts_clear(&first);
	} else if (!ef->failed)
		re = emit_alts(ef, &a);
	alts_clear(&a);
	if (re != NULL && strlen(re) >= LIMIT_EDITOR_REGEX_BYTES) {
		fail(ef, "grows into more than %d bytes of PCRE2: split it "
		    "into several lines", LIMIT_EDITOR_REGEX_BYTES);
		free(re);
		re = NULL;
	}
	return re;
}

static void
ef_init(struct ef *ef, const struct def_set *set, def_error_fn err,
    void *arg)
{
	memset(ef, 0, sizeof(*ef));
	ef->set = set;
	ef->st = stemmer_new();
	ef->list_re = xcalloc(set->nlists + 1, sizeof(*ef->list_re));
	ef->state = xcalloc(set->nlists + 1, 1);
	ef->stack = xcalloc(set->nlists + 1, sizeof(*ef->stack));
	ef->err = err;
	ef->arg = arg;
}

static void
ef_release(struct ef *ef)
{
	size_t	i;

	for (i = 0; i < ef->set->nlists; i++)
		free(ef->list_re[i]);
	free(ef->list_re);
	free(ef->state);
	free(ef->stack);
	stemmer_free(&ef->st);
}

size_t
editform_resolve(struct def_set *set, def_error_fn err, void *arg)
{
	struct ef		 ef;
	struct def_pattern	*p;
	size_t			 i, j;

	ef_init(&ef, set, err, arg);
	/* Every list, used or not, so that each error is told. */
	for (i = 0; i < set->nlists; i++)
		if (ef.state[i] == LIST_NEW)
			make_list(&ef, i);
	for (i = 0; i < set->n; i++)
		for (j = 0; j < set->intents[i].npatterns; j++) {
			p = &set->intents[i].patterns[j];
			free(p->pattern);
			p->pattern = compile_source(&ef, p->kind, p->source);
			if (p->pattern == NULL && !ef.quiet)
				tell(&ef, p->file, p->line,
				    def_kind_name(p->kind));
		}
	ef_release(&ef);
	return ef.nerr;
}

char *
editform_compile(const struct def_set *set, enum def_pattern_kind kind,
    const char *source, char *errbuf, size_t errsz)
{
	static const struct def_set	 none = { NULL, 0, NULL, 0 };
	struct ef			 ef;
	char				*re;
	size_t				 i;

	ef_init(&ef, set != NULL ? set : &none, NULL, NULL);
	for (i = 0; i < ef.set->nlists; i++)
		if (ef.state[i] == LIST_NEW)
			make_list(&ef, i);
	re = compile_source(&ef, kind, source);
	if (re == NULL)
		snprintf(errbuf, errsz, "%s", ef.why);
	ef_release(&ef);
	return re;
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
			q = raw_end(p, s + len);
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

static void __attribute__((format(printf, 5, 6)))
warn(def_error_fn fn, void *arg, const char *file, size_t line,
    const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[512], *full;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	full = xasprintf("%s:%zu: warning: %s", file, line, msg);
	if (fn != NULL)
		fn(arg, full);
	free(full);
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
			    (size_t)(s + len - q - 1)) : raw_end(q, s + len);
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
				warn(fn, arg, p->file, p->line, "(%.*s%s) has "
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
editform_lint(const struct def_set *set, def_error_fn fn, void *arg)
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
			warn(fn, arg, l->file, l->line, "list %s has the same "
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
