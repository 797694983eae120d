/*
 * The handlers of the JSON API (docs/api.md), one per route: the citizen's
 * chat (api_chat.c), the operators' console (api_operator.c), the event
 * streams (events.c) and /metrics.  Each reads a struct http_req that
 * http.c has authenticated and fills its answer.
 */
#ifndef AGENT_API_H
#define AGENT_API_H

#include "agent/web/http.h"

void	api_chat_session(struct http_req *);
void	api_chat_conversation(struct http_req *);
void	api_chat_message(struct http_req *);
void	api_chat_choose(struct http_req *);
void	api_chat_handoff(struct http_req *);
/* An upload: checked on its headers (conversation, quotas), its body
 * written to a file, stored, and its file and quota released at the end. */
int	api_chat_attachment_head(struct http_req *);
void	api_chat_attachment(struct http_req *);
void	api_chat_attachment_done(struct http_req *);
void	api_chat_rating(struct http_req *);
/* Counts a message of this chat against messages_per_minute; answers 429
 * and returns -1 over (every citizen action that writes goes through). */
int	api_chat_throttle(struct http_req *);
/* POST /api/chat/feedback: "did this answer help?" (api_feedback.c). */
void	api_chat_feedback(struct http_req *);
/* GET /api/operator/dashboard: the supervisor's figures, JSON or CSV, for
 * seniors and administrators (api_dashboard.c). */
void	api_op_dashboard(struct http_req *);
void	api_chat_events(struct http_req *);

void	api_op_login(struct http_req *);
void	api_op_logout(struct http_req *);
void	api_op_me(struct http_req *);
void	api_op_queue(struct http_req *);
void	api_op_read(struct http_req *);
void	api_op_attachment(struct http_req *);
void	api_op_attachment_preview(struct http_req *);
void	api_op_take(struct http_req *);
void	api_op_reply(struct http_req *);
void	api_op_transfer(struct http_req *);
void	api_op_release(struct http_req *);
void	api_op_close(struct http_req *);
void	api_op_kb_search(struct http_req *);
void	api_op_events(struct http_req *);

/* The workspace (api_workspace.c). */
void	api_ws_note(struct http_req *);
void	api_ws_assign(struct http_req *);
void	api_ws_typing(struct http_req *);
void	api_ws_colleagues(struct http_req *);
void	api_ws_canned_list(struct http_req *);
void	api_ws_canned_new(struct http_req *);
void	api_ws_canned_save(struct http_req *);
void	api_ws_canned_delete(struct http_req *);
void	api_ws_search(struct http_req *);
void	api_chat_typing(struct http_req *);

void	api_metrics(struct http_req *);
/* GET /api/kb/article?id=&lang=: a published article, for the chat's
 * "whole article" link; nothing in it is private. */
void	api_kb_article(struct http_req *);

#endif
