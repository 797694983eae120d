/*
 * Capped line reading: getline() would grow its buffer to whatever a line
 * holds; this keeps at most max bytes and drains the rest.
 */
#include "lib/lineio.h"

#include <stdlib.h>

#include "lib/xmalloc.h"

struct lineio {
	FILE	*fp;
	char	*buf;
	size_t	 max;
};

struct lineio *
lineio_new(FILE *fp, size_t max)
{
	struct lineio	*l;

	l = xcalloc(1, sizeof(*l));
	l->fp = fp;
	l->max = max;
	l->buf = xmalloc(max + 1);
	return l;
}

void
lineio_free(struct lineio **lp)
{
	if (*lp == NULL)
		return;
	free((*lp)->buf);
	free(*lp);
	*lp = NULL;
}

int
lineio_next(struct lineio *l, const char **line_r, size_t *len_r,
    int *toolong_r)
{
	size_t	 n = 0;
	int	 c, any = 0;

	*toolong_r = 0;
	while ((c = getc(l->fp)) != EOF) {
		any = 1;
		if (c == '\n')
			break;
		if (n < l->max)
			l->buf[n++] = (char)c;
		else
			*toolong_r = 1;
	}
	if (!any)
		return 0;
	if (*toolong_r)
		n = 0;
	if (n > 0 && l->buf[n - 1] == '\r')
		n--;
	l->buf[n] = '\0';
	*line_r = l->buf;
	*len_r = n;
	return 1;
}
