/*
 * One pass over a message finds every needle and start of every pattern
 * (needles.h): a pattern is worth running when one of its units has all
 * the sets it needs, and an anchored pattern is tried only where one of
 * those units may start.
 *
 * Needles of 2, 3 and 4-or-more bytes live in three tables keyed by a hash
 * of their first 2, 3 or 4 bytes (Cyrillic text has few distinct 2-byte
 * prefixes, one letter, so longer keys keep each bucket short).  Only
 * offsets where a character begins are looked up, and a needle's first
 * eight bytes are compared as one word before anything else.
 */
#include "intents/prefilter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intents/needles.h"
#include "intents/starts.h"
#include "lib/xmalloc.h"

struct needle {
	uint64_t	 head;		/* its first (up to) 8 bytes … */
	uint64_t	 mask;		/* … and which of them count */
	char		*s;
	size_t		 len;
	unsigned	 id;		/* its set's, or its unit's (a start) */
	int		 lead;		/* -1: a set's needle; else a start
					   this many characters in */
};

#define TABLES		3
#define KEYS		65536

struct table {
	struct needle	*needles;
	size_t		 n;
	unsigned	*head;		/* KEYS + 1 bucket starts */
};

struct unit {
	size_t		 pattern;
	size_t		 nsets;		/* sets it needs */
	struct starts	 starts;	/* n == 0: anywhere */
};

struct prefilter {
	size_t		 npatterns;
	struct table	 t[TABLES];
	struct unit	*units;
	size_t		 nunits;
	unsigned	*set_unit;	/* per set: its unit */
	size_t		 nsets;
	size_t		*first;		/* per pattern: its first unit … */
	size_t		*count;		/* … and how many (0: not read) */
	unsigned char	*always;	/* per pattern: runs whatever the
					   message (a unit needs nothing) */
	unsigned char	*anchored;	/* per pattern: every unit has
					   starts */
	size_t		 filtered;
};

struct prefilter_scratch {
	unsigned char	*set_hit;	/* per set */
	unsigned	*unit_hits;	/* per unit: its sets hit */
	unsigned char	*nstart;	/* per unit: starts noted, one more
					   than PREFILTER_STARTS: too many */
	unsigned	*start_at;	/* [unit * PREFILTER_STARTS] */
	unsigned char	*run;		/* per pattern */
};

static unsigned
keylen(int table)
{
	return (unsigned)table + 2;
}

static unsigned
key(const char *s, unsigned len)
{
	unsigned	h = 0, i;

	for (i = 0; i < len; i++)
		h = h * 131 + (unsigned char)s[i];
	return (h ^ (h >> 16)) & (KEYS - 1);
}

static int
table_of(size_t len)
{
	return len >= 4 ? 2 : (int)len - 2;
}

static uint64_t
load8(const char *p)
{
	uint64_t	v;

	memcpy(&v, p, sizeof(v));
	return v;
}

struct prefilter *
prefilter_new(size_t npatterns)
{
	struct prefilter	*pf;

	pf = xcalloc(1, sizeof(*pf));
	pf->npatterns = npatterns;
	pf->first = xcalloc(npatterns + 1, sizeof(*pf->first));
	pf->count = xcalloc(npatterns + 1, sizeof(*pf->count));
	pf->always = xcalloc(npatterns + 1, 1);
	pf->anchored = xcalloc(npatterns + 1, 1);
	memset(pf->always, 1, npatterns);
	return pf;
}

/* Files a needle (copied) under its length's table. */
static void
add_needle(struct prefilter *pf, const char *s, size_t len, unsigned id,
    int lead)
{
	struct table	*t;
	struct needle	*nd;
	char		 b[8] = { 0 };

	if (len < 2)
		return;
	t = &pf->t[table_of(len)];
	t->needles = xreallocarray(t->needles, t->n + 1, sizeof(*t->needles));
	nd = &t->needles[t->n++];
	nd->s = xstrndup(s, len);
	nd->len = len;
	nd->id = id;
	nd->lead = lead;
	memcpy(b, s, len < 8 ? len : 8);
	memcpy(&nd->head, b, 8);
	memset(b, 0, sizeof(b));
	memset(b, 0xff, len < 8 ? len : 8);
	memcpy(&nd->mask, b, 8);
}

int
prefilter_add(struct prefilter *pf, size_t i, const char *pattern)
{
	struct needle_unit	*nu;
	struct unit		*u;
	size_t			 n, k, j, m;
	int			 anchored = 1;

	if (i >= pf->npatterns || (n = needles_units(pattern, &nu)) == 0)
		return 0;
	pf->first[i] = pf->nunits;
	pf->count[i] = n;
	pf->always[i] = 0;
	pf->units = xreallocarray(pf->units, pf->nunits + n,
	    sizeof(*pf->units));
	for (k = 0; k < n; k++) {
		u = &pf->units[pf->nunits];
		u->pattern = i;
		u->nsets = nu[k].nsets;
		u->starts = nu[k].starts;
		memset(&nu[k].starts, 0, sizeof(nu[k].starts));
		if (u->nsets == 0)
			pf->always[i] = 1;
		if (u->starts.n == 0)
			anchored = 0;
		for (j = 0; j < nu[k].nsets; j++) {
			/* A set with a needle too short to look up would
			 * never be hit: the unit does without it. */
			for (m = 0; nu[k].sets[j][m] != NULL; m++)
				if (strlen(nu[k].sets[j][m]) < 2)
					break;
			if (nu[k].sets[j][m] != NULL) {
				if (--u->nsets == 0)
					pf->always[i] = 1;
				continue;
			}
			pf->set_unit = xreallocarray(pf->set_unit,
			    pf->nsets + 1, sizeof(*pf->set_unit));
			pf->set_unit[pf->nsets] = (unsigned)pf->nunits;
			for (m = 0; nu[k].sets[j][m] != NULL; m++)
				add_needle(pf, nu[k].sets[j][m],
				    strlen(nu[k].sets[j][m]),
				    (unsigned)pf->nsets, -1);
			pf->nsets++;
		}
		pf->nunits++;
	}
	needles_units_free(nu, n);
	pf->anchored[i] = (unsigned char)anchored;
	if (anchored)
		for (k = 0; k < n; k++) {
			u = &pf->units[pf->first[i] + k];
			for (j = 0; j < u->starts.n; j++)
				add_needle(pf, u->starts.v[j].s,
				    u->starts.v[j].len,
				    (unsigned)(pf->first[i] + k),
				    (int)u->starts.v[j].lead);
		}
	if (!pf->always[i] || anchored)
		pf->filtered++;
	return anchored;
}

static unsigned	sort_keylen;	/* only during prefilter_build's qsort */

static int
cmp_needle(const void *a, const void *b)
{
	unsigned	x = key(((const struct needle *)a)->s, sort_keylen);
	unsigned	y = key(((const struct needle *)b)->s, sort_keylen);

	return x < y ? -1 : x > y;
}

void
prefilter_build(struct prefilter *pf)
{
	struct table	*t;
	size_t		 i;
	unsigned	 k;
	int		 ti;

	for (ti = 0; ti < TABLES; ti++) {
		t = &pf->t[ti];
		sort_keylen = keylen(ti);
		if (t->n > 1)
			qsort(t->needles, t->n, sizeof(*t->needles),
			    cmp_needle);
		/* Bucket starts: head[k] = first needle with key >= k. */
		t->head = xcalloc(KEYS + 1, sizeof(*t->head));
		for (i = 0; i < t->n; i++)
			t->head[key(t->needles[i].s, keylen(ti)) + 1]++;
		for (k = 1; k <= KEYS; k++)
			t->head[k] += t->head[k - 1];
	}
}

void
prefilter_free(struct prefilter **pfp)
{
	struct prefilter	*pf = *pfp;
	size_t			 i;
	int			 ti;

	if (pf == NULL)
		return;
	for (ti = 0; ti < TABLES; ti++) {
		for (i = 0; i < pf->t[ti].n; i++)
			free(pf->t[ti].needles[i].s);
		free(pf->t[ti].needles);
		free(pf->t[ti].head);
	}
	for (i = 0; i < pf->nunits; i++)
		starts_clear(&pf->units[i].starts);
	free(pf->units);
	free(pf->set_unit);
	free(pf->first);
	free(pf->count);
	free(pf->always);
	free(pf->anchored);
	free(pf);
	*pfp = NULL;
}

struct prefilter_scratch *
prefilter_scratch_new(const struct prefilter *pf)
{
	struct prefilter_scratch	*sc;

	sc = xcalloc(1, sizeof(*sc));
	sc->set_hit = xcalloc(pf->nsets + 1, 1);
	sc->unit_hits = xcalloc(pf->nunits + 1, sizeof(*sc->unit_hits));
	sc->nstart = xcalloc(pf->nunits + 1, 1);
	sc->start_at = xcalloc(pf->nunits + 1, PREFILTER_STARTS *
	    sizeof(*sc->start_at));
	sc->run = xcalloc(pf->npatterns + 1, 1);
	return sc;
}

void
prefilter_scratch_free(struct prefilter_scratch **scp)
{
	struct prefilter_scratch	*sc = *scp;

	if (sc == NULL)
		return;
	free(sc->set_hit);
	free(sc->unit_hits);
	free(sc->nstart);
	free(sc->start_at);
	free(sc->run);
	free(sc);
	*scp = NULL;
}

/* Whether nd occurs at text[i..len). */
static int
occurs(const struct needle *nd, const char *text, size_t i, size_t len)
{
	if (nd->len > len - i)
		return 0;
	if (i + 8 <= len) {
		if ((load8(text + i) & nd->mask) != nd->head)
			return 0;
		return nd->len <= 8 || memcmp(text + i + 8, nd->s + 8,
		    nd->len - 8) == 0;
	}
	return memcmp(text + i, nd->s, nd->len) == 0;
}

/* What finding nd at offset i tells. */
static void
found(const struct prefilter *pf, struct prefilter_scratch *sc,
    const struct needle *nd, const char *text, size_t i)
{
	const struct unit	*u;
	unsigned char		*n;
	long			 at;

	if (nd->lead < 0) {
		sc->set_hit[nd->id] = 1;
		u = &pf->units[pf->set_unit[nd->id]];
		if (++sc->unit_hits[pf->set_unit[nd->id]] == u->nsets)
			sc->run[u->pattern] = 1;
		return;
	}
	if ((at = starts_back(text, i, (unsigned)nd->lead)) < 0)
		return;
	n = &sc->nstart[nd->id];
	if (*n < PREFILTER_STARTS)
		sc->start_at[nd->id * PREFILTER_STARTS + *n] = (unsigned)at;
	if (*n <= PREFILTER_STARTS)
		(*n)++;
}

void
prefilter_scan(const struct prefilter *pf, struct prefilter_scratch *sc,
    const char *text, size_t len)
{
	const struct table	*t;
	const struct needle	*nd, *end;
	size_t			 i;
	unsigned		 k, kl;
	int			 ti;

	memset(sc->set_hit, 0, pf->nsets);
	memset(sc->unit_hits, 0, pf->nunits * sizeof(*sc->unit_hits));
	memset(sc->nstart, 0, pf->nunits);
	memcpy(sc->run, pf->always, pf->npatterns);
	for (i = 0; i < len; i++) {
		/* Needles begin where characters do. */
		if (((unsigned char)text[i] & 0xc0) == 0x80)
			continue;
		for (ti = 0; ti < TABLES; ti++) {
			t = &pf->t[ti];
			kl = keylen(ti);
			if (t->n == 0 || i + kl > len)
				continue;
			k = key(text + i, kl);
			nd = t->needles + t->head[k];
			end = t->needles + t->head[k + 1];
			for (; nd < end; nd++) {
				if (nd->lead < 0 && sc->set_hit[nd->id])
					continue;
				if (occurs(nd, text, i, len))
					found(pf, sc, nd, text, i);
			}
		}
	}
}

/* Appends v to the growing array. */
static void
push(unsigned **pos, size_t *n, size_t *cap, unsigned v)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*pos = xreallocarray(*pos, *cap, sizeof(**pos));
	}
	(*pos)[(*n)++] = v;
}

/* Sorts pos[0..*n) and drops repeats (few: an insertion sort). */
static void
sort_once(unsigned *pos, size_t *n)
{
	size_t		k, j, m;
	unsigned	v;

	for (k = 1, j = *n > 0; k < *n; k++) {
		v = pos[k];
		for (m = j; m > 0 && pos[m - 1] > v; m--)
			pos[m] = pos[m - 1];
		if (m > 0 && pos[m - 1] == v) {
			memmove(pos + m, pos + m + 1, (j - m) * sizeof(*pos));
			continue;
		}
		pos[m] = v;
		j++;
	}
	*n = j;
}

int
prefilter_places(const struct prefilter *pf,
    const struct prefilter_scratch *sc, size_t i, const char *text,
    size_t len, unsigned **pos, size_t *n, size_t *cap)
{
	const struct unit	*u;
	size_t			 k, j;

	*n = 0;
	if (!sc->run[i])
		return 0;
	if (!pf->anchored[i])
		return 1;
	for (k = pf->first[i]; k < pf->first[i] + pf->count[i]; k++) {
		u = &pf->units[k];
		if (sc->unit_hits[k] < u->nsets)
			continue;
		if (sc->nstart[k] > PREFILTER_STARTS)
			starts_find(&u->starts, text, len, pos, n, cap);
		else
			for (j = 0; j < sc->nstart[k]; j++)
				push(pos, n, cap,
				    sc->start_at[k * PREFILTER_STARTS + j]);
	}
	sort_once(*pos, n);
	return *n > 0;
}

int
prefilter_find(const struct prefilter *pf, size_t i, const char *text,
    size_t len, unsigned **pos, size_t *n, size_t *cap)
{
	size_t	k;

	*n = 0;
	if (i >= pf->npatterns || !pf->anchored[i])
		return 0;
	for (k = pf->first[i]; k < pf->first[i] + pf->count[i]; k++)
		starts_find(&pf->units[k].starts, text, len, pos, n, cap);
	sort_once(*pos, n);
	return 1;
}

int
prefilter_may(const struct prefilter_scratch *sc, size_t i)
{
	return sc->run[i];
}

size_t
prefilter_filtered(const struct prefilter *pf)
{
	return pf->filtered;
}

size_t
prefilter_size(const struct prefilter *pf)
{
	return pf->npatterns;
}
