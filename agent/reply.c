/*
 * Composing what the citizen reads: the article's short answer in the
 * citizen's language, a clarifying question naming the two candidates, a
 * handoff notice, or a polite decline; and, for complaints, suggestions,
 * incidents and handoffs, the request number to quote later.
 */
#include "agent/agent.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kb/article.h"
#include "kb/store.h"
#include "lib/log.h"
#include "lib/xmalloc.h"

struct phrases {
	const char	*registered;	/* %s: the number */
	const char	*priority;	/* %s: the level */
	const char	*clarify;
	const char	*clarify_tail;
	const char	*empty;
	const char	*handoff;	/* %s: the number */
	const char	*levels[4];
};

static const struct phrases ru = {
	"Ваше обращение зарегистрировано под номером %s. Сохраните его: "
	"по номеру можно узнать статус.",
	"Приоритет: %s.",
	"Уточните, пожалуйста, что вы имели в виду:",
	"Или напишите «оператор», и я передам разговор специалисту.",
	"Напишите, пожалуйста, ваш вопрос одним-двумя предложениями.",
	"Чтобы ответить точно, передаю ваш вопрос оператору: он увидит всю "
	"переписку. Номер обращения: %s.",
	{ "критический", "высокий", "средний", "низкий" },
};

static const struct phrases en = {
	"Your request is registered under number %s. Please keep it: "
	"you can check the status with it.",
	"Priority: %s.",
	"Could you tell me which one you mean:",
	"Or type \"operator\" and I will pass the conversation to a person.",
	"Please type your question in a sentence or two.",
	"To give you an exact answer I am passing your question to an "
	"operator, who will see the whole conversation. Request number: %s.",
	{ "critical", "high", "medium", "low" },
};

/* The summary of the category's article in lang, else in Russian. */
static char *
article_text(struct agent *a, const char *id, const char *lang)
{
	struct article	*art = NULL;
	char		*err = NULL, *text;

	if (id == NULL)
		return NULL;
	if (kb_store_get(a->db, id, lang, &art, &err) != 1 &&
	    kb_store_get(a->db, id, "ru", &art, &err) != 1) {
		free(err);
		return NULL;
	}
	text = xstrdup(art->summary);
	article_free(&art);
	return text;
}

static char *
append(char *s, const char *add)
{
	char	*t;

	if (s == NULL || *s == '\0') {
		free(s);
		return xstrdup(add);
	}
	t = xasprintf("%s\n\n%s", s, add);
	free(s);
	return t;
}

static char *
clarify_text(struct agent *a, const struct verdict *v,
    const struct phrases *ph)
{
	const struct taxonomy	*tax = classifier_taxonomy(a->classifier);
	const struct taxon	*t;
	char			*s, *u;
	size_t			 i;

	if (v->ntop < 2)
		return xstrdup(ph->empty);
	s = xstrdup(ph->clarify);
	for (i = 0; i < 2; i++) {
		t = &tax->items[v->top[i].category];
		u = xasprintf("%s\n%zu. %s", s, i + 1,
		    ph == &en ? t->en : t->ru);
		free(s);
		s = u;
	}
	u = xasprintf("%s\n%s", s, ph->clarify_tail);
	free(s);
	return u;
}

static int
needs_number(const struct verdict *v)
{
	return v->action == ACTION_HANDOFF ||
	    (v->action == ACTION_ANSWER && v->register_request);
}

int
agent_reply(struct agent *a, const char *channel, const char *text,
    size_t len, struct reply *r, char **errstr_r)
{
	const struct phrases	*ph;
	struct verdict		*v = &r->verdict;
	struct request_new	 rn;
	char			*line;
	const char		*lang;

	memset(r, 0, sizeof(*r));
	classify(a->ctx, text, len, v);
	ph = v->lang == LANG_EN ? &en : &ru;
	lang = lang_name(v->lang);
	if (needs_number(v)) {
		memset(&rn, 0, sizeof(rn));
		rn.channel = channel;
		rn.category = v->intent;
		rn.priority = def_priority_name(v->priority);
		rn.status = v->action == ACTION_HANDOFF ? "handoff" : "new";
		rn.summary = NULL;
		if (request_register(a->db, &rn, time(NULL), r->number,
		    errstr_r) == -1)
			return -1;
	}
	log_msg(LOG_DEBUG, "%s: %s %s %.2f (%s)%s%s: %.*s", channel,
	    action_name(v->action), v->intent ? v->intent : "-",
	    v->confidence, v->reason ? v->reason : "-",
	    r->number[0] ? " request " : "", r->number,
	    (int)(len > 300 ? 300 : len), text);
	switch (v->action) {
	case ACTION_ANSWER:
	case ACTION_DECLINE:
		r->text = article_text(a, v->article, lang);
		if (r->text == NULL)
			r->text = xstrdup(ph->clarify_tail);
		if (r->number[0] != '\0') {
			line = xasprintf(ph->registered, r->number);
			r->text = append(r->text, line);
			free(line);
		}
		if (v->priority >= 0 && v->priority <= 3) {
			line = xasprintf(ph->priority,
			    ph->levels[v->priority]);
			r->text = append(r->text, line);
			free(line);
		}
		break;
	case ACTION_CLARIFY:
		r->text = clarify_text(a, v, ph);
		break;
	case ACTION_HANDOFF:
		/* Asked for a person: the article says what happens next;
		 * otherwise say why a person takes over. */
		if (v->article != NULL &&
		    strcmp(v->intent, "handoff.operator") == 0) {
			r->text = article_text(a, v->article, lang);
			line = xasprintf(ph->registered, r->number);
			r->text = append(r->text, line);
			free(line);
		} else
			r->text = xasprintf(ph->handoff, r->number);
		break;
	}
	return 0;
}

void
reply_release(struct reply *r)
{
	free(r->text);
	r->text = NULL;
}
