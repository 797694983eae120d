/*
 * Reading one letter: the top header block (split and unfolded here, so
 * that the robot check sees exactly what was sent and so that a 100 KB
 * header never reaches a recursive parser whole), the envelope fields
 * (addresses and message identifiers parsed by libetpan, one capped field
 * at a time, with a forgiving fallback for the malformed ones real mailers
 * send) and, through mime.c, the body and attachments.  RFC 5322 sections
 * 2.2 (header fields), 2.2.3 (unfolding), 3.4 (addresses), 3.6.4
 * (identifiers).
 */
#include "mailbox/mail.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "lib/text.h"
#include "lib/xmalloc.h"
#include "mailbox/charset.h"
#include "mailbox/mbuf.h"
#include "mailbox/mime.h"

struct mail_field {
	const char	*name;
	const char	*value;
};

struct mail_headers {
	char			*arena;	/* names and values, NUL-terminated */
	struct mail_field	*v;
	size_t			 n;
	size_t			 cap;
};

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* A field name character (RFC 5322 3.6.8: printable ASCII but ':'). */
static int
is_ftext(char c)
{
	return (unsigned char)c >= 33 && (unsigned char)c <= 126 && c != ':';
}

/*
 * The length of a field name at line[0..len) followed by optional white
 * space and a colon; *colon_r is the index of the colon.  0 when the line
 * is not a header field.
 */
static size_t
field_name(const char *line, size_t len, size_t *colon_r)
{
	size_t	n = 0, i;

	while (n < len && is_ftext(line[n]))
		n++;
	if (n == 0)
		return 0;
	for (i = n; i < len && is_wsp(line[i]); i++)
		;
	if (i == len || line[i] != ':')
		return 0;
	*colon_r = i;
	return n;
}

/* Ends the value being written at arena[*w]: trailing blanks go. */
static void
end_value(char *arena, size_t start, size_t *w)
{
	while (*w > start && is_wsp(arena[*w - 1]))
		(*w)--;
	arena[(*w)++] = '\0';
}

/* Appends value bytes, skipping leading blanks of a new value. */
static void
put_value(char *arena, size_t start, size_t *w, const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (*w == start && is_wsp(p[i]))
			continue;
		arena[(*w)++] = p[i] == '\0' ? ' ' : p[i];
	}
}

/*
 * Splits the header block at the top of raw[0..len).  Returns 0 with the
 * table and the offset where the body starts, or -1 with *errstr_r.  The
 * block ends at the first empty line, or at a line that is neither a
 * field nor a continuation (it then starts the body).  A leading mbox
 * "From " line is skipped.
 */
static int
split_header(const char *raw, size_t len, struct mail_headers **h_r,
    size_t *body_r, char **errstr_r)
{
	struct mail_headers	*h;
	const char		*line, *nl;
	size_t			 pos = 0, next, n, name, colon, w = 0;
	size_t			 vstart = 0;
	int			 open = 0;

	h = xcalloc(1, sizeof(*h));
	n = len < MAIL_MAX_HEADER_BYTES ? len : MAIL_MAX_HEADER_BYTES;
	h->arena = xmalloc(n + 2);
	if (len >= 5 && memcmp(raw, "From ", 5) == 0) {
		nl = memchr(raw, '\n', len);
		pos = nl == NULL ? len : (size_t)(nl - raw) + 1;
	}
	while (pos < len) {
		line = raw + pos;
		nl = memchr(line, '\n', len - pos);
		next = nl == NULL ? len : (size_t)(nl - raw) + 1;
		n = (nl == NULL ? len : (size_t)(nl - raw)) - pos;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0) {
			pos = next;
			break;
		}
		if (next > MAIL_MAX_HEADER_BYTES) {
			*errstr_r = xasprintf("header block longer than %d "
			    "bytes", MAIL_MAX_HEADER_BYTES);
			goto fail;
		}
		if (is_wsp(line[0])) {
			/* RFC 5322 2.2.3: unfolding drops the line break. */
			if (open)
				put_value(h->arena, vstart, &w, line, n);
			pos = next;
			continue;
		}
		if ((name = field_name(line, n, &colon)) == 0)
			break;
		if (open)
			end_value(h->arena, vstart, &w);
		if (h->n == h->cap) {
			h->cap = h->cap == 0 ? 32 : h->cap * 2;
			h->v = xreallocarray(h->v, h->cap, sizeof(*h->v));
		}
		memcpy(h->arena + w, line, name);
		h->v[h->n].name = h->arena + w;
		w += name;
		h->arena[w++] = '\0';
		vstart = w;
		h->v[h->n].value = h->arena + w;
		h->n++;
		open = 1;
		put_value(h->arena, vstart, &w, line + colon + 1,
		    n - colon - 1);
		pos = next;
	}
	if (open)
		end_value(h->arena, vstart, &w);
	if (h->n == 0) {
		*errstr_r = xstrdup("not a letter: no header field");
		goto fail;
	}
	*h_r = h;
	*body_r = pos;
	return 0;

fail:
	free(h->arena);
	free(h->v);
	free(h);
	return -1;
}

const char *
mail_header(const struct mail *m, const char *name)
{
	size_t	i;

	if (m == NULL || m->headers == NULL)
		return NULL;
	for (i = 0; i < m->headers->n; i++)
		if (strcasecmp(m->headers->v[i].name, name) == 0)
			return m->headers->v[i].value;
	return NULL;
}

/*
 * A copy of a field value fit for libetpan's parsers: capped, and with
 * parentheses flattened when comments nest deeper than libetpan's
 * recursive comment parser should go.
 */
static char *
parser_copy(const char *value, size_t *len_r)
{
	char	*s;
	size_t	 len, i;
	int	 depth = 0, deepest = 0;

	len = strlen(value);
	if (len > MAIL_MAX_FIELD_BYTES)
		len = MAIL_MAX_FIELD_BYTES;
	s = xstrndup(value, len);
	for (i = 0; i < len; i++) {
		if (s[i] == '(' && ++depth > deepest)
			deepest = depth;
		else if (s[i] == ')' && depth > 0)
			depth--;
	}
	if (deepest > MAIL_MAX_COMMENT_DEPTH)
		for (i = 0; i < len; i++)
			if (s[i] == '(' || s[i] == ')')
				s[i] = ' ';
	*len_r = len;
	return s;
}

/* A clean identifier or address: valid UTF-8, no blanks or controls,
 * capped; lower-cased when asked.  NULL when nothing is left. */
static char *
clean_token(const char *p, size_t n, int lower)
{
	struct mbuf	 b;
	char		*s;
	size_t		 i, len;

	mbuf_init(&b, MAIL_MAX_ID_BYTES);
	for (i = 0; i < n; i++) {
		if ((unsigned char)p[i] <= ' ' || p[i] == 0x7F)
			continue;
		if (lower && p[i] >= 'A' && p[i] <= 'Z')
			mbuf_addc(&b, p[i] + ('a' - 'A'));
		else
			mbuf_addc(&b, p[i]);
	}
	s = mbuf_finish(&b, &len);
	if (len == 0 || !text_is_valid_utf8(s, len)) {
		free(s);
		return NULL;
	}
	return s;
}

/*
 * The address of a malformed field, as mailers read one: what is inside
 * the last <...>, else the first word with an '@', else a lone word
 * ("MAILER-DAEMON").
 */
static char *
fallback_address(const char *v, size_t len)
{
	const char	*lt = NULL, *gt, *p, *end = v + len, *w;
	size_t		 words = 0;

	for (p = v; p < end; p++)
		if (*p == '<')
			lt = p;
	if (lt != NULL && (gt = memchr(lt, '>', (size_t)(end - lt))) != NULL)
		return gt - lt > 1 ? clean_token(lt + 1,
		    (size_t)(gt - lt - 1), 1) : NULL;
	for (p = v; p < end; p = w) {
		while (p < end && (is_wsp(*p) || *p == ','))
			p++;
		for (w = p; w < end && !is_wsp(*w) && *w != ','; w++)
			;
		if (w == p)
			break;
		words++;
		if (memchr(p, '@', (size_t)(w - p)) != NULL) {
			while (p < w && strchr("<>\"'(", *p) != NULL)
				p++;
			while (w > p && strchr("<>\"')", w[-1]) != NULL)
				w--;
			return clean_token(p, (size_t)(w - p), 1);
		}
	}
	if (words == 1) {
		for (p = v; p < end && is_wsp(*p); p++)
			;
		for (w = p; w < end && !is_wsp(*w); w++)
			;
		if (strcspn(p, "\":;,<>()[]\\") >= (size_t)(w - p))
			return clean_token(p, (size_t)(w - p), 1);
	}
	return NULL;
}

/*
 * Reads the first mailbox of an address field (RFC 5322 3.4): its
 * lower-cased addr-spec and, when name_r is not NULL, its decoded display
 * name.  Either may come back NULL.
 */
static void
parse_mailbox(const char *value, char **addr_r, char **name_r)
{
	struct mailimf_address_list	*al = NULL;
	struct mailimf_address		*a;
	struct mailimf_mailbox		*mb = NULL;
	clistiter			*it;
	char				*s;
	size_t				 len, idx = 0;

	*addr_r = NULL;
	if (name_r != NULL)
		*name_r = NULL;
	if (value == NULL)
		return;
	s = parser_copy(value, &len);
	if (mailimf_address_list_parse(s, len, &idx, &al) ==
	    MAILIMF_NO_ERROR) {
		for (it = clist_begin(al->ad_list); it != NULL && mb == NULL;
		    it = clist_next(it)) {
			a = clist_content(it);
			if (a->ad_type == MAILIMF_ADDRESS_MAILBOX)
				mb = a->ad_data.ad_mailbox;
			else if (a->ad_data.ad_group->grp_mb_list != NULL &&
			    clist_begin(a->ad_data.ad_group->grp_mb_list->
			    mb_list) != NULL)
				mb = clist_content(clist_begin(
				    a->ad_data.ad_group->grp_mb_list->mb_list));
		}
	}
	if (mb != NULL && mb->mb_addr_spec != NULL &&
	    strpbrk(mb->mb_addr_spec, "<>") == NULL)
		*addr_r = clean_token(mb->mb_addr_spec,
		    strlen(mb->mb_addr_spec), 1);
	else if (al == NULL || mb != NULL)	/* not an empty group */
		*addr_r = fallback_address(s, len);
	if (name_r != NULL && mb != NULL && mb->mb_display_name != NULL) {
		*name_r = charset_decode_header(mb->mb_display_name,
		    strlen(mb->mb_display_name), MAIL_MAX_NAME_BYTES);
		if (**name_r == '\0') {
			free(*name_r);
			*name_r = NULL;
		}
	}
	if (al != NULL)
		mailimf_address_list_free(al);
	free(s);
}

/* Adds id to the list, keeping only the newest MAIL_MAX_REFERENCES. */
static void
add_id(char ***v, size_t *n, char *id)
{
	if (id == NULL)
		return;
	if (*n == MAIL_MAX_REFERENCES) {
		free((*v)[0]);
		memmove(*v, *v + 1, (*n - 1) * sizeof(**v));
		(*n)--;
	}
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = id;
}

/*
 * The message identifiers of a field (RFC 5322 3.6.4), without <>, in
 * order.  libetpan reads a well-formed list; for anything else every
 * <...> is taken, and a field without brackets counts as one bare id.
 */
static void
parse_ids(const char *value, char ***v_r, size_t *n_r)
{
	clist		*l = NULL;
	clistiter	*it;
	char		*s, *id;
	const char	*p, *gt, *end;
	size_t		 len, idx = 0;

	*v_r = NULL;
	*n_r = 0;
	if (value == NULL)
		return;
	s = parser_copy(value, &len);
	if (mailimf_msg_id_list_parse(s, len, &idx, &l) == MAILIMF_NO_ERROR) {
		for (it = clist_begin(l); it != NULL; it = clist_next(it)) {
			id = clist_content(it);
			add_id(v_r, n_r, clean_token(id, strlen(id), 0));
			mailimf_msg_id_free(id);
		}
		clist_free(l);
	}
	if (*n_r == 0) {
		end = s + len;
		for (p = s; p < end && (p = memchr(p, '<',
		    (size_t)(end - p))) != NULL; p = gt + 1) {
			if ((gt = memchr(p, '>', (size_t)(end - p))) == NULL)
				break;
			add_id(v_r, n_r, clean_token(p + 1,
			    (size_t)(gt - p - 1), 0));
		}
	}
	if (*n_r == 0 && memchr(s, '<', len) == NULL)
		add_id(v_r, n_r, clean_token(s, len, 0));
	free(s);
}

/* The first identifier of a field, or NULL. */
static char *
first_id(const char *value)
{
	char	**v, *id = NULL;
	size_t	  n, i;

	parse_ids(value, &v, &n);
	if (n > 0)
		id = v[0];
	for (i = 1; i < n; i++)
		free(v[i]);
	free(v);
	return id;
}

/* Return-Path as given: "" for <>, the address inside the brackets. */
static char *
parse_return_path(const char *value)
{
	const char	*p, *q;
	size_t		 n;
	char		*s;

	if (value == NULL)
		return NULL;
	n = strlen(value);
	if (n > MAIL_MAX_ID_BYTES)
		n = MAIL_MAX_ID_BYTES;
	p = value;
	q = value + n;
	if ((s = memchr(p, '<', n)) != NULL) {
		p = s + 1;
		if ((s = memchr(p, '>', (size_t)(q - p))) != NULL)
			q = s;
	}
	s = clean_token(p, (size_t)(q - p), 0);
	return s != NULL ? s : xstrdup("");
}

static char *
dup_or_null(const char *s, size_t max)
{
	struct mbuf	b;

	if (s == NULL)
		return NULL;
	mbuf_init(&b, max);
	charset_append_utf8(&b, "US-ASCII", s, strlen(s));
	return mbuf_finish(&b, NULL);
}

int
mail_parse(const char *raw, size_t len, struct mail **m_r, char **errstr_r)
{
	struct mail	*m;
	struct mail_headers *h;
	const char	*v;
	size_t		 body;

	*m_r = NULL;
	if (len > MAIL_MAX_BYTES) {
		*errstr_r = xasprintf("letter of %zu bytes is larger than "
		    "the limit of %d", len, MAIL_MAX_BYTES);
		return -1;
	}
	if (len == 0) {
		*errstr_r = xstrdup("empty letter");
		return -1;
	}
	if (split_header(raw, len, &h, &body, errstr_r) == -1)
		return -1;
	m = xcalloc(1, sizeof(*m));
	m->headers = h;

	parse_mailbox(mail_header(m, "From"), &m->from_addr, &m->from_name);
	parse_mailbox(mail_header(m, "Reply-To"), &m->reply_to, NULL);
	m->return_path = parse_return_path(mail_header(m, "Return-Path"));
	if ((v = mail_header(m, "To")) != NULL)
		m->to = charset_decode_header(v, strlen(v),
		    MAIL_MAX_NAME_BYTES);
	if ((v = mail_header(m, "Subject")) != NULL)
		m->subject = charset_decode_header(v, strlen(v),
		    MAIL_MAX_SUBJECT_BYTES);
	else
		m->subject = xstrdup("");
	m->message_id = first_id(mail_header(m, "Message-ID"));
	m->in_reply_to = first_id(mail_header(m, "In-Reply-To"));
	parse_ids(mail_header(m, "References"), &m->references,
	    &m->nreferences);
	m->date = dup_or_null(mail_header(m, "Date"), MAIL_MAX_ID_BYTES);

	mime_extract(m, mail_header(m, "Content-Type"),
	    mail_header(m, "Content-Transfer-Encoding"),
	    mail_header(m, "Content-Disposition"), raw + body, len - body);
	*m_r = m;
	return 0;
}

void
mail_free(struct mail **mp)
{
	struct mail	*m;
	size_t		 i;

	if (mp == NULL || (m = *mp) == NULL)
		return;
	free(m->from_addr);
	free(m->from_name);
	free(m->reply_to);
	free(m->return_path);
	free(m->to);
	free(m->subject);
	free(m->message_id);
	free(m->in_reply_to);
	for (i = 0; i < m->nreferences; i++)
		free(m->references[i]);
	free(m->references);
	free(m->date);
	free(m->body);
	for (i = 0; i < m->nattachments; i++) {
		free(m->attachments[i].filename);
		free(m->attachments[i].content_type);
		free((void *)m->attachments[i].data);
	}
	free(m->attachments);
	if (m->headers != NULL) {
		free(m->headers->arena);
		free(m->headers->v);
		free(m->headers);
	}
	free(m);
	*mp = NULL;
}
