/*
 * Matching a request path against a route's pattern (see route.h).
 */
#include "agent/web/route.h"

int
route_match(const char *pattern, const char *path, int64_t *id_r)
{
	int64_t	id;
	int	n;

	while (*pattern != '\0') {
		if (*pattern == '#') {
			for (id = 0, n = 0; *path >= '0' && *path <= '9' &&
			    n < ROUTE_ID_DIGITS; path++, n++)
				id = id * 10 + (*path - '0');
			if (n == 0 || (*path >= '0' && *path <= '9'))
				return 0;
			*id_r = id;
			pattern++;
			continue;
		}
		if (*pattern++ != *path++)
			return 0;
	}
	return *path == '\0';
}
