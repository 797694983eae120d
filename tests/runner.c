/*
 * The one Check runner loop every layer's test program uses.
 */
#include <stdlib.h>

#include "tests/suites.h"

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
