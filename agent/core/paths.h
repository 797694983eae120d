/*
 * Where hotline finds its data (articles, category files, taxonomy) and
 * keeps its state database: installed, or run straight from the build tree.
 */
#ifndef AGENT_PATHS_H
#define AGENT_PATHS_H

/*
 * The data directory: the configured one, else $HOTLINE_DATA, else the
 * source tree when this binary runs from its build tree, else the installed
 * one.  Returns an allocated path.
 */
char	*paths_data_dir(const char *configured);

/*
 * The state database: the configured one, else $HOTLINE_STATE, else
 * var/hotline.db in the build tree when run from it, else the installed
 * state directory.  Creates the parent directory when missing.  Returns an
 * allocated path.
 */
char	*paths_state_db(const char *configured);

/*
 * The second opinions' weights cache (intents/modelcache.h) of the state
 * database state_db: models.cache in its directory; NULL for an in-memory
 * database.  Returns an allocated path or NULL.
 */
char	*paths_model_cache(const char *state_db);

/* The default configuration file, or NULL when none exists. */
const char *paths_config_file(void);

#endif
