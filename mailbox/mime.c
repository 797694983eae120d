/*
 * The MIME structure of a letter (RFC 2045, 2046) read by libetpan and
 * walked here to pick the citizen's text and collect the attachments.
 *
 * libetpan parses the whole tree recursively and without limits, so the
 * bytes it sees are guarded first (guard() below): the count of
 * multipart/message containers bounds its recursion and its rescanning,
 * the counts of lines holding ':' and of lines starting with "--" bound
 * the header fields and parts it allocates, deep comment nesting is
 * flattened, and a quoted boundary of a lone '"' (which makes
 * mailmime_extract_boundary copy -1 bytes in libetpan 1.9.4) is defused.
 * Past a bound the letter is cut there; what comes before is still read.
 * The walk itself stops at MAIL_MAX_PARTS parts and MAIL_MAX_DEPTH levels.
 */
#include "mailbox/mime.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "lib/text.h"
#include "lib/xmalloc.h"
#include "mailbox/charset.h"
#include "mailbox/html2text.h"
#include "mailbox/mail.h"
#include "mailbox/mbuf.h"

/* Encoded bytes of a text part decoded: enough for the capped text. */
#define TEXT_INPUT_MAX	(4 * MAIL_MAX_BODY_BYTES)
#define HTML_INPUT_MAX	(2 * MAIL_MAX_HTML_BYTES)
/* RFC 2231 continuations of one parameter looked at. */
#define RFC2231_MAX_SEGMENTS	64

enum role {
	ROLE_BODY,	/* text parts are the citizen's text */
	ROLE_ATTACH	/* everything is an attachment */
};

struct walk {
	struct mail	*m;
	struct mbuf	 text;
	size_t		 nparts;
	size_t		 natt_cap;
};

static int
starts_ci(const char *s, size_t len, const char *prefix)
{
	size_t	n = strlen(prefix);

	return len >= n && strncasecmp(s, prefix, n) == 0;
}

static int
contains_ci(const char *s, size_t len, const char *needle)
{
	size_t	n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (strncasecmp(s + i, needle, n) == 0)
			return 1;
	return 0;
}

/* The end of the logical line (with its continuations) starting at pos. */
static size_t
logical_line_end(const char *s, size_t len, size_t pos)
{
	const char	*nl;

	for (;;) {
		nl = memchr(s + pos, '\n', len - pos);
		if (nl == NULL)
			return len;
		pos = (size_t)(nl - s) + 1;
		if (pos < len && (s[pos] == ' ' || s[pos] == '\t'))
			continue;
		return pos;
	}
}

/*
 * Makes s[0..len) safe for libetpan's MIME parser (see the top of the
 * file).  Returns the length of the prefix to hand over; *cut_r is set
 * when that is not all of it.
 */
static size_t
guard(char *s, size_t len, int *cut_r)
{
	size_t	 pos = 0, end, i, containers = 0, colons = 0, dashes = 0;
	int	 ctype, depth, deepest;
	char	 c;

	*cut_r = 0;
	while (pos < len) {
		end = logical_line_end(s, len, pos);
		ctype = starts_ci(s + pos, end - pos, "content-type") &&
		    end - pos > 12 && ((c = s[pos + 12]) == ':' ||
		    c == ' ' || c == '\t' || c == '\r' || c == '\n');
		if ((memchr(s + pos, ':', end - pos) != NULL &&
		    ++colons > MAIL_MAX_COLON_LINES) ||
		    (end - pos >= 2 && s[pos] == '-' && s[pos + 1] == '-' &&
		    ++dashes > MAIL_MAX_DASH_LINES) ||
		    (ctype && (contains_ci(s + pos, end - pos, "multipart") ||
		    contains_ci(s + pos, end - pos, "message")) &&
		    ++containers > MAIL_MAX_CONTAINERS)) {
			*cut_r = 1;
			return pos;
		}
		depth = deepest = 0;
		for (i = pos; i < end; i++) {
			if (ctype && s[i] == '\\' && i + 1 < end &&
			    s[i + 1] == '"')
				s[++i] = '\'';
			else if (s[i] == '(' && ++depth > deepest)
				deepest = depth;
			else if (s[i] == ')' && depth > 0)
				depth--;
		}
		if (deepest > MAIL_MAX_COMMENT_DEPTH)
			for (i = pos; i < end; i++)
				if (s[i] == '(' || s[i] == ')')
					s[i] = ' ';
		pos = end;
	}
	return len;
}

/* "type/subtype" in lower case, or NULL when libetpan gave none. */
static char *
type_string(const struct mailmime_content *ct)
{
	const char	*type = NULL;
	char		*s, *p;

	if (ct == NULL || ct->ct_type == NULL || ct->ct_subtype == NULL)
		return NULL;
	if (ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE) {
		switch (ct->ct_type->tp_data.tp_discrete_type->dt_type) {
		case MAILMIME_DISCRETE_TYPE_TEXT:
			type = "text";
			break;
		case MAILMIME_DISCRETE_TYPE_IMAGE:
			type = "image";
			break;
		case MAILMIME_DISCRETE_TYPE_AUDIO:
			type = "audio";
			break;
		case MAILMIME_DISCRETE_TYPE_VIDEO:
			type = "video";
			break;
		case MAILMIME_DISCRETE_TYPE_APPLICATION:
			type = "application";
			break;
		default:
			type = ct->ct_type->tp_data.tp_discrete_type->
			    dt_extension;
			break;
		}
	} else {
		switch (ct->ct_type->tp_data.tp_composite_type->ct_type) {
		case MAILMIME_COMPOSITE_TYPE_MESSAGE:
			type = "message";
			break;
		case MAILMIME_COMPOSITE_TYPE_MULTIPART:
			type = "multipart";
			break;
		default:
			type = ct->ct_type->tp_data.tp_composite_type->
			    ct_token;
			break;
		}
	}
	if (type == NULL)
		return NULL;
	s = xasprintf("%.60s/%.60s", type, ct->ct_subtype);
	for (p = s; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
		else if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7F)
			*p = '_';
	}
	return s;
}

static struct mailmime_disposition *
disposition_of(const struct mailmime *mm)
{
	clistiter		*it;
	struct mailmime_field	*f;

	if (mm->mm_mime_fields == NULL)
		return NULL;
	for (it = clist_begin(mm->mm_mime_fields->fld_list); it != NULL;
	    it = clist_next(it)) {
		f = clist_content(it);
		if (f->fld_type == MAILMIME_FIELD_DISPOSITION)
			return f->fld_data.fld_disposition;
	}
	return NULL;
}

/* Whether the part says Content-Disposition: attachment (or inline). */
static int
disposition_is(const struct mailmime *mm, int type)
{
	struct mailmime_disposition	*d = disposition_of(mm);

	return d != NULL && d->dsp_type != NULL &&
	    d->dsp_type->dsp_type == type;
}

struct param {
	const char	*name;
	const char	*value;
};

/* Appends an RFC 2231 extended value: %XX escapes decoded. */
static void
add_percent_decoded(struct mbuf *b, const char *v)
{
	int	hi, lo;

	for (; *v != '\0'; v++) {
		if (*v == '%' && (hi = text_hexval(v[1])) >= 0 &&
		    (lo = text_hexval(v[2])) >= 0) {
			mbuf_addc(b, (char)(hi * 16 + lo));
			v += 2;
		} else
			mbuf_addc(b, *v);
	}
}

/*
 * The value of parameter base in p[0..n): RFC 2231 extended ("base*"),
 * continued ("base*0*", "base*1", ...) or plain, in which case RFC 2047
 * encoded words (as Outlook writes them) are decoded too.  Returns a new
 * UTF-8 string or NULL.
 */
static char *
param_value(const struct param *p, size_t n, const char *base)
{
	const char	*seg[RFC2231_MAX_SEGMENTS] = { NULL };
	int		 ext[RFC2231_MAX_SEGMENTS] = { 0 };
	struct mbuf	 raw;
	char		 charset[64] = "", *bytes, *out, *end;
	const char	*v, *q1, *q2, *rest;
	size_t		 blen = strlen(base), i, len;
	long		 k;

	for (i = 0; i < n; i++) {
		if (strncasecmp(p[i].name, base, blen) != 0 ||
		    p[i].name[blen] != '*')
			continue;
		rest = p[i].name + blen + 1;
		if (*rest == '\0') {		/* base*: one extended value */
			seg[0] = p[i].value;
			ext[0] = 1;
			for (k = 1; k < RFC2231_MAX_SEGMENTS; k++)
				seg[k] = NULL;
			break;
		}
		if (*rest < '0' || *rest > '9')
			continue;
		k = strtol(rest, &end, 10);
		if (k < 0 || k >= RFC2231_MAX_SEGMENTS ||
		    (*end != '\0' && strcmp(end, "*") != 0))
			continue;
		seg[k] = p[i].value;
		ext[k] = *end == '*';
	}
	if (seg[0] != NULL) {
		mbuf_init(&raw, MAIL_MAX_FIELD_BYTES);
		for (k = 0; k < RFC2231_MAX_SEGMENTS && seg[k] != NULL; k++) {
			v = seg[k];
			if (k == 0 && ext[0] &&
			    (q1 = strchr(v, '\'')) != NULL &&
			    (q2 = strchr(q1 + 1, '\'')) != NULL) {
				len = (size_t)(q1 - v);
				if (len < sizeof(charset)) {
					memcpy(charset, v, len);
					charset[len] = '\0';
				}
				v = q2 + 1;
			}
			if (ext[k])
				add_percent_decoded(&raw, v);
			else
				mbuf_adds(&raw, v);
		}
		bytes = mbuf_finish(&raw, &len);
		if (charset[0] != '\0')
			out = charset_to_utf8(charset, bytes, len,
			    MAIL_MAX_FIELD_BYTES);
		else
			out = charset_decode_header(bytes, len,
			    MAIL_MAX_FIELD_BYTES);
		free(bytes);
		return out;
	}
	for (i = 0; i < n; i++)
		if (strcasecmp(p[i].name, base) == 0 && p[i].value != NULL)
			return charset_decode_header(p[i].value,
			    strlen(p[i].value), MAIL_MAX_FIELD_BYTES);
	return NULL;
}

/* A file name fit to show and store: the last path component, capped. */
static char *
clean_filename(char *name)
{
	struct mbuf	 b;
	const char	*base, *p;
	char		*out;
	size_t		 len;

	if (name == NULL)
		return NULL;
	base = name;
	for (p = name; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	while (*base == ' ' || *base == '.')
		base++;
	mbuf_init(&b, MAIL_MAX_FILENAME_BYTES);
	mbuf_adds(&b, base);
	out = mbuf_finish(&b, &len);
	free(name);
	if (len == 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* The part's file name: Content-Disposition filename, else Content-Type
 * name, either in any of their encodings. */
static char *
part_filename(const struct mailmime *mm)
{
	struct mailmime_disposition	*d;
	struct mailmime_disposition_parm *dp;
	struct mailmime_parameter	*mp;
	struct param			*p = NULL;
	clistiter			*it;
	size_t				 n = 0, cap = 0;
	char				*name = NULL;

	if ((d = disposition_of(mm)) != NULL && d->dsp_parms != NULL)
		for (it = clist_begin(d->dsp_parms); it != NULL;
		    it = clist_next(it)) {
			dp = clist_content(it);
			if (n == cap) {
				cap = cap == 0 ? 8 : cap * 2;
				p = xreallocarray(p, cap, sizeof(*p));
			}
			if (dp->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME) {
				p[n].name = "filename";
				p[n++].value = dp->pa_data.pa_filename;
			} else if (dp->pa_type ==
			    MAILMIME_DISPOSITION_PARM_PARAMETER) {
				p[n].name = dp->pa_data.pa_parameter->pa_name;
				p[n++].value =
				    dp->pa_data.pa_parameter->pa_value;
			}
		}
	if (n > 0)
		name = param_value(p, n, "filename");
	n = 0;
	if (name == NULL && mm->mm_content_type != NULL)
		for (it = clist_begin(mm->mm_content_type->ct_parameters);
		    it != NULL; it = clist_next(it)) {
			mp = clist_content(it);
			if (n == cap) {
				cap = cap == 0 ? 8 : cap * 2;
				p = xreallocarray(p, cap, sizeof(*p));
			}
			p[n].name = mp->pa_name;
			p[n++].value = mp->pa_value;
		}
	if (name == NULL && n > 0)
		name = param_value(p, n, "name");
	free(p);
	return clean_filename(name);
}

/*
 * Decodes the content transfer encoding of a single part, looking at no
 * more than max encoded bytes.  Returns a malloc'ed copy (free with free)
 * and its length; *cut_r tells whether max cut the input.
 */
static char *
decode_part(const struct mailmime *mm, size_t max, size_t *len_r,
    int *cut_r)
{
	const struct mailmime_data	*d = mm->mm_body;
	char				*res = NULL, *out;
	size_t				 idx = 0, rlen = 0, n;
	int				 enc;

	*len_r = 0;
	*cut_r = 0;
	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT ||
	    d->dt_data.dt_text.dt_data == NULL)
		return xstrdup("");
	n = d->dt_data.dt_text.dt_length;
	if (n > max) {
		n = max;
		*cut_r = 1;
	}
	enc = d->dt_encoded ? d->dt_encoding : MAILMIME_MECHANISM_8BIT;
	switch (enc) {
	case MAILMIME_MECHANISM_BASE64:
	case MAILMIME_MECHANISM_QUOTED_PRINTABLE:
		break;
	default:
		out = xmalloc(n + 1);
		memcpy(out, d->dt_data.dt_text.dt_data, n);
		out[n] = '\0';
		*len_r = n;
		return out;
	}
	if (mailmime_part_parse(d->dt_data.dt_text.dt_data, n, &idx, enc,
	    &res, &rlen) != MAILIMF_NO_ERROR || res == NULL)
		return xstrdup("");
	out = xmalloc(rlen + 1);
	memcpy(out, res, rlen);
	out[rlen] = '\0';
	mailmime_decoded_part_free(res);
	*len_r = rlen;
	return out;
}

/* The charset an HTML part declares in a <meta>, into name[]. */
static const char *
meta_charset(const char *html, size_t len, char *name, size_t size)
{
	size_t	i, n;

	if (len > 4096)
		len = 4096;
	for (i = 0; i + 8 < len; i++) {
		if (strncasecmp(html + i, "charset=", 8) != 0)
			continue;
		i += 8;
		while (i < len && (html[i] == '"' || html[i] == '\''))
			i++;
		for (n = 0; i < len && n + 1 < size &&
		    ((html[i] != '\0' && strchr("-_.:", html[i]) != NULL) ||
		    (html[i] >= '0' && html[i] <= '9') ||
		    (html[i] >= 'a' && html[i] <= 'z') ||
		    (html[i] >= 'A' && html[i] <= 'Z')); i++)
			name[n++] = html[i];
		name[n] = '\0';
		return n > 0 ? name : NULL;
	}
	return NULL;
}

/* Line ends to "\n", then appended to out. */
static void
add_lf_text(struct mbuf *out, const char *s, size_t len)
{
	size_t	i, start = 0;

	for (i = 0; i < len; i++) {
		if (s[i] != '\r')
			continue;
		mbuf_add(out, s + start, i - start);
		if (i + 1 >= len || s[i + 1] != '\n')
			mbuf_addc(out, '\n');
		start = i + 1;
	}
	mbuf_add(out, s + start, len - start);
}

/*
 * The text of a text/plain or text/html part in UTF-8 with "\n" line
 * ends.  *cut_r tells whether a cap cut it.
 */
static char *
part_text(const struct mailmime *mm, int html, size_t *len_r, int *cut_r)
{
	struct mbuf	 b;
	const char	*charset = NULL;
	char		*raw, *utf8, *text, name[48];
	size_t		 rawlen, ulen;
	int		 cut;

	if (mm->mm_content_type != NULL)
		charset = mailmime_content_param_get(mm->mm_content_type,
		    "charset");
	raw = decode_part(mm, html ? HTML_INPUT_MAX : TEXT_INPUT_MAX,
	    &rawlen, cut_r);
	if (html && charset == NULL)
		charset = meta_charset(raw, rawlen, name, sizeof(name));
	mbuf_init(&b, html ? MAIL_MAX_HTML_BYTES : MAIL_MAX_BODY_BYTES);
	charset_append_utf8(&b, charset, raw, rawlen);
	*cut_r |= b.full;
	free(raw);
	utf8 = mbuf_finish(&b, &ulen);
	if (html) {
		text = html2text_convert(utf8, ulen, MAIL_MAX_BODY_BYTES,
		    &cut);
		*cut_r |= cut;
		free(utf8);
		utf8 = text;
		ulen = strlen(text);
	}
	mbuf_init(&b, MAIL_MAX_BODY_BYTES);
	add_lf_text(&b, utf8, ulen);
	free(utf8);
	return mbuf_finish(&b, len_r);
}

static int
is_blank_text(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n')
			return 0;
	return 1;
}

/* Adds a part's text to the body, a blank line apart from the last. */
static void
add_text(struct walk *w, char *text, size_t len, int html, int cut)
{
	if (!is_blank_text(text)) {
		if (w->text.len > 0)
			mbuf_adds(&w->text, "\n\n");
		mbuf_add(&w->text, text, len);
		if (html)
			w->m->body_was_html = 1;
		if (cut || w->text.full)
			w->m->body_truncated = 1;
	}
	free(text);
}

static void
add_attachment(struct walk *w, const struct mailmime *mm, char *type,
    char *filename)
{
	struct mail_attachment	*a;
	char			*data;
	size_t			 len;
	int			 cut;

	data = decode_part(mm, MAIL_MAX_BYTES, &len, &cut);
	if (w->m->nattachments == w->natt_cap) {
		w->natt_cap = w->natt_cap == 0 ? 4 : w->natt_cap * 2;
		w->m->attachments = xreallocarray(w->m->attachments,
		    w->natt_cap, sizeof(*w->m->attachments));
	}
	a = &w->m->attachments[w->m->nattachments++];
	a->filename = filename;
	a->content_type = type != NULL ? type :
	    xstrdup("application/octet-stream");
	a->size = len;
	if (len <= MAIL_MAX_ATTACHMENT_BYTES)
		a->data = (const unsigned char *)data;
	else {
		a->data = NULL;
		free(data);
	}
}

/* Counts a part; 0 when it is past the limits and is to be ignored. */
static int
count_part(struct walk *w, int depth)
{
	if (w->nparts >= MAIL_MAX_PARTS || depth > MAIL_MAX_DEPTH) {
		w->m->parts_ignored++;
		return 0;
	}
	w->nparts++;
	return 1;
}

static void	walk(struct walk *, struct mailmime *, int, enum role);

static int
is_report_type(const char *type)
{
	return strcmp(type, "message/delivery-status") == 0 ||
	    strcmp(type, "message/global-delivery-status") == 0 ||
	    strcmp(type, "message/disposition-notification") == 0;
}

/*
 * A leaf part: the citizen's text when it is text/plain or text/html (or
 * untyped), not marked as an attachment and not a named file unless
 * marked inline; otherwise an attachment.  Report parts only mark the
 * letter as a report.
 */
static void
walk_single(struct walk *w, struct mailmime *mm, enum role role)
{
	char	*type, *text, *filename;
	size_t	 len;
	int	 html, cut;

	type = type_string(mm->mm_content_type);
	if (type != NULL && is_report_type(type)) {
		w->m->is_report = 1;
		free(type);
		return;
	}
	html = type != NULL && strcmp(type, "text/html") == 0;
	filename = part_filename(mm);
	if (role == ROLE_BODY &&
	    (type == NULL || html || strcmp(type, "text/plain") == 0) &&
	    !disposition_is(mm, MAILMIME_DISPOSITION_TYPE_ATTACHMENT) &&
	    (filename == NULL ||
	    disposition_is(mm, MAILMIME_DISPOSITION_TYPE_INLINE))) {
		free(type);
		free(filename);
		text = part_text(mm, html, &len, &cut);
		add_text(w, text, len, html, cut);
		return;
	}
	add_attachment(w, mm, type, filename);
}

/* Whether a leaf of a multipart/alternative is of type want. */
static int
is_leaf_of_type(struct mailmime *mm, const char *want)
{
	char	*type;
	int	 yes;

	if (mm->mm_type != MAILMIME_SINGLE ||
	    disposition_is(mm, MAILMIME_DISPOSITION_TYPE_ATTACHMENT))
		return 0;
	type = type_string(mm->mm_content_type);
	yes = type != NULL && strcmp(type, want) == 0;
	free(type);
	return yes;
}

/*
 * multipart/alternative (RFC 2046 5.1.4): the first text/plain that says
 * something, else the last text/html, else the last nested multipart.
 * The other alternatives are the same text again and are not kept.
 */
static void
walk_alternative(struct walk *w, clist *parts, int depth)
{
	clistiter	*it;
	struct mailmime	*mm, *html = NULL, *multi = NULL;
	char		*text;
	size_t		 len;
	int		 cut;

	for (it = clist_begin(parts); it != NULL; it = clist_next(it)) {
		mm = clist_content(it);
		if (is_leaf_of_type(mm, "text/plain")) {
			text = part_text(mm, 0, &len, &cut);
			if (!is_blank_text(text)) {
				if (count_part(w, depth))
					add_text(w, text, len, 0, cut);
				else
					free(text);
				return;
			}
			free(text);
		} else if (is_leaf_of_type(mm, "text/html"))
			html = mm;
		else if (mm->mm_type == MAILMIME_MULTIPLE)
			multi = mm;
	}
	if (html != NULL && count_part(w, depth)) {
		text = part_text(html, 1, &len, &cut);
		add_text(w, text, len, 1, cut);
	} else if (html == NULL && multi != NULL)
		walk(w, multi, depth, ROLE_BODY);
}

/*
 * A multipart: alternative as above; related, report and signed have
 * their text in the first part and the rest are attachments (inline
 * images, the delivery status and returned letter, the signature); any
 * other (mixed, digest, unknown) has every part in the same role.
 */
static void
walk_multiple(struct walk *w, struct mailmime *mm, int depth, enum role role)
{
	clist		*parts = mm->mm_data.mm_multipart.mm_mp_list;
	clistiter	*it;
	const char	*sub;
	int		 first_only;

	sub = mm->mm_content_type != NULL &&
	    mm->mm_content_type->ct_subtype != NULL ?
	    mm->mm_content_type->ct_subtype : "mixed";
	if (strcasecmp(sub, "report") == 0)
		w->m->is_report = 1;
	if (parts == NULL)
		return;
	if (role == ROLE_BODY && strcasecmp(sub, "alternative") == 0) {
		walk_alternative(w, parts, depth + 1);
		return;
	}
	first_only = strcasecmp(sub, "related") == 0 ||
	    strcasecmp(sub, "report") == 0 || strcasecmp(sub, "signed") == 0;
	for (it = clist_begin(parts); it != NULL; it = clist_next(it)) {
		walk(w, clist_content(it), depth + 1, role);
		if (first_only)
			role = ROLE_ATTACH;
	}
}

static void
walk(struct walk *w, struct mailmime *mm, int depth, enum role role)
{
	if (!count_part(w, depth))
		return;
	switch (mm->mm_type) {
	case MAILMIME_SINGLE:
		walk_single(w, mm, role);
		break;
	case MAILMIME_MULTIPLE:
		walk_multiple(w, mm, depth, role);
		break;
	case MAILMIME_MESSAGE:
		/* A letter inside the letter: forwarded, or returned by a
		 * bounce.  Not the citizen's words now: an attachment. */
		add_attachment(w, mm, xstrdup("message/rfc822"),
		    part_filename(mm));
		break;
	}
}

/* Nothing MIME could read: the body as unlabelled text. */
static void
walk_unreadable(struct walk *w, const char *body, size_t len)
{
	struct mbuf	 t;
	char		*utf8, *text;
	size_t		 ulen, tlen;

	mbuf_init(&t, MAIL_MAX_BODY_BYTES);
	charset_append_utf8(&t, NULL, body,
	    len < TEXT_INPUT_MAX ? len : TEXT_INPUT_MAX);
	utf8 = mbuf_finish(&t, &ulen);
	mbuf_init(&t, MAIL_MAX_BODY_BYTES);
	add_lf_text(&t, utf8, ulen);
	free(utf8);
	text = mbuf_finish(&t, &tlen);
	add_text(w, text, tlen, 0, len > TEXT_INPUT_MAX);
}

/* The top header's MIME fields and the body, as one buffer for libetpan. */
static char *
libetpan_input(const char *content_type, const char *encoding,
    const char *disposition, const char *body, size_t len, size_t *len_r)
{
	static const char *const names[] = {
		"Content-Type", "Content-Transfer-Encoding",
		"Content-Disposition"
	};
	const char	*values[3];
	struct mbuf	 b;
	size_t		 i, n;

	values[0] = content_type;
	values[1] = encoding;
	values[2] = disposition;
	mbuf_init(&b, 3 * (MAIL_MAX_FIELD_BYTES + 64) + len);
	for (i = 0; i < 3; i++) {
		if (values[i] == NULL)
			continue;
		n = strlen(values[i]);
		mbuf_adds(&b, names[i]);
		mbuf_adds(&b, ": ");
		mbuf_add(&b, values[i], n < MAIL_MAX_FIELD_BYTES ? n :
		    MAIL_MAX_FIELD_BYTES);
		mbuf_adds(&b, "\r\n");
	}
	mbuf_adds(&b, "\r\n");
	mbuf_add(&b, body, len);
	return mbuf_finish(&b, len_r);
}

void
mime_extract(struct mail *m, const char *content_type, const char *encoding,
    const char *disposition, const char *body, size_t len)
{
	struct walk	 w;
	struct mailmime	*top = NULL;
	char		*buf;
	size_t		 blen, idx = 0;
	int		 cut;

	memset(&w, 0, sizeof(w));
	w.m = m;
	mbuf_init(&w.text, MAIL_MAX_BODY_BYTES);
	buf = libetpan_input(content_type, encoding, disposition, body, len,
	    &blen);
	blen = guard(buf, blen, &cut);
	if (cut)
		m->parts_ignored++;
	if (mailmime_parse(buf, blen, &idx, &top) == MAILIMF_NO_ERROR &&
	    top != NULL && top->mm_type == MAILMIME_MESSAGE &&
	    top->mm_data.mm_message.mm_msg_mime != NULL)
		walk(&w, top->mm_data.mm_message.mm_msg_mime, 0, ROLE_BODY);
	else
		walk_unreadable(&w, body, len);
	if (top != NULL)
		mailmime_free(top);
	free(buf);
	m->body = mbuf_finish(&w.text, NULL);
}
