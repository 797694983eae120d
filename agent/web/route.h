/*
 * Matching a request path against a route's pattern: pure, apart from
 * libmicrohttpd, so that it can be fuzzed alone (tests/fuzz/fuzz_route.c).
 */
#ifndef AGENT_WEB_ROUTE_H
#define AGENT_WEB_ROUTE_H

#include <stdint.h>

/* The longest decimal id a '#' takes: 15 digits, below 2^53. */
#define ROUTE_ID_DIGITS	15

/*
 * Whether path matches pattern exactly; a '#' in pattern takes a decimal
 * id (1..ROUTE_ID_DIGITS digits, no more) into *id_r.
 */
int	route_match(const char *pattern, const char *path, int64_t *id_r);

#endif
