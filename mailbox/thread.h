/*
 * Threading keys in a subject: the request number a reply carries
 * ("Re: [№ 2026-000123] ...") after any reply and forward prefixes in the
 * languages our citizens' mailers speak, and the subject without those
 * prefixes and our tag, for composing "[№ 2026-000123] <subject>".
 */
#ifndef MAILBOX_THREAD_H
#define MAILBOX_THREAD_H

#include "lib/reqnum.h"

/*
 * Finds a request number YYYY-NNNNNN (six digits or more, any dash) in
 * subject: bare right after the prefixes (Re:, Fwd:, Ответ:, Отв:,
 * Пересл:, AW:, WG:, ..., with counts such as "Re[2]:"), or anywhere as a
 * tag: "[№ 2026-000123]", "[2026-000123]", "№2026-000123", "#2026-000123".
 * Returns 1 and writes the number with an ASCII '-' to number_r, or 0.
 */
int	 thread_subject_number(const char *subject,
	    char number_r[REQNUM_SIZE]);

/*
 * Returns subject without its leading prefixes and without our first
 * "[№ ...]" tag, white space collapsed and trimmed: a new string the
 * caller frees.
 */
char	*thread_clean_subject(const char *subject);

#endif
