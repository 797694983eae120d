/*
 * Unicode text handling shared by the knowledge base and the classifier:
 * the one folding (lower case, ё as е, spaces collapsed, invalid UTF-8
 * replaced) and the one definition of a word, both from utf8proc's tables.
 */
#ifndef LIB_TEXT_H
#define LIB_TEXT_H

#include <stddef.h>
#include <stdint.h>

enum text_script {
	TEXT_SCRIPT_OTHER,	/* digits, symbols, other alphabets */
	TEXT_SCRIPT_LATIN,
	TEXT_SCRIPT_CYRILLIC
};

/*
 * Folds in[0..len) for matching: valid UTF-8 out, lower case, ё/Ё as е,
 * typographic dashes as '-', every run of white space, control bytes and
 * NULs as one space, no leading or trailing space.  Invalid bytes become
 * U+FFFD.  At most maxout bytes are produced (cut on a character boundary).
 * Returns a NUL-terminated string the caller frees; *outlen_r is its length.
 */
char	*text_fold(const char *in, size_t len, size_t maxout,
	    size_t *outlen_r);

/*
 * Decodes one code point at s[0..len).  Returns the number of bytes used
 * (at least 1 when len > 0) and sets *cp_r, or U+FFFD for an invalid
 * sequence, which then consumes one byte.
 */
size_t	 text_decode(const char *s, size_t len, int32_t *cp_r);

/* Whether code point cp is part of a word (a letter, digit or mark). */
int	 text_is_word_char(int32_t cp);

/*
 * Finds the next word of s[0..len) at or after *pos.  Returns 1 and sets
 * *start_r, *wlen_r (bytes) and *pos past the word, or 0 when none is left.
 * A word is a run of letters, digits and marks; an apostrophe or a hyphen
 * between letters does not split it.
 */
int	 text_next_word(const char *s, size_t len, size_t *pos,
	    size_t *start_r, size_t *wlen_r);

/* The script of a word: Cyrillic if it has a Cyrillic letter, else Latin if
 * it has a Latin letter, else other. */
enum text_script text_script_of(const char *w, size_t len);

/*
 * Lower-cases word w[0..len) into out (at most outsz-1 bytes, then NUL),
 * with ё as е.  Returns the length written; 0 when out is too small.
 */
size_t	 text_fold_word(const char *w, size_t len, char *out, size_t outsz);

/* Whether s[0..len) is valid UTF-8 with no NUL byte. */
int	 text_is_valid_utf8(const char *s, size_t len);

/*
 * The next line of buf[0..len) at *pos: returns 1 with *line_r and
 * *llen_r (without its newline, nor a carriage return before it) and *pos
 * past it, or 0 when none is left.  Nothing is checked or bounded here:
 * the caller refuses what it must.
 */
int	 text_next_line(const char *buf, size_t len, size_t *pos,
	    const char **line_r, size_t *llen_r);

/* FNV-1a of s[0..len): the hash of the tables keyed by words. */
size_t	 text_hash(const char *s, size_t len);

/*
 * s cut to at most max characters on a character boundary with "…" added,
 * written to buf; s itself when it is short enough or buf too small.  The
 * result is borrowed from s or buf.
 */
const char *text_shorten(const char *s, size_t max, char *buf, size_t bufsz);

/* The value of hexadecimal digit c, or -1 (percent-decoding, RFC 3986). */
int	 text_hexval(char c);

/*
 * Percent-decodes s[0..len) (RFC 3986 section 2.1): a pure function of
 * its bytes.  Returns an allocated string no longer than len, or NULL
 * when a '%' is not followed by two hexadecimal digits, or encodes a NUL,
 * or s holds one.
 */
char	*text_percent_decode(const char *s, size_t len);

/* Whether w[0..len) is one of the n strings of list, exactly. */
int	 text_in_list(const char *w, size_t len, const char *const *list,
	    size_t n);

#endif
