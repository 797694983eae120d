/*
 * libFuzzer harness for the two functions that read a citizen's raw
 * bytes before anything else: entity extraction and masking for logs.
 * Besides the sanitizers' checks it holds them to their contracts: spans
 * inside the input, in order and apart; values terminated and well formed
 * for their type; no more than LIMIT_ENTITIES, none twice; masked text
 * terminated, free of raw control bytes and of six unmasked digits in a
 * row other than a request number's.  Corpus: tests/fuzz/corpus/entities.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intents/entities.h"
#include "lib/pii.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)

static int
all_digits(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static void
check_value(const struct entity *e)
{
	const char	*v = e->value, *at;
	char		 d[11];
	size_t		 n, i;

	CHECK(memchr(v, '\0', ENTITY_VALUE_MAX) != NULL);
	n = strlen(v);
	CHECK(n > 0);
	switch (e->type) {
	case ENTITY_REQUEST_NUMBER:
		CHECK(n >= 11 && v[0] == '2' && v[1] == '0' && v[4] == '-');
		CHECK(all_digits(v, 4) && all_digits(v + 5, n - 5));
		break;
	case ENTITY_INN:
		CHECK(entities_inn_valid(v, n));
		break;
	case ENTITY_SNILS:
		CHECK(n == 14 && v[3] == '-' && v[7] == '-' && v[11] == ' ');
		memcpy(d, v, 3);
		memcpy(d + 3, v + 4, 3);
		memcpy(d + 6, v + 8, 3);
		memcpy(d + 9, v + 12, 2);
		CHECK(entities_snils_valid(d, 11));
		break;
	case ENTITY_PHONE:
		CHECK(n == 12 && v[0] == '+' && v[1] == '7' &&
		    all_digits(v + 2, 10));
		break;
	case ENTITY_EMAIL:
		CHECK((at = strchr(v, '@')) != NULL && at != v);
		CHECK(strchr(at + 1, '.') != NULL);
		for (i = 0; i < n; i++)
			CHECK(v[i] < 'A' || v[i] > 'Z');
		break;
	case ENTITY_PASSPORT:
		CHECK(n == 10 && all_digits(v, n));
		break;
	default:
		CHECK(0);
	}
}

static void
check_entities(const char *text, size_t size)
{
	struct entity_list	 l;
	const struct entity	*e;
	size_t			 i, j, end = 0;

	memset(&l, 0xa5, sizeof l);
	entities_extract(text, size, &l);
	CHECK(l.count <= LIMIT_ENTITIES);
	for (i = 0; i < l.count; i++) {
		e = &l.items[i];
		CHECK(e->len > 0 && e->start <= size &&
		    e->len <= size - e->start);
		CHECK(e->start >= end);
		end = e->start + e->len;
		check_value(e);
		for (j = 0; j < i; j++)
			CHECK(l.items[j].type != e->type ||
			    strcmp(l.items[j].value, e->value) != 0);
	}
}

/* Whether the five bytes before out[i] are a request number's "20YY-". */
static int
after_year(const char *out, size_t i)
{
	return i >= 5 && out[i - 1] == '-' && out[i - 5] == '2' &&
	    out[i - 4] == '0' && all_digits(out + i - 3, 2);
}

static void
check_mask(const char *text, size_t size)
{
	char	*out;
	size_t	 n, i, run = 0, run_start = 0;

	out = pii_mask(text, size);
	n = strlen(out);
	CHECK(n <= 4 * size);
	for (i = 0; i < n; i++) {
		CHECK((unsigned char)out[i] >= 0x20 && out[i] != 0x7f);
		if (out[i] == '\\') {
			/* Every backslash starts an escape: \xNN. */
			CHECK(i + 3 < n && out[i + 1] == 'x');
			i += 3;
			run = 0;
			continue;
		}
		if (out[i] >= '0' && out[i] <= '9') {
			if (run++ == 0)
				run_start = i;
			if (run >= 6)
				CHECK(after_year(out, run_start));
		} else
			run = 0;
	}
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*text = (const char *)data;

	check_entities(text, size);
	check_mask(text, size);
	return 0;
}
