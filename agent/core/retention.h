/*
 * Retention (seed 3.2.3): personal data is removed from requests closed
 * more than retention_days ago, and from bot-only conversations idle as
 * long.  Message texts become "[удалено]", attachments are deleted,
 * entities and comments cleared; the request, its number, category,
 * dates, the queue item's timings and the journal stay, so the statistics
 * and the audit trail survive.  Files of requests no operator opened go
 * sooner, after unopened_attachment_days.
 */
#ifndef AGENT_RETENTION_H
#define AGENT_RETENTION_H

#include <time.h>

#include <sqlite3.h>

/* What a removed text reads. */
#define RETENTION_REMOVED	"[удалено]"

/*
 * Scrubs every conversation due at now with retention of days days, and
 * deletes its attachments' files under attach_dir.  Each scrub commits
 * with its journal entry.  Returns the number of conversations scrubbed,
 * or -1 with an allocated *errstr_r.
 */
int	retention_run(sqlite3 *db, const char *attach_dir, int days,
	    time_t now, char **errstr_r);

/*
 * Deletes the files older than days of conversations no operator has
 * opened (taken, answered or read), as uploads nobody is going to look
 * at: their names become "[удалено]"; the rest of the conversation
 * stays.  Returns the number of conversations, or -1 with *errstr_r.
 */
int	retention_unopened(sqlite3 *db, const char *attach_dir, int days,
	    time_t now, char **errstr_r);

#endif
