/*
 * Composing what the citizen reads: the article's short answer in the
 * citizen's language, a clarifying question naming the two candidates, a
 * handoff notice, or a polite decline; and, for complaints, suggestions,
 * incidents and handoffs, the request number to quote later.
 */
#include "agent/core/reply.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmark.h>

#include "agent/core/phrases.h"
#include "agent/core/stmt.h"
#include "kb/article.h"
#include "kb/store.h"
#include "lib/xmalloc.h"

/* Article id in lang; NULL when there is none.  Every answer passes
 * here: a cached statement (stmt.h). */
static struct article *
article_in(sqlite3 *db, const char *id, const char *lang)
{
	struct article	*art = NULL;
	sqlite3_stmt	*st;

	if ((st = stmt_get(db, KB_STORE_GET_SQL)) == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		art = kb_store_article(st);
	stmt_put(st);
	return art;
}

/* Article id in lang, else in Russian; NULL when there is none. */
static struct article *
article_get(sqlite3 *db, const char *id, const char *lang)
{
	struct article	*art;

	if (id == NULL)
		return NULL;
	if ((art = article_in(db, id, lang)) == NULL)
		art = article_in(db, id, "ru");
	return art;
}

/* The summary (or the title) of article id in lang, else in Russian. */
static char *
article_text(sqlite3 *db, const char *id, const char *lang, int title)
{
	struct article	*art;
	char		*text;

	if ((art = article_get(db, id, lang)) == NULL)
		return NULL;
	text = xstrdup(title ? art->title : art->summary);
	article_free(&art);
	return text;
}

/*
 * A category that leads (an error in a form, a status, a failing page)
 * says first what to do about that, then the service's part; text is
 * consumed.
 */
static char *
lead_with(sqlite3 *db, const struct verdict *v, const char *lang, int mail,
    char *text)
{
	struct article	*lead;
	char		*out;

	if (v->lead_article == NULL ||
	    (lead = article_get(db, v->lead_article, lang)) == NULL)
		return text;
	out = xasprintf("%s\n\n---\n\n%s", mail ? lead->body :
	    lead->summary, text);
	article_free(&lead);
	free(text);
	return out;
}

/*
 * The answer with an article.  When the citizen asked about one aspect of
 * a service (its documents, fee, timing...), that section comes first,
 * then the short answer about the whole service.  A letter carries the
 * whole article (there is room, and no second turn to ask for more); the
 * chat offers it behind a link the page opens in place.
 */
static char *
answer_text(sqlite3 *db, const struct verdict *v, const char *lang,
    const char *channel)
{
	struct article	*art;
	char		*section = NULL, *from, *more, *text;
	const char	*rest;
	int		 mail = strcmp(channel, "email") == 0;

	if ((art = article_get(db, v->article, lang)) == NULL)
		return NULL;
	rest = mail ? art->body : art->summary;
	if (v->aspect >= 0 && article_is_service(art))
		section = article_section(art, (enum article_section)v->aspect);
	more = strcmp(channel, "chat") == 0 && article_is_service(art) ?
	    phrase_say(v->lang, PH_ASPECT_MORE, "article", art->id, NULL) :
	    xstrdup("");
	if (section == NULL || *section == '\0')
		text = xasprintf("%s%s%s", rest, *more ? "\n\n" : "", more);
	else {
		from = phrase_say(v->lang, PH_ASPECT_FROM, "title",
		    art->title, NULL);
		text = xasprintf("**%s** — %s\n\n%s\n\n---\n\n%s%s%s",
		    article_section_heading((enum article_section)v->aspect,
		    art->lang), from, section, rest, *more ? "\n\n" : "",
		    more);
		free(from);
	}
	free(more);
	free(section);
	article_free(&art);
	return lead_with(db, v, lang, mail, text);
}

/*
 * Rendering Markdown was 3-4% of the server's time per chat message, and
 * the chat's answers are the same few articles' texts: each thread keeps
 * the last HTML_MEMO texts it rendered (freed when it ends).
 */
#define HTML_MEMO	32

struct html_memo {
	char		*md[HTML_MEMO];
	char		*html[HTML_MEMO];
	unsigned	 next;
};

static pthread_key_t	memo_key;
static pthread_once_t	memo_once = PTHREAD_ONCE_INIT;

static void
memo_free(void *arg)
{
	struct html_memo	*m = arg;
	size_t			 i;

	for (i = 0; i < HTML_MEMO; i++) {
		free(m->md[i]);
		free(m->html[i]);
	}
	free(m);
}

static void
memo_init(void)
{
	pthread_key_create(&memo_key, memo_free);
}

char *
reply_html(const char *md)
{
	struct html_memo	*m;
	char			*html;
	size_t			 i;

	pthread_once(&memo_once, memo_init);
	if ((m = pthread_getspecific(memo_key)) == NULL) {
		m = xcalloc(1, sizeof(*m));
		pthread_setspecific(memo_key, m);
	}
	for (i = 0; i < HTML_MEMO; i++)
		if (m->md[i] != NULL && strcmp(m->md[i], md) == 0)
			return xstrdup(m->html[i]);
	html = cmark_markdown_to_html(md, strlen(md), CMARK_OPT_SAFE);
	if (html == NULL)
		abort();
	i = m->next++ % HTML_MEMO;
	free(m->md[i]);
	free(m->html[i]);
	m->md[i] = xstrdup(md);
	m->html[i] = xstrdup(html);
	free(html);
	return xstrdup(m->html[i]);
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

#define NUMBER_MARK	"{number}"

/*
 * The request number in an article's text: where the editor wrote
 * {number}, else as a sentence of its own at the end.  Consumes text.
 */
static char *
with_number(char *text, const char *number, enum lang l)
{
	char	*out, *o, *line;
	const char *p, *m;
	size_t	 n = 0;

	if (text == NULL || strstr(text, NUMBER_MARK) == NULL) {
		line = phrase_say(l, PH_REGISTERED, "number", number, NULL);
		text = append(text, line);
		free(line);
		return text;
	}
	for (p = text; (m = strstr(p, NUMBER_MARK)) != NULL;
	    p = m + strlen(NUMBER_MARK))
		n++;
	o = out = xmalloc(strlen(text) + n * strlen(number) + 1);
	for (p = text; (m = strstr(p, NUMBER_MARK)) != NULL;
	    p = m + strlen(NUMBER_MARK)) {
		memcpy(o, p, (size_t)(m - p));
		o += m - p;
		memcpy(o, number, strlen(number));
		o += strlen(number);
	}
	memcpy(o, p, strlen(p) + 1);
	free(text);
	return out;
}

/* The article of category intent, from the editors' definitions. */
static const char *
category_article(const struct classifier *cl, const char *intent)
{
	const struct def_intent	*d;

	d = deffile_find(classifier_defs(cl), intent);
	return d != NULL ? d->article : NULL;
}

/*
 * The categories a clarifying question on v offers, in cats[], likeliest
 * first; returns how many.  The two likeliest; but when they are of one
 * small family ("login": a forgotten password, a code that does not come,
 * a blocked account, a page that does not react), all of it: "не могу
 * войти" is as likely any of the four, and the citizen who reads only two
 * may not see theirs.
 */
static size_t
clarify_categories(const struct classifier *cl, const struct verdict *v,
    int cats[REPLY_CHOICES])
{
	size_t	n;

	if (v->ntop >= 2 && (n = taxonomy_small_family(
	    classifier_taxonomy(cl), (size_t)v->top[0].category,
	    (size_t)v->top[1].category, cats)) > 0)
		return n;
	for (n = 0; n < 2 && n < v->ntop; n++)
		cats[n] = v->top[n].category;
	return n;
}

static void
clarify_choices(sqlite3 *db, const struct classifier *cl, struct reply *r,
    const char *lang)
{
	const struct taxonomy	*tax = classifier_taxonomy(cl);
	const struct taxonomy	*topics = classifier_topics(cl);
	const struct taxon	*t;
	const struct verdict	*v = &r->verdict;
	int			 cats[REPLY_CHOICES];
	size_t			 i, n;

	if (v->topic_rival >= 0 && v->topic_index >= 0) {
		/* Two services: the same kind of request about either. */
		for (i = 0; i < 2; i++) {
			t = &topics->items[i == 0 ? v->topic_index :
			    v->topic_rival];
			r->choices[i].intent = v->intent;
			r->choices[i].topic = t->id;
			r->choices[i].label = article_text(db, i == 0 ?
			    v->article : v->rival_article, lang, 1);
			if (r->choices[i].label == NULL)
				r->choices[i].label = xstrdup(strcmp(lang,
				    "en") == 0 ? t->en : t->ru);
		}
		r->nchoices = 2;
		return;
	}
	n = clarify_categories(cl, v, cats);
	for (i = 0; i < n; i++) {
		t = &tax->items[cats[i]];
		r->choices[i].intent = t->id;
		r->choices[i].label = article_text(db,
		    category_article(cl, t->id), lang, 1);
		if (r->choices[i].label == NULL)
			r->choices[i].label = xstrdup(strcmp(lang, "en") == 0 ?
			    t->en : t->ru);
	}
	r->nchoices = i;
}

static char *
clarify_text(const struct classifier *cl, const struct verdict *v,
    enum lang l)
{
	const struct taxonomy	*tax = classifier_taxonomy(cl);
	const struct taxon	*t;
	char			*s, *u, *head, *tail;
	int			 cats[REPLY_CHOICES];
	size_t			 i, n;

	if (v->topic_rival >= 0 && v->topic_index >= 0) {
		const struct taxonomy	*topics = classifier_topics(cl);

		head = phrase_say(l, PH_CLARIFY_SERVICE, NULL);
		tail = phrase_say(l, PH_CLARIFY_TAIL, NULL);
		s = xasprintf("%s\n\n1. %s\n2. %s\n\n%s", head,
		    l == LANG_EN ? topics->items[v->topic_index].en :
		    topics->items[v->topic_index].ru,
		    l == LANG_EN ? topics->items[v->topic_rival].en :
		    topics->items[v->topic_rival].ru, tail);
		free(head);
		free(tail);
		return s;
	}
	if (v->ntop < 2)
		return phrase_say(l, PH_EMPTY, NULL);
	s = phrase_say(l, PH_CLARIFY, NULL);
	n = clarify_categories(cl, v, cats);
	for (i = 0; i < n; i++) {
		t = &tax->items[cats[i]];
		u = xasprintf("%s\n%zu. %s", s, i + 1,
		    l == LANG_EN ? t->en : t->ru);
		free(s);
		s = u;
	}
	tail = phrase_say(l, PH_CLARIFY_TAIL, NULL);
	u = xasprintf("%s\n\n%s", s, tail);
	free(tail);
	free(s);
	return u;
}

int
reply_needs_number(const struct verdict *v)
{
	return v->action == ACTION_HANDOFF ||
	    (v->action == ACTION_ANSWER && v->register_request);
}

int
reply_verdict_for(const struct classifier *cl, const char *intent,
    enum lang lang, struct verdict *v)
{
	const struct taxonomy	*tax = classifier_taxonomy(cl);
	const struct def_intent	*d;
	enum action		 a;
	int			 i;

	if (intent == NULL || (i = taxonomy_index(tax, intent)) < 0)
		return -1;
	d = deffile_find(classifier_defs(cl), intent);
	memset(v, 0, sizeof(*v));
	v->category = i;
	v->intent = tax->items[i].id;
	v->article = d != NULL ? d->article : NULL;
	v->action = tax->items[i].action;
	if (d != NULL && d->action != NULL && action_parse(d->action,
	    &a) == 0)
		v->action = a;
	v->register_request = d != NULL && d->register_request == 1;
	v->priority = d != NULL ? d->default_priority : PRIORITY_NONE;
	v->confidence = 1;
	v->margin = 1;
	v->reason = "chosen by the citizen";
	v->top[0].category = i;
	v->top[0].confidence = 1;
	v->ntop = 1;
	v->lang = lang;
	v->topic_index = v->topic_rival = v->aspect = -1;
	return 0;
}

int
reply_verdict_topic(const struct classifier *cl, const char *intent,
    const char *topic, enum lang lang, struct verdict *v)
{
	const struct taxonomy	*topics = classifier_topics(cl);
	const char		*article;
	int			 t;

	if (reply_verdict_for(cl, intent, lang, v) == -1 ||
	    (t = taxonomy_index(topics, topic)) < 0 ||
	    (article = topic_index_article(classifier_topic_index(cl),
	    t)) == NULL)
		return -1;
	v->topic_index = t;
	v->topic = topics->items[t].id;
	v->topic_article = article;
	if (v->action == ACTION_ANSWER)
		v->article = article;
	return 0;
}

int
reply_compose(sqlite3 *db, const struct classifier *cl, const char *channel,
    const char *number, struct reply *r, char **errstr_r)
{
	struct verdict		*v = &r->verdict;
	struct request_new	 rn;
	char			*line, *level;
	const char		*lang;

	r->text = r->html = NULL;
	r->number[0] = '\0';
	r->registered = 0;
	r->nchoices = 0;
	lang = lang_name(v->lang);
	if (reply_needs_number(v) && number != NULL && number[0] != '\0') {
		snprintf(r->number, sizeof(r->number), "%s", number);
		if (v->action == ACTION_HANDOFF && request_set_status(db,
		    number, "handoff", time(NULL), errstr_r) == -1)
			return -1;
	} else if (reply_needs_number(v)) {
		memset(&rn, 0, sizeof(rn));
		rn.channel = channel;
		rn.category = v->intent;
		rn.priority = def_priority_name(v->priority);
		rn.status = v->action == ACTION_HANDOFF ? "handoff" : "new";
		rn.summary = NULL;
		if (request_register(db, &rn, time(NULL), r->number,
		    errstr_r) == -1)
			return -1;
		r->registered = 1;
	}
	switch (v->action) {
	case ACTION_ANSWER:
	case ACTION_DECLINE:
		r->text = answer_text(db, v, lang, channel);
		if (r->text == NULL)
			r->text = phrase_say(v->lang, PH_CLARIFY_TAIL, NULL);
		if (r->number[0] != '\0')
			r->text = with_number(r->text, r->number, v->lang);
		if (v->priority >= 0 && v->priority <= 3) {
			level = phrase_say(v->lang, PH_PRIORITY_CRITICAL +
			    v->priority, NULL);
			line = phrase_say(v->lang, PH_PRIORITY, "level", level,
			    NULL);
			free(level);
			r->text = append(r->text, line);
			free(line);
		}
		break;
	case ACTION_CLARIFY:
		r->text = clarify_text(cl, v, v->lang);
		clarify_choices(db, cl, r, lang);
		break;
	case ACTION_HANDOFF:
		/* Asked for a person: the article says what happens next;
		 * otherwise say why a person takes over. */
		if (v->article != NULL &&
		    strcmp(v->intent, "handoff.operator") == 0) {
			r->text = article_text(db, v->article, lang, 0);
			r->text = with_number(r->text, r->number, v->lang);
		} else
			r->text = phrase_say(v->lang, v->reason != NULL &&
			    strcmp(v->reason, VERDICT_REASON_DISTRESS) == 0 ?
			    PH_HANDOFF_DISTRESS : PH_HANDOFF, "number",
			    r->number, NULL);
		break;
	}
	if (r->text == NULL)
		r->text = phrase_say(v->lang, PH_CLARIFY_TAIL, NULL);
	r->html = reply_html(r->text);
	return 0;
}

void
reply_release(struct reply *r)
{
	size_t	i;

	free(r->text);
	free(r->html);
	r->text = r->html = NULL;
	for (i = 0; i < r->nchoices; i++) {
		free(r->choices[i].label);
		r->choices[i].label = NULL;
	}
	r->nchoices = 0;
}
