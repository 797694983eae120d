/*
 * Making and hashing bearer tokens (see token.h).  libsodium is
 * initialised by whoever starts the process (sodium_init is idempotent and
 * is also called here, so tests need not).
 */
#include "agent/core/token.h"

#include <stdlib.h>

#include <sodium.h>

void
token_new(char out[TOKEN_MAX])
{
	unsigned char	raw[32];

	if (sodium_init() < 0)
		abort();
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, TOKEN_MAX, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void
token_hash(const char *t, size_t len, unsigned char out[TOKEN_HASH_LEN])
{
	crypto_generichash(out, TOKEN_HASH_LEN, (const unsigned char *)t, len,
	    NULL, 0);
}

int
token_valid(const char *t, size_t len)
{
	size_t	i;

	if (t == NULL || len != TOKEN_LEN)
		return 0;
	for (i = 0; i < len; i++) {
		if (!((t[i] >= 'a' && t[i] <= 'z') ||
		    (t[i] >= 'A' && t[i] <= 'Z') ||
		    (t[i] >= '0' && t[i] <= '9') || t[i] == '-' ||
		    t[i] == '_'))
			return 0;
	}
	return 1;
}
