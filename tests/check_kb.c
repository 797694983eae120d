/*
 * Check runner of the kb layer: it links only kb and the layers
 * below it, so a call upward fails to link.
 */
#include <stdlib.h>

#include "tests/suites.h"

static Suite *(*const suites[])(void) = { article_suite, store_suite,
    stem_suite };

int
main(void)
{
	return tests_run(suites, sizeof(suites) / sizeof(suites[0]));
}
