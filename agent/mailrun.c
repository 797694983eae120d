/*
 * The mail channel's loop.  Two threads: one holds the IMAP session and
 * decides (agent/mailchan.c), the other, the sender, submits our letters
 * over SMTP (its connection kept between letters) and turns operators'
 * replies into letters, so that a slow SMTP server never holds up the
 * folder and the two servers work at once.  A letter is marked done on
 * the IMAP server, in batches, only once the sender has dealt with the
 * reply it called for.  After each connect the folder is swept from UID
 * 1 for letters without our done keyword, which finds those committed but
 * not yet marked when the process died; afterwards only UIDs above the
 * last one handled are searched.  A letter already in mail_seen is only
 * marked done (or moved to quarantine) again, never answered again.
 * Before reading a letter its try is counted, so one that kills the
 * process is quarantined after MAILCHAN_TRIES_MAX starts instead of
 * stalling the folder.
 */
#include "agent/mailrun.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "agent/events.h"
#include "agent/serve.h"
#include "agent/state.h"
#include "agent/stmt.h"
#include "lib/files.h"
#include "lib/log.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"
#include "mailbox/imap.h"
#include "mailbox/mail.h"
#include "mailbox/smtp.h"

/* A password file: one line. */
#define SECRET_FILE_MAX	4096

struct sender;

struct session {
	struct imap	*im;
	struct sender	*sd;
	char		*folder;
	uint32_t	 after;		/* last UID handled this session */
	uint32_t	 marks[IMAP_BATCH];	/* done, to be marked */
	size_t		 nmarks;
	int64_t		 mark_wait;	/* outbox id to wait for first */
	void		(*touch)(void *, int64_t);
	void		*touch_arg;
	const atomic_int *stop;		/* NULL: never asked to stop */
};

/* The thread that submits our letters, so that SMTP never holds up IMAP. */
struct sender {
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
	struct server		*srv;	/* serve: the thread's worker */
	char			*state_db;	/* mail fetch: own connection */
	const struct config	*cfg;
	sqlite3			*db;
	int			 tuned;
};

struct mailrun {
	struct server	*srv;
	pthread_t	 thread;
	int		 pipe[2];	/* written to stop */
	atomic_int	 stop;
};

static const struct {
	const char	*name;
	enum imap_security imap;
	enum smtp_security smtp;
} securities[] = {
	{ "none", IMAP_SECURITY_NONE, SMTP_SECURITY_NONE },
	{ "starttls", IMAP_SECURITY_STARTTLS, SMTP_SECURITY_STARTTLS },
	{ "tls", IMAP_SECURITY_TLS, SMTP_SECURITY_TLS },
};

static size_t
security_of(const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < sizeof(securities) /
	    sizeof(securities[0]); i++)
		if (strcmp(securities[i].name, s) == 0)
			return i;
	return 0;
}

/* The password: written in the configuration, or the first line of the
 * file it names.  Returns an allocated string, or NULL with *errstr_r. */
static char *
secret(const char *inline_pw, const char *file, const char *what,
    char **errstr_r)
{
	char	*buf, *err = NULL;
	size_t	 len;

	if (inline_pw != NULL)
		return xstrdup(inline_pw);
	if (file == NULL)
		return xstrdup("");
	if (files_read(file, SECRET_FILE_MAX, &buf, &len, &err) == -1) {
		*errstr_r = xasprintf("%s_password_file: %s", what, err);
		free(err);
		return NULL;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf;
}

static int
smtp_open(const struct config *cfg, struct smtp **s_r, char **errstr_r)
{
	struct smtp_config	 sc;
	char			*pw;
	int			 rc;

	if ((pw = secret(cfg->smtp_password, cfg->smtp_password_file, "smtp",
	    errstr_r)) == NULL)
		return -1;
	memset(&sc, 0, sizeof(sc));
	sc.url = cfg->smtp_url != NULL ? cfg->smtp_url :
	    CONFIG_SMTP_URL_DEFAULT;
	sc.security = securities[security_of(cfg->smtp_security)].smtp;
	sc.user = cfg->smtp_user;
	sc.password = pw;
	sc.ca_file = cfg->mail_ca_file;
	rc = smtp_new(&sc, s_r, errstr_r);
	free(pw);
	return rc;
}

static int
imap_connect(const struct config *cfg, struct imap **im_r, char **errstr_r)
{
	struct imap_config	 ic;
	char			*pw;
	int			 rc;

	if ((pw = secret(cfg->imap_password, cfg->imap_password_file, "imap",
	    errstr_r)) == NULL)
		return -1;
	memset(&ic, 0, sizeof(ic));
	ic.host = cfg->imap_host;
	ic.port = cfg->imap_port;
	ic.security = securities[security_of(cfg->imap_security)].imap;
	ic.user = cfg->imap_user != NULL ? cfg->imap_user : "";
	ic.password = pw;
	ic.folder = cfg->imap_folder;
	ic.quarantine = cfg->imap_quarantine;
	ic.ca_file = cfg->mail_ca_file;
	rc = imap_open(&ic, im_r, errstr_r);
	free(pw);
	return rc;
}

/*
 * One mail channel per state database: two would both submit the same
 * pending letter.  Takes an exclusive lock on <state_db>.mail.lock.
 * Returns the locked descriptor (closing it unlocks), or -1 with
 * *errstr_r when another process holds it or the file cannot be opened.
 */
static int
channel_lock(const char *state_db, char **errstr_r)
{
	char	*path;
	int	 fd;

	path = xasprintf("%s.mail.lock", state_db);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1)
		*errstr_r = xasprintf("%s: %s", path, strerror(errno));
	else if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		*errstr_r = xstrdup("the mail channel of this state database "
		    "runs in another process");
		close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}

int
mailrun_check(const struct config *cfg, char **errstr_r)
{
	struct smtp	*s = NULL;
	char		*pw;

	if (cfg->imap_host == NULL)
		return 0;
	if (security_of(cfg->imap_security) == 0 &&
	    !smtp_host_is_loopback(cfg->imap_host)) {
		*errstr_r = xasprintf("imap_security none is for a server on "
		    "this machine, not %s", cfg->imap_host);
		return -1;
	}
	if (cfg->imap_user == NULL) {
		*errstr_r = xstrdup("imap_host needs imap_user");
		return -1;
	}
	if ((pw = secret(cfg->imap_password, cfg->imap_password_file, "imap",
	    errstr_r)) == NULL)
		return -1;
	free(pw);
	if (smtp_open(cfg, &s, errstr_r) == -1)
		return -1;
	smtp_free(&s);
	return 0;
}

/* Tells those waiting that every letter up to id has been dealt with:
 * rows are taken in id order, and ids grow in commit order. */
static void
progress(struct sender *sd, int64_t id, int sent, int failed)
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
flush(struct sender *sd, const struct mailchan_env *env, struct smtp **smtp,
    time_t due)
{
	struct mailchan_out	*out;
	const char		*from;
	char			*err = NULL;
	size_t			 n, i;
	int			 perm, rc = 0;

	from = env->cfg->mail_address != NULL ? env->cfg->mail_address :
	    CONFIG_MAIL_ADDRESS_DEFAULT;
	do {
		if (mailchan_pending(env->db, due, MAILRUN_OUTBOX_BATCH,
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
				if (mailchan_sent(env->db, out[i].id, NULL, 0,
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
			if (mailchan_sent(env->db, out[i].id, err, perm,
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
		mailchan_out_free(out, n);
	} while (rc == 0 && n == MAILRUN_OUTBOX_BATCH);
	return rc;
}

/* The sender's connection and settings: its serve worker's, or its own
 * connection with the configuration of `mail fetch`. */
static int
sender_env(struct sender *sd, struct mailchan_env *env)
{
	struct worker	*w;
	char		*err = NULL;

	memset(env, 0, sizeof(*env));
	env->now = time(NULL);
	if (sd->srv != NULL) {
		if ((w = serve_worker(sd->srv)) == NULL)
			return -1;
		if (!sd->tuned) {
			sqldb_exec(w->db, "PRAGMA synchronous=FULL", NULL);
			sd->tuned = 1;
		}
		env->db = w->db;
		env->cl = w->brain->cl;
		env->ctx = w->ctx;
		env->cfg = &w->brain->cfg;
		env->holidays = &w->brain->holidays;
		env->attach_dir = sd->srv->attach_dir;
		return 0;
	}
	if (sd->db == NULL && (state_open(sd->state_db, &sd->db, &err) == -1 ||
	    sqldb_exec(sd->db, "PRAGMA synchronous=FULL", &err) == -1)) {
		log_msg(LOG_ERROR, "mail: %s", err);
		free(err);
		sqldb_close(&sd->db);
		return -1;
	}
	env->db = sd->db;
	env->cfg = sd->cfg;
	return 0;
}

/*
 * The sender thread: whenever asked, and every MAILRUN_SLICE seconds,
 * turns operators' replies into letters and submits what is pending.
 * After each round everything up to the id it was asked for has been
 * sent, refused or put off, and whoever waits for that is woken.
 */
static void *
sender_main(void *arg)
{
	struct sender		*sd = arg;
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
		ts.tv_sec += MAILRUN_SLICE;
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
			if (mailchan_operator_letters(&env, &err) == -1) {
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
	if (sd->db != NULL) {
		stmt_forget(sd->db);
		sqldb_close(&sd->db);
	}
	return NULL;
}

/* Starts a sender for serve (srv) or for `mail fetch` (state_db, cfg). */
static struct sender *
sender_start(struct server *srv, const char *state_db,
    const struct config *cfg)
{
	struct sender	*sd;

	sd = xcalloc(1, sizeof(*sd));
	sd->srv = srv;
	sd->state_db = state_db != NULL ? xstrdup(state_db) : NULL;
	sd->cfg = cfg;
	pthread_mutex_init(&sd->lock, NULL);
	pthread_cond_init(&sd->cond, NULL);
	if (pthread_create(&sd->thread, NULL, sender_main, sd) != 0)
		abort();
	return sd;
}

/* Asks for letter id (0: a round anyway) to be dealt with. */
static void
sender_nudge(struct sender *sd, int64_t id)
{
	pthread_mutex_lock(&sd->lock);
	if (id > sd->want)
		sd->want = id;
	if (id == 0)
		sd->kick = 1;
	pthread_cond_broadcast(&sd->cond);
	pthread_mutex_unlock(&sd->lock);
}

/* Waits until letter id has been dealt with. */
static void
sender_wait(struct sender *sd, int64_t id)
{
	pthread_mutex_lock(&sd->lock);
	while (sd->done < id)
		pthread_cond_wait(&sd->cond, &sd->lock);
	pthread_mutex_unlock(&sd->lock);
}

/* Has a whole round run and waits for it: pending letters first. */
static void
sender_round(struct sender *sd)
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

/* Stops the sender after a last round; adds its counts to st. */
static void
sender_stop(struct sender **sdp, struct mailrun_stats *st)
{
	struct sender	*sd = *sdp;

	if (sd == NULL)
		return;
	pthread_mutex_lock(&sd->lock);
	sd->stop = 1;
	pthread_cond_broadcast(&sd->cond);
	pthread_mutex_unlock(&sd->lock);
	pthread_join(sd->thread, NULL);
	if (st != NULL) {
		st->sent += sd->sent;
		st->failed += sd->failed;
	}
	pthread_mutex_destroy(&sd->lock);
	pthread_cond_destroy(&sd->cond);
	free(sd->state_db);
	free(sd);
	*sdp = NULL;
}

static void
count(struct mailrun_stats *st, const struct mailchan_result *res)
{
	static const struct {
		const char	*outcome;
		size_t		 off;
	} map[] = {
		{ "answered", offsetof(struct mailrun_stats, answered) },
		{ "acknowledged",
		    offsetof(struct mailrun_stats, acknowledged) },
		{ "to operator", offsetof(struct mailrun_stats, to_operator) },
		{ "note", offsetof(struct mailrun_stats, robots) },
		{ "robot", offsetof(struct mailrun_stats, robots) },
		{ "quarantine", offsetof(struct mailrun_stats, quarantined) },
	};
	size_t	i;

	st->letters++;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].outcome, res->outcome) == 0) {
			(*(int *)((char *)st + map[i].off))++;
			return;
		}
	st->other++;
}

/*
 * Marks the letters collected done, in one command, once the letters of
 * ours they called for have been dealt with.  Returns 0, or -1 when the
 * session failed.
 */
static int
mark(struct session *ss)
{
	char	*err = NULL;
	int	 rc = 0;

	if (ss->nmarks == 0)
		return 0;
	if (ss->mark_wait > 0)
		sender_wait(ss->sd, ss->mark_wait);
	if (imap_mark_done(ss->im, ss->marks, ss->nmarks, &err) == -1) {
		log_msg(LOG_ERROR, "mail: %s", err);
		free(err);
		rc = imap_broken(ss->im) ? -1 : 0;
	}
	ss->nmarks = 0;
	ss->mark_wait = 0;
	return rc;
}

/* Adds uid to the letters to mark, after outbox id letter when not 0. */
static int
mark_later(struct session *ss, uint32_t uid, int64_t letter)
{
	ss->marks[ss->nmarks++] = uid;
	if (letter > ss->mark_wait)
		ss->mark_wait = letter;
	return ss->nmarks == IMAP_BATCH ? mark(ss) : 0;
}

/* Moves uid to quarantine; when that fails, marks it done so that the
 * folder does not stall on it (mail_seen keeps the reason). */
static int
quarantine(struct session *ss, uint32_t uid)
{
	char	*err = NULL;

	if (imap_quarantine(ss->im, uid, &err) == 0)
		return 0;
	log_msg(LOG_ERROR, "mail: letter %u not moved to quarantine: %s",
	    uid, err);
	free(err);
	if (imap_broken(ss->im))
		return -1;
	return mark_later(ss, uid, 0);
}

/* One letter.  Returns 0, or -1 when the session or the database failed
 * (the letter is looked at again later). */
static int
one(const struct mailchan_env *env, struct session *ss, uint32_t uid,
    size_t size, struct mailrun_stats *st)
{
	struct mailchan_where	 w;
	struct mailchan_result	 res;
	struct mailchan_env	 now = *env;
	char			*raw = NULL, *err = NULL, reason[128];
	size_t			 len;
	int			 q, tries, rc;

	now.now = time(NULL);
	env = &now;
	w.folder = ss->folder;
	w.uidvalidity = imap_uidvalidity(ss->im);
	w.uid = uid;
	if ((rc = mailchan_seen(env->db, &w, &q, &err)) == -1)
		goto dberr;
	if (rc == 1) {
		/* Handled before the process stopped: only mark it. */
		return q ? quarantine(ss, uid) : mark_later(ss, uid, 0);
	}
	if (size == SIZE_MAX)
		return 0;	/* gone meanwhile */
	if ((tries = mailchan_try(env->db, &w, &err)) == -1)
		goto dberr;
	reason[0] = '\0';
	if (size > MAIL_MAX_BYTES)
		snprintf(reason, sizeof(reason), "%zu bytes, over the limit "
		    "of %d", size, MAIL_MAX_BYTES);
	else if (tries > MAILCHAN_TRIES_MAX)
		snprintf(reason, sizeof(reason), "not finished in %d tries",
		    tries - 1);
	if (reason[0] != '\0') {
		log_msg(LOG_WARN, "mail: letter %u to quarantine: %s", uid,
		    reason);
		if (mailchan_refuse(env, &w, reason, &err) == -1)
			goto dberr;
		st->letters++;
		st->quarantined++;
		return quarantine(ss, uid);
	}
	if ((rc = imap_fetch(ss->im, uid, MAIL_MAX_BYTES, &raw, &len,
	    &err)) == 1)
		return 0;
	if (rc == -1) {
		log_msg(LOG_ERROR, "mail: letter %u: %s", uid, err);
		free(err);
		return imap_broken(ss->im) ? -1 : 0;
	}
	rc = mailchan_take(env, &w, raw, len, &res, &err);
	free(raw);
	if (rc == -1)
		goto dberr;
	count(st, &res);
	log_msg(LOG_INFO, "mail: letter %u: %s%s%s%s%s", uid, res.outcome,
	    res.number[0] != '\0' ? " " : "", res.number,
	    res.reason[0] != '\0' ? ": " : "", res.reason);
	if (res.queue_changed && ss->touch != NULL)
		ss->touch(ss->touch_arg, res.conv);
	if (res.quarantine)
		return quarantine(ss, uid);
	if (res.letters > 0)
		sender_nudge(ss->sd, res.letter);
	return mark_later(ss, uid, res.letters > 0 ? res.letter : 0);
dberr:
	log_msg(LOG_ERROR, "mail: %s", err);
	free(err);
	return -1;
}

/* The letters above ss->after not yet done.  Returns 0, or -1 when the
 * session or the database failed. */
static int
pass(const struct mailchan_env *env, struct session *ss,
    struct mailrun_stats *st)
{
	uint32_t	*uids = NULL;
	size_t		 n = 0, i, j, k, sizes[IMAP_BATCH];
	char		*err = NULL;
	int		 rc = 0;

	if (imap_search(ss->im, ss->after, &uids, &n, &err) == -1) {
		log_msg(LOG_ERROR, "mail: %s", err);
		free(err);
		return -1;
	}
	for (i = 0; i < n && rc == 0; i += k) {
		k = n - i < IMAP_BATCH ? n - i : IMAP_BATCH;
		if (imap_sizes(ss->im, uids + i, k, sizes, &err) == -1) {
			log_msg(LOG_ERROR, "mail: %s", err);
			free(err);
			rc = -1;
			break;
		}
		for (j = 0; j < k && rc == 0; j++) {
			if (ss->stop != NULL && atomic_load(ss->stop)) {
				rc = -1;
				break;
			}
			rc = one(env, ss, uids[i + j], sizes[j], st);
			if (rc == 0 && uids[i + j] > ss->after)
				ss->after = uids[i + j];
		}
	}
	free(uids);
	if (mark(ss) == -1)
		rc = -1;
	return rc;
}

static int
session_open(const struct mailchan_env *env, struct session *ss,
    char **errstr_r)
{
	if (imap_connect(env->cfg, &ss->im, errstr_r) == -1)
		return -1;
	free(ss->folder);
	ss->folder = xstrdup(env->cfg->imap_folder != NULL ?
	    env->cfg->imap_folder : CONFIG_IMAP_FOLDER_DEFAULT);
	ss->after = 0;
	ss->nmarks = 0;
	ss->mark_wait = 0;
	return 0;
}

static void
session_close(struct session *ss)
{
	imap_close(&ss->im);
	free(ss->folder);
	ss->folder = NULL;
	ss->nmarks = 0;
}

int
mailrun_once(const struct mailchan_env *env, const char *state_db,
    struct mailrun_stats *st, char **errstr_r)
{
	struct session	ss;
	int		rc = -1, lock;

	memset(st, 0, sizeof(*st));
	memset(&ss, 0, sizeof(ss));
	if ((lock = channel_lock(state_db, errstr_r)) == -1)
		return -1;
	ss.sd = sender_start(NULL, state_db, env->cfg);
	/* What a killed run left pending goes first. */
	sender_round(ss.sd);
	if (session_open(env, &ss, errstr_r) == -1)
		goto out;
	if (pass(env, &ss, st) == -1) {
		*errstr_r = xstrdup(imap_broken(ss.im) ? "the IMAP session "
		    "broke off (see above)" : "a letter failed (see above)");
		goto out;
	}
	rc = 0;
out:
	sender_stop(&ss.sd, st);
	session_close(&ss);
	close(lock);
	return rc;
}

/* The serve thread's view of the current brain. */
static int
thread_env(struct mailrun *mr, struct mailchan_env *env)
{
	struct worker	*w;

	if ((w = serve_worker(mr->srv)) == NULL)
		return -1;
	memset(env, 0, sizeof(*env));
	env->db = w->db;
	env->cl = w->brain->cl;
	env->ctx = w->ctx;
	env->cfg = &w->brain->cfg;
	env->holidays = &w->brain->holidays;
	env->attach_dir = mr->srv->attach_dir;
	env->now = time(NULL);
	return 0;
}

/* Sleeps up to seconds, waking early when asked to stop. */
static void
nap(struct mailrun *mr, int seconds)
{
	struct pollfd	pfd;

	pfd.fd = mr->pipe[0];
	pfd.events = POLLIN;
	pfd.revents = 0;
	poll(&pfd, 1, seconds * 1000);
}

/*
 * Waits for news in the folder for up to seconds: IDLE where the server
 * has it, else sleeping and then NOOP.  The sender looks at operators'
 * replies meanwhile.
 */
static void
wait_news(struct mailrun *mr, struct session *ss, int seconds)
{
	char	*err = NULL;
	int	 r = IMAP_WAIT_TIMEOUT;
	time_t	 end = time(NULL) + seconds;

	if (!imap_has_idle(ss->im)) {
		nap(mr, seconds);
		if (!atomic_load(&mr->stop) && imap_noop(ss->im, &err) == -1) {
			log_msg(LOG_WARN, "mail: %s", err);
			free(err);
		}
		return;
	}
	if (imap_idle_start(ss->im, &err) == -1) {
		log_msg(LOG_WARN, "mail: %s", err);
		free(err);
		return;
	}
	while (r == IMAP_WAIT_TIMEOUT && !atomic_load(&mr->stop) &&
	    time(NULL) < end)
		r = imap_idle_wait(ss->im, (int)(end - time(NULL)) * 1000,
		    mr->pipe[0], &err);
	if (r == -1) {
		log_msg(LOG_WARN, "mail: %s", err);
		free(err);
		return;
	}
	if (imap_idle_done(ss->im, &err) == -1) {
		log_msg(LOG_WARN, "mail: %s", err);
		free(err);
	}
}

static void
touch(void *arg, int64_t conv)
{
	hub_publish(((struct server *)arg)->hub, conv, 1);
}

static void *
thread_main(void *arg)
{
	struct mailrun		*mr = arg;
	struct mailchan_env	 env;
	struct mailrun_stats	 st;
	struct session		 ss;
	const struct config	*cfg = NULL;
	char			*err = NULL;
	time_t			 next = 0;
	int			 backoff = MAILRUN_BACKOFF_MIN, tuned = 0;
	int			 lock;

	memset(&ss, 0, sizeof(ss));
	ss.touch = touch;
	ss.touch_arg = mr->srv;
	ss.stop = &mr->stop;
	/* Wait while a `mail fetch` or another server has the channel. */
	while ((lock = channel_lock(mr->srv->state_db, &err)) == -1 &&
	    !atomic_load(&mr->stop)) {
		log_msg(LOG_WARN, "mail: %s; trying again in %d s", err,
		    MAILRUN_BACKOFF_MAX);
		free(err);
		err = NULL;
		nap(mr, MAILRUN_BACKOFF_MAX);
	}
	free(err);
	err = NULL;
	if (lock == -1)
		return NULL;
	ss.sd = sender_start(mr->srv, NULL, NULL);
	/* What a killed process left pending goes first. */
	sender_round(ss.sd);
	while (!atomic_load(&mr->stop)) {
		if (thread_env(mr, &env) == -1) {
			nap(mr, MAILRUN_BACKOFF_MAX);
			continue;
		}
		if (!tuned) {
			/* Our outcome must be on disk before it acts. */
			sqldb_exec(env.db, "PRAGMA synchronous=FULL", NULL);
			tuned = 1;
		}
		if (cfg != env.cfg) {
			/* A reload: the settings may have changed. */
			session_close(&ss);
			cfg = env.cfg;
		}
		if (ss.im == NULL) {
			if (time(NULL) < next) {
				nap(mr, (int)(next - time(NULL)));
				continue;
			}
			if (session_open(&env, &ss, &err) == -1) {
				log_msg(LOG_WARN, "mail: %s; trying again in "
				    "%d s", err, backoff);
				free(err);
				err = NULL;
				next = time(NULL) + backoff;
				backoff = backoff * 2 > MAILRUN_BACKOFF_MAX ?
				    MAILRUN_BACKOFF_MAX : backoff * 2;
				continue;
			}
			log_msg(LOG_INFO, "mail: connected to %s",
			    env.cfg->imap_host);
			backoff = MAILRUN_BACKOFF_MIN;
		}
		memset(&st, 0, sizeof(st));
		if (pass(&env, &ss, &st) == -1 || imap_broken(ss.im)) {
			if (atomic_load(&mr->stop))
				break;
			imap_close(&ss.im);
			next = time(NULL) + backoff;
			continue;
		}
		if (st.letters > 0)
			log_msg(LOG_INFO, "mail: %d letters: %d answered, %d "
			    "acknowledged, %d to operators, %d robots, %d "
			    "quarantined", st.letters, st.answered,
			    st.acknowledged, st.to_operator, st.robots,
			    st.quarantined);
		wait_news(mr, &ss, env.cfg->imap_poll_seconds);
		if (imap_broken(ss.im))
			imap_close(&ss.im);
	}
	session_close(&ss);
	sender_stop(&ss.sd, NULL);
	close(lock);
	return NULL;
}

int
mailrun_start(struct server *srv, const struct config *cfg,
    struct mailrun **mr_r, char **errstr_r)
{
	struct mailrun	*mr;
	sqlite3		*db = NULL;

	*mr_r = NULL;
	if (cfg->imap_host == NULL)
		return 0;
	if (mailrun_check(cfg, errstr_r) == -1)
		return -1;
	/* The tables, before the thread needs them. */
	if (sqldb_open(srv->state_db, &db, errstr_r) == -1)
		return -1;
	if (mailchan_schema(db, errstr_r) == -1) {
		sqldb_close(&db);
		return -1;
	}
	sqldb_close(&db);
	mr = xcalloc(1, sizeof(*mr));
	mr->srv = srv;
	atomic_init(&mr->stop, 0);
	if (pipe2(mr->pipe, O_CLOEXEC) == -1) {
		*errstr_r = xstrdup("mail: no pipe");
		free(mr);
		return -1;
	}
	if (pthread_create(&mr->thread, NULL, thread_main, mr) != 0) {
		*errstr_r = xstrdup("mail: no thread");
		close(mr->pipe[0]);
		close(mr->pipe[1]);
		free(mr);
		return -1;
	}
	*mr_r = mr;
	return 0;
}

void
mailrun_stop(struct mailrun **mrp)
{
	struct mailrun	*mr = *mrp;
	ssize_t		 n;

	if (mr == NULL)
		return;
	atomic_store(&mr->stop, 1);
	n = write(mr->pipe[1], "x", 1);
	(void)n;
	pthread_join(mr->thread, NULL);
	close(mr->pipe[0]);
	close(mr->pipe[1]);
	free(mr);
	*mrp = NULL;
}
