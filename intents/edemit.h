/*
 * The pieces of PCRE2 the editor form is made of (intents/editform.c reads
 * the form, this file writes the PCRE2): a word in any of its forms, a
 * prefix, an exact word or phrase, a choice whose words share one ending
 * group, a gap of N words, and a row of items with optional ones.  Pure:
 * strings in, PCRE2 text out.
 */
#ifndef INTENTS_EDEMIT_H
#define INTENTS_EDEMIT_H

#include <stddef.h>

#include "kb/stem.h"

/*
 * Word edges.  \b with Unicode properties looks at the characters on both
 * sides at every position PCRE2 tries; at the start of a word only the one
 * before matters and at its end only the one after, and these look-arounds
 * make the editors' rules twice as fast to reject.
 */
#define EDEMIT_WB_START		"(?<!\\w)"
#define EDEMIT_WB_END		"(?!\\w)"

/* A message line and its transliteration are joined by " | ": where one
 * starts and ends. */
#define EDEMIT_LINE_START	"(?:^|\\s\\|\\s)"
#define EDEMIT_LINE_END		"(?:\\s\\|\\s|$)"

/* A growing string, capped at LIMIT_EDITOR_REGEX_BYTES (then over is set
 * and nothing more is added). */
struct edemit_buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
	int	 over;
};
void	 edemit_add(struct edemit_buf *, const char *, size_t);
void	 edemit_str(struct edemit_buf *, const char *);
/* The string built, given to the caller; "" when nothing was. */
char	*edemit_take(struct edemit_buf *);
/* Appends s[0..len) with every ASCII character but letters, digits and _
 * escaped, so that it is taken literally. */
void	 edemit_escaped(struct edemit_buf *, const char *s, size_t len);
/* Whether the first (last) character of s[0..len) is a word character. */
int	 edemit_starts_word(const char *s, size_t len);
int	 edemit_ends_word(const char *s, size_t len);

enum edemit_kind {
	EDEMIT_RU,	/* s: a Russian stem, any ending */
	EDEMIT_EN,	/* s: an English base, any ending */
	EDEMIT_PREFIX,	/* s: the start of a word */
	EDEMIT_EXACT,	/* s: a whole word as written */
	EDEMIT_OTHER	/* s: PCRE2 standing on its own */
};

/* The alternatives of a choice; s is owned. */
struct edemit_alt {
	enum edemit_kind	 kind;
	char			*s;
	int			 raw;	/* one /raw/ part: wrap it */
};
struct edemit_alts {
	struct edemit_alt	*v;
	size_t			 n;
};
void	 edemit_alts_add(struct edemit_alts *, enum edemit_kind, char *s,
	    int raw);
void	 edemit_alts_clear(struct edemit_alts *);

/*
 * One word as the editor wrote it, w[0..len): "пароль" any form, "восстан*"
 * a prefix, "*блок*" anywhere in a word, short or non-letter words
 * exactly.  Returns 0, or -1 with the reason in *why.
 */
int	 edemit_word(struct stemmer *, const char *w, size_t len,
	    struct edemit_alts *out, const char **why);
/* The words between the quotes of a "phrase", each as written, "word*" a
 * prefix.  Returns 0, or -1 with the reason in *why. */
int	 edemit_phrase(const char *p, size_t len, struct edemit_alts *out,
	    const char **why);
/* The alternation of a choice (the caller frees it); *over is set when it
 * grew past the limit. */
char	*edemit_alts(const struct edemit_alts *, int *over);
/* A gap of at most n words (the caller frees it). */
char	*edemit_gap(int n);

/* An item written right after the one before, with no space between
 * ("/[«\"]/@status"): nothing between them either. */
#define EDEMIT_GLUED		(-3)
/* Most optional items in a row: each one doubles what follows it. */
#define EDEMIT_OPTIONAL_MAX	4

/* An item of a row: items one after another. */
struct edemit_item {
	char	*re;
	int	 optional;
	int	 gap;		/* words allowed before it, -1: adjacent,
				   EDEMIT_GLUED */
	char	 anchor;	/* '^' the start, '$' the end, or 0 */
};

/* A row of n items (the caller frees it); *over as above. */
char	*edemit_row(const struct edemit_item *, size_t n, int *over);

/*
 * The lead form of the PCRE2 of an "only" pattern (editform_resolve puts
 * it between EDEMIT_LINE_START and EDEMIT_LINE_END): the same small talk
 * at the very start of a longer message ("Здравствуйте, подскажите, …"),
 * its match ending where the rest begins.  Returns it allocated, or NULL
 * when re is not of that form.
 */
char	*edemit_only_lead(const char *re);
/* … and its tail form: the same small talk up to the very end of a
 * longer message ("…, заранее спасибо"), to be tried where it may begin
 * (at the start of a word). */
char	*edemit_only_tail(const char *re);

#endif
