/*
 * The supervisor's figures as text: CSV for a spreadsheet (the page's
 * export) and lines for a terminal (`hotline report`).  Both read the
 * JSON that dashboard_figures makes, so the three never disagree.
 */
#include "agent/core/dashboard.h"

#include <inttypes.h>
#include <string.h>

#define MSK_OFFSET	(3 * 3600)

static const char *const channels[] = { "chat", "email", "messenger" };
static const char *const actions[] = {
	"answer", "clarify", "handoff", "decline"
};
static const char *const total_keys[] = {
	"messages", "conversations", "decisions", "handoffs", "handoff_rate",
	"automation_rate", "csat_average", "csat_count", "sla_breaches",
	"feedback_yes", "feedback_no"
};
static const char *const percentiles[] = { "p50", "p90", "p95", "max" };

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* One CSV field (RFC 4180 section 2): quoted when it must be; a text
 * that a spreadsheet would run as a formula starts with a quote. */
static void
field(FILE *fp, const char *s)
{
	int	formula;

	if (s == NULL)
		return;
	formula = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL &&
	    !(s[0] == '-' && s[1] >= '0' && s[1] <= '9');
	if (!formula && strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	if (formula)
		fputc('\'', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

/* A JSON number or null as text into buf. */
static const char *
num(const json_t *v, char *buf, size_t sz)
{
	if (json_is_integer(v))
		snprintf(buf, sz, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, sz, "%g", json_real_value(v));
	else
		buf[0] = '\0';
	return buf;
}

static void
row(FILE *fp, const char *section, const char *item, const char *detail,
    const json_t *value)
{
	char	buf[64];

	field(fp, section);
	fputc(',', fp);
	field(fp, item);
	fputc(',', fp);
	field(fp, detail);
	fputc(',', fp);
	field(fp, json_is_string(value) ? json_string_value(value) :
	    num(value, buf, sizeof(buf)));
	fputs("\r\n", fp);
}

/* An hour's start as "YYYY-MM-DD HH:00" in Moscow time. */
static void
hour_text(json_int_t t, char *buf, size_t sz)
{
	time_t		s = (time_t)t + MSK_OFFSET;
	struct tm	tm;

	gmtime_r(&s, &tm);
	strftime(buf, sz, "%Y-%m-%d %H:00", &tm);
}

static void
csv_list(FILE *fp, const char *section, const json_t *arr,
    const char *item, const char *detail, const char *value)
{
	const json_t	*o;
	size_t		 i;

	json_array_foreach(arr, i, o)
		row(fp, section, json_string_value(json_object_get(o, item)),
		    json_string_value(json_object_get(o, detail)),
		    json_object_get(o, value));
}

void
dashboard_csv(const json_t *fig, FILE *fp)
{
	const json_t	*t, *o, *live;
	char		 hb[32];
	size_t		 i, j;

	fputs("section,item,detail,value\r\n", fp);
	t = json_object_get(fig, "period");
	row(fp, "period", "from", NULL, json_object_get(t, "from"));
	row(fp, "period", "to", NULL, json_object_get(t, "to"));
	t = json_object_get(fig, "totals");
	for (i = 0; i < N(total_keys); i++)
		row(fp, "total", total_keys[i], NULL, json_object_get(t,
		    total_keys[i]));
	t = json_object_get(fig, "messages_by_channel");
	for (i = 0; i < N(channels); i++)
		row(fp, "messages_by_channel", channels[i], NULL,
		    json_object_get(t, channels[i]));
	t = json_object_get(fig, "decisions");
	for (i = 0; i < N(actions); i++)
		row(fp, "decisions", actions[i], NULL, json_object_get(t,
		    actions[i]));
	t = json_object_get(fig, "first_response");
	row(fp, "first_response", "count", NULL, json_object_get(t, "count"));
	row(fp, "first_response", "pending", NULL, json_object_get(t,
	    "pending"));
	for (i = 0; i < N(percentiles); i++)
		row(fp, "first_response", percentiles[i], "seconds",
		    json_object_get(t, percentiles[i]));
	json_array_foreach(json_object_get(fig, "messages_per_hour"), i, o) {
		hour_text(json_integer_value(json_object_get(o, "hour")), hb,
		    sizeof(hb));
		for (j = 0; j < N(channels); j++)
			row(fp, "messages_per_hour", hb, channels[j],
			    json_object_get(o, channels[j]));
	}
	csv_list(fp, "handoff_category", json_object_get(fig,
	    "handoff_categories"), "id", "label", "count");
	csv_list(fp, "handoff_topic", json_object_get(fig, "handoff_topics"),
	    "id", "label", "count");
	csv_list(fp, "article_no", json_object_get(fig, "unhelpful_articles"),
	    "article", "title", "no");
	csv_list(fp, "article_yes", json_object_get(fig,
	    "unhelpful_articles"), "article", "title", "yes");
	live = json_object_get(fig, "live");
	json_array_foreach(json_object_get(live, "queues"), i, o) {
		row(fp, "live_queue", json_string_value(json_object_get(o,
		    "queue")), "length", json_object_get(o, "length"));
		row(fp, "live_queue", json_string_value(json_object_get(o,
		    "queue")), "waiting", json_object_get(o, "waiting"));
		row(fp, "live_queue", json_string_value(json_object_get(o,
		    "queue")), "oldest_wait_seconds", json_object_get(o,
		    "oldest_wait"));
	}
	csv_list(fp, "live_operator", json_object_get(live, "operators"),
	    "name", "role", "load");
	row(fp, "live", "sla_breaches_today", NULL, json_object_get(live,
	    "sla_breaches_today"));
}

/* A share as a percentage, or "-". */
static void
print_rate(FILE *fp, const char *what, const json_t *v)
{
	if (json_is_number(v))
		fprintf(fp, "  %-22s %.1f%%\n", what, json_number_value(v) *
		    100.0);
	else
		fprintf(fp, "  %-22s -\n", what);
}

static json_int_t
iget(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void
print_counts(FILE *fp, const json_t *o, const char *const *keys, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		fprintf(fp, "%s%s %" JSON_INTEGER_FORMAT, i == 0 ? " (" : ", ",
		    keys[i], iget(o, keys[i]));
	fputs(")\n", fp);
}

static void
print_list(FILE *fp, const char *title, const json_t *arr)
{
	const json_t	*o;
	size_t		 i;

	fprintf(fp, "\n%s\n", title);
	if (json_array_size(arr) == 0)
		fputs("  none\n", fp);
	json_array_foreach(arr, i, o)
		fprintf(fp, "  %5" JSON_INTEGER_FORMAT "  %s (%s)\n",
		    iget(o, "count"), json_string_value(json_object_get(o,
		    "label")), json_string_value(json_object_get(o, "id")));
}

void
dashboard_print(const json_t *fig, FILE *fp)
{
	const json_t	*t, *o, *live, *fr;
	char		 hb[32], b1[32];
	size_t		 i, j;

	t = json_object_get(fig, "period");
	fprintf(fp, "Report %s .. %s (Moscow days)\n\nNow\n",
	    json_string_value(json_object_get(t, "from")),
	    json_string_value(json_object_get(t, "to")));
	live = json_object_get(fig, "live");
	json_array_foreach(json_object_get(live, "queues"), i, o)
		fprintf(fp, "  queue %-16s %" JSON_INTEGER_FORMAT " open, %"
		    JSON_INTEGER_FORMAT " citizens waiting, oldest %"
		    JSON_INTEGER_FORMAT " s\n", json_string_value(
		    json_object_get(o, "queue")), iget(o, "length"), iget(o,
		    "waiting"), iget(o, "oldest_wait"));
	json_array_foreach(json_object_get(live, "operators"), i, o)
		fprintf(fp, "  operator %-13s %s, %s, %" JSON_INTEGER_FORMAT
		    " item(s)\n", json_string_value(json_object_get(o,
		    "name")), json_string_value(json_object_get(o, "role")),
		    json_is_true(json_object_get(o, "online")) ?
		    "signed in" : "signed out", iget(o, "load"));
	fprintf(fp, "  %-22s %" JSON_INTEGER_FORMAT "\n\nPeriod\n",
	    "SLA breaches today", iget(live, "sla_breaches_today"));
	t = json_object_get(fig, "totals");
	fprintf(fp, "  %-22s %" JSON_INTEGER_FORMAT, "messages",
	    iget(t, "messages"));
	print_counts(fp, json_object_get(fig, "messages_by_channel"),
	    channels, N(channels));
	fprintf(fp, "  %-22s %" JSON_INTEGER_FORMAT "\n", "conversations",
	    iget(t, "conversations"));
	fprintf(fp, "  %-22s %" JSON_INTEGER_FORMAT, "decisions",
	    iget(t, "decisions"));
	print_counts(fp, json_object_get(fig, "decisions"), actions,
	    N(actions));
	fprintf(fp, "  %-22s %" JSON_INTEGER_FORMAT "\n", "handoffs",
	    iget(t, "handoffs"));
	print_rate(fp, "handoff rate", json_object_get(t, "handoff_rate"));
	print_rate(fp, "automation rate", json_object_get(t,
	    "automation_rate"));
	fprintf(fp, "  %-22s %s (%" JSON_INTEGER_FORMAT " rating(s))\n",
	    "CSAT average", json_is_number(json_object_get(t,
	    "csat_average")) ? num(json_object_get(t, "csat_average"), b1,
	    sizeof(b1)) : "-", iget(t, "csat_count"));
	fprintf(fp, "  %-22s %" JSON_INTEGER_FORMAT "\n", "SLA breaches",
	    iget(t, "sla_breaches"));
	fprintf(fp, "  %-22s %" JSON_INTEGER_FORMAT " helpful, %"
	    JSON_INTEGER_FORMAT " not\n", "answers rated",
	    iget(t, "feedback_yes"), iget(t, "feedback_no"));
	fr = json_object_get(fig, "first_response");
	fprintf(fp, "  %-22s %" JSON_INTEGER_FORMAT " answered, %"
	    JSON_INTEGER_FORMAT " not yet", "first response",
	    iget(fr, "count"), iget(fr, "pending"));
	for (i = 0; i < N(percentiles); i++)
		if (json_is_integer(json_object_get(fr, percentiles[i])))
			fprintf(fp, "%s%s %" JSON_INTEGER_FORMAT " s", i == 0 ?
			    "; " : ", ", percentiles[i], iget(fr,
			    percentiles[i]));
	fputc('\n', fp);
	print_list(fp, "Handed off, by category", json_object_get(fig,
	    "handoff_categories"));
	print_list(fp, "Handed off, by service", json_object_get(fig,
	    "handoff_topics"));
	fputs("\nArticles with the most \"no\"\n", fp);
	t = json_object_get(fig, "unhelpful_articles");
	if (json_array_size(t) == 0)
		fputs("  none\n", fp);
	else
		fputs("     no    yes  article\n", fp);
	json_array_foreach(t, i, o)
		fprintf(fp, "  %5" JSON_INTEGER_FORMAT "  %5"
		    JSON_INTEGER_FORMAT "  %s (%s)\n", iget(o, "no"),
		    iget(o, "yes"),
		    json_string_value(json_object_get(o, "title")),
		    json_string_value(json_object_get(o, "article")));
	fputs("\nMessages per hour (Moscow)\n", fp);
	if (json_array_size(json_object_get(fig, "messages_per_hour")) == 0)
		fputs("  none\n", fp);
	json_array_foreach(json_object_get(fig, "messages_per_hour"), i, o) {
		hour_text(iget(o, "hour"), hb, sizeof(hb));
		fprintf(fp, "  %s", hb);
		for (j = 0; j < N(channels); j++)
			fprintf(fp, "  %s %" JSON_INTEGER_FORMAT, channels[j],
			    iget(o, channels[j]));
		fputc('\n', fp);
	}
}
