/*
 * The checks of a request's headers (see guard.h).  Headers that may come
 * more than once are read joined (RFC 7230 section 3.2.2), so that a
 * second X-Forwarded-For or Content-Type cannot hide behind a first.
 */
#include "agent/web/guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>
#include <sodium.h>

#include "agent/core/conv.h"
#include "agent/web/limits.h"
#include "lib/log.h"
#include "lib/peer.h"
#include "lib/text.h"

/* What guard_uri hands on_request for a path with a raw NUL. */
static char	bad_path;

int
guard_bad_path(const void *con_cls)
{
	return con_cls == &bad_path;
}

/* What join_one collects. */
struct joined {
	const char	*name;
	char		*buf;
	size_t		 size;
	size_t		 len;
	int		 n;
};

static enum MHD_Result
join_one(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct joined	*j = cls;
	int		 w;

	(void)kind;
	if (key == NULL || value == NULL || strcasecmp(key, j->name) != 0)
		return MHD_YES;
	w = snprintf(j->buf + j->len, j->size - j->len, "%s%s",
	    j->n > 0 ? ", " : "", value);
	if (w < 0 || (size_t)w >= j->size - j->len)
		return MHD_NO;
	j->len += (size_t)w;
	j->n++;
	return MHD_YES;
}

const char *
guard_header(struct MHD_Connection *conn, const char *name, char *buf,
    size_t size)
{
	struct joined	j = { name, buf, size, 0, 0 };

	buf[0] = '\0';
	MHD_get_connection_values(conn, MHD_HEADER_KIND, join_one, &j);
	return j.n > 0 ? buf : NULL;
}

void
guard_client(struct http_req *req, const char *peer, int via_proxy)
{
	const struct brain	*b = req->w->brain;
	const char		*h;
	char			 buf[LIMIT_CONNECTION_BYTES], proto[16];
	enum peer_header	 kind;

	snprintf(req->ip, sizeof(req->ip), "%s", peer);
	req->https = 0;
	req->via_proxy = via_proxy;
	if (!via_proxy)
		return;
	kind = b->proxy_forwarded ? PEER_FORWARDED : PEER_XFF;
	h = guard_header(req->conn, kind == PEER_FORWARDED ? "Forwarded" :
	    "X-Forwarded-For", buf, sizeof(buf));
	peer_client(&b->proxies, peer, kind, h, req->ip, sizeof(req->ip));
	if (kind == PEER_FORWARDED)
		h = guard_header(req->conn, "Forwarded", buf, sizeof(buf));
	else
		h = guard_header(req->conn, "X-Forwarded-Proto", buf,
		    sizeof(buf));
	req->https = peer_last_value(h, kind == PEER_FORWARDED ? "proto" :
	    NULL, proto, sizeof(proto)) == 0 && strcasecmp(proto,
	    "https") == 0;
}

int
guard_origin(struct http_req *req)
{
	const char	*origin = http_header(req, "Origin"), *host = NULL, *h;
	char		 buf[LIMIT_CONNECTION_BYTES], fwd[256];

	if (origin == NULL)
		return 1;
	if (req->via_proxy) {
		if (req->w->brain->proxy_forwarded) {
			h = guard_header(req->conn, "Forwarded", buf,
			    sizeof(buf));
			if (peer_last_value(h, "host", fwd, sizeof(fwd)) == 0)
				host = fwd;
		} else {
			h = guard_header(req->conn, "X-Forwarded-Host", buf,
			    sizeof(buf));
			if (peer_last_value(h, NULL, fwd, sizeof(fwd)) == 0)
				host = fwd;
		}
	}
	if (host == NULL && (host = http_header(req, "Host")) == NULL)
		return 0;
	if (strncasecmp(origin, "https://", 8) == 0)
		origin += 8;
	else if (strncasecmp(origin, "http://", 7) == 0)
		origin += 7;
	else
		return 0;
	return strcasecmp(origin, host) == 0;
}

/* Whether req carries what a proxy adds: then it is not from this
 * machine, whatever the socket says. */
static int
forwarded(struct http_req *req)
{
	return http_header(req, "X-Forwarded-For") != NULL ||
	    http_header(req, "Forwarded") != NULL ||
	    http_header(req, "X-Real-IP") != NULL;
}

/* Whether req may read /metrics by metrics_access; else the refusal is
 * set in req. */
static int
metrics_allowed(struct http_req *req)
{
	const struct brain	*b = req->w->brain;
	const char		*h;
	unsigned char		 want[32], got[32];

	switch (config_metrics(b->cfg.metrics_access)) {
	case CONFIG_METRICS_OPEN:
		return 1;
	case CONFIG_METRICS_LOOPBACK:
		if (peer_is_loopback(req->ip) && !forwarded(req))
			return 1;
		http_error(req, 403, "/metrics is for this machine only "
		    "(metrics_access)");
		return 0;
	case CONFIG_METRICS_TOKEN:
		break;
	}
	h = http_header(req, "Authorization");
	if (h != NULL && strncmp(h, "Bearer ", 7) == 0 &&
	    b->metrics_token != NULL) {
		/* Hashed first: equal lengths for the constant-time compare. */
		crypto_generichash(want, sizeof(want), (const unsigned char *)
		    b->metrics_token, strlen(b->metrics_token), NULL, 0);
		crypto_generichash(got, sizeof(got), (const unsigned char *)
		    h + 7, strlen(h + 7), NULL, 0);
		if (sodium_memcmp(want, got, sizeof(want)) == 0)
			return 1;
	}
	http_error(req, 401, "/metrics needs its bearer token");
	return 0;
}

int
guard_credentials(struct http_req *req, enum guard_auth auth, int post)
{
	const char	*h, *t = NULL;
	char		*err = NULL;
	int		 rc;

	switch (auth) {
	case GUARD_NONE:
		return 0;
	case GUARD_METRICS:
		return metrics_allowed(req) ? 0 : -1;
	case GUARD_CITIZEN:
		h = http_header(req, "Authorization");
		if (h != NULL && strncmp(h, "Bearer ", 7) == 0)
			t = h + 7;
		break;
	case GUARD_CITIZEN_QUERY:
		t = http_query(req, "token");
		break;
	case GUARD_OPERATOR:
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
		if (post && !operator_csrf_ok(&req->op, http_header(req,
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

int64_t
guard_length(struct http_req *req)
{
	const char	*cl;
	int64_t		 v = 0;
	int		 n = 0;

	cl = http_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl == NULL || http_header(req,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL)
		return -1;
	for (; *cl >= '0' && *cl <= '9' && n < 18; cl++, n++)
		v = v * 10 + (*cl - '0');
	return n > 0 && *cl == '\0' ? v : -2;
}

int
guard_json(struct http_req *req)
{
	const char	*type;
	char		 buf[LIMIT_CONNECTION_BYTES];
	size_t		 len = sizeof("application/json") - 1;

	/* All of them: a second Content-Type must not hide behind a first. */
	type = guard_header(req->conn, MHD_HTTP_HEADER_CONTENT_TYPE, buf,
	    sizeof(buf));
	return type != NULL && strncasecmp(type, "application/json",
	    len) == 0 && (type[len] == '\0' || type[len] == ';' ||
	    type[len] == ' ');
}

/*
 * libmicrohttpd before 1.0 lets a raw NUL through, and "/chat.js\0.html"
 * would be taken for "/chat.js".  There the version follows the URI after
 * the one NUL the daemon wrote, so a URI whose C string ends earlier held
 * a NUL of its own.  Later versions refuse such a request line
 * themselves.
 */
void *
guard_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	(void)conn;
#if MHD_VERSION < 0x01000000
	if (strncmp(uri + strlen(uri) + 1, "HTTP/", 5) != 0)
		return &bad_path;
#else
	(void)uri;
#endif
	return NULL;
}

/* A NUL would end the string early, and what is left of it may mean
 * something else ("/chat.js%00.html"); left encoded, it matches nothing. */
size_t
guard_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char	*r = s, *w = s;
	int	 hi, lo;

	(void)cls;
	(void)conn;
	while (*r != '\0') {
		if (r[0] == '%' && (hi = text_hexval(r[1])) >= 0 &&
		    (lo = text_hexval(r[2])) >= 0 && (hi | lo) != 0) {
			*w++ = (char)(hi * 16 + lo);
			r += 3;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}
