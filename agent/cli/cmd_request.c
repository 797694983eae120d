/*
 * `hotline request show NUMBER`: a registered request, for operators and
 * for citizens quoting their number on the phone.
 */
#include "agent/cli/cmd.h"

#include <stdlib.h>
#include <string.h>

#include "agent/core/agent.h"

int
cmd_request_show(const struct config *cfg, int argc, char **argv)
{
	struct agent	*a;
	struct request	*r = NULL;
	char		*err;
	int		 rc;

	if (argc != 1) {
		fprintf(stderr, "usage: hotline request show NUMBER\n");
		return 2;
	}
	if (agent_open(cfg, &a, &err) == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
		return 1;
	}
	rc = request_find(a->db, argv[0], &r, &err);
	if (rc == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
	} else if (rc == 0)
		fprintf(stderr, "hotline: no request %s\n", argv[0]);
	else {
		request_print(r, stdout);
		request_free(&r);
	}
	agent_close(&a);
	return rc == 1 ? 0 : 1;
}

int
cmd_config_show(const struct config *cfg, int argc, char **argv)
{
	config_print(cfg, stdout);
	return 0;
}
