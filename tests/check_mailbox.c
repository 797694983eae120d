/*
 * Check runner of the mailbox layer: it links only mailbox and the layers
 * below it, so a call upward fails to link.
 */
#include <stdlib.h>

#include "tests/suites.h"

static Suite *(*const suites[])(void) = { mail_suite, strip_suite, robot_suite,
    thread_suite };

int
tests_run(Suite *(*const *list)(void), size_t n)
{
	SRunner	*sr;
	size_t	 i;
	int	 failed;

	sr = srunner_create(list[0]());
	for (i = 1; i < n; i++)
		srunner_add_suite(sr, list[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

int
main(void)
{
	return tests_run(suites, sizeof(suites) / sizeof(suites[0]));
}
