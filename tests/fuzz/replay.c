/*
 * Corpus replay: links a libFuzzer harness without libFuzzer and feeds it
 * every file named on the command line (or found in the directories
 * named), as SQLite's fuzzcheck does, so `make check` proves that no input
 * ever found by fuzzing crashes the code again.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/files.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define REPLAY_MAX	(4 * 1024 * 1024)

static int
replay_file(const char *path)
{
	char	*buf, *err;
	size_t	 len;

	if (files_read(path, REPLAY_MAX, &buf, &len, &err) == -1) {
		fprintf(stderr, "replay: %s\n", err);
		free(err);
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	struct stat	 sb;
	char		**paths, *err;
	size_t		 n, i, total = 0;
	int		 k, rc = 0;

	for (k = 1; k < argc; k++) {
		if (stat(argv[k], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if (files_list(argv[k], "", &paths, &n, &err) == -1) {
				fprintf(stderr, "replay: %s\n", err);
				free(err);
				return 1;
			}
			for (i = 0; i < n; i++, total++)
				if (replay_file(paths[i]) == -1)
					rc = 1;
			files_list_free(paths, n);
		} else if (replay_file(argv[k]) == -1)
			rc = 1;
		else
			total++;
	}
	printf("replayed %zu input(s)\n", total);
	return total == 0 ? 1 : rc;
}
