/*
 * Reading editors' files: listing a directory tree by suffix in a stable
 * order, and reading a whole file with a size cap.
 */
#ifndef LIB_FILES_H
#define LIB_FILES_H

#include <stddef.h>

/*
 * Lists the regular files under dir (two levels of subdirectories at most)
 * whose names end in suffix, sorted by path.  Hidden files are skipped.
 * Returns 0 with a new array *paths_r of *n_r allocated paths (free with
 * files_list_free), or -1 with an allocated *errstr_r.
 */
int	files_list(const char *dir, const char *suffix, char ***paths_r,
	    size_t *n_r, char **errstr_r);
void	files_list_free(char **paths, size_t n);

/*
 * Reads the file at path, refusing one larger than max bytes.  Returns 0
 * with an allocated, NUL-terminated *buf_r of *len_r bytes, or -1 with an
 * allocated *errstr_r.
 */
int	files_read(const char *path, size_t max, char **buf_r, size_t *len_r,
	    char **errstr_r);

#endif
