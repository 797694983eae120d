/*
 * The body of a letter through libetpan's MIME parser: the citizen's text
 * (text/plain preferred in multipart/alternative, HTML turned into text
 * otherwise), the attachments, and whether it is a delivery or read
 * report.  Internal to mailbox/: mail_parse calls it.
 */
#ifndef MAILBOX_MIME_H
#define MAILBOX_MIME_H

#include <stddef.h>

struct mail;

/*
 * Fills m->body, body_was_html, body_truncated, attachments, is_report and
 * parts_ignored from the body body[0..len) of a letter whose top header
 * gave content_type, encoding and disposition (each NULL when absent).
 * Never fails: damaged MIME yields what can be read, at worst the body
 * read as plain text.
 */
void	mime_extract(struct mail *m, const char *content_type,
	    const char *encoding, const char *disposition, const char *body,
	    size_t len);

#endif
