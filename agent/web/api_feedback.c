/*
 * POST /api/chat/feedback (docs/api.md): the citizen's "did this answer
 * help?".  The body names the bot's message and says yes or no; the
 * article, service and question come from the database (feedback.c),
 * never from the page.  Counted against the chat's message rate like
 * every other citizen action.
 */
#include "agent/web/api.h"

#include <stdlib.h>

#include "agent/core/feedback.h"

void
api_chat_feedback(struct http_req *req)
{
	json_t		*msg, *helpful;
	char		*err = NULL;
	enum core_err	 why;

	msg = req->json != NULL ? json_object_get(req->json, "message") : NULL;
	helpful = req->json != NULL ? json_object_get(req->json, "helpful") :
	    NULL;
	if (!json_is_integer(msg) || json_integer_value(msg) < 1 ||
	    !json_is_boolean(helpful)) {
		http_error(req, 400, "\"message\" is an answer's id, "
		    "\"helpful\" true or false");
		return;
	}
	if (api_chat_throttle(req) == -1)
		return;
	if (feedback_vote(req->w->db, req->conv, json_integer_value(msg),
	    json_is_true(helpful), req->now, &why, &err) == -1) {
		http_core_error(req, why, err);
		return;
	}
	http_json(req, 200, json_pack("{s:I, s:s}", "message",
	    (json_int_t)json_integer_value(msg), "feedback",
	    json_is_true(helpful) ? "yes" : "no"));
}
