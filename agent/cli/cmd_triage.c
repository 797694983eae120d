/*
 * `hotline triage FILE.eml…`: for each letter, the decision in the format
 * of eval/mail/expected.jsonl (file, action, intent, entities, confidence,
 * and why) without sending anything.
 */
#include "agent/cli/cmd.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/core/agent.h"
#include "agent/mail/triage.h"
#include "lib/files.h"
#include "mailbox/mail.h"

static json_t *
triage_json(const struct taxonomy *tax, const char *file,
    const struct triage *t, int verbose)
{
	json_t		*o, *ents, *full;
	const char	*slash;
	size_t		 i;

	slash = strrchr(file, '/');
	o = json_object();
	json_object_set_new(o, "file", json_string(slash ? slash + 1 : file));
	json_object_set_new(o, "action",
	    json_string(triage_action_name(t->action)));
	ents = json_object();
	if (t->action == TRIAGE_IGNORE) {
		json_object_set_new(o, "intent", json_null());
		json_object_set_new(o, "confidence", json_real(1.0));
		json_object_set_new(o, "why", json_string(t->robot));
	} else {
		json_object_set_new(o, "intent", t->verdict.intent ?
		    json_string(t->verdict.intent) : json_null());
		json_object_set_new(o, "confidence", json_real(
		    classify_round3(t->verdict.confidence)));
		json_object_set_new(o, "why", json_string(t->verdict.reason ?
		    t->verdict.reason : ""));
		json_object_set_new(o, "topic", t->verdict.topic ?
		    json_string(t->verdict.topic) : json_null());
		for (i = 0; i < t->verdict.entities.count; i++) {
			if (t->verdict.entities.items[i].type ==
			    ENTITY_PASSPORT)
				continue;
			json_object_set_new(ents, entity_type_name(
			    t->verdict.entities.items[i].type),
			    json_string(t->verdict.entities.items[i].value));
		}
	}
	json_object_set_new(o, "entities", ents);
	if (verbose && t->action != TRIAGE_IGNORE) {
		/* What the classifier saw, and what it weighed. */
		json_object_set_new(o, "text", json_string(t->text));
		full = cmd_verdict_json(tax, NULL, &t->verdict);
		json_object_set(o, "candidates",
		    json_object_get(full, "candidates"));
		json_decref(full);
	}
	return o;
}

int
cmd_triage(const struct config *cfg, int argc, char **argv)
{
	struct agent	*a;
	struct triage	 t;
	json_t		*o;
	char		*buf, *err;
	size_t		 len;
	int		 i, rc = 0, verbose = 0;

	if (argc > 0 && strcmp(argv[0], "-v") == 0) {
		verbose = 1;
		argc--;
		argv++;
	}
	if (argc < 1) {
		fprintf(stderr, "usage: hotline triage [-v] FILE.eml ...\n");
		return 2;
	}
	if (cmd_open_classifier(cfg, &a) == -1)
		return 1;
	for (i = 0; i < argc; i++) {
		if (files_read(argv[i], MAIL_MAX_BYTES, &buf, &len, &err) ==
		    -1 || triage_letter(a->ctx, buf, len, a->cfg.mail_address ?
		    a->cfg.mail_address : CONFIG_MAIL_ADDRESS_DEFAULT, &t,
		    &err) == -1) {
			o = json_object();
			json_object_set_new(o, "file", json_string(argv[i]));
			json_object_set_new(o, "error", json_string(err));
			free(err);
			rc = 1;
		} else {
			o = triage_json(classifier_taxonomy(a->classifier),
			    argv[i], &t, verbose);
			triage_release(&t);
		}
		free(buf);
		buf = NULL;
		json_dumpf(o, stdout, JSON_COMPACT | JSON_REAL_PRECISION(6));
		putchar('\n');
		json_decref(o);
	}
	agent_close(&a);
	return rc;
}
