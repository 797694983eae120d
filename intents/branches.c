/*
 * Branches of an anchored pattern, each compiled when it first runs.  The
 * compiled code is the one thing threads write to loaded branches: made
 * aside, published once by an atomic compare-and-swap (a thread that loses
 * the race frees its own), as rules.c publishes a pattern's JIT copy.
 */
#include "intents/branches.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xmalloc.h"

/* A branch's code, made when it first runs and never changed after. */
struct branch_code {
	pcre2_code		*code;
	int			 jit;		/* JIT-compiled: run it so */
};

struct branch {
	char			*text;		/* as needles_units read it */
	_Atomic(struct branch_code *) ready;
};

struct branches {
	struct branch		*b;
	size_t			 n;
	uint32_t		 options;
};

/* Stands for a branch that did not compile apart. */
static struct branch_code	failed;

/*
 * Whether pattern sets an option inline ("(?i)", "(?x:"): one set in a
 * branch reaches the branches after it, so no branch stands alone.
 */
static int
inline_options(const char *p)
{
	for (; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (p[0] == '(' && p[1] == '?' && p[2] != '\0' &&
		    strchr("imnsxJU-^", p[2]) != NULL)
			return 1;
	}
	return 0;
}

struct branches *
branches_new(const char *pattern, const struct needle_unit *nu, size_t n,
    uint32_t options)
{
	struct branches	*bs;
	size_t		 i;

	if (inline_options(pattern))
		return NULL;
	bs = xcalloc(1, sizeof(*bs));
	bs->b = xcalloc(n, sizeof(*bs->b));
	bs->n = n;
	bs->options = options;
	for (i = 0; i < n; i++)
		bs->b[i].text = xstrdup(nu[i].text);
	return bs;
}

void
branches_free(struct branches **bsp)
{
	struct branches		*bs = *bsp;
	struct branch_code	*bc;
	size_t			 i;

	if (bs == NULL)
		return;
	for (i = 0; i < bs->n; i++) {
		bc = atomic_load(&bs->b[i].ready);
		if (bc != NULL && bc != &failed) {
			pcre2_code_free(bc->code);
			free(bc);
		}
		free(bs->b[i].text);
	}
	free(bs->b);
	free(bs);
	*bsp = NULL;
}

size_t
branches_count(const struct branches *bs)
{
	return bs->n;
}

/* Branch b's code, compiled and JIT-compiled now if it was not. */
static const struct branch_code *
code_of(const struct branches *bs, struct branch *b)
{
	struct branch_code	*bc, *none = NULL;
	pcre2_code		*code;
	PCRE2_SIZE		 off;
	int			 ec;

	if ((bc = atomic_load_explicit(&b->ready, memory_order_acquire)) !=
	    NULL)
		return bc;
	if ((code = pcre2_compile((PCRE2_SPTR)b->text, PCRE2_ZERO_TERMINATED,
	    bs->options, &ec, &off, NULL)) == NULL)
		bc = &failed;
	else {
		bc = xmalloc(sizeof(*bc));
		bc->code = code;
		bc->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
	}
	if (!atomic_compare_exchange_strong_explicit(&b->ready, &none, bc,
	    memory_order_acq_rel, memory_order_acquire)) {
		if (bc != &failed) {
			pcre2_code_free(bc->code);
			free(bc);
		}
		return none;	/* another thread was first */
	}
	return bc;
}

int
branches_match(struct branches *bs, size_t b, const char *text, size_t len,
    size_t start, pcre2_match_data *md, pcre2_match_context *mc)
{
	const struct branch_code	*bc = code_of(bs, &bs->b[b]);

	if (bc == &failed)
		return BRANCHES_WHOLE;
	if (bc->jit)
		return pcre2_jit_match(bc->code, (PCRE2_SPTR)text, len, start,
		    0, md, mc);
	return pcre2_match(bc->code, (PCRE2_SPTR)text, len, start, 0, md,
	    mc);
}
