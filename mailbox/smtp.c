/*
 * SMTP submission through one libcurl easy handle per sender, which keeps
 * its connection to the server open between letters.  libcurl does the
 * protocol (EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA with dot-stuffing) and
 * checks the server's certificate and name; this file only refuses a
 * configuration that would send a password or a citizen's letter across
 * the network in clear, and turns curl's outcome into ours.
 */
#include "mailbox/smtp.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "lib/xmalloc.h"

struct smtp {
	CURL	*curl;
	char	*url;
	char	 errbuf[CURL_ERROR_SIZE];
};

struct reader {
	const char	*p;
	size_t		 left;
};

static pthread_once_t	curl_once = PTHREAD_ONCE_INIT;

static void
curl_start(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		abort();
}

int
smtp_host_is_loopback(const char *host)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;
	char		 buf[64];
	size_t		 len;

	if (host == NULL)
		return 0;
	if (strcasecmp(host, "localhost") == 0)
		return 1;
	len = strlen(host);
	if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
		host++;
		len -= 2;
	}
	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, host, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, buf, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

int
smtp_new(const struct smtp_config *cfg, struct smtp **s_r, char **errstr_r)
{
	struct smtp	*s;
	CURLU		*u;
	char		*scheme = NULL, *host = NULL;
	int		 tls, rc = -1;

	pthread_once(&curl_once, curl_start);
	if (cfg->url == NULL) {
		*errstr_r = xstrdup("smtp: no smtp_url");
		return -1;
	}
	u = curl_url();
	if (curl_url_set(u, CURLUPART_URL, cfg->url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		*errstr_r = xstrdup("smtp: smtp_url is not a URL such as "
		    "smtp://127.0.0.1:25");
		goto out;
	}
	if (strcasecmp(scheme, "smtp") != 0 &&
	    strcasecmp(scheme, "smtps") != 0) {
		*errstr_r = xstrdup("smtp: smtp_url must start smtp:// or "
		    "smtps://");
		goto out;
	}
	tls = strcasecmp(scheme, "smtps") == 0;
	if (cfg->security == SMTP_SECURITY_TLS && !tls) {
		*errstr_r = xstrdup("smtp: smtp_security tls needs an "
		    "smtps:// URL");
		goto out;
	}
	if (!tls && cfg->security == SMTP_SECURITY_NONE &&
	    !smtp_host_is_loopback(host)) {
		*errstr_r = xasprintf("smtp: plain SMTP is for a server on "
		    "this machine; %s needs smtp_security starttls or tls",
		    host);
		goto out;
	}
	s = xcalloc(1, sizeof(*s));
	if ((s->curl = curl_easy_init()) == NULL)
		abort();
	s->url = xstrdup(cfg->url);
	curl_easy_setopt(s->curl, CURLOPT_URL, s->url);
	curl_easy_setopt(s->curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, s->errbuf);
	curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT, 20L);
	curl_easy_setopt(s->curl, CURLOPT_TIMEOUT, (long)(cfg->timeout > 0 ?
	    cfg->timeout : SMTP_TIMEOUT));
	curl_easy_setopt(s->curl, CURLOPT_UPLOAD, 1L);
	if (cfg->ca_file != NULL && cfg->ca_file[0] != '\0')
		curl_easy_setopt(s->curl, CURLOPT_CAINFO, cfg->ca_file);
	if (cfg->security == SMTP_SECURITY_STARTTLS)
		curl_easy_setopt(s->curl, CURLOPT_USE_SSL,
		    (long)CURLUSESSL_ALL);
	if (cfg->user != NULL && cfg->user[0] != '\0') {
		curl_easy_setopt(s->curl, CURLOPT_USERNAME, cfg->user);
		curl_easy_setopt(s->curl, CURLOPT_PASSWORD,
		    cfg->password != NULL ? cfg->password : "");
	}
	*s_r = s;
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

void
smtp_free(struct smtp **sp)
{
	struct smtp	*s = *sp;

	if (s == NULL)
		return;
	curl_easy_cleanup(s->curl);
	free(s->url);
	free(s);
	*sp = NULL;
}

static size_t
read_letter(char *buf, size_t size, size_t nitems, void *arg)
{
	struct reader	*r = arg;
	size_t		 n = size * nitems;

	if (n > r->left)
		n = r->left;
	memcpy(buf, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

int
smtp_send(struct smtp *s, const char *from, const char *rcpt,
    const char *letter, size_t len, int *permanent_r, char **errstr_r)
{
	struct curl_slist	*rcpts;
	struct reader		 r = { letter, len };
	CURLcode		 cc;
	long			 code = 0;
	char			*f;

	*permanent_r = 0;
	rcpts = curl_slist_append(NULL, rcpt);
	if (rcpts == NULL)
		abort();
	f = xasprintf("<%s>", from);
	s->errbuf[0] = '\0';
	curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, f);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(s->curl, CURLOPT_READFUNCTION, read_letter);
	curl_easy_setopt(s->curl, CURLOPT_READDATA, &r);
	curl_easy_setopt(s->curl, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)len);
	cc = curl_easy_perform(s->curl);
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rcpts);
	free(f);
	if (cc == CURLE_OK)
		return 0;
	*permanent_r = code >= 500 && code <= 599 &&
	    cc != CURLE_LOGIN_DENIED;
	*errstr_r = xasprintf("smtp: %s%s%s (reply %ld)",
	    curl_easy_strerror(cc), s->errbuf[0] != '\0' ? ": " : "",
	    s->errbuf, code);
	return -1;
}
