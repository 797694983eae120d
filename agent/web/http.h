/*
 * The HTTP side of `hotline serve` on libmicrohttpd: one route table
 * (method, path, who may call it, how large a body, checks on the headers
 * alone), everything decided from the headers before a body is read,
 * request bodies read with a cap, JSON parsed by jansson after a depth
 * check, errors as {"error", "message"} with the status docs/api.md
 * gives, static files of www/ (www.c), and the security headers on every
 * answer.  Handlers fill a struct http_req and never touch the daemon.
 */
#ifndef AGENT_HTTP_H
#define AGENT_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "agent/core/err.h"
#include "agent/core/operator.h"
#include "agent/web/server.h"
#include "lib/peer.h"

struct MHD_Connection;
struct MHD_Response;
struct attach_upload;

struct http_req {
	struct server		*srv;
	struct worker		*w;
	struct MHD_Connection	*conn;
	const char		*method;
	const char		*path;
	int64_t			 id;		/* the number in the path */
	const char		*body;
	size_t			 body_len;
	int64_t			 body_declared;	/* Content-Length, or -1 */
	json_t			*json;		/* the parsed body, or NULL */
	char			 ip[PEER_ADDR_MAX];	/* the citizen's */
	int			 via_proxy;	/* from a trusted proxy */
	int			 https;		/* a trusted proxy says TLS */
	time_t			 now;
	int64_t			 conv;		/* citizen routes */
	struct operator_session	 op;		/* operator routes */
	const char		*op_token;
	/* An upload: the file its body goes to, and the bytes of the
	 * address's daily quota it holds (api_chat.c). */
	struct attach_upload	*upload;
	int64_t			 quota_held;
	/* The answer. */
	int			 status;
	json_t			*out;		/* a JSON answer */
	struct MHD_Response	*resp;		/* or one the handler made */
	char			*cookie;	/* Set-Cookie */
	int			 retry_after;	/* 429, 503 */
	int			 held;		/* answered later (http_hold) */
	struct brain		*brain;		/* held meanwhile (api_chat.c) */
};

/*
 * The answer comes later, from any thread: the connection waits,
 * suspended, without holding up its thread, until http_wake once the
 * answer is set.  Only in a handler, before whatever calls http_wake.
 */
void	http_hold(struct http_req *);

/* Sends the answer req now holds; req is not to be touched after. */
void	http_wake(struct http_req *);

/* Sets a JSON answer with status; takes the reference to out. */
void	http_json(struct http_req *, int status, json_t *out);

/* Sets an error answer {"error": code-of-status, "message": message}. */
void	http_error(struct http_req *, int status, const char *message);

/* The HTTP status for a refusal or failure of the core: one table. */
int	http_status_of(enum core_err e);

/*
 * Sets the error answer for e with the core's message err (freed).  A
 * failure of the state is logged with err and answered with a message
 * that says only to try again.
 */
void	http_core_error(struct http_req *, enum core_err e, char *err);

/* A request header's value, or NULL. */
const char *http_header(struct http_req *, const char *name);

/* The operators' session cookie for value, Secure when the page came over
 * TLS (cookie_secure, or a trusted proxy says so).  The caller frees. */
char	*http_session_cookie(struct http_req *, const char *value,
	    int max_age);

/* A query argument's value, or NULL. */
const char *http_query(struct http_req *, const char *name);

/*
 * Starts the daemon on the configured address with srv's limits.  Returns
 * 0 (srv->port set), or -1 with an allocated *errstr_r.
 */
int	http_start(struct server *srv, const struct config *cfg,
	    char **errstr_r);

/* Stops the daemon: event streams end first, then every connection. */
void	http_stop(struct server *srv);

/* The deepest nesting of arrays and objects in JSON text s[0..len). */
int	http_json_depth(const char *s, size_t len);

/* The security headers every answer carries, on resp. */
void	http_secure(struct MHD_Response *resp);

#endif
