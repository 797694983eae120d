/*
 * libFuzzer harness for what a reverse proxy's headers say (lib/peer.c):
 * the first line is a trusted_proxies list, the second the header, the
 * first byte of the second line chooses X-Forwarded-For ('x') or
 * Forwarded (anything else).  Besides the sanitizers' checks it holds the
 * functions to their contract: a list parses whole or says why; the
 * citizen's address is always an address that parses back (or the peer
 * itself), and never comes from the header unless the peer is trusted;
 * a last value fits its buffer.  Corpus: tests/fuzz/corpus/peer.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/peer.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)
/* Bytes of a header looked at: what fits a connection's memory. */
#define HEADER_MAX	8192

static int
is_address(const char *s)
{
	unsigned char	b[16];

	return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const peers[] = { "10.0.0.1", "198.51.100.1",
	    "::1" };
	struct peer_list	 list;
	const char		*nl, *why = NULL;
	char			 header[HEADER_MAX], out[PEER_ADDR_MAX];
	char			 small[8];
	size_t			 llen, hlen, i;
	enum peer_header	 kind;

	nl = memchr(data, '\n', size);
	llen = nl != NULL ? (size_t)(nl - (const char *)data) : size;
	if (peer_list_parse((const char *)data, llen, &list, &why) == -1) {
		CHECK(why != NULL);
		return 0;
	}
	CHECK(list.n <= LIMIT_TRUSTED_PROXIES);
	if (nl == NULL)
		return 0;
	hlen = size - llen - 1;
	if (hlen == 0 || hlen >= sizeof(header))
		return 0;
	kind = nl[1] == 'x' ? PEER_XFF : PEER_FORWARDED;
	memcpy(header, nl + 2, hlen - 1);
	header[hlen - 1] = '\0';
	for (i = 0; i < sizeof(peers) / sizeof(peers[0]); i++) {
		peer_client(&list, peers[i], kind, header, out, sizeof(out));
		CHECK(is_address(out));
		if (!peer_list_has(&list, peers[i]))
			CHECK(strcmp(out, peers[i]) == 0);
	}
	if (peer_last_value(header, kind == PEER_XFF ? NULL : "proto", small,
	    sizeof(small)) == 0)
		CHECK(strlen(small) < sizeof(small));
	return 0;
}
