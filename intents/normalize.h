/*
 * A citizen's message made ready for matching: folded (lib/text.c), its
 * language guessed (Russian, English, or Russian typed in Latin letters),
 * and for the last a Cyrillic transliteration, so that category rules and
 * examples written in Russian also catch "zabyl parol"; Russian typed with
 * the keyboard on the English layout ("ghbdtn") gets the letters of its
 * keys (intents/layout.h).
 */
#ifndef INTENTS_NORMALIZE_H
#define INTENTS_NORMALIZE_H

#include <stddef.h>

enum lang {
	LANG_RU,
	LANG_EN
};

struct normalized {
	char		*folded;	/* folded message */
	size_t		 folded_len;
	char		*match;		/* what rules and FTS see: folded, and
					   for translit also its Cyrillic */
	size_t		 match_len;
	enum lang	 lang;
	int		 translit;	/* Russian typed in Latin letters */
	int		 layout;	/* Russian typed on the English
					   layout */
	int		 truncated;	/* the message was cut to the limit */
};

/*
 * Normalises text[0..len) (any bytes; at most LIMIT_CLASSIFY_BYTES of it
 * are used).  Fills *n, whose strings the caller releases with
 * normalize_release().
 */
void	normalize_message(const char *text, size_t len, struct normalized *n);
void	normalize_release(struct normalized *n);

/* "ru" or "en". */
const char *lang_name(enum lang);

/*
 * Transliterates the Latin letters of s[0..len) into Cyrillic following the
 * common informal scheme (zh→ж, kh→х, sh→ш, ya→я …).  Returns an
 * allocated string; *outlen_r is its length.
 */
char	*normalize_translit(const char *s, size_t len, size_t *outlen_r);

#endif
