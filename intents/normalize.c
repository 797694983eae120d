/*
 * Language guess and transliteration.  The guess counts letters by script,
 * and for Latin-only messages weighs words every English speaker uses
 * against the shapes of Russian words in Latin letters ("kak", "-ogo",
 * "zh").  It is deliberately simple: a wrong guess only changes which
 * article language is preferred, while both spellings go to the rules.
 */
#include "intents/normalize.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "intents/layout.h"
#include "lib/limits.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

/* Frequent English words, including the portal's English vocabulary. */
static const char *const english_words[] = {
	"a", "about", "abroad", "account", "agent", "am", "an", "and", "any",
	"app", "application", "are", "be", "blocked", "bot", "but", "by",
	"bye", "call", "can", "check", "code", "could", "do", "does", "don't",
	"english", "for", "forgot", "from", "get", "good", "hello", "help",
	"hi", "how", "human", "i", "i'm", "i'd", "if", "in", "is", "it",
	"just", "live", "login", "long", "me", "my", "need", "never", "no",
	"not", "number", "of", "on", "or", "password", "please", "pls",
	"russian", "should", "so", "speak", "speaking", "status", "submit",
	"support", "thank", "thanks", "that", "the", "there", "this", "thx",
	"to", "upload", "want", "what", "when", "where", "which", "who",
	"why", "will", "with", "work", "would", "you", "your",
};

/* Russian words as typed in Latin letters, frequent enough to decide. */
static const char *const translit_words[] = {
	"a", "chto", "da", "dlya", "eto", "est", "gde", "i", "iz", "k",
	"kak", "kakoi", "kakoy", "kogda", "mne", "mozhno", "na", "ne", "net",
	"nuzhno", "o", "ot", "po", "pochemu", "pozhaluysta", "s", "skolko",
	"u", "v", "ya", "za", "zdravstvuyte",
};

static int
contains(const char *w, size_t len, const char *needle)
{
	size_t	nl = strlen(needle), i;

	for (i = 0; i + nl <= len; i++)
		if (memcmp(w + i, needle, nl) == 0)
			return 1;
	return 0;
}

static int
ends_with(const char *w, size_t len, const char *suffix)
{
	size_t	sl = strlen(suffix);

	return len > sl + 1 && memcmp(w + len - sl, suffix, sl) == 0;
}

/* How Russian a Latin word looks: letter clusters English rarely has. */
static int
translit_shape(const char *w, size_t len)
{
	static const char *const clusters[] = {
		"zh", "kh", "shch", "yu", "ya", "ts", "iy", "yi", "yy",
	};
	static const char *const endings[] = {
		"ogo", "ego", "aya", "oye", "ikh", "ykh", "tsya", "sya", "ite",
		"at", "it", "et", "ut", "ov", "ev", "iy", "yi", "ki", "ku", "oi",
		"ei", "u", "y",
	};
	size_t	i;

	for (i = 0; i < sizeof(clusters) / sizeof(clusters[0]); i++)
		if (contains(w, len, clusters[i]))
			return 1;
	for (i = 0; i < sizeof(endings) / sizeof(endings[0]); i++)
		if (ends_with(w, len, endings[i]))
			return 1;
	return 0;
}

static void
guess(struct normalized *n)
{
	size_t		 pos = 0, start, wlen, ncyr = 0, nlat = 0;
	double		 en = 0, ru = 0;
	const char	*w;

	while (text_next_word(n->folded, n->folded_len, &pos, &start,
	    &wlen)) {
		w = n->folded + start;
		switch (text_script_of(w, wlen)) {
		case TEXT_SCRIPT_CYRILLIC:
			ncyr++;
			break;
		case TEXT_SCRIPT_LATIN:
			nlat++;
			if (text_in_list(w, wlen, english_words,
			    sizeof(english_words) / sizeof(english_words[0])))
				en += 1;
			else if (text_in_list(w, wlen, translit_words,
			    sizeof(translit_words) /
			    sizeof(translit_words[0])))
				ru += 1;
			else if (translit_shape(w, wlen))
				ru += 0.5;
			break;
		default:
			break;
		}
	}
	n->lang = LANG_RU;
	n->translit = 0;
	n->layout = 0;
	if (ncyr >= nlat || nlat == 0)
		return;
	if (layout_wrong(n->folded, n->folded_len, english_words,
	    sizeof(english_words) / sizeof(english_words[0]))) {
		n->layout = 1;
		return;
	}
	if (en >= ru)
		n->lang = LANG_EN;
	else
		n->translit = 1;
}

struct translit_pair {
	const char	*lat;
	const char	*cyr;
};

/* Longest first within each leading letter. */
static const struct translit_pair pairs[] = {
	{ "shch", "щ" }, { "sch", "щ" }, { "sh", "ш" }, { "zh", "ж" },
	{ "kh", "х" }, { "ch", "ч" }, { "ts", "ц" }, { "yu", "ю" },
	{ "ya", "я" }, { "yo", "е" }, { "ye", "е" }, { "iy", "ий" },
	{ "yi", "ый" }, { "yy", "ый" }, { "ju", "ю" }, { "ja", "я" },
	{ "a", "а" }, { "b", "б" }, { "c", "ц" }, { "d", "д" }, { "e", "е" },
	{ "f", "ф" }, { "g", "г" }, { "h", "х" }, { "i", "и" }, { "j", "й" },
	{ "k", "к" }, { "l", "л" }, { "m", "м" }, { "n", "н" }, { "o", "о" },
	{ "p", "п" }, { "q", "к" }, { "r", "р" }, { "s", "с" }, { "t", "т" },
	{ "u", "у" }, { "v", "в" }, { "w", "в" }, { "x", "кс" }, { "y", "ы" },
	{ "z", "з" }, { "'", "ь" },
};

char *
normalize_translit(const char *s, size_t len, size_t *outlen_r)
{
	char	*out;
	size_t	 i = 0, o = 0, j, pl, cl;
	char	 c;

	/* Each Latin byte becomes at most 4 Cyrillic bytes ("x" → "кс"). */
	out = xmalloc(len * 4 + 1);
	while (i < len) {
		c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + ('a' - 'A'));
		for (j = 0; j < sizeof(pairs) / sizeof(pairs[0]); j++) {
			if (pairs[j].lat[0] != c)
				continue;
			pl = strlen(pairs[j].lat);
			if (i + pl <= len &&
			    strncasecmp(s + i, pairs[j].lat, pl) == 0)
				break;
		}
		if (j < sizeof(pairs) / sizeof(pairs[0])) {
			cl = strlen(pairs[j].cyr);
			memcpy(out + o, pairs[j].cyr, cl);
			o += cl;
			i += pl;
		} else
			out[o++] = s[i++];
	}
	out[o] = '\0';
	*outlen_r = o;
	return out;
}

void
normalize_message(const char *text, size_t len, struct normalized *n)
{
	char	*tr;
	size_t	 trlen;

	memset(n, 0, sizeof(*n));
	if (len > LIMIT_CLASSIFY_BYTES) {
		len = LIMIT_CLASSIFY_BYTES;
		n->truncated = 1;
	}
	n->folded = text_fold(text, len, LIMIT_CLASSIFY_BYTES,
	    &n->folded_len);
	guess(n);
	if (n->layout) {
		/* Both again: "jgthfnjh" is "оператор" on the Russian keys. */
		tr = layout_convert(n->folded, n->folded_len, &trlen);
		n->match = xasprintf("%s | %s", n->folded, tr);
		n->match_len = strlen(n->match);
		free(tr);
		return;
	}
	if (!n->translit) {
		n->match = xstrndup(n->folded, n->folded_len);
		n->match_len = n->folded_len;
		return;
	}
	/* Both spellings: English rules still see the Latin words. */
	tr = normalize_translit(n->folded, n->folded_len, &trlen);
	n->match = xasprintf("%s | %s", n->folded, tr);
	n->match_len = strlen(n->match);
	free(tr);
}

void
normalize_release(struct normalized *n)
{
	free(n->folded);
	free(n->match);
	memset(n, 0, sizeof(*n));
}

const char *
lang_name(enum lang l)
{
	return l == LANG_EN ? "en" : "ru";
}
