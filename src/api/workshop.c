/* workshop.c — the workshop's own calls (api layer): the list of warranty
 * repairs past their legal deadline; the orders themselves, their
 * transitions, timeline and documents go through the generic handlers. */
#include <string.h>

#include "api/api.h"
#include "base/timeutil.h"
#include "domain/workshop/workshop.h"
#include "base/banned.h"

/* Open warranty repairs whose legal deadline (ЗоЗПП ст. 20: 45 days) has
 * passed, the longest overdue first, in the caller's branch scope. */
API_HANDLER(api_workshop_overdue)
{
    (void)rq;
    char today[ISO_DATE_LEN];
    json_t *items;
    enum err_code rc = repair_overdue(cx, today, &items);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, json_pack("{s:o,s:s}", "items", items, "today", today));
    return ERR_OK;
}

/* An order's lines, totals, estimate versions, delay penalty and — for
 * workshop.manage — its cost and margin. */
API_HANDLER(api_repair_summary)
{
    int64_t id;
    json_t *out;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = repair_summary(cx, id, &out);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, out);
    return ERR_OK;
}

/* Parts from stock to the order: {line_id?, qty?}; without a line every
 * reserved line, without qty what the line holds. */
API_HANDLER(api_repair_issue_parts)
{
    int64_t id;
    json_t *body, *out;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    json_int_t line = 0, qty = 0;
    json_error_t je;
    if (json_unpack_ex(body, &je, JSON_STRICT, "{s?I,s?I}", "line_id", &line, "qty", &qty) != 0) {
        json_decref(body);
        return ctx_fail(cx, ERR_INVALID, "takes line_id and qty (thousandths): %s", je.text);
    }
    json_decref(body);
    if ((rc = repair_issue_parts(cx, id, line, qty, &out)) != ERR_OK)
        return rc;
    http_json(rs, 200, out);
    return ERR_OK;
}

/* The caller's clock on a labour line: start {line_id}, stop {}. */
API_HANDLER(api_repair_time_start)
{
    int64_t id;
    json_t *body, *out;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    json_int_t line = 0;
    json_error_t je;
    if (json_unpack_ex(body, &je, JSON_STRICT, "{s:I}", "line_id", &line) != 0) {
        json_decref(body);
        err_field(&cx->err, "line_id", "required");
        return ctx_fail(cx, ERR_INVALID, "takes line_id: %s", je.text);
    }
    json_decref(body);
    if ((rc = repair_time_start(cx, id, line, &out)) != ERR_OK)
        return rc;
    http_json(rs, 201, out);
    return ERR_OK;
}

API_HANDLER(api_repair_time_stop)
{
    int64_t id;
    json_t *out;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = repair_time_stop(cx, id, &out);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, out);
    return ERR_OK;
}

/* The client's answer to an estimate on the status page: {number, code,
 * version, decision: approve|decline}; found and rate-limited exactly as
 * the status page is. */
API_HANDLER(api_public_repair_answer)
{
    json_t *body, *out;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    const char *number = NULL, *code = NULL, *decision = NULL;
    json_int_t version = 0;
    json_error_t je;
    if (json_unpack_ex(body, &je, JSON_STRICT, "{s:s,s:s,s:I,s:s}", "number", &number, "code",
                       &code, "version", &version, "decision", &decision) != 0) {
        json_decref(body);
        return ctx_fail(cx, ERR_INVALID,
                        "takes number, code, version (of the estimate) and decision: %s", je.text);
    }
    number = arena_strdup(cx->a, number);
    code = arena_strdup(cx->a, code);
    bool approve = !strcmp(decision, "approve");
    bool known = approve || !strcmp(decision, "decline");
    json_decref(body);
    if (!known) {
        err_field(&cx->err, "decision", "invalid");
        return ctx_fail(cx, ERR_INVALID, "decision is approve or decline");
    }
    if ((rc = repair_client_answer(cx, number, code, version, approve, &out)) != ERR_OK)
        return rc;
    http_json(rs, 200, out);
    return ERR_OK;
}

enum err_code api_public_extra(struct ctx *cx, const struct entity *ent, const struct record *rec,
                               json_t *out)
{
    json_t *v = NULL;
    enum err_code rc = ERR_OK;
    if (ent == &entity_repair_orders) {
        rc = repair_public_estimate(cx, rec->id, &v);
        if (rc == ERR_OK)
            json_object_set_new(out, "estimate", v ? v : json_null());
    } else if (!strcmp(ent->name, "requests")) {
        rc = repair_orders_of_request(cx, rec->id, &v);
        if (rc == ERR_OK)
            json_object_set_new(out, "repair_orders", v);
    }
    return rc;
}
