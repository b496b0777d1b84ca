/* workshop.c — the workshop's own calls (api layer): the list of warranty
 * repairs past their legal deadline, an order's QC checklist and rounds,
 * receiving a shipment's units and the overdue shipments; the orders and
 * shipments themselves, their transitions, timeline and documents go through
 * the generic handlers. */
#include <string.h>

#include "api/api.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "core/record.h"
#include "domain/workshop/clocks.h"
#include "domain/workshop/workshop.h"
#include "base/banned.h"

/* Open warranty repairs whose legal deadline (ЗоЗПП ст. 20: 45 days) has
 * passed, the longest overdue first, in the caller's branch scope. */
API_HANDLER(api_workshop_overdue)
{
    char today[ISO_DATE_LEN];
    json_t *items;
    /* ?kind: the other clocks (domain/workshop/clocks.h) */
    const char *kind = api_param(rq, "kind");
    enum err_code rc = kind && strcmp(kind, "legal") ? clocks_overdue(cx, kind, today, &items)
                                                     : repair_overdue(cx, today, &items);
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

/* ---- reading JSON ---- */

/* An optional text member of at most max characters (field names it). */
static enum err_code get_text(struct ctx *cx, json_t *o, const char *key, const char *field,
                              size_t max, const char **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return ERR_OK;
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    if (!s || strlen(s) != json_string_length(v))
        return api_field_error(cx, field, "invalid");
    if (utf8_count(s, strlen(s)) > max)
        return api_field_error(cx, field, "too_long");
    *out = *s ? arena_strdup(cx->a, s) : NULL;
    return ERR_OK;
}

static enum err_code get_version(struct ctx *cx, json_t *o, int64_t *out)
{
    json_t *v = json_object_get(o, "version");
    *out = -1;
    if (!v || json_is_null(v))
        return ERR_OK;
    if (!json_is_integer(v))
        return api_field_error(cx, "version", "invalid");
    *out = json_integer_value(v);
    return ERR_OK;
}

/* The member "items" as an array of at most max objects. */
static enum err_code get_items(struct ctx *cx, json_t *o, size_t max, json_t **out)
{
    *out = json_object_get(o, "items");
    if (!*out || json_is_null(*out)) {
        *out = NULL;
        return ERR_OK;
    }
    if (!json_is_array(*out))
        return api_field_error(cx, "items", "invalid");
    if (json_array_size(*out) > max)
        return api_field_error(cx, "items", "too_many");
    size_t i;
    json_t *it;
    json_array_foreach(*out, i, it) if (!json_is_object(it)) return api_field_error(
        cx, arena_printf(cx->a, "items[%zu]", i), "invalid");
    return ERR_OK;
}

/* ---- quality control ---- */

/* The order's QC checklist and its rounds with their results. */
API_HANDLER(api_repair_qc_get)
{
    int64_t id;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc != ERR_OK)
        return rc;
    json_t *j = qc_view(cx, id, &rc);
    if (!j)
        return rc;
    http_json(rs, 200, j);
    return ERR_OK;
}

/* Records a QC round and passes or fails the order in one step:
 * {version, decision: "pass"|"fail", comment, items: [{item_id, passed,
 * comment}]}. */
API_HANDLER(api_repair_qc_record)
{
    static const char *const keys[] = {"version", "decision", "comment", "items", NULL};
    static const char *const item_keys[] = {"item_id", "passed", "comment", NULL};
    int64_t id, version = -1;
    json_t *body = NULL, *items = NULL;
    const char *decision = NULL, *comment = NULL;
    struct qc_mark *marks = NULL;
    int n = 0;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = api_body(cx, rq, &body);
    if (rc == ERR_OK)
        rc = api_only_members(cx, body, "", keys);
    if (rc == ERR_OK)
        rc = get_version(cx, body, &version);
    if (rc == ERR_OK)
        rc = get_text(cx, body, "decision", "decision", 8, &decision);
    if (rc == ERR_OK)
        rc = get_text(cx, body, "comment", "comment", 4000, &comment);
    if (rc == ERR_OK)
        rc = get_items(cx, body, 200, &items);
    if (rc == ERR_OK && items) {
        marks = arena_alloc(cx->a, sizeof(*marks) * (json_array_size(items) + 1));
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            const char *pre = arena_printf(cx->a, "items[%zu].", i);
            json_t *item = json_object_get(it, "item_id"), *passed = json_object_get(it, "passed");
            if ((rc = api_only_members(cx, it, pre, item_keys)) != ERR_OK)
                break;
            if (!json_is_integer(item) || json_integer_value(item) <= 0) {
                rc = api_field_error(cx, arena_printf(cx->a, "%sitem_id", pre),
                                     item ? "invalid" : "required");
                break;
            }
            if (!json_is_boolean(passed)) {
                rc = api_field_error(cx, arena_printf(cx->a, "%spassed", pre),
                                     passed ? "invalid" : "required");
                break;
            }
            marks[n].item_id = json_integer_value(item);
            marks[n].passed = json_is_true(passed);
            if ((rc = get_text(cx, it, "comment", arena_printf(cx->a, "%scomment", pre), 2000,
                               &marks[n].comment)) != ERR_OK)
                break;
            n++;
        }
    }
    json_decref(body);
    if (rc != ERR_OK)
        return rc;
    if (!decision || (strcmp(decision, "pass") && strcmp(decision, "fail")))
        return api_field_error(cx, "decision", decision ? "invalid" : "required");
    struct record *out;
    if ((rc = qc_record(cx, id, version, !strcmp(decision, "pass"), comment, marks, n, &out)) !=
        ERR_OK)
        return rc;
    http_json(rs, 200, record_to_json(out));
    return ERR_OK;
}

/* ---- shipments ---- */

API_HANDLER(api_shipment_units)
{
    int64_t id;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc != ERR_OK)
        return rc;
    json_t *j = shipment_units(cx, id, &rc);
    if (!j)
        return rc;
    http_json(rs, 200, json_pack("{s:o}", "items", j));
    return ERR_OK;
}

/* Receives units: {version, items: [{item_id, outcome, new_serial, note,
 * to: "in_repair"|"qc"}]}. */
API_HANDLER(api_shipment_receive)
{
    static const char *const keys[] = {"version", "items", NULL};
    static const char *const item_keys[] = {"item_id", "outcome", "new_serial", "note", "to", NULL};
    int64_t id, version = -1;
    json_t *body = NULL, *items = NULL;
    struct shipment_receipt *got = NULL;
    int n = 0;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = api_body(cx, rq, &body);
    if (rc == ERR_OK)
        rc = api_only_members(cx, body, "", keys);
    if (rc == ERR_OK)
        rc = get_version(cx, body, &version);
    if (rc == ERR_OK)
        rc = get_items(cx, body, 500, &items);
    if (rc == ERR_OK && items) {
        got = arena_alloc(cx->a, sizeof(*got) * (json_array_size(items) + 1));
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            const char *pre = arena_printf(cx->a, "items[%zu].", i);
            json_t *item = json_object_get(it, "item_id");
            const char *to = NULL;
            struct shipment_receipt *r = &got[n];
            if ((rc = api_only_members(cx, it, pre, item_keys)) != ERR_OK)
                break;
            if (!json_is_integer(item) || json_integer_value(item) <= 0) {
                rc = api_field_error(cx, arena_printf(cx->a, "%sitem_id", pre),
                                     item ? "invalid" : "required");
                break;
            }
            r->item_id = json_integer_value(item);
            if ((rc = get_text(cx, it, "outcome", arena_printf(cx->a, "%soutcome", pre), 16,
                               &r->outcome)) != ERR_OK ||
                (rc = get_text(cx, it, "new_serial", arena_printf(cx->a, "%snew_serial", pre), 100,
                               &r->new_serial)) != ERR_OK ||
                (rc = get_text(cx, it, "note", arena_printf(cx->a, "%snote", pre), 1000,
                               &r->note)) != ERR_OK ||
                (rc = get_text(cx, it, "to", arena_printf(cx->a, "%sto", pre), 16, &to)) != ERR_OK)
                break;
            if (to && strcmp(to, "in_repair") && strcmp(to, "qc")) {
                rc = api_field_error(cx, arena_printf(cx->a, "%sto", pre), "invalid");
                break;
            }
            r->to_qc = to && !strcmp(to, "qc");
            n++;
        }
    }
    json_decref(body);
    if (rc != ERR_OK)
        return rc;
    struct record *out;
    if ((rc = shipment_receive(cx, id, version, got, n, &out)) != ERR_OK)
        return rc;
    http_json(rs, 200, record_to_json(out));
    return ERR_OK;
}

/* Sent shipments past their expected return, the longest overdue first. */
API_HANDLER(api_shipments_overdue)
{
    (void)rq;
    char today[ISO_DATE_LEN];
    json_t *items;
    enum err_code rc = shipment_overdue(cx, today, &items);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, json_pack("{s:o,s:s}", "items", items, "today", today));
    return ERR_OK;
}
