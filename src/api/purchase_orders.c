/* purchase_orders.c — purchase orders' own calls (api layer): an order's
 * lines, goods received against it, draft orders from replenishment
 * suggestions, posting a return to a supplier and the supplier scorecard.
 * Orders and returns as records (create, edit, the workflow's transitions)
 * go through the generic resource handlers. */
#include <string.h>

#include "api/api.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "core/record.h"
#include "domain/purchasing/orders.h"
#include "domain/stock/stock.h"
#include "base/banned.h"

/* An integer member: absent → def. */
static enum err_code int_of(struct ctx *cx, json_t *o, const char *key, const char *field,
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

static enum err_code text_of(struct ctx *cx, json_t *o, const char *key, const char *field,
                             size_t max, const char **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return ERR_OK;
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
        return api_field_error(cx, field, "invalid");
    const char *s = json_string_value(v);
    if (utf8_count(s, strlen(s)) > max)
        return api_field_error(cx, field, "too_long");
    *out = *s ? arena_strdup(cx->a, s) : NULL;
    return ERR_OK;
}

/* {version, …}: the version read, required */
static enum err_code version_of(struct ctx *cx, json_t *body, int64_t *version)
{
    enum err_code rc = int_of(cx, body, "version", "version", 0, version);
    if (rc == ERR_OK && *version < 1)
        rc = api_field_error(cx, "version", "required");
    return rc;
}

/* A line's part: part_id, or a barcode as the scanner read it. */
static enum err_code part_of(struct ctx *cx, json_t *o, const char *prefix, int64_t *part)
{
    const char *barcode;
    enum err_code rc = int_of(cx, o, "part_id", arena_printf(cx->a, "%spart_id", prefix), 0, part);
    if (rc == ERR_OK)
        rc = text_of(cx, o, "barcode", arena_printf(cx->a, "%sbarcode", prefix), 64, &barcode);
    if (rc != ERR_OK)
        return rc;
    if (!*part && barcode) {
        if ((rc = stock_barcode_part(cx, barcode, part)) != ERR_OK)
            return rc;
        if (!*part)
            return api_field_error(cx, arena_printf(cx->a, "%sbarcode", prefix), "not_found");
    }
    return *part ? ERR_OK
                 : api_field_error(cx, arena_printf(cx->a, "%spart_id", prefix), "required");
}

static enum err_code lines_array(struct ctx *cx, json_t *body, json_t **arr, int *n)
{
    *arr = json_object_get(body, "lines");
    if (!json_is_array(*arr))
        return api_field_error(cx, "lines", *arr ? "invalid" : "required");
    *n = (int)json_array_size(*arr);
    if (*n > PO_MAX_LINES)
        return api_field_error(cx, "lines", "too_many");
    for (int i = 0; i < *n; i++)
        if (!json_is_object(json_array_get(*arr, (size_t)i)))
            return api_field_error(cx, arena_printf(cx->a, "lines.%d", i), "invalid");
    return ERR_OK;
}

/* Lines of goods moving: {part_id | barcode, qty, serials?} */
static enum err_code moving_lines(struct ctx *cx, json_t *body, struct po_receipt_line **out,
                                  int *n)
{
    static const char *const keys[] = {"part_id", "barcode", "qty", "serials", NULL};
    json_t *arr;
    enum err_code rc = lines_array(cx, body, &arr, n);
    if (rc != ERR_OK)
        return rc;
    *out = arena_alloc(cx->a, sizeof(**out) * (size_t)(*n ? *n : 1));
    for (int i = 0; i < *n; i++) {
        json_t *o = json_array_get(arr, (size_t)i);
        struct po_receipt_line *l = &(*out)[i];
        const char *p = arena_printf(cx->a, "lines.%d.", i);
        memset(l, 0, sizeof(*l));
        if ((rc = api_only_members(cx, o, p, keys)) != ERR_OK ||
            (rc = part_of(cx, o, p, &l->part_id)) != ERR_OK ||
            (rc = int_of(cx, o, "qty", arena_printf(cx->a, "%sqty", p), 0, &l->qty)) != ERR_OK)
            return rc;
        json_t *s = json_object_get(o, "serials");
        if (s && !json_is_null(s)) {
            if (!json_is_array(s) || json_array_size(s) > 1000)
                return api_field_error(cx, arena_printf(cx->a, "%sserials", p), "invalid");
            const char **v = arena_alloc(cx->a, sizeof(char *) * (json_array_size(s) + 1));
            for (size_t k = 0; k < json_array_size(s); k++) {
                json_t *e = json_array_get(s, k);
                if (!json_is_string(e) || strlen(json_string_value(e)) != json_string_length(e))
                    return api_field_error(cx, arena_printf(cx->a, "%sserials", p), "invalid");
                v[k] = arena_strdup(cx->a, json_string_value(e));
            }
            l->serials = v;
            l->nserials = (int)json_array_size(s);
        }
    }
    return ERR_OK;
}

/* POST /api/v1/purchase_orders/:id/lines {version, lines: [{part_id |
 * barcode, qty, price?, vat?}]} — the draft's lines, all of them */
static enum err_code api_po_set_lines_of(struct ctx *cx, struct http_req *rq, struct http_resp *rs,
                                         json_t *body)
{
    static const char *const top[] = {"version", "lines", NULL};
    static const char *const keys[] = {"part_id", "barcode", "qty", "price", "vat", NULL};
    int64_t id, version;
    json_t *arr;
    int n;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc != ERR_OK)
        return rc;
    if ((rc = api_only_members(cx, body, "", top)) != ERR_OK ||
        (rc = version_of(cx, body, &version)) != ERR_OK ||
        (rc = lines_array(cx, body, &arr, &n)) != ERR_OK)
        return rc;
    struct po_line_in *lines = arena_alloc(cx->a, sizeof(*lines) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        json_t *o = json_array_get(arr, (size_t)i);
        const char *p = arena_printf(cx->a, "lines.%d.", i);
        struct po_line_in *l = &lines[i];
        if ((rc = api_only_members(cx, o, p, keys)) != ERR_OK ||
            (rc = part_of(cx, o, p, &l->part_id)) != ERR_OK ||
            (rc = int_of(cx, o, "qty", arena_printf(cx->a, "%sqty", p), 0, &l->qty)) != ERR_OK ||
            (rc = int_of(cx, o, "price", arena_printf(cx->a, "%sprice", p), -1, &l->price)) !=
                ERR_OK ||
            (rc = text_of(cx, o, "vat", arena_printf(cx->a, "%svat", p), 8, &l->vat)) != ERR_OK)
            return rc;
        if (json_object_get(o, "price") && !json_is_null(json_object_get(o, "price")) &&
            l->price < 0)
            return api_field_error(cx, arena_printf(cx->a, "%sprice", p), "out_of_range");
    }
    struct record *out;
    if ((rc = po_set_lines(cx, id, version, lines, n, &out)) != ERR_OK)
        return rc;
    http_json(rs, 200, record_to_json(out));
    return ERR_OK;
}

API_HANDLER(api_po_set_lines)
{
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    rc = api_po_set_lines_of(cx, rq, rs, body);
    json_decref(body);
    return rc;
}

/* GET /api/v1/purchase_orders/:id/lines */
API_HANDLER(api_po_lines)
{
    int64_t id;
    json_t *j;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = po_lines_json(cx, id, &j);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, j);
    return ERR_OK;
}

/* POST /api/v1/purchase_orders/:id/receive {version, lines, accept_over?,
 * over_reason?} */
static enum err_code api_po_receive_of(struct ctx *cx, struct http_req *rq, struct http_resp *rs,
                                       json_t *body)
{
    static const char *const top[] = {"version", "lines", "accept_over", "over_reason", NULL};
    int64_t id, version, posting;
    struct po_receipt_line *lines;
    const char *reason;
    int n;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc != ERR_OK)
        return rc;
    json_t *accept = json_object_get(body, "accept_over");
    if ((rc = api_only_members(cx, body, "", top)) != ERR_OK ||
        (rc = version_of(cx, body, &version)) != ERR_OK ||
        (rc = text_of(cx, body, "over_reason", "over_reason", 500, &reason)) != ERR_OK)
        return rc;
    if (accept && !json_is_boolean(accept) && !json_is_null(accept))
        return api_field_error(cx, "accept_over", "invalid");
    if ((rc = moving_lines(cx, body, &lines, &n)) != ERR_OK)
        return rc;
    struct record *out;
    if ((rc = po_receive(cx, id, version, lines, n, json_is_true(accept), reason, &posting,
                         &out)) != ERR_OK)
        return rc;
    http_json(
        rs, 201,
        json_pack("{s:I,s:o}", "posting_id", (json_int_t)posting, "order", record_to_json(out)));
    return ERR_OK;
}

API_HANDLER(api_po_receive)
{
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    rc = api_po_receive_of(cx, rq, rs, body);
    json_decref(body);
    return rc;
}

/* POST /api/v1/purchase_orders/from-suggestions {items: [{part_id,
 * warehouse_id, qty, supplier_id?}]} */
static enum err_code api_po_from_suggestions_of(struct ctx *cx, struct http_req *rq,
                                                struct http_resp *rs, json_t *body)
{
    static const char *const top[] = {"items", NULL};
    static const char *const keys[] = {"part_id", "warehouse_id", "qty", "supplier_id", NULL};
    json_t *out;
    enum err_code rc = api_only_members(cx, body, "", top);
    if (rc != ERR_OK)
        return rc;
    json_t *arr = json_object_get(body, "items");
    if (!json_is_array(arr))
        return api_field_error(cx, "items", arr ? "invalid" : "required");
    int n = (int)json_array_size(arr);
    if (n > 5000)
        return api_field_error(cx, "items", "too_many");
    struct po_suggestion *s = arena_alloc(cx->a, sizeof(*s) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        json_t *o = json_array_get(arr, (size_t)i);
        const char *p = arena_printf(cx->a, "items.%d.", i);
        if (!json_is_object(o))
            return api_field_error(cx, arena_printf(cx->a, "items.%d", i), "invalid");
        if ((rc = api_only_members(cx, o, p, keys)) != ERR_OK ||
            (rc = int_of(cx, o, "part_id", arena_printf(cx->a, "%spart_id", p), 0,
                         &s[i].part_id)) != ERR_OK ||
            (rc = int_of(cx, o, "warehouse_id", arena_printf(cx->a, "%swarehouse_id", p), 0,
                         &s[i].warehouse_id)) != ERR_OK ||
            (rc = int_of(cx, o, "qty", arena_printf(cx->a, "%sqty", p), 0, &s[i].qty)) != ERR_OK ||
            (rc = int_of(cx, o, "supplier_id", arena_printf(cx->a, "%ssupplier_id", p), 0,
                         &s[i].supplier_id)) != ERR_OK)
            return rc;
        if (!s[i].part_id)
            return api_field_error(cx, arena_printf(cx->a, "%spart_id", p), "required");
        if (!s[i].warehouse_id)
            return api_field_error(cx, arena_printf(cx->a, "%swarehouse_id", p), "required");
    }
    if ((rc = po_from_suggestions(cx, s, n, &out)) != ERR_OK)
        return rc;
    http_json(rs, 201, out);
    return ERR_OK;
}

API_HANDLER(api_po_from_suggestions)
{
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    rc = api_po_from_suggestions_of(cx, rq, rs, body);
    json_decref(body);
    return rc;
}

/* POST /api/v1/supplier_returns/:id/post {version, lines} */
static enum err_code api_supplier_return_post_of(struct ctx *cx, struct http_req *rq,
                                                 struct http_resp *rs, json_t *body)
{
    static const char *const top[] = {"version", "lines", NULL};
    int64_t id, version, posting;
    struct po_receipt_line *lines;
    int n;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc != ERR_OK)
        return rc;
    if ((rc = api_only_members(cx, body, "", top)) != ERR_OK ||
        (rc = version_of(cx, body, &version)) != ERR_OK ||
        (rc = moving_lines(cx, body, &lines, &n)) != ERR_OK)
        return rc;
    struct record *out;
    if ((rc = supplier_return_post(cx, id, version, lines, n, &posting, &out)) != ERR_OK)
        return rc;
    http_json(
        rs, 201,
        json_pack("{s:I,s:o}", "posting_id", (json_int_t)posting, "return", record_to_json(out)));
    return ERR_OK;
}

API_HANDLER(api_supplier_return_post)
{
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    rc = api_supplier_return_post_of(cx, rq, rs, body);
    json_decref(body);
    return rc;
}

/* GET /api/v1/supplier_returns/:id/lines */
API_HANDLER(api_supplier_return_lines)
{
    int64_t id;
    json_t *j;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = supplier_return_lines(cx, id, &j);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, j);
    return ERR_OK;
}

/* GET /api/v1/suppliers/:id/scorecard?from=&to= (default: the last 365
 * days) */
API_HANDLER(api_supplier_scorecard)
{
    int64_t id;
    json_t *j;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc != ERR_OK)
        return rc;
    const char *from = api_param(rq, "from"), *to = api_param(rq, "to");
    char today[ISO_DATE_LEN], start[ISO_TIME_LEN];
    date_today(today);
    time_iso(time_now() - 365 * 86400LL, start);
    start[10] = 0;
    if ((rc = purchasing_scorecard(cx, id, from ? from : start, to ? to : today, &j)) != ERR_OK)
        return rc;
    http_json(rs, 200, j);
    return ERR_OK;
}

static void on_order_row(int64_t part, int64_t wh, int64_t qty, void *arg)
{
    json_t *items = arg;
    json_array_append_new(items, json_pack("{s:I,s:I,s:I}", "part_id", (json_int_t)part,
                                           "warehouse_id", (json_int_t)wh, "qty", (json_int_t)qty));
}

/* GET /api/v1/purchase_orders/on-order?warehouse_id=&part_id= — what is
 * ordered and not yet received, per part and warehouse */
API_HANDLER(api_po_on_order)
{
    int64_t wh = 0, part = 0;
    const char *w = api_param(rq, "warehouse_id"), *p = api_param(rq, "part_id");
    if (w && (!parse_i64(w, strlen(w), &wh) || wh < 1))
        return api_field_error(cx, "warehouse_id", "invalid");
    if (p && (!parse_i64(p, strlen(p), &part) || part < 1))
        return api_field_error(cx, "part_id", "invalid");
    json_t *items = json_array();
    enum err_code rc;
    if (part && wh) {
        int64_t qty;
        rc = po_on_order(cx, part, wh, &qty);
        if (rc == ERR_OK)
            on_order_row(part, wh, qty, items);
    } else {
        rc = po_on_order_each(cx, wh, on_order_row, items);
    }
    if (rc != ERR_OK) {
        json_decref(items);
        return rc;
    }
    if (part && !wh) {
        json_t *only_part = json_array();
        size_t i;
        json_t *o;
        json_array_foreach(items, i, o) if (json_integer_value(json_object_get(o, "part_id")) ==
                                            part) json_array_append(only_part, o);
        json_decref(items);
        items = only_part;
    }
    http_json(rs, 200, json_pack("{s:o}", "items", items));
    return ERR_OK;
}
