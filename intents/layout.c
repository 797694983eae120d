/*
 * Russian typed on the English layout (see layout.h).
 */
#include "intents/layout.h"

#include <string.h>

#include "lib/text.h"
#include "lib/xmalloc.h"

/* The Russian letter on each key of the ЙЦУКЕН layout, by the Latin
 * character on it (lower case); NULL: not a key of a letter. */
static const char *
key_letter(char c)
{
	static const char *const letters[26] = {
		"ф", "и", "с", "в", "у", "а", "п", "р", "ш", "о", "л", "д",
		"ь", "т", "щ", "з", "й", "к", "ы", "е", "г", "м", "ц", "ч",
		"н", "я"
	};

	if (c >= 'a' && c <= 'z')
		return letters[c - 'a'];
	switch (c) {
	case ';':	return "ж";
	case '\'':	return "э";
	case ',':	return "б";
	case '.':	return "ю";
	case '[':	return "х";
	case ']':	return "ъ";
	case '`':	return "е";		/* ё, folded as the rules see it */
	default:	return NULL;
	}
}

static int
is_latin(char c)
{
	return c >= 'a' && c <= 'z';
}

/* A key typed inside a word: a letter, or a punctuation key with a letter
 * on both sides. */
static int
in_word(const char *s, size_t len, size_t i)
{
	if (is_latin(s[i]))
		return 1;
	return key_letter(s[i]) != NULL && i > 0 && i + 1 < len &&
	    is_latin(s[i - 1]) && is_latin(s[i + 1]);
}

/* Whether the word w[0..len) (keys inside a word) reads as a Russian word
 * typed on the wrong layout. */
static int
wrong_word(const char *w, size_t len)
{
	size_t	i, vowels = 0;

	for (i = 0; i < len; i++) {
		if (strchr("aiou", w[i]) != NULL)
			return 0;
		/* а е и о у ы э ю я on their keys */
		if (strchr("ftbjes'.z", w[i]) != NULL)
			vowels++;
	}
	return vowels * 5 >= len && vowels * 5 <= len * 4;
}

int
layout_wrong(const char *s, size_t len, const char *const *english,
    size_t n)
{
	size_t	i = 0, start, words = 0, wrong = 0;

	/* An address ("https://", "www.") is typed as it is. */
	if (memmem(s, len, "://", 3) != NULL || memmem(s, len, "www.", 4) != NULL)
		return 0;
	while (i < len) {
		if (!in_word(s, len, i)) {
			i++;
			continue;
		}
		start = i;
		while (i < len && in_word(s, len, i))
			i++;
		/* A word running into other letters (Cyrillic, digits) is not
		 * one typed on the English layout. */
		if ((start > 0 && ((unsigned char)s[start - 1] >= 0x80 ||
		    (s[start - 1] >= '0' && s[start - 1] <= '9'))) ||
		    (i < len && ((unsigned char)s[i] >= 0x80 ||
		    (s[i] >= '0' && s[i] <= '9'))) || i - start < 3)
			continue;
		words++;
		/* "reset" has no a, i, o, u either: the English words around
		 * it outvote it. */
		if (!text_in_list(s + start, i - start, english, n))
			wrong += wrong_word(s + start, i - start);
	}
	return wrong > 0 && wrong * 2 > words;
}

char *
layout_convert(const char *s, size_t len, size_t *outlen_r)
{
	const char	*k;
	char		*out;
	size_t		 i, o = 0, kl;

	/* Each byte becomes at most 2. */
	out = xmalloc(len * 2 + 1);
	for (i = 0; i < len; i++) {
		if (in_word(s, len, i) && (k = key_letter(s[i])) != NULL) {
			kl = strlen(k);
			memcpy(out + o, k, kl);
			o += kl;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	*outlen_r = o;
	return out;
}
