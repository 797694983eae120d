/*
 * The conversational verbs: chat (an interactive session), ask (one
 * question) and classify (JSON Lines in, decisions out, for evaluation and
 * for other programs).
 */
#include "agent/cli/cmd.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/core/agent.h"
#include "kb/article.h"
#include "lib/limits.h"
#include "lib/lineio.h"
#include "lib/xmalloc.h"

static int
answer(struct agent *a, const char *text, size_t len, FILE *out)
{
	char	*said, *err;

	if (agent_ask(a, text, len, &said, &err) == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
		return -1;
	}
	fprintf(out, "%s\n", said);
	free(said);
	return 0;
}

int
cmd_ask(const struct config *cfg, int argc, char **argv)
{
	struct agent	*a;
	char		*text, *t;
	int		 i, rc;

	if (argc < 1) {
		fprintf(stderr, "usage: hotline ask TEXT\n");
		return 2;
	}
	text = xstrdup(argv[0]);
	for (i = 1; i < argc; i++) {
		t = xasprintf("%s %s", text, argv[i]);
		free(text);
		text = t;
	}
	if (cmd_open_classifier(cfg, &a) == -1) {
		free(text);
		return 1;
	}
	rc = answer(a, text, strlen(text), stdout) == -1 ? 1 : 0;
	free(text);
	agent_close(&a);
	return rc;
}

int
cmd_chat(const struct config *cfg, int argc, char **argv)
{
	struct agent	*a;
	struct lineio	*in;
	const char	*line;
	size_t		 len;
	int		 toolong, tty = isatty(0);

	if (cmd_open_classifier(cfg, &a) == -1)
		return 1;
	if (tty)
		printf("Здравствуйте! Я помощник горячей линии Госуслуг. "
		    "Напишите ваш вопрос (пустая строка или Ctrl-D — "
		    "выход).\n\n> ");
	fflush(stdout);
	in = lineio_new(stdin, LIMIT_MESSAGE_BYTES);
	while (lineio_next(in, &line, &len, &toolong)) {
		if (toolong) {
			printf("Сообщение слишком длинное: сократите его, "
			    "пожалуйста.\n");
		} else if (len == 0 && tty)
			break;
		else if (len > 0)
			/* A message refused (too long, not text) is said
			 * so; the session goes on. */
			answer(a, line, len, stdout);
		if (tty)
			printf("\n> ");
		fflush(stdout);
	}
	lineio_free(&in);
	agent_close(&a);
	return 0;
}

json_t *
cmd_verdict_json(const struct taxonomy *tax, json_t *id,
    const struct verdict *v)
{
	json_t		*o, *ents, *cur, *arr, *cands, *c;
	const char	*name, *prio;
	size_t		 i;

	o = json_object();
	json_object_set(o, "id", id != NULL ? id : json_null());
	json_object_set_new(o, "intent", v->intent ? json_string(v->intent) :
	    json_null());
	json_object_set_new(o, "confidence", json_real(classify_round3(v->confidence)));
	json_object_set_new(o, "action", json_string(action_name(v->action)));
	ents = json_object();
	for (i = 0; i < v->entities.count; i++) {
		if (v->entities.items[i].type == ENTITY_PASSPORT)
			continue;	/* masked in logs, not reported */
		name = entity_type_name(v->entities.items[i].type);
		cur = json_object_get(ents, name);
		if (cur == NULL)
			json_object_set_new(ents, name,
			    json_string(v->entities.items[i].value));
		else {
			if (json_is_string(cur)) {
				arr = json_array();
				json_array_append(arr, cur);
				json_object_set_new(ents, name, arr);
				cur = arr;
			}
			json_array_append_new(cur,
			    json_string(v->entities.items[i].value));
		}
	}
	if (json_object_size(ents) > 0)
		json_object_set_new(o, "entities", ents);
	else
		json_decref(ents);
	prio = def_priority_name(v->priority);
	json_object_set_new(o, "priority", prio ? json_string(prio) :
	    json_null());
	/* The topic of the article answered with (spec/eval-format.md): a
	 * general answer that only records the service says null. */
	json_object_set_new(o, "topic", v->topic != NULL &&
	    (v->action != ACTION_ANSWER || verdict_answers_topic(v)) ?
	    json_string(v->topic) : json_null());
	/* The article the citizen is answered with: none when asked to
	 * choose or handed to a person. */
	json_object_set_new(o, "article", v->article != NULL &&
	    (v->action == ACTION_ANSWER || v->action == ACTION_DECLINE) ?
	    json_string(v->article) : json_null());
	if (v->topic_score > 0)
		json_object_set_new(o, "topic_evidence", json_pack("[f,f]",
		    classify_round3(v->topic_score),
		    classify_round3(v->topic_score2)));
	if (v->model_category >= 0)
		json_object_set_new(o, "second_opinion", json_pack("{s:s,s:f}",
		    "intent", tax->items[v->model_category].id, "confidence",
		    classify_round3(v->model_confidence)));
	if (v->aspect >= 0)
		json_object_set_new(o, "aspect",
		    json_string(article_section_name(v->aspect)));
	json_object_set_new(o, "lang", json_string(lang_name(v->lang)));
	if (v->reason != NULL)
		json_object_set_new(o, "reason", json_string(v->reason));
	cands = json_array();
	for (i = 0; i < v->ntop; i++) {
		c = json_object();
		json_object_set_new(c, "intent", json_string(
		    tax->items[v->top[i].category].id));
		json_object_set_new(c, "confidence", json_real(
		    classify_round3(v->top[i].confidence)));
		json_object_set_new(c, "score", json_real(
		    classify_round3(v->top[i].score)));
		json_array_append_new(cands, c);
	}
	json_object_set_new(o, "candidates", cands);
	return o;
}

static void
print_error(size_t lineno, json_t *id, const char *what)
{
	json_t	*o;

	o = json_object();
	if (id != NULL)
		json_object_set(o, "id", id);
	json_object_set_new(o, "error", json_string(what));
	json_object_set_new(o, "line", json_integer((json_int_t)lineno));
	json_dumpf(o, stdout, JSON_COMPACT | JSON_REAL_PRECISION(6));
	putchar('\n');
	json_decref(o);
}

/*
 * Writes o and a newline to stdout, encoded into *buf (grown as needed)
 * and written at once: json_dumpf() hands stdio a few bytes at a time,
 * and cost a quarter of what classifying a message does.  The bytes are
 * the same.
 */
static void
put_line(json_t *o, char **buf, size_t *cap)
{
	size_t	n;

	n = json_dumpb(o, *buf, *cap, JSON_COMPACT | JSON_REAL_PRECISION(6));
	if (n + 1 > *cap) {
		*cap = n + 1 > 2 * *cap ? n + 1 : 2 * *cap;
		*buf = xreallocarray(*buf, *cap, 1);
		n = json_dumpb(o, *buf, *cap, JSON_COMPACT |
		    JSON_REAL_PRECISION(6));
	}
	(*buf)[n] = '\n';
	fwrite(*buf, 1, n + 1, stdout);
}

int
cmd_classify(const struct config *cfg, int argc, char **argv)
{
	struct agent	*a;
	struct lineio	*in;
	struct verdict	 v;
	json_error_t	 jerr;
	json_t		*item, *id, *text, *out;
	const char	*line;
	char		*buf = NULL;
	size_t		 len, lineno = 0, cap = 0;
	int		 toolong, nerr = 0;

	if (cmd_open_classifier(cfg, &a) == -1)
		return 1;
	in = lineio_new(stdin, LIMIT_JSONL_LINE_BYTES);
	while (lineio_next(in, &line, &len, &toolong)) {
		lineno++;
		if (toolong) {
			print_error(lineno, NULL, "line too long");
			nerr++;
			continue;
		}
		if (len == 0)
			continue;
		item = json_loadb(line, len, JSON_ALLOW_NUL |
		    JSON_REJECT_DUPLICATES, &jerr);
		if (item == NULL || !json_is_object(item)) {
			print_error(lineno, NULL, item == NULL ? jerr.text :
			    "not a JSON object");
			json_decref(item);
			nerr++;
			continue;
		}
		id = json_object_get(item, "id");
		text = json_object_get(item, "text");
		if (!json_is_string(text)) {
			print_error(lineno, id, "\"text\" must be a string");
			json_decref(item);
			nerr++;
			continue;
		}
		classify(a->ctx, json_string_value(text),
		    json_string_length(text), &v);
		out = cmd_verdict_json(classifier_taxonomy(a->classifier), id,
		    &v);
		put_line(out, &buf, &cap);
		json_decref(out);
		json_decref(item);
	}
	free(buf);
	lineio_free(&in);
	agent_close(&a);
	fflush(stdout);
	if (nerr > 0)
		fprintf(stderr, "hotline: %d line(s) with errors\n", nerr);
	return 0;
}
