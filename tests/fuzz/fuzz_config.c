/*
 * libFuzzer harness for the configuration parser: config_parse over the
 * defaults on any bytes.  Besides the sanitizers' checks it holds the
 * parser to its contract: a failure names "fuzz.conf:" and leaves the
 * configuration exactly as it was; a success leaves the classifier's
 * numbers within their bounds, and what config_print writes is a valid
 * file that reads back to a configuration printing the same text.
 * Corpus: tests/fuzz/corpus/config.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)
#define NAME		"fuzz.conf"

static void
check_bounds(const struct classifier_config *c)
{
	CHECK(c->answer_min >= 0 && c->answer_min <= 1);
	CHECK(c->margin_min >= 0 && c->margin_min <= 1);
	CHECK(c->clarify_min >= 0 && c->clarify_min <= 1);
	CHECK(c->decline_min >= 0 && c->decline_min <= 1);
	CHECK(c->person_min >= 1 && c->person_min <= 100);
	CHECK(c->temperature >= 0.01 && c->temperature <= 10);
	CHECK(c->w_rule >= 0 && c->w_rule <= 10);
	CHECK(c->w_example >= 0 && c->w_example <= 10);
	CHECK(c->w_example2 >= 0 && c->w_example2 <= 10);
	CHECK(c->w_article >= 0 && c->w_article <= 10);
}

/* config_print's text of cfg; the caller frees it. */
static char *
printed(const struct config *cfg, size_t *len_r)
{
	FILE	*fp;
	char	*buf = NULL;

	fp = open_memstream(&buf, len_r);
	CHECK(fp != NULL);
	config_print(cfg, fp);
	CHECK(fclose(fp) == 0);
	return buf;
}

static void
check_round_trip(const struct config *cfg)
{
	struct config	 back;
	char		*first, *second, *err = NULL;
	size_t		 len1, len2;

	first = printed(cfg, &len1);
	config_defaults(&back);
	CHECK(config_parse("printed", first, len1, &back, &err) == 0);
	second = printed(&back, &len2);
	CHECK(len1 == len2 && memcmp(first, second, len1) == 0);
	config_clear(&back);
	free(first);
	free(second);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	 cfg, before;
	char		*err = NULL;

	config_defaults(&cfg);
	memcpy(&before, &cfg, sizeof(cfg));
	if (config_parse(NAME, (const char *)data, size, &cfg, &err) == -1) {
		CHECK(err != NULL);
		CHECK(strncmp(err, NAME ":", strlen(NAME ":")) == 0);
		CHECK(memcmp(&cfg, &before, sizeof(cfg)) == 0);
		free(err);
	} else {
		check_bounds(&cfg.classifier);
		check_round_trip(&cfg);
	}
	config_clear(&cfg);
	return 0;
}
