/*
 * Reading PCRE2 pattern text by hand (see pscan.h).
 */
#include "intents/pscan.h"

#include <string.h>

size_t
pscan_charlen(const char *p, const char *end)
{
	unsigned char	c = (unsigned char)*p;
	size_t		n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

	return (size_t)(end - p) < n ? (size_t)(end - p) : n;
}

int
pscan_quantifier(const char **pp, const char *end)
{
	const char	*q = *pp;
	int		 min = 0, digits = 0;

	if (q >= end)
		return -1;
	if (*q == '*' || *q == '?' || *q == '+') {
		min = *q == '+' ? 1 : 0;
		q++;
	} else if (*q == '{') {
		q++;
		while (q < end && *q >= '0' && *q <= '9') {
			if (min < 1000)
				min = min * 10 + (*q - '0');
			q++;
			digits++;
		}
		if (digits == 0)
			return -1;	/* a literal "{" */
		if (q < end && *q == ',') {
			q++;
			while (q < end && *q >= '0' && *q <= '9')
				q++;
		}
		if (q >= end || *q != '}')
			return -1;
		q++;
	} else
		return -1;
	if (q < end && (*q == '?' || *q == '+'))
		q++;		/* lazy or possessive */
	*pp = q;
	return min;
}

size_t
pscan_small_class(const char *p, const char *end, const char **c, size_t *cl,
    const char **after)
{
	size_t	n = 0, l;

	if (++p >= end || *p == '^' || *p == ']')
		return 0;
	while (p < end && *p != ']') {
		if (*p == '\\' || *p == '[' || *p == '-' || n == 4)
			return 0;
		l = pscan_charlen(p, end);
		c[n] = p;
		cl[n] = l;
		n++;
		p += l;
	}
	if (p >= end)
		return 0;
	*after = p + 1;
	return n;
}

const char *
pscan_class_end(const char *p, const char *end)
{
	p++;
	if (p < end && *p == '^')
		p++;
	if (p < end && *p == ']')
		p++;
	while (p < end && *p != ']') {
		if (*p == '\\' && p + 1 < end)
			p++;
		else if (*p == '[' && p + 1 < end && p[1] == ':') {
			p += 2;
			while (p + 1 < end && !(*p == ':' && p[1] == ']'))
				p++;
			p++;
		}
		p++;
	}
	return p < end ? p + 1 : NULL;
}

const char *
pscan_group_end(const char *p, const char *end)
{
	int	depth = 0;

	for (; p < end; p++) {
		if (*p == '\\') {
			if (p + 1 < end && p[1] == 'Q')
				return NULL;
			p++;
		} else if (*p == '[') {
			if ((p = pscan_class_end(p, end)) == NULL)
				return NULL;
			p--;
		} else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
	}
	return NULL;
}

int
pscan_unless(const char *pattern, const char **b, size_t *blen,
    const char **a)
{
	const char	*end = pattern + strlen(pattern), *q;

	if (strncmp(pattern, "^(?!.*", 6) != 0 ||
	    (q = pscan_group_end(pattern + 1, end)) == NULL ||
	    strncmp(q, ".*?", 3) != 0 || q[3] == '\0')
		return 0;
	*b = pattern + 6;
	*blen = (size_t)(q - 1 - *b);
	*a = q + 3;
	return 1;
}
