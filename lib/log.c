/*
 * The log.  A citizen's words can reach a log line only through here, and
 * here they are masked, so a log file handed to a contractor holds no
 * ИНН or phone number.
 */
#include "lib/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/pii.h"

static enum log_level	level = LOG_WARN;

static const char *const names[] = { "error", "warn", "info", "debug" };

void
log_init(void)
{
	const char	*env = getenv("HOTLINE_LOG");
	int		 i;

	if (env == NULL)
		return;
	for (i = LOG_ERROR; i <= LOG_DEBUG; i++)
		if (strcmp(env, names[i]) == 0)
			level = (enum log_level)i;
}

void
log_set_level(enum log_level l)
{
	level = l;
}

void
log_msg(enum log_level l, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[2048], *masked, when[32];
	int	 n;
	time_t	 now;
	struct tm tm;

	if (l > level)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	masked = pii_mask(buf, (size_t)n);
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s hotline %s: %s\n", when, names[l], masked);
	free(masked);
}
