/*
 * What the bot and the system say to citizens, in data files an editor
 * can change (etc/phrases/ru.txt, en.txt: KEY = TEXT, {name} filled in by
 * the program), loaded at start and on SIGHUP like the articles.  A copy
 * of those files is built into the program (agent/core/phrases_builtin.c,
 * made from them by scripts/embed.sh), so a phrase missing from the data
 * directory is still said.  The set in force is immutable and replaced
 * whole; a thread composing a reply holds the one it started with.
 */
#ifndef AGENT_CORE_PHRASES_H
#define AGENT_CORE_PHRASES_H

#include <stdio.h>

#include "intents/normalize.h"

/* Where the phrase files are, under the data directory. */
#define PHRASES_DIR	"etc/phrases"

enum phrase_key {
	PH_REGISTERED,		/* reply.registered {number} */
	PH_PRIORITY,		/* reply.priority {level} */
	PH_CLARIFY,
	PH_CLARIFY_SERVICE,
	PH_CLARIFY_TAIL,
	PH_EMPTY,
	PH_HANDOFF,		/* {number} */
	PH_HANDOFF_DISTRESS,	/* {number} */
	PH_ASPECT_FROM,		/* {title} */
	PH_ASPECT_MORE,		/* {article} */
	PH_PRIORITY_CRITICAL,	/* priority.critical ... low, by
				   PRIORITY_* order */
	PH_PRIORITY_HIGH,
	PH_PRIORITY_MEDIUM,
	PH_PRIORITY_LOW,
	PH_JOINED,		/* queue.joined {name} */
	PH_JOINED_ANON,
	PH_WAITING_LONG,	/* {minutes} */
	PH_RELEASED,
	PH_CLOSED_RATE,
	PH_TRANSFERRED,
	PH_MAIL_GREETING,
	PH_MAIL_ACK,		/* {number} {hours} */
	PH_MAIL_FOOTER,		/* {number} */
	PH_MAIL_AUTOMATIC,
	PH_MAIL_SIGN,
	PH_MAIL_OP_SIGN,
	PH_MAIL_SUBJECT,
	PH_MAIL_FROM_NAME,
	PH_COUNT
};

/*
 * The text of key in lang with each {name} replaced by its value: the
 * arguments after key are name, value pairs ending with NULL.  A {name}
 * without a value stays as it is.  Returns an allocated string.
 */
char	*phrase_say(enum lang lang, enum phrase_key key, ...);

/*
 * Reads dir/ru.txt and dir/en.txt over the built-in copy and puts the
 * result in force; a missing file leaves the built-in phrases of its
 * language.  Each problem goes to errs as "file:line: reason".  Returns 0,
 * or -1 when anything was wrong (the phrases in force stay).
 */
int	 phrases_load(const char *dir, FILE *errs);

/*
 * Checks text[0..len), the contents of file, as a phrase file without
 * putting anything in force: the parser alone, for tests and fuzzing.
 * Returns the number of problems reported to errs (NULL: none printed).
 */
int	 phrases_check(const char *file, const char *text, size_t len,
	    FILE *errs);

/* Frees the phrases in force, at exit (the built-in copy remains). */
void	 phrases_clear(void);

#endif
