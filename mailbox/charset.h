/*
 * Turning the bytes of a letter into UTF-8: any charset iconv knows (with
 * the spellings Russian mailers really use), a guess for unlabelled 8-bit
 * text between UTF-8, windows-1251, KOI8-R and cp866, and RFC 2047 encoded
 * words in header fields.  Nothing here fails: an invalid or truncated
 * sequence and a NUL become U+FFFD, an unknown charset is treated as
 * unlabelled.
 */
#ifndef MAILBOX_CHARSET_H
#define MAILBOX_CHARSET_H

#include <stddef.h>

struct mbuf;

/*
 * Appends in[0..len), written in charset (NULL or "" when the part does
 * not say), to out as valid UTF-8.  US-ASCII counts as unlabelled, since
 * mailers stamp it on Cyrillic text too.
 */
void		 charset_append_utf8(struct mbuf *out, const char *charset,
		    const char *in, size_t len);

/*
 * The same into a new string of at most maxout bytes, which the caller
 * frees.
 */
char		*charset_to_utf8(const char *charset, const char *in,
		    size_t len, size_t maxout);

/*
 * The charset unlabelled text in[0..len) is most likely in: "US-ASCII"
 * for 7-bit text, "UTF-8" when it decodes as UTF-8 (a few stray bytes
 * allowed), else whichever of "WINDOWS-1251", "KOI8-R" and "IBM866" reads
 * as the most plausible Russian.  Returns a static string.
 */
const char	*charset_guess(const char *in, size_t len);

/*
 * Decodes a header field value (RFC 2047 encoded words; raw 8-bit text is
 * guessed as above), unfolds it and collapses white space and control
 * characters to single spaces.  Returns a new string of at most maxout
 * bytes, trimmed, which the caller frees.
 */
char		*charset_decode_header(const char *value, size_t len,
		    size_t maxout);

#endif
