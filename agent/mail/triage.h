/*
 * Deciding what to do with one e-mail: ignore it (a robot: RFC 3834), or
 * classify what the citizen wrote now and reply from the knowledge base
 * or hand it to an operator.  Shared by `hotline triage` and the mail
 * channel.
 */
#ifndef AGENT_TRIAGE_H
#define AGENT_TRIAGE_H

#include <stddef.h>

#include "agent/core/agent.h"
#include "intents/classifier.h"

struct mail;

enum triage_action {
	TRIAGE_REPLY,		/* an answer or a polite decline */
	TRIAGE_HANDOFF,		/* an acknowledgement; an operator answers */
	TRIAGE_IGNORE		/* never answered: a robot */
};

struct triage {
	enum triage_action	 action;
	const char		*robot;		/* why ignored; static */
	struct verdict		 verdict;	/* unless ignored */
	char			*text;		/* what was classified */
	struct mail		*mail;		/* the parsed letter */
};

/*
 * Triages the raw letter raw[0..len), classifying with the calling
 * thread's ctx.  own_address is the hotline's address.  Returns 0 and
 * fills *t (release with triage_release), or -1 with an allocated
 * *errstr_r when the letter cannot be read at all (it then belongs in
 * quarantine).
 */
int	triage_letter(struct classify_ctx *ctx, const char *raw, size_t len,
	    const char *own_address, struct triage *t, char **errstr_r);
void	triage_release(struct triage *t);

const char *triage_action_name(enum triage_action);

/* Whether id (without <>) is a Message-ID this agent generates. */
int	triage_is_own_message_id(const char *id, void *own_address);

#endif
