/*
 * Settings as a table, so that parsing, bounds checking, defaults and the
 * printed reference all come from one place (as tmux's options-table.c
 * and Redis's config.c do).
 */
#include "agent/core/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/core/limits.h"
#include "agent/core/sla.h"
#include "lib/files.h"
#include "lib/peer.h"
#include "lib/xmalloc.h"


enum setting_type {
	SETTING_PATH,
	SETTING_NUMBER,
	SETTING_STRING,		/* checked by the setting's check function */
	SETTING_INT
};

struct setting {
	const char		*name;
	enum setting_type	 type;
	double			 min;
	double			 max;
	size_t			 offset;
	const char		*help;
	/* SETTING_STRING: NULL when v[0..len) is fine, else why not. */
	const char		*(*check)(const char *v, size_t len);
	const char		*def;	/* printed default of a string */
};

static const char	*check_listen(const char *, size_t);
static const char	*check_holidays(const char *, size_t);

#define CC(f)	(offsetof(struct config, classifier) + \
	offsetof(struct classifier_config, f))

/* An addr-spec: something@domain, printable ASCII, no spaces. */
static const char *
check_mail_address(const char *v, size_t len)
{
	const char	*at = memchr(v, '@', len);
	size_t		 i;

	if (len < 3 || len > 254 || at == NULL || at == v ||
	    at == v + len - 1)
		return "an e-mail address such as support@example.org";
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] <= ' ' || (unsigned char)v[i] >= 0x7f)
			return "an e-mail address such as support@example.org";
	return NULL;
}

/* The names of enum config_security, in order. */
static const char *const securities[] = { "none", "starttls", "tls" };

static const char *
check_security(const char *v, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof(securities) / sizeof(securities[0]); i++)
		if (strlen(securities[i]) == len &&
		    memcmp(securities[i], v, len) == 0)
			return NULL;
	return "none (loopback only), starttls or tls";
}

enum config_security
config_security(const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < sizeof(securities) /
	    sizeof(securities[0]); i++)
		if (strcmp(securities[i], s) == 0)
			return (enum config_security)i;
	return CONFIG_SECURITY_NONE;
}

char *
config_password(const char *value, const char *file, const char *what,
    char **errstr_r)
{
	char	*buf, *err = NULL;
	size_t	 len;

	if (value != NULL)
		return xstrdup(value);
	if (file == NULL)
		return xstrdup("");
	if (files_read(file, LIMIT_PASSWORD_FILE_BYTES, &buf, &len,
	    &err) == -1) {
		*errstr_r = xasprintf("%s_password_file: %s", what, err);
		free(err);
		return NULL;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf;
}

/* A host name or address, user name or folder: printable ASCII, no
 * spaces (IMAP folder names beyond ASCII need modified UTF-7). */
static const char *
check_word(const char *v, size_t len)
{
	size_t	i;

	if (len == 0 || len > 255)
		return "1 to 255 printable ASCII characters without spaces";
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] <= ' ' || (unsigned char)v[i] >= 0x7f ||
		    v[i] == '"' || v[i] == '\\')
			return "1 to 255 printable ASCII characters without "
			    "spaces";
	return NULL;
}

/* A password: anything but control characters. */
static const char *
check_secret(const char *v, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] < ' ' || (unsigned char)v[i] == 0x7f)
			return "no control characters";
	return NULL;
}

/* The names of enum config_metrics, in order. */
static const char *const metrics[] = { "loopback", "open", "token" };

static const char *
check_metrics(const char *v, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++)
		if (strlen(metrics[i]) == len && memcmp(metrics[i], v,
		    len) == 0)
			return NULL;
	return "loopback, open or token (with metrics_token_file)";
}

enum config_metrics
config_metrics(const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < sizeof(metrics) / sizeof(metrics[0]);
	    i++)
		if (strcmp(metrics[i], s) == 0)
			return (enum config_metrics)i;
	return CONFIG_METRICS_LOOPBACK;
}

static const char *
check_proxy_header(const char *v, size_t len)
{
	if ((len == 15 && strncasecmp(v, "x-forwarded-for", len) == 0) ||
	    (len == 9 && strncasecmp(v, "forwarded", len) == 0))
		return NULL;
	return "x-forwarded-for or forwarded";
}

int
config_proxy_forwarded(const char *s)
{
	return s != NULL && strcasecmp(s, "forwarded") == 0;
}

static const char *
check_proxies(const char *v, size_t len)
{
	struct peer_list	 list;
	const char		*why = NULL;

	if (peer_list_parse(v, len, &list, &why) == -1)
		return why;
	return NULL;
}

static const char *
check_smtp_url(const char *v, size_t len)
{
	if (check_word(v, len) != NULL || ((len < 8 ||
	    strncasecmp(v, "smtp://", 7) != 0) && (len < 9 ||
	    strncasecmp(v, "smtps://", 8) != 0)))
		return "a URL such as smtp://127.0.0.1:25 or "
		    "smtps://mail.example.org";
	return NULL;
}

static const struct setting settings[] = {
	{ "data_dir", SETTING_PATH, 0, 0, offsetof(struct config, data_dir),
	  "directory holding kb/articles, intents/defs, intents/taxonomy.json", NULL, NULL },
	{ "state_db", SETTING_PATH, 0, 0, offsetof(struct config, state_db),
	  "the SQLite state database (knowledge base, requests)", NULL, NULL },
	{ "answer_min", SETTING_NUMBER, 0, 1, CC(answer_min),
	  "answer only when at least this sure (the calibrated probability "
	  "that the category is right, intents/calib.def)", NULL, NULL },
	{ "answer_sure", SETTING_NUMBER, 0, 1, CC(answer_sure),
	  "answer, rather than ask which of two close candidates was "
	  "meant, when at least this sure (calibrated)",
	  NULL, NULL },
	{ "evidence_min", SETTING_NUMBER, 0, 1, CC(evidence_min),
	  "the rules' confidence in the best category needed to consider "
	  "answering", NULL, NULL },
	{ "margin_min", SETTING_NUMBER, 0, 1, CC(margin_min),
	  "lead over the runner-up needed to answer", NULL, NULL },
	{ "rival_max", SETTING_NUMBER, 0, 1, CC(rival_max),
	  "runner-up's evidence as a share of the best's above which to ask",
	  NULL, NULL },
	{ "clarify_min", SETTING_NUMBER, 0, 1, CC(clarify_min),
	  "confidence of the best two together needed to ask which", NULL, NULL },
	{ "decline_min", SETTING_NUMBER, 0, 1, CC(decline_min),
	  "out-of-scope confidence needed to decline", NULL, NULL },
	{ "person_min", SETTING_NUMBER, 1, 100, CC(person_min),
	  "rule weight of an explicit request for a person", NULL, NULL },
	{ "temperature", SETTING_NUMBER, 0.01, 10, CC(temperature),
	  "softness of confidences (smaller is sharper)", NULL, NULL },
	{ "weak_yield", SETTING_NUMBER, 0, 100, CC(weak_yield),
	  "another category's score at which greetings and thanks give way", NULL, NULL },
	{ "weight_rule", SETTING_NUMBER, 0, 10, CC(w_rule),
	  "weight of a category's rules", NULL, NULL },
	{ "weight_example", SETTING_NUMBER, 0, 10, CC(w_example),
	  "weight of the closest example", NULL, NULL },
	{ "weight_example2", SETTING_NUMBER, 0, 10, CC(w_example2),
	  "weight of the second closest example", NULL, NULL },
	{ "weight_article", SETTING_NUMBER, 0, 10, CC(w_article),
	  "weight of the closest article", NULL, NULL },
	{ "model_veto", SETTING_NUMBER, 0, 1, CC(model_veto),
	  "the learned second opinion's probability of another category at "
	  "which a confident answer is withheld (1: never)", NULL, NULL },
	{ "spelling", SETTING_INT, 0, 1, CC(spelling),
	  "1: mend citizens' typos (\"заявлние\") with hunspell's Russian "
	  "dictionary before matching; 0: match words as typed", NULL, NULL },
	{ "topic_min", SETTING_NUMBER, 0, 10, CC(topic.min),
	  "evidence needed to answer with a service's article", NULL, NULL },
	{ "topic_margin", SETTING_NUMBER, 0, 1, CC(topic.margin),
	  "lead over the next service, as a share of the best's evidence, "
	  "needed to answer with its article",
	  NULL, NULL },
	{ "topic_clarify", SETTING_NUMBER, 0, 1, CC(topic.clarify),
	  "next service's evidence as a share of the best's above which to ask "
	  "which service", NULL, NULL },
	{ "topic_rescue", SETTING_NUMBER, 0, 10, CC(topic.rescue),
	  "service evidence at which an unsure message is answered with the "
	  "service's article", NULL, NULL },
	{ "topic_rescue_oos", SETTING_NUMBER, 0, 10, CC(topic.rescue_oos),
	  "… when it was taken for out of scope", NULL, NULL },
	{ "topic_record_min", SETTING_NUMBER, 0, 10, CC(topic.record_min),
	  "evidence needed to show operators the service of a request whose "
	  "answer it does not change (errors, statuses)", NULL, NULL },
	{ "topic_far", SETTING_NUMBER, 0, 10, CC(topic.far),
	  "evidence at which one service far ahead overrules a category that "
	  "ignores services", NULL, NULL },
	{ "topic_far_share", SETTING_NUMBER, 0, 1, CC(topic.far_share),
	  "far ahead: the next service's share of the best's evidence at most",
	  NULL, NULL },
	{ "topic_strong", SETTING_NUMBER, 0, 10, CC(topic.strong),
	  "evidence of a service far ahead that overrules the second "
	  "opinion's out of scope", NULL, NULL },
	{ "topic_lead_min", SETTING_NUMBER, 0, 10, CC(topic.lead_min),
	  "evidence of a service far ahead at which an error or login answer "
	  "adds the service's section", NULL, NULL },
	{ "topic_keep_kind", SETTING_NUMBER, 0, 1, CC(topic.keep_kind),
	  "the categories' confidence in a kind of service request (a permit, a "
	  "certificate) that a rescued message keeps", NULL, NULL },
	{ "listen", SETTING_STRING, 0, 0, offsetof(struct config, listen),
	  "hotline serve: numeric address and port (IPv6 in brackets)",
	  check_listen, CONFIG_LISTEN_DEFAULT },
	{ "www_dir", SETTING_PATH, 0, 0, offsetof(struct config, www_dir),
	  "hotline serve: the chat page and the console (default "
	  "<data_dir>/www)", NULL, NULL },
	{ "mail_address", SETTING_STRING, 0, 0,
	  offsetof(struct config, mail_address),
	  "the hotline's own e-mail address: letters from it are never "
	  "answered", check_mail_address, CONFIG_MAIL_ADDRESS_DEFAULT },
	{ "holidays", SETTING_STRING, 0, 0, offsetof(struct config, holidays),
	  "public holidays off the SLA clock: YYYY-MM-DD,YYYY-MM-DD,...",
	  check_holidays, "" },
	{ "retention_days", SETTING_INT, 1, 36500,
	  offsetof(struct config, retention_days),
	  "days after closing a request that its personal data is kept", NULL, NULL },
	{ "journal_checkpoints", SETTING_PATH, 0, 0,
	  offsetof(struct config, journal_checkpoints),
	  "where the journal's checkpoints are appended (default "
	  "journal.checkpoints beside the state database)", NULL, NULL },
	{ "checkpoint_minutes", SETTING_INT, 0, 10080,
	  offsetof(struct config, checkpoint_minutes),
	  "hotline serve: minutes between journal checkpoints when it grew "
	  "(0: only `hotline audit checkpoint`)", NULL, NULL },
	{ "threads", SETTING_INT, 1, 64, offsetof(struct config, threads),
	  "hotline serve: worker threads (each with its own database "
	  "connection)", NULL, NULL },
	{ "max_connections", SETTING_INT, 16, 100000,
	  offsetof(struct config, max_connections),
	  "hotline serve: open connections, event streams included", NULL, NULL },
	{ "per_ip_connections", SETTING_INT, 1, 100000,
	  offsetof(struct config, per_ip_connections),
	  "hotline serve: open connections from one address", NULL, NULL },
	{ "connection_timeout", SETTING_INT, 1, 3600,
	  offsetof(struct config, connection_timeout),
	  "hotline serve: seconds a silent or slow client keeps its "
	  "connection", NULL, NULL },
	{ "sessions_per_minute", SETTING_INT, 1, 1000000,
	  offsetof(struct config, sessions_per_minute),
	  "hotline serve: new chat sessions per address per minute", NULL, NULL },
	{ "messages_per_minute", SETTING_INT, 1, 100000,
	  offsetof(struct config, messages_per_minute),
	  "hotline serve: messages per chat per minute", NULL, NULL },
	{ "keepalive_seconds", SETTING_INT, 1, 3600,
	  offsetof(struct config, keepalive_seconds),
	  "hotline serve: seconds between keep-alive comments on event "
	  "streams", NULL, NULL },
	{ "header_timeout", SETTING_INT, 1, 600,
	  offsetof(struct config, header_timeout),
	  "hotline serve: seconds a client has to send a request's headers, "
	  "however it trickles them", NULL, NULL },
	{ "trusted_proxies", SETTING_STRING, 0, 0,
	  offsetof(struct config, trusted_proxies),
	  "hotline serve: reverse proxies (addresses, networks) whose "
	  "proxy_header names the citizen's address", check_proxies, "" },
	{ "proxy_header", SETTING_STRING, 0, 0,
	  offsetof(struct config, proxy_header),
	  "hotline serve: the header the trusted proxies write: "
	  "x-forwarded-for (and X-Forwarded-Proto/-Host) or forwarded",
	  check_proxy_header, "x-forwarded-for" },
	{ "cookie_secure", SETTING_INT, 0, 1,
	  offsetof(struct config, cookie_secure),
	  "hotline serve: 1: the operators' session cookie is Secure "
	  "(HTTPS only); also automatic when a trusted proxy says https",
	  NULL, NULL },
	{ "metrics_access", SETTING_STRING, 0, 0,
	  offsetof(struct config, metrics_access),
	  "hotline serve: who may read /metrics: loopback (not through a "
	  "proxy), open, or token", check_metrics, "loopback" },
	{ "metrics_token_file", SETTING_PATH, 0, 0,
	  offsetof(struct config, metrics_token_file),
	  "hotline serve: a file whose first line is the bearer token of "
	  "/metrics (metrics_access token)", NULL, "(none)" },
	{ "upload_conversation_mib", SETTING_INT, 1, 1024,
	  offsetof(struct config, upload_conversation_mib),
	  "hotline serve: MiB of files one conversation may hold", NULL,
	  NULL },
	{ "upload_address_mib_per_day", SETTING_INT, 1, 1000000,
	  offsetof(struct config, upload_address_mib_per_day),
	  "hotline serve: MiB of files one address may upload a day", NULL,
	  NULL },
	{ "unopened_attachment_days", SETTING_INT, 1, 36500,
	  offsetof(struct config, unopened_attachment_days),
	  "days after which files of a request no operator has opened are "
	  "deleted", NULL, NULL },
	{ "imap_host", SETTING_STRING, 0, 0,
	  offsetof(struct config, imap_host),
	  "mail channel: the IMAP server (none: no mail channel)",
	  check_word, "(none)" },
	{ "imap_port", SETTING_INT, 0, 65535,
	  offsetof(struct config, imap_port),
	  "mail channel: IMAP port (0: 143, or 993 with imap_security tls)",
	  NULL, NULL },
	{ "imap_security", SETTING_STRING, 0, 0,
	  offsetof(struct config, imap_security),
	  "mail channel: none (a server on this machine), starttls or tls",
	  check_security, "none" },
	{ "imap_user", SETTING_STRING, 0, 0,
	  offsetof(struct config, imap_user),
	  "mail channel: the IMAP user", check_word, "(none)" },
	{ "imap_password", SETTING_STRING, 0, 0,
	  offsetof(struct config, imap_password),
	  "mail channel: the IMAP password (better: imap_password_file)",
	  check_secret, "(none)" },
	{ "imap_password_file", SETTING_PATH, 0, 0,
	  offsetof(struct config, imap_password_file),
	  "mail channel: a file holding the IMAP password (first line)",
	  NULL, "(none)" },
	{ "imap_folder", SETTING_STRING, 0, 0,
	  offsetof(struct config, imap_folder),
	  "mail channel: the folder citizens' letters arrive in",
	  check_word, CONFIG_IMAP_FOLDER_DEFAULT },
	{ "imap_quarantine", SETTING_STRING, 0, 0,
	  offsetof(struct config, imap_quarantine),
	  "mail channel: the folder unreadable letters are moved to",
	  check_word, CONFIG_IMAP_QUARANTINE_DEFAULT },
	{ "imap_poll_seconds", SETTING_INT, 5, 1740,
	  offsetof(struct config, imap_poll_seconds),
	  "mail channel: seconds between checks without IDLE, and between "
	  "renewals of IDLE", NULL, NULL },
	{ "smtp_url", SETTING_STRING, 0, 0,
	  offsetof(struct config, smtp_url),
	  "mail channel: the SMTP server replies are submitted to",
	  check_smtp_url, CONFIG_SMTP_URL_DEFAULT },
	{ "smtp_security", SETTING_STRING, 0, 0,
	  offsetof(struct config, smtp_security),
	  "mail channel: none (a server on this machine), starttls or tls "
	  "(smtps://)", check_security, "none" },
	{ "smtp_user", SETTING_STRING, 0, 0,
	  offsetof(struct config, smtp_user),
	  "mail channel: the SMTP AUTH user (none: no AUTH)", check_word,
	  "(none)" },
	{ "smtp_password", SETTING_STRING, 0, 0,
	  offsetof(struct config, smtp_password),
	  "mail channel: the SMTP password (better: smtp_password_file)",
	  check_secret, "(none)" },
	{ "smtp_password_file", SETTING_PATH, 0, 0,
	  offsetof(struct config, smtp_password_file),
	  "mail channel: a file holding the SMTP password (first line)",
	  NULL, "(none)" },
	{ "mail_ca_file", SETTING_PATH, 0, 0,
	  offsetof(struct config, mail_ca_file),
	  "mail channel: PEM file of the CAs to trust instead of the system's",
	  NULL, "(none)" },
	{ "auto_replies_per_hour", SETTING_INT, 1, 1000,
	  offsetof(struct config, auto_replies_per_hour),
	  "mail channel: automatic letters to one address per hour", NULL,
	  NULL },
	{ "auto_replies_per_day", SETTING_INT, 1, 10000,
	  offsetof(struct config, auto_replies_per_day),
	  "mail channel: automatic letters to one address per day", NULL,
	  NULL },
};

#define NSETTINGS	(sizeof(settings) / sizeof(settings[0]))

/* The string settings, for copying and freeing. */
static const size_t strings[] = {
	offsetof(struct config, path),
	offsetof(struct config, data_dir),
	offsetof(struct config, state_db),
	offsetof(struct config, listen),
	offsetof(struct config, www_dir),
	offsetof(struct config, mail_address),
	offsetof(struct config, holidays),
	offsetof(struct config, journal_checkpoints),
	offsetof(struct config, trusted_proxies),
	offsetof(struct config, proxy_header),
	offsetof(struct config, metrics_access),
	offsetof(struct config, metrics_token_file),
	offsetof(struct config, imap_host),
	offsetof(struct config, imap_security),
	offsetof(struct config, imap_user),
	offsetof(struct config, imap_password),
	offsetof(struct config, imap_password_file),
	offsetof(struct config, imap_folder),
	offsetof(struct config, imap_quarantine),
	offsetof(struct config, smtp_url),
	offsetof(struct config, smtp_security),
	offsetof(struct config, smtp_user),
	offsetof(struct config, smtp_password),
	offsetof(struct config, smtp_password_file),
	offsetof(struct config, mail_ca_file),
};

#define NSTRINGS	(sizeof(strings) / sizeof(strings[0]))

/* Settings config_print never shows: `hotline config show` output ends up
 * in tickets and chats. */
static const size_t secrets[] = {
	offsetof(struct config, imap_password),
	offsetof(struct config, smtp_password),
};

static int
is_secret(size_t offset)
{
	size_t	i;

	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		if (secrets[i] == offset)
			return 1;
	return 0;
}
#define STR(cfg, off)	(*(char **)((char *)(cfg) + (off)))

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	classifier_config_defaults(&cfg->classifier);
	cfg->retention_days = 1095;		/* three years */
	cfg->checkpoint_minutes = 60;		/* an hour's entries at risk */
	cfg->threads = 2;			/* the machine's cores */
	cfg->max_connections = 12000;		/* 10,000 event streams */
	cfg->per_ip_connections = 64;		/* a NAT of one office */
	cfg->connection_timeout = 30;
	cfg->sessions_per_minute = 20;
	cfg->messages_per_minute = 30;		/* faster is not typing */
	cfg->keepalive_seconds = 25;		/* under proxies' 30 s */
	cfg->header_timeout = 10;		/* a phone on a bad line */
	cfg->upload_conversation_mib = 30;	/* ten photos of documents */
	cfg->upload_address_mib_per_day = 200;	/* an office behind a NAT */
	cfg->unopened_attachment_days = 30;
	cfg->imap_poll_seconds = 60;
	cfg->auto_replies_per_hour = 5;		/* a conversation, not a loop */
	cfg->auto_replies_per_day = 20;
}

void
config_clear(struct config *cfg)
{
	size_t	i;

	for (i = 0; i < NSTRINGS; i++) {
		free(STR(cfg, strings[i]));
		STR(cfg, strings[i]) = NULL;
	}
}

int
config_listen_parse(const char *s, char *addr, size_t addrsz, int *port_r)
{
	const char	*colon, *a;
	size_t		 alen, i;
	long		 port = 0;
	unsigned char	 bin[16];
	char		 buf[64];

	if (s == NULL)
		s = CONFIG_LISTEN_DEFAULT;
	if ((colon = strrchr(s, ':')) == NULL || colon[1] == '\0')
		return -1;
	for (i = 1; colon[i] != '\0'; i++) {
		if (colon[i] < '0' || colon[i] > '9' || i > 5)
			return -1;
		port = port * 10 + (colon[i] - '0');
	}
	if (port < 1 || port > 65535)
		return -1;
	a = s;
	alen = (size_t)(colon - s);
	if (alen >= 2 && a[0] == '[' && a[alen - 1] == ']') {
		a++;
		alen -= 2;
	}
	if (alen == 0 || alen >= sizeof(buf) || alen >= addrsz)
		return -1;
	memcpy(buf, a, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, bin) != 1 &&
	    inet_pton(AF_INET6, buf, bin) != 1)
		return -1;
	memcpy(addr, buf, alen + 1);
	*port_r = (int)port;
	return 0;
}

static const char *
check_listen(const char *v, size_t len)
{
	char	buf[80], addr[64];
	int	port;

	if (len >= sizeof(buf))
		return "an address and port such as 127.0.0.1:8080";
	memcpy(buf, v, len);
	buf[len] = '\0';
	if (config_listen_parse(buf, addr, sizeof(addr), &port) == -1)
		return "an address and port such as 127.0.0.1:8080";
	return NULL;
}

static const char *
check_holidays(const char *v, size_t len)
{
	struct sla_holidays	*h;
	const char		*err = NULL;

	h = xmalloc(sizeof(*h));
	if (sla_holidays_parse(v, len, h, &err) == 0)
		err = NULL;
	free(h);
	return err;
}

static int
parse_number(const char *s, size_t len, double *v)
{
	char	 buf[64], *end;

	if (len == 0 || len >= sizeof(buf) || memchr(s, '\0', len) != NULL)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*v = strtod(buf, &end);
	/* Underflow to a subnormal or zero is still the number written. */
	if (errno == ERANGE && fabs(*v) < 1)
		errno = 0;
	if (errno != 0 || *end != '\0' || !isfinite(*v))
		return -1;
	return 0;
}

void
config_copy(struct config *dst, const struct config *src)
{
	size_t	i;

	*dst = *src;
	for (i = 0; i < NSTRINGS; i++)
		if (STR(src, strings[i]) != NULL)
			STR(dst, strings[i]) = xstrdup(STR(src, strings[i]));
}

int
config_parse(const char *name, const char *buf, size_t len,
    struct config *cfg, char **errstr_r)
{
	struct config		 new;
	const struct setting	*s;
	const char		*line, *nl, *k, *v;
	size_t			 pos = 0, llen, klen, vlen, lineno = 0, i;
	double			 d;
	char			**slot;
	const char		*why;

	config_copy(&new, cfg);
	while (pos < len) {
		lineno++;
		line = buf + pos;
		nl = memchr(line, '\n', len - pos);
		llen = nl != NULL ? (size_t)(nl - line) : len - pos;
		pos += llen + 1;
		while (llen > 0 && (line[llen - 1] == '\r' ||
		    line[llen - 1] == ' ' || line[llen - 1] == '\t'))
			llen--;
		while (llen > 0 && (*line == ' ' || *line == '\t')) {
			line++;
			llen--;
		}
		if (llen == 0 || *line == '#')
			continue;
		k = line;
		for (klen = 0; klen < llen && line[klen] != ' ' &&
		    line[klen] != '\t' && line[klen] != '='; klen++)
			;
		v = line + klen;
		vlen = llen - klen;
		while (vlen > 0 && (*v == ' ' || *v == '\t' || *v == '=')) {
			v++;
			vlen--;
		}
		for (i = 0; i < NSETTINGS; i++)
			if (strlen(settings[i].name) == klen &&
			    memcmp(settings[i].name, k, klen) == 0)
				break;
		if (i == NSETTINGS) {
			*errstr_r = xasprintf("%s:%zu: unknown setting "
			    "\"%.*s\"", name, lineno, (int)(klen > 40 ? 40 :
			    klen), k);
			goto fail;
		}
		s = &settings[i];
		if (s->type == SETTING_PATH) {
			if (vlen == 0 || vlen > 4096 ||
			    memchr(v, '\0', vlen) != NULL) {
				*errstr_r = xasprintf("%s:%zu: %s: a path",
				    name, lineno, s->name);
				goto fail;
			}
			slot = (char **)((char *)&new + s->offset);
			free(*slot);
			*slot = xstrndup(v, vlen);
		} else if (s->type == SETTING_STRING) {
			if (vlen > 4096 || memchr(v, '\0', vlen) != NULL ||
			    (why = s->check(v, vlen)) != NULL) {
				*errstr_r = xasprintf("%s:%zu: %s: %s", name,
				    lineno, s->name, vlen > 4096 ||
				    memchr(v, '\0', vlen) != NULL ?
				    "too long" : why);
				goto fail;
			}
			slot = (char **)((char *)&new + s->offset);
			free(*slot);
			*slot = vlen > 0 ? xstrndup(v, vlen) : NULL;
		} else if (s->type == SETTING_INT) {
			if (parse_number(v, vlen, &d) == -1 || d < s->min ||
			    d > s->max || d != (double)(int)d) {
				*errstr_r = xasprintf("%s:%zu: %s: a whole "
				    "number from %g to %g", name, lineno,
				    s->name, s->min, s->max);
				goto fail;
			}
			*(int *)((char *)&new + s->offset) = (int)d;
		} else {
			if (parse_number(v, vlen, &d) == -1 || d < s->min ||
			    d > s->max) {
				*errstr_r = xasprintf("%s:%zu: %s: a number "
				    "from %g to %g", name, lineno, s->name,
				    s->min, s->max);
				goto fail;
			}
			*(double *)((char *)&new + s->offset) = d;
		}
	}
	config_clear(cfg);
	*cfg = new;
	return 0;
fail:
	config_clear(&new);
	return -1;
}

int
config_load(const char *path, struct config *cfg, char **errstr_r)
{
	char	*buf;
	size_t	 len;
	int	 rc;

	if (files_read(path, LIMIT_CONFIG_FILE_BYTES, &buf, &len,
	    errstr_r) == -1)
		return -1;
	rc = config_parse(path, buf, len, cfg, errstr_r);
	free(buf);
	if (rc == 0) {
		free(cfg->path);
		cfg->path = xstrdup(path);
	}
	return rc;
}

/* Prints v in the fewest digits that read back as the same double. */
static void
print_number(FILE *fp, const char *name, double v)
{
	char	buf[64];

	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	fprintf(fp, "%s %s\n", name, buf);
}

void
config_print(const struct config *cfg, FILE *fp)
{
	const struct setting	*s;
	const char		*str;
	size_t			 i;

	for (i = 0; i < NSETTINGS; i++) {
		s = &settings[i];
		fprintf(fp, "# %s\n", s->help);
		if (s->type == SETTING_PATH || s->type == SETTING_STRING) {
			str = *(char *const *)((const char *)cfg + s->offset);
			if (str != NULL && is_secret(s->offset))
				fprintf(fp, "#%s (set, not shown)\n", s->name);
			else if (str != NULL)
				fprintf(fp, "%s %s\n", s->name, str);
			else
				fprintf(fp, "#%s %s\n", s->name,
				    s->def != NULL ? s->def : "(automatic)");
		} else if (s->type == SETTING_INT)
			fprintf(fp, "%s %d\n", s->name,
			    *(const int *)((const char *)cfg + s->offset));
		else
			print_number(fp, s->name,
			    *(const double *)((const char *)cfg + s->offset));
	}
}

const char *
config_mail_address(const struct config *cfg)
{
	return cfg->mail_address != NULL ? cfg->mail_address :
	    CONFIG_MAIL_ADDRESS_DEFAULT;
}
