/*
 * libFuzzer harness for the speller, which reads every citizen's words
 * (intents/spell.c): a word of any bytes, then a whole message through
 * normalisation and correction.  Besides the sanitizers' checks it holds
 * them to their contracts: a correction is terminated, Russian letters
 * only (two bytes each) and never longer than the word plus one letter; a
 * corrected message stays terminated with its length right; a word is
 * corrected the same way twice (the per-thread cache).  The dictionary is
 * hunspell-ru's (HOTLINE_HUNSPELL_DIR); the vocabulary a few of the words
 * the rules know.  Corpus: tests/fuzz/corpus/spell.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intents/normalize.h"
#include "intents/spell.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)
/* Citizens' messages are cut long before this (LIMIT_CLASSIFY_BYTES). */
#define INPUT_MAX	4096

static struct spell		*sp;
static struct spell_scratch	*sc;

static void
setup(void)
{
	char	*err = NULL;

	sp = spell_new();
	/* No dictionary on this machine: nothing to fuzz but the refusal. */
	if (spell_open(sp, HOTLINE_HUNSPELL_DIR, &err) == -1) {
		free(err);
		spell_free(&sp);
	} else
		spell_learn_text(sp, "заявление заявления паспорт паспортом "
		    "пароль пароля госуслуги справка справку пособие пособия "
		    "выписка регистрация");
	sc = spell_scratch_new();
}

static void
check_fix(const char *w, size_t len, const char *fix)
{
	size_t	i, n;

	if (fix == NULL)
		return;
	n = strlen(fix);
	CHECK(n > 0 && n % 2 == 0 && n <= len + 2);
	for (i = 0; i < n; i += 2)
		CHECK((unsigned char)fix[i] == 0xd0 ||
		    (unsigned char)fix[i] == 0xd1);
	(void)w;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct normalized	 n;
	const char		*fix, *again;
	char			*copy;

	if (sc == NULL)
		setup();
	if (size > INPUT_MAX)
		size = INPUT_MAX;
	fix = spell_word(sp, sc, (const char *)data, size);
	check_fix((const char *)data, size, fix);
	copy = fix != NULL ? strdup(fix) : NULL;
	again = spell_word(sp, sc, (const char *)data, size);
	CHECK((copy == NULL) == (again == NULL));
	CHECK(copy == NULL || strcmp(copy, again) == 0);
	free(copy);
	normalize_message((const char *)data, size, &n);
	(void)spell_correct(sp, sc, &n);
	CHECK(n.match != NULL && strlen(n.match) == n.match_len);
	normalize_release(&n);
	return 0;
}
