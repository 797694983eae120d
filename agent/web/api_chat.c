/*
 * The citizen's API (docs/api.md, "Citizen"): sessions, the conversation,
 * messages, choices, handoff, attachments and the rating.  Each answer
 * follows a committed transaction; then the conversation's event streams,
 * and the operators' when the queue changed, are woken.
 */
#include "agent/web/api.h"

#include <stdlib.h>
#include <string.h>

#include "agent/core/attach.h"
#include "agent/core/conv.h"
#include "agent/core/feedback.h"
#include "agent/web/events.h"
#include "agent/web/limits.h"
#include "agent/web/ratelimit.h"
#include "lib/log.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

static void
env_of(struct http_req *req, struct conv_env *env)
{
	env->db = req->w->db;
	env->cl = req->w->brain->cl;
	env->ctx = req->w->ctx;
	env->holidays = &req->w->brain->holidays;
	env->notify = &req->srv->cx->notify;
	env->now = req->now;
}

static void
server_error(struct http_req *req, char *err)
{
	log_msg(LOG_ERROR, "%s %s: %s", req->method, req->path,
	    err != NULL ? err : "?");
	free(err);
	http_error(req, 500, "the server failed; please try again");
}

/* Answers a citizen's action: the new messages (read back on db), or the
 * error. */
static void
finish_on(struct http_req *req, sqlite3 *db, int rc, struct conv_result *res,
    char *err)
{
	if (rc == -1) {
		http_core_error(req, res->err, err);
		return;
	}
	/* Those watching were told by the turn (env.notify). */
	/* The bot's answers that ask "did this help?" say so. */
	if (res->messages != NULL)
		feedback_annotate(db, res->messages);
	http_json(req, 200, json_pack("{s:o}", "messages",
	    res->messages != NULL ? res->messages : json_array()));
}

static void
finish(struct http_req *req, int rc, struct conv_result *res, char *err)
{
	finish_on(req, req->w->db, rc, res, err);
}

int
api_chat_throttle(struct http_req *req)
{
	char	key[32];
	int	wait;

	snprintf(key, sizeof(key), "c%lld", (long long)req->conv);
	wait = ratelimit_hit(req->srv->messages, key,
	    req->w->brain->cfg.messages_per_minute, req->now);
	if (wait == 0)
		return 0;
	req->retry_after = wait;
	http_error(req, 429, "too many messages: please wait a little");
	return -1;
}

static const char *
string_field(struct http_req *req, const char *name)
{
	json_t	*v = req->json != NULL ? json_object_get(req->json, name) :
	    NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

void
api_chat_session(struct http_req *req)
{
	const char	*lang = "ru";
	json_t		*v, *view;
	char		 token[TOKEN_MAX], *err = NULL;
	int64_t		 id;
	int		 wait;

	wait = ratelimit_hit(req->srv->sessions, req->ip,
	    req->w->brain->cfg.sessions_per_minute, req->now);
	if (wait > 0) {
		req->retry_after = wait;
		http_error(req, 429, "too many new chats from your address");
		return;
	}
	if (req->json != NULL && (v = json_object_get(req->json,
	    "lang")) != NULL) {
		if (!json_is_string(v) || (strcmp(json_string_value(v),
		    "ru") != 0 && strcmp(json_string_value(v), "en") != 0)) {
			http_error(req, 400, "lang is \"ru\" or \"en\"");
			return;
		}
		lang = json_string_value(v);
	}
	if (conv_create(req->w->db, "chat", lang, req->now, token, &id,
	    &err) == -1 || (view = conv_view(req->w->db, id, req->now,
	    &err)) == NULL) {
		server_error(req, err);
		return;
	}
	http_json(req, 201, json_pack("{s:s, s:o}", "token", token,
	    "conversation", view));
}

void
api_chat_conversation(struct http_req *req)
{
	json_t	*view;
	char	*err = NULL;

	if ((view = conv_view(req->w->db, req->conv, req->now,
	    &err)) == NULL) {
		server_error(req, err);
		return;
	}
	http_json(req, 200, view);
}

/* A message's turn is through (conv_message_async): on the writer's
 * thread, or this one. */
static void
message_done(void *arg, sqlite3 *db, int rc, struct conv_result *res,
    char *err)
{
	struct http_req	*req = arg;
	struct brain	*b = req->brain;

	finish_on(req, db, rc, res, err);
	req->brain = NULL;
	http_wake(req);
	brain_put(b);
}

void
api_chat_message(struct http_req *req)
{
	struct conv_env		 env;
	json_t			*t;

	t = req->json != NULL ? json_object_get(req->json, "text") : NULL;
	if (!json_is_string(t)) {
		http_error(req, 400, "\"text\" must be a string");
		return;
	}
	if (api_chat_throttle(req) == -1)
		return;
	env_of(req, &env);
	/* The turn's writes are committed with others' (writer.h); the
	 * brain its verdict points in stays until the answer is out. */
	req->brain = req->w->brain;
	atomic_fetch_add(&req->brain->refs, 1);
	http_hold(req);
	conv_message_async(&env, req->srv->cx->writer, req->conv,
	    json_string_value(t), json_string_length(t), message_done, req);
}

void
api_chat_choose(struct http_req *req)
{
	struct conv_env		 env;
	struct conv_result	 res;
	const char		*intent, *topic;
	char			*err = NULL;
	int			 rc;

	if ((intent = string_field(req, "intent")) == NULL) {
		http_error(req, 400, "\"intent\" must be a string");
		return;
	}
	/* A choice between two services names the service too. */
	topic = string_field(req, "topic");
	if (api_chat_throttle(req) == -1)
		return;
	env_of(req, &env);
	rc = conv_choose(&env, req->conv, intent, topic, &res, &err);
	finish(req, rc, &res, err);
}

void
api_chat_handoff(struct http_req *req)
{
	struct conv_env		 env;
	struct conv_result	 res;
	char			*err = NULL;
	int			 rc;

	if (api_chat_throttle(req) == -1)
		return;
	env_of(req, &env);
	rc = conv_handoff(&env, req->conv, &res, &err);
	finish(req, rc, &res, err);
}

/* The X-Filename header percent-decoded (RFC 3986 section 2.1); NULL
 * when missing, too long or malformed. */
static char *
percent_decode(const char *s)
{
	if (s == NULL || strlen(s) > LIMIT_FILE_NAME_HEADER_BYTES)
		return NULL;
	return text_percent_decode(s, strlen(s));
}

/* Bytes of one conversation's files, and of one address's uploads a day,
 * by the settings in force. */
static int64_t
conv_quota(struct http_req *req)
{
	return (int64_t)req->w->brain->cfg.upload_conversation_mib * 1048576;
}

static int64_t
address_quota(struct http_req *req)
{
	return (int64_t)req->w->brain->cfg.upload_address_mib_per_day *
	    1048576;
}

int
api_chat_attachment_head(struct http_req *req)
{
	char	*err = NULL;
	enum core_err	 why;
	int		 wait;

	if (attach_may_upload(req->w->db, req->conv, req->body_declared,
	    conv_quota(req), &why, &err) == -1) {
		http_core_error(req, why, err);
		return -1;
	}
	if (api_chat_throttle(req) == -1)
		return -1;
	wait = ratelimit_take(req->srv->uploads, req->ip, req->body_declared,
	    address_quota(req), req->now);
	if (wait > 0) {
		req->retry_after = wait;
		http_error(req, 429, "your address has uploaded its files for "
		    "today (upload_address_mib_per_day)");
		return -1;
	}
	req->quota_held = req->body_declared;
	if ((req->upload = attach_upload_new(req->srv->cx->attach_dir,
	    &err)) == NULL) {
		server_error(req, err);
		return -1;
	}
	return 0;
}

void
api_chat_attachment(struct http_req *req)
{
	struct conv_env		 env;
	struct conv_result	 res;
	char			*name, *err = NULL;
	int			 rc;

	name = percent_decode(http_header(req, "X-Filename"));
	env_of(req, &env);
	rc = attach_upload_store(&env, req->upload, req->conv, name,
	    conv_quota(req), &res, &err);
	free(name);
	if (rc == -1) {
		finish(req, rc, &res, err);
		return;
	}
	/* Stored: the bytes count against the address for the day. */
	req->quota_held = 0;
	hub_publish(req->srv->hub, req->conv, res.queue_changed);
	http_json(req, 201, json_pack("{s:O, s:o}", "attachment",
	    json_object_get(json_array_get(res.messages, 0), "attachment"),
	    "messages", res.messages));
}

void
api_chat_attachment_done(struct http_req *req)
{
	attach_upload_free(&req->upload);
	if (req->quota_held > 0)
		ratelimit_give(req->srv->uploads, req->ip, req->quota_held,
		    time(NULL));
	req->quota_held = 0;
}

void
api_chat_rating(struct http_req *req)
{
	json_t	*score, *comment;
	char	*err = NULL;
	enum core_err	 why;

	score = req->json != NULL ? json_object_get(req->json, "score") : NULL;
	comment = req->json != NULL ? json_object_get(req->json, "comment") :
	    NULL;
	if (!json_is_integer(score) || (comment != NULL &&
	    !json_is_string(comment) && !json_is_null(comment))) {
		http_error(req, 400, "\"score\" is 1 to 5, \"comment\" text");
		return;
	}
	if (conv_rate(req->w->db, req->conv, json_integer_value(score) < 1 ||
	    json_integer_value(score) > 5 ? 0 : (int)json_integer_value(score),
	    json_is_string(comment) ? json_string_value(comment) : NULL,
	    req->now, &why, &err) == -1) {
		http_core_error(req, why, err);
		return;
	}
	hub_publish(req->srv->hub, req->conv, 0);
	http_json(req, 200, json_object());
}
