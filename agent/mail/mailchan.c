/*
 * One letter, one transaction.  The robot check (agent/mail/triage.c,
 * RFC 3834) decides first: a robot's letter becomes at most a note on
 * the request it refers to, is never answered and changes no state.  A person's letter
 * joins the request whose letter of ours it answers (our Message-IDs are
 * random, so only a holder of our letter can name one), or whose number
 * its subject carries when it comes from that request's citizen (a number
 * alone is guessable); otherwise it opens a request.  While a person has
 * the request the letter goes to them; else the bot answers from the
 * knowledge base, declines, or acknowledges and queues the request for
 * operators.  Automatic letters to one address are capped per hour and
 * day.  The outcome, the request, the conversation and queue item and the
 * letter we owe (status pending) commit together under the write lock,
 * after checking again under the lock that no one took the letter
 * meanwhile; only then does anything leave the machine.
 */
#include "agent/mail/mailchan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/core/agent.h"
#include "agent/core/attach.h"
#include "agent/core/context.h"
#include "agent/core/conv.h"
#include "agent/core/metrics.h"
#include "agent/core/queue.h"
#include "agent/core/state.h"
#include "agent/core/turn.h"
#include "agent/mail/limits.h"
#include "agent/mail/mailout.h"
#include "agent/mail/triage.h"
#include "intents/normalize.h"
#include "lib/log.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"
#include "mailbox/compose.h"
#include "mailbox/mail.h"
#include "mailbox/thread.h"

/* What can become of a letter: the outcome column of mail_seen. */
static const char *const outcomes[] = {
	"answered",	/* an answer or a polite decline went out */
	"acknowledged",	/* an acknowledgement; the operators have it */
	"to operator",	/* a follow-up for the person who has the request */
	"capped",	/* registered, but over the cap of automatic letters */
	"unanswerable",	/* registered, but no address to answer */
	"note",		/* a robot's letter noted on its request */
	"robot",	/* a robot's letter about nothing of ours */
	"duplicate",	/* the same Message-ID was handled already */
	"quarantine",	/* unreadable, too large or tried too often */
};

enum outcome {
	O_ANSWERED, O_ACKNOWLEDGED, O_TO_OPERATOR, O_CAPPED, O_UNANSWERABLE,
	O_NOTE, O_ROBOT, O_DUPLICATE, O_QUARANTINE
};

static int
dberr(sqlite3 *db, char **errstr_r)
{
	if (errstr_r != NULL)
		*errstr_r = xasprintf("mail: sqlite: %s", sqlite3_errmsg(db));
	return -1;
}

int
mailchan_env_of(struct context *cx, struct mailchan_env *env)
{
	struct worker	*w;

	memset(env, 0, sizeof(*env));
	if ((w = context_worker(cx)) == NULL)
		return -1;
	env->db = w->db;
	env->cl = w->brain->cl;
	env->ctx = w->ctx;
	env->cfg = &w->brain->cfg;
	env->holidays = &w->brain->holidays;
	env->attach_dir = cx->attach_dir;
	env->now = time(NULL);
	return 0;
}

int
mailchan_seen(sqlite3 *db, const struct mailchan_where *w,
    int *quarantine_r, char **errstr_r)
{
	sqlite3_stmt	*st;
	int		 rc;

	*quarantine_r = 0;
	if ((st = sqldb_prep(db, errstr_r, "SELECT outcome = ?4 FROM mail_seen "
	    "WHERE folder = ?1 AND uidvalidity = ?2 AND uid = ?3", "tiit",
	    w->folder, (int64_t)w->uidvalidity, (int64_t)w->uid,
	    outcomes[O_QUARANTINE])) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*quarantine_r = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return dberr(db, errstr_r);
}

int
mailchan_try(sqlite3 *db, const struct mailchan_where *w, char **errstr_r)
{
	int64_t	tries = 0;

	if (state_begin(db, errstr_r) == -1)
		return -1;
	if (sqldb_done(db, sqldb_prep(db, errstr_r,
	    "INSERT INTO mail_state (folder, "
	    "uidvalidity, try_uid, tries) VALUES (?1, ?2, ?3, 1) ON CONFLICT "
	    "(folder) DO UPDATE SET tries = CASE WHEN try_uid = ?3 AND "
	    "uidvalidity = ?2 THEN tries + 1 ELSE 1 END, last_uid = CASE WHEN "
	    "uidvalidity = ?2 THEN last_uid ELSE 0 END, uidvalidity = ?2, "
	    "try_uid = ?3", "tii", w->folder, (int64_t)w->uidvalidity,
	    (int64_t)w->uid), errstr_r) == -1 ||
	    sqldb_one_int(db, sqldb_prep(db, errstr_r,
	        "SELECT tries FROM mail_state WHERE "
	    "folder = ?1", "t", w->folder), &tries, errstr_r) != 1) {
		state_rollback(db);
		if (*errstr_r == NULL)
			*errstr_r = xstrdup("mail: no state row");
		return -1;
	}
	if (state_commit(db, errstr_r) == -1)
		return -1;
	return (int)tries;
}

/*
 * Inside the transaction: whether w, or a letter with message_id, was
 * handled already (by us before, or by another process meanwhile).
 * Returns the outcome to report (O_QUARANTINE for an earlier quarantine
 * too), or -1 when it is new; -2 on a database error.
 */
static int
handled(sqlite3 *db, const struct mailchan_where *w, const char *message_id,
    int *quarantine_r, char **errstr_r)
{
	int64_t	v;
	int	rc;

	if ((rc = mailchan_seen(db, w, quarantine_r, errstr_r)) == -1)
		return -2;
	if (rc == 1)
		return *quarantine_r ? O_QUARANTINE : O_DUPLICATE;
	if (message_id == NULL)
		return -1;
	rc = sqldb_one_int(db, sqldb_prep(db, errstr_r,
	    "SELECT 1 FROM mail_seen WHERE "
	    "message_id = ?1 LIMIT 1", "t", message_id), &v, errstr_r);
	if (rc == -1)
		return -2;
	return rc == 1 ? O_DUPLICATE : -1;
}

/* Inside the transaction: the letter's row, and the folder's last UID. */
static int
record(sqlite3 *db, const struct mailchan_where *w, const char *message_id,
    enum outcome o, const struct mailchan_result *res, time_t now,
    char **errstr_r)
{
	if (sqldb_done(db, sqldb_prep(db, errstr_r,
	    "INSERT INTO mail_seen (folder, "
	    "uidvalidity, uid, message_id, outcome, reason, conv, number, at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", "tiitttnti",
	    w->folder, (int64_t)w->uidvalidity, (int64_t)w->uid, message_id,
	    outcomes[o], res->reason[0] != '\0' ? res->reason : NULL,
	    res->conv, res->number[0] != '\0' ? res->number : NULL,
	    (int64_t)now), errstr_r) == -1)
		return -1;
	return sqldb_done(db, sqldb_prep(db, errstr_r,
	    "INSERT INTO mail_state (folder, "
	    "uidvalidity, last_uid) VALUES (?1, ?2, ?3) ON CONFLICT (folder) "
	    "DO UPDATE SET last_uid = CASE WHEN uidvalidity = ?2 THEN "
	    "max(last_uid, ?3) ELSE ?3 END, uidvalidity = ?2", "tii",
	    w->folder, (int64_t)w->uidvalidity, (int64_t)w->uid), errstr_r);
}

/* Records a letter that changes nothing but its own row. */
static int
record_only(const struct mailchan_env *env, const struct mailchan_where *w,
    const char *message_id, enum outcome o, struct mailchan_result *res,
    char **errstr_r)
{
	int	q, h;

	if (state_begin(env->db, errstr_r) == -1)
		return -1;
	if ((h = handled(env->db, w, message_id, &q, errstr_r)) == -2)
		goto fail;
	if (h >= 0 && (h != O_DUPLICATE || o != O_DUPLICATE)) {
		state_rollback(env->db);
		res->outcome = outcomes[h];
		res->quarantine = q;
		return 0;
	}
	if (record(env->db, w, message_id, o, res, env->now, errstr_r) == -1)
		goto fail;
	res->outcome = outcomes[o];
	res->quarantine = o == O_QUARANTINE;
	return state_commit(env->db, errstr_r);
fail:
	state_rollback(env->db);
	return -1;
}

int
mailchan_refuse(const struct mailchan_env *env,
    const struct mailchan_where *w, const char *reason, char **errstr_r)
{
	struct mailchan_result	res;

	memset(&res, 0, sizeof(res));
	snprintf(res.reason, sizeof(res.reason), "%s", reason);
	return record_only(env, w, NULL, O_QUARANTINE, &res, errstr_r);
}

/*
 * The conversation letter m belongs to: the one whose letter of ours it
 * refers to (In-Reply-To, then References newest first), else the one
 * whose request number its subject carries if m comes from that
 * request's citizen.  Returns 1 with *conv_r, 0 when none, -1.
 */
static int
thread_of(sqlite3 *db, const struct mail *m, int64_t *conv_r,
    char **errstr_r)
{
	char	number[REQNUM_SIZE];
	size_t	i;
	int	rc;

	if (m->in_reply_to != NULL && (rc = sqldb_one_int(db, sqldb_prep(db, errstr_r,
	    
	    "SELECT conv FROM mail_sent WHERE message_id = ?1", "t",
	    m->in_reply_to), conv_r, errstr_r)) != 0)
		return rc;
	for (i = m->nreferences; i > 0; i--)
		if ((rc = sqldb_one_int(db, sqldb_prep(db, errstr_r,
		    "SELECT conv FROM "
		    "mail_sent WHERE message_id = ?1", "t",
		    m->references[i - 1]), conv_r, errstr_r)) != 0)
			return rc;
	if (m->from_addr == NULL || !thread_subject_number(m->subject,
	    number))
		return 0;
	return sqldb_one_int(db, sqldb_prep(db, errstr_r,
	    "SELECT conv FROM mail_thread "
	    "WHERE number = ?1 AND address = ?2 ORDER BY conv DESC LIMIT 1",
	    "tt", number, m->from_addr), conv_r, errstr_r);
}

/* The identifiers a reply to m refers to, "\n"-joined, oldest first. */
static char *
refs_of(const struct mail *m)
{
	char	*s = xstrdup(""), *t;
	size_t	 i, from = 0;

	/* The thread's first and the newest: what compose keeps. */
	if (m->nreferences > COMPOSE_MAX_REFERENCES)
		from = m->nreferences - COMPOSE_MAX_REFERENCES + 1;
	for (i = 0; i < m->nreferences; i++) {
		if (i > 0 && i < from)
			continue;
		if (!compose_valid_id(m->references[i]))
			continue;
		t = xasprintf("%s%s%s", s, s[0] != '\0' ? "\n" : "",
		    m->references[i]);
		free(s);
		s = t;
	}
	if (compose_valid_id(m->message_id)) {
		t = xasprintf("%s%s%s", s, s[0] != '\0' ? "\n" : "",
		    m->message_id);
		free(s);
		s = t;
	}
	return s;
}

/* The citizen's words for the conversation: subject and new text, cut on
 * a character boundary. */
static char *
citizen_text(const struct triage *t)
{
	char	*s = xstrdup(t->text);
	size_t	 len = strlen(s);

	if (len > LIMIT_LETTER_TEXT_BYTES) {
		len = LIMIT_LETTER_TEXT_BYTES;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
		s[len] = '\0';
	}
	return s;
}

/* Where letters to the writer of m go: Reply-To when it is an address we
 * can write, else From; NULL when neither. */
static const char *
answer_address(const struct mail *m)
{
	if (m->reply_to != NULL && compose_valid_address(m->reply_to))
		return m->reply_to;
	if (m->from_addr != NULL && compose_valid_address(m->from_addr))
		return m->from_addr;
	return NULL;
}

/* An attachment written to disk before the transaction that records it. */
struct saved {
	const struct mail_attachment	*a;
	char				 hex[ATTACH_HEX_SIZE];
	const char			*type;
};

/* A declared media type we repeat: "type/subtype" of safe characters. */
static const char *
safe_type(const char *t)
{
	size_t	i;

	if (t == NULL || strchr(t, '/') == NULL || strlen(t) > 100)
		return "application/octet-stream";
	for (i = 0; t[i] != '\0'; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz0123456789/.+-",
		    t[i]) == NULL)
			return "application/octet-stream";
	return t;
}

/* Writes m's attachments (at most LIMIT_LETTER_ATTACHMENTS, each under
 * the mailbox layer's cap) to the attachment directory. */
static size_t
save_attachments(const struct mailchan_env *env, const struct mail *m,
    struct saved *sv)
{
	const struct mail_attachment	*a;
	char				*err = NULL;
	size_t				 i, n = 0;

	for (i = 0; i < m->nattachments && n < LIMIT_LETTER_ATTACHMENTS; i++) {
		a = &m->attachments[i];
		if (a->data == NULL || a->size == 0 || env->attach_dir == NULL)
			continue;
		if (attach_save(env->attach_dir, a->data, a->size, sv[n].hex,
		    &err) == -1) {
			log_msg(LOG_ERROR, "mail: attachment not kept: %s",
			    err);
			free(err);
			err = NULL;
			continue;
		}
		sv[n].a = a;
		sv[n].type = attach_type(a->data, a->size);
		if (sv[n].type == NULL)
			sv[n].type = safe_type(a->content_type);
		n++;
	}
	return n;
}

/* Inside the transaction: the saved attachments on conv, and a note of
 * those left out. */
static int
record_attachments(const struct mailchan_env *env, const struct mail *m,
    const struct saved *sv, size_t nsv, int64_t conv, const char *number,
    char **errstr_r)
{
	char	*note;
	size_t	 i, left;
	int64_t	 rc;

	for (i = 0; i < nsv; i++)
		if (attach_record(env->db, conv, number, sv[i].a->filename,
		    sv[i].type, sv[i].a->size, sv[i].hex, env->now,
		    errstr_r) == -1)
			return -1;
	left = m->nattachments - nsv;
	if (left == 0)
		return 0;
	note = xasprintf("Вложений не сохранено: %zu (больше %d МиБ, больше %d "
	    "в письме, пустые или не записались).", left,
	    MAIL_MAX_ATTACHMENT_BYTES / (1024 * 1024),
	    LIMIT_LETTER_ATTACHMENTS);
	rc = conv_add(env->db, conv, "system", note, NULL, NULL, NULL, number,
	    0, env->now, errstr_r);
	free(note);
	return rc == -1 ? -1 : 0;
}

/* Inside the transaction: the thread row of a new e-mail conversation. */
static int
thread_insert(const struct mailchan_env *env, int64_t conv,
    const char *number, const struct mail *m, const char *rcpt,
    char **errstr_r)
{
	char	*subject, *refs;
	int	 rc;

	subject = thread_clean_subject(m->subject);
	refs = refs_of(m);
	rc = sqldb_done(env->db, sqldb_prep(env->db, errstr_r,
	    "INSERT INTO mail_thread "
	    "(conv, number, address, rcpt, subject, last_id, refs) VALUES (?1, "
	    "?2, ?3, ?4, ?5, ?6, ?7)", "itttttt", conv, number,
	    m->from_addr != NULL ? m->from_addr : "", rcpt != NULL ? rcpt : "",
	    subject, compose_valid_id(m->message_id) ? m->message_id : NULL,
	    refs), errstr_r);
	free(subject);
	free(refs);
	return rc;
}

/* Inside the transaction: the thread's newest letter from the citizen;
 * where letters go changes only on a letter from the citizen's address. */
static int
thread_update(const struct mailchan_env *env, int64_t conv,
    const struct mail *m, const char *rcpt, char **errstr_r)
{
	char	*refs;
	int	 rc;

	if (!compose_valid_id(m->message_id))
		return 0;
	refs = refs_of(m);
	rc = sqldb_done(env->db, sqldb_prep(env->db, errstr_r,
	    "UPDATE mail_thread SET "
	    "last_id = ?2, refs = ?3, rcpt = CASE WHEN address = ?4 AND ?5 IS "
	    "NOT NULL THEN ?5 ELSE rcpt END WHERE conv = ?1", "itttt", conv,
	    m->message_id, refs, m->from_addr != NULL ? m->from_addr : "",
	    rcpt), errstr_r);
	free(refs);
	return rc;
}

/* A robot's letter: a note on the request it is about, never an answer
 * and never a change of state (RFC 3834 2). */
static int
take_robot(const struct mailchan_env *env, const struct mailchan_where *w,
    const struct triage *t, struct mailchan_result *res, char **errstr_r)
{
	struct conv_info	 ci;
	const struct mail	*m = t->mail;
	char			*note;
	int64_t			 conv = 0, msg;
	int			 h, q, rc;

	snprintf(res->reason, sizeof(res->reason), "%s", t->robot);
	if (state_begin(env->db, errstr_r) == -1)
		return -1;
	if ((h = handled(env->db, w, m->message_id, &q, errstr_r)) == -2)
		goto fail;
	if (h >= 0) {
		state_rollback(env->db);
		res->outcome = outcomes[h];
		res->quarantine = q;
		return 0;
	}
	if ((rc = thread_of(env->db, m, &conv, errstr_r)) == -1)
		goto fail;
	if (rc == 1 && conv_info(env->db, conv, &ci, errstr_r) == 1) {
		note = xasprintf("Автоматическое письмо оставлено без ответа "
		    "(%s): «%.200s»", t->robot, m->subject);
		msg = conv_add(env->db, conv, "system", note, NULL, NULL, NULL,
		    ci.number, 0, env->now, errstr_r);
		free(note);
		if (msg == -1)
			goto fail;
		res->conv = conv;
		snprintf(res->number, sizeof(res->number), "%s", ci.number);
	}
	if (mailout_suppress(env->db, m->from_addr, m->message_id, t->robot,
	    res->number, env->now, errstr_r) == -1 ||
	    record(env->db, w, m->message_id, res->conv ? O_NOTE : O_ROBOT,
	    res, env->now, errstr_r) == -1)
		goto fail;
	res->outcome = outcomes[res->conv ? O_NOTE : O_ROBOT];
	return state_commit(env->db, errstr_r);
fail:
	state_rollback(env->db);
	return -1;
}

/*
 * Inside the transaction: whether an automatic letter may go to rcpt
 * (1), or why not (0, with res->reason).
 */
static int
may_answer(const struct mailchan_env *env, const char *rcpt,
    struct mailchan_result *res, char **errstr_r)
{
	sqlite3_stmt	*st;
	int64_t		 hour = 0, day = 0;
	int		 rc;

	if (rcpt == NULL) {
		snprintf(res->reason, sizeof(res->reason), "no address to "
		    "answer to");
		return 0;
	}
	if (strcasecmp(rcpt, config_mail_address(env->cfg)) == 0) {
		snprintf(res->reason, sizeof(res->reason), "Reply-To is our "
		    "own address");
		return 0;
	}
	if ((st = sqldb_prep(env->db, errstr_r,
	    "SELECT coalesce(sum(created > ?2), "
	    "0), count(*) FROM mail_sent WHERE rcpt = ?1 AND auto = 1 AND "
	    "created > ?3", "tii", rcpt, (int64_t)env->now - 3600,
	    (int64_t)env->now - 86400)) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		hour = sqlite3_column_int64(st, 0);
		day = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return dberr(env->db, errstr_r);
	if (hour >= env->cfg->auto_replies_per_hour) {
		snprintf(res->reason, sizeof(res->reason), "%lld automatic "
		    "letters to this address in the last hour",
		    (long long)hour);
		return 0;
	}
	if (day >= env->cfg->auto_replies_per_day) {
		snprintf(res->reason, sizeof(res->reason), "%lld automatic "
		    "letters to this address in the last day",
		    (long long)day);
		return 0;
	}
	return 1;
}

/* The request status after the bot's turn on v. */
static const char *
status_after(const struct verdict *v)
{
	if (v->action == ACTION_HANDOFF)
		return "handoff";
	return v->register_request ? "new" : "answered";
}

/*
 * The bot's message in a letter: the reply, or for a handoff an
 * acknowledgement (a letter cannot be handed to a person in the middle of
 * a conversation), with the greeting, the number and the footer.
 */
static char *
letter_text(void *arg, const struct reply *r, const char *number)
{
	int	 english = r->verdict.lang == LANG_EN;
	char	*body, *text;

	(void)arg;
	if (r->verdict.action == ACTION_HANDOFF)
		body = mailout_ack(english, number);
	else
		body = xstrdup(r->text);
	text = mailout_text(english, body, number, 1);
	free(body);
	return text;
}

/*
 * Inside the transaction: the bot's turn (agent/core/turn.c) on a
 * person's letter in conversation ci (its request number set), then the
 * letter or the reason there is none.  Takes what r holds.
 */
static int
bot_turn(const struct mailchan_env *env, const struct conv_info *ci,
    const struct mail *m, struct reply *r, struct mailchan_result *res,
    enum outcome *o_r, char **errstr_r)
{
	const char		*rcpt = answer_address(m);
	struct turn_env		 te;
	struct turn		 t;
	char			*refs;
	int			 ok, rc = -1, english;

	memset(&te, 0, sizeof(te));
	te.db = env->db;
	te.cl = env->cl;
	te.ctx = env->ctx;
	te.holidays = env->holidays;
	te.now = env->now;
	memset(&t, 0, sizeof(t));
	t.channel = "email";
	t.reply = *r;
	memset(r, 0, sizeof(*r));
	t.wrap = letter_text;
	english = t.reply.verdict.lang == LANG_EN;
	/* The letter's thread is its request: each letter sets where the
	 * request stands. */
	if (request_set_status(env->db, ci->number,
	    status_after(&t.reply.verdict), env->now, errstr_r) == -1 ||
	    turn_take(&te, ci, &t, errstr_r) == -1)
		goto out;
	res->queue_changed = t.queue_changed;
	*o_r = t.reply.verdict.action == ACTION_HANDOFF ? O_ACKNOWLEDGED :
	    O_ANSWERED;
	if ((ok = may_answer(env, rcpt, res, errstr_r)) == -1)
		goto out;
	if (ok == 0) {
		*o_r = rcpt == NULL || strcasecmp(rcpt,
		    config_mail_address(env->cfg)) == 0 ? O_UNANSWERABLE :
		    O_CAPPED;
		rc = mailout_suppress(env->db, rcpt, m->message_id, res->reason,
		    ci->number, env->now, errstr_r);
		goto out;
	}
	refs = refs_of(m);
	rc = mailout_queue(env, ci->id, ci->number, rcpt, m->subject,
	    m->message_id, refs, t.said, t.said_html, 1, 0, english,
	    &res->letter, errstr_r);
	free(refs);
	if (rc == 0)
		res->letters = 1;
out:
	turn_release(&t);
	return rc;
}

/* A person's letter. */
static int
take_person(const struct mailchan_env *env, const struct mailchan_where *w,
    const struct triage *t, struct mailchan_result *res, char **errstr_r)
{
	struct saved		 sv[LIMIT_LETTER_ATTACHMENTS];
	struct request_new	 rn;
	struct conv_info	 ci;
	struct reply		 r;
	const struct mail	*m = t->mail;
	enum outcome		 o;
	int64_t			 conv = 0;
	size_t			 nsv;
	char			*text;
	int			 h, q, rc;

	memset(&r, 0, sizeof(r));
	r.verdict = t->verdict;
	if (t->action == TRIAGE_HANDOFF && r.verdict.action != ACTION_HANDOFF) {
		/* A letter cannot be asked which of two things it meant. */
		r.verdict.action = ACTION_HANDOFF;
		r.verdict.reason = "not sure enough to answer a letter";
	}
	text = citizen_text(t);
	nsv = save_attachments(env, m, sv);
	if (state_begin(env->db, errstr_r) == -1) {
		free(text);
		return -1;
	}
	if ((h = handled(env->db, w, m->message_id, &q, errstr_r)) == -2)
		goto fail;
	if (h >= 0) {
		state_rollback(env->db);
		free(text);
		res->outcome = outcomes[h];
		res->quarantine = q;
		return 0;
	}
	if ((rc = thread_of(env->db, m, &conv, errstr_r)) == -1)
		goto fail;
	if (rc == 1 && conv_info(env->db, conv, &ci, errstr_r) != 1) {
		if (*errstr_r == NULL)
			*errstr_r = xstrdup("mail: a thread without its "
			    "conversation");
		goto fail;
	}
	if (rc == 0) {
		memset(&rn, 0, sizeof(rn));
		rn.channel = "email";
		rn.category = r.verdict.intent;
		rn.priority = def_priority_name(r.verdict.priority);
		rn.status = status_after(&r.verdict);
		rn.summary = text;
		if (conv_insert(env->db, "email", lang_name(r.verdict.lang),
		    env->now, &conv, errstr_r) == -1 ||
		    request_register(env->db, &rn, env->now, ci.number,
		    errstr_r) == -1 || conv_set_number(env->db, conv, ci.number,
		    errstr_r) == -1 || thread_insert(env, conv, ci.number, m,
		    answer_address(m), errstr_r) == -1 ||
		    conv_info(env->db, conv, &ci, errstr_r) != 1)
			goto fail;
	} else if (thread_update(env, conv, m, answer_address(m),
	    errstr_r) == -1)
		goto fail;
	res->conv = conv;
	snprintf(res->number, sizeof(res->number), "%s", ci.number);
	if (conv_add_citizen(env->db, conv, text, env->cl, &r.verdict,
	    env->now, errstr_r) == -1 || record_attachments(env, m, sv, nsv,
	    conv, ci.number, errstr_r) == -1)
		goto fail;
	if (conv_with_person(ci.state)) {
		/* A person has the request: the letter is theirs. */
		o = O_TO_OPERATOR;
		res->queue_changed = 1;
	} else if (bot_turn(env, &ci, m, &r, res, &o, errstr_r) == -1)
		goto fail;
	if (record(env->db, w, m->message_id, o, res, env->now,
	    errstr_r) == -1)
		goto fail;
	if (state_commit(env->db, errstr_r) == -1)
		goto out;
	/* A person's letter is a citizen's message like a chat's. */
	metrics_message("email");
	res->outcome = outcomes[o];
	reply_release(&r);
	free(text);
	return 0;
fail:
	state_rollback(env->db);
out:
	res->letters = 0;
	res->queue_changed = 0;
	reply_release(&r);
	free(text);
	return -1;
}

int
mailchan_take(const struct mailchan_env *env, const struct mailchan_where *w,
    const char *raw, size_t len, struct mailchan_result *res,
    char **errstr_r)
{
	struct triage	 t;
	char		*err = NULL;
	int		 rc, q;

	memset(res, 0, sizeof(*res));
	if ((rc = mailchan_seen(env->db, w, &q, errstr_r)) == -1)
		return -1;
	if (rc == 1) {
		res->outcome = outcomes[q ? O_QUARANTINE : O_DUPLICATE];
		res->quarantine = q;
		return 0;
	}
	if (triage_letter(env->ctx, raw, len, config_mail_address(env->cfg), &t,
	    &err) == -1) {
		snprintf(res->reason, sizeof(res->reason), "%s", err);
		free(err);
		return record_only(env, w, NULL, O_QUARANTINE, res, errstr_r);
	}
	if (t.action == TRIAGE_IGNORE)
		rc = take_robot(env, w, &t, res, errstr_r);
	else
		rc = take_person(env, w, &t, res, errstr_r);
	triage_release(&t);
	return rc;
}

