/*
 * Our letters as bytes: a reply to a citizen (RFC 5322), UTF-8 text/plain
 * and, when there is one, the HTML of the same answer as
 * multipart/alternative (RFC 2046 5.1.4), both quoted-printable (RFC 2045
 * 6.7); the subject and our display name as RFC 2047 encoded words; our
 * own Message-ID, In-Reply-To and References (RFC 5322 3.6.4) so that the
 * citizen's mailer threads it; Auto-Submitted: auto-replied (RFC 3834 5)
 * on what the bot sends.  CRLF line ends, no line over 78 characters.
 * Pure: the caller passes the date and the Message-ID, and the same input
 * gives the same bytes.
 */
#ifndef MAILBOX_COMPOSE_H
#define MAILBOX_COMPOSE_H

#include <stddef.h>
#include <time.h>

/* Our Message-IDs: "hotline." RANDOM "@" the domain of our address. */
#define COMPOSE_ID_PREFIX	"hotline."
/* Room for one of our Message-IDs with its NUL. */
#define COMPOSE_ID_SIZE		320
/* References carried on: the thread's first and the newest ones. */
#define COMPOSE_MAX_REFERENCES	20
/* A Message-ID longer than this is left out of our headers. */
#define COMPOSE_MAX_ID_BYTES	250
/* A whole letter we write: far above any answer; a bug if reached. */
#define COMPOSE_MAX_BYTES	(4 * 1024 * 1024)

struct compose {
	const char		 *from;		/* our addr-spec */
	const char		 *from_name;	/* UTF-8, or NULL */
	const char		 *to;		/* the citizen's addr-spec */
	const char		 *subject;	/* UTF-8, as it is to be read */
	const char		 *message_id;	/* without <> */
	const char		 *in_reply_to;	/* without <>, or NULL */
	const char *const	 *references;	/* without <>, oldest first */
	size_t			  nreferences;
	time_t			  date;
	int			  auto_replied;	/* the bot wrote it */
	const char		 *text;		/* UTF-8, "\n" line ends */
	const char		 *html;		/* UTF-8 HTML body, or NULL */
};

/*
 * Writes the letter c describes.  Returns 0 with a new *out_r of *len_r
 * bytes (NUL-terminated; the caller frees), or -1 with an allocated
 * *errstr_r when an address or an identifier cannot be written into a
 * header safely (control bytes, spaces, angle brackets, non-ASCII) or the
 * letter would pass COMPOSE_MAX_BYTES.  Invalid identifiers in
 * references are left out rather than refused.
 */
int	 compose_letter(const struct compose *c, char **out_r, size_t *len_r,
	    char **errstr_r);

/*
 * Writes a new Message-ID (without <>) for a letter from address into
 * buf: COMPOSE_ID_PREFIX, 26 random base32 characters from the kernel,
 * '@' and address's domain.  Returns 0, or -1 when address has no domain
 * or buf is too small.
 */
int	 compose_message_id(const char *address, char *buf, size_t bufsz);

/*
 * The subject of our letter about request number: "[№ NUMBER] " and
 * subject without its reply prefixes and earlier tags, or fallback when
 * nothing is left.  Returns a new string the caller frees.
 */
char	*compose_subject(const char *number, const char *subject,
	    const char *fallback);

/* Whether addr can be written as an addr-spec: printable ASCII without
 * spaces, quotes, angle brackets or commas, one '@' inside, 254 bytes. */
int	 compose_valid_address(const char *addr);

/* Whether id (without <>) can be written as a msg-id in a header. */
int	 compose_valid_id(const char *id);

#endif
