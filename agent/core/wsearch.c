/*
 * The search of closed conversations (wsearch.h).  Conversations are few
 * per day and a search is rare, so it reads them, newest first and at
 * most WSEARCH_CONVS of them, instead of keeping an index of citizens'
 * personal data that retention would have to find: words are matched
 * on folded text (case, ё), entities on their normalised values as the
 * classifier extracts them.  The snippet around a match is cut from the
 * masked text, so a result never shows a whole phone or ИНН.
 */
#include "agent/core/wsearch.h"

#include <stdlib.h>
#include <string.h>

#include "agent/core/audit.h"
#include "agent/core/conv.h"
#include "agent/core/queue.h"
#include "agent/core/state.h"
#include "intents/entities.h"
#include "lib/limits.h"
#include "lib/pii.h"
#include "lib/sqldb.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

/* Characters of a snippet before and after the match. */
#define BEFORE	50
#define AFTER	90

/* The byte offset of character ci of s, or the end. */
static size_t
char_offset(const char *s, size_t len, size_t ci)
{
	size_t	off = 0;
	int32_t	cp;

	while (ci > 0 && off < len) {
		off += text_decode(s + off, len - off, &cp);
		ci--;
	}
	return off;
}

/* A snippet of text masked, around characters at..at+n: allocated. */
static char *
snippet(const char *text, size_t at, size_t n)
{
	char	*m, *out;
	size_t	 len, a, b, first;

	m = pii_mask(text, strlen(text));
	len = strlen(m);
	first = at > BEFORE ? at - BEFORE : 0;
	a = char_offset(m, len, first);
	b = a + char_offset(m + a, len - a, at - first + n + AFTER);
	out = xasprintf("%s%.*s%s", a > 0 ? "…" : "", (int)(b - a), m + a,
	    b < len ? "…" : "");
	free(m);
	return out;
}

/* What a message must hold to match. */
struct want {
	char			*words;		/* folded, or NULL */
	size_t			 nwords;	/* characters */
	struct entity_list	 ents;		/* count 0: no entity */
};

/* Whether text holds w's words: 1 with *at_r, *n_r (characters). */
static int
match_words(const struct want *w, const char *text, size_t *at_r,
    size_t *n_r)
{
	char	*f, *p;
	size_t	 flen;
	int	 hit = 0;

	f = text_fold(text, strlen(text), LIMIT_MESSAGE_BYTES, &flen);
	if ((p = strstr(f, w->words)) != NULL) {
		*at_r = conv_chars(f, (size_t)(p - f));
		*n_r = w->nwords;
		hit = 1;
	}
	free(f);
	return hit;
}

/* Whether text holds one of w's entities: 1 with *at_r, *n_r. */
static int
match_entity(const struct want *w, const char *text, size_t *at_r,
    size_t *n_r)
{
	struct entity_list	 el;
	const struct entity	*e;
	size_t			 i, j;

	entities_extract(text, strlen(text), &el);
	for (i = 0; i < el.count; i++)
		for (j = 0; j < w->ents.count; j++) {
			e = &el.items[i];
			if (e->type != w->ents.items[j].type ||
			    strcmp(e->value, w->ents.items[j].value) != 0)
				continue;
			*at_r = conv_chars(text, e->start);
			*n_r = conv_chars(text + e->start, e->len);
			return 1;
		}
	return 0;
}

/* Sets o[key] to column i of st as text, masked when mask, or null. */
static void
text_col(json_t *o, const char *key, sqlite3_stmt *st, int i, int mask)
{
	const char	*s = (const char *)sqlite3_column_text(st, i);
	char		*m;

	if (s == NULL) {
		json_object_set_new(o, key, json_null());
		return;
	}
	if (!mask) {
		json_object_set_new(o, key, json_string(s));
		return;
	}
	m = pii_mask(s, strlen(s));
	json_object_set_new(o, key, json_string(m));
	free(m);
}

/* The messages conv_match reads: all of them when words or entities are
 * asked for, else the citizen's last one. */
static sqlite3_stmt *
messages_stmt(sqlite3 *db, const struct want *w)
{
	return sqldb_prep(db, NULL, w->words != NULL || w->ents.count > 0 ?
	    "SELECT text, sender FROM message WHERE conv = ?1 ORDER BY id" :
	    "SELECT text, sender FROM message WHERE conv = ?1 AND sender = "
	    "'citizen' ORDER BY id DESC LIMIT 1", "i", (int64_t)0);
}

/*
 * Looks through conv's messages (st, from messages_stmt) for w: 1 with
 * *snip_r (allocated) when one matches or nothing is asked of the text,
 * 0 when none does.
 */
static int
conv_match(sqlite3_stmt *st, int64_t conv, const struct want *w,
    char **snip_r)
{
	const char	*text, *sender;
	size_t		 at = 0, n = 0;
	int		 words = w->words == NULL, ent = w->ents.count == 0;
	int		 any = !words || !ent;

	*snip_r = NULL;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, conv);
	while (sqlite3_step(st) == SQLITE_ROW) {
		text = (const char *)sqlite3_column_text(st, 0);
		sender = (const char *)sqlite3_column_text(st, 1);
		if (!any) {
			*snip_r = snippet(text, 0, 0);
			break;
		}
		/* The snippet shows the words when asked, else the entity;
		 * entities are the ones the citizen gave. */
		if (!words && match_words(w, text, &at, &n)) {
			words = 1;
			free(*snip_r);
			*snip_r = snippet(text, at, n);
		}
		if (!ent && strcmp(sender, "citizen") == 0 &&
		    match_entity(w, text, &at, &n)) {
			ent = 1;
			if (*snip_r == NULL || w->words == NULL) {
				free(*snip_r);
				*snip_r = snippet(text, at, n);
			}
		}
		if (words && ent)
			break;
	}
	if (any && !(words && ent)) {
		free(*snip_r);
		*snip_r = NULL;
		return 0;
	}
	return 1;
}

/* The journal's note of what was searched for: the parts, no values. */
static char *
parts(const struct wsearch_query *q, size_t n)
{
	return xasprintf("closed:%s%s%s%s%s; %zu found",
	    q->number != NULL ? " number" : "", q->text != NULL ? " text" : "",
	    q->entity != NULL ? " entity" : "", q->from != 0 ? " from" : "",
	    q->to != 0 ? " to" : "", n);
}

json_t *
wsearch_closed(sqlite3 *db, const char *op, const char *role,
    const struct wsearch_query *q, time_t now, enum core_err *err_r,
    char **errstr_r)
{
	struct want	 w;
	sqlite3_stmt	*st, *ms;
	json_t		*res, *o, *cands;
	const char	*why, *owner, *s;
	char		*snip, *detail, *actor;
	size_t		 len, seen = 0;
	int		 rc, partial = 0;

	memset(&w, 0, sizeof(w));
	*err_r = CORE_INVALID;
	if (q->text != NULL && ((len = strnlen(q->text,
	    WSEARCH_QUERY_MAX * 4 + 1)) > WSEARCH_QUERY_MAX * 4 ||
	    conv_chars(q->text, len) > WSEARCH_QUERY_MAX)) {
		*errstr_r = xasprintf("a text query is at most %d characters",
		    WSEARCH_QUERY_MAX);
		return NULL;
	}
	if (q->entity != NULL && strnlen(q->entity, WSEARCH_QUERY_MAX + 1) >
	    WSEARCH_QUERY_MAX) {
		*errstr_r = xasprintf("an entity is at most %d characters",
		    WSEARCH_QUERY_MAX);
		return NULL;
	}
	if (q->text != NULL) {
		w.words = text_fold(q->text, strlen(q->text),
		    WSEARCH_QUERY_MAX * 4, &len);
		w.nwords = conv_chars(w.words, len);
		if (len == 0) {
			free(w.words);
			w.words = NULL;
		}
	}
	if (q->entity != NULL) {
		entities_extract(q->entity, strlen(q->entity), &w.ents);
		if (w.ents.count == 0) {
			free(w.words);
			*errstr_r = xstrdup("no phone, ИНН, СНИЛС, passport or "
			    "e-mail in the entity");
			return NULL;
		}
	}
	*err_r = CORE_DATABASE;
	st = sqldb_prep(db, errstr_r, "SELECT q.id, q.number, q.channel, "
	    "q.queue, q.owner, q.closed, q.resolution, q.category, q.lang, "
	    "q.kind, c.rating, c.rating_comment, q.priority, q.candidates "
	    "FROM queue_item q JOIN "
	    "conversation c ON c.id = q.id WHERE q.state = 'closed' AND "
	    "(?1 IS NULL OR q.number = ?1) AND (?2 IS NULL OR q.closed >= ?2) "
	    "AND (?3 IS NULL OR q.closed < ?3) ORDER BY q.closed DESC, q.id "
	    "DESC", "tnn", q->number, q->from, q->to);
	if (st == NULL || (ms = messages_stmt(db, &w)) == NULL) {
		sqlite3_finalize(st);
		free(w.words);
		if (*errstr_r == NULL)
			*errstr_r = xasprintf("wsearch: sqlite: %s",
			    sqlite3_errmsg(db));
		return NULL;
	}
	res = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (seen++ == WSEARCH_CONVS ||
		    json_array_size(res) == WSEARCH_RESULTS) {
			partial = 1;
			break;
		}
		owner = (const char *)sqlite3_column_text(st, 4);
		if (queue_permit("read", role, op, CONV_CLOSED, owner,
		    (const char *)sqlite3_column_text(st, 3),
		    &why) != CORE_OK ||
		    !conv_match(ms, sqlite3_column_int64(st, 0), &w, &snip))
			continue;
		o = json_object();
		json_object_set_new(o, "id", json_integer(
		    sqlite3_column_int64(st, 0)));
		text_col(o, "request_number", st, 1, 0);
		text_col(o, "channel", st, 2, 0);
		text_col(o, "queue", st, 3, 0);
		text_col(o, "owner", st, 4, 0);
		json_object_set_new(o, "closed", json_integer(
		    sqlite3_column_int64(st, 5)));
		text_col(o, "resolution", st, 6, 1);
		text_col(o, "category", st, 7, 0);
		text_col(o, "lang", st, 8, 0);
		text_col(o, "kind", st, 9, 0);
		json_object_set_new(o, "rating", sqlite3_column_type(st, 10) ==
		    SQLITE_NULL ? json_null() : json_integer(
		    sqlite3_column_int(st, 10)));
		text_col(o, "rating_comment", st, 11, 1);
		text_col(o, "priority", st, 12, 0);
		s = (const char *)sqlite3_column_text(st, 13);
		cands = s != NULL ? json_loads(s, 0, NULL) : NULL;
		json_object_set_new(o, "candidates", cands != NULL ? cands :
		    json_array());
		json_object_set_new(o, "state", json_string("closed"));
		json_object_set_new(o, "snippet", snip != NULL ?
		    json_string(snip) : json_null());
		free(snip);
		json_array_append_new(res, o);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(ms);
	free(w.words);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		json_decref(res);
		*errstr_r = xasprintf("wsearch: sqlite: %s",
		    sqlite3_errmsg(db));
		return NULL;
	}
	/* Reading transcripts, even masked, is journalled. */
	detail = parts(q, json_array_size(res));
	actor = xasprintf("operator:%s", op);
	rc = state_begin(db, errstr_r);
	if (rc == 0 && (rc = audit_append(db, actor, "search", 0, NULL, detail,
	    now, errstr_r)) == -1)
		state_rollback(db);
	else if (rc == 0)
		rc = state_commit(db, errstr_r);
	free(actor);
	free(detail);
	if (rc == -1) {
		json_decref(res);
		return NULL;
	}
	return json_pack("{s:o, s:b}", "results", res, "partial", partial);
}
