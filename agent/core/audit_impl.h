/*
 * What agent/core/audit.c (the chain) and agent/core/audit_key.c (the
 * key's file) share; nothing else includes it.
 */
#ifndef AGENT_CORE_AUDIT_IMPL_H
#define AGENT_CORE_AUDIT_IMPL_H

#include <stdint.h>

#include <sodium.h>
#include <sqlite3.h>

#include "agent/core/audit.h"

#define HASH_LEN	crypto_hash_sha256_BYTES
#define HASH_HEX	(HASH_LEN * 2 + 1)

struct journal_key {
	unsigned char	key[AUDIT_KEY_LEN];
	int64_t		unkeyed;	/* entries from before the key */
};

/* The journal's head: the last entry and its hash, with a keyed hash of
 * both. */
struct head {
	int64_t		last;
	unsigned char	hash[HASH_LEN];
	char		mac[HASH_HEX];		/* "" when not keyed */
};

/* Makes k the journal key of db's connection (the SQL functions that
 * hash with it).  Returns 0, or -1 with *errstr_r. */
int	audit_attach(sqlite3 *db, const struct journal_key *k,
	    char **errstr_r);

/* Reads the journal's head into h (last 0 when empty).  Returns 0, or -1
 * with *errstr_r. */
int	audit_read_head(sqlite3 *db, struct head *h, char **errstr_r);

#endif
