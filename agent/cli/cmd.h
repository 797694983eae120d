/*
 * The verbs of the hotline command, one function each, dispatched from a
 * table in main.c.
 */
#ifndef AGENT_CMD_H
#define AGENT_CMD_H

#include <jansson.h>

#include "agent/core/config.h"
#include "intents/classifier.h"

struct agent;

/* A verb: argc/argv after the verb's own words; returns the exit status. */
typedef int	(*cmd_fn)(const struct config *, int argc, char **argv);

int	cmd_chat(const struct config *, int, char **);
int	cmd_ask(const struct config *, int, char **);
int	cmd_classify(const struct config *, int, char **);
int	cmd_kb_import(const struct config *, int, char **);
int	cmd_kb_history(const struct config *, int, char **);
int	cmd_kb_search(const struct config *, int, char **);
int	cmd_kb_show(const struct config *, int, char **);
int	cmd_kb_check(const struct config *, int, char **);
int	cmd_kb_eval(const struct config *, int, char **);
int	cmd_kb_stale(const struct config *, int, char **);
int	cmd_intents_check(const struct config *, int, char **);
int	cmd_intents_eval(const struct config *, int, char **);
int	cmd_intents_calibrate(const struct config *, int, char **);
int	cmd_intents_why(const struct config *, int, char **);
int	cmd_triage(const struct config *, int, char **);
int	cmd_request_show(const struct config *, int, char **);
int	cmd_config_show(const struct config *, int, char **);
int	cmd_serve(const struct config *, int, char **);
int	cmd_mail_fetch(const struct config *, int, char **);
int	cmd_operator_add(const struct config *, int, char **);
int	cmd_operator_list(const struct config *, int, char **);
int	cmd_operator_disable(const struct config *, int, char **);
int	cmd_operator_enable(const struct config *, int, char **);
int	cmd_operator_remove(const struct config *, int, char **);
int	cmd_operator_role(const struct config *, int, char **);
int	cmd_operator_sessions(const struct config *, int, char **);
int	cmd_audit_verify(const struct config *, int, char **);
int	cmd_audit_checkpoint(const struct config *, int, char **);
int	cmd_retention_run(const struct config *, int, char **);
int	cmd_report(const struct config *, int, char **);
int	cmd_kb_feedback(const struct config *, int, char **);

/*
 * The answer line of the eval format for verdict v of item id (a JSON
 * string or integer; NULL for none): id, intent, confidence, action,
 * entities (omitted when none), priority, lang, reason and the top
 * candidates with their confidences and scores.  Returns a new
 * reference.
 */
/*
 * Opens the agent of cfg and loads its classifier into *a_r; says why on
 * standard error and returns -1 when either fails.  Close with
 * agent_close().
 */
int	cmd_open_classifier(const struct config *, struct agent **a_r);

json_t	*cmd_verdict_json(const struct taxonomy *tax, json_t *id,
	    const struct verdict *v);

#endif
