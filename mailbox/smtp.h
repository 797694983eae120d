/*
 * Handing our letters to the mail server (RFC 6409 submission) with
 * libcurl: plain SMTP to a server on this machine, STARTTLS (RFC 3207) or
 * implicit TLS (RFC 8314) elsewhere, AUTH when a user is configured.  One
 * letter at a time over a connection kept open between letters.
 */
#ifndef MAILBOX_SMTP_H
#define MAILBOX_SMTP_H

#include <stddef.h>

/* Seconds one letter may take, connecting included. */
#define SMTP_TIMEOUT	60

enum smtp_security {
	SMTP_SECURITY_NONE,	/* loopback only */
	SMTP_SECURITY_STARTTLS,
	SMTP_SECURITY_TLS
};

struct smtp_config {
	const char		*url;		/* smtp://host:port, smtps:// */
	enum smtp_security	 security;
	const char		*user;		/* NULL: no AUTH */
	const char		*password;
	const char		*ca_file;	/* CAs to trust, or NULL */
	int			 timeout;	/* seconds; 0: SMTP_TIMEOUT */
};

struct smtp;

/*
 * Checks cfg and makes a sender (no connection yet).  Returns 0 with a
 * new *s_r (free with smtp_free), or -1 with an allocated *errstr_r: an
 * unknown scheme, plain SMTP to a host that is not a loopback address,
 * "tls" with an smtp:// URL.
 */
int	smtp_new(const struct smtp_config *cfg, struct smtp **s_r,
	    char **errstr_r);
void	smtp_free(struct smtp **s);

/*
 * Submits letter[0..len) (CRLF line ends) from the envelope sender from
 * to rcpt.  Returns 0 when the server accepted it, or -1 with an
 * allocated *errstr_r and *permanent_r set when the server refused it for
 * good (a 5xx reply: retrying cannot help) rather than for now.
 */
int	smtp_send(struct smtp *s, const char *from, const char *rcpt,
	    const char *letter, size_t len, int *permanent_r,
	    char **errstr_r);

/* Whether host (a name or a numeric address) is this machine. */
int	smtp_host_is_loopback(const char *host);

#endif
