/*
 * Every Check suite of the project, one per module; each layer's runner
 * (tests/check_<layer>.c) lists its own.
 */
#ifndef TESTS_SUITES_H
#define TESTS_SUITES_H

#include <check.h>

/* lib */
Suite	*pii_suite(void);
Suite	*text_suite(void);
Suite	*files_suite(void);
Suite	*xmalloc_suite(void);
/* kb */
Suite	*article_suite(void);
Suite	*store_suite(void);
Suite	*stem_suite(void);
/* intents */
Suite	*entities_suite(void);
Suite	*deffile_suite(void);
Suite	*editform_suite(void);
Suite	*normalize_suite(void);
Suite	*classifier_suite(void);
Suite	*prefilter_suite(void);
Suite	*calib_suite(void);
Suite	*evidence_suite(void);
Suite	*spell_suite(void);
Suite	*spelldict_suite(void);
Suite	*modelcache_suite(void);
/* mailbox */
Suite	*mail_suite(void);
Suite	*strip_suite(void);
Suite	*robot_suite(void);
Suite	*thread_suite(void);
Suite	*compose_suite(void);
Suite	*transport_suite(void);
/* agent */
Suite	*request_suite(void);
Suite	*config_suite(void);
Suite	*sla_suite(void);
Suite	*audit_suite(void);
Suite	*operator_suite(void);
Suite	*conv_suite(void);
Suite	*turn_suite(void);
Suite	*dashboard_suite(void);
Suite	*http_suite(void);
Suite	*mailchan_suite(void);
Suite	*outbox_suite(void);
Suite	*events_suite(void);
Suite	*sender_suite(void);
Suite	*mailrun_suite(void);
Suite	*mailthread_suite(void);
Suite	*workspace_suite(void);
Suite	*attach_suite(void);
Suite	*retention_suite(void);
Suite	*queue_suite(void);

/* Runs the suites of one layer; returns the process exit status. */
int	 tests_run(Suite *(*const *suites)(void), size_t n);

#endif
