/*
 * The static files of www/: the chat page, the console, their scripts and
 * pictures.  A path is served only when every component is a plain name
 * (letters, digits, '-', '_', '.', never leading '.'), and the file is
 * opened one component at a time under www/ without following a symbolic
 * link, so that nothing an editor links into www/ leads out of it.
 */
#ifndef AGENT_WWW_H
#define AGENT_WWW_H

struct MHD_Response;

/*
 * The answer to method (GET or HEAD) for path under the directory dir: a
 * response with its Content-Type, or NULL when there is no such file (the
 * caller answers 404).
 */
struct MHD_Response *www_response(const char *dir, const char *method,
	    const char *path);

#endif
