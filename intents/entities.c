/*
 * Entity extraction: the numbers and addresses a citizen types into a
 * message, found in one pass over any bytes.
 *
 * The text is read as a stream of tokens: e-mail addresses, and runs of
 * ASCII digits each with the joint that ties it to the run before ("-", an
 * en dash, "/", a bracket, blanks, or nothing: a break).  A small window of
 * tokens slides over the stream and at each run the shapes are tried in a
 * fixed order (request number, separated СНИЛС, phone with its trunk
 * prefix, passport, mobile phone without prefix, bare digit runs); a
 * match consumes its runs, so one span is never claimed twice.  Work per
 * token is bounded, so the whole scan is linear in the length.
 *
 * Shapes are exact on purpose: a number must start and end where another
 * could (a break, blanks, a slash, a bracket), not stick to Latin letters
 * or sit inside a date or decimal, and ИНН and СНИЛС must pass their check
 * digits.  Ambiguous runs are settled by fixed rules: a bare ten-digit
 * run is an ИНН when its check digit holds, else a request number when it
 * starts with a year 2020-2099, else a mobile phone when it starts with 9;
 * eleven bare digits shaped like a phone are a phone unless the check
 * number holds and "СНИЛС" is written near; four and six digits with
 * blanks between are a request number when the four are a year since 2020
 * and no passport is named near, else a passport.
 */
#include "intents/entities.h"

#include <string.h>

/* Tokens looked at together: the longest shape, a phone such as "8 916
 * 123 45 67", spans five runs, and its end is judged by the run after. */
#define WINDOW			8
/* Bytes between two digit runs of one number: " – " is five. */
#define JOINT_MAX		8
/* Blanks allowed on each side of a joint's mark. */
#define JOINT_BLANKS		2
/* Request number digits after the year: six, as the agent zero-pads, up
 * to the eighteen of its largest sequence number (agent/request.h). */
#define REQUEST_DIGITS_MIN	6
#define REQUEST_DIGITS_MAX	18
/* Bytes either side of a number searched for a word that names it. */
#define KEYWORD_REACH		48
/* The local part of an address (RFC 5321 section 4.5.3.1.1). */
#define EMAIL_LOCAL_MAX		64

enum tok_kind {
	TOK_RUN,
	TOK_EMAIL
};

/* How a digit run is tied to the token before it. */
enum joint {
	JOINT_BREAK,		/* not at all: a new number starts */
	JOINT_BLANK,		/* blanks only */
	JOINT_DASH,		/* '-', a typographic dash or minus */
	JOINT_SLASH,		/* '/' */
	JOINT_OPEN,		/* '(' */
	JOINT_CLOSE		/* ')' */
};

/* Context of a run. */
#define RUN_PLUS		0x01	/* "+" or "+ " right before */
#define RUN_STUCK_BEFORE	0x02	/* Latin letter, or "1." / "1:" */
#define RUN_STUCK_AFTER		0x04	/* Latin letter, or ".1" / ":1" */

struct tok {
	enum tok_kind	 kind;
	size_t		 start;		/* digits, or the whole address */
	size_t		 end;
	enum joint	 joint;		/* to the token before */
	int		 flags;		/* RUN_* */
	int		 report;	/* an address short enough to keep */
};

struct scan {
	const char	*t;
	size_t		 len;
	size_t		 pos;		/* where the next token is looked for */
	int		 have_prev;	/* a run came before (not an address) */
	size_t		 prev_end;
	int		 mail_known;	/* mail_* describe the next address */
	int		 mail_have;
	size_t		 mail_start;
	size_t		 mail_end;
	size_t		 mail_from;	/* where to look for the next '@' */
	int		 mail_report;
	struct tok	 win[WINDOW];
	size_t		 n;
	int		 done;
};

static const char *const type_names[ENTITY__COUNT] = {
	[ENTITY_REQUEST_NUMBER] = "request_number",
	[ENTITY_INN] = "inn",
	[ENTITY_SNILS] = "snils",
	[ENTITY_PHONE] = "phone",
	[ENTITY_EMAIL] = "email",
	[ENTITY_PASSPORT] = "passport"
};

/* Words that say which number is meant, in lower case. */
static const char *const snils_words[] = { "снилс", "snils", NULL };
static const char *const passport_words[] = {
	"паспорт", "passport", "pasport", NULL
};

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_latin(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_local_char(char c)
{
	return is_latin(c) || is_digit(c) || c == '.' || c == '_' ||
	    c == '%' || c == '+' || c == '-';
}

static int
is_domain_char(char c)
{
	return is_latin(c) || is_digit(c) || c == '.' || c == '-';
}

const char *
entity_type_name(enum entity_type type)
{
	if ((unsigned)type >= ENTITY__COUNT)
		return "unknown";
	return type_names[type];
}

int
entities_inn_valid(const char *d, size_t n)
{
	static const int w10[] = { 2, 4, 10, 3, 5, 9, 4, 6, 8 };
	static const int w11[] = { 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 };
	static const int w12[] = { 3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 };
	size_t	i;
	int	s1 = 0, s2 = 0;

	if (d == NULL || (n != 10 && n != 12))
		return 0;
	for (i = 0; i < n; i++)
		if (!is_digit(d[i]))
			return 0;
	if (n == 10) {
		for (i = 0; i < 9; i++)
			s1 += w10[i] * (d[i] - '0');
		return s1 % 11 % 10 == d[9] - '0';
	}
	for (i = 0; i < 10; i++)
		s1 += w11[i] * (d[i] - '0');
	for (i = 0; i < 11; i++)
		s2 += w12[i] * (d[i] - '0');
	return s1 % 11 % 10 == d[10] - '0' && s2 % 11 % 10 == d[11] - '0';
}

int
entities_snils_valid(const char *d, size_t n)
{
	size_t	i;
	int	sum = 0, check;

	if (d == NULL || n != 11)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_digit(d[i]))
			return 0;
	for (i = 0; i < 9; i++)
		sum += (d[i] - '0') * (int)(9 - i);
	/* Below 100 the sum itself; 100 and 101 give 00; above, the sum
	 * modulo 101, where 100 again gives 00. */
	check = sum % 101 % 100;
	return check == (d[9] - '0') * 10 + (d[10] - '0');
}

/*
 * Whether one of words occurs within KEYWORD_REACH bytes around
 * t[start..end), ignoring the case of Latin and Russian letters.
 */
static int
keyword_near(const char *t, size_t len, size_t start, size_t end,
    const char *const *words)
{
	char		 buf[2 * KEYWORD_REACH + 32];
	const char	*const *w;
	size_t		 from, to, n, i, wl;
	unsigned char	 c, c2;

	from = start > KEYWORD_REACH ? start - KEYWORD_REACH : 0;
	to = len - end > KEYWORD_REACH ? end + KEYWORD_REACH : len;
	n = 0;
	for (i = from; i < to && n + 2 <= sizeof buf; i++) {
		if (i >= start && i < end)
			continue;
		c = (unsigned char)t[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		else if (c == 0xd0 && i + 1 < to) {
			/* А..П are d0 90..9f, а..п d0 b0..bf; Р..Я d0 a0..af,
			 * р..я d1 80..8f. */
			c2 = (unsigned char)t[i + 1];
			if (c2 >= 0x90 && c2 <= 0x9f) {
				buf[n++] = (char)0xd0;
				c = c2 + 0x20;
				i++;
			} else if (c2 >= 0xa0 && c2 <= 0xaf) {
				buf[n++] = (char)0xd1;
				c = c2 - 0x20;
				i++;
			}
		}
		buf[n++] = (char)c;
	}
	for (w = words; *w != NULL; w++) {
		wl = strlen(*w);
		for (i = 0; i + wl <= n; i++)
			if (memcmp(buf + i, *w, wl) == 0)
				return 1;
	}
	return 0;
}

/* Whether d[0..n) is a domain: dot-separated non-empty labels, the last
 * of two or more Latin letters. */
static int
domain_ok(const char *d, size_t n)
{
	size_t	i, label = 0, dots = 0, last = 0;

	for (i = 0; i < n; i++) {
		if (d[i] == '.') {
			if (label == 0)
				return 0;
			dots++;
			label = 0;
			last = i + 1;
		} else
			label++;
	}
	if (dots == 0 || label < 2)
		return 0;
	for (i = last; i < n; i++)
		if (!is_latin(d[i]))
			return 0;
	return 1;
}

/*
 * Finds the next address of the text whose '@' is at or after
 * sc->mail_from and which starts no earlier than that.  Every byte is
 * looked at by at most the '@' before it and the one after it.
 */
static void
mail_next(struct scan *sc)
{
	const char	*t = sc->t, *a;
	size_t		 lo = sc->mail_from, at, s, e;

	sc->mail_known = 1;
	sc->mail_have = 0;
	while (sc->mail_from < sc->len && (a = memchr(t + sc->mail_from, '@',
	    sc->len - sc->mail_from)) != NULL) {
		at = (size_t)(a - t);
		sc->mail_from = at + 1;
		for (s = at; s > lo && is_local_char(t[s - 1]); s--)
			;
		while (s < at && t[s] == '.')
			s++;
		if (s == at)
			continue;
		for (e = at + 1; e < sc->len && is_domain_char(t[e]); e++)
			;
		while (e > at + 1 && (t[e - 1] == '.' || t[e - 1] == '-'))
			e--;
		if (!domain_ok(t + at + 1, e - at - 1))
			continue;
		sc->mail_have = 1;
		sc->mail_start = s;
		sc->mail_end = e;
		sc->mail_report = at - s <= EMAIL_LOCAL_MAX &&
		    e - s < ENTITY_VALUE_MAX;
		sc->mail_from = e;
		return;
	}
	sc->mail_from = sc->len;
}

/* Length of a blank at t[i..end) or 0: space, tab, no-break spaces. */
static size_t
blank_at(const char *t, size_t i, size_t end)
{
	if (t[i] == ' ' || t[i] == '\t')
		return 1;
	if (i + 1 < end && (unsigned char)t[i] == 0xc2 &&
	    (unsigned char)t[i + 1] == 0xa0)
		return 2;
	if (i + 2 < end && (unsigned char)t[i] == 0xe2 &&
	    (unsigned char)t[i + 1] == 0x80 &&
	    ((unsigned char)t[i + 2] == 0xaf ||
	    (unsigned char)t[i + 2] == 0x89))
		return 3;
	return 0;
}

/* The mark of a joint at t[i..end): sets *n to its length. */
static enum joint
mark_at(const char *t, size_t i, size_t end, size_t *n)
{
	unsigned char	c1, c2;

	*n = 1;
	switch (t[i]) {
	case '-':
		return JOINT_DASH;
	case '/':
		return JOINT_SLASH;
	case '(':
		return JOINT_OPEN;
	case ')':
		return JOINT_CLOSE;
	}
	if (i + 2 < end && (unsigned char)t[i] == 0xe2) {
		c1 = (unsigned char)t[i + 1];
		c2 = (unsigned char)t[i + 2];
		*n = 3;
		/* U+2010..U+2015 hyphens and dashes, U+2212 minus. */
		if ((c1 == 0x80 && c2 >= 0x90 && c2 <= 0x95) ||
		    (c1 == 0x88 && c2 == 0x92))
			return JOINT_DASH;
	}
	*n = 0;
	return JOINT_BREAK;
}

/* How the gap t[a..b) between two digit runs joins them. */
static enum joint
joint_of(const char *t, size_t a, size_t b)
{
	enum joint	j = JOINT_BLANK;
	size_t		i = a, n, blanks;

	if (b - a > JOINT_MAX)
		return JOINT_BREAK;
	for (blanks = 0; i < b && (n = blank_at(t, i, b)) > 0; blanks++)
		i += n;
	if (blanks > JOINT_BLANKS)
		return JOINT_BREAK;
	if (i < b) {
		if ((j = mark_at(t, i, b, &n)) == JOINT_BREAK)
			return JOINT_BREAK;
		i += n;
		for (blanks = 0; i < b && (n = blank_at(t, i, b)) > 0;
		    blanks++)
			i += n;
		if (blanks > JOINT_BLANKS)
			return JOINT_BREAK;
	}
	return i == b ? j : JOINT_BREAK;
}

/* The RUN_* context of the digits t[s..e). */
static int
run_flags(const char *t, size_t len, size_t s, size_t e)
{
	int	f = 0;
	char	b;

	if (s >= 1 && t[s - 1] == '+')
		f |= RUN_PLUS;
	else if (s >= 2 && t[s - 1] == ' ' && t[s - 2] == '+')
		f |= RUN_PLUS;
	if (s >= 1) {
		b = t[s - 1];
		if (b == '_' || (is_latin(b) &&
		    /* "N2026-…", "No2026-…" */
		    !(b == 'N' && (s == 1 || !is_latin(t[s - 2]))) &&
		    !(b == 'o' && s >= 2 && t[s - 2] == 'N' &&
		    (s == 2 || !is_latin(t[s - 3])))))
			f |= RUN_STUCK_BEFORE;
		if ((b == '.' || b == ':') && s >= 2 && is_digit(t[s - 2]))
			f |= RUN_STUCK_BEFORE;
	}
	if (e < len) {
		if (is_latin(t[e]) || t[e] == '_')
			f |= RUN_STUCK_AFTER;
		if ((t[e] == '.' || t[e] == ':') && e + 1 < len &&
		    is_digit(t[e + 1]))
			f |= RUN_STUCK_AFTER;
	}
	return f;
}

/* Reads the next token into *k; 0 at the end of the text. */
static int
next_token(struct scan *sc, struct tok *k)
{
	const char	*t = sc->t;
	size_t		 i, lim;

	if (!sc->mail_known)
		mail_next(sc);
	lim = sc->mail_have ? sc->mail_start : sc->len;
	for (i = sc->pos; i < lim && !is_digit(t[i]); i++)
		;
	if (i < lim) {
		k->kind = TOK_RUN;
		k->start = i;
		while (i < lim && is_digit(t[i]))
			i++;
		k->end = i;
		k->joint = sc->have_prev ?
		    joint_of(t, sc->prev_end, k->start) : JOINT_BREAK;
		k->flags = run_flags(t, sc->len, k->start, k->end);
		k->report = 0;
		sc->have_prev = 1;
		sc->prev_end = i;
		sc->pos = i;
		return 1;
	}
	if (!sc->mail_have) {
		sc->pos = sc->len;
		return 0;
	}
	k->kind = TOK_EMAIL;
	k->start = sc->mail_start;
	k->end = sc->mail_end;
	k->joint = JOINT_BREAK;
	k->flags = 0;
	k->report = sc->mail_report;
	sc->have_prev = 0;
	sc->pos = sc->mail_end;
	sc->mail_known = 0;
	return 1;
}

static void
fill(struct scan *sc)
{
	while (!sc->done && sc->n < WINDOW) {
		if (!next_token(sc, &sc->win[sc->n]))
			sc->done = 1;
		else
			sc->n++;
	}
}

static void
drop(struct scan *sc, size_t k)
{
	memmove(sc->win, sc->win + k, (sc->n - k) * sizeof sc->win[0]);
	sc->n -= k;
}

static size_t
rlen(const struct scan *sc, size_t k)
{
	return sc->win[k].end - sc->win[k].start;
}

static char
rdigit(const struct scan *sc, size_t k, size_t i)
{
	return sc->t[sc->win[k].start + i];
}

/* Runs from the window's first that belong to one number. */
static size_t
chain_of(const struct scan *sc)
{
	size_t	k;

	for (k = 1; k < sc->n; k++)
		if (sc->win[k].kind != TOK_RUN ||
		    sc->win[k].joint == JOINT_BREAK)
			break;
	return k;
}

/* Whether a number can start at the first run: after a break, blanks, a
 * slash or a closing bracket (between two numbers), not stuck to a word
 * or a date. */
static int
starts_ok(const struct scan *sc)
{
	const struct tok	*k = &sc->win[0];

	return (k->joint == JOINT_BREAK || k->joint == JOINT_BLANK ||
	    k->joint == JOINT_SLASH || k->joint == JOINT_CLOSE) &&
	    !(k->flags & RUN_STUCK_BEFORE);
}

/* Whether a number made of the first m runs ends cleanly: at a break,
 * blanks, a slash or an opening bracket. */
static int
ends_ok(const struct scan *sc, size_t m, size_t chain)
{
	if (sc->win[m - 1].flags & RUN_STUCK_AFTER)
		return 0;
	return m == chain || sc->win[m].joint == JOINT_BLANK ||
	    sc->win[m].joint == JOINT_SLASH || sc->win[m].joint == JOINT_OPEN;
}

/* Copies the digits of runs [0..m) to buf (cap bytes with the NUL);
 * returns their count, or 0 when they do not fit. */
static size_t
digits_of(const struct scan *sc, size_t m, char *buf, size_t cap)
{
	size_t	k, n = 0, l;

	for (k = 0; k < m; k++) {
		l = rlen(sc, k);
		if (n + l >= cap)
			return 0;
		memcpy(buf + n, sc->t + sc->win[k].start, l);
		n += l;
	}
	buf[n] = '\0';
	return n;
}

/* Adds an entity unless the list is full or already holds its type and
 * value. */
static void
add(struct entity_list *out, enum entity_type type, size_t start,
    size_t end, const char *value, size_t vlen)
{
	struct entity	*e;
	size_t		 i;

	if (out->count >= LIMIT_ENTITIES || vlen >= ENTITY_VALUE_MAX)
		return;
	for (i = 0; i < out->count; i++) {
		e = &out->items[i];
		if (e->type == type && strlen(e->value) == vlen &&
		    memcmp(e->value, value, vlen) == 0)
			return;
	}
	e = &out->items[out->count++];
	e->type = type;
	e->start = start;
	e->len = end - start;
	memcpy(e->value, value, vlen);
	e->value[vlen] = '\0';
}

/* Adds a phone of national number nsn (10 digits); the span starts at a
 * '+' before the first run. */
static void
add_phone(struct scan *sc, size_t m, const char *nsn,
    struct entity_list *out)
{
	char	v[16];
	size_t	s = sc->win[0].start;

	if (sc->win[0].flags & RUN_PLUS)
		s -= sc->t[s - 1] == '+' ? 1 : 2;
	v[0] = '+';
	v[1] = '7';
	memcpy(v + 2, nsn, 10);
	add(out, ENTITY_PHONE, s, sc->win[m - 1].end, v, 12);
}

static int
year_ok(const struct scan *sc, size_t k, char min_third)
{
	return rlen(sc, k) >= 4 && rdigit(sc, k, 0) == '2' &&
	    rdigit(sc, k, 1) == '0' && rdigit(sc, k, 2) >= min_third;
}

static void
add_request(struct scan *sc, size_t m, const char *year, const char *seq,
    size_t seqlen, struct entity_list *out)
{
	char	v[5 + REQUEST_DIGITS_MAX + 1];

	memcpy(v, year, 4);
	v[4] = '-';
	memcpy(v + 5, seq, seqlen);
	add(out, ENTITY_REQUEST_NUMBER, sc->win[0].start, sc->win[m - 1].end,
	    v, 5 + seqlen);
}

/* "2026-031415", "2026 – 031415", "2026/014502", "2026 077120". */
static size_t
match_request(struct scan *sc, size_t chain, struct entity_list *out)
{
	enum joint	j;
	size_t		l;

	if (chain < 2 || rlen(sc, 0) != 4 || !ends_ok(sc, 2, chain))
		return 0;
	j = sc->win[1].joint;
	l = rlen(sc, 1);
	if (l < REQUEST_DIGITS_MIN || l > REQUEST_DIGITS_MAX)
		return 0;
	/* The agent pads to six digits and no further. */
	if (l > REQUEST_DIGITS_MIN && rdigit(sc, 1, 0) == '0')
		return 0;
	if (j == JOINT_DASH || j == JOINT_SLASH) {
		if (!year_ok(sc, 0, '0'))
			return 0;
	} else if (j == JOINT_BLANK) {
		/* Blanks alone also make a passport, "4509 123456": only a
		 * year since 2020 and six digits, and no passport named. */
		if (!year_ok(sc, 0, '2') || l != REQUEST_DIGITS_MIN ||
		    keyword_near(sc->t, sc->len, sc->win[0].start,
		    sc->win[1].end, passport_words))
			return 0;
	} else
		return 0;
	add_request(sc, 2, sc->t + sc->win[0].start, sc->t + sc->win[1].start,
	    l, out);
	return 2;
}

/* Adds the СНИЛС of digits d[0..11) as "123-456-789 01". */
static void
add_snils(size_t start, size_t end, const char *d, struct entity_list *out)
{
	char	v[14];

	memcpy(v, d, 3);
	v[3] = '-';
	memcpy(v + 4, d + 3, 3);
	v[7] = '-';
	memcpy(v + 8, d + 6, 3);
	v[11] = ' ';
	memcpy(v + 12, d + 9, 2);
	add(out, ENTITY_SNILS, start, end, v, sizeof v);
}

/* "123-456-789 01", "123 456 789 01", "123-456-789-01". */
static size_t
match_snils(struct scan *sc, size_t chain, struct entity_list *out)
{
	static const size_t	 lens[] = { 3, 3, 3, 2 };
	char			 d[12];
	size_t			 k;

	if (chain < 4 || !ends_ok(sc, 4, chain))
		return 0;
	for (k = 0; k < 4; k++) {
		if (rlen(sc, k) != lens[k])
			return 0;
		if (k > 0 && sc->win[k].joint != JOINT_DASH &&
		    sc->win[k].joint != JOINT_BLANK)
			return 0;
	}
	if (digits_of(sc, 4, d, sizeof d) != 11 ||
	    !entities_snils_valid(d, 11))
		return 0;
	add_snils(sc->win[0].start, sc->win[3].end, d, out);
	return 4;
}

/* The first digit of a Russian national number: geographic codes 3xx and
 * 4xx, 8xx non-geographic, 9xx mobile. */
static int
nsn_first_ok(char c)
{
	return c == '3' || c == '4' || c == '8' || c == '9';
}

/* A joint inside a phone number. */
static int
phone_joint(enum joint j)
{
	return j == JOINT_BLANK || j == JOINT_DASH || j == JOINT_OPEN ||
	    j == JOINT_CLOSE;
}

/* "+7 916 204-55-17", "8 (903) 117-20-48", "+7(999)123-45-67": a trunk
 * prefix 7 or 8, the area code, groups; eleven digits in all.  After a
 * town's long area code the local number may begin with a lone digit:
 * "+7 (34377) 7-12-34". */
static size_t
match_phone_prefixed(struct scan *sc, size_t chain,
    struct entity_list *out)
{
	char	d[12];
	size_t	k, total, l0, l, area = 0;

	l0 = rlen(sc, 0);
	if (chain < 2 || (l0 != 1 && l0 != 4) ||
	    (rdigit(sc, 0, 0) != '7' && rdigit(sc, 0, 0) != '8'))
		return 0;
	total = l0;
	for (k = 1; k < chain && total < 11; k++) {
		l = rlen(sc, k);
		if (!phone_joint(sc->win[k].joint) ||
		    (l < 2 && !(k == 2 && area >= 4 && l == 1)))
			return 0;
		/* After a lone prefix comes the area code, or everything. */
		if (k == 1 && l0 == 1 && l != 3 && l != 4 && l != 5 &&
		    l != 10)
			return 0;
		if (k == 1 && l0 == 1)
			area = l;
		total += l;
	}
	if (total != 11 || !ends_ok(sc, k, chain) ||
	    digits_of(sc, k, d, sizeof d) != 11 || !nsn_first_ok(d[1]))
		return 0;
	add_phone(sc, k, d + 1, out);
	return k;
}

/* "916 123 45 67", "(916) 123-45-67": a mobile number without prefix. */
static size_t
match_phone_national(struct scan *sc, size_t chain,
    struct entity_list *out)
{
	char	d[11];
	size_t	k, total, l;

	if (chain < 2 || rlen(sc, 0) != 3 || rdigit(sc, 0, 0) != '9' ||
	    (sc->win[0].flags & RUN_PLUS))
		return 0;
	total = 3;
	for (k = 1; k < chain && total < 10; k++) {
		l = rlen(sc, k);
		if (!phone_joint(sc->win[k].joint) || l < 2 || l > 7)
			return 0;
		total += l;
	}
	if (total != 10 || !ends_ok(sc, k, chain) ||
	    digits_of(sc, k, d, sizeof d) != 10)
		return 0;
	add_phone(sc, k, d, out);
	return k;
}

/* "4509 123456", "45 09 123456", "4509-123456". */
static size_t
match_passport(struct scan *sc, size_t chain, struct entity_list *out)
{
	char	d[11];
	size_t	m;

	if (chain >= 2 && rlen(sc, 0) == 4 && rlen(sc, 1) == 6 &&
	    (sc->win[1].joint == JOINT_BLANK ||
	    sc->win[1].joint == JOINT_DASH))
		m = 2;
	else if (chain >= 3 && rlen(sc, 0) == 2 && rlen(sc, 1) == 2 &&
	    rlen(sc, 2) == 6 && sc->win[1].joint == JOINT_BLANK &&
	    sc->win[2].joint == JOINT_BLANK)
		m = 3;
	else
		return 0;
	if (!ends_ok(sc, m, chain) || digits_of(sc, m, d, sizeof d) != 10)
		return 0;
	add(out, ENTITY_PASSPORT, sc->win[0].start, sc->win[m - 1].end, d, 10);
	return m;
}

/* One run of digits on its own: ИНН, СНИЛС, phone or request number. */
static size_t
match_bare(struct scan *sc, size_t chain, struct entity_list *out)
{
	const char	*d = sc->t + sc->win[0].start;
	size_t		 l = rlen(sc, 0), s = sc->win[0].start;
	int		 phone, plus;

	if (!ends_ok(sc, 1, chain))
		return 0;
	plus = (sc->win[0].flags & RUN_PLUS) != 0;
	switch (l) {
	case 10:
		if (!plus && entities_inn_valid(d, l))
			add(out, ENTITY_INN, s, s + l, d, l);
		else if (!plus && year_ok(sc, 0, '2'))
			add_request(sc, 1, d, d + 4, REQUEST_DIGITS_MIN, out);
		else if (d[0] == '9')
			add_phone(sc, 1, d, out);
		else
			return 0;
		return 1;
	case 11:
		phone = (d[0] == '7' || d[0] == '8') && nsn_first_ok(d[1]);
		if (entities_snils_valid(d, l) && !plus && (!phone ||
		    keyword_near(sc->t, sc->len, s, s + l, snils_words)))
			add_snils(s, s + l, d, out);
		else if (phone)
			add_phone(sc, 1, d + 1, out);
		else
			return 0;
		return 1;
	case 12:
		if (plus || !entities_inn_valid(d, l))
			return 0;
		add(out, ENTITY_INN, s, s + l, d, l);
		return 1;
	}
	return 0;
}

/* Tries the shapes at the first run; returns the runs consumed. */
static size_t
match_run(struct scan *sc, struct entity_list *out)
{
	size_t	chain, m;

	if (!starts_ok(sc))
		return 1;
	chain = chain_of(sc);
	if ((m = match_request(sc, chain, out)) > 0 ||
	    (m = match_snils(sc, chain, out)) > 0 ||
	    (m = match_phone_prefixed(sc, chain, out)) > 0 ||
	    (m = match_passport(sc, chain, out)) > 0 ||
	    (m = match_phone_national(sc, chain, out)) > 0 ||
	    (m = match_bare(sc, chain, out)) > 0)
		return m;
	return 1;
}

void
entities_add(struct entity_list *out, enum entity_type type,
    const char *value)
{
	add(out, type, 0, 0, value, strlen(value));
}

void
entities_extract(const char *text, size_t len, struct entity_list *out)
{
	struct scan	 sc;
	struct tok	*k;
	char		 v[ENTITY_VALUE_MAX];
	size_t		 i, m;

	out->count = 0;
	if (text == NULL)
		return;
	memset(&sc, 0, sizeof sc);
	sc.t = text;
	sc.len = len;
	fill(&sc);
	while (sc.n > 0 && out->count < LIMIT_ENTITIES) {
		k = &sc.win[0];
		if (k->kind == TOK_EMAIL) {
			if (k->report) {
				m = k->end - k->start;
				for (i = 0; i < m; i++) {
					v[i] = text[k->start + i];
					if (v[i] >= 'A' && v[i] <= 'Z')
						v[i] += 'a' - 'A';
				}
				add(out, ENTITY_EMAIL, k->start, k->end, v, m);
			}
			m = 1;
		} else
			m = match_run(&sc, out);
		drop(&sc, m);
		fill(&sc);
	}
}
