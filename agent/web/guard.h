/*
 * What a request's headers say about it, checked before a byte of its
 * body is read (http.c decides the order): who sent it, believing a
 * trusted proxy's word only; whether it came from this site's page; its
 * declared length and type; its credentials, and who may read /metrics.
 * Also the two libmicrohttpd callbacks that see the request line first,
 * so that a NUL in a path never shortens it into another path.
 */
#ifndef AGENT_GUARD_H
#define AGENT_GUARD_H

#include <stddef.h>
#include <stdint.h>

#include "agent/web/http.h"

/* Who may call a route. */
enum guard_auth {
	GUARD_NONE,
	GUARD_CITIZEN,		/* Authorization: Bearer */
	GUARD_CITIZEN_QUERY,	/* ?token= (EventSource) */
	GUARD_OPERATOR,		/* cookie; POST also X-CSRF-Token */
	GUARD_METRICS		/* metrics_access */
};

/*
 * Fills req->ip, req->https and req->via_proxy for a request from peer:
 * the peer, or when via_proxy (peer is a trusted proxy) the citizen the
 * proxy names and whether the proxy says the page came over TLS.
 */
void	guard_client(struct http_req *req, const char *peer, int via_proxy);

/* Whether an Origin header, when there is one, names this server: the
 * host and port of Host (or of a trusted proxy's forwarded host). */
int	guard_origin(struct http_req *req);

/*
 * Checks the caller for auth; post: the request is a POST (an operator's
 * then needs X-CSRF-Token).  Returns 0 with req->conv or req->op filled,
 * or -1 with the error answer (401, 403, 500) set in req.
 */
int	guard_credentials(struct http_req *req, enum guard_auth auth,
	    int post);

/* The declared length: Content-Length, or -1 (none, or chunked), or -2
 * when it is not a number. */
int64_t	guard_length(struct http_req *req);

/* Whether the Content-Type (every one the request has) is JSON. */
int	guard_json(struct http_req *req);

/*
 * The values of every header called name, joined with ", ", in
 * buf[0..size); NULL when there is none (or they do not fit).
 */
const char *guard_header(struct MHD_Connection *conn, const char *name,
	    char *buf, size_t size);

/* MHD_OPTION_URI_LOG_CALLBACK: the request line's URI before anything of
 * it is decoded.  Its result is on_request's *con_cls, for which
 * guard_bad_path says whether the path held a raw NUL (answer 400). */
void	*guard_uri(void *cls, const char *uri, struct MHD_Connection *conn);
int	 guard_bad_path(const void *con_cls);

/* MHD_OPTION_UNESCAPE_CALLBACK: decodes %HH in place (RFC 3986 section
 * 2.1), except %00, which stays as it is.  Returns the new length. */
size_t	 guard_unescape(void *cls, struct MHD_Connection *conn, char *s);

#endif
