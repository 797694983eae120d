/*
 * A growing byte buffer with a hard cap, for the text the mailbox layer
 * builds out of untrusted input.  Unlike the layer's other types it is a
 * plain value that lives on the caller's stack: it is only ever a local
 * accumulator, so hiding its three fields would buy nothing.
 */
#ifndef MAILBOX_MBUF_H
#define MAILBOX_MBUF_H

#include <stddef.h>
#include <stdint.h>

struct mbuf {
	char	*s;
	size_t	 len;
	size_t	 size;
	size_t	 max;	/* bytes kept at most */
	int	 full;	/* something was cut */
};

/* Starts an empty buffer that keeps at most max bytes. */
void	 mbuf_init(struct mbuf *b, size_t max);

/* Appends p[0..n); what passes the cap is dropped and b->full set. */
void	 mbuf_add(struct mbuf *b, const void *p, size_t n);
void	 mbuf_addc(struct mbuf *b, char c);
void	 mbuf_adds(struct mbuf *b, const char *s);

/* Appends code point cp as UTF-8. */
void	 mbuf_add_cp(struct mbuf *b, int32_t cp);

/*
 * Ends the buffer: returns its NUL-terminated text, which the caller frees
 * (never NULL; a buffer cut by its cap loses an incomplete UTF-8 sequence
 * at its end), and sets *len_r when len_r is not NULL.
 */
char	*mbuf_finish(struct mbuf *b, size_t *len_r);

/* Frees the buffer's text without returning it. */
void	 mbuf_discard(struct mbuf *b);

#endif
