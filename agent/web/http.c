/*
 * libmicrohttpd wiring.  The daemon runs a pool of threads, each with its
 * own epoll set, and allows suspended connections so that an idle event
 * stream costs a socket and a few hundred bytes.  A request goes through
 * on_request several times.  First with its headers: everything that can
 * be decided from them is decided there, before a byte of the body is
 * read: the citizen's address (believing trusted proxies only), limits,
 * the route, and then (guard.c) the declared length, the content type,
 * the Origin, the credentials, and the route's own checks; a refusal then
 * closes the connection without reading the body.  Then with body chunks: JSON is
 * kept in memory within one budget for all connections, an upload goes
 * to a temporary file, and a body past the route's cap (a chunked one
 * declares nothing) closes the connection.  Then once more to answer.
 *
 * Refusals: 400 bad JSON or too deep, 401 no credentials, 403 a wrong
 * CSRF token, another site's Origin or /metrics not for this client, 411
 * an upload without Content-Length, 413 over the cap, 415 not JSON, 429
 * too many connections from one address, 503 too many connections or
 * bodies in memory.  Connections that do not finish their headers in
 * header_timeout are closed by the watcher (watch.c).
 */
#include "agent/web/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>

#include "agent/core/attach.h"
#include "agent/core/limits.h"
#include "agent/web/api.h"
#include "agent/web/events.h"
#include "agent/web/guard.h"
#include "agent/web/limits.h"
#include "agent/web/ratelimit.h"
#include "agent/web/route.h"
#include "agent/web/watch.h"
#include "agent/web/www.h"
#include "lib/log.h"
#include "lib/peer.h"
#include "lib/xmalloc.h"

/* Connections kept free below max_connections for a 503 in JSON, and
 * above per_ip_connections for a 429 in JSON. */
#define SPARE_CONNECTIONS	16

/* What a route's body and answer are. */
#define R_JSON		0x01	/* the body is JSON */
#define R_STREAM	0x02	/* the answer is an event stream */
#define R_UPLOAD	0x04	/* the body goes to a file, not to memory */
#define R_ORIGIN	0x08	/* another site's page may not post it */

struct route {
	const char	*method;
	const char	*pattern;	/* '#' matches a decimal id */
	enum guard_auth	 auth;
	size_t		 body_max;
	int		 flags;
	/* Checks on the headers alone; -1 when it has answered. */
	int		(*head)(struct http_req *);
	void		(*fn)(struct http_req *);
	/* When the request ends, answered or not. */
	void		(*done)(struct http_req *);
};

#define OP_POST	(R_JSON | R_ORIGIN)

static const struct route routes[] = {
	{ "POST", "/api/chat/sessions", GUARD_NONE, LIMIT_BODY_BYTES, R_JSON,
	  NULL, api_chat_session, NULL },
	{ "GET", "/api/chat/conversation", GUARD_CITIZEN, 0, 0, NULL,
	  api_chat_conversation, NULL },
	{ "POST", "/api/chat/messages", GUARD_CITIZEN, LIMIT_BODY_BYTES, R_JSON,
	  NULL, api_chat_message, NULL },
	{ "POST", "/api/chat/choose", GUARD_CITIZEN, LIMIT_BODY_BYTES, R_JSON,
	  NULL, api_chat_choose, NULL },
	{ "POST", "/api/chat/handoff", GUARD_CITIZEN, LIMIT_BODY_BYTES, R_JSON,
	  NULL, api_chat_handoff, NULL },
	{ "POST", "/api/chat/attachments", GUARD_CITIZEN, LIMIT_UPLOAD_BYTES,
	  R_UPLOAD, api_chat_attachment_head, api_chat_attachment,
	  api_chat_attachment_done },
	{ "POST", "/api/chat/rating", GUARD_CITIZEN, LIMIT_BODY_BYTES, R_JSON,
	  NULL, api_chat_rating, NULL },
	{ "POST", "/api/chat/feedback", GUARD_CITIZEN, LIMIT_BODY_BYTES, R_JSON,
	  NULL, api_chat_feedback, NULL },
	{ "GET", "/api/chat/events", GUARD_CITIZEN_QUERY, 0, R_STREAM, NULL,
	  api_chat_events, NULL },
	{ "POST", "/api/operator/login", GUARD_NONE, LIMIT_BODY_BYTES, OP_POST,
	  NULL, api_op_login, NULL },
	{ "POST", "/api/operator/logout", GUARD_OPERATOR, LIMIT_BODY_BYTES,
	  OP_POST, NULL, api_op_logout, NULL },
	{ "GET", "/api/operator/me", GUARD_OPERATOR, 0, 0, NULL, api_op_me,
	  NULL },
	{ "GET", "/api/operator/queue", GUARD_OPERATOR, 0, 0, NULL,
	  api_op_queue, NULL },
	{ "GET", "/api/operator/conversations/#", GUARD_OPERATOR, 0, 0, NULL,
	  api_op_read, NULL },
	{ "POST", "/api/operator/conversations/#/take", GUARD_OPERATOR,
	  LIMIT_BODY_BYTES, OP_POST, NULL, api_op_take, NULL },
	{ "POST", "/api/operator/conversations/#/reply", GUARD_OPERATOR,
	  LIMIT_BODY_BYTES, OP_POST, NULL, api_op_reply, NULL },
	{ "POST", "/api/operator/conversations/#/transfer", GUARD_OPERATOR,
	  LIMIT_BODY_BYTES, OP_POST, NULL, api_op_transfer, NULL },
	{ "POST", "/api/operator/conversations/#/release", GUARD_OPERATOR,
	  LIMIT_BODY_BYTES, OP_POST, NULL, api_op_release, NULL },
	{ "POST", "/api/operator/conversations/#/close", GUARD_OPERATOR,
	  LIMIT_BODY_BYTES, OP_POST, NULL, api_op_close, NULL },
	{ "GET", "/api/operator/attachments/#", GUARD_OPERATOR, 0, 0, NULL,
	  api_op_attachment, NULL },
	{ "GET", "/api/operator/attachments/#/preview", GUARD_OPERATOR, 0, 0,
	  NULL, api_op_attachment_preview, NULL },
	{ "GET", "/api/operator/kb/search", GUARD_OPERATOR, 0, 0, NULL,
	  api_op_kb_search, NULL },
	{ "GET", "/api/operator/dashboard", GUARD_OPERATOR, 0, 0, NULL,
	  api_op_dashboard, NULL },
	{ "GET", "/api/operator/events", GUARD_OPERATOR, 0, R_STREAM, NULL,
	  api_op_events, NULL },
	/* The workspace (api_workspace.c). */
	{ "POST", "/api/operator/conversations/#/notes", GUARD_OPERATOR,
	  LIMIT_BODY_BYTES, OP_POST, NULL, api_ws_note, NULL },
	{ "POST", "/api/operator/conversations/#/assign", GUARD_OPERATOR,
	  LIMIT_BODY_BYTES, OP_POST, NULL, api_ws_assign, NULL },
	{ "POST", "/api/operator/conversations/#/typing", GUARD_OPERATOR,
	  LIMIT_BODY_BYTES, OP_POST, NULL, api_ws_typing, NULL },
	{ "GET", "/api/operator/colleagues", GUARD_OPERATOR, 0, 0, NULL,
	  api_ws_colleagues, NULL },
	{ "GET", "/api/operator/canned", GUARD_OPERATOR, 0, 0, NULL,
	  api_ws_canned_list, NULL },
	{ "POST", "/api/operator/canned", GUARD_OPERATOR, LIMIT_BODY_BYTES,
	  OP_POST, NULL, api_ws_canned_new, NULL },
	{ "POST", "/api/operator/canned/#", GUARD_OPERATOR, LIMIT_BODY_BYTES,
	  OP_POST, NULL, api_ws_canned_save, NULL },
	{ "POST", "/api/operator/canned/#/delete", GUARD_OPERATOR,
	  LIMIT_BODY_BYTES, OP_POST, NULL, api_ws_canned_delete, NULL },
	{ "GET", "/api/operator/search", GUARD_OPERATOR, 0, 0, NULL,
	  api_ws_search, NULL },
	{ "POST", "/api/chat/typing", GUARD_CITIZEN, LIMIT_BODY_BYTES, R_JSON,
	  NULL, api_chat_typing, NULL },
	{ "GET", "/api/kb/article", GUARD_NONE, 0, 0, NULL, api_kb_article,
	  NULL },
	{ "GET", "/metrics", GUARD_METRICS, 0, 0, NULL, api_metrics, NULL },
};

#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

/* Error codes by status, for {"error": ...}. */
static const struct {
	int		 status;
	const char	*code;
} codes[] = {
	{ 400, "bad_request" }, { 401, "unauthorized" }, { 403, "forbidden" },
	{ 404, "not_found" }, { 405, "method_not_allowed" },
	{ 409, "conflict" }, { 411, "length_required" },
	{ 413, "too_large" }, { 415, "unsupported_type" },
	{ 429, "too_many" }, { 500, "internal" }, { 503, "overloaded" },
};

/* The HTTP status of each refusal or failure of the core (docs/api.md). */
static const int core_statuses[] = {
	[CORE_OK] = 200,
	[CORE_INVALID] = 400,
	[CORE_UNAUTHORIZED] = 401,
	[CORE_FORBIDDEN] = 403,
	[CORE_NOT_FOUND] = 404,
	[CORE_CONFLICT] = 409,
	[CORE_TOO_LARGE] = 413,
	[CORE_UNSUPPORTED] = 415,
	[CORE_TOO_MANY] = 429,
	[CORE_BUSY] = 503,
	[CORE_DATABASE] = 500,
};

/* A connection, from its start to its close (the socket context). */
struct conn {
	struct watch_conn	*wc;
	char			 peer[PEER_ADDR_MAX];
	int			 trusted;	/* a trusted proxy */
};

/* What on_request keeps between its calls for one request. */
struct pending {
	const struct route	*route;
	struct conn		*c;
	struct http_req		 req;
	char			*body;		/* JSON */
	size_t			 len;
	size_t			 reserved;	/* of srv->body_bytes */
	int			 failed;	/* the upload's file failed */
};

void
http_secure(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy",
	    "default-src 'self'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
}

static const char *
status_code(int status)
{
	size_t	i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].status == status)
			return codes[i].code;
	return "error";
}

void
http_json(struct http_req *req, int status, json_t *out)
{
	json_decref(req->out);
	req->status = status;
	req->out = out;
}

void
http_error(struct http_req *req, int status, const char *message)
{
	http_json(req, status, json_pack("{s:s, s:s}", "error",
	    status_code(status), "message", message));
}

int
http_status_of(enum core_err e)
{
	if ((size_t)e >= sizeof(core_statuses) / sizeof(core_statuses[0]) ||
	    core_statuses[e] == 0)
		return 500;
	return core_statuses[e];
}

void
http_core_error(struct http_req *req, enum core_err e, char *err)
{
	int	status = http_status_of(e);

	if (status >= 500 && e != CORE_BUSY) {
		/* The reason is for the log; the client learns only that it
		 * may try again. */
		log_msg(LOG_ERROR, "%s %s: %s", req->method, req->path,
		    err != NULL ? err : "?");
		http_error(req, 500, "the server failed; please try again");
	} else
		http_error(req, status, err != NULL ? err : "refused");
	free(err);
}

void
http_hold(struct http_req *req)
{
	req->held = 1;
	MHD_suspend_connection(req->conn);
}

void
http_wake(struct http_req *req)
{
	MHD_resume_connection(req->conn);
}

const char *
http_header(struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *
http_query(struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn,
	    MHD_GET_ARGUMENT_KIND, name);
}

char *
http_session_cookie(struct http_req *req, const char *value, int max_age)
{
	return xasprintf("hl_session=%s; HttpOnly; SameSite=Strict; Path=/; "
	    "Max-Age=%d%s", value, max_age, req->https ||
	    req->w->brain->cfg.cookie_secure ? "; Secure" : "");
}

int
http_json_depth(const char *s, size_t len)
{
	size_t	i;
	int	depth = 0, max = 0, in_string = 0;

	for (i = 0; i < len; i++) {
		if (in_string) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_string = 0;
		} else if (s[i] == '"')
			in_string = 1;
		else if (s[i] == '[' || s[i] == '{') {
			if (++depth > max)
				max = depth;
		} else if (s[i] == ']' || s[i] == '}')
			depth--;
	}
	return max;
}

static enum MHD_Result
queue_json(struct MHD_Connection *conn, int status, json_t *out,
    const char *cookie, int retry_after)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 rc;
	char			*body, num[16];

	body = json_dumps(out, JSON_COMPACT);
	resp = MHD_create_response_from_buffer(strlen(body), body,
	    MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type",
	    "application/json; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	http_secure(resp);
	if (cookie != NULL)
		MHD_add_response_header(resp, "Set-Cookie", cookie);
	if (retry_after > 0) {
		snprintf(num, sizeof(num), "%d", retry_after);
		MHD_add_response_header(resp, "Retry-After", num);
	}
	rc = MHD_queue_response(conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result
refuse(struct MHD_Connection *conn, int status, const char *message,
    int retry_after)
{
	json_t		*o;
	enum MHD_Result	 rc;

	o = json_pack("{s:s, s:s}", "error", status_code(status), "message",
	    message);
	rc = queue_json(conn, status, o, NULL, retry_after);
	json_decref(o);
	return rc;
}

/* Queues the answer req holds (a JSON one, or the handler's response). */
static enum MHD_Result
send_answer(struct http_req *req)
{
	enum MHD_Result	rc;

	if (req->resp != NULL) {
		rc = MHD_queue_response(req->conn, (unsigned)(req->status ?
		    req->status : 200), req->resp);
		MHD_destroy_response(req->resp);
		req->resp = NULL;
		return rc;
	}
	if (req->out == NULL)
		http_error(req, 500, "no answer");
	rc = queue_json(req->conn, req->status, req->out, req->cookie,
	    req->retry_after);
	json_decref(req->out);
	req->out = NULL;
	return rc;
}

static void
sockaddr_text(const struct sockaddr *sa, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "-");
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    buf, (socklen_t)bufsz);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
		    (socklen_t)bufsz);
}

/* Takes n bytes of the budget for bodies in memory; -1 when it is spent. */
static int
reserve(struct server *srv, size_t n)
{
	long long	before;

	before = atomic_fetch_add(&srv->body_bytes, (long long)n);
	if (before + (long long)n <= LIMIT_BODIES_BYTES)
		return 0;
	atomic_fetch_sub(&srv->body_bytes, (long long)n);
	return -1;
}

/*
 * The checks of a request's headers, in the order that spends least on a
 * stranger.  Returns 0 to read the body, or -1 with the refusal in
 * p->req.
 */
static int
check_head(struct server *srv, struct pending *p)
{
	struct http_req		*req = &p->req;
	const struct route	*r = p->route;
	int			 body;

	req->body_declared = guard_length(req);
	body = req->body_declared > 0 || (req->body_declared == -1 &&
	    http_header(req, MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL);
	if (req->body_declared == -2) {
		http_error(req, 400, "Content-Length is not a number");
		return -1;
	}
	if (req->body_declared > (int64_t)r->body_max) {
		http_error(req, 413, "the body is too large");
		return -1;
	}
	if ((r->flags & R_UPLOAD) && req->body_declared < 0) {
		http_error(req, 411, "an upload needs its Content-Length");
		return -1;
	}
	if ((r->flags & R_JSON) && body && !guard_json(req)) {
		http_error(req, 415, "the body must be application/json");
		return -1;
	}
	if ((r->flags & R_ORIGIN) && !guard_origin(req)) {
		log_msg(LOG_WARN, "http: %s: %s %s from another site's page "
		    "refused", req->ip, req->method, req->path);
		http_error(req, 403, "not from this site's page");
		return -1;
	}
	if (guard_credentials(req, r->auth, strcmp(r->method, "POST") ==
	    0) == -1)
		return -1;
	if (r->head != NULL && r->head(req) == -1)
		return -1;
	if (!(r->flags & R_UPLOAD) && req->body_declared > 0) {
		if (reserve(srv, (size_t)req->body_declared) == -1) {
			req->retry_after = 5;
			http_error(req, 503, "too many requests at once; try "
			    "again shortly");
			return -1;
		}
		p->reserved = (size_t)req->body_declared;
	}
	return 0;
}

static struct conn *
conn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo	*ci;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

/* The first call: the headers are in. */
static enum MHD_Result
headers(struct server *srv, struct MHD_Connection *conn, const char *url,
    const char *method, void **con_cls)
{
	struct pending	*p;
	struct conn	*c = conn_of(conn);
	struct worker	*w;
	struct MHD_Response *resp;
	enum MHD_Result	 rc;
	size_t		 i;
	int64_t		 id = 0;
	int		 n;

	if (c == NULL)
		return MHD_NO;
	watch_headers(c->wc);
	if (guard_bad_path(*con_cls)) {
		*con_cls = NULL;
		return refuse(conn, 400, "a NUL in the path", 0);
	}
	if (atomic_load(&srv->nconns) >
	    atomic_load(&srv->max_connections) - SPARE_CONNECTIONS)
		return refuse(conn, 503, "too many connections; try again "
		    "shortly", 5);
	if ((w = context_worker(srv->cx)) == NULL)
		return refuse(conn, 503, "the state database is unavailable",
		    5);
	p = xcalloc(1, sizeof(*p));
	*con_cls = p;
	p->c = c;
	p->req.srv = srv;
	p->req.w = w;
	p->req.conn = conn;
	p->req.method = method;
	p->req.path = url;
	p->req.now = time(NULL);
	guard_client(&p->req, c->peer, c->trusted);
	/* Through a proxy the slot is the citizen's, for this request. */
	n = c->trusted ? watch_slot(c->wc, p->req.ip, 1) :
	    watch_slot_count(c->wc);
	if (n > atomic_load(&srv->per_ip_connections))
		return refuse(conn, 429, "too many connections from your "
		    "address", 10);
	for (i = 0; i < NROUTES; i++)
		if (strcmp(routes[i].method, method) == 0 &&
		    route_match(routes[i].pattern, url, &id))
			break;
	if (i == NROUTES) {
		if (strncmp(url, "/api/", 5) == 0 ||
		    strcmp(url, "/metrics") == 0 ||
		    (resp = www_response(srv->www_dir, method, url)) == NULL)
			return refuse(conn, 404, "no such resource", 0);
		rc = MHD_queue_response(conn, MHD_HTTP_OK, resp);
		MHD_destroy_response(resp);
		return rc;
	}
	p->route = &routes[i];
	p->req.id = id;
	if (check_head(srv, p) == -1)
		return send_answer(&p->req);
	return MHD_YES;
}

/* A piece of the body. */
static enum MHD_Result
body_chunk(struct server *srv, struct pending *p, const char *data,
    size_t len)
{
	struct http_req	*req = &p->req;
	char		*err = NULL;
	size_t		 total = p->len + len;

	if (p->route == NULL || total > p->route->body_max) {
		log_msg(LOG_WARN, "http: %s: a body over %zu bytes to %s; "
		    "connection closed", req->ip, p->route != NULL ?
		    p->route->body_max : 0, req->path);
		return MHD_NO;
	}
	if (req->upload != NULL) {
		if (!p->failed && attach_upload_write(req->upload, data, len,
		    &err) == -1) {
			log_msg(LOG_ERROR, "%s", err);
			free(err);
			p->failed = 1;
		}
		p->len = total;
		return MHD_YES;
	}
	if (total > p->reserved) {
		if (reserve(srv, total - p->reserved) == -1) {
			log_msg(LOG_WARN, "http: %s: no memory left for "
			    "bodies; connection closed", req->ip);
			return MHD_NO;
		}
		p->reserved = total;
	}
	p->body = xreallocarray(p->body, total + 1, 1);
	memcpy(p->body + p->len, data, len);
	p->len = total;
	p->body[p->len] = '\0';
	return MHD_YES;
}

/* The last call: the body is in. */
static enum MHD_Result
answer(struct server *srv, struct pending *p)
{
	struct http_req	*req = &p->req;
	json_error_t	 jerr;
	enum MHD_Result	 rc;

	if ((req->w = context_worker(srv->cx)) == NULL)
		return refuse(req->conn, 503, "the state database is "
		    "unavailable", 5);
	req->now = time(NULL);
	req->body = p->body;
	req->body_len = p->len;
	if (p->failed) {
		http_error(req, 500, "the file could not be kept; please try "
		    "again");
		return send_answer(req);
	}
	if ((p->route->flags & R_JSON) && p->len > 0) {
		if (http_json_depth(p->body, p->len) > LIMIT_JSON_DEPTH) {
			http_error(req, 400, "JSON nested too deep");
			return send_answer(req);
		}
		req->json = json_loadb(p->body, p->len, JSON_REJECT_DUPLICATES,
		    &jerr);
		if (req->json == NULL || !json_is_object(req->json)) {
			http_error(req, 400, "the body is not a JSON object");
			return send_answer(req);
		}
	}
	p->route->fn(req);
	/* Answered later: MHD calls once more when woken (on_request). */
	if (req->held)
		return MHD_YES;
	if ((p->route->flags & R_STREAM) && req->resp != NULL)
		watch_stream(p->c->wc);
	rc = send_answer(req);
	return rc;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **con_cls)
{
	struct server	*srv = cls;
	struct pending	*p = *con_cls;
	enum MHD_Result	 rc;

	(void)version;
	if (p == NULL || guard_bad_path(p))
		return headers(srv, conn, url, method, con_cls);
	if (*upload_len > 0) {
		rc = body_chunk(srv, p, upload, *upload_len);
		*upload_len = 0;
		return rc;
	}
	if (p->req.held) {
		p->req.held = 0;
		return send_answer(&p->req);
	}
	return answer(srv, p);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct server	*srv = cls;
	struct pending	*p = *con_cls;
	struct conn	*c = conn_of(conn);

	(void)toe;
	if (c != NULL)
		watch_idle(c->wc);
	if (p == NULL || guard_bad_path(p))
		return;
	if (p->route != NULL && p->route->done != NULL)
		p->route->done(&p->req);
	if (p->reserved > 0)
		atomic_fetch_sub(&srv->body_bytes, (long long)p->reserved);
	json_decref(p->req.out);
	json_decref(p->req.json);
	if (p->req.resp != NULL)
		MHD_destroy_response(p->req.resp);
	free(p->req.cookie);
	free(p->body);
	free(p);
	*con_cls = NULL;
}

/* Whether the peer at sa is a trusted proxy, by the brain in force. */
static int
trusted_peer(struct server *srv, const char *peer)
{
	struct worker	*w = context_worker(srv->cx);

	return w != NULL && peer_list_has(&w->brain->proxies, peer);
}

static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
    enum MHD_ConnectionNotificationCode toe)
{
	struct server			*srv = cls;
	struct conn			*c;
	const union MHD_ConnectionInfo	*ci;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		atomic_fetch_add(&srv->nconns, 1);
		c = xcalloc(1, sizeof(*c));
		ci = MHD_get_connection_info(conn,
		    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		sockaddr_text(ci != NULL ? ci->client_addr : NULL, c->peer,
		    sizeof(c->peer));
		ci = MHD_get_connection_info(conn,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		c->wc = watch_add(srv->watch, ci != NULL ? ci->connect_fd :
		    -1);
		/* A proxy's connections carry many citizens: each request
		 * takes a slot of its own instead. */
		c->trusted = trusted_peer(srv, c->peer);
		if (!c->trusted)
			watch_slot(c->wc, c->peer, 0);
		*socket_ctx = c;
		return;
	}
	atomic_fetch_sub(&srv->nconns, 1);
	if ((c = *socket_ctx) == NULL)
		return;
	watch_closed(c->wc);
	free(c);
	*socket_ctx = NULL;
}

/* Refuses a new connection from an address past its limit (the spare
 * ones get a 429 in JSON); a trusted proxy's are counted per citizen. */
static enum MHD_Result
on_accept(void *cls, const struct sockaddr *sa, socklen_t len)
{
	struct server	*srv = cls;
	char		 peer[PEER_ADDR_MAX];

	(void)len;
	sockaddr_text(sa, peer, sizeof(peer));
	if (trusted_peer(srv, peer))
		return MHD_YES;
	return ratelimit_add(srv->conns, peer, 0) >=
	    atomic_load(&srv->per_ip_connections) + SPARE_CONNECTIONS ?
	    MHD_NO : MHD_YES;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char	buf[512];

	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	log_msg(LOG_INFO, "http: %s", buf);
}

int
http_start(struct server *srv, const struct config *cfg, char **errstr_r)
{
	struct sockaddr_storage		 ss;
	struct sockaddr_in		*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6		*sin6 = (struct sockaddr_in6 *)&ss;
	const union MHD_DaemonInfo	*di;
	struct MHD_Daemon		*d;
	unsigned			 flags;
	char				 addr[64];
	int				 port;

	if (config_listen_parse(cfg->listen, addr, sizeof(addr),
	    &port) == -1) {
		*errstr_r = xstrdup("listen: an address and port such as "
		    "127.0.0.1:8080");
		return -1;
	}
	srv->watch = watch_new(srv->conns);
	watch_set_header_timeout(srv->watch, cfg->header_timeout);
	if (watch_start(srv->watch, errstr_r) == -1) {
		watch_free(&srv->watch);
		return -1;
	}
	memset(&ss, 0, sizeof(ss));
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
	} else {
		inet_pton(AF_INET6, addr, &sin6->sin6_addr);
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		flags |= MHD_USE_IPv6;
	}
	d = MHD_start_daemon(flags, 0, on_accept, srv, on_request, srv,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->connection_timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)LIMIT_CONNECTION_BYTES,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
	    MHD_OPTION_URI_LOG_CALLBACK, guard_uri, srv,
	    MHD_OPTION_UNESCAPE_CALLBACK, guard_unescape, srv,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
	    MHD_OPTION_END);
	if (d == NULL) {
		watch_free(&srv->watch);
		*errstr_r = xasprintf("cannot listen on %s", cfg->listen ?
		    cfg->listen : CONFIG_LISTEN_DEFAULT);
		return -1;
	}
	srv->mhd = d;
	di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di != NULL && di->port != 0 ? di->port : port;
	return 0;
}

void
http_stop(struct server *srv)
{
	if (srv->mhd == NULL)
		return;
	/* Suspended streams must be resumed before the daemon stops. */
	hub_shutdown(srv->hub);
	usleep(100 * 1000);
	MHD_stop_daemon(srv->mhd);
	srv->mhd = NULL;
	watch_free(&srv->watch);
}
