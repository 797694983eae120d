/*
 * GET /api/operator/dashboard?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=csv]
 * or ?part=live
 * (docs/api.md, docs/dashboard.md): the supervisor's figures for seniors
 * and administrators; an operator gets 403, as for the other leads'
 * actions (queue_permit).  The figures hold no personal data: counts,
 * categories, services and article titles.  Without from and to the
 * period is today.
 */
#include "agent/web/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "agent/core/dashboard.h"
#include "lib/log.h"
#include "lib/xmalloc.h"

/* Characters of a day argument: "YYYY-MM-DD" or "today". */
#define DAY_ARG_MAX	16

static int
day_arg(struct http_req *req, const char *name, int64_t *day_r)
{
	const char	*s = http_query(req, name);

	if (s == NULL)
		s = "today";
	if (strlen(s) > DAY_ARG_MAX || dashboard_day(s, strlen(s), req->now,
	    day_r) == -1) {
		http_error(req, 400, "from and to are days: YYYY-MM-DD");
		return -1;
	}
	return 0;
}

/* The figures as a CSV download. */
static void
csv_answer(struct http_req *req, const json_t *fig)
{
	FILE	*fp;
	char	*buf = NULL, *cd;
	size_t	 len = 0;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		abort();
	dashboard_csv(fig, fp);
	fclose(fp);
	req->resp = MHD_create_response_from_buffer(len, buf,
	    MHD_RESPMEM_MUST_FREE);
	if (req->resp == NULL) {
		free(buf);
		http_error(req, 500, "the server failed; please try again");
		return;
	}
	cd = xasprintf("attachment; filename=\"hotline-%s-%s.csv\"",
	    json_string_value(json_object_get(json_object_get(fig, "period"),
	    "from")), json_string_value(json_object_get(json_object_get(fig,
	    "period"), "to")));
	MHD_add_response_header(req->resp, "Content-Type",
	    "text/csv; charset=utf-8");
	MHD_add_response_header(req->resp, "Content-Disposition", cd);
	MHD_add_response_header(req->resp, "Cache-Control", "private, "
	    "no-store");
	http_secure(req->resp);
	req->status = 200;
	free(cd);
}

void
api_op_dashboard(struct http_req *req)
{
	const struct classifier	*cl = req->w->brain->cl;
	const char		*format = http_query(req, "format");
	const char		*part = http_query(req, "part");
	json_t			*fig;
	char			*err = NULL;
	int64_t			 first, last;

	if ((operator_role_bit(req->op.role) & (OPERATOR_ROLE_SENIOR |
	    OPERATOR_ROLE_ADMIN)) == 0) {
		http_error(req, 403, "the dashboard is for seniors and "
		    "administrators");
		return;
	}
	if (day_arg(req, "from", &first) == -1 ||
	    day_arg(req, "to", &last) == -1)
		return;
	if (last < first || last - first + 1 > DASHBOARD_DAYS_MAX) {
		http_error(req, 400, "a period is 1 to 92 days, from not "
		    "after to");
		return;
	}
	/* The page polls the live part; the period's figures on demand. */
	if (part != NULL && strcmp(part, "live") == 0)
		fig = json_pack("{s:I, s:o*}", "now", (json_int_t)req->now,
		    "live", dashboard_live(req->w->db, req->now, &err));
	else
		fig = dashboard_figures(req->w->db, first, last, req->now,
		    classifier_taxonomy(cl), classifier_topics(cl), &err);
	if (fig == NULL || (json_object_get(fig, "live") == NULL)) {
		json_decref(fig);
		log_msg(LOG_ERROR, "%s %s: %s", req->method, req->path,
		    err != NULL ? err : "?");
		free(err);
		http_error(req, 500, "the server failed; please try again");
		return;
	}
	if (format != NULL && strcmp(format, "csv") == 0)
		csv_answer(req, fig);
	else
		http_json(req, 200, json_incref(fig));
	json_decref(fig);
}
