/*
 * Check runner of the intents layer: it links only intents and the layers
 * below it, so a call upward fails to link.
 */
#include <stdlib.h>

#include "tests/suites.h"

static Suite *(*const suites[])(void) = { entities_suite, deffile_suite,
    editform_suite, normalize_suite, classifier_suite,
    prefilter_suite, calib_suite, evidence_suite, spell_suite,
    spelldict_suite, modelcache_suite };

int
main(void)
{
	return tests_run(suites, sizeof(suites) / sizeof(suites[0]));
}
