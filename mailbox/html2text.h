/*
 * HTML mail turned into the plain text a citizen would have typed, with
 * libxml2's forgiving HTML parser: paragraphs and line breaks kept,
 * scripts, styles and markup dropped, entities decoded, white space
 * collapsed, and quoted blocks marked with "> " as a mailer quotes plain
 * text, so that quote stripping treats both kinds of letter alike.
 */
#ifndef MAILBOX_HTML2TEXT_H
#define MAILBOX_HTML2TEXT_H

#include <stddef.h>

/*
 * Converts the UTF-8 HTML html[0..len) to text with "\n" line ends, at
 * most maxout bytes (*cut_r set when cut; cut_r may be NULL).  Returns a
 * new string the caller frees; "" when nothing readable is left.  Never
 * touches the network.
 */
char	*html2text_convert(const char *html, size_t len, size_t maxout,
	    int *cut_r);

#endif
