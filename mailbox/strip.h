/*
 * What the citizen wrote now, out of a letter's text: the earlier letter a
 * reply quotes (">" lines and the attribution line above them, Outlook's
 * and Gmail's separators and header blocks, forwarded letters) and the
 * signature after "-- " are cut, so that the classifier reads the new
 * question rather than our own previous answer.
 */
#ifndef MAILBOX_STRIP_H
#define MAILBOX_STRIP_H

#include <stddef.h>

/*
 * Returns the new text of body[0..len) (UTF-8, "\n" or "\r\n" line ends):
 * the lines before the first that starts a quoted or forwarded earlier
 * letter or a signature, without blank lines before it or blank, rule and
 * mobile-footer lines after it, with "\n" line ends.  When the reply is
 * written below the quote, the unquoted lines are kept instead.  A new
 * string the caller frees; "" when nothing new is left.
 */
char	*strip_new_text(const char *body, size_t len);

/*
 * The signature of what the citizen wrote now: the lines after a "-- "
 * that ends the new text, up to a quoted or forwarded earlier letter
 * (where our own signature and phone would be), with "\n" line ends.  A
 * new string the caller frees; "" when the new text has no signature.
 */
char	*strip_signature(const char *body, size_t len);

#endif
