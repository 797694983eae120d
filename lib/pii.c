/*
 * Masking for logs.  It knows nothing of entities or check digits: logs
 * are safer masking a date too many than leaving one ИНН whose check digit
 * was mistyped, so every long group of digits is masked, whatever it is.
 * A group is digits (ASCII or full-width) tied by at most a few blanks,
 * dashes, brackets, dots, slashes or control bytes, so that neither "8 (916)
 * 123-45-67" nor a number split by NULs escapes.  The one exception is this
 * agent's own request numbers, which operators need to read.
 *
 * One pass, linear in the length: each byte is looked at a bounded number
 * of times (a group of fewer than six digits may be read again from each of
 * its digits).
 */
#include "lib/pii.h"

#include <stdint.h>
#include <string.h>

#include "lib/reqnum.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

/* Digits in a group from which it is masked: a postcode or a sum of
 * money stays readable, the shortest identifier (a passport number) not. */
#define MASK_DIGITS_MIN		6
/* Digits kept at the end of a masked group, to tell numbers apart. */
#define MASK_KEEP		2
/* Separators allowed between two digits of one group: "8 (916" has two. */
#define GROUP_JOINT_MAX		3
/* Sequence digits of a request number kept unmasked: the six the agent
 * pads to (lib/reqnum.h), and two more before a phone number could hide
 * in one.  Longer numbers are masked like any long run of digits. */
#define PII_REQNUM_DIGITS_KEPT	(REQNUM_SEQ_DIGITS_MIN + 2)
/* Worst case growth: one byte written as "\xNN". */
#define ESCAPE_BYTES		4

static const char hex[] = "0123456789abcdef";

struct out {
	char	*p;
	size_t	 n;
};

static void
put(struct out *o, char c)
{
	o->p[o->n++] = c;
}

static void
put_escaped(struct out *o, unsigned char c)
{
	put(o, '\\');
	put(o, 'x');
	put(o, hex[c >> 4]);
	put(o, hex[c & 0xf]);
}

/* Length of a digit at t[i..len): ASCII or U+FF10..U+FF19; 0 if none. */
static size_t
digit_at(const char *t, size_t len, size_t i)
{
	if (t[i] >= '0' && t[i] <= '9')
		return 1;
	if (i + 2 < len && (unsigned char)t[i] == 0xef &&
	    (unsigned char)t[i + 1] == 0xbc &&
	    (unsigned char)t[i + 2] >= 0x90 && (unsigned char)t[i + 2] <= 0x99)
		return 3;
	return 0;
}

/* Length of a separator inside a digit group at t[i..len); 0 if none. */
static size_t
joint_at(const char *t, size_t len, size_t i)
{
	unsigned char	c = (unsigned char)t[i], c1, c2;

	if (c < 0x20 || c == 0x7f)
		return 1;
	switch (c) {
	case ' ':
	case '-':
	case '(':
	case ')':
	case '.':
	case '/':
	case '+':
		return 1;
	}
	if (c == 0xc2 && i + 1 < len && (unsigned char)t[i + 1] == 0xa0)
		return 2;	/* no-break space */
	if (c == 0xe2 && i + 2 < len) {
		c1 = (unsigned char)t[i + 1];
		c2 = (unsigned char)t[i + 2];
		/* U+2010..U+2015 dashes, U+2009 thin and U+202F narrow
		 * no-break space, U+2212 minus. */
		if ((c1 == 0x80 && ((c2 >= 0x90 && c2 <= 0x95) ||
		    c2 == 0x89 || c2 == 0xaf)) || (c1 == 0x88 && c2 == 0x92))
			return 3;
	}
	return 0;
}

/*
 * Scans the digit group starting at t[i]; returns its end (after its last
 * digit) and sets *ndigits.
 */
static size_t
group_end(const char *t, size_t len, size_t i, size_t *ndigits)
{
	size_t	p = i, q, end = i, n = 0, u, joints;

	for (;;) {
		while (p < len && (u = digit_at(t, len, p)) > 0) {
			p += u;
			n++;
		}
		end = p;
		q = p;
		for (joints = 0; q < len && joints < GROUP_JOINT_MAX &&
		    (u = joint_at(t, len, q)) > 0; joints++)
			q += u;
		if (joints == 0 || q >= len || digit_at(t, len, q) == 0)
			break;
		p = q;
	}
	*ndigits = n;
	return end;
}

/* Whether t[i..end) is exactly a request number: 20YY-NNNNNN. */
static int
is_request_number(const char *t, size_t i, size_t end)
{
	size_t	k, n = end - i;

	if (n < 5 + REQNUM_SEQ_DIGITS_MIN || n > 5 + PII_REQNUM_DIGITS_KEPT ||
	    t[i] != '2' || t[i + 1] != '0' || t[i + 4] != '-')
		return 0;
	for (k = 0; k < n; k++)
		if (k != 4 && (t[i + k] < '0' || t[i + k] > '9'))
			return 0;
	return 1;
}

/* Whether a code point is written escaped: C1 controls, line and
 * paragraph separators, and the bidirectional controls that can make a
 * log line read differently from what it holds. */
static int
cp_escaped(int32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c ||
	    cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

/* Writes the character at t[i..len) as it is or escaped; returns its
 * length. */
static size_t
put_char(struct out *o, const char *t, size_t len, size_t i)
{
	unsigned char	c = (unsigned char)t[i];
	int32_t		cp;
	size_t		n, k;

	if (c < 0x80) {
		if (c < 0x20 || c == 0x7f || c == '\\')
			put_escaped(o, c);
		else
			put(o, (char)c);
		return 1;
	}
	n = text_decode(t + i, len - i, &cp);
	if ((n == 1 && cp == 0xfffd) || cp_escaped(cp)) {
		for (k = 0; k < n; k++)
			put_escaped(o, (unsigned char)t[i + k]);
		return n;
	}
	memcpy(o->p + o->n, t + i, n);
	o->n += n;
	return n;
}

/* Length of an e-mail local part character at t[i..len): the ASCII ones
 * of RFC 5322 dot-atoms we accept, or any letter or digit; 0 if none. */
static size_t
local_at(const char *t, size_t len, size_t i)
{
	unsigned char	c = (unsigned char)t[i];
	int32_t		cp;
	size_t		n;

	if (c < 0x80)
		return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '%' || c == '+' || c == '-') ? 1 : 0;
	n = text_decode(t + i, len - i, &cp);
	if (n == 1 && cp == 0xfffd)
		return 0;
	return text_is_word_char(cp) ? n : 0;
}

char *
pii_mask(const char *t, size_t len)
{
	struct out	o;
	size_t		i = 0, j, u, end, ndigits, k;
	size_t		checked = 0;	/* local parts looked for up to here */
	unsigned char	c;

	if (t == NULL)
		len = 0;
	o.p = xreallocarray(NULL, len + 1, ESCAPE_BYTES);
	o.n = 0;
	while (i < len) {
		/* An address: its local part ends at '@'. */
		if (i >= checked && local_at(t, len, i) > 0) {
			for (j = i; j < len && (u = local_at(t, len, j)) > 0;
			    j += u)
				;
			checked = j;
			if (j < len && t[j] == '@') {
				c = (unsigned char)t[i];
				put(&o, (c >= 'a' && c <= 'z') ||
				    (c >= 'A' && c <= 'Z') ||
				    (c >= '0' && c <= '9') ? (char)c : '*');
				put(&o, '*');
				put(&o, '*');
				put(&o, '*');
				i = j;
				continue;
			}
		}
		if (digit_at(t, len, i) == 0) {
			i += put_char(&o, t, len, i);
			continue;
		}
		end = group_end(t, len, i, &ndigits);
		if (ndigits < MASK_DIGITS_MIN) {
			i += put_char(&o, t, len, i);
			continue;
		}
		if (is_request_number(t, i, end)) {
			memcpy(o.p + o.n, t + i, end - i);
			o.n += end - i;
			i = end;
			continue;
		}
		for (k = 0; i < end; ) {
			if ((u = digit_at(t, len, i)) > 0) {
				if (k++ < ndigits - MASK_KEEP)
					put(&o, '*');
				else {
					memcpy(o.p + o.n, t + i, u);
					o.n += u;
				}
				i += u;
			} else
				i += put_char(&o, t, len, i);
		}
	}
	o.p[o.n] = '\0';
	return o.p;
}
