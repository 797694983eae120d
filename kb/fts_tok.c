/*
 * FTS5 tokenizer (the fts5_tokenizer API of SQLite 3.40): each word is
 * reported with its byte span in the original text, so snippet() quotes the
 * editor's own spelling, and with its stem as the token.
 */
#include "kb/fts_tok.h"

#include <stdlib.h>
#include <string.h>

#include "kb/stem.h"
#include "lib/limits.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

struct tok {
	struct stemmer	*stemmer;
};

static int
tok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	struct tok	*t;

	t = xcalloc(1, sizeof(*t));
	t->stemmer = stemmer_new();
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static void
tok_delete(Fts5Tokenizer *p)
{
	struct tok	*t = (struct tok *)p;

	stemmer_free(&t->stemmer);
	free(t);
}

static int
tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text,
    int ntext, int (*emit)(void *, int, const char *, int, int, int))
{
	struct tok	*t = (struct tok *)p;
	size_t		 pos = 0, start, wlen, slen, len;
	char		 stem[STEM_MAX];
	int		 rc, nterms = 0;

	if (ntext <= 0)
		return SQLITE_OK;
	len = (size_t)ntext;
	while (text_next_word(text, len, &pos, &start, &wlen)) {
		/* A query is capped; documents are capped by their file size. */
		if ((flags & FTS5_TOKENIZE_QUERY) &&
		    ++nterms > LIMIT_QUERY_TERMS)
			break;
		slen = stemmer_stem(t->stemmer, text + start, wlen, stem);
		if (slen == 0)
			continue;
		rc = emit(ctx, 0, stem, (int)slen, (int)start,
		    (int)(start + wlen));
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

static fts5_api *
fts5_api_of(sqlite3 *db)
{
	fts5_api	*api = NULL;
	sqlite3_stmt	*st = NULL;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) !=
	    SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return api;
}

int
fts_tok_register(sqlite3 *db, const char **errstr_r)
{
	static fts5_tokenizer	 tokenizer = {
		tok_create, tok_delete, tok_tokenize
	};
	fts5_api		*api;

	if ((api = fts5_api_of(db)) == NULL) {
		*errstr_r = "this SQLite has no FTS5";
		return -1;
	}
	if (api->xCreateTokenizer(api, FTS_TOK_NAME, NULL, &tokenizer,
	    NULL) != SQLITE_OK) {
		*errstr_r = "cannot register the FTS5 tokenizer";
		return -1;
	}
	return 0;
}
