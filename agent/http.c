/*
 * libmicrohttpd wiring.  The daemon runs a pool of threads, each with its
 * own epoll set, and allows suspended connections so that an idle event
 * stream costs a socket and a few hundred bytes.  A request goes through
 * on_request several times: first with its headers (route, limits, early
 * refusals), then with body chunks (copied up to the route's cap), then
 * once more to answer.  Refusals: 413 over the cap, 400 bad JSON or too
 * deep, 401 no credentials, 403 a wrong CSRF token, 429 too many
 * connections from one address, 503 too many connections at all.
 */
#include "agent/http.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "agent/api.h"
#include "agent/conv.h"
#include "agent/events.h"
#include "agent/ratelimit.h"
#include "lib/log.h"
#include "lib/xmalloc.h"

/* Connections kept free below max_connections for a 503 in JSON. */
#define SPARE_CONNECTIONS	16
/* Memory of one connection for its headers and buffers: an idle event
 * stream's main cost, and plenty for a browser's request headers (bodies
 * pass through in pieces). */
#define CONNECTION_MEMORY	(8 * 1024)
/* A static file of www/: pages, scripts, pictures. */
#define STATIC_MAX		(4 * 1024 * 1024)

enum auth {
	AUTH_NONE,
	AUTH_CITIZEN,		/* Authorization: Bearer */
	AUTH_CITIZEN_QUERY,	/* ?token= (EventSource) */
	AUTH_OPERATOR		/* cookie; POST also X-CSRF-Token */
};

struct route {
	const char	*method;
	const char	*pattern;	/* '#' matches a decimal id */
	enum auth	 auth;
	size_t		 body_max;
	int		 json;		/* the body is JSON */
	void		(*fn)(struct http_req *);
};

static const struct route routes[] = {
	{ "POST", "/api/chat/sessions", AUTH_NONE, SERVE_BODY_MAX, 1,
	  api_chat_session },
	{ "GET", "/api/chat/conversation", AUTH_CITIZEN, 0, 0,
	  api_chat_conversation },
	{ "POST", "/api/chat/messages", AUTH_CITIZEN, SERVE_BODY_MAX, 1,
	  api_chat_message },
	{ "POST", "/api/chat/choose", AUTH_CITIZEN, SERVE_BODY_MAX, 1,
	  api_chat_choose },
	{ "POST", "/api/chat/handoff", AUTH_CITIZEN, SERVE_BODY_MAX, 1,
	  api_chat_handoff },
	{ "POST", "/api/chat/attachments", AUTH_CITIZEN, SERVE_UPLOAD_MAX, 0,
	  api_chat_attachment },
	{ "POST", "/api/chat/rating", AUTH_CITIZEN, SERVE_BODY_MAX, 1,
	  api_chat_rating },
	{ "GET", "/api/chat/events", AUTH_CITIZEN_QUERY, 0, 0,
	  api_chat_events },
	{ "POST", "/api/operator/login", AUTH_NONE, SERVE_BODY_MAX, 1,
	  api_op_login },
	{ "POST", "/api/operator/logout", AUTH_OPERATOR, SERVE_BODY_MAX, 1,
	  api_op_logout },
	{ "GET", "/api/operator/me", AUTH_OPERATOR, 0, 0, api_op_me },
	{ "GET", "/api/operator/queue", AUTH_OPERATOR, 0, 0, api_op_queue },
	{ "GET", "/api/operator/conversations/#", AUTH_OPERATOR, 0, 0,
	  api_op_read },
	{ "POST", "/api/operator/conversations/#/take", AUTH_OPERATOR,
	  SERVE_BODY_MAX, 1, api_op_take },
	{ "POST", "/api/operator/conversations/#/reply", AUTH_OPERATOR,
	  SERVE_BODY_MAX, 1, api_op_reply },
	{ "POST", "/api/operator/conversations/#/transfer", AUTH_OPERATOR,
	  SERVE_BODY_MAX, 1, api_op_transfer },
	{ "POST", "/api/operator/conversations/#/release", AUTH_OPERATOR,
	  SERVE_BODY_MAX, 1, api_op_release },
	{ "POST", "/api/operator/conversations/#/close", AUTH_OPERATOR,
	  SERVE_BODY_MAX, 1, api_op_close },
	{ "GET", "/api/operator/kb/search", AUTH_OPERATOR, 0, 0,
	  api_op_kb_search },
	{ "GET", "/api/operator/events", AUTH_OPERATOR, 0, 0, api_op_events },
	{ "GET", "/api/kb/article", AUTH_NONE, 0, 0, api_kb_article },
	{ "GET", "/metrics", AUTH_NONE, 0, 0, api_metrics },
};

#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

/* Error codes by status, for {"error": ...}. */
static const struct {
	int		 status;
	const char	*code;
} codes[] = {
	{ 400, "bad_request" }, { 401, "unauthorized" }, { 403, "forbidden" },
	{ 404, "not_found" }, { 405, "method_not_allowed" },
	{ 409, "conflict" }, { 413, "too_large" },
	{ 415, "unsupported_type" }, { 429, "too_many" },
	{ 500, "internal" }, { 503, "overloaded" },
};

/* Content types of www/ by suffix. */
static const struct {
	const char	*suffix;
	const char	*type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".webmanifest", "application/manifest+json" },
};

/* Pages of www/ by path. */
static const struct {
	const char	*path;
	const char	*file;
} pages[] = {
	{ "/", "index.html" },
	{ "/operator", "operator.html" },
	{ "/operator/", "operator.html" },
};

/* What on_request keeps between its calls for one request. */
struct pending {
	const struct route	*route;
	int64_t			 id;
	char			*body;
	size_t			 len;
	int			 refused;	/* answered already */
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

/* Matches path against pattern; a '#' takes a decimal id into *id_r. */
static int
match(const char *pattern, const char *path, int64_t *id_r)
{
	int64_t	id;
	int	n;

	while (*pattern != '\0') {
		if (*pattern == '#') {
			for (id = 0, n = 0; *path >= '0' && *path <= '9' &&
			    n < 15; path++, n++)
				id = id * 10 + (*path - '0');
			if (n == 0 || (*path >= '0' && *path <= '9'))
				return 0;
			*id_r = id;
			pattern++;
			continue;
		}
		if (*pattern++ != *path++)
			return 0;
	}
	return *path == '\0';
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

static const char *
content_type(const char *path)
{
	size_t	i, plen = strlen(path), slen;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		slen = strlen(types[i].suffix);
		if (plen > slen && strcmp(path + plen - slen,
		    types[i].suffix) == 0)
			return types[i].type;
	}
	return "application/octet-stream";
}

/* Whether path names a file under www/: no "..", no hidden names. */
static int
safe_path(const char *path)
{
	size_t	i;

	if (path[0] != '/' || strlen(path) > 256)
		return 0;
	for (i = 0; path[i] != '\0'; i++) {
		if (path[i] == '/' && path[i + 1] == '.')
			return 0;
		if (!((path[i] >= 'a' && path[i] <= 'z') ||
		    (path[i] >= 'A' && path[i] <= 'Z') ||
		    (path[i] >= '0' && path[i] <= '9') || path[i] == '/' ||
		    path[i] == '.' || path[i] == '-' || path[i] == '_'))
			return 0;
	}
	return 1;
}

static enum MHD_Result
serve_static(struct server *srv, struct MHD_Connection *conn,
    const char *method, const char *path)
{
	struct MHD_Response	*resp;
	struct stat		 sb;
	const char		*file = NULL;
	char			*full;
	enum MHD_Result		 rc;
	size_t			 i;
	int			 fd;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return refuse(conn, 404, "no such resource", 0);
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (strcmp(pages[i].path, path) == 0)
			file = pages[i].file;
	if (file == NULL) {
		if (!safe_path(path) || path[strlen(path) - 1] == '/')
			return refuse(conn, 404, "no such resource", 0);
		file = path + 1;
	}
	full = xasprintf("%s/%s", srv->www_dir, file);
	fd = open(full, O_RDONLY | O_CLOEXEC);
	free(full);
	if (fd == -1 || fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > STATIC_MAX) {
		if (fd != -1)
			close(fd);
		return refuse(conn, 404, "no such resource", 0);
	}
	resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
	MHD_add_response_header(resp, "Content-Type", content_type(file));
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	http_secure(resp);
	rc = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return rc;
}

static void
client_ip(struct MHD_Connection *conn, char *buf, size_t bufsz)
{
	const union MHD_ConnectionInfo	*ci;
	const struct sockaddr		*sa;

	snprintf(buf, bufsz, "-");
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    buf, (socklen_t)bufsz);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
		    (socklen_t)bufsz);
}

/* Checks the caller of req's route; fills in who it is or an error. */
static int
authenticate(struct http_req *req, const struct route *r)
{
	const char	*h, *t = NULL;
	char		*err = NULL;
	int		 rc;

	switch (r->auth) {
	case AUTH_NONE:
		return 0;
	case AUTH_CITIZEN:
		h = http_header(req, "Authorization");
		if (h != NULL && strncmp(h, "Bearer ", 7) == 0)
			t = h + 7;
		break;
	case AUTH_CITIZEN_QUERY:
		t = http_query(req, "token");
		break;
	case AUTH_OPERATOR:
		req->op_token = MHD_lookup_connection_value(req->conn,
		    MHD_COOKIE_KIND, "hl_session");
		rc = operator_auth(req->w->db, req->op_token, req->now,
		    &req->op, &err);
		if (rc == -1) {
			log_msg(LOG_ERROR, "%s", err);
			free(err);
			http_error(req, 500, "the state database failed");
			return -1;
		}
		if (rc == 0) {
			http_error(req, 401, "sign in first");
			return -1;
		}
		if (strcmp(r->method, "POST") == 0 &&
		    !operator_csrf_ok(&req->op, http_header(req,
		    "X-CSRF-Token"))) {
			http_error(req, 403, "missing or wrong X-CSRF-Token");
			return -1;
		}
		return 0;
	}
	if (t == NULL || (rc = conv_auth(req->w->db, t, strlen(t),
	    &req->conv, &err)) == 0) {
		http_error(req, 401, "a chat session token is needed");
		return -1;
	}
	if (rc == -1) {
		log_msg(LOG_ERROR, "%s", err);
		free(err);
		http_error(req, 500, "the state database failed");
		return -1;
	}
	return 0;
}

static enum MHD_Result
answer(struct server *srv, struct MHD_Connection *conn, const char *method,
    const char *path, struct pending *p)
{
	struct http_req	 req;
	json_error_t	 jerr;
	enum MHD_Result	 rc;

	memset(&req, 0, sizeof(req));
	req.srv = srv;
	req.conn = conn;
	req.method = method;
	req.path = path;
	req.id = p->id;
	req.body = p->body;
	req.body_len = p->len;
	req.now = time(NULL);
	client_ip(conn, req.ip, sizeof(req.ip));
	if ((req.w = serve_worker(srv)) == NULL)
		return refuse(conn, 503, "the state database is unavailable",
		    5);
	if (authenticate(&req, p->route) == -1)
		goto out;
	if (p->route->json && p->len > 0) {
		if (http_json_depth(p->body, p->len) > SERVE_JSON_DEPTH) {
			http_error(&req, 400, "JSON nested too deep");
			goto out;
		}
		req.json = json_loadb(p->body, p->len, JSON_REJECT_DUPLICATES,
		    &jerr);
		if (req.json == NULL || !json_is_object(req.json)) {
			http_error(&req, 400, "the body is not a JSON object");
			goto out;
		}
	}
	p->route->fn(&req);
out:
	if (req.resp != NULL) {
		rc = MHD_queue_response(conn, (unsigned)(req.status ?
		    req.status : 200), req.resp);
		MHD_destroy_response(req.resp);
	} else {
		if (req.out == NULL)
			http_error(&req, 500, "no answer");
		rc = queue_json(conn, req.status, req.out, req.cookie,
		    req.retry_after);
	}
	json_decref(req.out);
	json_decref(req.json);
	free(req.cookie);
	return rc;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **con_cls)
{
	struct server	*srv = cls;
	struct pending	*p = *con_cls;
	const char	*cl;
	size_t		 i;
	char		 ip[64];
	int64_t		 id = 0;
	long long	 want;

	if (p == NULL) {
		if (atomic_load(&srv->nconns) >
		    atomic_load(&srv->max_connections) - SPARE_CONNECTIONS)
			return refuse(conn, 503, "too many connections; try "
			    "again shortly", 5);
		client_ip(conn, ip, sizeof(ip));
		if (ratelimit_add(srv->conns, ip, 0) >
		    atomic_load(&srv->per_ip_connections))
			return refuse(conn, 429, "too many connections from "
			    "your address", 10);
		for (i = 0; i < NROUTES; i++)
			if (strcmp(routes[i].method, method) == 0 &&
			    match(routes[i].pattern, url, &id))
				break;
		if (i == NROUTES) {
			if (strncmp(url, "/api/", 5) == 0 ||
			    strcmp(url, "/metrics") == 0)
				return refuse(conn, 404, "no such resource",
				    0);
			return serve_static(srv, conn, method, url);
		}
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		want = cl != NULL ? strtoll(cl, NULL, 10) : 0;
		if (want < 0 || (size_t)want > routes[i].body_max)
			return refuse(conn, 413, "the body is too large", 0);
		p = xcalloc(1, sizeof(*p));
		p->route = &routes[i];
		p->id = id;
		*con_cls = p;
		return MHD_YES;
	}
	if (*upload_len > 0) {
		if (!p->refused && p->len + *upload_len > p->route->body_max) {
			p->refused = 1;
			free(p->body);
			p->body = NULL;
			p->len = 0;
		}
		if (!p->refused) {
			p->body = xreallocarray(p->body, p->len + *upload_len +
			    1, 1);
			memcpy(p->body + p->len, upload, *upload_len);
			p->len += *upload_len;
			p->body[p->len] = '\0';
		}
		*upload_len = 0;
		return MHD_YES;
	}
	if (p->refused)
		return refuse(conn, 413, "the body is too large", 0);
	return answer(srv, conn, method, url, p);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct pending	*p = *con_cls;

	if (p == NULL)
		return;
	free(p->body);
	free(p);
	*con_cls = NULL;
}

static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
    enum MHD_ConnectionNotificationCode toe)
{
	struct server	*srv = cls;
	char		 ip[64];

	client_ip(conn, ip, sizeof(ip));
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		atomic_fetch_add(&srv->nconns, 1);
		ratelimit_add(srv->conns, ip, 1);
	} else {
		atomic_fetch_sub(&srv->nconns, 1);
		ratelimit_add(srv->conns, ip, -1);
	}
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char	buf[512];

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
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)cfg->per_ip_connections + SPARE_CONNECTIONS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->connection_timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
	    MHD_OPTION_END);
	if (d == NULL) {
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
}
