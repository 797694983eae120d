/*
 * BM25 over the index FTS5 would build.  At build time the documents are
 * cut and stemmed as the "hotline" FTS5 tokenizer does and packed into a
 * sorted term table and posting lists, just what FTS5's index gave read
 * back through fts5vocab (it used to be built that way, a quarter of a
 * load).  Scoring a message is then a few binary searches and array
 * walks: the classifier's budget is tens of microseconds, and one FTS5
 * MATCH query through SQL already costs more than that.
 */
#include "intents/evidence.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kb/stem.h"
#include "lib/limits.h"
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
	char		*neutral;	/* words that earn nothing, as given
					   (evidence_neutral); NULL: none */
	double		 oov_share;	/* of a never-seen word's idf that
					   counts against a message */
	unsigned	*slot;		/* open addressing: term + 1, 0 empty */
	size_t		 nslots;	/* a power of two */
	unsigned	*dcat;		/* per document: category * 2, + 1
					   for an article (what scoring reads
					   of a document, packed) */
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

/* One word of one document, stemmed. */
struct occ {
	const char	*term;		/* in the arena */
	unsigned	 doc;
};

/* Term (memcmp order, as FTS5's index and SQLite's BINARY sort it), then
 * document. */
static int
cmp_occ(const void *a, const void *b)
{
	const struct occ	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->term, y->term)) != 0)
		return c;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

/*
 * The documents' words cut and stemmed exactly as the "hotline" FTS5
 * tokenizer cuts documents (kb/fts_tok.c: text_next_word, then
 * stemmer_stem, a word without a stem left out), packed into the sorted
 * term table and posting lists that FTS5's own index read through
 * fts5vocab gave, without building that index: it was a quarter of a load.
 */
static void
index_direct(struct evidence *ev)
{
	struct stemmer	*st;
	struct occ	*occ = NULL;
	char		*arena = NULL, stem[STEM_MAX];
	size_t		 nocc = 0, capocc = 0, used = 0, cap = 0, i, pos, start;
	size_t		 wlen, slen, text_len, capt = 0, capp = 0;
	struct term	*t;

	st = stemmer_new();
	/* Stems go to one arena; pointers are fixed once it stops growing. */
	for (i = 0; i < ev->ndocs; i++) {
		text_len = strlen(ev->docs[i].text);
		pos = 0;
		while (text_next_word(ev->docs[i].text, text_len, &pos,
		    &start, &wlen)) {
			slen = stemmer_stem(st, ev->docs[i].text + start, wlen,
			    stem);
			if (slen == 0)
				continue;
			if (used + slen + 1 > cap) {
				cap = cap ? cap * 2 : 65536;
				arena = xreallocarray(arena, cap, 1);
			}
			if (nocc == capocc) {
				capocc = capocc ? capocc * 2 : 4096;
				occ = xreallocarray(occ, capocc, sizeof(*occ));
			}
			memcpy(arena + used, stem, slen + 1);
			occ[nocc].term = (const char *)(uintptr_t)used;
			occ[nocc].doc = (unsigned)i;
			nocc++;
			used += slen + 1;
		}
	}
	stemmer_free(&st);
	for (i = 0; i < nocc; i++)
		occ[i].term = arena + (uintptr_t)occ[i].term;
	if (nocc > 1)
		qsort(occ, nocc, sizeof(*occ), cmp_occ);
	for (i = 0; i < nocc; i++) {
		if (ev->nterms == 0 ||
		    strcmp(ev->terms[ev->nterms - 1].text, occ[i].term) != 0) {
			if (ev->nterms == capt) {
				capt = capt ? capt * 2 : 1024;
				ev->terms = xreallocarray(ev->terms, capt,
				    sizeof(*ev->terms));
			}
			t = &ev->terms[ev->nterms++];
			t->text = xstrdup(occ[i].term);
			t->first = ev->npostings;
			t->n = 0;
		} else if (ev->postings[ev->npostings - 1].doc == occ[i].doc) {
			/* The same word again in the same document. */
			ev->postings[ev->npostings - 1].tf++;
			ev->docs[occ[i].doc].len++;
			continue;
		}
		if (ev->npostings == capp) {
			capp = capp ? capp * 2 : 4096;
			ev->postings = xreallocarray(ev->postings, capp,
			    sizeof(*ev->postings));
		}
		ev->postings[ev->npostings].doc = occ[i].doc;
		ev->postings[ev->npostings].tf = 1;
		ev->npostings++;
		ev->terms[ev->nterms - 1].n++;
		ev->docs[occ[i].doc].len++;
	}
	free(occ);
	free(arena);
}

static size_t
hash_term(const char *s)
{
	size_t	h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* A hash of the terms (a query's words are looked up there, not by
 * binary search: a dozen string comparisons a word added up). */
static void
hash_terms(struct evidence *ev)
{
	size_t	i, k;

	for (ev->nslots = 16; ev->nslots < ev->nterms * 2; ev->nslots *= 2)
		;
	ev->slot = xcalloc(ev->nslots, sizeof(*ev->slot));
	for (i = 0; i < ev->nterms; i++) {
		k = hash_term(ev->terms[i].text) & (ev->nslots - 1);
		while (ev->slot[k] != 0)
			k = (k + 1) & (ev->nslots - 1);
		ev->slot[k] = (unsigned)i + 1;
	}
}

/* The index of term s in ev->terms, or -1. */
static long
term_index(const struct evidence *ev, const char *s)
{
	size_t	k;

	if (ev->slot == NULL)
		return -1;
	k = hash_term(s) & (ev->nslots - 1);
	for (; ev->slot[k] != 0; k = (k + 1) & (ev->nslots - 1))
		if (strcmp(ev->terms[ev->slot[k] - 1].text, s) == 0)
			return (long)ev->slot[k] - 1;
	return -1;
}

static const struct term *
find_term(const struct evidence *ev, const char *s)
{
	long	i = term_index(ev, s);

	return i >= 0 ? &ev->terms[i] : NULL;
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
 * The neutral words earn no document anything, but still ask as much of
 * a match as before: "не получается зайти в личный кабинет" shares
 * "зайти в личный кабинет" with a question about the register of
 * summonses, and those words are what every service's account says,
 * not which service the message is about.  Were they not to ask either,
 * what is left ("не получается") would match whatever holds it in full.
 */
static void
weigh_neutral(struct evidence *ev)
{
	struct stemmer	*st;
	char		 stem[STEM_MAX];
	size_t		 pos = 0, start, wlen, len = strlen(ev->neutral), i, d;
	long		 t;

	/* Numbers of four digits and more are request numbers, years,
	 * phones: "2026" of "2026-120004" is in the pension's questions
	 * too, and says nothing of which service a message is about. */
	for (i = 0; i < ev->nterms; i++) {
		for (d = 0; ev->terms[i].text[d] >= '0' &&
		    ev->terms[i].text[d] <= '9'; d++)
			;
		if (ev->terms[i].text[d] == '\0' && d >= 4)
			ev->terms[i].idf = 0;
	}
	st = stemmer_new();
	while (text_next_word(ev->neutral, len, &pos, &start, &wlen))
		if (stemmer_stem(st, ev->neutral + start, wlen, stem) > 0 &&
		    (t = term_index(ev, stem)) >= 0)
			ev->terms[t].idf = 0;
	stemmer_free(&st);
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
	if (ev->neutral != NULL)
		weigh_neutral(ev);
	posting_weights(ev);
}

void
evidence_neutral(struct evidence *ev, const char *words)
{
	char	*all;

	if (ev->neutral == NULL) {
		ev->neutral = xstrdup(words);
		return;
	}
	all = xasprintf("%s\n%s", ev->neutral, words);
	free(ev->neutral);
	ev->neutral = all;
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
	size_t	i;

	(void)errstr_r;
	index_direct(ev);
	hash_terms(ev);
	compute_weights(ev);
	ev->dcat = xcalloc(ev->ndocs + 1, sizeof(*ev->dcat));
	for (i = 0; i < ev->ndocs; i++)
		ev->dcat[i] = (unsigned)ev->docs[i].category * 2 +
		    (ev->docs[i].kind == EVIDENCE_ARTICLE);
	return 0;
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
	free(ev->slot);
	free(ev->dcat);
	free(ev->neutral);
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

/*
 * A document's similarity is its BM25 sum over the query's norm.  The best
 * and second best of each category are picked on the sums and divided
 * once at the end: division by a positive number keeps the order (and
 * IEEE rounding keeps it weakly), so the k-th largest quotient is the
 * quotient of the k-th largest sum, the very same double, without a
 * division per document touched.
 */
void
evidence_score(const struct evidence *ev, struct evidence_scratch *s,
    const struct evidence_query *q, size_t skip, struct evidence_result *res)
{
	const struct term	*t;
	double			*ex = res->example, *ex2 = res->example2,
				*art = res->article;
	size_t			 i, j, c;
	double			 qnorm = 0, sum;

	memset(res->example, 0, res->n * sizeof(double));
	memset(res->example2, 0, res->n * sizeof(double));
	memset(res->article, 0, res->n * sizeof(double));
	res->known_terms = res->terms = 0;
	s->ntouched = 0;
	for (i = 0; i < q->n; i++) {
		t = find_term(ev, q->stems[i]);
		res->terms++;
		if (t == NULL) {
			qnorm += ev->oov_idf * ev->oov_share;
			continue;
		}
		res->known_terms++;
		qnorm += t->qidf;
		if (t->idf > 0)
			add_term(ev, s, t);
	}
	for (i = 0; i < s->ntouched; i++) {
		j = s->touched[i];
		sum = s->score[j];
		s->score[j] = 0;
		if (j == skip)
			continue;
		c = ev->dcat[j] >> 1;
		if (ev->dcat[j] & 1) {
			if (sum > art[c])
				art[c] = sum;
		} else if (sum > ex[c]) {
			ex2[c] = ex[c];
			ex[c] = sum;
		} else if (sum > ex2[c])
			ex2[c] = sum;
	}
	s->ntouched = 0;
	for (c = 0; c < res->n; c++) {
		ex[c] = qnorm > 0 ? ex[c] / qnorm : 0;
		ex2[c] = qnorm > 0 ? ex2[c] / qnorm : 0;
		art[c] = qnorm > 0 ? art[c] / qnorm : 0;
	}
}

void
evidence_each_posting(const struct evidence *ev, evidence_posting_fn fn,
    void *arg)
{
	const struct posting	*p;
	size_t			 i, j;

	for (i = 0; i < ev->nterms; i++)
		for (j = 0; j < ev->terms[i].n; j++) {
			p = &ev->postings[ev->terms[i].first + j];
			fn(arg, ev->terms[i].text, p->doc, p->tf);
		}
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
