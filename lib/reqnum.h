/*
 * The request number's format, written once: the year in Moscow time
 * (four digits), a dash, and a sequence number of at least six digits,
 * zero-padded to six and never beyond: 2026-000123, 2026-1234567.  The
 * agent formats and parses its numbers here; the mail subject reader
 * (mailbox/thread.c), the log masker (lib/pii.c) and the entity finder
 * read numbers people typed with the same bounds.
 */
#ifndef LIB_REQNUM_H
#define LIB_REQNUM_H

#include <stddef.h>
#include <stdint.h>

/* Digits of the sequence: six at least (zero-padded), eighteen at most
 * (what an int64_t holds in full). */
#define REQNUM_SEQ_DIGITS_MIN	6
#define REQNUM_SEQ_DIGITS_MAX	18
/* Bytes of a formatted number with its NUL: "YYYY-" + 18 digits + 1. */
#define REQNUM_SIZE		(5 + REQNUM_SEQ_DIGITS_MAX + 1)
/* The largest sequence number: eighteen nines. */
#define REQNUM_SEQ_MAX		INT64_C(999999999999999999)
/* Years a number can carry: four digits, not before the Unix epoch. */
#define REQNUM_YEAR_MIN		1970
#define REQNUM_YEAR_MAX		9999

/*
 * Writes the number of year and seq into buf[0..bufsz).  Returns 0, or -1
 * (buf then "") when either is out of range or buf too small.
 */
int	reqnum_format(int year, int64_t seq, char *buf, size_t bufsz);

/*
 * Parses s[0..len) as a number in its one canonical form (no blanks, no
 * padding beyond six digits).  A pure function of its bytes.  Returns 0
 * with *year_r and *seq_r, or -1.
 */
int	reqnum_parse(const char *s, size_t len, int *year_r, int64_t *seq_r);

/* Whether ndigits digits can be a sequence as people write it. */
int	reqnum_seq_digits_ok(size_t ndigits);

#endif
