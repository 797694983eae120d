/*
 * Loading the category contract with jansson.  The file is ours, but it is
 * still checked: a category without an id or with an unknown action would
 * otherwise surface as a wrong answer much later.
 */
#include "intents/taxonomy.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/limits.h"
#include "lib/xmalloc.h"

static const char *const action_names[] = {
	"answer", "clarify", "handoff", "decline"
};

const char *
action_name(enum action a)
{
	return action_names[a];
}

int
action_parse(const char *s, enum action *a_r)
{
	int	i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, action_names[i]) == 0) {
			*a_r = (enum action)i;
			return 0;
		}
	return -1;
}

static char *
dup_field(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return xstrdup(s != NULL ? s : "");
}

/* Loads the array key of the JSON file at path; with_action: each item
 * names its action (categories), else none does (topics). */
static int
load_list(const char *path, const char *key, int with_action,
    struct taxonomy *t, char **errstr_r)
{
	json_error_t	 jerr;
	json_t		*root, *list, *it;
	const char	*id, *act;
	size_t		 i, j;

	memset(t, 0, sizeof(*t));
	if ((root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		*errstr_r = xasprintf("%s:%d: %s", path, jerr.line, jerr.text);
		return -1;
	}
	list = json_object_get(root, key);
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > LIMIT_INTENTS) {
		*errstr_r = xasprintf("%s: \"%s\" must be a non-empty "
		    "array of at most %d", path, key, LIMIT_INTENTS);
		json_decref(root);
		return -1;
	}
	t->items = xcalloc(json_array_size(list), sizeof(*t->items));
	json_array_foreach(list, i, it) {
		id = json_string_value(json_object_get(it, "id"));
		act = json_string_value(json_object_get(it, "action"));
		t->items[i].action = ACTION_ANSWER;
		if (id == NULL || (with_action && (act == NULL ||
		    action_parse(act, &t->items[i].action) == -1 ||
		    t->items[i].action == ACTION_CLARIFY))) {
			*errstr_r = xasprintf(with_action ? "%s: intent %zu "
			    "needs an id and an action (answer, handoff, "
			    "decline)" : "%s: topic %zu needs an id", path, i);
			json_decref(root);
			taxonomy_clear(t);
			return -1;
		}
		for (j = 0; j < t->n; j++)
			if (strcmp(t->items[j].id, id) == 0)
				break;
		if (j < t->n) {
			*errstr_r = xasprintf("%s: \"%s\" appears twice", path,
			    id);
			json_decref(root);
			taxonomy_clear(t);
			return -1;
		}
		t->items[i].id = xstrdup(id);
		t->items[i].ru = dup_field(it, "ru");
		t->items[i].en = dup_field(it, "en");
		t->n++;
	}
	json_decref(root);
	return 0;
}

int
taxonomy_load(const char *path, struct taxonomy *t, char **errstr_r)
{
	return load_list(path, "intents", 1, t, errstr_r);
}

int
taxonomy_load_topics(const char *path, struct taxonomy *t, char **errstr_r)
{
	return load_list(path, "topics", 0, t, errstr_r);
}

void
taxonomy_clear(struct taxonomy *t)
{
	size_t	i;

	for (i = 0; i < t->n; i++) {
		free(t->items[i].id);
		free(t->items[i].ru);
		free(t->items[i].en);
	}
	free(t->items);
	memset(t, 0, sizeof(*t));
}

/* The length of the family part of id ("login" of "login.sms_code"), or
 * 0 when it has none. */
static size_t
family_len(const char *id)
{
	const char	*dot = strchr(id, '.');

	return dot != NULL ? (size_t)(dot - id) : 0;
}

static int
same_family(const char *id, const char *of, size_t fl)
{
	return family_len(id) == fl && strncmp(id, of, fl) == 0;
}

size_t
taxonomy_small_family(const struct taxonomy *t, size_t a, size_t b,
    int members[TAXONOMY_FAMILY_ASK])
{
	const char	*ida, *idb;
	size_t		 fl, i, n = 0;

	if (a >= t->n || b >= t->n || a == b)
		return 0;
	ida = t->items[a].id;
	idb = t->items[b].id;
	if ((fl = family_len(ida)) == 0 || !same_family(idb, ida, fl))
		return 0;
	for (i = 0; i < t->n; i++)
		if (same_family(t->items[i].id, ida, fl) &&
		    (t->items[i].action != ACTION_ANSWER ||
		    ++n > TAXONOMY_FAMILY_ASK))
			return 0;
	n = 0;
	members[n++] = (int)a;
	members[n++] = (int)b;
	for (i = 0; i < t->n; i++)
		if (same_family(t->items[i].id, ida, fl) && i != a && i != b)
			members[n++] = (int)i;
	return n;
}

int
taxonomy_index(const struct taxonomy *t, const char *id)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->items[i].id, id) == 0)
			return (int)i;
	return -1;
}
