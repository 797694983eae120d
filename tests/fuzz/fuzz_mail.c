/*
 * libFuzzer harness for the mailbox layer: a letter read by mail_parse,
 * its text stripped, judged by the robot check and its subject searched
 * for a request number and cleaned, as the agent does with every letter.
 * Besides the sanitizers' checks it holds the layer to its contracts:
 * every string it returns is valid UTF-8 within its cap, an attachment
 * keeps its bytes exactly when they fit, stripping never adds text, and a
 * request number has the shape YYYY-NNNNNN.  Corpus: tests/fuzz/corpus/mail.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/text.h"
#include "mailbox/mail.h"
#include "mailbox/robot.h"
#include "mailbox/strip.h"
#include "mailbox/thread.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)

static int
valid(const char *s, size_t max)
{
	size_t	n;

	if (s == NULL)
		return 1;
	n = strlen(s);
	return n <= max && text_is_valid_utf8(s, n);
}

static int
own_id(const char *id, void *arg)
{
	size_t	n = strlen(id), k = strlen((const char *)arg);

	return n > k && strcmp(id + n - k, (const char *)arg) == 0;
}

static int
number_shape(const char *n)
{
	size_t	i, len = strlen(n);

	if (len < 11 || len >= REQNUM_SIZE || n[4] != '-')
		return 0;
	for (i = 0; i < len; i++)
		if (i != 4 && (n[i] < '0' || n[i] > '9'))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail	*m = NULL;
	char		*err = NULL, *text, *clean;
	char		 number[REQNUM_SIZE];
	size_t		 i;

	if (mail_parse((const char *)data, size, &m, &err) == -1) {
		CHECK(m == NULL && err != NULL && *err != '\0');
		free(err);
		return 0;
	}
	CHECK(valid(m->subject, MAIL_MAX_SUBJECT_BYTES));
	CHECK(valid(m->body, MAIL_MAX_BODY_BYTES));
	CHECK(strchr(m->body, '\r') == NULL);
	CHECK(valid(m->from_addr, MAIL_MAX_ID_BYTES));
	CHECK(valid(m->from_name, MAIL_MAX_NAME_BYTES));
	CHECK(valid(m->to, MAIL_MAX_NAME_BYTES));
	CHECK(valid(m->message_id, MAIL_MAX_ID_BYTES));
	CHECK(valid(m->in_reply_to, MAIL_MAX_ID_BYTES));
	CHECK(m->nreferences <= MAIL_MAX_REFERENCES);
	for (i = 0; i < m->nreferences; i++)
		CHECK(valid(m->references[i], MAIL_MAX_ID_BYTES));
	for (i = 0; i < m->nattachments; i++) {
		CHECK(valid(m->attachments[i].filename,
		    MAIL_MAX_FILENAME_BYTES));
		CHECK(m->attachments[i].content_type != NULL);
		CHECK((m->attachments[i].data != NULL) ==
		    (m->attachments[i].size <= MAIL_MAX_ATTACHMENT_BYTES));
		CHECK(m->attachments[i].size <= size);
	}

	text = strip_new_text(m->body, strlen(m->body));
	CHECK(valid(text, strlen(m->body)));
	free(text);
	/* The signature is a part of the body, never longer. */
	text = strip_signature(m->body, strlen(m->body));
	CHECK(valid(text, strlen(m->body)));
	free(text);

	(void)robot_reason(m, "support@hotline.test", own_id,
	    "@hotline.test");

	if (thread_subject_number(m->subject, number))
		CHECK(number_shape(number));
	clean = thread_clean_subject(m->subject);
	CHECK(valid(clean, strlen(m->subject)));
	free(clean);

	mail_free(&m);
	CHECK(m == NULL);
	return 0;
}
