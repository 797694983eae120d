/*
 * One raw RFC 5322 letter read into what the rest of hotline needs: the
 * envelope fields (sender, subject, identifiers), the citizen's text in
 * UTF-8, the attachments and the raw header for the robot check.  The
 * letter's bytes are untrusted: every size they control is capped by the
 * limits below, and a letter that cannot be read at all is refused with a
 * reason (it then goes to quarantine) rather than crashing or stalling.
 */
#ifndef MAILBOX_MAIL_H
#define MAILBOX_MAIL_H

#include <stddef.h>

/*
 * Limits of the mailbox layer.  They live here rather than in lib/limits.h
 * because nothing outside mailbox/ reads a letter.
 */
/* A whole letter: above our MTA's message_size_limit; refused unread. */
#define MAIL_MAX_BYTES			(32 * 1024 * 1024)
/* The top header block: Postfix cuts at 100 KiB, so more is an attack. */
#define MAIL_MAX_HEADER_BYTES		(256 * 1024)
/* One header field handed to a decoder or to libetpan's parsers. */
#define MAIL_MAX_FIELD_BYTES		(16 * 1024)
/* A decoded subject: longer ones are junk, and we quote it in replies. */
#define MAIL_MAX_SUBJECT_BYTES		2048
/* A decoded display name or To header. */
#define MAIL_MAX_NAME_BYTES		1024
/* A Message-ID or an address: RFC 5322 lines stop at 998 bytes. */
#define MAIL_MAX_ID_BYTES		998
/* References kept (the newest): enough for any real thread. */
#define MAIL_MAX_REFERENCES		64
/* The citizen's text after decoding: no question is longer. */
#define MAIL_MAX_BODY_BYTES		(256 * 1024)
/* HTML handed to libxml2: its tree costs about ten times the input. */
#define MAIL_MAX_HTML_BYTES		(2 * 1024 * 1024)
/* MIME parts looked at; the rest is counted in parts_ignored. */
#define MAIL_MAX_PARTS			200
/* MIME nesting looked into; real letters stay under five. */
#define MAIL_MAX_DEPTH			20
/* multipart/ and message/ Content-Type fields shown to libetpan: it
 * recurses for each and rescans the rest of the letter at every level. */
#define MAIL_MAX_CONTAINERS		32
/* Lines holding a ':' shown to libetpan: each may become a header field
 * costing some 250 bytes of its structures. */
#define MAIL_MAX_COLON_LINES		100000
/* Lines starting with "--" shown to libetpan: each may become a part. */
#define MAIL_MAX_DASH_LINES		10000
/* Nested comments in one header field: libetpan parses them recursively. */
#define MAIL_MAX_COMMENT_DEPTH		32
/* One attachment kept; a larger one is recorded with its size only. */
#define MAIL_MAX_ATTACHMENT_BYTES	(10 * 1024 * 1024)
/* An attachment's file name, as file systems allow. */
#define MAIL_MAX_FILENAME_BYTES		255
/* Bytes sampled to guess the charset of unlabelled 8-bit text. */
#define MAIL_GUESS_SAMPLE_BYTES		(64 * 1024)

struct mail_attachment {
	char			*filename;	/* UTF-8, decoded, or NULL */
	char			*content_type;	/* "type/subtype", lower case */
	size_t			 size;		/* decoded size */
	const unsigned char	*data;		/* NULL when over the cap */
};

struct mail_headers;

/* Every string is UTF-8, NUL-terminated and owned by the mail. */
struct mail {
	char		 *from_addr;	/* lower-case addr-spec of From */
	char		 *from_name;	/* decoded display name */
	char		 *reply_to;	/* addr-spec of Reply-To */
	char		 *return_path;	/* "" for <>, NULL when absent */
	char		 *to;		/* decoded To header */
	char		 *subject;	/* decoded, unfolded; "" when absent */
	char		 *message_id;	/* without <> */
	char		 *in_reply_to;	/* first id, without <> */
	char		**references;	/* without <>, oldest first */
	size_t		  nreferences;
	char		 *date;		/* raw Date header */
	char		 *body;		/* "\n" line ends; "" if none */
	int		  body_was_html;
	int		  body_truncated; /* cut at MAIL_MAX_BODY_BYTES */
	struct mail_attachment *attachments;
	size_t		  nattachments;
	size_t		  parts_ignored; /* past MAIL_MAX_PARTS or the guards */
	int		  is_report;	/* multipart/report, delivery-status */
	struct mail_headers *headers;	/* private: use mail_header() */
};

/*
 * Reads the letter raw[0..len) (CRLF or LF line ends; no NUL needed).
 * Returns 0 with a new *m_r to free with mail_free, or -1 with an
 * allocated *errstr_r saying why the letter cannot be read at all (too
 * large, a header block that never ends, no header field).  Damaged MIME,
 * unknown charsets and truncated encodings are not errors: what can be
 * read is kept and invalid text becomes U+FFFD.
 */
int		 mail_parse(const char *raw, size_t len, struct mail **m_r,
		    char **errstr_r);

/* Frees *m and everything it owns, and clears the pointer; NULL is fine. */
void		 mail_free(struct mail **m);

/*
 * The first top-level header field called name (case-insensitive),
 * unfolded but not decoded, without leading and trailing white space.
 * Borrowed from m; NULL when absent.
 */
const char	*mail_header(const struct mail *m, const char *name);

#endif
