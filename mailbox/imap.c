/*
 * IMAP through libetpan's mailimap.  libetpan speaks the protocol and
 * parses the server's answers; this file chooses the commands: UID SEARCH
 * for letters above a UID that lack our keyword (or, where the folder
 * keeps no keywords, \Seen), UID FETCH of RFC822.SIZE before BODY.PEEK[]
 * so that an oversized letter is never read, UID STORE +FLAGS.SILENT to
 * mark letters done, MOVE or COPY to quarantine, IDLE.  libetpan's TLS
 * (GnuTLS in Debian) does not check the server's certificate, so this file
 * does, with GnuTLS's trust list: the system's CAs or the configured CA
 * file, and the host name.  A dropped connection marks the session
 * broken; the caller closes it and connects again.
 */
#include "mailbox/imap.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libetpan/libetpan.h>

#include "lib/xmalloc.h"
#include "mailbox/smtp.h"

/* Bytes of the server's own words quoted in an error. */
#define RESPONSE_QUOTED	160

struct imap {
	mailimap	*s;
	char		*quarantine;
	uint32_t	 uidvalidity;
	int		 keywords;	/* the folder keeps our keyword */
	int		 idle;
	int		 move;
	int		 uidplus;
	int		 broken;
	int		 idling;
	int		 quarantine_made;
};

static const struct {
	int		 code;
	const char	*name;
} errors[] = {
	{ MAILIMAP_ERROR_BAD_STATE, "bad state" },
	{ MAILIMAP_ERROR_STREAM, "connection lost" },
	{ MAILIMAP_ERROR_PARSE, "unreadable answer" },
	{ MAILIMAP_ERROR_CONNECTION_REFUSED, "connection refused" },
	{ MAILIMAP_ERROR_FATAL, "the server closed the session" },
	{ MAILIMAP_ERROR_PROTOCOL, "protocol error" },
	{ MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION, "the server refuses us" },
	{ MAILIMAP_ERROR_LOGIN, "login refused" },
	{ MAILIMAP_ERROR_SELECT, "no such folder" },
	{ MAILIMAP_ERROR_STARTTLS, "STARTTLS refused" },
	{ MAILIMAP_ERROR_SSL, "TLS failed" },
	{ MAILIMAP_ERROR_UID_FETCH, "FETCH refused" },
	{ MAILIMAP_ERROR_UID_SEARCH, "SEARCH refused" },
	{ MAILIMAP_ERROR_UID_STORE, "STORE refused" },
	{ MAILIMAP_ERROR_UID_COPY, "COPY refused" },
	{ MAILIMAP_ERROR_UID_MOVE, "MOVE refused" },
	{ MAILIMAP_ERROR_CREATE, "CREATE refused" },
	{ MAILIMAP_ERROR_NOOP, "NOOP refused" },
	{ MAILIMAP_ERROR_EXTENSION, "extension refused" },
};

/* Errors after which the session cannot be used again. */
static const int fatal[] = {
	MAILIMAP_ERROR_BAD_STATE, MAILIMAP_ERROR_STREAM, MAILIMAP_ERROR_PARSE,
	MAILIMAP_ERROR_CONNECTION_REFUSED, MAILIMAP_ERROR_FATAL,
	MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION, MAILIMAP_ERROR_SSL,
	MAILIMAP_ERROR_MEMORY, MAILIMAP_ERROR_STARTTLS,
};

static int
fail(struct imap *im, int r, const char *what, char **errstr_r)
{
	const char	*name = "error", *resp;
	char		 quoted[RESPONSE_QUOTED + 1];
	size_t		 i, n = 0;

	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (errors[i].code == r)
			name = errors[i].name;
	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		if (fatal[i] == r)
			im->broken = 1;
	resp = im->s != NULL ? im->s->imap_response : NULL;
	for (; resp != NULL && resp[n] != '\0' && n < RESPONSE_QUOTED; n++)
		quoted[n] = (unsigned char)resp[n] < ' ' ||
		    (unsigned char)resp[n] == 0x7f ? '?' : resp[n];
	quoted[n] = '\0';
	*errstr_r = xasprintf("imap: %s: %s%s%s", what, name, n > 0 ? ": " :
	    "", quoted);
	return -1;
}

/* TLS: send the server's name (SNI). */
static void
tls_setup(struct mailstream_ssl_context *ctx, void *arg)
{
	mailstream_ssl_set_server_name(ctx, arg);
}

/* Checks the server's certificate chain against the trusted CAs and
 * host, as libetpan does not. */
static int
verify_peer(struct imap *im, const char *host, const char *ca_file,
    char **errstr_r)
{
	gnutls_x509_trust_list_t	 tl = NULL;
	gnutls_x509_crt_t		*certs = NULL;
	gnutls_typed_vdata_st		 data[2];
	gnutls_datum_t			 d, out;
	carray				*chain;
	MMAPString			*der;
	unsigned int			 status = 0, i, n, got = 0;
	int				 rc = -1;

	chain = mailstream_get_certificate_chain(im->s->imap_stream);
	if (chain == NULL || (n = carray_count(chain)) == 0) {
		*errstr_r = xstrdup("imap: the server sent no certificate");
		goto out;
	}
	certs = xcalloc(n, sizeof(*certs));
	for (got = 0; got < n; got++) {
		der = carray_get(chain, got);
		d.data = (unsigned char *)der->str;
		d.size = (unsigned int)der->len;
		if (gnutls_x509_crt_init(&certs[got]) < 0)
			abort();
		if (gnutls_x509_crt_import(certs[got], &d,
		    GNUTLS_X509_FMT_DER) < 0) {
			gnutls_x509_crt_deinit(certs[got]);
			*errstr_r = xstrdup("imap: an unreadable certificate");
			goto out;
		}
	}
	if (gnutls_x509_trust_list_init(&tl, 0) < 0)
		abort();
	if (ca_file == NULL || ca_file[0] == '\0')
		gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
	else if (gnutls_x509_trust_list_add_trust_file(tl, ca_file, NULL,
	    GNUTLS_X509_FMT_PEM, 0, 0) <= 0) {
		*errstr_r = xasprintf("imap: no CA certificate read from %s",
		    ca_file);
		goto out;
	}
	memset(data, 0, sizeof(data));
	data[0].type = GNUTLS_DT_DNS_HOSTNAME;
	data[0].data = (void *)host;
	data[1].type = GNUTLS_DT_KEY_PURPOSE_OID;
	data[1].data = (void *)GNUTLS_KP_TLS_WWW_SERVER;
	if (gnutls_x509_trust_list_verify_crt2(tl, certs, n, data, 2, 0,
	    &status, NULL) < 0 || status != 0) {
		if (status != 0 && gnutls_certificate_verification_status_print(
		    status, GNUTLS_CRT_X509, &out, 0) == 0) {
			*errstr_r = xasprintf("imap: certificate of %s: %s",
			    host, (char *)out.data);
			gnutls_free(out.data);
		} else
			*errstr_r = xasprintf("imap: certificate of %s not "
			    "verified", host);
		goto out;
	}
	rc = 0;
out:
	if (tl != NULL)
		gnutls_x509_trust_list_deinit(tl, 1);
	for (i = 0; i < got; i++)
		gnutls_x509_crt_deinit(certs[i]);
	free(certs);
	if (chain != NULL)
		mailstream_certificate_chain_free(chain);
	return rc;
}

/* Whether the selected folder lets us keep IMAP_DONE_KEYWORD. */
static int
keeps_keywords(mailimap *s)
{
	struct mailimap_selection_info	*si = s->imap_selection_info;
	struct mailimap_flag_perm	*fp;
	clistiter			*it;

	if (si == NULL || si->sel_perm_flags == NULL)
		return 0;
	for (it = clist_begin(si->sel_perm_flags); it != NULL;
	    it = clist_next(it)) {
		fp = clist_content(it);
		if (fp->fl_type == MAILIMAP_FLAG_PERM_ALL)
			return 1;
		if (fp->fl_flag != NULL &&
		    fp->fl_flag->fl_type == MAILIMAP_FLAG_KEYWORD &&
		    strcasecmp(fp->fl_flag->fl_data.fl_keyword,
		    IMAP_DONE_KEYWORD) == 0)
			return 1;
	}
	return 0;
}

int
imap_open(const struct imap_config *cfg, struct imap **im_r,
    char **errstr_r)
{
	struct mailimap_capability_data	*cap = NULL;
	struct imap			*im;
	uint16_t			 port;
	int				 r;

	if (cfg->host == NULL || cfg->user == NULL || cfg->password == NULL) {
		*errstr_r = xstrdup("imap: a host, a user and a password are "
		    "needed");
		return -1;
	}
	if (cfg->security == IMAP_SECURITY_NONE &&
	    !smtp_host_is_loopback(cfg->host)) {
		*errstr_r = xasprintf("imap: plain IMAP is for a server on "
		    "this machine; %s needs imap_security starttls or tls",
		    cfg->host);
		return -1;
	}
	port = (uint16_t)(cfg->port > 0 ? cfg->port :
	    cfg->security == IMAP_SECURITY_TLS ? 993 : 143);
	im = xcalloc(1, sizeof(*im));
	im->quarantine = xstrdup(cfg->quarantine != NULL ? cfg->quarantine :
	    "Quarantine");
	im->s = mailimap_new(0, NULL);
	mailimap_set_timeout(im->s, cfg->timeout > 0 ? cfg->timeout :
	    IMAP_TIMEOUT);
	if (cfg->security == IMAP_SECURITY_TLS)
		r = mailimap_ssl_connect_with_callback(im->s, cfg->host, port,
		    tls_setup, (void *)cfg->host);
	else
		r = mailimap_socket_connect(im->s, cfg->host, port);
	if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_AUTHENTICATED) {
		fail(im, r, "connect", errstr_r);
		goto fail;
	}
	if (cfg->security == IMAP_SECURITY_STARTTLS &&
	    (r = mailimap_socket_starttls_with_callback(im->s, tls_setup,
	    (void *)cfg->host)) != MAILIMAP_NO_ERROR) {
		fail(im, r, "STARTTLS", errstr_r);
		goto fail;
	}
	if (cfg->security != IMAP_SECURITY_NONE && verify_peer(im, cfg->host,
	    cfg->ca_file, errstr_r) == -1)
		goto fail;
	if ((r = mailimap_login(im->s, cfg->user, cfg->password)) !=
	    MAILIMAP_NO_ERROR) {
		fail(im, r, "LOGIN", errstr_r);
		goto fail;
	}
	/* The capabilities after login are the ones that count. */
	if ((r = mailimap_capability(im->s, &cap)) != MAILIMAP_NO_ERROR) {
		fail(im, r, "CAPABILITY", errstr_r);
		goto fail;
	}
	mailimap_capability_data_free(cap);
	im->idle = mailimap_has_idle(im->s);
	im->move = mailimap_has_extension(im->s, "MOVE");
	im->uidplus = mailimap_has_extension(im->s, "UIDPLUS");
	if ((r = mailimap_select(im->s, cfg->folder != NULL ? cfg->folder :
	    "INBOX")) != MAILIMAP_NO_ERROR) {
		fail(im, r, "SELECT", errstr_r);
		goto fail;
	}
	im->uidvalidity = im->s->imap_selection_info->sel_uidvalidity;
	im->keywords = keeps_keywords(im->s);
	*im_r = im;
	return 0;
fail:
	im->broken = 1;
	imap_close(&im);
	return -1;
}

void
imap_close(struct imap **imp)
{
	struct imap	*im = *imp;
	char		*err = NULL;

	if (im == NULL)
		return;
	if (im->idling && !im->broken)
		imap_idle_done(im, &err);
	free(err);
	if (!im->broken)
		mailimap_logout(im->s);
	mailimap_free(im->s);
	free(im->quarantine);
	free(im);
	*imp = NULL;
}

uint32_t
imap_uidvalidity(const struct imap *im)
{
	return im->uidvalidity;
}

int
imap_broken(const struct imap *im)
{
	return im->broken;
}

int
imap_has_idle(const struct imap *im)
{
	return im->idle;
}

static int
cmp_uid(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int
imap_search(struct imap *im, uint32_t after, uint32_t **uids_r,
    size_t *n_r, char **errstr_r)
{
	struct mailimap_search_key	*key, *not_done;
	clist				*result = NULL;
	clistiter			*it;
	uint32_t			*uids = NULL, uid;
	size_t				 n = 0, cap = 0;
	int				 r;

	*uids_r = NULL;
	*n_r = 0;
	key = mailimap_search_key_new_multiple_empty();
	mailimap_search_key_multiple_add(key, mailimap_search_key_new_uid(
	    mailimap_set_new_interval(after + 1, 0)));
	if (im->keywords)
		not_done = mailimap_search_key_new_unkeyword(
		    xstrdup(IMAP_DONE_KEYWORD));
	else
		not_done = mailimap_search_key_new(MAILIMAP_SEARCH_KEY_UNSEEN,
		    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		    NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL,
		    NULL, NULL, 0, NULL, NULL, NULL);
	mailimap_search_key_multiple_add(key, not_done);
	mailimap_search_key_multiple_add(key, mailimap_search_key_new(
	    MAILIMAP_SEARCH_KEY_UNDELETED, NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL,
	    NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL));
	r = mailimap_uid_search(im->s, NULL, key, &result);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR)
		return fail(im, r, "UID SEARCH", errstr_r);
	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		uid = *(uint32_t *)clist_content(it);
		/* "n:*" matches the last letter even below n. */
		if (uid <= after)
			continue;
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			uids = xreallocarray(uids, cap, sizeof(*uids));
		}
		uids[n++] = uid;
	}
	mailimap_search_result_free(result);
	if (n > 1)
		qsort(uids, n, sizeof(*uids), cmp_uid);
	*uids_r = uids;
	*n_r = n;
	return 0;
}

static struct mailimap_set *
uid_set(const uint32_t *uids, size_t n)
{
	struct mailimap_set	*set = mailimap_set_new_empty();
	size_t			 i;

	for (i = 0; i < n; i++)
		mailimap_set_add_single(set, uids[i]);
	return set;
}

/* The static items of one FETCH answer: its UID, size and body. */
struct fetched {
	uint32_t	 uid;
	size_t		 size;
	const char	*body;
	size_t		 len;
};

static void
read_fetched(struct mailimap_msg_att *ma, struct fetched *f)
{
	struct mailimap_msg_att_item	*item;
	struct mailimap_msg_att_static	*st;
	clistiter			*it;

	memset(f, 0, sizeof(*f));
	f->size = SIZE_MAX;
	for (it = clist_begin(ma->att_list); it != NULL; it = clist_next(it)) {
		item = clist_content(it);
		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		st = item->att_data.att_static;
		switch (st->att_type) {
		case MAILIMAP_MSG_ATT_UID:
			f->uid = st->att_data.att_uid;
			break;
		case MAILIMAP_MSG_ATT_RFC822_SIZE:
			f->size = st->att_data.att_rfc822_size;
			break;
		case MAILIMAP_MSG_ATT_BODY_SECTION:
			if (st->att_data.att_body_section->sec_body_part !=
			    NULL) {
				f->body = st->att_data.att_body_section->
				    sec_body_part;
				f->len = st->att_data.att_body_section->
				    sec_length;
			}
			break;
		}
	}
}

int
imap_sizes(struct imap *im, const uint32_t *uids, size_t n,
    size_t *sizes_r, char **errstr_r)
{
	struct mailimap_fetch_type	*ft;
	struct mailimap_set		*set;
	struct fetched			 f;
	clist				*result = NULL;
	clistiter			*it;
	size_t				 i;
	int				 r;

	for (i = 0; i < n; i++)
		sizes_r[i] = SIZE_MAX;
	if (n == 0)
		return 0;
	set = uid_set(uids, n);
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_rfc822_size());
	r = mailimap_uid_fetch(im->s, set, ft, &result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return fail(im, r, "UID FETCH RFC822.SIZE", errstr_r);
	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		read_fetched(clist_content(it), &f);
		for (i = 0; i < n; i++)
			if (uids[i] == f.uid && f.uid != 0)
				sizes_r[i] = f.size;
	}
	mailimap_fetch_list_free(result);
	return 0;
}

int
imap_fetch(struct imap *im, uint32_t uid, size_t max, char **raw_r,
    size_t *len_r, char **errstr_r)
{
	struct mailimap_fetch_type	*ft;
	struct mailimap_set		*set;
	struct fetched			 f;
	clist				*result = NULL;
	clistiter			*it;
	int				 r, rc = 1;

	*raw_r = NULL;
	*len_r = 0;
	set = mailimap_set_new_single(uid);
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_body_peek_section(
	    mailimap_section_new(NULL)));
	r = mailimap_uid_fetch(im->s, set, ft, &result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return fail(im, r, "UID FETCH BODY.PEEK[]", errstr_r);
	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		read_fetched(clist_content(it), &f);
		if (f.uid != uid || f.body == NULL || f.len > max)
			continue;
		*raw_r = xmalloc(f.len + 1);
		memcpy(*raw_r, f.body, f.len);
		(*raw_r)[f.len] = '\0';
		*len_r = f.len;
		rc = 0;
		break;
	}
	mailimap_fetch_list_free(result);
	return rc;
}

/* UID STORE +FLAGS.SILENT of \Seen, our keyword and, when deleted, \Deleted. */
static int
store_flags(struct imap *im, struct mailimap_set *set, int deleted,
    char **errstr_r)
{
	struct mailimap_flag_list	*fl;
	struct mailimap_store_att_flags	*sa;
	int				 r;

	fl = mailimap_flag_list_new_empty();
	mailimap_flag_list_add(fl, mailimap_flag_new_seen());
	if (im->keywords)
		mailimap_flag_list_add(fl, mailimap_flag_new_flag_keyword(
		    xstrdup(IMAP_DONE_KEYWORD)));
	if (deleted)
		mailimap_flag_list_add(fl, mailimap_flag_new_deleted());
	sa = mailimap_store_att_flags_new_add_flags_silent(fl);
	r = mailimap_uid_store(im->s, set, sa);
	mailimap_store_att_flags_free(sa);
	if (r != MAILIMAP_NO_ERROR)
		return fail(im, r, "UID STORE", errstr_r);
	return 0;
}

int
imap_mark_done(struct imap *im, const uint32_t *uids, size_t n,
    char **errstr_r)
{
	struct mailimap_set	*set;
	int			 rc;

	if (n == 0)
		return 0;
	set = uid_set(uids, n);
	rc = store_flags(im, set, 0, errstr_r);
	mailimap_set_free(set);
	return rc;
}

int
imap_quarantine(struct imap *im, uint32_t uid, char **errstr_r)
{
	struct mailimap_set	*set;
	int			 r, rc = -1;

	if (!im->quarantine_made) {
		/* NO when it exists already: only a broken session counts. */
		r = mailimap_create(im->s, im->quarantine);
		if (r != MAILIMAP_NO_ERROR) {
			char	*err = NULL;

			fail(im, r, "CREATE", &err);
			if (im->broken) {
				*errstr_r = err;
				return -1;
			}
			free(err);
		}
		im->quarantine_made = 1;
	}
	set = mailimap_set_new_single(uid);
	if (im->move) {
		if ((r = mailimap_uid_move(im->s, set, im->quarantine)) !=
		    MAILIMAP_NO_ERROR) {
			fail(im, r, "UID MOVE", errstr_r);
			goto out;
		}
	} else {
		if ((r = mailimap_uid_copy(im->s, set, im->quarantine)) !=
		    MAILIMAP_NO_ERROR) {
			fail(im, r, "UID COPY", errstr_r);
			goto out;
		}
		if (store_flags(im, set, 1, errstr_r) == -1)
			goto out;
		/* Only with UIDPLUS can we expunge this letter alone. */
		if (im->uidplus && (r = mailimap_uid_expunge(im->s,
		    set)) != MAILIMAP_NO_ERROR) {
			fail(im, r, "UID EXPUNGE", errstr_r);
			goto out;
		}
	}
	rc = 0;
out:
	mailimap_set_free(set);
	return rc;
}

int
imap_idle_start(struct imap *im, char **errstr_r)
{
	int	r;

	if ((r = mailimap_idle(im->s)) != MAILIMAP_NO_ERROR)
		return fail(im, r, "IDLE", errstr_r);
	im->idling = 1;
	return 0;
}

int
imap_idle_wait(struct imap *im, int ms, int stop_fd, char **errstr_r)
{
	struct pollfd	pfd[2];
	int		n;

	/* What libetpan has read already would never wake poll(). */
	if (im->s->imap_stream->read_buffer_len > 0)
		return IMAP_WAIT_NEWS;
	pfd[0].fd = mailimap_idle_get_fd(im->s);
	pfd[0].events = POLLIN;
	pfd[1].fd = stop_fd;
	pfd[1].events = POLLIN;
	pfd[0].revents = pfd[1].revents = 0;
	if (pfd[0].fd < 0) {
		im->broken = 1;
		*errstr_r = xstrdup("imap: IDLE: no connection");
		return -1;
	}
	n = poll(pfd, stop_fd >= 0 ? 2 : 1, ms);
	if (n < 0)
		return IMAP_WAIT_TIMEOUT;	/* EINTR: the caller loops */
	if (stop_fd >= 0 && pfd[1].revents != 0)
		return IMAP_WAIT_STOP;
	if (pfd[0].revents != 0)
		return IMAP_WAIT_NEWS;
	return IMAP_WAIT_TIMEOUT;
}

int
imap_idle_done(struct imap *im, char **errstr_r)
{
	int	r;

	im->idling = 0;
	if ((r = mailimap_idle_done(im->s)) != MAILIMAP_NO_ERROR)
		return fail(im, r, "IDLE DONE", errstr_r);
	return 0;
}

int
imap_noop(struct imap *im, char **errstr_r)
{
	int	r;

	if ((r = mailimap_noop(im->s)) != MAILIMAP_NO_ERROR)
		return fail(im, r, "NOOP", errstr_r);
	return 0;
}
