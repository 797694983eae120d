/*
 * The web room's ceilings, each with the reason for its value, named as
 * lib/limits.h names its own: LIMIT_<what>_<unit>.
 */
#ifndef AGENT_WEB_LIMITS_H
#define AGENT_WEB_LIMITS_H

/* A JSON body of one request (docs/api.md). */
#define LIMIT_BODY_BYTES		(64 * 1024)
/* Nesting of a JSON body. */
#define LIMIT_JSON_DEPTH		16
/* Memory of one connection for its headers and buffers: an idle event
 * stream's main cost, and plenty for a browser's request headers (bodies
 * pass through in pieces).  It also bounds all the headers of a request. */
#define LIMIT_CONNECTION_BYTES		(8 * 1024)
/* JSON bodies held in memory at once, all connections together: 512 of
 * the largest, while uploads go to files. */
#define LIMIT_BODIES_BYTES		(32 * 1024 * 1024)
/* A static file of www/: pages, scripts, pictures. */
#define LIMIT_STATIC_FILE_BYTES		(4 * 1024 * 1024)
/* A path under www/: deeper or longer is not ours. */
#define LIMIT_STATIC_PATH_BYTES		256
/* An attachment's percent-encoded name (X-Filename): a name of 200
 * bytes encoded three bytes for one, and room to spare. */
#define LIMIT_FILE_NAME_HEADER_BYTES	1024
/* An operator's knowledge-base search query. */
#define LIMIT_KB_QUERY_BYTES		500

#endif
