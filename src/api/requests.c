/* requests.c — the desk's own calls (api layer): suggested articles,
 * consultations, workload, SLA report, counters; the record, its transitions
 * and its timeline go through the generic resource handlers. */
#include <string.h>

#include "api/api.h"
#include "base/timeutil.h"
#include "core/counters.h"
#include "core/record.h"
#include "domain/desk/desk.h"
#include "domain/desk/knowledge.h"
#include "domain/desk/routing.h"
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

/* The weeks of the workload's trend, the current one last. */
#define WORKLOAD_WEEKS 8

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
    int64_t now = time_now(), since = now - (int64_t)WORKLOAD_WEEKS * 7 * 86400;
    char since_iso[ISO_TIME_LEN];
    time_iso(since, since_iso);
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT assignee_id, status, COUNT(*) FROM requests\n"
                              "WHERE assignee_id IS NOT NULL AND status IN (" REQUEST_OPEN_SQL ")\n"
                              "  AND (CAST($1 AS BIGINT) = 0 OR branch_id = $1)\n"
                              "GROUP BY assignee_id, status",
                              "i", ctx_branch(cx));
    int step = DB_FAIL;
    if (st) {
        while ((step = db_step(st)) == DB_ROW)
            for (int i = 0; i < n; i++)
                if (w[i].user_id == db_col_i64(st, 0))
                    json_object_set_new(by_status[i], db_col_text(st, 1),
                                        json_integer(db_col_i64(st, 2)));
        db_done(st);
    }
    /* by day in SQL (a few rows a person), into weeks here */
    if (step != DB_FAIL &&
        (st = db_q(cx->db, &cx->err,
                   "SELECT assignee_id, SUBSTR(resolved_at, 1, 10), COUNT(*) FROM requests\n"
                   "WHERE assignee_id IS NOT NULL AND resolved_at >= $2\n"
                   "  AND (CAST($1 AS BIGINT) = 0 OR branch_id = $1)\n"
                   "GROUP BY assignee_id, SUBSTR(resolved_at, 1, 10)",
                   "it", ctx_branch(cx), since_iso))) {
        while ((step = db_step(st)) == DB_ROW) {
            int64_t day;
            const char *d = db_col_text(st, 1);
            if (!d || !time_parse(arena_printf(cx->a, "%sT12:00:00Z", d), &day))
                continue;
            int64_t k = (day - since) / (7 * 86400);
            if (k < 0)
                k = 0;
            if (k >= WORKLOAD_WEEKS)
                k = WORKLOAD_WEEKS - 1;
            for (int i = 0; i < n; i++)
                if (w[i].user_id == db_col_i64(st, 0))
                    resolved[i][k] += db_col_i64(st, 2);
        }
        db_done(st);
    }
    if (step == DB_FAIL) {
        for (int i = 0; i < n; i++)
            json_decref(by_status[i]);
        return cx->err.code;
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
            to = strlen(v) == 10 ? arena_printf(cx->a, "%sT23:59:59Z", v) : v;
        else if (!strcmp(k, "by") && (!strcmp(v, "assignee") || !strcmp(v, "queue")))
            by = v;
        else
            return ctx_fail(cx, ERR_MALFORMED,
                            "report takes from, to (dates) and by=assignee|queue");
    }
    bool queue = !strcmp(by, "queue");
    const char *sql = queue ? "SELECT COALESCE(r.queue, ''), COALESCE(r.queue, ''),\n"
                              "  SUM(CASE WHEN r.sla_state = 'met' THEN 1 ELSE 0 END),\n"
                              "  SUM(CASE WHEN r.sla_state = 'breached' THEN 1 ELSE 0 END)\n"
                              "FROM requests r\n"
                              "WHERE r.resolved_at >= $1 AND r.resolved_at <= $2\n"
                              "  AND r.sla_state IN ('met', 'breached')\n"
                              "  AND (CAST($3 AS BIGINT) = 0 OR r.branch_id = $3)\n"
                              "GROUP BY COALESCE(r.queue, '')\n"
                              "ORDER BY 1"
                            : "SELECT COALESCE(r.assignee_id, 0), COALESCE(u.name, ''),\n"
                              "  SUM(CASE WHEN r.sla_state = 'met' THEN 1 ELSE 0 END),\n"
                              "  SUM(CASE WHEN r.sla_state = 'breached' THEN 1 ELSE 0 END)\n"
                              "FROM requests r\n"
                              "LEFT JOIN users u ON u.id = r.assignee_id\n"
                              "WHERE r.resolved_at >= $1 AND r.resolved_at <= $2\n"
                              "  AND r.sla_state IN ('met', 'breached')\n"
                              "  AND (CAST($3 AS BIGINT) = 0 OR r.branch_id = $3)\n"
                              "GROUP BY COALESCE(r.assignee_id, 0), COALESCE(u.name, '')\n"
                              "ORDER BY 2";
    struct db *rdb = ctx_read_db(cx);
    struct db_stmt *st = rdb ? db_q(rdb, &cx->err, sql, "tti", from ? from : "0000",
                                    to ? to : "9999", ctx_branch(cx))
                             : NULL;
    if (!st)
        return rdb ? cx->err.code : ERR_UNAVAILABLE;
    json_t *rows = json_array();
    int step;
    int64_t met_all = 0, breached_all = 0;
    while ((step = db_step(st)) == DB_ROW) {
        int64_t met = db_col_i64(st, 2), breached = db_col_i64(st, 3);
        met_all += met, breached_all += breached;
        json_array_append_new(
            rows, json_pack("{s:s,s:s,s:I,s:I,s:f}", "key", db_col_text(st, 0), "label",
                            db_col_text(st, 1), "met", (json_int_t)met, "breached",
                            (json_int_t)breached, "percent",
                            met + breached ? 100.0 * (double)met / (double)(met + breached) : 0.0));
    }
    db_done(st);
    if (step == DB_FAIL) {
        json_decref(rows);
        return cx->err.code;
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
 * ones past their deadline (overdue), and the caller's own open requests — of the caller's branch
 * when they work in one (counted then, not read from the company-wide counters). */
API_HANDLER(api_desk_counters)
{
    const char *mine = counter_name(cx, REQUEST_COUNTER_OPEN_BY,
                                    arena_printf(cx->a, "%lld", (long long)cx->user->id));
    const char *overdue = counter_name(cx, REQUEST_COUNTER_OVERDUE, "open");
    json_int_t mine_n = 0, overdue_n = 0;
    struct db_stmt *st =
        ctx_branch(cx)
            ? db_q(cx->db, &cx->err, request_branch_counts_sql, "ii", ctx_branch(cx), cx->user->id)
            : db_q(cx->db, &cx->err,
                   "SELECT name, value FROM counters\n"
                   "WHERE name LIKE $2 OR name LIKE $3 OR name = $1 OR name = $4",
                   "tttt", mine, counter_name(cx, REQUEST_COUNTER_STATUS, "%"),
                   counter_name(cx, REQUEST_COUNTER_SLA_STATE, "%"), overdue);
    if (!st)
        return cx->err.code;
    json_t *status = json_object(), *sla = json_object();
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        const char *name = db_col_text(st, 0);
        json_int_t v = db_col_i64(st, 1);
        const char *value;
        if ((value = counter_value_of(name, REQUEST_COUNTER_STATUS)))
            json_object_set_new(status, value, json_integer(v));
        else if ((value = counter_value_of(name, REQUEST_COUNTER_SLA_STATE)))
            json_object_set_new(sla, value, json_integer(v));
        else if (!strcmp(name, mine))
            mine_n = v;
        else if (!strcmp(name, overdue))
            overdue_n = v;
    }
    db_done(st);
    if (step == DB_FAIL) {
        json_decref(status);
        json_decref(sla);
        return cx->err.code;
    }
    http_json(rs, 200,
              json_pack("{s:o,s:o,s:I,s:I}", "status", status, "sla_state", sla, "mine_open",
                        mine_n, "overdue", overdue_n));
    return ERR_OK;
}
