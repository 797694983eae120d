/*
 * Static files (see www.h): the pages by path, the rest by their name,
 * content types by suffix.
 */
#include "agent/web/www.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "agent/web/http.h"
#include "agent/web/limits.h"


/* Content types of www/ by suffix. */
static const struct {
	const char	*suffix;
	const char	*type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".webmanifest", "application/manifest+json" },
};

/* Pages of www/ by path. */
static const struct {
	const char	*path;
	const char	*file;
} pages[] = {
	{ "/", "index.html" },
	{ "/operator", "operator.html" },
	{ "/operator/", "operator.html" },
	{ "/operator/dashboard", "dashboard.html" },
};

static const char *
content_type(const char *path)
{
	size_t	i, plen = strlen(path), slen;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		slen = strlen(types[i].suffix);
		if (plen > slen && strcmp(path + plen - slen,
		    types[i].suffix) == 0)
			return types[i].type;
	}
	return "application/octet-stream";
}

/* Whether path names a file under www/: no "..", no hidden names. */
static int
safe_path(const char *path)
{
	size_t	i;

	if (path[0] != '/' || strlen(path) > LIMIT_STATIC_PATH_BYTES)
		return 0;
	for (i = 0; path[i] != '\0'; i++) {
		if (path[i] == '/' && path[i + 1] == '.')
			return 0;
		if (!((path[i] >= 'a' && path[i] <= 'z') ||
		    (path[i] >= 'A' && path[i] <= 'Z') ||
		    (path[i] >= '0' && path[i] <= '9') || path[i] == '/' ||
		    path[i] == '.' || path[i] == '-' || path[i] == '_'))
			return 0;
	}
	return 1;
}

/*
 * Opens file (a safe_path without its leading '/') under dir, one
 * component at a time, following no symbolic link.  Returns the
 * descriptor, or -1.
 */
static int
open_beneath(const char *dir, const char *file)
{
	char	 name[LIMIT_STATIC_PATH_BYTES + 1];
	size_t	 len;
	int	 dfd, fd;

	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	for (;;) {
		while (*file == '/')
			file++;
		len = strcspn(file, "/");
		if (len == 0 || len >= sizeof(name))
			break;
		memcpy(name, file, len);
		name[len] = '\0';
		file += len;
		if (*file == '\0') {
			fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW |
			    O_NONBLOCK | O_CLOEXEC);
			close(dfd);
			return fd;
		}
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		close(dfd);
		if ((dfd = fd) == -1)
			return -1;
	}
	close(dfd);
	return -1;
}

struct MHD_Response *
www_response(const char *dir, const char *method, const char *path)
{
	struct MHD_Response	*resp;
	struct stat		 sb;
	const char		*file = NULL;
	size_t			 i;
	int			 fd;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return NULL;
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (strcmp(pages[i].path, path) == 0)
			file = pages[i].file;
	if (file == NULL) {
		if (!safe_path(path) || path[strlen(path) - 1] == '/')
			return NULL;
		file = path + 1;
	}
	if ((fd = open_beneath(dir, file)) == -1)
		return NULL;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > LIMIT_STATIC_FILE_BYTES) {
		close(fd);
		return NULL;
	}
	resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
	MHD_add_response_header(resp, "Content-Type", content_type(file));
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	http_secure(resp);
	return resp;
}
