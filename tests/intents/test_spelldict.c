/*
 * Our reader of hunspell's dictionary (intents/spelldict.c) says of every
 * lower-case word what libhunspell says of it: the words of the shipped
 * category files and articles, and each of them with a letter dropped,
 * doubled, swapped or changed, as the speller's candidates are.  A small
 * dictionary of our own tries the conditions' forms; an affix file that
 * uses what is not read is refused by file and line.  (The articles' words
 * are judged as they are, the category files' with their neighbours too:
 * all of them so would be 775,000 words, a minute under ASan.)
 */
#include <check.h>
#include <hunspell/hunspell.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intents/spelldict.h"
#include "lib/files.h"
#include "lib/text.h"
#include "tests/suites.h"

#define AFF	HOTLINE_HUNSPELL_DIR "/ru_RU.aff"
#define DIC	HOTLINE_HUNSPELL_DIR "/ru_RU.dic"

struct tally {
	struct spelldict	*d;
	Hunhandle		*h;
	size_t			 words;
	size_t			 accepted;
	size_t			 differ;
	char			 first[192];	/* the first that differs */
	char			**seen;		/* words judged around */
};

/* Room for the distinct words of the category files and articles. */
#define SEEN_SLOTS	(1 << 17)

/* Whether w[0..len) was judged around before (then 1), else notes it. */
static int
seen(struct tally *t, const char *w, size_t len)
{
	size_t	h = 2166136261u, i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)w[i]) * 16777619u;
	for (h &= SEEN_SLOTS - 1; t->seen[h] != NULL;
	    h = (h + 1) & (SEEN_SLOTS - 1))
		if (strlen(t->seen[h]) == len &&
		    memcmp(t->seen[h], w, len) == 0)
			return 1;
	t->seen[h] = strndup(w, len);
	return 0;
}

/* Whether w[0..len) is lower-case Russian letters only: the words the
 * speller asks of (as citizens' words fold, ё as е). */
static int
russian(const char *w, size_t len)
{
	size_t	i;

	for (i = 0; i + 1 < len; i += 2)
		if (!((unsigned char)w[i] == 0xd0 &&
		    (unsigned char)w[i + 1] >= 0xb0 &&
		    (unsigned char)w[i + 1] <= 0xbf) &&
		    !((unsigned char)w[i] == 0xd1 &&
		    (unsigned char)w[i + 1] >= 0x80 &&
		    (unsigned char)w[i + 1] <= 0x8f))
			return 0;
	return len > 0 && len % 2 == 0;
}

static void
judge(struct tally *t, const char *w, size_t len)
{
	char	word[128];
	int	ours, theirs;

	if (len == 0 || len >= sizeof(word))
		return;
	memcpy(word, w, len);
	word[len] = '\0';
	ours = spelldict_has(t->d, word, len);
	theirs = Hunspell_spell(t->h, word) != 0;
	t->words++;
	t->accepted += theirs;
	if (ours != theirs && t->differ++ == 0)
		snprintf(t->first, sizeof(t->first), "%s: ours %d, hunspell %d",
		    word, ours, theirs);
}

/* The word w (Cyrillic, two bytes a letter) and, if around, its one-edit
 * neighbours with a few letters: the speller's kinds of candidate. */
static void
judge_around(struct tally *t, const char *w, size_t len, int around)
{
	static const char	*const some[] = { "а", "о", "е", "и", "н" };
	char			 c[128];
	size_t			 i, k;

	if (!russian(w, len) || len + 2 >= sizeof(c) || seen(t, w, len))
		return;
	judge(t, w, len);
	if (!around || len < 8)
		return;
	for (i = 0; i + 2 <= len; i += 2) {
		memcpy(c, w, i);			/* dropped */
		memcpy(c + i, w + i + 2, len - i - 2);
		judge(t, c, len - 2);
		if (i + 4 <= len) {			/* swapped */
			memcpy(c, w, len);
			memcpy(c + i, w + i + 2, 2);
			memcpy(c + i + 2, w + i, 2);
			judge(t, c, len);
		}
		for (k = 0; k < sizeof(some) / sizeof(some[0]); k++) {
			memcpy(c, w, len);		/* changed */
			memcpy(c + i, some[k], 2);
			judge(t, c, len);
			memcpy(c, w, i);		/* added */
			memcpy(c + i, some[k], 2);
			memcpy(c + i + 2, w + i, len - i);
			judge(t, c, len + 2);
		}
	}
}

/* The words of the files under dir, and around them if around. */
static void
judge_files(struct tally *t, const char *dir, const char *suffix,
    int around)
{
	const char	*top = getenv("top_srcdir");
	char		*path, **paths, *buf, *f, *err = NULL;
	size_t		 n, len, flen, i, pos, start, wlen;

	if (asprintf(&path, "%s/%s", top ? top : ".", dir) < 0)
		ck_abort();
	ck_assert_int_eq(files_list(path, suffix, &paths, &n, &err), 0);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(files_read(paths[i], 1 << 20, &buf, &len,
		    &err), 0);
		f = text_fold(buf, len, len, &flen);
		for (pos = 0; text_next_word(f, flen, &pos, &start, &wlen);)
			judge_around(t, f + start, wlen, around);
		free(f);
		free(buf);
	}
	files_list_free(paths, n);
	free(path);
}

START_TEST(it_says_what_hunspell_says)
{
	struct tally	 t;
	char		*err = NULL;
	size_t		 i;

	memset(&t, 0, sizeof(t));
	t.d = spelldict_open(AFF, DIC, &err);
	ck_assert_msg(t.d != NULL, "%s", err);
	ck_assert_uint_gt(spelldict_roots(t.d), 100000);
	t.h = Hunspell_create(AFF, DIC);
	t.seen = calloc(SEEN_SLOTS, sizeof(*t.seen));
	judge_files(&t, "intents/defs", ".intent", 1);
	judge_files(&t, "kb/articles", ".md", 0);
	/* Enough words, and both verdicts among them, to mean something. */
	ck_assert_uint_gt(t.words, 100000);
	ck_assert_uint_gt(t.accepted, 10000);
	ck_assert_uint_gt(t.words - t.accepted, 10000);
	ck_assert_msg(t.differ == 0, "%zu of %zu words differ, first %s",
	    t.differ, t.words, t.first);
	for (i = 0; i < SEEN_SLOTS; i++)
		free(t.seen[i]);
	free(t.seen);
	Hunspell_destroy(t.h);
	spelldict_free(&t.d);
}
END_TEST

/* Writes text to a new temporary file; returns its path (freed by the
 * caller, who unlinks it). */
static char *
temp_file(const char *text)
{
	char	*path;
	int	 fd;

	path = strdup("/tmp/hotline-spelldict.XXXXXX");
	ck_assert_int_ne(fd = mkstemp(path), -1);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	return path;
}

/* Whether ours and hunspell agree on w, and what ours says. */
static int
both(struct spelldict *d, Hunhandle *h, const char *w)
{
	int	ours = spelldict_has(d, w, strlen(w));

	ck_assert_msg(ours == (Hunspell_spell(h, w) != 0),
	    "%s: ours %d, hunspell's %d", w, ours, !ours);
	return ours;
}

START_TEST(conditions_strips_and_homonyms)
{
	char		*aff, *dic, *err = NULL;
	struct spelldict *d;
	Hunhandle	*h;

	aff = temp_file("SET UTF-8\n"
	    "TRY оеа\n"
	    "SFX A Y 3\n"
	    "SFX A ть л [ая]ть\n"		/* читать -> читал */
	    "SFX A ть ла [^и]ть\n"		/* not after и */
	    "SFX A 0 ы [^аеиоуыэюя]\n"	/* стол -> столы */
	    "SFX B Y 1\n"
	    "SFX B а у а\n");		/* мама -> маму */
	dic = temp_file("5\nчитать/A\nходить/A\nстол/A\nмама/B\nмама\n");
	d = spelldict_open(aff, dic, &err);
	ck_assert_msg(d != NULL, "%s", err);
	h = Hunspell_create(aff, dic);
	ck_assert(both(d, h, "читать"));
	ck_assert(both(d, h, "читал"));
	ck_assert(both(d, h, "читала"));
	ck_assert(!both(d, h, "ходил"));	/* not after и */
	ck_assert(!both(d, h, "ходила"));
	ck_assert(both(d, h, "столы"));
	ck_assert(!both(d, h, "мамы"));		/* ends in a vowel */
	ck_assert(both(d, h, "маму"));		/* the homonym with B */
	ck_assert(!both(d, h, "читалы"));
	ck_assert(!both(d, h, "ы"));		/* the stem may not be empty */
	ck_assert(!spelldict_has(d, "", 0));
	Hunspell_destroy(h);
	spelldict_free(&d);
	unlink(aff);
	unlink(dic);
	free(aff);
	free(dic);
}
END_TEST

/* An affix file of what is not read, or a broken one: refused, by line. */
static void
refused(const char *afftext, const char *dictext, const char *says)
{
	char		*aff, *dic, *err = NULL;
	struct spelldict *d;

	aff = temp_file(afftext);
	dic = temp_file(dictext);
	d = spelldict_open(aff, dic, &err);
	ck_assert_ptr_null(d);
	ck_assert_msg(strstr(err, says) != NULL, "%s", err);
	free(err);
	unlink(aff);
	unlink(dic);
	free(aff);
	free(dic);
}

START_TEST(what_is_not_read_is_refused)
{
	refused("SET UTF-8\nPFX A Y 1\nPFX A 0 не .\n", "1\nдом/A\n",
	    ":2: PFX is not supported");
	refused("SET UTF-8\nFLAG long\n", "1\nдом\n", ":2: FLAG");
	refused("SET KOI8-R\n", "1\nдом\n", ":1: only UTF-8");
	refused("SET UTF-8\nSFX A Y 1\nSFX A 0 ы/B .\n", "1\nдом/A\n",
	    ":3: affixes with flags");
	refused("SET UTF-8\nSFX A Y 1\nSFX A 0 ы [ab\n", "1\nдом/A\n",
	    ":3: condition");
	refused("SET UTF-8\n", "", ":1: empty");
}
END_TEST

START_TEST(a_missing_file_is_named)
{
	char	*err = NULL;

	ck_assert_ptr_null(spelldict_open("/nonexistent/ru_RU.aff", DIC,
	    &err));
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/ru_RU.aff"));
	free(err);
}
END_TEST

Suite *
spelldict_suite(void)
{
	Suite	*s = suite_create("spelldict");
	TCase	*tc = tcase_create("spelldict");

	/* libhunspell's own load and ~200,000 words judged twice: seconds
	 * under ASan. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, it_says_what_hunspell_says);
	tcase_add_test(tc, conditions_strips_and_homonyms);
	tcase_add_test(tc, what_is_not_read_is_refused);
	tcase_add_test(tc, a_missing_file_is_named);
	suite_add_tcase(s, tc);
	return s;
}
