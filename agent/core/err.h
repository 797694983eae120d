/*
 * Why the core refused or failed an action, in its own words: the web
 * room maps each to an HTTP status (agent/web/http.c, one table), the
 * command line to a message, and the core never speaks HTTP.
 */
#ifndef AGENT_CORE_ERR_H
#define AGENT_CORE_ERR_H

enum core_err {
	CORE_OK = 0,
	CORE_INVALID,		/* the input is not acceptable */
	CORE_UNAUTHORIZED,	/* wrong or missing credentials */
	CORE_FORBIDDEN,		/* the role may not do this */
	CORE_NOT_FOUND,		/* no such thing */
	CORE_CONFLICT,		/* not in the state this needs */
	CORE_TOO_LARGE,		/* over a size limit */
	CORE_UNSUPPORTED,	/* a kind of content not taken */
	CORE_TOO_MANY,		/* a count, quota or rate is used up */
	CORE_BUSY,		/* try again shortly */
	CORE_DATABASE		/* the state (database, files) failed */
};

#endif
