/*
 * Check runner of the mailbox layer: it links only mailbox and the layers
 * below it, so a call upward fails to link.
 */
#include <stdlib.h>

#include "tests/suites.h"

static Suite *(*const suites[])(void) = { mail_suite, strip_suite, robot_suite,
    thread_suite, compose_suite, transport_suite };

int
main(void)
{
	return tests_run(suites, sizeof(suites) / sizeof(suites[0]));
}
