/* clocks.c — the workshop's clocks (api layer): every clock of a repair
 * order, the disposal of an unclaimed unit, the service history of an
 * equipment unit. The loaner pool, its handovers and the notices to
 * collect go through the generic handlers. */
#include <string.h>

#include "api/api.h"
#include "core/record.h"
#include "domain/workshop/clocks.h"
#include "base/banned.h"

/* The legal, target, loaner and unclaimed clocks of an order with their
 * countdowns. */
API_HANDLER(api_repair_clocks)
{
    int64_t id;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    json_t *j;
    if (rc == ERR_OK)
        rc = clocks_of_order(cx, id, &j);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, j);
    return ERR_OK;
}

/* {version, kind: dispose|sell, reason}: the order after its "dispose". */
API_HANDLER(api_repair_dispose)
{
    int64_t id;
    json_t *body = NULL;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (strcmp(key, "version") && strcmp(key, "kind") && strcmp(key, "reason"))
            err_field(&cx->err, key, "unknown");
        else if (!strcmp(key, "version") ? !json_is_integer(v) : !json_is_string(v))
            err_field(&cx->err, key, "invalid");
    }
    if (cx->err.nfields) {
        json_decref(body);
        return ctx_fail(cx, ERR_INVALID, "version, kind and reason only");
    }
    struct record *out;
    rc = unclaimed_dispose(cx, id, json_integer_value(json_object_get(body, "version")),
                           json_string_value(json_object_get(body, "kind")),
                           json_string_value(json_object_get(body, "reason")), &out);
    json_decref(body);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, record_to_json(out));
    return ERR_OK;
}

/* Every request, repair order, loaner and disposal of the unit, newest
 * first, as far as the caller may see them. */
API_HANDLER(api_unit_service_history)
{
    int64_t id;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    json_t *items;
    if (rc == ERR_OK)
        rc = unit_history(cx, id, &items);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, json_pack("{s:o}", "items", items));
    return ERR_OK;
}
