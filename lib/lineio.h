/*
 * Reading lines of untrusted input with a hard cap on their length.
 */
#ifndef LIB_LINEIO_H
#define LIB_LINEIO_H

#include <stdio.h>

struct lineio;

/* A reader of fp whose lines may hold at most max bytes. */
struct lineio	*lineio_new(FILE *fp, size_t max);
void		 lineio_free(struct lineio **);

/*
 * Reads the next line.  Returns 1 with *line_r (borrowed until the next
 * call; NUL-terminated, without its newline, may hold NULs) and *len_r;
 * 0 at the end of input.  A line longer than max is skipped to its end and
 * reported with *toolong_r = 1 and an empty line.
 */
int		 lineio_next(struct lineio *, const char **line_r,
		    size_t *len_r, int *toolong_r);

#endif
