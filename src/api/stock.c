/* stock.c — the warehouse's own calls (api layer): postings (receipts,
 * issues, transfers, write-offs, returns) and their reversal, reservations
 * for documents, balances, the ledger, finding the right part, a part's
 * stock page and the lines of stock counts. The catalog's records (parts,
 * barcodes, compatibility, analogs, warehouses, bins, counts) go through
 * the generic resource handlers. Quantities are integers in thousandths,
 * money integer kopecks. */
#include <string.h>

#include "api/api.h"
#include "base/text.h"
#include "base/util.h"
#include "core/record.h"
#include "domain/stock/stock.h"
#include "base/banned.h"

/* ---- reading JSON ---- */

/* An optional integer member: absent → def; not an integer → 422. */
static enum err_code get_int(struct ctx *cx, json_t *o, const char *key, const char *field,
                             int64_t def, int64_t *out)
{
    json_t *v = json_object_get(o, key);
    *out = def;
    if (!v || json_is_null(v))
        return ERR_OK;
    if (!json_is_integer(v))
        return api_field_error(cx, field, "invalid");
    *out = json_integer_value(v);
    return ERR_OK;
}

static enum err_code get_text(struct ctx *cx, json_t *o, const char *key, size_t max,
                              const char **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return ERR_OK;
    if (!json_is_string(v))
        return api_field_error(cx, key, "invalid");
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v))
        return api_field_error(cx, key, "invalid"); /* a NUL inside */
    if (utf8_count(s, strlen(s)) > max)
        return api_field_error(cx, key, "too_long");
    *out = *s ? arena_strdup(cx->a, s) : NULL;
    return ERR_OK;
}

/* The part of a line: part_id, or a barcode as the scanner read it. */
static enum err_code line_part(struct ctx *cx, json_t *o, const char *prefix, int64_t *part)
{
    const char *barcode;
    enum err_code rc = get_int(cx, o, "part_id", arena_printf(cx->a, "%spart_id", prefix), 0, part);
    if (rc == ERR_OK)
        rc = get_text(cx, o, "barcode", 64, &barcode);
    if (rc != ERR_OK || *part || !barcode)
        return rc;
    if ((rc = stock_barcode_part(cx, barcode, part)) != ERR_OK)
        return rc;
    if (!*part)
        return api_field_error(cx, arena_printf(cx->a, "%sbarcode", prefix), "not_found");
    return ERR_OK;
}

/* An optional positive id of the query string: absent → 0; false when it
 * is not one. */
static bool param_id(struct http_req *rq, const char *key, int64_t *out)
{
    const char *v = api_param(rq, key);
    *out = 0;
    return !v || (parse_i64(v, strlen(v), out) && *out > 0);
}

/* ---- postings ---- */

static enum err_code parse_lines(struct ctx *cx, json_t *arr, struct stock_line **out, int *n)
{
    static const char *const keys[] = {"part_id", "barcode", "qty", "unit_cost", "serials", NULL};
    if (!json_is_array(arr))
        return api_field_error(cx, "lines", arr ? "invalid" : "required");
    *n = (int)json_array_size(arr);
    if (*n > 1000)
        return api_field_error(cx, "lines", "too_many");
    *out = arena_alloc(cx->a, sizeof(**out) * (size_t)(*n ? *n : 1));
    for (int i = 0; i < *n; i++) {
        json_t *o = json_array_get(arr, (size_t)i);
        struct stock_line *l = &(*out)[i];
        const char *prefix = arena_printf(cx->a, "lines.%d.", i);
        memset(l, 0, sizeof(*l));
        if (!json_is_object(o))
            return api_field_error(cx, arena_printf(cx->a, "lines.%d", i), "invalid");
        enum err_code rc = api_only_members(cx, o, "", keys);
        if (rc == ERR_OK)
            rc = line_part(cx, o, prefix, &l->part_id);
        if (rc == ERR_OK)
            rc = get_int(cx, o, "qty", arena_printf(cx->a, "%sqty", prefix), 0, &l->qty);
        if (rc == ERR_OK)
            rc = get_int(cx, o, "unit_cost", arena_printf(cx->a, "%sunit_cost", prefix), 0,
                         &l->unit_cost);
        if (rc != ERR_OK)
            return rc;
        if (!l->part_id)
            return api_field_error(cx, arena_printf(cx->a, "%spart_id", prefix), "required");
        json_t *s = json_object_get(o, "serials");
        if (s && !json_is_null(s)) {
            if (!json_is_array(s) || json_array_size(s) > 1000)
                return api_field_error(cx, arena_printf(cx->a, "%sserials", prefix), "invalid");
            const char **v = arena_alloc(cx->a, sizeof(char *) * (json_array_size(s) + 1));
            for (size_t k = 0; k < json_array_size(s); k++) {
                json_t *e = json_array_get(s, k);
                if (!json_is_string(e) || strlen(json_string_value(e)) != json_string_length(e))
                    return api_field_error(cx, arena_printf(cx->a, "%sserials", prefix), "invalid");
                v[k] = arena_strdup(cx->a, json_string_value(e));
            }
            l->serials = v;
            l->nserials = (int)json_array_size(s);
        }
    }
    return ERR_OK;
}

API_HANDLER(api_stock_post)
{
    static const char *const keys[] = {"kind",   "warehouse_id", "to_warehouse_id", "doc_kind",
                                       "doc_id", "reason",       "lines",           NULL};
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    struct stock_posting_in in = {0};
    rc = api_only_members(cx, body, "", keys);
    if (rc == ERR_OK)
        rc = get_text(cx, body, "kind", 32, &in.kind);
    if (rc == ERR_OK)
        rc = get_int(cx, body, "warehouse_id", "warehouse_id", 0, &in.warehouse_id);
    if (rc == ERR_OK)
        rc = get_int(cx, body, "to_warehouse_id", "to_warehouse_id", 0, &in.to_warehouse_id);
    if (rc == ERR_OK)
        rc = get_text(cx, body, "doc_kind", 32, &in.doc_kind);
    if (rc == ERR_OK)
        rc = get_int(cx, body, "doc_id", "doc_id", 0, &in.doc_id);
    if (rc == ERR_OK)
        rc = get_text(cx, body, "reason", 500, &in.reason);
    if (rc == ERR_OK)
        rc = parse_lines(cx, json_object_get(body, "lines"), &in.lines, &in.nlines);
    json_decref(body);
    if (rc != ERR_OK)
        return rc;
    if (!in.kind)
        return api_field_error(cx, "kind", "required");
    if (!in.warehouse_id)
        return api_field_error(cx, "warehouse_id", "required");
    int64_t id;
    if ((rc = stock_post(cx, &in, &id)) != ERR_OK)
        return rc;
    json_t *j = stock_posting_json(cx, id, &rc);
    if (!j)
        return rc;
    http_json(rs, 201, j);
    http_header(cx, rs, "Location",
                arena_printf(cx->a, "/api/v1/stock/postings/%lld", (long long)id));
    return ERR_OK;
}

API_HANDLER(api_stock_posting_get)
{
    int64_t id;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc != ERR_OK)
        return rc;
    json_t *j = stock_posting_json(cx, id, &rc);
    if (!j)
        return rc;
    http_json(rs, 200, j);
    return ERR_OK;
}

/* Postings, newest first: ?warehouse_id (from or to it), ?status
 * (in_transit: transfers on their way), ?kind, ?limit (≤ 200); the
 * caller's branch's when they work in one. */
API_HANDLER(api_stock_postings)
{
    int64_t wh, limit;
    const char *status = api_param(rq, "status"), *kind = api_param(rq, "kind");
    if (!param_id(rq, "warehouse_id", &wh) || !param_id(rq, "limit", &limit))
        return ctx_fail(cx, ERR_MALFORMED, "warehouse_id and limit are ids");
    for (int i = 0; i < rq->nparams; i++) {
        const char *k = rq->params[i].key;
        if (strcmp(k, "warehouse_id") && strcmp(k, "status") && strcmp(k, "kind") &&
            strcmp(k, "limit"))
            return ctx_fail(cx, ERR_MALFORMED, "unknown parameter %s", k);
    }
    if (!limit || limit > 200)
        limit = limit ? 200 : 50;
    json_t *a;
    enum err_code rc = stock_postings_list(cx, wh, status, kind, limit, &a);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, json_pack("{s:o}", "items", a));
    return ERR_OK;
}

/* The body of an action on a record: {} or {"version": N} (the count's
 * version as the caller saw it; -1 when not given). */
static enum err_code action_body(struct ctx *cx, struct http_req *rq, int64_t *version)
{
    static const char *const keys[] = {"version", NULL};
    *version = -1;
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc == ERR_OK)
        rc = api_only_members(cx, body, "", keys);
    if (rc == ERR_OK)
        rc = get_int(cx, body, "version", "version", -1, version);
    json_decref(body);
    return rc;
}

API_HANDLER(api_stock_receive)
{
    int64_t id, version;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = action_body(cx, rq, &version);
    if (rc == ERR_OK)
        rc = stock_posting_visible(cx, id);
    if (rc == ERR_OK)
        rc = stock_receive_transfer(cx, id);
    if (rc != ERR_OK)
        return rc;
    json_t *j = stock_posting_json(cx, id, &rc);
    if (!j)
        return rc;
    http_json(rs, 200, j);
    return ERR_OK;
}

API_HANDLER(api_stock_reverse)
{
    int64_t id, rev, version;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = action_body(cx, rq, &version);
    if (rc == ERR_OK)
        rc = stock_posting_visible(cx, id);
    if (rc == ERR_OK)
        rc = stock_reverse(cx, id, &rev);
    if (rc != ERR_OK)
        return rc;
    json_t *j = stock_posting_json(cx, rev, &rc);
    if (!j)
        return rc;
    http_json(rs, 201, j);
    return ERR_OK;
}

/* ---- reservations ---- */

struct doc_call {
    const char *kind, *doc_kind;
    int64_t doc_id, part_id, warehouse_id, qty;
};

static enum err_code doc_call_parse(struct ctx *cx, struct http_req *rq, struct doc_call *c,
                                    bool with_kind)
{
    static const char *const keys[] = {"doc_kind",     "doc_id", "part_id", "barcode",
                                       "warehouse_id", "qty",    NULL};
    static const char *const keys_kind[] = {"kind",    "doc_kind",     "doc_id", "part_id",
                                            "barcode", "warehouse_id", "qty",    NULL};
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    memset(c, 0, sizeof(*c));
    rc = api_only_members(cx, body, "", with_kind ? keys_kind : keys);
    if (rc == ERR_OK && with_kind)
        rc = get_text(cx, body, "kind", 32, &c->kind);
    if (rc == ERR_OK)
        rc = get_text(cx, body, "doc_kind", 32, &c->doc_kind);
    if (rc == ERR_OK)
        rc = get_int(cx, body, "doc_id", "doc_id", 0, &c->doc_id);
    if (rc == ERR_OK)
        rc = line_part(cx, body, "", &c->part_id);
    if (rc == ERR_OK)
        rc = get_int(cx, body, "warehouse_id", "warehouse_id", 0, &c->warehouse_id);
    if (rc == ERR_OK)
        rc = get_int(cx, body, "qty", "qty", 0, &c->qty);
    json_decref(body);
    if (rc != ERR_OK)
        return rc;
    if (!c->doc_kind)
        return api_field_error(cx, "doc_kind", "required");
    if (!c->doc_id)
        return api_field_error(cx, "doc_id", "required");
    return ERR_OK;
}

static enum err_code doc_reservations(struct ctx *cx, struct http_resp *rs, int status,
                                      const char *doc_kind, int64_t doc_id)
{
    enum err_code rc;
    json_t *items = stock_doc_reservations(cx, doc_kind, doc_id, &rc);
    if (!items)
        return rc;
    http_json(rs, status, json_pack("{s:o}", "items", items));
    return ERR_OK;
}

API_HANDLER(api_stock_reserve)
{
    struct doc_call c;
    enum err_code rc = doc_call_parse(cx, rq, &c, false);
    if (rc == ERR_OK && !c.part_id)
        rc = api_field_error(cx, "part_id", "required");
    if (rc == ERR_OK && !c.warehouse_id)
        rc = api_field_error(cx, "warehouse_id", "required");
    if (rc == ERR_OK)
        rc = stock_reserve(cx, c.doc_kind, c.doc_id, c.part_id, c.warehouse_id, c.qty);
    if (rc != ERR_OK)
        return rc;
    return doc_reservations(cx, rs, 201, c.doc_kind, c.doc_id);
}

/* Without a part: everything the document holds. */
API_HANDLER(api_stock_release)
{
    struct doc_call c;
    enum err_code rc = doc_call_parse(cx, rq, &c, false);
    if (rc != ERR_OK)
        return rc;
    if (!c.part_id && !c.warehouse_id && !c.qty)
        rc = stock_release_doc(cx, c.doc_kind, c.doc_id);
    else if (!c.part_id)
        rc = api_field_error(cx, "part_id", "required");
    else if (!c.warehouse_id)
        rc = api_field_error(cx, "warehouse_id", "required");
    else
        rc = stock_release(cx, c.doc_kind, c.doc_id, c.part_id, c.warehouse_id, c.qty);
    if (rc != ERR_OK)
        return rc;
    return doc_reservations(cx, rs, 200, c.doc_kind, c.doc_id);
}

API_HANDLER(api_stock_issue)
{
    struct doc_call c;
    enum err_code rc = doc_call_parse(cx, rq, &c, true);
    if (rc == ERR_OK && !c.part_id)
        rc = api_field_error(cx, "part_id", "required");
    if (rc == ERR_OK && !c.warehouse_id)
        rc = api_field_error(cx, "warehouse_id", "required");
    int64_t id;
    if (rc == ERR_OK)
        rc = stock_issue(cx, c.kind ? c.kind : "issue", c.doc_kind, c.doc_id, c.part_id,
                         c.warehouse_id, c.qty, &id);
    if (rc != ERR_OK)
        return rc;
    json_t *j = stock_posting_json(cx, id, &rc);
    if (!j)
        return rc;
    http_json(rs, 201, j);
    return ERR_OK;
}

API_HANDLER(api_stock_reservations)
{
    const char *doc_kind = api_param(rq, "doc_kind"), *doc = api_param(rq, "doc_id");
    const char *part = api_param(rq, "part_id");
    int64_t id = 0;
    enum err_code rc;
    json_t *items;
    if (doc_kind && doc && parse_i64(doc, strlen(doc), &id) && id > 0)
        items = stock_doc_reservations(cx, doc_kind, id, &rc);
    else if (part && parse_i64(part, strlen(part), &id) && id > 0)
        items = stock_part_reservations(cx, id, &rc);
    else
        return ctx_fail(cx, ERR_MALFORMED, "give doc_kind and doc_id, or part_id");
    if (!items)
        return rc;
    http_json(rs, 200, json_pack("{s:o}", "items", items));
    return ERR_OK;
}

/* ---- balances and the ledger ---- */

/* The ledger, newest first: ?part_id, ?warehouse_id, ?doc_kind&doc_id,
 * ?serial_id (a piece's history), ?before (an id: the next page), ?limit
 * (≤ 200). */
API_HANDLER(api_stock_movements)
{
    int64_t part, wh, doc, before, limit, serial;
    const char *doc_kind = api_param(rq, "doc_kind");
    if (!param_id(rq, "part_id", &part) || !param_id(rq, "warehouse_id", &wh) ||
        !param_id(rq, "doc_id", &doc) || !param_id(rq, "before", &before) ||
        !param_id(rq, "limit", &limit) || !param_id(rq, "serial_id", &serial))
        return ctx_fail(cx, ERR_MALFORMED,
                        "part_id, warehouse_id, doc_id, serial_id, before and limit are ids");
    for (int i = 0; i < rq->nparams; i++) {
        const char *k = rq->params[i].key;
        if (strcmp(k, "part_id") && strcmp(k, "warehouse_id") && strcmp(k, "doc_kind") &&
            strcmp(k, "doc_id") && strcmp(k, "before") && strcmp(k, "limit") &&
            strcmp(k, "serial_id"))
            return ctx_fail(cx, ERR_MALFORMED, "unknown parameter %s", k);
    }
    if (!limit || limit > 200)
        limit = limit ? 200 : 50;
    struct stock_movements_q q = {part, wh, doc, before, serial, doc_kind, limit};
    json_t *j;
    enum err_code rc = stock_movements_list(cx, &q, &j);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, j);
    return ERR_OK;
}

/* A part's page: the part, its stock per warehouse, barcodes, compatible
 * models, analogs (both ways), reservations and serials in stock. */
API_HANDLER(api_part_stock)
{
    int64_t id;
    json_t *j;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = stock_part_view(cx, id, &j);
    if (rc != ERR_OK)
        return rc;
    json_t *offers = api_part_offers(cx, id, false, &rc); /* purchasing.c */
    if (rc != ERR_OK) {
        json_decref(j);
        return rc;
    }
    if (offers)
        json_object_set_new(j, "suppliers", offers);
    http_json(rs, 200, j);
    return ERR_OK;
}

/* A warehouse's stock: every part it has or holds, by SKU. */
API_HANDLER(api_warehouse_stock)
{
    int64_t id;
    json_t *j;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = stock_warehouse_view(cx, id, &j);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, j);
    return ERR_OK;
}

/* ---- finding the right part ---- */

/* The model of ?model_id, ?unit_id or ?request_id (its unit's); 0: none. */
static enum err_code find_model(struct ctx *cx, struct http_req *rq, int64_t *model)
{
    int64_t unit, req;
    if (!param_id(rq, "model_id", model) || !param_id(rq, "unit_id", &unit) ||
        !param_id(rq, "request_id", &req))
        return ctx_fail(cx, ERR_MALFORMED, "model_id, unit_id and request_id are ids");
    return stock_find_model(cx, unit, req, model);
}

API_HANDLER(api_stock_find)
{
    int64_t model = 0;
    enum err_code rc = find_model(cx, rq, &model);
    if (rc != ERR_OK)
        return rc;
    const char *q = api_param(rq, "q");
    for (int i = 0; i < rq->nparams; i++) {
        const char *k = rq->params[i].key;
        if (strcmp(k, "q") && strcmp(k, "model_id") && strcmp(k, "unit_id") &&
            strcmp(k, "request_id"))
            return ctx_fail(cx, ERR_MALFORMED, "unknown parameter %s", k);
    }
    if (q && (strlen(q) > 200 || !utf8_valid(q, strlen(q))))
        return ctx_fail(cx, ERR_MALFORMED, "q is at most 200 characters of UTF-8");
    json_t *j;
    if ((rc = stock_find(cx, q, model, &j)) != ERR_OK)
        return rc;
    /* what is not in stock: who sells it (purchasing.c) */
    json_t *items = json_object_get(j, "items");
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *o = json_array_get(items, i);
        if (json_integer_value(json_object_get(o, "available")) > 0)
            continue;
        json_t *part = json_object_get(o, "part");
        json_t *offers =
            api_part_offers(cx, json_integer_value(json_object_get(part, "id")), true, &rc);
        if (rc != ERR_OK) {
            json_decref(j);
            return rc;
        }
        if (offers)
            json_object_set_new(o, "suppliers", offers);
    }
    http_json(rs, 200, j);
    return ERR_OK;
}

/* ---- stock counts ---- */

API_HANDLER(api_count_lines)
{
    int64_t id;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = entity_visible(cx, &entity_stock_counts, id);
    if (rc != ERR_OK)
        return rc;
    json_t *j;
    if ((rc = stock_count_lines(cx, id, &j)) != ERR_OK)
        return rc;
    http_json(rs, 200, j);
    return ERR_OK;
}

/* {part_id | barcode, qty, mode: "add" (a scan: default) | "set"} */
API_HANDLER(api_count_enter)
{
    static const char *const keys[] = {"part_id", "barcode", "qty", "mode", NULL};
    int64_t id, part = 0, qty = 0;
    const char *mode = NULL;
    json_t *body = NULL;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = api_body(cx, rq, &body);
    if (rc == ERR_OK)
        rc = api_only_members(cx, body, "", keys);
    if (rc == ERR_OK)
        rc = line_part(cx, body, "", &part);
    if (rc == ERR_OK)
        rc = get_int(cx, body, "qty", "qty", 1000, &qty);
    if (rc == ERR_OK)
        rc = get_text(cx, body, "mode", 8, &mode);
    json_decref(body);
    if (rc != ERR_OK)
        return rc;
    if (!part)
        return api_field_error(cx, "part_id", "required");
    if (mode && strcmp(mode, "add") && strcmp(mode, "set"))
        return api_field_error(cx, "mode", "invalid");
    if ((rc = stock_count_enter(cx, id, part, qty, !mode || !strcmp(mode, "add"))) != ERR_OK)
        return rc;
    int64_t book, counted;
    if ((rc = stock_count_line(cx, id, part, &book, &counted)) != ERR_OK)
        return rc;
    json_t *j = json_pack("{s:I,s:I,s:I}", "part_id", (json_int_t)part, "book_qty",
                          (json_int_t)book, "counted", (json_int_t)counted);
    http_json(rs, 200, j);
    return ERR_OK;
}

static API_HANDLER(count_answer)
{
    (void)rq;
    int64_t id;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    struct record *rec;
    if (rc == ERR_OK)
        rc = entity_get(cx, &entity_stock_counts, id, &rec);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, record_to_json(rec));
    return ERR_OK;
}

/* A count changed since the caller saw it (version given) is not posted
 * or cancelled. */
static enum err_code count_current(struct ctx *cx, int64_t id, int64_t version)
{
    struct record *rec;
    enum err_code rc = entity_get(cx, &entity_stock_counts, id, &rec);
    if (rc == ERR_OK && version >= 0 && version != rec->version)
        return ctx_fail(cx, ERR_CONFLICT, "the count was changed by someone else (version %lld)",
                        (long long)rec->version);
    return rc;
}

API_HANDLER(api_count_post)
{
    int64_t id, posting, version;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = action_body(cx, rq, &version);
    if (rc == ERR_OK)
        rc = count_current(cx, id, version);
    if (rc == ERR_OK)
        rc = stock_count_post(cx, id, &posting);
    return rc != ERR_OK ? rc : count_answer(cx, rq, rs);
}

API_HANDLER(api_count_cancel)
{
    int64_t id, version;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = action_body(cx, rq, &version);
    if (rc == ERR_OK)
        rc = count_current(cx, id, version);
    if (rc == ERR_OK)
        rc = stock_count_cancel(cx, id);
    return rc != ERR_OK ? rc : count_answer(cx, rq, rs);
}

/* ---- replenishment ---- */

/* "95", "97.5", "99.9": a percentage with up to two decimals → a fraction;
 * false when it is not one within 50..99.99. */
static bool parse_percent(const char *s, double *out)
{
    int64_t whole = 0, frac = 0;
    int digits = 0, fd = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9' && digits < 3; p++, digits++)
        whole = whole * 10 + (*p - '0');
    if (!digits)
        return false;
    if (*p == '.' || *p == ',') {
        for (p++; *p >= '0' && *p <= '9' && fd < 2; p++, fd++)
            frac = frac * 10 + (*p - '0');
        if (!fd)
            return false;
    }
    if (*p)
        return false;
    int64_t hundredths = whole * 100 + (fd == 1 ? frac * 10 : frac);
    if (hundredths < 5000 || hundredths > 9999)
        return false;
    *out = (double)hundredths / 10000.0;
    return true;
}

API_HANDLER(api_stock_replenishment)
{
    struct replenish_q q;
    replenish_q_default(&q);
    const char *sl = api_param(rq, "service_level"), *all = api_param(rq, "all");
    const char *lead = api_param(rq, "lead_time_days");
    if (!param_id(rq, "warehouse_id", &q.warehouse_id))
        return api_field_error(cx, "warehouse_id", "invalid");
    if (!q.warehouse_id)
        return api_field_error(cx, "warehouse_id", "required");
    if (!param_id(rq, "part_id", &q.part_id))
        return api_field_error(cx, "part_id", "invalid");
    if (sl && !parse_percent(sl, &q.service_level))
        return api_field_error(cx, "service_level", "out_of_range");
    if (lead) {
        int64_t v;
        if (!parse_i64(lead, strlen(lead), &v) || v < 0 || v > 365)
            return api_field_error(cx, "lead_time_days", "out_of_range");
        q.lead_days = (int)v;
    }
    if (all && strcmp(all, "0") && strcmp(all, "1") && strcmp(all, "true") && strcmp(all, "false"))
        return api_field_error(cx, "all", "invalid");
    q.all = all && (!strcmp(all, "1") || !strcmp(all, "true"));
    json_t *j;
    struct replenish_stats stats;
    enum err_code rc = stock_replenishment(cx, &q, &j, &stats);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, j);
    return ERR_OK;
}

static json_t *replenish_lines_json(const struct replenish_line *v, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(
            a, json_pack("{s:I,s:I,s:I,s:I,s:I,s:s,s:o,s:s}", "id", (json_int_t)v[i].id, "part_id",
                         (json_int_t)v[i].part_id, "warehouse_id", (json_int_t)v[i].warehouse_id,
                         "qty", (json_int_t)v[i].qty, "suggested_qty",
                         (json_int_t)v[i].suggested_qty, "rule", v[i].rule, "supplier_id",
                         v[i].supplier_id ? json_integer(v[i].supplier_id) : json_null(),
                         "created_at", v[i].created_at));
    return a;
}

API_HANDLER(api_replenishment_accept)
{
    static const char *const keys[] = {"warehouse_id", "lines", NULL};
    static const char *const lkeys[] = {"part_id", "qty",         "suggested_qty",
                                        "rule",    "supplier_id", NULL};
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    int64_t wh = 0;
    struct replenish_line *lines = NULL;
    int n = 0;
    rc = api_only_members(cx, body, "", keys);
    if (rc == ERR_OK)
        rc = get_int(cx, body, "warehouse_id", "warehouse_id", 0, &wh);
    json_t *arr = json_object_get(body, "lines");
    if (rc == ERR_OK && !json_is_array(arr))
        rc = api_field_error(cx, "lines", arr ? "invalid" : "required");
    if (rc == ERR_OK && json_array_size(arr) > 5000)
        rc = api_field_error(cx, "lines", "too_many");
    if (rc == ERR_OK) {
        n = (int)json_array_size(arr);
        lines = arena_alloc(cx->a, sizeof(*lines) * (size_t)(n ? n : 1));
    }
    for (int i = 0; rc == ERR_OK && i < n; i++) {
        json_t *o = json_array_get(arr, (size_t)i);
        struct replenish_line *l = &lines[i];
        memset(l, 0, sizeof(*l));
        if (!json_is_object(o)) {
            rc = api_field_error(cx, arena_printf(cx->a, "lines.%d", i), "invalid");
            break;
        }
        const char *p = arena_printf(cx->a, "lines.%d.", i);
        rc = api_only_members(cx, o, "", lkeys);
        if (rc == ERR_OK)
            rc = get_int(cx, o, "part_id", arena_printf(cx->a, "%spart_id", p), 0, &l->part_id);
        if (rc == ERR_OK)
            rc = get_int(cx, o, "qty", arena_printf(cx->a, "%sqty", p), 0, &l->qty);
        if (rc == ERR_OK)
            rc = get_int(cx, o, "suggested_qty", arena_printf(cx->a, "%ssuggested_qty", p), 0,
                         &l->suggested_qty);
        if (rc == ERR_OK)
            rc = get_int(cx, o, "supplier_id", arena_printf(cx->a, "%ssupplier_id", p), 0,
                         &l->supplier_id);
        if (rc == ERR_OK)
            rc = get_text(cx, o, "rule", 16, &l->rule);
        if (rc == ERR_OK && l->part_id <= 0)
            rc = api_field_error(cx, arena_printf(cx->a, "%spart_id", p), "required");
    }
    json_decref(body);
    if (rc != ERR_OK)
        return rc;
    if (!wh)
        return api_field_error(cx, "warehouse_id", "required");
    if ((rc = stock_replenish_accept(cx, wh, lines, n)) != ERR_OK)
        return rc;
    struct replenish_line *open;
    int nopen;
    if ((rc = stock_replenish_open(cx, wh, &open, &nopen)) != ERR_OK)
        return rc;
    http_json(rs, 201, json_pack("{s:o}", "items", replenish_lines_json(open, nopen)));
    return ERR_OK;
}

API_HANDLER(api_replenishment_accepted)
{
    int64_t wh;
    if (!param_id(rq, "warehouse_id", &wh))
        return api_field_error(cx, "warehouse_id", "invalid");
    struct replenish_line *open;
    int nopen;
    enum err_code rc = stock_replenish_open(cx, wh, &open, &nopen);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, json_pack("{s:o}", "items", replenish_lines_json(open, nopen)));
    return ERR_OK;
}

API_HANDLER(api_replenishment_drop)
{
    int64_t id;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = stock_replenish_take(cx, id, NULL, 0);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "dropped"));
    return ERR_OK;
}
