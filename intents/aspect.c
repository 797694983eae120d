/*
 * The aspects file: a list of sections, each with the patterns that say a
 * message asks about it.  The first aspect in the file that matches wins,
 * so an editor orders them from the most specific.
 */
#include "intents/aspect.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intents/prefilter.h"
#include "kb/article.h"
#include "lib/limits.h"
#include "lib/text.h"
#include "lib/xmalloc.h"

#define ASPECT_RULES_MAX	64

struct aspect_rule {
	int		 section;
	pcre2_code	*code;
	char		*pattern;	/* for the prefilter */
};

struct aspects {
	struct aspect_rule	*rules;
	size_t			 nrules;
	size_t			 naspects;
	pcre2_match_context	*mc;
	struct prefilter	*pf;	/* which rules can match at all */
};

static void __attribute__((format(printf, 5, 6)))
aerr(def_error_fn err, void *arg, const char *name, size_t line,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg, *full;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		abort();
	va_end(ap);
	full = xasprintf("%s:%zu: %s", name, line, msg);
	if (err != NULL)
		err(arg, full);
	free(full);
	free(msg);
}

static int
name_index(const char *const *names, size_t nnames, const char *v)
{
	size_t	i;

	if (names == NULL)
		return article_section_parse(v);
	for (i = 0; i < nnames; i++)
		if (strcmp(names[i], v) == 0)
			return (int)i;
	return -1;
}

struct aspects *
aspects_parse(const char *name, const char *buf, size_t len,
    const char *const *names, size_t nnames, def_error_fn err, void *arg)
{
	struct aspects	*as;
	const char	*p = buf, *end = buf + len, *nl, *k, *v;
	size_t		 line = 0, klen, vlen, nerr = 0;
	int		 section = -1, ec;
	PCRE2_SIZE	 off;
	PCRE2_UCHAR	 msg[256];
	char		*pat;
	size_t		 i;

	as = xcalloc(1, sizeof(*as));
	if (!text_is_valid_utf8(buf, len)) {
		aerr(err, arg, name, 1, "not valid UTF-8 text");
		aspects_free(&as);
		return NULL;
	}
	while (p < end) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		k = p;
		klen = (size_t)((nl != NULL ? nl : end) - p);
		p = nl != NULL ? nl + 1 : end;
		while (klen > 0 && (k[klen - 1] == '\r' || k[klen - 1] == ' '
		    || k[klen - 1] == '\t'))
			klen--;
		while (klen > 0 && (*k == ' ' || *k == '\t')) {
			k++;
			klen--;
		}
		if (klen == 0 || *k == '#')
			continue;
		for (v = k; v < k + klen && *v != ' ' && *v != '\t'; v++)
			;
		vlen = klen - (size_t)(v - k);
		klen = (size_t)(v - k);
		while (vlen > 0 && (*v == ' ' || *v == '\t')) {
			v++;
			vlen--;
		}
		if (klen == 6 && memcmp(k, "aspect", 6) == 0) {
			pat = xstrndup(v, vlen);
			section = name_index(names, nnames, pat);
			free(pat);
			if (section < 0) {
				aerr(err, arg, name, line, "aspect: an unknown "
				    "name (see the comment at the top)");
				nerr++;
			} else
				as->naspects++;
		} else if (klen == 4 && memcmp(k, "rule", 4) == 0) {
			if (section < 0) {
				aerr(err, arg, name, line, "a rule before any "
				    "aspect line");
				nerr++;
				continue;
			}
			if (vlen == 0 || as->nrules >= ASPECT_RULES_MAX) {
				aerr(err, arg, name, line, vlen == 0 ?
				    "rule: a pattern" : "more than 64 rules");
				nerr++;
				continue;
			}
			as->rules = xreallocarray(as->rules, as->nrules + 1,
			    sizeof(*as->rules));
			as->rules[as->nrules].section = section;
			as->rules[as->nrules].code = pcre2_compile(
			    (PCRE2_SPTR)v, vlen, PCRE2_UTF | PCRE2_UCP |
			    PCRE2_CASELESS | PCRE2_MATCH_INVALID_UTF, &ec, &off,
			    NULL);
			if (as->rules[as->nrules].code == NULL) {
				pcre2_get_error_message(ec, msg, sizeof(msg));
				aerr(err, arg, name, line, "pattern at offset "
				    "%zu: %s", (size_t)off, (char *)msg);
				nerr++;
				continue;
			}
			pcre2_jit_compile(as->rules[as->nrules].code,
			    PCRE2_JIT_COMPLETE);
			pat = xstrndup(v, vlen);
			as->rules[as->nrules].pattern = pat;
			as->nrules++;
		} else {
			aerr(err, arg, name, line, "unknown keyword \"%.*s\" "
			    "(aspect, rule)", (int)(klen > 40 ? 40 : klen), k);
			nerr++;
		}
	}
	if (nerr > 0) {
		aspects_free(&as);
		return NULL;
	}
	as->pf = prefilter_new(as->nrules);
	for (i = 0; i < as->nrules; i++)
		prefilter_add(as->pf, i, as->rules[i].pattern);
	prefilter_build(as->pf);
	as->mc = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(as->mc, LIMIT_PCRE2_MATCH);
	pcre2_set_depth_limit(as->mc, LIMIT_PCRE2_DEPTH);
	return as;
}

void
aspects_free(struct aspects **ap)
{
	struct aspects	*as = *ap;
	size_t		 i;

	if (as == NULL)
		return;
	for (i = 0; i < as->nrules; i++) {
		pcre2_code_free(as->rules[i].code);
		free(as->rules[i].pattern);
	}
	free(as->rules);
	prefilter_free(&as->pf);
	pcre2_match_context_free(as->mc);
	free(as);
	*ap = NULL;
}

size_t
aspects_count(const struct aspects *as)
{
	return as->naspects;
}

struct aspects_scratch {
	struct prefilter_scratch	*ps;
	pcre2_match_data		*md;
	/* The last text asked about and its answer: the service opinion
	 * asks twice of one message (the kind of request, then the part
	 * of the article).  The answer depends on the text alone. */
	char				*last;
	size_t				 last_len, last_cap;
	int				 last_found, has_last;
};

struct aspects_scratch *
aspects_scratch_new(const struct aspects *as)
{
	struct aspects_scratch	*sc;

	sc = xcalloc(1, sizeof(*sc));
	if (as != NULL && as->nrules > 0)
		sc->ps = prefilter_scratch_new(as->pf);
	if ((sc->md = pcre2_match_data_create(1, NULL)) == NULL) {
		fprintf(stderr, "hotline: out of memory (PCRE2)\n");
		abort();
	}
	return sc;
}

void
aspects_scratch_free(struct aspects_scratch **scp)
{
	struct aspects_scratch	*sc = *scp;

	if (sc == NULL)
		return;
	prefilter_scratch_free(&sc->ps);
	pcre2_match_data_free(sc->md);
	free(sc->last);
	free(sc);
	*scp = NULL;
}

int
aspects_match_with(const struct aspects *as, struct aspects_scratch *sc,
    const char *text, size_t len)
{
	size_t	i;
	int	found = -1;

	if (as == NULL || as->nrules == 0 || sc->ps == NULL)
		return -1;
	if (sc->has_last && len == sc->last_len &&
	    memcmp(text, sc->last, len) == 0)
		return sc->last_found;
	prefilter_scan(as->pf, sc->ps, text, len);
	for (i = 0; i < as->nrules; i++)
		if (prefilter_may(sc->ps, i) &&
		    pcre2_match(as->rules[i].code, (PCRE2_SPTR)text, len, 0, 0,
		    sc->md, as->mc) >= 0) {
			found = as->rules[i].section;
			break;
		}
	if (len + 1 > sc->last_cap) {
		sc->last_cap = len + 1;
		sc->last = xreallocarray(sc->last, sc->last_cap, 1);
	}
	memcpy(sc->last, text, len);
	sc->last_len = len;
	sc->last_found = found;
	sc->has_last = 1;
	return found;
}

int
aspects_match(const struct aspects *as, const char *text, size_t len)
{
	struct aspects_scratch	*sc;
	int			 found;

	if (as == NULL || as->nrules == 0)
		return -1;
	sc = aspects_scratch_new(as);
	found = aspects_match_with(as, sc, text, len);
	aspects_scratch_free(&sc);
	return found;
}
