/* notifications.c — the bell: a user's notifications and marking them read
 * (api layer). */
#include <string.h>

#include "api/api.h"
#include "core/notify.h"
#include "domain/domain.h"
#include "base/banned.h"

API_HANDLER(api_notifications)
{
    bool unread_only = false;
    for (int i = 0; i < rq->nparams; i++)
        if (!strcmp(rq->params[i].key, "unread"))
            unread_only = !strcmp(rq->params[i].value, "true") || !strcmp(rq->params[i].value, "1");
    json_t *items;
    int64_t unread;
    enum err_code rc = notify_list(cx, domain_entities, unread_only, &items, &unread);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, json_pack("{s:o,s:I}", "items", items, "unread", (json_int_t)unread));
    return ERR_OK;
}

API_HANDLER(api_notifications_read)
{
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    json_t *ids = json_object_get(body, "ids");
    bool all = json_is_true(json_object_get(body, "all"));
    if ((!all && !json_is_array(ids)) || json_object_size(body) != 1) {
        json_decref(body);
        return ctx_fail(cx, ERR_INVALID, "expected {\"ids\": [..]} or {\"all\": true}");
    }
    size_t n = all ? 0 : json_array_size(ids);
    int64_t *v = arena_alloc(cx->a, (n && n <= NOTIFY_READ_MAX ? n : 1) * sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        json_t *id = json_array_get(ids, i);
        if (!json_is_integer(id) || n > NOTIFY_READ_MAX) {
            json_decref(body);
            return ctx_fail(cx, ERR_INVALID, "ids must be numbers (%d at most)", NOTIFY_READ_MAX);
        }
        v[i] = json_integer_value(id);
    }
    json_decref(body);
    if ((rc = notify_mark_read(cx, v, (int)n, all)) != ERR_OK)
        return rc;
    rs->status = 204;
    return ERR_OK;
}
