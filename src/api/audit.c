/* audit.c — reading the audit log, and a unit's service history built on it
 * (api layer): the query string in, core/audit's entries out. */
#include <string.h>

#include "api/api.h"
#include "core/audit.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

API_HANDLER(api_audit_list)
{
    const char *entity = NULL, *from = NULL, *to = NULL;
    int64_t record_id = 0, user_id = 0, cursor = 0, limit = 50;
    for (int i = 0; i < rq->nparams; i++) {
        const char *k = rq->params[i].key, *v = rq->params[i].value;
        int64_t t;
        bool ok = true;
        if (!strcmp(k, "entity"))
            entity = v;
        else if (!strcmp(k, "record_id"))
            ok = parse_i64(v, strlen(v), &record_id) && record_id > 0;
        else if (!strcmp(k, "user_id"))
            ok = parse_i64(v, strlen(v), &user_id) && user_id >= 0;
        else if (!strcmp(k, "cursor"))
            ok = parse_i64(v, strlen(v), &cursor) && cursor > 0;
        else if (!strcmp(k, "limit"))
            ok = parse_i64(v, strlen(v), &limit) && limit > 0;
        else if (!strcmp(k, "from"))
            ok = time_parse(from = v, &t);
        else if (!strcmp(k, "to"))
            ok = time_parse(to = v, &t);
        else
            return ctx_fail(cx, ERR_MALFORMED, "cannot filter the audit log by that");
        if (!ok)
            return ctx_fail(cx, ERR_MALFORMED, "bad value of %s", k);
    }
    struct audit_filter f = {
        .entity = entity,
        .record_id = record_id,
        .user_id = user_id,
        .from = from,
        .to = to,
        .cursor = cursor,
        .limit = limit > AUDIT_LIST_MAX ? AUDIT_LIST_MAX : (int)limit,
    };
    json_t *items;
    int64_t next;
    enum err_code rc = audit_list(cx, &f, &items, &next);
    if (rc != ERR_OK)
        return rc;
    http_json(
        rs, 200,
        json_pack("{s:o,s:o}", "items", items, "next_cursor",
                  next ? json_string(arena_printf(cx->a, "%lld", (long long)next)) : json_null()));
    return ERR_OK;
}

API_HANDLER(api_unit_history)
{
    int64_t id;
    struct record *unit;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = entity_get(cx, &entity_equipment_units, id, &unit);
    if (rc != ERR_OK)
        return rc;
    json_t *items;
    if ((rc = audit_record_history(cx, entity_equipment_units.name, id, &items)) != ERR_OK)
        return rc;
    http_json(rs, 200, json_pack("{s:o}", "items", items));
    return ERR_OK;
}
