/*
 * JSON answers written out fast.  jansson's json_dumps decodes every
 * character of every string to decide whether to escape it, and a chat
 * answer is some kilobytes of Cyrillic (the article's text and its HTML):
 * a tenth of the server's time per message.  jsonout_dumps writes the
 * same bytes as json_dumps(v, JSON_COMPACT) (strings are valid UTF-8 in a
 * json_t, so only '"', '\\' and control characters need a look), copying
 * the rest as it is.
 */
#ifndef AGENT_WEB_JSONOUT_H
#define AGENT_WEB_JSONOUT_H

#include <stddef.h>

#include <jansson.h>

/* v as compact JSON, allocated (free), its length in *len_r. */
char	*jsonout_dumps(const json_t *v, size_t *len_r);

#endif
