/*
 * Request numbers: formatting and the strict parser.  No clock, no
 * database: the sequence comes from agent/core/request.c's counter and
 * the year from its Moscow calendar.
 */
#include "lib/reqnum.h"

#include <inttypes.h>
#include <stdio.h>

int
reqnum_format(int year, int64_t seq, char *buf, size_t bufsz)
{
	int	n;

	if (bufsz > 0)
		buf[0] = '\0';
	if (year < REQNUM_YEAR_MIN || year > REQNUM_YEAR_MAX ||
	    seq < 1 || seq > REQNUM_SEQ_MAX)
		return -1;
	n = snprintf(buf, bufsz, "%04d-%06" PRId64, year, seq);
	if (n < 0 || (size_t)n >= bufsz) {
		if (bufsz > 0)
			buf[0] = '\0';
		return -1;
	}
	return 0;
}

int
reqnum_seq_digits_ok(size_t ndigits)
{
	return ndigits >= REQNUM_SEQ_DIGITS_MIN &&
	    ndigits <= REQNUM_SEQ_DIGITS_MAX;
}

int
reqnum_parse(const char *s, size_t len, int *year_r, int64_t *seq_r)
{
	int64_t	seq = 0;
	size_t	i, ndigits;
	int	year = 0;

	if (len < 5 || !reqnum_seq_digits_ok(len - 5))
		return -1;
	for (i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		year = year * 10 + (s[i] - '0');
	}
	if (s[4] != '-')
		return -1;
	ndigits = len - 5;
	/* Only the canonical form: no zero padding beyond six digits. */
	if (ndigits > REQNUM_SEQ_DIGITS_MIN && s[5] == '0')
		return -1;
	/* Eighteen digits fit an int64_t: no overflow below. */
	for (i = 5; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		seq = seq * 10 + (s[i] - '0');
	}
	if (year < REQNUM_YEAR_MIN || year > REQNUM_YEAR_MAX ||
	    seq < 1 || seq > REQNUM_SEQ_MAX)
		return -1;
	*year_r = year;
	*seq_r = seq;
	return 0;
}
