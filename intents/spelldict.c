/*
 * Reading hunspell's dictionary and judging words by it (see spelldict.h
 * for what is read and why not through libhunspell).
 */
#include "intents/spelldict.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/files.h"
#include "lib/limits.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

/* Elements of a rule's condition ("[^аеиоуыэюя]ть" is three; hunspell-ru
 * has eight at most). */
#define COND_MAX	12
/* Bytes of a strip or an add (hunspell-ru's longest: 8 letters, 16). */
#define ADD_MAX_BYTES	64

/* One element of a condition: a letter, any letter, or a class. */
struct cond_el {
	char	*set;		/* letters of a class; NULL: any, or one */
	int	 negate;	/* [^...] */
	char	 one[5];	/* a single letter; "" none */
};

struct rule {
	unsigned char	 flag;
	char		*strip;		/* "" none */
	size_t		 striplen;
	char		*add;		/* "" none */
	size_t		 addlen;
	struct cond_el	 cond[COND_MAX];
	size_t		 ncond;
	size_t		 next;		/* next rule with the same add, or
					   SIZE_MAX */
};

/* The rules of one add (hunspell-ru has 618 adds for 1,606 rules). */
struct add_slot {
	const char	*add;		/* NULL: empty slot */
	size_t		 len;
	size_t		 first;		/* rule index */
};

struct spelldict {
	char		*text;		/* "root\0flags\0" of every root */
	uint32_t	*slot;		/* roots' hash: offset + 1, 0 empty */
	size_t		 nslots;
	size_t		 nroots;
	struct rule	*rules;
	size_t		 nrules;
	struct add_slot	*adds;
	size_t		 nadds;		/* slots, a power of two */
	size_t		 maxadd;	/* bytes of the longest add */
};

struct reader {
	const char	*path;
	size_t		 line;
	char		**errstr_r;
};

static int
fail(struct reader *r, const char *what)
{
	*r->errstr_r = xasprintf("%s:%zu: %s", r->path, r->line, what);
	return -1;
}

/* The n-th white-space separated field of line[0..len) in *f_r; returns
 * its length, 0 when there is none. */
static size_t
field(const char *line, size_t len, int n, const char **f_r)
{
	size_t	i = 0, start;

	for (;;) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		if (start == i)
			return 0;
		if (n-- == 0) {
			*f_r = line + start;
			return i - start;
		}
	}
}

static int
is(const char *f, size_t len, const char *word)
{
	return len == strlen(word) && memcmp(f, word, len) == 0;
}

/* Bytes of the UTF-8 character at s[0..len). */
static size_t
char_len(const char *s, size_t len)
{
	size_t	n = 1;

	while (n < len && ((unsigned char)s[n] & 0xc0) == 0x80)
		n++;
	return n;
}

/* Compiles a condition ("." any; a letter; "[..]" or "[^..]"). */
static int
read_cond(struct reader *r, struct rule *ru, const char *c, size_t len)
{
	struct cond_el	*el;
	const char	*end;
	size_t		 i = 0, n;

	if (len == 1 && c[0] == '.')
		return 0;		/* no condition */
	while (i < len) {
		if (ru->ncond == COND_MAX)
			return fail(r, "condition too long");
		el = &ru->cond[ru->ncond++];
		if (c[i] == '.') {
			i++;
			continue;
		}
		if (c[i] == '[') {
			if ((end = memchr(c + i, ']', len - i)) == NULL)
				return fail(r, "condition: '[' without ']'");
			i++;
			if (i < len && c[i] == '^') {
				el->negate = 1;
				i++;
			}
			el->set = xstrndup(c + i, (size_t)(end - (c + i)));
			i = (size_t)(end - c) + 1;
			continue;
		}
		n = char_len(c + i, len - i);
		if (n >= sizeof(el->one))
			return fail(r, "condition: not UTF-8");
		memcpy(el->one, c + i, n);
		i += n;
	}
	return 0;
}

/* Whether the character ch[0..n) is one of set's. */
static int
in_set(const char *set, const char *ch, size_t n)
{
	const char	*p = set;
	size_t		 m;

	while (*p != '\0') {
		m = char_len(p, strlen(p));
		if (m == n && memcmp(p, ch, n) == 0)
			return 1;
		p += m;
	}
	return 0;
}

/* Whether base[0..len) ends as the rule's condition says. */
static int
cond_ok(const struct rule *ru, const char *base, size_t len)
{
	const struct cond_el	*el;
	size_t			 i, at = len, n;

	for (i = ru->ncond; i > 0; i--) {
		el = &ru->cond[i - 1];
		if (at == 0)
			return 0;
		n = 1;
		while (n < at && ((unsigned char)base[at - n] & 0xc0) == 0x80)
			n++;
		at -= n;
		if (el->set != NULL ?
		    in_set(el->set, base + at, n) == el->negate :
		    el->one[0] != '\0' && (strlen(el->one) != n ||
		    memcmp(el->one, base + at, n) != 0))
			return 0;
	}
	return 1;
}

static struct add_slot *
add_find(const struct spelldict *d, const char *add, size_t len)
{
	size_t	k = text_hash(add, len) & (d->nadds - 1);

	for (; d->adds[k].add != NULL; k = (k + 1) & (d->nadds - 1))
		if (d->adds[k].len == len &&
		    memcmp(d->adds[k].add, add, len) == 0)
			break;
	return &d->adds[k];
}

/* Directives that change which words are words in ways not read here. */
static const char *const refused[] = {
	"PFX", "FLAG", "AF", "AM", "NEEDAFFIX", "PSEUDOROOT",
	"FORBIDDENWORD", "ONLYINCOMPOUND", "CIRCUMFIX", "KEEPCASE",
	"IGNORE", "ICONV", "FULLSTRIP", "COMPLEXPREFIXES", "COMPOUNDFLAG",
	"COMPOUNDBEGIN", "COMPOUNDMIDDLE", "COMPOUNDEND", "COMPOUNDRULE",
	"CHECKSHARPS", "SUBSTANDARD", "LEMMA_PRESENT",
};

static int
read_aff_line(struct spelldict *d, struct reader *r, const char *line,
    size_t llen)
{
	struct rule	*ru;
	const char	*f, *strip, *add, *cond;
	size_t		 flen, slen, alen, clen, i;

	if ((flen = field(line, llen, 0, &f)) == 0 || f[0] == '#')
		return 0;
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (is(f, flen, refused[i])) {
			*r->errstr_r = xasprintf("%s:%zu: %s is not "
			    "supported (hotline reads dictionaries of "
			    "suffixes only, as hunspell-ru's)", r->path,
			    r->line, refused[i]);
			return -1;
		}
	if (is(f, flen, "SET")) {
		if ((flen = field(line, llen, 1, &f)) == 0 ||
		    !is(f, flen, "UTF-8"))
			return fail(r, "only UTF-8 dictionaries are read");
		return 0;
	}
	/* "SFX A Y 12" heads a flag's rules: it has no condition. */
	if (!is(f, flen, "SFX") || field(line, llen, 4, &cond) == 0)
		return 0;
	if (field(line, llen, 1, &f) != 1)
		return fail(r, "an affix flag of one character expected");
	slen = field(line, llen, 2, &strip);
	alen = field(line, llen, 3, &add);
	clen = field(line, llen, 4, &cond);
	if (memchr(add, '/', alen) != NULL)
		return fail(r, "affixes with flags of their own are not "
		    "supported");
	if (slen == 1 && strip[0] == '0')
		slen = 0;
	if (alen == 1 && add[0] == '0')
		alen = 0;
	if (alen > ADD_MAX_BYTES || slen > ADD_MAX_BYTES)
		return fail(r, "affix too long");
	d->rules = xgrow(d->rules, d->nrules, sizeof(*d->rules));
	ru = &d->rules[d->nrules];
	memset(ru, 0, sizeof(*ru));
	ru->flag = (unsigned char)f[0];
	ru->strip = xstrndup(strip, slen);
	ru->striplen = slen;
	ru->add = xstrndup(add, alen);
	ru->addlen = alen;
	d->nrules++;
	return read_cond(r, ru, cond, clen);
}

static void
index_adds(struct spelldict *d)
{
	struct add_slot	*a;
	size_t		 i;

	d->nadds = 64;
	while (d->nadds < d->nrules * 2)
		d->nadds *= 2;
	d->adds = xcalloc(d->nadds, sizeof(*d->adds));
	/* Backwards, so each add's list is in file order. */
	for (i = d->nrules; i > 0; i--) {
		a = add_find(d, d->rules[i - 1].add, d->rules[i - 1].addlen);
		if (a->add == NULL) {
			a->add = d->rules[i - 1].add;
			a->len = d->rules[i - 1].addlen;
			d->rules[i - 1].next = SIZE_MAX;
		} else
			d->rules[i - 1].next = a->first;
		a->first = i - 1;
		if (a->len > d->maxadd)
			d->maxadd = a->len;
	}
}

static int
read_aff(struct spelldict *d, const char *path, const char *buf, size_t len,
    char **errstr_r)
{
	struct reader	 r = { path, 0, errstr_r };
	const char	*line;
	size_t		 pos = 0, llen;
	int		 rc = 0;

	while (rc == 0 && text_next_line(buf, len, &pos, &line, &llen)) {
		r.line++;
		if (llen > LIMIT_DICT_LINE_BYTES)
			rc = fail(&r, "line too long");
		else if (memchr(line, '\0', llen) != NULL)
			rc = fail(&r, "a NUL byte");
		else
			rc = read_aff_line(d, &r, line, llen);
	}
	if (rc == 0)
		index_adds(d);
	return rc;
}

/* Where root[0..len) is, or would go, in the roots' hash; *from is the
 * slot to start at (the next homonym is after the last one found). */
static size_t
root_slot(const struct spelldict *d, const char *root, size_t len,
    size_t from, int *found)
{
	const char	*t;
	size_t		 k;

	for (k = from; d->slot[k] != 0; k = (k + 1) & (d->nslots - 1)) {
		t = d->text + d->slot[k] - 1;
		if (strncmp(t, root, len) == 0 && t[len] == '\0') {
			*found = 1;
			return k;
		}
	}
	*found = 0;
	return k;
}

static int
read_dic(struct spelldict *d, const char *path, const char *buf, size_t len,
    char **errstr_r)
{
	struct reader	 r = { path, 0, errstr_r };
	const char	*line, *flags;
	size_t		 pos = 0, llen, o = 0, k, rlen, flen, nl;
	int		 found, rc = 0;

	/* "root/FLAGS\n" becomes "root\0FLAGS\0": at most a byte longer
	 * a line ("root\n").  The first line is a count, a guess only. */
	d->text = xmalloc(len + len / 2 + 2);
	for (nl = 0, line = buf; (line = memchr(line, '\n',
	    len - (size_t)(line - buf))) != NULL; line++)
		nl++;
	/* At most two thirds full: 262,144 slots (1 MB) for hunspell-ru. */
	d->nslots = 1024;
	while (d->nslots < (nl + 1) + (nl + 1) / 2)
		d->nslots *= 2;
	d->slot = xcalloc(d->nslots, sizeof(*d->slot));
	r.line = 1;
	if (!text_next_line(buf, len, &pos, &line, &llen))
		rc = fail(&r, "empty");
	else if (len + len / 2 + 2 >= UINT32_MAX)
		rc = fail(&r, "too large");
	while (rc == 0 && text_next_line(buf, len, &pos, &line, &llen)) {
		r.line++;
		if (llen > LIMIT_DICT_LINE_BYTES) {
			rc = fail(&r, "line too long");
			break;
		}
		/* Roots are compared as strings. */
		if (memchr(line, '\0', llen) != NULL) {
			rc = fail(&r, "a NUL byte");
			break;
		}
		/* A root ends at '/', or at white space (fields of its
		 * morphology, not read). */
		for (rlen = 0; rlen < llen && line[rlen] != '/' &&
		    line[rlen] != ' ' && line[rlen] != '\t'; rlen++)
			;
		if (rlen == 0)
			continue;
		flags = line + rlen + 1;
		for (flen = 0; rlen < llen && line[rlen] == '/' &&
		    rlen + 1 + flen < llen && flags[flen] != ' ' &&
		    flags[flen] != '\t'; flen++)
			;
		/* Homonyms: each its own entry, after the others. */
		k = text_hash(line, rlen) & (d->nslots - 1);
		for (;;) {
			k = root_slot(d, line, rlen, k, &found);
			if (!found)
				break;
			k = (k + 1) & (d->nslots - 1);
		}
		d->slot[k] = (uint32_t)o + 1;
		memcpy(d->text + o, line, rlen);
		o += rlen;
		d->text[o++] = '\0';
		memcpy(d->text + o, flags, flen);
		o += flen;
		d->text[o++] = '\0';
		d->nroots++;
	}
	d->text = xreallocarray(d->text, o + 1, 1);
	return rc;
}

struct spelldict *
spelldict_parse(const char *affname, const char *aff, size_t afflen,
    const char *dicname, const char *dic, size_t diclen, char **errstr_r)
{
	struct spelldict	*d;

	if (afflen > LIMIT_DICT_FILE_BYTES || diclen > LIMIT_DICT_FILE_BYTES) {
		*errstr_r = xasprintf("%s: larger than %d bytes",
		    afflen > LIMIT_DICT_FILE_BYTES ? affname : dicname,
		    LIMIT_DICT_FILE_BYTES);
		return NULL;
	}
	d = xcalloc(1, sizeof(*d));
	if (read_aff(d, affname, aff, afflen, errstr_r) == -1 ||
	    read_dic(d, dicname, dic, diclen, errstr_r) == -1)
		spelldict_free(&d);
	return d;
}

struct spelldict *
spelldict_open(const char *aff, const char *dic, char **errstr_r)
{
	struct spelldict	*d = NULL;
	char			*abuf = NULL, *dbuf = NULL;
	size_t			 alen, dlen;

	if (files_read(aff, LIMIT_DICT_FILE_BYTES, &abuf, &alen, errstr_r) ==
	    0 && files_read(dic, LIMIT_DICT_FILE_BYTES, &dbuf, &dlen,
	    errstr_r) == 0)
		d = spelldict_parse(aff, abuf, alen, dic, dbuf, dlen,
		    errstr_r);
	free(abuf);
	free(dbuf);
	return d;
}

void
spelldict_free(struct spelldict **dp)
{
	struct spelldict	*d = *dp;
	size_t			 i, j;

	if (d == NULL)
		return;
	for (i = 0; i < d->nrules; i++) {
		free(d->rules[i].strip);
		free(d->rules[i].add);
		for (j = 0; j < d->rules[i].ncond; j++)
			free(d->rules[i].cond[j].set);
	}
	free(d->rules);
	free(d->adds);
	free(d->slot);
	free(d->text);
	free(d);
	*dp = NULL;
}

/* Whether root[0..len) is a root, carrying flag unless flag is 0. */
static int
has_root(const struct spelldict *d, const char *root, size_t len,
    unsigned char flag)
{
	const char	*t;
	size_t		 k;
	int		 found;

	k = text_hash(root, len) & (d->nslots - 1);
	for (;;) {
		k = root_slot(d, root, len, k, &found);
		if (!found)
			return 0;
		t = d->text + d->slot[k] - 1;
		if (flag == 0 || strchr(t + len + 1, flag) != NULL)
			return 1;
		k = (k + 1) & (d->nslots - 1);
	}
}

int
spelldict_has(const struct spelldict *d, const char *w, size_t len)
{
	const struct add_slot	*a;
	const struct rule	*ru;
	char			 base[LIMIT_TOKEN_BYTES + ADD_MAX_BYTES + 1];
	size_t			 alen, blen;

	if (len == 0 || len > LIMIT_TOKEN_BYTES || memchr(w, '\0', len))
		return 0;
	if (has_root(d, w, len, 0))
		return 1;
	/* Every ending of w an add may be, the empty one too; what is
	 * left must not be empty. */
	for (alen = 0; alen < len && alen <= d->maxadd; alen++) {
		if (alen > 0 && ((unsigned char)w[len - alen] & 0xc0) == 0x80)
			continue;
		a = add_find(d, w + len - alen, alen);
		if (a->add == NULL)
			continue;
		for (ru = &d->rules[a->first];; ru = &d->rules[ru->next]) {
			blen = len - alen;
			memcpy(base, w, blen);
			memcpy(base + blen, ru->strip, ru->striplen);
			blen += ru->striplen;
			if (cond_ok(ru, base, blen) &&
			    has_root(d, base, blen, ru->flag))
				return 1;
			if (ru->next == SIZE_MAX)
				break;
		}
	}
	return 0;
}

size_t
spelldict_roots(const struct spelldict *d)
{
	return d->nroots;
}
