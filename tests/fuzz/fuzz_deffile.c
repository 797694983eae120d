/*
 * libFuzzer harness for the editors' category files: deffile_parse on any
 * bytes, the editor forms and lists it collected turned into PCRE2
 * (editform_resolve: no crash, no runaway size, cycles and unknown lists
 * told), then every pattern compiled with PCRE2 and matched
 * against the input and against each example, normalised, under the
 * match limits, once with the literal prefilter and once without (it must
 * never change a result).
 * Besides the sanitizers' checks it holds the parser to its contract: one
 * callback per counted error, each "fuzz.intent:line: reason"; ids,
 * weights, priorities and lines in range; nothing empty; and a second
 * parse of the same file adds no category (each is a duplicate).
 * Corpus: tests/fuzz/corpus/deffile.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intents/deffile.h"
#include "intents/editform.h"
#include "intents/normalize.h"
#include "intents/rules.h"
#include "lib/limits.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)
#define NAME		"fuzz.intent"

struct count {
	size_t	n;
};

static void
on_error(void *arg, const char *msg)
{
	struct count	*c = arg;

	CHECK(msg != NULL);
	CHECK(strncmp(msg, NAME ":", strlen(NAME ":")) == 0);
	c->n++;
}

static size_t
count_lines(const char *s, size_t len)
{
	size_t	i, n = 1;

	for (i = 0; i < len; i++)
		if (s[i] == '\n')
			n++;
	return n;
}

static void
check_set(const struct def_set *set, size_t maxline)
{
	const struct def_intent		*d;
	const struct def_pattern	*p;
	size_t				 i, j;

	CHECK(set->n <= LIMIT_INTENTS);
	for (i = 0; i < set->n; i++) {
		d = &set->intents[i];
		CHECK(d->id != NULL && d->id[0] != '\0');
		CHECK(deffile_find(set, d->id) == d);
		CHECK(d->line >= 1 && d->line <= maxline);
		CHECK(strcmp(d->file, NAME) == 0);
		CHECK(d->register_request >= -1 && d->register_request <= 1);
		CHECK(d->default_priority == PRIORITY_NONE ||
		    def_priority_name(d->default_priority) != NULL);
		CHECK(d->action == NULL || strcmp(d->action, "answer") == 0 ||
		    strcmp(d->action, "handoff") == 0 ||
		    strcmp(d->action, "decline") == 0);
		CHECK(d->npatterns <= LIMIT_RULES_PER_INTENT);
		for (j = 0; j < d->npatterns; j++) {
			p = &d->patterns[j];
			CHECK(p->source[0] != '\0');
			CHECK(p->pattern == NULL);
			CHECK(p->line > d->line && p->line <= maxline);
			switch (p->kind) {
			case DEF_RULE:
			case DEF_ONLY:
				CHECK(p->weight >= 1 && p->weight <= 10);
				break;
			case DEF_NOT:
				break;
			case DEF_PRIORITY:
				CHECK(def_priority_name(p->priority) != NULL);
				break;
			default:
				CHECK(0);
			}
		}
		CHECK(d->nexamples <= LIMIT_EXAMPLES_PER_INTENT);
		for (j = 0; j < d->nexamples; j++) {
			CHECK(d->examples[j][0] != '\0');
			CHECK(d->example_lines[j] > d->line &&
			    d->example_lines[j] <= maxline);
		}
	}
}

#define MAX_SUBJECTS	8

/*
 * Matches text, normalised as the classifier does, once with the literal
 * prefilter and once without: the prefilter may only skip patterns that
 * cannot match, so the results are the same.
 */
static void
match_both_ways(const struct rules *r, struct rules_scratch *sc,
    size_t ncats, const char *text, size_t len)
{
	struct rules_result	 res, all;
	struct normalized	 nm;
	size_t			 i, lead, tail;
	int			 prio;

	res.score = calloc(ncats + 1, sizeof(*res.score));
	res.vetoed = calloc(ncats + 1, 1);
	res.alone = calloc(ncats + 1, 1);
	all.score = calloc(ncats + 1, sizeof(*all.score));
	all.vetoed = calloc(ncats + 1, 1);
	all.alone = calloc(ncats + 1, 1);
	CHECK(res.score != NULL && res.vetoed != NULL && all.score != NULL &&
	    all.vetoed != NULL && res.alone != NULL && all.alone != NULL);
	normalize_message(text, len, &nm);
	rules_scratch_prefilter(sc, 1);
	rules_match(r, sc, nm.match, nm.match_len, &res);
	rules_scratch_prefilter(sc, 0);
	rules_match(r, sc, nm.match, nm.match_len, &all);
	CHECK(res.n == ncats && all.n == ncats);
	for (i = 0; i < ncats; i++) {
		CHECK(res.score[i] >= 0);
		CHECK(res.score[i] == all.score[i]);
		CHECK(res.vetoed[i] == all.vetoed[i]);
		CHECK(res.alone[i] == all.alone[i]);
		prio = rules_priority(r, sc, i, nm.match, nm.match_len);
		CHECK(prio == PRIORITY_NONE || def_priority_name(prio) != NULL);
	}
	/* The small talk around the question lies within the message, and
	 * what is cut starts and ends on whole characters. */
	rules_small_talk(r, sc, nm.match, nm.match_len, &lead, &tail);
	CHECK(lead + tail <= nm.match_len);
	CHECK(lead == 0 || lead == nm.match_len ||
	    ((unsigned char)nm.match[lead] & 0xc0) != 0x80);
	CHECK(tail == 0 || ((unsigned char)nm.match[nm.match_len - tail] &
	    0xc0) != 0x80);
	normalize_release(&nm);
	free(res.score);
	free(res.vetoed);
	free(all.score);
	free(all.vetoed);
	free(res.alone);
	free(all.alone);
}

/*
 * Compiles every pattern, then matches the whole input and each example
 * on its own (a pattern's own line holds its literals, so the whole input
 * alone would hide a prefilter that skips a pattern wrongly).
 */
static void
compile_and_match(struct def_set *set, const char *text, size_t len)
{
	struct rules		*r = NULL;
	struct rules_scratch	*sc;
	struct count		 c = { 0 };
	const char		*ex;
	int			*map;
	size_t			 i, j, n, made, total = 0, subjects = 0;

	map = calloc(set->n + 1, sizeof(*map));
	CHECK(map != NULL);
	for (i = 0; i < set->n; i++)
		map[i] = (int)i;
	n = editform_resolve(set, on_error, &c);
	CHECK(n == c.n);
	for (i = 0; i < set->n; i++)
		for (j = 0; j < set->intents[i].npatterns; j++)
			if (set->intents[i].patterns[j].pattern != NULL) {
				CHECK(strlen(set->intents[i].patterns[j].
				    pattern) < LIMIT_EDITOR_REGEX_BYTES);
				total++;
			}
	c.n = 0;
	n = rules_compile(set, map, set->n, &r, on_error, &c);
	CHECK(r != NULL && n == c.n);
	made = rules_count(r);
	CHECK(made + n == total);
	sc = rules_scratch_new(r);
	match_both_ways(r, sc, set->n, text, len);
	for (i = 0; i < set->n && subjects < MAX_SUBJECTS; i++) {
		for (j = 0; j < set->intents[i].nexamples &&
		    subjects < MAX_SUBJECTS; j++, subjects++) {
			ex = set->intents[i].examples[j];
			match_both_ways(r, sc, set->n, ex, strlen(ex));
		}
	}
	rules_scratch_free(&sc);
	rules_free(&r);
	CHECK(r == NULL);
	free(map);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*text = (const char *)data;
	struct def_set	 set = { 0 };
	struct count	 c = { 0 };
	size_t		 nerr, n;

	nerr = deffile_parse(NAME, text, size, &set, on_error, &c);
	CHECK(nerr == c.n);
	check_set(&set, count_lines(text, size));
	if (size <= 16 * 1024)
		compile_and_match(&set, text, size);
	/* Every category of a second copy is a duplicate. */
	n = set.n;
	c.n = 0;
	nerr = deffile_parse(NAME, text, size, &set, on_error, &c);
	CHECK(nerr == c.n && set.n == n);
	CHECK(n == 0 || nerr >= n);
	deffile_set_clear(&set);
	CHECK(set.n == 0 && set.intents == NULL);
	return 0;
}
