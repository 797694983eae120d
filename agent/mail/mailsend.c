/*
 * The sender thread.  It sleeps on a condition variable until nudged, or
 * for MAILSEND_SLICE seconds; each round turns new operators' replies
 * into letters and submits every pending letter that is due, in outbox id
 * order over one SMTP connection kept open.  Ids grow in commit order, so
 * after a letter is dealt with every earlier one has been too, and
 * waiters are woken letter by letter rather than at the end of a round.
 * A refusal for now (4xx, no connection) ends the round: the letter is
 * tried again later with back-off (agent/mail/mailchan.c) and the rest wait.
 */
#include "agent/mail/mailsend.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/core/context.h"
#include "agent/mail/mailchan.h"
#include "agent/mail/mailout.h"
#include "lib/log.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"
#include "mailbox/smtp.h"

/* The thread that submits our letters, so that SMTP never holds up IMAP. */
struct mailsend {
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	int64_t			 want;	/* newest outbox id waited for */
	int64_t			 done;	/* newest sent, refused or put off */
	unsigned		 started;	/* rounds begun */
	unsigned		 rounds;	/* rounds ended */
	int			 kick;	/* a round now */
	int			 stop;
	int			 sent;
	int			 failed;
	struct context		*cx;	/* the thread's worker */
	int			 tuned;
};


static const enum smtp_security securities[] = {
	[CONFIG_SECURITY_NONE] = SMTP_SECURITY_NONE,
	[CONFIG_SECURITY_STARTTLS] = SMTP_SECURITY_STARTTLS,
	[CONFIG_SECURITY_TLS] = SMTP_SECURITY_TLS,
};

static int
smtp_open(const struct config *cfg, struct smtp **s_r, char **errstr_r)
{
	struct smtp_config	 sc;
	char			*pw;
	int			 rc;

	if ((pw = config_password(cfg->smtp_password, cfg->smtp_password_file,
	    "smtp", errstr_r)) == NULL)
		return -1;
	memset(&sc, 0, sizeof(sc));
	sc.url = cfg->smtp_url != NULL ? cfg->smtp_url :
	    CONFIG_SMTP_URL_DEFAULT;
	sc.security = securities[config_security(cfg->smtp_security)];
	sc.user = cfg->smtp_user;
	sc.password = pw;
	sc.ca_file = cfg->mail_ca_file;
	rc = smtp_new(&sc, s_r, errstr_r);
	free(pw);
	return rc;
}

int
mailsend_check(const struct config *cfg, char **errstr_r)
{
	struct smtp	*sm = NULL;

	if (smtp_open(cfg, &sm, errstr_r) == -1)
		return -1;
	smtp_free(&sm);
	return 0;
}

/* Tells those waiting that every letter up to id has been dealt with:
 * rows are taken in id order, and ids grow in commit order. */
static void
progress(struct mailsend *sd, int64_t id, int sent, int failed)
{
	pthread_mutex_lock(&sd->lock);
	if (id > sd->done)
		sd->done = id;
	sd->sent += sent;
	sd->failed += failed;
	pthread_cond_broadcast(&sd->cond);
	pthread_mutex_unlock(&sd->lock);
}

/* Submits what is pending and due at due.  Returns 0, or -1 when the
 * SMTP server could not take them now (the rest wait). */
static int
flush(struct mailsend *sd, const struct mailchan_env *env, struct smtp **smtp,
    time_t due)
{
	struct mailout_letter	*out;
	const char		*from;
	char			*err = NULL;
	size_t			 n, i;
	int			 perm, rc = 0;

	from = env->cfg->mail_address != NULL ? env->cfg->mail_address :
	    CONFIG_MAIL_ADDRESS_DEFAULT;
	do {
		if (mailout_pending(env->db, due, MAILSEND_BATCH,
		    &out, &n, &err) == -1) {
			log_msg(LOG_ERROR, "mail: %s", err);
			free(err);
			return -1;
		}
		for (i = 0; i < n && rc == 0; i++) {
			if (*smtp == NULL && smtp_open(env->cfg, smtp,
			    &err) == -1) {
				log_msg(LOG_ERROR, "mail: %s", err);
				free(err);
				err = NULL;
				rc = -1;
				break;
			}
			if (smtp_send(*smtp, from, out[i].rcpt, out[i].letter,
			    out[i].len, &perm, &err) == 0) {
				/* The window: accepted, not yet marked. */
				if (mailout_sent(env->db, out[i].id, NULL, 0,
				    time(NULL), &err) == -1) {
					log_msg(LOG_ERROR, "mail: %s", err);
					free(err);
					err = NULL;
					rc = -1;
				}
				progress(sd, out[i].id, 1, 0);
				continue;
			}
			log_msg(LOG_WARN, "mail: letter %lld not submitted%s: "
			    "%s", (long long)out[i].id, perm ? " (for good)" :
			    "", err);
			if (mailout_sent(env->db, out[i].id, err, perm,
			    time(NULL), NULL) == -1)
				rc = -1;
			free(err);
			err = NULL;
			progress(sd, out[i].id, 0, perm);
			if (!perm) {
				/* A fresh connection next time. */
				smtp_free(smtp);
				rc = -1;
			}
		}
		mailout_free(out, n);
	} while (rc == 0 && n == MAILSEND_BATCH);
	return rc;
}

/* The sender's connection and settings: its worker's, for the brain in
 * force. */
static int
sender_env(struct mailsend *sd, struct mailchan_env *env)
{
	if (mailchan_env_of(sd->cx, env) == -1)
		return -1;
	if (!sd->tuned) {
		/* A letter marked sent must stay so after a crash. */
		sqldb_exec(env->db, "PRAGMA synchronous=FULL", NULL);
		sd->tuned = 1;
	}
	return 0;
}

/*
 * The sender thread: whenever asked, and every MAILSEND_SLICE seconds,
 * turns operators' replies into letters and submits what is pending.
 * After each round everything up to the id it was asked for has been
 * sent, refused or put off, and whoever waits for that is woken.
 */
static void *
sender_main(void *arg)
{
	struct mailsend		*sd = arg;
	struct mailchan_env	 env;
	struct smtp		*smtp = NULL;
	const struct config	*cfg = NULL;
	struct timespec		 ts;
	char			*err = NULL;
	int64_t			 want;
	int			 stop, rc;

	for (;;) {
		pthread_mutex_lock(&sd->lock);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += MAILSEND_SLICE;
		rc = 0;
		while (!sd->stop && !sd->kick && sd->want <= sd->done &&
		    rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&sd->cond, &sd->lock, &ts);
		want = sd->want;
		stop = sd->stop;
		sd->kick = 0;
		sd->started++;
		pthread_mutex_unlock(&sd->lock);
		if (sender_env(sd, &env) == 0) {
			if (env.cfg != cfg) {
				/* A reload: perhaps another server. */
				smtp_free(&smtp);
				cfg = env.cfg;
			}
			if (mailout_operator_letters(&env, &err) == -1) {
				log_msg(LOG_ERROR, "mail: operators' "
				    "replies: %s", err);
				free(err);
				err = NULL;
			}
			/* A start is a new try for every pending letter. */
			flush(sd, &env, &smtp, sd->rounds == 0 ? INT64_MAX :
			    time(NULL));
		}
		pthread_mutex_lock(&sd->lock);
		/* The rest up to want were put off or not due. */
		if (want > sd->done)
			sd->done = want;
		sd->rounds++;
		pthread_cond_broadcast(&sd->cond);
		pthread_mutex_unlock(&sd->lock);
		if (stop)
			break;
	}
	smtp_free(&smtp);
	return NULL;
}

struct mailsend *
mailsend_start(struct context *cx)
{
	struct mailsend	*sd;

	sd = xcalloc(1, sizeof(*sd));
	sd->cx = cx;
	pthread_mutex_init(&sd->lock, NULL);
	pthread_cond_init(&sd->cond, NULL);
	if (pthread_create(&sd->thread, NULL, sender_main, sd) != 0)
		abort();
	return sd;
}

void
mailsend_nudge(struct mailsend *sd, int64_t id)
{
	pthread_mutex_lock(&sd->lock);
	if (id > sd->want)
		sd->want = id;
	if (id == 0)
		sd->kick = 1;
	pthread_cond_broadcast(&sd->cond);
	pthread_mutex_unlock(&sd->lock);
}

void
mailsend_wait(struct mailsend *sd, int64_t id)
{
	pthread_mutex_lock(&sd->lock);
	while (sd->done < id)
		pthread_cond_wait(&sd->cond, &sd->lock);
	pthread_mutex_unlock(&sd->lock);
}

void
mailsend_round(struct mailsend *sd)
{
	unsigned	target;

	pthread_mutex_lock(&sd->lock);
	/* The next round to begin sees the kick. */
	target = sd->started + 1;
	sd->kick = 1;
	pthread_cond_broadcast(&sd->cond);
	while ((int)(sd->rounds - target) < 0)
		pthread_cond_wait(&sd->cond, &sd->lock);
	pthread_mutex_unlock(&sd->lock);
}

void
mailsend_stop(struct mailsend **sdp, int *sent_r, int *failed_r)
{
	struct mailsend	*sd = *sdp;

	if (sd == NULL)
		return;
	pthread_mutex_lock(&sd->lock);
	sd->stop = 1;
	pthread_cond_broadcast(&sd->cond);
	pthread_mutex_unlock(&sd->lock);
	pthread_join(sd->thread, NULL);
	if (sent_r != NULL)
		*sent_r += sd->sent;
	if (failed_r != NULL)
		*failed_r += sd->failed;
	pthread_mutex_destroy(&sd->lock);
	pthread_cond_destroy(&sd->cond);
	free(sd);
	*sdp = NULL;
}

