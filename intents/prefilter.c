/*
 * One pass over a message finds every needle and start of every pattern
 * (needles.h): a pattern is worth running when one of its units has all
 * the sets it needs, and an anchored pattern is tried only where one of
 * those units may start.
 *
 * Many patterns share needles ("заявлени", "в"): each distinct string is
 * looked for once, and knows the sets it hits and the branches that may
 * start there.  Strings of 2, 3, 4-5, 6-7 and 8 or more bytes live in
 * five tables keyed by a hash of their first 2, 3, 4, 6 or 8 bytes
 * (Cyrillic text has few distinct 2-byte prefixes, one letter, so longer
 * keys keep each bucket short).  Only offsets where a character begins are
 * looked up, and a string's first eight bytes are compared as one word
 * before anything else.  Two bitmaps say first whether any string at all
 * may begin at an offset (by its first two bytes for strings shorter than
 * four, by a hash of its first four for the others): most offsets of a
 * message begin none, and the six tables are looked up only where one may.
 */
#include "intents/prefilter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intents/needles.h"
#include "intents/starts.h"
#include "lib/xmalloc.h"

/* A needle or a start as registered, before strings are made distinct. */
struct use {
	char		*s;
	size_t		 len;
	unsigned	 id;		/* its set's, or its unit's (a start) */
	int		 start;		/* 0: a set's needle; 1: a start … */
	unsigned	 lead;		/* … this many characters in (starts.h)
					   … */
	unsigned	 k;		/* … the unit's k-th */
};

/* One distinct string and who wants to know where it occurs. */
struct str {
	char		*s;
	size_t		 len;
	unsigned	*sets;		/* sets it is a needle of */
	size_t		 nsets;
	int		 starts;	/* some branch may start there */
};

/* A string's entry in a table. */
struct entry {
	uint64_t	 head;		/* its first (up to) 8 bytes … */
	uint64_t	 mask;		/* … and which of them count */
	size_t		 len;
	unsigned	 str;
};

#define TABLES		6
#define KEY_BITS	12
#define KEYS		(1u << KEY_BITS)

struct table {
	struct entry	*entries;
	size_t		 n;
	unsigned	*head;		/* KEYS + 1 bucket starts */
	uint64_t	 mask;		/* the bytes of its key (mask_of) */
};

/* Where a branch may start: lead characters before a string. */
struct ustart {
	unsigned	 str;		/* BOF: the beginning of the text */
	unsigned	 lead;
};
#define BOF	((unsigned)-1)

struct unit {
	size_t		 pattern;
	size_t		 nsets;		/* sets it needs */
	struct starts	 starts;	/* n == 0: anywhere */
	struct ustart	*ustarts;	/* the same, by string */
};

struct prefilter {
	size_t		 npatterns;
	struct table	 t[TABLES];
	int		 live[TABLES];	/* the tables with strings, shortest
					   keys first */
	int		 nlive;
	struct use	*uses;		/* until prefilter_build */
	size_t		 nuses;
	struct str	*strs;
	size_t		 nstrs;
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
	uint64_t	*short2;	/* bit per first two bytes of a
					   string of 1-3 bytes (one byte:
					   whatever follows) */
	uint64_t	*long4;		/* bit per hash of the first four
					   bytes of a longer one */
};

struct prefilter_scratch {
	unsigned char	*seen;		/* per string: found */
	unsigned char	*nat;		/* per string: offsets noted, one
					   more than PREFILTER_STARTS: too
					   many */
	unsigned	*at;		/* [str * PREFILTER_STARTS] */
	unsigned	*unit_hits;	/* per unit: its sets hit */
	unsigned char	*run;		/* per pattern */
	unsigned	*ran;		/* patterns the scan set run of, that
					   do not always run */
	size_t		 nran;
	unsigned	*touched;	/* strings found, to clear … */
	size_t		 ntouched;
	unsigned	*utouched;	/* … and units hit */
	size_t		 nutouched;
};

/* Table t holds strings of at least keylen[t] bytes, keyed by that many. */
static const unsigned keylen[TABLES] = { 1, 2, 3, 4, 6, 8 };

static int
table_of(size_t len)
{
	int	t = TABLES - 1;

	while (t > 0 && keylen[t] > len)
		t--;
	return t;
}

/*
 * The bucket of the first len bytes of s: those bytes as a word (the rest
 * zero) times an odd constant, the top bits.  The scan loads eight bytes
 * once per place and masks them for each table: a multiplication a table
 * instead of a hash step a byte (a fifth of a classify was this scan).
 */
static unsigned
key_word(uint64_t v)
{
	return (unsigned)((v * UINT64_C(0x9e3779b97f4a7c15)) >>
	    (64 - KEY_BITS));
}

/* A word of the first n bytes' positions all ones, as load8 lays them. */
static uint64_t
mask_of(unsigned n)
{
	unsigned char	b[8] = { 0 };
	uint64_t	m;

	memset(b, 0xff, n < 8 ? n : 8);
	memcpy(&m, b, sizeof(m));
	return m;
}

#define BITMAP_BITS	16
#define BIT_SET(m, b)	((m)[(b) >> 6] |= UINT64_C(1) << ((b) & 63))
#define BIT_HAS(m, b)	(((m)[(b) >> 6] >> ((b) & 63)) & 1)

/* The bit of a string's first two bytes, s[0..2). */
static unsigned
key2(const char *s)
{
	return (unsigned char)s[0] | (unsigned)(unsigned char)s[1] << 8;
}

/* The bit of a longer string's first four bytes: v as load8 lays them,
 * masked by mask_of(4). */
static unsigned
key4(uint64_t v)
{
	return (unsigned)((v * UINT64_C(0x9e3779b97f4a7c15)) >>
	    (64 - BITMAP_BITS));
}

static unsigned
key(const char *s, unsigned len)
{
	uint64_t	v = 0;

	memcpy(&v, s, len < 8 ? len : 8);
	return key_word(v);
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

/* Registers a needle or a start (copied); made distinct at build. */
static void
add_use(struct prefilter *pf, const char *s, size_t len, unsigned id,
    int start, unsigned lead, unsigned k)
{
	struct use	*u;

	if (len < 1)
		return;
	pf->uses = xgrow(pf->uses, pf->nuses, sizeof(*pf->uses));
	u = &pf->uses[pf->nuses++];
	u->s = xstrndup(s, len);
	u->len = len;
	u->id = id;
	u->start = start;
	u->lead = lead;
	u->k = k;
}

int
prefilter_add(struct prefilter *pf, size_t i, const char *pattern)
{
	struct needle_unit	*nu;
	size_t			 n;

	if (i >= pf->npatterns || (n = needles_units(pattern, &nu)) == 0)
		return 0;
	return prefilter_add_units(pf, i, nu, n);
}

int
prefilter_add_units(struct prefilter *pf, size_t i, struct needle_unit *nu,
    size_t n)
{
	struct unit		*u;
	size_t			 k, j, m;
	int			 anchored = 1;

	if (i >= pf->npatterns || n == 0) {
		needles_units_free(nu, n);
		return 0;
	}
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
		u->ustarts = NULL;
		memset(&nu[k].starts, 0, sizeof(nu[k].starts));
		if (u->nsets == 0)
			pf->always[i] = 1;
		if (u->starts.n == 0)
			anchored = 0;
		for (j = 0; j < nu[k].nsets; j++) {
			/* A set with a needle too short to look up would
			 * never be hit: the unit does without it. */
			for (m = 0; nu[k].sets[j][m] != NULL; m++)
				if (nu[k].sets[j][m][0] == 0)
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
				add_use(pf, nu[k].sets[j][m],
				    strlen(nu[k].sets[j][m]),
				    (unsigned)pf->nsets, 0, 0, 0);
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
				add_use(pf, u->starts.v[j].s,
				    u->starts.v[j].len,
				    (unsigned)(pf->first[i] + k), 1,
				    u->starts.v[j].lead, (unsigned)j);
		}
	if (!pf->always[i] || anchored)
		pf->filtered++;
	return anchored;
}

static unsigned	sort_keylen;	/* only during prefilter_build's qsorts */

static int
cmp_use(const void *a, const void *b)
{
	const struct use	*x = a, *y = b;
	int			 c;

	c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
	if (c != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct entry	*x = a, *y = b;
	unsigned		 kx, ky;

	kx = key((const char *)&x->head, sort_keylen);
	ky = key((const char *)&y->head, sort_keylen);
	return kx < ky ? -1 : kx > ky;
}

/* The uses, sorted, become distinct strings; each branch's starts point
 * at theirs. */
static void
make_strings(struct prefilter *pf)
{
	struct use	*u;
	struct str	*st = NULL;
	struct unit	*un;
	size_t		 i, k;

	if (pf->nuses > 1)
		qsort(pf->uses, pf->nuses, sizeof(*pf->uses), cmp_use);
	pf->strs = xcalloc(pf->nuses + 1, sizeof(*pf->strs));
	for (i = 0; i < pf->nunits; i++) {
		un = &pf->units[i];
		un->ustarts = xcalloc(un->starts.n + 1, sizeof(*un->ustarts));
		/* The beginning of the text is no string to look for. */
		for (k = 0; k < un->starts.n; k++)
			if (un->starts.v[k].len == 0)
				un->ustarts[k].str = BOF;
	}
	for (i = 0; i < pf->nuses; i++) {
		u = &pf->uses[i];
		if (st == NULL || st->len != u->len ||
		    memcmp(st->s, u->s, u->len) != 0) {
			st = &pf->strs[pf->nstrs++];
			st->s = u->s;
			st->len = u->len;
		} else
			free(u->s);
		if (!u->start) {
			st->sets = xgrow(st->sets, st->nsets,
			    sizeof(*st->sets));
			st->sets[st->nsets++] = u->id;
		} else {
			un = &pf->units[u->id];
			st->starts = 1;
			un->ustarts[u->k].str = (unsigned)(st - pf->strs);
			un->ustarts[u->k].lead = u->lead;
		}
	}
	free(pf->uses);
	pf->uses = NULL;
	pf->nuses = 0;
}

void
prefilter_build(struct prefilter *pf)
{
	struct table	*t;
	struct entry	*e;
	struct str	*st;
	char		 b[8];
	size_t		 i;
	unsigned	 k;
	int		 ti;

	make_strings(pf);
	pf->short2 = xcalloc((1u << BITMAP_BITS) / 64, sizeof(uint64_t));
	pf->long4 = xcalloc((1u << BITMAP_BITS) / 64, sizeof(uint64_t));
	for (i = 0; i < pf->nstrs; i++) {
		uint64_t	w = 0;

		st = &pf->strs[i];
		memcpy(&w, st->s, st->len < 4 ? st->len : 4);
		if (st->len >= 4)
			BIT_SET(pf->long4, key4(w));
		else if (st->len >= 2)
			BIT_SET(pf->short2, key2(st->s));
		else
			for (k = 0; k < 256; k++)
				BIT_SET(pf->short2,
				    (unsigned char)st->s[0] | k << 8);
	}
	for (i = 0; i < pf->nstrs; i++) {
		st = &pf->strs[i];
		t = &pf->t[table_of(st->len)];
		t->entries = xgrow(t->entries, t->n,
		    sizeof(*t->entries));
		e = &t->entries[t->n++];
		memset(b, 0, sizeof(b));
		memcpy(b, st->s, st->len < 8 ? st->len : 8);
		memcpy(&e->head, b, 8);
		memset(b, 0, sizeof(b));
		memset(b, 0xff, st->len < 8 ? st->len : 8);
		memcpy(&e->mask, b, 8);
		e->len = st->len;
		e->str = (unsigned)i;
	}
	for (ti = 0; ti < TABLES; ti++) {
		t = &pf->t[ti];
		sort_keylen = keylen[ti];
		if (t->n > 1)
			qsort(t->entries, t->n, sizeof(*t->entries),
			    cmp_entry);
		/* Bucket starts: head[k] = first entry with key >= k. */
		t->head = xcalloc(KEYS + 1, sizeof(*t->head));
		for (i = 0; i < t->n; i++)
			t->head[key((const char *)&t->entries[i].head,
			    keylen[ti]) + 1]++;
		for (k = 1; k <= KEYS; k++)
			t->head[k] += t->head[k - 1];
		t->mask = mask_of(keylen[ti]);
		if (t->n > 0)
			pf->live[pf->nlive++] = ti;
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
		free(pf->t[ti].entries);
		free(pf->t[ti].head);
	}
	for (i = 0; i < pf->nuses; i++)
		free(pf->uses[i].s);
	free(pf->uses);
	for (i = 0; i < pf->nstrs; i++) {
		free(pf->strs[i].s);
		free(pf->strs[i].sets);
	}
	free(pf->strs);
	for (i = 0; i < pf->nunits; i++) {
		starts_clear(&pf->units[i].starts);
		free(pf->units[i].ustarts);
	}
	free(pf->units);
	free(pf->set_unit);
	free(pf->first);
	free(pf->count);
	free(pf->always);
	free(pf->anchored);
	free(pf->short2);
	free(pf->long4);
	free(pf);
	*pfp = NULL;
}

struct prefilter_scratch *
prefilter_scratch_new(const struct prefilter *pf)
{
	struct prefilter_scratch	*sc;

	sc = xcalloc(1, sizeof(*sc));
	sc->seen = xcalloc(pf->nstrs + 1, 1);
	sc->nat = xcalloc(pf->nstrs + 1, 1);
	sc->at = xcalloc(pf->nstrs + 1, PREFILTER_STARTS * sizeof(*sc->at));
	sc->unit_hits = xcalloc(pf->nunits + 1, sizeof(*sc->unit_hits));
	sc->run = xcalloc(pf->npatterns + 1, 1);
	sc->ran = xcalloc(pf->npatterns + 1, sizeof(*sc->ran));
	sc->touched = xcalloc(pf->nstrs + 1, sizeof(*sc->touched));
	sc->utouched = xcalloc(pf->nunits + 1, sizeof(*sc->utouched));
	return sc;
}

void
prefilter_scratch_free(struct prefilter_scratch **scp)
{
	struct prefilter_scratch	*sc = *scp;

	if (sc == NULL)
		return;
	free(sc->seen);
	free(sc->nat);
	free(sc->at);
	free(sc->unit_hits);
	free(sc->run);
	free(sc->ran);
	free(sc->touched);
	free(sc->utouched);
	free(sc);
	*scp = NULL;
}

/* Whether e's string occurs at text[i..len). */
static int
occurs(const struct prefilter *pf, const struct entry *e, const char *text,
    size_t i, size_t len)
{
	if (e->len > len - i)
		return 0;
	if (i + 8 <= len) {
		if ((load8(text + i) & e->mask) != e->head)
			return 0;
		return e->len <= 8 || memcmp(text + i + 8,
		    pf->strs[e->str].s + 8, e->len - 8) == 0;
	}
	return memcmp(text + i, pf->strs[e->str].s, e->len) == 0;
}

/* What finding string k at offset i tells. */
static void
found(const struct prefilter *pf, struct prefilter_scratch *sc, unsigned k,
    size_t i)
{
	const struct str	*st = &pf->strs[k];
	const struct unit	*u;
	unsigned		 un;
	size_t			 j;

	if (!sc->seen[k]) {
		sc->seen[k] = 1;
		sc->touched[sc->ntouched++] = k;
		for (j = 0; j < st->nsets; j++) {
			un = pf->set_unit[st->sets[j]];
			u = &pf->units[un];
			if (sc->unit_hits[un]++ == 0)
				sc->utouched[sc->nutouched++] = un;
			if (sc->unit_hits[un] == u->nsets &&
			    !sc->run[u->pattern]) {
				sc->run[u->pattern] = 1;
				sc->ran[sc->nran++] = (unsigned)u->pattern;
			}
		}
	}
	if (!st->starts)
		return;
	if (sc->nat[k] < PREFILTER_STARTS)
		sc->at[(size_t)k * PREFILTER_STARTS + sc->nat[k]] =
		    (unsigned)i;
	if (sc->nat[k] <= PREFILTER_STARTS)
		sc->nat[k]++;
}

void
prefilter_scan(const struct prefilter *pf, struct prefilter_scratch *sc,
    const char *text, size_t len)
{
	const struct table	*t;
	const struct entry	*e, *end;
	size_t			 i, b;
	uint64_t		 v, m4 = mask_of(4);
	unsigned		 h;
	int			 k, nt;

	/* Only what the last scan touched needs clearing. */
	for (i = 0; i < sc->ntouched; i++)
		sc->seen[sc->touched[i]] = sc->nat[sc->touched[i]] = 0;
	for (i = 0; i < sc->nutouched; i++)
		sc->unit_hits[sc->utouched[i]] = 0;
	sc->ntouched = sc->nutouched = sc->nran = 0;
	memcpy(sc->run, pf->always, pf->npatterns);
	for (i = 0; i < len; i++) {
		/* Strings begin where characters do. */
		if (((unsigned char)text[i] & 0xc0) == 0x80)
			continue;
		/* The (up to) 8 bytes from here, b of them. */
		if (i + 8 <= len) {
			v = load8(text + i);
			b = 8;
		} else {
			v = 0;
			b = len - i;
			memcpy(&v, text + i, b);
		}
		/* No string begins with these bytes: nothing to look up. */
		if (b >= 4 && !BIT_HAS(pf->short2, key2(text + i)) &&
		    !BIT_HAS(pf->long4, key4(v & m4)))
			continue;
		/* The tables whose keys fit in what is left: all but at the
		 * end of the text. */
		for (nt = pf->nlive; nt > 0 && keylen[pf->live[nt - 1]] > b;
		    nt--)
			;
		for (k = 0; k < nt; k++) {
			t = &pf->t[pf->live[k]];
			h = key_word(v & t->mask);
			e = t->entries + t->head[h];
			end = t->entries + t->head[h + 1];
			for (; e < end; e++) {
				if (sc->seen[e->str] &&
				    !pf->strs[e->str].starts)
					continue;
				if (occurs(pf, e, text, i, len))
					found(pf, sc, e->str, i);
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

static int
cmp_unsigned(const void *a, const void *b)
{
	unsigned	x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

/* Sorts pos[0..*n) and drops repeats: an insertion sort for the few
 * places of most messages, qsort for the many of a crafted one. */
static void
sort_once(unsigned *pos, size_t *n)
{
	size_t		k, j, m;
	unsigned	v;

	if (*n > 32) {
		qsort(pos, *n, sizeof(*pos), cmp_unsigned);
		for (k = 1, j = 1; k < *n; k++)
			if (pos[k] != pos[j - 1])
				pos[j++] = pos[k];
		*n = j;
		return;
	}
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

/* Appends where string us->str (noted by the scan) puts starts. */
static void
unit_start(const struct prefilter *pf, const struct prefilter_scratch *sc,
    const struct ustart *us, const char *text, size_t len, unsigned **pos,
    size_t *n, size_t *cap)
{
	const struct str	*st = &pf->strs[us->str];
	struct starts		 one;
	struct start		 s1;
	size_t			 j, floor = 0;

	if (sc->nat[us->str] > PREFILTER_STARTS) {
		/* Too many to note: looked up whole. */
		s1.s = st->s;
		s1.len = st->len;
		s1.lead = us->lead;
		one.v = &s1;
		one.n = 1;
		starts_find(&one, text, len, pos, n, cap);
		return;
	}
	/* Noted in increasing order. */
	for (j = 0; j < sc->nat[us->str]; j++)
		starts_place(text, sc->at[(size_t)us->str * PREFILTER_STARTS +
		    j], us->lead, &floor, pos, n, cap);
}

/* Appends the places unit u (number k) may start at, when the scan found
 * every set it needs. */
static void
unit_places(const struct prefilter *pf, const struct prefilter_scratch *sc,
    size_t k, const char *text, size_t len, unsigned **pos, size_t *n,
    size_t *cap)
{
	const struct unit	*u = &pf->units[k];
	size_t			 j;

	if (sc->unit_hits[k] < u->nsets)
		return;
	for (j = 0; j < u->starts.n; j++)
		if (u->ustarts[j].str == BOF)
			push(pos, n, cap, 0);
		else if (sc->seen[u->ustarts[j].str])
			unit_start(pf, sc, &u->ustarts[j], text, len, pos, n,
			    cap);
}

int
prefilter_places(const struct prefilter *pf,
    const struct prefilter_scratch *sc, size_t i, const char *text,
    size_t len, unsigned **pos, size_t *n, size_t *cap)
{
	size_t	k;

	*n = 0;
	if (!sc->run[i])
		return 0;
	if (!pf->anchored[i])
		return 1;
	for (k = pf->first[i]; k < pf->first[i] + pf->count[i]; k++)
		unit_places(pf, sc, k, text, len, pos, n, cap);
	sort_once(*pos, n);
	return *n > 0;
}

int
prefilter_unit_places(const struct prefilter *pf,
    const struct prefilter_scratch *sc, size_t i, size_t k,
    const char *text, size_t len, unsigned **pos, size_t *n, size_t *cap)
{
	*n = 0;
	if (!sc->run[i] || !pf->anchored[i] || k >= pf->count[i])
		return 0;
	k += pf->first[i];
	/* Most branches of a pattern worth running are not: said first. */
	if (sc->unit_hits[k] < pf->units[k].nsets)
		return 0;
	unit_places(pf, sc, k, text, len, pos, n, cap);
	if (*n > 1)
		sort_once(*pos, n);
	return *n > 0;
}

size_t
prefilter_units(const struct prefilter *pf, size_t i)
{
	return i < pf->npatterns ? pf->count[i] : 0;
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

int
prefilter_always(const struct prefilter *pf, size_t i)
{
	return i < pf->npatterns && pf->always[i];
}

size_t
prefilter_ran(const struct prefilter_scratch *sc, const unsigned **items)
{
	*items = sc->ran;
	return sc->nran;
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
