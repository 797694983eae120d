/*
 * The classifier's side of the calibration (calib.h): once everything has
 * been said about a message (the category, the service, a person), the
 * features of its final category are gathered, the confidence becomes the
 * calibrated probability that the category is right, and an answer that is
 * not at least answer_min sure is withheld: the citizen is asked which of
 * two categories was meant, or handed to a person.
 */
#include "intents/classifier_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/files.h"
#include "lib/limits.h"
#include "lib/xmalloc.h"

#define REASON_UNSURE	"not sure enough"

int
calib_read(const char *path, struct calib *cal, def_error_fn err, void *arg)
{
	struct stat	 st;
	char		*buf, *e, *msg;
	size_t		 len;
	int		 rc;

	memset(cal, 0, sizeof(*cal));
	/* No file: a data directory without a calibration (tests' small
	 * worlds, an old installation) keeps the rules' confidences. */
	if (stat(path, &st) == -1 && errno == ENOENT)
		return 0;
	if (files_read(path, LIMIT_EDITOR_FILE_BYTES, &buf, &len, &e) == -1) {
		msg = xasprintf("%s", e);
		if (err != NULL)
			err(arg, msg);
		free(msg);
		free(e);
		return -1;
	}
	rc = calib_parse(path, buf, len, cal, err, arg);
	free(buf);
	return rc;
}

static void
features(struct classify_ctx *x, const struct verdict *v, double *f)
{
	const struct classifier	*c = x->c;
	int			 cat = v->category;

	memset(f, 0, CALIB_NFEATURES * sizeof(*f));
	if (cat < 0)
		return;
	f[CALIB_RESCUED] = v->reason != NULL &&
	    strcmp(v->reason, REASON_RESCUED) == 0;
	/* A rescued message's category was chosen by the service, not by
	 * the rules, whose softmax for it says nothing: logit 0, even odds. */
	f[CALIB_RULES] = f[CALIB_RESCUED] ? 0 : calib_logit(x->prob[cat]);
	f[CALIB_MODEL] = calib_logit(c->model != NULL ? x->mprob[cat] : 0);
	f[CALIB_AGREE] = v->model_category == cat;
	f[CALIB_FIRED] = x->rr.score[cat] > 0 && !x->rr.vetoed[cat];
	f[CALIB_EXAMPLE] = x->er.example[cat];
	/* How clearly the rescued message is about its service: the rescue
	 * needs 0.22, a message naming the service outright reaches 1. */
	f[CALIB_TOPIC] = f[CALIB_RESCUED] ? v->topic_score : 0;
	/* person.def's reasons: the rules and the models weighed the
	 * category it replaced, and say nothing of this one (fraud went to
	 * a person at 0.02-0.07): only that person.def decided counts. */
	if (v->person) {
		memset(f, 0, CALIB_NFEATURES * sizeof(*f));
		f[CALIB_PERSON] = 1;
	}
}

/*
 * Two close candidates, the best of them at least answer_sure likely once
 * calibrated: the best one answers.  The rules' score ratio calls two
 * categories close where the calibration, fitted on held-out decisions, is
 * sure ("номер горячей линии какой? бабушке записать на бумажку" asked which
 * was meant).  Measured on seven sets: +0.4 to +1.3 points of automation,
 * wrong answers unchanged.  A handoff for want of confidence stays one:
 * answering those too answered out-of-scope messages.
 * It runs before the service is chosen, so that the answer carries the
 * service's article; no rescue has been decided yet, so the features are
 * the ones calib_verdict sees for this message.
 */
void
calib_sure(struct classify_ctx *x, const struct normalized *n,
    struct verdict *v)
{
	const struct classifier	*c = x->c;
	double			 f[CALIB_NFEATURES];
	int			 family[TAXONOMY_FAMILY_ASK];

	if (!c->calib.loaded || v->category < 0 || v->reason == NULL ||
	    c->cats[v->category].action != ACTION_ANSWER ||
	    strcmp(v->reason, REASON_CLOSE) != 0)
		return;
	/* Two close kinds of trouble of one small family that no rule
	 * tells apart ("не могу войти": which of the four kinds of login
	 * trouble?) stay a question: it offers the whole family, where a
	 * guess answers one kind and leaves the citizen with theirs
	 * unsaid. */
	if (v->ntop >= 2 && x->rr.score[v->top[0].category] ==
	    x->rr.score[v->top[1].category] && taxonomy_small_family(&c->tax,
	    (size_t)v->top[0].category, (size_t)v->top[1].category,
	    family) > 0)
		return;
	/* The calibration weighs the category against the others, not the
	 * portal against the rest of the world: when the second opinion
	 * reads the message as outside the portal, it stays unsure. */
	ask_model(x, n, v);
	if (v->model_category == c->oos_cat)
		return;
	features(x, v, f);
	if (calib_prob(&c->calib, f) < c->cfg.answer_sure)
		return;
	v->action = ACTION_ANSWER;
	v->reason = REASON_SURE;
}

void
calib_verdict(struct classify_ctx *x, const struct normalized *n,
    struct verdict *v)
{
	const struct classifier	*c = x->c;
	int			 second;

	if (v->category < 0) {
		memset(x->calib_f, 0, sizeof(x->calib_f));
		return;
	}
	/* The calibration weighs the second opinion on every message. */
	ask_model(x, n, v);
	features(x, v, x->calib_f);
	if (!c->calib.loaded)
		return;
	v->confidence = calib_prob(&c->calib, x->calib_f);
	if (v->action != ACTION_ANSWER || v->confidence >= c->cfg.answer_min)
		return;
	/* The probability is the category's.  A message rescued for being
	 * clearly about one service is answered with that service's article,
	 * whatever kind of request it is: on topics-dev 9 of the 10 such
	 * answers withheld at 0.02 carried the right article ("хочу поменять
	 * имя, как подать заявление"). */
	if (verdict_answers_topic(v) && v->reason != NULL &&
	    strcmp(v->reason, REASON_RESCUED) == 0)
		return;
	/* Not sure enough to answer.  Asking which was meant makes sense
	 * when the categories themselves saw two answerable candidates of
	 * close evidence (the runner-up at least rival_max of the best, as
	 * in the decision) and the answer is theirs, not a service's
	 * article; otherwise a person takes it. */
	second = v->ntop > 1 && v->top[0].category == v->category ?
	    v->top[1].category : -1;
	if (second >= 0 && c->cats[second].action == ACTION_ANSWER &&
	    v->topic_index < 0 && v->top[0].score > 0 &&
	    v->top[1].score >= c->cfg.rival_max * v->top[0].score)
		v->action = ACTION_CLARIFY;
	else {
		v->action = ACTION_HANDOFF;
		v->aspect = -1;
	}
	v->reason = REASON_UNSURE;
}

void
calib_features_last(const struct classify_ctx *x, double *f)
{
	memcpy(f, x->calib_f, sizeof(x->calib_f));
}

int
classifier_calibrated(const struct classifier *c)
{
	return c->calib.loaded;
}
