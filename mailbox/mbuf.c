/*
 * The capped byte buffer: doubling growth, never beyond its cap plus one
 * byte for the terminating NUL.
 */
#include "mailbox/mbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xmalloc.h"

void
mbuf_init(struct mbuf *b, size_t max)
{
	b->s = NULL;
	b->len = 0;
	b->size = 0;
	b->max = max;
	b->full = 0;
}

static void
grow(struct mbuf *b, size_t need)
{
	size_t	size;

	if (b->size >= need)
		return;
	size = b->size == 0 ? 64 : b->size;
	while (size < need)
		size = size > SIZE_MAX / 2 ? need : size * 2;
	if (size > b->max + 1)
		size = b->max + 1;
	b->s = xreallocarray(b->s, 1, size);
	b->size = size;
}

void
mbuf_add(struct mbuf *b, const void *p, size_t n)
{
	if (n > b->max - b->len) {
		n = b->max - b->len;
		b->full = 1;
	}
	if (n == 0)
		return;
	grow(b, b->len + n + 1);
	memcpy(b->s + b->len, p, n);
	b->len += n;
}

void
mbuf_addc(struct mbuf *b, char c)
{
	mbuf_add(b, &c, 1);
}

void
mbuf_adds(struct mbuf *b, const char *s)
{
	mbuf_add(b, s, strlen(s));
}

void
mbuf_add_cp(struct mbuf *b, int32_t cp)
{
	unsigned char	u[4];
	size_t		n;

	if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = 0xC0 | (cp >> 6);
		u[1] = 0x80 | (cp & 0x3F);
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = 0xE0 | (cp >> 12);
		u[1] = 0x80 | ((cp >> 6) & 0x3F);
		u[2] = 0x80 | (cp & 0x3F);
		n = 3;
	} else {
		u[0] = 0xF0 | (cp >> 18);
		u[1] = 0x80 | ((cp >> 12) & 0x3F);
		u[2] = 0x80 | ((cp >> 6) & 0x3F);
		u[3] = 0x80 | (cp & 0x3F);
		n = 4;
	}
	if (n > b->max - b->len) {	/* never half a character */
		b->full = 1;
		return;
	}
	mbuf_add(b, u, n);
}

/* Drops an incomplete UTF-8 sequence left at the end by the cap. */
static void
trim_partial(struct mbuf *b)
{
	size_t		i, need;
	unsigned char	c;

	i = b->len;
	while (i > 0 && b->len - i < 4 &&
	    ((unsigned char)b->s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	c = (unsigned char)b->s[i - 1];
	if (c < 0xC0)
		return;
	need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	if (b->len - (i - 1) < need)
		b->len = i - 1;
}

char *
mbuf_finish(struct mbuf *b, size_t *len_r)
{
	char	*s;

	if (b->full)
		trim_partial(b);
	if (b->s == NULL)
		s = xstrdup("");
	else {
		b->s[b->len] = '\0';
		s = b->s;
	}
	if (len_r != NULL)
		*len_r = b->len;
	b->s = NULL;
	b->len = b->size = 0;
	return s;
}

void
mbuf_discard(struct mbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->size = 0;
}
