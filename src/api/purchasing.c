/* purchasing.c — purchasing's own calls (api layer): a supplier's price
 * list and its history, and importing a price list (preview, then the
 * confirmation with the preview's token). Suppliers, their contacts and
 * single prices go through the generic resource handlers. */
#include <sodium.h>
#include <string.h>

#include "api/api.h"
#include "base/text.h"
#include "base/util.h"
#include "core/perm.h"
#include "domain/purchasing/purchasing.h"
#include "base/banned.h"

static enum err_code bad(struct ctx *cx, const char *field, const char *code, const char *what)
{
    err_field(&cx->err, field, code);
    return ctx_fail(cx, ERR_INVALID, "%s: %s", field, what);
}

/* {csv | csv_base64 | rows, valid_from?, token?} */
static enum err_code import_call(struct ctx *cx, struct http_req *rq, struct http_resp *rs,
                                 bool confirm)
{
    static const char *const keys[] = {"csv", "csv_base64", "rows", "valid_from", "token", NULL};
    int64_t id;
    json_t *body = NULL, *out = NULL;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v)
    {
        int i = 0;
        while (keys[i] && strcmp(keys[i], k))
            i++;
        if (!keys[i]) {
            rc = bad(cx, arena_strdup(cx->a, k), "unknown", "unknown member");
            goto done;
        }
    }
    struct price_import_in in = {0};
    json_t *csv = json_object_get(body, "csv"), *b64 = json_object_get(body, "csv_base64");
    in.rows = json_object_get(body, "rows");
    if (!!csv + !!b64 + !!in.rows != 1) {
        rc = bad(cx, "csv", "required", "give one of csv, csv_base64 and rows");
        goto done;
    }
    if (csv) {
        if (!json_is_string(csv)) {
            rc = bad(cx, "csv", "invalid", "the file's text");
            goto done;
        }
        in.csv = json_string_value(csv);
        in.csv_len = json_string_length(csv);
    } else if (b64) {
        if (!json_is_string(b64)) {
            rc = bad(cx, "csv_base64", "invalid", "the file's bytes in base64");
            goto done;
        }
        size_t len = json_string_length(b64), n = 0;
        if (len / 4 * 3 > PRICE_IMPORT_MAX_BYTES + 3) {
            rc = ctx_fail(cx, ERR_TOOBIG, "the file is over %d bytes", PRICE_IMPORT_MAX_BYTES);
            goto done;
        }
        char *bytes = arena_alloc(cx->a, len / 4 * 3 + 4);
        if (sodium_base642bin((unsigned char *)bytes, len / 4 * 3 + 3, json_string_value(b64), len,
                              " \r\n", &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
            rc = bad(cx, "csv_base64", "invalid", "not base64");
            goto done;
        }
        bytes[n] = 0;
        in.csv = bytes;
        in.csv_len = n;
    }
    json_t *from = json_object_get(body, "valid_from");
    if (from && !json_is_null(from)) {
        if (!json_is_string(from)) {
            rc = bad(cx, "valid_from", "invalid_date", "a date YYYY-MM-DD");
            goto done;
        }
        in.valid_from = json_string_value(from);
    }
    json_t *token = json_object_get(body, "token");
    if (confirm && (!json_is_string(token) || json_string_length(token) != 64)) {
        rc = bad(cx, "token", token ? "invalid" : "required", "the preview's token");
        goto done;
    }
    if (!confirm && token) {
        rc = bad(cx, "token", "unknown", "a preview takes no token: confirm at …/confirm");
        goto done;
    }
    rc = price_import(cx, id, &in, confirm ? json_string_value(token) : NULL, &out);
    if (rc == ERR_OK)
        http_json(rs, 200, out);
done:
    json_decref(body);
    return rc;
}

API_HANDLER(api_price_import_preview) { return import_call(cx, rq, rs, false); }

API_HANDLER(api_price_import_confirm) { return import_call(cx, rq, rs, true); }

static bool param_int(struct http_req *rq, const char *key, int64_t def, int64_t min, int64_t max,
                      int64_t *out)
{
    const char *v = api_param(rq, key);
    *out = def;
    return !v || (parse_i64(v, strlen(v), out) && *out >= min && *out <= max);
}

API_HANDLER(api_supplier_prices)
{
    int64_t id, limit, offset;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc != ERR_OK)
        return rc;
    for (int i = 0; i < rq->nparams; i++) {
        const char *k = rq->params[i].key;
        if (strcmp(k, "q") && strcmp(k, "limit") && strcmp(k, "offset"))
            return ctx_fail(cx, ERR_MALFORMED, "unknown parameter %s", k);
    }
    if (!param_int(rq, "limit", 100, 1, 500, &limit) ||
        !param_int(rq, "offset", 0, 0, 1000000, &offset))
        return ctx_fail(cx, ERR_MALFORMED, "limit is 1..500, offset 0 or more");
    const char *q = api_param(rq, "q");
    if (q && (strlen(q) > 200 || !utf8_valid(q, strlen(q))))
        return ctx_fail(cx, ERR_MALFORMED, "q is at most 200 characters of UTF-8");
    json_t *j;
    if ((rc = supplier_price_list(cx, id, q, limit, offset, &j)) != ERR_OK)
        return rc;
    http_json(rs, 200, j);
    return ERR_OK;
}

API_HANDLER(api_supplier_price_history)
{
    int64_t id, part;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc != ERR_OK)
        return rc;
    for (int i = 0; i < rq->nparams; i++)
        if (strcmp(rq->params[i].key, "part_id"))
            return ctx_fail(cx, ERR_MALFORMED, "unknown parameter %s", rq->params[i].key);
    if (!param_int(rq, "part_id", 0, 1, INT64_MAX, &part))
        return ctx_fail(cx, ERR_MALFORMED, "part_id is an id");
    json_t *j;
    if ((rc = supplier_price_history(cx, id, part, &j)) != ERR_OK)
        return rc;
    http_json(rs, 200, j);
    return ERR_OK;
}

/* For the part page and the finder (stock.c): who sells the part, when
 * the user may see purchasing. */
json_t *api_part_offers(struct ctx *cx, int64_t part_id, bool active_only, enum err_code *rc)
{
    *rc = ERR_OK;
    if (!ctx_can(cx, P_PURCHASING_READ))
        return NULL;
    return purchasing_part_offers(cx, part_id, active_only, rc);
}
