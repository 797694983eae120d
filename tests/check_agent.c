/*
 * Check runner of the agent layer: it links only agent and the layers
 * below it, so a call upward fails to link.
 */
#include <stdlib.h>

#include "tests/suites.h"

static Suite *(*const suites[])(void) = {
	request_suite, config_suite, sla_suite, audit_suite, operator_suite,
	conv_suite, http_suite, mailchan_suite, workspace_suite
};

int
main(void)
{
	return tests_run(suites, sizeof(suites) / sizeof(suites[0]));
}
