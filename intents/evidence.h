/*
 * Full-text evidence for the classifier: how close a message is to each
 * category's example phrases and articles.  Documents are cut and stemmed
 * exactly as the knowledge base's FTS5 tokenizer cuts them (the tests
 * compare the index with FTS5's own) into a compact in-memory form that
 * scores a message with BM25 in microseconds, without SQL per message.
 */
#ifndef INTENTS_EVIDENCE_H
#define INTENTS_EVIDENCE_H

#include <stddef.h>

#include "kb/stem.h"
#include "lib/limits.h"

struct evidence;
struct stemmer;

/*
 * A message's words as an index sees them: stemmed, each once, at most
 * LIMIT_QUERY_TERMS.  Made once per message and weighed against every
 * index (the categories', the topics'): stemming is most of the cost.
 */
struct evidence_query {
	char	stems[LIMIT_QUERY_TERMS][STEM_MAX];
	size_t	n;
};
void	evidence_query_make(struct stemmer *, const char *text, size_t len,
	    struct evidence_query *);

enum evidence_kind {
	EVIDENCE_EXAMPLE,
	EVIDENCE_ARTICLE
};

/* Per-category similarities of one message, each about 0..1. */
struct evidence_result {
	double	*example;	/* best example of the category */
	double	*example2;	/* second best example */
	double	*article;	/* best article of the category */
	size_t	 n;
	size_t	 known_terms;	/* message words the index knows */
	size_t	 terms;		/* message words */
};

/* A builder for ncategories categories; add documents, then build. */
struct evidence	*evidence_new(size_t ncategories);
/* Adds a document of category; returns its document number. */
size_t		 evidence_add(struct evidence *, size_t category,
		    enum evidence_kind, const char *text);
/* Before building: weigh each word by how few categories use it, so that
 * words common to all of them count for little, and count a word never
 * seen as oov_share of a rare word's weight (the topic index, where a
 * request number or a name says nothing against a service). */
void		 evidence_spread(struct evidence *, double oov_share);
/* Before building: the words of words (any text; cut and stemmed as the
 * documents are), and every number of four digits or more, earn no
 * document anything but still count in what a message asks of a match.
 * May be called more than once. */
void		 evidence_neutral(struct evidence *, const char *words);

/*
 * Indexes the documents with FTS5.  Returns 0, or -1 with an allocated
 * *errstr_r.  After this the evidence is immutable and may be shared.
 */
int		 evidence_build(struct evidence *, char **errstr_r);
void		 evidence_free(struct evidence **);

/* Result arrays sized for ev; release with evidence_result_release(). */
void		 evidence_result_init(const struct evidence *,
		    struct evidence_result *);
void		 evidence_result_release(struct evidence_result *);

/*
 * Scores the query (of a normalised message) against every document,
 * ignoring document number skip (or none when skip is (size_t)-1:
 * leave-one-out evaluation).  scratch is per thread and comes from
 * evidence_scratch_new.
 */
struct evidence_scratch;
struct evidence_scratch *evidence_scratch_new(const struct evidence *);
void		 evidence_scratch_free(struct evidence_scratch **);
void		 evidence_score(const struct evidence *,
		    struct evidence_scratch *, const struct evidence_query *,
		    size_t skip, struct evidence_result *res);

/*
 * Every (term, document, count) of a built index, in term then document
 * order: for the tests, which hold it against FTS5's own index of the same
 * documents.
 */
typedef void	(*evidence_posting_fn)(void *arg, const char *term,
		    size_t doc, unsigned tf);
void		 evidence_each_posting(const struct evidence *,
		    evidence_posting_fn, void *arg);

/* Documents and distinct terms indexed. */
size_t		 evidence_docs(const struct evidence *);
size_t		 evidence_terms(const struct evidence *);

#endif
