/*
 * Personal data out of log lines: a citizen's text made safe to log, with
 * the numbers and addresses that identify a person masked and the bytes
 * that could forge or garble a log line escaped.
 */
#ifndef LIB_PII_H
#define LIB_PII_H

#include <stddef.h>

/*
 * Returns a newly allocated, NUL-terminated copy of text[0..len) (any
 * bytes; text may be NULL when len is 0) for a log line; the caller frees
 * it.  Every group of six or more digits (ИНН, СНИЛС, passport, phone,
 * also when split by blanks, '-', '(', ')', '.', '/' or control bytes) has
 * all digits but its last two replaced by '*'; request numbers such as
 * 2026-000123 are kept.  The local part of an e-mail address becomes its
 * first character and "***" (a***@example.net).  Control bytes, DEL, '\',
 * invalid UTF-8, C1 controls, line separators and bidirectional controls
 * are written as \xNN per byte.
 */
char	*pii_mask(const char *text, size_t len);

#endif
