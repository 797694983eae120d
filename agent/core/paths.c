/*
 * Path resolution.  A binary that runs from its own build tree (make,
 * make check, the quick start) uses the source tree's data and a state
 * database under the build tree; an installed one uses the standard paths.
 * The build tree is recognised by the executable's own directory, not by
 * the current directory, so running it from anywhere behaves the same.
 */
#include "agent/core/paths.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/xmalloc.h"

#ifndef HOTLINE_SRCDIR
#define HOTLINE_SRCDIR		"."
#endif
#ifndef HOTLINE_BUILDDIR
#define HOTLINE_BUILDDIR	"."
#endif
#ifndef HOTLINE_PKGDATADIR
#define HOTLINE_PKGDATADIR	"/usr/local/share/hotline"
#endif
#ifndef HOTLINE_STATEDIR
#define HOTLINE_STATEDIR	"/usr/local/var/lib/hotline"
#endif
#ifndef HOTLINE_SYSCONFDIR
#define HOTLINE_SYSCONFDIR	"/usr/local/etc"
#endif

static int
running_uninstalled(void)
{
	char	 exe[PATH_MAX], built[PATH_MAX], *slash;
	ssize_t	 n;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return 0;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		*slash = '\0';
	if (realpath(HOTLINE_BUILDDIR, built) == NULL)
		return 0;
	/* The binary itself, or a test or benchmark below it. */
	n = (ssize_t)strlen(built);
	return strncmp(exe, built, (size_t)n) == 0 &&
	    (exe[n] == '\0' || exe[n] == '/');
}

char *
paths_data_dir(const char *configured)
{
	const char	*env;

	if (configured != NULL)
		return xstrdup(configured);
	if ((env = getenv("HOTLINE_DATA")) != NULL && *env != '\0')
		return xstrdup(env);
	if (running_uninstalled())
		return xstrdup(HOTLINE_SRCDIR);
	return xstrdup(HOTLINE_PKGDATADIR);
}

static void
make_parent(const char *path)
{
	char	*dir, *slash;

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) == -1 && errno == ENOENT) {
			make_parent(dir);
			mkdir(dir, 0750);
		}
	}
	free(dir);
}

char *
paths_state_db(const char *configured)
{
	const char	*env;
	char		*path;

	if (configured != NULL)
		path = xstrdup(configured);
	else if ((env = getenv("HOTLINE_STATE")) != NULL && *env != '\0')
		path = xstrdup(env);
	else if (running_uninstalled())
		path = xstrdup(HOTLINE_BUILDDIR "/var/hotline.db");
	else
		path = xstrdup(HOTLINE_STATEDIR "/hotline.db");
	make_parent(path);
	return path;
}

char *
paths_model_cache(const char *state_db)
{
	const char	*slash;

	if (strcmp(state_db, ":memory:") == 0)
		return NULL;
	if ((slash = strrchr(state_db, '/')) == NULL)
		return xstrdup("models.cache");
	return xasprintf("%.*s/models.cache", (int)(slash - state_db),
	    state_db);
}

const char *
paths_config_file(void)
{
	static const char	*path = HOTLINE_SYSCONFDIR "/hotline.conf";
	const char		*env;

	if ((env = getenv("HOTLINE_CONFIG")) != NULL && *env != '\0')
		return env;
	if (!running_uninstalled() && access(path, R_OK) == 0)
		return path;
	return NULL;
}
