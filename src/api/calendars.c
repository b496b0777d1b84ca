/* calendars.c — loading a yearly production calendar into a business
 * calendar (api layer). */
#include <string.h>

#include "api/api.h"
#include "domain/desk/sla.h"
#include "base/banned.h"

API_HANDLER(api_calendar_load)
{
    int64_t id;
    json_t *body;
    struct record *cal;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = entity_get(cx, &entity_business_calendars, id, &cal);
    if (rc == ERR_OK)
        rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    const char *tsv = NULL;
    json_error_t je;
    if (json_unpack_ex(body, &je, JSON_STRICT, "{s:s}", "tsv", &tsv) != 0) {
        json_decref(body);
        err_field(&cx->err, "tsv", "required");
        return ctx_fail(cx, ERR_INVALID, "expected {\"tsv\": \"DATE<TAB>KIND<TAB>NOTE lines\"}");
    }
    tsv = arena_strdup(cx->a, tsv);
    json_decref(body);
    int loaded = 0;
    if ((rc = sla_calendar_import(cx, id, tsv, &loaded)) != ERR_OK)
        return rc;
    http_json(rs, 200, json_pack("{s:i}", "loaded", loaded));
    return ERR_OK;
}
