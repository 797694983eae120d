/*
 * The IMAP side of the mail channel (RFC 3501), on libetpan: connecting
 * (plain on loopback, STARTTLS or TLS with the server's certificate
 * checked), logging in, selecting the folder, finding letters by UID that
 * are not yet done, fetching each one's size and then its raw bytes,
 * marking letters done, moving bad ones to a quarantine folder, and
 * waiting for news with IDLE (RFC 2177) where the server has it.  This
 * module keeps no state between sessions: the caller stores UIDVALIDITY
 * and the last UID and says when a letter is done.
 */
#ifndef MAILBOX_IMAP_H
#define MAILBOX_IMAP_H

#include <stddef.h>
#include <stdint.h>

/* The keyword our done letters carry (RFC 3501 2.3.2). */
#define IMAP_DONE_KEYWORD	"$HotlineDone"
/* Seconds one network operation may block. */
#define IMAP_TIMEOUT		120
/* UIDs fetched or stored in one command. */
#define IMAP_BATCH		200

enum imap_security {
	IMAP_SECURITY_NONE,	/* loopback only */
	IMAP_SECURITY_STARTTLS,
	IMAP_SECURITY_TLS
};

struct imap_config {
	const char		*host;
	int			 port;		/* 0: 143, or 993 for tls */
	enum imap_security	 security;
	const char		*user;
	const char		*password;
	const char		*folder;	/* NULL: INBOX */
	const char		*quarantine;	/* NULL: Quarantine */
	const char		*ca_file;	/* CAs to trust, or NULL */
	int			 timeout;	/* 0: IMAP_TIMEOUT */
};

/* What imap_idle_wait saw. */
enum imap_wait {
	IMAP_WAIT_TIMEOUT,
	IMAP_WAIT_NEWS,		/* the server said something */
	IMAP_WAIT_STOP		/* stop_fd became readable */
};

struct imap;

/*
 * Connects, logs in and selects the folder.  Returns 0 with a new *im_r
 * (end it with imap_close), or -1 with an allocated *errstr_r naming what
 * failed (refused, certificate, login, folder).
 */
int	 imap_open(const struct imap_config *cfg, struct imap **im_r,
	    char **errstr_r);

/* Logs out when still connected and frees *im; NULL is fine. */
void	 imap_close(struct imap **im);

/* The folder's UIDVALIDITY (RFC 3501 2.3.1.1). */
uint32_t imap_uidvalidity(const struct imap *im);

/* Whether the connection is gone: the caller reconnects. */
int	 imap_broken(const struct imap *im);

/* Whether the server supports IDLE. */
int	 imap_has_idle(const struct imap *im);

/*
 * The UIDs above after of letters not yet done and not deleted, in
 * ascending order.  Returns 0 with a new array *uids_r of *n_r (the
 * caller frees; NULL when none), or -1 with *errstr_r.
 */
int	 imap_search(struct imap *im, uint32_t after, uint32_t **uids_r,
	    size_t *n_r, char **errstr_r);

/*
 * The sizes (RFC822.SIZE) of the letters uids[0..n), n at most
 * IMAP_BATCH, into sizes_r[]; a letter that is gone gets SIZE_MAX.
 * Returns 0, or -1 with *errstr_r.
 */
int	 imap_sizes(struct imap *im, const uint32_t *uids, size_t n,
	    size_t *sizes_r, char **errstr_r);

/*
 * The raw letter uid (BODY.PEEK[]: \Seen is not set), refused above max
 * bytes.  Returns 0 with a new *raw_r of *len_r bytes (NUL-terminated;
 * the caller frees), 1 when the letter is gone or larger than max, or -1
 * with *errstr_r.
 */
int	 imap_fetch(struct imap *im, uint32_t uid, size_t max, char **raw_r,
	    size_t *len_r, char **errstr_r);

/* Marks the letters uids[0..n) \Seen and IMAP_DONE_KEYWORD.  Returns 0, or
 * -1 with *errstr_r. */
int	 imap_mark_done(struct imap *im, const uint32_t *uids, size_t n,
	    char **errstr_r);

/*
 * Moves letter uid to the quarantine folder (created when missing): MOVE
 * (RFC 6851) where the server has it, else COPY and marking the original
 * done and \Deleted.  Returns 0, or -1 with *errstr_r.
 */
int	 imap_quarantine(struct imap *im, uint32_t uid, char **errstr_r);

/*
 * IDLE: imap_idle_start enters it (0, or -1 with *errstr_r; call only
 * when imap_has_idle), imap_idle_wait waits at most ms milliseconds for
 * the server or for stop_fd (-1: none) and returns an enum imap_wait or
 * -1 with *errstr_r, and imap_idle_done leaves IDLE (0 or -1).
 */
int	 imap_idle_start(struct imap *im, char **errstr_r);
int	 imap_idle_wait(struct imap *im, int ms, int stop_fd,
	    char **errstr_r);
int	 imap_idle_done(struct imap *im, char **errstr_r);

/* NOOP: keeps the session and learns of new mail.  0, or -1. */
int	 imap_noop(struct imap *im, char **errstr_r);

#endif
