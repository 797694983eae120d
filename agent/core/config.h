/*
 * The configuration: a flat "key value" file with a typed table of
 * settings (name, type, bounds, default).  Parsed and checked whole; a bad
 * file changes nothing.  Without a file, the embedded defaults run the
 * agent.
 */
#ifndef AGENT_CONFIG_H
#define AGENT_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "intents/classifier.h"

/* The hotline's own e-mail address unless the configuration says. */
#define CONFIG_MAIL_ADDRESS_DEFAULT	"support@hotline.test"

/* The mail channel's folders, and its SMTP server, unless the
 * configuration says. */
#define CONFIG_IMAP_FOLDER_DEFAULT	"INBOX"
#define CONFIG_IMAP_QUARANTINE_DEFAULT	"Quarantine"
#define CONFIG_SMTP_URL_DEFAULT		"smtp://127.0.0.1:25"

/* What `hotline serve` listens on unless the configuration says. */
#define CONFIG_LISTEN_DEFAULT	"127.0.0.1:8080"

struct config {
	char				*path;		/* the file read, or NULL */
	char				*data_dir;	/* kb/, intents/ */
	char				*state_db;	/* SQLite state */
	struct classifier_config	 classifier;
	/* hotline serve; a NULL string is the default */
	char				*listen;	/* address:port */
	char				*www_dir;	/* <data_dir>/www */
	char				*mail_address;	/* our own e-mail address */
	char				*holidays;	/* YYYY-MM-DD,... */
	int				 retention_days;
	char				*journal_checkpoints;	/* a file */
	int				 checkpoint_minutes;	/* 0: none */
	int				 threads;
	int				 max_connections;
	int				 per_ip_connections;
	int				 connection_timeout;	/* seconds */
	int				 sessions_per_minute;	/* per IP */
	int				 messages_per_minute;	/* per chat */
	int				 keepalive_seconds;	/* SSE */
	int				 header_timeout;	/* seconds */
	char				*trusted_proxies;	/* peer_list */
	char				*proxy_header;	/* enum peer_header */
	int				 cookie_secure;
	char				*metrics_access;	/* config_metrics */
	char				*metrics_token_file;
	int				 upload_conversation_mib;
	int				 upload_address_mib_per_day;
	int				 unopened_attachment_days;
	/* the mail channel; no imap_host: none */
	char				*imap_host;
	int				 imap_port;	/* 0: by security */
	char				*imap_security;	/* config_security */
	char				*imap_user;
	char				*imap_password;
	char				*imap_password_file;
	char				*imap_folder;
	char				*imap_quarantine;
	int				 imap_poll_seconds;
	char				*smtp_url;
	char				*smtp_security;	/* config_security */
	char				*smtp_user;
	char				*smtp_password;
	char				*smtp_password_file;
	char				*mail_ca_file;	/* the CAs to trust */
	int				 auto_replies_per_hour; /* per rcpt */
	int				 auto_replies_per_day;
};

/* What imap_security and smtp_security name. */
enum config_security {
	CONFIG_SECURITY_NONE,		/* a server on this machine only */
	CONFIG_SECURITY_STARTTLS,
	CONFIG_SECURITY_TLS
};

/* Who may read /metrics (the setting metrics_access). */
enum config_metrics {
	CONFIG_METRICS_LOOPBACK,	/* the default */
	CONFIG_METRICS_OPEN,
	CONFIG_METRICS_TOKEN		/* Authorization: Bearer, a file's */
};

/* The metrics_access setting s names; NULL (the default) is loopback. */
enum config_metrics config_metrics(const char *s);

/* Whether the proxy_header setting s names Forwarded (RFC 7239) rather
 * than X-Forwarded-For (the default, NULL). */
int	config_proxy_forwarded(const char *s);

/* The security setting s names; NULL (the default) is none. */
enum config_security config_security(const char *s);

/*
 * A password setting: value when set, else the first line of file (what
 * names the setting in errors: "imap", "smtp"), else "".  Returns a new
 * string the caller frees, or NULL with an allocated *errstr_r when the
 * file cannot be read.
 */
char	*config_password(const char *value, const char *file,
	    const char *what, char **errstr_r);

/* Fills cfg with the embedded defaults (paths NULL: decided by paths.c). */
void	config_defaults(struct config *cfg);

/*
 * Parses name's contents buf[0..len) over the values already in cfg.
 * Returns 0, or -1 with an allocated "name:line: reason" in *errstr_r (cfg
 * is then unchanged).
 */
int	config_parse(const char *name, const char *buf, size_t len,
	    struct config *cfg, char **errstr_r);

/* Reads and parses the file at path.  Same returns as config_parse. */
int	config_load(const char *path, struct config *cfg, char **errstr_r);

/* Fills dst with a deep copy of src (release with config_clear). */
void	config_copy(struct config *dst, const struct config *src);

/* The hotline's own e-mail address: the configured one or the default. */
const char *config_mail_address(const struct config *cfg);

/*
 * Splits the listen setting s ("127.0.0.1:8080", "[::1]:8080") into a
 * numeric address and a port.  Pure.  Returns 0, or -1 when malformed.
 */
int	config_listen_parse(const char *s, char *addr, size_t addrsz,
	    int *port_r);

/* Frees the strings of cfg. */
void	config_clear(struct config *cfg);

/* Writes every setting with its value, as a valid configuration file. */
void	config_print(const struct config *cfg, FILE *fp);

#endif
