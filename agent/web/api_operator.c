/*
 * The operators' API (docs/api.md, "Operators") and /metrics.  http.c has
 * checked the session cookie and, for POST, the CSRF token; the queue
 * functions check ownership and roles (queue_permit, one table for every
 * action) and journal what was done.
 */
#include "agent/core/agent.h"
#include "agent/web/api.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "agent/core/metrics.h"
#include "agent/core/queue.h"
#include "agent/core/workspace.h"
#include "agent/web/events.h"
#include "agent/web/limits.h"
#include "kb/article.h"
#include "kb/search.h"
#include "kb/store.h"
#include "lib/log.h"
#include "lib/xmalloc.h"

/* Hits of an operator's knowledge-base search. */
#define KB_HITS		10

static void
fail(struct http_req *req, enum core_err why, char *err)
{
	http_core_error(req, why, err);
}

static const char *
string_field(struct http_req *req, const char *name)
{
	json_t	*v = req->json != NULL ? json_object_get(req->json, name) :
	    NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_t *
who(const struct operator_session *s)
{
	return json_pack("{s:{s:s, s:s}, s:s}", "operator", "name", s->name,
	    "role", s->role, "csrf", s->csrf);
}

void
api_op_login(struct http_req *req)
{
	struct operator_session	 s;
	const char		*name, *pw;
	char			 token[OPERATOR_TOKEN_MAX], *err = NULL;
	enum core_err			 why;
	int			 retry;

	name = string_field(req, "name");
	pw = string_field(req, "password");
	if (name == NULL || pw == NULL) {
		http_error(req, 400, "\"name\" and \"password\" are needed");
		return;
	}
	if (operator_login(req->w->db, name, pw, req->ip, req->now, token,
	    &s, &why, &retry, &err) == -1) {
		req->retry_after = retry;
		fail(req, why, err);
		return;
	}
	req->cookie = http_session_cookie(req, token, OPERATOR_SESSION_TTL);
	http_json(req, 200, who(&s));
}

void
api_op_logout(struct http_req *req)
{
	char	*err = NULL;

	if (operator_logout(req->w->db, req->op_token, req->now,
	    &err) == -1) {
		fail(req, CORE_DATABASE, err);
		return;
	}
	/* The streams opened with this session end now. */
	hub_recheck(req->srv->hub);
	req->cookie = http_session_cookie(req, "", 0);
	http_json(req, 200, json_object());
}

void
api_op_me(struct http_req *req)
{
	http_json(req, 200, who(&req->op));
}

void
api_op_queue(struct http_req *req)
{
	json_t	*out;
	char	*err = NULL;

	if ((out = workspace_queue(req->w->db, req->op.name, req->op.role,
	    req->now, &err)) == NULL) {
		fail(req, CORE_DATABASE, err);
		return;
	}
	http_json(req, 200, out);
}

void
api_op_read(struct http_req *req)
{
	json_t	*out;
	char	*err = NULL;
	enum core_err	 why;

	if (queue_read(req->w->db, req->id, req->op.name, req->op.role,
	    req->now, &out, &why, &err) == -1) {
		fail(req, why, err);
		return;
	}
	workspace_read(req->w->db, req->op.name, req->id, out);
	http_json(req, 200, out);
}

/*
 * Content-Disposition for a file the citizen named name (RFC 6266 4.1,
 * RFC 8187 3.2): kind ("attachment" or "inline"), an ASCII fallback and
 * the UTF-8 name percent-encoded.  The caller frees.
 */
static char *
disposition(const char *kind, const char *name)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	char			*ascii, *enc, *out;
	size_t			 i = 0, j = 0, len = strlen(name);

	ascii = xmalloc(len + 1);
	enc = xmalloc(3 * len + 1);
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		ascii[i++] = *p >= 0x20 && *p < 0x7f && *p != '"' &&
		    *p != '\\' ? (char)*p : '_';
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p)
		    != NULL)
			enc[j++] = (char)*p;
		else {
			enc[j++] = '%';
			enc[j++] = hex[*p >> 4];
			enc[j++] = hex[*p & 15];
		}
	}
	ascii[i] = '\0';
	enc[j] = '\0';
	out = xasprintf("%s; filename=\"%s\"; filename*=UTF-8''%s",
	    kind, ascii, enc);
	free(ascii);
	free(enc);
	return out;
}

/*
 * The types the console previews: the browser draws them itself (an
 * image, its PDF viewer) and none of them runs our origin's scripts.  Any
 * other type an upload may one day take is downloaded only.
 */
static const char *const preview_types[] = {
	"image/png", "image/jpeg", "application/pdf",
};

static int
previewable(const char *type)
{
	size_t	i;

	for (i = 0; i < sizeof(preview_types) / sizeof(preview_types[0]); i++)
		if (strcmp(type, preview_types[i]) == 0)
			return 1;
	return 0;
}

/*
 * Sends attachment req->id to an operator who may read its conversation
 * (queue_attachment checks and journals): as a download, or, for the
 * preview, inline in a sandbox.
 */
static void
send_attachment(struct http_req *req, int preview)
{
	struct queue_file	 f;
	struct stat		 sb;
	char			*path, *cd, *err = NULL;
	enum core_err			 why;
	int			 fd;

	if (queue_attachment(req->w->db, req->id, req->op.name, req->op.role,
	    req->now, &f, &why, &err) == -1) {
		fail(req, why, err);
		return;
	}
	if (strlen(f.sha256) != 64 || strspn(f.sha256,
	    "0123456789abcdef") != 64) {
		queue_file_free(&f);
		fail(req, 500, xstrdup("attachment: a bad file name"));
		return;
	}
	if (preview && !previewable(f.type)) {
		queue_file_free(&f);
		http_error(req, 415, "no preview of this type: download it");
		return;
	}
	path = xasprintf("%s/%s", req->srv->cx->attach_dir, f.sha256);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		if (fd != -1)
			close(fd);
		free(path);
		queue_file_free(&f);
		http_error(req, 404, "the file is gone");
		return;
	}
	free(path);
	/* The response owns fd now. */
	req->resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
	if (req->resp == NULL) {
		close(fd);
		queue_file_free(&f);
		fail(req, 500, xstrdup("attachment: no response"));
		return;
	}
	cd = disposition(preview ? "inline" : "attachment", f.name);
	/* The type was checked on upload and is never sniffed.  A download
	 * is never shown by the browser as a page of ours (http_secure).  A
	 * preview is shown, in a frame of the console only, and sandboxed:
	 * whatever a file holds runs without our origin, its cookies or
	 * scripts. */
	MHD_add_response_header(req->resp, "Content-Type", f.type);
	MHD_add_response_header(req->resp, "Content-Disposition", cd);
	MHD_add_response_header(req->resp, "Cache-Control", "private, "
	    "no-store");
	if (preview) {
		MHD_add_response_header(req->resp, "Content-Security-Policy",
		    "sandbox; default-src 'none'; img-src 'self'; "
		    "frame-ancestors 'self'");
		MHD_add_response_header(req->resp, "X-Content-Type-Options",
		    "nosniff");
		MHD_add_response_header(req->resp, "Referrer-Policy",
		    "no-referrer");
		MHD_add_response_header(req->resp, "X-Frame-Options",
		    "SAMEORIGIN");
	} else
		http_secure(req->resp);
	req->status = 200;
	free(cd);
	queue_file_free(&f);
}

void
api_op_attachment(struct http_req *req)
{
	send_attachment(req, 0);
}

void
api_op_attachment_preview(struct http_req *req)
{
	send_attachment(req, 1);
}

/* Wakes the conversation's citizen and the operators' consoles. */
static void
changed(struct http_req *req)
{
	hub_publish(req->srv->hub, req->id, 1);
}

void
api_op_take(struct http_req *req)
{
	json_t	*item;
	char	*err = NULL;
	enum core_err	 why;

	if (queue_take(req->w->db, req->id, req->op.name, req->op.role,
	    req->now, &item, &why, &err) == -1) {
		fail(req, why, err);
		return;
	}
	changed(req);
	http_json(req, 200, json_pack("{s:o}", "item", item));
}

void
api_op_reply(struct http_req *req)
{
	json_t	*t, *msg;
	char	*err = NULL;
	enum core_err	 why;

	t = req->json != NULL ? json_object_get(req->json, "text") : NULL;
	if (!json_is_string(t)) {
		http_error(req, 400, "\"text\" must be a string");
		return;
	}
	if (queue_reply(req->w->db, req->id, req->op.name, req->op.role,
	    json_string_value(t), json_string_length(t),
	    string_field(req, "key"), req->now, &msg, &why, &err) == -1) {
		fail(req, why, err);
		return;
	}
	changed(req);
	http_json(req, 200, json_pack("{s:o}", "message", msg));
}

void
api_op_transfer(struct http_req *req)
{
	json_t	*item;
	char	*err = NULL;
	enum core_err	 why;

	if (queue_transfer(req->w->db, req->id, req->op.name, req->op.role,
	    string_field(req, "queue"), req->now, &item, &why,
	    &err) == -1) {
		fail(req, why, err);
		return;
	}
	changed(req);
	http_json(req, 200, json_pack("{s:o}", "item", item));
}

void
api_op_release(struct http_req *req)
{
	char	*err = NULL;
	enum core_err	 why;

	if (queue_release(req->w->db, req->id, req->op.name, req->op.role,
	    req->now, &why, &err) == -1) {
		fail(req, why, err);
		return;
	}
	changed(req);
	http_json(req, 200, json_object());
}

void
api_op_close(struct http_req *req)
{
	char	*err = NULL;
	enum core_err	 why;

	if (queue_close(req->w->db, req->id, req->op.name, req->op.role,
	    string_field(req, "resolution"), req->now, &why,
	    &err) == -1) {
		fail(req, why, err);
		return;
	}
	changed(req);
	http_json(req, 200, json_object());
}

void
api_op_kb_search(struct http_req *req)
{
	struct kb_hit	*hits = NULL;
	struct article	*a;
	const char	*q, *lang;
	json_t		*arr, *h;
	char		*err = NULL;
	size_t		 n = 0, i;

	q = http_query(req, "q");
	lang = http_query(req, "lang");
	if (q == NULL || strlen(q) > LIMIT_KB_QUERY_BYTES) {
		http_error(req, 400, "q is the text to search for");
		return;
	}
	if (lang != NULL && strcmp(lang, "ru") != 0 && strcmp(lang, "en") != 0)
		lang = NULL;
	if (kb_search(req->w->db, q, strlen(q), lang, KB_HITS, &hits, &n,
	    &err) == -1) {
		fail(req, CORE_DATABASE, err);
		return;
	}
	arr = json_array();
	for (i = 0; i < n; i++) {
		h = json_pack("{s:s, s:s, s:s, s:s}", "id", hits[i].id, "lang",
		    hits[i].lang, "title", hits[i].title, "snippet",
		    hits[i].snippet);
		a = NULL;
		if (kb_store_get(req->w->db, hits[i].id, hits[i].lang, &a,
		    &err) == 1) {
			json_object_set_new(h, "summary",
			    json_string(a->summary));
			article_free(&a);
		} else {
			free(err);
			err = NULL;
		}
		json_array_append_new(arr, h);
	}
	kb_hits_free(hits, n);
	http_json(req, 200, json_pack("{s:o}", "hits", arr));
}

void
api_kb_article(struct http_req *req)
{
	struct article	*a = NULL;
	const char	*id, *lang;
	char		*err = NULL, *html;
	int		 rc;

	id = http_query(req, "id");
	lang = http_query(req, "lang");
	if (id == NULL || strlen(id) == 0 || strlen(id) > 64) {
		http_error(req, 400, "id is an article id");
		return;
	}
	if (lang == NULL || (strcmp(lang, "ru") != 0 && strcmp(lang, "en") !=
	    0))
		lang = "ru";
	if ((rc = kb_store_get(req->w->db, id, lang, &a, &err)) == 0 &&
	    strcmp(lang, "ru") != 0)
		rc = kb_store_get(req->w->db, id, "ru", &a, &err);
	if (rc == -1) {
		fail(req, CORE_DATABASE, err);
		return;
	}
	if (rc == 0) {
		http_error(req, 404, "no such article");
		return;
	}
	html = reply_html(a->body);
	http_json(req, 200, json_pack("{s:s, s:s, s:s, s:s}", "id", a->id,
	    "lang", a->lang, "title", a->title, "html", html));
	free(html);
	article_free(&a);
}

void
api_metrics(struct http_req *req)
{
	char	*text, *err = NULL;

	if ((text = metrics_render(req->w->db, req->now, &err)) == NULL) {
		fail(req, CORE_DATABASE, err);
		return;
	}
	req->resp = MHD_create_response_from_buffer(strlen(text), text,
	    MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(req->resp, "Content-Type",
	    "text/plain; version=0.0.4; charset=utf-8");
	http_secure(req->resp);
	req->status = 200;
}
