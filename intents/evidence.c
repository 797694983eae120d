/*
 * BM25 over FTS5's own index.  At build time the documents go into an
 * in-memory FTS5 table; fts5vocab's "instance" view then yields every
 * (term, document) occurrence, which is packed into a sorted term table and
 * posting lists.  Scoring a message is then a few binary searches and array
 * walks: the classifier's budget is tens of microseconds, and one FTS5
 * MATCH query through SQL already costs more than that.
 */
#include "intents/evidence.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "kb/fts_tok.h"
#include "kb/stem.h"
#include "lib/limits.h"
#include "lib/sqldb.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

/* BM25 parameters, as FTS5's bm25() uses them. */
#define BM25_K1	1.2
#define BM25_B	0.75

struct doc {
	size_t			 category;
	enum evidence_kind	 kind;
	char			*text;
	unsigned		 len;	/* tokens */
};

struct posting {
	unsigned	doc;
	unsigned	tf;
	double		w;	/* what the term earns the document (BM25),
				   worked out once at build */
};

struct term {
	char		*text;
	size_t		 first;	/* index into postings */
	size_t		 n;
	double		 idf;		/* what a match of the word earns */
	double		 qidf;		/* what the word asks of a match: its
					   idf before any spread weighting */
};

struct evidence {
	size_t		 ncategories;
	struct doc	*docs;
	size_t		 ndocs;
	size_t		 capdocs;
	struct term	*terms;
	size_t		 nterms;
	struct posting	*postings;
	size_t		 npostings;
	double		 avglen[2];	/* per kind */
	double		 oov_idf;	/* idf of a word never seen */
	int		 spread;	/* weigh words by how few categories
					   use them (evidence_spread) */
	double		 oov_share;	/* of a never-seen word's idf that
					   counts against a message */
};

struct evidence_scratch {
	double		*score;		/* per document */
	unsigned	*touched;
	size_t		 ntouched;
};

struct evidence *
evidence_new(size_t ncategories)
{
	struct evidence	*ev;

	ev = xcalloc(1, sizeof(*ev));
	ev->ncategories = ncategories;
	/* A message of words nothing was ever said in is unlike every
	 * category: unknown words weigh half a rare word. */
	ev->oov_share = 0.5;
	return ev;
}

size_t
evidence_add(struct evidence *ev, size_t category, enum evidence_kind kind,
    const char *text)
{
	struct doc	*d;

	if (ev->ndocs == ev->capdocs) {
		ev->capdocs = ev->capdocs ? ev->capdocs * 2 : 256;
		ev->docs = xreallocarray(ev->docs, ev->capdocs,
		    sizeof(*ev->docs));
	}
	d = &ev->docs[ev->ndocs];
	d->category = category;
	d->kind = kind;
	d->text = xstrdup(text);
	d->len = 0;
	return ev->ndocs++;
}

static int
index_docs(struct evidence *ev, sqlite3 *db, char **errstr_r)
{
	sqlite3_stmt	*st = NULL;
	size_t		 i;

	if (sqldb_exec(db, "CREATE VIRTUAL TABLE ev USING fts5(body,"
	    " tokenize='" FTS_TOK_NAME "');"
	    "CREATE VIRTUAL TABLE ev_v USING fts5vocab(ev, 'instance');"
	    "BEGIN", errstr_r) == -1)
		return -1;
	if (sqlite3_prepare_v2(db, "INSERT INTO ev (rowid, body) VALUES "
	    "(?1, ?2)", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	for (i = 0; i < ev->ndocs; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1);
		sqlite3_bind_text(st, 2, ev->docs[i].text, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_finalize(st);
	return sqldb_exec(db, "COMMIT", errstr_r);
fail:
	*errstr_r = xasprintf("evidence index: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return -1;
}

/* Reads (term, doc, tf) rows in term order into the packed arrays. */
static int
read_postings(struct evidence *ev, sqlite3 *db, char **errstr_r)
{
	sqlite3_stmt	*st = NULL;
	const char	*term;
	size_t		 capt = 0, capp = 0, doc;
	unsigned	 tf;
	struct term	*t;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT term, doc, count(*) FROM ev_v"
	    " GROUP BY term, doc ORDER BY term, doc", -1, &st, NULL) !=
	    SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		term = (const char *)sqlite3_column_text(st, 0);
		doc = (size_t)sqlite3_column_int64(st, 1) - 1;
		tf = (unsigned)sqlite3_column_int(st, 2);
		if (doc >= ev->ndocs)
			continue;
		if (ev->nterms == 0 ||
		    strcmp(ev->terms[ev->nterms - 1].text, term) != 0) {
			if (ev->nterms == capt) {
				capt = capt ? capt * 2 : 1024;
				ev->terms = xreallocarray(ev->terms, capt,
				    sizeof(*ev->terms));
			}
			t = &ev->terms[ev->nterms++];
			t->text = xstrdup(term);
			t->first = ev->npostings;
			t->n = 0;
		}
		if (ev->npostings == capp) {
			capp = capp ? capp * 2 : 4096;
			ev->postings = xreallocarray(ev->postings, capp,
			    sizeof(*ev->postings));
		}
		ev->postings[ev->npostings].doc = (unsigned)doc;
		ev->postings[ev->npostings].tf = tf;
		ev->npostings++;
		ev->terms[ev->nterms - 1].n++;
		ev->docs[doc].len += tf;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	return 0;
fail:
	*errstr_r = xasprintf("evidence index: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return -1;
}

/* The sort order of SQLite's ORDER BY on TEXT (BINARY) is memcmp order,
 * which is what strcmp gives for valid UTF-8. */
static int
cmp_term(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const struct term *)elem)->text);
}

/*
 * Scales each word's idf by how few categories use it: log(1 + C/c) over
 * log(1 + C) for a word found in c of C categories.  A word every topic's
 * questions share ("какие документы нужны") then says nothing about which
 * topic a message is about, however rare it is among all documents.
 */
static void
weigh_spread(struct evidence *ev)
{
	unsigned char	*seen;
	size_t		 i, j, c, ncat = 0;
	double		 all;

	seen = xcalloc(ev->ncategories + 1, 1);
	for (i = 0; i < ev->ndocs; i++)
		if (!seen[ev->docs[i].category]) {
			seen[ev->docs[i].category] = 1;
			ncat++;
		}
	all = log(1 + (double)ncat);
	for (i = 0; i < ev->nterms; i++) {
		memset(seen, 0, ev->ncategories + 1);
		c = 0;
		for (j = 0; j < ev->terms[i].n; j++) {
			size_t cat = ev->docs[ev->postings[ev->terms[i].first +
			    j].doc].category;

			if (!seen[cat]) {
				seen[cat] = 1;
				c++;
			}
		}
		/* What a word earns shrinks with its spread; what it asks
		 * does not: a message of words every service uses ("сколько
		 * дней делают заявление") is about no service in particular,
		 * so its similarity to all of them stays low. */
		if (c > 0 && all > 0)
			ev->terms[i].idf *= log(1 + (double)ncat / (double)c) /
			    all;
	}
	free(seen);
}

/*
 * Each posting's BM25 contribution, the very expression a query would
 * otherwise work out per posting per message (the same operations in the
 * same order, so the same double).
 */
static void
posting_weights(struct evidence *ev)
{
	const struct term	*t;
	const struct doc	*d;
	struct posting		*p;
	double			 tf, norm;
	size_t			 i, j;

	for (i = 0; i < ev->nterms; i++) {
		t = &ev->terms[i];
		for (j = 0; j < t->n; j++) {
			p = &ev->postings[t->first + j];
			d = &ev->docs[p->doc];
			tf = p->tf;
			norm = 1 - BM25_B + BM25_B * d->len /
			    ev->avglen[d->kind];
			p->w = t->idf * tf * (BM25_K1 + 1) /
			    (tf + BM25_K1 * norm);
		}
	}
}

static void
compute_weights(struct evidence *ev)
{
	double	 n = (double)ev->ndocs, total[2] = { 0, 0 };
	size_t	 count[2] = { 0, 0 }, i;

	for (i = 0; i < ev->ndocs; i++) {
		total[ev->docs[i].kind] += ev->docs[i].len;
		count[ev->docs[i].kind]++;
	}
	for (i = 0; i < 2; i++)
		ev->avglen[i] = count[i] ? total[i] / (double)count[i] : 1;
	/* The "+1" form of idf stays positive for words in most documents. */
	for (i = 0; i < ev->nterms; i++)
		ev->terms[i].qidf = ev->terms[i].idf = log(1 + (n -
		    (double)ev->terms[i].n + 0.5) /
		    ((double)ev->terms[i].n + 0.5));
	ev->oov_idf = log(1 + (n + 0.5) / 0.5);
	if (ev->spread)
		weigh_spread(ev);
	posting_weights(ev);
}

void
evidence_spread(struct evidence *ev, double oov_share)
{
	ev->spread = 1;
	ev->oov_share = oov_share;
}

int
evidence_build(struct evidence *ev, char **errstr_r)
{
	sqlite3		*db = NULL;
	const char	*why;
	int		 rc = -1;

	if (sqldb_open(":memory:", &db, errstr_r) == -1)
		return -1;
	if (fts_tok_register(db, &why) == -1) {
		*errstr_r = xstrdup(why);
		goto out;
	}
	if (index_docs(ev, db, errstr_r) == -1 ||
	    read_postings(ev, db, errstr_r) == -1)
		goto out;
	compute_weights(ev);
	rc = 0;
out:
	sqldb_close(&db);
	return rc;
}

void
evidence_free(struct evidence **evp)
{
	struct evidence	*ev = *evp;
	size_t		 i;

	if (ev == NULL)
		return;
	for (i = 0; i < ev->ndocs; i++)
		free(ev->docs[i].text);
	free(ev->docs);
	for (i = 0; i < ev->nterms; i++)
		free(ev->terms[i].text);
	free(ev->terms);
	free(ev->postings);
	free(ev);
	*evp = NULL;
}

void
evidence_result_init(const struct evidence *ev, struct evidence_result *res)
{
	memset(res, 0, sizeof(*res));
	res->n = ev->ncategories;
	res->example = xcalloc(res->n + 1, sizeof(double));
	res->example2 = xcalloc(res->n + 1, sizeof(double));
	res->article = xcalloc(res->n + 1, sizeof(double));
}

void
evidence_result_release(struct evidence_result *res)
{
	free(res->example);
	free(res->example2);
	free(res->article);
	memset(res, 0, sizeof(*res));
}

struct evidence_scratch *
evidence_scratch_new(const struct evidence *ev)
{
	struct evidence_scratch	*s;

	s = xcalloc(1, sizeof(*s));
	s->score = xcalloc(ev->ndocs + 1, sizeof(*s->score));
	s->touched = xcalloc(ev->ndocs + 1, sizeof(*s->touched));
	return s;
}

void
evidence_scratch_free(struct evidence_scratch **sp)
{
	struct evidence_scratch	*s = *sp;

	if (s == NULL)
		return;
	free(s->score);
	free(s->touched);
	free(s);
	*sp = NULL;
}

/* Adds one query term's BM25 contribution to every document holding it. */
static void
add_term(const struct evidence *ev, struct evidence_scratch *s,
    const struct term *t)
{
	const struct posting	*p = &ev->postings[t->first];
	size_t			 i;

	for (i = 0; i < t->n; i++, p++) {
		if (s->score[p->doc] == 0)
			s->touched[s->ntouched++] = p->doc;
		s->score[p->doc] += p->w;
	}
}

void
evidence_query_make(struct stemmer *st, const char *text, size_t len,
    struct evidence_query *q)
{
	size_t	pos = 0, start, wlen, j;

	q->n = 0;
	while (q->n < LIMIT_QUERY_TERMS &&
	    text_next_word(text, len, &pos, &start, &wlen)) {
		if (stemmer_stem(st, text + start, wlen, q->stems[q->n]) == 0)
			continue;
		/* The "|" between two spellings is not a word; repeats are
		 * counted once so that a shouted word does not dominate. */
		for (j = 0; j < q->n; j++)
			if (strcmp(q->stems[j], q->stems[q->n]) == 0)
				break;
		if (j < q->n)
			continue;
		q->n++;
	}
}

void
evidence_score(const struct evidence *ev, struct evidence_scratch *s,
    const struct evidence_query *q, size_t skip, struct evidence_result *res)
{
	const struct term	*t;
	const struct doc	*d;
	size_t			 i, j;
	double			 qnorm = 0, sim;

	memset(res->example, 0, res->n * sizeof(double));
	memset(res->example2, 0, res->n * sizeof(double));
	memset(res->article, 0, res->n * sizeof(double));
	res->known_terms = res->terms = 0;
	s->ntouched = 0;
	for (i = 0; i < q->n; i++) {
		t = ev->nterms == 0 ? NULL : bsearch(q->stems[i], ev->terms,
		    ev->nterms, sizeof(*ev->terms), cmp_term);
		res->terms++;
		if (t == NULL) {
			qnorm += ev->oov_idf * ev->oov_share;
			continue;
		}
		res->known_terms++;
		qnorm += t->qidf;
		add_term(ev, s, t);
	}
	for (i = 0; i < s->ntouched; i++) {
		j = s->touched[i];
		d = &ev->docs[j];
		sim = qnorm > 0 ? s->score[j] / qnorm : 0;
		s->score[j] = 0;
		if (j == skip)
			continue;
		if (d->kind == EVIDENCE_ARTICLE) {
			if (sim > res->article[d->category])
				res->article[d->category] = sim;
		} else if (sim > res->example[d->category]) {
			res->example2[d->category] =
			    res->example[d->category];
			res->example[d->category] = sim;
		} else if (sim > res->example2[d->category])
			res->example2[d->category] = sim;
	}
	s->ntouched = 0;
}

size_t
evidence_docs(const struct evidence *ev)
{
	return ev->ndocs;
}

size_t
evidence_terms(const struct evidence *ev)
{
	return ev->nterms;
}
