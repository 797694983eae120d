/*
 * The one bot turn.  Classification runs before the write lock (it is
 * pure and the slow part); everything the turn writes commits in the
 * channel's one transaction, so a killed process either has the whole
 * turn or none of it.  The words of an explicit request for a person
 * ("оператор", "human") reach one even when the classifier would read
 * them otherwise.
 */
#include "agent/core/turn.h"

#include <stdlib.h>
#include <string.h>

#include "agent/core/conv.h"
#include "agent/core/feedback.h"
#include "agent/core/metrics.h"
#include "agent/core/queue.h"
#include "agent/core/state.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

/* A whole message that is only a request for a person, once folded. */
static const char *const person_words[] = {
	"оператор", "оператора", "живой оператор", "человек",
	"позовите оператора", "соедините с оператором", "human", "operator",
	"a human", "agent", "person",
};

#define NPERSON_WORDS	(sizeof(person_words) / sizeof(person_words[0]))
/* Bytes of a message looked at for person_words: longer is a question. */
#define PERSON_TEXT_MAX	64

static int
asks_for_person(const char *text, size_t len)
{
	char	*f;
	size_t	 flen, i;
	int	 yes = 0;

	if (len > PERSON_TEXT_MAX)
		return 0;
	f = text_fold(text, len, 2 * PERSON_TEXT_MAX, &flen);
	while (flen > 0 && (f[flen - 1] == '!' || f[flen - 1] == '.' ||
	    f[flen - 1] == '?'))
		f[--flen] = '\0';
	for (i = 0; i < NPERSON_WORDS && !yes; i++)
		yes = strcmp(f, person_words[i]) == 0;
	free(f);
	return yes;
}

void
turn_classify(const struct turn_env *env, const char *text, size_t len,
    struct verdict *v)
{
	struct timespec	t0, t1;
	enum lang	l;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	classify(env->ctx, text, len, v);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	metrics_classify((double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (v->action != ACTION_HANDOFF && asks_for_person(text, len)) {
		l = v->lang;
		if (reply_verdict_for(env->cl, "handoff.operator", l, v) == 0)
			v->reason = "asked for a person";
	}
}

/* The buttons of a clarifying question, or NULL. */
static json_t *
choices_json(const struct reply *r)
{
	json_t	*arr, *c;
	size_t	 i;

	if (r->nchoices == 0)
		return NULL;
	arr = json_array();
	for (i = 0; i < r->nchoices; i++) {
		c = json_object();
		json_object_set_new(c, "intent",
		    json_string(r->choices[i].intent));
		if (r->choices[i].topic != NULL)
			json_object_set_new(c, "topic",
			    json_string(r->choices[i].topic));
		json_object_set_new(c, "label",
		    json_string(r->choices[i].label));
		json_array_append_new(arr, c);
	}
	return arr;
}

/*
 * The queue and the state after the bot's reply: a handoff waits for a
 * person; a request that calls for registration gets an item operators
 * work through while the bot keeps talking; anything else leaves the
 * conversation with the bot.
 */
static int
route(const struct turn_env *env, const struct conv_info *ci,
    struct turn *t, char **errstr_r)
{
	const struct verdict	*v = &t->reply.verdict;

	if (v->action == ACTION_HANDOFF) {
		if (queue_enqueue(env->db, ci->id, v->reason, 1, env->holidays,
		    env->now, errstr_r) == -1 || conv_set_state(env->db, ci->id,
		    CONV_QUEUED, env->now, errstr_r) == -1)
			return -1;
		t->queue_changed = 1;
		return 0;
	}
	if (ci->state != CONV_BOT && conv_set_state(env->db, ci->id, CONV_BOT,
	    env->now, errstr_r) == -1)
		return -1;
	if (reply_needs_number(v)) {
		if (queue_enqueue(env->db, ci->id, "registered request", 0,
		    env->holidays, env->now, errstr_r) == -1)
			return -1;
		t->queue_changed = 1;
	}
	return 0;
}

int
turn_take(const struct turn_env *env, const struct conv_info *ci,
    struct turn *t, char **errstr_r)
{
	struct reply	*r = &t->reply;
	const char	*lang = lang_name(r->verdict.lang);

	t->citizen_msg = t->bot_msg = 0;
	t->queue_changed = 0;
	if (t->text != NULL && (t->citizen_msg = conv_add_citizen(env->db,
	    ci->id, t->text, env->cl, &r->verdict, env->now,
	    errstr_r)) == -1)
		return -1;
	if (r->text == NULL && reply_compose(env->db, env->cl, t->channel,
	    ci->number, r, errstr_r) == -1)
		return -1;
	free(t->said);
	free(t->said_html);
	if (t->wrap != NULL) {
		t->said = t->wrap(t->wrap_arg, r, ci->number);
		t->said_html = reply_html(t->said);
		t->number = ci->number;
	} else {
		t->said = xstrdup(r->text);
		t->said_html = xstrdup(r->html);
		t->number = r->number;
	}
	json_decref(t->choices);
	t->choices = choices_json(r);
	if ((t->bot_msg = conv_add(env->db, ci->id, "bot", t->said,
	    t->said_html, t->choices, NULL, t->number, 0, env->now,
	    errstr_r)) == -1 || feedback_decision(env->db, ci->id, t->bot_msg,
	    t->channel, &r->verdict, env->now, errstr_r) == -1)
		return -1;
	if (r->registered && conv_set_number(env->db, ci->id, r->number,
	    errstr_r) == -1)
		return -1;
	if (strcmp(lang, ci->lang) != 0 && conv_set_lang(env->db, ci->id,
	    lang, env->now, errstr_r) == -1)
		return -1;
	if (route(env, ci, t, errstr_r) == -1)
		return -1;
	metrics_decision(action_name(r->verdict.action));
	return 0;
}

int
turn_prepare(const struct turn_env *env, const struct conv_info *ci,
    struct turn *t, char **errstr_r)
{
	/* A plain answer writes nothing: compose it outside the lock. */
	if (t->reply.text != NULL || reply_needs_number(&t->reply.verdict))
		return 0;
	return reply_compose(env->db, env->cl, t->channel, ci->number,
	    &t->reply, errstr_r);
}

int
turn_run(const struct turn_env *env, const struct conv_info *ci,
    struct turn *t, char **errstr_r)
{
	if (turn_prepare(env, ci, t, errstr_r) == -1)
		return -1;
	if (state_begin(env->db, errstr_r) == -1)
		return -1;
	if (turn_take(env, ci, t, errstr_r) == -1) {
		state_rollback(env->db);
		return -1;
	}
	if (state_commit(env->db, errstr_r) == -1)
		return -1;
	notify_changed(env->notify, ci->id, t->queue_changed);
	return 0;
}

void
turn_release(struct turn *t)
{
	reply_release(&t->reply);
	free(t->said);
	free(t->said_html);
	json_decref(t->choices);
	t->said = t->said_html = NULL;
	t->choices = NULL;
}
