/*
 * RFC 3834 triage: whether a letter was sent by a machine (an
 * auto-reply, a bounce, a mailing list, our own letter come back) and so
 * must never be answered, lest two robots mail each other forever.
 */
#ifndef MAILBOX_ROBOT_H
#define MAILBOX_ROBOT_H

struct mail;

/*
 * Returns NULL for a letter a person wrote, else a static string naming
 * the first rule it meets ("Auto-Submitted: auto-replied", "List-Id",
 * "empty Return-Path", "our own address", ...).  own_address is our
 * addr-spec (compared case-insensitively; NULL skips the check);
 * is_own_message_id, when not NULL, tells whether an identifier (without
 * <>) is one we generated, and is called with arg.
 */
const char	*robot_reason(const struct mail *m, const char *own_address,
		    int (*is_own_message_id)(const char *id, void *arg),
		    void *arg);

#endif
