/*
 * Check runner of agent/core: it links only the core and the layers below
 * it (intents, kb, lib), so a call from the core into the web or mail
 * room, or into libmicrohttpd or libetpan, fails to link.
 */
#include <stdlib.h>

#include "tests/suites.h"

static Suite *(*const suites[])(void) = {
	request_suite, config_suite, sla_suite, audit_suite, operator_suite,
	conv_suite, turn_suite, dashboard_suite, workspace_suite, attach_suite,
	retention_suite, queue_suite
};

int
main(void)
{
	return tests_run(suites, sizeof(suites) / sizeof(suites[0]));
}
