/*
 * Quote and signature stripping.  The letter is cut at the first line that
 * starts something the citizen did not write now; the markers are tables
 * of what the mailers Russians use put there (Outlook, Gmail, Yandex,
 * Mail.ru, Thunderbird, Apple Mail, The Bat!).  Lines are compared after
 * lib/text.h's folding, so case, ё and typographic dashes do not matter.
 */
#include "mailbox/strip.h"

#include <stdlib.h>
#include <string.h>

#include "lib/text.h"
#include "lib/xmalloc.h"
#include "mailbox/mbuf.h"

/* Longer lines are text, never a marker: saves folding them. */
#define MARKER_MAX_BYTES	400
/* Lines after an Outlook "From:" within which its "Sent:" must come. */
#define OUTLOOK_SPAN		4

struct line {
	const char	*p;
	size_t		 n;
	char		*fold;	/* folded, or NULL when too long */
};

/* Separator lines, compared without their dashes; dashes required or not. */
static const struct {
	const char	*phrase;
	int		 dashes;
} separators[] = {
	{ "original message",			1 },
	{ "исходное сообщение",			1 },
	{ "оригинальное сообщение",		1 },
	{ "forwarded message",			1 },
	{ "пересылаемое сообщение",		1 },
	{ "переадресованное сообщение",		1 },
	{ "начало переадресованного сообщения",	0 },
	{ "begin forwarded message",		0 },
};

/* Attribution endings ("Иван пишет:", "On ..., X wrote:"). */
static const char *const attribution_verbs[] = {
	"wrote:", "writes:", "пишет:", "написал:", "написала:",
	"написал(а):", "написал(-а):",
};

/* First and second lines of an Outlook header block. */
static const char *const outlook_from[] = { "от:", "from:" };
static const char *const outlook_sent[] = {
	"отправлено:", "sent:", "дата:", "date:"
};

/* Mobile footers dropped when they end the text. */
static const char *const mobile_footers[] = {
	"отправлено с iphone", "отправлено с ipad", "sent from my iphone",
	"sent from my ipad", "отправлено из мобильной почты mail.ru",
	"отправлено из мобильной яндекс.почты", "sent from my android",
	"отправлено с моего android",
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static int
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t	n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int
has_digit(const char *s)
{
	return strpbrk(s, "0123456789") != NULL;
}

static int
is_blank(const struct line *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (l->p[i] != ' ' && l->p[i] != '\t')
			return 0;
	return 1;
}

/* "-- " or "--" alone: RFC 3676 4.3's signature separator. */
static int
is_signature(const struct line *l)
{
	return (l->n == 2 || l->n == 3) && l->p[0] == '-' &&
	    l->p[1] == '-' && (l->n == 2 || l->p[2] == ' ');
}

static int
is_quote(const struct line *l)
{
	size_t	i;

	for (i = 0; i < l->n && i < 3 && l->p[i] == ' '; i++)
		;
	return i < l->n && l->p[i] == '>';
}

/* A line of only dashes, underscores or equals signs (a rule). */
static int
is_rule(const struct line *l)
{
	size_t	i, marks = 0;

	for (i = 0; i < l->n; i++) {
		if (l->p[i] == '-' || l->p[i] == '_' || l->p[i] == '=' ||
		    l->p[i] == '*')
			marks++;
		else if (l->p[i] != ' ' && l->p[i] != '\t')
			return 0;
	}
	return marks >= 3;
}

/* Skips leading blanks and bold marks ("*От:*" from HTML). */
static const char *
unbold(const char *s)
{
	while (*s == ' ' || *s == '*')
		s++;
	return s;
}

static int
is_separator(const struct line *l)
{
	const char	*s, *e;
	size_t		 i, n;
	int		 dashes;

	if (l->fold == NULL)
		return 0;
	s = l->fold;
	dashes = s[0] == '-' && s[1] == '-';
	while (*s == '-' || *s == '_' || *s == ' ' || *s == '*' || *s == '=')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == '-' || e[-1] == '_' || e[-1] == ' ' ||
	    e[-1] == '*' || e[-1] == '=' || e[-1] == ':'))
		e--;
	n = (size_t)(e - s);
	for (i = 0; i < NITEMS(separators); i++)
		if ((dashes || !separators[i].dashes) &&
		    strlen(separators[i].phrase) == n &&
		    memcmp(s, separators[i].phrase, n) == 0)
			return 1;
	return 0;
}

static int
starts_with_any(const char *s, const char *const *list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (starts_with(s, list[i]))
			return 1;
	return 0;
}

/* "От: ..." with "Отправлено: ..." in the next few lines, or both on one
 * line as HTML conversions leave them. */
static int
is_outlook_block(const struct line *v, size_t n, size_t i)
{
	const char	*s;
	size_t		 j;

	if (v[i].fold == NULL)
		return 0;
	s = unbold(v[i].fold);
	if (!starts_with_any(s, outlook_from, NITEMS(outlook_from)))
		return 0;
	if (strstr(s, " sent:") != NULL || strstr(s, " отправлено:") != NULL)
		return 1;
	for (j = i + 1; j < n && j <= i + OUTLOOK_SPAN; j++)
		if (v[j].fold != NULL && starts_with_any(unbold(v[j].fold),
		    outlook_sent, NITEMS(outlook_sent)))
			return 1;
	return 0;
}

/*
 * Whether text (a folded line, or two joined) is an attribution: it ends
 * in a verb ("пишет:", "wrote:") and a quote follows or it has a date or
 * an address; or a quote follows and it ends in ':' with an address and a
 * digit (Gmail's "пн, 2 мар. 2026 г. в 11:02, Имя <a@b>:").
 */
static int
attribution_text(const char *s, int quote_follows)
{
	size_t	i;

	for (i = 0; i < NITEMS(attribution_verbs); i++)
		if (ends_with(s, attribution_verbs[i]) &&
		    strlen(s) > strlen(attribution_verbs[i]))
			return quote_follows || has_digit(s) ||
			    strchr(s, '@') != NULL;
	return quote_follows && ends_with(s, ":") && strchr(s, '@') != NULL &&
	    has_digit(s);
}

/*
 * Whether a line can be the first half of a wrapped attribution: "On ..."
 * or one holding a date or the start of an address, not a line of text.
 */
static int
starts_attribution(const char *s)
{
	return starts_with(s, "on ") || has_digit(s) || strchr(s, '<') != NULL;
}

/*
 * The first line of an attribution ending at line i (one line, or two
 * when the mailer wrapped it), or (size_t)-1.
 */
static size_t
attribution_at(const struct line *v, size_t i, int quote_follows)
{
	char	*joined;
	int	 yes;

	if (v[i].fold == NULL)
		return (size_t)-1;
	if (i > 0 && v[i - 1].fold != NULL &&
	    starts_attribution(v[i - 1].fold)) {
		joined = xasprintf("%s %s", v[i - 1].fold, v[i].fold);
		yes = attribution_text(joined, quote_follows);
		free(joined);
		if (yes)
			return i - 1;
	}
	return attribution_text(v[i].fold, quote_follows) ? i : (size_t)-1;
}

static int
is_mobile_footer(const struct line *l)
{
	size_t	i;

	if (l->fold == NULL)
		return 0;
	for (i = 0; i < NITEMS(mobile_footers); i++)
		if (strcmp(l->fold, mobile_footers[i]) == 0)
			return 1;
	return 0;
}

/* Splits body into lines (without "\r\n"), folding the short ones. */
static struct line *
split_lines(const char *body, size_t len, size_t *n_r)
{
	struct line	*v = NULL;
	const char	*p = body, *end = body + len, *nl;
	size_t		 n = 0, cap = 0, k, flen;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		k = (size_t)((nl != NULL ? nl : end) - p);
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n].p = p;
		v[n].n = k > 0 && p[k - 1] == '\r' ? k - 1 : k;
		v[n].fold = v[n].n <= MARKER_MAX_BYTES ?
		    text_fold(p, v[n].n, MARKER_MAX_BYTES * 2, &flen) : NULL;
		n++;
		p = nl != NULL ? nl + 1 : end;
	}
	*n_r = n;
	return v;
}

/*
 * The index of the first line not written now, or n.  A quote block also
 * takes the attribution line above it (blank lines between allowed).
 */
static size_t
find_cut(const struct line *v, size_t n)
{
	size_t	i, j, a;

	for (i = 0; i < n; i++) {
		if (is_signature(&v[i]) || is_separator(&v[i]) ||
		    is_outlook_block(v, n, i))
			return i;
		if (!is_quote(&v[i]) &&
		    (a = attribution_at(v, i, 0)) != (size_t)-1)
			return a;
		if (is_quote(&v[i])) {
			for (j = i; j > 0 && is_blank(&v[j - 1]); j--)
				;
			if (j > 0 && (a = attribution_at(v, j - 1, 1)) !=
			    (size_t)-1)
				return a;
			return i;
		}
	}
	return n;
}

/* Writes lines v[0..n) (those keep allows) to a new string, without
 * blank lines before the text or blank, rule and footer lines after it. */
static char *
join(const struct line *v, size_t n, const unsigned char *keep)
{
	struct mbuf	 b;
	size_t		 i, last = 0, first = 1, total = 0;
	int		 any = 0;

	for (i = 0; i < n; i++)
		total += v[i].n + 1;

	/* The last line worth keeping: not blank, not a rule or footer. */
	for (i = n; i > 0; i--)
		if ((keep == NULL || keep[i - 1]) && !is_blank(&v[i - 1]) &&
		    !is_rule(&v[i - 1]) && !is_mobile_footer(&v[i - 1])) {
			last = i;
			any = 1;
			break;
		}
	mbuf_init(&b, total + 1);
	for (i = 0; any && i < last; i++) {
		if ((keep != NULL && !keep[i]) || (first && is_blank(&v[i])))
			continue;
		if (!first)
			mbuf_addc(&b, '\n');
		mbuf_add(&b, v[i].p, v[i].n);
		first = 0;
	}
	return mbuf_finish(&b, NULL);
}

/*
 * A reply written below or between quotes: every line that is not a
 * quote or an attribution, up to a signature or a forwarded letter.
 */
static char *
unquoted_lines(const struct line *v, size_t n)
{
	unsigned char	*keep;
	char		*s;
	size_t		 i, j, end = n, a;

	keep = xcalloc(n + 1, 1);
	for (i = 0; i < n; i++)
		if (is_signature(&v[i]) || is_separator(&v[i]) ||
		    is_outlook_block(v, n, i)) {
			end = i;
			break;
		}
	for (i = 0; i < end; i++)
		keep[i] = !is_quote(&v[i]);
	for (i = 0; i < end; i++) {
		if (!is_quote(&v[i]))
			continue;
		for (j = i; j > 0 && is_blank(&v[j - 1]); j--)
			;
		if (j > 0 && (a = attribution_at(v, j - 1, 1)) != (size_t)-1)
			for (; a < j; a++)
				keep[a] = 0;
	}
	s = join(v, end, keep);
	free(keep);
	return s;
}

char *
strip_new_text(const char *body, size_t len)
{
	struct line	*v;
	char		*s;
	size_t		 n, i, cut;

	v = split_lines(body, len, &n);
	cut = find_cut(v, n);
	s = join(v, cut, NULL);
	if (s[0] == '\0' && cut < n && (is_quote(&v[cut]) ||
	    attribution_at(v, cut, 1) != (size_t)-1)) {
		free(s);
		s = unquoted_lines(v, n);
	}
	for (i = 0; i < n; i++)
		free(v[i].fold);
	free(v);
	return s;
}

char *
strip_signature(const char *body, size_t len)
{
	struct line	*v;
	char		*s;
	size_t		 n, i, cut, end;

	v = split_lines(body, len, &n);
	cut = find_cut(v, n);
	if (cut < n && is_signature(&v[cut])) {
		end = cut + 1 + find_cut(v + cut + 1, n - cut - 1);
		s = join(v + cut + 1, end - cut - 1, NULL);
	} else
		s = xstrdup("");
	for (i = 0; i < n; i++)
		free(v[i].fold);
	free(v);
	return s;
}
