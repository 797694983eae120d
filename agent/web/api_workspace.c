/*
 * The console's workspace API (docs/api.md, "The workspace"): notes,
 * assignment to a colleague, canned responses, the search of closed
 * conversations and typing signals both ways.  http.c has checked the
 * session and, for POST, the CSRF token and the Origin; workspace.c,
 * canned.c and wsearch.c ask queue_permit and journal.
 */
#include "agent/web/api.h"
#include "agent/core/agent.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/canned.h"
#include "agent/core/conv.h"
#include "agent/core/workspace.h"
#include "agent/core/wsearch.h"
#include "agent/web/events.h"
#include "lib/log.h"
#include "lib/xmalloc.h"

/* The core's reason, as HTTP by web/http.c's one table. */
static void
fail(struct http_req *req, enum core_err why, char *err)
{
	http_core_error(req, why, err);
}

/* A string field of the body, NULL when absent; *bad set when present
 * but not a string. */
static const char *
field(struct http_req *req, const char *name, int *bad)
{
	json_t	*v;

	v = req->json != NULL ? json_object_get(req->json, name) : NULL;

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

void
api_ws_note(struct http_req *req)
{
	json_t	*t, *note;
	char	*err = NULL;
	enum core_err	 why;

	t = req->json != NULL ? json_object_get(req->json, "text") : NULL;
	if (!json_is_string(t)) {
		http_error(req, 400, "\"text\" must be a string");
		return;
	}
	if (workspace_note_add(req->w->db, req->id, req->op.name, req->op.role,
	    json_string_value(t), json_string_length(t), req->now, &note,
	    &why, &err) == -1) {
		fail(req, why, err);
		return;
	}
	/* Colleagues' consoles show the count; never the citizen's page. */
	hub_publish(req->srv->hub, 0, 1);
	http_json(req, 201, json_pack("{s:o}", "note", note));
}

void
api_ws_assign(struct http_req *req)
{
	const char	*to, *note;
	char		*err = NULL;
	enum core_err	 why;
	int		 bad = 0;

	to = field(req, "to", &bad);
	note = field(req, "note", &bad);
	if (bad || to == NULL) {
		http_error(req, 400, "\"to\" names a colleague, \"note\" is "
		    "text");
		return;
	}
	if (workspace_assign(req->w->db, req->id, req->op.name, req->op.role,
	    to, note, req->now, &why, &err) == -1) {
		fail(req, why, err);
		return;
	}
	hub_publish(req->srv->hub, req->id, 1);
	http_json(req, 200, json_object());
}

void
api_ws_colleagues(struct http_req *req)
{
	json_t	*arr;
	char	*err = NULL;

	if ((arr = workspace_colleagues(req->w->db, req->now, &err)) == NULL) {
		fail(req, CORE_DATABASE, err);
		return;
	}
	http_json(req, 200, json_pack("{s:o}", "operators", arr));
}

void
api_ws_canned_list(struct http_req *req)
{
	json_t	*arr;
	char	*err = NULL, *display;

	if ((arr = canned_list(req->w->db, &err)) == NULL) {
		fail(req, CORE_DATABASE, err);
		return;
	}
	/* {name} is what citizens see of this operator. */
	display = operator_display_name(req->w->db, req->op.name);
	http_json(req, 200, json_pack("{s:o, s:{s:o}}", "canned", arr,
	    "fill", "name", display != NULL ? json_string(display) :
	    json_null()));
	free(display);
}

static void
canned_write(struct http_req *req, int64_t id)
{
	const char	*title, *text, *lang;
	json_t		*out;
	char		*err = NULL;
	enum core_err	 why;
	int		 bad = 0;

	title = field(req, "title", &bad);
	text = field(req, "text", &bad);
	lang = field(req, "lang", &bad);
	if (bad) {
		http_error(req, 400, "\"title\", \"text\" and \"lang\" are "
		    "strings");
		return;
	}
	if (canned_save(req->w->db, id, req->op.name, req->op.role, title,
	    text, lang != NULL ? lang : "ru", req->now, &out, &why,
	    &err) == -1) {
		fail(req, why, err);
		return;
	}
	http_json(req, id == 0 ? 201 : 200, json_pack("{s:o}", "canned",
	    out));
}

void
api_ws_canned_new(struct http_req *req)
{
	canned_write(req, 0);
}

void
api_ws_canned_save(struct http_req *req)
{
	canned_write(req, req->id);
}

void
api_ws_canned_delete(struct http_req *req)
{
	char	*err = NULL;
	enum core_err	 why;

	if (canned_delete(req->w->db, req->id, req->op.name, req->op.role,
	    req->now, &why, &err) == -1) {
		fail(req, why, err);
		return;
	}
	http_json(req, 200, json_object());
}

/* Query argument name as Unix seconds: 0 absent, -1 bad. */
static int64_t
seconds(struct http_req *req, const char *name)
{
	const char	*s = http_query(req, name);
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0 || v > 253402300799LL)
		return -1;
	return v;
}

/* A query argument, NULL when absent or empty. */
static const char *
arg(struct http_req *req, const char *name)
{
	const char	*s = http_query(req, name);

	return s != NULL && *s != '\0' ? s : NULL;
}

void
api_ws_search(struct http_req *req)
{
	struct wsearch_query	 q;
	json_t			*out;
	char			*err = NULL;
	enum core_err		 why;

	memset(&q, 0, sizeof(q));
	q.number = arg(req, "number");
	q.text = arg(req, "q");
	q.entity = arg(req, "entity");
	q.from = seconds(req, "from");
	q.to = seconds(req, "to");
	if (q.from == -1 || q.to == -1 || (q.number != NULL &&
	    strlen(q.number) > 32)) {
		http_error(req, 400, "from and to are Unix seconds, number a "
		    "request number");
		return;
	}
	if ((out = wsearch_closed(req->w->db, req->op.name, req->op.role, &q,
	    req->now, &why, &err)) == NULL) {
		fail(req, why, err);
		return;
	}
	http_json(req, 200, out);
}

void
api_ws_typing(struct http_req *req)
{
	char	*err = NULL;
	enum core_err	 why;
	int		 rc;

	if (workspace_permit(req->w->db, req->id, "reply", req->op.name,
	    req->op.role, &why, &err) == -1) {
		fail(req, why, err);
		return;
	}
	if ((rc = workspace_typing(req->w->db, req->id, "operator", req->now,
	    &err)) == -1) {
		fail(req, CORE_DATABASE, err);
		return;
	}
	if (rc == 1)
		hub_typing(req->srv->hub, req->id, 0);
	http_json(req, 200, json_object());
}

void
api_chat_typing(struct http_req *req)
{
	struct conv_info	 ci;
	char			*err = NULL;
	int			 rc;

	if (conv_info(req->w->db, req->conv, &ci, &err) != 1) {
		fail(req, CORE_DATABASE, err != NULL ? err :
		    xstrdup("no conversation"));
		return;
	}
	/* Only a person waiting on the other side wants to know. */
	if (ci.state == CONV_QUEUED || ci.state == CONV_OPERATOR) {
		if ((rc = workspace_typing(req->w->db, req->conv, "citizen",
		    req->now, &err)) == -1) {
			fail(req, CORE_DATABASE, err);
			return;
		}
		if (rc == 1)
			hub_typing(req->srv->hub, req->conv, 1);
	}
	http_json(req, 200, json_object());
}
