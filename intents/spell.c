/*
 * Spelling correction of citizens' messages (see spell.h for the rule).
 * The dictionary only judges (spelldict.h): hunspell's own suggestions
 * cost 50-160 ms a word with the Russian dictionary (measured in
 * bench/README.md), so the candidates are made here, every word one edit
 * away, and kept only when their Snowball stem is one the classifier knows
 * and the dictionary has them.  Of several,
 * the stem the most documents use wins.  Words are judged once per thread
 * and remembered in a bounded cache: the cost (about half a millisecond) is
 * paid once per new misspelling, not per message.
 */
#include "intents/spell.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intents/deffile.h"
#include "intents/evidence.h"
#include "intents/normalize.h"
#include "intents/spelldict.h"
#include "kb/stem.h"
#include "lib/limits.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

/* Shorter words have too many neighbours one edit away ("пора", "нора",
 * "кора") to guess which one was meant. */
#define SPELL_MIN_LETTERS	5
/* A stem only this many documents use may itself be a typo: an example
 * quotes one ("опечатка «заявлния»"), so the classifier "knows" it. */
#define SPELL_RARE		1
/* … and is mended to a word that many times more documents use. */
#define SPELL_MORE		8
/* Cyrillic letters are two bytes in UTF-8: a word of at most this many
 * bytes, with room for a letter inserted, fits a cache slot. */
#define SPELL_MAX_BYTES		(LIMIT_TOKEN_BYTES - 4)

struct known {
	char		*stem;
	unsigned	 docs;		/* documents using it */
};

struct spell {
	struct spelldict *dict;		/* NULL: not opened */
	unsigned char	 near[32][32];	/* letters easily typed for each
					   other (near_letters) */
	struct stemmer	*st;		/* for learning */
	struct known	*slot;		/* open addressing */
	size_t		 nslots;
	size_t		 n;
};

struct cached {
	char		word[SPELL_MAX_BYTES + 1];	/* "" empty */
	char		fix[SPELL_MAX_BYTES + 3];	/* "" keep */
};

struct spell_scratch {
	struct stemmer	*st;
	int		 own_st;	/* 0: borrowed (shared_stemmer) */
	struct cached	*cache;		/* LIMIT_SPELL_CACHE slots */
	size_t		 ncached;
	char		 fix[SPELL_MAX_BYTES + 3];
};

static void	near_letters(unsigned char [32][32]);

struct spell *
spell_new(void)
{
	struct spell	*sp;

	sp = xcalloc(1, sizeof(*sp));
	near_letters(sp->near);
	sp->nslots = 1024;
	sp->slot = xcalloc(sp->nslots, sizeof(*sp->slot));
	return sp;
}

void
spell_free(struct spell **spp)
{
	struct spell	*sp = *spp;
	size_t		 i;

	if (sp == NULL)
		return;
	spelldict_free(&sp->dict);
	stemmer_free(&sp->st);
	for (i = 0; i < sp->nslots; i++)
		free(sp->slot[i].stem);
	free(sp->slot);
	free(sp);
	*spp = NULL;
}

int
spell_open(struct spell *sp, const char *dir, char **errstr_r)
{
	char	*aff, *dic, *e;

	aff = xasprintf("%s/ru_RU.aff", dir);
	dic = xasprintf("%s/ru_RU.dic", dir);
	if ((sp->dict = spelldict_open(aff, dic, &e)) == NULL) {
		*errstr_r = xasprintf("spelling: %s (apt-get install "
		    "hunspell-ru, or set spelling 0)", e);
		free(e);
	}
	free(aff);
	free(dic);
	return sp->dict != NULL ? 0 : -1;
}

static const struct known *
find(const struct spell *sp, const char *stem, size_t len)
{
	size_t	k = text_hash(stem, len) & (sp->nslots - 1);

	for (; sp->slot[k].stem != NULL; k = (k + 1) & (sp->nslots - 1))
		if (strncmp(sp->slot[k].stem, stem, len) == 0 &&
		    sp->slot[k].stem[len] == '\0')
			return &sp->slot[k];
	return NULL;
}

static void
grow(struct spell *sp)
{
	struct known	*old = sp->slot;
	size_t		 nold = sp->nslots, i, k;

	sp->nslots *= 2;
	sp->slot = xcalloc(sp->nslots, sizeof(*sp->slot));
	for (i = 0; i < nold; i++) {
		if (old[i].stem == NULL)
			continue;
		k = text_hash(old[i].stem, strlen(old[i].stem)) &
		    (sp->nslots - 1);
		while (sp->slot[k].stem != NULL)
			k = (k + 1) & (sp->nslots - 1);
		sp->slot[k] = old[i];
	}
	free(old);
}

static void
learn(struct spell *sp, const char *stem, unsigned docs)
{
	struct known	*kn;
	size_t		 len = strlen(stem), k;

	if ((kn = (struct known *)find(sp, stem, len)) != NULL) {
		kn->docs += docs;
		return;
	}
	if ((sp->n + 1) * 2 > sp->nslots)
		grow(sp);
	k = text_hash(stem, len) & (sp->nslots - 1);
	while (sp->slot[k].stem != NULL)
		k = (k + 1) & (sp->nslots - 1);
	sp->slot[k].stem = xstrdup(stem);
	sp->slot[k].docs = docs;
	sp->n++;
}

static void
learn_posting(void *arg, const char *term, size_t doc, unsigned tf)
{
	learn(arg, term, 1);
}

void
spell_learn_index(struct spell *sp, const struct evidence *ev)
{
	evidence_each_posting(ev, learn_posting, sp);
}

/* Whether w[0..len) is only the lower-case Russian letters а..я (folded
 * text has no ё): two bytes each, D0 B0-BF or D1 80-8F. */
static int
russian(const char *w, size_t len)
{
	size_t	i;

	if (len % 2 != 0)
		return 0;
	for (i = 0; i < len; i += 2) {
		if (!((unsigned char)w[i] == 0xd0 &&
		    (unsigned char)w[i + 1] >= 0xb0 &&
		    (unsigned char)w[i + 1] <= 0xbf) &&
		    !((unsigned char)w[i] == 0xd1 &&
		    (unsigned char)w[i + 1] >= 0x80 &&
		    (unsigned char)w[i + 1] <= 0x8f))
			return 0;
	}
	return 1;
}

static void
learn_text(struct spell *sp, const char *text, unsigned docs)
{
	char	*f, stem[STEM_MAX];
	size_t	 flen, pos = 0, start, wlen;

	if (sp->st == NULL)
		sp->st = stemmer_new();
	f = text_fold(text, strlen(text), LIMIT_EDITOR_VALUE_BYTES, &flen);
	while (text_next_word(f, flen, &pos, &start, &wlen))
		if (wlen >= 2 * SPELL_MIN_LETTERS && russian(f + start, wlen) &&
		    stemmer_stem(sp->st, f + start, wlen, stem) > 0)
			learn(sp, stem, docs);
	free(f);
}

void
spell_learn_text(struct spell *sp, const char *text)
{
	learn_text(sp, text, 1);
}

void
spell_learn_defs(struct spell *sp, const struct def_set *defs)
{
	size_t	i, j;

	/* An editor wrote these words on purpose ("электронк*" for e-mail,
	 * "сколко" for the typo itself): never rare, never mended. */
	for (i = 0; i < defs->n; i++)
		for (j = 0; j < defs->intents[i].npatterns; j++)
			learn_text(sp, defs->intents[i].patterns[j].source,
			    SPELL_RARE + 1);
	for (i = 0; i < defs->nlists; i++)
		learn_text(sp, defs->lists[i].items, SPELL_RARE + 1);
}

size_t
spell_known(const struct spell *sp)
{
	return sp->n;
}

struct spell_scratch *
spell_scratch_new(void)
{
	struct spell_scratch	*s;

	s = xcalloc(1, sizeof(*s));
	s->st = stemmer_new();
	s->own_st = 1;
	s->cache = xcalloc(LIMIT_SPELL_CACHE, sizeof(*s->cache));
	return s;
}

struct spell_scratch *
spell_scratch_new_sharing(struct stemmer *st)
{
	struct spell_scratch	*s;

	s = xcalloc(1, sizeof(*s));
	s->st = st;
	s->cache = xcalloc(LIMIT_SPELL_CACHE, sizeof(*s->cache));
	return s;
}

void
spell_scratch_free(struct spell_scratch **sp)
{
	if (*sp == NULL)
		return;
	if ((*sp)->own_st)
		stemmer_free(&(*sp)->st);
	free((*sp)->cache);
	free(*sp);
	*sp = NULL;
}

/* How many documents use the stem of w[0..len); 0: unknown. */
static unsigned
known_docs(const struct spell *sp, struct spell_scratch *s, const char *w,
    size_t len)
{
	const struct known	*kn;
	char			 stem[STEM_MAX];
	size_t			 slen;

	if ((slen = stemmer_stem(s->st, w, len, stem)) == 0)
		return 0;
	return (kn = find(sp, stem, slen)) != NULL ? kn->docs : 0;
}

/* The 32 lower-case letters а..я, numbered 0..31, in UTF-8. */
static void
letter(int i, char out[2])
{
	out[0] = (char)(i < 16 ? 0xd0 : 0xd1);
	out[1] = (char)(i < 16 ? 0xb0 + i : 0x80 + (i - 16));
}

static int
letter_index(const char *u)
{
	return (unsigned char)u[0] == 0xd0 ? (unsigned char)u[1] - 0xb0 :
	    (unsigned char)u[1] - 0x80 + 16;
}

/* The ЙЦУКЕН keyboard's rows, each shifted half a key right of the one
 * above, and the letters Russian spelling confuses by sound. */
static const char *const rows[] = {
	"йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю",
};
static const char *const sounds[] = {
	"ао", "еи", "еэ", "иы", "ий", "шщ", "ьъ", "тд", "сз", "бп", "вф",
	"гк", "жш", "ея", "ую",
};

/* Marks near[a][b] when typing letter b for a is a slip of a finger (keys
 * side by side, or one above the other) or of the ear. */
static void
near_letters(unsigned char near[32][32])
{
	size_t	r, r2, i, j;
	int	x, y;

	memset(near, 0, 32 * 32);
	for (r = 0; r < 3; r++)
		for (i = 0; rows[r][i] != '\0'; i += 2)
			for (r2 = r > 0 ? r - 1 : 0; r2 <= r + 1 && r2 < 3;
			    r2++)
				for (j = 0; rows[r2][j] != '\0'; j += 2) {
					/* In half keys: the row's shift
					 * plus two a key. */
					x = (int)(r + i);
					y = (int)(r2 + j);
					if ((r2 == r && abs(x - y) == 2) ||
					    (r2 != r && abs(x - y) <= 1))
						near[letter_index(rows[r] + i)]
						    [letter_index(rows[r2] +
						    j)] = 1;
				}
	for (i = 0; i < sizeof(sounds) / sizeof(sounds[0]); i++) {
		x = letter_index(sounds[i]);
		y = letter_index(sounds[i] + 2);
		near[x][y] = near[y][x] = 1;
	}
}

/* The best candidates so far: [0] of the likely slips (two letters
 * swapped, one left out, one typed for its neighbour), [1] of the others
 * (a letter too many, or for a far one). */
struct best {
	unsigned	docs[2];
	char		fix[2][SPELL_MAX_BYTES + 3];
};

/* Weighs the candidate c[0..len) of a kind (0 likely, 1 other). */
static void
consider(const struct spell *sp, struct spell_scratch *s, char *c,
    size_t len, int kind, struct best *b)
{
	unsigned	docs;

	if ((docs = known_docs(sp, s, c, len)) <= b->docs[kind])
		return;
	if (!spelldict_has(sp->dict, c, len))
		return;
	c[len] = '\0';
	b->docs[kind] = docs;
	memcpy(b->fix[kind], c, len + 1);
}

/*
 * Every word one edit from w[0..len) (len even, Russian letters only): a
 * letter dropped, two neighbours swapped, a letter changed, a letter
 * added.  Leaves the best in s->fix: a likely slip if there is one, and
 * of those the word the most documents use; returns 0 when there is none.
 * A word docs documents use is mended only to one many more use.
 */
static int
suggest(const struct spell *sp, struct spell_scratch *s, const char *w,
    size_t len, unsigned docs)
{
	struct best	b;
	char		c[SPELL_MAX_BYTES + 3], l[2];
	size_t		i;
	int		k, kind;

	b.docs[0] = b.docs[1] = docs * SPELL_MORE;
	b.fix[0][0] = b.fix[1][0] = '\0';
	/* A letter typed twice or by a stray finger. */
	for (i = 0; i < len; i += 2) {
		memcpy(c, w, i);
		memcpy(c + i, w + i + 2, len - i - 2);
		consider(sp, s, c, len - 2, 1, &b);
	}
	for (i = 0; i + 2 < len; i += 2) {
		memcpy(c, w, len);
		memcpy(c + i, w + i + 2, 2);
		memcpy(c + i + 2, w + i, 2);
		if (memcmp(c, w, len) != 0)
			consider(sp, s, c, len, 0, &b);
	}
	for (i = 0; i < len; i += 2)
		for (k = 0; k < 32; k++) {
			letter(k, l);
			if (memcmp(w + i, l, 2) == 0)
				continue;
			kind = sp->near[letter_index(w + i)][k] ? 0 : 1;
			memcpy(c, w, len);
			memcpy(c + i, l, 2);
			consider(sp, s, c, len, kind, &b);
		}
	for (i = 0; i <= len; i += 2)
		for (k = 0; k < 32; k++) {
			letter(k, l);
			memcpy(c, w, i);
			memcpy(c + i, l, 2);
			memcpy(c + i + 2, w + i, len - i);
			consider(sp, s, c, len + 2, 0, &b);
		}
	kind = b.fix[0][0] != '\0' ? 0 : 1;
	memcpy(s->fix, b.fix[kind], strlen(b.fix[kind]) + 1);
	return s->fix[0] != '\0';
}

const char *
spell_word(const struct spell *sp, struct spell_scratch *s, const char *w,
    size_t len)
{
	struct cached	*e;
	size_t		 k;
	char		 word[SPELL_MAX_BYTES + 1];
	unsigned	 docs;

	if (sp == NULL || sp->dict == NULL || len < 2 * SPELL_MIN_LETTERS ||
	    len > SPELL_MAX_BYTES || !russian(w, len) ||
	    (docs = known_docs(sp, s, w, len)) > SPELL_RARE)
		return NULL;
	k = text_hash(w, len) & (LIMIT_SPELL_CACHE - 1);
	for (; s->cache[k].word[0] != '\0';
	    k = (k + 1) & (LIMIT_SPELL_CACHE - 1))
		if (strncmp(s->cache[k].word, w, len) == 0 &&
		    s->cache[k].word[len] == '\0')
			return s->cache[k].fix[0] != '\0' ? s->cache[k].fix :
			    NULL;
	/* Full at three quarters: start again rather than probe long runs
	 * (a flood of made-up words must not grow memory). */
	if (s->ncached >= LIMIT_SPELL_CACHE / 4 * 3) {
		memset(s->cache, 0, LIMIT_SPELL_CACHE * sizeof(*s->cache));
		s->ncached = 0;
		k = text_hash(w, len) & (LIMIT_SPELL_CACHE - 1);
	}
	memcpy(word, w, len);
	word[len] = '\0';
	e = &s->cache[k];
	memcpy(e->word, word, len + 1);
	s->ncached++;
	if (spelldict_has(sp->dict, w, len) || !suggest(sp, s, w, len, docs)) {
		e->fix[0] = '\0';
		return NULL;
	}
	memcpy(e->fix, s->fix, strlen(s->fix) + 1);
	return e->fix;
}

size_t
spell_correct(const struct spell *sp, struct spell_scratch *s,
    struct normalized *n)
{
	const char	*fix;
	char		*out = NULL;
	size_t		 pos = 0, start, wlen, from = 0, o = 0, nfix = 0, fl;

	/* The Cyrillic of a message typed in Latin letters is ours, not
	 * the citizen's: "chrome" gives "чроме", which is no typo. */
	if (sp == NULL || sp->dict == NULL || n->translit)
		return 0;
	while (text_next_word(n->match, n->match_len, &pos, &start, &wlen)) {
		if ((fix = spell_word(sp, s, n->match + start, wlen)) == NULL)
			continue;
		/* A fix is at most one letter (two bytes) longer, and there
		 * are fewer words than bytes. */
		if (out == NULL)
			out = xmalloc(n->match_len * 2 + 1);
		memcpy(out + o, n->match + from, start - from);
		o += start - from;
		fl = strlen(fix);
		memcpy(out + o, fix, fl);
		o += fl;
		from = start + wlen;
		nfix++;
	}
	if (out == NULL)
		return 0;
	memcpy(out + o, n->match + from, n->match_len - from);
	o += n->match_len - from;
	out[o] = '\0';
	free(n->match);
	n->match = out;
	n->match_len = o;
	return nfix;
}
