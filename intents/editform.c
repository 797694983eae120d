/*
 * Editors write what they mean ("забыть пароль", "near(забыл, @secret, 3)",
 * "@bank not-before id") and this file reads it: words, phrases, lists,
 * brackets, gaps, near(), not-after/not-before, ^ and $, unless, and raw
 * PCRE2 between slashes; intents/edemit.c writes the PCRE2 for each piece,
 * so that one matching engine, its limits and its prefilter serve both the
 * form and raw patterns.  Every mistake is told once, at its line, with
 * what to write instead.
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

#include "intents/edemit.h"
#include "intents/rules.h"
#include "kb/stem.h"
#include "lib/limits.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

#define GAP_MAX		50	/* words between, in "..N" and near() */
#define NEAR_DEFAULT	3
#define ONLY_MORE	8	/* items after the first in an "only" line */

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

static void	p_choice(struct ef *, struct lex *, char, struct edemit_alts *);

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

/* One word: see edemit_word(). */
static void
word_alt(struct ef *ef, const char *w, size_t len, struct edemit_alts *out)
{
	const char	*why;

	if (edemit_word(ef->st, w, len, out, &why) == -1)
		fail(ef, "%s", why);
}

/* "a phrase", up to its closing quote. */
static void
phrase_alt(struct ef *ef, struct lex *lx, struct edemit_alts *out)
{
	const char	*q, *why;

	lx->p++;
	if ((q = memchr(lx->p, '"', (size_t)(lx->end - lx->p))) == NULL) {
		fail(ef, "a phrase is not closed: end it with \"");
		return;
	}
	if (edemit_phrase(lx->p, (size_t)(q - lx->p), out, &why) == -1)
		fail(ef, "%s", why);
	lx->p = q + 1;
}

/* The alternation of a choice; too long is an error. */
static char *
emit_alts(struct ef *ef, const struct edemit_alts *a)
{
	char	*s;
	int	 over = 0;

	s = edemit_alts(a, &over);
	if (over)
		fail(ef, "grows into more than %d bytes of PCRE2: split it "
		    "into several lines or lists", LIMIT_EDITOR_REGEX_BYTES);
	return s;
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

/*
 * The end of a raw part that starts at p (a '/'), as in a JavaScript
 * regular expression literal: the next '/' that is neither escaped nor in
 * a character class.  NULL if none.
 */
const char *
editform_raw_end(const char *p, const char *end)
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
raw_alt(struct ef *ef, struct lex *lx, struct edemit_alts *out)
{
	const char	*q;
	char		*re, why[300];

	if ((q = editform_raw_end(lx->p, lx->end)) == NULL || q == lx->p + 1) {
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
	edemit_alts_add(out, EDEMIT_OTHER, re, 1);
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
list_alt(struct ef *ef, struct lex *lx, struct edemit_alts *out)
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
	edemit_alts_add(out, EDEMIT_OTHER, xasprintf("(?:%s)", ef->list_re[i]), 0);
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

/* One alternative of a choice: items one after another. */
static void	p_seq(struct ef *, struct lex *, struct edemit_alts *);

/* Whether the next word is "unless", which ends what comes before it. */
static int
at_unless(const struct lex *lx)
{
	return word_len(lx) == 6 && memcmp(lx->p, "unless", 6) == 0;
}

/* near(A, B[, N]): A and B in either order, at most N words between. */
static void
near_alt(struct ef *ef, struct lex *lx, struct edemit_alts *out)
{
	struct edemit_alts	 a = { NULL, 0 }, b = { NULL, 0 };
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
		edemit_alts_clear(&a);
		edemit_alts_clear(&b);
		return;
	}
	lx->p++;
	ra = emit_alts(ef, &a);
	rb = emit_alts(ef, &b);
	gap = edemit_gap(n);
	edemit_alts_add(out, EDEMIT_OTHER, xasprintf("(?:%s%s%s|%s%s%s)", ra, gap, rb,
	    rb, gap, ra), 0);
	free(ra);
	free(rb);
	free(gap);
	edemit_alts_clear(&a);
	edemit_alts_clear(&b);
}

/* A bracketed choice, ( … ) or [ … ] (optional). */
static void
group_alt(struct ef *ef, struct lex *lx, struct edemit_alts *out)
{
	struct edemit_alts	 a = { NULL, 0 };
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
		edemit_alts_clear(&a);
		return;
	}
	lx->p++;
	if (a.n == 1 && a.v[0].kind != EDEMIT_OTHER) {
		edemit_alts_add(out, a.v[0].kind, a.v[0].s, 0);
		a.v[0].s = NULL;
	} else
		edemit_alts_add(out, EDEMIT_OTHER, emit_alts(ef, &a), 0);
	edemit_alts_clear(&a);
}

/*
 * One item: a word, "phrase", /raw/, @list, ( … ), [ … ], near( … ), or _
 * for any one word.
 */
static void
p_atom(struct ef *ef, struct lex *lx, struct edemit_alts *out)
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
		edemit_alts_add(out, EDEMIT_OTHER, xstrdup("\\w+"), 0);
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
plain_words(struct ef *ef, struct lex *lx, struct edemit_buf *out)
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
		edemit_str(out, "(?<!");
		if (edemit_starts_word(f, flen))
			edemit_str(out, "\\b");
		for (i = 0; i < flen; i++) {
			if (f[i] == ' ')
				edemit_str(out, "\\s");
			else
				edemit_escaped(out, f + i, 1);
		}
		edemit_str(out, "\\s)");
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
p_post(struct ef *ef, struct lex *lx, struct edemit_alts *out)
{
	struct edemit_alts	 item = { NULL, 0 }, arg = { NULL, 0 };
	struct edemit_buf	 before = { NULL, 0, 0, 0 }, after = { NULL, 0, 0, 0 };
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
		edemit_str(&after, "(?!\\s+");
		edemit_str(&after, a);
		edemit_str(&after, ")");
		free(a);
		edemit_alts_clear(&arg);
	}
	if (before.over || after.over)
		fail(ef, "too many words after not-after or not-before");
	if (ef->failed || item.n == 0) {
		edemit_alts_clear(&item);
		edemit_alts_clear(&arg);
		free(before.s);
		free(after.s);
		return;
	}
	if (before.len == 0 && after.len == 0) {
		edemit_alts_add(out, item.v[0].kind, item.v[0].s, item.v[0].raw);
		item.v[0].s = NULL;
	} else {
		re = emit_alts(ef, &item);
		edemit_alts_add(out, EDEMIT_OTHER, xasprintf("%s(?:%s)%s", before.s ?
		    before.s : "", re, after.s ? after.s : ""), 0);
		free(re);
	}
	edemit_alts_clear(&item);
	free(before.s);
	free(after.s);
}

static void
p_seq(struct ef *ef, struct lex *lx, struct edemit_alts *out)
{
	struct edemit_item	 items[64];
	struct edemit_alts	 one = { NULL, 0 };
	const char		*was;
	char			*row = NULL;
	size_t			 n = 0, i, len, nopt;
	int			 gap = -1, opt, over = 0;

	for (;;) {
		was = lx->p;
		skip_space(lx);
		if (n > 0 && gap == -1 && lx->p == was)
			gap = EDEMIT_GLUED;
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
			items[n].re = xstrdup(*lx->p == '^' ? EDEMIT_LINE_START "\\W*" :
			    "\\W*" EDEMIT_LINE_END);
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
				edemit_alts_add(out, one.v[0].kind, one.v[0].s,
				    one.v[0].raw);
				one.v[0].s = NULL;
				edemit_alts_clear(&one);
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
		edemit_alts_clear(&one);
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
	if (!ef->failed && nopt > EDEMIT_OPTIONAL_MAX)
		fail(ef, "more than %d optional [ … ] items in a row: use a "
		    "gap (..N) or split the rule", EDEMIT_OPTIONAL_MAX);
	if (!ef->failed)
		row = edemit_row(items, n, &over);
	for (i = 0; i < n; i++)
		free(items[i].re);
	if (over)
		fail(ef, "grows into more than %d bytes of PCRE2: split it "
		    "into several lines or lists", LIMIT_EDITOR_REGEX_BYTES);
	if (ef->failed) {
		free(row);
		return;
	}
	edemit_alts_add(out, EDEMIT_OTHER, row, 0);
}

/* Alternatives separated by commas, up to close (or the end: 0). */
static void
p_choice(struct ef *ef, struct lex *lx, char close, struct edemit_alts *out)
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
	struct edemit_alts		 a = { NULL, 0 };
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
	edemit_alts_clear(&a);
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
    struct edemit_alts *a)
{
	struct edemit_alts	 b = { NULL, 0 };
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
	edemit_alts_clear(a);
	edemit_alts_clear(&b);
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
	struct edemit_alts	 a = { NULL, 0 }, first = { NULL, 0 };
	char		*re = NULL, *all, *one, why[300];
	const char	*q;

	ef->failed = ef->quiet = 0;
	ef->depth = 0;
	if (kind != DEF_ONLY && src[0] == '/' &&
	    (q = editform_raw_end(src, lx.end)) != NULL && q + 1 == lx.end) {
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
		edemit_alts_add(&first, a.v[0].kind, xstrdup(a.v[0].s), a.v[0].raw);
		one = emit_alts(ef, &first);
		all = emit_alts(ef, &a);
		re = xasprintf(EDEMIT_LINE_START "\\W*(?:%s)(?:\\W+(?:%s)){0,%d}\\W*"
		    EDEMIT_LINE_END, one, all, ONLY_MORE);
		free(one);
		free(all);
		edemit_alts_clear(&first);
	} else if (!ef->failed)
		re = emit_alts(ef, &a);
	edemit_alts_clear(&a);
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

