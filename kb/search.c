/*
 * Knowledge-base search.  User text never becomes FTS5 syntax: each word is
 * quoted as a phrase (a raw `foo"bar` or `NEAR(` would be a syntax error),
 * the expression is bound as a parameter, and bm25 weighs the title over
 * the tags over the text.
 */
#include "kb/search.h"

#include <stdlib.h>
#include <string.h>

#include "lib/limits.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

char *
kb_search_expr(const char *text, size_t len)
{
	char	*out, *o;
	size_t	 pos = 0, start, wlen, i, cap;
	int	 n = 0;

	if (len > LIMIT_MESSAGE_BYTES)
		len = LIMIT_MESSAGE_BYTES;
	/* Worst case every byte is a quote doubled, plus " OR " per word. */
	cap = len * 2 + (size_t)LIMIT_QUERY_TERMS * 6 + 1;
	o = out = xmalloc(cap);
	while (n < LIMIT_QUERY_TERMS &&
	    text_next_word(text, len, &pos, &start, &wlen)) {
		if (wlen > LIMIT_TOKEN_BYTES)
			continue;
		if (n++ > 0) {
			memcpy(o, " OR ", 4);
			o += 4;
		}
		*o++ = '"';
		for (i = 0; i < wlen; i++) {
			if (text[start + i] == '"')
				*o++ = '"';
			*o++ = text[start + i];
		}
		*o++ = '"';
	}
	*o = '\0';
	return out;
}

void
kb_hits_free(struct kb_hit *hits, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(hits[i].id);
		free(hits[i].lang);
		free(hits[i].title);
		free(hits[i].snippet);
	}
	free(hits);
}

int
kb_search(sqlite3 *db, const char *query, size_t len, const char *lang,
    int limit, struct kb_hit **hits_r, size_t *n_r, char **errstr_r)
{
	sqlite3_stmt	*st = NULL;
	struct kb_hit	*hits;
	char		*expr;
	size_t		 n = 0;
	int		 rc;

	*hits_r = NULL;
	*n_r = 0;
	if (limit <= 0)
		limit = 10;
	if (limit > 100)
		limit = 100;
	expr = kb_search_expr(query, len);
	if (*expr == '\0') {
		free(expr);
		return 0;
	}
	if (sqlite3_prepare_v2(db, "SELECT id, lang, title,"
	    " snippet(kb_fts, 4, '[', ']', '…', 16),"
	    " -bm25(kb_fts, 0, 0, 5.0, 3.0, 1.0) AS score"
	    " FROM kb_fts WHERE kb_fts MATCH ?1"
	    " AND (?2 IS NULL OR lang = ?2)"
	    " ORDER BY score DESC LIMIT ?3", -1, &st, NULL) != SQLITE_OK) {
		*errstr_r = xasprintf("sqlite: %s", sqlite3_errmsg(db));
		free(expr);
		return -1;
	}
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	if (lang != NULL)
		sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, limit);
	hits = xcalloc((size_t)limit, sizeof(*hits));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < (size_t)limit) {
		hits[n].id = xstrdup((const char *)sqlite3_column_text(st, 0));
		hits[n].lang = xstrdup((const char *)
		    sqlite3_column_text(st, 1));
		hits[n].title = xstrdup((const char *)
		    sqlite3_column_text(st, 2));
		hits[n].snippet = xstrdup((const char *)
		    sqlite3_column_text(st, 3));
		hits[n].score = sqlite3_column_double(st, 4);
		n++;
	}
	sqlite3_finalize(st);
	free(expr);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		*errstr_r = xasprintf("sqlite: %s", sqlite3_errmsg(db));
		kb_hits_free(hits, n);
		return -1;
	}
	*hits_r = hits;
	*n_r = n;
	return 0;
}
