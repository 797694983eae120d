/*
 * What is said after the category (see classifier_impl.h): the learned
 * second opinion that may withhold a confident answer, the service a
 * message is about with the rescue of messages the categories were unsure
 * of, and the messages that go to a person whatever they ask.
 */
#include "intents/classifier_impl.h"

#include <stdlib.h>
#include <string.h>

#include "kb/article.h"

/* The evidence for "out of scope" of a single everyday word (weight 2 in
 * out_of_scope.intent: "банк", "карта", "кредит"); a bank's name or a
 * marketplace weighs 6. */
#define OOS_WEAK	2
/* Out of scope named outright (weight 7: a marketplace, another country's
 * portal or service, another organisation's own system): no service
 * words rescue the message ("портал госуслуг беларуси как
 * зарегистрироваться" is not the portal's registration). */
#define OOS_NAMED	7

/* The second opinion's out-of-scope guess that stops a rescue: below it,
 * out of scope is only the best of 29 weak guesses ("налоговый вычет и
 * налоговая задолженность" at 0.09). */
#define MODEL_OOS_MIN	0.25

/* The shortest word beside "или" that may name a service, in bytes
 * ("инн" is six). */
#define ALT_WORD_MIN	4

const char *const classifier_person_names[PERSON_COUNT] = {
	"organisation", "callback", "data-leak", "fraud", "distress"
};

/*
 * The second opinion's input, computed once however many opinions (a
 * confident answer, a rescue, the calibration) ask.
 */
const struct intent_model_input *
model_input(struct classify_ctx *x)
{
	if (!x->mi_made) {
		intent_model_input_make(&x->mi, x->text, x->text_len);
		x->mi_made = 1;
	}
	return &x->mi;
}

/* The words and features the service is chosen on (x->content): the
 * message's own when no small talk starts or ends it. */
static void
topic_inputs(struct classify_ctx *x, const struct evidence_query **q,
    const struct intent_model_input **mi)
{
	if (x->lead + x->tail == 0) {
		*q = &x->q;
		*mi = model_input(x);
		return;
	}
	if (!x->t_made) {
		evidence_query_make(x->stemmer, x->content, x->content_len,
		    &x->tq);
		intent_model_input_make(&x->tmi, x->content, x->content_len);
		x->t_made = 1;
	}
	*q = &x->tq;
	*mi = &x->tmi;
}

void
ask_model(struct classify_ctx *x, const struct normalized *n,
    struct verdict *v)
{
	const struct classifier	*c = x->c;
	size_t			 i;

	if (c->model == NULL || v->model_category >= 0)
		return;
	intent_model_predict_input(c->model, model_input(x), x->mprob);
	for (i = 0; i < c->ncats; i++)
		if (v->model_category < 0 ||
		    x->mprob[i] > x->mprob[v->model_category])
			v->model_category = (int)i;
	v->model_confidence = x->mprob[v->model_category];
}

/*
 * The rules are sure; is the model?  When it gives another category at
 * least model_veto and the rules' one little, the two opinions disagree
 * and the answer is withheld: the citizen is asked which was meant (two
 * answerable categories) or handed to a person.  Measured on sets the
 * rules were not written on, agreement roughly halves wrong answers for a
 * point of automation (issue 8).
 */
void
opinion_second(struct classify_ctx *x, const struct normalized *n,
    struct verdict *v)
{
	const struct classifier	*c = x->c;
	int			 m = v->model_category;

	if (c->model == NULL || c->cfg.model_veto >= 1)
		return;
	ask_model(x, n, v);
	m = v->model_category;
	if (m < 0 || m == v->category || x->mprob[m] < c->cfg.model_veto ||
	    x->mprob[v->category] >= (1 - c->cfg.model_veto) / 2)
		return;
	if (c->cats[m].action == ACTION_ANSWER && v->ntop > 0) {
		/* Ask between the rules' category and the model's. */
		v->top[1].category = m;
		v->top[1].confidence = x->mprob[m];
		v->top[1].score = 0;
		if (v->ntop < 2)
			v->ntop = 2;
		v->action = ACTION_CLARIFY;
	} else
		v->action = ACTION_HANDOFF;
	v->reason = REASON_DISAGREE;
}

/* One service far ahead (topic_far, topic_far_share: measured on
 * topics-dev and an unseen set, +1-3 points of the right article, dev and
 * holdout unchanged), strongly enough to overrule the second opinion's
 * "outside the portal" (topic_strong: +1-3 points on three sets,
 * out-of-scope held unchanged).  The share went from 0.4 to 0.5 when
 * "как зарегистрировать брак" and "как записаться в школу" went to a
 * person: a second service at 0.44-0.48 of the first, on "записаться" or
 * "брак" alone; on ten sets 4 decisions moved, 3 of them to the right
 * answer and the fourth to the right article under another kind. */
static int
far_ahead(const struct topic_config *tcfg, const struct topic_choice *tc,
    double min)
{
	return tc->score >= min && tc->score2 <= tcfg->far_share * tc->score;
}

/*
 * The categories' best guess as the kind of a rescued message about topic
 * t, or -1 when it does not stand.  It stands when it is a kind that
 * answers or records services (a permit, a certificate, an error in a
 * form), likely enough (keep_kind), and not
 * - "which services are there": one service is clearly named ("поменять
 *   страховую по омс через госуслуги можно?");
 * - a kind the service is not, by its article's categories (a passport
 *   request for a SNILS);
 * - a status, an upload, an incident or a login trouble no rule saw: they
 *   are told by signs the rules see (a number, a file, a failure), so the
 *   full-text likeness alone is only shared words ("как узнать свой
 *   избирательный участок" is not a status, "как оплатить штраф со
 *   скидкой" not an incident).  A kind that answers the service, or an
 *   error in a form (told in words no rule foresees: "поле серое", "не
 *   дает выбрать"), stands on likeness.  Measured on three unseen sets:
 *   +1 to +2 right answers each, none lost.
 */
static int
guess_stands(const struct classifier *c, const struct classify_ctx *x,
    const struct verdict *v, int t)
{
	const struct category	*k;
	int			 cat;

	if (v->ntop == 0)
		return -1;
	cat = v->top[0].category;
	k = &c->cats[cat];
	/* Every service has a how-to: a guess of the general procedure
	 * ("как вернуть госпошлину за загранпаспорт") fits whatever kinds
	 * the service's article lists. */
	if (k->services == DEF_SERVICES_NO || k->action != ACTION_ANSWER ||
	    v->top[0].confidence < c->cfg.topic.keep_kind ||
	    cat == c->catalog_cat ||
	    (cat != c->howto_cat && !topic_index_kind_fits(c->ti, t, k->id)))
		return -1;
	if (k->services == DEF_SERVICES_ANSWER ||
	    (k->services == DEF_SERVICES_LEAD &&
	    k->lead_section == SECTION_HOW) ||
	    (x->rr.score[cat] > 0 && !x->rr.vetoed[cat]))
		return cat;
	return -1;
}

/* The first kind of request topic t's article lists ("services.benefits"
 * for a pension), as a category that answers services, or -1. */
static int
topic_first_kind(const struct classifier *c, int t)
{
	char	id[64];
	int	cat;

	if (topic_index_first_kind(c->ti, t, id, sizeof(id)) == -1 ||
	    (cat = taxonomy_index(&c->tax, id)) < 0 ||
	    c->cats[cat].services != DEF_SERVICES_ANSWER ||
	    c->cats[cat].action != ACTION_ANSWER)
		return -1;
	return cat;
}

/*
 * A message the categories were unsure about ("not confident", "two close
 * candidates", or taken for out of scope) that is clearly about one of the
 * portal's services is answered with that service's article: the service
 * is what the citizen asked about, and its article covers the documents,
 * fee, timing and result alike.  The category becomes the likeliest one
 * that answers services.  An explicit request for a person is never
 * rescued.
 */
static int
rescue(struct classify_ctx *x, const struct normalized *n, struct verdict *v,
    const struct topic_choice *tc)
{
	const struct classifier		*c = x->c;
	const struct topic_config	*tcfg = &c->cfg.topic;
	int				 cat = -1, aspect;

	if (v->reason == NULL || strcmp(v->reason, "asked for a person") == 0)
		return 0;
	/* The learned second opinion takes it for something outside the
	 * portal ("ставки транспортного налога по регионам"): no rescue,
	 * unless one service is strongly and far ahead ("как узнать свой
	 * инн онлайн"): the model's out-of-scope class is a weak guess on
	 * short questions. */
	ask_model(x, n, v);
	/* "Thank you, problem solved": the second opinion reads small talk
	 * too, and whatever service the words brush against is not asked
	 * about. */
	if (c->cats[v->category].weak && v->model_category == v->category)
		return 0;
	if (c->oos_cat >= 0 && !x->rr.vetoed[c->oos_cat] &&
	    x->rr.score[c->oos_cat] >= OOS_NAMED)
		return 0;
	if (v->model_category >= 0 && v->model_category == c->oos_cat &&
	    x->mprob[c->oos_cat] >= MODEL_OOS_MIN &&
	    !far_ahead(tcfg, tc, tcfg->strong))
		return 0;
	/* "пособия, справки, лицензии — что вообще есть на портале?" names
	 * services as examples of the catalogue it asks about: several fit
	 * about as well.  "Как открыть ИП через госуслуги?" names one. */
	if (v->ntop > 0 && v->top[0].category == c->catalog_cat &&
	    tc->score2 >= 0.6 * tc->score)
		return 0;
	/* When the rules and the second opinion disagree only about the
	 * kind of request, a clear service settles it: its article answers
	 * every kind (how to apply, documents, timing). */
	if (strcmp(v->reason, REASON_DISAGREE) == 0)
		;
	/* "Очередь в садик" taken for the hotline's queue: one service far
	 * ahead of any other says what the message is about. */
	else if (v->action == ACTION_ANSWER && v->ntop > 0 &&
	    v->top[0].category != c->oos_cat && far_ahead(tcfg, tc, tcfg->far))
		;
	/* Declined, or taken for out of scope, on one everyday word ("банк",
	 * "карта": OOS_WEAK) with one service strongly and far ahead, or on
	 * none with one far ahead: "справку о составе семьи банк просит",
	 * "списали с карты по исполнительному производству", "как открыть
	 * ипэшку онлайн", "записалась в мфц, как отменить запись". */
	else if ((v->action == ACTION_DECLINE || (v->ntop > 0 &&
	    v->top[0].category == c->oos_cat)) && c->oos_cat >= 0 &&
	    x->rr.score[c->oos_cat] <= OOS_WEAK &&
	    far_ahead(tcfg, tc, x->rr.score[c->oos_cat] > 0 ? tcfg->strong :
	    tcfg->far))
		;
	/* A greeting or thanks with more after it ("Привет! Как записать
	 * ребёнка в садик?") was chosen only for want of other evidence:
	 * the service needs no more than it does for an unsure message. */
	else if ((v->action == ACTION_DECLINE || (v->action ==
	    ACTION_ANSWER && !c->cats[v->category].weak) ||
	    (v->ntop > 0 && v->top[0].category == c->oos_cat)) ?
	    tc->score < tcfg->rescue_oos : tc->score < tcfg->rescue)
		return 0;
	/* The categories were unsure what kind of request it is: their
	 * guess, if it stands; otherwise the part of the service asked
	 * about; otherwise the kind the service itself is; else "how do I
	 * get it". */
	aspect = aspects_match_with(c->aspects, x->asp, n->match, n->match_len);
	/* A guess of timing or documents on likeness alone gives way to
	 * another part asked about outright: "пошлина за регистрацию брака
	 * сколько" asks the fee, though "сколько" is most like timing. */
	if ((cat = guess_stands(c, x, v, tc->topic)) >= 0 &&
	    x->rr.score[cat] == 0 && aspect >= 0 &&
	    ((cat == c->deadlines_cat && aspect != SECTION_TIMING) ||
	    (cat == c->documents_cat && aspect != SECTION_DOCUMENTS)))
		cat = -1;
	if (cat >= 0)
		;
	else switch (aspect) {
	case SECTION_DOCUMENTS:
		cat = c->documents_cat;
		break;
	case SECTION_TIMING:
		cat = c->deadlines_cat;
		break;
	default:
		break;
	}
	if (cat < 0)
		cat = topic_first_kind(c, tc->topic);
	if (cat < 0)
		cat = c->howto_cat;
	if (cat < 0)
		return 0;
	classifier_set_category(c, v, cat);
	v->action = ACTION_ANSWER;
	v->reason = REASON_RESCUED;
	return 1;
}

/*
 * The word of m[0..len) that ends just before offset at (backwards) or
 * starts just after it (forwards): its bounds in *w, *wlen.  -1 when it is
 * too short to name a service, or (backwards) ends a clause.
 */
static int
word_at(const char *m, size_t len, size_t at, int backwards, const char **w,
    size_t *wlen)
{
	size_t	a, b;

	if (backwards) {
		b = at;
		while (b > 0 && m[b - 1] == ' ')
			b--;
		a = b;
		while (a > 0 && m[a - 1] != ' ' && m[a - 1] != '|')
			a--;
	} else {
		a = at;
		while (a < len && m[a] == ' ')
			a++;
		b = a;
		while (b < len && m[b] != ' ' && m[b] != '|')
			b++;
	}
	*w = m + a;
	*wlen = b - a;
	/* "срок истек? или старую можно": a new clause, not an alternative */
	if (backwards && *wlen > 0 && strchr("?!.,;:", m[b - 1]) != NULL)
		return -1;
	return *wlen >= ALT_WORD_MIN ? 0 : -1;
}

/* The service one word names on its own ("загранпаспорт"), or -1. */
static int
word_topic(struct classify_ctx *x, const char *w, size_t len)
{
	struct evidence_query		q;
	struct intent_model_input	mi;
	struct topic_choice		tc;

	memset(&mi, 0, sizeof(mi));
	evidence_query_make(x->stemmer, w, len, &q);
	intent_model_input_make(&mi, w, len);
	topic_choose(x->c->ti, x->ts, &q, &mi, (size_t)-1, &tc);
	intent_model_input_release(&mi);
	return tc.rival >= 0 ? -1 : tc.topic;
}

/*
 * "Паспорт или загранпаспорт?": the citizen names two services as the
 * alternative, the words right beside "или" each the message's best or
 * second-best service on its own.  That second one is the rival to ask
 * about, or -1.  "Нужен ли снилс или хватит паспорта" names one service
 * and asks about papers.
 */
static int
alternative_rival(struct classify_ctx *x, const struct normalized *n,
    const struct topic_choice *tc)
{
	static const char *const ors[] = { " или ", " or " };
	const char	*m = n->match, *p = NULL, *w;
	size_t		 i, len = n->match_len, wlen, orlen = 0;
	int		 a, b;

	for (i = 0; i < sizeof(ors) / sizeof(ors[0]) && p == NULL; i++) {
		orlen = strlen(ors[i]);
		p = memmem(m, len, ors[i], orlen);
	}
	/* Both words must name the message's own two best services: an
	 * adjective alone ("старая") can lean to some service too.  The
	 * second word is weighed only when the first is one of them. */
	if (p == NULL || tc->second < 0 ||
	    word_at(m, len, (size_t)(p - m), 1, &w, &wlen) == -1 ||
	    ((a = word_topic(x, w, wlen)) != tc->topic && a != tc->second) ||
	    word_at(m, len, (size_t)(p - m) + orlen, 0, &w, &wlen) == -1 ||
	    (b = word_topic(x, w, wlen)) != (a == tc->topic ? tc->second :
	    tc->topic))
		return -1;
	return tc->second;
}

/*
 * The service the message is about, once the category has decided what to
 * do.  A category that answers services ("services answer" in its file)
 * answers with the service's article, leading with the aspect asked about,
 * or asks which of two close services was meant; one that records them
 * (complaints, incidents) keeps its own answer and registers the service.
 */
void
opinion_service(struct classify_ctx *x, const struct normalized *n,
    struct verdict *v)
{
	const struct classifier		*c = x->c;
	const struct evidence_query	*tq;
	const struct intent_model_input	*tmi;
	struct topic_choice		 tc, kc;
	const char		*id;
	int			 mode;

	v->topic_index = v->topic_rival = v->aspect = -1;
	v->topic_first = v->topic_second = -1;
	if (v->category < 0)
		return;
	mode = c->cats[v->category].services;
	/* A message that is nothing but a greeting or thanks names no
	 * service; other categories that do not answer services (the
	 * hotline's hours, its phone) still look: "очередь в садик не
	 * двигается" is about a kindergarten, not about the hotline's
	 * queue, and "Привет! Как записать ребёнка в садик?" is a greeting
	 * only because no rule knew the rest. */
	if (mode == DEF_SERVICES_NO && c->cats[v->category].weak &&
	    x->small_talk)
		return;
	topic_inputs(x, &tq, &tmi);
	topic_choose(c->ti, x->ts, tq, tmi, (size_t)-1, &tc);
	/* None stands out among all services, the best being of the kind of
	 * service the category answered (a licence, a benefit, a
	 * certificate) and the runner-up of another: the one that stands
	 * out among those of its kind ("права" is a licence, not the
	 * property rights of an extract).  A best of another kind is left
	 * alone: "справка об отсутствии задолженности по налогам" is the
	 * tax debt, not the certificate of no criminal record; so is one as
	 * weak as it takes to rescue a message ("лицензия на перевозку
	 * пассажиров" is no weapons licence for its one word). */
	id = c->cats[v->category].id;
	if (tc.topic < 0 && tc.first >= 0 && tc.second >= 0 &&
	    v->action == ACTION_ANSWER && mode == DEF_SERVICES_ANSWER &&
	    topic_index_is_kind(c->ti, id) &&
	    topic_index_kind_fits(c->ti, tc.first, id) &&
	    !topic_index_kind_fits(c->ti, tc.second, id)) {
		topic_choose_kind(c->ti, x->ts, id, &kc);
		if (kc.topic >= 0 && kc.score >= c->cfg.topic.rescue)
			tc = kc;
	}
	v->topic_score = tc.score;
	v->topic_score2 = tc.score2;
	v->topic_first = tc.first;
	v->topic_second = tc.second;
	if (tc.topic < 0)
		return;
	v->topic_index = tc.topic;
	v->topic = c->topics.items[tc.topic].id;
	v->topic_article = tc.article;
	if ((v->action != ACTION_ANSWER || mode == DEF_SERVICES_NO) &&
	    rescue(x, n, v, &tc))
		mode = c->cats[v->category].services;
	else if (mode == DEF_SERVICES_NO && v->action == ACTION_ANSWER) {
		v->topic_index = -1;
		v->topic = NULL;
		v->topic_article = NULL;
		return;
	}
	/* A category that only records the service shows it to operators:
	 * a weak guess ("не приходит смс" as account deletion) misleads
	 * them more than no service at all. */
	if ((mode == DEF_SERVICES_RECORD || mode == DEF_SERVICES_LEAD) &&
	    tc.score < c->cfg.topic.record_min) {
		v->topic_index = -1;
		v->topic = NULL;
		v->topic_article = NULL;
		return;
	}
	/* "Заявление на загран не отправляется": what to do about the error
	 * first, then the service's own steps.  Two close services: the
	 * general answer alone, with both recorded as a guess for nobody. */
	if (mode == DEF_SERVICES_LEAD && v->action == ACTION_ANSWER &&
	    tc.rival < 0 && tc.article != NULL &&
	    (!c->cats[v->category].lead_far ||
	    far_ahead(&c->cfg.topic, &tc, c->cfg.topic.lead_min))) {
		v->lead_article = v->article;
		v->article = tc.article;
		v->aspect = aspects_match_with(c->aspects, x->asp, n->match,
		    n->match_len);
		if (v->aspect < 0)
			v->aspect = c->cats[v->category].lead_section;
		return;
	}
	if (mode != DEF_SERVICES_ANSWER || v->action != ACTION_ANSWER)
		return;
	if (tc.rival < 0 && (tc.rival = alternative_rival(x, n, &tc)) >= 0)
		tc.rival_article = topic_index_article(c->ti, tc.rival);
	if (tc.rival >= 0) {
		v->action = ACTION_CLARIFY;
		v->reason = "two close services";
		v->topic_rival = tc.rival;
		v->rival_article = tc.rival_article;
		v->article = tc.article;
		return;
	}
	v->article = tc.article;
	v->aspect = aspects_match_with(c->aspects, x->asp, n->match,
	    n->match_len);
}

/*
 * Some messages go to a person whatever they ask: an organisation writing
 * as such (a newspaper, the police, a court, a company), a citizen who
 * demands a call back or cannot manage the forms, another person's data
 * seen in one's account (a personal-data incident, high priority), an
 * account taken over or a code told to a swindler (the account must be
 * secured by a person now: the login articles assume it is one's own).
 * They get a request number and an operator, not an article.
 */
void
opinion_person(struct classify_ctx *x, const struct normalized *n,
    struct verdict *v)
{
	const struct classifier	*c = x->c;
	int			 why, cat;

	if ((why = aspects_match_with(c->person, x->pers, n->match,
	    n->match_len)) < 0)
		return;
	/* Out of scope stays so, unless a swindler used the portal
	 * ("мошенники оформили кредит через госуслуги" names a bank's word)
	 * or the citizen speaks of not wanting to live, whatever about. */
	if (v->action == ACTION_DECLINE && why != PERSON_FRAUD &&
	    why != PERSON_DISTRESS)
		return;
	/* A handoff stays as it is, unless it is a leak (an incident with
	 * its priority) or a fraud: the operator reads why before opening
	 * the conversation ("кто-то зашёл под мной" was handed over as an
	 * unsure guess at a blocked account). */
	if (v->action == ACTION_HANDOFF && why != PERSON_DATA_LEAK &&
	    why != PERSON_FRAUD && why != PERSON_DISTRESS)
		return;
	cat = why == PERSON_DATA_LEAK ? taxonomy_index(&c->tax, ID_INCIDENT) :
	    c->operator_cat;
	if (cat < 0)
		return;
	classifier_set_category(c, v, cat);
	v->action = ACTION_HANDOFF;
	v->person = 1;
	v->register_request = 1;
	v->article = NULL;
	v->lead_article = NULL;
	v->aspect = -1;
	v->topic_rival = -1;
	v->reason = why == PERSON_ORGANISATION ? "a letter from an "
	    "organisation" : why == PERSON_CALLBACK ? "asks to be called or "
	    "helped by a person" : why == PERSON_FRAUD ? "an account taken "
	    "over or a fraud" : why == PERSON_DISTRESS ?
	    VERDICT_REASON_DISTRESS : "another person's data (personal-data "
	    "incident)";
	/* A leak is an incident of priority high; a citizen in distress is
	 * at the head of the operators' queue. */
	v->priority = why == PERSON_DATA_LEAK ? PRIORITY_HIGH :
	    why == PERSON_DISTRESS ? PRIORITY_CRITICAL : PRIORITY_NONE;
}
