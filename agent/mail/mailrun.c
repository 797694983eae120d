/*
 * The mail channel's IMAP side.  It holds the session and has each new
 * letter decided (agent/mail/mailchan.c); agent/mail/mailsend.c's thread
 * submits the replies meanwhile.  A letter is marked done on the IMAP server, in
 * batches, only once the sender has dealt with the reply it called for.
 * After each connect the folder is swept from UID 1 for letters without
 * our done keyword, which finds those committed but not yet marked when
 * the process died; afterwards only UIDs above the last one handled are
 * searched.  A letter already in mail_seen is only marked done (or moved
 * to quarantine) again, never answered again.  Before reading a letter
 * its try is counted, so one that kills the process is quarantined after
 * LIMIT_LETTER_TRIES starts instead of stalling the folder.
 */
#include "agent/mail/mailrun.h"

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

#include "agent/core/context.h"
#include "agent/mail/limits.h"
#include "agent/mail/mailsend.h"
#include "lib/log.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"
#include "mailbox/imap.h"
#include "mailbox/mail.h"
#include "mailbox/smtp.h"

struct session {
	struct imap	*im;
	struct mailsend	*sd;
	char		*folder;
	uint32_t	 after;		/* last UID handled this session */
	uint32_t	 marks[IMAP_BATCH];	/* done, to be marked */
	size_t		 nmarks;
	int64_t		 mark_wait;	/* outbox id to wait for first */
	void		(*touch)(void *, int64_t);
	void		*touch_arg;
	const atomic_int *stop;		/* NULL: never asked to stop */
};

struct mailrun {
	struct context	*cx;
	pthread_t	 thread;
	int		 pipe[2];	/* written to stop */
	atomic_int	 stop;
};

static const enum imap_security securities[] = {
	[CONFIG_SECURITY_NONE] = IMAP_SECURITY_NONE,
	[CONFIG_SECURITY_STARTTLS] = IMAP_SECURITY_STARTTLS,
	[CONFIG_SECURITY_TLS] = IMAP_SECURITY_TLS,
};

static int
imap_connect(const struct config *cfg, struct imap **im_r, char **errstr_r)
{
	struct imap_config	 ic;
	char			*pw;
	int			 rc;

	if ((pw = config_password(cfg->imap_password, cfg->imap_password_file,
	    "imap", errstr_r)) == NULL)
		return -1;
	memset(&ic, 0, sizeof(ic));
	ic.host = cfg->imap_host;
	ic.port = cfg->imap_port;
	ic.security = securities[config_security(cfg->imap_security)];
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
	char	*pw;

	if (cfg->imap_host == NULL)
		return 0;
	if (config_security(cfg->imap_security) == CONFIG_SECURITY_NONE &&
	    !smtp_host_is_loopback(cfg->imap_host)) {
		*errstr_r = xasprintf("imap_security none is for a server on "
		    "this machine, not %s", cfg->imap_host);
		return -1;
	}
	if (cfg->imap_user == NULL) {
		*errstr_r = xstrdup("imap_host needs imap_user");
		return -1;
	}
	if ((pw = config_password(cfg->imap_password, cfg->imap_password_file,
	    "imap", errstr_r)) == NULL)
		return -1;
	free(pw);
	return mailsend_check(cfg, errstr_r);
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
		mailsend_wait(ss->sd, ss->mark_wait);
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
	else if (tries > LIMIT_LETTER_TRIES)
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
		mailsend_nudge(ss->sd, res.letter);
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
mailrun_once(const struct mailchan_env *env, struct context *cx,
    struct mailrun_stats *st, char **errstr_r)
{
	struct session	ss;
	int		rc = -1, lock;

	memset(st, 0, sizeof(*st));
	memset(&ss, 0, sizeof(ss));
	if ((lock = channel_lock(cx->state_db, errstr_r)) == -1)
		return -1;
	ss.sd = mailsend_start(cx);
	/* What a killed run left pending goes first. */
	mailsend_round(ss.sd);
	if (session_open(env, &ss, errstr_r) == -1)
		goto out;
	if (pass(env, &ss, st) == -1) {
		*errstr_r = xstrdup(imap_broken(ss.im) ? "the IMAP session "
		    "broke off (see above)" : "a letter failed (see above)");
		goto out;
	}
	rc = 0;
out:
	mailsend_stop(&ss.sd, &st->sent, &st->failed);
	session_close(&ss);
	close(lock);
	return rc;
}

int
mailrun_backoff(int wait)
{
	return wait * 2 > MAILRUN_BACKOFF_MAX ? MAILRUN_BACKOFF_MAX : wait * 2;
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
	notify_changed(&((struct context *)arg)->notify, conv, 1);
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
	ss.touch_arg = mr->cx;
	ss.stop = &mr->stop;
	/* Wait while a `mail fetch` or another server has the channel. */
	while ((lock = channel_lock(mr->cx->state_db, &err)) == -1 &&
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
	ss.sd = mailsend_start(mr->cx);
	/* What a killed process left pending goes first. */
	mailsend_round(ss.sd);
	while (!atomic_load(&mr->stop)) {
		if (mailchan_env_of(mr->cx, &env) == -1) {
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
				backoff = mailrun_backoff(backoff);
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
	mailsend_stop(&ss.sd, NULL, NULL);
	close(lock);
	return NULL;
}

int
mailrun_start(struct context *cx, const struct config *cfg,
    struct mailrun **mr_r, char **errstr_r)
{
	struct mailrun	*mr;

	*mr_r = NULL;
	if (cfg->imap_host == NULL)
		return 0;
	if (mailrun_check(cfg, errstr_r) == -1)
		return -1;
	mr = xcalloc(1, sizeof(*mr));
	mr->cx = cx;
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
