/*
 * `hotline intents calibrate FILE.jsonl...`: fits the calibration of the
 * confidence (intents/calib.h) on labelled messages and writes
 * intents/calib.def to standard output; `-f` prints the features of each
 * decision instead (one tab-separated line: id, right, features), to look
 * at them.
 *
 * Fitted offline and committed, not at load time: the held-out sets are
 * test data (tests/data), not installed, and classifying 600 messages
 * would double the categories' load.  The price is that the file must be
 * made again when the category files change much (`intents eval` shows
 * the reliability table that says so).
 */
#include "agent/cli/cmd.h"

#include <stdlib.h>
#include <string.h>

#include "agent/core/agent.h"
#include "intents/calib.h"
#include "lib/limits.h"
#include "lib/lineio.h"
#include "lib/xmalloc.h"

/* The penalty on the weights: small, so that six weights fitted on a few
 * hundred decisions with few wrong ones stay of a sane size. */
#define CALIB_L2	1.0

struct rows {
	double		*x;
	unsigned char	*y;
	size_t		 n;
	size_t		 cap;
};

static void
rows_add(struct rows *r, const double *f, int right)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 512;
		r->x = xreallocarray(r->x, r->cap, CALIB_NFEATURES *
		    sizeof(*r->x));
		r->y = xreallocarray(r->y, r->cap, 1);
	}
	memcpy(r->x + r->n * CALIB_NFEATURES, f, CALIB_NFEATURES *
	    sizeof(*f));
	r->y[r->n++] = right != 0;
}

/* Classifies every item of path, adding its decision to r (or printing
 * it with dump).  Returns the number of lines that were not items. */
static size_t
read_set(struct agent *a, const char *path, struct rows *r, int dump)
{
	struct lineio	*in;
	struct verdict	 v;
	json_error_t	 jerr;
	json_t		*item, *text;
	FILE		*fp;
	const char	*line, *gold, *id;
	double		 f[CALIB_NFEATURES];
	size_t		 len, lineno = 0, bad = 0, k;
	int		 toolong, right;

	if ((fp = fopen(path, "r")) == NULL) {
		perror(path);
		return 1;
	}
	in = lineio_new(fp, LIMIT_JSONL_LINE_BYTES);
	while (lineio_next(in, &line, &len, &toolong)) {
		lineno++;
		if (len == 0 && !toolong)
			continue;
		item = toolong ? NULL : json_loadb(line, len, JSON_ALLOW_NUL,
		    &jerr);
		text = json_object_get(item, "text");
		gold = json_string_value(json_object_get(item, "intent"));
		if (!json_is_string(text) || gold == NULL) {
			fprintf(stderr, "%s:%zu: not a labelled item\n", path,
			    lineno);
			json_decref(item);
			bad++;
			continue;
		}
		classify(a->ctx, json_string_value(text),
		    json_string_length(text), &v);
		if (v.intent != NULL) {
			right = strcmp(v.intent, gold) == 0;
			calib_features_last(a->ctx, f);
			rows_add(r, f, right);
			if (dump) {
				id = json_string_value(json_object_get(item,
				    "id"));
				printf("%s\t%d\t%s", id ? id : "-", right,
				    action_name(v.action));
				for (k = 0; k < CALIB_NFEATURES; k++)
					printf("\t%.4f", f[k]);
				printf("\n");
			}
		}
		json_decref(item);
	}
	lineio_free(&in);
	fclose(fp);
	return bad;
}

int
cmd_intents_calibrate(const struct config *cfg, int argc, char **argv)
{
	struct agent	*a;
	struct rows	 r = { NULL, NULL, 0, 0 };
	struct calib	 cal;
	const char	*why;
	char		*head, *files, *t;
	size_t		 bad = 0, right = 0, i;
	int		 dump = 0, k, rc = 1;

	if (argc >= 1 && strcmp(argv[0], "-f") == 0) {
		dump = 1;
		argc--;
		argv++;
	}
	if (argc < 1) {
		fprintf(stderr, "usage: hotline intents calibrate [-f] "
		    "FILE.jsonl...\n");
		return 2;
	}
	if (cmd_open_classifier(cfg, &a) == -1)
		return 1;
	files = xstrdup("");
	for (k = 0; k < argc; k++) {
		bad += read_set(a, argv[k], &r, dump);
		/* The file names only, not where they were on this
		 * machine: the committed file says what it was fitted on. */
		t = strrchr(argv[k], '/');
		t = xasprintf("%s %s", files, t != NULL ? t + 1 : argv[k]);
		free(files);
		files = t;
	}
	for (i = 0; i < r.n; i++)
		right += r.y[i];
	if (dump)
		rc = bad > 0;
	else if (calib_fit(r.x, r.y, r.n, CALIB_L2, &cal, &why) == -1)
		fprintf(stderr, "hotline: calibrate: %s\n", why);
	else {
		head = xasprintf(
		    "# The calibration of the classifier's confidence "
		    "(intents/calib.h):\n"
		    "# P(category right) = 1 / (1 + exp(-(bias + sum of "
		    "weight * feature))).\n"
		    "# Made by `hotline intents calibrate`, do not edit: "
		    "fitted on%s\n"
		    "# (%zu decisions, %zu with the right category).  "
		    "Make it again after the\n"
		    "# category files change, and look at the reliability "
		    "table of `intents eval`.\n", files, r.n, right);
		calib_write(&cal, head, stdout);
		free(head);
		rc = bad > 0;
	}
	free(files);
	free(r.x);
	free(r.y);
	agent_close(&a);
	return rc;
}
