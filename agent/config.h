/*
 * The configuration: a flat "key value" file with a typed table of
 * settings (name, type, bounds, default).  Parsed and checked whole; a bad
 * file changes nothing.  Without a file, the embedded defaults run the
 * agent.
 */
#ifndef AGENT_CONFIG_H
#define AGENT_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "intents/classifier.h"

struct config {
	char				*data_dir;	/* kb/, intents/ */
	char				*state_db;	/* SQLite state */
	struct classifier_config	 classifier;
};

/* Fills cfg with the embedded defaults (paths NULL: decided by paths.c). */
void	config_defaults(struct config *cfg);

/*
 * Parses name's contents buf[0..len) over the values already in cfg.
 * Returns 0, or -1 with an allocated "name:line: reason" in *errstr_r (cfg
 * is then unchanged).
 */
int	config_parse(const char *name, const char *buf, size_t len,
	    struct config *cfg, char **errstr_r);

/* Reads and parses the file at path.  Same returns as config_parse. */
int	config_load(const char *path, struct config *cfg, char **errstr_r);

/* Frees the strings of cfg. */
void	config_clear(struct config *cfg);

/* Writes every setting with its value, as a valid configuration file. */
void	config_print(const struct config *cfg, FILE *fp);

#endif
