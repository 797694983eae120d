/*
 * Opening the agent with its classifier, for the verbs that classify: one
 * way to say why it failed.
 */
#include "agent/cli/cmd.h"

#include <stdio.h>
#include <stdlib.h>

#include "agent/core/agent.h"

int
cmd_open_classifier(const struct config *cfg, struct agent **a_r)
{
	char	*err;

	if (agent_open(cfg, a_r, &err) == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
		return -1;
	}
	if (agent_load_classifier(*a_r, stderr) == -1) {
		fprintf(stderr, "hotline: the categories did not load "
		    "(see above; hotline intents check)\n");
		agent_close(a_r);
		return -1;
	}
	return 0;
}
