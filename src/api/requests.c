/* requests.c — the desk's own calls (api layer): suggested articles,
 * consultations, workload, SLA report, counters; the record, its transitions
 * and its timeline go through the generic resource handlers. */
#include <string.h>

#include "api/api.h"
#include "base/timeutil.h"
#include "core/record.h"
#include "domain/desk/desk.h"
#include "domain/desk/knowledge.h"
#include "domain/desk/routing.h"
#include "domain/desk/sla.h"
#include "base/banned.h"

API_HANDLER(api_request_articles)
{
    int64_t id;
    struct record *rec, **items;
    int n;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = entity_get(cx, &entity_requests, id, &rec);
    if (rc == ERR_OK)
        rc = knowledge_suggest(cx, id, &items, &n);
    if (rc != ERR_OK)
        return rc;
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, record_to_json(items[i]));
    http_json(rs, 200, json_pack("{s:o}", "items", a));
    return ERR_OK;
}

API_HANDLER(api_consultation)
{
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    struct consultation c = {0};
    json_int_t client = 0, unit = 0, minutes = 0;
    json_error_t je;
    if (json_unpack_ex(body, &je, JSON_STRICT, "{s?I,s?I,s?s,s?s,s?s,s?I}", "client_id", &client,
                       "unit_id", &unit, "channel", &c.channel, "question", &c.question, "answer",
                       &c.answer, "duration_minutes", &minutes) != 0) {
        json_decref(body);
        return ctx_fail(cx, ERR_INVALID, "unexpected field or type: %s", je.text);
    }
    /* a reference given is a record: 0 or below is none of them, not "no client" */
    if ((json_object_get(body, "client_id") && client < 1) ||
        (json_object_get(body, "unit_id") && unit < 1)) {
        err_field(&cx->err,
                  client < 1 && json_object_get(body, "client_id") ? "client_id" : "unit_id",
                  "not_found");
        json_decref(body);
        return ctx_fail(cx, ERR_INVALID, "no such record");
    }
    c.channel = arena_strdup(cx->a, c.channel);
    c.question = arena_strdup(cx->a, c.question);
    c.answer = arena_strdup(cx->a, c.answer);
    c.client_id = client;
    c.unit_id = unit;
    c.duration_minutes = minutes;
    json_decref(body);
    struct record *out;
    if ((rc = knowledge_consultation(cx, &c, &out)) != ERR_OK)
        return rc;
    http_json(rs, 201, record_to_json(out));
    http_header(cx, rs, "Location",
                arena_printf(cx->a, "/api/v1/requests/%lld", (long long)out->id));
    return ERR_OK;
}

/* The workload board: each person's open requests (in all and by status),
 * the overdue ones, the nearest deadline, and the requests they resolved in
 * each of the last weeks (week 0 the oldest; a week ends at the moment of
 * asking). */
API_HANDLER(api_workload)
{
    struct workload *w;
    int n;
    enum err_code rc = routing_workload(cx, &w, &n);
    if (rc != ERR_OK)
        return rc;
    json_t **by_status = arena_alloc(cx->a, sizeof(json_t *) * (size_t)(n ? n : 1));
    json_t **weeks = arena_alloc(cx->a, sizeof(json_t *) * (size_t)(n ? n : 1));
    int64_t(*resolved)[WORKLOAD_WEEKS] =
        arena_alloc(cx->a, sizeof(*resolved) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        by_status[i] = json_object();
        for (int k = 0; k < WORKLOAD_WEEKS; k++)
            resolved[i][k] = 0;
    }
    if ((rc = routing_workload_trend(cx, w, n, by_status, resolved)) != ERR_OK) {
        for (int i = 0; i < n; i++)
            json_decref(by_status[i]);
        return rc;
    }
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        weeks[i] = json_array();
        for (int k = 0; k < WORKLOAD_WEEKS; k++)
            json_array_append_new(weeks[i], json_integer(resolved[i][k]));
        json_array_append_new(a, json_pack("{s:I,s:s,s:I,s:I,s:s?,s:o,s:o}", "user_id",
                                           (json_int_t)w[i].user_id, "name", w[i].name, "open",
                                           (json_int_t)w[i].open, "overdue",
                                           (json_int_t)w[i].overdue, "next_due", w[i].next_due,
                                           "by_status", by_status[i], "resolved_weeks", weeks[i]));
    }
    http_json(rs, 200, json_pack("{s:o,s:i}", "items", a, "weeks", WORKLOAD_WEEKS));
    return ERR_OK;
}

/* SLA compliance of what was resolved in a period, by assignee or queue
 * (of the caller's branch when they work in one). */
API_HANDLER(api_sla_report)
{
    const char *from = NULL, *to = NULL, *by = "assignee";
    int64_t t;
    for (int i = 0; i < rq->nparams; i++) {
        const char *k = rq->params[i].key, *v = rq->params[i].value;
        if (!strcmp(k, "from") && time_parse(v, &t))
            from = v;
        else if (!strcmp(k, "to") && time_parse(v, &t))
            to = v;
        else if (!strcmp(k, "by") && (!strcmp(v, "assignee") || !strcmp(v, "queue")))
            by = v;
        else
            return ctx_fail(cx, ERR_MALFORMED,
                            "report takes from, to (dates) and by=assignee|queue");
    }
    struct sla_report_row *r;
    int n;
    enum err_code rc =
        sla_report(cx, !strcmp(by, "queue") ? SLA_BY_QUEUE : SLA_BY_ASSIGNEE, from, to, &r, &n);
    if (rc != ERR_OK)
        return rc;
    json_t *rows = json_array();
    int64_t met_all = 0, breached_all = 0;
    for (int i = 0; i < n; i++) {
        int64_t met = r[i].met, breached = r[i].breached;
        met_all += met, breached_all += breached;
        json_array_append_new(
            rows, json_pack("{s:s,s:s,s:I,s:I,s:f}", "key", r[i].key, "label", r[i].label, "met",
                            (json_int_t)met, "breached", (json_int_t)breached, "percent",
                            met + breached ? 100.0 * (double)met / (double)(met + breached) : 0.0));
    }
    http_json(rs, 200,
              json_pack("{s:s,s:o,s:{s:I,s:I,s:f}}", "by", by, "rows", rows, "total", "met",
                        (json_int_t)met_all, "breached", (json_int_t)breached_all, "percent",
                        met_all + breached_all
                            ? 100.0 * (double)met_all / (double)(met_all + breached_all)
                            : 0.0));
    return ERR_OK;
}

/* The desk's badge counters: requests by status and by SLA state, the open
 * ones past their deadline (overdue), and the caller's own open requests (of
 * the caller's branch when they work in one). */
API_HANDLER(api_desk_counters)
{
    json_t *status, *sla;
    int64_t mine, overdue;
    enum err_code rc = request_badges(cx, &status, &sla, &mine, &overdue);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200,
              json_pack("{s:o,s:o,s:I,s:I}", "status", status, "sla_state", sla, "mine_open",
                        (json_int_t)mine, "overdue", (json_int_t)overdue));
    return ERR_OK;
}
