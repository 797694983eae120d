/*
 * HTML to text.  libxml2 builds the tree (recovering from any markup, no
 * network, no error output); the walk over it is iterative, so a letter
 * nested ten thousand <div>s deep costs no stack.  Block elements end a
 * line, paragraphs leave a blank line, <li> starts "- ", cells are
 * separated by a space, and text inside <blockquote> gets "> " per level.
 */
#include "mailbox/html2text.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "lib/xmalloc.h"
#include "mailbox/mbuf.h"

enum tag_kind {
	TAG_INLINE,	/* text flows through */
	TAG_SKIP,	/* dropped with everything inside */
	TAG_BREAK,	/* <br>: one line break */
	TAG_BLOCK,	/* ends a line before and after */
	TAG_PARA,	/* leaves a blank line before and after */
	TAG_ITEM,	/* a list item: "- " */
	TAG_CELL,	/* a table cell: a space apart */
	TAG_QUOTE,	/* quoted text: "> " */
	TAG_PRE		/* white space kept */
};

static const struct {
	const char	*name;
	enum tag_kind	 kind;
} tags[] = {
	{ "script", TAG_SKIP }, { "style", TAG_SKIP }, { "head", TAG_SKIP },
	{ "title", TAG_SKIP }, { "noscript", TAG_SKIP },
	{ "template", TAG_SKIP }, { "object", TAG_SKIP },
	{ "svg", TAG_SKIP }, { "xml", TAG_SKIP },
	{ "br", TAG_BREAK },
	{ "div", TAG_BLOCK }, { "tr", TAG_BLOCK }, { "hr", TAG_BLOCK },
	{ "dt", TAG_BLOCK }, { "dd", TAG_BLOCK }, { "center", TAG_BLOCK },
	{ "section", TAG_BLOCK }, { "article", TAG_BLOCK },
	{ "header", TAG_BLOCK }, { "footer", TAG_BLOCK },
	{ "address", TAG_BLOCK }, { "form", TAG_BLOCK },
	{ "fieldset", TAG_BLOCK }, { "nav", TAG_BLOCK },
	{ "aside", TAG_BLOCK }, { "main", TAG_BLOCK },
	{ "figure", TAG_BLOCK }, { "figcaption", TAG_BLOCK },
	{ "caption", TAG_BLOCK }, { "tbody", TAG_BLOCK },
	{ "thead", TAG_BLOCK }, { "tfoot", TAG_BLOCK },
	{ "p", TAG_PARA }, { "h1", TAG_PARA }, { "h2", TAG_PARA },
	{ "h3", TAG_PARA }, { "h4", TAG_PARA }, { "h5", TAG_PARA },
	{ "h6", TAG_PARA }, { "ul", TAG_PARA }, { "ol", TAG_PARA },
	{ "dl", TAG_PARA }, { "table", TAG_PARA },
	{ "li", TAG_ITEM },
	{ "td", TAG_CELL }, { "th", TAG_CELL },
	{ "blockquote", TAG_QUOTE },
	{ "pre", TAG_PRE }, { "textarea", TAG_PRE }, { "listing", TAG_PRE },
};

struct out {
	struct mbuf	b;
	int		quote;		/* blockquote depth */
	int		pre;		/* inside <pre> */
	int		newlines;	/* line breaks owed */
	int		space;		/* a space owed */
	int		line_start;	/* nothing on the current line yet */
};

static enum tag_kind
kind_of(const xmlChar *name)
{
	size_t	i;

	if (name == NULL)
		return TAG_INLINE;
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strcasecmp((const char *)name, tags[i].name) == 0)
			return tags[i].kind;
	return TAG_INLINE;
}

static void
owe_newlines(struct out *o, int n)
{
	if (o->newlines < n)
		o->newlines = n;
	o->space = 0;
}

/* Pays owed line breaks and spaces, and the quote marks of a new line. */
static void
settle(struct out *o)
{
	int	i;

	if (o->newlines > 0 && o->b.len > 0) {
		for (i = 0; i < o->newlines && i < 2; i++)
			mbuf_addc(&o->b, '\n');
		o->line_start = 1;
	}
	o->newlines = 0;
	if (o->line_start) {
		for (i = 0; i < o->quote && i < 16; i++)
			mbuf_adds(&o->b, "> ");
		o->line_start = 0;
		o->space = 0;
	} else if (o->space) {
		mbuf_addc(&o->b, ' ');
		o->space = 0;
	}
}

static void
text(struct out *o, const char *s)
{
	size_t	i, start;

	for (i = 0; s[i] != '\0' && !o->b.full; ) {
		if (o->pre && s[i] == '\n') {
			owe_newlines(o, 1);
			i++;
			continue;
		}
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
		    s[i] == '\r' || s[i] == '\f') {
			if (o->pre) {
				settle(o);
				mbuf_addc(&o->b, s[i] == '\t' ? '\t' : ' ');
			} else
				o->space = 1;
			i++;
			continue;
		}
		if ((unsigned char)s[i] == 0xC2 &&
		    (unsigned char)s[i + 1] == 0xA0) {	/* &nbsp; */
			o->space = 1;
			i += 2;
			continue;
		}
		settle(o);
		start = i;
		while (s[i] != '\0' && s[i] != ' ' && s[i] != '\t' &&
		    s[i] != '\n' && s[i] != '\r' && s[i] != '\f' &&
		    !((unsigned char)s[i] == 0xC2 &&
		    (unsigned char)s[i + 1] == 0xA0))
			i++;
		mbuf_add(&o->b, s + start, i - start);
	}
}

static void
enter(struct out *o, enum tag_kind k)
{
	switch (k) {
	case TAG_BREAK:
		if (o->newlines > 0 || o->line_start)
			o->newlines++;
		else
			owe_newlines(o, 1);
		break;
	case TAG_BLOCK:
	case TAG_ITEM:
		owe_newlines(o, 1);
		break;
	case TAG_PARA:
	case TAG_PRE:
		owe_newlines(o, 2);
		o->pre += k == TAG_PRE;
		break;
	case TAG_QUOTE:
		owe_newlines(o, 1);
		o->quote++;
		break;
	case TAG_CELL:
		if (!o->line_start && o->b.len > 0)
			o->space = 1;
		break;
	default:
		break;
	}
	if (k == TAG_ITEM) {
		settle(o);
		mbuf_adds(&o->b, "- ");
	}
}

static void
leave(struct out *o, enum tag_kind k)
{
	switch (k) {
	case TAG_BLOCK:
	case TAG_ITEM:
		owe_newlines(o, 1);
		break;
	case TAG_PARA:
	case TAG_PRE:
		owe_newlines(o, 2);
		if (k == TAG_PRE && o->pre > 0)
			o->pre--;
		break;
	case TAG_QUOTE:
		owe_newlines(o, 1);
		if (o->quote > 0)
			o->quote--;
		break;
	default:
		break;
	}
}

/* Depth-first over the tree below root, without recursion. */
static void
walk(struct out *o, xmlNode *root)
{
	xmlNode		*n = root->children;
	enum tag_kind	 k;

	while (n != NULL && !o->b.full) {
		k = n->type == XML_ELEMENT_NODE ? kind_of(n->name) :
		    TAG_INLINE;
		if (n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) {
			if (n->content != NULL)
				text(o, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE && k != TAG_SKIP) {
			enter(o, k);
			if (n->children != NULL) {
				n = n->children;
				continue;
			}
			leave(o, k);
		}
		/* Up until there is a next sibling, leaving elements. */
		while (n->next == NULL) {
			n = n->parent;
			if (n == NULL || n == root)
				return;
			if (n->type == XML_ELEMENT_NODE)
				leave(o, kind_of(n->name));
		}
		n = n->next;
	}
}

char *
html2text_convert(const char *html, size_t len, size_t maxout, int *cut_r)
{
	struct out	 o;
	htmlDocPtr	 doc;
	char		*s;
	size_t		 n;

	memset(&o, 0, sizeof(o));
	mbuf_init(&o.b, maxout);
	o.line_start = 1;
	if (len > INT_MAX)
		len = INT_MAX;
	if (len > 0) {
		xmlInitParser();
		doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
		    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
		    HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
		    HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT);
		if (doc != NULL) {
			walk(&o, (xmlNode *)doc);
			xmlFreeDoc(doc);
		}
	}
	if (cut_r != NULL)
		*cut_r = o.b.full;
	s = mbuf_finish(&o.b, &n);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}
