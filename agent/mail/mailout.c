/*
 * The outbox.  Letters are composed inside the transaction that decides
 * them, so the bytes sent after a restart are the same bytes, with the
 * same Message-ID, as would have gone before it.  An operator's reply is
 * found by the outbox's own watermark (the newest message any letter
 * carries): ids grow in commit order, so a reply committed later always
 * has a larger id; each becomes a letter in a transaction of its own that
 * checks again that no other process made it meanwhile.
 */
#include "agent/mail/mailout.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/phrases.h"
#include "agent/core/state.h"
#include "lib/log.h"
#include "lib/sqldb.h"
#include "lib/xmalloc.h"
#include "mailbox/compose.h"

/* Operators' replies turned into letters per call. */
#define OPERATOR_BATCH	100

static int
dberr(sqlite3 *db, char **errstr_r)
{
	if (errstr_r != NULL)
		*errstr_r = xasprintf("mail: sqlite: %s", sqlite3_errmsg(db));
	return -1;
}





char *
mailout_text(int english, const char *body, const char *number,
    int automatic)
{
	enum lang	 l = english ? LANG_EN : LANG_RU;
	char		*greeting, *footer, *sign, *note, *s;

	greeting = phrase_say(l, PH_MAIL_GREETING, NULL);
	footer = phrase_say(l, PH_MAIL_FOOTER, "number", number, NULL);
	sign = phrase_say(l, automatic ? PH_MAIL_SIGN : PH_MAIL_OP_SIGN, NULL);
	note = automatic ? phrase_say(l, PH_MAIL_AUTOMATIC, NULL) :
	    xstrdup("");
	s = xasprintf("%s\n\n%s\n\n%s\n\n%s%s%s", greeting, body, footer,
	    sign, automatic ? "\n\n" : "", note);
	free(greeting);
	free(footer);
	free(sign);
	free(note);
	return s;
}

char *
mailout_ack(int english, const char *number)
{
	char	hours[16];

	snprintf(hours, sizeof(hours), "%d", MAILCHAN_ANSWER_HOURS);
	return phrase_say(english ? LANG_EN : LANG_RU, PH_MAIL_ACK, "number",
	    number, "hours", hours, NULL);
}

int
mailout_suppress(sqlite3 *db, const char *address, const char *message_id,
    const char *reason, const char *number, time_t now, char **errstr_r)
{
	log_msg(LOG_INFO, "mail: not answered: %s", reason);
	return sqldb_done(db, sqldb_prep(db, errstr_r,
	    "INSERT INTO mail_suppressed "
	    "(address, message_id, reason, number, at) VALUES (?1, ?2, ?3, "
	    "?4, ?5)", "tttti", address, message_id,
	    reason, number != NULL && number[0] != '\0' ? number : NULL,
	    (int64_t)now), errstr_r);
}

/* Splits "\n"-joined ids s (modified) into an array (the caller frees
 * the array only). */
static const char **
split_refs(char *s, size_t *n_r)
{
	const char	**v = NULL;
	char		 *p, *nl;
	size_t		  n = 0;

	for (p = s; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 : NULL) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = '\0';
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = p;
	}
	*n_r = n;
	return v;
}

int
mailout_queue(const struct mailchan_env *env, int64_t conv,
    const char *number, const char *rcpt, const char *subject,
    const char *in_reply_to, const char *refs, const char *text,
    const char *html, int automatic, int64_t message, int english,
    int64_t *id_r, char **errstr_r)
{
	enum lang		 l = english ? LANG_EN : LANG_RU;
	struct compose		 c;
	char			 id[COMPOSE_ID_SIZE], *subj, *bytes, *rs;
	char			*fallback, *from_name;
	const char		**rv;
	size_t			 blen, nrefs;
	int			 rc;

	if (compose_message_id(config_mail_address(env->cfg), id, sizeof(id)) == -1) {
		*errstr_r = xstrdup("mail: mail_address has no domain");
		return -1;
	}
	fallback = phrase_say(l, PH_MAIL_SUBJECT, NULL);
	subj = compose_subject(number, subject, fallback);
	free(fallback);
	from_name = phrase_say(l, PH_MAIL_FROM_NAME, NULL);
	rs = xstrdup(refs != NULL ? refs : "");
	rv = split_refs(rs, &nrefs);
	memset(&c, 0, sizeof(c));
	c.from = config_mail_address(env->cfg);
	c.from_name = from_name;
	c.to = rcpt;
	c.subject = subj;
	c.message_id = id;
	c.in_reply_to = in_reply_to;
	c.references = rv;
	c.nreferences = nrefs;
	c.date = env->now;
	c.auto_replied = automatic;
	c.text = text;
	c.html = html;
	rc = compose_letter(&c, &bytes, &blen, errstr_r);
	free(from_name);
	free(subj);
	free(rv);
	free(rs);
	if (rc == -1)
		return -1;
	rc = sqldb_done(env->db, sqldb_prep(env->db, errstr_r,
	    "INSERT INTO mail_sent "
	    "(message_id, conv, number, rcpt, message, auto, status, letter, "
	    "created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8)",
	    "tittnibi", id, conv, number, rcpt, message, (int64_t)automatic,
	    bytes, blen, (int64_t)env->now), errstr_r);
	free(bytes);
	if (rc == 0 && id_r != NULL)
		*id_r = sqlite3_last_insert_rowid(env->db);
	return rc;
}

/*
 * Records operator's reply message as a letter that failed for reason:
 * once, since the outbox's watermark then passes it, and where the
 * console finds a reply's delivery.  Inside the caller's transaction.
 */
static int
operator_failed(const struct mailchan_env *env, int64_t conv,
    const char *number, const char *rcpt, int64_t message,
    const char *reason, char **errstr_r)
{
	char	id[COMPOSE_ID_SIZE];

	if (compose_message_id(config_mail_address(env->cfg), id,
	    sizeof(id)) == -1)
		snprintf(id, sizeof(id), "<unsent.%lld@localhost>",
		    (long long)message);
	return sqldb_done(env->db, sqldb_prep(env->db, errstr_r,
	    "INSERT INTO mail_sent "
	    "(message_id, conv, number, rcpt, message, auto, status, error, "
	    "created) VALUES (?1, ?2, ?3, ?4, ?5, 0, 'failed', ?6, ?7)",
	    "tittiti", id, conv, number != NULL ? number : "",
	    rcpt != NULL ? rcpt : "", message, reason, (int64_t)env->now),
	    errstr_r);
}

/* An operator's reply waiting to become a letter. */
struct op_reply {
	int64_t	 msg;
	int64_t	 conv;
	char	*text;
	char	*number;
	char	*rcpt;
	char	*subject;
	char	*last_id;
	char	*refs;
	int	 english;
};

static char *
col_dup(sqlite3_stmt *st, int col)
{
	const char	*s = (const char *)sqlite3_column_text(st, col);

	return s != NULL ? xstrdup(s) : NULL;
}

int
mailout_operator_letters(const struct mailchan_env *env, char **errstr_r)
{
	struct op_reply	*ops = NULL, *op;
	sqlite3_stmt	*st;
	char		*text;
	size_t		 n = 0, i;
	int64_t		 v;
	int		 rc, made = 0;

	if ((st = sqldb_prep(env->db, errstr_r, "SELECT m.id, m.conv, m.text, "
	    "t.number, t.rcpt, t.subject, t.last_id, t.refs, c.lang = 'en' "
	    "FROM message m JOIN conversation c ON c.id = m.conv JOIN "
	    "mail_thread t ON t.conv = m.conv WHERE m.sender = 'operator' AND "
	    "m.id > (SELECT coalesce(max(message), 0) FROM mail_sent) AND "
	    "c.channel = 'email' ORDER BY m.id LIMIT ?1", "i",
	    (int64_t)OPERATOR_BATCH)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ops = xreallocarray(ops, n + 1, sizeof(*ops));
		op = &ops[n++];
		op->msg = sqlite3_column_int64(st, 0);
		op->conv = sqlite3_column_int64(st, 1);
		op->text = col_dup(st, 2);
		op->number = col_dup(st, 3);
		op->rcpt = col_dup(st, 4);
		op->subject = col_dup(st, 5);
		op->last_id = col_dup(st, 6);
		op->refs = col_dup(st, 7);
		op->english = sqlite3_column_int(st, 8);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		dberr(env->db, errstr_r);
		made = -1;
		goto out;
	}
	for (i = 0; i < n && made >= 0; i++) {
		op = &ops[i];
		if (state_begin(env->db, errstr_r) == -1) {
			made = -1;
			break;
		}
		/* Another process may have made it meanwhile. */
		if ((rc = sqldb_one_int(env->db, sqldb_prep(env->db, errstr_r,
		    "SELECT 1 "
		    "FROM mail_sent WHERE message = ?1", "i", op->msg), &v,
		    errstr_r)) != 0) {
			state_rollback(env->db);
			if (rc == -1)
				made = -1;
			continue;
		}
		text = mailout_text(op->english, op->text != NULL ?
		    op->text : "", op->number, 0);
		if (op->rcpt == NULL || !compose_valid_address(op->rcpt))
			rc = mailout_suppress(env->db, op->rcpt, NULL,
			    "operator's reply: no address to answer to",
			    op->number, env->now, errstr_r) == -1 ||
			    operator_failed(env, op->conv, op->number,
			    op->rcpt, op->msg, "no address to answer to",
			    errstr_r) == -1 ? -1 : 0;
		else
			rc = mailout_queue(env, op->conv, op->number, op->rcpt,
			    op->subject, op->last_id, op->refs, text, NULL, 0,
			    op->msg, op->english, NULL, errstr_r);
		free(text);
		if (rc == -1 || state_commit(env->db, errstr_r) == -1) {
			if (rc == -1)
				state_rollback(env->db);
			made = -1;
			break;
		}
		made++;
	}
out:
	for (i = 0; i < n; i++) {
		free(ops[i].text);
		free(ops[i].number);
		free(ops[i].rcpt);
		free(ops[i].subject);
		free(ops[i].last_id);
		free(ops[i].refs);
	}
	free(ops);
	return made;
}

int
mailout_pending(sqlite3 *db, time_t now, size_t max,
    struct mailout_letter **out_r, size_t *n_r, char **errstr_r)
{
	struct mailout_letter	*out = NULL, *o;
	sqlite3_stmt		*st;
	const void		*p;
	size_t			 n = 0;
	int			 rc;

	*out_r = NULL;
	*n_r = 0;
	if ((st = sqldb_prep(db, errstr_r, "SELECT id, rcpt, letter, conv FROM "
	    "mail_sent WHERE status = 'pending' AND next_try <= ?1 ORDER BY id "
	    "LIMIT ?2", "ii", (int64_t)now, (int64_t)max)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out = xreallocarray(out, n + 1, sizeof(*out));
		o = &out[n++];
		o->id = sqlite3_column_int64(st, 0);
		o->rcpt = col_dup(st, 1);
		o->len = (size_t)sqlite3_column_bytes(st, 2);
		p = sqlite3_column_blob(st, 2);
		o->letter = xmalloc(o->len + 1);
		if (o->len > 0)
			memcpy(o->letter, p, o->len);
		o->letter[o->len] = '\0';
		o->conv = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		mailout_free(out, n);
		return dberr(db, errstr_r);
	}
	*out_r = out;
	*n_r = n;
	return 0;
}

void
mailout_free(struct mailout_letter *out, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(out[i].rcpt);
		free(out[i].letter);
	}
	free(out);
}

int
mailout_sent(sqlite3 *db, int64_t id, const char *err, int permanent,
    time_t now, char **errstr_r)
{
	int	rc;

	if (state_begin(db, errstr_r) == -1)
		return -1;
	if (err == NULL)
		rc = sqldb_done(db, sqldb_prep(db, errstr_r,
		    "UPDATE mail_sent SET "
		    "status = 'sent', sent = ?2, letter = NULL, error = NULL "
		    "WHERE id = ?1", "ii", id, (int64_t)now), errstr_r);
	else
		/* Back off 30 s doubling to an hour; give up for good. */
		rc = sqldb_done(db, sqldb_prep(db, errstr_r,
		    "UPDATE mail_sent SET tries = "
		    "tries + 1, error = ?2, next_try = ?3 + min(3600, 30 << "
		    "min(tries, 7)), status = CASE WHEN ?4 OR tries + 1 >= ?5 "
		    "THEN 'failed' ELSE status END, letter = CASE WHEN ?4 OR "
		    "tries + 1 >= ?5 THEN NULL ELSE letter END WHERE id = ?1",
		    "itiii", id, err, (int64_t)now, (int64_t)permanent,
		    (int64_t)MAILOUT_SEND_TRIES), errstr_r);
	if (rc == -1) {
		state_rollback(db);
		return -1;
	}
	return state_commit(db, errstr_r);
}
