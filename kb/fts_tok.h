/*
 * The "hotline" FTS5 tokenizer: words as lib/text.c defines them, folded
 * (lower case, ё→е) and stemmed (Snowball Russian or English by script).
 * The knowledge base and the classifier's evidence index both use it, so a
 * query and the text it should find are cut the same way.
 */
#ifndef KB_FTS_TOK_H
#define KB_FTS_TOK_H

#include <sqlite3.h>

#define FTS_TOK_NAME	"hotline"

/* Registers the tokenizer on db.  Returns 0, or -1 with *errstr_r (static). */
int	fts_tok_register(sqlite3 *db, const char **errstr_r);

#endif
