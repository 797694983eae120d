/*
 * Verbs for content editors working on categories: check (lint every file,
 * see that each example still lands in its own category, warn about lines
 * hard to read or doing nothing, and measure the files), eval (quality on
 * a labelled set, with what went wrong where) and why (everything behind
 * one decision).
 */
#include "agent/cli/cmd.h"

#include <stdlib.h>
#include <string.h>

#include "agent/core/agent.h"
#include "intents/calib.h"
#include "intents/eval.h"
#include "intents/lint.h"
#include "intents/why.h"
#include "lib/limits.h"
#include "lib/lineio.h"
#include "lib/xmalloc.h"

static void
to_stderr(void *arg, const char *msg)
{
	size_t	*n = arg;

	fprintf(stderr, "%s\n", msg);
	(*n)++;
}

int
cmd_intents_check(const struct config *cfg, int argc, char **argv)
{
	struct agent		*a;
	const struct def_set	*defs;
	const struct def_intent	*d;
	struct verdict		 v;
	struct lint_size	 size;
	size_t			 i, j, nex = 0, bad = 0, skip, nwarn = 0;
	size_t			 loo_right = 0, loo_answered = 0;
	int			 nerr = 0, loo = 0;

	if (argc == 1 && strcmp(argv[0], "-l") == 0)
		loo = 1;
	else if (argc != 0) {
		fprintf(stderr, "usage: hotline intents check [-l]\n");
		return 2;
	}
	if (cmd_open_classifier(cfg, &a) == -1)
		return 1;
	defs = classifier_defs(a->classifier);
	for (i = 0; i < defs->n; i++) {
		d = &defs->intents[i];
		if (d->nexamples == 0) {
			fprintf(stderr, "%s:%zu: \"%s\" has no examples\n",
			    d->file, d->line, d->id);
			nerr++;
		}
		for (j = 0; j < d->nexamples; j++) {
			nex++;
			if (loo) {
				/* Would the example be understood had the
				 * editor not written it?  A measure of how
				 * well the category generalises. */
				skip = classifier_example_doc(a->classifier, i,
				    j);
				classify_skip(a->ctx, d->examples[j],
				    strlen(d->examples[j]), skip, &v);
				if (v.action == ACTION_ANSWER ||
				    v.action == ACTION_HANDOFF ||
				    v.action == ACTION_DECLINE) {
					loo_answered++;
					loo_right += v.intent != NULL &&
					    strcmp(v.intent, d->id) == 0;
				}
				continue;
			}
			classify(a->ctx, d->examples[j],
			    strlen(d->examples[j]), &v);
			if (v.intent != NULL && strcmp(v.intent, d->id) == 0)
				continue;
			bad++;
			fprintf(stderr, "%s:%zu: example classifies as %s "
			    "(%s, %.2f), not %s: %s\n", d->file,
			    d->example_lines[j], v.intent ? v.intent : "none",
			    action_name(v.action), v.confidence, d->id,
			    d->examples[j]);
		}
	}
	if (loo)
		printf("leave-one-out: %zu of %zu examples decided, %zu right "
		    "(%.3f of decided, %.3f of all)\n", loo_answered, nex,
		    loo_right, loo_answered ? (double)loo_right /
		    (double)loo_answered : 0, nex ? (double)loo_right /
		    (double)nex : 0);
	if (!loo)
		lint_warn(a->classifier, a->ctx, to_stderr, &nwarn);
	printf("%zu categories, %zu patterns, %zu examples, %zu documents "
	    "indexed; %zu example(s) classify elsewhere\n", defs->n,
	    classifier_patterns(a->classifier), nex,
	    classifier_documents(a->classifier), bad);
	lint_size(defs, &size);
	lint_size_print(&size, stdout);
	if (!loo)
		printf("%zu warning(s)\n", nwarn);
	agent_close(&a);
	return nerr > 0 || bad > 0 ? 1 : 0;
}

/* "type=value\n" lines of an eval-format entities object. */
static char *
entity_lines(json_t *ents)
{
	const char	*k;
	json_t		*v, *x;
	char		*s = xstrdup(""), *t;
	size_t		 i;

	if (!json_is_object(ents))
		return s;
	json_object_foreach(ents, k, v) {
		if (json_is_string(v)) {
			t = xasprintf("%s%s=%s\n", s, k, json_string_value(v));
			free(s);
			s = t;
		} else if (json_is_array(v)) {
			json_array_foreach(v, i, x) {
				if (!json_is_string(x))
					continue;
				t = xasprintf("%s%s=%s\n", s, k,
				    json_string_value(x));
				free(s);
				s = t;
			}
		}
	}
	return s;
}

static const char *
str_or_null(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int
cmd_intents_eval(const struct config *cfg, int argc, char **argv)
{
	struct agent	*a;
	struct eval	*ev;
	struct lineio	*in;
	struct verdict	 v;
	struct calib_table tab;
	json_error_t	 jerr;
	json_t		*item, *got, *id;
	FILE		*fp;
	const char	*line, *gold, *expect;
	char		*gold_ents, *got_ents, idbuf[32];
	size_t		 len, lineno = 0;
	int		 toolong, nerr = 0, verbose = 0, right;

	if (argc >= 1 && strcmp(argv[0], "-v") == 0) {
		verbose = 1;
		argc--;
		argv++;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: hotline intents eval [-v] FILE.jsonl\n");
		return 2;
	}
	if ((fp = fopen(argv[0], "r")) == NULL) {
		perror(argv[0]);
		return 1;
	}
	if (cmd_open_classifier(cfg, &a) == -1) {
		fclose(fp);
		return 1;
	}
	ev = eval_new(classifier_taxonomy(a->classifier));
	memset(&tab, 0, sizeof(tab));
	in = lineio_new(fp, LIMIT_JSONL_LINE_BYTES);
	while (lineio_next(in, &line, &len, &toolong)) {
		lineno++;
		if (len == 0 && !toolong)
			continue;
		item = toolong ? NULL : json_loadb(line, len, JSON_ALLOW_NUL,
		    &jerr);
		if (item == NULL || !json_is_string(json_object_get(item,
		    "text"))) {
			fprintf(stderr, "%s:%zu: not an eval item\n", argv[0],
			    lineno);
			json_decref(item);
			nerr++;
			continue;
		}
		classify(a->ctx, str_or_null(item, "text"),
		    json_string_length(json_object_get(item, "text")), &v);
		id = json_object_get(item, "id");
		got = cmd_verdict_json(classifier_taxonomy(a->classifier), id,
		    &v);
		gold_ents = entity_lines(json_object_get(item, "entities"));
		got_ents = entity_lines(json_object_get(got, "entities"));
		if (json_is_string(id))
			snprintf(idbuf, sizeof(idbuf), "%s",
			    json_string_value(id));
		else
			snprintf(idbuf, sizeof(idbuf), "%zu", lineno);
		eval_add(ev, idbuf, str_or_null(item, "intent"),
		    str_or_null(item, "expect"), str_or_null(item, "priority"),
		    gold_ents, v.intent, v.action,
		    def_priority_name(v.priority), got_ents);
		if (verbose && (v.intent == NULL || str_or_null(item,
		    "intent") == NULL || strcmp(v.intent,
		    str_or_null(item, "intent")) != 0 ||
		    v.action != ACTION_ANSWER))
			printf("%-6s %-26s -> %-26s %-8s %.2f  %s\n", idbuf,
			    str_or_null(item, "intent"),
			    v.intent ? v.intent : "-", action_name(v.action),
			    v.confidence, str_or_null(item, "text"));
		/* Does the confidence say how often the category is right?
		 * A wrong answer is the scorer's: the wrong category, or an
		 * answer where a person or a decline was expected. */
		gold = str_or_null(item, "intent");
		expect = str_or_null(item, "expect");
		if (v.intent != NULL && gold != NULL) {
			right = strcmp(v.intent, gold) == 0;
			calib_table_add(&tab, v.confidence, right,
			    v.action == ACTION_ANSWER, !right ||
			    (expect != NULL && strcmp(expect, "answer") != 0));
		}
		free(gold_ents);
		free(got_ents);
		json_decref(got);
		json_decref(item);
	}
	if (!classifier_calibrated(a->classifier))
		printf("no intents/calib.def: confidences are the rules' "
		    "softmax, not probabilities\n");
	calib_table_print(&tab, stdout);
	printf("\n");
	eval_report(ev, stdout);
	eval_free(&ev);
	lineio_free(&in);
	fclose(fp);
	agent_close(&a);
	return nerr > 0 ? 1 : 0;
}

int
cmd_intents_why(const struct config *cfg, int argc, char **argv)
{
	struct agent	*a;
	struct verdict	 v;
	char		*text;
	size_t		 len = 0;
	int		 i;

	if (argc < 1) {
		fprintf(stderr, "usage: hotline intents why TEXT\n");
		return 2;
	}
	/* The words of the message, unquoted or not. */
	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	text = xmalloc(len + 1);
	text[0] = '\0';
	for (i = 0; i < argc; i++) {
		strcat(text, argv[i]);
		if (i + 1 < argc)
			strcat(text, " ");
	}
	if (cmd_open_classifier(cfg, &a) == -1) {
		free(text);
		return 1;
	}
	why_print(a->classifier, a->ctx, text, strlen(text), &v, stdout);
	free(text);
	agent_close(&a);
	return 0;
}
