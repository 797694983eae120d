/*
 * Request numbers in subjects.  A bare number counts only at the start
 * (after the prefixes), where a reply keeps it; anywhere else only a
 * tagged one does ("[№ ...]", "№", "#"), so that "Статус заявления
 * 2026-004771" about a portal application does not join our request of
 * that number.  Prefixes are matched as folded words (lib/text.h), so
 * "RE", "Re" and "ОТВ" need no separate rows.
 */
#include "mailbox/thread.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/reqnum.h"
#include "lib/text.h"
#include "lib/xmalloc.h"
#include "mailbox/mbuf.h"

/* A prefix word is short; longer words are the subject itself. */
#define PREFIX_MAX_BYTES	24

/* Reply and forward prefixes, folded (Outlook, Gmail, Yandex, Mail.ru,
 * The Bat!, German and Nordic Outlooks). */
static const char *const prefixes[] = {
	"re", "fw", "fwd", "aw", "wg", "vs", "sv", "antw", "tr",
	"ответ", "отв", "пересл", "переслано", "фв",
};

static const char *
skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* The bytes of a dash at s (ASCII or typographic), or 0. */
static size_t
dash_at(const char *s)
{
	int32_t	cp;
	size_t	n;

	if (*s == '-')
		return 1;
	if ((unsigned char)*s < 0x80)
		return 0;
	n = text_decode(s, strnlen(s, 4), &cp);
	if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212)
		return n;
	return 0;
}

/* "№" (U+2116) at s: its three bytes, or 0. */
static size_t
numero_at(const char *s)
{
	return strncmp(s, "\xe2\x84\x96", 3) == 0 ? 3 : 0;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Reads YYYY-NNNNNN at s (a blank either side of the dash allowed) into
 * number_r.  Returns the bytes read, or 0.
 */
static size_t
read_number(const char *s, char number_r[REQNUM_SIZE])
{
	const char	*p = s;
	size_t		 n, d;

	for (n = 0; n < 4; n++)
		if (!is_digit(p[n]))
			return 0;
	if (is_digit(p[4]))
		return 0;
	p += 4;
	if (*p == ' ')
		p++;
	if ((d = dash_at(p)) == 0)
		return 0;
	p += d;
	if (*p == ' ')
		p++;
	for (n = 0; is_digit(p[n]); n++)
		;
	if (!reqnum_seq_digits_ok(n))
		return 0;
	memcpy(number_r, s, 4);
	number_r[4] = '-';
	memcpy(number_r + 5, p, n);
	number_r[5 + n] = '\0';
	return (size_t)(p + n - s);
}

/* One prefix at s ("Re:", "Ответ:", "Re[2]:", "AW :"): its length or 0. */
static size_t
prefix_at(const char *s)
{
	char		 folded[PREFIX_MAX_BYTES * 2];
	const char	*p = s;
	int32_t		 cp;
	size_t		 n, i, len;

	for (;;) {
		len = strnlen(p, 4);
		if (len == 0)
			break;
		n = text_decode(p, len, &cp);
		if (!text_is_word_char(cp) || is_digit(*p))
			break;
		p += n;
		if ((size_t)(p - s) > PREFIX_MAX_BYTES)
			return 0;
	}
	if (p == s || text_fold_word(s, (size_t)(p - s), folded,
	    sizeof(folded)) == 0)
		return 0;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strcmp(folded, prefixes[i]) == 0)
			break;
	if (i == sizeof(prefixes) / sizeof(prefixes[0]))
		return 0;
	if (*p == '[' || *p == '(') {		/* Re[2]:, Re(2): */
		for (n = 1; is_digit(p[n]) && n < 6; n++)
			;
		if (n == 1 || p[n] != (*p == '[' ? ']' : ')'))
			return 0;
		p += n + 1;
	} else if (*p == '^') {			/* Re^2: */
		for (n = 1; is_digit(p[n]) && n < 6; n++)
			;
		if (n == 1)
			return 0;
		p += n;
	}
	p = skip_blanks(p);
	if (*p == ':')
		return (size_t)(p + 1 - s);
	if (strncmp(p, "\xef\xbc\x9a", 3) == 0)	/* fullwidth colon */
		return (size_t)(p + 3 - s);
	return 0;
}

static const char *
skip_prefixes(const char *s)
{
	size_t	n;

	for (;;) {
		s = skip_blanks(s);
		if ((n = prefix_at(s)) == 0)
			return s;
		s += n;
	}
}

/*
 * A tag at s: "[" ["№" | "#"] number "]", or "№"/"#" number.  Returns its
 * length and the number, or 0.
 */
static size_t
tag_at(const char *s, char number_r[REQNUM_SIZE])
{
	const char	*p = s;
	size_t		 n, mark;
	int		 bracket = 0;

	if (*p == '[') {
		bracket = 1;
		p = skip_blanks(p + 1);
	}
	if ((mark = numero_at(p)) == 0 && *p == '#')
		mark = 1;
	if (!bracket && mark == 0)
		return 0;
	p = skip_blanks(p + mark);
	if ((n = read_number(p, number_r)) == 0)
		return 0;
	p += n;
	if (bracket) {
		p = skip_blanks(p);
		if (*p != ']')
			return 0;
		p++;
	} else if (is_digit(*p))
		return 0;
	return (size_t)(p - s);
}

/* The first tag in s: sets *start_r and returns its length, or 0. */
static size_t
find_tag(const char *s, const char **start_r,
    char number_r[REQNUM_SIZE])
{
	const char	*p;
	size_t		 n;

	for (p = s; *p != '\0'; p++) {
		if (*p != '[' && *p != '#' && numero_at(p) == 0)
			continue;
		if ((n = tag_at(p, number_r)) > 0) {
			*start_r = p;
			return n;
		}
	}
	return 0;
}

int
thread_subject_number(const char *subject, char number_r[REQNUM_SIZE])
{
	const char	*s, *start;
	size_t		 n;

	if (subject == NULL)
		return 0;
	s = skip_prefixes(subject);
	if ((n = read_number(s, number_r)) > 0 && !is_digit(s[n]))
		return 1;
	if (find_tag(s, &start, number_r) > 0)
		return 1;
	number_r[0] = '\0';
	return 0;
}

char *
thread_clean_subject(const char *subject)
{
	struct mbuf	 b;
	char		 number[REQNUM_SIZE];
	char		*joined, *out;
	const char	*s, *start, *p;
	size_t		 n, len;
	int		 space = 0;

	if (subject == NULL)
		return xstrdup("");
	s = skip_prefixes(subject);
	len = strlen(s);
	mbuf_init(&b, len + 1);
	if ((n = find_tag(s, &start, number)) > 0) {
		mbuf_add(&b, s, (size_t)(start - s));
		mbuf_addc(&b, ' ');
		mbuf_adds(&b, start + n);
	} else
		mbuf_adds(&b, s);
	joined = mbuf_finish(&b, NULL);
	/* The tag may have stood before more prefixes. */
	mbuf_init(&b, len + 1);
	for (p = skip_prefixes(joined); *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t') {
			space = 1;
			continue;
		}
		if (space && b.len > 0)
			mbuf_addc(&b, ' ');
		space = 0;
		mbuf_addc(&b, *p);
	}
	out = mbuf_finish(&b, NULL);
	free(joined);
	return out;
}
