/*
 * Charset conversion for the mailbox layer.  iconv does the converting;
 * this file adds what iconv does not: the charset names Russian mailers
 * actually write, U+FFFD instead of failure on bad input, a plausibility
 * guess for unlabelled Cyrillic text, and the header decoding of RFC 2047
 * (encoded words are parsed by libetpan, their charsets converted here).
 */
#include "mailbox/charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "lib/text.h"
#include "lib/xmalloc.h"
#include "mailbox/mail.h"
#include "mailbox/mbuf.h"

#define CP_REPLACEMENT	0xFFFD
#define CHARSET_NAME_MAX 40

/* Spellings iconv does not know, seen in real Russian mail. */
static const struct {
	const char	*alias;
	const char	*name;		/* NULL: treat as unlabelled */
} charset_aliases[] = {
	{ "us-ascii",		NULL },
	{ "ascii",		NULL },
	{ "unknown-8bit",	NULL },
	{ "x-unknown",		NULL },
	{ "default",		NULL },
	{ "utf8",		"UTF-8" },
	{ "x-utf-8",		"UTF-8" },
	{ "unicode-1-1-utf-8",	"UTF-8" },
	{ "win-1251",		"WINDOWS-1251" },
	{ "win1251",		"WINDOWS-1251" },
	{ "windows1251",	"WINDOWS-1251" },
	{ "x-cp1251",		"WINDOWS-1251" },
	{ "cp-1251",		"WINDOWS-1251" },
	{ "koi8",		"KOI8-R" },
	{ "koi8r",		"KOI8-R" },
	{ "x-koi8-r",		"KOI8-R" },
	{ "x-cp866",		"IBM866" },
	{ "dos-866",		"IBM866" },
	{ "cp-866",		"IBM866" },
	{ "866",		"IBM866" },
	{ "iso8859-5",		"ISO-8859-5" },
	{ "x-mac-cyrillic",	"MACCYRILLIC" },
};

/* The candidates of the guess, most common first (it wins ties). */
static const char *const guess_candidates[] = {
	"WINDOWS-1251", "KOI8-R", "IBM866"
};
#define NCANDIDATES	(sizeof(guess_candidates) / sizeof(guess_candidates[0]))

/*
 * How often each Russian letter а..я occurs, in tenths of a percent
 * (Russian National Corpus): frequent letters under the right decoding
 * become rare ones under a wrong one.
 */
static const unsigned char letter_freq[32] = {
	80, 16, 45, 17, 30, 85,  9, 16, 74, 12, 35, 44, 32, 67, 110, 28,
	47, 55, 63, 26,  3, 10,  5, 14,  7,  4,  1, 19, 17,  3,  6, 20
};

/*
 * Normalises a charset label into name[] (lower case, no quotes or
 * spaces, no RFC 2231 "*language" suffix).  Returns 0, or -1 when the label
 * is empty, too long or holds characters no charset name has.
 */
static int
normalise_name(const char *label, char name[CHARSET_NAME_MAX + 1])
{
	size_t		n = 0;
	unsigned char	c;

	while (*label == ' ' || *label == '\t' || *label == '"')
		label++;
	for (; *label != '\0' && *label != '*' && *label != '"' &&
	    *label != ' ' && *label != '\t' && *label != ';'; label++) {
		c = (unsigned char)*label;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == ':'))
			return -1;
		if (n == CHARSET_NAME_MAX)
			return -1;
		name[n++] = (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
	}
	name[n] = '\0';
	return n == 0 ? -1 : 0;
}

/* The iconv name for a label, or NULL when the text counts as unlabelled. */
static const char *
resolve(const char *label, char name[CHARSET_NAME_MAX + 1])
{
	size_t	i;

	if (label == NULL || normalise_name(label, name) == -1)
		return NULL;
	for (i = 0; i < sizeof(charset_aliases) / sizeof(charset_aliases[0]);
	    i++)
		if (strcmp(name, charset_aliases[i].alias) == 0)
			return charset_aliases[i].name;
	if (strcmp(name, "utf-8") == 0)
		return "UTF-8";
	return name;
}

/* Appends UTF-8 text, each invalid sequence and NUL as U+FFFD. */
static void
append_valid_utf8(struct mbuf *out, const char *in, size_t len)
{
	size_t	i = 0, start = 0, n;
	int32_t	cp;

	while (i < len && !out->full) {
		if ((unsigned char)in[i] < 0x80 && in[i] != '\0') {
			i++;
			continue;
		}
		mbuf_add(out, in + start, i - start);
		if (in[i] == '\0') {
			mbuf_add_cp(out, CP_REPLACEMENT);
			i++;
		} else {
			n = text_decode(in + i, len - i, &cp);
			if (cp == CP_REPLACEMENT && n == 1)
				mbuf_add_cp(out, CP_REPLACEMENT);
			else
				mbuf_add(out, in + i, n);
			i += n;
		}
		start = i;
	}
	mbuf_add(out, in + start, i - start);
}

/*
 * Converts with cd, replacing what cannot be converted.  Returns 0, or -1
 * when iconv failed for another reason before converting anything.
 */
static int
append_iconv(struct mbuf *out, iconv_t cd, const char *in, size_t len)
{
	char	 tmp[4096], *ip, *op;
	size_t	 il, ol, r;
	int	 e;

	ip = (char *)in;
	il = len;
	while (il > 0 && !out->full) {
		op = tmp;
		ol = sizeof(tmp);
		errno = 0;
		r = iconv(cd, &ip, &il, &op, &ol);
		e = errno;
		append_valid_utf8(out, tmp, (size_t)(op - tmp));
		if (r != (size_t)-1)
			break;
		if (e == E2BIG)
			continue;
		if (e == EILSEQ) {
			mbuf_add_cp(out, CP_REPLACEMENT);
			ip++;
			il--;
			continue;
		}
		if (e == EINVAL)	/* incomplete sequence at the end */
			mbuf_add_cp(out, CP_REPLACEMENT);
		else if ((size_t)(ip - in) == 0)
			return -1;
		break;
	}
	op = tmp;
	ol = sizeof(tmp);
	if (iconv(cd, NULL, NULL, &op, &ol) != (size_t)-1)
		append_valid_utf8(out, tmp, (size_t)(op - tmp));
	return 0;
}

/* Whether s[0..len) is the start of a UTF-8 sequence the end cut off. */
static int
cut_at_end(const char *s, size_t len)
{
	unsigned char	c = (unsigned char)s[0];
	size_t		need, i;

	if (c < 0xC2 || c > 0xF4)
		return 0;
	need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	if (len >= need)
		return 0;
	for (i = 1; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			return 0;
	return 1;
}

/* Counts valid multi-byte sequences and invalid bytes; an incomplete
 * sequence at the very end (a cut) is not held against the text. */
static void
utf8_census(const char *in, size_t len, size_t *valid_r, size_t *bad_r)
{
	size_t		i = 0, n, valid = 0, bad = 0;
	int32_t		cp;
	unsigned char	c;

	while (i < len) {
		c = (unsigned char)in[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		n = text_decode(in + i, len - i, &cp);
		if (cp == CP_REPLACEMENT && n == 1) {
			if (!cut_at_end(in + i, len - i))
				bad++;
		} else
			valid++;
		i += n;
	}
	*valid_r = valid;
	*bad_r = bad;
}

enum letter_class { LC_OTHER, LC_PUNCT, LC_LOWER, LC_UPPER };

/* Classifies the code point a high byte decodes to. */
static enum letter_class
classify(int32_t cp, int *freq_r)
{
	*freq_r = 0;
	if (cp >= 0x430 && cp <= 0x44F) {
		*freq_r = letter_freq[cp - 0x430];
		return LC_LOWER;
	}
	if (cp >= 0x410 && cp <= 0x42F) {
		*freq_r = letter_freq[cp - 0x410];
		return LC_UPPER;
	}
	if (cp == 0x451)
		return LC_LOWER;
	if (cp == 0x401)
		return LC_UPPER;
	switch (cp) {
	case 0xA0: case 0xAB: case 0xBB: case 0xB0: case 0xA7:
	case 0x2116: case 0x2013: case 0x2014: case 0x2026:
	case 0x2018: case 0x2019: case 0x201C: case 0x201D: case 0x201E:
	case 0x2022:
		return LC_PUNCT;
	default:
		return LC_OTHER;
	}
}

/* What each high byte decodes to in charset, from iconv's own tables. */
static int
build_table(const char *charset, int32_t table[128])
{
	iconv_t		 cd;
	char		 in[1], outb[8], *ip, *op;
	size_t		 il, ol, i, n;
	int32_t		 cp;

	if ((cd = iconv_open("UTF-8", charset)) == (iconv_t)-1)
		return -1;
	for (i = 0; i < 128; i++) {
		in[0] = (char)(0x80 + i);
		ip = in;
		il = 1;
		op = outb;
		ol = sizeof(outb);
		table[i] = -1;
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
			iconv(cd, NULL, NULL, NULL, NULL);
			continue;
		}
		n = text_decode(outb, (size_t)(op - outb), &cp);
		if (n > 0)
			table[i] = cp;
	}
	iconv_close(cd);
	return 0;
}

/* How much in[0..len) read through table looks like Russian. */
static long
plausibility(const unsigned char *in, size_t len, const int32_t table[128])
{
	enum letter_class	 cls, prev = LC_OTHER;
	long			 score = 0;
	size_t			 i;
	int			 freq;

	for (i = 0; i < len; i++) {
		if (in[i] < 0x80) {
			prev = LC_OTHER;
			continue;
		}
		cls = classify(table[in[i] - 0x80], &freq);
		switch (cls) {
		case LC_LOWER:
			score += freq + 10;
			break;
		case LC_UPPER:
			score += freq;
			if (prev == LC_LOWER)	/* "слОво": a wrong decoding */
				score -= 40;
			break;
		case LC_PUNCT:
			break;
		case LC_OTHER:
			score -= 60;
			break;
		}
		prev = cls;
	}
	return score;
}

const char *
charset_guess(const char *in, size_t len)
{
	int32_t		 table[128];
	size_t		 i, valid, bad, sample;
	long		 best = 0, s;
	const char	*winner = NULL;

	for (i = 0; i < len; i++)
		if ((unsigned char)in[i] >= 0x80)
			break;
	if (i == len)
		return "US-ASCII";
	utf8_census(in, len, &valid, &bad);
	if (bad == 0 || (valid > 0 && valid >= 4 * bad))
		return "UTF-8";
	sample = len < MAIL_GUESS_SAMPLE_BYTES ? len : MAIL_GUESS_SAMPLE_BYTES;
	for (i = 0; i < NCANDIDATES; i++) {
		if (build_table(guess_candidates[i], table) == -1)
			continue;
		s = plausibility((const unsigned char *)in, sample, table);
		if (winner == NULL || s > best) {
			best = s;
			winner = guess_candidates[i];
		}
	}
	return winner != NULL ? winner : "UTF-8";
}

void
charset_append_utf8(struct mbuf *out, const char *charset, const char *in,
    size_t len)
{
	char		 name[CHARSET_NAME_MAX + 1];
	const char	*iname;
	iconv_t		 cd;
	size_t		 valid, bad;

	iname = resolve(charset, name);
	if (iname != NULL && strcmp(iname, "UTF-8") == 0) {
		/* Labelled UTF-8 that is plainly something else is guessed. */
		utf8_census(in, len, &valid, &bad);
		if (bad > 0 && valid == 0)
			iname = NULL;
	}
	if (iname == NULL)
		iname = charset_guess(in, len);
	if (strcmp(iname, "UTF-8") == 0 || strcmp(iname, "US-ASCII") == 0) {
		append_valid_utf8(out, in, len);
		return;
	}
	if ((cd = iconv_open("UTF-8", iname)) == (iconv_t)-1) {
		/* A charset iconv does not know: read it as unlabelled. */
		iname = charset_guess(in, len);
		if (strcmp(iname, "UTF-8") == 0 ||
		    strcmp(iname, "US-ASCII") == 0 ||
		    (cd = iconv_open("UTF-8", iname)) == (iconv_t)-1) {
			append_valid_utf8(out, in, len);
			return;
		}
	}
	if (append_iconv(out, cd, in, len) == -1)
		append_valid_utf8(out, in, len);
	iconv_close(cd);
}

char *
charset_to_utf8(const char *charset, const char *in, size_t len,
    size_t maxout)
{
	struct mbuf	b;

	mbuf_init(&b, maxout);
	charset_append_utf8(&b, charset, in, len);
	return mbuf_finish(&b, NULL);
}

static int
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Appends one encoded word if s[*pos] starts one, advancing *pos.  Returns
 * 1 when it did, 0 when the text there is not an encoded word.
 */
static int
encoded_word(struct mbuf *out, const char *s, size_t len, size_t *pos)
{
	struct mailmime_encoded_word	*w = NULL;
	size_t				 idx = *pos;
	int				 has_fwd = 0, missing_quote = 0;

	if (mailmime_encoded_word_parse(s, len, &idx, &w, &has_fwd,
	    &missing_quote) != MAILIMF_NO_ERROR || w == NULL)
		return 0;
	if (idx <= *pos) {
		mailmime_encoded_word_free(w);
		return 0;
	}
	if (w->wd_text != NULL)
		charset_append_utf8(out, w->wd_charset, w->wd_text,
		    strlen(w->wd_text));
	mailmime_encoded_word_free(w);
	*pos = idx;
	return 1;
}

/* Collapses white space and control characters to single spaces. */
static char *
collapse(const char *s, size_t len, size_t maxout)
{
	struct mbuf	b;
	size_t		i;
	int		space = 0;
	unsigned char	c;

	mbuf_init(&b, maxout);
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7F) {
			space = 1;
			continue;
		}
		if (c == ' ') {
			space = 1;
			continue;
		}
		if (space && b.len > 0)
			mbuf_addc(&b, ' ');
		space = 0;
		mbuf_addc(&b, (char)c);
	}
	return mbuf_finish(&b, NULL);
}

char *
charset_decode_header(const char *value, size_t len, size_t maxout)
{
	struct mbuf	 b;
	char		*utf8 = NULL, *raw, *out;
	const char	*s = value;
	size_t		 pos = 0, start, lastq = 0, i, rawlen;
	int		 after_word = 0;

	if (len > MAIL_MAX_FIELD_BYTES)
		len = MAIL_MAX_FIELD_BYTES;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80 || s[i] == '\0')
			break;
	if (i < len && !text_is_valid_utf8(s, len)) {
		utf8 = charset_to_utf8(NULL, s, len, len * 3 + 4);
		s = utf8;
		len = strlen(utf8);
	}
	/* No encoded word can start after the last "?=": saves rescans. */
	for (i = 0; i + 1 < len; i++)
		if (s[i] == '?' && s[i + 1] == '=')
			lastq = i + 1;

	mbuf_init(&b, len * 4 + 16);
	while (pos < len) {
		start = pos;
		while (pos < len && is_blank((unsigned char)s[pos]))
			pos++;
		if (pos == len)
			break;
		if (pos + 1 < len && pos < lastq && s[pos] == '=' &&
		    s[pos + 1] == '?') {
			/* RFC 2047 6.2: space between encoded words goes. */
			size_t	mark = b.len;

			if (!after_word && pos > start)
				mbuf_addc(&b, ' ');
			if (encoded_word(&b, s, len, &pos)) {
				after_word = 1;
				continue;
			}
			b.len = mark;
		}
		if (pos > start)
			mbuf_addc(&b, ' ');
		after_word = 0;
		/* A plain word: up to the next blank or "=?". */
		start = pos;
		pos++;
		while (pos < len && !is_blank((unsigned char)s[pos]) &&
		    !(s[pos] == '=' && pos + 1 < len && s[pos + 1] == '?'))
			pos++;
		append_valid_utf8(&b, s + start, pos - start);
	}
	raw = mbuf_finish(&b, &rawlen);
	out = collapse(raw, rawlen, maxout);
	free(raw);
	free(utf8);
	return out;
}
