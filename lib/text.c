/*
 * Folding and word splitting.  utf8proc supplies the Unicode tables (case
 * mapping, general categories) so nothing here hard-codes an alphabet beyond
 * the two folds Russian needs: ё→е and typographic dashes.  ASCII and the
 * basic Cyrillic block (U+0400-U+045F), nearly every character a message
 * has, take a short way to the very answers utf8proc gives (the lib tests
 * compare the two over those ranges): the classifier decodes and folds
 * each message several times.
 */
#include "lib/text.h"

#include <string.h>
#include <utf8proc.h>

#include "lib/xmalloc.h"

#define CP_REPLACEMENT	0xFFFD

size_t
text_decode(const char *s, size_t len, int32_t *cp_r)
{
	utf8proc_ssize_t	n;
	utf8proc_int32_t	cp;

	if (len == 0) {
		*cp_r = CP_REPLACEMENT;
		return 0;
	}
	if ((unsigned char)s[0] < 0x80) {
		*cp_r = (unsigned char)s[0];
		return 1;
	}
	/* Two bytes, not overlong: all of Cyrillic. */
	if ((unsigned char)s[0] >= 0xc2 && (unsigned char)s[0] <= 0xdf &&
	    len >= 2 && ((unsigned char)s[1] & 0xc0) == 0x80) {
		*cp_r = ((int32_t)((unsigned char)s[0] & 0x1f) << 6) |
		    ((unsigned char)s[1] & 0x3f);
		return 2;
	}
	n = utf8proc_iterate((const utf8proc_uint8_t *)s,
	    (utf8proc_ssize_t)len, &cp);
	if (n <= 0 || cp < 0) {
		*cp_r = CP_REPLACEMENT;
		return 1;
	}
	*cp_r = cp;
	return (size_t)n;
}

int
text_is_word_char(int32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= '0' && cp <= '9');
	if (cp >= 0x0400 && cp <= 0x045f)	/* Lu and Ll */
		return 1;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ND:
		return 1;
	default:
		return 0;
	}
}

static int
is_space_like(int32_t cp)
{
	if (cp < 0x20 || cp == 0x7f || cp == ' ')
		return 1;
	if (cp < 0x80 || (cp >= 0x0400 && cp <= 0x045f))
		return 0;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
	case UTF8PROC_CATEGORY_CC:
	case UTF8PROC_CATEGORY_CF:	/* zero-width joiners, BOM */
		return 1;
	default:
		return 0;
	}
}

/* The fold of one code point: lower case, ё→е, dashes → '-'. */
static int32_t
fold_cp(int32_t cp)
{
	if (cp == 0x0401 || cp == 0x0451)	/* Ё ё */
		return 0x0435;
	if (cp >= 0x2010 && cp <= 0x2015)	/* hyphens and dashes */
		return '-';
	if (cp == 0x2212)			/* minus sign */
		return '-';
	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			return cp + ('a' - 'A');
		return cp;
	}
	if (cp >= 0x0410 && cp <= 0x042f)	/* А-Я */
		return cp + 0x20;
	if (cp >= 0x0400 && cp <= 0x040f)	/* Ѐ-Џ */
		return cp + 0x50;
	if (cp >= 0x0430 && cp <= 0x045f)	/* а-я, ѐ-џ */
		return cp;
	return utf8proc_tolower(cp);
}

static size_t
encode(int32_t cp, char *out)
{
	return (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)out);
}

char *
text_fold(const char *in, size_t len, size_t maxout, size_t *outlen_r)
{
	char	*out;
	size_t	 i = 0, o = 0, n, cap;
	int32_t	 cp;
	int	 pending_space = 0;
	char	 enc[4];

	/* Folding never grows a character beyond 4 bytes from 1. */
	cap = len < maxout ? len * 3 + 1 : maxout + 1;
	if (cap > maxout + 1)
		cap = maxout + 1;
	out = xmalloc(cap);
	while (i < len) {
		n = text_decode(in + i, len - i, &cp);
		i += n;
		if (is_space_like(cp)) {
			pending_space = o > 0;
			continue;
		}
		n = encode(fold_cp(cp), enc);
		if (o + n + (pending_space ? 1 : 0) > cap - 1)
			break;
		if (pending_space) {
			out[o++] = ' ';
			pending_space = 0;
		}
		memcpy(out + o, enc, n);
		o += n;
	}
	out[o] = '\0';
	*outlen_r = o;
	return out;
}

static int
is_letter(int32_t cp)
{
	return text_is_word_char(cp) && !(cp >= '0' && cp <= '9') &&
	    utf8proc_category(cp) != UTF8PROC_CATEGORY_ND;
}

int
text_next_word(const char *s, size_t len, size_t *pos, size_t *start_r,
    size_t *wlen_r)
{
	size_t	 i = *pos, n, start, end;
	int32_t	 cp, next, prev = 0;

	/* Skip to the first word character. */
	while (i < len) {
		n = text_decode(s + i, len - i, &cp);
		if (text_is_word_char(cp))
			break;
		i += n;
	}
	if (i >= len) {
		*pos = len;
		return 0;
	}
	start = end = i;
	while (i < len) {
		n = text_decode(s + i, len - i, &cp);
		if (text_is_word_char(cp)) {
			i += n;
			end = i;
			prev = cp;
			continue;
		}
		/* An apostrophe or hyphen joins two letters: "кто-то". */
		if ((cp == '\'' || cp == 0x2019 || cp == '-') &&
		    is_letter(prev) && i + n < len) {
			text_decode(s + i + n, len - i - n, &next);
			if (is_letter(next)) {
				i += n;
				continue;
			}
		}
		break;
	}
	*start_r = start;
	*wlen_r = end - start;
	*pos = i;
	return 1;
}

enum text_script
text_script_of(const char *w, size_t len)
{
	size_t			i = 0;
	int32_t			cp;
	enum text_script	script = TEXT_SCRIPT_OTHER;

	while (i < len) {
		i += text_decode(w + i, len - i, &cp);
		if (cp >= 0x0400 && cp <= 0x052f)
			return TEXT_SCRIPT_CYRILLIC;
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= 0xc0 && cp <= 0x24f))
			script = TEXT_SCRIPT_LATIN;
	}
	return script;
}

size_t
text_fold_word(const char *w, size_t len, char *out, size_t outsz)
{
	size_t	 i = 0, o = 0, n;
	int32_t	 cp;
	char	 enc[4];

	if (outsz == 0)
		return 0;
	while (i < len) {
		i += text_decode(w + i, len - i, &cp);
		if (cp == '\'' || cp == 0x2019)
			continue;
		n = encode(fold_cp(cp), enc);
		if (o + n >= outsz) {
			out[0] = '\0';
			return 0;
		}
		memcpy(out + o, enc, n);
		o += n;
	}
	out[o] = '\0';
	return o;
}

int
text_is_valid_utf8(const char *s, size_t len)
{
	size_t	 i = 0, n;
	int32_t	 cp;

	while (i < len) {
		if (s[i] == '\0')
			return 0;
		n = text_decode(s + i, len - i, &cp);
		if (cp == CP_REPLACEMENT && n == 1 &&
		    (unsigned char)s[i] >= 0x80)
			return 0;
		i += n;
	}
	return 1;
}

const char *
text_shorten(const char *s, size_t max, char *buf, size_t bufsz)
{
	size_t	i = 0, n = 0;

	while (s[i] != '\0' && n < max) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		n++;
	}
	if (s[i] == '\0' || i + 4 > bufsz)
		return s;
	memcpy(buf, s, i);
	memcpy(buf + i, "…", sizeof("…"));
	return buf;
}

int
text_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
text_percent_decode(const char *s, size_t len)
{
	char	*out, *o;
	size_t	 i;
	int	 hi, lo;

	o = out = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (s[i] == '\0')
			goto bad;
		if (s[i] != '%') {
			*o++ = s[i];
			continue;
		}
		if (len - i < 3 || (hi = text_hexval(s[i + 1])) < 0 ||
		    (lo = text_hexval(s[i + 2])) < 0 || (hi == 0 && lo == 0))
			goto bad;
		*o++ = (char)(hi * 16 + lo);
		i += 2;
	}
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

int
text_in_list(const char *w, size_t len, const char *const *list, size_t n)
{
	size_t	i;

	/* The first byte first: most strings of a list are not it. */
	for (i = 0; i < n && len > 0; i++)
		if (list[i][0] == w[0] && strlen(list[i]) == len &&
		    memcmp(list[i], w, len) == 0)
			return 1;
	return 0;
}

int
text_next_line(const char *buf, size_t len, size_t *pos, const char **line_r,
    size_t *llen_r)
{
	const char	*nl;

	if (*pos >= len)
		return 0;
	*line_r = buf + *pos;
	nl = memchr(*line_r, '\n', len - *pos);
	*llen_r = nl != NULL ? (size_t)(nl - *line_r) : len - *pos;
	*pos += *llen_r + (nl != NULL);
	if (*llen_r > 0 && (*line_r)[*llen_r - 1] == '\r')
		(*llen_r)--;
	return 1;
}

size_t
text_hash(const char *s, size_t len)
{
	size_t	h = 2166136261u, i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}
