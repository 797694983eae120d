/*
 * Directory listing and whole-file reads for editors' content.  Caps on
 * the number of files, the depth and each file's size keep a mistaken copy
 * of a huge tree from taking the agent down.
 */
#include "lib/files.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/limits.h"
#include "lib/xmalloc.h"

#define FILES_MAX_DEPTH	2

struct list {
	char	**paths;
	size_t	  n;
	size_t	  cap;
};

static int
has_suffix(const char *name, const char *suffix)
{
	size_t	nl = strlen(name), sl = strlen(suffix);

	return nl > sl && strcmp(name + nl - sl, suffix) == 0;
}

static int
walk(const char *dir, const char *suffix, int depth, struct list *l,
    char **errstr_r)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		*path;
	int		 rc = 0;

	if ((d = opendir(dir)) == NULL) {
		*errstr_r = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (stat(path, &sb) == -1) {
			free(path);
			continue;
		}
		if (S_ISDIR(sb.st_mode) && depth < FILES_MAX_DEPTH) {
			rc = walk(path, suffix, depth + 1, l, errstr_r);
			free(path);
		} else if (S_ISREG(sb.st_mode) &&
		    has_suffix(de->d_name, suffix)) {
			if (l->n >= LIMIT_EDITOR_FILES) {
				*errstr_r = xasprintf("%s: more than %d files",
				    dir, LIMIT_EDITOR_FILES);
				free(path);
				rc = -1;
				break;
			}
			if (l->n == l->cap) {
				l->cap = l->cap ? l->cap * 2 : 32;
				l->paths = xreallocarray(l->paths, l->cap,
				    sizeof(*l->paths));
			}
			l->paths[l->n++] = path;
		} else
			free(path);
	}
	closedir(d);
	return rc;
}

static int
cmp_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
files_list(const char *dir, const char *suffix, char ***paths_r,
    size_t *n_r, char **errstr_r)
{
	struct list	l = { NULL, 0, 0 };

	if (walk(dir, suffix, 0, &l, errstr_r) == -1) {
		files_list_free(l.paths, l.n);
		return -1;
	}
	if (l.n > 1)
		qsort(l.paths, l.n, sizeof(*l.paths), cmp_paths);
	*paths_r = l.paths;
	*n_r = l.n;
	return 0;
}

void
files_list_free(char **paths, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

int
files_read(const char *path, size_t max, char **buf_r, size_t *len_r,
    char **errstr_r)
{
	FILE	*fp;
	char	*buf;
	size_t	 len;

	if ((fp = fopen(path, "rb")) == NULL) {
		*errstr_r = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	buf = xmalloc(max + 2);
	len = fread(buf, 1, max + 1, fp);
	if (ferror(fp)) {
		*errstr_r = xasprintf("%s: read error", path);
		goto fail;
	}
	if (len > max) {
		*errstr_r = xasprintf("%s: larger than %zu bytes", path, max);
		goto fail;
	}
	fclose(fp);
	buf[len] = '\0';
	*buf_r = buf;
	*len_r = len;
	return 0;
fail:
	fclose(fp);
	free(buf);
	return -1;
}
