/*
 * Settings as a table, so that parsing, bounds checking, defaults and the
 * printed reference all come from one place (as tmux's options-table.c
 * and Redis's config.c do).
 */
#include "agent/config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/files.h"
#include "lib/xmalloc.h"

#define CONFIG_FILE_MAX	(64 * 1024)

enum setting_type {
	SETTING_PATH,
	SETTING_NUMBER
};

struct setting {
	const char		*name;
	enum setting_type	 type;
	double			 min;
	double			 max;
	size_t			 offset;
	const char		*help;
};

#define CC(f)	(offsetof(struct config, classifier) + \
	offsetof(struct classifier_config, f))

static const struct setting settings[] = {
	{ "data_dir", SETTING_PATH, 0, 0, offsetof(struct config, data_dir),
	  "directory holding kb/articles, intents/defs, intents/taxonomy.json" },
	{ "state_db", SETTING_PATH, 0, 0, offsetof(struct config, state_db),
	  "the SQLite state database (knowledge base, requests)" },
	{ "answer_min", SETTING_NUMBER, 0, 1, CC(answer_min),
	  "confidence needed to answer from the knowledge base" },
	{ "margin_min", SETTING_NUMBER, 0, 1, CC(margin_min),
	  "lead over the runner-up needed to answer" },
	{ "clarify_min", SETTING_NUMBER, 0, 1, CC(clarify_min),
	  "confidence of the best two together needed to ask which" },
	{ "decline_min", SETTING_NUMBER, 0, 1, CC(decline_min),
	  "out-of-scope confidence needed to decline" },
	{ "person_min", SETTING_NUMBER, 1, 100, CC(person_min),
	  "rule weight of an explicit request for a person" },
	{ "temperature", SETTING_NUMBER, 0.01, 10, CC(temperature),
	  "softness of confidences (smaller is sharper)" },
	{ "weak_yield", SETTING_NUMBER, 0, 100, CC(weak_yield),
	  "another category's score at which greetings and thanks give way" },
	{ "weight_rule", SETTING_NUMBER, 0, 10, CC(w_rule),
	  "weight of a category's rules" },
	{ "weight_example", SETTING_NUMBER, 0, 10, CC(w_example),
	  "weight of the closest example" },
	{ "weight_example2", SETTING_NUMBER, 0, 10, CC(w_example2),
	  "weight of the second closest example" },
	{ "weight_article", SETTING_NUMBER, 0, 10, CC(w_article),
	  "weight of the closest article" },
};

#define NSETTINGS	(sizeof(settings) / sizeof(settings[0]))

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	classifier_config_defaults(&cfg->classifier);
}

void
config_clear(struct config *cfg)
{
	free(cfg->data_dir);
	free(cfg->state_db);
	cfg->data_dir = cfg->state_db = NULL;
}

static int
parse_number(const char *s, size_t len, double *v)
{
	char	 buf[64], *end;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*v = strtod(buf, &end);
	if (errno != 0 || *end != '\0' || !isfinite(*v))
		return -1;
	return 0;
}

static void
copy_config(struct config *dst, const struct config *src)
{
	*dst = *src;
	dst->data_dir = src->data_dir ? xstrdup(src->data_dir) : NULL;
	dst->state_db = src->state_db ? xstrdup(src->state_db) : NULL;
}

int
config_parse(const char *name, const char *buf, size_t len,
    struct config *cfg, char **errstr_r)
{
	struct config		 new;
	const struct setting	*s;
	const char		*line, *nl, *k, *v;
	size_t			 pos = 0, llen, klen, vlen, lineno = 0, i;
	double			 d;
	char			**slot;

	copy_config(&new, cfg);
	while (pos < len) {
		lineno++;
		line = buf + pos;
		nl = memchr(line, '\n', len - pos);
		llen = nl != NULL ? (size_t)(nl - line) : len - pos;
		pos += llen + 1;
		while (llen > 0 && (line[llen - 1] == '\r' ||
		    line[llen - 1] == ' ' || line[llen - 1] == '\t'))
			llen--;
		while (llen > 0 && (*line == ' ' || *line == '\t')) {
			line++;
			llen--;
		}
		if (llen == 0 || *line == '#')
			continue;
		k = line;
		for (klen = 0; klen < llen && line[klen] != ' ' &&
		    line[klen] != '\t' && line[klen] != '='; klen++)
			;
		v = line + klen;
		vlen = llen - klen;
		while (vlen > 0 && (*v == ' ' || *v == '\t' || *v == '=')) {
			v++;
			vlen--;
		}
		for (i = 0; i < NSETTINGS; i++)
			if (strlen(settings[i].name) == klen &&
			    memcmp(settings[i].name, k, klen) == 0)
				break;
		if (i == NSETTINGS) {
			*errstr_r = xasprintf("%s:%zu: unknown setting "
			    "\"%.*s\"", name, lineno, (int)(klen > 40 ? 40 :
			    klen), k);
			goto fail;
		}
		s = &settings[i];
		if (s->type == SETTING_PATH) {
			if (vlen == 0 || vlen > 4096 ||
			    memchr(v, '\0', vlen) != NULL) {
				*errstr_r = xasprintf("%s:%zu: %s: a path",
				    name, lineno, s->name);
				goto fail;
			}
			slot = (char **)((char *)&new + s->offset);
			free(*slot);
			*slot = xstrndup(v, vlen);
		} else {
			if (parse_number(v, vlen, &d) == -1 || d < s->min ||
			    d > s->max) {
				*errstr_r = xasprintf("%s:%zu: %s: a number "
				    "from %g to %g", name, lineno, s->name,
				    s->min, s->max);
				goto fail;
			}
			*(double *)((char *)&new + s->offset) = d;
		}
	}
	config_clear(cfg);
	*cfg = new;
	return 0;
fail:
	config_clear(&new);
	return -1;
}

int
config_load(const char *path, struct config *cfg, char **errstr_r)
{
	char	*buf;
	size_t	 len;
	int	 rc;

	if (files_read(path, CONFIG_FILE_MAX, &buf, &len, errstr_r) == -1)
		return -1;
	rc = config_parse(path, buf, len, cfg, errstr_r);
	free(buf);
	return rc;
}

void
config_print(const struct config *cfg, FILE *fp)
{
	const struct setting	*s;
	const char		*str;
	size_t			 i;

	for (i = 0; i < NSETTINGS; i++) {
		s = &settings[i];
		fprintf(fp, "# %s\n", s->help);
		if (s->type == SETTING_PATH) {
			str = *(char *const *)((const char *)cfg + s->offset);
			fprintf(fp, "%s%s %s\n", str ? "" : "#", s->name,
			    str ? str : "(automatic)");
		} else
			fprintf(fp, "%s %g\n", s->name,
			    *(const double *)((const char *)cfg + s->offset));
	}
}
