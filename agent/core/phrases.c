/*
 * Phrase files: the parser (a pure function of the bytes), the set in
 * force with its reference count, and filling in {name}s.  Editors write
 * these files, so a phrase never becomes a format string: the program
 * substitutes only the names each phrase is declared to take, and the
 * loader refuses any other.
 */
#include "agent/core/phrases.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/files.h"
#include "lib/limits.h"
#include "lib/xmalloc.h"

#define NLANGS		2

struct phrases {
	atomic_int	 refs;
	char		*text[NLANGS][PH_COUNT];
};

/* Each phrase's key in the files and the names it may use. */
static const struct {
	const char	*key;
	const char	*names;		/* space-separated */
} keys[PH_COUNT] = {
	[PH_REGISTERED] = { "reply.registered", "number" },
	[PH_PRIORITY] = { "reply.priority", "level" },
	[PH_CLARIFY] = { "reply.clarify", "" },
	[PH_CLARIFY_SERVICE] = { "reply.clarify_service", "" },
	[PH_CLARIFY_TAIL] = { "reply.clarify_tail", "" },
	[PH_EMPTY] = { "reply.empty", "" },
	[PH_HANDOFF] = { "reply.handoff", "number" },
	[PH_HANDOFF_DISTRESS] = { "reply.handoff_distress", "number" },
	[PH_ASPECT_FROM] = { "reply.aspect_from", "title" },
	[PH_ASPECT_MORE] = { "reply.aspect_more", "article" },
	[PH_PRIORITY_CRITICAL] = { "priority.critical", "" },
	[PH_PRIORITY_HIGH] = { "priority.high", "" },
	[PH_PRIORITY_MEDIUM] = { "priority.medium", "" },
	[PH_PRIORITY_LOW] = { "priority.low", "" },
	[PH_JOINED] = { "queue.joined", "name" },
	[PH_JOINED_ANON] = { "queue.joined_anon", "" },
	[PH_WAITING_LONG] = { "queue.waiting_long", "minutes" },
	[PH_RELEASED] = { "queue.released", "" },
	[PH_CLOSED_RATE] = { "queue.closed_rate", "" },
	[PH_TRANSFERRED] = { "queue.transferred", "" },
	[PH_MAIL_GREETING] = { "mail.greeting", "" },
	[PH_MAIL_ACK] = { "mail.ack", "number hours" },
	[PH_MAIL_FOOTER] = { "mail.footer", "number" },
	[PH_MAIL_AUTOMATIC] = { "mail.automatic", "" },
	[PH_MAIL_SIGN] = { "mail.sign", "" },
	[PH_MAIL_OP_SIGN] = { "mail.op_sign", "" },
	[PH_MAIL_SUBJECT] = { "mail.subject", "" },
	[PH_MAIL_FROM_NAME] = { "mail.from_name", "" },
};

/* The built-in copy (phrases_builtin.c, made from etc/phrases). */
extern const char phrases_builtin_ru[];
extern const char phrases_builtin_en[];

static const char *const lang_files[NLANGS] = {
	[LANG_RU] = "ru.txt", [LANG_EN] = "en.txt"
};

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static struct phrases	*current;	/* lock */

static void
report(FILE *errs, const char *file, size_t line, const char *fmt, ...)
{
	va_list	ap;

	if (errs == NULL)
		return;
	fprintf(errs, "%s:%zu: ", file, line);
	va_start(ap, fmt);
	vfprintf(errs, fmt, ap);
	va_end(ap);
	fputc('\n', errs);
}

/* Whether name[0..len) is one of the space-separated names. */
static int
allowed(const char *names, const char *name, size_t len)
{
	const char	*p = names, *e;

	while (*p != '\0') {
		e = strchr(p, ' ');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) == len && strncmp(p, name, len) == 0)
			return 1;
		p = *e == ' ' ? e + 1 : e;
	}
	return 0;
}

/* The value v[0..len) unescaped (\n, \\), or NULL with *why_r when a
 * {name} in it is not one key k takes. */
static char *
value_of(enum phrase_key k, const char *v, size_t len, const char **why_r,
    char *bad, size_t badsz)
{
	char	*out, *o;
	size_t	 i, j;

	for (i = 0; i < len; i++) {
		if (v[i] != '{')
			continue;
		for (j = i + 1; j < len && ((v[j] >= 'a' && v[j] <= 'z') ||
		    v[j] == '_'); j++)
			;
		if (j < len && v[j] == '}' && j > i + 1 &&
		    !allowed(keys[k].names, v + i + 1, j - i - 1)) {
			snprintf(bad, badsz, "%.*s", (int)(j - i - 1),
			    v + i + 1);
			*why_r = "unknown name";
			return NULL;
		}
	}
	o = out = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (v[i] == '\\' && i + 1 < len && (v[i + 1] == 'n' ||
		    v[i + 1] == '\\')) {
			*o++ = v[i + 1] == 'n' ? '\n' : '\\';
			i++;
		} else
			*o++ = v[i];
	}
	*o = '\0';
	return out;
}

static enum phrase_key
key_of(const char *s, size_t len)
{
	int	k;

	for (k = 0; k < PH_COUNT; k++)
		if (strlen(keys[k].key) == len &&
		    strncmp(keys[k].key, s, len) == 0)
			return (enum phrase_key)k;
	return PH_COUNT;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Parses a phrase file, text[0..len), into out (phrases it sets replace
 * what out held).  Returns the number of problems, each reported to errs.
 */
static int
parse(const char *file, const char *text, size_t len,
    char *out[PH_COUNT], FILE *errs)
{
	const char	*p = text, *end = text + len, *nl, *eq, *ks, *ke;
	const char	*vs, *ve, *why = NULL;
	unsigned char	 seen[PH_COUNT];
	enum phrase_key	 k;
	char		*v, bad[64];
	size_t		 line = 0;
	int		 nerr = 0;

	memset(seen, 0, sizeof(seen));
	for (; p < end; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		ve = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
		for (ks = p; ks < ve && is_blank(*ks); ks++)
			;
		if (ks == ve || *ks == '#')
			continue;
		if ((size_t)(ve - p) > LIMIT_EDITOR_LINE_BYTES ||
		    memchr(p, '\0', (size_t)(ve - p)) != NULL) {
			report(errs, file, line, "a line of text, at most %d "
			    "bytes", LIMIT_EDITOR_LINE_BYTES);
			nerr++;
			continue;
		}
		if ((eq = memchr(ks, '=', (size_t)(ve - ks))) == NULL) {
			report(errs, file, line, "KEY = TEXT expected");
			nerr++;
			continue;
		}
		for (ke = eq; ke > ks && is_blank(ke[-1]); ke--)
			;
		for (vs = eq + 1; vs < ve && is_blank(*vs); vs++)
			;
		while (ve > vs && is_blank(ve[-1]))
			ve--;
		if ((k = key_of(ks, (size_t)(ke - ks))) == PH_COUNT) {
			report(errs, file, line, "unknown phrase \"%.*s\"",
			    (int)(ke - ks), ks);
			nerr++;
			continue;
		}
		if (seen[k]) {
			report(errs, file, line, "%s is given twice",
			    keys[k].key);
			nerr++;
			continue;
		}
		seen[k] = 1;
		if (vs == ve) {
			report(errs, file, line, "%s is empty", keys[k].key);
			nerr++;
			continue;
		}
		if ((v = value_of(k, vs, (size_t)(ve - vs), &why, bad,
		    sizeof(bad))) == NULL) {
			report(errs, file, line, "%s: {%s} is not a name it "
			    "takes (%s)", keys[k].key, bad, *keys[k].names ?
			    keys[k].names : "none");
			nerr++;
			continue;
		}
		free(out[k]);
		out[k] = v;
	}
	return nerr;
}

int
phrases_check(const char *file, const char *text, size_t len, FILE *errs)
{
	char	*out[PH_COUNT];
	int	 k, n;

	memset(out, 0, sizeof(out));
	n = parse(file, text, len, out, errs);
	for (k = 0; k < PH_COUNT; k++)
		free(out[k]);
	return n;
}

static void
put(struct phrases *ph)
{
	int	l, k;

	if (ph == NULL || atomic_fetch_sub(&ph->refs, 1) != 1)
		return;
	for (l = 0; l < NLANGS; l++)
		for (k = 0; k < PH_COUNT; k++)
			free(ph->text[l][k]);
	free(ph);
}

/* A set with the built-in copy; NULL with errs told when it is broken
 * (only a broken build can make it so). */
static struct phrases *
builtin(FILE *errs)
{
	static const char *const texts[NLANGS] = {
		[LANG_RU] = phrases_builtin_ru, [LANG_EN] = phrases_builtin_en
	};
	struct phrases	*ph;
	int		 l, k, n = 0;

	ph = xcalloc(1, sizeof(*ph));
	atomic_init(&ph->refs, 1);
	for (l = 0; l < NLANGS; l++) {
		n += parse(lang_files[l], texts[l], strlen(texts[l]),
		    ph->text[l], errs);
		for (k = 0; k < PH_COUNT; k++)
			if (ph->text[l][k] == NULL) {
				report(errs, lang_files[l], 0, "built-in copy "
				    "lacks %s", keys[k].key);
				n++;
			}
	}
	if (n > 0) {
		put(ph);
		return NULL;
	}
	return ph;
}

int
phrases_load(const char *dir, FILE *errs)
{
	struct phrases	*ph, *old;
	char		*path, *buf, *err = NULL;
	size_t		 len;
	int		 l, n = 0;

	if ((ph = builtin(errs)) == NULL)
		return -1;
	for (l = 0; l < NLANGS; l++) {
		path = xasprintf("%s/%s", dir, lang_files[l]);
		if (files_read(path, LIMIT_EDITOR_FILE_BYTES, &buf, &len,
		    &err) == -1) {
			/* No file: the built-in phrases of this language. */
			if (access(path, F_OK) == 0) {
				report(errs, path, 0, "%s", err);
				n++;
			}
			free(err);
			err = NULL;
		} else {
			n += parse(path, buf, len, ph->text[l], errs);
			free(buf);
		}
		free(path);
	}
	if (n > 0) {
		put(ph);
		return -1;
	}
	pthread_mutex_lock(&lock);
	old = current;
	current = ph;
	pthread_mutex_unlock(&lock);
	put(old);
	return 0;
}

void
phrases_clear(void)
{
	struct phrases	*old;

	pthread_mutex_lock(&lock);
	old = current;
	current = NULL;
	pthread_mutex_unlock(&lock);
	put(old);
}

/* The set in force, held; the built-in copy when none was loaded. */
static struct phrases *
hold(void)
{
	struct phrases	*ph;

	pthread_mutex_lock(&lock);
	if (current == NULL && (current = builtin(stderr)) == NULL)
		abort();	/* the build embedded broken phrases */
	ph = current;
	atomic_fetch_add(&ph->refs, 1);
	pthread_mutex_unlock(&lock);
	return ph;
}

char *
phrase_say(enum lang lang, enum phrase_key key, ...)
{
	struct phrases	*ph;
	const char	*t, *name, *value, *e;
	const char	*names[8], *values[8];
	va_list		 ap;
	size_t		 nv = 0, i, cap, n = 0, vl;
	char		*out;

	va_start(ap, key);
	while (nv < 8 && (name = va_arg(ap, const char *)) != NULL) {
		names[nv] = name;
		values[nv++] = va_arg(ap, const char *);
	}
	va_end(ap);
	ph = hold();
	t = ph->text[lang == LANG_EN ? LANG_EN : LANG_RU][key];
	cap = strlen(t) + 1;
	for (i = 0; i < nv; i++)
		cap += strlen(values[i] != NULL ? values[i] : "") *
		    (strlen(t) / 2 + 1);
	out = xmalloc(cap);
	while (*t != '\0') {
		value = NULL;
		vl = 0;
		if (*t == '{' && (e = strchr(t, '}')) != NULL)
			for (i = 0; i < nv && value == NULL; i++)
				if ((size_t)(e - t - 1) == strlen(names[i]) &&
				    strncmp(t + 1, names[i], e - t - 1) == 0) {
					value = values[i] != NULL ?
					    values[i] : "";
					vl = (size_t)(e - t + 1);
				}
		if (value != NULL) {
			memcpy(out + n, value, strlen(value));
			n += strlen(value);
			t += vl;
		} else
			out[n++] = *t++;
	}
	out[n] = '\0';
	put(ph);
	return out;
}
