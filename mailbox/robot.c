/*
 * Robot detection as one table of (header, predicate, reason) rows, read
 * top to bottom, the first match naming the reason.  The rows are what
 * RFC 3834 section 2 and 3.1 and the help desks' loop reports ask for:
 * Auto-Submitted other than "no", Precedence bulk/junk/list/auto_reply,
 * List-Id and List-Unsubscribe, X-Autoreply and X-Autorespond, an empty
 * Return-Path (RFC 5321 4.5.5: bounces), MAILER-DAEMON, postmaster and
 * no-reply senders, delivery and read reports, our own address or our own
 * Message-ID, and no sender at all.  X-Auto-Response-Suppress is a wish
 * about replies to this letter, not a sign of a robot, and is not here.
 */
#include "mailbox/robot.h"

#include <string.h>
#include <strings.h>

#include "mailbox/mail.h"

struct robot_ctx {
	const struct mail	*m;
	const char		*own_address;
	int			(*own_id)(const char *, void *);
	void			*own_id_arg;
	const char		*value;	/* the row's header, NULL if none */
	const char		*arg;	/* the row's argument */
};

typedef int robot_pred(const struct robot_ctx *);

static robot_pred present, token_is, token_is_not, empty_path, no_sender,
    own_address, own_message_id, is_report, sender_is;

static const struct robot_rule {
	const char	*header;	/* NULL: a check of the parsed letter */
	robot_pred	*match;
	const char	*arg;
	const char	*reason;
} robot_rules[] = {
	{ NULL, no_sender, NULL, "no sender" },
	{ NULL, own_address, NULL, "our own address" },
	{ NULL, own_message_id, NULL,
	    "refers to our own Message-ID as its own" },
	{ NULL, is_report, NULL, "delivery report" },
	{ "Auto-Submitted", token_is, "auto-replied",
	    "Auto-Submitted: auto-replied" },
	{ "Auto-Submitted", token_is, "auto-generated",
	    "Auto-Submitted: auto-generated" },
	{ "Auto-Submitted", token_is, "auto-notified",
	    "Auto-Submitted: auto-notified" },
	{ "Auto-Submitted", token_is_not, "no",
	    "Auto-Submitted other than no" },
	{ "List-Id", present, NULL, "List-Id" },
	{ "List-Unsubscribe", present, NULL, "List-Unsubscribe" },
	{ "Precedence", token_is, "bulk", "Precedence: bulk" },
	{ "Precedence", token_is, "junk", "Precedence: junk" },
	{ "Precedence", token_is, "list", "Precedence: list" },
	{ "Precedence", token_is, "auto_reply", "Precedence: auto_reply" },
	{ "X-Autoreply", present, NULL, "X-Autoreply" },
	{ "X-Autorespond", present, NULL, "X-Autorespond" },
	{ "Return-Path", empty_path, NULL, "empty Return-Path" },
	{ NULL, sender_is, "mailer-daemon mailerdaemon",
	    "sender MAILER-DAEMON" },
	{ NULL, sender_is, "postmaster", "sender postmaster" },
	{ NULL, sender_is, "noreply no-reply no_reply donotreply "
	    "do-not-reply do_not_reply", "no-reply sender" },
	{ NULL, sender_is, "bounce bounces", "bounce sender" },
};

/* The first token of a structured value ("auto-replied (vacation)"). */
static size_t
first_token(const char *v, const char **start_r)
{
	size_t	n = 0;

	while (*v == ' ' || *v == '\t')
		v++;
	while (v[n] != '\0' && v[n] != ' ' && v[n] != '\t' && v[n] != ';' &&
	    v[n] != '(' && v[n] != ',')
		n++;
	*start_r = v;
	return n;
}

static int
present(const struct robot_ctx *c)
{
	return c->value != NULL;
}

static int
token_is(const struct robot_ctx *c)
{
	const char	*t;
	size_t		 n;

	if (c->value == NULL)
		return 0;
	n = first_token(c->value, &t);
	return n == strlen(c->arg) && strncasecmp(t, c->arg, n) == 0;
}

static int
token_is_not(const struct robot_ctx *c)
{
	return c->value != NULL && !token_is(c);
}

/* Return-Path: <> (or nothing at all between the brackets). */
static int
empty_path(const struct robot_ctx *c)
{
	const char	*v = c->value;

	if (v == NULL)
		return 0;
	for (; *v != '\0'; v++)
		if (strchr("<> \t", *v) == NULL)
			return 0;
	return 1;
}

static int
no_sender(const struct robot_ctx *c)
{
	return (c->m->from_addr == NULL || c->m->from_addr[0] == '\0') &&
	    (c->m->reply_to == NULL || c->m->reply_to[0] == '\0');
}

/* Our address, compared as an addr-spec whatever brackets it came in. */
static int
same_address(const char *addr, const char *own)
{
	size_t	n;

	if (addr == NULL)
		return 0;
	while (*own == ' ' || *own == '<')
		own++;
	for (n = strlen(own); n > 0 && strchr("> \t", own[n - 1]) != NULL;
	    n--)
		;
	return n > 0 && strlen(addr) == n && strncasecmp(addr, own, n) == 0;
}

static int
own_address(const struct robot_ctx *c)
{
	return c->own_address != NULL &&
	    (same_address(c->m->from_addr, c->own_address) ||
	    same_address(c->m->reply_to, c->own_address));
}

static int
own_message_id(const struct robot_ctx *c)
{
	return c->own_id != NULL && c->m->message_id != NULL &&
	    c->own_id(c->m->message_id, c->own_id_arg);
}

static int
is_report(const struct robot_ctx *c)
{
	return c->m->is_report;
}

/*
 * Whether the From local part is one of the space-separated names in arg,
 * alone or followed by a separator ("bounces+123", "noreply-gosuslugi").
 */
static int
sender_is(const struct robot_ctx *c)
{
	const char	*addr = c->m->from_addr, *at, *w;
	size_t		 local, n;

	if (addr == NULL)
		return 0;
	at = strchr(addr, '@');
	local = at != NULL ? (size_t)(at - addr) : strlen(addr);
	for (w = c->arg; *w != '\0'; w += n) {
		while (*w == ' ')
			w++;
		n = strcspn(w, " ");
		if (n == 0 || n > local || strncasecmp(addr, w, n) != 0)
			continue;
		if (n == local || strchr("-+._=", addr[n]) != NULL)
			return 1;
	}
	return 0;
}

const char *
robot_reason(const struct mail *m, const char *own_address,
    int (*is_own_message_id)(const char *, void *), void *arg)
{
	const struct robot_rule	*r;
	struct robot_ctx	 c;
	size_t			 i;

	c.m = m;
	c.own_address = own_address;
	c.own_id = is_own_message_id;
	c.own_id_arg = arg;
	for (i = 0; i < sizeof(robot_rules) / sizeof(robot_rules[0]); i++) {
		r = &robot_rules[i];
		c.value = r->header != NULL ? mail_header(m, r->header) : NULL;
		c.arg = r->arg;
		if (r->header != NULL && c.value == NULL)
			continue;
		if (r->match(&c))
			return r->reason;
	}
	return NULL;
}
