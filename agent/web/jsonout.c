/*
 * Compact JSON, byte for byte as jansson writes it (jsonout.h): objects
 * in their keys' order, integers as %lld, reals and anything else left to
 * jansson itself.
 */
#include "agent/web/jsonout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xmalloc.h"

struct out {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->p = xreallocarray(o->p, o->cap, 1);
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void
put_string(struct out *o, const char *s, size_t n)
{
	char			 esc[8];
	const char		*e;
	size_t			 i, from = 0;
	unsigned char		 c;

	put(o, "\"", 1);
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(o, s + from, i - from);
		from = i + 1;
		switch (c) {
		case '"':	e = "\\\""; break;
		case '\\':	e = "\\\\"; break;
		case '\b':	e = "\\b"; break;
		case '\f':	e = "\\f"; break;
		case '\n':	e = "\\n"; break;
		case '\r':	e = "\\r"; break;
		case '\t':	e = "\\t"; break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04X", c);
			e = esc;
		}
		put(o, e, strlen(e));
	}
	put(o, s + from, n - from);
	put(o, "\"", 1);
}

static void
put_value(struct out *o, const json_t *v)
{
	const char	*key;
	json_t		*x;
	char		 num[32], *s;
	size_t		 i;
	int		 first = 1;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		put(o, "{", 1);
		/* jansson's own iteration: the order json_dumps writes. */
		json_object_foreach((json_t *)v, key, x) {
			if (!first)
				put(o, ",", 1);
			first = 0;
			put_string(o, key, strlen(key));
			put(o, ":", 1);
			put_value(o, x);
		}
		put(o, "}", 1);
		break;
	case JSON_ARRAY:
		put(o, "[", 1);
		for (i = 0; i < json_array_size(v); i++) {
			if (i > 0)
				put(o, ",", 1);
			put_value(o, json_array_get(v, i));
		}
		put(o, "]", 1);
		break;
	case JSON_STRING:
		put_string(o, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		put(o, num, strlen(num));
		break;
	case JSON_TRUE:
		put(o, "true", 4);
		break;
	case JSON_FALSE:
		put(o, "false", 5);
		break;
	case JSON_NULL:
		put(o, "null", 4);
		break;
	default:
		/* A real: jansson's digits. */
		s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		put(o, s, strlen(s));
		free(s);
	}
}

char *
jsonout_dumps(const json_t *v, size_t *len_r)
{
	struct out	o = { NULL, 0, 0 };

	put_value(&o, v);
	o.p[o.len] = '\0';
	*len_r = o.len;
	return o.p;
}
