/*
 * Who is on the other end of a request.  Behind a reverse proxy every
 * connection comes from the proxy, which says whom it forwards for in
 * X-Forwarded-For or Forwarded (RFC 7239).  That is believed only from
 * the addresses in trusted_proxies, and read from the right: each proxy
 * appends the address it got the request from, so the first address from
 * the right that is not a trusted proxy is the citizen's, and whatever
 * stands further left the citizen wrote and proves nothing.  Pure
 * functions of their arguments: no sockets, no clock.
 */
#ifndef AGENT_PEER_H
#define AGENT_PEER_H

#include <stddef.h>

#include "lib/limits.h"

/* Room for an address in text (IPv6 with an IPv4 tail) and its NUL. */
#define PEER_ADDR_MAX	64

/* Which header the trusted proxies write (the setting proxy_header). */
enum peer_header {
	PEER_XFF,		/* X-Forwarded-For, X-Forwarded-Proto/-Host */
	PEER_FORWARDED		/* Forwarded: for=, proto=, host= */
};

struct peer_net {
	int		 family;	/* AF_INET or AF_INET6 */
	unsigned char	 addr[16];
	int		 bits;		/* of the prefix */
};

/* A list of addresses and networks. */
struct peer_list {
	size_t		 n;
	struct peer_net	 nets[LIMIT_TRUSTED_PROXIES];
};

/*
 * Parses s[0..len): addresses or networks (192.0.2.1, 10.0.0.0/8,
 * ::1, fd00::/8) separated by commas or spaces; empty is an empty list.
 * Returns 0, or -1 with a static reason in *why.
 */
int	peer_list_parse(const char *s, size_t len, struct peer_list *list,
	    const char **why);

/* Whether address addr (text) is in list. */
int	peer_list_has(const struct peer_list *list, const char *addr);

/* Whether addr (text) is a loopback address (127.0.0.0/8, ::1). */
int	peer_is_loopback(const char *addr);

/*
 * Writes into out the address of the citizen behind a request that came
 * from peer: peer itself unless it is in trusted, else found in header
 * (the joined values of the kind's header, or NULL) as above.  Addresses
 * are written canonical (inet_ntop; IPv4-mapped IPv6 as IPv4).
 */
void	peer_client(const struct peer_list *trusted, const char *peer,
	    enum peer_header kind, const char *header, char *out,
	    size_t outsz);

/*
 * The value a trusted proxy gave last: of a comma-separated header such as
 * X-Forwarded-Proto (name NULL), or of parameter name ("proto", "host")
 * in the last element of Forwarded.  Writes it unquoted into out and
 * returns 0, or returns -1 when there is none (or it does not fit).
 */
int	peer_last_value(const char *header, const char *name, char *out,
	    size_t outsz);

#endif
