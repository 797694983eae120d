/*
 * Check runner of the lib layer: it links only lib and the layers
 * below it, so a call upward fails to link.
 */
#include <stdlib.h>

#include "tests/suites.h"

static Suite *(*const suites[])(void) = { pii_suite, text_suite, files_suite,
    xmalloc_suite };

int
main(void)
{
	return tests_run(suites, sizeof(suites) / sizeof(suites[0]));
}
