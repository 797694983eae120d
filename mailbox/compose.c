/*
 * Writing our letters.  Every header value that came from a citizen's
 * letter (the address, the identifiers) is checked against a strict shape
 * before it is written, so that no CR, LF or bracket from outside can add
 * a header; text goes into the body only through quoted-printable and
 * into the subject only through RFC 2047 base64 encoded words, so no
 * byte of it is ever written raw.  The MIME boundary starts with "=_",
 * which quoted-printable never produces (RFC 2045 6.7 writes '=' as "=3D").
 */
#include "mailbox/compose.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lib/xmalloc.h"
#include "mailbox/mbuf.h"
#include "mailbox/thread.h"

/* Bytes of UTF-8 in one encoded word: 52 base64 characters, so that
 * "Subject: " and the word stay within 78 columns (RFC 2047 2). */
#define WORD_BYTES	39
/* Encoded characters on a quoted-printable line before the soft break. */
#define QP_LINE		75
/* A subject we write: the citizen's words cut to this many bytes. */
#define SUBJECT_BYTES	250

static const char	b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char	b32[] = "abcdefghijklmnopqrstuvwxyz234567";
static const char	hexd[] = "0123456789ABCDEF";
static const char *const days[] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};
static const char *const months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
	"Nov", "Dec"
};

/* Characters never allowed in an address or identifier we write. */
static int
unsafe(unsigned char c)
{
	return c <= ' ' || c >= 0x7f || strchr("<>()[],;:\\\"", c) != NULL;
}

int
compose_valid_address(const char *addr)
{
	const char	*at;
	size_t		 i, len;

	if (addr == NULL || (len = strlen(addr)) < 3 || len > 254)
		return 0;
	if ((at = strchr(addr, '@')) == NULL || at == addr ||
	    at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return 0;
	for (i = 0; i < len; i++)
		if (unsafe((unsigned char)addr[i]))
			return 0;
	return 1;
}

int
compose_valid_id(const char *id)
{
	size_t	i, len;

	if (id == NULL || (len = strlen(id)) < 3 ||
	    len > COMPOSE_MAX_ID_BYTES || strchr(id, '@') == NULL)
		return 0;
	for (i = 0; i < len; i++)
		if (unsafe((unsigned char)id[i]) && id[i] != '[' &&
		    id[i] != ']' && id[i] != ':')
			return 0;
	return 1;
}

int
compose_message_id(const char *address, char *buf, size_t bufsz)
{
	unsigned char	 raw[17];
	char		 rnd[27];
	const char	*dom;
	size_t		 i, got = 0;
	ssize_t		 n;
	uint32_t	 acc = 0;
	int		 bits = 0, o = 0, w;

	if (address == NULL || (dom = strrchr(address, '@')) == NULL ||
	    dom[1] == '\0')
		return -1;
	while (got < sizeof(raw)) {
		if ((n = getrandom(raw + got, sizeof(raw) - got, 0)) <= 0)
			abort();	/* the kernel's source never fails */
		got += (size_t)n;
	}
	/* 130 bits as 26 base32 characters. */
	for (i = 0; i < sizeof(raw) && o < 26; i++) {
		acc = (acc << 8) | raw[i];
		bits += 8;
		while (bits >= 5 && o < 26) {
			rnd[o++] = b32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	rnd[o] = '\0';
	w = snprintf(buf, bufsz, "%s%s@%s", COMPOSE_ID_PREFIX, rnd, dom + 1);
	if (w < 0 || (size_t)w >= bufsz || !compose_valid_id(buf))
		return -1;
	return 0;
}

/* Length of the UTF-8 sequence starting with byte c (1 for a stray). */
static size_t
seq_len(const unsigned char *s, size_t left)
{
	size_t	n = 1;

	if (s[0] >= 0xf0)
		n = 4;
	else if (s[0] >= 0xe0)
		n = 3;
	else if (s[0] >= 0xc0)
		n = 2;
	if (n > left)
		n = left;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return i;
	return n;
}

char *
compose_subject(const char *number, const char *subject,
    const char *fallback)
{
	char	*clean, *out;
	size_t	 len, n;

	clean = thread_clean_subject(subject != NULL ? subject : "");
	len = strlen(clean);
	if (len > SUBJECT_BYTES) {
		/* Cut on a character boundary. */
		for (n = 0; n < len; ) {
			size_t	k = seq_len((unsigned char *)clean + n,
			    len - n);

			if (n + k > SUBJECT_BYTES)
				break;
			n += k;
		}
		clean[n] = '\0';
	}
	out = xasprintf("[\xe2\x84\x96 %s] %s", number, clean[0] != '\0' ?
	    clean : fallback);
	free(clean);
	return out;
}

static void
base64(struct mbuf *b, const unsigned char *p, size_t n)
{
	size_t		i;
	uint32_t	v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		mbuf_addc(b, b64[v >> 18]);
		mbuf_addc(b, b64[(v >> 12) & 63]);
		mbuf_addc(b, b64[(v >> 6) & 63]);
		mbuf_addc(b, b64[v & 63]);
	}
	if (i < n) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		mbuf_addc(b, b64[v >> 18]);
		mbuf_addc(b, b64[(v >> 12) & 63]);
		mbuf_addc(b, i + 1 < n ? b64[(v >> 6) & 63] : '=');
		mbuf_addc(b, '=');
	}
}

/* Whether value can be written as it is: short printable ASCII. */
static int
plain_header(const char *name, const char *value)
{
	size_t	i, len = strlen(value);

	if (strlen(name) + 2 + len > 78 || strstr(value, "=?") != NULL)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)value[i] < ' ' ||
		    (unsigned char)value[i] >= 0x7f)
			return 0;
	return 1;
}

/*
 * Writes value as RFC 2047 B-encoded words of whole UTF-8 characters,
 * one per line after the first.
 */
static void
encoded_words(struct mbuf *b, const char *value)
{
	const unsigned char	*p = (const unsigned char *)value;
	size_t			 len = strlen(value), n, k;
	int			 first = 1;

	while (len > 0) {
		for (n = 0; n < len; n += k) {
			k = seq_len(p + n, len - n);
			if (n + k > WORD_BYTES && n > 0)
				break;
		}
		if (!first)
			mbuf_adds(b, "\r\n ");
		mbuf_adds(b, "=?UTF-8?B?");
		base64(b, p, n);
		mbuf_adds(b, "?=");
		p += n;
		len -= n;
		first = 0;
	}
}

static void
text_header(struct mbuf *b, const char *name, const char *value)
{
	mbuf_adds(b, name);
	mbuf_adds(b, ": ");
	if (plain_header(name, value))
		mbuf_adds(b, value);
	else
		encoded_words(b, value);
	mbuf_adds(b, "\r\n");
}

/* RFC 5322 3.3, in Moscow time (UTC+3 all year since 2014). */
static void
date_header(struct mbuf *b, time_t t)
{
	struct tm	tm;
	char		buf[64];
	time_t		msk = t + 3 * 3600;

	gmtime_r(&msk, &tm);
	snprintf(buf, sizeof(buf), "Date: %s, %02d %s %04d %02d:%02d:%02d "
	    "+0300\r\n", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	mbuf_adds(b, buf);
}

/* One line of text as quoted-printable (RFC 2045 6.7): at most 76
 * characters, soft breaks between whole characters, trailing white space
 * encoded. */
static void
qp_line(struct mbuf *b, const unsigned char *p, size_t n)
{
	char	enc[16];
	size_t	i = 0, j, k, elen, col = 0;

	while (i < n) {
		k = seq_len(p + i, n - i);
		elen = 0;
		for (j = 0; j < k; j++) {
			unsigned char	c = p[i + j];

			if ((c >= 33 && c <= 126 && c != '=') ||
			    ((c == ' ' || c == '\t') && i + j + 1 < n))
				enc[elen++] = (char)c;
			else {
				enc[elen++] = '=';
				enc[elen++] = hexd[c >> 4];
				enc[elen++] = hexd[c & 15];
			}
		}
		if (col + elen > QP_LINE) {
			mbuf_adds(b, "=\r\n");
			col = 0;
		}
		mbuf_add(b, enc, elen);
		col += elen;
		i += k;
	}
	mbuf_adds(b, "\r\n");
}

/* Text with "\n" or "\r\n" line ends as quoted-printable lines. */
static void
quoted_printable(struct mbuf *b, const char *text)
{
	const unsigned char	*p = (const unsigned char *)text;
	size_t			 len = strlen(text), i = 0, end, next;

	for (;;) {
		for (end = i; end < len && p[end] != '\n'; end++)
			;
		next = end < len ? end + 1 : len;
		if (end > i && p[end - 1] == '\r')
			end--;
		qp_line(b, p + i, end - i);
		if (next >= len)
			break;
		i = next;
	}
}

static void
id_header(struct mbuf *b, const char *name, const char *id)
{
	mbuf_adds(b, name);
	mbuf_adds(b, ": <");
	mbuf_adds(b, id);
	mbuf_adds(b, ">\r\n");
}

/*
 * RFC 5322 3.6.4: the citizen's References and the letter answered, cut
 * to the thread's first one and the newest (COMPOSE_MAX_REFERENCES in
 * all); identifiers we cannot write are left out.
 */
static void
references_header(struct mbuf *b, const struct compose *c)
{
	const char	*keep[COMPOSE_MAX_REFERENCES];
	size_t		 n = 0, i, valid = 0, skip;

	for (i = 0; i < c->nreferences; i++)
		valid += compose_valid_id(c->references[i]);
	/* The first valid one, then the newest that fit. */
	skip = valid > COMPOSE_MAX_REFERENCES - 1 ?
	    valid - (COMPOSE_MAX_REFERENCES - 1) : 0;
	for (i = 0; i < c->nreferences; i++) {
		if (!compose_valid_id(c->references[i]))
			continue;
		if (n > 0 && skip > 0) {
			skip--;
			continue;
		}
		keep[n++] = c->references[i];
	}
	if (compose_valid_id(c->in_reply_to) && (n == 0 ||
	    strcmp(keep[n - 1], c->in_reply_to) != 0)) {
		if (n == COMPOSE_MAX_REFERENCES)
			keep[n - 1] = c->in_reply_to;
		else
			keep[n++] = c->in_reply_to;
	}
	if (n == 0)
		return;
	mbuf_adds(b, "References:");
	for (i = 0; i < n; i++) {
		mbuf_adds(b, i == 0 ? " <" : "\r\n <");
		mbuf_adds(b, keep[i]);
		mbuf_adds(b, ">");
	}
	mbuf_adds(b, "\r\n");
}

static void
part(struct mbuf *b, const char *boundary, const char *type,
    const char *body)
{
	if (boundary != NULL) {
		mbuf_adds(b, "--");
		mbuf_adds(b, boundary);
		mbuf_adds(b, "\r\n");
	}
	mbuf_adds(b, "Content-Type: ");
	mbuf_adds(b, type);
	mbuf_adds(b, "; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	quoted_printable(b, body);
}

int
compose_letter(const struct compose *c, char **out_r, size_t *len_r,
    char **errstr_r)
{
	struct mbuf	 b;
	char		*boundary = NULL, *html;
	const char	*at;

	if (!compose_valid_address(c->from) ||
	    !compose_valid_address(c->to)) {
		*errstr_r = xstrdup("compose: an address that cannot be "
		    "written into a header");
		return -1;
	}
	if (!compose_valid_id(c->message_id)) {
		*errstr_r = xstrdup("compose: a bad Message-ID");
		return -1;
	}
	mbuf_init(&b, COMPOSE_MAX_BYTES);
	date_header(&b, c->date);
	mbuf_adds(&b, "From: ");
	if (c->from_name != NULL && c->from_name[0] != '\0') {
		encoded_words(&b, c->from_name);
		mbuf_adds(&b, "\r\n");
		mbuf_adds(&b, " ");
	}
	mbuf_adds(&b, "<");
	mbuf_adds(&b, c->from);
	mbuf_adds(&b, ">\r\nTo: <");
	mbuf_adds(&b, c->to);
	mbuf_adds(&b, ">\r\n");
	text_header(&b, "Subject", c->subject != NULL ? c->subject : "");
	id_header(&b, "Message-ID", c->message_id);
	if (compose_valid_id(c->in_reply_to))
		id_header(&b, "In-Reply-To", c->in_reply_to);
	references_header(&b, c);
	if (c->auto_replied)
		mbuf_adds(&b, "Auto-Submitted: auto-replied\r\n"
		    "X-Auto-Response-Suppress: All\r\n");
	mbuf_adds(&b, "MIME-Version: 1.0\r\n");
	if (c->html == NULL) {
		part(&b, NULL, "text/plain", c->text != NULL ? c->text : "");
	} else {
		/* The id's random part: unique, and QP never writes "=_". */
		at = strchr(c->message_id, '@');
		boundary = xasprintf("=_%.*s", (int)(at - c->message_id),
		    c->message_id);
		mbuf_adds(&b, "Content-Type: multipart/alternative; "
		    "boundary=\"");
		mbuf_adds(&b, boundary);
		mbuf_adds(&b, "\"\r\n\r\nThis is a multi-part message in MIME "
		    "format.\r\n\r\n");
		part(&b, boundary, "text/plain", c->text != NULL ? c->text :
		    "");
		html = xasprintf("<!DOCTYPE html>\n<html><head><meta "
		    "charset=\"utf-8\"></head><body>\n%s\n</body></html>",
		    c->html);
		part(&b, boundary, "text/html", html);
		free(html);
		mbuf_adds(&b, "--");
		mbuf_adds(&b, boundary);
		mbuf_adds(&b, "--\r\n");
		free(boundary);
	}
	if (b.full) {
		mbuf_discard(&b);
		*errstr_r = xstrdup("compose: the letter is too long");
		return -1;
	}
	*out_r = mbuf_finish(&b, len_r);
	return 0;
}
