/*
 * libFuzzer harness for the route matcher (agent/web/route.c): every
 * request path goes through it before anything else reads the request.
 * Besides the sanitizers' checks it holds it to its contract: a path
 * with a NUL never matches past it, a taken id has at most
 * ROUTE_ID_DIGITS digits, and a pattern without '#' matches exactly
 * itself.  Corpus: tests/fuzz/corpus/route.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/web/route.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)

/* Shapes of the route table's patterns (agent/web/http.c). */
static const char *const patterns[] = {
	"/api/chat/sessions",
	"/api/chat/messages",
	"/api/operator/queue/#",
	"/api/operator/queue/#/reply",
	"/api/operator/attachments/#/preview",
	"/#/#",
	"#",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*path;
	int64_t	 id;
	size_t	 i;
	int	 m;

	if (size > 4096)
		return 0;
	path = malloc(size + 1);
	if (path == NULL)
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';
	for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		id = -1;
		m = route_match(patterns[i], path, &id);
		CHECK(m == 0 || m == 1);
		if (m && strchr(patterns[i], '#') != NULL)
			CHECK(id >= 0 && id < 1000000000000000LL);
		if (strchr(patterns[i], '#') == NULL)
			CHECK(m == (strcmp(patterns[i], path) == 0));
	}
	free(path);
	return 0;
}
