/*
 * Addresses and the forwarding headers of reverse proxies (see peer.h).
 * A header is cut into elements at commas outside quoted strings (RFC
 * 7230 section 3.2.6); only the last LIMIT_FORWARDED_HOPS elements are
 * kept, which is all the right-to-left walk can use.
 */
#include "lib/peer.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* An address in binary: IPv4-mapped IPv6 is taken as the IPv4 it maps. */
struct addr {
	int		 family;
	unsigned char	 b[16];
};

/* A piece of a header: s[0..len). */
struct span {
	const char	*s;
	size_t		 len;
};

static int
addr_parse(const char *s, size_t len, struct addr *a)
{
	static const unsigned char mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	char	buf[PEER_ADDR_MAX];

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, a->b) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, a->b) != 1)
		return -1;
	a->family = AF_INET6;
	if (memcmp(a->b, mapped, sizeof(mapped)) == 0) {
		memmove(a->b, a->b + 12, 4);
		a->family = AF_INET;
	}
	return 0;
}

static void
addr_text(const struct addr *a, char *out, size_t outsz)
{
	if (inet_ntop(a->family, a->b, out, (socklen_t)outsz) == NULL)
		snprintf(out, outsz, "-");
}

static int
in_net(const struct peer_net *n, const struct addr *a)
{
	int	full = n->bits / 8, rest = n->bits % 8;

	if (n->family != a->family || memcmp(n->addr, a->b,
	    (size_t)full) != 0)
		return 0;
	return rest == 0 || ((n->addr[full] ^ a->b[full]) &
	    (0xff << (8 - rest)) & 0xff) == 0;
}

static int
list_has(const struct peer_list *list, const struct addr *a)
{
	size_t	i;

	for (i = 0; i < list->n; i++)
		if (in_net(&list->nets[i], a))
			return 1;
	return 0;
}

/* The prefix length p[0..end) of a network, at most max; -1 when bad. */
static long
prefix(const char *p, const char *end, long max)
{
	long	v = 0;

	if (p == end || end - p > 3)
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v <= max ? v : -1;
}

int
peer_list_parse(const char *s, size_t len, struct peer_list *list,
    const char **why)
{
	struct peer_net	*n;
	struct addr	 a;
	const char	*slash;
	size_t		 i = 0, start, alen;
	long		 bits;

	memset(list, 0, sizeof(*list));
	while (i < len) {
		if (s[i] == ',' || s[i] == ' ' || s[i] == '\t') {
			i++;
			continue;
		}
		start = i;
		while (i < len && s[i] != ',' && s[i] != ' ' && s[i] != '\t')
			i++;
		slash = memchr(s + start, '/', i - start);
		alen = slash != NULL ? (size_t)(slash - (s + start)) :
		    i - start;
		if (addr_parse(s + start, alen, &a) == -1) {
			*why = "addresses or networks such as 127.0.0.1, "
			    "10.0.0.0/8, ::1";
			return -1;
		}
		bits = a.family == AF_INET ? 32 : 128;
		if (slash != NULL)
			bits = prefix(slash + 1, s + i, bits);
		if (bits < 0) {
			*why = "a network's prefix is /0 to /32 (IPv4) or "
			    "/128 (IPv6)";
			return -1;
		}
		if (list->n == LIMIT_TRUSTED_PROXIES) {
			*why = "too many entries";
			return -1;
		}
		n = &list->nets[list->n++];
		n->family = a.family;
		memcpy(n->addr, a.b, sizeof(n->addr));
		n->bits = (int)bits;
	}
	return 0;
}

int
peer_list_has(const struct peer_list *list, const char *addr)
{
	struct addr	a;

	return addr != NULL && addr_parse(addr, strlen(addr), &a) == 0 &&
	    list_has(list, &a);
}

int
peer_is_loopback(const char *addr)
{
	static const unsigned char one[16] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
	};
	struct addr	a;

	if (addr == NULL || addr_parse(addr, strlen(addr), &a) == -1)
		return 0;
	if (a.family == AF_INET)
		return a.b[0] == 127;
	return memcmp(a.b, one, sizeof(one)) == 0;
}

static struct span
trim(const char *s, size_t len)
{
	struct span	sp;

	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	sp.s = s;
	sp.len = len;
	return sp;
}

/*
 * Cuts s at sep outside quoted strings; keeps the last max pieces in v
 * (oldest first).  Returns how many were kept.
 */
static size_t
split(const char *s, size_t len, char sep, struct span *v, size_t max)
{
	struct span	ring[LIMIT_FORWARDED_HOPS];
	size_t		i, start = 0, n = 0, k;
	int		quoted = 0;

	if (max > LIMIT_FORWARDED_HOPS)
		max = LIMIT_FORWARDED_HOPS;
	for (i = 0; i <= len; i++) {
		if (i + 1 < len && quoted && s[i] == '\\') {
			i++;
			continue;
		}
		if (i < len && s[i] == '"')
			quoted = !quoted;
		if (i < len && (s[i] != sep || quoted))
			continue;
		ring[n % max] = trim(s + start, i - start);
		n++;
		start = i + 1;
	}
	k = n < max ? n : max;
	for (i = 0; i < k; i++)
		v[i] = ring[(n - k + i) % max];
	return k;
}

/* The value of parameter name in a Forwarded element, unquoted, in out. */
static int
param(struct span el, const char *name, char *out, size_t outsz)
{
	struct span	pairs[LIMIT_FORWARDED_HOPS];
	const char	*eq;
	size_t		 n, i, nlen = strlen(name), o, j;
	struct span	 v;

	n = split(el.s, el.len, ';', pairs, LIMIT_FORWARDED_HOPS);
	for (i = 0; i < n; i++) {
		eq = memchr(pairs[i].s, '=', pairs[i].len);
		if (eq == NULL || (size_t)(eq - pairs[i].s) != nlen ||
		    strncasecmp(pairs[i].s, name, nlen) != 0)
			continue;
		v = trim(eq + 1, pairs[i].len - nlen - 1);
		if (v.len >= 2 && v.s[0] == '"' && v.s[v.len - 1] == '"') {
			v.s++;
			v.len -= 2;
		}
		for (j = 0, o = 0; j < v.len && o + 1 < outsz; j++) {
			if (v.s[j] == '\\' && j + 1 < v.len)
				j++;
			out[o++] = v.s[j];
		}
		if (j < v.len)
			return -1;
		out[o] = '\0';
		return 0;
	}
	return -1;
}

/* The address of a hop: a bare address, IPv4:port, [IPv6] or [IPv6]:port
 * (RFC 7239 section 6). */
static int
hop_addr(const char *s, struct addr *a)
{
	const char	*end, *colon;
	size_t		 len = strlen(s);

	if (s[0] == '[') {
		if ((end = strchr(s, ']')) == NULL)
			return -1;
		return addr_parse(s + 1, (size_t)(end - s - 1), a);
	}
	if (addr_parse(s, len, a) == 0)
		return 0;
	colon = strchr(s, ':');
	if (colon != NULL && strchr(colon + 1, ':') == NULL)
		return addr_parse(s, (size_t)(colon - s), a);
	return -1;
}

void
peer_client(const struct peer_list *trusted, const char *peer,
    enum peer_header kind, const char *header, char *out, size_t outsz)
{
	struct span	 hops[LIMIT_FORWARDED_HOPS];
	struct addr	 cur, a;
	char		 buf[PEER_ADDR_MAX];
	size_t		 n, i;

	if (peer == NULL || addr_parse(peer, strlen(peer), &cur) == -1) {
		snprintf(out, outsz, "%s", peer != NULL ? peer : "-");
		return;
	}
	if (list_has(trusted, &cur) && header != NULL) {
		n = split(header, strlen(header), ',', hops,
		    LIMIT_FORWARDED_HOPS);
		for (i = n; i > 0; i--) {
			if (kind == PEER_FORWARDED) {
				if (param(hops[i - 1], "for", buf,
				    sizeof(buf)) == -1)
					break;
			} else if (hops[i - 1].len >= sizeof(buf))
				break;
			else {
				memcpy(buf, hops[i - 1].s, hops[i - 1].len);
				buf[hops[i - 1].len] = '\0';
			}
			/* "unknown", an obfuscated name, rubbish: the proxy
			 * that wrote it is as far as we can see. */
			if (hop_addr(buf, &a) == -1)
				break;
			cur = a;
			if (!list_has(trusted, &a))
				break;
		}
	}
	addr_text(&cur, out, outsz);
}

int
peer_last_value(const char *header, const char *name, char *out,
    size_t outsz)
{
	struct span	el;

	if (header == NULL || split(header, strlen(header), ',', &el,
	    1) != 1 || el.len == 0)
		return -1;
	if (name != NULL)
		return param(el, name, out, outsz);
	if (el.len >= outsz)
		return -1;
	memcpy(out, el.s, el.len);
	out[el.len] = '\0';
	return 0;
}
