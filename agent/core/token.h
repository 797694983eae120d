/*
 * Bearer secrets: citizen chat tokens and operator session cookies.  A
 * token is 32 bytes from the kernel's random source (libsodium's
 * randombytes), written as unpadded base64url; what the database keeps is
 * its BLAKE2b hash (crypto_generichash), so a stolen copy of the database
 * holds no live token.
 */
#ifndef AGENT_TOKEN_H
#define AGENT_TOKEN_H

#include <stddef.h>

/* Characters of a token, and room for one with its NUL. */
#define TOKEN_LEN	43
#define TOKEN_MAX	64
#define TOKEN_HASH_LEN	32

/* Fills out with a new random token. */
void	token_new(char out[TOKEN_MAX]);

/* The hash of t[0..len) that the database stores. */
void	token_hash(const char *t, size_t len,
	    unsigned char out[TOKEN_HASH_LEN]);

/* Whether t[0..len) has the shape of a token (TOKEN_LEN base64url). */
int	token_valid(const char *t, size_t len);

#endif
