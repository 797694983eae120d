/*
 * Check runner of the web and mail rooms of agent/ (the core has its own,
 * tests/check_core.c): it links agent and the layers below it.
 */
#include <stdlib.h>

#include "tests/suites.h"

static Suite *(*const suites[])(void) = {
	http_suite, mailchan_suite, outbox_suite, events_suite,
	sender_suite, mailrun_suite, mailthread_suite
};

int
main(void)
{
	return tests_run(suites, sizeof(suites) / sizeof(suites[0]));
}
