/*
 * E-mail triage.  The robot check comes first and alone decides "ignore":
 * an auto-reply must never be classified, let alone answered.  For a
 * person's letter the classifier sees the subject (without Re:/Fwd: and
 * our "[№ …]" tag) and only what the citizen wrote now (quoted replies and
 * the signature stripped), so that an old answer quoted below or a
 * signature about licences cannot change the category; a request number
 * in the subject, and a phone or address in the signature, still count as
 * entities (the operator calls back on them).  A letter cannot be asked a
 * clarifying question in real time, so "clarify" becomes a handoff.
 */
#include "agent/mail/triage.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xmalloc.h"
#include "mailbox/compose.h"
#include "mailbox/mail.h"
#include "mailbox/robot.h"
#include "mailbox/strip.h"
#include "mailbox/thread.h"

/* Our Message-IDs look like <hotline.RANDOM@DOMAIN-OF-OUR-ADDRESS>. */
#define OWN_ID_PREFIX	COMPOSE_ID_PREFIX

static const char *const action_names[] = { "reply", "handoff", "ignore" };

const char *
triage_action_name(enum triage_action a)
{
	return action_names[a];
}

int
triage_is_own_message_id(const char *id, void *arg)
{
	const char	*own = arg, *at, *dom;

	if (own == NULL || strncmp(id, OWN_ID_PREFIX,
	    strlen(OWN_ID_PREFIX)) != 0)
		return 0;
	if ((at = strrchr(id, '@')) == NULL ||
	    (dom = strrchr(own, '@')) == NULL)
		return 0;
	return strcasecmp(at + 1, dom + 1) == 0;
}

/* Adds the subject's request number when the text did not give it. */
static void
add_subject_number(struct verdict *v, const char *subject)
{
	char	number[24];

	if (thread_subject_number(subject, number))
		entities_add(&v->entities, ENTITY_REQUEST_NUMBER, number);
}

/* Adds the phones and e-mail addresses of the letter's signature that the
 * text did not give: "-- / Иванова / тел. 8-903-555-12-40". */
static void
add_signature_contacts(struct verdict *v, const char *body)
{
	struct entity_list	 sig;
	char			*s;
	size_t			 i;

	s = strip_signature(body, strlen(body));
	entities_extract(s, strlen(s), &sig);
	free(s);
	for (i = 0; i < sig.count; i++)
		if (sig.items[i].type == ENTITY_PHONE ||
		    sig.items[i].type == ENTITY_EMAIL)
			entities_add(&v->entities, sig.items[i].type,
			    sig.items[i].value);
}

int
triage_letter(struct classify_ctx *ctx, const char *raw, size_t len,
    const char *own_address, struct triage *t, char **errstr_r)
{
	char	*subject, *fresh;

	memset(t, 0, sizeof(*t));
	if (mail_parse(raw, len, &t->mail, errstr_r) == -1)
		return -1;
	t->robot = robot_reason(t->mail, own_address,
	    triage_is_own_message_id, (void *)own_address);
	if (t->robot != NULL) {
		t->action = TRIAGE_IGNORE;
		return 0;
	}
	subject = thread_clean_subject(t->mail->subject);
	fresh = strip_new_text(t->mail->body, strlen(t->mail->body));
	t->text = xasprintf("%s\n%s", subject, fresh);
	free(subject);
	free(fresh);
	classify(ctx, t->text, strlen(t->text), &t->verdict);
	add_subject_number(&t->verdict, t->mail->subject);
	add_signature_contacts(&t->verdict, t->mail->body);
	switch (t->verdict.action) {
	case ACTION_ANSWER:
	case ACTION_DECLINE:
		t->action = TRIAGE_REPLY;
		break;
	case ACTION_CLARIFY:
	case ACTION_HANDOFF:
		t->action = TRIAGE_HANDOFF;
		break;
	}
	return 0;
}

void
triage_release(struct triage *t)
{
	free(t->text);
	mail_free(&t->mail);
	memset(t, 0, sizeof(*t));
}
